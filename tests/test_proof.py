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

from hsx.config import ProofConfig, SandboxConfig, load_config
from hsx.haskell import sandbox
from hsx.proof.lhmodule import LH_RESERVED, PROOF_MARKER, RESERVED_SUFFIX, THEOREM, LhModule
from hsx.proof.policy import check_proof_text
from hsx.proof.prover import Prover, ProverMissing, locate_prover, run_prover
from hsx.proof.search import candidate_proofs
from hsx.verdict import ErrorKind, ProofAttempt, Verdict
from hsx.verify.pipeline import PairRequest, Verifier

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lh"  # recorded real runs

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


def test_count_down_on_a_later_int_argument_gets_a_termination_metric(verifier):
    """Liquid Haskell's default metric is the first Int argument; an accumulator comes first."""
    a = "sumAcc :: Int -> Int -> Int\nsumAcc acc n = if n <= 0 then acc else sumAcc (acc + n) (n - 1)\n"
    m = module_for(verifier, a, a.replace("(acc + n)", "(n + acc)"))
    assert "{-@ sumAcc :: y1:Int -> y2:Int -> Int / [y2] @-}" in m.text
    assert "{-@ sumAcc_b :: y1:Int -> y2:Int -> Int / [y2] @-}" in m.text
    b = "f :: Int -> Int -> Int\nf k n\n  | n <= 0 = k\n  | otherwise = f (k `div` 2) (n `div` 2)\n"
    assert "/ [y2]" in module_for(verifier, b, b.replace("| n <= 0 = k", "| n < 1 = k")).text
    # Counting up to a bound (hsx/proof/metrics.py): the distance to the bound decreases.
    up = "g :: Int -> Int -> Int\ng k n = if k >= n then k else g (k + 1) n\n"
    assert "{-@ g :: y1:Int -> y2:Int -> Int / [y2 - y1] @-}" in module_for(verifier, up, up.replace("k >= n", "n <= k")).text


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
    # `bigger` is the same in both files, so the module has one copy, which B's `go` calls.
    assert "accumulator lemma (go: bigger hsxP1 (top hsxP2))" in names


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

def test_verdict_with_and_without_the_prover(verifier):
    """An equivalent pair that the empty proof proves: `equivalent` with Liquid Haskell;
    without it `unknown`, with proof status prover-missing and the command that installs it."""
    try:
        locate_prover(verifier.config.toolchain, verifier.config.sandbox)
        installed = True
    except ProverMissing:
        installed = False
    r = verifier.verify(PairRequest(ARITH_A, ARITH_B))
    if installed:
        assert r.verdict == Verdict.EQUIVALENT and r.proof.status == "proved", r.reason
    else:
        assert r.verdict == Verdict.UNKNOWN
        assert r.proof.status == "prover-missing" and "make liquid" in r.reason


# A prover that logs its solver queries as liquid-fixpoint does (always, to .liquid/M.hs.smt2
# and .evals.smt2): 2 MB, past a 1 MB file-size limit.
SMT_LOGGER = """import pathlib, sys
log = pathlib.Path(".liquid") / (sys.argv[1] + ".evals.smt2")
log.parent.mkdir(exist_ok=True)
with open(log, "w") as f:
    for _ in range(2048):
        f.write("(assert true)" * 78 + "\\n")
print("**** LIQUID: SAFE (1 constraints checked) ****")
"""


def test_the_solver_logs_do_not_count_against_the_file_size_limit(tmp_path):
    script = tmp_path / "logger.py"
    script.write_text(SMT_LOGGER)
    prover = Prover((sys.executable, str(script)), "logger")
    outcome = run_prover(prover, "module HsxEquiv where\n", proof=dataclasses.replace(ProofConfig(), cache=False),
                         limits=SandboxConfig(max_file_mb=1), cache_dir=str(tmp_path))
    assert outcome.status == "proved", outcome.message
    # A write past the limit elsewhere stops the prover (SIGXFSZ), which reads as no verdict.
    writer = Prover(("sh", "-c", "exec head -c 2097152 /dev/zero > big", "sh"), "writer")
    outcome = run_prover(writer, "module HsxEquiv where\n", proof=dataclasses.replace(ProofConfig(), cache=False),
                         limits=SandboxConfig(max_file_mb=1), cache_dir=str(tmp_path))
    assert outcome.status == "timeout" and "file size" in outcome.message


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
    assert r.proof.status == "proved" and r.proof.template == "empty"
    assert r.proof.text == "equiv x1 = ()"
    assert json.loads(json.dumps(r.to_json()))["proof"]["attempts"][0]["status"] == "proved"
    runs = int(counter.read_text())
    again = v.verify(PairRequest(ARITH_A, ARITH_B))  # cached: the prover does not run again
    assert again.verdict == Verdict.EQUIVALENT and int(counter.read_text()) == runs


