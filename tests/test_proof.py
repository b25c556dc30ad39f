"""The proof stage: hsx's own theorem, the proof-text policy, automatic proof search, and the
verdict pipeline around Liquid Haskell.

Liquid Haskell cannot be installed on the project's Debian machines.  What runs everywhere: the
module assembly, GHC type-checking of every assembled module and proof template against a stub
of ProofCombinators (Haskell shape only, no proof checking), the policy, and the pipeline with a
replay of real recorded Liquid Haskell outputs standing in for the prover.  Tests marked `liquid`
run the real prover and are skipped, with the reason, where it is absent.
"""

import dataclasses
import json
import sys
from pathlib import Path

import pytest

from hsx import sandbox
from hsx.config import SandboxConfig, load_config
from hsx.lhmodule import PROOF_MARKER
from hsx.liquid import check_proof_text
from hsx.proofsearch import candidate_proofs
from hsx.prover import ProverMissing, locate_prover
from hsx.verdict import ErrorKind, Verdict
from hsx.verify import PairRequest, Verifier

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "lh-fixtures"

SUM_A = "total :: [Int] -> Int\ntotal [] = 0\ntotal (x : xs) = x + total xs\n"
SUM_B = ("go :: Int -> [Int] -> Int\ngo acc [] = acc\ngo acc (x : xs) = go (acc + x) xs\n"
         "total :: [Int] -> Int\ntotal xs = go 0 xs\n")
TREE = "data Tree = Leaf | Node Tree Int Tree deriving (Show, Eq)\n"
TREE_A = TREE + "weight :: Tree -> Int\nweight Leaf = 0\nweight (Node l x r) = weight l + x + weight r\n"
TREE_B = TREE + "weight :: Tree -> Int\nweight Leaf = 0\nweight (Node l x r) = x + weight r + weight l\n"
ARITH_A = "double :: Int -> Int\ndouble x = 2 * x\n"
ARITH_B = "double :: Int -> Int\ndouble x = x + x\n"


def module_for(verifier, a, b, **kw):
    m = verifier.lh_module(PairRequest(a, b, **kw))
    assert not hasattr(m, "verdict"), getattr(m, "reason", "")
    return m


# -- the assembled module ---------------------------------------------------------------------

def test_theorem_is_hsx_own_and_b_names_are_renamed(verifier):
    m = module_for(verifier, SUM_A, SUM_B)
    assert m.entry_a == "total" and m.entry_b == "total_b"
    assert "{-@ equiv :: x1:[Int] -> { total x1 == total_b x1 } @-}" in m.text
    assert "equiv :: [Int] -> Proof" in m.text
    assert "{-@ reflect total @-}" in m.text and "{-@ reflect total_b @-}" in m.text
    assert "{-@ reflect go @-}" in m.text  # B-only names keep their spelling
    assert "total_b xs = go 0 xs" in m.text
    assert m.text.rstrip().endswith(PROOF_MARKER)
    assert '{-@ LIQUID "--reflection" @-}' in m.text and '{-@ LIQUID "--ple" @-}' in m.text
    assert "import Language.Haskell.Liquid.ProofCombinators" in m.text


@pytest.mark.parametrize("arity", [1, 2, 3, 4, 5])
def test_theorem_for_each_arity(verifier, arity):
    params = " ".join(f"a{i}" for i in range(arity))
    ty = " -> ".join(["Int"] * (arity + 1))
    a = f"f :: {ty}\nf {params} = {' + '.join(params.split())}\n"
    b = f"f :: {ty}\nf {params} = {' + '.join(reversed(params.split()))}\n"
    m = module_for(verifier, a, b)
    xs = " ".join(f"x{i}" for i in range(1, arity + 1))
    binders = " -> ".join(f"x{i}:Int" for i in range(1, arity + 1))
    assert f"{{-@ equiv :: {binders} -> {{ f {xs} == f_b {xs} }} @-}}" in m.text
    assert f"equiv :: {' -> '.join(['Int'] * arity)} -> Proof" in m.text


def test_polymorphic_theorem_keeps_the_type_and_constraint(verifier):
    m = module_for(verifier, "f :: Ord a => [a] -> [a]\nf xs = xs\n", "g :: Ord b => [b] -> [b]\ng ys = ys\n")
    assert "{-@ equiv :: Ord a => x1:[a] -> { f x1 == g x1 } @-}" in m.text
    assert "equiv :: Ord a => [a] -> Proof" in m.text


