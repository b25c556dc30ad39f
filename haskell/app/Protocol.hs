{-# LANGUAGE OverloadedStrings #-}
-- | The JSON Lines protocol between hsx (Python) and this helper.  One request per line on
-- stdin, one reply per line on stdout, in order.  README.md documents it; hsx/haskell/helper.py
-- is the only Python module that speaks it.  Bump 'protocolVersion' on any incompatible change.
--
-- A request is parsed into 'Request'; every answer is a 'Reply', and 'encodeReply' is the one
-- place that turns a reply into JSON.
module Protocol
  ( protocolVersion
    -- * Requests
  , Request (..)
  , Op (..)
  , Mode (..)
  , parseRequest
    -- * Replies
  , Reply (..)
  , FailureKind (..)
  , encodeReply
  ) where

import Data.Aeson ((.:), (.=))
import qualified Data.Aeson as J
import qualified Data.Aeson.Types as J
import qualified Data.ByteString.Lazy.Char8 as BL
import qualified Data.Map.Strict as Map
import Hsx.Runtime (Limits (..), Outcome (..), Report (..))
import System.Info (fullCompilerVersion)
import Data.Version (showVersion)

protocolVersion :: Int
protocolVersion = 3

-- ---------------------------------------------------------------------------------------------
-- Requests

data Request = Request
  { requestId :: Int
  , requestOp :: Op
  }

-- | The operations (README.md, "Requests").
data Op
  = Types FilePath [FilePath] [String]
    -- ^ directory, module files to load, qualified names whose types are wanted
  | Run Mode FilePath [FilePath] String Limits
    -- ^ directory, module files, qualified name of the 'Hsx.Runtime.Job', limits
  | Sample FilePath [FilePath] String Limits Int
    -- ^ directory, module files, the job, limits (seed, max_size), how many inputs
  | Syntax String
    -- ^ the source text to parse (GHC's parser only, see Syntax.hs)

-- | @search@ looks for a difference; @check@ runs the job's own inputs.
data Mode = Search | Check

parseRequest :: BL.ByteString -> Either String Request
parseRequest line = J.eitherDecode line >>= J.parseEither request
  where
    request = J.withObject "request" $ \o -> do
      rid <- o .: "id"
      op <- o .: "op"
      Request rid <$> case (op :: String) of
        "types" -> Types <$> o .: "dir" <*> o .: "modules" <*> o .: "names"
        "search" -> run Search o
        "check" -> run Check o
        "sample" -> do
          lim <- o .: "limits" >>= limits
          Sample <$> o .: "dir" <*> o .: "modules" <*> o .: "job" <*> pure lim <*> o .: "count"
        "syntax" -> Syntax <$> o .: "source"
        _ -> fail ("unknown op " ++ show op)
    run mode o = do
      lim <- o .: "limits" >>= limits
      Run mode <$> o .: "dir" <*> o .: "modules" <*> o .: "job" <*> pure lim
    -- Every field is required: the client sends all of them (hsx/config.py's SearchConfig is
    -- their one source), so the helper has no defaults of its own to drift from it.
    limits = J.withObject "limits" $ \o -> Limits
      <$> o .: "seed"
      <*> o .: "tests"
      <*> o .: "max_size"
      <*> o .: "depth"
      <*> o .: "enum_cap"
      <*> o .: "eval_timeout_ms" `times` 1000
      <*> o .: "budget_ms" `times` 1000
      <*> o .: "max_shrinks"
      <*> o .: "render_cap"
      <*> o .: "strategies"
    times p k = fmap (* k) p

-- ---------------------------------------------------------------------------------------------
-- Replies

-- | One line the helper prints: the greeting, or the answer to one request.
data Reply
  = Ready                                  -- ^ printed once, on start
  | TypesOk Int (Map.Map String String)    -- ^ types: each qualified name's type
  | ReportOk Int Report                    -- ^ search, check
  | Samples Int [[String]]                 -- ^ sample: each input's arguments, printed
  | SyntaxOk Int J.Value                   -- ^ syntax: the tree Syntax.hs built
  | Failure (Maybe Int) FailureKind String -- ^ the request's id (when it parsed) and why

data FailureKind
  = CompileError  -- ^ GHC rejected a module or the job expression
  | BadRequest    -- ^ the line was not a valid request
  | Internal      -- ^ anything else

encodeReply :: Reply -> BL.ByteString
encodeReply = J.encode . reply

reply :: Reply -> J.Value
reply Ready = J.object
  [ "status" .= ("ready" :: String)
  , "protocol" .= protocolVersion
  , "ghc" .= showVersion fullCompilerVersion
  ]
reply (TypesOk rid types) = ok rid ["types" .= types]
reply (ReportOk rid rep) = ok rid ["report" .= report rep]
reply (Samples rid rows) = ok rid ["inputs" .= rows]
reply (SyntaxOk rid tree) = ok rid ["syntax" .= tree]
reply (Failure rid k msg) = J.object ["id" .= rid, "status" .= status k, "message" .= msg]
  where
    status CompileError = "compile-error" :: String
    status BadRequest = "bad-request"
    status Internal = "internal"

ok :: Int -> [J.Pair] -> J.Value
ok rid fields = J.object (["id" .= rid, "status" .= ("ok" :: String)] ++ fields)

report :: Report -> J.Value
report rep = J.object
  [ "found" .= fmap row (repFound rep)
  , "possible" .= map row (repPossible rep)
  , "enumerated" .= repEnumerated rep
  , "random" .= repRandom rep
  , "depth" .= repDepth rep
  , "shrinks" .= repShrinks rep
  , "exhausted" .= repExhausted rep
  , "outputs" .= map row (repOutputs rep)
  , "strategies" .= Map.fromList (repStrategies rep)
  , "found_by" .= repFoundBy rep
  , "cpu_ms" .= repCpuMillis rep
  ]
  where
    row (inputs, l, r) = J.object ["inputs" .= inputs, "left" .= outcome l, "right" .= outcome r]

outcome :: Outcome -> J.Value
outcome (Value v) = J.object ["kind" .= ("value" :: String), "value" .= v]
outcome (Exception k m) = J.object ["kind" .= ("exception" :: String), "exception" .= k, "message" .= m]
outcome Timeout = J.object ["kind" .= ("timeout" :: String)]
outcome (Resource m) = J.object ["kind" .= ("resource" :: String), "message" .= m]