def test_unsafe_output_tries_every_template_then_unknown(replay):
    make, _ = replay
    r = make("UnsafeNoInduction").verify(PairRequest(SUM_A, SUM_B))
    assert r.verdict == Verdict.UNKNOWN
    statuses = {a.status for a in r.proof.attempts}
    assert statuses == {"proof-failed"} and len(r.proof.attempts) >= 3
    assert "no proof accepted" in r.reason


def test_counterexample_plus_accepted_proof_is_reported_loudly(replay):
    make, _ = replay
    r = make("SafeTwoArgs").verify(PairRequest(ARITH_A, "double :: Int -> Int\ndouble x = x\n",
                                               proof="equiv _ = ()\n"))
    assert r.verdict == Verdict.ERROR and r.error_kind == ErrorKind.INTERNAL
    assert "INTERNAL-CONSISTENCY" in r.reason


# -- the real prover --------------------------------------------------------------------------



@pytest.mark.liquid
@pytest.mark.parametrize("name, a, b", [
    ("arith", ARITH_A, ARITH_B),
    ("list", SUM_A, SUM_A.replace("x + total xs", "total xs + x")),
    ("tree", TREE_A, TREE_B),
    ("accumulator", SUM_A, SUM_B),
])
def test_real_prover_automatic_search(real_prover, check, name, a, b):
    """Which template proves a pair is hsx.proof.search's business; that one does, and says so."""
    r = check(a, b)
    assert r.verdict == Verdict.EQUIVALENT, r.reason
    assert r.proof.template and r.proof.text and r.proof.attempts[-1].status == "proved"
    if name == "arith":
        assert r.proof.template == "empty"


@pytest.mark.liquid
def test_real_prover_does_not_prove_a_false_theorem(real_prover, check):
    r = check(ARITH_A, "double :: Int -> Int\ndouble x = x + x + 0\n", proof="equiv x = ()\n")
    assert r.verdict == Verdict.EQUIVALENT
    # They differ at one input that no search hits: an honest proof attempt fails.
    square = "15241578780673678515622620750190521"  # (123456789123456789)^2
    r = check(f"f :: Integer -> Integer\nf x = if x * x == {square} then 0 else x\n",
              "f :: Integer -> Integer\nf x = x\n", proof="equiv x = ()\n")
    assert r.verdict == Verdict.UNKNOWN and r.proof.status == "proof-failed", r.reason


def test_program_annotations_never_reach_the_prover(verifier):
    a = ('{-@ LIQUID "--no-termination" @-}\n{-@ ignore double @-}\n' + ARITH_A +
         "{-@ assume helper :: x:Int -> { false } @-}\n")
    m = module_for(verifier, a, ARITH_B)
    assert "ignore" not in m.text and "assume" not in m.text and "no-termination" not in m.text
    # LIQUID x2, the infix declaration of `:` and the theorem
    assert m.text.count("{-@") == m.text.count("{-@ reflect ") + 4


def test_floating_point_programs_get_no_proof(check):
    r = check("h :: Double -> Double\nh x = x * 2\n", "h :: Double -> Double\nh x = x + x\n")
    assert r.verdict == Verdict.UNKNOWN and "real numbers" in r.reason and r.proof is None


# -- every path of the proof stage, against the real prover -----------------------------------
#
# Each test below runs Liquid Haskell itself (marker `liquid`), with a fresh proof cache so that
# nothing is answered from an earlier run.

@pytest.fixture(scope="module")
def lh(real_prover):
    """check(a, b, **kw) on a Verifier that never answers from the proof cache, and that Verifier."""
    base = load_config(None)
    cfg = dataclasses.replace(base, search=dataclasses.replace(base.search, seed=0, tests=200, eval_timeout=0.5,
                                                               budget=8.0),
                              proof=dataclasses.replace(base.proof, cache=False))
    with Verifier(cfg) as v:
        def run(a: str, b: str, **kw):
            return v.verify(PairRequest(a_source=a, b_source=b, **kw))
        run.verifier = v
        yield run


