"""Builds the seed pool's category files data/programs/pool_*.jsonl and validates the whole pool.

Every program here was written by the hsx team for the seed pool (issue 5): small Haskell
programs over Int/Integer arithmetic, Bool logic, lists, strings, Maybe/Either, tuples and small
data types that each file declares itself.  Some come from parameterized families (a named
series, a list map or filter with a different body, a named linear recurrence, ...), the rest are
hand-written.  A large share is written so that Liquid Haskell can reflect it (own recursive
helpers instead of map/sum/foldr/length, no lambdas, no where-bound recursive helpers, no library
calls); others use the Prelude freely, so self-play also sees library-style code.

Like scripts/make_starter_pool.py, the script runs every program on its sample inputs through
`Verifier.evaluate` (the sandbox and GHC), records entry, GHC's type, arity and printed outputs,
computes size and the reflectability guess (hsx/programs.py), writes one file per category
atomically, then validates the whole pool directory (starter.jsonl included) with
`validate_pool`.  Nothing is random: the same programs and the same GHC give the same files byte
for byte.

Run:
    .venv/bin/python scripts/make_pool.py                 # rebuild the pool_*.jsonl files, validate all
    .venv/bin/python scripts/make_pool.py --check         # validate data/programs/ only
    .venv/bin/python scripts/make_pool.py --check --jobs 2
"""

from __future__ import annotations

import argparse
import concurrent.futures
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POOL_DIR = ROOT / "data" / "programs"

Row = tuple[str, ...]
Spec = tuple[str, tuple[str, ...], str, list[Row]]  # (id, tags, code, sample inputs)


def rows(*items) -> list[Row]:
    """Sample inputs: a bare string is a one-argument row."""
    return [(r,) if isinstance(r, str) else tuple(r) for r in items]


def neg(n: int) -> str:
    return f"({n})" if n < 0 else str(n)


def hs_list(xs) -> str:
    return "[" + ",".join(neg(x) for x in xs) + "]"


INT_LISTS = rows(hs_list([]), hs_list([3, 8, (-2), 5]), hs_list([1, 2, 3, 4, 5, 6]), hs_list([(-7), 0, 10, (-1)]))


# ================================================================================================
# Arithmetic (Int / Integer)

def arith_families() -> list[Spec]:
    out: list[Spec] = []
    # Named series: sum of f(k) for k = 1..n, by direct recursion on n.
    series = [
        ("sum-squares", "sumSquares", "n * n"),
        ("sum-cubes", "sumCubes", "n * n * n"),
        ("sum-odd-numbers", "sumOdds", "2 * n - 1"),
        ("sum-pronic", "sumPronic", "n * (n + 1)"),
        ("sum-triangular", "tetrahedral", "n * (n + 1) `div` 2"),
        ("sum-alternating", "altSeries", "(if n `mod` 2 == 0 then n else 0 - n)"),
        ("sum-mod-three", "sumResidues", "n `mod` 3"),
        ("sum-multiples-3-or-5", "sum35", "(if n `mod` 3 == 0 || n `mod` 5 == 0 then n else 0)"),
    ]
    for sid, name, term in series:
        code = (f"{name} :: Int -> Int\n{name} n\n  | n <= 0 = 0\n"
                f"  | otherwise = {term} + {name} (n - 1)\n")
        out.append((f"ar-{sid}", ("int", "recursion", "series", "guards"), code,
                    rows("0", "1", "6", "15", "(-4)")))
    # Accumulator loops: fold k = n, n-1, ..., 1 into an accumulator.
    loops = [
        ("fact-acc", "factAcc", "factorialInt", "Int", "1", "acc * n"),
        ("sum-acc", "sumAcc", "triangle", "Int", "0", "acc + n"),
        ("squares-acc", "sqAcc", "squarePyramid", "Int", "0", "acc + n * n"),
        ("double-acc", "dblAcc", "powerOfTwo", "Integer", "1", "acc * 2"),
        ("repunit-acc", "appendOne", "repunit", "Integer", "0", "acc * 10 + 1"),
        ("alt-acc", "altAcc", "alternatingCount", "Int", "0", "n - acc"),
    ]
    for sid, helper, name, ty, init, update in loops:
        code = (f"{helper} :: {ty} -> Int -> {ty}\n"
                f"{helper} acc n = if n <= 0 then acc else {helper} ({update}) (n - 1)\n\n"
                f"{name} :: Int -> {ty}\n{name} n = {helper} {init} n\n")
        out.append((f"ar-{sid}", ("accumulator", "helper", "recursion", ty.lower()), code,
                    rows("0", "1", "5", "12")))
    # Named linear recurrences a(n) = p * a(n-1) + q * a(n-2), with accumulators.
    recs = [
        ("lucas", "lucas", "2", "1", "1", "1"),
        ("pell", "pell", "0", "1", "2", "1"),
        ("jacobsthal", "jacobsthal", "0", "1", "1", "2"),
        ("pell-lucas", "pellLucas", "2", "2", "2", "1"),
        ("mersenne", "mersenne", "0", "1", "3", "(0 - 2)"),
        ("balancing-numbers", "balancing", "0", "1", "6", "(0 - 1)"),
    ]
    for sid, name, a0, a1, p, q in recs:
        step = name + "Step"
        code = (f"{step} :: Int -> Integer -> Integer -> Integer\n"
                f"{step} k a b = if k <= 0 then a else {step} (k - 1) b ({p} * b + {q} * a)\n\n"
                f"{name} :: Int -> Integer\n{name} n = {step} n {a0} {a1}\n")
        out.append((f"ar-{sid}", ("integer", "accumulator", "helper", "recurrence"), code,
                    rows("0", "1", "2", "7", "40")))
    # Digit folds over the decimal digits of a non-negative number.
    digit = [
        ("digit-product", "digitProduct", "1", "n `mod` 10 * digitProduct (n `div` 10)", "n"),
        ("count-odd-digits", "oddDigits", "0",
         "(if n `mod` 2 == 1 then 1 else 0) + oddDigits (n `div` 10)", "(if n `mod` 2 == 1 then 1 else 0)"),
        ("max-digit", "maxDigit", "0", None, None),
        ("digital-root", "digitalRoot", None, None, None),
    ]
    for sid, name, _a, rec, base in digit:
        if sid == "max-digit":
            code = ("bigger :: Int -> Int -> Int\nbigger a b = if a >= b then a else b\n\n"
                    "maxDigit :: Int -> Int\nmaxDigit n\n  | n < 10 = n\n"
                    "  | otherwise = bigger (n `mod` 10) (maxDigit (n `div` 10))\n")
        elif sid == "digital-root":
            code = ("digitTotal :: Int -> Int\ndigitTotal n\n  | n < 10 = n\n"
                    "  | otherwise = n `mod` 10 + digitTotal (n `div` 10)\n\n"
                    "digitalRoot :: Int -> Int\ndigitalRoot n\n  | n < 10 = n\n"
                    "  | otherwise = digitalRoot (digitTotal n)\n")
        else:
            code = (f"{name} :: Int -> Int\n{name} n\n  | n < 10 = {base}\n  | otherwise = {rec}\n")
        out.append((f"ar-{sid}", ("int", "recursion", "div-mod", "digits"), code,
                    rows("0", "7", "4096", "987654", "1203")))
    return out


