"""The counterexample search (issue 10): aimed generators, strategies in turns, determinism, and
the overflow check that stands between a Liquid Haskell proof and an `equivalent` verdict.

Each generator family gets a pair built to need it: hsx finds the difference, and plain
QuickCheck (strategy `plain`: its default generators and size schedule, nothing else) with as
many tests does not.  Searches here are capped by a number of drawn inputs, not only by time, so
that their results do not depend on how loaded the machine is.
"""

import textwrap

import pytest

from hsx.config import ConfigError, SearchConfig, load_config
from hsx.haskell.hints import mine_constants
from hsx.haskell.source import parse_source
from hsx.proof.prover import ProverMissing, locate_prover
from hsx.verdict import Verdict
from hsx.verify.pipeline import PairRequest, Verifier

TESTS = 3000  # drawn inputs for both hsx and plain QuickCheck


def _config(**search):
    base = load_config(None).with_proof(enabled=False)
    return base.with_search(**{"seed": 0, "tests": TESTS, "budget": 30.0, "eval_timeout": 0.5, **search})


@pytest.fixture(scope="module")
def hsx(toolchain):
    with Verifier(_config()) as v:
        yield v


@pytest.fixture(scope="module")
def plain(toolchain):
    with Verifier(_config(strategies=("plain",))) as v:
        yield v


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip()


# (family, A, B): each pair differs only where its family of generators aims.
FAMILIES = {
    "Int boundary (isqrt maxBound + 1)": ("f :: Int -> Bool\nf x = x * x >= 0\n", "f :: Int -> Bool\nf _ = True\n"),
    "two-argument overflow": ("f :: Int -> Int -> Bool\nf x y = x + y > x\n", "f :: Int -> Int -> Bool\nf x y = y > 0\n"),
    "Word wrap-around": ("f :: Word -> Word -> Bool\nf a b = a + b < a\n", "f :: Word -> Word -> Bool\nf _ _ = False\n"),
    "Integer beyond Int": ("f :: Integer -> Bool\nf x = x > 0\n",
                           "f :: Integer -> Bool\nf x = (fromInteger x :: Int) > 0\n"),
    "Double NaN": ("f :: Double -> Bool\nf x = not (x < 0)\n", "f :: Double -> Bool\nf x = x >= 0\n"),
    "Double -0.0": ("f :: Double -> Double\nf x = 1 / x\n", "f :: Double -> Double\nf x = 1 / (x + 0)\n"),
    "Double huge": ("f :: Double -> Bool\nf x = isInfinite (x * 2)\n", "f :: Double -> Bool\nf x = isInfinite x\n"),
    "mined integer": ("f :: Int -> Int\nf x = if x == 4242 then 0 else x\n", "f :: Int -> Int\nf x = x\n"),
    "mined string": ('f :: String -> Int\nf s = if s == "hsx!" then 1 else 0\n', "f :: String -> Int\nf _ = 0\n"),
    "mined character in a string": ("f :: String -> String\nf = filter (/= '~')\n", "f :: String -> String\nf s = s\n"),
    "spaces only": ("f :: String -> Bool\nf s = null (words s)\n", "f :: String -> Bool\nf s = null s\n"),
    "three spaces in a row": ("import Data.List (isInfixOf)\nf :: String -> Bool\nf s = \"   \" `isInfixOf` s\n",
                              "f :: String -> Bool\nf _ = False\n"),
    "run of 11": (src("""
        import Data.List (group)
        f :: String -> Bool
        f s = any ((>= 11) . length) (group s)
        """), src("""
        import Data.List (group)
        f :: String -> Bool
        f s = any ((> 11) . length) (group s)
        """)),
    "16 leading Trues": ("f :: [Bool] -> Int\nf = length . takeWhile id\n",
                         "f :: [Bool] -> Int\nf = min 15 . length . takeWhile id\n"),
    "long list (> 100)": ("f :: [Int] -> Int\nf = length\n", "f :: [Int] -> Int\nf xs = length (take 100 xs)\n"),
    "deep data (depth > 20)": (src("""
        data Nat = Z | S Nat
        f :: Nat -> Int
        f Z = 0
        f (S n) = 1 + f n
        """), src("""
        data Nat = Z | S Nat
        f :: Nat -> Int
        f = go 0
          where
            go k Z = k
            go k (S m) = if k >= 20 then k else go (k + 1) m
        """)),
}

# Families where QuickCheck's defaults do find the difference now and then: only hsx is checked.
QUICKCHECK_MAY_FIND = {"mined character in a string", "spaces only"}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_generator_family_finds_its_pair(hsx, plain, family):
    a, b = FAMILIES[family]
    r = hsx.verify(PairRequest(a, b))
    assert r.verdict == Verdict.INEQUIVALENT, r.reason
    assert r.confirmed and r.tried.found_by in r.tried.strategies
    if family not in QUICKCHECK_MAY_FIND:
        q = plain.verify(PairRequest(a, b))
        assert q.verdict == Verdict.UNKNOWN, (q.counterexample, q.tried)
        assert q.tried.strategies == {"plain": TESTS} and q.tried.enumerated == 0


def test_result_says_what_each_strategy_tried_and_which_found_it(hsx):
    a, b = FAMILIES["Integer beyond Int"]
    r = hsx.verify(PairRequest(a, b))
    assert r.tried.found_by != "enumerate"
    assert r.tried.strategies["enumerate"] == r.tried.enumerated > 0
    assert sum(n for k, n in r.tried.strategies.items() if k != "enumerate") == r.tried.random_tests
    data = r.to_json()["tried"]
    assert data["found_by"] == r.tried.found_by and data["strategies"] == r.tried.strategies


