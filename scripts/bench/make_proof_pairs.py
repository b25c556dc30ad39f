#!/usr/bin/env python3
"""Writes scripts/bench/proof_pairs.jsonl: hand-written EQUIVALENT Haskell pairs for the proof stage.

Each pair is two small programs, A and B, whose entries (the one top-level function of each file
that no other top-level definition references) have the same type and agree on every input.  They
are written so that Liquid Haskell can reflect every function of both files (`{-@ reflect f @-}`
under `--reflection --ple`), which is what hsx's automatic proof search needs:

  * only Int arithmetic (+, -, *) and comparison, Bool (&&, ||, not), if/case/guards and
    pattern matching; negation is written `0 - x` (no `negate`, no negative literals);
  * every recursive function is a top-level function with a type signature: own helpers instead
    of map/sum/foldr/length/reverse/max/..., no lambdas, no `where`/`let`, no imports, no classes;
  * types: Int, Bool, [Int], polymorphic [a], Maybe Int, tuples, and the data types
    `data Tree = Leaf | Node Tree Int Tree` and `data Expr = Lit Int | Add Expr Expr | Mul Expr Expr
    | Neg Expr`, declared identically in both files of a pair;
  * every pattern match is complete (Liquid Haskell checks totality), and recursion is structural
    on a list, Tree or Expr argument, or on an Int argument guarded by `n <= 0`.
  * the pairs are equivalent for GHC's 64-bit Int, not only for mathematical integers: rewrites
    use ring identities (which hold modulo 2^64) and never move a comparison across an addition.

Each record is {"id", "a_source", "b_source", "tags", "expected_template"}, where
expected_template is the proof template the pair is designed for:

  empty        no recursion in the argument: the empty proof under PLE suffices;
  induction    structural induction on a list / Tree / Expr argument, or Int induction from 0;
  accumulator  naive recursion vs a tail-recursive `go` with an accumulator: needs a helper lemma
               `go acc xs == acc <op> f xs` proved by induction (like lh-fixtures/SafeInduction);
  hard         needs auxiliary lemmas (append associativity, ...), a strengthened induction
               hypothesis, or a custom termination metric; not expected of the simple templates.

The output is deterministic: pairs in the order below, one JSON object a line.

Usage:
    python scripts/bench/make_proof_pairs.py [--out scripts/bench/proof_pairs.jsonl]
    python scripts/bench/make_proof_pairs.py --check [--jobs 2] [--only ID ...]

--check validates every pair (after writing the file): static Liquid-Haskell-friendliness rules
(above), `ghc -fno-code` with incomplete-pattern warnings as errors on each side, exactly one entry
per side, and `hsx verify` (the Python API, full counterexample search; the proof stage, where
this hsx has one, is switched off) must find no counterexample and no error.  Exit status 0
when every pair passes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import textwrap
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hsx.haskell import sandbox  # noqa: E402
from hsx.config import SandboxConfig  # noqa: E402

TEMPLATES = ("empty", "induction", "accumulator", "hard")
PAIRS: list[dict] = []

TREE = "data Tree = Leaf | Node Tree Int Tree\n\n"
EXPR = "data Expr = Lit Int | Add Expr Expr | Mul Expr Expr | Neg Expr\n\n"


def pair(pid: str, template: str, tags: list[str], a: str, b: str, prelude: str = "") -> None:
    assert pid not in {p["id"] for p in PAIRS}, pid
    assert template in TEMPLATES, template
    PAIRS.append({
        "id": pid,
        "a_source": prelude + textwrap.dedent(a).strip("\n") + "\n",
        "b_source": prelude + textwrap.dedent(b).strip("\n") + "\n",
        "tags": tags,
        "expected_template": template,
    })


# ================================================================================================
# empty: non-recursive rewrites, provable by PLE alone

pair("max-if-vs-guards", "empty", ["int", "guards"], """
    maxInt :: Int -> Int -> Int
    maxInt a b = if a >= b then a else b
    """, """
    maxInt :: Int -> Int -> Int
    maxInt a b
      | b > a = b
      | otherwise = a
    """)

pair("triple-add-vs-mul", "empty", ["int", "arith"], """
    triple :: Int -> Int
    triple x = x + x + x
    """, """
    triple :: Int -> Int
    triple x = 3 * x
    """)

pair("linear-regroup", "empty", ["int", "arith", "two-args"], """
    combine :: Int -> Int -> Int
    combine x y = 3 * (x + y) - y
    """, """
    combine :: Int -> Int -> Int
    combine x y = y + x * 3 + y
    """)

pair("de-morgan-nand", "empty", ["bool"], """
    nand :: Bool -> Bool -> Bool
    nand p q = not (p && q)
    """, """
    nand :: Bool -> Bool -> Bool
    nand p q = not p || not q
    """)

pair("implies-if-vs-or", "empty", ["bool"], """
    implies :: Bool -> Bool -> Bool
    implies p q = if p then q else True
    """, """
    implies :: Bool -> Bool -> Bool
    implies p q = not p || q
    """)

pair("min3-nested-vs-helper", "empty", ["int", "helper"], """
    min3 :: Int -> Int -> Int -> Int
    min3 a b c =
      if a <= b
        then (if a <= c then a else c)
        else (if b <= c then b else c)
    """, """
    smaller :: Int -> Int -> Int
    smaller x y = if y < x then y else x

    min3 :: Int -> Int -> Int -> Int
    min3 a b c = smaller (smaller a b) c
    """)

pair("abs-if-vs-guards", "empty", ["int", "guards"], """
    absVal :: Int -> Int
    absVal x = if x < 0 then 0 - x else x
    """, """
    absVal :: Int -> Int
    absVal x
      | x >= 0 = x
      | otherwise = 0 - x
    """)

pair("sign-guard-order", "empty", ["int", "guards"], """
    sign :: Int -> Int
    sign x
      | x > 0 = 1
      | x < 0 = 0 - 1
      | otherwise = 0
    """, """
    sign :: Int -> Int
    sign x = if x == 0 then 0 else (if x < 0 then 0 - 1 else 1)
    """)

pair("clamp-branch-order", "empty", ["int", "three-args"], """
    clamp :: Int -> Int -> Int -> Int
    clamp lo hi x = if x < lo then lo else (if x > hi then hi else x)
    """, """
    clamp :: Int -> Int -> Int -> Int
    clamp lo hi x
      | x >= lo = if hi < x then hi else x
      | otherwise = lo
    """)

pair("order-pair-tuple", "empty", ["tuple", "int"], """
    orderPair :: (Int, Int) -> (Int, Int)
    orderPair (a, b) = if a <= b then (a, b) else (b, a)
    """, """
    orderPair :: (Int, Int) -> (Int, Int)
    orderPair p = case p of
      (a, b) -> if b < a then (b, a) else (a, b)
    """)

pair("add-maybe-clauses-vs-case", "empty", ["maybe", "int"], """
    addMaybe :: Maybe Int -> Maybe Int -> Maybe Int
    addMaybe (Just a) (Just b) = Just (a + b)
    addMaybe _ _ = Nothing
    """, """
    addMaybe :: Maybe Int -> Maybe Int -> Maybe Int
    addMaybe ma mb = case ma of
      Nothing -> Nothing
      Just a -> case mb of
        Nothing -> Nothing
        Just b -> Just (b + a)
    """)

# ================================================================================================
# induction: structural induction on a list / Tree / Expr argument, or Int induction from 0

pair("length-swapped-poly", "induction", ["list", "poly"], """
    lenL :: [a] -> Int
    lenL [] = 0
    lenL (_ : xs) = 1 + lenL xs
    """, """
    lenL :: [a] -> Int
    lenL ys = case ys of
      [] -> 0
      (_ : rest) -> lenL rest + 1
    """)

pair("count-pos-vs-filter", "induction", ["list", "helper"], """
    countPos :: [Int] -> Int
    countPos [] = 0
    countPos (x : xs) = if x > 0 then 1 + countPos xs else countPos xs
    """, """
    keepPos :: [Int] -> [Int]
    keepPos [] = []
    keepPos (x : xs) = if x > 0 then x : keepPos xs else keepPos xs

    lenI :: [Int] -> Int
    lenI [] = 0
    lenI (_ : xs) = 1 + lenI xs

    countPos :: [Int] -> Int
    countPos xs = lenI (keepPos xs)
    """)

pair("sum-doubled-vs-double-sum", "induction", ["list", "helper"], """
    doubleAll :: [Int] -> [Int]
    doubleAll [] = []
    doubleAll (x : xs) = (x + x) : doubleAll xs

    total :: [Int] -> Int
    total [] = 0
    total (x : xs) = x + total xs

    sumDoubled :: [Int] -> Int
    sumDoubled xs = total (doubleAll xs)
    """, """
    total :: [Int] -> Int
    total [] = 0
    total (x : xs) = total xs + x

    sumDoubled :: [Int] -> Int
    sumDoubled xs = 2 * total xs
    """)

pair("inc-all-vs-add-all", "induction", ["list", "helper"], """
    addAll :: Int -> [Int] -> [Int]
    addAll _ [] = []
    addAll k (x : xs) = (x + k) : addAll k xs

    incAll :: [Int] -> [Int]
    incAll xs = addAll 1 xs
    """, """
    incAll :: [Int] -> [Int]
    incAll [] = []
    incAll (x : xs) = (1 + x) : incAll xs
    """)

pair("length-append-poly", "induction", ["list", "poly", "append"], """
    appL :: [a] -> [a] -> [a]
    appL [] ys = ys
    appL (x : xs) ys = x : appL xs ys

    lenL :: [a] -> Int
    lenL [] = 0
    lenL (_ : xs) = 1 + lenL xs

    lenBoth :: [a] -> [a] -> Int
    lenBoth xs ys = lenL (appL xs ys)
    """, """
    lenL :: [a] -> Int
    lenL [] = 0
    lenL (_ : xs) = lenL xs + 1

    lenBoth :: [a] -> [a] -> Int
    lenBoth xs ys = lenL xs + lenL ys
    """)

pair("zip-sum-swapped", "induction", ["list", "two-lists"], """
    zipSum :: [Int] -> [Int] -> [Int]
    zipSum (x : xs) (y : ys) = (x + y) : zipSum xs ys
    zipSum _ _ = []
    """, """
    zipSum :: [Int] -> [Int] -> [Int]
    zipSum [] _ = []
    zipSum _ [] = []
    zipSum (x : xs) (y : ys) = (y + x) : zipSum xs ys
    """)

pair("tree-nodes-swapped", "induction", ["tree"], """
    nodes :: Tree -> Int
    nodes Leaf = 0
    nodes (Node l _ r) = nodes l + 1 + nodes r
    """, """
    nodes :: Tree -> Int
    nodes t = case t of
      Leaf -> 0
      Node l _ r -> 1 + nodes r + nodes l
    """, prelude=TREE)

pair("tree-sum-mirror", "induction", ["tree", "helper"], """
    mirror :: Tree -> Tree
    mirror Leaf = Leaf
    mirror (Node l x r) = Node (mirror r) x (mirror l)

    tsum :: Tree -> Int
    tsum Leaf = 0
    tsum (Node l x r) = tsum l + x + tsum r

    sumMirror :: Tree -> Int
    sumMirror t = tsum (mirror t)
    """, """
    tsum :: Tree -> Int
    tsum Leaf = 0
    tsum (Node l x r) = tsum l + x + tsum r

    sumMirror :: Tree -> Int
    sumMirror t = tsum t
    """, prelude=TREE)

pair("tree-mirror-twice", "induction", ["tree", "data-result"], """
    mirror :: Tree -> Tree
    mirror Leaf = Leaf
    mirror (Node l x r) = Node (mirror r) x (mirror l)

    mirrorTwice :: Tree -> Tree
    mirrorTwice t = mirror (mirror t)
    """, """
    mirrorTwice :: Tree -> Tree
    mirrorTwice t = t
    """, prelude=TREE)

pair("expr-eval-swapped", "induction", ["expr", "nonlinear"], """
    eval :: Expr -> Int
    eval e = case e of
      Lit n -> n
      Add a b -> eval a + eval b
      Mul a b -> eval a * eval b
      Neg a -> 0 - eval a
    """, """
    eval :: Expr -> Int
    eval (Lit n) = n
    eval (Add a b) = eval b + eval a
    eval (Mul a b) = eval b * eval a
    eval (Neg a) = 0 - eval a
    """, prelude=EXPR)

pair("expr-eval-mirror", "induction", ["expr", "helper", "nonlinear"], """
    eval :: Expr -> Int
    eval (Lit n) = n
    eval (Add a b) = eval a + eval b
    eval (Mul a b) = eval a * eval b
    eval (Neg a) = 0 - eval a

    swapOps :: Expr -> Expr
    swapOps (Lit n) = Lit n
    swapOps (Add a b) = Add (swapOps b) (swapOps a)
    swapOps (Mul a b) = Mul (swapOps b) (swapOps a)
    swapOps (Neg a) = Neg (swapOps a)

    evalSwapped :: Expr -> Int
    evalSwapped e = eval (swapOps e)
    """, """
    eval :: Expr -> Int
    eval (Lit n) = n
    eval (Add a b) = eval a + eval b
    eval (Mul a b) = eval a * eval b
    eval (Neg a) = 0 - eval a

    evalSwapped :: Expr -> Int
    evalSwapped e = eval e
    """, prelude=EXPR)

pair("sum-to-int-swapped", "induction", ["int-induction", "guards"], """
    sumTo :: Int -> Int
    sumTo n = if n <= 0 then 0 else n + sumTo (n - 1)
    """, """
    sumTo :: Int -> Int
    sumTo n
      | n <= 0 = 0
      | otherwise = sumTo (n - 1) + n
    """)

pair("first-pos-vs-filter-head", "induction", ["list", "maybe", "helper"], """
    firstPos :: [Int] -> Maybe Int
    firstPos [] = Nothing
    firstPos (x : xs)
      | x > 0 = Just x
      | otherwise = firstPos xs
    """, """
    positives :: [Int] -> [Int]
    positives [] = []
    positives (x : xs) = if x > 0 then x : positives xs else positives xs

    headMay :: [Int] -> Maybe Int
    headMay [] = Nothing
    headMay (x : _) = Just x

    firstPos :: [Int] -> Maybe Int
    firstPos xs = headMay (positives xs)
    """)

pair("sum-and-length-tuple", "induction", ["list", "tuple", "helper"], """
    step :: Int -> (Int, Int) -> (Int, Int)
    step x (s, n) = (x + s, n + 1)

    sumLen :: [Int] -> (Int, Int)
    sumLen [] = (0, 0)
    sumLen (x : xs) = step x (sumLen xs)
    """, """
    total :: [Int] -> Int
    total [] = 0
    total (x : xs) = x + total xs

    count :: [Int] -> Int
    count [] = 0
    count (_ : xs) = 1 + count xs

    sumLen :: [Int] -> (Int, Int)
    sumLen xs = (total xs, count xs)
    """)

# ================================================================================================
# accumulator: naive recursion vs tail recursion with an accumulator (helper lemma needed)

pair("sum-acc-list-first", "accumulator", ["list"], """
    total :: [Int] -> Int
    total [] = 0
    total (x : xs) = x + total xs
    """, """
    sumInto :: [Int] -> Int -> Int
    sumInto [] acc = acc
    sumInto (x : xs) acc = sumInto xs (acc + x)

    total :: [Int] -> Int
    total xs = sumInto xs 0
    """)

pair("length-acc-poly", "accumulator", ["list", "poly"], """
    lenL :: [a] -> Int
    lenL [] = 0
    lenL (_ : xs) = 1 + lenL xs
    """, """
    lenGo :: Int -> [a] -> Int
    lenGo acc [] = acc
    lenGo acc (_ : xs) = lenGo (acc + 1) xs

    lenL :: [a] -> Int
    lenL xs = lenGo 0 xs
    """)

pair("product-acc", "accumulator", ["list", "nonlinear"], """
    prodL :: [Int] -> Int
    prodL [] = 1
    prodL (x : xs) = x * prodL xs
    """, """
    prodGo :: Int -> [Int] -> Int
    prodGo acc [] = acc
    prodGo acc (x : xs) = prodGo (acc * x) xs

    prodL :: [Int] -> Int
    prodL xs = prodGo 1 xs
    """)

pair("count-pos-acc", "accumulator", ["list"], """
    countPos :: [Int] -> Int
    countPos [] = 0
    countPos (x : xs) = (if x > 0 then 1 else 0) + countPos xs
    """, """
    countGo :: Int -> [Int] -> Int
    countGo acc [] = acc
    countGo acc (x : xs)
      | x > 0 = countGo (acc + 1) xs
      | otherwise = countGo acc xs

    countPos :: [Int] -> Int
    countPos xs = countGo 0 xs
    """)

pair("sum-to-int-acc", "accumulator", ["int-induction"], """
    sumTo :: Int -> Int
    sumTo n = if n <= 0 then 0 else n + sumTo (n - 1)
    """, """
    sumToGo :: Int -> Int -> Int
    sumToGo n acc = if n <= 0 then acc else sumToGo (n - 1) (acc + n)

    sumTo :: Int -> Int
    sumTo n = sumToGo n 0
    """)

pair("max-list-acc", "accumulator", ["list", "helper"], """
    bigger :: Int -> Int -> Int
    bigger a b = if a >= b then a else b

    maxOrZero :: [Int] -> Int
    maxOrZero [] = 0
    maxOrZero (x : xs) = bigger x (maxOrZero xs)
    """, """
    bigger :: Int -> Int -> Int
    bigger a b = if b > a then b else a

    maxGo :: Int -> [Int] -> Int
    maxGo acc [] = acc
    maxGo acc (x : xs) = maxGo (bigger acc x) xs

    maxOrZero :: [Int] -> Int
    maxOrZero xs = maxGo 0 xs
    """)

pair("tree-sum-acc", "accumulator", ["tree"], """
    tsum :: Tree -> Int
    tsum Leaf = 0
    tsum (Node l x r) = tsum l + x + tsum r
    """, """
    tsumGo :: Tree -> Int -> Int
    tsumGo Leaf acc = acc
    tsumGo (Node l x r) acc = tsumGo l (x + tsumGo r acc)

    tsum :: Tree -> Int
    tsum t = tsumGo t 0
    """, prelude=TREE)

pair("all-pos-bool-acc", "accumulator", ["list", "bool"], """
    allPos :: [Int] -> Bool
    allPos [] = True
    allPos (x : xs) = x > 0 && allPos xs
    """, """
    allGo :: Bool -> [Int] -> Bool
    allGo acc [] = acc
    allGo acc (x : xs) = allGo (acc && x > 0) xs

    allPos :: [Int] -> Bool
    allPos xs = allGo True xs
    """)

pair("dot-product-acc", "accumulator", ["list", "two-lists", "nonlinear"], """
    dot :: [Int] -> [Int] -> Int
    dot (x : xs) (y : ys) = x * y + dot xs ys
    dot _ _ = 0
    """, """
    dotGo :: [Int] -> [Int] -> Int -> Int
    dotGo (x : xs) (y : ys) acc = dotGo xs ys (acc + x * y)
    dotGo _ _ acc = acc

    dot :: [Int] -> [Int] -> Int
    dot xs ys = dotGo xs ys 0
    """)

# ================================================================================================
# hard: auxiliary lemmas, strengthened hypotheses, nested recursion, custom termination

pair("reverse-naive-vs-acc", "hard", ["list", "poly", "append", "accumulator"], """
    appL :: [a] -> [a] -> [a]
    appL [] ys = ys
    appL (x : xs) ys = x : appL xs ys

    revL :: [a] -> [a]
    revL [] = []
    revL (x : xs) = appL (revL xs) [x]
    """, """
    revOnto :: [a] -> [a] -> [a]
    revOnto [] acc = acc
    revOnto (x : xs) acc = revOnto xs (x : acc)

    revL :: [a] -> [a]
    revL xs = revOnto xs []
    """)

pair("reverse-twice-identity", "hard", ["list", "poly", "append"], """
    appL :: [a] -> [a] -> [a]
    appL [] ys = ys
    appL (x : xs) ys = x : appL xs ys

    revL :: [a] -> [a]
    revL [] = []
    revL (x : xs) = appL (revL xs) [x]

    revTwice :: [a] -> [a]
    revTwice xs = revL (revL xs)
    """, """
    revTwice :: [a] -> [a]
    revTwice xs = xs
    """)

pair("tree-flatten-acc", "hard", ["tree", "append", "accumulator"], """
    appL :: [Int] -> [Int] -> [Int]
    appL [] ys = ys
    appL (x : xs) ys = x : appL xs ys

    flatten :: Tree -> [Int]
    flatten Leaf = []
    flatten (Node l x r) = appL (flatten l) (x : flatten r)
    """, """
    flatOnto :: Tree -> [Int] -> [Int]
    flatOnto Leaf acc = acc
    flatOnto (Node l x r) acc = flatOnto l (x : flatOnto r acc)

    flatten :: Tree -> [Int]
    flatten t = flatOnto t []
    """, prelude=TREE)

pair("tree-sum-of-flatten", "hard", ["tree", "list", "append"], """
    appL :: [Int] -> [Int] -> [Int]
    appL [] ys = ys
    appL (x : xs) ys = x : appL xs ys

    flatten :: Tree -> [Int]
    flatten Leaf = []
    flatten (Node l x r) = appL (flatten l) (x : flatten r)

    total :: [Int] -> Int
    total [] = 0
    total (x : xs) = x + total xs

    sumTree :: Tree -> Int
    sumTree t = total (flatten t)
    """, """
    sumTree :: Tree -> Int
    sumTree Leaf = 0
    sumTree (Node l x r) = x + sumTree l + sumTree r
    """, prelude=TREE)

pair("all-pos-vs-count-zero", "hard", ["list", "bool", "invariant"], """
    allPos :: [Int] -> Bool
    allPos [] = True
    allPos (x : xs) = x > 0 && allPos xs
    """, """
    countNonPos :: [Int] -> Int
    countNonPos [] = 0
    countNonPos (x : xs) = if x > 0 then countNonPos xs else 1 + countNonPos xs

    allPos :: [Int] -> Bool
    allPos xs = countNonPos xs == 0
    """)

pair("mccarthy-91", "hard", ["int", "nested-recursion", "termination"], """
    mc91 :: Int -> Int
    mc91 n = if n > 100 then n - 10 else mc91 (mc91 (n + 11))
    """, """
    mc91 :: Int -> Int
    mc91 n
      | n > 100 = n - 10
      | otherwise = 91
    """)

pair("fib-naive-vs-iter", "hard", ["int-induction", "accumulator", "two-accumulators"], """
    fib :: Int -> Int
    fib n
      | n <= 0 = 0
      | n == 1 = 1
      | otherwise = fib (n - 1) + fib (n - 2)
    """, """
    fibGo :: Int -> Int -> Int -> Int
    fibGo n a b = if n <= 0 then a else fibGo (n - 1) b (a + b)

    fib :: Int -> Int
    fib n = fibGo n 0 1
    """)

pair("expr-double-negation", "hard", ["expr", "nested-pattern", "nonlinear"], """
    eval :: Expr -> Int
    eval (Lit n) = n
    eval (Add a b) = eval a + eval b
    eval (Mul a b) = eval a * eval b
    eval (Neg a) = 0 - eval a

    dropNegNeg :: Expr -> Expr
    dropNegNeg (Neg (Neg e)) = dropNegNeg e
    dropNegNeg (Neg e) = Neg (dropNegNeg e)
    dropNegNeg (Add a b) = Add (dropNegNeg a) (dropNegNeg b)
    dropNegNeg (Mul a b) = Mul (dropNegNeg a) (dropNegNeg b)
    dropNegNeg (Lit n) = Lit n

    evalSimplified :: Expr -> Int
    evalSimplified e = eval (dropNegNeg e)
    """, """
    eval :: Expr -> Int
    eval (Lit n) = n
    eval (Add a b) = eval a + eval b
    eval (Mul a b) = eval a * eval b
    eval (Neg a) = 0 - eval a

    evalSimplified :: Expr -> Int
    evalSimplified e = eval e
    """, prelude=EXPR)


# ================================================================================================
# output

def write(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        for p in PAIRS:
            f.write(json.dumps(p, sort_keys=False) + "\n")


# ================================================================================================
# --check

# Library names that reflected code may use: Liquid Haskell's logic knows them (or GHC's desugarer
# removes them: `otherwise` guards).
ALLOWED_PRELUDE = {"not", "otherwise"}
GHC_FLAGS = ["-fno-code", "-Werror=incomplete-patterns", "-Werror=incomplete-uni-patterns",
             "-Werror=overlapping-patterns", "-Werror=name-shadowing", "-Werror=unused-top-binds"]
FORBIDDEN_KEYWORDS = {"where", "let", "import", "class", "instance", "deriving", "module"}


class PairError(Exception):
    pass


def prelude_names() -> set[str]:
    """Every value name Prelude exports, from GHC itself."""
    with sandbox.scratch_dir() as d:
        proc = sandbox.run(["ghc", "-e", ":browse Prelude"], cwd=d, limits=SandboxConfig(), timeout=120)
    out = proc.stdout.decode()
    if proc.returncode != 0:
        raise SystemExit(f"ghc -e ':browse Prelude' failed: {proc.stderr.decode()}")
    names = set(re.findall(r"^\s*([a-z_][A-Za-z0-9_']*)\s*::", out, re.M))
    names |= set(re.findall(r"^\s*\(([^)]*)\)\s*::", out, re.M))  # operators
    return names


def lint_side(source: str, label: str, prelude: set[str]) -> tuple[str, str]:
    """Static rules for reflectable code; returns (entry name, its type text)."""
    from hsx.haskell.source import SourceError, parse_source, tokenize

    try:
        src = parse_source(source, label)
    except SourceError as e:
        raise PairError(f"{label}: {e}") from None
    toks = tokenize(source)
    defined = set(src.function_names())
    ops_allowed = {"+", "-", "*", "==", "/=", "<", "<=", ">", ">=", "&&", "||", "=", "->", "|",
                   "::", ":", "_", "@"}
    for t in toks:
        if t.kind == "varid" and t.text in FORBIDDEN_KEYWORDS:
            raise PairError(f"{label}:{t.line}: `{t.text}` is not allowed in reflected code")
        if t.kind in ("varsym", "consym", "reservedop") and t.text not in ops_allowed:
            raise PairError(f"{label}:{t.line}: operator `{t.text}` (lambda, library operator?)")
        if t.kind.startswith("q"):
            raise PairError(f"{label}:{t.line}: qualified name `{t.text}`")
        if t.kind == "varid" and t.text in prelude and t.text not in ALLOWED_PRELUDE:
            if t.text in defined:
                raise PairError(f"{label}:{t.line}: `{t.text}` shadows a Prelude function")
            raise PairError(f"{label}:{t.line}: library function `{t.text}` in reflected code")
        if t.kind in ("string", "char"):
            raise PairError(f"{label}:{t.line}: string/char literal")
    sigs = {n for d in src.decls if d.kind == "signature" for n in d.names}
    missing = sorted(defined - sigs)
    if missing:
        raise PairError(f"{label}: no type signature for {missing}")
    for d in src.data_decls:
        if d.name not in ("Tree", "Expr"):
            raise PairError(f"{label}: unexpected data type {d.name}")
    cands = src.entry_candidates()
    if len(cands) != 1:
        raise PairError(f"{label}: expected exactly one entry, found {cands}")
    entry = cands[0]
    sig = next(d for d in src.decls if d.kind == "signature" and entry in d.names)
    sig_toks = [t.text for t in sig.tokens]
    return entry, " ".join(sig_toks[sig_toks.index("::") + 1:])


def data_decl_texts(source: str) -> dict[str, str]:
    from hsx.haskell.source import parse_source

    return {d.names[0]: " ".join(t.text for t in d.tokens)
            for d in parse_source(source).decls if d.kind in ("data", "newtype")}


def ghc_check(source: str, workdir: Path) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "M.hs").write_text("module M where\n\n" + source)
    proc = sandbox.run(["ghc", *GHC_FLAGS, "M.hs"], cwd=workdir, limits=SandboxConfig(), timeout=180)
    if proc.timed_out or proc.returncode != 0:
        raise PairError(f"ghc -fno-code failed on {workdir}:\n"
                        f"{(proc.stdout + proc.stderr).decode(errors='replace').strip()}")


def check(jobs: int, only: list[str] | None) -> int:
    from hsx.config import load_config
    from hsx.verify.pipeline import PairRequest, Verifier

    records = [p for p in PAIRS if not only or p["id"] in only]
    prelude = prelude_names()
    failures: dict[str, str] = {}

    # 1. static rules and entries
    for p in records:
        try:
            ea, ta = lint_side(p["a_source"], f"{p['id']}/a", prelude)
            eb, tb = lint_side(p["b_source"], f"{p['id']}/b", prelude)
            if ta != tb:
                raise PairError(f"entry signatures differ: {ea} :: {ta} vs {eb} :: {tb}")
            da, db = data_decl_texts(p["a_source"]), data_decl_texts(p["b_source"])
            for name in set(da) & set(db):
                if da[name] != db[name]:
                    raise PairError(f"data {name} declared differently in A and B")
        except PairError as e:
            failures[p["id"]] = f"lint: {e}"
    print(f"lint: {len(records) - len(failures)}/{len(records)} pairs pass")

    # 2. ghc -fno-code on every side
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hsx-proof-pairs-") as tmp:
        def one(item: tuple[dict, str]) -> tuple[str, str | None]:
            p, side = item
            try:
                ghc_check(p[f"{side}_source"], Path(tmp) / p["id"] / side)
                return p["id"], None
            except PairError as e:
                return p["id"], f"{side}: {e}"

        items = [(p, s) for p in records for s in ("a", "b")]
        ghc_failed = 0
        with ThreadPoolExecutor(max(1, jobs)) as ex:
            for pid, err in ex.map(one, items):
                if err:
                    ghc_failed += 1
                    failures.setdefault(pid, f"ghc: {err}")
    print(f"ghc {' '.join(GHC_FLAGS)}: {len(items) - ghc_failed}/{len(items)} files compile "
          f"({time.monotonic() - t0:.1f} s)")

    # 3. hsx verify must find no counterexample (and no error)
    t0 = time.monotonic()
    verdicts: Counter[str] = Counter()
    reqs = [PairRequest(p["a_source"], p["b_source"], a_path=f"{p['id']}/a.hs",
                        b_path=f"{p['id']}/b.hs", id=p["id"]) for p in records]
    config = load_config()
    if hasattr(config, "with_proof"):
        # Only the counterexample search matters here; proofs are bench_proofsearch.py's job.
        config = config.with_proof(enabled=False)
    with Verifier(config) as v:
        for r in v.verify_many(reqs, jobs=jobs):
            verdicts[r.verdict.value] += 1
            tried = r.tried
            print(f"  {r.id:32s} {r.verdict.value:12s} enumerated={tried.enumerated} "
                  f"random={tried.random_tests} divergences={len(r.possible_divergence)}")
            if r.verdict.value in ("inequivalent", "error"):
                failures.setdefault(r.id, f"hsx verify: {r.verdict.value}: {r.reason}")
    print(f"hsx verify: {dict(sorted(verdicts.items()))} ({time.monotonic() - t0:.1f} s)")

    by_class = Counter(p["expected_template"] for p in records)
    print(f"pairs: {len(records)}  by expected_template: "
          + ", ".join(f"{t}={by_class[t]}" for t in TEMPLATES))
    for pid, msg in sorted(failures.items()):
        print(f"FAIL {pid}: {msg}")
    print("OK: every pair passes" if not failures else f"{len(failures)} pair(s) FAILED")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "scripts" / "bench" / "proof_pairs.jsonl")
    parser.add_argument("--check", action="store_true",
                        help="validate every pair (static rules, ghc -fno-code, hsx verify)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers for --check")
    parser.add_argument("--only", nargs="*", default=None, help="with --check: only these ids")
    args = parser.parse_args()

    write(args.out)
    counts = Counter(p["expected_template"] for p in PAIRS)
    print(f"wrote {len(PAIRS)} pairs to {args.out} ("
          + ", ".join(f"{t}={counts[t]}" for t in TEMPLATES) + ")")
    if args.check:
        return check(args.jobs, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
