{-# LANGUAGE FlexibleInstances #-}
{-# LANGUAGE MultiParamTypeClasses #-}
{-# LANGUAGE FlexibleContexts #-}
{-# OPTIONS_GHC -Wno-orphans #-}
-- | Library types as entry arguments and results: containers (Map, Set, IntMap, IntSet, Seq),
-- Text, Ratio, NonEmpty, Natural and the fixed-width integers.  This module only adds instances
-- of "Hsx.Runtime"'s classes ('Same', 'Render', 'Aim') and the QuickCheck and SmallCheck
-- instances that QuickCheck 2.14 and SmallCheck 1.2 lack; a harness imports it, and the search
-- itself is unchanged.
--
-- The Python side keeps the list of these types (hsx/haskell/libtypes.py): what it accepts, how
-- types are spelled in the harness, and the modules the inputs module imports so that what
-- 'Render' prints here reads back there.  The two must name the same functions:
--
-- > Data.Map.fromList [(1,'a')]   Data.Set.fromList [1]   Data.IntMap.fromList [(1,'a')]
-- > Data.IntSet.fromList [1]      Data.Sequence.fromList [1]   Data.Text.pack "ab"
-- > 3 / 4                        Data.List.NonEmpty.fromList [1,2]
--
-- Generation aims at what makes these types interesting: empty and singleton values, keys drawn
-- from a small pool (so that two maps given to one function share keys: unions collide,
-- differences and intersections are not trivial), keys at the numeric boundaries, many equal
-- elements (a list turned into a map keeps one value per key: which one is a classic slip), and
-- a few large values.
module Hsx.Containers
  ( aimKey
  ) where

import qualified Data.IntMap as IntMap
import qualified Data.IntSet as IntSet
import Data.Int (Int16, Int32, Int64, Int8)
import Data.List.NonEmpty (NonEmpty (..))
import qualified Data.Map as Map
import Data.Ratio (Ratio, denominator, numerator, (%))
import qualified Data.Sequence as Seq
import qualified Data.Set as Set
import qualified Data.Text as Text
import Data.Foldable (toList)
import Data.Word (Word16, Word32, Word64, Word8)
import Hsx.Key (Key (..))
import Hsx.Runtime (Aim (..), Hints, Render (..), Same (..), aimBounded, renderNum)
import Numeric.Natural (Natural)
import Test.QuickCheck (Arbitrary (..), Gen, choose, elements, frequency, resize, sized, vectorOf)
import Test.SmallCheck.Series (Serial (..), (<~>))

-- ---------------------------------------------------------------------------------------------
-- Equality: containers compare by their contents in key order (two maps built in different
-- orders are the same map); everything else by '=='.

instance (Same k, Same v) => Same (Map.Map k v) where
  same a b = same (Map.toAscList a) (Map.toAscList b)
instance Same a => Same (Set.Set a) where
  same a b = same (Set.toAscList a) (Set.toAscList b)
instance Same v => Same (IntMap.IntMap v) where
  same a b = same (IntMap.toAscList a) (IntMap.toAscList b)
instance Same IntSet.IntSet where same = (==)
instance Same a => Same (Seq.Seq a) where
  same a b = same (toList a) (toList b)
instance Same a => Same (NonEmpty a) where
  same a b = same (toList a) (toList b)
instance Same Text.Text where same = (==)
instance Eq a => Same (Ratio a) where same = (==)
instance Same Natural where same = (==)
instance Same Int8 where same = (==)
instance Same Int16 where same = (==)
instance Same Int32 where same = (==)
instance Same Int64 where same = (==)
instance Same Word8 where same = (==)
instance Same Word16 where same = (==)
instance Same Word32 where same = (==)
instance Same Word64 where same = (==)

-- ---------------------------------------------------------------------------------------------
-- Printing: a function application that the inputs module (which imports these modules
-- qualified under their own names) reads back as the same value.

applied :: String -> ShowS -> Int -> ShowS
applied function argument d = showParen (d > 10) (showString function . showChar ' ' . argument)

instance (Render k, Render v) => Render (Map.Map k v) where
  renderPrec d m = applied "Data.Map.fromList" (renderPrec 11 (Map.toAscList m)) d
instance Render a => Render (Set.Set a) where
  renderPrec d s = applied "Data.Set.fromList" (renderPrec 11 (Set.toAscList s)) d
instance Render v => Render (IntMap.IntMap v) where
  renderPrec d m = applied "Data.IntMap.fromList" (renderPrec 11 (IntMap.toAscList m)) d
instance Render IntSet.IntSet where
  renderPrec d s = applied "Data.IntSet.fromList" (renderPrec 11 (IntSet.toAscList s)) d
instance Render a => Render (Seq.Seq a) where
  renderPrec d s = applied "Data.Sequence.fromList" (renderPrec 11 (toList s)) d
instance Render a => Render (NonEmpty a) where
  renderPrec d s = applied "Data.List.NonEmpty.fromList" (renderPrec 11 (toList s)) d
instance Render Text.Text where
  renderPrec d t = applied "Data.Text.pack" (shows (Text.unpack t)) d
-- Printed with the Prelude's (/), exact for Ratio (infixl 7; a negative numerator is
-- parenthesized by 'renderNum' at precedence 8), and without the qualified operator
-- @Data.Ratio.%@, which the input policy's tokenizer would take for a module name.
instance (Render a, Integral a) => Render (Ratio a) where
  renderPrec d r
    | denominator r == 1 = renderPrec d (numerator r)
    | otherwise = showParen (d > 7) $
        renderPrec 8 (numerator r) . showString " / " . renderPrec 8 (denominator r)
instance Render Natural where renderPrec _ = shows
instance Render Int8 where renderPrec = renderNum
instance Render Int16 where renderPrec = renderNum
instance Render Int32 where renderPrec = renderNum
instance Render Int64 where renderPrec = renderNum
instance Render Word8 where renderPrec _ = shows
instance Render Word16 where renderPrec _ = shows
instance Render Word32 where renderPrec _ = shows
instance Render Word64 where renderPrec _ = shows

-- ---------------------------------------------------------------------------------------------
-- Aimed generators

-- | Keys: mostly from a small pool (QuickCheck's generator at size 4: -4..4 for numbers, short
-- strings), so that independently drawn containers share keys; otherwise the aimed values of
-- the key type (boundaries, mined constants).
aimKey :: (Arbitrary k, Aim k) => Hints -> Gen k
aimKey h = frequency [(3, resize 4 arbitrary), (2, aim h)]

-- | Contents of a container: empty, one element, a few (some equal: duplicate keys), or many.
aimContents :: Gen a -> Gen [a]
aimContents element = sized $ \n -> frequency
  [ (2, pure [])
  , (2, vectorOf 1 element)
  , (6, choose (2, max 2 (min 12 n)) >>= \k -> vectorOf k element)
  , (1, choose (20, 60) >>= \k -> vectorOf k element) ]

-- | Values inside containers get a third of the size, as list elements do ('Hsx.Runtime').
inner :: Aim a => Hints -> Gen a
inner h = sized (\m -> resize (m `div` 3) (aim h))

instance (Ord k, Arbitrary k, Aim k, Aim v) => Aim (Map.Map k v) where
  aim h = Map.fromList <$> aimContents ((,) <$> aimKey h <*> inner h)
instance (Ord a, Arbitrary a, Aim a) => Aim (Set.Set a) where
  aim h = Set.fromList <$> aimContents (aimKey h)
instance Aim v => Aim (IntMap.IntMap v) where
  aim h = IntMap.fromList <$> aimContents ((,) <$> aimKey h <*> inner h)
instance Aim IntSet.IntSet where
  aim h = IntSet.fromList <$> aimContents (aimKey h)
instance Aim a => Aim (Seq.Seq a) where
  aim h = Seq.fromList <$> aimList h
instance Aim a => Aim (NonEmpty a) where
  aim h = (:|) <$> inner h <*> aimList h
-- Text gets the aimed strings of "Hsx.Runtime" (mined characters, spaces, runs).
instance Aim Text.Text where
  aim h = Text.pack <$> aimList h
  aimOrder = Just compare
instance (Integral a, Aim a) => Aim (Ratio a) where
  aim h = do
    n <- aim h
    d <- frequency [(3, aim h), (2, fromInteger <$> choose (1, 12))]
    pure (if d == 0 then n % 1 else n % d)
  aimOrder = Nothing
instance Aim Natural where
  aim h = fromInteger . abs <$> (aim h :: Gen Integer)
  aimOrder = Just compare
instance Aim Word8 where
  aim = aimBounded
  aimOrder = Just compare
instance Aim Word16 where
  aim = aimBounded
  aimOrder = Just compare
instance Aim Word32 where
  aim = aimBounded
  aimOrder = Just compare
instance Aim Word64 where
  aim = aimBounded
  aimOrder = Just compare

-- ---------------------------------------------------------------------------------------------
-- QuickCheck and SmallCheck instances that their libraries lack (QuickCheck 2.14 has Map,
-- Set, IntMap, IntSet, Seq, Ratio and the fixed-width integers; SmallCheck 1.2 has Natural,
-- Ratio, NonEmpty and the fixed-width integers).

instance Arbitrary a => Arbitrary (NonEmpty a) where
  arbitrary = (:|) <$> arbitrary <*> arbitrary
  shrink (x :| xs) = [y :| ys | (y, ys) <- shrink (x, xs)]
instance Arbitrary Natural where
  arbitrary = fromInteger . abs <$> arbitrary
  shrink n = [fromInteger m | m <- shrink (toInteger n), m >= 0]
instance Arbitrary Text.Text where
  arbitrary = Text.pack <$> arbitrary
  shrink t = Text.pack <$> shrink (Text.unpack t)

instance (Monad m, Serial m k, Serial m v, Ord k) => Serial m (Map.Map k v) where
  series = Map.fromList <$> series
instance (Monad m, Serial m a, Ord a) => Serial m (Set.Set a) where
  series = Set.fromList <$> series
instance (Monad m, Serial m v) => Serial m (IntMap.IntMap v) where
  series = IntMap.fromList <$> series
instance Monad m => Serial m IntSet.IntSet where
  series = IntSet.fromList <$> series
instance (Monad m, Serial m a) => Serial m (Seq.Seq a) where
  series = Seq.fromList <$> series
instance Monad m => Serial m Text.Text where
  series = Text.pack <$> series


-- ---------------------------------------------------------------------------------------------
-- Key (Hsx.Key): keys from a small range and tags from a few letters, so that equal keys with
-- different tags are common; compared and printed with both fields.

instance Same Key where
  same (Key a s) (Key b t) = a == b && s == t
instance Render Key where
  renderPrec d (Key k t) = showParen (d > 10) $
    showString "Hsx.Key.Key " . renderPrec 11 k . showChar ' ' . renderPrec 11 t
instance Arbitrary Key where
  arbitrary = Key <$> choose (0, 3) <*> elements "abc"
  shrink (Key k t) = [Key k' t | k' <- shrink k, k' >= 0] ++ [Key k 'a' | t /= 'a']
instance Aim Key where
  aim _ = Key <$> frequency [(4, choose (0, 3)), (1, choose (-2, 20))] <*> elements "abcd"
  aimOrder = Just compare
instance Monad m => Serial m Key where
  series = Key <$> series <~> series
