{-# LANGUAGE FlexibleInstances #-}
{-# LANGUAGE MultiParamTypeClasses #-}
{-# LANGUAGE FlexibleContexts #-}
-- | Functions as entry arguments: @map f@, @sortBy cmp@, @filter p@.
--
-- A generated function is a finite table with a default, as QuickCheck's @Fun@ is, but printed
-- as a lambda that reads back as the same function, so that a counterexample can be re-run from
-- its printed form:
--
-- > (\x -> if x == 3 then True else if x == -1 then False else True)
-- > (\x y -> if (x, y) == (1,2) then LT else GT)
--
-- Why not QuickCheck's @Fun@: its @show@ (@{3->True, _->False}@) is not Haskell, and it needs
-- 'Function' and 'CoArbitrary' instances that user data types do not have.  A table needs only
-- '==' on the argument (the printed lambda uses it too).  Table keys come from a small pool, so
-- that they meet the small values the other arguments are drawn from.
--
-- A function given by the user (@--input@, or a re-run) is wrapped as 'Given'; it is printed as
-- a placeholder, since the user's own text is what hsx reports for given inputs.
module Hsx.Function
  ( Fn (..)
  , Fn2 (..)
  , apply
  , apply2
  , given2
  ) where

import Hsx.Containers (aimKey)
import Hsx.Runtime (Aim (..), Render (..))
import Test.QuickCheck (Arbitrary (..), Gen, choose, frequency, resize, vectorOf)
import Test.SmallCheck.Series (Serial (..), decDepth, (<~>), (\/))

-- | A function of one argument: a table and a default, or a function given as source.
data Fn a b = Fn [(a, b)] b | Given (a -> b)

-- | A function of two arguments, tabled on the pair of arguments (printed curried).
newtype Fn2 a b c = Fn2 (Fn (a, b) c)

apply :: Eq a => Fn a b -> a -> b
apply (Fn table d) x = maybe d id (lookup x table)
apply (Given f) x = f x

apply2 :: (Eq a, Eq b) => Fn2 a b c -> a -> b -> c
apply2 (Fn2 f) x y = apply f (x, y)

given2 :: (a -> b -> c) -> Fn2 a b c
given2 f = Fn2 (Given (uncurry f))

-- | The lambda's body: one @if@ per table row, first row first (as 'lookup' reads the table).
body :: (Render a, Render b) => String -> [(a, b)] -> b -> ShowS
body var table d = foldr row (renderPrec 0 d) table
  where
    row (k, v) rest = showString "if " . showString var . showString " == " . renderPrec 4 k
      . showString " then " . renderPrec 0 v . showString " else " . rest

-- | A lambda, parenthesized inside other expressions (at the top level it stands alone, as
-- hsx prints each argument by itself).
lambda :: Int -> String -> ShowS -> ShowS
lambda d params rest = showParen (d > 0) (showString "\\" . showString params . showString " -> " . rest)

instance (Render a, Render b) => Render (Fn a b) where
  renderPrec d (Fn [] v) = lambda d "_" (renderPrec 0 v)
  renderPrec d (Fn table v) = lambda d "x" (body "x" table v)
  renderPrec _ (Given _) = showString "<a given function>"

instance (Render a, Render b, Render c) => Render (Fn2 a b c) where
  renderPrec d (Fn2 (Fn [] v)) = lambda d "_ _" (renderPrec 0 v)
  renderPrec d (Fn2 (Fn table v)) = lambda d "x y" (body "(x, y)" table v)
  renderPrec _ (Fn2 (Given _)) = showString "<a given function>"

-- | Tables of up to 5 rows; keys mostly small (see 'aimKey').
table :: Gen a -> Gen b -> Gen [(a, b)]
table key value = frequency [(2, pure []), (5, choose (1, 5) >>= \k -> vectorOf k ((,) <$> key <*> value))]

instance (Arbitrary a, Arbitrary b) => Arbitrary (Fn a b) where
  arbitrary = Fn <$> table (resize 4 arbitrary) arbitrary <*> arbitrary
  shrink (Given _) = []
  shrink (Fn t d) = [Fn t' d | t' <- dropOne t] ++ [Fn t d' | d' <- shrink d]
    ++ [Fn t' d | t' <- shrinkValues t]
    where
      dropOne xs = [take i xs ++ drop (i + 1) xs | i <- [0 .. length xs - 1]]
      shrinkValues xs = [take i xs ++ [(k, v')] ++ drop (i + 1) xs | (i, (k, v)) <- zip [0 ..] xs, v' <- shrink v]

instance (Arbitrary a, Arbitrary b, Arbitrary c) => Arbitrary (Fn2 a b c) where
  arbitrary = Fn2 <$> arbitrary
  shrink (Fn2 f) = Fn2 <$> shrink f

instance (Arbitrary a, Aim a, Aim b) => Aim (Fn a b) where
  aim h = Fn <$> table (aimKey h) (aim h) <*> aim h

instance (Arbitrary a, Aim a, Arbitrary b, Aim b, Aim c) => Aim (Fn2 a b c) where
  aim h = (\t d -> Fn2 (Fn t d)) <$> table ((,) <$> aimKey h <*> aimKey h) (aim h) <*> aim h

-- | Enumeration: constant functions first, then one exception to a constant.
instance (Monad m, Serial m a, Serial m b) => Serial m (Fn a b) where
  series = (Fn [] <$> series) \/ decDepth ((\k v d -> Fn [(k, v)] d) <$> series <~> series <~> series)

instance (Monad m, Serial m a, Serial m b, Serial m c) => Serial m (Fn2 a b c) where
  series = Fn2 <$> series
