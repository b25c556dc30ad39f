"""Reading Haskell with GHC's own parser (the helper's `syntax` op): names, uses after local
shadowing, infix definitions, fixities, synonyms, and the expression nodes with their spans.
Each construct of issue 10 item 3 has a test here, and the three readings that failed on pairs
from outside the team are checked through `hsx verify` as well."""

import json
from pathlib import Path

import pytest

from hsx.config import SearchConfig
from hsx.haskell.helper import Helper, Limits, RunRequest, Status, read_source
from hsx.haskell.hstypes import TCon, TList
from hsx.haskell.source import parse_source
from hsx.haskell.syntax import IfNode, LiteralNode, MatchNode, OpNode, SyntaxTree, syntax_tree_from_json
from hsx.selfplay.transform.syntax_tree import token_syntax
from hsx.verdict import ErrorKind, Verdict


@pytest.fixture(scope="module")
def helper(config, toolchain):
    with Helper(toolchain, config.sandbox) as h:
        yield h


@pytest.fixture
def read(helper):
    def run(text: str):
        src = read_source(helper, text, "T.hs")
        assert src.syntax is not None, "the helper should have parsed this source"
        return src
    return run


def uses(src, name: str) -> set[str]:
    return set().union(*(d.references for d in src.decls if d.kind == "binding" and name in d.names))


def text_of(source: str, span) -> str:
    line, col, end_line, end_col = span
    lines = source.split("\n")
    if line == end_line:
        return lines[line - 1][col - 1:end_col - 1]
    return "\n".join([lines[line - 1][col - 1:], *lines[line:end_line - 1], lines[end_line - 1][:end_col - 1]])


# ------------------------------------------------------------------------------------------------
# Names and uses

def test_top_level_names_and_functions_without_signatures(read):
    src = read("module M where\nimport Data.List (sort)\nsq x = x * x\n(a, b) = (1, 2)\n"
               "(<+>) :: Int -> Int -> Int\nx <+> y = x + y\nmain = print (sq 3)\n")
    assert src.function_names() == ["sq", "a", "b", "<+>", "main"]
    assert [d.names for d in src.decls if d.kind == "signature"] == [("<+>",)]


def test_pattern_variable_named_like_a_top_level_function_is_not_a_use(read):
    src = read("data T = L Int | T :+: T\nsize (L _) = 1\nsize (f :+: g) = size f + size g\n"
               "f t = size t * 2\n")
    assert "f" not in uses(src, "size")
    assert src.entry_candidates() == ["f"]
    # The hand-written reader alone counts the pattern variable as a use: the old failure.
    assert parse_source(src.text).entry_candidates() == []


@pytest.mark.parametrize("binder", [
    "g f = let f = 1 in f + 1",                        # let
    "g x = f + x where f = 2",                         # where
    "g = \\f -> f 1",                                  # lambda
    "g x = case x of { Just f -> f; Nothing -> 0 }",   # case alternative
    "g xs = do { f <- xs; return (f + 1) }",           # do generator
    "g xs = [f * 2 | f <- xs]",                        # list comprehension
    "g x | Just f <- x = f | otherwise = 0",           # pattern guard
    "g f@(Just _) = f",                                # as-pattern
])
def test_local_binders_shadow_top_level_names(read, binder):
    src = read(f"f :: Int\nf = 3\n{binder}\n")
    assert "f" not in uses(src, "g"), binder
    assert "f" in src.entry_candidates()


def test_uses_outside_the_scope_of_a_binder_still_count(read):
    src = read("f = 3\ng x = (let f = 1 in f) + f\nh xs = [y | y <- xs, y > f]\n")
    assert "f" in uses(src, "g") and "f" in uses(src, "h")


def test_where_bound_helpers_and_guards(read):
    src = read("clamp :: Int -> Int\nclamp x\n  | x < lo = lo\n  | x > hi = hi\n  | otherwise = x\n"
               "  where\n    lo = 0\n    hi = bound * 2\nbound = 50\n")
    assert src.function_names() == ["clamp", "bound"]  # lo, hi are local
    assert uses(src, "clamp") >= {"bound", "otherwise", "<", ">"}
    assert not uses(src, "clamp") & {"lo", "hi", "x"}
    assert src.entry_candidates() == ["clamp"]


