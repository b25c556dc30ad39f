#!/usr/bin/env python3
"""Writes scripts/bench/proof_pairs_inductive.jsonl: equivalences from textbook inductive properties.

The properties are those of the inductive theorem provers' classic benchmark (the IsaPlanner set
of Zeno/HipSpec/TIP, `tip-org/benchmarks` benchmarks/isaplanner/prop_NN.smt2, cited by number in
`src`), of HipSpec's "productive use of failure" examples (rev/qrev, commutativity, ...) and
equivalences between two definitions of one function as people write them.  Each property
`lhs == rhs` over variables becomes a pair: A defines the functions the left side needs and
`prop v1 .. vn = lhs`, B those of the right side and `prop v1 .. vn = rhs`, over a user
`data Nat = Z | S Nat` (no machine integers: the overflow check has nothing to find) and lists.
A Boolean property `p` is the pair `prop = p` / `prop = True`.  Conditional properties
(`x /= y ==> ...`) and those about partial functions (`last`) are left out: hsx's theorem is an
unconditional equality of total functions.

Tiers (`tier` field; `expected_template` stays for the older tools):
  1  one-step: no induction, or one induction (on any argument, or several in lock-step
     following a function's recursion) whose hypothesis suffices;
  2  needs a lemma about the functions in scope first (e.g. `plus n (S m) == S (plus n m)`);
  3  needs a generalised lemma (an accumulator) or one that must be discovered from the stuck
     goal (e.g. `count n (rev xs) == count n xs` needs counting over an append).
The tier is the author's reading of the textbook proof, not measured.  The file is generated:
edit this script and run it (`python scripts/bench/make_inductive_pairs.py`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent / "proof_pairs_inductive.jsonl"

NAT = "data Nat = Z | S Nat"
TREE = "data Tree = Leaf | Node Tree Nat Tree"

DEFS = {
    "plus": "plus :: Nat -> Nat -> Nat\nplus Z m = m\nplus (S n) m = S (plus n m)",
    "plus2": "plus2 :: Nat -> Nat -> Nat\nplus2 n Z = n\nplus2 n (S m) = S (plus2 n m)",
    "plusAcc": "plusAcc :: Nat -> Nat -> Nat\nplusAcc Z m = m\nplusAcc (S n) m = plusAcc n (S m)",
    "minus": "minus :: Nat -> Nat -> Nat\nminus Z _ = Z\nminus (S n) Z = S n\nminus (S n) (S m) = minus n m",
    "mult": "mult :: Nat -> Nat -> Nat\nmult Z _ = Z\nmult (S n) m = plus m (mult n m)",
    "mult2": "mult2 :: Nat -> Nat -> Nat\nmult2 _ Z = Z\nmult2 n (S m) = plus (mult2 n m) n",
    "double": "double :: Nat -> Nat\ndouble Z = Z\ndouble (S n) = S (S (double n))",
    "half": "half :: Nat -> Nat\nhalf Z = Z\nhalf (S Z) = Z\nhalf (S (S n)) = S (half n)",
    "evenN": "evenN :: Nat -> Bool\nevenN Z = True\nevenN (S Z) = False\nevenN (S (S n)) = evenN n",
    "le": "le :: Nat -> Nat -> Bool\nle Z _ = True\nle (S _) Z = False\nle (S n) (S m) = le n m",
    "lt": "lt :: Nat -> Nat -> Bool\nlt _ Z = False\nlt Z (S _) = True\nlt (S n) (S m) = lt n m",
    "eqN": "eqN :: Nat -> Nat -> Bool\neqN Z Z = True\neqN Z (S _) = False\neqN (S _) Z = False\n"
           "eqN (S n) (S m) = eqN n m",
    "maxN": "maxN :: Nat -> Nat -> Nat\nmaxN Z m = m\nmaxN (S n) Z = S n\nmaxN (S n) (S m) = S (maxN n m)",
    "minN": "minN :: Nat -> Nat -> Nat\nminN Z _ = Z\nminN (S _) Z = Z\nminN (S n) (S m) = S (minN n m)",
    "maxIf": "maxIf :: Nat -> Nat -> Nat\nmaxIf a b = if le a b then b else a",
    "minIf": "minIf :: Nat -> Nat -> Nat\nminIf a b = if le a b then a else b",
    "lengthN": "lengthN :: [Int] -> Nat\nlengthN [] = Z\nlengthN (_ : xs) = S (lengthN xs)",
    "lenAcc": "lenAcc :: [Int] -> Nat -> Nat\nlenAcc [] n = n\nlenAcc (_ : xs) n = lenAcc xs (S n)",
    "app": "app :: [Int] -> [Int] -> [Int]\napp [] ys = ys\napp (x : xs) ys = x : app xs ys",
    "rev": "rev :: [Int] -> [Int]\nrev [] = []\nrev (x : xs) = app (rev xs) [x]",
    "qrev": "qrev :: [Int] -> [Int] -> [Int]\nqrev [] acc = acc\nqrev (x : xs) acc = qrev xs (x : acc)",
    "takeN": "takeN :: Nat -> [Int] -> [Int]\ntakeN Z _ = []\ntakeN (S _) [] = []\n"
             "takeN (S n) (x : xs) = x : takeN n xs",
    "dropN": "dropN :: Nat -> [Int] -> [Int]\ndropN Z xs = xs\ndropN (S _) [] = []\n"
             "dropN (S n) (_ : xs) = dropN n xs",
    "butlast": "butlast :: [Int] -> [Int]\nbutlast [] = []\nbutlast [_] = []\nbutlast (x : y : ys) = x : butlast (y : ys)",
    "zipL": "zipL :: [Int] -> [Int] -> [(Int, Int)]\nzipL [] _ = []\nzipL (_ : _) [] = []\n"
            "zipL (x : xs) (y : ys) = (x, y) : zipL xs ys",
    "dropZ": "dropZ :: Nat -> [(Int, Int)] -> [(Int, Int)]\ndropZ Z xs = xs\ndropZ (S _) [] = []\n"
             "dropZ (S n) (_ : xs) = dropZ n xs",
    "takeZ": "takeZ :: Nat -> [(Int, Int)] -> [(Int, Int)]\ntakeZ Z _ = []\ntakeZ (S _) [] = []\n"
             "takeZ (S n) (x : xs) = x : takeZ n xs",
    "lenZ": "lenZ :: [(Int, Int)] -> Nat\nlenZ [] = Z\nlenZ (_ : xs) = S (lenZ xs)",
    "posInt": "posInt :: Int -> Bool\nposInt x = x > 0",
    "filt": "filt :: [Int] -> [Int]\nfilt [] = []\nfilt (x : xs) = if posInt x then x : filt xs else filt xs",
    "takeWhileP": "takeWhileP :: [Int] -> [Int]\ntakeWhileP [] = []\n"
                  "takeWhileP (x : xs) = if posInt x then x : takeWhileP xs else []",
    "dropWhileP": "dropWhileP :: [Int] -> [Int]\ndropWhileP [] = []\n"
                  "dropWhileP (x : xs) = if posInt x then dropWhileP xs else x : xs",
    "dropWhileF": "dropWhileF :: [Int] -> [Int]\ndropWhileF [] = []\n"
                  "dropWhileF (x : xs) = if x /= x then dropWhileF xs else x : xs",
    "takeWhileT": "takeWhileT :: [Int] -> [Int]\ntakeWhileT [] = []\n"
                  "takeWhileT (x : xs) = if x == x then x : takeWhileT xs else []",
    "incr": "incr :: [Int] -> [Int]\nincr [] = []\nincr (x : xs) = (x + 1) : incr xs",
    "countN": "countN :: Nat -> [Nat] -> Nat\ncountN _ [] = Z\n"
              "countN n (x : xs) = if eqN n x then S (countN n xs) else countN n xs",
    "lengthL": "lengthL :: [Nat] -> Nat\nlengthL [] = Z\nlengthL (_ : xs) = S (lengthL xs)",
    "appN": "appN :: [Nat] -> [Nat] -> [Nat]\nappN [] ys = ys\nappN (x : xs) ys = x : appN xs ys",
    "revN": "revN :: [Nat] -> [Nat]\nrevN [] = []\nrevN (x : xs) = appN (revN xs) [x]",
    "elemN": "elemN :: Nat -> [Nat] -> Bool\nelemN _ [] = False\nelemN n (x : xs) = eqN n x || elemN n xs",
    "deleteN": "deleteN :: Nat -> [Nat] -> [Nat]\ndeleteN _ [] = []\n"
               "deleteN n (x : xs) = if eqN n x then deleteN n xs else x : deleteN n xs",
    "ins": "ins :: Nat -> [Nat] -> [Nat]\nins n [] = [n]\nins n (x : xs) = if lt n x then n : x : xs else x : ins n xs",
    "isort": "isort :: [Nat] -> [Nat]\nisort [] = []\nisort (x : xs) = ins x (isort xs)",
    "sorted": "sorted :: [Nat] -> Bool\nsorted [] = True\nsorted [_] = True\nsorted (x : y : ys) = le x y && sorted (y : ys)",
    "sumN": "sumN :: [Nat] -> Nat\nsumN [] = Z\nsumN (x : xs) = plus x (sumN xs)",
    "sumAcc": "sumAcc :: [Nat] -> Nat -> Nat\nsumAcc [] acc = acc\nsumAcc (x : xs) acc = sumAcc xs (plus acc x)",
    "mapS": "mapS :: [Nat] -> [Nat]\nmapS [] = []\nmapS (x : xs) = S x : mapS xs",
    "mirror": "mirror :: Tree -> Tree\nmirror Leaf = Leaf\nmirror (Node l x r) = Node (mirror r) x (mirror l)",
    "height": "height :: Tree -> Nat\nheight Leaf = Z\nheight (Node l _ r) = S (maxN (height l) (height r))",
    "sizeT": "sizeT :: Tree -> Nat\nsizeT Leaf = Z\nsizeT (Node l _ r) = S (plus (sizeT l) (sizeT r))",
    "flatten": "flatten :: Tree -> [Nat]\nflatten Leaf = []\nflatten (Node l x r) = appN (flatten l) (x : flatten r)",
}

_TYPES = {"n": "Nat", "m": "Nat", "k": "Nat", "i": "Nat", "j": "Nat", "a": "Nat", "b": "Nat", "c": "Nat",
          "x": "Int", "y": "Int", "xs": "[Int]", "ys": "[Int]", "zs": "[Int]", "t": "Tree",
          "ns": "[Nat]", "ms": "[Nat]"}

# (id, source, tier, variables, result type, lhs, rhs).  A Bool property has rhs "True".
PROPS = [
    # ---- IsaPlanner (TIP benchmarks/isaplanner), converted
    ("ip01-take-drop", "isaplanner 01", 1, "n xs", "[Int]", "app (takeN n xs) (dropN n xs)", "xs"),
    ("ip02-count-app", "isaplanner 02", 1, "n ns ms", "Nat", "plus (countN n ns) (countN n ms)", "countN n (appN ns ms)"),
    ("ip03-count-le-app", "isaplanner 03", 2, "n ns ms", "Bool", "le (countN n ns) (countN n (appN ns ms))", "True"),
    ("ip04-count-cons", "isaplanner 04", 2, "n ns", "Nat", "S (countN n ns)", "countN n (n : ns)"),
    ("ip06-minus-plus-zero", "isaplanner 06", 1, "n m", "Nat", "minus n (plus n m)", "Z"),
    ("ip07-plus-minus", "isaplanner 07", 1, "n m", "Nat", "minus (plus n m) n", "m"),
    ("ip08-plus-minus-cancel", "isaplanner 08", 1, "k m n", "Nat", "minus (plus k m) (plus k n)", "minus m n"),
    ("ip09-minus-minus", "isaplanner 09", 1, "i j k", "Nat", "minus (minus i j) k", "minus i (plus j k)"),
    ("ip10-minus-self", "isaplanner 10", 1, "m", "Nat", "minus m m", "Z"),
    ("ip11-drop-zero", "isaplanner 11", 1, "xs", "[Int]", "dropN Z xs", "xs"),
    ("ip12-drop-map", "isaplanner 12", 1, "n xs", "[Int]", "dropN n (incr xs)", "incr (dropN n xs)"),
    ("ip13-drop-succ", "isaplanner 13", 1, "n x xs", "[Int]", "dropN (S n) (x : xs)", "dropN n xs"),
    ("ip14-filter-app", "isaplanner 14", 1, "xs ys", "[Int]", "filt (app xs ys)", "app (filt xs) (filt ys)"),
    ("ip15-len-ins", "isaplanner 15", 1, "n ns", "Nat", "lengthL (ins n ns)", "S (lengthL ns)"),
    ("ip17-le-zero", "isaplanner 17", 1, "n", "Bool", "le n Z", "eqN n Z"),
    ("ip18-lt-succ-plus", "isaplanner 18", 1, "i m", "Bool", "lt i (S (plus i m))", "True"),
    ("ip19-len-drop", "isaplanner 19", 1, "n xs", "Nat", "lengthN (dropN n xs)", "minus (lengthN xs) n"),
    ("ip20-len-sort", "isaplanner 20", 2, "ns", "Nat", "lengthL (isort ns)", "lengthL ns"),
    ("ip21-le-plus", "isaplanner 21", 1, "n m", "Bool", "le n (plus n m)", "True"),
    ("ip22-max-assoc", "isaplanner 22", 1, "a b c", "Nat", "maxN (maxN a b) c", "maxN a (maxN b c)"),
    ("ip23-max-comm", "isaplanner 23", 1, "a b", "Nat", "maxN a b", "maxN b a"),
    ("ip24-max-eq-left", "isaplanner 24", 1, "a b", "Bool", "eqN (maxN a b) a", "le b a"),
    ("ip25-max-eq-right", "isaplanner 25", 1, "a b", "Bool", "eqN (maxN a b) b", "le a b"),
    ("ip31-min-assoc", "isaplanner 31", 1, "a b c", "Nat", "minN (minN a b) c", "minN a (minN b c)"),
    ("ip32-min-comm", "isaplanner 32", 1, "a b", "Nat", "minN a b", "minN b a"),
    ("ip33-min-eq-left", "isaplanner 33", 1, "a b", "Bool", "eqN (minN a b) a", "le a b"),
    ("ip34-min-eq-right", "isaplanner 34", 1, "a b", "Bool", "eqN (minN a b) b", "le b a"),
    ("ip35-dropwhile-false", "isaplanner 35", 1, "xs", "[Int]", "dropWhileF xs", "xs"),
    ("ip36-takewhile-true", "isaplanner 36", 1, "xs", "[Int]", "takeWhileT xs", "xs"),
    ("ip38-count-snoc", "isaplanner 38", 2, "n ns", "Nat", "countN n (appN ns [n])", "S (countN n ns)"),
    ("ip39-count-single", "isaplanner 39", 1, "n m ns", "Nat", "plus (countN n [m]) (countN n ns)", "countN n (m : ns)"),
    ("ip40-take-zero", "isaplanner 40", 1, "xs", "[Int]", "takeN Z xs", "[]"),
    ("ip41-take-map", "isaplanner 41", 1, "n xs", "[Int]", "takeN n (incr xs)", "incr (takeN n xs)"),
    ("ip42-take-succ", "isaplanner 42", 1, "n x xs", "[Int]", "takeN (S n) (x : xs)", "x : takeN n xs"),
    ("ip43-takewhile-dropwhile", "isaplanner 43", 1, "xs", "[Int]", "app (takeWhileP xs) (dropWhileP xs)", "xs"),
    ("ip45-zip-cons", "isaplanner 45", 1, "x y xs ys", "[(Int, Int)]", "zipL (x : xs) (y : ys)", "(x, y) : zipL xs ys"),
    ("ip46-zip-nil", "isaplanner 46", 1, "xs", "[(Int, Int)]", "zipL [] xs", "[]"),
    ("ip47-height-mirror", "isaplanner 47", 2, "t", "Nat", "height (mirror t)", "height t"),
    ("ip51-butlast-snoc", "isaplanner 51", 1, "xs x", "[Int]", "butlast (app xs [x])", "xs"),
    ("ip52-count-rev", "isaplanner 52", 3, "n ns", "Nat", "countN n ns", "countN n (revN ns)"),
    ("ip53-count-sort", "isaplanner 53", 3, "n ns", "Nat", "countN n ns", "countN n (isort ns)"),
    ("ip54-plus-minus-right", "isaplanner 54", 2, "m n", "Nat", "minus (plus m n) n", "m"),
    ("ip55-drop-app", "isaplanner 55", 1, "n xs ys", "[Int]", "dropN n (app xs ys)",
     "app (dropN n xs) (dropN (minus n (lengthN xs)) ys)"),
    ("ip56-drop-drop", "isaplanner 56", 2, "n m xs", "[Int]", "dropN n (dropN m xs)", "dropN (plus n m) xs"),
    ("ip57-drop-take", "isaplanner 57", 1, "n m xs", "[Int]", "dropN n (takeN m xs)", "takeN (minus m n) (dropN n xs)"),
    ("ip58-drop-zip", "isaplanner 58", 1, "n xs ys", "[(Int, Int)]", "dropZ n (zipL xs ys)", "zipL (dropN n xs) (dropN n ys)"),
    ("ip65-lt-plus-right", "isaplanner 65", 2, "i m", "Bool", "lt i (S (plus m i))", "True"),
    ("ip66-len-filter", "isaplanner 66", 2, "xs", "Bool", "le (lengthN (filt xs)) (lengthN xs)", "True"),
    ("ip67-len-butlast", "isaplanner 67", 1, "xs", "Nat", "lengthN (butlast xs)", "minus (lengthN xs) (S Z)"),
    ("ip68-len-delete", "isaplanner 68", 2, "n ns", "Bool", "le (lengthL (deleteN n ns)) (lengthL ns)", "True"),
    ("ip69-le-plus-right", "isaplanner 69", 2, "n m", "Bool", "le n (plus m n)", "True"),
    ("ip72-rev-drop", "isaplanner 72", 3, "i xs", "[Int]", "rev (dropN i xs)", "takeN (minus (lengthN xs) i) (rev xs)"),
    ("ip73-rev-filter", "isaplanner 73", 2, "xs", "[Int]", "rev (filt xs)", "filt (rev xs)"),
    ("ip74-rev-take", "isaplanner 74", 3, "i xs", "[Int]", "rev (takeN i xs)", "dropN (minus (lengthN xs) i) (rev xs)"),
    ("ip75-count-cons-right", "isaplanner 75", 2, "n m ns", "Nat", "plus (countN n ns) (countN n [m])", "countN n (m : ns)"),
    ("ip78-sorted-sort", "isaplanner 78", 3, "ns", "Bool", "sorted (isort ns)", "True"),
    ("ip79-minus-succ", "isaplanner 79", 1, "m n k", "Nat", "minus (minus (S m) n) (S k)", "minus (minus m n) k"),
    ("ip80-take-app", "isaplanner 80", 1, "n xs ys", "[Int]", "takeN n (app xs ys)",
     "app (takeN n xs) (takeN (minus n (lengthN xs)) ys)"),
    ("ip81-take-drop", "isaplanner 81", 1, "n m xs", "[Int]", "takeN n (dropN m xs)", "dropN m (takeN (plus n m) xs)"),
    ("ip82-take-zip", "isaplanner 82", 1, "n xs ys", "[(Int, Int)]", "takeZ n (zipL xs ys)", "zipL (takeN n xs) (takeN n ys)"),
    # ---- arithmetic on Nat
    ("nat-plus-zero-right", "textbook", 1, "n", "Nat", "plus n Z", "n"),
    ("nat-plus-succ-right", "textbook", 1, "n m", "Nat", "plus n (S m)", "S (plus n m)"),
    ("nat-plus-assoc", "textbook", 1, "a b c", "Nat", "plus (plus a b) c", "plus a (plus b c)"),
    ("nat-plus-comm", "textbook", 2, "a b", "Nat", "plus a b", "plus b a"),
    ("nat-plus-left-comm", "textbook", 2, "a b c", "Nat", "plus a (plus b c)", "plus b (plus a c)"),
    ("nat-plus-vs-plus2", "two definitions", 2, "a b", "Nat", "plus a b", "plus2 a b"),
    ("nat-plus-vs-acc", "two definitions", 3, "a b", "Nat", "plus a b", "plusAcc a b"),
    ("nat-plus2-assoc", "textbook", 1, "a b c", "Nat", "plus2 (plus2 a b) c", "plus2 a (plus2 b c)"),
    ("nat-mult-zero-right", "textbook", 1, "n", "Nat", "mult n Z", "Z"),
    ("nat-mult-one", "textbook", 2, "n", "Nat", "mult n (S Z)", "n"),
    ("nat-mult-distrib", "textbook", 2, "a b c", "Nat", "mult (plus a b) c", "plus (mult a c) (mult b c)"),
    ("nat-mult-assoc", "textbook", 3, "a b c", "Nat", "mult (mult a b) c", "mult a (mult b c)"),
    ("nat-mult-comm", "textbook", 3, "a b", "Nat", "mult a b", "mult b a"),
    ("nat-mult-vs-mult2", "two definitions", 3, "a b", "Nat", "mult a b", "mult2 a b"),
    ("nat-double-plus", "textbook", 2, "n", "Nat", "double n", "plus n n"),
    ("nat-half-double", "textbook", 1, "n", "Nat", "half (double n)", "n"),
    ("nat-even-double", "textbook", 1, "n", "Bool", "evenN (double n)", "True"),
    ("nat-even-plus-self", "textbook", 3, "n", "Bool", "evenN (plus n n)", "True"),
    ("nat-minus-zero", "textbook", 1, "n", "Nat", "minus n Z", "n"),
    ("nat-minus-plus-left", "textbook", 2, "n m", "Nat", "minus (plus m n) m", "n"),
    ("nat-le-refl", "textbook", 1, "n", "Bool", "le n n", "True"),
    ("nat-le-succ", "textbook", 1, "n", "Bool", "le n (S n)", "True"),
    ("nat-lt-succ", "textbook", 1, "n", "Bool", "lt n (S n)", "True"),
    ("nat-lt-irrefl", "textbook", 1, "n", "Bool", "lt n n", "False"),
    ("nat-eq-refl", "textbook", 1, "n", "Bool", "eqN n n", "True"),
    ("nat-eq-comm", "textbook", 1, "a b", "Bool", "eqN a b", "eqN b a"),
    ("nat-lt-vs-le", "textbook", 1, "a b", "Bool", "lt a b", "le (S a) b"),
    ("nat-le-vs-not-lt", "textbook", 1, "a b", "Bool", "le a b", "not (lt b a)"),
    ("nat-max-vs-if", "two definitions", 1, "a b", "Nat", "maxN a b", "maxIf a b"),
    ("nat-min-vs-if", "two definitions", 1, "a b", "Nat", "minN a b", "minIf a b"),
    ("nat-max-min-absorb", "textbook", 1, "a b", "Nat", "maxN a (minN a b)", "a"),
    ("nat-min-max-absorb", "textbook", 1, "a b", "Nat", "minN a (maxN a b)", "a"),
    ("nat-plus-min-max", "textbook", 2, "a b", "Nat", "plus (minN a b) (maxN a b)", "plus a b"),
    ("nat-max-plus-left", "textbook", 1, "a b c", "Nat", "maxN (plus a b) (plus a c)", "plus a (maxN b c)"),
    ("nat-minus-max", "textbook", 1, "a b", "Nat", "minus (maxN a b) b", "minus a b"),
    ("nat-max-idem", "textbook", 1, "a", "Nat", "maxN a a", "a"),
    ("nat-min-idem", "textbook", 1, "a", "Nat", "minN a a", "a"),
    ("nat-le-max", "textbook", 1, "a b", "Bool", "le a (maxN a b)", "True"),
    ("nat-le-min", "textbook", 1, "a b", "Bool", "le (minN a b) a", "True"),
    ("nat-le-trans-plus", "textbook", 1, "a b c", "Bool", "le (plus a b) (plus a c)", "le b c"),
    ("nat-eq-plus-cancel", "textbook", 1, "a b c", "Bool", "eqN (plus a b) (plus a c)", "eqN b c"),
    # ---- lists of Int
    ("list-app-nil", "textbook", 1, "xs", "[Int]", "app xs []", "xs"),
    ("list-app-assoc", "textbook", 1, "xs ys zs", "[Int]", "app (app xs ys) zs", "app xs (app ys zs)"),
    ("list-len-app", "textbook", 1, "xs ys", "Nat", "lengthN (app xs ys)", "plus (lengthN xs) (lengthN ys)"),
    ("list-len-app-comm", "hipspec", 3, "xs ys", "Nat", "lengthN (app xs ys)", "lengthN (app ys xs)"),
    ("list-len-rev", "hipspec", 2, "xs", "Nat", "lengthN (rev xs)", "lengthN xs"),
    ("list-rev-rev", "hipspec", 3, "xs", "[Int]", "rev (rev xs)", "xs"),
    ("list-rev-app", "hipspec", 2, "xs ys", "[Int]", "rev (app xs ys)", "app (rev ys) (rev xs)"),
    ("list-rev-snoc", "textbook", 1, "x xs", "[Int]", "rev (app xs [x])", "x : rev xs"),
    ("list-qrev-rev", "hipspec", 3, "xs", "[Int]", "qrev xs []", "rev xs"),
    ("list-qrev-gen", "hipspec", 2, "xs ys", "[Int]", "qrev xs ys", "app (rev xs) ys"),
    ("list-qrev-qrev", "hipspec", 3, "xs", "[Int]", "qrev (qrev xs []) []", "xs"),
    ("list-len-qrev", "hipspec", 3, "xs", "Nat", "lengthN (qrev xs [])", "lengthN xs"),
    ("list-len-vs-acc", "two definitions", 3, "xs", "Nat", "lengthN xs", "lenAcc xs Z"),
    ("list-lenacc-gen", "two definitions", 2, "xs n", "Nat", "lenAcc xs n", "plus (lengthN xs) n"),
    ("list-len-double-app", "hipspec", 3, "xs", "Nat", "lengthN (app xs xs)", "double (lengthN xs)"),
    ("list-rev-rev-app", "hipspec", 3, "xs ys", "[Int]", "rev (rev (app xs ys))", "app xs ys"),
    ("list-len-take", "textbook", 1, "n xs", "Nat", "lengthN (takeN n xs)", "minN n (lengthN xs)"),
    ("list-take-take", "textbook", 1, "n m xs", "[Int]", "takeN n (takeN m xs)", "takeN (minN n m) xs"),
    ("list-take-len", "textbook", 1, "xs", "[Int]", "takeN (lengthN xs) xs", "xs"),
    ("list-drop-len", "textbook", 1, "xs", "[Int]", "dropN (lengthN xs) xs", "[]"),
    ("list-take-app-len", "textbook", 1, "xs ys", "[Int]", "takeN (lengthN xs) (app xs ys)", "xs"),
    ("list-drop-app-len", "textbook", 1, "xs ys", "[Int]", "dropN (lengthN xs) (app xs ys)", "ys"),
    ("list-len-incr", "textbook", 1, "xs", "Nat", "lengthN (incr xs)", "lengthN xs"),
    ("list-incr-app", "textbook", 1, "xs ys", "[Int]", "incr (app xs ys)", "app (incr xs) (incr ys)"),
    ("list-incr-rev", "textbook", 2, "xs", "[Int]", "incr (rev xs)", "rev (incr xs)"),
    ("list-filter-idem", "textbook", 1, "xs", "[Int]", "filt (filt xs)", "filt xs"),
    ("list-filter-takewhile", "textbook", 1, "xs", "[Int]", "filt (takeWhileP xs)", "takeWhileP xs"),
    ("list-takewhile-idem", "textbook", 1, "xs", "[Int]", "takeWhileP (takeWhileP xs)", "takeWhileP xs"),
    ("list-butlast-take", "isaplanner 50", 2, "xs", "[Int]", "butlast xs", "takeN (minus (lengthN xs) (S Z)) xs"),
    ("list-len-zip", "textbook", 1, "xs ys", "Nat", "lenZ (zipL xs ys)", "minN (lengthN xs) (lengthN ys)"),
    ("list-zip-take-len", "textbook", 1, "xs ys", "[(Int, Int)]", "zipL xs (takeN (lengthN xs) ys)", "zipL xs ys"),
    # ---- lists of Nat: count, elem, delete, sorting, sums
    ("nlist-count-rev-app", "hipspec", 3, "n ns ms", "Nat", "countN n (appN ns ms)", "countN n (appN ms ns)"),
    ("nlist-count-le-len", "textbook", 2, "n ns", "Bool", "le (countN n ns) (lengthL ns)", "True"),
    ("nlist-count-ins-same", "textbook", 2, "n ns", "Nat", "countN n (ins n ns)", "S (countN n ns)"),
    ("nlist-elem-app", "textbook", 1, "n ns ms", "Bool", "elemN n (appN ns ms)", "elemN n ns || elemN n ms"),
    ("nlist-elem-rev", "hipspec", 3, "n ns", "Bool", "elemN n (revN ns)", "elemN n ns"),
    ("nlist-elem-cons-self", "textbook", 2, "n ns", "Bool", "elemN n (n : ns)", "True"),
    ("nlist-elem-ins", "textbook", 2, "n ns", "Bool", "elemN n (ins n ns)", "True"),
    ("nlist-delete-count", "textbook", 2, "n ns", "Nat", "countN n (deleteN n ns)", "Z"),
    ("nlist-len-sort-ins", "textbook", 2, "n ns", "Nat", "lengthL (isort (n : ns))", "S (lengthL ns)"),
    ("nlist-sum-app", "textbook", 2, "ns ms", "Nat", "sumN (appN ns ms)", "plus (sumN ns) (sumN ms)"),
    ("nlist-sum-rev", "hipspec", 3, "ns", "Nat", "sumN (revN ns)", "sumN ns"),
    ("nlist-sum-vs-acc", "two definitions", 3, "ns", "Nat", "sumN ns", "sumAcc ns Z"),
    ("nlist-sum-sort", "hipspec", 3, "ns", "Nat", "sumN (isort ns)", "sumN ns"),
    ("nlist-len-map", "textbook", 1, "ns", "Nat", "lengthL (mapS ns)", "lengthL ns"),
    ("nlist-sum-map", "textbook", 2, "ns", "Nat", "sumN (mapS ns)", "plus (sumN ns) (lengthL ns)"),
    ("nlist-map-rev", "textbook", 2, "ns", "[Nat]", "mapS (revN ns)", "revN (mapS ns)"),
    ("nlist-len-rev", "textbook", 2, "ns", "Nat", "lengthL (revN ns)", "lengthL ns"),
    ("nlist-rev-rev", "textbook", 3, "ns", "[Nat]", "revN (revN ns)", "ns"),
    ("nlist-sorted-ins-nil", "textbook", 1, "n", "Bool", "sorted (ins n [])", "True"),
    ("nlist-count-app-cons", "textbook", 1, "n ns ms", "Nat", "countN n (appN ns (n : ms))", "S (countN n (appN ns ms))"),
    # ---- trees
    ("tree-mirror-mirror", "textbook", 1, "t", "Tree", "mirror (mirror t)", "t"),
    ("tree-size-mirror", "textbook", 2, "t", "Nat", "sizeT (mirror t)", "sizeT t"),
    ("tree-size-flatten", "textbook", 2, "t", "Nat", "lengthL (flatten t)", "sizeT t"),
    ("tree-flatten-mirror", "hipspec", 3, "t", "[Nat]", "flatten (mirror t)", "revN (flatten t)"),
    ("tree-sum-mirror", "hipspec", 3, "t", "Nat", "sumN (flatten (mirror t))", "sumN (flatten t)"),
]

_IDENT = re.compile(r"\b[a-z][A-Za-z0-9_']*\b")


def _needs(text: str) -> list[str]:
    """Definitions `text` uses, dependencies first."""
    out: list[str] = []

    def visit(name: str) -> None:
        if name in out:
            return
        body = DEFS[name].split("\n", 1)[1]
        for used in _IDENT.findall(body):
            if used in DEFS and used != name:
                visit(used)
        out.append(name)

    for name in _IDENT.findall(text):
        if name in DEFS:
            visit(name)
    return out


def _side(variables: list[str], result: str, expr: str) -> str:
    names = _needs(expr)
    sig = " -> ".join([_TYPES[v] for v in variables] + [result])
    text = "\n\n".join(DEFS[n] for n in names)
    typed = sig + " " + text
    datas = [d for d, word in ((NAT, "Nat"), (TREE, "Tree")) if re.search(rf"\b{word}\b", typed)]
    if TREE in datas and NAT not in datas:
        datas.insert(0, NAT)
    parts = datas + ([text] if text else []) + [f"prop :: {sig}\nprop {' '.join(variables)} = {expr}"]
    return "\n\n".join(parts) + "\n"


def _template(tier: int) -> str:
    return "induction" if tier == 1 else "hard"


def records() -> list[dict]:
    out = []
    seen = set()
    for pid, src, tier, variables, result, lhs, rhs in PROPS:
        if pid in seen:
            raise ValueError(f"duplicate id {pid}")
        seen.add(pid)
        vs = variables.split()
        a, b = _side(vs, result, lhs), _side(vs, result, rhs)
        # B needs the data types of the signature even when its body uses none of A's functions.
        if "data Nat" in a and "data Nat" not in b:
            b = NAT + "\n\n" + b
        if "data Tree" in a and "data Tree" not in b:
            b = b.replace(NAT + "\n\n", NAT + "\n\n" + TREE + "\n\n", 1)
        out.append(dict(id=pid, a_source=a, b_source=b, tags=[src, f"tier{tier}"],
                        expected_template=_template(tier), tier=tier))
    return out


def main() -> None:
    rows = records()
    OUT.write_text("".join(json.dumps(r) + "\n" for r in rows))
    tiers = {t: sum(r["tier"] == t for r in rows) for t in (1, 2, 3)}
    print(f"{len(rows)} pairs written to {OUT} (tiers: {tiers})")


if __name__ == "__main__":
    main()
