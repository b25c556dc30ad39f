"""Library types and functions as entry arguments and results (issue 20): generation, printing
that reads back, shrinking, equality, and the README's list being the code's list.

The tests with `verifier` run the real GHC and hsx-helper (skipped without them); the others
check the type tables, the policy and the README alone."""

import re
from pathlib import Path

import pytest

from hsx.haskell import sandbox
from hsx.haskell.testable import Signature, UnsupportedType, check_supported
from hsx.haskell.hstypes import TCon, TFun, TList, parse_type
from hsx.haskell.libtypes import LIBRARY_TYPES, Scope, resolve
from hsx.haskell.source import parse_source
from hsx.haskell.testable import proof_gap, supported_list
from hsx.verdict import ErrorKind, Verdict

ROOT = Path(__file__).resolve().parents[1]

# type -> (import line, type as written, prefix of every printed value or None)
TYPES = {
    "map": ("import qualified Data.Map.Strict as M", "M.Map Int Char", "Data.Map.fromList ["),
    "set": ("import qualified Data.Set as Set", "Set.Set Int", "Data.Set.fromList ["),
    "intmap": ("import qualified Data.IntMap as IM", "IM.IntMap Bool", "Data.IntMap.fromList ["),
    "intset": ("import qualified Data.IntSet as IS", "IS.IntSet", "Data.IntSet.fromList ["),
    "seq": ("import Data.Sequence (Seq)", "Seq Int", "Data.Sequence.fromList ["),
    "text": ("import qualified Data.Text as T", "T.Text", "Data.Text.pack \""),
    "rational": ("import Data.Ratio ((%))", "Rational", None),
    "nonempty": ("import Data.List.NonEmpty (NonEmpty (..))", "NonEmpty Int", "Data.List.NonEmpty.fromList ["),
    "natural": ("import Numeric.Natural (Natural)", "Natural", None),
    "int8": ("import Data.Int (Int8)", "Int8", None),
    "word16": ("import Data.Word (Word16)", "Word16", None),
    "int64": ("import Data.Int", "Int64", None),
    "record": ("import qualified Data.Map as Map",
               "Stock", None),
}
RECORD = ("data Stock = Stock { name :: !String, counts :: Map.Map String Int } deriving (Eq, Show)\n"
          "newtype Price = Price Int deriving (Eq, Ord, Show)\n")


def identity(kind: str) -> str:
    imp, t, _ = TYPES[kind]
    extra = RECORD if kind == "record" else ""
    return f"{imp}\n{extra}same :: {t} -> {t}\nsame x = x\n"


# -- without the toolchain ----------------------------------------------------------------------

def test_readme_lists_the_supported_types_from_the_code():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- supported-types:start -->\n(.*?)\n<!-- supported-types:end -->", readme, re.S)
    assert block is not None, "README.md lost its supported-types block"
    assert block.group(1) == supported_list()
    for t in LIBRARY_TYPES:
        assert f"`{t.short}" in block.group(1)


def test_library_types_resolve_from_ghc_and_from_user_spellings():
    scope = Scope({"M": "Data.Map.Strict", "Data.Map.Strict": "Data.Map.Strict"}, ("Data.Text",))
    assert resolve(parse_type("Data.Map.Internal.Map [Char] Int")) == \
        TCon("Data.Map.Map", (TList(TCon("Char")), TCon("Int")))
    assert resolve(parse_type("M.Map Int Int"), scope) == TCon("Data.Map.Map", (TCon("Int"), TCon("Int")))
    assert resolve(parse_type("Text"), scope) == TCon("Data.Text.Text")
    assert resolve(parse_type("GHC.Word.Word8")) == TCon("Data.Word.Word8")
    assert resolve(parse_type("Rational")) == TCon("Data.Ratio.Ratio", (TCon("Integer"),))
    # A file's own type of the same name is its own.
    own = Scope({}, ("Data.Map",), frozenset({"Map"}))
    assert resolve(parse_type("Map Int Int"), own) == TCon("Map", (TCon("Int"), TCon("Int")))