def test_unknown_cycles_every_strategy_until_the_cap(hsx):
    r = hsx.verify(PairRequest("f :: [Int] -> Int\nf = sum\n", "f :: [Int] -> Int\nf = foldl (+) 0\n"))
    assert r.verdict == Verdict.UNKNOWN
    assert set(r.tried.strategies) == {"enumerate", "boundary", "mined", "structure", "random"}
    assert r.tried.random_tests == TESTS and r.tried.found_by is None
    assert "drawn: boundary" in r.reason


def test_same_seed_same_result_other_seed_other_inputs(toolchain):
    eq = ("f :: [Int] -> [Int]\nf = reverse . reverse\n", "f :: [Int] -> [Int]\nf xs = xs\n")
    runs = []
    for seed in (7, 7, 8):
        with Verifier(_config(seed=seed, tests=400)) as v:
            runs.append((v.verify(PairRequest(*FAMILIES["two-argument overflow"])), v.verify(PairRequest(*eq))))
    (found1, eq1), (found2, eq2), (found3, _) = runs
    assert found1.counterexample == found2.counterexample and found1.tried == found2.tried
    assert eq1.tried == eq2.tried and eq1.reason == eq2.reason
    assert found3.verdict == Verdict.INEQUIVALENT and found3.seed == 8


def test_budget_is_spent_and_can_be_raised(toolchain):
    eq = ("f :: Int -> Int\nf x = x * 2\n", "f :: Int -> Int\nf x = x + x\n")
    drawn = {}
    for budget in (0.4, 1.2):
        with Verifier(_config(tests=0, budget=budget)) as v:
            r = v.verify(PairRequest(*eq))
        assert r.verdict == Verdict.UNKNOWN and r.tried.budget_exhausted
        # CPU time, checked before each input: the search stops within one evaluation of it.
        assert budget <= r.timings["search_cpu"] <= budget + 1.0
        drawn[budget] = r.tried.random_tests
    assert drawn[1.2] > drawn[0.4] > 100


def test_default_budget_makes_an_unknown_cost_about_two_seconds():
    search = SearchConfig()
    assert search.budget == 2.0 and search.tests == 0 and search.overflow_budget == 1.0
    with pytest.raises(ConfigError):
        SearchConfig(strategies=("magic",))


def test_constants_are_mined_from_both_programs():
    a = parse_source('f :: Int -> String -> Bool\nf n s = n == 0x2A || s == "a\\tb" || head s == \'#\'\n', "A.hs")
    b = parse_source("g :: Double -> Char\ng x = if x > 2.5 then '\\\\' else '\\65'\n", "B.hs")
    m = mine_constants(a, b)
    assert 42 in m.ints and 2.5 in m.doubles
    assert "a\tb" in m.strings
    assert {"#", "a", "\t", "b", "\\", "A"} <= set(m.chars)


# -- no false `equivalent` from machine integers ----------------------------------------------

OVERFLOW_A = "f :: Int -> Int -> Bool\nf x y = x + y > x\n"
OVERFLOW_B = "f :: Int -> Int -> Bool\nf x y = y > 0\n"
# Liquid Haskell reads Int as the mathematical integers, where x + y > x is y > 0: it accepts
# this proof, and only machine arithmetic tells the programs apart.
OVERFLOW_PROOF = "equiv _ _ = ()\n"


@pytest.fixture(scope="module")
def prover_config():
    base = load_config(None)
    try:
        locate_prover(base.toolchain, base.sandbox)
    except ProverMissing as e:
        pytest.skip(f"needs Liquid Haskell: {e}")
    # No proof cache: each test must see the prover's own answer.  (Not a fresh cache_dir: the
    # prover that `make liquid` built lives in that same per-user folder.)
    return base.with_proof(cache=False)


@pytest.mark.liquid
def test_overflow_pair_with_an_accepted_proof_is_inequivalent(prover_config, toolchain):
    with Verifier(prover_config) as v:
        r = v.verify(PairRequest(OVERFLOW_A, OVERFLOW_B, proof=OVERFLOW_PROOF))
    assert r.verdict == Verdict.INEQUIVALENT, r.reason
    # The proof really was accepted: the verdict rests on the counterexample.
    assert r.proof.status == "proved" and r.proof.integer_model == "unbounded"
    assert "unbounded integers" in r.reason and r.confirmed


@pytest.mark.liquid
def test_overflow_check_runs_before_a_proof_is_accepted(prover_config, toolchain):
    # A search that cannot see overflow (QuickCheck's generators, few tests) finds nothing; the
    # overflow-directed search that runs before the proof counts does.
    cfg = prover_config.with_search(strategies=("random",), tests=200, depth=2)
    with Verifier(cfg) as v:
        r = v.verify(PairRequest(OVERFLOW_A, OVERFLOW_B, proof=OVERFLOW_PROOF))
    assert r.verdict == Verdict.INEQUIVALENT, r.reason
    assert r.tried.found_by == "overflow" and r.tried.strategies["overflow"] > 0
    assert r.proof.status == "proved" and r.proof.machine_integers
    assert r.proof.overflow_search.found


@pytest.mark.liquid
def test_equivalent_int_pair_records_the_integer_model(prover_config, toolchain):
    with Verifier(prover_config) as v:
        r = v.verify(PairRequest("f :: Int -> Int\nf x = 2 * x\n", "f :: Int -> Int\nf x = x + x\n",
                                 proof="equiv _ = ()\n"))
    assert r.verdict == Verdict.EQUIVALENT, r.reason
    assert r.proof.integer_model == "unbounded" and r.proof.machine_integers is True
    assert r.proof.overflow_search.inputs > 0 and not r.proof.overflow_search.found
    assert r.tried.strategies["overflow"] == r.proof.overflow_search.inputs