ARITH: list[Spec] = [
    ("ar-reverse-digits", ("int", "accumulator", "helper", "digits"), """\
revDigitsAcc :: Int -> Int -> Int
revDigitsAcc acc n
  | n <= 0 = acc
  | otherwise = revDigitsAcc (acc * 10 + n `mod` 10) (n `div` 10)

reverseDigits :: Int -> Int
reverseDigits n = revDigitsAcc 0 n
""", rows("0", "5", "1234", "1200", "90817")),
    ("ar-is-digit-palindrome", ("int", "bool", "helper", "digits"), """\
flipDigits :: Int -> Int -> Int
flipDigits acc n = if n <= 0 then acc else flipDigits (acc * 10 + n `mod` 10) (n `div` 10)

isNumPalindrome :: Int -> Bool
isNumPalindrome n = n >= 0 && flipDigits 0 n == n
""", rows("0", "121", "123", "4884", "(-11)")),
    ("ar-count-digit-occurrences", ("int", "two-args", "digits", "recursion"), """\
countDigit :: Int -> Int -> Int
countDigit d n
  | n < 10 = if n == d then 1 else 0
  | n `mod` 10 == d = 1 + countDigit d (n `div` 10)
  | otherwise = countDigit d (n `div` 10)
""", rows(("1", "1101"), ("0", "0"), ("7", "123"), ("5", "55555"))),
    ("ar-digits-in-base", ("int", "two-args", "recursion", "digits"), """\
digitsInBase :: Int -> Int -> Int
digitsInBase b n
  | b < 2 = 0
  | n < b = 1
  | otherwise = 1 + digitsInBase b (n `div` b)
""", rows(("2", "255"), ("10", "9"), ("16", "65536"), ("1", "50"), ("3", "0"))),
    ("ar-binary-popcount", ("int", "recursion", "div-mod", "bits"), """\
popCountR :: Int -> Int
popCountR n
  | n <= 0 = 0
  | otherwise = n `mod` 2 + popCountR (n `div` 2)
""", rows("0", "1", "255", "1024", "1023")),
    ("ar-binary-as-decimal", ("integer", "int", "recursion", "bits"), """\
binaryDigits :: Int -> Integer
binaryDigits n
  | n <= 0 = 0
  | otherwise = binaryDigits (n `div` 2) * 10 + (if n `mod` 2 == 1 then 1 else 0)
""", rows("0", "1", "5", "10", "255")),
    ("ar-is-power-of-two", ("int", "bool", "recursion"), """\
isPow2 :: Int -> Bool
isPow2 n
  | n <= 0 = False
  | n == 1 = True
  | n `mod` 2 == 1 = False
  | otherwise = isPow2 (n `div` 2)
""", rows("0", "1", "64", "96", "(-8)")),
    ("ar-integer-log", ("int", "two-args", "recursion"), """\
ilog :: Int -> Int -> Int
ilog b n
  | b < 2 || n < b = 0
  | otherwise = 1 + ilog b (n `div` b)
""", rows(("2", "1"), ("2", "1000"), ("10", "99999"), ("3", "81"))),
    ("ar-integer-sqrt", ("int", "helper", "search"), """\
sqrtFrom :: Int -> Int -> Int
sqrtFrom k n = if (k + 1) * (k + 1) > n then k else sqrtFrom (k + 1) n

isqrt :: Int -> Int
isqrt n = if n <= 0 then 0 else sqrtFrom 0 n
""", rows("0", "1", "15", "16", "99")),
    ("ar-is-perfect-square", ("int", "bool", "helper", "search"), """\
squareAtLeast :: Int -> Int -> Bool
squareAtLeast k n
  | k * k == n = True
  | k * k > n = False
  | otherwise = squareAtLeast (k + 1) n

isSquare :: Int -> Bool
isSquare n = n >= 0 && squareAtLeast 0 n
""", rows("0", "49", "50", "(-4)", "144")),
    ("ar-divisor-count", ("int", "helper", "div-mod"), """\
divisorsFrom :: Int -> Int -> Int
divisorsFrom d n
  | d > n = 0
  | n `mod` d == 0 = 1 + divisorsFrom (d + 1) n
  | otherwise = divisorsFrom (d + 1) n

numDivisors :: Int -> Int
numDivisors n = if n <= 0 then 0 else divisorsFrom 1 n
""", rows("1", "12", "13", "36", "0")),
    ("ar-is-perfect-number", ("int", "bool", "helper", "div-mod"), """\
properSum :: Int -> Int -> Int
properSum d n
  | d >= n = 0
  | n `mod` d == 0 = d + properSum (d + 1) n
  | otherwise = properSum (d + 1) n

isPerfect :: Int -> Bool
isPerfect n = n > 1 && properSum 1 n == n
""", rows("6", "28", "12", "1", "496")),
    ("ar-smallest-factor", ("int", "helper", "div-mod"), """\
factorFrom :: Int -> Int -> Int
factorFrom d n
  | d * d > n = n
  | n `mod` d == 0 = d
  | otherwise = factorFrom (d + 1) n

smallestFactor :: Int -> Int
smallestFactor n = if n < 2 then n else factorFrom 2 n
""", rows("1", "2", "91", "97", "1000")),
    ("ar-prime-count", ("int", "helper", "nested-recursion"), """\
hasNoDivisor :: Int -> Int -> Bool
hasNoDivisor d n
  | d * d > n = True
  | n `mod` d == 0 = False
  | otherwise = hasNoDivisor (d + 1) n

primesUpTo :: Int -> Int
primesUpTo n
  | n < 2 = 0
  | hasNoDivisor 2 n = 1 + primesUpTo (n - 1)
  | otherwise = primesUpTo (n - 1)
""", rows("0", "2", "10", "30", "100")),
    ("ar-lcm", ("int", "two-args", "helper", "div-mod"), """\
gcdR :: Int -> Int -> Int
gcdR a b = if b == 0 then a else gcdR b (a `mod` b)

lcmR :: Int -> Int -> Int
lcmR a b = if a == 0 || b == 0 then 0 else (a `div` gcdR a b) * b
""", rows(("4", "6"), ("0", "5"), ("7", "13"), ("12", "18"))),
    ("ar-coprime", ("int", "bool", "two-args", "helper"), """\
gcdSub :: Int -> Int -> Int
gcdSub a b
  | a == 0 = b
  | b == 0 = a
  | a >= b = gcdSub (a - b) b
  | otherwise = gcdSub a (b - a)

coprime :: Int -> Int -> Bool
coprime a b = a > 0 && b > 0 && gcdSub a b == 1
""", rows(("8", "15"), ("12", "18"), ("1", "1"), ("0", "7"))),
    ("ar-mul-by-addition", ("int", "two-args", "recursion"), """\
mulAdd :: Int -> Int -> Int
mulAdd a b
  | b == 0 = 0
  | b < 0 = 0 - mulAdd a (0 - b)
  | otherwise = a + mulAdd a (b - 1)
""", rows(("3", "4"), ("(-5)", "6"), ("7", "(-2)"), ("9", "0"))),
    ("ar-russian-peasant", ("integer", "two-args", "recursion", "div-mod"), """\
peasant :: Integer -> Integer -> Integer
peasant a b
  | b <= 0 = 0
  | b `mod` 2 == 0 = peasant (a + a) (b `div` 2)
  | otherwise = a + peasant (a + a) (b `div` 2)
""", rows(("13", "11"), ("1000000007", "998244353"), ("5", "0"), ("(-3)", "7"))),
    ("ar-fast-power", ("integer", "int", "two-args", "recursion", "div-mod"), """\
fastPow :: Integer -> Int -> Integer
fastPow b e
  | e <= 0 = 1
  | e `mod` 2 == 0 = fastPow (b * b) (e `div` 2)
  | otherwise = b * fastPow (b * b) (e `div` 2)
""", rows(("2", "64"), ("3", "5"), ("(-2)", "7"), ("10", "0"))),
    ("ar-power-mod", ("int", "three-args", "recursion", "div-mod"), """\
powMod :: Int -> Int -> Int -> Int
powMod b e m
  | m <= 1 = 0
  | e <= 0 = 1
  | otherwise = (b `mod` m) * powMod b (e - 1) m `mod` m
""", rows(("2", "10", "1000"), ("3", "4", "5"), ("7", "0", "13"), ("5", "3", "1"))),
    ("ar-binomial", ("integer", "int", "two-args", "recursion"), """\
choose :: Int -> Int -> Integer
choose n k
  | k < 0 || k > n = 0
  | k == 0 || k == n = 1
  | otherwise = choose (n - 1) (k - 1) + choose (n - 1) k
""", rows(("5", "2"), ("10", "5"), ("4", "7"), ("16", "8"))),
    ("ar-catalan", ("integer", "int", "helper", "recursion"), """\
catalanSum :: Int -> Int -> Integer
catalanSum i n
  | i >= n = 0
  | otherwise = catalan i * catalan (n - 1 - i) + catalanSum (i + 1) n

catalan :: Int -> Integer
catalan n = if n <= 0 then 1 else catalanSum 0 n

catalanOrZero :: Int -> Integer
catalanOrZero n = if n < 0 then 0 else catalan n
""", rows("0", "1", "4", "7", "(-2)")),
    ("ar-double-factorial", ("integer", "recursion"), """\
doubleFact :: Integer -> Integer
doubleFact n
  | n <= 1 = 1
  | otherwise = n * doubleFact (n - 2)
""", rows("0", "5", "8", "21")),
    ("ar-ackermann", ("int", "two-args", "nested-recursion"), """\
ack :: Int -> Int -> Int
ack m n
  | m <= 0 = n + 1
  | n <= 0 = ack (m - 1) 1
  | otherwise = ack (m - 1) (ack m (n - 1))
""", rows(("0", "0"), ("1", "2"), ("2", "3"), ("3", "3"))),
    ("ar-tribonacci", ("integer", "accumulator", "helper"), """\
tribStep :: Int -> Integer -> Integer -> Integer -> Integer
tribStep k a b c = if k <= 0 then a else tribStep (k - 1) b c (a + b + c)

tribonacci :: Int -> Integer
tribonacci n = tribStep n 0 0 1
""", rows("0", "2", "10", "35")),
    ("ar-collatz-max", ("int", "helper", "recursion"), """\
biggerOf :: Int -> Int -> Int
biggerOf a b = if a > b then a else b

collatzPeak :: Int -> Int
collatzPeak n
  | n <= 1 = n
  | n `mod` 2 == 0 = biggerOf n (collatzPeak (n `div` 2))
  | otherwise = biggerOf n (collatzPeak (3 * n + 1))
""", rows("1", "6", "7", "27")),
    ("ar-hailstone-length-acc", ("int", "accumulator", "helper"), """\
hailAcc :: Int -> Int -> Int
hailAcc steps n
  | n <= 1 = steps
  | n `mod` 2 == 0 = hailAcc (steps + 1) (n `div` 2)
  | otherwise = hailAcc (steps + 1) (3 * n + 1)

hailstone :: Int -> Int
hailstone n = hailAcc 1 n
""", rows("1", "3", "9", "97")),
    ("ar-div-rounded-up", ("int", "two-args", "div-mod", "guards"), """\
ceilDiv :: Int -> Int -> Int
ceilDiv a b
  | b <= 0 = 0
  | a `mod` b == 0 = a `div` b
  | otherwise = a `div` b + 1
""", rows(("10", "3"), ("9", "3"), ("0", "4"), ("(-7)", "2"), ("5", "0"))),
    ("ar-round-to-multiple", ("int", "two-args", "div-mod", "guards"), """\
roundTo :: Int -> Int -> Int
roundTo m x
  | m <= 0 = x
  | 2 * (x `mod` m) >= m = x - x `mod` m + m
  | otherwise = x - x `mod` m
""", rows(("10", "34"), ("10", "35"), ("5", "(-3)"), ("0", "17"), ("100", "1249"))),
    ("ar-median-of-three", ("int", "three-args", "guards"), """\
median3 :: Int -> Int -> Int -> Int
median3 a b c
  | (a <= b && b <= c) || (c <= b && b <= a) = b
  | (b <= a && a <= c) || (c <= a && a <= b) = a
  | otherwise = c
""", rows(("1", "2", "3"), ("9", "1", "5"), ("4", "4", "1"), ("(-2)", "7", "0"))),
    ("ar-min-of-three-lib", ("int", "three-args", "library"), """\
smallest :: Int -> Int -> Int -> Int
smallest a b c = min a (min b c)
""", rows(("3", "1", "2"), ("(-5)", "0", "5"), ("7", "7", "7"))),
    ("ar-tax-brackets", ("int", "guards"), """\
tax :: Int -> Int
tax income
  | income <= 10000 = 0
  | income <= 40000 = (income - 10000) `div` 10
  | otherwise = 3000 + (income - 40000) `div` 4
""", rows("5000", "10000", "25000", "40000", "100000")),
    ("ar-shipping-cost", ("int", "two-args", "guards"), """\
shipping :: Int -> Int -> Int
shipping weight distance
  | weight <= 0 = 0
  | distance < 100 = 5 + weight
  | distance < 1000 = 10 + 2 * weight
  | otherwise = 25 + 3 * weight
""", rows(("0", "50"), ("3", "50"), ("3", "500"), ("10", "5000"))),
    ("ar-days-in-month", ("int", "two-args", "guards", "div-mod"), """\
leap :: Int -> Bool
leap y = (y `mod` 4 == 0 && y `mod` 100 /= 0) || y `mod` 400 == 0

daysIn :: Int -> Int -> Int
daysIn year month
  | month == 2 = if leap year then 29 else 28
  | month == 4 || month == 6 || month == 9 || month == 11 = 30
  | month >= 1 && month <= 12 = 31
  | otherwise = 0
""", rows(("2024", "2"), ("1900", "2"), ("2023", "9"), ("2023", "12"), ("2023", "13"))),
    ("ar-seconds-to-clock", ("int", "tuple", "div-mod"), """\
clock :: Int -> (Int, Int, Int)
clock s = (s `div` 3600, (s `mod` 3600) `div` 60, s `mod` 60)
""", rows("0", "59", "3661", "86399")),
    ("ar-triangle-kind", ("int", "three-args", "guards"), """\
triangleKind :: Int -> Int -> Int -> Int
triangleKind a b c
  | a <= 0 || b <= 0 || c <= 0 = 0
  | a + b <= c || a + c <= b || b + c <= a = 0
  | a == b && b == c = 3
  | a == b || b == c || a == c = 2
  | otherwise = 1
""", rows(("3", "4", "5"), ("2", "2", "2"), ("2", "2", "3"), ("1", "2", "3"), ("0", "1", "1"))),
    ("ar-sum-digits-lib", ("int", "library", "string"), """\
import Data.Char (digitToInt)

digitSumShow :: Int -> Int
digitSumShow n = sum (map digitToInt (show (abs n)))
""", rows("0", "123", "(-987)", "1000001")),
    ("ar-sum-range-lib", ("int", "two-args", "library", "range"), """\
rangeSum :: Int -> Int -> Int
rangeSum a b = sum [a .. b]
""", rows(("1", "10"), ("5", "5"), ("10", "1"), ("(-3)", "3"))),
    ("ar-product-odd-lib", ("integer", "library", "range"), """\
oddProduct :: Integer -> Integer
oddProduct n = product [k | k <- [1 .. n], odd k]
""", rows("0", "1", "9", "15")),
    ("ar-iterate-halving-lib", ("int", "library", "higher-order"), """\
halvings :: Int -> Int
halvings n = length (takeWhile (> 0) (iterate (`div` 2) n))
""", rows("0", "1", "8", "1000")),
    ("ar-harshad", ("int", "bool", "helper", "digits"), """\
digitTotalH :: Int -> Int
digitTotalH n = if n < 10 then n else n `mod` 10 + digitTotalH (n `div` 10)

isHarshad :: Int -> Bool
isHarshad n = n > 0 && n `mod` digitTotalH n == 0
""", rows("18", "19", "1729", "0", "100")),
    ("ar-armstrong", ("int", "bool", "helper", "digits"), """\
cube :: Int -> Int
cube d = d * d * d

cubeDigits :: Int -> Int
cubeDigits n = if n < 10 then cube n else cube (n `mod` 10) + cubeDigits (n `div` 10)

isArmstrong3 :: Int -> Bool
isArmstrong3 n = n >= 100 && n <= 999 && cubeDigits n == n
""", rows("153", "370", "371", "100", "9474")),
    ("ar-sum-of-two-squares", ("int", "bool", "helper", "search"), """\
findSquare :: Int -> Int -> Bool
findSquare b r
  | b * b > r = False
  | b * b == r = True
  | otherwise = findSquare (b + 1) r

twoSquaresFrom :: Int -> Int -> Bool
twoSquaresFrom a n
  | a * a > n = False
  | findSquare 0 (n - a * a) = True
  | otherwise = twoSquaresFrom (a + 1) n

sumOfTwoSquares :: Int -> Bool
sumOfTwoSquares n = n >= 0 && twoSquaresFrom 0 n
""", rows("0", "5", "3", "25", "21")),
    ("ar-int-average-three", ("int", "three-args", "div-mod"), """\
avg3 :: Int -> Int -> Int -> Int
avg3 a b c = (a + b + c) `div` 3
""", rows(("1", "2", "3"), ("10", "0", "0"), ("(-4)", "(-5)", "0"))),
    ("ar-signed-distance", ("int", "two-args", "guards"), """\
distance :: Int -> Int -> Int
distance a b
  | a >= b = a - b
  | otherwise = b - a
""", rows(("3", "10"), ("10", "3"), ("(-4)", "4"), ("6", "6"))),
    ("ar-sum-between", ("int", "two-args", "recursion"), """\
sumBetween :: Int -> Int -> Int
sumBetween lo hi
  | lo > hi = 0
  | otherwise = lo + sumBetween (lo + 1) hi
""", rows(("1", "100"), ("5", "4"), ("(-3)", "3"), ("7", "7"))),
    ("ar-count-multiples", ("int", "three-args", "recursion", "div-mod"), """\
countMultiples :: Int -> Int -> Int -> Int
countMultiples k lo hi
  | k <= 0 || lo > hi = 0
  | lo `mod` k == 0 = 1 + countMultiples k (lo + 1) hi
  | otherwise = countMultiples k (lo + 1) hi
""", rows(("3", "1", "20"), ("7", "0", "0"), ("0", "1", "10"), ("5", "(-10)", "10"))),
    ("ar-integer-cube-root", ("integer", "helper", "search"), """\
cubeRootFrom :: Integer -> Integer -> Integer
cubeRootFrom k n = if (k + 1) * (k + 1) * (k + 1) > n then k else cubeRootFrom (k + 1) n

icbrt :: Integer -> Integer
icbrt n = if n <= 0 then 0 else cubeRootFrom 0 n
""", rows("0", "7", "8", "1000", "12345")),
    ("ar-gcd-integer-lib", ("integer", "two-args", "library"), """\
reduceRatio :: Integer -> Integer -> (Integer, Integer)
reduceRatio a b
  | b == 0 = (a, b)
  | otherwise = (a `div` g, b `div` g)
  where g = gcd a b
""", rows(("6", "8"), ("100", "25"), ("7", "0"), ("(-12)", "18"))),
]


def arith_programs() -> list[Spec]:
    return arith_families() + ARITH


# ================================================================================================
# Bool logic

BOOL2 = rows(("True", "True"), ("True", "False"), ("False", "True"), ("False", "False"))
BOOL3 = rows(("True", "True", "True"), ("True", "False", "True"), ("False", "True", "False"),
             ("False", "False", "True"), ("False", "False", "False"))


def bool_families() -> list[Spec]:
    out: list[Spec] = []
    # Two-input connectives, each written with patterns, if or case.
    two = [
        ("implies", "implies", "implies True q = q\nimplies False _ = True\n"),
        ("nand", "nand", "nand p q = not (p && q)\n"),
        ("nor", "nor", "nor p q = if p then False else not q\n"),
        ("xnor", "xnor", "xnor p q = case p of\n  True -> q\n  False -> not q\n"),
        ("converse-nonimplication", "butNot", "butNot p q = not p && q\n"),
        ("equivalence-guards", "iff", "iff p q\n  | p = q\n  | otherwise = not q\n"),
    ]
    for sid, name, body in two:
        out.append((f"bo-{sid}", ("bool", "two-args"), f"{name} :: Bool -> Bool -> Bool\n{body}", BOOL2))
    three = [
        ("exactly-one", "exactlyOne",
         "exactlyOne a b c = (a && not b && not c) || (not a && b && not c) || (not a && not b && c)\n"),
        ("parity3", "parity3", "parity3 a b c = if a then not (parity3 False b c) else (if b then not c else c)\n"),
        ("mux", "mux", "mux s a b = if s then a else b\n"),
        ("at-most-one", "atMostOne", "atMostOne a b c = not ((a && b) || (a && c) || (b && c))\n"),
        ("all-equal3", "allSame", "allSame a b c = (a == b) && (b == c)\n"),
        ("chain-implies", "chainImplies",
         "chainImplies a b c = (not a || b) && (not b || c)\n"),
    ]
    for sid, name, body in three:
        out.append((f"bo-{sid}", ("bool", "three-args"), f"{name} :: Bool -> Bool -> Bool -> Bool\n{body}", BOOL3))
    # Bool list folds, by own recursion.
    folds = [
        ("and-list", "allTrue", "True", "b && allTrue bs"),
        ("or-list", "anyTrue", "False", "b || anyTrue bs"),
        ("xor-list", "oddTrues", "False", "if b then not (oddTrues bs) else oddTrues bs"),
    ]
    for sid, name, base, step in folds:
        code = f"{name} :: [Bool] -> Bool\n{name} [] = {base}\n{name} (b : bs) = {step}\n"
        out.append((f"bo-{sid}", ("bool", "list", "recursion"), code,
                    rows("[]", "[True,True,True]", "[True,False,True]", "[False,False]", "[False,True]")))
    return out


BOOL: list[Spec] = [
    ("bo-count-true", ("bool", "list", "int", "recursion"), """\
countTrue :: [Bool] -> Int
countTrue [] = 0
countTrue (True : bs) = 1 + countTrue bs
countTrue (False : bs) = countTrue bs
""", rows("[]", "[True,False,True,True]", "[False]")),
    ("bo-negate-all", ("bool", "list", "recursion"), """\
flipAll :: [Bool] -> [Bool]
flipAll [] = []
flipAll (b : bs) = not b : flipAll bs
""", rows("[]", "[True,False]", "[False,False,True]")),
    ("bo-bitwise-and", ("bool", "list", "two-args", "recursion"), """\
andBits :: [Bool] -> [Bool] -> [Bool]
andBits (a : as) (b : bs) = (a && b) : andBits as bs
andBits _ _ = []
""", rows(("[True,True,False]", "[True,False,False]"), ("[]", "[True]"), ("[True,True]", "[True,True,True]"))),
    ("bo-alternates", ("bool", "list", "nested-pattern"), """\
alternates :: [Bool] -> Bool
alternates (a : b : rest) = a /= b && alternates (b : rest)
alternates _ = True
""", rows("[]", "[True,False,True]", "[True,True]", "[False]")),
    ("bo-bits-to-int", ("bool", "list", "int", "accumulator", "helper"), """\
bitsAcc :: Int -> [Bool] -> Int
bitsAcc acc [] = acc
bitsAcc acc (b : bs) = bitsAcc (2 * acc + (if b then 1 else 0)) bs

fromBits :: [Bool] -> Int
fromBits bs = bitsAcc 0 bs
""", rows("[]", "[True,False,True]", "[True,True,True,True]", "[False,False,True]")),
    ("bo-int-to-bits", ("bool", "list", "int", "recursion", "div-mod"), """\
toBits :: Int -> [Bool]
toBits n
  | n <= 0 = []
  | otherwise = (n `mod` 2 == 1) : toBits (n `div` 2)
""", rows("0", "1", "6", "13")),
    ("bo-in-range", ("bool", "int", "three-args"), """\
inRange :: Int -> Int -> Int -> Bool
inRange lo hi x = lo <= x && x <= hi
""", rows(("1", "10", "5"), ("1", "10", "11"), ("0", "0", "0"), ("(-5)", "(-1)", "(-3)"))),
    ("bo-divisible-by-both", ("bool", "int", "three-args", "div-mod"), """\
divisibleByBoth :: Int -> Int -> Int -> Bool
divisibleByBoth a b n = a /= 0 && b /= 0 && n `mod` a == 0 && n `mod` b == 0
""", rows(("3", "5", "30"), ("3", "5", "9"), ("0", "2", "4"), ("4", "6", "12"))),
    ("bo-even-odd-mutual", ("bool", "int", "mutual-recursion"), """\
isEvenM :: Int -> Bool
isEvenM n = if n <= 0 then True else isOddM (n - 1)

isOddM :: Int -> Bool
isOddM n = if n <= 0 then False else isEvenM (n - 1)

parityCode :: Int -> Int
parityCode n = if n < 0 then 2 else (if isEvenM n then 0 else 1)
""", rows("0", "7", "10", "(-3)")),
    ("bo-same-sign", ("bool", "int", "two-args", "guards"), """\
sameSign :: Int -> Int -> Bool
sameSign a b
  | a == 0 || b == 0 = a == b
  | a > 0 = b > 0
  | otherwise = b < 0
""", rows(("3", "9"), ("(-3)", "9"), ("0", "0"), ("0", "1"), ("(-2)", "(-8)"))),
    ("bo-lexicographic-less", ("bool", "int", "two-args", "tuple"), """\
lexLess :: (Int, Int) -> (Int, Int) -> Bool
lexLess (a, b) (c, d) = a < c || (a == c && b < d)
""", rows(("(1,5)", "(2,0)"), ("(2,3)", "(2,4)"), ("(2,4)", "(2,4)"), ("(3,0)", "(1,9)"))),
    ("bo-all-lib", ("bool", "list", "library", "higher-order"), """\
allPositive :: [Int] -> Bool
allPositive xs = all (> 0) xs
""", rows("[]", "[1,2,3]", "[1,(-2),3]")),
    ("bo-any-lib", ("bool", "list", "library", "higher-order", "two-args"), """\
hasMultipleOf :: Int -> [Int] -> Bool
hasMultipleOf k xs = k /= 0 && any (\\x -> x `mod` k == 0) xs
""", rows(("3", "[1,2,4]"), ("3", "[1,6]"), ("0", "[0]"), ("5", "[]"))),
    ("bo-truth-table-count", ("bool", "int", "helper"), """\
asInt :: Bool -> Int
asInt b = if b then 1 else 0

votes :: Bool -> Bool -> Bool -> Int
votes a b c = asInt a + asInt b + asInt c
""", BOOL3),
    ("bo-elem-own", ("bool", "list", "two-args", "recursion"), """\
member :: Int -> [Int] -> Bool
member _ [] = False
member x (y : ys) = x == y || member x ys
""", rows(("3", "[1,2,3]"), ("4", "[1,2,3]"), ("0", "[]"), ("(-1)", "[(-1)]"))),
]


