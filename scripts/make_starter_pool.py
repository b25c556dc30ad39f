"""Builds data/programs/starter.jsonl, the hand-written starter pool for self-play, and validates it.

Each program below is written for hsx (a few adapt the A sides of scripts/proof_pairs.jsonl,
scripts/bench_pairs.jsonl and examples/*/a.hs).  The script runs every program on its sample
inputs through `Verifier.evaluate` (the sandbox and GHC), records the entry, GHC's type, the arity
and the printed outputs, computes size and the reflectability guess (hsx/programs.py), writes the
file atomically, then reloads it and validates it with `validate_pool`.  The same programs and the
same GHC give the same file byte for byte.

Run:
    .venv/bin/python scripts/make_starter_pool.py            # rebuild and validate
    .venv/bin/python scripts/make_starter_pool.py --check    # validate the existing file only
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "data" / "programs" / "starter.jsonl"

TREE = "data Tree = Leaf | Node Tree Int Tree\n  deriving (Show, Eq)\n\n"

# (id, tags, code, sample inputs: one tuple of Haskell expressions per call)
PROGRAMS: list[tuple[str, tuple[str, ...], str, list[tuple[str, ...]]]] = [
    # -- Int / Integer ---------------------------------------------------------------------------
    ("abs-guards", ("int", "guards"), """\
absVal :: Int -> Int
absVal x
  | x < 0 = 0 - x
  | otherwise = x
""", [("(-7)",), ("0",), ("12",)]),
    ("sign-of", ("int", "guards"), """\
sign :: Int -> Int
sign x
  | x > 0 = 1
  | x < 0 = 0 - 1
  | otherwise = 0
""", [("(-3)",), ("0",), ("41",)]),
    ("max-of-three", ("int", "if", "three-args"), """\
max3 :: Int -> Int -> Int -> Int
max3 a b c =
  if a >= b
    then (if a >= c then a else c)
    else (if b >= c then b else c)
""", [("1", "2", "3"), ("9", "(-1)", "4"), ("5", "5", "2"), ("(-4)", "(-8)", "(-6)")]),
    ("clamp-range", ("int", "guards", "three-args"), """\
clamp :: Int -> Int -> Int -> Int
clamp lo hi x
  | x < lo = lo
  | x > hi = hi
  | otherwise = x
""", [("0", "10", "(-5)"), ("0", "10", "7"), ("0", "10", "99"), ("3", "1", "2")]),
    ("sum-to-n", ("int", "recursion", "int-induction"), """\
sumTo :: Int -> Int
sumTo n = if n <= 0 then 0 else n + sumTo (n - 1)
""", [("0",), ("1",), ("10",), ("(-3)",)]),
    ("factorial-integer", ("integer", "recursion", "int-induction"), """\
factorial :: Integer -> Integer
factorial n
  | n <= 1 = 1
  | otherwise = n * factorial (n - 1)
""", [("0",), ("5",), ("20",), ("25",)]),
    ("power-integer", ("integer", "int", "recursion", "two-args"), """\
power :: Integer -> Int -> Integer
power b e
  | e <= 0 = 1
  | otherwise = b * power b (e - 1)
""", [("2", "10"), ("(-3)", "3"), ("7", "0"), ("10", "20")]),
    ("fib-accumulators", ("int", "integer", "helper", "accumulator"), """\
fibStep :: Int -> Integer -> Integer -> Integer
fibStep k a b = if k <= 0 then a else fibStep (k - 1) b (a + b)

fib :: Int -> Integer
fib n = fibStep n 0 1
""", [("0",), ("1",), ("10",), ("60",)]),
    ("gcd-euclid", ("int", "recursion", "two-args"), """\
gcdE :: Int -> Int -> Int
gcdE a b
  | b == 0 = a
  | otherwise = gcdE b (a `mod` b)
""", [("12", "18"), ("17", "5"), ("0", "9"), ("100", "75")]),
    ("digit-sum", ("int", "recursion", "div-mod"), """\
digitSum :: Int -> Int
digitSum n
  | n < 10 = n
  | otherwise = n `mod` 10 + digitSum (n `div` 10)
""", [("0",), ("9",), ("1234",), ("90807",)]),
    ("collatz-steps", ("int", "recursion", "library"), """\
