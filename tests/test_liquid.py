"""hsx.proof.liquid and hsx.proof.policy: real Liquid Haskell outputs classified; the proof-text policy.

The outputs are recordings of real Liquid Haskell 0.9.0.2.1 runs kept with the tests
(tests/fixtures/lh, see its README; `tests/fixtures/lh/record.py` re-records them with a real
prover).  test_proof.py runs the same kinds of module through the prover itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hsx.haskell.source import parse_source
from hsx.proof.liquid import STATUSES, LhOutcome, classify_lh_output, strip_ansi
from hsx.proof.policy import ProofViolation, check_proof_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lh"

# folder -> (status, where).  Decisions worth knowing:
# - Cheat*: SAFE is SAFE; cheats are caught by check_proof_text before LH runs.
# - ImportedFunction ("Unbound symbol GHC.Unicode.toUpper", printed for the signature that
#   `reflect p` generates): not-reflectable, the program uses a function the logic lacks.
# - UnboundSymbol (the theorem names `p`, which is not reflected): spec-error, the theorem's
#   signature is ill-sorted; the program itself could be reflected.
# - Termination: the termination obligation of `p` wins over the theorem's failure beside it.
EXPECTED = {
    "SafeArith": ("proved", None),
    "SafeInduction": ("proved", None),
    "SafeTwoArgs": ("proved", None),
    "SafeDataType": ("proved", None),
    "Polymorphic": ("proved", None),
    "WhereClause": ("proved", None),
    "CheatAssume": ("proved", None),
    "CheatIgnore": ("proved", None),
    "CheatLazy": ("proved", None),
    "CheatNoTermination": ("proved", None),
    "UnsafeFalse": ("proof-failed", "equiv"),
    "UnsafeNoInduction": ("proof-failed", "equiv"),
    "HelperLemmaFails": ("proof-failed", "lemmaGo"),
    "Termination": ("termination", None),
    "ReflectLibrary": ("not-reflectable", None),
    "ImportedFunction": ("not-reflectable", None),
    "UnboundSymbol": ("spec-error", None),
    "SpecParseError": ("spec-error", None),
    "GhcTypeError": ("compile-error", None),
}


def _fixture_dir() -> Path:
    return FIXTURES


def _load(name: str) -> tuple[str, int, str]:
    folder = _fixture_dir() / name
    output = (folder / "output.txt").read_text(encoding="utf-8")
    exit_code = int((folder / "exit-code").read_text().strip())
    source = (folder / f"{name}.hs").read_text(encoding="utf-8")
    return output, exit_code, source


def _classify(name: str, **kw) -> LhOutcome:
    output, exit_code, source = _load(name)
    return classify_lh_output(output, exit_code, source=source, **kw)


# ------------------------------------------------------------------------------------------------
# Classification of every recorded output

def test_every_fixture_folder_has_an_expectation():
    folders = {p.name for p in _fixture_dir().iterdir() if p.is_dir()}
    assert folders == set(EXPECTED), "new or missing fixtures: update EXPECTED"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_status_and_where(name):
    status, where = EXPECTED[name]
    outcome = _classify(name)
    assert outcome.status in STATUSES
    assert (outcome.status, outcome.where) == (status, where), outcome.message
    assert outcome.proved == (status == "proved")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_without_source_gives_same_status(name):
    """Without the module, the binder comes from the source line GHC quotes under the error."""
    output, exit_code, _ = _load(name)
    outcome = classify_lh_output(output, exit_code)
    assert (outcome.status, outcome.where) == EXPECTED[name]


def test_where_uses_theorem_name_in_headline():
    outcome = _classify("HelperLemmaFails", theorem="equiv")
    assert outcome.message.splitlines()[0] == (
        "Liquid Haskell could not prove `equiv`: the obligation of helper `lemmaGo` fails.")
    assert _classify("UnsafeFalse").message.splitlines()[0] == "Liquid Haskell could not prove `equiv`."


def test_termination_message_keeps_both_blocks():
    outcome = _classify("Termination")
    assert "VV >= 0" in outcome.message
    assert "Termination.hs:7:35" in outcome.message and "Termination.hs:15:1" in outcome.message
    assert outcome.locations == (("Termination.hs", 7), ("Termination.hs", 15))
    assert "`p`" in outcome.message.splitlines()[0]


# ------------------------------------------------------------------------------------------------
# Messages: ANSI codes stripped, line numbers kept, concise

@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_messages_have_no_ansi_codes(name):
    output, _, _ = _load(name)
    outcome = _classify(name)
    assert "\x1b" not in outcome.message
    assert outcome.message.strip()
    if "\x1b[" in output:
        assert "\x1b" not in strip_ansi(output)


def test_strip_ansi():
    assert strip_ansi("\x1b[1;91m\n**** LIQUID: UNSAFE ****\x1b[0m") == "\n**** LIQUID: UNSAFE ****"
    assert strip_ansi("plain") == "plain"


def test_safe_message_is_the_banner():
    assert _classify("SafeInduction").message == "LIQUID: SAFE (6 constraints checked)"


@pytest.mark.parametrize("name, needles, locations", [
    ("UnsafeFalse", ["UnsafeFalse.hs:15:1: error:", "15 | equiv _ = ()", "Liquid Type Mismatch"],
     (("UnsafeFalse.hs", 15),)),
    ("UnsafeNoInduction", ["UnsafeNoInduction.hs:23:1", "23 | equiv _ = trivial"],
     (("UnsafeNoInduction.hs", 23),)),
    ("HelperLemmaFails", ["HelperLemmaFails.hs:24:21", "24 | lemmaGo _ (_ : _) = trivial"],
     (("HelperLemmaFails.hs", 24),)),
    ("SpecParseError", ["SpecParseError.hs:13:36", "Cannot parse specification"],
     (("SpecParseError.hs", 13),)),
    ("UnboundSymbol", ["UnboundSymbol.hs:12:14", "Unbound symbol UnboundSymbol.p"],
     (("UnboundSymbol.hs", 12),)),
    ("ReflectLibrary", ["ReflectLibrary.hs:5:13", "Cannot lift Haskell function `p` to logic"],
     (("ReflectLibrary.hs", 5),)),
    ("ImportedFunction", ["ImportedFunction.hs:7:13", "ImportedFunction.hs:11:13",
                          "Unbound symbol GHC.Unicode.toUpper"],
     (("ImportedFunction.hs", 7), ("ImportedFunction.hs", 11))),
    ("GhcTypeError", ["GhcTypeError.hs:7:11: error:", "7 | p x = x + True"],
     (("GhcTypeError.hs", 7),)),
])
def test_messages_carry_line_numbers(name, needles, locations):
    outcome = _classify(name)
    for needle in needles:
        assert needle in outcome.message
    assert outcome.locations == locations
    assert "DONE:" not in outcome.message and "Compiling" not in outcome.message


def test_long_blocks_are_shortened_but_keep_the_source_excerpt():
    context = "\n".join(f"      x{i} : GHC.Types.Int\n       " for i in range(60))
    output = ("**** LIQUID: UNSAFE ****\n\nM.hs:9:1: error:\n    Liquid Type Mismatch\n    .\n"
              f"    in the context\n{context}\n    Constraint id 2\n  |\n9 | equiv _ = ()\n  | ^^^^\n")
    outcome = classify_lh_output(output, 1)
    assert len(outcome.message.splitlines()) < 50
    assert "lines omitted" in outcome.message and "9 | equiv _ = ()" in outcome.message
    assert outcome.where == "equiv"


# ------------------------------------------------------------------------------------------------
# Line mapping

def _shift(offset: int, file: str = "PROOF.hs"):
    return lambda line: (file, line - offset) if line > offset else None


def test_line_map_rewrites_locations_and_message():
    outcome = _classify("HelperLemmaFails", line_map=_shift(20))
    assert outcome.where == "lemmaGo"  # found in the assembled module, before mapping
    assert outcome.locations == (("PROOF.hs", 4),)
    assert "PROOF.hs:4:21: error:" in outcome.message
    assert "HelperLemmaFails.hs:24" not in outcome.message
    assert re.search(r"^4 \| lemmaGo _ \(_ : _\) = trivial$", outcome.message, re.M)


def test_line_map_leaves_unmapped_lines_alone():
    outcome = _classify("Termination", line_map=_shift(10))
    assert outcome.locations == (("Termination.hs", 7), ("PROOF.hs", 5))
    assert "Termination.hs:7:35" in outcome.message and "PROOF.hs:5:1" in outcome.message


def test_line_map_inside_no_location_block():
    outcome = _classify("ReflectLibrary", line_map=lambda n: ("A.hs", n - 2))
    assert outcome.locations == (("A.hs", 3),)
    assert "A.hs:3:13 Cannot lift" in outcome.message


def test_line_map_only_applies_to_the_checked_module():
    """With two modules compiled, `line_map` describes the last one (the assembled module)."""
    output = ("[1 of 2] Compiling Types ( Types.hs, nothing )\n"
              "[2 of 2] Compiling Check ( Check.hs, nothing )\n"
              "Types.hs:3:5: error:\n    • Not in scope: ‘foo’\n\n"
              "Check.hs:12:1: error:\n    • Variable not in scope: bar\n")
    outcome = classify_lh_output(output, 1, line_map=_shift(10))
    assert outcome.status == "compile-error"
    assert outcome.locations == (("Types.hs", 3), ("PROOF.hs", 2))
    assert "Types.hs:3:5" in outcome.message and "PROOF.hs:2:1" in outcome.message


# ------------------------------------------------------------------------------------------------
# Outputs not in the recordings: newer message styles, timeouts, a missing prover

def test_newer_termination_check_header():
    output = ("**** LIQUID: UNSAFE ****\n\nT.hs:24:17: error:\n    Termination Check\n"
              "Property\n  {vvRec : _ | vvRec <=> T.ms xs >= 0}\n.\nNot provable in context\n")
    assert classify_lh_output(output, 1).status == "termination"


def test_termination_error_header():
    output = "T.hs:48:1-7: Error: Termination Error\n\n 48 | f Empty = 0\n  No decreasing parameter\n"
    assert classify_lh_output(output, 1).status == "termination"


def test_metric_obligation_with_several_bounds():
    output = ("**** LIQUID: UNSAFE ****\n\nL.hs:54:34: error:\n    Liquid Type Mismatch\n    .\n"
              "    The inferred type\n      VV : {v : GHC.Types.Int | v == i + 1}\n    .\n"
              "    is not a subtype of the required type\n"
              "      VV : {VV : GHC.Types.Int | VV >= lo\n                                 && VV < i\n"
              "                                 && VV >= 0}\n    .\n    in the context\n")
    assert classify_lh_output(output, 1).status == "termination"


def test_lemma_inequality_is_a_proof_failure_not_termination():
    output = ("**** LIQUID: UNSAFE ****\n\nL.hs:5:1: error:\n    Liquid Type Mismatch\n    .\n"
              "    is not a subtype of the required type\n"
              "      VV : {VV : () | L.go ?b ?a >= ?b}\n    .\n  |\n5 | lemma _ _ = ()\n")
    outcome = classify_lh_output(output, 1)
    assert (outcome.status, outcome.where) == ("proof-failed", "lemma")


@pytest.mark.parametrize("code", [124, 137, -9])
def test_timeout(code):
    outcome = classify_lh_output("**** DONE:  annotate ****\n", code)
    assert outcome.status == "timeout" and not outcome.proved


@pytest.mark.parametrize("code, limit", [(-25, "file size"), (153, "file size"), (-24, "CPU time")])
def test_a_run_stopped_by_a_sandbox_limit_is_no_verdict(code, limit):
    # SIGXFSZ / SIGXCPU (as subprocess or a shell reports them): stopped, not rejected by GHC.
    outcome = classify_lh_output("[1 of 1] Compiling HsxEquiv ( HsxEquiv.hs, nothing )\n", code)
    assert outcome.status == "timeout" and f"sandbox's {limit} limit" in outcome.message


@pytest.mark.parametrize("output, code", [
    ("<command line>: cannot satisfy -package liquidhaskell\n", 1),
    ("<command line>: Could not find module ‘LiquidHaskell’\n", 1),
    ("ghc: z3: createProcess: posix_spawnp: does not exist (No such file or directory)\n", 1),
    ("bash: ghc: command not found\n", 127),
    ("[1 of 1] Compiling M ( M.hs, nothing )\n", 0),  # exit 0 but LH never reported
])
def test_prover_missing(output, code):
    assert classify_lh_output(output, code).status == "prover-missing"


def test_warnings_are_not_errors():
    output = ("[1 of 1] Compiling M ( M.hs, nothing )\n\nM.hs:3:1: warning: [-Wunused-imports]\n"
              "    The import of ‘Data.List’ is redundant\n\n**** LIQUID: SAFE (3 constraints checked) ****\n")
    outcome = classify_lh_output(output, 0)
    assert outcome.proved and outcome.locations == ()


def test_safe_needs_exit_zero():
    output = "**** LIQUID: SAFE (3 constraints checked) ****\n"
    assert not classify_lh_output(output, 1).proved


# ------------------------------------------------------------------------------------------------
# Proof-text policy

PROTECTED = {"p", "q", "go"}

CLEAN_PROOF = """\
-- A helper lemma, as in SafeInduction.  Comments may say assume, lazy or undefined freely.
{-@ lemmaGo :: acc:Int -> xs:[Int] -> { go acc xs == acc + p xs } @-}
lemmaGo :: Int -> [Int] -> Proof
lemmaGo _ [] = trivial
lemmaGo acc (x : xs) = lemmaGo (acc + x) xs