def bool_programs() -> list[Spec]:
    return bool_families() + BOOL


# ================================================================================================
# Lists

def list_families() -> list[Spec]:
    out: list[Spec] = []
    # Element-wise maps, by own recursion.
    maps = [
        ("double-each", "doubleEach", "2 * x"),
        ("square-each", "squareEach", "x * x"),
        ("negate-each", "negateEach", "0 - x"),
        ("abs-each", "absEach", "if x < 0 then 0 - x else x"),
        ("halve-each", "halveEach", "x `div` 2"),
        ("parity-each", "parityEach", "x `mod` 2"),
        ("sign-each", "signEach", "if x > 0 then 1 else (if x < 0 then 0 - 1 else 0)"),
        ("triangle-each", "triangleEach", "x * (x + 1) `div` 2"),
    ]
    for sid, name, expr in maps:
        code = f"{name} :: [Int] -> [Int]\n{name} [] = []\n{name} (x : xs) = ({expr}) : {name} xs\n"
        out.append((f"li-{sid}", ("list", "int", "recursion", "map-like"), code, INT_LISTS))
    maps2 = [
        ("add-to-each", "addEach", "x + k"),
        ("scale-each", "scaleEach", "k * x"),
        ("cap-each", "capEach", "if x > k then k else x"),
        ("floor-each", "floorEach", "if x < k then k else x"),
        ("distance-each", "distFrom", "if x >= k then x - k else k - x"),
    ]
    for sid, name, expr in maps2:
        code = (f"{name} :: Int -> [Int] -> [Int]\n{name} _ [] = []\n"
                f"{name} k (x : xs) = ({expr}) : {name} k xs\n")
        out.append((f"li-{sid}", ("list", "int", "two-args", "recursion", "map-like"), code,
                    rows(("3", "[]"), ("3", "[1,5,(-2)]"), ("(-1)", "[0,(-4),9]"), ("0", "[7,7]"))))
    # Filters, by own recursion with guards.
    filters = [
        ("keep-evens", "keepEvens", "x `mod` 2 == 0"),
        ("keep-odds", "keepOdds", "x `mod` 2 /= 0"),
        ("keep-positives", "keepPositives", "x > 0"),
        ("drop-zeros", "dropZeros", "x /= 0"),
        ("keep-small", "keepSmall", "x > (0 - 5) && x < 5"),
        ("keep-multiples-of-three", "keepThrees", "x `mod` 3 == 0"),
    ]
    for sid, name, cond in filters:
        code = (f"{name} :: [Int] -> [Int]\n{name} [] = []\n{name} (x : xs)\n"
                f"  | {cond} = x : {name} xs\n  | otherwise = {name} xs\n")
        out.append((f"li-{sid}", ("list", "int", "recursion", "filter-like", "guards"), code, INT_LISTS))
    filters2 = [
        ("keep-above", "keepAbove", "x > k"),
        ("remove-all", "removeAll", "x /= k"),
        ("keep-divisible", "keepDivisible", "k /= 0 && x `mod` k == 0"),
        ("keep-at-most", "keepAtMost", "x <= k"),
    ]
    for sid, name, cond in filters2:
        code = (f"{name} :: Int -> [Int] -> [Int]\n{name} _ [] = []\n{name} k (x : xs)\n"
                f"  | {cond} = x : {name} k xs\n  | otherwise = {name} k xs\n")
        out.append((f"li-{sid}", ("list", "int", "two-args", "recursion", "filter-like", "guards"), code,
                    rows(("2", "[]"), ("2", "[1,2,3,4,(-6)]"), ("0", "[0,5,(-5),0]"), ("5", "[5,10,15]"))))
    # Counting with a predicate.
    counts = [
        ("count-negatives", "countNeg", "x < 0"),
        ("count-zeros", "countZeros", "x == 0"),
        ("count-odd", "countOdd", "x `mod` 2 == 1"),
        ("count-squares-small", "countBig", "x * x > 10"),
    ]
    for sid, name, cond in counts:
        code = (f"{name} :: [Int] -> Int\n{name} [] = 0\n{name} (x : xs)\n"
                f"  | {cond} = 1 + {name} xs\n  | otherwise = {name} xs\n")
        out.append((f"li-{sid}", ("list", "int", "recursion", "count", "guards"), code,
                    rows("[]", "[0,(-1),2,(-3),0]", "[4,5,6]", "[(-9),0,1,3,7]")))
    # Folds to a number, by own recursion.
    folds = [
        ("product-list", "productL", "1", "x * productL xs"),
        ("sum-of-squares", "sumSq", "0", "x * x + sumSq xs"),
        ("sum-of-abs", "sumAbs", "0", "(if x < 0 then 0 - x else x) + sumAbs xs"),
        ("sum-of-evens", "sumEvens", "0", "(if x `mod` 2 == 0 then x else 0) + sumEvens xs"),
        ("horner", "horner", "0", "x + 10 * horner xs"),
    ]
    for sid, name, base, step in folds:
        code = f"{name} :: [Int] -> Int\n{name} [] = {base}\n{name} (x : xs) = {step}\n"
        out.append((f"li-{sid}", ("list", "int", "recursion", "fold-like"), code, INT_LISTS))
    # The same kind of folds, tail-recursive with an accumulator.
    accs = [
        ("sum-acc", "sumInto", "listSum", "0", "acc + x"),
        ("count-acc", "countInto", "listLength", "0", "acc + 1"),
        ("max-acc", "maxInto", "listMaxOr0", "0", "if x > acc then x else acc"),
        ("weighted-acc", "weighInto", "digitsValue", "0", "acc * 10 + x"),
    ]
    for sid, helper, name, init, update in accs:
        code = (f"{helper} :: Int -> [Int] -> Int\n{helper} acc [] = acc\n"
                f"{helper} acc (x : xs) = {helper} ({update}) xs\n\n"
                f"{name} :: [Int] -> Int\n{name} xs = {helper} {init} xs\n")
        out.append((f"li-{sid}", ("list", "int", "accumulator", "helper"), code, INT_LISTS))
    # Library versions (map / filter / fold from the Prelude), deliberately not reflectable.
    libs = [
        ("lib-sum-squares", "sumSquaresLib", "[Int] -> Int", "sumSquaresLib xs = sum (map (^ 2) xs)"),
        ("lib-count-above-mean", "aboveMean", "[Int] -> Int",
         "aboveMean xs = length (filter (\\x -> x * length xs > sum xs) xs)"),
        ("lib-foldl-digits", "fromDigits", "[Int] -> Int", "fromDigits xs = foldl (\\acc d -> acc * 10 + d) 0 xs"),
        ("lib-zip-diffs", "diffs", "[Int] -> [Int]", "diffs xs = zipWith (-) (drop 1 xs) xs"),
        ("lib-running-max", "runningMax", "[Int] -> [Int]", "runningMax xs = scanl1 max xs"),
        ("lib-sort-desc", "sortDesc", "[Int] -> [Int]",
         "sortDesc xs = reverse (sort xs)"),
        ("lib-nub-count", "distinctCount", "[Int] -> Int", "distinctCount xs = length (nub xs)"),
        ("lib-evens-squared-compr", "evenSquares", "[Int] -> [Int]",
         "evenSquares xs = [x * x | x <- xs, even x]"),
        ("lib-concat-map", "stutter", "[Int] -> [Int]", "stutter xs = concatMap (\\x -> [x, x]) xs"),
        ("lib-maximum-default", "maxOr", "Int -> [Int] -> Int", "maxOr d xs = if null xs then d else maximum xs"),
        ("lib-take-drop-rotate", "rotateBy", "Int -> [Int] -> [Int]",
         "rotateBy n xs = if null xs then [] else drop k xs ++ take k xs\n  where k = n `mod` length xs"),
        ("lib-group-lengths", "runLengths", "[Int] -> [Int]", "runLengths xs = map length (group xs)"),
    ]
    for sid, name, ty, body in libs:
        imp = "import Data.List (sort, nub, group)\n\n" if any(w in body for w in ("sort", "nub", "group")) else ""
        code = f"{imp}{name} :: {ty}\n{body}\n"
        arity = ty.count("->")
        if sid in ("lib-group-lengths", "lib-nub-count"):
            sample = rows("[]", "[1,1,2,3,3,3]", "[4,(-4),4,4]", "[7]")
        elif arity == 1:
            sample = INT_LISTS
        else:
            sample = rows(("2", "[]"), ("2", "[1,2,3,4,5]"), ("(-1)", "[4,(-4),9]"), ("7", "[3,3,1]"))
        out.append((f"li-{sid}", ("list", "library", "higher-order"), code, sample))
    return out


