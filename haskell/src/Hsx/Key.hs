{-# LANGUAGE Safe #-}
-- | The type hsx instantiates @Eq@/@Ord@-constrained type variables at, besides @Int@: a key
-- and a tag, where '==' and 'compare' look only at the key.  Two values with one key are equal
-- to the program but still distinguishable in its result, so that a sort that is not stable, a
-- @nub@ that keeps the last duplicate instead of the first, or a @Map.insert@ that keeps the old
-- key show a difference that no instantiation at @Int@ can show.
--
-- Safe, so that the inputs module (Safe) can import it to read a printed counterexample back;
-- hsx's own instances (generation, printing, comparison of both fields) are in "Hsx.Containers".
module Hsx.Key (Key (..)) where

data Key = Key Int Char

instance Eq Key where
  Key a _ == Key b _ = a == b

instance Ord Key where
  compare (Key a _) (Key b _) = compare a b

-- | Shows both fields: the program's own 'show' (a @Show a@ constraint) sees what 'Same' sees.
instance Show Key where
  showsPrec d (Key k t) = showParen (d > 10) (showString "Hsx.Key.Key " . showsPrec 11 k . showChar ' ' . showsPrec 11 t)
