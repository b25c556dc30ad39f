{-# LANGUAGE OverloadedStrings #-}
-- | The JSON Lines protocol between hsx (Python) and this helper.  One request per line on
-- stdin, one response per line on stdout, in order.  README.md documents it; hsx/haskell.py is
-- the only Python module that speaks it.  Bump 'protocolVersion' on any incompatible change.
module Protocol
  ( protocolVersion
  , Request (..)
  , parseRequest
  , ready
  , okTypes
  , okReport
  , okSamples
  , okSyntax
  , failure
  , encodeLine
  ) where

import Data.Aeson ((.:), (.:?), (.!=), (.=))
import qualified Data.Aeson as J
import qualified Data.Aeson.Types as J
import qualified Data.ByteString.Lazy.Char8 as BL
import qualified Data.Map.Strict as Map
import Hsx.Runtime (Limits (..), Outcome (..), Report (..))
import System.Info (fullCompilerVersion)
import Data.Version (showVersion)

protocolVersion :: Int
protocolVersion = 2

data Request
  = Ping Int
  | Types Int FilePath [FilePath] [String]
    -- ^ id, directory, module files to load, qualified names whose types are wanted
  | Run Int Bool FilePath [FilePath] String Limits
    -- ^ id, search (True) or check the job's own inputs (False), directory, module files,
    -- qualified name of the 'Job', limits
  | Sample Int FilePath [FilePath] String Limits Int
    -- ^ id, directory, module files, the 'Job', limits (seed, max_size), how many inputs
  | Syntax Int String
    -- ^ id, the source text to parse (the "syntax" op: GHC's parser only, see Syntax.hs)

parseRequest :: BL.ByteString -> Either String Request
parseRequest line = J.eitherDecode line >>= J.parseEither request
  where
    request = J.withObject "request" $ \o -> do
      rid <- o .: "id"
      op <- o .: "op"
      case (op :: String) of
        "ping" -> pure (Ping rid)
        "types" -> Types rid <$> o .: "dir" <*> o .: "modules" <*> o .: "names"
        "search" -> run rid True o
        "check" -> run rid False o
        "sample" -> do
          lim <- o .: "limits" >>= limits
          Sample rid <$> o .: "dir" <*> o .: "modules" <*> o .: "job" <*> pure lim <*> o .: "count"
        "syntax" -> Syntax rid <$> o .: "source"
        _ -> fail ("unknown op " ++ show op)
    run rid isSearch o = do
      lim <- o .: "limits" >>= limits
      Run rid isSearch <$> o .: "dir" <*> o .: "modules" <*> o .: "job" <*> pure lim
    limits = J.withObject "limits" $ \o -> Limits
      <$> o .: "seed"
      <*> o .:? "tests" .!= 100
      <*> o .:? "max_size" .!= 30
      <*> o .:? "depth" .!= 4
      <*> o .:? "enum_cap" .!= 2000
      <*> o .: "eval_timeout_ms" `times` 1000
      <*> o .: "budget_ms" `times` 1000
      <*> o .:? "max_shrinks" .!= 100
      <*> o .:? "render_cap" .!= 4000
      <*> o .:? "strategies" .!= ["enumerate", "boundary", "mined", "structure", "random"]
    times p k = fmap (* k) p

ready :: J.Value
ready = J.object
  [ "status" .= ("ready" :: String)
  , "protocol" .= protocolVersion
  , "ghc" .= showVersion fullCompilerVersion
  ]

okTypes :: Int -> Map.Map String String -> J.Value
okTypes rid types = J.object ["id" .= rid, "status" .= ("ok" :: String), "types" .= types]

okReport :: Int -> Report -> J.Value
okReport rid rep = J.object
  [ "id" .= rid
  , "status" .= ("ok" :: String)
  , "report" .= J.object
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
  ]
  where
    row (input, l, r) = J.object ["input" .= input, "left" .= outcome l, "right" .= outcome r]
    outcome (Value v) = J.object ["kind" .= ("value" :: String), "value" .= v]
    outcome (Raised k m) =
      J.object ["kind" .= ("exception" :: String), "exception" .= k, "message" .= m]
    outcome TimedOut = J.object ["kind" .= ("timeout" :: String)]
    outcome (Resource m) = J.object ["kind" .= ("resource" :: String), "message" .= m]

okSamples :: Int -> [[String]] -> J.Value
okSamples rid rows = J.object ["id" .= rid, "status" .= ("ok" :: String), "inputs" .= rows]

okSyntax :: Int -> J.Value -> J.Value
okSyntax rid tree = J.object ["id" .= rid, "status" .= ("ok" :: String), "syntax" .= tree]

-- | status is one of: compile-error (GHC rejected a module or the job expression),
-- bad-request (the line was not a valid request), internal (anything else).
failure :: Maybe Int -> String -> String -> J.Value
failure rid status msg = J.object ["id" .= rid, "status" .= status, "message" .= msg]

encodeLine :: J.Value -> BL.ByteString
encodeLine = J.encode