def test_user_data_type_kept_once_with_a_size_measure(verifier):
    m = module_for(verifier, TREE_A, TREE_B)
    assert m.text.count("data Tree") == 1
    assert "deriving (Show, Eq)" in m.text
    assert "{-@ measure hsxSizeTree @-}" in m.text
    assert "{-@ weight_b :: y1:Tree -> Int / [hsxSizeTree y1] @-}" in m.text
    assert "/ [hsxSizeTree x1] @-}" in m.text.split("theorem")[1]


def test_functions_without_signatures_get_ghc_types(verifier):
    m = module_for(verifier, "inc x = x + (1 :: Int)\n", "inc :: Int -> Int\ninc y = 1 + y\n")
    assert "inc :: Int -> Int" in m.text


def test_line_map_points_at_user_files_and_proof(verifier):
    m = module_for(verifier, SUM_A, SUM_B, a_path="a.hs", b_path="b.hs")
    proof = "equiv xs = ()\n"
    text = m.with_proof(proof).split("\n")
    lookup = m.line_map(proof)
    a_line = text.index("total (x : xs) = x + total xs") + 1
    assert lookup(a_line) == ("a.hs", 3)
    assert lookup(text.index("equiv xs = ()") + 1) == ("PROOF.hs", 1)


# -- GHC checks the Haskell side of every module and template --------------------------------

STUB = """module Language.Haskell.Liquid.ProofCombinators where
type Proof = ()
trivial :: Proof
trivial = ()
(&&&) :: Proof -> Proof -> Proof
_ &&& _ = ()
"""


def ghc_accepts(text: str, tmp_path: Path) -> str:
    stub = tmp_path / "Language" / "Haskell" / "Liquid"
    stub.mkdir(parents=True, exist_ok=True)
    (stub / "ProofCombinators.hs").write_text(STUB)
    (tmp_path / "HsxEquiv.hs").write_text(text)
    r = sandbox.run(["ghc", "-fno-code", "-i" + str(tmp_path), "HsxEquiv.hs"], cwd=tmp_path,
                    limits=SandboxConfig(), timeout=120)
    return "" if r.returncode == 0 else (r.stdout + r.stderr).decode()


PAIRS = {"sum-accumulator": (SUM_A, SUM_B), "tree": (TREE_A, TREE_B), "arith": (ARITH_A, ARITH_B),
         "two-args": ("m :: Int -> [Int] -> Int\nm k [] = k\nm k (x:xs) = max x (m k xs)\n",
                      "m :: Int -> [Int] -> Int\nm k [] = k\nm k (y:ys) = max (m k ys) y\n")}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_every_template_is_valid_haskell_and_passes_the_policy(verifier, tmp_path, name):
    m = module_for(verifier, *PAIRS[name])
    candidates = candidate_proofs(m)
    assert candidates[0].template == "empty"
    for c in candidates:
        assert check_proof_text(c.text, protected_names=m.protected_names) == [], c.template
        problem = ghc_accepts(m.with_proof(c.text), tmp_path)
        assert problem == "", f"{c.template}:\n{c.text}\n{problem}"


def test_search_offers_induction_and_accumulator_templates(verifier):
    names = [c.template for c in candidate_proofs(module_for(verifier, SUM_A, SUM_B))]
    assert "induction on x1 (list)" in names
    assert any(n.startswith("accumulator lemma (go: hsxP1 + total") for n in names)
    names = [c.template for c in candidate_proofs(module_for(verifier, TREE_A, TREE_B))]
    assert "induction on x1 (Tree)" in names
    names = [c.template for c in candidate_proofs(module_for(verifier, ARITH_A, ARITH_B))]
    assert names == ["empty", "natural induction on x1"]


def test_accumulator_operator_is_read_from_the_helper(verifier):
    a = ("bigger :: Int -> Int -> Int\nbigger p q = if p > q then p else q\n"
         "top :: [Int] -> Int\ntop [] = 0\ntop (x : xs) = bigger x (top xs)\n")
    b = ("bigger :: Int -> Int -> Int\nbigger p q = if p > q then p else q\n"
         "go :: Int -> [Int] -> Int\ngo acc [] = acc\ngo acc (x : xs) = go (bigger acc x) xs\n"
         "top :: [Int] -> Int\ntop xs = go 0 xs\n")
    names = [c.template for c in candidate_proofs(module_for(verifier, a, b))]
    assert "accumulator lemma (go: bigger_b hsxP1 (top hsxP2))" in names