LISTS: list[Spec] = [
    ("li-last-maybe", ("list", "maybe", "poly", "recursion"), """\
lastMaybe :: [a] -> Maybe a
lastMaybe [] = Nothing
lastMaybe [x] = Just x
lastMaybe (_ : xs) = lastMaybe xs
""", rows("[]", "[1]", "[4,5,6]")),
    ("li-init-list", ("list", "poly", "nested-pattern"), """\
initL :: [a] -> [a]
initL [] = []
initL [_] = []
initL (x : xs) = x : initL xs
""", rows("[]", "[1]", "[1,2,3,4]")),
    ("li-take-n", ("list", "poly", "two-args", "recursion"), """\
takeN :: Int -> [a] -> [a]
takeN n _ | n <= 0 = []
takeN _ [] = []
takeN n (x : xs) = x : takeN (n - 1) xs
""", rows(("2", "[1,2,3]"), ("0", "[1,2]"), ("5", "[9,8]"), ("(-1)", "[1]"))),
    ("li-drop-n", ("list", "poly", "two-args", "recursion"), """\
dropN :: Int -> [a] -> [a]
dropN n xs | n <= 0 = xs
dropN _ [] = []
dropN n (_ : xs) = dropN (n - 1) xs
""", rows(("2", "[1,2,3]"), ("0", "[1,2]"), ("5", "[9,8]"), ("1", "[]"))),
    ("li-split-at", ("list", "tuple", "two-args", "case"), """\
splitAtN :: Int -> [Int] -> ([Int], [Int])
splitAtN n xs | n <= 0 = ([], xs)
splitAtN _ [] = ([], [])
splitAtN n (x : xs) = case splitAtN (n - 1) xs of
  (front, back) -> (x : front, back)
""", rows(("2", "[1,2,3,4]"), ("0", "[5]"), ("9", "[1,2]"), ("1", "[]"))),
    ("li-append-own", ("list", "two-args", "recursion", "append"), """\
appendL :: [Int] -> [Int] -> [Int]
appendL [] ys = ys
appendL (x : xs) ys = x : appendL xs ys
""", rows(("[]", "[1]"), ("[1,2]", "[3,4]"), ("[5]", "[]"))),
    ("li-concat-own", ("list", "helper", "append"), """\
glue :: [Int] -> [Int] -> [Int]
glue [] ys = ys
glue (x : xs) ys = x : glue xs ys

flatten :: [[Int]] -> [Int]
flatten [] = []
flatten (xs : xss) = glue xs (flatten xss)
""", rows("[]", "[[1,2],[],[3]]", "[[],[]]", "[[5],[6,7,8]]")),
    ("li-zip-own", ("list", "tuple", "two-args", "recursion"), """\
zipPairs :: [Int] -> [Int] -> [(Int, Int)]
zipPairs (x : xs) (y : ys) = (x, y) : zipPairs xs ys
zipPairs _ _ = []
""", rows(("[1,2,3]", "[4,5]"), ("[]", "[1]"), ("[7]", "[8]"))),
    ("li-unzip-own", ("list", "tuple", "case"), """\
unzipPairs :: [(Int, Int)] -> ([Int], [Int])
unzipPairs [] = ([], [])
unzipPairs ((a, b) : rest) = case unzipPairs rest of
  (as, bs) -> (a : as, b : bs)
""", rows("[]", "[(1,2),(3,4)]", "[(0,(-1))]")),
    ("li-replicate-own", ("list", "two-args", "recursion"), """\
copies :: Int -> Int -> [Int]
copies n x
  | n <= 0 = []
  | otherwise = x : copies (n - 1) x
""", rows(("3", "7"), ("0", "1"), ("(-2)", "5"), ("1", "(-4)"))),
    ("li-enum-range", ("list", "two-args", "recursion"), """\
fromTo :: Int -> Int -> [Int]
fromTo a b
  | a > b = []
  | otherwise = a : fromTo (a + 1) b
""", rows(("1", "5"), ("3", "3"), ("5", "1"), ("(-2)", "1"))),
    ("li-countdown", ("list", "recursion"), """\
countdown :: Int -> [Int]
countdown n = if n <= 0 then [0] else n : countdown (n - 1)
""", rows("0", "3", "(-5)", "6")),
    ("li-stepped-range", ("list", "three-args", "recursion"), """\
stepRange :: Int -> Int -> Int -> [Int]
stepRange from step to
  | step <= 0 || from > to = []
  | otherwise = from : stepRange (from + step) step to
""", rows(("0", "3", "10"), ("1", "0", "5"), ("5", "1", "4"), ("(-4)", "2", "2"))),
    ("li-index-of", ("list", "maybe", "two-args", "helper"), """\
indexFrom :: Int -> Int -> [Int] -> Maybe Int
indexFrom _ _ [] = Nothing
indexFrom i x (y : ys) = if x == y then Just i else indexFrom (i + 1) x ys

indexOf :: Int -> [Int] -> Maybe Int
indexOf x ys = indexFrom 0 x ys
""", rows(("3", "[1,2,3]"), ("9", "[1,2]"), ("1", "[1,1]"), ("0", "[]"))),
    ("li-positions", ("list", "two-args", "helper"), """\
positionsFrom :: Int -> Int -> [Int] -> [Int]
positionsFrom _ _ [] = []
positionsFrom i x (y : ys)
  | x == y = i : positionsFrom (i + 1) x ys
  | otherwise = positionsFrom (i + 1) x ys

positions :: Int -> [Int] -> [Int]
positions x ys = positionsFrom 0 x ys
""", rows(("1", "[1,2,1,1]"), ("5", "[]"), ("0", "[3,0,3]"))),
    ("li-delete-first", ("list", "two-args", "guards"), """\
deleteFirst :: Int -> [Int] -> [Int]
deleteFirst _ [] = []
deleteFirst x (y : ys)
  | x == y = ys
  | otherwise = y : deleteFirst x ys
""", rows(("2", "[1,2,3,2]"), ("9", "[1,2]"), ("1", "[]"), ("4", "[4]"))),
    ("li-replace-all", ("list", "three-args", "guards"), """\
replaceAll :: Int -> Int -> [Int] -> [Int]
replaceAll _ _ [] = []
replaceAll old new (x : xs)
  | x == old = new : replaceAll old new xs
  | otherwise = x : replaceAll old new xs
""", rows(("1", "0", "[1,2,1,3]"), ("5", "6", "[]"), ("(-1)", "1", "[(-1),(-1)]"))),
    ("li-insert-at", ("list", "three-args", "recursion"), """\
insertAt :: Int -> Int -> [Int] -> [Int]
insertAt i v xs | i <= 0 = v : xs
insertAt _ v [] = [v]
insertAt i v (x : xs) = x : insertAt (i - 1) v xs
""", rows(("0", "9", "[1,2]"), ("1", "9", "[1,2]"), ("5", "9", "[1,2]"), ("2", "0", "[]"))),
    ("li-rotate-left", ("list", "helper", "append"), """\
snoc :: [Int] -> Int -> [Int]
snoc [] y = [y]
snoc (x : xs) y = x : snoc xs y

rotateLeft :: [Int] -> [Int]
rotateLeft [] = []
rotateLeft (x : xs) = snoc xs x
""", rows("[]", "[1]", "[1,2,3,4]")),
    ("li-adjacent-sums", ("list", "nested-pattern"), """\
adjacentSums :: [Int] -> [Int]
adjacentSums (a : b : rest) = (a + b) : adjacentSums (b : rest)
adjacentSums _ = []
""", rows("[]", "[1]", "[1,2,3,4]", "[5,(-5),5]")),
    ("li-pairwise-differences", ("list", "nested-pattern"), """\
steps :: [Int] -> [Int]
steps (a : b : rest) = (b - a) : steps (b : rest)
steps _ = []
""", rows("[]", "[3]", "[1,4,9,16]", "[10,7,7]")),
    ("li-running-max", ("list", "accumulator", "helper"), """\
maxSoFar :: Int -> [Int] -> [Int]
maxSoFar _ [] = []
maxSoFar m (x : xs) = if x > m then x : maxSoFar x xs else m : maxSoFar m xs

runningMaxR :: [Int] -> [Int]
runningMaxR [] = []
runningMaxR (x : xs) = x : maxSoFar x xs
""", rows("[]", "[3,1,4,1,5,9,2]", "[(-5),(-7),(-1)]")),
    ("li-pairs-chunks", ("list", "tuple", "nested-pattern"), """\
pairUp :: [Int] -> [(Int, Int)]
pairUp (a : b : rest) = (a, b) : pairUp rest
pairUp _ = []
""", rows("[]", "[1,2,3,4]", "[1,2,3]")),
    ("li-flatten-pairs", ("list", "tuple", "recursion"), """\
unpair :: [(Int, Int)] -> [Int]
unpair [] = []
unpair ((a, b) : rest) = a : b : unpair rest
""", rows("[]", "[(1,2)]", "[(1,2),(3,4),(0,0)]")),
    ("li-intersperse-own", ("list", "two-args", "nested-pattern"), """\
sepBy :: Int -> [Int] -> [Int]
sepBy _ [] = []
sepBy _ [x] = [x]
sepBy s (x : xs) = x : s : sepBy s xs
""", rows(("0", "[1,2,3]"), ("9", "[]"), ("9", "[5]"))),
    ("li-zip-with-add", ("list", "two-args", "recursion"), """\
addLists :: [Int] -> [Int] -> [Int]
addLists (x : xs) (y : ys) = (x + y) : addLists xs ys
addLists xs [] = xs
addLists [] ys = ys
""", rows(("[1,2,3]", "[10,20]"), ("[]", "[4]"), ("[1]", "[(-1)]"))),
    ("li-lookup-assoc", ("list", "tuple", "maybe", "two-args"), """\
lookupKey :: Int -> [(Int, Int)] -> Maybe Int
lookupKey _ [] = Nothing
lookupKey k ((k', v) : rest)
  | k == k' = Just v
  | otherwise = lookupKey k rest
""", rows(("2", "[(1,10),(2,20)]"), ("3", "[(1,10)]"), ("1", "[]"), ("1", "[(1,5),(1,6)]"))),
    ("li-is-prefix", ("list", "bool", "two-args"), """\
isPrefix :: [Int] -> [Int] -> Bool
isPrefix [] _ = True
isPrefix _ [] = False
isPrefix (x : xs) (y : ys) = x == y && isPrefix xs ys
""", rows(("[1,2]", "[1,2,3]"), ("[]", "[]"), ("[1,3]", "[1,2,3]"), ("[1,2,3]", "[1,2]"))),
    ("li-is-subsequence", ("list", "bool", "two-args", "guards"), """\
isSubseq :: [Int] -> [Int] -> Bool
isSubseq [] _ = True
isSubseq _ [] = False
isSubseq (x : xs) (y : ys)
  | x == y = isSubseq xs ys
  | otherwise = isSubseq (x : xs) ys
""", rows(("[1,3]", "[1,2,3]"), ("[3,1]", "[1,2,3]"), ("[]", "[5]"), ("[2]", "[]"))),
    ("li-all-equal", ("list", "bool", "nested-pattern"), """\
allEqual :: [Int] -> Bool
allEqual (a : b : rest) = a == b && allEqual (b : rest)
allEqual _ = True
""", rows("[]", "[4,4,4]", "[4,4,5]", "[1]")),
    ("li-strictly-increasing", ("list", "bool", "nested-pattern"), """\
increasing :: [Int] -> Bool
increasing (a : b : rest) = a < b && increasing (b : rest)
increasing _ = True
""", rows("[]", "[1,2,5]", "[1,1,2]", "[3,2]")),
    ("li-partition-sign", ("list", "tuple", "case", "guards"), """\
splitSign :: [Int] -> ([Int], [Int])
splitSign [] = ([], [])
splitSign (x : xs) = case splitSign xs of
  (neg, nonneg)
    | x < 0 -> (x : neg, nonneg)
    | otherwise -> (neg, x : nonneg)
""", rows("[]", "[3,(-1),0,(-7),2]", "[(-1)]")),
    ("li-quicksort-own", ("list", "sorting", "helper", "append"), """\
smaller :: Int -> [Int] -> [Int]
smaller _ [] = []
smaller p (x : xs) = if x < p then x : smaller p xs else smaller p xs

notSmaller :: Int -> [Int] -> [Int]
notSmaller _ [] = []
notSmaller p (x : xs) = if x >= p then x : notSmaller p xs else notSmaller p xs

cat :: [Int] -> [Int] -> [Int]
cat [] ys = ys
cat (x : xs) ys = x : cat xs ys

qsort :: [Int] -> [Int]
qsort [] = []
qsort (p : xs) = cat (qsort (smaller p xs)) (p : qsort (notSmaller p xs))
""", rows("[]", "[3,1,2]", "[5,(-2),5,0,1,9,(-8)]", "[1,1,1]")),
    ("li-selection-sort", ("list", "sorting", "helper"), """\
minOf :: Int -> [Int] -> Int
minOf m [] = m
minOf m (x : xs) = if x < m then minOf x xs else minOf m xs

removeOne :: Int -> [Int] -> [Int]
removeOne _ [] = []
removeOne v (x : xs) = if x == v then xs else x : removeOne v xs

selSort :: [Int] -> [Int]
selSort [] = []
selSort (x : xs) = minOf x xs : selSort (removeOne (minOf x xs) (x : xs))
""", rows("[]", "[4,2,9,1]", "[3,3,(-1)]")),
    ("li-bubble-pass", ("list", "sorting", "nested-pattern"), """\
bubblePass :: [Int] -> [Int]
bubblePass (a : b : rest)
  | a > b = b : bubblePass (a : rest)
  | otherwise = a : bubblePass (b : rest)
bubblePass xs = xs
""", rows("[]", "[3,1,2]", "[5,4,3,2,1]", "[1,2,3]")),
    ("li-merge-sort", ("list", "sorting", "helper", "tuple"), """\
halves :: [Int] -> ([Int], [Int])
halves [] = ([], [])
halves [x] = ([x], [])
halves (x : y : rest) = case halves rest of
  (as, bs) -> (x : as, y : bs)

mergeL :: [Int] -> [Int] -> [Int]
mergeL [] ys = ys
mergeL xs [] = xs
mergeL (x : xs) (y : ys) = if x <= y then x : mergeL xs (y : ys) else y : mergeL (x : xs) ys

msort :: [Int] -> [Int]
msort [] = []
msort [x] = [x]
msort xs = case halves xs of
  (as, bs) -> mergeL (msort as) (msort bs)
""", rows("[]", "[8,3,5,1,9,2]", "[2,2,(-2)]")),
    ("li-longest-run", ("list", "accumulator", "helper"), """\
bestRun :: Int -> Int -> Int -> [Int] -> Int
bestRun best cur _ [] = if cur > best then cur else best
bestRun best cur prev (x : xs)
  | x == prev = bestRun best (cur + 1) prev xs
  | cur > best = bestRun cur 1 x xs
  | otherwise = bestRun best 1 x xs

longestRun :: [Int] -> Int
longestRun [] = 0
longestRun (x : xs) = bestRun 0 1 x xs
""", rows("[]", "[1,1,2,2,2,1]", "[5]", "[3,4,5]")),
    ("li-second-largest", ("list", "maybe", "accumulator", "helper"), """\
topTwo :: Int -> Int -> [Int] -> Int
topTwo _ second [] = second
topTwo first second (x : xs)
  | x > first = topTwo x first xs
  | x > second && x < first = topTwo first x xs
  | otherwise = topTwo first second xs

secondLargest :: [Int] -> Maybe Int
secondLargest (a : b : rest)
  | a > b = Just (topTwo a b rest)
  | b > a = Just (topTwo b a rest)
  | otherwise = secondLargest (a : rest)
secondLargest _ = Nothing
""", rows("[]", "[1,5,3,4]", "[2,2]", "[7,7,3]")),
    ("li-evens-at-even-index", ("list", "nested-pattern"), """\
everyOther :: [Int] -> [Int]
everyOther (x : _ : rest) = x : everyOther rest
everyOther [x] = [x]
everyOther [] = []
""", rows("[]", "[1,2,3,4,5]", "[9,8]")),
    ("li-sum-odd-positions", ("list", "int", "mutual-recursion"), """\
sumEvenPos :: [Int] -> Int
sumEvenPos [] = 0
sumEvenPos (x : xs) = x + sumOddPos xs

sumOddPos :: [Int] -> Int
sumOddPos [] = 0
sumOddPos (_ : xs) = sumEvenPos xs

posBalance :: [Int] -> Int
posBalance xs = sumEvenPos xs - sumOddPos xs
""", rows("[]", "[1,2,3,4]", "[10]", "[5,(-5),5,(-5)]")),
    ("li-reverse-own-append", ("list", "helper", "append", "poly"), """\
app :: [a] -> [a] -> [a]
app [] ys = ys
app (x : xs) ys = x : app xs ys

slowRev :: [a] -> [a]
slowRev [] = []
slowRev (x : xs) = app (slowRev xs) [x]
""", rows("[]", "[1,2,3]", "[4,4,0]")),
    ("li-palindrome-list", ("list", "bool", "helper", "accumulator"), """\
revInto :: [Int] -> [Int] -> [Int]
revInto acc [] = acc
revInto acc (x : xs) = revInto (x : acc) xs

sameList :: [Int] -> [Int] -> Bool
sameList [] [] = True
sameList (x : xs) (y : ys) = x == y && sameList xs ys
sameList _ _ = False

isListPalindrome :: [Int] -> Bool
isListPalindrome xs = sameList xs (revInto [] xs)
""", rows("[]", "[1,2,1]", "[1,2,2,3]", "[7]")),
    ("li-cumulative-product", ("list", "accumulator", "helper"), """\
prodsFrom :: Int -> [Int] -> [Int]
prodsFrom _ [] = []
prodsFrom acc (x : xs) = (acc * x) : prodsFrom (acc * x) xs

cumProduct :: [Int] -> [Int]
cumProduct xs = prodsFrom 1 xs
""", rows("[]", "[1,2,3,4]", "[2,0,5]", "[(-1),(-1),(-1)]")),
    ("li-histogram-bins", ("list", "tuple", "three-args", "helper"), """\
countIn :: Int -> Int -> [Int] -> Int
countIn _ _ [] = 0
countIn lo hi (x : xs) = (if lo <= x && x < hi then 1 else 0) + countIn lo hi xs

lowMidHigh :: Int -> Int -> [Int] -> (Int, Int, Int)
lowMidHigh a b xs = (countIn (0 - 1000000) a xs, countIn a b xs, countIn b 1000000 xs)
""", rows(("0", "10", "[(-1),5,15,10,0]"), ("5", "5", "[1,5,9]"), ("0", "1", "[]"))),
    ("li-dedup-all", ("list", "helper", "accumulator"), """\
seen :: Int -> [Int] -> Bool
seen _ [] = False
seen x (y : ys) = x == y || seen x ys

uniqueAcc :: [Int] -> [Int] -> [Int]
uniqueAcc _ [] = []
uniqueAcc acc (x : xs)
  | seen x acc = uniqueAcc acc xs
  | otherwise = x : uniqueAcc (x : acc) xs

unique :: [Int] -> [Int]
unique xs = uniqueAcc [] xs
""", rows("[]", "[1,2,1,3,2,4]", "[5,5,5]")),
    ("li-where-mean-lib", ("list", "library", "where", "maybe"), """\
deviations :: [Int] -> Maybe [Int]
deviations [] = Nothing
deviations xs = Just (map (subtract mean) xs)
  where
    mean = sum xs `div` length xs
""", rows("[]", "[1,2,3]", "[10,0,(-4)]")),
    ("li-let-minmax-span", ("list", "library", "let"), """\
spread :: [Int] -> Int
spread [] = 0
spread xs = let hi = maximum xs
                lo = minimum xs
            in hi - lo
""", rows("[]", "[3,9,1]", "[(-5),5]", "[4]")),
    ("li-where-go-count", ("list", "library", "where", "local-helper"), """\
countRuns :: [Int] -> Int
countRuns xs = go Nothing xs
  where
    go _ [] = 0
    go prev (y : ys)
      | prev == Just y = go prev ys
      | otherwise = 1 + go (Just y) ys
""", rows("[]", "[1,1,2,2,1]", "[3,3,3]", "[1,2,3]")),
    ("li-zip3-lib", ("list", "library", "three-args", "higher-order"), """\
weightedSum :: [Int] -> [Int] -> [Int] -> Int
weightedSum as bs cs = sum (zipWith3 (\\a b c -> a * b + c) as bs cs)
""", rows(("[1,2]", "[3,4]", "[5,6]"), ("[]", "[1]", "[1]"), ("[1,1,1]", "[2,2,2]", "[0,0]"))),
    ("li-span-positive-lib", ("list", "library", "tuple"), """\
leadingPositives :: [Int] -> ([Int], Int)
leadingPositives xs = case span (> 0) xs of
  (front, rest) -> (front, length rest)
""", rows("[]", "[1,2,(-3),4]", "[(-1),2]", "[5,6]")),
]


def list_programs() -> list[Spec]:
    return list_families() + LISTS


# ================================================================================================
# Strings and characters

STR_ROWS = rows('""', '"hello world"', '"Haskell 9.0"', '"  a  B  c "')


def string_families() -> list[Spec]:
    out: list[Spec] = []
    # Character classes counted by own recursion with comparisons on Char literals.
    classes = [
        ("count-upper", "countUpper", "c >= 'A' && c <= 'Z'"),
        ("count-lower", "countLower", "c >= 'a' && c <= 'z'"),
        ("count-digits", "countDigitChars", "c >= '0' && c <= '9'"),
        ("count-spaces", "countSpaces", "c == ' '"),
        ("count-vowels-own", "vowelCount",
         "c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'"),
    ]
    for sid, name, cond in classes:
        code = (f"{name} :: String -> Int\n{name} [] = 0\n{name} (c : cs)\n"
                f"  | {cond} = 1 + {name} cs\n  | otherwise = {name} cs\n")
        out.append((f"st-{sid}", ("string", "char", "recursion", "count"), code, STR_ROWS))
    # Character rewrites by own recursion.
    rewrites = [
        ("spaces-to-underscores", "underscored", "if c == ' ' then '_' else c"),
        ("mask-digits", "maskDigits", "if c >= '0' && c <= '9' then '#' else c"),
        ("swap-ab", "swapAB", "if c == 'a' then 'b' else (if c == 'b' then 'a' else c)"),
        ("dots-for-vowels", "hideVowels",
         "if c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' then '.' else c"),
    ]
    for sid, name, expr in rewrites:
        code = f"{name} :: String -> String\n{name} [] = []\n{name} (c : cs) = ({expr}) : {name} cs\n"
        out.append((f"st-{sid}", ("string", "char", "recursion", "map-like"), code,
                    rows('""', '"a bad cab"', '"route 66"', '"xyz"')))
    # Removals by own recursion.
    removes = [
        ("strip-spaces", "noSpaces", "c == ' '"),
        ("strip-vowels", "consonantsOnly", "c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'"),
        ("strip-punctuation", "lettersAndSpaces",
         "not ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ' ')"),
    ]
    for sid, name, cond in removes:
        code = (f"{name} :: String -> String\n{name} [] = []\n{name} (c : cs)\n"
                f"  | {cond} = {name} cs\n  | otherwise = c : {name} cs\n")
        out.append((f"st-{sid}", ("string", "char", "recursion", "filter-like"), code,
                    rows('""', '"Hello, World!"', '"a e i o u"', '"it\'s 5 o\'clock"')))
    # Library-style string functions.
    libs = [
        ("word-count-lib", "wordCount", "String -> Int", "wordCount s = length (words s)", ""),
        ("reverse-words-lib", "reverseWords", "String -> String", "reverseWords s = unwords (reverse (words s))", ""),
        ("upper-lib", "shout", "String -> String", "shout s = map toUpper s ++ \"!\"", "import Data.Char (toUpper)\n\n"),
        ("initials-lib", "initials", "String -> String", "initials s = map head (words s)", ""),
        ("longest-word-lib", "longestWord", "String -> Int",
         "longestWord s = foldr (\\w m -> max (length w) m) 0 (words s)", ""),
        ("title-case-lib", "titleCase", "String -> String",
         "titleCase s = unwords (map cap (words s))\n  where\n    cap [] = []\n    cap (c : cs) = toUpper c : map toLower cs",
         "import Data.Char (toUpper, toLower)\n\n"),
        ("digits-only-lib", "digitsOnly", "String -> String", "digitsOnly s = filter isDigit s",
         "import Data.Char (isDigit)\n\n"),
        ("count-char-lib", "countChar", "Char -> String -> Int", "countChar c s = length (filter (== c) s)", ""),
        ("show-padded-lib", "padNumber", "Int -> Int -> String",
         "padNumber width n = replicate (width - length s) '0' ++ s\n  where\n    s = show n", ""),
        ("lines-count-lib", "nonEmptyLines", "String -> Int",
         "nonEmptyLines s = length (filter (not . null) (lines s))", ""),
    ]
    for sid, name, ty, body, imp in libs:
        code = f"{imp}{name} :: {ty}\n{body}\n"
        if ty.startswith("Char"):
            sample = rows(("'l'", '"hello world"'), ("'z'", '"abc"'), ("' '", '" a b "'))
        elif ty.startswith("Int"):
            sample = rows(("5", "42"), ("2", "123"), ("0", "7"), ("4", "0"))
        elif sid == "lines-count-lib":
            sample = rows('""', '"one\\n\\ntwo\\nthree"', '"\\n\\n"')
        else:
            sample = STR_ROWS
        out.append((f"st-{sid}", ("string", "library"), code, sample))
    return out


