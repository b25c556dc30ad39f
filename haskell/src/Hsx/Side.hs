{-# LANGUAGE ScopedTypeVariables #-}
-- | Running one side on one input, and the comparison rule of "Hsx.Runtime"'s header.
module Hsx.Side where

import Data.IORef (newIORef, readIORef, writeIORef)
import Hsx.Exception (Caught (..), classify, message, tryEvaluate)
import Hsx.Render (Render, render)
import Hsx.Same (Same (..))
import System.Timeout (timeout)

-- | What happened when one side was run on one input.
data Outcome
  = Value String              -- ^ the fully forced result, rendered
  | Exception String String      -- ^ exception type and message
  | Timeout                  -- ^ did not finish within the per-evaluation time limit
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
          pure (Exception k m, Nothing)
  case res of
    Just o -> pure o
    -- The time ran out while the message was being printed: the side did raise (a definite
    -- outcome), only its message is lost.
    Nothing -> maybe (Timeout, Nothing) (\k -> (Exception k "<the exception message did not finish>", Nothing))
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
compareSides (Value _, _) (Exception _ _, _) = pure (Just Definite)
compareSides (Exception _ _, _) (Value _, _) = pure (Just Definite)
compareSides (Exception _ _, _) (Exception _ _, _) = pure Nothing
compareSides (Timeout, _) (Timeout, _) = pure Nothing
compareSides _ _ = pure (Just Possible)