def test_accumulator_template_mirrors_the_helper(verifier):
    m = module_for(verifier, SUM_A, SUM_B)
    acc = next(c for c in candidate_proofs(m) if c.template == "accumulator lemma (go: hsxP1 + total hsxP2)")
    assert "hsxAcc acc (x : xs) = hsxAcc (acc + x) xs" in acc.text
    assert "{ go hsxP1 hsxP2 == hsxP1 + total hsxP2 }" in acc.text
    assert "equiv x1 = hsxAcc 0 x1" in acc.text


# -- the proof-text policy in the pipeline ----------------------------------------------------

CHEATS = {
    "assume": "{-@ assume equiv :: x1:Int -> { double x1 == double_b x1 } @-}\nequiv _ = ()\n",
    "ignore": "{-@ ignore equiv @-}\nequiv _ = ()\n",
    "lazy": "{-@ lazy equiv @-}\nequiv x = equiv x\n",
    "LIQUID": '{-@ LIQUID "--no-termination" @-}\nequiv x = equiv x\n',
    "OPTIONS_GHC": "{-# OPTIONS_GHC -fplugin=Evil #-}\nequiv _ = ()\n",
    "equiv signature": "{-@ equiv :: x:Int -> { true } @-}\nequiv _ = ()\n",
    "reflect": "{-@ reflect double @-}\nequiv _ = ()\n",
    "undefined": "equiv _ = undefined\n",
    "System.IO.Unsafe": "import System.IO.Unsafe\nequiv _ = ()\n",
}


@pytest.mark.parametrize("construct", sorted(CHEATS))
def test_cheating_proofs_are_rejected_before_the_prover(check, construct):
    r = check(ARITH_A, ARITH_B, proof=CHEATS[construct])
    assert r.verdict == Verdict.ERROR and r.error_kind == ErrorKind.REJECTED
    assert "PROOF.hs" in r.reason
    assert construct.split()[0] in r.reason or construct == "import"
    assert "compile" not in r.timings  # nothing ran


def test_recorded_cheat_fixtures_are_rejected(check):
    if not FIXTURES.is_dir():
        pytest.skip(f"fixtures not found at {FIXTURES}")
    for name, construct in [("CheatAssume", "assume"), ("CheatIgnore", "ignore"), ("CheatLazy", "lazy"),
                            ("CheatNoTermination", "LIQUID")]:
        lines = (FIXTURES / name / f"{name}.hs").read_text().splitlines()
        # The cheat line itself plus the fixture's equations of equiv, as a model would write them.
        cheat = next(line for line in lines if construct in line and "--reflection" not in line
                     and "--ple" not in line)
        equations = [line for line in lines if line.startswith("equiv ")]
        r = check(ARITH_A, ARITH_B, proof="\n".join([cheat, *equations]) + "\n")
        assert r.error_kind == ErrorKind.REJECTED and construct in r.reason, (name, r.reason)


# -- the pipeline without a prover, and with recorded outputs standing in for it --------------

def test_without_the_prover_the_verdict_is_unknown_and_says_nix_develop(verifier):
    try:
        locate_prover(verifier.config.toolchain, verifier.config.sandbox)
        pytest.skip("Liquid Haskell is installed here")
    except ProverMissing:
        pass
    r = verifier.verify(PairRequest(ARITH_A, ARITH_B))
    assert r.verdict == Verdict.UNKNOWN
    assert r.proof["status"] == "prover-missing" and "nix develop" in r.reason


REPLAY = """import pathlib, sys
fixture = pathlib.Path(sys.argv[1])
count = pathlib.Path(sys.argv[2])
count.write_text(str(int(count.read_text() or 0) + 1) if count.exists() else "1")
sys.stdout.write((fixture / "output.txt").read_text())
sys.exit(int((fixture / "exit-code").read_text().strip()))
"""