collatz :: Int -> Int
collatz n
  | n <= 1 = 0
  | even n = 1 + collatz (n `div` 2)
  | otherwise = 1 + collatz (3 * n + 1)
""", [("1",), ("6",), ("27",), ("(-5)",)]),
    ("is-prime", ("int", "bool", "helper"), """\
noDivisorFrom :: Int -> Int -> Bool
noDivisorFrom d n
  | d * d > n = True
  | n `mod` d == 0 = False
  | otherwise = noDivisorFrom (d + 1) n

isPrime :: Int -> Bool
isPrime n = n >= 2 && noDivisorFrom 2 n
""", [("1",), ("2",), ("15",), ("97",)]),
    ("count-digits", ("integer", "int", "recursion"), """\
numDigits :: Integer -> Int
numDigits n
  | n < 0 = numDigits (0 - n)
  | n < 10 = 1
  | otherwise = 1 + numDigits (n `div` 10)
""", [("0",), ("7",), ("(-450)",), ("12345678901234567890",)]),
    ("leap-year", ("int", "bool", "div-mod"), """\
isLeap :: Int -> Bool
isLeap y = (y `mod` 4 == 0 && y `mod` 100 /= 0) || y `mod` 400 == 0
""", [("1900",), ("2000",), ("2023",), ("2024",)]),
    ("mccarthy-91", ("int", "nested-recursion"), """\
mc91 :: Int -> Int
mc91 n = if n > 100 then n - 10 else mc91 (mc91 (n + 11))
""", [("0",), ("99",), ("101",), ("150",)]),
    # -- Bool --------------------------------------------------------------------------------------
    ("xor-case", ("bool", "case", "two-args"), """\
xor2 :: Bool -> Bool -> Bool
xor2 p q = case p of
  True -> not q
  False -> q
""", [("True", "True"), ("True", "False"), ("False", "True"), ("False", "False")]),
    ("majority-vote", ("bool", "three-args"), """\
majority :: Bool -> Bool -> Bool -> Bool
majority a b c = (a && b) || (b && c) || (a && c)
""", [("True", "True", "False"), ("False", "True", "False"), ("True", "False", "True"),
      ("False", "False", "False")]),
    # -- lists -------------------------------------------------------------------------------------
    ("sum-list", ("list", "int", "recursion"), """\
total :: [Int] -> Int
total [] = 0
total (x : xs) = x + total xs
""", [("[]",), ("[1,2,3]",), ("[(-4),10,(-5)]",)]),
    ("length-poly", ("list", "poly", "recursion"), """\
lenL :: [a] -> Int
lenL [] = 0
lenL (_ : xs) = 1 + lenL xs
""", [("[]",), ("[7]",), ("[1,2,3,4,5]",)]),
    ("count-evens", ("list", "int", "div-mod"), """\
countEven :: [Int] -> Int
countEven [] = 0
countEven (x : xs) = (if x `mod` 2 == 0 then 1 else 0) + countEven xs
""", [("[]",), ("[1,2,3,4]",), ("[(-2),0,5]",)]),
    ("max-list-maybe", ("list", "maybe", "helper"), """\
larger :: Int -> Int -> Int
larger a b = if a >= b then a else b

maxList :: [Int] -> Maybe Int
maxList [] = Nothing
maxList (x : xs) = case maxList xs of
  Nothing -> Just x
  Just m -> Just (larger x m)
""", [("[]",), ("[3,9,2]",), ("[(-5),(-1),(-7)]",)]),
    ("reverse-accumulator", ("list", "poly", "accumulator", "helper"), """\
revOnto :: [a] -> [a] -> [a]
revOnto acc [] = acc
revOnto acc (x : xs) = revOnto (x : acc) xs

rev :: [a] -> [a]
rev xs = revOnto [] xs
""", [("[]",), ("[1,2,3]",), ("[5,5,0,(-1)]",)]),
    ("interleave-lists", ("list", "two-args"), """\
interleave :: [Int] -> [Int] -> [Int]
interleave [] ys = ys
interleave (x : xs) ys = x : interleave ys xs
""", [("[]", "[1,2]"), ("[1,3,5]", "[2,4]"), ("[9]", "[]"), ("[1,2,3]", "[10,20,30,40]")]),
    ("take-while-positive", ("list", "guards"), """\