def _attempt(r) -> ProofAttempt:
    assert r.proof is not None, r.reason
    return r.proof.attempts[-1]


# Module assembly for every program shape of the pool: the module hsx builds for (P, P) is read,
# reflected and checked by Liquid Haskell (the empty proof is then either accepted or fails as a
# proof; it never fails as a module).  One reflectable pool program per shape.
def _pool() -> list[dict]:
    root = Path(__file__).resolve().parents[1] / "data" / "programs"
    return [json.loads(line) for f in sorted(root.glob("*.jsonl")) for line in f.read_text().splitlines()
            if line.strip()]


SHAPES = {
    "list": lambda p: p["type"].startswith("[Int]") and p["arity"] == 1,
    "string": lambda p: p["type"].startswith("String"),
    "user data type": lambda p: "data-type" in p["tags"] and "tree" in p["tags"],
    "Nat (reserved name)": lambda p: "nat" in p["tags"],
    "tuple": lambda p: p["type"].startswith("(Int, Int)"),
    "Maybe": lambda p: "Maybe" in p["type"],
    "Either": lambda p: "Either" in p["type"],
    "one Int argument": lambda p: p["type"] == "Int -> Int",
    "two arguments": lambda p: p["arity"] == 2,
    "three arguments": lambda p: p["arity"] == 3,
    "polymorphic": lambda p: " a" in f" {p['type']}".replace("(", " ").replace("[", " "),
    "Bool": lambda p: p["type"].startswith("Bool"),
    "counting down a later Int argument": lambda p: p["id"] == "ar-sum-acc",
}


@pytest.mark.liquid
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_real_prover_reads_the_module_of_every_pool_shape(lh, real_prover, shape):
    p = next(p for p in _pool() if p["reflectable"] == "true" and SHAPES[shape](p))
    m = lh.verifier.lh_module(PairRequest(p["code"], p["code"], entry_a=p["entry"], entry_b=p["entry"]))
    assert isinstance(m, LhModule), getattr(m, "reason", m)
    proof = f"{THEOREM} {' '.join(m.params)} = ()"
    outcome = run_prover(real_prover, m.with_proof(proof), proof=dataclasses.replace(ProofConfig(), cache=False),
                         limits=SandboxConfig(), cache_dir="", line_map=m.line_map(proof))
    assert outcome.status in ("proved", "proof-failed"), f"{p['id']}:\n{m.with_proof(proof)}\n{outcome.message}"


# Given proofs, written to hsx's contract, are accepted.
NAT = "data Nat = Z | S Nat\n  deriving (Show, Eq)\n\n"
MAX_IF = "bigger :: Int -> Int -> Int\nbigger x y = if x >= y then x else y\n"
MAX_GUARDS = "bigger :: Int -> Int -> Int\nbigger x y\n  | x < y = y\n  | otherwise = x\n"
GIVEN = {
    "case split on the guards": (MAX_IF, MAX_GUARDS, "equiv x y\n  | x < y = ()\n  | otherwise = ()\n"),
    "list induction": (SUM_A, SUM_A.replace("x + total xs", "total xs + x"),
                       "equiv [] = ()\nequiv (_ : ys) = equiv ys\n"),
    "accumulator lemma": (SUM_A, SUM_B,
                          "{-@ lemmaGo :: acc:Int -> ys:[Int] -> { go acc ys == acc + total ys } @-}\n"
                          "lemmaGo :: Int -> [Int] -> Proof\nlemmaGo _ [] = ()\n"
                          "lemmaGo acc (y : ys) = lemmaGo (acc + y) ys\n\nequiv xs = lemmaGo 0 xs\n"),
    "data type induction": (TREE_A, TREE_B, "equiv Leaf = ()\nequiv (Node l _ r) = equiv l &&& equiv r\n"),
    "Nat (a reserved name)": (
        NAT + "toInt :: Nat -> Int\ntoInt Z = 0\ntoInt (S n) = 1 + toInt n\n",
        NAT + "toInt :: Nat -> Int\ntoInt Z = 0\ntoInt (S n) = toInt n + 1\n",
        "{-@ lemma :: n:Nat -> { toInt n == toInt_b n } / [hsxSizeNat n] @-}\nlemma :: Nat -> Proof\n"
        "lemma Z = ()\nlemma (S n) = lemma n\n\nequiv n = lemma n\n"),
    "polymorphic Maybe": ("safeHead :: [a] -> Maybe a\nsafeHead [] = Nothing\nsafeHead (x : _) = Just x\n",
                          "safeHead :: [b] -> Maybe b\nsafeHead ys = case ys of\n  [] -> Nothing\n  (y : _) -> Just y\n",
                          "equiv [] = ()\nequiv (_ : _) = ()\n"),
}


