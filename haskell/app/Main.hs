-- | hsx-helper: one long-lived GHC interpreter session that loads the modules hsx writes for a
-- pair of programs and runs the search in "Hsx.Runtime".  Reusing the session is what makes a
-- check take milliseconds instead of the seconds a fresh ghc compile-and-link costs (see
-- docs/BENCHMARKS.md).  It runs inside hsx's sandbox: the caller sets rlimits, the heap cap
-- (+RTS -M) and a wall-clock watchdog; this process only answers requests.
--
-- Usage: hsx-helper [--package-db DIR]... +RTS -M1g -RTS
module Main (main) where

import Control.Exception (evaluate, fromException)
import Control.Monad (unless)
import Control.Monad.Catch (throwM)
import qualified Data.ByteString.Char8 as BC
import qualified Data.ByteString.Lazy.Char8 as BL
import Data.List (intercalate)
import qualified Data.Map.Strict as Map
import qualified GHC
import Hsx.Exception (attempt, describe, finally)
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
    liftIO (send (encodeReply Ready))
    loop env
  case result of
    Left err -> do
      send (encodeReply (Failure Nothing Internal (errorText err)))
      exitFailure
    Right () -> pure ()

packageDbs :: [String] -> Either String [FilePath]
packageDbs [] = Right []
packageDbs ("--package-db" : d : rest) = (d :) <$> packageDbs rest
packageDbs (a : _) = Left ("hsx-helper: unexpected argument " ++ a)

send :: BL.ByteString -> IO ()
send line = BL.putStrLn line >> hFlush stdout

loop :: SyntaxEnv -> Interpreter ()
loop env = do
  eof <- liftIO isEOF
  unless eof $ do
    line <- liftIO BC.getLine
    encoded <- case parseRequest (BL.fromStrict line) of
      Left err -> pure (encodeReply (Failure Nothing BadRequest err))
      Right req -> answer env req
    liftIO (send encoded)
    loop env

-- | The encoded reply to one request.  Every exception on the way (loading, running, and
-- encoding, which forces the report) becomes a failure reply, so that the helper goes on.
answer :: SyntaxEnv -> Request -> Interpreter BL.ByteString
answer env (Request rid op) = do
  r <- attempt $ do
    reply <- perform rid env op
    let encoded = encodeReply reply
    _ <- liftIO (evaluate (BL.length encoded))
    pure encoded
  case r of
    Right encoded -> pure encoded
    Left e -> do
      (kind, msg) <- case fromException e of
        Just err@(WontCompile _) -> pure (CompileError, errorText err)
        Just err -> pure (Internal, errorText err)
        Nothing -> (,) Internal <$> liftIO (describe e)
      pure (encodeReply (Failure (Just rid) kind msg))

perform :: Int -> SyntaxEnv -> Op -> Interpreter Reply
perform rid env op = case op of
  Types dir files names -> do
    load dir files
    types <- mapM (\n -> (,) n <$> typeOf n) names
    pure (TypesOk rid (Map.fromList types))
  Run mode dir files jobName lim -> do
    load dir files
    job <- interpret jobName (as :: Job)
    ReportOk rid <$> liftIO (case mode of
                               Search -> searchJob lim job
                               Check -> checkJob lim job)
  Sample dir files jobName lim count -> do
    load dir files
    job <- interpret jobName (as :: Job)
    Samples rid <$> liftIO (sampleJob lim count job)
  Syntax source -> SyntaxOk rid <$> liftIO (syntaxOf env source)

-- | Loads the given module files (and nothing else: the search path is the request's own
-- directory) and brings every one of them into scope qualified by its own name.
--
-- hint's 'loadModules' first unloads everything (and reloads its support module twice), so the
-- check of a pair, which loads the two programs again next to its harness, would compile them a
-- second time.  Setting GHC's targets directly keeps a module whose source is unchanged (GHC's
-- own recompilation check), and unloads the modules of earlier pairs, which are no longer targets.
load :: FilePath -> [FilePath] -> Interpreter ()
load dir files = do
  set [searchPath := [dir]]
  -- Every failure to load is the modules' fault, not the helper's: report it as a compile
  -- error.  hint 0.9 with GHC 9.0 does not collect GHC's messages (GHC prints them to stderr),
  -- so stderr is captured into a file in the request's directory while the modules load.
  let captured = dir </> "ghc-messages.txt"
  result <- withStderrTo captured (attempt (loadTargets (map (dir </>) files)))
  case result of
    Right True -> pure ()
    Right False -> compileError captured Nothing
    Left e -> case fromException e of
      Just (WontCompile errs) | any (not . null . errMsg) errs -> throwM (WontCompile errs)
      Just err -> compileError captured (Just (errorText err))
      Nothing -> throwM e
  names <- getLoadedModules
  runGhc (GHC.setContext (plain "Prelude" : plain "Hsx.Runtime" : [qualified m | m <- names]))
  where
    plain m = GHC.IIDecl (GHC.simpleImportDecl (GHC.mkModuleName m))
    qualified m = GHC.IIDecl ((GHC.simpleImportDecl (GHC.mkModuleName m)) {GHC.ideclQualified = GHC.QualifiedPre})

-- | Makes the files GHC's targets and loads them; False when GHC rejected one.
loadTargets :: [FilePath] -> Interpreter Bool
loadTargets paths = runGhc $ do
  targets <- mapM (\p -> GHC.guessTarget p Nothing) paths
  GHC.setTargets targets
  GHC.succeeded <$> GHC.load GHC.LoadAllTargets

-- | Fails the request with what GHC printed while loading (or, when it printed nothing, why).
compileError :: FilePath -> Maybe String -> Interpreter a
compileError captured why = do
  printed <- liftIO (readFile captured)
  _ <- liftIO (evaluate (length printed))
  throwM (WontCompile [GhcError (if null printed then "could not load the modules" ++ maybe "" (": " ++) why
                                 else printed)])

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
  action `finally` restore

errorText :: InterpreterError -> String
errorText (WontCompile errs) = intercalate "\n" (map errMsg errs)
errorText (UnknownError s) = s
errorText (NotAllowed s) = s
errorText (GhcException s) = s