def test_unsupported_types_name_the_supported_ones():
    with pytest.raises(UnsupportedType, match="Ratio only at Integer"):
        check_supported(Signature((TCon("Data.Ratio.Ratio", (TCon("Int"),)),), TCon("Int")), {})
    with pytest.raises(UnsupportedType, match=r"(?s)supported:\n.*Map k v"):
        check_supported(Signature((TCon("Data.Array.Array", (TCon("Int"), TCon("Int"))),), TCon("Int")), {})
    with pytest.raises(UnsupportedType, match="not inside other types or as results"):
        check_supported(Signature((TCon("Int"),), TFun(TCon("Int"), TCon("Int"))), {})
    assert check_supported(Signature((TFun(TCon("Int"), TFun(TCon("Int"), TCon("Ordering"))), TList(TCon("Int"))),
                                     TList(TCon("Int"))), {}) == []


def test_proof_stage_says_which_type_it_has_no_theorem_for():
    m = TCon("Data.Map.Map", (TCon("Int"), TCon("Int")))
    assert proof_gap(Signature((TCon("Int"),), m)) == "no proof for Map results yet"
    assert proof_gap(Signature((TFun(TCon("Int"), TCon("Int")),), TCon("Int"))).startswith(
        "no proof for function arguments yet")
    assert proof_gap(Signature((TCon("Int"),), TCon("Int"))) is None


@pytest.mark.parametrize("module", ["Data.Map", "Data.Map.Strict", "Data.Set", "Data.IntMap.Lazy", "Data.Text",
                                    "Data.Sequence", "Numeric.Natural", "Data.List.NonEmpty", "Data.Ratio"])
def test_policy_allows_the_pure_library_modules(module):
    assert sandbox.check_source(parse_source(f"import qualified {module} as X\nf :: Int -> Int\nf = id\n")) == []


@pytest.mark.parametrize("module", ["Data.Text.IO", "Data.Map.Internal.Debug", "GHC.Natural", "System.IO"])
def test_policy_still_refuses_io_and_internals(module):
    violations = sandbox.check_source(parse_source(f"import {module}\nf :: Int -> Int\nf = id\n"))
    assert violations and module in violations[0].message


# -- with the toolchain --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(TYPES))
def test_generated_values_print_and_read_back(verifier, kind):
    """Sampled inputs are printed; run through `id` from their printed form they print the same
    (printing reads back), and generation gives empty and non-trivial values."""
    src = identity(kind)
    rows = verifier.synthesize_inputs(src, 40, seed=7)
    assert isinstance(rows, list), getattr(rows, "reason", rows)
    texts = [r[0] for r in rows]
    prefix = TYPES[kind][2]
    if prefix:
        assert all(t.startswith(prefix) for t in texts), texts[:3]
    assert len(set(texts)) >= 10, texts
    run = verifier.evaluate(src, rows)
    assert not hasattr(run, "verdict"), run.reason
    assert [o.value for o in run.outputs] == texts


@pytest.mark.parametrize("kind,empty", [("map", "Data.Map.fromList []"), ("set", "Data.Set.fromList []"),
                                        ("text", 'Data.Text.pack ""'), ("seq", "Data.Sequence.fromList []")])
def test_aimed_generation_covers_empty_singleton_and_duplicate_keys(check, kind, empty):
    """A difference only on the empty value, and one only where the two arguments share a key."""
    imp, t, _ = TYPES[kind]
    size = {"map": "M.size", "set": "Set.size", "text": "T.length", "seq": "length"}[kind]
    a = f"{imp}\nf :: {t} -> Int\nf x = {size} x\n"
    b = f"{imp}\nf :: {t} -> Int\nf x = if {size} x == 0 then 1 else {size} x\n"
    r = check(a, b)
    assert r.verdict == Verdict.INEQUIVALENT and r.counterexample.inputs == (empty,)