STRINGS: list[Spec] = [
    ("st-reverse-string", ("string", "accumulator", "helper"), """\
revStr :: String -> String -> String
revStr acc [] = acc
revStr acc (c : cs) = revStr (c : acc) cs

reverseString :: String -> String
reverseString s = revStr [] s
""", rows('""', '"stressed"', '"ab c"')),
    ("st-is-palindrome-own", ("string", "bool", "helper", "accumulator"), """\
flipStr :: String -> String -> String
flipStr acc [] = acc
flipStr acc (c : cs) = flipStr (c : acc) cs

sameStr :: String -> String -> Bool
sameStr [] [] = True
sameStr (a : as) (b : bs) = a == b && sameStr as bs
sameStr _ _ = False

palindrome :: String -> Bool
palindrome s = sameStr s (flipStr [] s)
""", rows('""', '"level"', '"levels"', '"abba"')),
    ("st-trim-leading", ("string", "nested-pattern"), """\
trimLeft :: String -> String
trimLeft (' ' : cs) = trimLeft cs
trimLeft cs = cs
""", rows('""', '"   hi there "', '"x"', '"    "')),
    ("st-count-words-own", ("string", "helper", "accumulator"), """\
wordsFrom :: Bool -> String -> Int
wordsFrom _ [] = 0
wordsFrom inWord (c : cs)
  | c == ' ' = wordsFrom False cs
  | inWord = wordsFrom True cs
  | otherwise = 1 + wordsFrom True cs

countWords :: String -> Int
countWords s = wordsFrom False s
""", rows('""', '"one two  three"', '"   "', '" lead and trail "')),
    ("st-char-freq", ("string", "char", "two-args", "recursion"), """\
freq :: Char -> String -> Int
freq _ [] = 0
freq c (d : ds) = (if c == d then 1 else 0) + freq c ds
""", rows(("'s'", '"mississippi"'), ("'x'", '""'), ("'a'", '"banana"'))),
    ("st-first-repeated", ("string", "maybe", "helper"), """\
occursIn :: Char -> String -> Bool
occursIn _ [] = False
occursIn c (d : ds) = c == d || occursIn c ds

firstRepeat :: String -> Maybe Char
firstRepeat [] = Nothing
firstRepeat (c : cs) = if occursIn c cs then Just c else firstRepeat cs
""", rows('""', '"abcb"', '"abc"', '"zz"')),
    ("st-compare-length", ("string", "two-args", "ordering", "recursion"), """\
compareLen :: String -> String -> Ordering
compareLen [] [] = EQ
compareLen [] _ = LT
compareLen _ [] = GT
compareLen (_ : as) (_ : bs) = compareLen as bs
""", rows(('"ab"', '"abc"'), ('"xyz"', '"abc"'), ('"long"', '""'))),
    ("st-starts-with", ("string", "bool", "two-args"), """\
startsWith :: String -> String -> Bool
startsWith [] _ = True
startsWith _ [] = False
startsWith (p : ps) (c : cs) = p == c && startsWith ps cs
""", rows(('"has"', '"haskell"'), ('"hat"', '"haskell"'), ('""', '"x"'), ('"abc"', '"ab"'))),
    ("st-contains-substring", ("string", "bool", "two-args", "helper"), """\
prefixOf :: String -> String -> Bool
prefixOf [] _ = True
prefixOf _ [] = False
prefixOf (p : ps) (c : cs) = p == c && prefixOf ps cs

contains :: String -> String -> Bool
contains pat [] = prefixOf pat []
contains pat (c : cs) = prefixOf pat (c : cs) || contains pat cs
""", rows(('"ell"', '"hello"'), ('"lol"', '"hello"'), ('""', '""'), ('"o"', '"foo"'))),
    ("st-hamming", ("string", "int", "two-args", "recursion"), """\
hamming :: String -> String -> Int
hamming (a : as) (b : bs) = (if a == b then 0 else 1) + hamming as bs
hamming _ _ = 0
""", rows(('"karolin"', '"kathrin"'), ('"abc"', '"abc"'), ('""', '"x"'), ('"1011101"', '"1001001"'))),
    ("st-parse-number", ("string", "int", "accumulator", "helper"), """\
digitOf :: Char -> Int
digitOf c
  | c == '1' = 1
  | c == '2' = 2
  | c == '3' = 3
  | c == '4' = 4
  | c == '5' = 5
  | c == '6' = 6
  | c == '7' = 7
  | c == '8' = 8
  | c == '9' = 9
  | otherwise = 0

readDigits :: Int -> String -> Int
readDigits acc [] = acc
readDigits acc (c : cs) = readDigits (acc * 10 + digitOf c) cs

parseNat :: String -> Int
parseNat s = readDigits 0 s
""", rows('""', '"0"', '"1234"', '"907"')),
    ("st-balanced-parens", ("string", "bool", "accumulator", "helper"), """\
balance :: Int -> String -> Bool
balance depth [] = depth == 0
balance depth (c : cs)
  | c == '(' = balance (depth + 1) cs
  | c == ')' = depth > 0 && balance (depth - 1) cs
  | otherwise = balance depth cs

balanced :: String -> Bool
balanced s = balance 0 s
""", rows('""', '"(a(b)c)"', '"())("', '"((("')),
    ("st-max-nesting", ("string", "int", "accumulator", "helper"), """\
nestAcc :: Int -> Int -> String -> Int
nestAcc _ best [] = best
nestAcc d best (c : cs)
  | c == '(' = nestAcc (d + 1) (if d + 1 > best then d + 1 else best) cs
  | c == ')' = nestAcc (d - 1) best cs
  | otherwise = nestAcc d best cs

maxNesting :: String -> Int
maxNesting s = nestAcc 0 0 s
""", rows('""', '"(()(()))"', '"()()"', '"x"')),
    ("st-run-length-encode-counts", ("string", "tuple", "helper"), """\
runOf :: Char -> Int -> String -> [(Char, Int)]
runOf c n [] = [(c, n)]
runOf c n (d : ds) = if c == d then runOf c (n + 1) ds else (c, n) : runOf d 1 ds

runs :: String -> [(Char, Int)]
runs [] = []
runs (c : cs) = runOf c 1 cs
""", rows('""', '"aabbbc"', '"zzzz"')),
    ("st-expand-runs", ("string", "tuple", "helper"), """\
repeatChar :: Int -> Char -> String
repeatChar n c = if n <= 0 then [] else c : repeatChar (n - 1) c

addTo :: String -> String -> String
addTo [] ys = ys
addTo (x : xs) ys = x : addTo xs ys

expand :: [(Char, Int)] -> String
expand [] = []
expand ((c, n) : rest) = addTo (repeatChar n c) (expand rest)
""", rows("[]", "[('a',3),('b',1)]", "[('x',0),('y',2)]")),
    ("st-caesar-lower-own", ("string", "char", "two-args", "library"), """\
rotChar :: Int -> Char -> Char
rotChar k c
  | c >= 'a' && c <= 'z' = toEnum ((fromEnum c - 97 + k) `mod` 26 + 97)
  | otherwise = c

rot :: Int -> String -> String
rot _ [] = []
rot k (c : cs) = rotChar k c : rot k cs
""", rows(("13", '"hello"'), ("1", '"zebra!"'), ("0", '""'), ("(-3)", '"abc"'))),
    ("st-vowel-or-consonant", ("string", "char", "either"), """\
classify :: Char -> Either Char Char
classify c
  | c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' = Left c
  | otherwise = Right c
""", rows("'a'", "'z'", "'u'", "' '")),
    ("st-join-with-comma", ("string", "list", "helper"), """\
putAll :: String -> String -> String
putAll [] ys = ys
putAll (x : xs) ys = x : putAll xs ys

joinComma :: [String] -> String
joinComma [] = []
joinComma [w] = w
joinComma (w : ws) = putAll w (',' : joinComma ws)
""", rows("[]", '["a"]', '["x","yy","zzz"]')),
    ("st-acronym-own", ("string", "helper"), """\
capital :: Char -> Char
capital c = if c >= 'a' && c <= 'z' then toEnum (fromEnum c - 32) else c

acronymFrom :: Bool -> String -> String
acronymFrom _ [] = []
acronymFrom start (c : cs)
  | c == ' ' = acronymFrom True cs
  | start = capital c : acronymFrom False cs
  | otherwise = acronymFrom False cs

acronym :: String -> String
acronym s = acronymFrom True s
""", rows('""', '"portable network graphics"', '"as soon as possible"', '" x"')),
]


def string_programs() -> list[Spec]:
    return string_families() + STRINGS


# ================================================================================================
# Maybe / Either

MAYBE: list[Spec] = [
    ("mb-safe-head", ("maybe", "list", "poly"), """\
safeHead :: [a] -> Maybe a
safeHead [] = Nothing
safeHead (x : _) = Just x
""", rows("[]", "[3,4]", "[(-1)]")),
    ("mb-safe-tail", ("maybe", "list", "poly"), """\
safeTail :: [a] -> Maybe [a]
safeTail [] = Nothing
safeTail (_ : xs) = Just xs
""", rows("[]", "[3,4]", "[1]")),
    ("mb-safe-minimum", ("maybe", "list", "helper"), """\
smallerOf :: Int -> Int -> Int
smallerOf a b = if a <= b then a else b

minMaybe :: [Int] -> Maybe Int
minMaybe [] = Nothing
minMaybe (x : xs) = case minMaybe xs of
  Nothing -> Just x
  Just m -> Just (smallerOf x m)
""", rows("[]", "[4,2,8]", "[(-3),(-9)]")),
    ("mb-find-first-even", ("maybe", "list", "guards"), """\
firstEven :: [Int] -> Maybe Int
firstEven [] = Nothing
firstEven (x : xs)
  | x `mod` 2 == 0 = Just x
  | otherwise = firstEven xs
""", rows("[]", "[1,3,4,6]", "[1,3]", "[(-2)]")),
    ("mb-find-above", ("maybe", "list", "two-args", "guards"), """\
firstAbove :: Int -> [Int] -> Maybe Int
firstAbove _ [] = Nothing
firstAbove k (x : xs)
  | x > k = Just x
  | otherwise = firstAbove k xs
""", rows(("5", "[1,7,9]"), ("10", "[1,2]"), ("(-1)", "[(-5),0]"))),
    ("mb-from-maybe-own", ("maybe", "two-args", "poly"), """\
orElse :: a -> Maybe a -> a
orElse d Nothing = d
orElse _ (Just x) = x
""", rows(("0", "Nothing"), ("0", "(Just 5)"), ("(-1)", "(Just (-7))"))),
    ("mb-map-maybe-inc", ("maybe", "case"), """\
bump :: Maybe Int -> Maybe Int
bump m = case m of
  Nothing -> Nothing
  Just x -> Just (x + 1)
""", rows("Nothing", "(Just 0)", "(Just (-5))")),
    ("mb-cat-maybes-own", ("maybe", "list", "recursion"), """\
justs :: [Maybe Int] -> [Int]
justs [] = []
justs (Nothing : rest) = justs rest
justs (Just x : rest) = x : justs rest
""", rows("[]", "[Just 1,Nothing,Just 3]", "[Nothing]")),
    ("mb-count-nothings", ("maybe", "list", "int", "recursion"), """\
missing :: [Maybe Int] -> Int
missing [] = 0
missing (Nothing : rest) = 1 + missing rest
missing (Just _ : rest) = missing rest
""", rows("[]", "[Just 1,Nothing,Nothing]", "[Just 2]")),
    ("mb-all-or-nothing", ("maybe", "list", "case"), """\
allJust :: [Maybe Int] -> Maybe [Int]
allJust [] = Just []
allJust (Nothing : _) = Nothing
allJust (Just x : rest) = case allJust rest of
  Nothing -> Nothing
  Just xs -> Just (x : xs)
""", rows("[]", "[Just 1,Just 2]", "[Just 1,Nothing]")),
    ("mb-sum-justs", ("maybe", "list", "accumulator", "helper"), """\
addJusts :: Int -> [Maybe Int] -> Int
addJusts acc [] = acc
addJusts acc (Nothing : rest) = addJusts acc rest
addJusts acc (Just x : rest) = addJusts (acc + x) rest

sumJusts :: [Maybe Int] -> Int
sumJusts ms = addJusts 0 ms
""", rows("[]", "[Just 4,Nothing,Just (-1)]", "[Nothing,Nothing]")),
    ("mb-chained-division", ("maybe", "three-args", "case", "div-mod"), """\
divide :: Int -> Int -> Maybe Int
divide _ 0 = Nothing
divide a b = Just (a `div` b)

divTwice :: Int -> Int -> Int -> Maybe Int
divTwice a b c = case divide a b of
  Nothing -> Nothing
  Just q -> divide q c
""", rows(("100", "5", "2"), ("100", "0", "2"), ("7", "7", "0"), ("(-9)", "2", "1"))),
    ("mb-safe-sqrt", ("maybe", "int", "helper", "search"), """\
rootFrom :: Int -> Int -> Maybe Int
rootFrom k n
  | k * k == n = Just k
  | k * k > n = Nothing
  | otherwise = rootFrom (k + 1) n

exactSqrt :: Int -> Maybe Int
exactSqrt n = if n < 0 then Nothing else rootFrom 0 n
""", rows("0", "49", "50", "(-1)")),
    ("mb-safe-pred", ("maybe", "int", "guards"), """\
predNat :: Int -> Maybe Int
predNat n
  | n <= 0 = Nothing
  | otherwise = Just (n - 1)
""", rows("0", "1", "10", "(-3)")),
    ("mb-digit-char", ("maybe", "char", "guards"), """\
hexValue :: Char -> Maybe Int
hexValue c
  | c >= '0' && c <= '9' = Just (fromEnum c - fromEnum '0')
  | c >= 'a' && c <= 'f' = Just (fromEnum c - fromEnum 'a' + 10)
  | otherwise = Nothing
""", rows("'7'", "'c'", "'g'", "'F'")),
    ("mb-zip-maybes", ("maybe", "tuple", "two-args"), """\
both :: Maybe Int -> Maybe Int -> Maybe (Int, Int)
both (Just a) (Just b) = Just (a, b)
both _ _ = Nothing
""", rows(("(Just 1)", "(Just 2)"), ("Nothing", "(Just 2)"), ("(Just 3)", "Nothing"))),
    ("mb-maybe-max", ("maybe", "two-args", "nested-pattern"), """\
maxMaybe :: Maybe Int -> Maybe Int -> Maybe Int
maxMaybe Nothing m = m
maxMaybe m Nothing = m
maxMaybe (Just a) (Just b) = Just (if a >= b then a else b)
""", rows(("Nothing", "Nothing"), ("(Just 4)", "Nothing"), ("(Just 4)", "(Just 9)"), ("Nothing", "(Just (-2))"))),
    ("mb-lookup-default-lib", ("maybe", "library", "two-args"), """\
import Data.Maybe (fromMaybe)

price :: String -> [(String, Int)] -> Int
price item table = fromMaybe 0 (lookup item table)
""", rows(('"tea"', '[("tea",3),("cake",5)]'), ('"pie"', '[("tea",3)]'), ('"x"', "[]"))),
    ("mb-map-maybe-lib", ("maybe", "library", "higher-order"), """\
import Data.Maybe (mapMaybe)

halvesOfEvens :: [Int] -> [Int]
halvesOfEvens xs = mapMaybe (\\x -> if even x then Just (x `div` 2) else Nothing) xs
""", rows("[]", "[1,2,3,4,10]", "[(-6),7]")),
    ("mb-maybe-fmap-lib", ("maybe", "library", "list"), """\
import Data.Maybe (listToMaybe)

doubledHead :: [Int] -> Maybe Int
doubledHead xs = fmap (* 2) (listToMaybe xs)
""", rows("[]", "[4,5]", "[(-3)]")),
    # -- Either --
    ("mb-either-validate-age", ("either", "int", "string", "guards"), """\
checkAge :: Int -> Either String Int
checkAge n
  | n < 0 = Left "negative"
  | n > 150 = Left "too large"
  | otherwise = Right n
""", rows("(-1)", "30", "200", "0")),
    ("mb-either-safe-div", ("either", "int", "two-args", "div-mod"), """\
divE :: Int -> Int -> Either Int Int
divE a b
  | b == 0 = Left a
  | otherwise = Right (a `div` b)
""", rows(("9", "3"), ("9", "0"), ("(-9)", "4"))),
    ("mb-lefts-own", ("either", "list", "recursion"), """\
leftsOnly :: [Either Int Bool] -> [Int]
leftsOnly [] = []
leftsOnly (Left a : rest) = a : leftsOnly rest
leftsOnly (Right _ : rest) = leftsOnly rest
""", rows("[]", "[Left 1,Right True,Left 2]", "[Right False]")),
    ("mb-rights-count", ("either", "list", "int", "recursion"), """\
countRights :: [Either Bool Int] -> Int
countRights [] = 0
countRights (Right _ : rest) = 1 + countRights rest
countRights (Left _ : rest) = countRights rest
""", rows("[]", "[Right 1,Left True,Right 2]", "[Left False]")),
    ("mb-either-to-int", ("either", "case"), """\
collapse :: Either Bool Int -> Int
collapse e = case e of
  Left True -> 1
  Left False -> 0
  Right n -> n * 10
""", rows("(Left True)", "(Left False)", "(Right 7)", "(Right (-2))")),
    ("mb-either-first-error", ("either", "list", "case"), """\
allPositiveE :: [Int] -> Either Int [Int]
allPositiveE [] = Right []
allPositiveE (x : xs)
  | x <= 0 = Left x
  | otherwise = case allPositiveE xs of
      Left bad -> Left bad
      Right ys -> Right (x : ys)
""", rows("[]", "[1,2,3]", "[1,(-2),0]", "[0]")),
    ("mb-partition-eithers-own", ("either", "list", "tuple", "case"), """\
sortOut :: [Either Int Int] -> ([Int], [Int])
sortOut [] = ([], [])
sortOut (e : rest) = case sortOut rest of
  (ls, rs) -> case e of
    Left a -> (a : ls, rs)
    Right b -> (ls, b : rs)
""", rows("[]", "[Left 1,Right 2,Left 3]", "[Right 0]")),
    ("mb-either-swap", ("either", "poly"), """\
swapEither :: Either a b -> Either b a
swapEither (Left a) = Right a
swapEither (Right b) = Left b
""", rows("(Left 3)", "(Right 4)", "(Left (-1))")),
    ("mb-maybe-to-either", ("either", "maybe", "two-args"), """\
note :: Int -> Maybe Int -> Either Int Int
note err Nothing = Left err
note _ (Just x) = Right x
""", rows(("0", "Nothing"), ("0", "(Just 5)"), ("(-1)", "(Just (-1))"))),
    ("mb-either-lib", ("either", "library", "list"), """\
import Data.Either (partitionEithers)

splitCount :: [Either Int Int] -> (Int, Int)
splitCount es = case partitionEithers es of
  (ls, rs) -> (sum ls, length rs)
""", rows("[]", "[Left 1,Right 2,Left 3]", "[Right 9,Right 9]")),
    ("mb-parse-bit-either", ("either", "char", "list", "helper"), """\
bit :: Char -> Either Char Int
bit '0' = Right 0
bit '1' = Right 1
bit c = Left c

parseBits :: Int -> String -> Either Char Int
parseBits acc [] = Right acc
parseBits acc (c : cs) = case bit c of
  Left bad -> Left bad
  Right b -> parseBits (2 * acc + b) cs

readBinary :: String -> Either Char Int
readBinary s = parseBits 0 s
""", rows('""', '"1011"', '"10x1"', '"0000"')),
]


