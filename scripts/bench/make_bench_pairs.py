#!/usr/bin/env python3
"""Writes scripts/bench/bench_pairs.jsonl: hand-written INEQUIVALENT Haskell pairs for the benchmark.

Each pair is two small programs with one entry function each (the one top-level function no
other top-level definition references; helpers are local or referenced by it), and a diverging
input: one Haskell expression per argument of the entry, on which the two entries return
different values, or one throws and the other returns a value.  Inputs are literals that are
also valid `Read` syntax for the argument types, and each is self-delimiting (negative numbers
and constructor applications are parenthesised), so they can be pasted after the entry name or
read with `readMaybe`.

The output is deterministic: pairs are written in the order below, one JSON object a line.
`scripts/bench/check_bench_pairs.py` validates every pair with GHC; run it after editing this file.

Usage: python scripts/bench/make_bench_pairs.py [--out scripts/bench/bench_pairs.jsonl]
"""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path

PAIRS: list[dict] = []


def pair(pid: str, a: str, b: str, inputs: list[str]) -> None:
    assert pid not in {p["id"] for p in PAIRS}, pid
    PAIRS.append({
        "id": pid,
        "a_source": textwrap.dedent(a).strip("\n") + "\n",
        "b_source": textwrap.dedent(b).strip("\n") + "\n",
        "inputs": inputs,
    })


# ------------------------------------------------------------------------------------------------
# Int / Integer arithmetic

pair("clamp-check-order", """
    clamp :: Int -> Int -> Int -> Int
    clamp lo hi x
      | x < lo    = lo
      | x > hi    = hi
      | otherwise = x
    """, """
    -- Tests the upper bound first: differs when lo > hi.
    clamp :: Int -> Int -> Int -> Int
    clamp lo hi x
      | x > hi    = hi
      | x < lo    = lo
      | otherwise = x
    """, ["5", "1", "3"])

pair("power-zero-exponent", """
    power :: Integer -> Int -> Integer
    power b e
      | e <= 0    = 1
      | otherwise = b * power b (e - 1)
    """, """
    -- Fast exponentiation whose base case returns b for e == 0 as well.
    power :: Integer -> Int -> Integer
    power b e
      | e <= 1    = b
      | even e    = h * h
      | otherwise = b * power b (e - 1)
      where
        h = power b (e `div` 2)
    """, ["7", "0"])

pair("collatz-shortcut", """
    steps :: Int -> Int
    steps n
      | n <= 1    = 0
      | even n    = 1 + steps (n `div` 2)
      | otherwise = 1 + steps (3 * n + 1)
    """, """
    -- Counts (3n+1)/2 as a single step.
    steps :: Int -> Int
    steps = go 0
      where
        go acc m
          | m <= 1    = acc
          | even m    = go (acc + 1) (m `div` 2)
          | otherwise = go (acc + 1) ((3 * m + 1) `div` 2)
    """, ["3"])

pair("gcd-sign", """
    gcdOf :: Int -> Int -> Int
    gcdOf a b = go (abs a) (abs b)
      where
        go x 0 = x
        go x y = go y (x `mod` y)
    """, """
    gcdOf :: Int -> Int -> Int
    gcdOf a 0 = a
    gcdOf a b = gcdOf b (a `rem` b)
    """, ["(-4)", "0"])

pair("digit-sum-negative", """
    digitSum :: Int -> Int
    digitSum n
      | n < 10    = n
      | otherwise = n `mod` 10 + digitSum (n `div` 10)
    """, """
    import Data.Char (digitToInt)

    -- show of a negative number starts with '-', which digitToInt rejects.
    digitSum :: Int -> Int
    digitSum n = sum (map digitToInt (show n))
    """, ["(-12)"])

pair("fib-negative-index", """
    fib :: Int -> Integer
    fib n
      | n < 2     = toInteger n
      | otherwise = fib (n - 1) + fib (n - 2)
    """, """
    fib :: Int -> Integer
    fib n = fibs !! n
      where
        fibs = 0 : 1 : zipWith (+) fibs (tail fibs)
    """, ["(-1)"])

pair("average-rounding", """
    average :: [Int] -> Int
    average xs
      | null xs   = 0
      | otherwise = sum xs `div` length xs
    """, """
    -- quot rounds toward zero, div toward negative infinity.
    average :: [Int] -> Int
    average xs = sum xs `quot` max 1 (length xs)
    """, ["[-3,0]"])