def test_colliding_union_of_two_maps_is_found_and_shrunk(check):
    imp = "import qualified Data.Map as M\n"
    a = imp + "merge :: M.Map Int Int -> M.Map Int Int -> M.Map Int Int\nmerge = M.union\n"
    b = imp + "merge :: M.Map Int Int -> M.Map Int Int -> M.Map Int Int\nmerge x y = M.union y x\n"
    r = check(a, b)
    assert r.verdict == Verdict.INEQUIVALENT and r.confirmed
    # Shrunk: one shared key in each map, with different values.
    x, y = r.counterexample.inputs
    assert x.count("(") == 1 and y.count("(") == 1, (x, y)


@pytest.mark.parametrize("kind,expr", [("natural", "x - 1"), ("word16", "x + 1"), ("int8", "abs x")])
def test_fixed_width_and_natural_boundaries(check, kind, expr):
    imp, t, _ = TYPES[kind]
    a = f"{imp}\nf :: {t} -> Bool\nf x = ({expr}) >= 0 && ({expr}) /= maxBound\n" if kind != "natural" else \
        f"{imp}\nf :: {t} -> {t}\nf x = if x == 0 then 0 else {expr}\n"
    b = (f"{imp}\nf :: {t} -> Bool\nf x = True\n" if kind != "natural" else
         f"{imp}\nf :: {t} -> {t}\nf x = {expr}\n")
    r = check(a, b)
    assert r.verdict == Verdict.INEQUIVALENT, r.reason


def test_function_argument_is_printed_as_a_lambda_and_rerun(check):
    a = "keep :: (Int -> Bool) -> [Int] -> [Int]\nkeep p = filter p\n"
    b = "keep :: (Int -> Bool) -> [Int] -> [Int]\nkeep p xs = filter p (drop 1 xs) ++ take 1 xs\n"
    r = check(a, b)
    assert r.verdict == Verdict.INEQUIVALENT and r.confirmed
    fn = r.counterexample.inputs[0]
    assert fn.startswith("\\"), fn
    # The printed form is an ordinary --input: checking it alone gives the same difference.
    again = check(a, b, inputs=r.counterexample.inputs)
    assert again.verdict == Verdict.INEQUIVALENT
    assert (again.counterexample.left, again.counterexample.right) == (r.counterexample.left, r.counterexample.right)


def test_comparison_function_argument(check):
    a = "import Data.List (sortBy)\nsrt :: (Int -> Int -> Ordering) -> [Int] -> [Int]\nsrt = sortBy\n"
    b = ("import Data.List (sortBy)\nsrt :: (Int -> Int -> Ordering) -> [Int] -> [Int]\n"
         "srt c = reverse . sortBy (flip c)\n")
    r = check(a, b)
    assert r.verdict == Verdict.INEQUIVALENT and r.counterexample.inputs[0].startswith("\\")


def test_given_input_may_use_the_programs_qualifiers(check):
    """`--input` may write what the programs write: `M.fromList`, and qualified operators."""
    head = "import qualified Data.Map as M\nlook :: M.Map Int Int -> Int -> Int\n"
    r = check(head + "look m k = M.findWithDefault 0 k m\n",
              head + "look m k = if M.member k m then m M.! k else 1\n",
              inputs=("M.fromList [(1, 2)]", "M.fromList [(3, 4)] M.! 3"))
    assert r.verdict == Verdict.INEQUIVALENT and r.confirmed, r.reason
    assert (r.counterexample.left.value, r.counterexample.right.value) == ("0", "1")


def test_equal_maps_built_differently_are_the_same(check):
    imp = "import qualified Data.Map.Strict as M\n"
    a = imp + "build :: [(Int, Int)] -> M.Map Int Int\nbuild = M.fromListWith (+)\n"
    b = imp + "build :: [(Int, Int)] -> M.Map Int Int\nbuild = foldl (\\m (k, v) -> M.insertWith (+) k v m) M.empty\n"
    r = check(a, b)
    assert r.verdict != Verdict.INEQUIVALENT, r.counterexample
    assert "no proof for Map results yet" in r.reason or r.verdict == Verdict.UNKNOWN


