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
  , sameDouble
  , renderDouble
    -- * Outcomes and search
  , Outcome (..)
  , Difference (..)
  , Limits (..)
  , Report (..)
  , searchJob
  , checkJob
  , sampleJob
  , evalSide
  ) where

import Control.Exception
  ( ArithException, ArrayException, AsyncException (..), ErrorCall, PatternMatchFail
  , SomeAsyncException, SomeException (..), evaluate, fromException, throwIO, try )
import Data.IORef (newIORef, readIORef, modifyIORef')
import Data.Typeable (typeOf)
import qualified Data.Set as Set
import Data.Functor.Identity (Identity)
import System.CPUTime (getCPUTime)
import System.Timeout (timeout)
import Test.QuickCheck (Gen)
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
  , limTests      :: Int    -- ^ random tests after enumeration
  , limMaxSize    :: Int    -- ^ QuickCheck size reached by the last random test
  , limDepth      :: Int    -- ^ SmallCheck depth for exhaustive enumeration
  , limEnumCap    :: Int    -- ^ at most this many enumerated inputs
  , limEvalMicros :: Int    -- ^ time limit for one side on one input
  , limBudgetMicros :: Int  -- ^ time limit for the whole search (CPU time)
  , limShrinks    :: Int    -- ^ at most this many successful shrink steps
  , limRenderCap  :: Int    -- ^ printed values are cut to this many characters
  }

-- | Runs one side, forcing the whole result by rendering it (rendering visits every constructor
-- and field, so no separate NFData instance is needed).  The exception message is forced inside
-- the same time limit: @error (cycle "x")@ must not hang the helper either.
evalSide :: Render r => Limits -> r -> IO (Outcome, Maybe r)
evalSide lim x = do
  res <- timeout (limEvalMicros lim) $ do
    r <- try (evaluate (forceString (render x)))
    case r of
      Right s -> pure (Value (cap (limRenderCap lim) s), Just x)
      Left e -> do
        o <- classify e
        pure (o, Nothing)
  pure (maybe (TimedOut, Nothing) id res)

forceString :: String -> String
forceString s = length s `seq` s

cap :: Int -> String -> String
cap n s = case splitAt n s of
  (front, []) -> front
  (front, _) -> front ++ "...<truncated>"

classify :: SomeException -> IO Outcome
classify e
  | Just StackOverflow <- fromException e = pure (Resource "stack overflow")
  | Just HeapOverflow <- fromException e = pure (Resource "heap overflow")
  -- Any other asynchronous exception (System.Timeout's among them) belongs to whoever threw
  -- it: re-throw, so that 'timeout' sees its own exception and reports a timeout.
  | Just (_ :: SomeAsyncException) <- fromException e = throwIO e
  | otherwise = do
      -- Showing an exception runs user code too (error (error "x")): guard it.
      msg <- try (evaluate (forceString (cap 2000 (showInner e))))
      pure $ Raised (kind e) $ case msg of
        Right m -> m
        Left (_ :: SomeException) -> "<the exception message itself threw an exception>"
  where
    showInner (SomeException inner) = show inner
    kind ex
      | Just (_ :: ErrorCall) <- fromException ex = "ErrorCall"
      | Just (_ :: ArithException) <- fromException ex = "ArithException"
      | Just (_ :: PatternMatchFail) <- fromException ex = "PatternMatchFail"
      | Just (_ :: ArrayException) <- fromException ex = "ArrayException"
      | SomeException inner <- ex = show (typeOf inner)

-- | The comparison rule of the module header.  'Nothing' means no difference.
data Difference = Definite | Possible
  deriving (Eq, Show)

compareSides :: Same r => (Outcome, Maybe r) -> (Outcome, Maybe r) -> IO (Maybe Difference)
compareSides (_, Just x) (_, Just y) = do
  -- 'same' runs user-defined structure but values are already forced; still guard it.
  r <- try (evaluate (same x y))
  pure $ case r of
    Right True -> Nothing
    Right False -> Just Definite
    Left (_ :: SomeException) -> Just Possible
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
  , repRandom     :: Int
  , repDepth      :: Int   -- ^ enumeration depth completed
  , repShrinks    :: Int
  , repExhausted  :: Bool  -- ^ the time budget ran out before the plan was done
  , repOutputs    :: [([String], Outcome, Outcome)]  -- ^ check mode: every input's outcomes
  }