pair("square-overflow", """
    square :: Int -> Integer
    square n = toInteger n * toInteger n
    """, """
    -- Multiplies in Int first, which wraps around.
    square :: Int -> Integer
    square n = toInteger (n * n)
    """, ["4294967296"])

pair("sum-squares-formula", """
    sumSquares :: Int -> Int
    sumSquares n = sum [k * k | k <- [1 .. n]]
    """, """
    -- The closed form is only right for n >= 0.
    sumSquares :: Int -> Int
    sumSquares n = n * (n + 1) * (2 * n + 1) `div` 6
    """, ["(-2)"])

pair("reverse-number", """
    reverseNum :: Int -> Int
    reverseNum n = read (reverse (show n))
    """, """
    reverseNum :: Int -> Int
    reverseNum n = signum n * go 0 (abs n)
      where
        go acc 0 = acc
        go acc m = go (acc * 10 + m `mod` 10) (m `div` 10)
    """, ["(-12)"])

pair("median-of-three", """
    import Data.List (sort)

    median3 :: Int -> Int -> Int -> Int
    median3 x y z = sort [x, y, z] !! 1
    """, """
    median3 :: Int -> Int -> Int -> Int
    median3 x y z = max (min x y) (min y z)
    """, ["3", "1", "2"])

pair("leap-year-400", """
    isLeap :: Int -> Bool
    isLeap y = (y `mod` 4 == 0 && y `mod` 100 /= 0) || y `mod` 400 == 0
    """, """
    isLeap :: Int -> Bool
    isLeap y = y `mod` 4 == 0 && y `mod` 100 /= 0
    """, ["2000"])

pair("grade-boundary", """
    grade :: Int -> Char
    grade s
      | s >= 90   = 'A'
      | s >= 80   = 'B'
      | s >= 70   = 'C'
      | otherwise = 'F'
    """, """
    grade :: Int -> Char
    grade s
      | s > 90    = 'A'
      | s > 80    = 'B'
      | s > 70    = 'C'
      | otherwise = 'F'
    """, ["90"])

pair("binary-zero", """
    toBinary :: Int -> String
    toBinary n
      | n <= 0    = "0"
      | otherwise = go n ""
      where
        go 0 acc = acc
        go k acc = go (k `div` 2) (show (k `mod` 2) ++ acc)
    """, """
    import Data.Char (intToDigit)

    toBinary :: Int -> String
    toBinary n
      | n <= 0    = ""
      | otherwise = reverse (bits n)
      where
        bits 0 = []
        bits k = intToDigit (k `mod` 2) : bits (k `div` 2)
    """, ["0"])

# ------------------------------------------------------------------------------------------------
# Bool

pair("xor3-vs-mixed", """
    xor3 :: Bool -> Bool -> Bool -> Bool
    xor3 a b c = (a /= b) /= c
    """, """
    -- "Not all the same" rather than "an odd number are True".
    xor3 :: Bool -> Bool -> Bool -> Bool
    xor3 a b c = (a || b || c) && not (a && b && c)
    """, ["True", "True", "False"])

pair("implies-vs-iff", """
    implies :: Bool -> Bool -> Bool
    implies p q = not p || q
    """, """
    implies :: Bool -> Bool -> Bool
    implies p q = p == q
    """, ["False", "True"])

pair("triangle-kind", """
    classify :: Int -> Int -> Int -> String
    classify a b c
      | a == b && b == c          = "equilateral"
      | a == b || b == c || a == c = "isosceles"
      | otherwise                 = "scalene"
    """, """
    classify :: Int -> Int -> Int -> String
    classify a b c
      | a == b || b == c || a == c = "isosceles"
      | a == b && b == c          = "equilateral"
      | otherwise                 = "scalene"
    """, ["2", "2", "2"])

# ------------------------------------------------------------------------------------------------
# Char / String

pair("palindrome-case", """
    isPal :: String -> Bool
    isPal s = s == reverse s
    """, """
    import Data.Char (toLower)

    isPal :: String -> Bool
    isPal s = t == reverse t
      where
        t = map toLower s
    """, ["\"Aa\""])

pair("vowels-uppercase", """
    vowels :: String -> Int
    vowels s = length (filter (`elem` "aeiou") s)
    """, """
    import Data.Char (toLower)

    vowels :: String -> Int
    vowels = length . filter isVowel
      where
        isVowel c = toLower c `elem` "aeiou"
    """, ["\"AEx\""])