def test_shared_infix_constructors_with_fixity(check):
    a = ("data E = L Int | E :+: E | E :*: E deriving Show\ninfixl 6 :+:\ninfixl 7 :*:\n"
         "ev :: E -> Int\nev (L n) = n\nev (x :+: y) = ev x + ev y\nev (x :*: y) = ev x * ev y\n")
    b = a.replace("ev (L n) = n", "ev (L n) = abs n")
    r = check(a, b)
    assert r.verdict == Verdict.INEQUIVALENT, r.reason
    mixed = a.replace("infixl 6 :+:", "infixl 6 :+:, <+>\n(<+>) :: Int -> Int -> Int\n(<+>) = (+)")
    r = check(mixed, mixed)
    assert r.verdict == Verdict.ERROR and r.error_kind == ErrorKind.SOURCE and "A.hs:2" in r.reason


def test_ord_entry_is_also_tested_where_equal_values_are_distinguishable(check):
    """Stability is invisible at Int; Hsx.Key shows it, and the verdict says which type did."""
    a = "import Data.List (sortBy)\nsortDesc :: Ord a => [a] -> [a]\nsortDesc = sortBy (flip compare)\n"
    b = "import Data.List (sort)\nsortDesc :: Ord a => [a] -> [a]\nsortDesc = reverse . sort\n"
    r = check(a, b)
    assert r.verdict == Verdict.INEQUIVALENT and r.confirmed
    assert "no difference at Int; found with a at Hsx.Key.Key" in r.reason
    assert r.tested_type == "[Hsx.Key.Key] -> [Hsx.Key.Key]"
    # The printed counterexample is a valid --input (the policy allows Hsx.Key).
    again = check(a, b, inputs=r.counterexample.inputs)
    assert again.verdict == Verdict.INEQUIVALENT


def test_stable_sorts_stay_unrefuted_at_both_instantiations(check):
    a = "import Data.List (sort)\nsortAll :: Ord a => [a] -> [a]\nsortAll = sort\n"
    b = "import Data.List (insert)\nsortAll :: Ord a => [a] -> [a]\nsortAll = foldr insert []\n"
    r = check(a, b)
    assert r.verdict != Verdict.INEQUIVALENT, r.counterexample
    assert "also tested with a at Hsx.Key.Key" in r.reason


def test_num_constrained_variables_are_not_keyed(check):
    a = "total :: Num a => [a] -> a\ntotal = sum\n"
    b = "total :: Num a => [a] -> a\ntotal = foldr (+) 0\n"
    r = check(a, b)
    assert r.verdict != Verdict.INEQUIVALENT and "Hsx.Key" not in r.reason


def test_unpack_pragmas_and_strictness_in_fields_are_read():
    src = parse_source("data P = P {-# UNPACK #-} !Int !(Maybe Char)\nf :: P -> Int\nf (P n _) = n\n")
    (decl,) = src.data_decls
    assert decl.constructors[0].fields == (TCon("Int"), TCon("Maybe", (TCon("Char"),)))


EVERYDAY = '''{-# LANGUAGE LambdaCase, TupleSections #-}
module Shop.Inventory
  ( Item (..)
  , restock
  ) where

import qualified Data.Map.Strict as Map
import Data.Map.Strict (Map)
import Data.List (foldl', sortOn)
import Data.Maybe (fromMaybe)
import Prelude hiding (lookup)

newtype Qty = Qty Int deriving (Show, Eq, Ord)

data Item = Item
  { itemName :: !String
  , itemQty  :: {-# UNPACK #-} !Int
  } deriving (Show, Eq)

infixr 5 +++
(+++) :: [a] -> [a] -> [a]
xs +++ ys = foldr (:) ys xs

restock :: Map String Int -> [Item] -> Map String Int
restock inv items = foldl' step inv (sortOn itemName items)
  where
    step m it
      | itemQty it <= 0 = m
      | otherwise =
          let old = fromMaybe 0 (Map.lookup (itemName it) m)
          in Map.insert (itemName it) ((+ old) (itemQty it)) m
'''


def test_everyday_module_with_header_imports_records_and_where(check):
    r = check(EVERYDAY, EVERYDAY.replace("itemQty it <= 0", "itemQty it < 0"))
    assert r.verdict == Verdict.INEQUIVALENT and r.confirmed, r.reason
    assert r.counterexample.inputs[1].startswith("[Item ")
