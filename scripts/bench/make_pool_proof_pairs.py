#!/usr/bin/env python3
"""Writes scripts/bench/proof_pairs_pool.jsonl: EQUIVALENT pairs built on the pool's own programs.

A is a reflectable program of the pool (data/programs/pool_*.jsonl), verbatim.  B is a rewrite
of it that a person or a model would plausibly write: guards <-> if, clauses <-> case,
reordered clauses or guards, commuted arithmetic, a helper introduced or inlined, direct
recursion <-> an accumulator, a naive reverse or flatten against the pool's accumulator
version.  They were written for this benchmark, not for the proof templates (the templates'
own design cases are scripts/bench/proof_pairs.jsonl), and their class says which kind of proof
they need:

  empty        no recursion: unfolding and case splits suffice;
  induction    recursion on both sides with the same shape;
  accumulator  direct recursion against an accumulator (or the reverse);
  hard         needs lemmas about the pair's own helpers (append associativity, ...).

Each record is {"id", "pool_id", "a_source", "b_source", "tags", "expected_template"}.

Usage:
    python scripts/bench/make_pool_proof_pairs.py [--out scripts/bench/proof_pairs_pool.jsonl]
Then (no counterexample may be found; the pairs are equivalent):
    python scripts/bench/bench_proofsearch.py --pairs scripts/bench/proof_pairs_pool.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# (pool id, class, rewrite tag, B source)
REWRITES: list[tuple[str, str, str, str]] = [
    # ---- no recursion --------------------------------------------------------------------------
    ("ar-signed-distance", "empty", "guards-to-if",
     "distance :: Int -> Int -> Int\ndistance a b = if a < b then b - a else a - b\n"),
    ("ar-int-average-three", "empty", "commuted",
     "avg3 :: Int -> Int -> Int -> Int\navg3 a b c = (c + a + b) `div` 3\n"),
    ("ar-tax-brackets", "empty", "guards-to-if-reordered",
     "tax :: Int -> Int\ntax income =\n  if income > 40000 then 3000 + (income - 40000) `div` 4\n"
     "  else if income > 10000 then (income - 10000) `div` 10\n  else 0\n"),
    ("ar-shipping-cost", "empty", "guards-reordered",
     "shipping :: Int -> Int -> Int\nshipping weight distance\n"
     "  | weight > 0 && distance >= 1000 = 3 * weight + 25\n"
     "  | weight > 0 && distance >= 100 = 2 * weight + 10\n"
     "  | weight > 0 = weight + 5\n  | otherwise = 0\n"),
    ("ar-days-in-month", "empty", "helper-rewritten-guards-reordered",
     "isLeap :: Int -> Bool\nisLeap y = y `mod` 400 == 0 || (y `mod` 4 == 0 && y `mod` 100 /= 0)\n\n"
     "daysIn :: Int -> Int -> Int\ndaysIn year month\n  | month < 1 || month > 12 = 0\n"
     "  | month == 2 = if isLeap year then 29 else 28\n"
     "  | month == 4 || month == 6 || month == 9 || month == 11 = 30\n  | otherwise = 31\n"),
    ("ar-div-rounded-up", "empty", "nested-if",
     "ceilDiv :: Int -> Int -> Int\nceilDiv a b\n"
     "  | b > 0 = if a `mod` b == 0 then a `div` b else a `div` b + 1\n  | otherwise = 0\n"),
    ("ar-round-to-multiple", "empty", "guards-to-if",
     "roundTo :: Int -> Int -> Int\nroundTo m x =\n  if m > 0\n"
     "    then (if x `mod` m * 2 >= m then x - x `mod` m + m else x - x `mod` m)\n    else x\n"),
    ("ar-triangle-kind", "empty", "guards-reordered",
     "triangleKind :: Int -> Int -> Int -> Int\ntriangleKind a b c\n"
     "  | a <= 0 || b <= 0 || c <= 0 = 0\n  | c >= a + b || b >= a + c || a >= b + c = 0\n"
     "  | a == b && b == c = 3\n  | a /= b && b /= c && a /= c = 1\n  | otherwise = 2\n"),
    ("ar-median-of-three", "empty", "helpers-introduced",
     "lo :: Int -> Int -> Int\nlo x y = if x <= y then x else y\n\n"
     "hi :: Int -> Int -> Int\nhi x y = if x <= y then y else x\n\n"
     "median3 :: Int -> Int -> Int -> Int\nmedian3 a b c = hi (lo a b) (lo (hi a b) c)\n"),
    ("bo-implies", "empty", "clauses-to-expression",
     "implies :: Bool -> Bool -> Bool\nimplies p q = not p || q\n"),
    ("bo-nor", "empty", "if-to-expression",
     "nor :: Bool -> Bool -> Bool\nnor p q = not (p || q)\n"),
    ("bo-equivalence-guards", "empty", "guards-to-if",
     "iff :: Bool -> Bool -> Bool\niff p q = if p then q else not q\n"),
    ("bo-exactly-one", "empty", "expression-to-if",
     "exactlyOne :: Bool -> Bool -> Bool -> Bool\n"
     "exactlyOne a b c = if a then not b && not c else (if b then not c else c)\n"),
    ("bo-mux", "empty", "if-to-expression",
     "mux :: Bool -> Bool -> Bool -> Bool\nmux s a b = (s && a) || (not s && b)\n"),
    ("bo-at-most-one", "empty", "expression-to-if",
     "atMostOne :: Bool -> Bool -> Bool -> Bool\n"
     "atMostOne a b c = if a then not b && not c else not (b && c)\n"),
    ("bo-chain-implies", "empty", "expression-to-if",
     "chainImplies :: Bool -> Bool -> Bool -> Bool\nchainImplies a b c = if b then c else not a\n"),
    ("bo-in-range", "empty", "de-morgan",
     "inRange :: Int -> Int -> Int -> Bool\ninRange lo hi x = not (x < lo || x > hi)\n"),
    ("bo-same-sign", "empty", "guards-rewritten",
     "sameSign :: Int -> Int -> Bool\nsameSign a b\n  | a > 0 = b > 0\n  | a < 0 = b < 0\n"
     "  | otherwise = b == 0\n"),
    ("bo-lexicographic-less", "empty", "expression-to-if",
     "lexLess :: (Int, Int) -> (Int, Int) -> Bool\nlexLess (a, b) (c, d) = if a == c then b < d else a < c\n"),
    ("bo-truth-table-count", "empty", "helper-inlined",
     "votes :: Bool -> Bool -> Bool -> Int\n"
     "votes a b c = (if a then 1 else 0) + (if b then 1 else 0) + (if c then 1 else 0)\n"),
    ("dt-shape-corners", "empty", "case-to-clauses",
     "data Shape = Square Int | Rect Int Int | Tri Int Int Int | Circle Int\n  deriving (Show, Eq)\n\n"
     "corners :: Shape -> Int\ncorners (Square _) = 4\ncorners (Rect _ _) = 4\n"
     "corners (Tri _ _ _) = 3\ncorners (Circle _) = 0\n"),
    ("dt-shape-perimeter", "empty", "clauses-to-case-commuted",
     "data Shape = Square Int | Rect Int Int | Tri Int Int Int | Circle Int\n  deriving (Show, Eq)\n\n"
     "perimeter :: Shape -> Int\nperimeter s = case s of\n  Square x -> x * 4\n"
     "  Rect w h -> w + w + h + h\n  Tri a b c -> c + b + a\n  Circle r -> 6 * r\n"),
    ("dt-shape-is-regular", "empty", "clauses-to-case-default",
     "data Shape = Square Int | Rect Int Int | Tri Int Int Int | Circle Int\n  deriving (Show, Eq)\n\n"
     "isRegular :: Shape -> Bool\nisRegular s = case s of\n  Rect w h -> w == h\n"
     "  Tri a b c -> a == b && a == c\n  _ -> True\n"),
    ("dt-maybe-like", "empty", "clauses-reordered-commuted",
     "data Option = None | Some Int\n  deriving (Show, Eq)\n\n"
     "combine :: Option -> Option -> Option\ncombine (Some a) (Some b) = Some (b + a)\n"
     "combine (Some a) None = Some a\ncombine None o = o\n"),
    ("mb-map-maybe-inc", "empty", "case-to-clauses",
     "bump :: Maybe Int -> Maybe Int\nbump Nothing = Nothing\nbump (Just x) = Just (1 + x)\n"),
    ("mb-zip-maybes", "empty", "clauses-to-case",
     "both :: Maybe Int -> Maybe Int -> Maybe (Int, Int)\nboth ma mb = case ma of\n"
     "  Nothing -> Nothing\n  Just a -> case mb of\n    Nothing -> Nothing\n    Just b -> Just (a, b)\n"),
    ("mb-maybe-max", "empty", "clauses-reordered-if",
     "maxMaybe :: Maybe Int -> Maybe Int -> Maybe Int\n"
     "maxMaybe (Just a) (Just b) = if b > a then Just b else Just a\n"
     "maxMaybe (Just a) Nothing = Just a\nmaxMaybe Nothing m = m\n"),
    ("mb-either-safe-div", "empty", "guards-to-if",
     "divE :: Int -> Int -> Either Int Int\ndivE a b = if b /= 0 then Right (a `div` b) else Left a\n"),
    ("mb-safe-pred", "empty", "guards-to-if",
     "predNat :: Int -> Maybe Int\npredNat n = if n > 0 then Just (n - 1) else Nothing\n"),
    ("mb-from-maybe-own", "empty", "clauses-to-case",
     "orElse :: a -> Maybe a -> a\norElse d m = case m of\n  Nothing -> d\n  Just x -> x\n"),
    ("mb-either-to-int", "empty", "case-to-clauses-if",
     "collapse :: Either Bool Int -> Int\ncollapse (Left b) = if b then 1 else 0\n"
     "collapse (Right n) = 10 * n\n"),
    ("mb-maybe-to-either", "empty", "clauses-to-case",
     "note :: Int -> Maybe Int -> Either Int Int\nnote err m = case m of\n  Just x -> Right x\n"
     "  Nothing -> Left err\n"),
    ("tu-swap", "empty", "pattern-to-case",
     "swapPair :: (a, b) -> (b, a)\nswapPair p = case p of\n  (x, y) -> (y, x)\n"),
    ("tu-add-vectors", "empty", "pattern-to-case-commuted",
     "addV :: (Int, Int) -> (Int, Int) -> (Int, Int)\naddV p q = case p of\n"
     "  (a, b) -> case q of\n    (c, d) -> (c + a, d + b)\n"),
    ("tu-dot-vectors", "empty", "commuted",
     "dotV :: (Int, Int) -> (Int, Int) -> Int\ndotV (a, b) (c, d) = b * d + a * c\n"),
    ("tu-manhattan", "empty", "guards-commuted",
     "absI :: Int -> Int\nabsI x\n  | x >= 0 = x\n  | otherwise = 0 - x\n\n"
     "manhattan :: (Int, Int) -> (Int, Int) -> Int\n"
     "manhattan (x1, y1) (x2, y2) = absI (y1 - y2) + absI (x1 - x2)\n"),
    ("tu-div-mod-pair", "empty", "guards-to-if",
     "quotRemPair :: Int -> Int -> (Int, Int)\n"
     "quotRemPair a b = if b /= 0 then (a `div` b, a `mod` b) else (0, a)\n"),
    ("tu-scale-vector", "empty", "commuted",
     "scaleV :: Int -> (Int, Int) -> (Int, Int)\nscaleV k (x, y) = (x * k, y * k)\n"),
    ("dt-traffic-light", "empty", "clauses-to-case-reordered",
     "data Light = Red | Amber | Green\n  deriving (Show, Eq)\n\n"
     "waitSeconds :: Light -> Int\nwaitSeconds l = case l of\n  Green -> 0\n  Amber -> 3\n  Red -> 30\n"),
    ("dt-interval-overlap", "empty", "de-morgan",
     "data Interval = Interval Int Int\n  deriving (Show, Eq)\n\n"
     "overlaps :: Interval -> Interval -> Bool\n"
     "overlaps (Interval a b) (Interval c d) = not (d < a || b < c)\n"),
    ("dt-temperature", "empty", "case-to-clauses",
     "data Temp = Celsius Int | Fahrenheit Int\n  deriving (Show, Eq)\n\n"
     "toCelsius :: Temp -> Int\ntoCelsius (Celsius c) = c\n"
     "toCelsius (Fahrenheit f) = (f - 32) * 5 `div` 9\n"),
    # ---- recursion of the same shape ------------------------------------------------------------
    ("li-double-each", "induction", "arith-rewritten",
     "doubleEach :: [Int] -> [Int]\ndoubleEach [] = []\ndoubleEach (x : xs) = (x + x) : doubleEach xs\n"),
    ("li-abs-each", "induction", "if-to-guards",
     "absEach :: [Int] -> [Int]\nabsEach [] = []\nabsEach (x : xs)\n"
     "  | x < 0 = (0 - x) : absEach xs\n  | otherwise = x : absEach xs\n"),
    ("li-sign-each", "induction", "helper-introduced",
     "sgn :: Int -> Int\nsgn x\n  | x > 0 = 1\n  | x == 0 = 0\n  | otherwise = 0 - 1\n\n"
     "signEach :: [Int] -> [Int]\nsignEach [] = []\nsignEach (x : xs) = sgn x : signEach xs\n"),
    ("li-cap-each", "induction", "if-to-guards",
     "capEach :: Int -> [Int] -> [Int]\ncapEach _ [] = []\ncapEach k (x : xs)\n"
     "  | x <= k = x : capEach k xs\n  | otherwise = k : capEach k xs\n"),
    ("li-keep-evens", "induction", "guards-to-if-negated",
     "keepEvens :: [Int] -> [Int]\nkeepEvens [] = []\n"
     "keepEvens (x : xs) = if x `mod` 2 /= 0 then keepEvens xs else x : keepEvens xs\n"),
    ("li-keep-above", "induction", "clauses-to-case",
     "keepAbove :: Int -> [Int] -> [Int]\nkeepAbove k xs = case xs of\n  [] -> []\n"
     "  (y : ys) -> if y > k then y : keepAbove k ys else keepAbove k ys\n"),
    ("li-count-negatives", "induction", "guards-to-if-expression",
     "countNeg :: [Int] -> Int\ncountNeg [] = 0\ncountNeg (x : xs) = (if x < 0 then 1 else 0) + countNeg xs\n"),
    ("li-product-list", "induction", "commuted",
     "productL :: [Int] -> Int\nproductL [] = 1\nproductL (x : xs) = productL xs * x\n"),
    ("li-sum-of-squares", "induction", "commuted",
     "sumSq :: [Int] -> Int\nsumSq [] = 0\nsumSq (x : xs) = sumSq xs + x * x\n"),
    ("li-sum-of-abs", "induction", "helper-introduced",
     "absI :: Int -> Int\nabsI x = if x >= 0 then x else 0 - x\n\n"
     "sumAbs :: [Int] -> Int\nsumAbs [] = 0\nsumAbs (x : xs) = absI x + sumAbs xs\n"),
    ("ar-sum-squares", "induction", "guards-to-if-commuted",
     "sumSquares :: Int -> Int\nsumSquares n = if n <= 0 then 0 else sumSquares (n - 1) + n * n\n"),
    ("ar-sum-odd-numbers", "induction", "guards-reordered",
     "sumOdds :: Int -> Int\nsumOdds n\n  | n > 0 = n + n - 1 + sumOdds (n - 1)\n  | otherwise = 0\n"),
    ("ar-binary-popcount", "induction", "guards-to-if-commuted",
     "popCountR :: Int -> Int\npopCountR n = if n > 0 then popCountR (n `div` 2) + n `mod` 2 else 0\n"),
    ("bo-and-list", "induction", "operator-to-if",
     "allTrue :: [Bool] -> Bool\nallTrue [] = True\nallTrue (b : bs) = if b then allTrue bs else False\n"),
    ("bo-or-list", "induction", "operator-to-if",
     "anyTrue :: [Bool] -> Bool\nanyTrue [] = False\nanyTrue (b : bs) = if b then True else anyTrue bs\n"),
    ("bo-count-true", "induction", "clauses-to-if",
     "countTrue :: [Bool] -> Int\ncountTrue [] = 0\n"
     "countTrue (b : bs) = if b then 1 + countTrue bs else countTrue bs\n"),
    ("bo-negate-all", "induction", "not-to-if",
     "flipAll :: [Bool] -> [Bool]\nflipAll [] = []\nflipAll (b : bs) = (if b then False else True) : flipAll bs\n"),
    ("dt-tree-size", "induction", "clauses-to-case-commuted",
     "data Tree = Leaf | Node Tree Int Tree\n  deriving (Show, Eq)\n\n"
     "size :: Tree -> Int\nsize t = case t of\n  Leaf -> 0\n  Node l _ r -> 1 + size r + size l\n"),
    ("dt-tree-count-above", "induction", "guards-to-if-expression",
     "data Tree = Leaf | Node Tree Int Tree\n  deriving (Show, Eq)\n\n"
     "countAbove :: Int -> Tree -> Int\ncountAbove _ Leaf = 0\n"
     "countAbove k (Node l x r) = (if x > k then 1 else 0) + countAbove k r + countAbove k l\n"),
    ("dt-btree-sum", "induction", "clauses-to-case-commuted",
     "data BTree = Tip Int | Fork BTree BTree\n  deriving (Show, Eq)\n\n"
     "sumB :: BTree -> Int\nsumB t = case t of\n  Tip n -> n\n  Fork l r -> sumB r + sumB l\n"),
    ("dt-nat-to-int", "induction", "clauses-to-case-commuted",
     "data Nat = Z | S Nat\n  deriving (Show, Eq)\n\n"
     "toInt :: Nat -> Int\ntoInt n = case n of\n  Z -> 0\n  S m -> toInt m + 1\n"),
    ("dt-ilist-sum", "induction", "clauses-to-case-commuted",
     "data IntList = Nil | Cons Int IntList\n  deriving (Show, Eq)\n\n"
     "sumI :: IntList -> Int\nsumI l = case l of\n  Nil -> 0\n  Cons x rest -> sumI rest + x\n"),
    ("st-count-spaces", "induction", "guards-to-if-commuted",
     "countSpaces :: String -> Int\ncountSpaces [] = 0\n"
     "countSpaces (c : cs) = if c == ' ' then countSpaces cs + 1 else countSpaces cs\n"),
    ("st-char-freq", "induction", "if-to-guards",
     "freq :: Char -> String -> Int\nfreq _ [] = 0\nfreq c (d : ds)\n"
     "  | c == d = 1 + freq c ds\n  | otherwise = freq c ds\n"),
    ("dt-coins-value", "induction", "clauses-to-case-commuted",
     "data Coin = Penny | Nickel | Dime | Quarter\n  deriving (Show, Eq)\n\n"
     "cents :: Coin -> Int\ncents c = case c of\n  Quarter -> 25\n  Dime -> 10\n  Nickel -> 5\n  Penny -> 1\n\n"
     "purse :: [Coin] -> Int\npurse [] = 0\npurse (c : cs) = purse cs + cents c\n"),
    ("mb-count-nothings", "induction", "clauses-to-case",
     "missing :: [Maybe Int] -> Int\nmissing [] = 0\nmissing (m : rest) = case m of\n"
     "  Nothing -> 1 + missing rest\n  Just _ -> missing rest\n"),
    ("li-append-own", "induction", "clauses-to-case",
     "appendL :: [Int] -> [Int] -> [Int]\nappendL xs ys = case xs of\n  [] -> ys\n"
     "  (z : zs) -> z : appendL zs ys\n"),
    ("li-zip-own", "induction", "clauses-reordered",
     "zipPairs :: [Int] -> [Int] -> [(Int, Int)]\nzipPairs [] _ = []\nzipPairs _ [] = []\n"
     "zipPairs (x : xs) (y : ys) = (x, y) : zipPairs xs ys\n"),
    ("li-replicate-own", "induction", "guards-to-if",
     "copies :: Int -> Int -> [Int]\ncopies n x = if n > 0 then x : copies (n - 1) x else []\n"),
    ("li-horner", "induction", "commuted",
     "horner :: [Int] -> Int\nhorner [] = 0\nhorner (x : xs) = 10 * horner xs + x\n"),
    # ---- accumulators ---------------------------------------------------------------------------
    ("li-sum-acc", "accumulator", "accumulator-to-direct",
     "listSum :: [Int] -> Int\nlistSum [] = 0\nlistSum (x : xs) = x + listSum xs\n"),
    ("li-count-acc", "accumulator", "accumulator-to-direct",
     "listLength :: [Int] -> Int\nlistLength [] = 0\nlistLength (_ : xs) = 1 + listLength xs\n"),
    ("ar-sum-acc", "accumulator", "accumulator-to-direct",
     "triangle :: Int -> Int\ntriangle n = if n <= 0 then 0 else n + triangle (n - 1)\n"),
    ("ar-fact-acc", "accumulator", "accumulator-to-direct",
     "factorialInt :: Int -> Int\nfactorialInt n\n  | n <= 0 = 1\n  | otherwise = n * factorialInt (n - 1)\n"),
    ("ar-squares-acc", "accumulator", "accumulator-to-direct",
     "squarePyramid :: Int -> Int\nsquarePyramid n = if n <= 0 then 0 else n * n + squarePyramid (n - 1)\n"),
    ("ar-double-acc", "accumulator", "accumulator-to-direct",
     "powerOfTwo :: Int -> Integer\npowerOfTwo n = if n <= 0 then 1 else 2 * powerOfTwo (n - 1)\n"),
    ("mb-sum-justs", "accumulator", "accumulator-to-direct",
     "sumJusts :: [Maybe Int] -> Int\nsumJusts [] = 0\nsumJusts (Nothing : rest) = sumJusts rest\n"
     "sumJusts (Just x : rest) = x + sumJusts rest\n"),
    ("dt-ilist-length", "accumulator", "direct-to-accumulator",
     "data IntList = Nil | Cons Int IntList\n  deriving (Show, Eq)\n\n"
     "lenAcc :: Int -> IntList -> Int\nlenAcc acc Nil = acc\nlenAcc acc (Cons _ rest) = lenAcc (acc + 1) rest\n\n"
     "lenI :: IntList -> Int\nlenI l = lenAcc 0 l\n"),
    ("dt-tree-size", "accumulator", "direct-to-accumulator",
     "data Tree = Leaf | Node Tree Int Tree\n  deriving (Show, Eq)\n\n"
     "sizeGo :: Tree -> Int -> Int\nsizeGo Leaf acc = acc\n"
     "sizeGo (Node l _ r) acc = sizeGo l (sizeGo r (acc + 1))\n\n"
     "size :: Tree -> Int\nsize t = sizeGo t 0\n"),
    ("li-product-list", "accumulator", "direct-to-accumulator",
     "prodInto :: Int -> [Int] -> Int\nprodInto acc [] = acc\nprodInto acc (x : xs) = prodInto (acc * x) xs\n\n"
     "productL :: [Int] -> Int\nproductL xs = prodInto 1 xs\n"),
    ("bo-and-list", "accumulator", "direct-to-accumulator",
     "allFrom :: Bool -> [Bool] -> Bool\nallFrom acc [] = acc\nallFrom acc (b : bs) = allFrom (acc && b) bs\n\n"
     "allTrue :: [Bool] -> Bool\nallTrue bs = allFrom True bs\n"),
    # ---- lemmas about the pair's own helpers ----------------------------------------------------
    ("st-reverse-string", "hard", "accumulator-to-naive-reverse",
     "addTo :: String -> String -> String\naddTo [] ys = ys\naddTo (x : xs) ys = x : addTo xs ys\n\n"
     "revNaive :: String -> String\nrevNaive [] = []\nrevNaive (c : cs) = addTo (revNaive cs) [c]\n\n"
     "reverseString :: String -> String\nreverseString s = revNaive s\n"),
    ("li-reverse-own-append", "hard", "naive-to-accumulator-reverse",
     "revGo :: [a] -> [a] -> [a]\nrevGo [] acc = acc\nrevGo (x : xs) acc = revGo xs (x : acc)\n\n"
     "slowRev :: [a] -> [a]\nslowRev xs = revGo xs []\n"),
    ("dt-btree-fringe", "hard", "accumulator-to-naive-append",
     "data BTree = Tip Int | Fork BTree BTree\n  deriving (Show, Eq)\n\n"
     "catL :: [Int] -> [Int] -> [Int]\ncatL [] ys = ys\ncatL (x : xs) ys = x : catL xs ys\n\n"
     "fringe :: BTree -> [Int]\nfringe (Tip n) = [n]\nfringe (Fork l r) = catL (fringe l) (fringe r)\n"),
    ("dt-tree-preorder", "hard", "append-to-accumulator",
     "data Tree = Leaf | Node Tree Int Tree\n  deriving (Show, Eq)\n\n"
     "preOnto :: Tree -> [Int] -> [Int]\npreOnto Leaf acc = acc\n"
     "preOnto (Node l x r) acc = x : preOnto l (preOnto r acc)\n\n"
     "preorder :: Tree -> [Int]\npreorder t = preOnto t []\n"),
]


def load_pool() -> dict[str, dict]:
    pool = {}
    for f in sorted((ROOT / "data" / "programs").glob("pool_*.jsonl")):
        for line in f.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                pool[r["id"]] = r
    return pool


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "scripts" / "bench" / "proof_pairs_pool.jsonl")
    args = parser.parse_args()
    pool = load_pool()
    seen: dict[str, int] = {}
    lines = []
    for pool_id, cls, tag, b in REWRITES:
        p = pool[pool_id]
        assert p["reflectable"] == "true", pool_id
        seen[pool_id] = seen.get(pool_id, 0) + 1
        pid = pool_id if seen[pool_id] == 1 else f"{pool_id}-{cls}"
        lines.append(json.dumps({"id": pid, "pool_id": pool_id, "a_source": p["code"], "b_source": b,
                                 "tags": [tag, *p.get("tags", [])], "expected_template": cls}))
    args.out.write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} pairs written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