takePositive :: [Int] -> [Int]
takePositive [] = []
takePositive (x : xs)
  | x > 0 = x : takePositive xs
  | otherwise = []
""", [("[]",), ("[3,1,0,4]",), ("[(-1),2]",), ("[5,6,7]",)]),
    ("insertion-sort", ("list", "sorting", "helper"), """\
insertSorted :: Int -> [Int] -> [Int]
insertSorted x [] = [x]
insertSorted x (y : ys)
  | x <= y = x : y : ys
  | otherwise = y : insertSorted x ys

isort :: [Int] -> [Int]
isort [] = []
isort (x : xs) = insertSorted x (isort xs)
""", [("[]",), ("[3,1,2]",), ("[5,(-2),5,0,1]",), ("[1,2,3]",)]),
    ("dedup-adjacent", ("list", "nested-pattern"), """\
dedup :: [Int] -> [Int]
dedup (x : y : rest)
  | x == y = dedup (y : rest)
  | otherwise = x : dedup (y : rest)
dedup xs = xs
""", [("[]",), ("[1,1,2,2,2,3,1]",), ("[4]",), ("[7,7,7]",)]),
    ("prefix-sums", ("list", "accumulator", "helper"), """\
sumsFrom :: Int -> [Int] -> [Int]
sumsFrom _ [] = []
sumsFrom acc (x : xs) = (acc + x) : sumsFrom (acc + x) xs

prefixSums :: [Int] -> [Int]
prefixSums xs = sumsFrom 0 xs
""", [("[]",), ("[1,2,3,4]",), ("[5,(-5),5]",)]),
    ("nth-element", ("list", "maybe", "two-args"), """\
nth :: [Int] -> Int -> Maybe Int
nth [] _ = Nothing
nth (x : xs) i
  | i < 0 = Nothing
  | i == 0 = Just x
  | otherwise = nth xs (i - 1)
""", [("[10,20,30]", "1"), ("[10,20,30]", "3"), ("[]", "0"), ("[1,2]", "(-1)")]),
    ("squares-of-odds", ("list", "library", "higher-order"), """\
squaresOfOdds :: [Int] -> [Int]
squaresOfOdds xs = map (\\x -> x * x) (filter odd xs)
""", [("[]",), ("[1,2,3,4,5]",), ("[(-3),0,7]",)]),
    ("dot-product", ("list", "two-args", "nonlinear"), """\
dot :: [Int] -> [Int] -> Int
dot (x : xs) (y : ys) = x * y + dot xs ys
dot _ _ = 0
""", [("[1,2,3]", "[4,5,6]"), ("[]", "[1]"), ("[2,(-1)]", "[3,3,3]")]),
    ("split-alternate", ("list", "tuple", "case"), """\
split :: [Int] -> ([Int], [Int])
split [] = ([], [])
split (x : xs) = case split xs of
  (odds, evens) -> (x : evens, odds)
""", [("[]",), ("[1,2,3,4,5]",), ("[9]",)]),
    ("is-sorted", ("list", "bool", "nested-pattern"), """\
isSorted :: [Int] -> Bool
isSorted (x : y : rest) = x <= y && isSorted (y : rest)
isSorted _ = True
""", [("[]",), ("[1,2,2,5]",), ("[3,1]",), ("[0]",)]),
    ("merge-sorted", ("list", "two-args", "sorting"), """\
merge :: [Int] -> [Int] -> [Int]
merge [] ys = ys
merge xs [] = xs
merge (x : xs) (y : ys)
  | x <= y = x : merge xs (y : ys)
  | otherwise = y : merge (x : xs) ys
""", [("[1,4,6]", "[2,3,7]"), ("[]", "[5]"), ("[1,1]", "[1]"), ("[(-3),0]", "[]")]),
    ("alternating-sum", ("list", "library", "higher-order"), """\
altSum :: [Int] -> Int
altSum xs = foldr (\\x acc -> x - acc) 0 xs
""", [("[]",), ("[1,2,3,4]",), ("[10]",), ("[5,(-5),5]",)]),
    ("count-occurrences", ("list", "int", "two-args"), """\
