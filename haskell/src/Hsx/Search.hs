{-# LANGUAGE ScopedTypeVariables #-}
-- | The search, check and sample loops over a 'Job' (re-exported by "Hsx.Runtime").
module Hsx.Search where

import Data.IORef (newIORef, readIORef, modifyIORef', writeIORef)
import qualified Data.Set as Set
import Hsx.Aim (Focus (..), Hints (..))
import Hsx.Exception (tryEvaluate)
import Hsx.Job (Job (..))
import Hsx.Side (Difference (..), Limits (..), Outcome, cap, compareSides, evalSide)
import System.CPUTime (getCPUTime)
import System.Timeout (timeout)
import Test.QuickCheck.Gen (unGen)
import Test.QuickCheck.Random (mkQCGen)
import Test.SmallCheck.Series (list)

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
