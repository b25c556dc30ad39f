"""The transformation Alice (hsx/selfplay/transform/__init__.py): every transformation on a small program built for
it gives a Q that GHC compiles with P's entry type, and a transform run on a slice of the pool
gives verified SINQ and SEQ pairs through the same verification as a model's answers (the SEQ
ones with the real Liquid Haskell prover)."""

import dataclasses
import json
import random
from pathlib import Path

import pytest

from hsx.config import load_config
from hsx.haskell.syntax import OpNode
from hsx.runs import read_json, read_jsonl
from hsx.selfplay.loop import run_selfplay
from hsx.selfplay.transform.syntax_tree import token_syntax
from hsx.selfplay.transform import TRANSFORMS, propose, variants
from hsx.verdict import Verdict
from hsx.verify.pipeline import PairRequest
from hsx.verify.syntax import syntax_reader

ROOT = Path(__file__).resolve().parents[1]

SIGN = "sign :: Int -> Int\nsign x\n  | x > 0 = 1\n  | x < 0 = 0 - 1\n  | otherwise = 0\n"
ABS = "absv :: Int -> Int\nabsv x = if x < 0 then 0 - x else x\n"
COUNT = "count :: [Int] -> Int\ncount [] = 0\ncount (_ : xs) = 1 + count xs\n"
COPY = "copy :: [Int] -> [Int]\ncopy [] = []\ncopy (x : xs) = x : copy xs\n"
DESCRIBE = ("describe :: Int -> Maybe Int -> Int\ndescribe k m = case m of\n    Nothing -> k\n"
            "    Just y -> k + y + w + maybe 0 id m\n  where\n    w = 2\n")

# transformation -> (program built for it, its entry, one input per argument)
PROGRAMS = {
    "swap-operator": ("plus :: Int -> Int -> Int\nplus a b = a + b\n", "plus", ("3", "4")),
    "constant+1": ("triple :: Int -> Int\ntriple x = x * 3\n", "triple", ("5",)),
    "constant-1": ("triple :: Int -> Int\ntriple x = x * 3\n", "triple", ("5",)),
    "move-base-case": (COUNT, "count", ("[1,2]",)),
    "flip-guard": (SIGN, "sign", ("2",)),
    "drop-guard": (SIGN, "sign", ("2",)),
    "swap-if-branches": (ABS, "absv", ("(-2)",)),
    "swap-arguments": ("sub :: Int -> Int -> Int\nsub a b = a - b\n", "sub", ("5", "2")),
    "skip-element": (COPY, "copy", ("[1,2,3]",)),
    "repeat-element": (COPY, "copy", ("[1,2,3]",)),
    "guards-to-if": (SIGN, "sign", ("2",)),
    "if-to-guards": (ABS, "absv", ("(-2)",)),
    "if-to-case": (ABS, "absv", ("(-2)",)),
    "commute": ("affine :: Int -> Int -> Int\naffine a b = a * b + 1\n", "affine", ("2", "3")),
    "reassociate": ("add3 :: Int -> Int -> Int -> Int\nadd3 a b c = a + b + c\n", "add3", ("1", "2", "3")),
    "double-to-sum": ("twice :: Int -> Int\ntwice x = x * 2\n", "twice", ("7",)),
    "sum-to-double": ("twice :: Int -> Int\ntwice x = x + x\n", "twice", ("7",)),
    "introduce-helper": (ABS, "absv", ("(-2)",)),
    "inline-helper": ("sq :: Int -> Int\nsq y = y * y\n\nsumSq :: Int -> Int -> Int\nsumSq a b = sq a + b\n",
                      "sumSq", ("3", "4")),
    "accumulator": ("total :: [Int] -> Int\ntotal [] = 0\ntotal (x : xs) = x + total xs\n", "total", ("[1,2,3]",)),
    "merge-clauses": (COUNT, "count", ("[1,2]",)),
    "split-clauses": (DESCRIBE, "describe", ("3", "(Just 4)")),
    "rename-bound": (ABS, "absv", ("(-2)",)),
}


