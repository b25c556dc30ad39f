{-# LANGUAGE OverloadedStrings #-}
{-# LANGUAGE ScopedTypeVariables #-}
-- | The @syntax@ op: one Haskell source read by GHC's own parser (no renamer, no type checker,
-- nothing loaded or run).  It answers what the module declares, the free names each declaration
-- uses after local shadowing, and where its expressions are, as JSON (README.md, "The syntax
-- op").  hsx's hand-written reader (hsx/haskell/source.py) defers to it wherever it is not exact.
--
-- The GHC API changes between major versions; this module is written against GHC 9.0.2, the one
-- compiler hsx supports (Debian's, and the Nix shell's: see flake.nix).
module Syntax (SyntaxEnv, newSyntaxEnv, syntaxOf) where

import qualified Data.Aeson as J

import Data.Aeson ((.=))
import Data.Char (isAlpha)
import Data.Data (Data, cast, gmapQ)
import Data.IORef
import Data.List (sortOn)
import Data.Foldable (toList)
import qualified Data.Map.Strict as Map
import Data.Maybe (fromMaybe)
import qualified Data.Sequence as Seq
import qualified Data.Set as Set
import Data.Aeson.Types (Pair)
import GHC.Data.Bag (bagToList)
import GHC.Data.FastString (mkFastString, unpackFS)
import GHC.Data.StringBuffer (stringToStringBuffer)
import GHC.Driver.Session (DynFlags, FlagSpec (..), Language (Haskell2010, Haskell98), defaultDynFlags,
                           impliedXFlags, lang_set, xFlags, xopt_set, xopt_unset)
import GHC.Hs
import GHC.Parser (parseModule)
import GHC.Parser.Header (getOptions)
import GHC.Parser.Lexer (ParseResult (..), getErrorMessages, mkPState, unP)
import GHC.Paths (libdir)
import GHC.SysTools (initSysTools, lazyInitLlvmConfig)
import GHC.Types.Basic (Fixity (..), FixityDirection (..), IntegralLit (..),
                        LexicalFixity (..))
import GHC.Types.Name.Occurrence (occNameString)
import GHC.Types.Name.Reader (RdrName (..), rdrNameOcc)
import GHC.Types.SrcLoc
import GHC.Unit.Module.Name (moduleNameString)
import GHC.Utils.Error (ErrMsg (..), pprLocErrMsg)
import GHC.Utils.Outputable (showSDoc)

-- | GHC's settings, read once from its libdir on the first request.
newtype SyntaxEnv = SyntaxEnv (IORef (Maybe DynFlags))

newSyntaxEnv :: IO SyntaxEnv
newSyntaxEnv = SyntaxEnv <$> newIORef Nothing

baseFlags :: SyntaxEnv -> IO DynFlags
baseFlags (SyntaxEnv ref) = do
  cached <- readIORef ref
  case cached of
    Just d -> pure d
    Nothing -> do
      settings <- initSysTools libdir
      llvm <- lazyInitLlvmConfig libdir
      let d = lang_set (defaultDynFlags settings llvm) (Just Haskell2010)
      writeIORef ref (Just d)
      pure d

-- | The JSON answer for one source text.  It is lazy: the helper forces it while encoding the
-- reply, and answers any exception on the way as its own fault (an @internal@ failure).
syntaxOf :: SyntaxEnv -> String -> IO J.Value
syntaxOf env source = do
  base <- baseFlags env
  let buf = stringToStringBuffer source
      exts = [drop 2 o | L _ o <- getOptions base buf "<source>", take 2 o == "-X"]
      dflags = foldl extension base exts
      loc = mkRealSrcLoc (mkFastString "<source>") 1 1
  pure $ case unP parseModule (mkPState dflags buf loc) of
    POk _ (L _ hsmod) -> moduleJson (mkLines source) exts hsmod
    PFailed pst -> failed
      [ J.object (spanStart (mkLines source) (errMsgSpan m) ++ ["message" .= showSDoc dflags (pprLocErrMsg m)])
      | m <- bagToList (getErrorMessages pst dflags) ]
  where
    failed errs = J.object
      [ "module" .= J.Null, "language" .= ([] :: [String]), "errors" .= errs
      , "decls" .= ([] :: [J.Value]), "fixities" .= ([] :: [J.Value])
      , "synonyms" .= ([] :: [J.Value]), "nodes" .= ([] :: [J.Value]) ]
    spanStart ls (RealSrcSpan s _) =
      ["line" .= srcSpanStartLine s, "col" .= charCol ls (srcSpanStartLine s) (srcSpanStartCol s)]
    spanStart _ _ = ["line" .= (0 :: Int), "col" .= (0 :: Int)]

-- | One LANGUAGE pragma's extension (and what it implies), as GHC would apply it.  Done here
-- rather than with 'parseDynamicFilePragma', which also acts on other OPTIONS_GHC flags and sets
-- process-wide state that the interpreter session shares.  Names GHC's parser does not need
-- (Safe, CPP, unknown ones) are ignored: the compile that follows judges them.
extension :: DynFlags -> String -> DynFlags
extension d "Haskell98" = lang_set d (Just Haskell98)
extension d "Haskell2010" = lang_set d (Just Haskell2010)
extension d name = case lookup name table of
  Just (ext, turnOn)
    | turnOn -> foldl implied (xopt_set d ext) [(on, e) | (e0, on, e) <- impliedXFlags, e0 == ext]
    | otherwise -> xopt_unset d ext
  Nothing -> d
  where
    table = [(flagSpecName f, (flagSpecFlag f, True)) | f <- xFlags]
            ++ [("No" ++ flagSpecName f, (flagSpecFlag f, False)) | f <- xFlags]
    implied d' (on, e) = if on then xopt_set d' e else xopt_unset d' e

-- ------------------------------------------------------------------------------------------------
-- Source text and spans

-- | The source's lines, for cutting out the text of a span and for turning GHC's columns (a tab
-- advances to the next multiple of 8) into character columns.  Each line is a 'Seq' and knows
-- whether it holds a tab, so both take logarithmic time: a long line of many small expressions
-- (a generated program) costs linear time overall, not quadratic.
newtype Lines = Lines (Map.Map Int Line)

data Line = Line !(Seq.Seq Char) !Bool  -- the characters; whether any is a tab

mkLines :: String -> Lines
mkLines s = Lines (Map.fromList (zip [1 ..] (map line (splitLines s))))
  where
    line l = Line (Seq.fromList l) ('\t' `elem` l)
    splitLines t = case break (== '\n') t of
      (l, []) -> [l]
      (l, _ : rest) -> l : splitLines rest

lineAt :: Lines -> Int -> Line
lineAt (Lines m) n = Map.findWithDefault (Line Seq.empty False) n m

lineOf :: Lines -> Int -> String
lineOf ls n = let Line cs _ = lineAt ls n in toList cs

-- | Characters @from@ (1-based) onwards, at most @count@ of them.
sliceOf :: Lines -> Int -> Int -> Int -> String
sliceOf ls n from count = let Line cs _ = lineAt ls n in toList (Seq.take count (Seq.drop (from - 1) cs))

-- | Character column (1-based) of GHC column @c@ on line @l@ (the same on a line without tabs).
charCol :: Lines -> Int -> Int -> Int
charCol ls l c = case lineAt ls l of
  Line _ False -> c
  Line cs True -> go 1 1 (toList cs)
  where
    go ghcCol chars rest
      | ghcCol >= c = chars
      | otherwise = case rest of
          [] -> chars + (c - ghcCol)
          ch : more -> go (if ch == '\t' then ((ghcCol - 1) `div` 8 + 1) * 8 + 1 else ghcCol + 1)
                          (chars + 1) more

data Span = Span !Int !Int !Int !Int

toSpan :: Lines -> SrcSpan -> Maybe Span
toSpan ls (RealSrcSpan s _) =
  let l1 = srcSpanStartLine s
      l2 = srcSpanEndLine s
  in Just (Span l1 (charCol ls l1 (srcSpanStartCol s)) l2 (charCol ls l2 (srcSpanEndCol s)))
toSpan _ _ = Nothing

spanJ :: Lines -> SrcSpan -> J.Value
spanJ ls s = maybe J.Null (\(Span a b c d) -> J.toJSON [a, b, c, d]) (toSpan ls s)

textOf :: Lines -> SrcSpan -> String
textOf ls s = case toSpan ls s of
  Nothing -> ""
  Just (Span l1 c1 l2 c2)
    | l1 == l2 -> sliceOf ls l1 c1 (c2 - c1)
    | otherwise -> unlines' ([drop (c1 - 1) (lineOf ls l1)] ++ [lineOf ls l | l <- [l1 + 1 .. l2 - 1]]
                             ++ [sliceOf ls l2 1 (c2 - 1)])
  where unlines' = foldr1 (\a b -> a ++ "\n" ++ b)

-- ------------------------------------------------------------------------------------------------
-- Names

rdr :: RdrName -> String
rdr (Qual m o) = moduleNameString m ++ "." ++ occNameString o
rdr n = occNameString (rdrNameOcc n)

isIdentifier :: String -> Bool
isIdentifier s = case reverse (takeWhile (/= '.') (reverse s)) of
  c : _ -> isAlpha c || c == '_'
  [] -> False

type Names = Set.Set String

patBinders :: [LPat GhcPs] -> Names
patBinders = Set.fromList . map rdr . collectPatsBinders

localBinders :: HsLocalBinds GhcPs -> Names
localBinders = Set.fromList . map rdr . collectLocalBinders

-- | Free names (variables, operators, constructors) of any piece of the syntax tree, with local
-- binders taken out of their scopes.  Types and signatures contain no uses.
free :: Data a => a -> Names
free x
  | Just (e :: HsExpr GhcPs) <- cast x = freeExpr e
  | Just (m :: Match GhcPs (LHsExpr GhcPs)) <- cast x = freeMatch m
  | Just (g :: GRHSs GhcPs (LHsExpr GhcPs)) <- cast x = freeGRHSs g
  | Just (g :: GRHS GhcPs (LHsExpr GhcPs)) <- cast x = freeGRHS g
  | Just (_ :: HsType GhcPs) <- cast x = Set.empty
  | Just (_ :: Sig GhcPs) <- cast x = Set.empty
  | otherwise = Set.unions (gmapQ free x)

freeExpr :: HsExpr GhcPs -> Names
freeExpr e = case e of
  HsVar _ (L _ n) -> Set.singleton (rdr n)
  HsLet _ (L _ binds) body -> (free binds `Set.union` free body) `Set.difference` localBinders binds
  HsDo _ _ (L _ stmts) -> freeStmts stmts Set.empty
  RecordCon _ (L _ con) flds -> Set.insert (rdr con) (free flds)
  _ -> Set.unions (gmapQ free e)

freeMatch :: Match GhcPs (LHsExpr GhcPs) -> Names
freeMatch (Match _ _ pats grhss) =
  free pats `Set.union` (free grhss `Set.difference` patBinders pats)

freeGRHSs :: GRHSs GhcPs (LHsExpr GhcPs) -> Names
freeGRHSs (GRHSs _ grhss (L _ binds)) =
  (free grhss `Set.union` free binds) `Set.difference` localBinders binds

freeGRHS :: GRHS GhcPs (LHsExpr GhcPs) -> Names
freeGRHS (GRHS _ guards body) = freeStmts guards (free body)

-- | Statements bind left to right: a generator's pattern and a @let@ scope over what follows.
freeStmts :: [ExprLStmt GhcPs] -> Names -> Names
freeStmts [] rest = rest
freeStmts (L _ s : ss) rest = case s of
  BindStmt _ pat body ->
    free body `Set.union` free pat `Set.union` (freeStmts ss rest `Set.difference` patBinders [pat])
  LetStmt _ (L _ binds) ->
    (free binds `Set.union` freeStmts ss rest) `Set.difference` localBinders binds
  _ -> free s `Set.union` freeStmts ss rest

-- ------------------------------------------------------------------------------------------------
-- Declarations

moduleJson :: Lines -> [String] -> HsModule -> J.Value
moduleJson ls exts hsmod = J.object
  [ "module" .= fmap (\(L _ m) -> moduleNameString m) (hsmodName hsmod)
  , "language" .= exts
  , "errors" .= ([] :: [J.Value])
  , "decls" .= map (declJson ls) decls
  , "fixities" .= [ fixityJson ls l n f | L l (SigD _ (FixSig _ (FixitySig _ ns f))) <- decls, L _ n <- ns ]
  , "synonyms" .= [ J.object [ "name" .= rdr n, "params" .= tyVarNames tvs, "rhs" .= textOf ls rl
                             , "rhs_span" .= spanJ ls rl, "span" .= spanJ ls l ]
                  | L l (TyClD _ (SynDecl _ (L _ n) tvs _ (L rl _))) <- decls ]
  , "nodes" .= map snd (sortOn (\((a, b, c, d), _) -> (a, b, negate c, negate d)) (collect ls fixities decls))
  ]
  where
    decls = hsmodDecls hsmod
    fixities = Map.fromList [ (rdr n, f) | L _ (SigD _ (FixSig _ (FixitySig _ ns f))) <- decls, L _ n <- ns ]

fixityJson :: Lines -> SrcSpan -> RdrName -> Fixity -> J.Value
fixityJson ls l n (Fixity _ prec dir) = J.object
  ["op" .= rdr n, "assoc" .= assocName dir, "prec" .= prec, "span" .= spanJ ls l]

assocName :: FixityDirection -> String
assocName InfixL = "left"
assocName InfixR = "right"
assocName InfixN = "none"

tyVarNames :: LHsQTyVars GhcPs -> [String]
tyVarNames (HsQTvs _ tvs) = map (rdr . hsLTyVarName) tvs

declJson :: Lines -> LHsDecl GhcPs -> J.Value
declJson ls (L l d) = J.object (["span" .= spanJ ls l] ++ fields)
  where
    kind k = "kind" .= (k :: String)
    names ns = "names" .= ns
    uses x = "uses" .= Set.toAscList (free x)
    fields = case d of
      ValD _ b@(FunBind _ (L _ n) (MG _ (L _ ms) _) _) ->
        [ kind "binding", names [rdr n], uses b
        , "infix" .= any isInfix (take 1 ms)
        , "arity" .= maybe (0 :: Int) (\(L _ m) -> length (m_pats m)) (safeHead ms) ]
      ValD _ b@(PatBind _ pat _ _) ->
        [kind "binding", names (map rdr (collectPatBinders pat)), uses b, "infix" .= False, "arity" .= (0 :: Int)]
      ValD _ b -> [kind "binding", names (map rdr (collectHsBindBinders b)), uses b, "infix" .= False]
      SigD _ (TypeSig _ ns (HsWC _ (HsIB _ (L tl _)))) ->
        [kind "signature", names [rdr n | L _ n <- ns], "type" .= textOf ls tl]
      SigD _ (FixSig _ (FixitySig _ ns _)) -> [kind "fixity", names [rdr n | L _ n <- ns]]
      SigD _ _ -> [kind "other", names ([] :: [String])]
      TyClD _ (SynDecl _ (L _ n) _ _ _) -> [kind "type", names [rdr n]]
      TyClD _ (DataDecl _ (L _ n) _ _ defn) -> dataFields n defn
      TyClD _ c@ClassDecl{} ->
        [ kind "class"
        , names (rdr (unLoc (tcdLName c)) : [rdr m | L _ (ClassOpSig _ _ ms _) <- tcdSigs c, L _ m <- ms])
        , uses (tcdMeths c) ]
      TyClD _ _ -> [kind "other", names ([] :: [String])]
      InstD _ i -> [kind "instance", names ([] :: [String]), uses i]
      RuleD {} -> [kind "pragma", names ([] :: [String])]
      AnnD {} -> [kind "pragma", names ([] :: [String])]
      WarningD {} -> [kind "pragma", names ([] :: [String])]
      _ -> [kind "other", names ([] :: [String])]
    isInfix (L _ m) = case m_ctxt m of
      FunRhs _ Infix _ -> True
      _ -> False
    dataFields n defn =
      let cons = dd_cons defn
          isNew = case dd_ND defn of
            NewType -> True
            DataType -> False
          gadt = any (\(L _ c) -> case c of ConDeclGADT {} -> True; _ -> False) cons
      in [ kind (if isNew then "newtype" else "data")
         , names (rdr n : concatMap (conNames . unLoc) cons)
         , "constructors" .= map (conJson ls . unLoc) cons
         , "deriving" .= [ textOf ls tl
                         | L _ clause <- unLoc (dd_derivs defn)
                         , HsDerivingClause _ _ (L _ tys) <- [clause]
                         , HsIB _ (L tl _) <- tys ]
         , "gadt" .= gadt ]
    conNames :: ConDecl GhcPs -> [String]
    conNames (ConDeclH98 _ (L _ c) _ _ _ _ _) = [rdr c]
    conNames (ConDeclGADT _ cs _ _ _ _ _ _) = [rdr c | L _ c <- cs]

safeHead :: [a] -> Maybe a
safeHead (x : _) = Just x
safeHead [] = Nothing

conJson :: Lines -> ConDecl GhcPs -> J.Value
conJson ls c = case c of
  ConDeclH98 _ (L _ n) _ _ _ args _ -> details (rdr n) args
  ConDeclGADT _ ns _ _ _ _ _ _ ->
    J.object ["name" .= (case ns of L _ n : _ -> rdr n; [] -> ""), "fields" .= ([] :: [String]),
              "field_spans" .= ([] :: [J.Value]), "infix" .= False, "record" .= J.Null]
  where
    field (L _ (HsBangTy _ _ t)) = field t
    field (L l _) = l
    details n args = case args of
      PrefixCon ts -> mk n (map (field . hsScaledThing) ts) False J.Null
      InfixCon a b -> mk n [field (hsScaledThing a), field (hsScaledThing b)] True J.Null
      RecCon (L _ flds) ->
        let pairs = [ (rdr (unLoc (rdrNameFieldOcc f)), field t)
                    | L _ (ConDeclField _ fs t _) <- flds, L _ f <- fs ]
        in mk n (map snd pairs) False (J.toJSON (map fst pairs))
    mk n spans isInfix record = J.object
      [ "name" .= n, "fields" .= map (textOf ls) spans, "field_spans" .= map (spanJ ls) spans
      , "infix" .= isInfix, "record" .= record ]

-- ------------------------------------------------------------------------------------------------
-- Expression nodes

type Node = ((Int, Int, Int, Int), J.Value)

-- | Fixities GHC's renamer would find in scope for the usual imports (Prelude, Data.Bits,
-- Data.Function, Data.List, Control.Monad, Data.Functor, Control.Applicative, Data.Ratio).
builtinFixities :: Map.Map String (Int, FixityDirection)
builtinFixities = Map.fromList $
  [(o, (9, InfixR)) | o <- ["."]] ++ [(o, (9, InfixL)) | o <- ["!!"]] ++
  [(o, (8, InfixR)) | o <- ["^", "^^", "**"]] ++
  [(o, (8, InfixL)) | o <- ["shiftL", "shiftR", "shift", "rotate", ".<<.", ".>>."]] ++
  [(o, (7, InfixL)) | o <- ["*", "/", "quot", "rem", "div", "mod", "divMod", "quotRem", ".&.", "%"]] ++
  [(o, (6, InfixL)) | o <- ["+", "-", "xor"]] ++ [(o, (6, InfixR)) | o <- ["<>"]] ++
  [(o, (5, InfixR)) | o <- [":", "++"]] ++ [(o, (5, InfixL)) | o <- [".|.", "\\\\"]] ++
  [(o, (4, InfixN)) | o <- ["==", "/=", "<", "<=", ">", ">=", "elem", "notElem"]] ++
  [(o, (4, InfixN)) | o <- ["isPrefixOf", "isSuffixOf", "isInfixOf"]] ++
  [(o, (4, InfixL)) | o <- ["<$>", "<$", "$>", "<*>", "*>", "<*"]] ++
  [(o, (3, InfixR)) | o <- ["&&"]] ++ [(o, (3, InfixL)) | o <- ["<|>"]] ++
  [(o, (2, InfixR)) | o <- ["||"]] ++
  [(o, (1, InfixL)) | o <- [">>", ">>=", "&", "<&>"]] ++ [(o, (1, InfixR)) | o <- ["=<<", ">=>", "<=<"]] ++
  [(o, (0, InfixR)) | o <- ["$", "$!", "seq"]] ++ [(o, (0, InfixL)) | o <- ["on"]]