@pytest.fixture
def replay(tmp_path, config, toolchain):
    """A Verifier whose prover replays a recorded Liquid Haskell run (a stand-in for the real
    prover, which is external: it checks the plumbing, not any proof)."""
    if not FIXTURES.is_dir():
        pytest.skip(f"fixtures not found at {FIXTURES}")
    script = tmp_path / "replay.py"
    script.write_text(REPLAY)
    counter = tmp_path / "runs"
    made = []

    def make(fixture: str) -> Verifier:
        tc = dataclasses.replace(config.toolchain, liquid=f"{sys.executable} {script} {FIXTURES / fixture} {counter}",
                                 cache_dir=str(tmp_path / f"cache-{fixture}"))
        v = Verifier(dataclasses.replace(config, toolchain=tc))
        made.append(v)
        return v

    yield make, counter
    for v in made:
        v.close()


def test_safe_output_makes_the_verdict_equivalent_with_the_proof_text(replay):
    make, counter = replay
    v = make("SafeTwoArgs")
    r = v.verify(PairRequest(ARITH_A, ARITH_B))
    assert r.verdict == Verdict.EQUIVALENT and r.exit_code == 0
    assert r.proof["status"] == "proved" and r.proof["template"] == "empty"
    assert r.proof["text"] == "equiv x1 = ()"
    assert json.loads(json.dumps(r.to_json()))["proof"]["attempts"][0]["status"] == "proved"
    runs = int(counter.read_text())
    again = v.verify(PairRequest(ARITH_A, ARITH_B))  # cached: the prover does not run again
    assert again.verdict == Verdict.EQUIVALENT and int(counter.read_text()) == runs


def test_unsafe_output_tries_every_template_then_unknown(replay):
    make, _ = replay
    r = make("UnsafeNoInduction").verify(PairRequest(SUM_A, SUM_B))
    assert r.verdict == Verdict.UNKNOWN
    statuses = {a["status"] for a in r.proof["attempts"]}
    assert statuses == {"proof-failed"} and len(r.proof["attempts"]) >= 3
    assert "no proof accepted" in r.reason


def test_counterexample_plus_accepted_proof_is_reported_loudly(replay):
    make, _ = replay
    r = make("SafeTwoArgs").verify(PairRequest(ARITH_A, "double :: Int -> Int\ndouble x = x\n",
                                               proof="equiv _ = ()\n"))
    assert r.verdict == Verdict.ERROR and r.error_kind == ErrorKind.INTERNAL
    assert "INTERNAL-CONSISTENCY" in r.reason


# -- the real prover --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_prover():
    config = load_config(None)
    try:
        return locate_prover(config.toolchain, config.sandbox)
    except ProverMissing as e:
        pytest.skip(f"needs Liquid Haskell: {e}")


@pytest.mark.liquid
@pytest.mark.parametrize("name, a, b, template", [
    ("arith", ARITH_A, ARITH_B, "empty"),
    ("list", SUM_A, SUM_A.replace("x + total xs", "total xs + x"), "induction on x1 (list)"),
    ("tree", TREE_A, TREE_B, "induction on x1 (Tree)"),
    ("accumulator", SUM_A, SUM_B, None),
])
def test_real_prover_automatic_search(real_prover, check, name, a, b, template):
    r = check(a, b)
    assert r.verdict == Verdict.EQUIVALENT, r.reason
    if template:
        assert r.proof["template"] == template


@pytest.mark.liquid
def test_real_prover_rejects_a_false_proof(real_prover, check):
    r = check(ARITH_A, "double :: Int -> Int\ndouble x = x + x + 0\n", proof="equiv x = ()\n")
    assert r.verdict == Verdict.EQUIVALENT
    r = check("f :: Int -> Int\nf x = if x > 1000000 then 0 else x\n", "f :: Int -> Int\nf x = x\n",
              proof="equiv x = ()\n")
    assert r.verdict == Verdict.UNKNOWN and r.proof["status"] == "proof-failed"


def test_program_annotations_never_reach_the_prover(verifier):
    a = ('{-@ LIQUID "--no-termination" @-}\n{-@ ignore double @-}\n' + ARITH_A +
         "{-@ assume helper :: x:Int -> { false } @-}\n")
    m = module_for(verifier, a, ARITH_B)
    assert "ignore" not in m.text and "assume" not in m.text and "no-termination" not in m.text
    assert m.text.count("{-@") == m.text.count("{-@ reflect ") + 3  # LIQUID x2 + the theorem


def test_floating_point_programs_get_no_proof(check):
    r = check("h :: Double -> Double\nh x = x * 2\n", "h :: Double -> Double\nh x = x + x\n")
    assert r.verdict == Verdict.UNKNOWN and "real numbers" in r.reason and r.proof is None