pair("capitalize-rest", """
    import Data.Char (toUpper)

    capitalize :: String -> String
    capitalize []       = []
    capitalize (c : cs) = toUpper c : cs
    """, """
    import Data.Char (toLower, toUpper)

    capitalize :: String -> String
    capitalize s = map toUpper (take 1 s) ++ map toLower (drop 1 s)
    """, ["\"hELLO\""])

pair("caesar-wrap", """
    import Data.Char (chr, isLower, ord)

    shift :: Int -> String -> String
    shift k = map rot
      where
        rot c
          | isLower c = chr (ord 'a' + (ord c - ord 'a' + k) `mod` 26)
          | otherwise = c
    """, """
    import Data.Char (chr, isLower, ord)

    -- Forgets to wrap around past 'z'.
    shift :: Int -> String -> String
    shift k = map rot
      where
        rot c
          | isLower c = chr (ord c + k)
          | otherwise = c
    """, ["3", "\"xyz\""])

pair("count-words-spaces", """
    countWords :: String -> Int
    countWords s = length (words s)
    """, """
    countWords :: String -> Int
    countWords s = length (filter (== ' ') s) + 1
    """, ["\"a  b\""])

pair("trim-trailing", """
    import Data.Char (isSpace)
    import Data.List (dropWhileEnd)

    trim :: String -> String
    trim = dropWhileEnd isSpace . dropWhile isSpace
    """, """
    import Data.Char (isSpace)

    trim :: String -> String
    trim = dropWhile isSpace
    """, ["\" x \""])

pair("stars-pattern", """
    stars :: Int -> String
    stars n = replicate n '*'
    """, """
    stars :: Int -> String
    stars n = take n (cycle "*-")
    """, ["3"])

pair("char-kind-order", """
    import Data.Char (isAlpha, isDigit, isSpace)

    charKind :: Char -> Int
    charKind c
      | isDigit c = 0
      | isAlpha c = 1
      | isSpace c = 2
      | otherwise = 3
    """, """
    import Data.Char (isAlphaNum, isDigit, isSpace)

    charKind :: Char -> Int
    charKind c
      | isAlphaNum c = 1
      | isDigit c    = 0
      | isSpace c    = 2
      | otherwise    = 3
    """, ["'7'"])

pair("interleave-remainder", """
    interleave :: String -> String -> String
    interleave (x : xs) (y : ys) = x : y : interleave xs ys
    interleave xs       []       = xs
    interleave []       ys       = ys
    """, """
    interleave :: String -> String -> String
    interleave s t = concat (zipWith (\\x y -> [x, y]) s t)
    """, ["\"ab\"", "\"xyz\""])

pair("run-length-grouping", """
    import Data.List (group)

    rle :: String -> [(Char, Int)]
    rle s = map (\\g -> (head g, length g)) (group s)
    """, """
    import Data.List (nub)

    -- Counts every occurrence, not runs.
    rle :: String -> [(Char, Int)]
    rle s = [(c, length (filter (== c) s)) | c <- nub s]
    """, ["\"aba\""])

# ------------------------------------------------------------------------------------------------
# Lists

pair("last-vs-first", """
    safeLast :: [Int] -> Maybe Int
    safeLast [] = Nothing
    safeLast xs = Just (last xs)
    """, """
    import Data.Maybe (listToMaybe)

    safeLast :: [Int] -> Maybe Int
    safeLast xs = listToMaybe xs
    """, ["[1,2]"])

pair("largest-negative", """
    largest :: [Int] -> Int
    largest xs = foldr max 0 xs
    """, """
    largest :: [Int] -> Int
    largest xs = maximum xs
    """, ["[-3,-5]"])

pair("takewhile-vs-filter", """
    evensPrefix :: [Int] -> [Int]
    evensPrefix = takeWhile even
    """, """
    evensPrefix :: [Int] -> [Int]
    evensPrefix = filter even
    """, ["[2,3,4]"])

pair("dedup-adjacent-vs-nub", """
    import Data.List (group)

    dedup :: [Int] -> [Int]
    dedup xs = map head (group xs)
    """, """
    import Data.List (nub)

    dedup :: [Int] -> [Int]
    dedup = nub
    """, ["[1,2,1]"])