-- | The search stops after this many inputs on which a side timed out or hit a limit.
maxPossible :: Int
maxPossible = 5

-- | Exhaustive enumeration up to 'limDepth' (small inputs first, so empty lists, zero and
-- negative numbers are always tried), then 'limTests' seeded random tests of growing size,
-- then greedy shrinking of the first difference found.
searchJob :: Limits -> Job -> IO Report
searchJob lim (Job _ gen shrinker series renderArgs left right _) = do
  start <- getCPUTime
  possible <- newIORef []
  let overBudget = do
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
        | depth > limDepth lim = pure (Nothing, limDepth lim, count, False)
        | otherwise = do
            let fresh = [a | a <- list depth series, renderArgs a `Set.notMember` seen]
            r <- firstDifference (take (limEnumCap lim - count) fresh) count
            case r of
              (Just hit, n, _) -> pure (Just hit, depth, n, False)
              (Nothing, n, True) -> pure (Nothing, depth - 1, n, True)
              (Nothing, n, False)
                | n >= limEnumCap lim -> pure (Nothing, depth, n, False)
                | otherwise ->
                    enumerate (depth + 1) (Set.union seen (Set.fromList (map renderArgs (take (limEnumCap lim) (list depth series))))) n
      firstDifference [] n = pure (Nothing, n, False)
      firstDifference (a : as) n = do
        stop <- overBudget
        if stop
          then pure (Nothing, n, True)
          else do
            (d, l, r) <- test a
            case d of
              Just Definite -> pure (Just (a, l, r), n + 1, False)
              _ -> firstDifference as (n + 1)
      randomInputs =
        [ unGen gen (mkQCGen (limSeed lim * 1000003 + i)) (size i) | i <- [0 .. limTests lim - 1] ]
      size i = (i * limMaxSize lim) `div` max 1 (limTests lim - 1)
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
  (enumHit, depthDone, enumerated, enumOut) <- enumerate 0 Set.empty 0
  (hit, randomCount, exhausted) <- case enumHit of
    Just h -> pure (Just h, 0, enumOut)
    Nothing
      | enumOut -> pure (Nothing, 0, True)
      | otherwise -> do
          (h, n, out) <- firstDifference randomInputs 0
          pure (h, n, out)
  found <- case hit of
    Nothing -> pure Nothing
    Just (a, l, r) -> Just <$> shrinkLoop a l r 0
  ps <- readIORef possible
  pure Report
    { repFound = fmap (\(a, l, r, _) -> (renderArgs a, l, r)) found
    , repPossible = reverse ps
    , repEnumerated = enumerated
    , repRandom = randomCount
    , repDepth = depthDone
    , repShrinks = maybe 0 (\(_, _, _, s) -> s) found
    , repExhausted = exhausted
    , repOutputs = []
    }

-- | Runs the user's inputs only (no search, no shrinking).  Reports the first input that shows
-- a definite difference, and every input where a side timed out.
checkJob :: Limits -> Job -> IO Report
checkJob lim (Job _ _ _ _ renderArgs left right inputs) = go inputs 0 Nothing [] []
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
      , repDepth = 0, repShrinks = 0, repExhausted = False, repOutputs = reverse rows }

    -- A given input may itself contain a bottom (error "x", or an infinite list): print what
    -- can be printed instead of letting the exception escape into the protocol.
    showInputs args = do
      r <- timeout (limEvalMicros lim) (try (evaluate (forceAll (map (cap (limRenderCap lim)) args))))
      pure $ case r of
        Just (Right xs) -> xs
        Just (Left (_ :: SomeException)) -> ["<an input raised an exception>"]
        Nothing -> ["<an input did not finish printing>"]
    forceAll xs = sum (map length xs) `seq` xs

-- | Seeded random inputs for the job's argument types, of growing size (as the search draws
-- them), each rendered as one Haskell expression per argument.  Used to synthesize sample
-- inputs for new programs.
sampleJob :: Limits -> Int -> Job -> IO [[String]]
sampleJob lim count (Job _ gen _ _ renderArgs _ _ _) = pure
  [ renderArgs (unGen gen (mkQCGen (limSeed lim * 1000003 + i)) (size i)) | i <- [0 .. count - 1] ]
  where
    size i = (i * limMaxSize lim) `div` max 1 (count - 1)