# ================================================================================================
# Tuples

TUPLES: list[Spec] = [
    ("tu-swap", ("tuple", "poly"), """\
swapPair :: (a, b) -> (b, a)
swapPair (x, y) = (y, x)
""", rows("(1,2)", "((-3),0)", "(5,5)")),
    ("tu-add-vectors", ("tuple", "two-args", "vector"), """\
addV :: (Int, Int) -> (Int, Int) -> (Int, Int)
addV (a, b) (c, d) = (a + c, b + d)
""", rows(("(1,2)", "(3,4)"), ("(0,0)", "((-1),5)"), ("(7,(-7))", "((-7),7)"))),
    ("tu-dot-vectors", ("tuple", "two-args", "vector", "nonlinear"), """\
dotV :: (Int, Int) -> (Int, Int) -> Int
dotV (a, b) (c, d) = a * c + b * d
""", rows(("(1,2)", "(3,4)"), ("(1,0)", "(0,1)"), ("((-2),3)", "(4,(-5))"))),
    ("tu-cross-product", ("tuple", "two-args", "vector", "nonlinear"), """\
cross :: (Int, Int, Int) -> (Int, Int, Int) -> (Int, Int, Int)
cross (a1, a2, a3) (b1, b2, b3) = (a2 * b3 - a3 * b2, a3 * b1 - a1 * b3, a1 * b2 - a2 * b1)
""", rows(("(1,0,0)", "(0,1,0)"), ("(1,2,3)", "(4,5,6)"), ("(2,2,2)", "(1,1,1)"))),
    ("tu-manhattan", ("tuple", "two-args", "helper"), """\
absI :: Int -> Int
absI x = if x < 0 then 0 - x else x

manhattan :: (Int, Int) -> (Int, Int) -> Int
manhattan (x1, y1) (x2, y2) = absI (x1 - x2) + absI (y1 - y2)
""", rows(("(0,0)", "(3,4)"), ("((-1),(-1))", "(1,1)"), ("(5,5)", "(5,5)"))),
    ("tu-dist-squared", ("tuple", "two-args", "nonlinear"), """\
distSq :: (Int, Int) -> (Int, Int) -> Int
distSq (x1, y1) (x2, y2) = (x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2)
""", rows(("(0,0)", "(3,4)"), ("(1,1)", "(1,1)"), ("((-2),0)", "(2,3)"))),
    ("tu-sort-triple", ("tuple", "guards"), """\
sort3 :: (Int, Int, Int) -> (Int, Int, Int)
sort3 (a, b, c)
  | a <= b && b <= c = (a, b, c)
  | a <= c && c <= b = (a, c, b)
  | b <= a && a <= c = (b, a, c)
  | b <= c && c <= a = (b, c, a)
  | c <= a && a <= b = (c, a, b)
  | otherwise = (c, b, a)
""", rows("(1,2,3)", "(3,1,2)", "(2,3,1)", "(5,5,(-1))", "(9,4,0)")),
    ("tu-rotate-triple", ("tuple", "poly"), """\
rotate3 :: (a, b, c) -> (b, c, a)
rotate3 (x, y, z) = (y, z, x)
""", rows("(1,2,3)", "(0,0,(-1))", "(7,8,9)")),
    ("tu-sum-and-product", ("tuple", "list", "case"), """\
sumProd :: [Int] -> (Int, Int)
sumProd [] = (0, 1)
sumProd (x : xs) = case sumProd xs of
  (s, p) -> (s + x, p * x)
""", rows("[]", "[1,2,3,4]", "[(-2),5]")),
    ("tu-count-signs", ("tuple", "list", "accumulator", "helper"), """\
signsAcc :: Int -> Int -> Int -> [Int] -> (Int, Int, Int)
signsAcc n z p [] = (n, z, p)
signsAcc n z p (x : xs)
  | x < 0 = signsAcc (n + 1) z p xs
  | x == 0 = signsAcc n (z + 1) p xs
  | otherwise = signsAcc n z (p + 1) xs

countSigns :: [Int] -> (Int, Int, Int)
countSigns xs = signsAcc 0 0 0 xs
""", rows("[]", "[(-1),0,1,2,(-5)]", "[0,0]")),
    ("tu-div-mod-pair", ("tuple", "two-args", "div-mod"), """\
quotRemPair :: Int -> Int -> (Int, Int)
quotRemPair a b
  | b == 0 = (0, a)
  | otherwise = (a `div` b, a `mod` b)
""", rows(("17", "5"), ("(-17)", "5"), ("4", "0"), ("9", "(-2)"))),
    ("tu-midpoint", ("tuple", "two-args", "div-mod"), """\
midpoint :: (Int, Int) -> (Int, Int) -> (Int, Int)
midpoint (a, b) (c, d) = ((a + c) `div` 2, (b + d) `div` 2)
""", rows(("(0,0)", "(4,6)"), ("(1,1)", "(2,2)"), ("((-3),5)", "(3,(-5))"))),
    ("tu-scale-vector", ("tuple", "two-args", "vector"), """\
scaleV :: Int -> (Int, Int) -> (Int, Int)
scaleV k (x, y) = (k * x, k * y)
""", rows(("2", "(3,4)"), ("0", "(9,9)"), ("(-1)", "(5,(-2))"))),
    ("tu-min-by-second", ("tuple", "list", "maybe", "helper"), """\
lighter :: (Int, Int) -> (Int, Int) -> (Int, Int)
lighter p q = if snd q < snd p then q else p

lightest :: [(Int, Int)] -> Maybe (Int, Int)
lightest [] = Nothing
lightest (p : ps) = case lightest ps of
  Nothing -> Just p
  Just q -> Just (lighter p q)
""", rows("[]", "[(1,30),(2,10),(3,20)]", "[(7,5),(8,5)]")),
    ("tu-sum-firsts", ("tuple", "list", "recursion"), """\
sumFirsts :: [(Int, Int)] -> Int
sumFirsts [] = 0
sumFirsts (p : ps) = fst p + sumFirsts ps
""", rows("[]", "[(1,2),(3,4)]", "[((-5),0),(5,0)]")),
    ("tu-fib-pair", ("tuple", "integer", "recursion", "case"), """\
fibPair :: Int -> (Integer, Integer)
fibPair n
  | n <= 0 = (0, 1)
  | otherwise = case fibPair (n - 1) of
      (a, b) -> (b, a + b)
""", rows("0", "1", "10", "50")),
    ("tu-extended-gcd", ("tuple", "two-args", "recursion", "case"), """\
egcd :: Int -> Int -> (Int, Int, Int)
egcd a b
  | b == 0 = (a, 1, 0)
  | otherwise = case egcd b (a `mod` b) of
      (g, x, y) -> (g, y, x - (a `div` b) * y)
""", rows(("240", "46"), ("7", "0"), ("17", "5"), ("12", "18"))),
    ("tu-line-through", ("tuple", "two-args", "maybe"), """\
slopeIntercept :: (Int, Int) -> (Int, Int) -> Maybe (Int, Int)
slopeIntercept (x1, y1) (x2, y2)
  | x1 == x2 = Nothing
  | (y2 - y1) `mod` (x2 - x1) /= 0 = Nothing
  | otherwise = Just (m, y1 - m * x1)
  where
    m = (y2 - y1) `div` (x2 - x1)
""", rows(("(0,1)", "(2,5)"), ("(1,1)", "(1,9)"), ("(0,0)", "(2,3)"), ("(1,4)", "(3,0)"))),
    ("tu-zip-index-lib", ("tuple", "list", "library"), """\
indexed :: [Int] -> [(Int, Int)]
indexed xs = zip [0 ..] xs
""", rows("[]", "[5,6,7]", "[(-1)]")),
    ("tu-unzip-sums-lib", ("tuple", "list", "library"), """\
columnSums :: [(Int, Int)] -> (Int, Int)
columnSums ps = (sum (map fst ps), sum (map snd ps))
""", rows("[]", "[(1,2),(3,4),(5,6)]", "[((-1),1)]")),
    ("tu-bounding-box", ("tuple", "list", "maybe", "helper"), """\
grow :: (Int, Int, Int, Int) -> (Int, Int) -> (Int, Int, Int, Int)
grow (x0, y0, x1, y1) (x, y) =
  (if x < x0 then x else x0, if y < y0 then y else y0, if x > x1 then x else x1, if y > y1 then y else y1)

growAll :: (Int, Int, Int, Int) -> [(Int, Int)] -> (Int, Int, Int, Int)
growAll box [] = box
growAll box (p : ps) = growAll (grow box p) ps

boundingBox :: [(Int, Int)] -> Maybe (Int, Int, Int, Int)
boundingBox [] = Nothing
boundingBox ((x, y) : ps) = Just (growAll (x, y, x, y) ps)
""", rows("[]", "[(1,2)]", "[(0,0),(3,(-1)),((-2),4)]")),
    ("tu-pair-with-next", ("tuple", "list", "nested-pattern"), """\
withNext :: [Int] -> [(Int, Int)]
withNext (a : b : rest) = (a, b) : withNext (b : rest)
withNext _ = []
""", rows("[]", "[1]", "[1,2,3,4]")),
]


# ================================================================================================
# Small data types (each program declares its own)

TREE = "data Tree = Leaf | Node Tree Int Tree\n  deriving (Show, Eq)\n\n"
TREE_ROWS = rows("Leaf", "(Node Leaf 5 Leaf)", "(Node (Node Leaf 1 Leaf) 3 (Node Leaf (-4) (Node Leaf 8 Leaf)))",
                 "(Node (Node (Node Leaf 2 Leaf) 6 Leaf) 7 Leaf)")
BTREE = "data BTree = Tip Int | Fork BTree BTree\n  deriving (Show, Eq)\n\n"
BTREE_ROWS = rows("(Tip 3)", "(Fork (Tip 1) (Tip 2))", "(Fork (Fork (Tip (-1)) (Tip 5)) (Tip 4))",
                  "(Fork (Tip 0) (Fork (Tip 7) (Fork (Tip 2) (Tip 2))))")
EXPR = "data Expr = Lit Int | Add Expr Expr | Sub Expr Expr | Mul Expr Expr\n  deriving (Show, Eq)\n\n"
EXPR_ROWS = rows("(Lit 7)", "(Add (Lit 2) (Mul (Lit 3) (Lit 4)))", "(Sub (Lit 0) (Add (Lit 1) (Lit 1)))",
                 "(Mul (Add (Lit 0) (Lit 5)) (Sub (Lit 9) (Lit 0)))")
SHAPE = ("data Shape = Square Int | Rect Int Int | Tri Int Int Int | Circle Int\n"
         "  deriving (Show, Eq)\n\n")
SHAPE_ROWS = rows("(Square 3)", "(Rect 2 5)", "(Tri 3 4 5)", "(Circle 2)", "(Rect 4 4)")
NAT = "data Nat = Z | S Nat\n  deriving (Show, Eq)\n\n"
NAT_ROWS = rows("Z", "(S Z)", "(S (S (S Z)))", "(S (S (S (S (S Z)))))")
ILIST = "data IntList = Nil | Cons Int IntList\n  deriving (Show, Eq)\n\n"
ILIST_ROWS = rows("Nil", "(Cons 4 Nil)", "(Cons 1 (Cons (-2) (Cons 3 Nil)))", "(Cons 5 (Cons 5 (Cons 0 (Cons 9 Nil))))")