def test_backtick_infix_definitions_are_one_function(read):
    src = read("data Nat = Z | S Nat\nplus :: Nat -> Nat -> Nat\nZ `plus` m = m\n"
               "S n `plus` m = S (n `plus` m)\ndouble :: Nat -> Nat\ndouble n = n `plus` n\n")
    assert src.function_names() == ["plus", "double"]
    assert src.entry_candidates() == ["double"]
    infix = [d for d in src.syntax.decls if d.kind == "binding" and d.names == ("plus",)]
    assert len(infix) == 1 and infix[0].infix and infix[0].arity == 2


def test_operator_definitions_and_fixity_declarations(read):
    src = read("infixr 5 +++\n(+++) :: [a] -> [a] -> [a]\n[] +++ ys = ys\n(x:xs) +++ ys = x : (xs +++ ys)\n"
               "infixl 6 `minus`\nminus :: Int -> Int -> Int\nminus a b = a - b\n"
               "both :: [Int] -> Int\nboth xs = sum (xs +++ xs) `minus` 1\n")
    assert src.function_names() == ["+++", "minus", "both"]
    assert [(f.op, f.assoc, f.prec) for f in src.syntax.fixities] == [("+++", "right", 5), ("minus", "left", 6)]
    assert [d.kind for d in src.decls][:2] == ["fixity", "signature"]
    assert src.entry_candidates() == ["both"]


def test_type_synonyms_in_constructor_fields_and_signatures(read):
    src = read("type V = Integer\ntype Env a = [(String, a)]\ndata E = N Integer | V V | Add E E\n"
               "  | Let { name :: String, value :: !V }\nlookupV :: Env V -> String -> V\n"
               "lookupV env k = maybe 0 id (lookup k env)\n")
    data = {d.name: d for d in src.data_decls}["E"]
    fields = {c.name: c.fields for c in data.constructors}
    assert fields["V"] == (TCon("Integer"),)
    assert fields["Let"] == (TList(TCon("Char")), TCon("Integer"))
    assert src.synonyms["Env"].params == ("a",)
    sig = next(d for d in src.syntax.decls if d.kind == "signature")
    assert sig.type == "Env V -> String -> V"


def test_a_parse_error_falls_back_to_the_hand_written_reader(helper):
    tree = helper.syntax("f x = x +\n")
    assert tree.errors and tree.errors[0].line == 2 and not tree.decls
    src = read_source(helper, "f x = x +\n", "T.hs")
    assert src.syntax is None and src.function_names() == ["f"]


def test_language_pragmas_reach_the_parser(read):
    body = "f = \\case { 0 -> 1; n -> n }\n"
    src = read("{-# LANGUAGE LambdaCase #-}\n" + body)
    assert src.syntax.language == ("LambdaCase",)
    assert src.function_names() == ["f"]
    # An extension that changes what the lexer reads: with MagicHash `f#` is a name, without it
    # `f# x = x` defines the operator `#`.
    assert read("{-# LANGUAGE Safe, MagicHash #-}\nf# x = x\n").function_names() == ["f#"]
    assert read("f# x = x\n").function_names() == ["#"]


# ------------------------------------------------------------------------------------------------
# Expression nodes (for program transformations)

def nodes(src, kind: str):
    return [n for n in src.syntax.nodes if n.node == kind]


def test_operators_are_reassociated_by_fixity(read):
    text = "f x y = x + y * 2 - 1\ng a b = a `div` b ^ 2\n"
    src = read(text)
    ops = {n.op: n for n in nodes(src, "op")}
    assert text_of(text, ops["*"].span) == "y * 2"
    assert text_of(text, ops["+"].rhs) == "y * 2"
    assert text_of(text, ops["-"].lhs) == "x + y * 2"
    assert text_of(text, ops["div"].rhs) == "b ^ 2" and ops["div"].backtick
    assert text_of(text, ops["-"].op_span) == "-"


def test_a_leading_minus_takes_part_in_fixity_resolution(read):
    text = "f a b = - a ^ 2 + b\n"
    src = read(text)
    (neg,) = nodes(src, "neg")
    assert text_of(text, neg.span) == "- a ^ 2" and text_of(text, neg.arg) == "a ^ 2"
    plus = next(n for n in nodes(src, "op") if n.op == "+")
    assert text_of(text, plus.lhs) == "- a ^ 2"


def test_the_modules_own_fixities_are_used(read):
    text = "infixr 5 +++\n(+++) :: [a] -> [a] -> [a]\n(+++) = (++)\nf a b c = a +++ b +++ c\n"
    src = read(text)
    outer = [n for n in nodes(src, "op") if text_of(text, n.span) == "a +++ b +++ c"]
    assert len(outer) == 1 and text_of(text, outer[0].rhs) == "b +++ c"