def test_every_transformation_has_a_program():
    assert set(PROGRAMS) == set(TRANSFORMS)


@pytest.mark.parametrize("reader", ["ghc", "tokens"])
def test_each_transformation_yields_a_q_that_compiles_with_ps_type(verifier, reader):
    """Nodes located by GHC's parser (the helper's `syntax` op) and by the tokenizer fallback."""
    syntax = syntax_reader(verifier) if reader == "ghc" else token_syntax
    requests, expected = [], {}
    for name, (code, entry, inputs) in PROGRAMS.items():
        found = variants(code, entry, name, syntax=syntax)
        assert found, f"{name} made no variant of\n{code}"
        for i, (_site, q) in enumerate(found):
            rid = f"{name}/{i}"
            expected[rid] = q
            requests.append(PairRequest(code, q, a_path="P.hs", b_path="Q.hs", entry_a=entry, entry_b=entry,
                                        inputs=inputs, id=rid))
    results = {r.id: r for r in verifier.verify_many(requests)}
    for rid, q in expected.items():
        r = results[rid]
        # Running both on the input means both parsed, compiled and have the same entry type.
        assert r.verdict in (Verdict.INEQUIVALENT, Verdict.UNKNOWN), f"{rid}: {r.verdict} {r.reason}\n{q}"


def test_known_rewrites():
    code, entry, _ = PROGRAMS["reassociate"]
    assert any("a + (b + c)" in q for _, q in variants(code, entry, "reassociate"))
    code, entry, _ = PROGRAMS["swap-operator"]
    assert [q for _, q in variants(code, entry, "swap-operator")] == [code.replace("a + b", "a - b")]
    code, entry, _ = PROGRAMS["guards-to-if"]
    (_, q), = variants(code, entry, "guards-to-if")
    assert "if x > 0 then 1 else if x < 0 then (0 - 1) else 0" in q and "|" not in q
    code, entry, _ = PROGRAMS["accumulator"]
    (_, q), = variants(code, entry, "accumulator")
    assert "totalAcc (acc + x) xs" in q and "total a1 = totalAcc 0 a1" in q


def test_split_clauses_rewrite():
    code, entry, _ = PROGRAMS["split-clauses"]
    (_, q), = variants(code, entry, "split-clauses")
    assert "describe k Nothing = k\n  where\n    w = 2\n" in q
    assert "describe k m@(Just y) = k + y + w + maybe 0 id m\n  where\n    w = 2\n" in q
    assert "case" not in q
    count = "count :: [Int] -> Int\ncount xs = case xs of\n  [] -> 0\n  (_ : t) -> 1 + count t\n"
    (_, q), = variants(count, "count", "split-clauses")
    assert q == "count :: [Int] -> Int\ncount [] = 0\ncount (_ : t) = 1 + count t\n"


# Shapes split-clauses must leave alone: splitting them would change meaning or not compile.
SPLIT_UNSAFE = {
    "scrutinee-not-an-argument": "f :: Int -> Int -> Int\nf n x = case x + 1 of\n  0 -> n\n  _ -> x\n",
    "where-uses-scrutinee": ("f :: Int -> Maybe Int -> Int\nf n m = case m of\n  Nothing -> w\n  Just y -> y + w\n"
                             "  where\n    w = maybe n id m\n"),
    "alternative-shadows-argument": "f :: Int -> Maybe Int -> Int\nf n m = case m of\n  Nothing -> n\n  Just n -> n\n",
    "alternative-shadows-where": ("f :: Int -> Maybe Int -> Int\nf n m = case m of\n  Nothing -> n\n"
                                  "  Just w -> w + n\n  where\n    w = 3\n"),
    "guarded-alternative": "f :: Int -> Int\nf x = case x of\n  y | y > 0 -> 1\n  _ -> 0\n",
    "already-several-clauses": "f :: Int -> Int\nf 0 = 1\nf x = case x of\n  1 -> 2\n  _ -> 3\n",
}


