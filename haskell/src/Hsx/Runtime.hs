{-# LANGUAGE ExistentialQuantification #-}
{-# LANGUAGE ScopedTypeVariables #-}
-- | The part of hsx that runs inside the interpreter, next to the two programs being compared.
--
-- hsx (Python) writes a harness module per pair that builds a 'Job': how to generate, enumerate,
-- shrink and render the entry's arguments, and how to call each side.  The helper executable
-- interprets that harness and hands the 'Job' to 'searchJob' or 'checkJob', which are compiled
-- code.  Everything here is about one question: is there an input on which the two sides
-- observably differ?
--
-- Rules that make a reported difference trustworthy (see the README's verdict table):
--
-- * a side's outcome is a fully forced value, an exception, a timeout, or a resource limit;
-- * two values differ when 'same' says so; a value against an exception is a difference;
-- * two exceptions are never a difference (their messages may legitimately differ);
-- * a timeout or resource limit is never a difference, only a "possible divergence".
module Hsx.Runtime
  ( -- * What a harness provides
    Job (..)
    -- * Comparing and printing values
  , Same (..)
  , Render (..)
  , render
    -- * Aimed generators
  , Hints (..)
  , Focus (..)
  , Aim (..)
  , aimField
  , aimSized
    -- * Outcomes and search (for the helper executable)
  , Outcome (..)
  , Limits (..)
  , Report (..)
  , searchJob
  , checkJob
  , sampleJob
  ) where

import Hsx.Exception (Caught (..), classify, message, tryEvaluate)
import Data.IORef (newIORef, readIORef, modifyIORef', writeIORef)
import Data.Int (Int8, Int16, Int32, Int64)
import Data.List (sortBy)
import qualified Data.Set as Set
import Data.Functor.Identity (Identity)
import System.CPUTime (getCPUTime)
import System.Timeout (timeout)
import Test.QuickCheck (Gen, arbitrary, choose, elements, frequency, oneof, resize, sized, vectorOf)
import Test.QuickCheck.Gen (unGen)
import Test.QuickCheck.Random (mkQCGen)
import Test.SmallCheck.Series (Series, list)

-- ---------------------------------------------------------------------------------------------
-- Jobs

-- | Everything the search needs to know about one pair, with the argument tuple type @args@ and
-- the result type @r@ hidden so that a single compiled 'searchJob' serves every pair.
data Job = forall args r. (Same r, Render r) => Job
  { jobArity  :: Int
  , jobGen    :: Gen args                       -- ^ QuickCheck generator (size-driven)
  , jobShrink :: args -> [args]                 -- ^ QuickCheck-style shrinking
  , jobSeries :: Series Identity args           -- ^ SmallCheck series for exhaustive enumeration
  , jobRender :: args -> [String]               -- ^ one Haskell expression per argument
  , jobLeft   :: args -> r                      -- ^ program A's entry
  , jobRight  :: args -> r                      -- ^ program B's entry
  , jobInputs :: [args]                         -- ^ inputs given by the user (check mode)
  , jobAim    :: Hints -> Gen args              -- ^ generators aimed at where programs differ
  , jobHints  :: Hints                          -- ^ constants mined from both programs
  }

-- ---------------------------------------------------------------------------------------------
-- Comparison

-- | Observational equality used to decide a difference.  Exact for every type except floating
-- point, where 'sameDouble' applies.  Generated for user data types by the harness.
class Same a where
  same :: a -> a -> Bool

instance Same Int where same = (==)
instance Same Integer where same = (==)
instance Same Bool where same = (==)
instance Same Char where same = (==)
instance Same () where same = (==)
instance Same Ordering where same = (==)
instance Same Word where same = (==)
instance Same Double where same = sameDouble
instance Same Float where same x y = sameDouble (realToFrac x) (realToFrac y)

instance Same a => Same [a] where
  same [] [] = True
  same (x : xs) (y : ys) = same x y && same xs ys
  same _ _ = False

instance Same a => Same (Maybe a) where
  same Nothing Nothing = True
  same (Just x) (Just y) = same x y
  same _ _ = False

instance (Same a, Same b) => Same (Either a b) where
  same (Left x) (Left y) = same x y
  same (Right x) (Right y) = same x y
  same _ _ = False

instance (Same a, Same b) => Same (a, b) where
  same (a1, b1) (a2, b2) = same a1 a2 && same b1 b2
instance (Same a, Same b, Same c) => Same (a, b, c) where
  same (a1, b1, c1) (a2, b2, c2) = same a1 a2 && same b1 b2 && same c1 c2
instance (Same a, Same b, Same c, Same d) => Same (a, b, c, d) where
  same (a1, b1, c1, d1) (a2, b2, c2, d2) = same a1 a2 && same b1 b2 && same c1 c2 && same d1 d2
instance (Same a, Same b, Same c, Same d, Same e) => Same (a, b, c, d, e) where
  same (a1, b1, c1, d1, e1) (a2, b2, c2, d2, e2) =
    same a1 a2 && same b1 b2 && same c1 c2 && same d1 d2 && same e1 e2

-- | Doubles are equal when both are NaN, when they are equal (so infinities match only
-- themselves), or when they are within a relative tolerance of 1e-9 (absolute 1e-9 near zero).
-- Why a tolerance: rewrites such as re-association change the last bits of a result, and a
-- verifier that called those programs inequivalent would flood self-play with pairs whose only
-- difference is rounding.  The README documents the choice.
sameDouble :: Double -> Double -> Bool
sameDouble x y
  | isNaN x || isNaN y = isNaN x && isNaN y
  | x == y = True
  | isInfinite x || isInfinite y = False
  | otherwise = abs (x - y) <= 1e-9 * maximum [1, abs x, abs y]

-- ---------------------------------------------------------------------------------------------
-- Rendering

-- | Prints a value as a Haskell expression that reads back as the same value, so a
-- counterexample can be re-run from its printed form (unlike 'show', which prints NaN and
-- record syntax).  Generated for user data types by the harness.
class Render a where
  renderPrec :: Int -> a -> ShowS
  renderList :: [a] -> ShowS
  renderList xs = showChar '[' . go xs . showChar ']'
    where
      go [] = id
      go [y] = renderPrec 0 y
      go (y : ys) = renderPrec 0 y . showChar ',' . go ys

render :: Render a => a -> String
render x = renderPrec 0 x ""

renderNum :: (Show a, Ord a, Num a) => Int -> a -> ShowS
renderNum d x = showParen (d > 6 && x < 0) (shows x)

instance Render Int where renderPrec = renderNum
instance Render Integer where renderPrec = renderNum
instance Render Word where renderPrec _ = shows
instance Render Bool where renderPrec _ = shows
instance Render () where renderPrec _ = shows
instance Render Ordering where renderPrec _ = shows
instance Render Char where
  renderPrec _ = shows
  renderList = shows
instance Render Double where renderPrec = renderDouble
instance Render Float where renderPrec d x = renderDouble d (realToFrac x)

renderDouble :: Int -> Double -> ShowS
renderDouble d x
  | isNaN x = showString "(0/0)"
  | isInfinite x = showString (if x > 0 then "(1/0)" else "(-1/0)")
  | isNegativeZero x = showString "(-0.0)"
  | otherwise = showParen (d > 6 && x < 0) (shows x)

instance Render a => Render [a] where
  renderPrec _ = renderList

instance Render a => Render (Maybe a) where
  renderPrec _ Nothing = showString "Nothing"
  renderPrec d (Just x) = showParen (d > 10) (showString "Just " . renderPrec 11 x)

instance (Render a, Render b) => Render (Either a b) where
  renderPrec d (Left x) = showParen (d > 10) (showString "Left " . renderPrec 11 x)
  renderPrec d (Right x) = showParen (d > 10) (showString "Right " . renderPrec 11 x)

tuple :: [ShowS] -> ShowS
tuple parts = showChar '(' . foldr1 (\p rest -> p . showChar ',' . rest) parts . showChar ')'

instance (Render a, Render b) => Render (a, b) where
  renderPrec _ (a, b) = tuple [renderPrec 0 a, renderPrec 0 b]
instance (Render a, Render b, Render c) => Render (a, b, c) where
  renderPrec _ (a, b, c) = tuple [renderPrec 0 a, renderPrec 0 b, renderPrec 0 c]
instance (Render a, Render b, Render c, Render d) => Render (a, b, c, d) where
  renderPrec _ (a, b, c, d) = tuple [renderPrec 0 a, renderPrec 0 b, renderPrec 0 c, renderPrec 0 d]
instance (Render a, Render b, Render c, Render d, Render e) => Render (a, b, c, d, e) where
  renderPrec _ (a, b, c, d, e) =
    tuple [renderPrec 0 a, renderPrec 0 b, renderPrec 0 c, renderPrec 0 d, renderPrec 0 e]

-- ---------------------------------------------------------------------------------------------
-- Aimed generators
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

-- ---------------------------------------------------------------------------------------------
-- Running one side

-- | What happened when one side was run on one input.
data Outcome
  = Value String              -- ^ the fully forced result, rendered
  | Raised String String      -- ^ exception type and message
  | TimedOut                  -- ^ did not finish within the per-evaluation time limit
  | Resource String           -- ^ stack or heap limit hit: not a property of the program's meaning
  deriving (Eq, Show)

data Limits = Limits
  { limSeed       :: Int
  , limTests      :: Int    -- ^ at most this many drawn inputs after enumeration (0: no cap)
  , limMaxSize    :: Int    -- ^ QuickCheck size reached by the last random test
  , limDepth      :: Int    -- ^ SmallCheck depth for exhaustive enumeration
  , limEnumCap    :: Int    -- ^ at most this many enumerated inputs
  , limEvalMicros :: Int    -- ^ time limit for one side on one input
  , limBudgetMicros :: Int  -- ^ time limit for the whole search (CPU time)
  , limShrinks    :: Int    -- ^ at most this many successful shrink steps
  , limRenderCap  :: Int    -- ^ printed values are cut to this many characters
  , limStrategies :: [String]  -- ^ search strategies to use ("enumerate" and 'drawingStrategies')
  }

-- | Runs one side, forcing the whole result by rendering it (rendering visits every constructor
-- and field, so no separate NFData instance is needed).  "Hsx.Exception" catches and names the
-- exception; its message is forced inside the same time limit: @error (cycle "x")@ must not hang
-- the helper either, and a side whose message runs out of time still counts as raised.
evalSide :: Render r => Limits -> r -> IO (Outcome, Maybe r)
evalSide lim x = do
  raised <- newIORef Nothing
  res <- timeout (limEvalMicros lim) $ do
    r <- tryEvaluate (forceString (render x))
    case r of
      Right s -> pure (Value (cap (limRenderCap lim) s), Just x)
      Left e -> case classify e of
        Limit m -> pure (Resource m, Nothing)
        Thrown k -> do
          writeIORef raised (Just k)
          m <- message (cap 2000) e
          pure (Raised k m, Nothing)
  case res of
    Just o -> pure o
    -- The time ran out while the message was being printed: the side did raise (a definite
    -- outcome), only its message is lost.
    Nothing -> maybe (TimedOut, Nothing) (\k -> (Raised k "<the exception message did not finish>", Nothing))
      <$> readIORef raised

forceString :: String -> String
forceString s = length s `seq` s

cap :: Int -> String -> String
cap n s = case splitAt n s of
  (front, []) -> front
  (front, _) -> front ++ "...<truncated>"

-- | The comparison rule of the module header.  'Nothing' means no difference.
data Difference = Definite | Possible
  deriving (Eq, Show)

compareSides :: Same r => (Outcome, Maybe r) -> (Outcome, Maybe r) -> IO (Maybe Difference)
compareSides (_, Just x) (_, Just y) = do
  -- 'same' runs user-defined structure but values are already forced; still guard it.
  r <- tryEvaluate (same x y)
  pure $ case r of
    Right True -> Nothing
    Right False -> Just Definite
    Left _ -> Just Possible
compareSides (Value _, _) (Raised _ _, _) = pure (Just Definite)
compareSides (Raised _ _, _) (Value _, _) = pure (Just Definite)
compareSides (Raised _ _, _) (Raised _ _, _) = pure Nothing
compareSides (TimedOut, _) (TimedOut, _) = pure Nothing
compareSides _ _ = pure (Just Possible)

-- ---------------------------------------------------------------------------------------------
-- Search

data Report = Report
  { repFound      :: Maybe ([String], Outcome, Outcome)  -- ^ the (shrunk) counterexample
  , repPossible   :: [([String], Outcome, Outcome)]      -- ^ inputs where a side timed out
  , repEnumerated :: Int
  , repRandom     :: Int   -- ^ inputs drawn by every strategy but enumeration
  , repDepth      :: Int   -- ^ enumeration depth completed
  , repShrinks    :: Int
  , repExhausted  :: Bool  -- ^ the time budget ran out before the plan was done
  , repOutputs    :: [([String], Outcome, Outcome)]  -- ^ check mode: every input's outcomes
  , repStrategies :: [(String, Int)]  -- ^ inputs each strategy tried, in order of first use
  , repFoundBy    :: Maybe String     -- ^ the strategy that found the difference
  , repCpuMillis  :: Int              -- ^ CPU time the search took
  }

-- | The search stops after this many inputs on which a side timed out or hit a limit.
maxPossible :: Int
maxPossible = 5

-- | Inputs one strategy draws before the next strategy's turn.
roundSize :: Int
roundSize = 25

-- | The search ends early after this many rounds in a row that drew no input not tried before.
staleRounds :: Int
staleRounds = 20

-- | The drawing strategies, in the order they take turns.  @plain@ (QuickCheck's own
-- generators and size schedule, nothing else) exists for comparisons: it is used alone.
drawingStrategies :: [String]
drawingStrategies = ["boundary", "mined", "structure", "random", "overflow", "plain"]

-- | Exhaustive enumeration up to 'limDepth' (small inputs first, so empty lists, zero and
-- negative numbers are always tried), then the drawing strategies in turns of 'roundSize'
-- inputs each, until a difference, the budget ('limBudgetMicros' of CPU time), 'limTests'
-- inputs drawn (when positive), or 'staleRounds' rounds that draw nothing new; then greedy shrinking of the
-- difference.  Inputs are drawn from seeds derived from (seed, strategy, draw number), so the
-- same seed tries the same inputs in the same order: the result depends on the machine's speed
-- only through where the budget cuts the sequence off.
searchJob :: Limits -> Job -> IO Report
searchJob lim (Job _ gen shrinker series renderArgs left right _ aimGen hints) = do
  start <- getCPUTime
  possible <- newIORef []
  counts <- newIORef ([] :: [(String, Int)])
  let wanted = limStrategies lim
      plainOnly = wanted == ["plain"]
      bump name = modifyIORef' counts $ \cs ->
        if any ((== name) . fst) cs then [(n, if n == name then c + 1 else c) | (n, c) <- cs]
        else cs ++ [(name, 1)]
      overBudget = do
        now <- getCPUTime
        ps <- readIORef possible
        -- Each timeout costs a full evaluation limit; after a few, more random inputs mostly
        -- buy more timeouts, so the search stops and reports them as possible divergence.
        pure (fromIntegral ((now - start) `div` 1000000) > limBudgetMicros lim
              || length ps >= maxPossible)
      test args = do
        l <- evalSide lim (left args)
        r <- evalSide lim (right args)
        d <- compareSides l r
        case d of
          Just Possible -> modifyIORef' possible $ \ps ->
            let row = (renderArgs args, fst l, fst r)
            in if any (\(i, _, _) -> i == renderArgs args) ps then ps else row : ps
          _ -> pure ()
        pure (d, fst l, fst r)
      -- Enumerate depth by depth so that smaller inputs come first; skip inputs already seen.
      enumerate depth seen count
        | depth > limDepth lim = pure (Nothing, limDepth lim, count, False, seen)
        | otherwise = do
            let fresh = [a | a <- list depth series, renderArgs a `Set.notMember` seen]
                batch = take (limEnumCap lim - count) fresh
                seen' = Set.union seen (Set.fromList (map renderArgs batch))
            r <- firstDifference "enumerate" batch count
            case r of
              (Just hit, n, _) -> pure (Just hit, depth, n, False, seen')
              (Nothing, n, True) -> pure (Nothing, depth - 1, n, True, seen')
              (Nothing, n, False)
                | n >= limEnumCap lim -> pure (Nothing, depth, n, False, seen')
                | otherwise -> enumerate (depth + 1) seen' n
      firstDifference _ [] n = pure (Nothing, n, False)
      firstDifference name (a : as) n = do
        stop <- overBudget
        if stop
          then pure (Nothing, n, True)
          else do
            bump name
            (d, l, r) <- test a
            case d of
              Just Definite -> pure (Just (a, l, r), n + 1, False)
              _ -> firstDifference name as (n + 1)
      hintsFor focus = hints { hintFocus = focus }
      -- (name, draw i): each strategy's i-th input, from its own seed and size schedule.
      drawers =
        [ (name, \i -> unGen g (mkQCGen (limSeed lim * 1000003 + k * 15485863 + i)) (sizeOf i))
        | (k, name) <- zip [1 ..] drawingStrategies, name `elem` wanted
        , let (g, sizeOf) = strategy name ]
      strategy name = case name of
        "boundary" -> (aimGen (hintsFor Boundary), \i -> 1 + i `mod` 10)
        "mined" -> (aimGen (hintsFor Mined), \i -> i `mod` 20)
        "structure" -> (aimGen (hintsFor Structure), \i -> i `mod` 41)
        "overflow" -> (aimGen (hintsFor Overflow), \i -> i `mod` 6)
        "plain" -> (gen, \i -> i `mod` 100)  -- QuickCheck's default: sizes 0..99 in turn
        _ -> (gen, \i -> i `mod` (limMaxSize lim + 1))
      capReached drawn = limTests lim > 0 && drawn >= limTests lim
      -- One round: every strategy draws 'roundSize' inputs (fewer at the cap); inputs already
      -- tried are skipped except in plain mode, which imitates QuickCheck.
      rounds seenRef roundNo stale drawn = do
        (hit, drawn', fresh, out) <- turns seenRef roundNo drawers drawn (0 :: Int)
        let stale' = if fresh == 0 then stale + 1 else 0 :: Int
        case hit of
          Just h -> pure (Just h, drawn', False)
          Nothing
            | out -> pure (Nothing, drawn', True)
            -- Many rounds in a row with nothing new: the inputs are all tried (Bool -> Bool).
            | capReached drawn' || stale' >= staleRounds || null drawers -> pure (Nothing, drawn', False)
            | otherwise -> rounds seenRef (roundNo + 1) stale' drawn'
      turns _ _ [] drawn fresh = pure (Nothing, drawn, fresh, False)
      turns seenRef roundNo ((name, draw) : rest) drawn fresh = do
        r <- turn seenRef name [draw (roundNo * roundSize + j) | j <- [0 .. roundSize - 1]] drawn fresh
        case r of
          (Just h, d, f, o) -> pure (Just (h, name), d, f, o)
          (Nothing, d, f, True) -> pure (Nothing, d, f, True)
          (Nothing, d, f, False) -> turns seenRef roundNo rest d f
      turn _ _ [] drawn fresh = pure (Nothing, drawn, fresh, False)
      turn seenRef name (a : as) drawn fresh
        | capReached drawn = pure (Nothing, drawn, fresh, False)
        | otherwise = do
            seen <- readIORef seenRef
            let key = renderArgs a
            if not plainOnly && key `Set.member` seen
              then turn seenRef name as drawn fresh
              else do
                stop <- overBudget
                if stop
                  then pure (Nothing, drawn, fresh, True)
                  else do
                    writeIORef seenRef $! Set.insert key seen
                    bump name
                    (d, l, r) <- test a
                    case d of
                      Just Definite -> pure (Just (a, l, r), drawn + 1, fresh + 1, False)
                      _ -> turn seenRef name as (drawn + 1) (fresh + 1)
      shrinkLoop args l r steps
        | steps >= limShrinks lim = pure (args, l, r, steps)
        | otherwise = do
            next <- firstShrink (take 200 (shrinker args))
            case next of
              Nothing -> pure (args, l, r, steps)
              Just (a', l', r') -> shrinkLoop a' l' r' (steps + 1)
      firstShrink [] = pure Nothing
      firstShrink (a : as) = do
        stop <- overBudget
        if stop
          then pure Nothing
          else do
            (d, l, r) <- test a
            case d of
              Just Definite -> pure (Just (a, l, r))
              _ -> firstShrink as
  (enumHit, depthDone, enumerated, enumOut, seen0) <-
    if "enumerate" `elem` wanted && not plainOnly
      then enumerate 0 Set.empty 0
      else pure (Nothing, 0, 0, False, Set.empty)
  seenRef <- newIORef seen0
  (hit, randomCount, exhausted) <- case enumHit of
    Just (a, l, r) -> pure (Just ((a, l, r), "enumerate"), 0, enumOut)
    Nothing
      | enumOut -> pure (Nothing, 0, True)
      | otherwise -> rounds seenRef 0 0 0
  found <- case hit of
    Nothing -> pure Nothing
    Just ((a, l, r), _) -> Just <$> shrinkLoop a l r 0
  ps <- readIORef possible
  tried <- readIORef counts
  end <- getCPUTime
  pure Report
    { repFound = fmap (\(a, l, r, _) -> (renderArgs a, l, r)) found
    , repPossible = reverse ps
    , repEnumerated = enumerated
    , repRandom = randomCount
    , repDepth = depthDone
    , repShrinks = maybe 0 (\(_, _, _, s) -> s) found
    , repExhausted = exhausted
    , repOutputs = []
    , repStrategies = tried
    , repFoundBy = fmap snd hit
    , repCpuMillis = fromIntegral ((end - start) `div` 1000000000)
    }

-- | Runs the user's inputs only (no search, no shrinking).  Reports the first input that shows
-- a definite difference, and every input where a side timed out.
checkJob :: Limits -> Job -> IO Report
checkJob lim (Job _ _ _ _ renderArgs left right inputs _ _) = go inputs 0 Nothing [] []
  where
    -- Every input runs (a difference does not stop the check), so that the report also serves
    -- as an evaluation of the program on its inputs; `found` is the first definite difference.
    go [] n found ps rows = pure (report n found ps rows)
    go (a : as) n found ps rows = do
      l <- evalSide lim (left a)
      r <- evalSide lim (right a)
      d <- compareSides l r
      shown <- showInputs (renderArgs a)
      let row = (shown, fst l, fst r)
          found' = case (found, d) of
            (Nothing, Just Definite) -> Just row
            _ -> found
          ps' = if d == Just Possible then row : ps else ps
      go as (n + 1) found' ps' (row : rows)
    report n found ps rows = Report
      { repFound = found, repPossible = reverse ps, repEnumerated = 0, repRandom = n
      , repDepth = 0, repShrinks = 0, repExhausted = False, repOutputs = reverse rows
      , repStrategies = [("given", n)], repFoundBy = Nothing, repCpuMillis = 0 }

    -- A given input may itself contain a bottom (error "x", or an infinite list): print what
    -- can be printed instead of letting the exception escape into the protocol.
    showInputs args = do
      r <- timeout (limEvalMicros lim) (tryEvaluate (forceAll (map (cap (limRenderCap lim)) args)))
      pure $ case r of
        Just (Right xs) -> xs
        Just (Left _) -> ["<an input raised an exception>"]
        Nothing -> ["<an input did not finish printing>"]
    forceAll xs = sum (map length xs) `seq` xs

-- | Seeded random inputs for the job's argument types, of growing size (as the search draws
-- them), each rendered as one Haskell expression per argument.  Used to synthesize sample
-- inputs for new programs.
sampleJob :: Limits -> Int -> Job -> IO [[String]]
sampleJob lim count (Job _ gen _ _ renderArgs _ _ _ _ _) = pure
  [ renderArgs (unGen gen (mkQCGen (limSeed lim * 1000003 + i)) (size i)) | i <- [0 .. count - 1] ]
  where
    size i = (i * limMaxSize lim) `div` max 1 (count - 1)
