{-# LANGUAGE ScopedTypeVariables #-}
-- | Every exception the helper catches goes through this module (the shape of QuickCheck's
-- @Test.QuickCheck.Exception@): which exceptions are caught, which are left to whoever threw
-- them, and how a caught one is described.
--
-- The rules:
--
-- * Asynchronous exceptions belong to their thrower and are re-thrown ('isInterrupt'): the
--   'System.Timeout.timeout' around one side's evaluation must see its own exception to report
--   a timeout, and a user interrupt must stop the helper.
-- * Stack and heap overflow are asynchronous too, but they are what running the code did: they
--   are caught and described as a resource limit ('Limit'), never as an exception of the
--   program (a limit is not a property of the program's meaning).
-- * Everything else is caught, named by its type ('ErrorCall', 'ArithException',
--   'PatternMatchFail', ...) and described by its message, which is forced under the same
--   rules: showing an exception runs user code too (@error (error "x")@).
module Hsx.Exception
  ( AnException
    -- * Catching
  , tryEvaluate
  , tryEvaluateIO
  , attempt
  , finally
  , isInterrupt
    -- * Describing
  , Caught (..)
  , classify
  , message
  , describe
  ) where

import Control.Exception
  ( ArithException, ArrayException, AsyncException (..), ErrorCall, PatternMatchFail
  , SomeAsyncException, SomeException (..), displayException, evaluate, fromException )
import Control.Monad.Catch (MonadCatch, finally, throwM, try)
import Data.Maybe (isJust, isNothing)
import Data.Typeable (typeOf)

type AnException = SomeException

-- ---------------------------------------------------------------------------------------------
-- Catching

-- | Evaluates a value to weak head normal form, returning the exception it throws (interrupts
-- are re-thrown).
tryEvaluate :: a -> IO (Either AnException a)
tryEvaluate x = tryEvaluateIO (pure x)

-- | Runs an action and evaluates its result to weak head normal form, as 'tryEvaluate'.
tryEvaluateIO :: IO a -> IO (Either AnException a)
tryEvaluateIO action = attempt (action >>= evaluate)

-- | Runs an action in any 'MonadCatch' (IO, the interpreter's monad), returning the exception
-- it throws; interrupts are re-thrown.
attempt :: MonadCatch m => m a -> m (Either AnException a)
attempt action = do
  r <- try action
  case r of
    Left e | isInterrupt e -> throwM e
    _ -> pure r

-- | An asynchronous exception that is not a resource limit: a timeout, a kill, a user
-- interrupt.  Nothing here may swallow one.
isInterrupt :: AnException -> Bool
isInterrupt e = isJust (fromException e :: Maybe SomeAsyncException) && isNothing (resourceLimit e)

resourceLimit :: AnException -> Maybe String
resourceLimit e = case fromException e of
  Just StackOverflow -> Just "stack overflow"
  Just HeapOverflow -> Just "heap overflow"
  _ -> Nothing

-- ---------------------------------------------------------------------------------------------
-- Describing

-- | What a caught exception says about the code that threw it.
data Caught
  = Limit String   -- ^ stack or heap overflow: the sandbox's limits were hit
  | Thrown String  -- ^ the program raised an exception of this type
  deriving (Eq, Show)

classify :: AnException -> Caught
classify e = maybe (Thrown (kind e)) Limit (resourceLimit e)

-- | The exception's message, fully evaluated after @trim@ (which shortens it, so that
-- @error (cycle "x")@ ends).  A message that itself throws is replaced by a placeholder; one
-- that does not finish is left to the caller's timeout.
message :: (String -> String) -> AnException -> IO String
message trim (SomeException inner) = forced (trim (show inner))

-- | The exception's type name; the common ones are spelled out, every other one is named by
-- its type as 'typeOf' prints it.
kind :: AnException -> String
kind e
  | Just (_ :: ErrorCall) <- fromException e = "ErrorCall"
  | Just (_ :: ArithException) <- fromException e = "ArithException"
  | Just (_ :: PatternMatchFail) <- fromException e = "PatternMatchFail"
  | Just (_ :: ArrayException) <- fromException e = "ArrayException"
  | SomeException inner <- e = show (typeOf inner)

-- | 'displayException', forced, for the helper's own failure answers.
describe :: AnException -> IO String
describe = forced . displayException

-- | A message, fully evaluated; a placeholder when evaluating it throws.
forced :: String -> IO String
forced s = either (const "<the exception message itself threw an exception>") id
  <$> tryEvaluate (length s `seq` s)