collect :: Data a => Lines -> Map.Map String Fixity -> a -> [Node]
collect ls fixes = go
  where
    go :: Data b => b -> [Node]
    go x
      | Just (le :: LHsExpr GhcPs) <- cast x = expr le
      | Just (lm :: LMatch GhcPs (LHsExpr GhcPs)) <- cast x = match lm ++ concat (gmapQ go x)
      | Just (lg :: LGRHS GhcPs (LHsExpr GhcPs)) <- cast x = guarded lg ++ concat (gmapQ go x)
      | Just (lp :: LPat GhcPs) <- cast x = patLiteral lp ++ concat (gmapQ go x)
      | otherwise = concat (gmapQ go x)

    sp = spanJ ls
    node :: SrcSpan -> [Pair] -> [Node]
    node l kvs = case toSpan ls l of
      Just (Span a b c d) -> [((a, b, c, d), J.object (("span" .= [a, b, c, d]) : kvs))]
      Nothing -> []

    expr :: LHsExpr GhcPs -> [Node]
    expr le@(L l e) = case e of
      OpApp {} ->
        let (operands, ops) = flatten le
        in resolve operands ops ++ concatMap go (unNeg operands)
      HsApp {} ->
        let (hd, args) = spine le []
            here = case hd of
              L hl (HsVar _ (L _ n)) ->
                node l ["node" .= ("call" :: String), "name" .= rdr n, "fun_span" .= sp hl,
                        "args" .= map (sp . getLoc) args]
              _ -> []
        in here ++ go hd ++ concatMap go args
      HsOverLit _ (OverLit _ val _) -> node l (literal l val ++ ["text" .= textOf ls l, "pattern" .= False]) ++ rest
      HsLit _ lit -> node l (plainLiteral lit ++ ["text" .= textOf ls l, "pattern" .= False]) ++ rest
      NegApp _ a _ -> node l ["node" .= ("neg" :: String), "arg" .= sp (getLoc a)] ++ rest
      HsIf _ c t f -> node l ["node" .= ("if" :: String), "cond" .= sp (getLoc c), "then" .= sp (getLoc t),
                              "else" .= sp (getLoc f)] ++ rest
      HsCase _ s (MG _ (L _ alts) _) ->
        node l ["node" .= ("case" :: String), "scrutinee" .= sp (getLoc s), "alts" .= map (sp . getLoc) alts] ++ rest
      HsLet _ (L bl _) body ->
        node l ["node" .= ("let" :: String), "binds" .= sp bl, "body" .= sp (getLoc body)] ++ rest
      HsLam _ (MG _ (L _ [L _ (Match _ _ pats (GRHSs _ [L _ (GRHS _ [] body)] _))]) _) ->
        node l ["node" .= ("lambda" :: String), "patterns" .= map (sp . getLoc) pats,
                "body" .= sp (getLoc body)] ++ rest
      _ -> rest
      where rest = concat (gmapQ go e)

    -- Literals in patterns (case 0 -> ..., f 'a' = ...) are literal nodes too, marked as such.
    patLiteral :: LPat GhcPs -> [Node]
    patLiteral (L l p) = case p of
      NPat _ (L _ (OverLit _ val _)) _ _ -> node l (literal l val ++ ["text" .= textOf ls l, "pattern" .= True])
      LitPat _ lit -> node l (plainLiteral lit ++ ["text" .= textOf ls l, "pattern" .= True])
      _ -> []

    literal :: SrcSpan -> OverLitVal -> [Pair]
    literal l val = case val of
      HsIntegral il -> lit "integer" (show (il_value il))
      HsFractional _ -> lit "fractional" (textOf ls l)
      HsIsString _ fs -> lit "string" (unpackFS fs)
    plainLiteral lit' = case lit' of
      HsChar _ c -> lit "char" [c]
      HsString _ fs -> lit "string" (unpackFS fs)
      HsInt _ il -> lit "integer" (show (il_value il))
      HsInteger _ i _ -> lit "integer" (show i)
      _ -> lit "other" ""
    lit :: String -> String -> [Pair]
    lit k v = ["node" .= ("literal" :: String), "kind" .= k, "value" .= v]

    spine :: LHsExpr GhcPs -> [LHsExpr GhcPs] -> (LHsExpr GhcPs, [LHsExpr GhcPs])
    spine (L _ (HsApp _ f a)) acc = spine f (a : acc)
    spine (L _ (HsPar _ f@(L _ (HsVar _ (L _ n))))) acc | not (isIdentifier (rdr n)) = (f, acc)
    spine f acc = (f, acc)

    -- GHC's parser leaves an operator chain left-nested, whatever the fixities: the renamer
    -- re-associates it.  Here the chain is flattened and re-associated with the module's own
    -- fixity declarations and the common library ones (unknown: infixl 9, as in GHC).
    flatten :: LHsExpr GhcPs -> ([LHsExpr GhcPs], [LHsExpr GhcPs])
    flatten = walk [] []
      where  -- accumulating from the right end of the chain: linear in its length
        walk os ps (L _ (OpApp _ a op b)) = walk (b : os) (op : ps) a
        walk os ps x = (x : os, ps)

    fixity :: LHsExpr GhcPs -> (Int, FixityDirection)
    fixity (L _ (HsVar _ (L _ n))) =
      case Map.lookup (rdr n) fixes of
        Just (Fixity _ p d) -> (p, d)
        Nothing -> fromMaybe (9, InfixL) (Map.lookup (unqual (rdr n)) builtinFixities)
    fixity _ = (9, InfixL)
    unqual s = if isIdentifier s then reverse (takeWhile (/= '.') (reverse s)) else s

    -- A chain that starts with unary minus: the minus is a prefix operator of precedence 6
    -- (as in GHC's renamer), so `- a ^ 2` is `- (a ^ 2)` and `- a + b` is `(- a) + b`.
    resolve :: [LHsExpr GhcPs] -> [LHsExpr GhcPs] -> [Node]
    resolve (L l (NegApp _ x _) : os) ps = reduceAll (shunt [leaf (getLoc x)] [Left l] (zip ps os))
    resolve (o : os) ps = reduceAll (shunt [leaf (getLoc o)] [] (zip ps os))
    resolve [] _ = []

    -- The operands to look inside: a leading negation is a node of the chain, not of its operand.
    unNeg (L _ (NegApp _ x _) : os) = x : os
    unNeg os = os

    shunt :: [Tree] -> [Either SrcSpan (LHsExpr GhcPs)] -> [(LHsExpr GhcPs, LHsExpr GhcPs)]
          -> ([Tree], [Either SrcSpan (LHsExpr GhcPs)])
    shunt out stack [] = (out, stack)
    shunt out stack ((op, operand) : more) =
      let (out', stack') = popWhile out stack
      in shunt (leaf (getLoc operand) : out') (Right op : stack') more
      where
        (p, d) = fixity op
        popWhile o (top : st)
          | tp > p || (tp == p && td /= InfixR && d /= InfixR) = popWhile (apply top o) st
          where (tp, td) = either (const (6, InfixL)) fixity top
        popWhile o st = (o, st)

    reduceAll (out, stack) = case foldl (flip apply) out stack of
      [t] -> emit t
      ts -> concatMap emit ts

    -- Each tree node stores its span when it is built, so emitting a chain of n operators takes
    -- time linear in n (recomputing spans at every level made it cubic: minutes for 2,000 `+`).
    leaf l = Leaf (toSpan ls l)
    apply (Left l) (t : rest) = Neg (joinSpans (toSpan ls l) (treeSpan t)) t : rest
    apply (Right op) (r : l : rest) = Bin (joinSpans (treeSpan l) (treeSpan r)) op l r : rest
    apply _ ts = ts

    emit t = emitTo t []
    emitTo (Leaf _) acc = acc
    emitTo t@(Bin _ op@(L ol (HsVar _ (L _ n))) l r) acc =
      nodeAt (treeSpan t) ["node" .= ("op" :: String), "op" .= rdr n, "op_span" .= sp ol,
                           "lhs" .= spanList (treeSpan l), "rhs" .= spanList (treeSpan r),
                           "backtick" .= isIdentifier (rdr n)]
        ++ emitTo l (emitTo r (go op ++ acc))
    emitTo (Bin _ op l r) acc = emitTo l (emitTo r (go op ++ acc))
    emitTo t@(Neg _ a) acc = nodeAt (treeSpan t) ["node" .= ("neg" :: String), "arg" .= spanList (treeSpan a)] ++ emitTo a acc

    joinSpans (Just (Span a b _ _)) (Just (Span _ _ c d)) = Just (Span a b c d)
    joinSpans _ _ = Nothing
    spanList = maybe J.Null (\(Span a b c d) -> J.toJSON [a, b, c, d])
    nodeAt ms kvs = case ms of
      Just (Span a b c d) -> [((a, b, c, d), J.object (("span" .= [a, b, c, d]) : kvs))]
      Nothing -> []

    match :: LMatch GhcPs (LHsExpr GhcPs) -> [Node]
    match (L l (Match _ ctxt pats (GRHSs _ grhss (L bl binds)))) =
      node l [ "node" .= ("match" :: String)
             , "context" .= contextName ctxt
             , "name" .= (case ctxt of FunRhs (L _ n) _ _ -> Just (rdr n); _ -> Nothing)
             , "infix" .= (case ctxt of FunRhs _ Infix _ -> True; _ -> False)
             , "patterns" .= map (sp . getLoc) pats
             , "rhs" .= [sp (getLoc b) | L _ (GRHS _ _ b) <- grhss]
             , "guards" .= [map (sp . getLoc) gs | L _ (GRHS _ gs _) <- grhss]
             , "where" .= (case binds of EmptyLocalBinds _ -> J.Null; _ -> sp bl) ]

    contextName :: HsMatchContext GhcPs -> String
    contextName c = case c of
      FunRhs {} -> "function"
      LambdaExpr -> "lambda"
      CaseAlt -> "case"
      _ -> "other"

    guarded :: LGRHS GhcPs (LHsExpr GhcPs) -> [Node]
    guarded (L l (GRHS _ gs@(_ : _) body)) =
      node l ["node" .= ("guarded" :: String), "guards" .= map (sp . getLoc) gs, "rhs" .= sp (getLoc body)]
    guarded _ = []

-- | A re-associated operator chain; every node carries its span (Nothing: no real location).
data Tree = Leaf (Maybe Span) | Bin (Maybe Span) (LHsExpr GhcPs) Tree Tree | Neg (Maybe Span) Tree

treeSpan :: Tree -> Maybe Span
treeSpan (Leaf s) = s
treeSpan (Bin s _ _ _) = s
treeSpan (Neg s _) = s