@pytest.mark.liquid
@pytest.mark.parametrize("name", sorted(GIVEN))
def test_real_prover_accepts_given_proofs(lh, name):
    a, b, proof = GIVEN[name]
    r = lh(a, b, proof=proof)
    assert r.verdict == Verdict.EQUIVALENT, f"{r.reason}\n{r.proof}"
    assert r.proof.status == "proved" and r.proof.template == "given"
    assert r.proof.text == proof  # the proof as given, in the programs' own names
    assert r.proof.attempts[0].seconds > 0


# Names of the programs that Liquid Haskell already uses.  Without hsx's renaming, `data Nat` is
# read in hsx's own specifications as LH's `Nat` (a refinement of Int) and every attempt fails.
def test_reserved_names_are_renamed_in_the_module_and_in_a_given_proof(verifier):
    a = NAT + "toInt :: Nat -> Int\ntoInt Z = 0\ntoInt (S n) = 1 + toInt n\n"
    m = module_for(verifier, a, a.replace("1 + toInt n", "toInt n + 1"))
    assert "data Nat_hsx = Z | S Nat_hsx" in m.text and "data Nat " not in m.text
    assert "{-@ equiv :: x1:Nat_hsx -> { toInt x1 == toInt_b x1 } / [hsxSizeNat_hsx x1] @-}" in m.text
    assert m.renamed == {"Nat": "Nat_hsx"}
    assert "Nat_hsx" in m.data_types and m.arg_types[0].name == "Nat_hsx"
    proof = "{-@ lemma :: n:Nat -> { toInt n == toInt_b n } @-}\nlemma :: Nat -> Proof\n-- Nat in a comment\n"
    assert m.given_proof(proof) == proof.replace("n:Nat ", "n:Nat_hsx ").replace(":: Nat ->", ":: Nat_hsx ->")
    assert m.unrename("HsxEquiv.Nat_hsx and Nat_hsx, not Nat_hsxY") == "HsxEquiv.Nat and Nat, not Nat_hsxY"
    assert m.given_proof("lemma (S n) = lemma n / [hsxSizeNat n]") == "lemma (S n) = lemma n / [hsxSizeNat_hsx n]"
    names = [c.template for c in candidate_proofs(m)]
    assert "induction on x1 (Nat_hsx)" in names


RESERVED_A = ("data TT = Even | Odd Int\n  deriving (Show, Eq)\n\n"
              "len :: [Int] -> Int\nlen [] = 0\nlen (_ : _) = 1\n"
              "isJust :: TT -> Bool\nisJust Even = True\nisJust (Odd _) = False\n"
              "trivial :: [Int] -> TT\ntrivial xs = if isJust (Odd 1) then Even else Odd (len xs)\n")


def test_every_reserved_name_a_program_defines_is_renamed(verifier):
    b = RESERVED_A.replace("Odd (len xs)", "Odd (len xs + 0)").replace("len (_ : _) = 1", "len (_ : _) = 2 - 1")
    m = module_for(verifier, RESERVED_A, b)
    assert set(m.renamed) == {"TT", "Even", "Odd", "len", "isJust", "trivial"} <= LH_RESERVED
    for name in m.renamed:
        assert f"{name}{RESERVED_SUFFIX}" in m.text
    assert "{-@ reflect len_hsx @-}" in m.text and "{-@ reflect len_b @-}" in m.text  # B's `_b` wins
    # isJust is the same in both files: one copy, in its reserved spelling, serves both.
    assert "{-@ reflect isJust_hsx @-}" in m.text and "isJust_b" not in m.text


@pytest.mark.liquid
def test_real_prover_proves_pairs_with_reserved_names(lh):
    r = lh(RESERVED_A, RESERVED_A.replace("Odd (len xs)", "Odd (len xs + 0)"),
           proof="equiv [] = ()\nequiv (_ : _) = ()\n")
    assert r.verdict == Verdict.EQUIVALENT, f"{r.reason}\n{r.proof}"


