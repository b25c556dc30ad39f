{-# LANGUAGE ScopedTypeVariables #-}
-- | Aimed generators: 'Hints', 'Focus', 'Aim' (re-exported by "Hsx.Runtime").
module Hsx.Aim where

import Data.Int (Int8, Int16, Int32, Int64)
import Data.List (sortBy)
import Test.QuickCheck (Gen, arbitrary, choose, elements, frequency, oneof, resize, sized, vectorOf)

--
-- QuickCheck's default generators draw small, well-behaved values: they almost never produce
-- 'maxBound', an 'Integer' beyond 'Int', a NaN, the one character a program tests for, or a run
-- of twenty equal elements.  Programs that differ only there are exactly the subtle pairs
-- self-play wants, so the search also draws from these generators.  Each one mixes every idea
-- (boundaries, mined constants, structure) and the 'Focus' only shifts the weights, so that
-- combinations (a long run of a mined character, a list of boundary values) stay reachable.

-- | Which kind of value a strategy favours.
data Focus
  = Boundary   -- ^ numeric boundaries and special values, short structures
  | Mined      -- ^ the constants found in the two programs, and their neighbours
  | Structure  -- ^ duplicates, runs, sorted lists, long lists, deep and wide data
  | Overflow   -- ^ machine-integer extremes only: sums, differences and products that wrap
  deriving (Eq, Show)

-- | Constants mined from both programs' text (by hsx, in Python) plus the focus.
data Hints = Hints
  { hintInts    :: [Integer]  -- ^ integer literals (their neighbours are added here)
  , hintDoubles :: [Double]   -- ^ fractional literals
  , hintChars   :: [Char]     -- ^ character literals and the characters of string literals
  , hintStrings :: [String]   -- ^ string literals
  , hintFocus   :: Focus
  }

-- | Values aimed at where programs tend to differ.  'aimList' lets 'String' have its own list
-- generator (as 'showList' does for 'show'); 'aimOrder' lets lists be sorted where the
-- elements can be compared.
class Aim a where
  aim :: Hints -> Gen a
  aimList :: Hints -> Gen [a]
  aimList = aimListDefault
  aimOrder :: Maybe (a -> a -> Ordering)
  aimOrder = Nothing

-- | Weight 6 for the focused kind of value, 1 for the others.
weight :: Hints -> Focus -> Int
weight h f
  | hintFocus h == f = 6
  | hintFocus h == Overflow = 0
  | otherwise = 1

-- | Picks among the alternatives with positive weight and a non-empty list of values.
pick :: [(Int, [a])] -> [(Int, Gen a)] -> Gen a
pick lists gens = frequency ([(w, elements xs) | (w, xs) <- lists, w > 0, not (null xs)]
                             ++ [(w, g) | (w, g) <- gens, w > 0])

-- | Boundaries of machine integers and their neighbours, as 'Integer's (filtered per type).
integerBoundaries :: [Integer]
integerBoundaries =
  [0, 1, -1, 2, -2, 3, -3, 10, -10, 100, 1000]
  ++ concat [[v - 1, v, v + 1, negate v + 1, negate v, negate v - 1] | v <- edges]
  ++ [2 ^ k | k <- [1 .. 64 :: Int]] ++ [10 ^ k | k <- [1 .. 20 :: Int]]
  ++ [negate (2 ^ k) | k <- [1 .. 64 :: Int]] ++ [negate (10 ^ k) | k <- [1 .. 20 :: Int]]
  where
    -- 2^31, 2^32, 2^62, 2^63 and isqrt(maxBound :: Int) = 3037000499, whose square fits and
    -- whose successor's square overflows.
    edges = [2 ^ (31 :: Int), 2 ^ (32 :: Int), 2 ^ (62 :: Int), 2 ^ (63 :: Int), 2 ^ (64 :: Int),
             3037000499, 3037000500, 2 ^ (15 :: Int), 2 ^ (16 :: Int), 2 ^ (7 :: Int), 2 ^ (8 :: Int)]

mined :: Hints -> [Integer]
mined h = concat [[m - 1, m, m + 1, negate m] | m <- hintInts h]

-- | Machine integers: boundaries, the values whose sums, differences and products cross the
-- bounds (halves, square roots, values near the ends), mined constants, small values.
aimBounded :: forall a. (Integral a, Bounded a) => Hints -> Gen a
aimBounded h = pick
  [ (3 * weight h Boundary + 6 * over, fit (integerBoundaries ++ ends))
  , (6 * over, fit crossing)
  , (3 * weight h Mined, fit (mined h)) ]
  [ (2 * weight h Boundary + 3 * weight h Structure, fromInteger . clamp <$> choose (-20, 20))
  , (2 * weight h Boundary + 4 * over, nearEnd)
  , (weight h Boundary + 2 * over, fromInteger <$> choose (lo, hi))
  , (weight h Structure, fromInteger . clamp <$> resize 1000 arbitrary) ]
  where
    over = if hintFocus h == Overflow then 1 else 0
    lo = toInteger (minBound :: a)
    hi = toInteger (maxBound :: a)
    clamp x = max lo (min hi x)
    fit xs = [fromInteger x :: a | x <- xs, x >= lo, x <= hi]
    ends = [lo, lo + 1, lo + 2, hi, hi - 1, hi - 2]
    root = isqrt hi
    crossing = concat [[v - 1, v, v + 1] | v <- [hi `div` 2, lo `div` 2, root, negate root,
                                                 hi `div` 3, hi `div` 10, 2 ^ (32 :: Int)]]
    nearEnd = do
      k <- choose (0, 1000)
      elements [fromInteger (hi - k), fromInteger (lo + k), fromInteger (hi `div` 2 + k),
                fromInteger (lo `div` 2 - k)]

isqrt :: Integer -> Integer
isqrt n = go n
  where
    go x = let y = (x + n `div` x) `div` 2 in if y >= x then x else go y

instance Aim Int where
  aim = aimBounded
  aimOrder = Just compare
instance Aim Word where
  aim = aimBounded
  aimOrder = Just compare
instance Aim Int8 where
  aim = aimBounded
  aimOrder = Just compare
instance Aim Int16 where
  aim = aimBounded
  aimOrder = Just compare
instance Aim Int32 where
  aim = aimBounded
  aimOrder = Just compare
instance Aim Int64 where
  aim = aimBounded
  aimOrder = Just compare

instance Aim Integer where
  aim h = pick
    [ (3 * weight h Boundary + 6 * over, integerBoundaries ++ beyond)
    , (3 * weight h Mined, mined h) ]
    [ (2 * weight h Boundary + 3 * weight h Structure, choose (-20, 20))
    , (2 * weight h Boundary + 2 * over, huge)
    , (weight h Structure, resize 1000 arbitrary) ]
    where
      over = if hintFocus h == Overflow then 1 else 0
      -- Well beyond Int: where an Integer program and an Int program part ways.
      beyond = concat [[v - 1, v, v + 1, negate v] | v <- [2 ^ (63 :: Int), 2 ^ (64 :: Int),
                                                           2 ^ (100 :: Int), 10 ^ (20 :: Int),
                                                           10 ^ (30 :: Int)]]
      huge = do
        k <- choose (60, 200 :: Int)
        d <- choose (-1000, 1000)
        s <- elements [1, -1]
        pure (s * 2 ^ k + d)
  aimOrder = Just compare

-- | IEEE specials and magnitudes, compared by the usual tolerance rules ('sameDouble').  Huge
-- finite values are positive only: with both signs, @(a + b) + c@ and @a + (b + c)@ at
-- @a = -1e300, b = 1e300, c = 1@ give 1 and 0, a difference of rounding alone (cancellation),
-- which the tolerance rule exists to ignore.  Negative infinity, tiny values of both signs and
-- negative small values stay.
doubleSpecials :: [Double]
doubleSpecials =
  [ 0, -0.0, 1 / 0, -1 / 0, 0 / 0, 1, -1, 0.5, -0.5, 0.1, 2, -2, 1e-300, -1e-300, 5e-324, -5e-324
  , 2.2250738585072014e-308, 1e300, 1.7976931348623157e308
  , 9007199254740992, 9007199254740993, 1e16, 1e-10, 1e10, 3.4028235e38, 1.0e-45, 1e20 ]

instance Aim Double where
  aim h = pick
    [ (3 * weight h Boundary, doubleSpecials)
    , (3 * weight h Mined, hintDoubles h ++ [fromInteger m | m <- mined h, abs m < 2 ^ (53 :: Int)]) ]
    [ (2 * weight h Boundary + 2 * weight h Structure, fromInteger <$> choose (-20, 20))
    , (2, arbitrary) ]
  aimOrder = Just compare

instance Aim Float where
  aim h = realToFrac <$> (aim h :: Gen Double)
  aimOrder = Just compare

-- | Characters that programs single out, plus the mined ones and their neighbours.
charSpecials :: [Char]
charSpecials = " \t\n\r\0aAzZ09-_.,;:!?'\"\\/()[]{}#@\DEL\200\233\223\1114111"

minedChars :: Hints -> [Char]
minedChars h = concat [[c, pred' c, succ' c] | c <- hintChars h]
  where
    pred' c = if c == minBound then c else pred c
    succ' c = if c == maxBound then c else succ c

instance Aim Char where
  aim h = pick
    [ (2 * weight h Boundary, charSpecials)
    , (4 * weight h Mined, minedChars h)
    , (2 * weight h Structure, "ab ") ]
    [ (2, arbitrary), (1, choose ('a', 'e')) ]
  aimList = aimString
  aimOrder = Just compare

-- | Strings over the mined characters plus spaces: leading, trailing and repeated spaces,
-- mined strings embedded in others, runs, long strings.
aimString :: Hints -> Gen String
aimString h = frequency
  [ (3, short)
  , (2 * weight h Mined + 1, embedded)
  , (2 * weight h Structure + 2, spaced)
  , (2 * weight h Structure, runs)
  , (weight h Structure + 1, long)
  , (1, aimListDefault h) ]
  where
    alphabet = take 40 (hintChars h ++ concat (hintStrings h)) ++ " ab"
    letter = frequency [(4, elements alphabet), (1, aim h)]
    short = do
      n <- choose (0, 12)
      vectorOf n letter
    word = do
      n <- choose (1, 6)
      frequency [(3, vectorOf n letter), (2 * weight h Mined, if null (hintStrings h) then vectorOf n letter
                                                                else elements (hintStrings h))]
    spaces = do
      n <- frequency [(3, pure 1), (2, choose (2, 4)), (1, choose (5, 25))]
      pure (replicate n ' ')
    spaced = do
      k <- choose (0, 5)
      ws <- vectorOf k word
      gaps <- vectorOf (k + 1) (frequency [(2, pure ""), (3, spaces)])
      pure (concat (zipWith (++) gaps (ws ++ [""])))
    embedded = do
      pre <- short
      s <- if null (hintStrings h) then short else elements (hintStrings h)
      post <- short
      elements [s, pre ++ s, s ++ post, pre ++ s ++ post, s ++ s]
    runs = do
      k <- choose (1, 4)
      fmap concat $ vectorOf k $ do
        c <- letter
        n <- frequency [(3, choose (1, 5)), (2, choose (6, 30))]
        pure (replicate n c)
    long = do
      n <- choose (100, 300)
      vectorOf n letter

-- | Lists: short ones, duplicates, runs of equal elements (up to 30), sorted and reverse-sorted
-- ones, long ones (100 to 300 elements), and lengths next to the programs' constants.
aimListDefault :: forall a. Aim a => Hints -> Gen [a]
aimListDefault h = sized $ \n -> if n <= 0 then frequency [(3, pure []), (1, vectorOf 1 (aim h))] else
  frequency $
  [ (3 * weight h Boundary + 2, short n) ]
  ++ (if n < 4 then [] else
  [ (2 * weight h Structure, dupes)
  , (2 * weight h Structure, runs)
  , (weight h Structure, sorted False)
  , (weight h Structure, sorted True)
  , (2 * weight h Mined, minedLength) ])
  ++ [(weight h Structure, long) | n >= 8]
  where
    -- Elements get a third of the size: lists of lists, and of recursive user data, stay
    -- finite and small (the element generators of numbers and characters ignore the size).
    element = sized (\m -> resize (m `div` 3) (aim h))
    small = resize 1 (aim h)
    short n = do
      k <- choose (0, min 8 n)
      vectorOf k element
    dupes = do
      pool <- choose (1, 3) >>= \k -> vectorOf k element
      k <- choose (2, 14)
      vectorOf k (elements pool)
    runs = do
      k <- choose (1, 4)
      fmap concat $ vectorOf k $ do
        x <- element
        r <- frequency [(3, choose (1, 5)), (2, choose (6, 30))]
        pure (replicate r x)
    sorted rev = do
      xs <- frequency [(2, short 8), (1, dupes), (1, choose (10, 40) >>= \k -> vectorOf k small)]
      pure $ case aimOrder :: Maybe (a -> a -> Ordering) of
        Just cmp -> sortBy (if rev then flip cmp else cmp) xs
        Nothing -> xs
    long = do
      k <- choose (100, 300)
      vectorOf k small
    minedLength = case [m | m <- mined h, m >= 0, m <= 400] of
      [] -> short 8
      ms -> do
        k <- elements ms
        vectorOf (fromInteger k) element

instance Aim a => Aim [a] where
  aim = aimList
  aimOrder = fmap listOrder aimOrder
    where
      listOrder cmp = go
        where
          go [] [] = EQ
          go [] _ = LT
          go _ [] = GT
          go (x : xs) (y : ys) = cmp x y <> go xs ys

instance Aim Bool where
  aim _ = elements [False, True]
  aimOrder = Just compare
instance Aim () where
  aim _ = pure ()
instance Aim Ordering where
  aim _ = elements [LT, EQ, GT]
  aimOrder = Just compare

instance Aim a => Aim (Maybe a) where
  aim h = frequency [(1, pure Nothing), (4, Just <$> aim h)]
instance (Aim a, Aim b) => Aim (Either a b) where
  aim h = oneof [Left <$> aim h, Right <$> aim h]

-- Tuples: each component is drawn independently, so that two boundary values meet (the
-- two-argument overflow of @x + y@ at @maxBound@ and @1@).
instance (Aim a, Aim b) => Aim (a, b) where
  aim h = (,) <$> aim h <*> aim h
instance (Aim a, Aim b, Aim c) => Aim (a, b, c) where
  aim h = (,,) <$> aim h <*> aim h <*> aim h
instance (Aim a, Aim b, Aim c, Aim d) => Aim (a, b, c, d) where
  aim h = (,,,) <$> aim h <*> aim h <*> aim h <*> aim h
instance (Aim a, Aim b, Aim c, Aim d, Aim e) => Aim (a, b, c, d, e) where
  aim h = (,,,,) <$> aim h <*> aim h <*> aim h <*> aim h <*> aim h

-- | A field of a user data constructor with @k@ fields, of which field @spine@ carries the
-- depth: it gets size @n - 1@ (a deep spine), the others @n / 3@ (wide but bounded).  Used by
-- the 'Aim' instances the harness generates.
aimField :: Aim a => Hints -> Int -> Int -> Int -> Gen a
aimField h n spine j = resize (max 0 (if j == spine then n - 1 else n `div` 3)) (aim h)

-- | A user data type's generator from its non-recursive and its recursive constructors.  At
-- size @n@ a structure-focused draw picks a recursive constructor with probability n/(n+1), so
-- that a size-40 draw reaches depth 20 about half the time (QuickCheck's usual halving of the
-- size gives depth 5); other focuses keep values shallow.
aimSized :: Hints -> [Gen a] -> [Gen a] -> Gen a
aimSized h flat deep = sized $ \n ->
  if n <= 0 then oneof flat
  else frequency [(1, oneof flat), (if hintFocus h == Structure then n else 1, oneof deep)]