def test_literals_if_case_calls_and_matches(read):
    text = ("f :: Int -> String\nf n = if n > 10 then \"big\" else g (n * 2) 'x'\n"
            "g :: Int -> Char -> String\ng k c = case k of\n  0 -> [c]\n  _ -> show 2.5\n")
    src = read(text)
    lits = {(n.kind, n.value) for n in nodes(src, "literal")}
    assert {("integer", "10"), ("string", "big"), ("char", "x"), ("fractional", "2.5"), ("integer", "0")} <= lits
    (if_,) = nodes(src, "if")
    assert [text_of(text, s) for s in (if_.cond, if_.then, if_.else_)] == ["n > 10", '"big"', "g (n * 2) 'x'"]
    call = next(n for n in nodes(src, "call") if n.name == "g")
    assert [text_of(text, a) for a in call.args] == ["(n * 2)", "'x'"]
    (case,) = nodes(src, "case")
    assert text_of(text, case.scrutinee) == "k"
    assert [text_of(text, a) for a in case.alts] == ["0 -> [c]", "_ -> show 2.5"]
    fmatch = next(n for n in nodes(src, "match") if n.name == "g")
    assert [text_of(text, p) for p in fmatch.patterns] == ["k", "c"]
    alts = [n for n in nodes(src, "match") if n.context == "case"]
    assert [text_of(text, n.rhs[0]) for n in alts] == ["[c]", "show 2.5"]


def test_guarded_right_hand_sides(read):
    text = "sign x\n  | x > 0, even x = 2\n  | x > 0 = 1\n  | otherwise = 0\n"
    src = read(text)
    guarded = nodes(src, "guarded")
    assert [[text_of(text, g) for g in n.guards] for n in guarded] == [["x > 0", "even x"], ["x > 0"],
                                                                                   ["otherwise"]]
    assert [text_of(text, n.rhs) for n in guarded] == ["2", "1", "0"]
    (m,) = nodes(src, "match")
    assert len(m.rhs) == 3 and len(m.guards[0]) == 2


def test_both_readers_give_one_tree_type_and_a_renamed_field_is_an_error(helper):
    """GHC's reader and the tokenizer's return the same `SyntaxTree` with the same node classes;
    a node field missing from the JSON (a renamed protocol field) fails loudly, not as no node."""
    text = "f :: Int -> Int\nf x = if x > 0 then x + 1 else 7\n"
    ghc, tokens = helper.syntax(text), token_syntax(text)
    assert isinstance(ghc, SyntaxTree) and isinstance(tokens, SyntaxTree)
    for cls in (OpNode, IfNode, MatchNode, LiteralNode):
        assert [n.span for n in ghc.nodes if isinstance(n, cls)] == [n.span for n in tokens.nodes
                                                                   if isinstance(n, cls)], cls
    raw = json.loads(json.dumps(ghc.raw))
    op = next(n for n in raw["nodes"] if n["node"] == "op")
    op["operator"] = op.pop("op")
    with pytest.raises(KeyError):
        syntax_tree_from_json(raw)


def test_requests_and_statuses_are_typed():
    limits = Limits.of(SearchConfig())
    assert set(limits.json()) == {"seed", "tests", "max_size", "depth", "enum_cap", "eval_timeout_ms",
                                  "budget_ms", "max_shrinks", "render_cap", "strategies"}
    req = RunRequest("check", Path("/d"), ("A.hs",), "H.job", limits).json()
    assert req["op"] == "check" and req["dir"] == "/d" and req["limits"]["strategies"] == list(limits.strategies)
    with pytest.raises(ValueError):
        RunRequest("sample", Path("/d"), (), "H.job", limits)
    assert {s.value for s in Status} == {"ready", "ok", "compile-error", "bad-request", "internal"}


def test_spans_count_a_tab_as_one_column(read):
    text = "f x = let\n\ty = 2\n\tin\tx * y\n"
    src = read(text)
    (op,) = nodes(src, "op")
    assert text_of(text, op.span) == "x * y"


# ------------------------------------------------------------------------------------------------
# Through `hsx verify`: the three readings that failed

SYNONYM_FIELD = """type V = Integer
data E = N Integer | V V | Add E E deriving Show
eval :: E -> Integer
eval (N n) = n
eval (V v) = v
eval (Add a b) = eval a {op} eval b
"""