occurrences :: Int -> [Int] -> Int
occurrences _ [] = 0
occurrences k (x : xs)
  | x == k = 1 + occurrences k xs
  | otherwise = occurrences k xs
""", [("2", "[1,2,2,3,2]"), ("5", "[]"), ("0", "[0]"), ("(-1)", "[1,(-1),(-1)]")]),
    ("average-rounded", ("list", "library", "maybe"), """\
average :: [Int] -> Maybe Int
average [] = Nothing
average xs = Just (sum xs `div` length xs)
""", [("[]",), ("[1,2,3,4]",), ("[(-3),0]",), ("[7]",)]),
    # -- String ------------------------------------------------------------------------------------
    ("count-vowels", ("string", "library"), """\
countVowels :: String -> Int
countVowels s = length (filter (`elem` "aeiouAEIOU") s)
""", [('""',), ('"hello world"',), ('"AEIOU xyz"',)]),
    ("capitalize-words", ("string", "library", "import"), """\
import Data.Char (toUpper)

capitalize :: String -> String
capitalize s = go True s
  where
    go _ [] = []
    go start (c : cs)
      | c == ' ' = c : go True cs
      | start = toUpper c : go False cs
      | otherwise = c : go False cs
""", [('""',), ('"hello big world"',), ('" two  spaces"',)]),
    ("palindrome-check", ("string", "bool", "library"), """\
isPalindrome :: String -> Bool
isPalindrome s = s == reverse s
""", [('""',), ('"racecar"',), ('"abca"',), ('"Aa"',)]),
    ("run-length", ("string", "tuple", "list", "helper"), """\
runFrom :: Char -> Int -> String -> [(Char, Int)]
runFrom c n [] = [(c, n)]
runFrom c n (d : ds)
  | d == c = runFrom c (n + 1) ds
  | otherwise = (c, n) : runFrom d 1 ds

rle :: String -> [(Char, Int)]
rle [] = []
rle (c : cs) = runFrom c 1 cs
""", [('""',), ('"aaabccdddd"',), ('"abc"',)]),
    ("squeeze-spaces", ("string", "nested-pattern"), """\
squeeze :: String -> String
squeeze (' ' : ' ' : rest) = squeeze (' ' : rest)
squeeze (c : rest) = c : squeeze rest
squeeze [] = []
""", [('""',), ('"a   b c"',), ('"   "',), ('"no-spaces"',)]),
    ("caesar-shift", ("string", "char", "library", "import", "two-args"), """\
import Data.Char (chr, ord, isLower)

shiftChar :: Int -> Char -> Char
shiftChar k c
  | isLower c = chr (ord 'a' + (ord c - ord 'a' + k) `mod` 26)
  | otherwise = c

caesar :: Int -> String -> String
caesar k s = map (shiftChar k) s
""", [("3", '"abc xyz"'), ("0", '"Hello"'), ("(-1)", '"a!b"'), ("27", '"zz"')]),
    # -- Maybe / Either ----------------------------------------------------------------------------
    ("safe-div", ("maybe", "int", "two-args", "div-mod"), """\
safeDiv :: Int -> Int -> Maybe Int
safeDiv _ 0 = Nothing
safeDiv n d = Just (n `div` d)
""", [("7", "2"), ("1", "0"), ("(-7)", "2"), ("0", "5")]),
    ("add-maybes", ("maybe", "int", "two-args"), """\
addMaybe :: Maybe Int -> Maybe Int -> Maybe Int
addMaybe (Just a) (Just b) = Just (a + b)
addMaybe _ _ = Nothing
""", [("(Just 2)", "(Just 3)"), ("Nothing", "(Just 1)"), ("(Just (-4))", "Nothing"), ("(Just 0)", "(Just (-9))")]),
    ("first-just", ("maybe", "list"), """\
firstJust :: [Maybe Int] -> Maybe Int
firstJust [] = Nothing
firstJust (Nothing : rest) = firstJust rest
firstJust (Just x : _) = Just x
""", [("[]",), ("[Nothing,Just 3,Just 4]",), ("[Nothing,Nothing]",)]),
    ("digit-value", ("either", "char", "string"), """\
digitValue :: Char -> Either String Int
digitValue c
  | c >= '0' && c <= '9' = Right (fromEnum c - fromEnum '0')
  | otherwise = Left ("not a digit: " ++ [c])