pair("insert-unsorted", """
    insertSorted :: Int -> [Int] -> [Int]
    insertSorted x [] = [x]
    insertSorted x (y : ys)
      | x <= y    = x : y : ys
      | otherwise = y : insertSorted x ys
    """, """
    import Data.List (sort)

    insertSorted :: Int -> [Int] -> [Int]
    insertSorted x ys = sort (x : ys)
    """, ["1", "[3,0]"])

pair("merge-duplicates", """
    merge :: [Int] -> [Int] -> [Int]
    merge [] ys = ys
    merge xs [] = xs
    merge (x : xs) (y : ys)
      | x <= y    = x : merge xs (y : ys)
      | otherwise = y : merge (x : xs) ys
    """, """
    merge :: [Int] -> [Int] -> [Int]
    merge [] ys = ys
    merge xs [] = xs
    merge (x : xs) (y : ys)
      | x < y     = x : merge xs (y : ys)
      | x == y    = x : merge xs ys
      | otherwise = y : merge (x : xs) ys
    """, ["[1]", "[1]"])

pair("zip-padding", """
    pairUp :: [Int] -> [Char] -> [(Int, Char)]
    pairUp = zip
    """, """
    pairUp :: [Int] -> [Char] -> [(Int, Char)]
    pairUp (x : xs) (c : cs) = (x, c) : pairUp xs cs
    pairUp []       cs       = map (\\c -> (0, c)) cs
    pairUp xs       []       = map (\\x -> (x, ' ')) xs
    """, ["[1,2]", "\"a\""])

pair("index-first-vs-last", """
    import Data.List (elemIndex)

    indexOf :: Char -> String -> Maybe Int
    indexOf c s = elemIndex c s
    """, """
    import Data.List (elemIndex)

    indexOf :: Char -> String -> Maybe Int
    indexOf c s = fmap (\\i -> length s - 1 - i) (elemIndex c (reverse s))
    """, ["'a'", "\"aba\""])

pair("count-accumulator-guard", """
    countOcc :: Int -> [Int] -> Int
    countOcc x xs = length (filter (== x) xs)
    """, """
    countOcc :: Int -> [Int] -> Int
    countOcc x = go 0
      where
        go acc [] = acc
        go acc (y : ys)
          | y >= x    = go (acc + 1) ys
          | otherwise = go acc ys
    """, ["2", "[2,3]"])

pair("prefix-sums-seed", """
    prefixSums :: [Int] -> [Int]
    prefixSums = scanl1 (+)
    """, """
    prefixSums :: [Int] -> [Int]
    prefixSums = scanl (+) 0
    """, ["[1,2]"])

pair("chunks-remainder", """
    chunks :: Int -> [Int] -> [[Int]]
    chunks _ [] = []
    chunks n xs = take n xs : chunks n (drop n xs)
    """, """
    chunks :: Int -> [Int] -> [[Int]]
    chunks n xs
      | length xs < n || null xs = []
      | otherwise                = take n xs : chunks n (drop n xs)
    """, ["2", "[1,2,3]"])

pair("min-max-seed", """
    minMax :: [Int] -> (Int, Int)
    minMax xs = (minimum xs, maximum xs)
    """, """
    -- Folds from (0, 0), so the minimum of positive lists comes out as 0.
    minMax :: [Int] -> (Int, Int)
    minMax = foldr step (0, 0)
      where
        step x (lo, hi) = (min x lo, max x hi)
    """, ["[3,5]"])

# Polymorphic entries (hsx instantiates type variables; the input is a list of numbers).

pair("every-other-parity", """
    everyOther :: [a] -> [a]
    everyOther (x : _ : xs) = x : everyOther xs
    everyOther xs           = xs
    """, """
    everyOther :: [a] -> [a]
    everyOther xs = [x | (i, x) <- zip [0 :: Int ..] xs, odd i]
    """, ["[1,2,3]"])

pair("unique-sorted-dupes", """
    import Data.List (group, sort)

    uniqSorted :: Ord a => [a] -> [a]
    uniqSorted xs = map head (group (sort xs))
    """, """
    import Data.List (sort)

    uniqSorted :: Ord a => [a] -> [a]
    uniqSorted = sort
    """, ["[2,1,2]"])

# ------------------------------------------------------------------------------------------------
# Maybe / Either / tuples

pair("default-ignored", """
    import Data.Maybe (fromMaybe)

    orDefault :: Int -> Maybe Int -> Int
    orDefault d m = fromMaybe d m
    """, """
    orDefault :: Int -> Maybe Int -> Int
    orDefault _ m = maybe 0 id m
    """, ["5", "Nothing"])