BACKTICK = """data Nat = Z | S Nat deriving Show
plus :: Nat -> Nat -> Nat
Z `plus` m = m
S n `plus` m = S (n `plus` m)
toInt :: Nat -> Int
toInt Z = 0
toInt (S n) = 1 + toInt n
double :: Nat -> Int
double n = toInt ({lhs} `plus` n)
"""

SHADOW = """data T = L Int | T :+: T deriving Show
size :: T -> Int
size (L _) = 1
size (f :+: g) = size f + size g
f :: T -> Int
f t = size t * {k}
"""


def test_verify_a_synonym_used_as_a_constructor_field(check):
    r = check(SYNONYM_FIELD.format(op="+"), SYNONYM_FIELD.format(op="-"))
    assert r.verdict == Verdict.INEQUIVALENT, r.reason
    assert r.entry_a.name == "eval"


def test_verify_backtick_infix_definitions(check):
    r = check(BACKTICK.format(lhs="n"), BACKTICK.format(lhs="S n"))
    assert r.verdict == Verdict.INEQUIVALENT, r.reason
    assert r.entry_a.name == "double" and r.entry_b.name == "double"


def test_verify_a_pattern_variable_named_like_the_entry(check):
    r = check(SHADOW.format(k="2"), SHADOW.format(k="3"))
    assert r.verdict == Verdict.INEQUIVALENT, r.reason
    assert r.entry_a.name == "f"
    assert r.error_kind != ErrorKind.ENTRY


def test_hsx_verify_command_reads_all_three(toolchain, tmp_path):
    """The same three readings through the `hsx verify` command line."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for name, template, left, right in [("synonym", SYNONYM_FIELD, {"op": "+"}, {"op": "-"}),
                                        ("backtick", BACKTICK, {"lhs": "n"}, {"lhs": "S n"}),
                                        ("shadow", SHADOW, {"k": "2"}, {"k": "3"})]:
        a, b = tmp_path / f"{name}_a.hs", tmp_path / f"{name}_b.hs"
        a.write_text(template.format(**left))
        b.write_text(template.format(**right))
        r = subprocess.run([sys.executable, "-m", "hsx.cli.main", "verify", "--json", "--no-proof", str(a), str(b)],
                           capture_output=True, text=True, timeout=120, cwd=root)
        d = json.loads(r.stdout)
        assert d["verdict"] == "inequivalent", (name, d["reason"])
        assert r.returncode == 1


def test_verify_a_synonym_in_one_file_only(check):
    """One file names the field through a synonym, the other writes Integer: the two `E`s are
    declared differently (as before GHC's reader), so they are two types, not a compile error in
    hsx's generated modules (the shared module would lack the synonym)."""
    b = SYNONYM_FIELD.format(op="-").replace("type V = Integer\n", "").replace("| V V", "| V Integer")
    r = check(SYNONYM_FIELD.format(op="+"), b)
    assert r.error_kind == ErrorKind.TYPE_MISMATCH, r.reason


CLAMP = """clamp x
  | x < lo = lo
  | x > hi = hi
  | otherwise = x
  where
    lo = 0
    hi = bound * 2
bound = {bound}
"""


def test_verify_functions_without_signatures_with_guards_and_where_helpers(check):
    r = check(CLAMP.format(bound=50), CLAMP.format(bound=60))
    assert r.verdict == Verdict.INEQUIVALENT, r.reason
    assert r.entry_a.name == "clamp" and r.tested_type == "Integer -> Integer"  # bound defaults to Integer


def test_the_helper_has_no_limits_of_its_own(toolchain):
    """Every `limits` field is required (protocol 3): a request without one is a bad request
    that names it, so no helper default can drift from hsx/config.py."""
    import subprocess
    limits = Limits.of(SearchConfig()).json()
    del limits["render_cap"]
    line = json.dumps({"id": 1, "op": "check", "dir": "/nonexistent", "modules": [], "job": "H.job",
                       "limits": limits})
    args = [str(toolchain.helper)] + [a for db in toolchain.package_dbs for a in ("--package-db", str(db))]
    out = subprocess.run(args, input=line + "\n", capture_output=True, text=True, timeout=60).stdout
    hello, answer = (json.loads(x) for x in out.splitlines()[:2])
    assert hello["protocol"] == 3
    assert answer["status"] == "bad-request" and "render_cap" in answer["message"]