def data_families() -> list[Spec]:
    out: list[Spec] = []
    # Binary search trees with Int keys.
    tree_fns = [
        ("tree-size", "size", "Tree -> Int", "size Leaf = 0\nsize (Node l _ r) = size l + 1 + size r\n"),
        ("tree-product", "prodT", "Tree -> Int", "prodT Leaf = 1\nprodT (Node l x r) = prodT l * x * prodT r\n"),
        ("tree-preorder", "preorder", "Tree -> [Int]",
         "preorder Leaf = []\npreorder (Node l x r) = x : joinL (preorder l) (preorder r)\n"),
        ("tree-count-positive", "countPos", "Tree -> Int",
         "countPos Leaf = 0\ncountPos (Node l x r) = (if x > 0 then 1 else 0) + countPos l + countPos r\n"),
        ("tree-leftmost", "leftmost", "Tree -> Maybe Int",
         "leftmost Leaf = Nothing\nleftmost (Node Leaf x _) = Just x\nleftmost (Node l _ _) = leftmost l\n"),
        ("tree-negate", "negT", "Tree -> Tree", "negT Leaf = Leaf\nnegT (Node l x r) = Node (negT r) (0 - x) (negT l)\n"),
        ("tree-is-full", "isFull", "Tree -> Bool",
         "isFull Leaf = True\nisFull (Node Leaf _ Leaf) = True\nisFull (Node Leaf _ _) = False\n"
         "isFull (Node _ _ Leaf) = False\nisFull (Node l _ r) = isFull l && isFull r\n"),
        ("tree-max-path", "maxPath", "Tree -> Int",
         "maxPath Leaf = 0\nmaxPath (Node l x r) = x + (if maxPath l >= maxPath r then maxPath l else maxPath r)\n"),
    ]
    for sid, name, ty, body in tree_fns:
        helper = ""
        if "joinL" in body:
            helper = "joinL :: [Int] -> [Int] -> [Int]\njoinL [] ys = ys\njoinL (x : xs) ys = x : joinL xs ys\n\n"
        code = TREE + helper + f"{name} :: {ty}\n{body}"
        out.append((f"dt-{sid}", ("tree", "data-type", "recursion"), code, TREE_ROWS))
    tree2 = [
        ("tree-add-to-all", "addT", "Int -> Tree -> Tree",
         "addT _ Leaf = Leaf\naddT k (Node l x r) = Node (addT k l) (x + k) (addT k r)\n"),
        ("tree-count-above", "countAbove", "Int -> Tree -> Int",
         "countAbove _ Leaf = 0\ncountAbove k (Node l x r)\n  | x > k = 1 + countAbove k l + countAbove k r\n"
         "  | otherwise = countAbove k l + countAbove k r\n"),
        ("tree-contains-any-order", "containsT", "Int -> Tree -> Bool",
         "containsT _ Leaf = False\ncontainsT k (Node l x r) = x == k || containsT k l || containsT k r\n"),
        ("tree-level-count", "atLevel", "Int -> Tree -> Int",
         "atLevel _ Leaf = 0\natLevel d (Node l _ r) = if d <= 0 then 1 else atLevel (d - 1) l + atLevel (d - 1) r\n"),
    ]
    for sid, name, ty, body in tree2:
        code = TREE + f"{name} :: {ty}\n{body}"
        sample = [("1",) + r for r in TREE_ROWS[1:]] + [("(-5)", TREE_ROWS[2][0]), ("0", "Leaf")]
        out.append((f"dt-{sid}", ("tree", "data-type", "two-args", "recursion"), code, sample))
    # Leaf-labelled binary trees.
    btree_fns = [
        ("btree-sum", "sumB", "BTree -> Int", "sumB (Tip n) = n\nsumB (Fork l r) = sumB l + sumB r\n"),
        ("btree-tips", "tips", "BTree -> Int", "tips (Tip _) = 1\ntips (Fork l r) = tips l + tips r\n"),
        ("btree-height", "heightB", "BTree -> Int",
         "heightB (Tip _) = 0\nheightB (Fork l r) = 1 + (if heightB l >= heightB r then heightB l else heightB r)\n"),
        ("btree-fringe", "fringe", "BTree -> [Int]", "fringe t = fringeOnto t []\n"),
        ("btree-mirror", "mirrorB", "BTree -> BTree", "mirrorB (Tip n) = Tip n\nmirrorB (Fork l r) = Fork (mirrorB r) (mirrorB l)\n"),
        ("btree-max", "maxB", "BTree -> Int",
         "maxB (Tip n) = n\nmaxB (Fork l r) = if maxB l >= maxB r then maxB l else maxB r\n"),
    ]
    for sid, name, ty, body in btree_fns:
        helper = ""
        if "fringeOnto" in body:
            helper = ("fringeOnto :: BTree -> [Int] -> [Int]\nfringeOnto (Tip n) acc = n : acc\n"
                      "fringeOnto (Fork l r) acc = fringeOnto l (fringeOnto r acc)\n\n")
        code = BTREE + helper + f"{name} :: {ty}\n{body}"
        out.append((f"dt-{sid}", ("tree", "data-type", "recursion"), code, BTREE_ROWS))
    # Arithmetic expressions.
    expr_fns = [
        ("expr-eval-sub", "evalE", "Expr -> Int",
         "evalE (Lit n) = n\nevalE (Add a b) = evalE a + evalE b\nevalE (Sub a b) = evalE a - evalE b\n"
         "evalE (Mul a b) = evalE a * evalE b\n"),
        ("expr-count-ops", "ops", "Expr -> Int",
         "ops (Lit _) = 0\nops (Add a b) = 1 + ops a + ops b\nops (Sub a b) = 1 + ops a + ops b\n"
         "ops (Mul a b) = 1 + ops a + ops b\n"),
        ("expr-literals", "lits", "Expr -> [Int]",
         "lits (Lit n) = [n]\nlits (Add a b) = catL (lits a) (lits b)\nlits (Sub a b) = catL (lits a) (lits b)\n"
         "lits (Mul a b) = catL (lits a) (lits b)\n"),
        ("expr-depth", "depthE", "Expr -> Int",
         "depthE (Lit _) = 0\ndepthE (Add a b) = 1 + deeper (depthE a) (depthE b)\n"
         "depthE (Sub a b) = 1 + deeper (depthE a) (depthE b)\ndepthE (Mul a b) = 1 + deeper (depthE a) (depthE b)\n"),
        ("expr-simplify", "simp", "Expr -> Expr",
         "simp (Add (Lit 0) e) = simp e\nsimp (Add e (Lit 0)) = simp e\nsimp (Sub e (Lit 0)) = simp e\n"
         "simp (Mul (Lit 1) e) = simp e\nsimp (Mul e (Lit 1)) = simp e\nsimp (Mul (Lit 0) _) = Lit 0\n"
         "simp (Add a b) = Add (simp a) (simp b)\nsimp (Sub a b) = Sub (simp a) (simp b)\n"
         "simp (Mul a b) = Mul (simp a) (simp b)\nsimp e = e\n"),
        ("expr-has-mul", "hasMul", "Expr -> Bool",
         "hasMul (Lit _) = False\nhasMul (Mul _ _) = True\nhasMul (Add a b) = hasMul a || hasMul b\n"
         "hasMul (Sub a b) = hasMul a || hasMul b\n"),
        ("expr-negate-lits", "negLits", "Expr -> Expr",
         "negLits (Lit n) = Lit (0 - n)\nnegLits (Add a b) = Add (negLits a) (negLits b)\n"
         "negLits (Sub a b) = Sub (negLits a) (negLits b)\nnegLits (Mul a b) = Mul (negLits a) (negLits b)\n"),
    ]
    for sid, name, ty, body in expr_fns:
        helper = ""
        if "catL" in body:
            helper = "catL :: [Int] -> [Int] -> [Int]\ncatL [] ys = ys\ncatL (x : xs) ys = x : catL xs ys\n\n"
        if "deeper" in body:
            helper = "deeper :: Int -> Int -> Int\ndeeper a b = if a >= b then a else b\n\n"
        code = EXPR + helper + f"{name} :: {ty}\n{body}"
        out.append((f"dt-{sid}", ("expr", "data-type", "recursion"), code, EXPR_ROWS))
    # Shapes.
    shape_fns = [
        ("shape-area-doubled", "area2", "Shape -> Int",
         "area2 (Square s) = 2 * s * s\narea2 (Rect w h) = 2 * w * h\narea2 (Tri a b _) = a * b\n"
         "area2 (Circle r) = 2 * 3 * r * r\n"),
        ("shape-perimeter", "perimeter", "Shape -> Int",
         "perimeter (Square s) = 4 * s\nperimeter (Rect w h) = 2 * (w + h)\nperimeter (Tri a b c) = a + b + c\n"
         "perimeter (Circle r) = 2 * 3 * r\n"),
        ("shape-is-regular", "isRegular", "Shape -> Bool",
         "isRegular (Square _) = True\nisRegular (Rect w h) = w == h\nisRegular (Tri a b c) = a == b && b == c\n"
         "isRegular (Circle _) = True\n"),
        ("shape-corners", "corners", "Shape -> Int",
         "corners s = case s of\n  Square _ -> 4\n  Rect _ _ -> 4\n  Tri _ _ _ -> 3\n  Circle _ -> 0\n"),
        ("shape-normalize", "normalize", "Shape -> Shape",
         "normalize (Rect w h)\n  | w == h = Square w\n  | w > h = Rect h w\n  | otherwise = Rect w h\nnormalize s = s\n"),
    ]
    for sid, name, ty, body in shape_fns:
        code = SHAPE + f"{name} :: {ty}\n{body}"
        out.append((f"dt-{sid}", ("shape", "data-type"), code, SHAPE_ROWS))
    out.append(("dt-shape-scale", ("shape", "data-type", "two-args"), SHAPE + """\
scaleShape :: Int -> Shape -> Shape
scaleShape k (Square s) = Square (k * s)
scaleShape k (Rect w h) = Rect (k * w) (k * h)
scaleShape k (Tri a b c) = Tri (k * a) (k * b) (k * c)
scaleShape k (Circle r) = Circle (k * r)
""", rows(("2", "(Square 3)"), ("3", "(Tri 1 1 1)"), ("0", "(Circle 5)"), ("(-1)", "(Rect 2 4)"))))
    out.append(("dt-shape-total-area", ("shape", "data-type", "list", "helper"), SHAPE + """\
twiceArea :: Shape -> Int
twiceArea (Square s) = 2 * s * s
twiceArea (Rect w h) = 2 * w * h
twiceArea (Tri a b _) = a * b
twiceArea (Circle r) = 6 * r * r

totalArea :: [Shape] -> Int
totalArea [] = 0
totalArea (s : ss) = twiceArea s + totalArea ss
""", rows("[]", "[Square 1,Rect 2 3]", "[Circle 1,Tri 3 4 5,Square 2]")))
    # Peano naturals.
    nat_fns = [
        ("nat-to-int", "toInt", "Nat -> Int", "toInt Z = 0\ntoInt (S n) = 1 + toInt n\n"),
        ("nat-double", "double", "Nat -> Nat", "double Z = Z\ndouble (S n) = S (S (double n))\n"),
        ("nat-is-even", "evenN", "Nat -> Bool", "evenN Z = True\nevenN (S Z) = False\nevenN (S (S n)) = evenN n\n"),
        ("nat-half", "half", "Nat -> Nat", "half Z = Z\nhalf (S Z) = Z\nhalf (S (S n)) = S (half n)\n"),
        ("nat-pred", "predN", "Nat -> Maybe Nat", "predN Z = Nothing\npredN (S n) = Just n\n"),
    ]
    for sid, name, ty, body in nat_fns:
        out.append((f"dt-{sid}", ("nat", "data-type", "recursion"), NAT + f"{name} :: {ty}\n{body}", NAT_ROWS))
    nat2 = [
        ("nat-add", "plus", "Nat -> Nat -> Nat", "plus Z m = m\nplus (S n) m = S (plus n m)\n"),
        ("nat-mul", "times", "Nat -> Nat -> Nat",
         "times Z _ = Z\ntimes (S n) m = addN m (times n m)\n"),
        ("nat-less-eq", "leq", "Nat -> Nat -> Bool", "leq Z _ = True\nleq (S _) Z = False\nleq (S n) (S m) = leq n m\n"),
        ("nat-monus", "monus", "Nat -> Nat -> Nat", "monus n Z = n\nmonus Z _ = Z\nmonus (S n) (S m) = monus n m\n"),
    ]
    for sid, name, ty, body in nat2:
        helper = ""
        if "addN" in body:
            helper = "addN :: Nat -> Nat -> Nat\naddN Z m = m\naddN (S n) m = S (addN n m)\n\n"
        out.append((f"dt-{sid}", ("nat", "data-type", "two-args", "recursion"), NAT + helper + f"{name} :: {ty}\n{body}",
                    rows(("Z", "(S Z)"), ("(S (S Z))", "(S (S (S Z)))"), ("(S (S (S Z)))", "(S Z)"), ("(S Z)", "Z"))))
    # A hand-rolled list type.
    ilist_fns = [
        ("ilist-length", "lenI", "IntList -> Int", "lenI Nil = 0\nlenI (Cons _ rest) = 1 + lenI rest\n"),
        ("ilist-sum", "sumI", "IntList -> Int", "sumI Nil = 0\nsumI (Cons x rest) = x + sumI rest\n"),
        ("ilist-to-list", "toList'", "IntList -> [Int]", "toList' Nil = []\ntoList' (Cons x rest) = x : toList' rest\n"),
        ("ilist-reverse", "revI", "IntList -> IntList", "revI xs = revOntoI Nil xs\n"),
        ("ilist-filter-pos", "positiveI", "IntList -> IntList",
         "positiveI Nil = Nil\npositiveI (Cons x rest)\n  | x > 0 = Cons x (positiveI rest)\n  | otherwise = positiveI rest\n"),
        ("ilist-last", "lastI", "IntList -> Maybe Int",
         "lastI Nil = Nothing\nlastI (Cons x Nil) = Just x\nlastI (Cons _ rest) = lastI rest\n"),
    ]
    for sid, name, ty, body in ilist_fns:
        helper = ""
        if "revOntoI" in body:
            helper = ("revOntoI :: IntList -> IntList -> IntList\nrevOntoI acc Nil = acc\n"
                      "revOntoI acc (Cons x rest) = revOntoI (Cons x acc) rest\n\n")
        out.append((f"dt-{sid}", ("own-list", "data-type", "recursion"), ILIST + helper + f"{name} :: {ty}\n{body}",
                    ILIST_ROWS))
    return out