""", [("'7'",), ("'0'",), ("'x'",)]),
    ("sum-eithers", ("either", "list", "tuple"), """\
tally :: [Either Int Int] -> (Int, Int)
tally [] = (0, 0)
tally (Left a : rest) = case tally rest of
  (l, r) -> (l + a, r)
tally (Right b : rest) = case tally rest of
  (l, r) -> (l, r + b)
""", [("[]",), ("[Left 1,Right 2,Left 3]",), ("[Right (-5),Left 2,Right 8]",)]),
    ("checked-subtract", ("either", "int", "two-args"), """\
safeSub :: Int -> Int -> Either String Int
safeSub a b
  | b > a = Left "negative result"
  | otherwise = Right (a - b)
""", [("5", "3"), ("3", "5"), ("0", "0"), ("(-2)", "(-7)")]),
    # -- tuples ------------------------------------------------------------------------------------
    ("order-pair", ("tuple", "int"), """\
orderPair :: (Int, Int) -> (Int, Int)
orderPair (a, b) = if a <= b then (a, b) else (b, a)
""", [("(1,2)",), ("(5,(-3))",), ("(4,4)",)]),
    ("min-max", ("tuple", "list", "maybe", "helper"), """\
minMaxFrom :: Int -> Int -> [Int] -> (Int, Int)
minMaxFrom lo hi [] = (lo, hi)
minMaxFrom lo hi (x : xs)
  | x < lo = minMaxFrom x hi xs
  | x > hi = minMaxFrom lo x xs
  | otherwise = minMaxFrom lo hi xs

minMax :: [Int] -> Maybe (Int, Int)
minMax [] = Nothing
minMax (x : xs) = Just (minMaxFrom x x xs)
""", [("[]",), ("[3,1,4,1,5]",), ("[(-2)]",), ("[9,8,(-7)]",)]),
    ("div-by-subtraction", ("tuple", "int", "two-args", "recursion"), """\
divSub :: Int -> Int -> (Int, Int)
divSub n d
  | d <= 0 || n < 0 = (0, n)
  | n < d = (0, n)
  | otherwise = case divSub (n - d) d of
      (q, r) -> (q + 1, r)
""", [("17", "5"), ("4", "9"), ("12", "0"), ("(-3)", "2")]),
    # -- Tree / Expr data types --------------------------------------------------------------------
    ("tree-sum", ("tree", "data-type"), TREE + """\
tsum :: Tree -> Int
tsum Leaf = 0
tsum (Node l x r) = tsum l + x + tsum r
""", [("Leaf",), ("(Node Leaf 5 Leaf)",), ("(Node (Node Leaf 1 Leaf) 2 (Node Leaf (-4) Leaf))",)]),
    ("tree-depth", ("tree", "data-type", "helper"), TREE + """\
bigger :: Int -> Int -> Int
bigger a b = if a >= b then a else b

depth :: Tree -> Int
depth Leaf = 0
depth (Node l _ r) = 1 + bigger (depth l) (depth r)
""", [("Leaf",), ("(Node (Node (Node Leaf 1 Leaf) 2 Leaf) 3 Leaf)",), ("(Node Leaf 1 (Node Leaf 2 Leaf))",)]),
    ("tree-bst-insert", ("tree", "data-type", "data-result", "two-args"), TREE + """\
insertT :: Int -> Tree -> Tree
insertT x Leaf = Node Leaf x Leaf
insertT x (Node l y r)
  | x < y = Node (insertT x l) y r
  | x > y = Node l y (insertT x r)
  | otherwise = Node l y r
""", [("3", "Leaf"), ("1", "(Node Leaf 2 (Node Leaf 5 Leaf))"), ("5", "(Node Leaf 2 (Node Leaf 5 Leaf))")]),
    ("tree-bst-member", ("tree", "data-type", "bool", "two-args"), TREE + """\
memberT :: Int -> Tree -> Bool
memberT _ Leaf = False
memberT x (Node l y r)
  | x < y = memberT x l
  | x > y = memberT x r
  | otherwise = True