@pytest.mark.liquid
def test_real_prover_messages_use_the_programs_names(lh):
    a = NAT + "toInt :: Nat -> Int\ntoInt Z = 0\ntoInt (S n) = 1 + toInt n\n"
    r = lh(a, a.replace("1 + toInt n", "toInt n + 1"), proof="equiv n = ()\n")
    assert r.verdict == Verdict.UNKNOWN
    att = _attempt(r)
    assert att.status == "proof-failed" and att.where == "equiv"
    assert "Nat_hsx" not in r.reason and "Nat_hsx" not in att.message
    assert "PROOF.hs:1:" in att.message


# Each escape hatch is real (Liquid Haskell itself reports the false theorem SAFE with it), and
# hsx rejects it before the prover runs.
FALSE_A, FALSE_B = ARITH_A, "double :: Int -> Int\ndouble x = x + x + 1\n"
HATCHES = {
    "assume": "{-@ assume lemma :: x:Int -> { double x == double_b x } @-}\nlemma :: Int -> Proof\n"
              "lemma _ = ()\nequiv x = lemma x\n",
    "ignore": "{-@ ignore equiv @-}\nequiv _ = ()\n",
    "lazy": "{-@ lazy lemma @-}\n{-@ lemma :: x:Int -> { double x == double_b x } @-}\n"
            "lemma :: Int -> Proof\nlemma x = lemma x\nequiv x = lemma x\n",
    "LIQUID": '{-@ LIQUID "--no-termination" @-}\n{-@ lemma :: x:Int -> { double x == double_b x } @-}\n'
              "lemma :: Int -> Proof\nlemma x = lemma x\nequiv x = lemma x\n",
    "undefined": "equiv _ = undefined\n",
    "Admit": "equiv _ = () *** Admit\n",
    "==!": "equiv x = double x ==! double_b x *** QED\n",
}


@pytest.mark.liquid
@pytest.mark.parametrize("construct", sorted(HATCHES))
def test_real_prover_escape_hatches_prove_false_theorems_and_are_rejected(lh, real_prover, construct):
    proof = HATCHES[construct]
    m = lh.verifier.lh_module(PairRequest(FALSE_A, FALSE_B))
    assert isinstance(m, LhModule), m
    unchecked = run_prover(real_prover, m.with_proof(proof), proof=dataclasses.replace(ProofConfig(), cache=False),
                           limits=SandboxConfig(), cache_dir="")
    assert unchecked.status == "proved", unchecked.message  # what the policy is there for
    r = lh(FALSE_A, FALSE_B, proof=proof)
    assert r.verdict == Verdict.ERROR and r.error_kind == ErrorKind.REJECTED, r.reason
    assert construct in r.reason and "compile" not in r.timings


# Every classification, each from a real run of the pipeline with a given proof.
LEMMA_FAILS = ("{-@ lemma :: x:Int -> { double x == 3 * x } @-}\nlemma :: Int -> Proof\nlemma _ = ()\n\n"
               "equiv x = lemma x\n")
CLASSES = {
    # PLE unfolds a guarded definition only where its guard is known: no case split, no proof.
    "proof-failed at equiv": (MAX_IF, MAX_GUARDS, "equiv _ _ = ()\n", "proof-failed", "equiv", ("PROOF.hs", 1)),
    "proof-failed at a lemma": (ARITH_A, ARITH_B, LEMMA_FAILS, "proof-failed", "lemma", ("PROOF.hs", 3)),
    "termination": (ARITH_A, ARITH_B, "{-@ lemma :: x:Int -> { double x == double_b x } @-}\n"
                                      "lemma :: Int -> Proof\nlemma x = lemma (x + 1)\n\nequiv x = lemma x\n",
                    "termination", None, ("PROOF.hs", 3)),
    "not-reflectable": ("import Data.Char (toUpper)\nup :: String -> String\nup = map toUpper\n",
                        "import Data.Char (toUpper)\nup :: String -> String\nup s = [toUpper c | c <- s]\n",
                        "equiv _ = ()\n", "not-reflectable", None, None),
    "spec-error": (ARITH_A, ARITH_B, "{-@ lemma :: x:Int -> { double x == @-}\nlemma :: Int -> Proof\n"
                                     "lemma _ = ()\n\nequiv x = lemma x\n", "spec-error", None, ("PROOF.hs", 1)),
    "spec-error (unbound)": (ARITH_A, ARITH_B, "{-@ lemma :: x:Int -> { nowhere x == 0 } @-}\nlemma :: Int -> Proof\n"
                                               "lemma _ = ()\n\nequiv x = lemma x\n", "spec-error", None, None),
    "compile-error": (ARITH_A, ARITH_B, "equiv x = x\n", "compile-error", None, ("PROOF.hs", 1)),
}