DATA: list[Spec] = [
    ("dt-direction-turn", ("enum", "data-type", "data-result"), """\
data Dir = North | East | South | West
  deriving (Show, Eq)

turnRight :: Dir -> Dir
turnRight North = East
turnRight East = South
turnRight South = West
turnRight West = North
""", rows("North", "East", "South", "West")),
    ("dt-direction-walk", ("enum", "data-type", "list", "tuple", "accumulator", "helper"), """\
data Dir = N | E | S | W
  deriving (Show, Eq)

stepFrom :: (Int, Int) -> Dir -> (Int, Int)
stepFrom (x, y) N = (x, y + 1)
stepFrom (x, y) E = (x + 1, y)
stepFrom (x, y) S = (x, y - 1)
stepFrom (x, y) W = (x - 1, y)

walkFrom :: (Int, Int) -> [Dir] -> (Int, Int)
walkFrom p [] = p
walkFrom p (d : ds) = walkFrom (stepFrom p d) ds

walk :: [Dir] -> (Int, Int)
walk ds = walkFrom (0, 0) ds
""", rows("[]", "[N,N,E]", "[N,E,S,W]", "[W,W,S]")),
    ("dt-weekday-weekend", ("enum", "data-type", "bool"), """\
data Day = Mon | Tue | Wed | Thu | Fri | Sat | Sun
  deriving (Show, Eq)

isWeekend :: Day -> Bool
isWeekend d = case d of
  Sat -> True
  Sun -> True
  _ -> False
""", rows("Mon", "Fri", "Sat", "Sun")),
    ("dt-weekday-advance", ("enum", "data-type", "two-args", "helper"), """\
data Day = Mon | Tue | Wed | Thu | Fri | Sat | Sun
  deriving (Show, Eq)

nextDay :: Day -> Day
nextDay Mon = Tue
nextDay Tue = Wed
nextDay Wed = Thu
nextDay Thu = Fri
nextDay Fri = Sat
nextDay Sat = Sun
nextDay Sun = Mon

advance :: Int -> Day -> Day
advance n d = if n <= 0 then d else advance (n - 1) (nextDay d)
""", rows(("0", "Mon"), ("1", "Sun"), ("10", "Wed"), ("(-2)", "Fri"))),
    ("dt-traffic-light", ("enum", "data-type", "int"), """\
data Light = Red | Amber | Green
  deriving (Show, Eq)

waitSeconds :: Light -> Int
waitSeconds Red = 30
waitSeconds Amber = 3
waitSeconds Green = 0
""", rows("Red", "Amber", "Green")),
    ("dt-coins-value", ("enum", "data-type", "list", "helper"), """\
data Coin = Penny | Nickel | Dime | Quarter
  deriving (Show, Eq)

cents :: Coin -> Int
cents Penny = 1
cents Nickel = 5
cents Dime = 10
cents Quarter = 25

purse :: [Coin] -> Int
purse [] = 0
purse (c : cs) = cents c + purse cs
""", rows("[]", "[Quarter,Dime,Penny]", "[Nickel,Nickel,Quarter,Quarter]")),
    ("dt-make-change", ("data-type", "list", "int", "guards"), """\
data Coin = Penny | Nickel | Dime | Quarter
  deriving (Show, Eq)

change :: Int -> [Coin]
change n
  | n >= 25 = Quarter : change (n - 25)
  | n >= 10 = Dime : change (n - 10)
  | n >= 5 = Nickel : change (n - 5)
  | n >= 1 = Penny : change (n - 1)
  | otherwise = []
""", rows("0", "41", "99", "(-3)")),
    ("dt-temperature", ("data-type", "int", "case"), """\
data Temp = Celsius Int | Fahrenheit Int
  deriving (Show, Eq)

toCelsius :: Temp -> Int
toCelsius t = case t of
  Celsius c -> c
  Fahrenheit f -> (f - 32) * 5 `div` 9
""", rows("(Celsius 20)", "(Fahrenheit 212)", "(Fahrenheit (-40))", "(Celsius (-5))")),
    ("dt-bit-increment", ("data-type", "list", "data-result", "recursion"), """\
data Bit = O | I
  deriving (Show, Eq)

-- little-endian binary numbers
increment :: [Bit] -> [Bit]
increment [] = [I]
increment (O : bs) = I : bs
increment (I : bs) = O : increment bs
""", rows("[]", "[I,I,O]", "[I,I,I]", "[O]")),
    ("dt-bit-value", ("data-type", "list", "int", "recursion"), """\
data Bit = O | I
  deriving (Show, Eq)

-- little-endian binary numbers
bitValue :: [Bit] -> Int
bitValue [] = 0
bitValue (O : bs) = 2 * bitValue bs
bitValue (I : bs) = 1 + 2 * bitValue bs
""", rows("[]", "[I,O,I]", "[O,O,O,I]", "[I,I,I,I]")),
    ("dt-counter-commands", ("data-type", "list", "accumulator", "helper"), """\
data Cmd = Inc Int | Dec Int | Reset
  deriving (Show, Eq)

apply :: Int -> Cmd -> Int
apply n (Inc k) = n + k
apply n (Dec k) = n - k
apply _ Reset = 0

runCmds :: Int -> [Cmd] -> Int
runCmds n [] = n
runCmds n (c : cs) = runCmds (apply n c) cs
""", rows(("0", "[]"), ("5", "[Inc 3,Dec 1]"), ("10", "[Inc 1,Reset,Inc 2]"), ("(-2)", "[Dec 4]"))),
    ("dt-stack-machine", ("data-type", "list", "maybe", "helper"), """\
data Instr = Push Int | Pop | AddI | MulI
  deriving (Show, Eq)

exec :: [Int] -> [Instr] -> Maybe Int
exec (x : _) [] = Just x
exec [] [] = Nothing
exec st (Push n : is) = exec (n : st) is
exec (_ : st) (Pop : is) = exec st is
exec (a : b : st) (AddI : is) = exec (a + b : st) is
exec (a : b : st) (MulI : is) = exec (a * b : st) is
exec _ _ = Nothing

runMachine :: [Instr] -> Maybe Int
runMachine is = exec [] is
""", rows("[]", "[Push 2,Push 3,AddI,Push 4,MulI]", "[Push 1,AddI]", "[Push 7,Push 8,Pop]")),
    ("dt-expr-safe-div", ("expr", "data-type", "maybe", "case"), """\
data Expr = Num Int | Plus Expr Expr | Div Expr Expr
  deriving (Show, Eq)

safeEval :: Expr -> Maybe Int
safeEval (Num n) = Just n
safeEval (Plus a b) = case safeEval a of
  Nothing -> Nothing
  Just x -> case safeEval b of
    Nothing -> Nothing
    Just y -> Just (x + y)
safeEval (Div a b) = case safeEval a of
  Nothing -> Nothing
  Just x -> case safeEval b of
    Nothing -> Nothing
    Just y -> if y == 0 then Nothing else Just (x `div` y)
""", rows("(Num 3)", "(Div (Num 7) (Num 2))", "(Plus (Num 1) (Div (Num 1) (Num 0)))",
          "(Div (Plus (Num 5) (Num 5)) (Num (-3)))")),
    ("dt-expr-with-var", ("expr", "data-type", "two-args"), """\
data Term = Var | Const Int | Sum Term Term | Prod Term Term
  deriving (Show, Eq)

evalAt :: Int -> Term -> Int
evalAt x Var = x
evalAt _ (Const c) = c
evalAt x (Sum a b) = evalAt x a + evalAt x b
evalAt x (Prod a b) = evalAt x a * evalAt x b
""", rows(("3", "Var"), ("2", "(Sum (Prod Var Var) (Const 1))"), ("(-1)", "(Prod (Const 4) (Sum Var (Const 3)))"),
          ("0", "(Const 9)"))),
    ("dt-expr-derivative", ("expr", "data-type", "data-result"), """\
data Term = X | K Int | Plus Term Term | Times Term Term
  deriving (Show, Eq)

deriv :: Term -> Term
deriv X = K 1
deriv (K _) = K 0
deriv (Plus a b) = Plus (deriv a) (deriv b)
deriv (Times a b) = Plus (Times (deriv a) b) (Times a (deriv b))
""", rows("X", "(K 5)", "(Times X X)", "(Plus (Times (K 3) X) (K 2))")),
    ("dt-expr-to-string", ("expr", "data-type", "string", "library"), """\
data Expr = Lit Int | Add Expr Expr | Mul Expr Expr
  deriving (Show, Eq)

render :: Expr -> String
render (Lit n) = show n
render (Add a b) = "(" ++ render a ++ " + " ++ render b ++ ")"
render (Mul a b) = render a ++ " * " ++ render b
""", rows("(Lit 1)", "(Add (Lit 1) (Mul (Lit 2) (Lit 3)))", "(Mul (Add (Lit 1) (Lit 2)) (Lit (-4)))")),
    ("dt-bool-formula", ("data-type", "bool", "two-args"), """\
data Formula = T | F | V | Not Formula | And Formula Formula | Or Formula Formula
  deriving (Show, Eq)

holds :: Bool -> Formula -> Bool
holds _ T = True
holds _ F = False
holds v V = v
holds v (Not f) = not (holds v f)
holds v (And a b) = holds v a && holds v b
holds v (Or a b) = holds v a || holds v b
""", rows(("True", "(And V (Not F))"), ("False", "(Or V (Not V))"), ("False", "(And V T)"), ("True", "(Not (Or F V))"))),
    ("dt-bst-from-list", ("tree", "data-type", "list", "helper", "data-result"), TREE + """\
insertB :: Int -> Tree -> Tree
insertB x Leaf = Node Leaf x Leaf
insertB x (Node l y r)
  | x < y = Node (insertB x l) y r
  | x > y = Node l y (insertB x r)
  | otherwise = Node l y r

fromList :: [Int] -> Tree
fromList [] = Leaf
fromList (x : xs) = insertB x (fromList xs)
""", rows("[]", "[2,1,3]", "[5,5,1]", "[4,(-1),7,0]")),
    ("dt-bst-min", ("tree", "data-type", "maybe"), TREE + """\
minKey :: Tree -> Maybe Int
minKey Leaf = Nothing
minKey (Node Leaf x _) = Just x
minKey (Node l _ _) = minKey l
""", rows("Leaf", "(Node Leaf 4 Leaf)", "(Node (Node (Node Leaf 1 Leaf) 2 Leaf) 6 Leaf)")),
    ("dt-tree-is-bst", ("tree", "data-type", "bool", "helper", "three-args"), TREE + """\
within :: Int -> Int -> Tree -> Bool
within _ _ Leaf = True
within lo hi (Node l x r) = lo < x && x < hi && within lo x l && within x hi r

isBST :: Tree -> Bool
isBST t = within (0 - 1000000) 1000000 t
""", rows("Leaf", "(Node (Node Leaf 1 Leaf) 2 (Node Leaf 3 Leaf))", "(Node (Node Leaf 5 Leaf) 2 Leaf)",
          "(Node (Node Leaf 1 (Node Leaf 9 Leaf)) 4 Leaf)")),
    ("dt-tree-balanced", ("tree", "data-type", "bool", "helper"), TREE + """\
height :: Tree -> Int
height Leaf = 0
height (Node l _ r) = 1 + (if height l >= height r then height l else height r)

balanced :: Tree -> Bool
balanced Leaf = True
balanced (Node l _ r) =
  balanced l && balanced r && height l - height r <= 1 && height r - height l <= 1
""", TREE_ROWS),
    ("dt-tree-fold-lib", ("tree", "data-type", "library", "higher-order"), TREE + """\
flattenT :: Tree -> [Int]
flattenT Leaf = []
flattenT (Node l x r) = flattenT l ++ [x] ++ flattenT r

evenKeys :: Tree -> Int
evenKeys t = length (filter even (flattenT t))
""", TREE_ROWS),
    ("dt-rose-size", ("tree", "data-type", "rose", "mutual-recursion"), """\
data Rose = Rose Int [Rose]
  deriving (Show, Eq)

roseSum :: Rose -> Int
roseSum (Rose x kids) = x + forestSum kids

forestSum :: [Rose] -> Int
forestSum [] = 0
forestSum (t : ts) = roseSum t + forestSum ts

roseTotal :: Rose -> Int
roseTotal r = roseSum r
""", rows("(Rose 1 [])", "(Rose 1 [Rose 2 [],Rose 3 [Rose 4 []]])", "(Rose (-5) [Rose 5 [],Rose 0 []])")),
    ("dt-rose-depth-lib", ("tree", "data-type", "rose", "library"), """\
data Rose = Rose Int [Rose]
  deriving (Show, Eq)

roseDepth :: Rose -> Int
roseDepth (Rose _ []) = 1
roseDepth (Rose _ kids) = 1 + maximum (map roseDepth kids)
""", rows("(Rose 1 [])", "(Rose 1 [Rose 2 [],Rose 3 [Rose 4 []]])", "(Rose 0 [Rose 0 [Rose 0 [Rose 0 []]]])")),
    ("dt-interval-overlap", ("data-type", "two-args", "bool"), """\
data Interval = Interval Int Int
  deriving (Show, Eq)

overlaps :: Interval -> Interval -> Bool
overlaps (Interval a b) (Interval c d) = a <= d && c <= b
""", rows(("(Interval 1 5)", "(Interval 4 8)"), ("(Interval 1 2)", "(Interval 3 4)"),
          ("(Interval 0 10)", "(Interval 2 3)"), ("(Interval 5 5)", "(Interval 5 5)"))),
    ("dt-interval-merge", ("data-type", "two-args", "maybe"), """\
data Interval = Interval Int Int
  deriving (Show, Eq)

lower :: Int -> Int -> Int
lower a b = if a <= b then a else b

upper :: Int -> Int -> Int
upper a b = if a >= b then a else b

mergeIv :: Interval -> Interval -> Maybe Interval
mergeIv (Interval a b) (Interval c d)
  | a <= d && c <= b = Just (Interval (lower a c) (upper b d))
  | otherwise = Nothing
""", rows(("(Interval 1 5)", "(Interval 4 8)"), ("(Interval 1 2)", "(Interval 3 4)"),
          ("(Interval 0 10)", "(Interval 2 3)"))),
    ("dt-card-score", ("data-type", "enum", "list", "helper"), """\
data Rank = Num Int | Jack | Queen | King | Ace
  deriving (Show, Eq)

points :: Rank -> Int
points (Num n) = n
points Ace = 11
points _ = 10

handScore :: [Rank] -> Int
handScore [] = 0
handScore (r : rs) = points r + handScore rs
""", rows("[]", "[Ace,King]", "[Num 2,Num 9,Queen]", "[Jack,Jack,Ace]")),
    ("dt-priority-queue-pop", ("data-type", "list", "maybe", "tuple", "helper"), """\
data Task = Task Int Int
  deriving (Show, Eq)

urgent :: Task -> Task -> Task
urgent (Task i p) (Task j q) = if q > p then Task j q else Task i p

mostUrgent :: [Task] -> Maybe Int
mostUrgent [] = Nothing
mostUrgent (t : ts) = case pick t ts of
  Task i _ -> Just i

pick :: Task -> [Task] -> Task
pick best [] = best
pick best (t : ts) = pick (urgent best t) ts
""", rows("[]", "[Task 1 5,Task 2 9,Task 3 1]", "[Task 7 0]", "[Task 1 4,Task 2 4]")),
    ("dt-maybe-like", ("data-type", "poly-like", "two-args"), """\
data Option = None | Some Int
  deriving (Show, Eq)

combine :: Option -> Option -> Option
combine None o = o
combine o None = o
combine (Some a) (Some b) = Some (a + b)
""", rows(("None", "None"), ("(Some 3)", "None"), ("(Some 3)", "(Some (-4))"), ("None", "(Some 1)"))),
    ("dt-json-size", ("data-type", "tree", "mutual-recursion"), """\
data Json = JNull | JBool Bool | JNum Int | JPair Json Json | JArr [Json]
  deriving (Show, Eq)

nodes :: Json -> Int
nodes (JArr xs) = 1 + nodesAll xs
nodes (JPair a b) = 1 + nodes a + nodes b
nodes _ = 1

nodesAll :: [Json] -> Int
nodesAll [] = 0
nodesAll (j : js) = nodes j + nodesAll js

jsonSize :: Json -> Int
jsonSize j = nodes j
""", rows("JNull", "(JArr [JNum 1,JBool True,JArr [JPair JNull (JNum 2)]])", "(JArr [])")),
    ("dt-vending-state", ("data-type", "enum", "two-args", "data-result"), """\
data Machine = Idle | Paid Int | Vending
  deriving (Show, Eq)

insertCoin :: Int -> Machine -> Machine
insertCoin c Idle = if c >= 100 then Vending else Paid c
insertCoin c (Paid n) = if n + c >= 100 then Vending else Paid (n + c)
insertCoin _ Vending = Vending
""", rows(("50", "Idle"), ("100", "Idle"), ("30", "(Paid 50)"), ("60", "(Paid 50)"), ("10", "Vending"))),
]


def data_programs() -> list[Spec]:
    return data_families() + DATA


# ================================================================================================
# Building and checking

CATEGORIES = [
    ("arith", arith_programs),
    ("bool", bool_programs),
    ("lists", list_programs),
    ("strings", string_programs),
    ("maybe", lambda: list(MAYBE)),
    ("tuples", lambda: list(TUPLES)),
    ("data", data_programs),
]


def all_specs() -> list[tuple[str, Spec]]:
    return [(cat, spec) for cat, make in CATEGORIES for spec in make()]


def _starter():
    sys.path.insert(0, str(ROOT / "scripts"))
    sys.path.insert(0, str(ROOT))
    import make_starter_pool  # noqa: E402 (the shared `check` report)
    return make_starter_pool


def build(jobs: int | None) -> int:
    from hsx.config import load_config
    from hsx.programs import load_pool, program_from_evaluation, save_pool_records
    from hsx.verdict import Result
    from hsx.verify import Verifier

    specs = all_specs()
    ids = [s[0] for _, s in specs]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        print(f"duplicate ids: {', '.join(dupes)}", file=sys.stderr)
        return 1
    others = {p.id for f in sorted(POOL_DIR.glob("*.jsonl")) if not f.name.startswith("pool_")
              for p in load_pool(f)}
    clash = sorted(set(ids) & others)
    if clash:
        print(f"ids already used elsewhere in the pool: {', '.join(clash)}", file=sys.stderr)
        return 1
    with Verifier(load_config()) as verifier:
        def run(spec: Spec):
            pid, tags, code, sample = spec
            return verifier.evaluate(code, sample, path=f"{pid}.hs")

        workers = jobs or verifier.config.worker_count()
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            evaluations = list(pool.map(run, [s for _, s in specs]))
        failed = False
        by_cat: dict[str, list] = {cat: [] for cat, _ in CATEGORIES}
        for (cat, (pid, tags, code, sample)), ev in zip(specs, evaluations):
            if not 3 <= len(sample) <= 5:
                print(f"{pid}: {len(sample)} sample rows (3 to 5 wanted)", file=sys.stderr)
                failed = True
            if isinstance(ev, Result):
                print(f"{pid}: cannot run: {ev.reason}", file=sys.stderr)
                failed = True
                continue
            for row, o in zip(sample, ev.outputs):
                if o.kind != "value":
                    print(f"{pid}: input {' '.join(row)} gives no value: {o.describe()}", file=sys.stderr)
                    failed = True
            by_cat[cat].append(program_from_evaluation(id=pid, code=code, rows=sample, evaluation=ev, tags=tags))
        if failed:
            return 1
        for cat, records in by_cat.items():
            out = POOL_DIR / f"pool_{cat}.jsonl"
            save_pool_records(out, records)
            print(f"wrote {len(records)} programs to {out.relative_to(ROOT)}")
        return _starter().check(POOL_DIR, verifier, jobs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only validate the existing pool directory")
    parser.add_argument("--jobs", type=int, default=None, help="parallel workers (default: all cores)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.check:
        from hsx.config import load_config
        from hsx.verify import Verifier
        with Verifier(load_config()) as verifier:
            return _starter().check(POOL_DIR, verifier, args.jobs)
    return build(args.jobs)


if __name__ == "__main__":
    sys.exit(main())
