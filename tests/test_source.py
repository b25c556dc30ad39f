"""Reading Haskell without GHC: tokens, declarations, entries, data types, types."""

import pytest

from hsx.haskell.hstypes import (TCon, TFun, TList, TTuple, TVar, canonical, expand_synonyms, parse_scheme,
                         render, render_scheme, split_function)
from hsx.haskell.source import parse_source
from hsx.haskell.tokens import SourceError, tokenize

SRC = '''{-# LANGUAGE LambdaCase #-}
module Shapes (area) where
import Data.List (sort)
{- a block {- nested -} comment mentioning unsafePerformIO -}
data Shape = Circle Double | Rect { w, h :: Double } deriving (Show, Eq)
data Tree a = Leaf | Node (Tree a) a (Tree a)
data E = Int :+: Int | Neg !E
type Name = String
-- | helper
scale :: Double -> Double
scale k = k * 2
area :: Shape -> Double
area (Circle r) = scale (r * r)
area (Rect a b) = a * b
x <+> y = x
'''


def test_tokens_skip_comments_and_keep_pragmas():
    toks = tokenize(SRC)
    assert toks[0].kind == "pragma"
    assert "unsafePerformIO" not in [t.text for t in toks]
    assert [t.text for t in tokenize('s = "a -- not a comment"')][-1] == '"a -- not a comment"'
    assert [t.kind for t in tokenize("x = y --> z")][-2] == "varsym"


def test_qualified_operators_are_one_token():
    # Haskell 2010's qvarsym/qconsym: `M.!` is the operator `!` of the module M, not `M` then `.!`.
    toks = tokenize("m M.! k; a Data.Map.\\\\ b; f Prelude.. g; x NE.:| xs; [LT ..GT]; T.pack.show")
    qualified = [(t.kind, t.qualifier, t.unqualified) for t in toks if t.qualifier]
    assert qualified == [("qvarsym", "M", "!"), ("qvarsym", "Data.Map", "\\\\"), ("qvarsym", "Prelude", "."),
                         ("qconsym", "NE", ":|"), ("qvarid", "T", "pack")]
    assert [t.text for t in toks][-3:] == ["T.pack", ".", "show"]


def test_declarations_and_entry():
    src = parse_source(SRC, "s.hs")
    assert src.module_name == "Shapes"
    assert src.header_lines == (2, 2)
    assert src.language_pragmas == (("LambdaCase", 1),)
    assert [src.imported_module(d) for d in src.imports] == ["Data.List"]
    assert src.function_names() == ["scale", "area", "<+>"]
    assert src.entry_candidates() == ["area", "<+>"]


def test_data_declarations():
    data = {d.name: d for d in parse_source(SRC).data_decls}
    assert [c.name for c in data["Shape"].constructors] == ["Circle", "Rect"]
    assert data["Shape"].constructors[1].fields == (TCon("Double"), TCon("Double"))
    assert data["Shape"].deriving == ("Show", "Eq")
    tree = data["Tree"]
    assert tree.params == ("a",)
    assert tree.constructors[1].fields == (TCon("Tree", (TVar("a"),)), TVar("a"), TCon("Tree", (TVar("a"),)))
    e = data["E"].constructors
    assert e[0].infix and e[0].name == ":+:" and e[1].fields == (TCon("E"),)


def test_synonyms():
    syn = parse_source(SRC).synonyms["Name"]
    assert syn.rhs == TCon("String")


def test_unterminated_comment_is_a_clear_error():
    with pytest.raises(SourceError, match="unterminated block comment"):
        parse_source("{- oops\nf x = x\n")


@pytest.mark.parametrize("text, expected", [
    ("Int -> Int", "Int -> Int"),
    ("forall a. (Ord a, Show a) => [a] -> Maybe (a, Int)", "(Ord a, Show a) => [a] -> Maybe (a, Int)"),
    ("Either String [Bool] -> ()", "Either String [Bool] -> ()"),
    ("(Int -> Int) -> Int", "(Int -> Int) -> Int"),
    ("Tree (Maybe Int) -> Int", "Tree (Maybe Int) -> Int"),
])
def test_types_round_trip(text, expected):
    assert render_scheme(parse_scheme(text)) == expected


def test_types_compare_up_to_renaming_and_synonyms():
    a = parse_scheme("forall x y. (x, y) -> String").body
    b = parse_scheme("(p, q) -> [Char]").body
    assert canonical(expand_synonyms(a, {})) == canonical(expand_synonyms(b, {}))
    args, res = split_function(parse_scheme("Int -> [Int] -> Bool").body)
    assert args == [TCon("Int"), TList(TCon("Int"))] and res == TCon("Bool")
    assert render(TFun(TTuple(()), TCon("Int"))) == "() -> Int"


def test_constructor_fields_have_synonyms_expanded():
    """`data E = V V` with `type V = Integer`: the field is an Integer (also without GHC's parse)."""
    src = parse_source("type V = Integer\ntype Pair a = (a, a)\ndata E = V V | P (Pair Int) | S String\n")
    fields = {c.name: c.fields for c in src.data_decls[0].constructors}
    assert fields["V"] == (TCon("Integer"),)
    assert fields["P"] == (TTuple((TCon("Int"), TCon("Int"))),)
    assert fields["S"] == (TList(TCon("Char")),)