@pytest.mark.parametrize("reader", ["ghc", "tokens"])
@pytest.mark.parametrize("shape", sorted(SPLIT_UNSAFE))
def test_split_clauses_bails_out_on_unsafe_shapes(request, reader, shape):
    if reader == "ghc":
        verifier = request.getfixturevalue("verifier")
        syntax = syntax_reader(verifier)
    else:
        syntax = token_syntax
    assert variants(SPLIT_UNSAFE[shape], "f", "split-clauses", syntax=syntax) == []


def test_syntax_nodes_have_the_syntax_ops_shapes():
    tree = token_syntax("f :: Int -> Int\nf x\n  | x > 0 = x * 2 + 1\n  | otherwise = if x < 0 then 0 - x else 7\n")
    kinds = {n.node for n in tree.nodes}
    assert {"op", "literal", "if", "match", "guarded"} <= kinds
    plus = next(n for n in tree.nodes if isinstance(n, OpNode) and n.op == "+")
    assert plus.lhs == (3, 13, 3, 18) and plus.rhs == (3, 21, 3, 22)  # (x * 2) + 1, by fixity


def test_propose_is_seeded_and_of_one_kind():
    code, entry, _ = PROGRAMS["flip-guard"]
    a = propose(code, entry, "sinq", random.Random(3), count=3)
    b = propose(code, entry, "sinq", random.Random(3), count=3)
    assert a == b and len(a) == 3 and len({c.transform for c in a}) == 3
    assert all(TRANSFORMS[c.transform][0] == "sinq" for c in a)
    again = propose(code, entry, "sinq", random.Random(3), count=3, exclude=frozenset(c.q for c in a))
    assert not {c.q for c in again} & {c.q for c in a}


# A slice of the pool on which the transformations are known to verify: programs whose
# equivalent rewrites the automatic proof search handles (arithmetic, guards, if).
SLICE = ("abs-guards", "sign-of", "max-of-three", "clamp-range")


@pytest.mark.liquid
def test_transform_run_on_a_pool_slice_verifies_sinq_and_seq(tmp_path, toolchain):
    config = load_config(ROOT / "configs" / "smoke.toml")
    try:
        from hsx.proof.prover import locate_prover
        locate_prover(config.toolchain, config.sandbox)
    except Exception as e:  # noqa: BLE001 - any reason the prover is not there
        pytest.skip(f"Liquid Haskell prover not available: {e}")
    pool = tmp_path / "pool"
    pool.mkdir()
    records = [json.loads(line) for line in (ROOT / "data" / "programs" / "starter.jsonl").read_text().splitlines()
               if line.strip()]
    (pool / "slice.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records if r["id"] in SLICE))
    sp = dataclasses.replace(config.selfplay, pool=str(pool), runs_dir=str(tmp_path), iterations=1,
                             programs_per_iteration=len(SLICE), p_seq=0.5, repair_rounds=1, bob_prompt="short")
    config = dataclasses.replace(config, selfplay=sp, alice=dataclasses.replace(config.alice, backend="transform"))
    run = run_selfplay(config, tmp_path / "transform")
    m = read_json(run / "iter_0" / "metrics.json")
    assert m["outcomes"].get("verified-sinq", 0) >= 1, m["outcomes"]
    assert m["outcomes"].get("verified-seq", 0) >= 1, m["outcomes"]
    assert set(m["sources"]) == {"transform"}
    bob = read_jsonl(run / "iter_0" / "bob.jsonl")
    assert bob and all(b["source"] == "transform" and b["transform"] in TRANSFORMS for b in bob)
    for b in bob:
        result = b["verification"]["result"]
        if b["kind"] == "sinq":  # the input hsx's own search found is the one recorded
            assert b["inputs"] == result["counterexample"]["inputs"] and result["confirmed"]
        else:  # a proof that Liquid Haskell accepted, found by the automatic search
            assert result["verdict"] == "equivalent" and result["proof"]["status"] == "proved"