""", [("4", "Leaf"), ("4", "(Node (Node Leaf 1 Leaf) 4 Leaf)"), ("1", "(Node (Node Leaf 1 Leaf) 4 Leaf)"),
      ("9", "(Node Leaf 4 (Node Leaf 8 Leaf))")]),
    ("tree-inorder", ("tree", "data-type", "list", "helper", "append"), TREE + """\
appendL :: [Int] -> [Int] -> [Int]
appendL [] ys = ys
appendL (x : xs) ys = x : appendL xs ys

inorder :: Tree -> [Int]
inorder Leaf = []
inorder (Node l x r) = appendL (inorder l) (x : inorder r)
""", [("Leaf",), ("(Node (Node Leaf 1 Leaf) 2 (Node Leaf 3 Leaf))",), ("(Node Leaf 7 (Node Leaf (-1) Leaf))",)]),
    ("tree-mirror", ("tree", "data-type", "data-result"), TREE + """\
mirror :: Tree -> Tree
mirror Leaf = Leaf
mirror (Node l x r) = Node (mirror r) x (mirror l)
""", [("Leaf",), ("(Node (Node Leaf 1 Leaf) 2 Leaf)",), ("(Node (Node Leaf 1 Leaf) 2 (Node Leaf 3 Leaf))",)]),
    ("tree-count-leaves", ("tree", "data-type"), TREE + """\
leaves :: Tree -> Int
leaves Leaf = 1
leaves (Node l _ r) = leaves l + leaves r
""", [("Leaf",), ("(Node Leaf 0 Leaf)",), ("(Node (Node Leaf 1 Leaf) 2 (Node (Node Leaf 3 Leaf) 4 Leaf))",)]),
    ("expr-eval", ("expr", "data-type", "case"), """\
data Expr = Lit Int | Add Expr Expr | Mul Expr Expr | Neg Expr
  deriving (Show, Eq)

eval :: Expr -> Int
eval e = case e of
  Lit n -> n
  Add a b -> eval a + eval b
  Mul a b -> eval a * eval b
  Neg a -> 0 - eval a
""", [("(Lit 4)",), ("(Add (Lit 1) (Mul (Lit 2) (Lit 3)))",), ("(Neg (Add (Lit 5) (Neg (Lit 2))))",)]),
]


def build(out: Path, jobs: int | None) -> int:
    from hsx.config import load_config
    from hsx.programs import program_from_evaluation, save_pool_records
    from hsx.verdict import Result
    from hsx.verify import Verifier

    ids = [p[0] for p in PROGRAMS]
    assert len(ids) == len(set(ids)), "duplicate ids in PROGRAMS"
    records = []
    failed = False
    with Verifier(load_config()) as verifier:
        for pid, tags, code, rows in PROGRAMS:
            ev = verifier.evaluate(code, rows, path=f"{pid}.hs")
            if isinstance(ev, Result):
                print(f"{pid}: cannot run: {ev.reason}", file=sys.stderr)
                failed = True
                continue
            bad = [(row, o) for row, o in zip(rows, ev.outputs) if o.kind != "value"]
            for row, o in bad:
                print(f"{pid}: input {' '.join(row)} gives no value: {o.describe()}", file=sys.stderr)
                failed = True
            records.append(program_from_evaluation(id=pid, code=code, rows=rows, evaluation=ev, tags=tags))
        if failed:
            return 1
        save_pool_records(out, records)
        print(f"wrote {len(records)} programs to {out}")
        return check(out, verifier, jobs)


def check(path: Path, verifier, jobs: int | None) -> int:
    from hsx.programs import load_pool, validate_pool

    programs = load_pool(path)
    problems = validate_pool(verifier, programs, jobs)
    for pid, ps in problems.items():
        for p in ps:
            print(f"{pid}: {p}", file=sys.stderr)
    counts: dict[str, int] = {}
    for p in programs:
        counts[p.reflectable] = counts.get(p.reflectable, 0) + 1
    print(f"{len(programs)} programs, {len(programs) - len(problems)} valid; reflectable: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the pool file to write")
    parser.add_argument("--check", action="store_true", help="only validate the existing file")
    parser.add_argument("--jobs", type=int, default=None, help="parallel workers (default: all cores)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.check:
        from hsx.config import load_config
        from hsx.verify import Verifier
        with Verifier(load_config()) as verifier:
            return check(args.out, verifier, args.jobs)
    return build(args.out, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