{- a block comment: {-@ assume ignore @-} undefined -}
{-@ reflect helper @-}
helper :: Int -> Int
helper x = x + 1  -- "undefined" in a comment

{-@ data Tree [size] @-}
equiv xs = lemmaGo 0 xs ? note "assume nothing, lazy, undefined"
  where note _ = ()
"""


def _constructs(text: str, **kw) -> list[str]:
    return [v.construct for v in check_proof_text(text, protected_names=PROTECTED, **kw)]


def test_clean_proof_with_helper_lemma_is_accepted():
    assert check_proof_text(CLEAN_PROOF, protected_names=PROTECTED) == []


@pytest.mark.parametrize("text, construct", [
    ("{-@ assume lemma :: x:Int -> { p x == q x } @-}\nlemma _ = ()\n", "assume"),
    ("{-@ ignore lemma @-}\nlemma _ = ()\n", "ignore"),
    ("{-@ lazy lemma @-}\nlemma x = lemma x\n", "lazy"),
    ("{-@ trust lemma @-}\n", "trust"),
    ("{-@ lazyvar loop @-}\n", "lazyvar"),
    ("{-@ LIQUID \"--no-termination\" @-}\n", "LIQUID"),
    ("{-@ LIQUID \"--ple\" @-}\n", "LIQUID"),
    ("{-# OPTIONS_GHC -fplugin-opt=LiquidHaskell:--no-termination #-}\n", "OPTIONS_GHC"),
    ("{-# LANGUAGE TemplateHaskell #-}\n", "LANGUAGE"),
    ("{-# INLINE lemma #-}\nlemma = ()\n", "INLINE"),
    ("{-@ equiv :: x:Int -> { p x == q x } @-}\n", "equiv signature"),
    ("{-@ lemma, equiv :: x:Int -> { true } @-}\n", "equiv signature"),
    ("equiv :: Int -> ()\nequiv _ = ()\n", "equiv signature"),
    ("{-@ reflect p @-}\n", "reflect"),
    ("{-@ axiomatize q @-}\n", "axiomatize"),
    ("{-@ measure go @-}\n", "measure"),
    ("{-@ inline p @-}\n", "inline"),
    ("{-@ opaque-reflect q @-}\n", "opaque-reflect"),
    ("{-@ define p x = 0 @-}\n", "define"),
    ("{-@ define helper x = 0 @-}\n", "define"),
    ("{-@ fail equiv @-}\n", "fail"),
    ("{-@ invariant {v:Int | v >= 0} @-}\n", "invariant"),
    ("{-@ embed Integer as int @-}\n", "embed"),
    ("{-@ data Tree = Leaf | Node {l :: Tree, x :: {v:Int | v > 0}, r :: Tree} @-}\n", "data"),
    ("{-@ p :: {x:Int | x > 0} -> Int @-}\n", "signature"),
    ("equiv _ = undefined\n", "undefined"),
    ("equiv x = unsafeCoerce ()\n", "unsafeCoerce"),
    ("equiv x = Unsafe.Coerce.unsafeCoerce ()\n", "unsafeCoerce"),
    ("equiv x = p x ==! q x *** QED\n", "==!"),
    ("equiv x = () *** Admit\n", "Admit"),
    ("equiv x = liquidAssume (p x == q x) ()\n", "liquidAssume"),
    ("module Proof where\n", "module"),
    ("import Unsafe.Coerce\n", "import"),
    ("foreign import ccall \"f\" f :: Int -> Int\n", "foreign"),
])
def test_each_construct_is_rejected(text, construct):
    violations = check_proof_text(text, protected_names=PROTECTED)
    assert construct in [v.construct for v in violations], violations
    v = next(v for v in violations if v.construct == construct)
    assert isinstance(v, ProofViolation) and v.line == 1
    assert construct in v.message and "line 1" in v.message


def test_reflecting_own_helpers_is_allowed():
    text = "{-@ reflect helper @-}\nhelper :: Int -> Int\nhelper x = x\n{-@ measure size @-}\n"
    assert _constructs(text) == []


def test_words_in_strings_and_comments_are_not_flagged():
    text = ('lemma :: () -> String\nlemma _ = "assume ignore lazy undefined unsafeCoerce {-@ lazy x @-}"\n'
            "-- {-@ assume equiv :: {false} @-} undefined import module\n"
            "{- {-# OPTIONS_GHC -fno-code #-} -}\n")
    assert _constructs(text) == []


def test_words_inside_annotations_are_checked_anywhere():
    text = "{-@ instance Foo Int where\n      assume bar :: {v:Int | v > 0} @-}\n"
    violations = check_proof_text(text, protected_names=PROTECTED)
    assert [(v.construct, v.line) for v in violations] == [("assume", 2)]


def test_theorem_name_is_configurable():
    text = "{-@ thm :: x:Int -> { p x == q x } @-}\nthm :: Int -> ()\nthm _ = ()\n"
    assert _constructs(text, theorem="thm") == ["thm signature", "thm signature"]
    assert _constructs(text) == []


def test_violations_are_in_text_order_with_lines():
    text = "lemma = ()\n{-@ ignore lemma @-}\n\n{-# LANGUAGE CPP #-}\nx = undefined\n"
    violations = check_proof_text(text, protected_names=PROTECTED)
    assert [(v.construct, v.line) for v in violations] == [("ignore", 2), ("LANGUAGE", 4),
                                                           ("undefined", 5)]


def test_unreadable_text_is_rejected():
    assert _constructs("{- never closed\nequiv _ = ()\n") == ["syntax"]


# The Cheat* fixtures: false theorems that Liquid Haskell reports SAFE.  Their proof part (what
# is left once the programs, hsx's standard header and the theorem's own signatures are removed)
# must be rejected, naming the cheat.

STANDARD_HEADER = {'{-@ LIQUID "--reflection" @-}', '{-@ LIQUID "--ple" @-}'}


def _proof_part(source: str, theorem: str = "equiv") -> str:
    """What a PROOF.hs for this module would hold."""
    kept = []
    for d in parse_source(source).decls:
        text = d.text.strip()
        if d.kind in ("module", "import") or text in STANDARD_HEADER:
            continue
        if set(d.names) & PROTECTED or re.fullmatch(r"\{-@\s*reflect\s+(p|q|go)\s*@-\}", text):
            continue  # the programs under comparison
        if d.kind == "signature" and theorem in d.names or re.match(rf"\{{-@\s*{theorem}\s*::", text):
            continue  # hsx writes the theorem's signatures itself
        kept.append(d.text)
    return "\n".join(kept) + "\n"


@pytest.mark.parametrize("name, construct", [
    ("CheatAssume", "assume"),
    ("CheatIgnore", "ignore"),
    ("CheatLazy", "lazy"),
    ("CheatNoTermination", "LIQUID"),
])
def test_cheat_fixtures_are_rejected(name, construct):
    _, _, source = _load(name)
    proof = _proof_part(source)
    assert "equiv" in proof
    assert construct in _constructs(proof), proof


@pytest.mark.parametrize("name", ["SafeInduction", "HelperLemmaFails", "SafeTwoArgs"])
def test_honest_fixture_proofs_are_accepted(name):
    _, _, source = _load(name)
    proof = _proof_part(source)
    assert "equiv" in proof
    assert check_proof_text(proof, protected_names=PROTECTED) == []


def test_the_tests_read_no_data_outside_the_checkout():
    """A clone with nothing beside it runs every test: the recordings live under tests/."""
    for f in sorted(Path(__file__).resolve().parent.glob("*.py")):
        text = f.read_text()
        for needle in ("parents[" + "2]", "lh-" + "fixtures", "../" + "shared"):  # spelt so as not to match here
            assert needle not in text, (f.name, needle)