@pytest.mark.liquid
@pytest.mark.parametrize("name", sorted(CLASSES))
def test_real_prover_classifies_each_failure(lh, name):
    a, b, proof, status, where, location = CLASSES[name]
    r = lh(a, b, proof=proof)
    assert r.verdict == Verdict.UNKNOWN, r.reason
    att = _attempt(r)
    assert (r.proof.status, att.status, att.where) == (status, status, where), att.message
    assert "HsxEquiv.hs" not in att.message or status == "not-reflectable", att.message
    assert att.message in r.reason  # the given proof's failure is reported in full
    if location:
        assert f"{location[0]}:{location[1]}:" in att.message, att.message


@pytest.mark.liquid
def test_real_prover_timeout(tmp_path, real_prover):
    base = load_config(None)
    short = dataclasses.replace(base.proof, timeout=0.3, cache=False)
    with Verifier(dataclasses.replace(base, proof=short)) as v:
        r = v.verify(PairRequest(SUM_A, SUM_B, proof=GIVEN["accumulator lemma"][2]))
        m = v.lh_module(PairRequest(SUM_A, SUM_B))
    assert r.verdict == Verdict.UNKNOWN and r.proof.status == "timeout", r.reason
    assert "did not finish within" in _attempt(r).message
    outcome = run_prover(real_prover, m.with_proof("equiv _ = ()"), proof=dataclasses.replace(short, cache=True),
                         limits=SandboxConfig(), cache_dir=str(tmp_path))
    assert outcome.status == "timeout" and not (tmp_path / "proofs").exists()  # never cached


def _reserved_pair(kind: str, name: str) -> tuple[str, str, str]:
    """A pair (and its proof) whose program defines `name` as a data type, a constructor or a
    function (the shapes of scripts/dev/find_lh_reserved_names.py)."""
    if kind == "type":
        a = f"data {name} = A0 | A1 {name}\n  deriving (Show, Eq)\n\nf :: {name} -> Int\nf A0 = 0\nf (A1 t) = 1 + f t\n"
        return a, a.replace("1 + f t", "f t + 1"), "equiv A0 = ()\nequiv (A1 t) = equiv t\n"
    if kind == "constructor":
        a = f"data T = {name} | M Int\n  deriving (Show, Eq)\n\nf :: T -> Int\nf {name} = 0\nf (M k) = k\n"
        return a, a.replace("f (M k) = k", "f (M k) = k + 0"), f"equiv {name} = ()\nequiv (M _) = ()\n"
    a = f"{name} :: [Int] -> Int\n{name} [] = 0\n{name} (x : xs) = x + {name} xs\n"
    return a, a.replace(f"x + {name} xs", f"{name} xs + x"), "equiv [] = ()\nequiv (_ : ys) = equiv ys\n"


@pytest.mark.liquid
@pytest.mark.parametrize("kind, name", [("type", "Nat"), ("type", "Prop"), ("type", "GeInt"), ("type", "Proof"),
                                        ("type", "Tuple"), ("constructor", "QED"), ("function", "len"),
                                        ("function", "isJust"), ("function", "totalityError"),
                                        ("function", "measure"), ("function", "true"), ("function", "equiv")])
def test_real_prover_reserved_names_are_renamed(lh, monkeypatch, kind, name):
    """Each is a name Liquid Haskell gives a meaning of its own; with hsx's renaming the pair is
    proved, without it (LH_RESERVED emptied) it is not."""
    import hsx.proof.lhmodule
    a, b, proof = _reserved_pair(kind, name)
    r = lh(a, b, proof=proof)
    assert r.verdict == Verdict.EQUIVALENT, f"{r.reason}\n{r.proof}"
    assert r.proof.text == proof
    if name == THEOREM:
        return  # hsx's own name, renamed whatever LH_RESERVED says
    monkeypatch.setattr(hsx.proof.lhmodule, "LH_RESERVED", frozenset())
    r = lh(a, b, proof=proof)
    assert r.verdict == Verdict.UNKNOWN and r.proof.status != "proved", r.proof