pair("halve-twice", """
    halveTwice :: Int -> Maybe Int
    halveTwice n = halve n >>= halve
      where
        halve k
          | even k    = Just (k `div` 2)
          | otherwise = Nothing
    """, """
    -- Only checks the first halving.
    halveTwice :: Int -> Maybe Int
    halveTwice n
      | even n    = Just (n `div` 4)
      | otherwise = Nothing
    """, ["6"])

pair("first-just", """
    import Data.Maybe (catMaybes, listToMaybe)

    firstJust :: [Maybe Int] -> Maybe Int
    firstJust xs = listToMaybe (catMaybes xs)
    """, """
    firstJust :: [Maybe Int] -> Maybe Int
    firstJust xs = case xs of
      (m : _) -> m
      []      -> Nothing
    """, ["[Nothing,Just 3]"])

pair("either-sum-lefts", """
    sumEithers :: [Either Int Int] -> Int
    sumEithers xs = sum (map (either id id) xs)
    """, """
    sumEithers :: [Either Int Int] -> Int
    sumEithers xs = sum [x | Right x <- xs]
    """, ["[Left 1,Right 2]"])

pair("split-either-order", """
    splitE :: [Either Int String] -> ([Int], [String])
    splitE = foldr step ([], [])
      where
        step (Left n)  (ns, ss) = (n : ns, ss)
        step (Right s) (ns, ss) = (ns, s : ss)
    """, """
    -- A left fold that conses: both lists come out reversed.
    splitE :: [Either Int String] -> ([Int], [String])
    splitE = foldl step ([], [])
      where
        step (ns, ss) (Left n)  = (n : ns, ss)
        step (ns, ss) (Right s) = (ns, s : ss)
    """, ["[Left 1,Left 2,Right \"x\"]"])

pair("parse-age-message", """
    import Data.Char (isDigit)

    parseAge :: String -> Either String Int
    parseAge s
      | null s        = Left "empty"
      | all isDigit s = Right (read s)
      | otherwise     = Left "not a number"
    """, """
    import Data.Char (isDigit)

    parseAge :: String -> Either String Int
    parseAge s
      | all isDigit s = Right (read s)
      | otherwise     = Left "bad input"
    """, ["\"12a\""])

pair("lookup-all-vs-first", """
    lookupAll :: Int -> [(Int, String)] -> [String]
    lookupAll key kvs = [v | (k, v) <- kvs, k == key]
    """, """
    lookupAll :: Int -> [(Int, String)] -> [String]
    lookupAll key kvs = maybe [] (: []) (lookup key kvs)
    """, ["1", "[(1,\"a\"),(1,\"b\")]"])

pair("rotate-triple", """
    rotate :: (Int, Int, Int) -> (Int, Int, Int)
    rotate (a, b, c) = (b, c, a)
    """, """
    rotate :: (Int, Int, Int) -> (Int, Int, Int)
    rotate (a, b, c) = (c, a, b)
    """, ["(1,2,3)"])

# ------------------------------------------------------------------------------------------------
# User data types (identical declarations on both sides; Read is derived so that the inputs can
# also be read from text).

pair("shape-area-perimeter", """
    data Shape = Circle Int | Rect Int Int
      deriving (Show, Read, Eq)

    area :: Shape -> Int
    area (Circle r) = 3 * r * r
    area (Rect w h) = w * h
    """, """
    data Shape = Circle Int | Rect Int Int
      deriving (Show, Read, Eq)

    -- Computes the perimeter of rectangles by mistake.
    area :: Shape -> Int
    area (Circle r) = 3 * r * r
    area (Rect w h) = 2 * (w + h)
    """, ["(Rect 1 1)"])

pair("color-next-wrap", """
    data Color = Red | Green | Blue
      deriving (Show, Read, Eq, Enum, Bounded)

    next :: Color -> Color
    next c
      | c == maxBound = minBound
      | otherwise     = succ c
    """, """
    data Color = Red | Green | Blue
      deriving (Show, Read, Eq, Enum, Bounded)

    -- succ of the last constructor throws.
    next :: Color -> Color
    next = succ
    """, ["Blue"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("bench_pairs.jsonl"))
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as f:
        for p in PAIRS:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"wrote {len(PAIRS)} pairs to {args.out}")


if __name__ == "__main__":
    main()
