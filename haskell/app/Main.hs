{-# LANGUAGE ScopedTypeVariables #-}
-- | hsx-helper: one long-lived GHC interpreter session that loads the modules hsx writes for a
-- pair of programs and runs the search in "Hsx.Runtime".  Reusing the session is what makes a
-- check take milliseconds instead of the seconds a fresh ghc compile-and-link costs (see
-- docs/BENCHMARKS.md).  It runs inside hsx's sandbox: the caller sets rlimits, the heap cap
-- (+RTS -M) and a wall-clock watchdog; this process only answers requests.
--
-- Usage: hsx-helper [--package-db DIR]... +RTS -M1g -RTS
module Main (main) where

import Control.Exception (SomeException, displayException, evaluate)
import Control.Monad (unless)
import Control.Monad.Catch (catch, throwM)
import qualified Data.ByteString.Char8 as BC
import qualified Data.ByteString.Lazy.Char8 as BL
import Data.List (intercalate)
import qualified Data.Map.Strict as Map
import qualified Data.Aeson as J
import Hsx.Runtime (Job, checkJob, sampleJob, searchJob)
import Language.Haskell.Interpreter
import Language.Haskell.Interpreter.Unsafe (unsafeRunInterpreterWithArgs)
import Protocol
import Syntax (SyntaxEnv, newSyntaxEnv, syntaxOf)
import System.Environment (getArgs)
import System.Exit (exitFailure)
import System.FilePath ((</>))
import System.IO
import GHC.IO.Handle (hDuplicate, hDuplicateTo)

main :: IO ()
main = do
  args <- getArgs
  dbs <- either (\e -> hPutStrLn stderr e >> exitFailure) pure (packageDbs args)
  hSetBuffering stdout LineBuffering
  mapM_ (`hSetEncoding` utf8) [stdin, stdout, stderr]
  env <- newSyntaxEnv
  result <- unsafeRunInterpreterWithArgs (concatMap (\d -> ["-package-db", d]) dbs) $ do
    liftIO (send ready)
    loop env
  case result of
    Left err -> do
      send (failure Nothing "internal" (describe err))
      exitFailure
    Right () -> pure ()

packageDbs :: [String] -> Either String [FilePath]
packageDbs [] = Right []
packageDbs ("--package-db" : d : rest) = (d :) <$> packageDbs rest
packageDbs (a : _) = Left ("hsx-helper: unexpected argument " ++ a)

send :: J.Value -> IO ()
send v = BL.putStrLn (encodeLine v) >> hFlush stdout

loop :: SyntaxEnv -> Interpreter ()
loop env = do
  eof <- liftIO isEOF
  unless eof $ do
    line <- liftIO BC.getLine
    response <- case parseRequest (BL.fromStrict line) of
      Left err -> pure (failure Nothing "bad-request" err)
      Right req -> answer env req
    liftIO (send response)
    loop env

answer :: SyntaxEnv -> Request -> Interpreter J.Value
answer env req = guarded (requestId req) $ case req of
  Ping rid -> pure (okTypes rid Map.empty)
  Types rid dir files names -> do
    load dir files
    types <- mapM (\n -> (,) n <$> typeOf n) names
    pure (okTypes rid (Map.fromList types))
  Run rid isSearch dir files jobName lim -> do
    load dir files
    job <- interpret jobName (as :: Job)
    report <- liftIO (if isSearch then searchJob lim job else checkJob lim job)
    -- Force the response here, so that a failure while encoding is answered, not fatal.
    let v = okReport rid report
    _ <- liftIO (evaluate (BL.length (encodeLine v)))
    pure v
  Sample rid dir files jobName lim count -> do
    load dir files
    job <- interpret jobName (as :: Job)
    rows <- liftIO (sampleJob lim count job)
    let v = okSamples rid rows
    _ <- liftIO (evaluate (BL.length (encodeLine v)))
    pure v
  Syntax rid source -> do
    tree <- liftIO (syntaxOf env source)
    pure (either (failure (Just rid) "internal") (okSyntax rid) tree)

-- | Loads the given module files (and nothing else: the search path is the request's own
-- directory) and brings every one of them into scope qualified by its own name.
load :: FilePath -> [FilePath] -> Interpreter ()
load dir files = do
  set [searchPath := [dir]]
  -- Every failure to load is the modules' fault, not the helper's: report it as a compile
  -- error.  hint 0.9 with GHC 9.0 does not collect GHC's messages (GHC prints them to stderr),
  -- so stderr is captured into a file in the request's directory while the modules load.
  let captured = dir </> "ghc-messages.txt"
  result <- withStderrTo captured (try' (loadModules (map (dir </>) files)))
  case result of
    Right () -> pure ()
    Left (WontCompile errs) | any (not . null . errMsg) errs -> throwM (WontCompile errs)
    Left e -> do
      printed <- liftIO (readFile captured)
      _ <- liftIO (evaluate (length printed))
      throwM (WontCompile [GhcError (if null printed then "could not load the modules: " ++ describe e
                                     else printed)])
  names <- getLoadedModules
  setImportsQ (("Prelude", Nothing) : ("Hsx.Runtime", Nothing) : [(m, Just m) | m <- names])
  where
    try' action = (Right <$> action) `catch` (pure . Left)

-- | Runs an action with the process's stderr handle pointing at a file.
withStderrTo :: FilePath -> Interpreter a -> Interpreter a
withStderrTo path action = do
  saved <- liftIO $ do
    hFlush stderr
    old <- hDuplicate stderr
    h <- openFile path WriteMode
    hDuplicateTo h stderr
    hClose h
    pure old
  let restore = liftIO $ do
        hFlush stderr
        hDuplicateTo saved stderr
        hClose saved
  r <- action `catch` \(e :: SomeException) -> restore >> throwM e
  restore
  pure r

requestId :: Request -> Int
requestId (Ping rid) = rid
requestId (Types rid _ _ _) = rid
requestId (Run rid _ _ _ _ _) = rid
requestId (Sample rid _ _ _ _ _) = rid
requestId (Syntax rid _) = rid

guarded :: Int -> Interpreter J.Value -> Interpreter J.Value
guarded rid action =
  (action `catch` \(e :: InterpreterError) -> pure (classifyError e))
    `catch` \(e :: SomeException) -> pure (failure (Just rid) "internal" (displayException e))
  where
    classifyError e@(WontCompile _) = failure (Just rid) "compile-error" (describe e)
    classifyError e = failure (Just rid) "internal" (describe e)

describe :: InterpreterError -> String
describe (WontCompile errs) = intercalate "\n" (map errMsg errs)
describe (UnknownError s) = s
describe (NotAllowed s) = s
describe (GhcException s) = s

