"""Reflectability: will Liquid Haskell be able to reflect a program's functions?

Consumes a program's code; produces "true", "false" or "unknown", the pool's `reflectable` field
(`hsx.pool.programs.Program`), and `LIBRARY_NAMES`, the library names the guess (and
`hsx.agents.parsing.same_program`) tells from the program's own.

`reflectable` is a cheap, syntactic guess at whether Liquid Haskell can reflect the program's
functions, which an equivalence proof (SEQ) needs.  Liquid Haskell lifts only functions written
by direct recursion over their own arguments with arithmetic, comparisons, `if`, `case` and
guards; it rejects lambdas, local function definitions and library functions (README, "not-
reflectable").  The heuristic, over the token stream:

* "false": a lambda; a `where`/`let`-bound helper that calls itself; or a library function or
  operator (`map`, `filter`, `foldr`, `sum`, `length`, `show`, `++`, `.`, `$`, ... : anything in
  `LIBRARY_NAMES` apart from the few Liquid Haskell knows) that the file does not define itself;
* "true": none of the above, no `where`/`let` bindings, no list comprehension or range, no
  imports, no class or instance, no string literal, and every free name is the program's own or one of `LOGIC_NAMES` (`not`,
  `otherwise`, `div`, `mod`, `fst`, `snd`, ...);
* "unknown": everything else (non-recursive `where`/`let` bindings, imports, strings, ...).
  Names that are neither library names nor defined at top level count as local variables.

It is a guess: only the prover decides.  It steers SEQ attempts toward programs that can be proved
at all, and it never makes a claim about equivalence.
"""

from __future__ import annotations

from hsx.haskell.source import parse_source
from hsx.haskell.tokens import SourceError, Token, tokenize

# Names exported by Prelude, Data.List, Data.Char, Data.Maybe, Data.Either, Data.Bits, Data.Ord,
# Data.Function and Data.Tuple (GHC 9.0 `:browse`).  Used to tell library functions from the
# program's own names: by the reflectability heuristic, and by `hsx.agents.parsing.same_program`,
# which must not treat `foldl` versus `foldr` as a renaming.
LIBRARY_NAMES = frozenset("""
abs acos acosh all and any appendFile asTypeOf asin asinh atan atan2 atanh bit break catMaybes
ceiling chr clearBit compare comparing complement concat concatMap const cos cosh curry cycle
decodeFloat delete deleteBy digitToInt div divMod drop dropWhile dropWhileEnd either elem elemIndex
elemIndices encodeFloat enumFrom enumFromThen enumFromThenTo enumFromTo error
errorWithoutStackTrace even exp exponent fail filter find findIndex findIndices fix flip
floatDigits floor fmap fold foldMap foldl foldl' foldl1 foldr foldr' foldr1 fromEnum fromInteger
fromIntegral fromJust fromLeft fromMaybe fromRational fromRight fst gcd genericLength group groupBy
head id init inits insert insertBy intToDigit intercalate interact intersect intersperse isAlpha
isAlphaNum isDigit isInfixOf isJust isLeft isLetter isLower isNothing isPrefixOf isRight isSpace
isSubsequenceOf isSuffixOf isUpper iterate last lcm lefts length lines listToMaybe log logBase
lookup map mapAccumL mapAccumR mapM mapM_ mapMaybe mappend max maxBound maximum maximumBy maybe
maybeToList mconcat mempty min minBound minimum minimumBy mod negate not notElem nub nubBy null odd
on or ord otherwise partition partitionEithers permutations pi popCount pred print product
properFraction pure quot quotRem read reads realToFrac recip rem repeat replicate return reverse
rights round scanl scanl1 scanr scanr1 seq sequence sequence_ shiftL shiftR show showString shows
showsPrec signum sin snd sort sortBy sortOn span splitAt sqrt stripPrefix subsequences subtract succ
sum swap tail tails take takeWhile tan testBit toEnum toInteger toList toLower toRational toUpper
transpose traverse truncate uncons uncurry undefined unfoldr union unlines until unwords unzip
unzip3 words xor zip zip3 zipWith zipWith3
!! $ $! ++ . <$> <$ <*> *> <* <> =<< >> >>= ^ ^^ **
""".split())

# Library names that Liquid Haskell's logic knows (built-in operators are not tokens of
# LIBRARY_NAMES except where listed): a program that uses only these can still be reflected.
LOGIC_NAMES = frozenset({"not", "otherwise", "div", "mod", "fst", "snd"})


def _top_level_values(code: str) -> set[str]:
    try:
        return set(parse_source(code).function_names())
    except SourceError:
        return set()


def _local_equations(tokens: list[Token]) -> list[list[Token]]:
    """The equations bound inside `where`/`let` blocks (each a token list starting with what it
    binds).  A block starts at the token after `where`/`let` and takes the lines indented at least
    to that token's column; a `where` followed by a column-1 token (a module header) binds
    nothing."""
    out: list[list[Token]] = []
    for i, t in enumerate(tokens):
        if t.text not in ("where", "let") or i + 1 >= len(tokens) or tokens[i + 1].col == 1:
            continue
        column = tokens[i + 1].col
        j = i + 1
        while j < len(tokens) and tokens[j].text != "in":
            head = tokens[j]
            k = j + 1  # the equation runs until a later line starts at or left of the column
            while k < len(tokens) and not (tokens[k].line > head.line and tokens[k].col <= column):
                k += 1
            equation = tokens[j:k]
            if any(x.text in ("=", "|") for x in equation):
                out.append(equation)
            if k >= len(tokens) or tokens[k].col < column:
                break
            j = k
    return out


def reflectability(code: str) -> str:
    """"true", "false" or "unknown": see the module docstring for the heuristic."""
    try:
        tokens = tokenize(code)
    except SourceError:
        return "unknown"
    values = _top_level_values(code)
    texts = [t.text for t in tokens]
    if "\\" in texts:
        return "false"  # a lambda
    local = _local_equations(tokens)
    for equation in local:
        head = equation[0]
        if head.kind == "varid" and any(x.kind == "varid" and x.text == head.text for x in equation[1:]):
            return "false"  # a where/let-bound helper that calls itself
    library = {t.text for t in tokens
               if t.kind in ("varid", "varsym") and t.text in LIBRARY_NAMES and t.text not in values}
    if library - LOGIC_NAMES:
        return "false"
    if local or "import" in texts or "<-" in texts or ".." in texts or any(t.kind == "string" for t in tokens):
        return "unknown"
    if any(t.text in ("class", "instance") for t in tokens):
        return "unknown"
    return "true"
