"""SEQ self-play end to end with the real Liquid Haskell: the tiny model built in code, real
verification and proof checking, real TRL steps.

Alice's answers are replayed (equivalent variants Q of three pool programs, each with a proof
in the programs' own names); Bob's first sample is a replayed "ANSWER: YES", his other samples
come from the tiny model.  One proof is wrong in round 0: Liquid Haskell rejects it, self-play
classifies the failure and feeds Liquid Haskell's message back to Alice, and her repaired proof
is accepted in round 1.  Proved pairs must reach `verified-seq`, Bob's YES-labelled training
data and the dataset export, with the proof text.  The replayed outputs stand in for a model
that writes Haskell and proofs; nothing here is a result.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from hsx.agents import prompts
from hsx.config import load_config
from hsx.data.pairs import export_pairs
from hsx.models.generation import Generation, make_generator
from hsx.proof.prover import ProverMissing, locate_prover
from hsx.runs import read_json, read_jsonl
from hsx.selfplay.loop import run_selfplay

ROOT = Path(__file__).resolve().parents[1]

# P (by pool id) -> (Q, the proof of round 0, the proof after a repair or None).
ANSWERS = {
    # A case split on the guards: PLE alone does not unfold a guarded definition, so the empty
    # proof of round 0 fails at `equiv` and the repaired proof splits on the guard.
    "abs-guards": ("absVal :: Int -> Int\nabsVal x = if x >= 0 then x else 0 - x\n",
                   "equiv _ = ()\n",
                   "equiv x\n  | x < 0 = ()\n  | otherwise = ()\n"),
    # Structural induction over a list.
    "li-double-each": ("doubleEach :: [Int] -> [Int]\ndoubleEach [] = []\n"
                       "doubleEach (y : ys) = (y + y) : doubleEach ys\n",
                       "equiv [] = ()\nequiv (_ : ys) = equiv ys\n", None),
    # The pool's own `data Nat = Z | S Nat`, a name Liquid Haskell reserves: hsx renames it.
    "dt-nat-to-int": ("data Nat = Z | S Nat\n  deriving (Show, Eq)\n\ntoInt :: Nat -> Int\ntoInt Z = 0\n"
                      "toInt (S m) = toInt m + 1\n",
                      "equiv Z = ()\nequiv (S n) = equiv n\n", None),
}
REPAIR_MARK = "hsx did not accept your answer"


def pool_records() -> dict[str, dict]:
    found = {}
    for f in sorted((ROOT / "data" / "programs").glob("*.jsonl")):
        for line in f.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                if r["id"] in ANSWERS:
                    found[r["id"]] = r
    assert set(found) == set(ANSWERS), "pool programs of this test are missing"
    return found


class SeqReplay:
    """Wraps the real generator: Alice's prompts get the recorded answer (the repaired proof
    once hsx has rejected the first), Bob's first sample a correct "ANSWER: YES"."""

    def __init__(self, real, programs: dict[str, dict]):
        self.real = real
        self.programs = programs

    def _alice(self, conv) -> Generation:
        task = "\n".join(m["content"] for m in conv if m["role"] == "user")
        pid = next(pid for pid, p in self.programs.items() if p["code"].strip() in task)
        q, proof, repaired = ANSWERS[pid]
        if repaired is not None and any(REPAIR_MARK in m["content"] for m in conv):
            proof = repaired
        return Generation(f"```{prompts.Q_LABEL}\n{q}```\n```{prompts.PROOF_LABEL}\n{proof}```\n", 40, False)

    def generate(self, conversations, *, n, adapter, seed):
        real = self.real.generate(conversations, n=n, adapter=adapter, seed=seed)
        out = []
        for conv, samples in zip(conversations, real):
            if any(prompts.ANSWER_MARKER in m["content"] for m in conv):  # Bob
                out.append([Generation(f"Same results on every input.\n{prompts.ANSWER_MARKER} {prompts.YES}",
                                       12, False)] + samples[1:])
            else:
                out.append([self._alice(conv)])
        return out

    def close(self):
        self.real.close()


@pytest.fixture(scope="module")
def seq_run(tmp_path_factory, toolchain):
    config = load_config(ROOT / "configs" / "smoke.toml")
    try:
        locate_prover(config.toolchain, config.sandbox)
    except ProverMissing as e:
        pytest.skip(f"needs Liquid Haskell: {e}")
    tmp = tmp_path_factory.mktemp("seq")
    pool = tmp / "pool"
    pool.mkdir()
    programs = pool_records()
    (pool / "seq.jsonl").write_text("".join(json.dumps(p) + "\n" for p in programs.values()))
    sp = dataclasses.replace(config.selfplay, pool=str(pool), runs_dir=str(tmp), programs_per_iteration=3,
                             p_seq=1.0, iterations=1, repair_rounds=1, promote_min_difficulty=11.0)
    no_cache = dataclasses.replace(config.proof, cache=False)  # every proof is a real prover run
    config = dataclasses.replace(config, selfplay=sp, proof=no_cache)

    def make(model_path, adapters, **sections):
        return SeqReplay(make_generator(model_path, adapters, **sections), programs)

    run = run_selfplay(config, tmp / "run", generator_factory=make)
    return run, config


@pytest.mark.liquid
def test_seq_answers_are_proved_and_counted(seq_run):
    run, _ = seq_run
    m = read_json(run / "iter_0" / "metrics.json")
    assert m["attempts"] == {"seq": 4}  # three answers, one repaired
    assert m["outcomes"] == {"verified-seq": 3, "proof:proof-failed": 1}
    proofs = m["proofs"]
    assert proofs["outcomes"] == {"proved": 3, "proof-failed": 1}
    assert proofs["prover_runs"] == 4 and proofs["prover_seconds"] > 0
    assert proofs["stage_seconds"] >= proofs["prover_seconds"]
    for r in read_jsonl(run / "iter_0" / "verify_r0.jsonl") + read_jsonl(run / "iter_0" / "verify_r1.jsonl"):
        if r["ok"]:
            assert r["outcome"] == "verified-seq" and r["verdict"] == "equivalent"
            assert r["result"]["proof"]["template"] == "given"


@pytest.mark.liquid
def test_a_wrong_proof_is_classified_and_fed_back_to_alice(seq_run):
    run, _ = seq_run
    first = {r["id"]: r for r in read_jsonl(run / "iter_0" / "verify_r0.jsonl")}
    failed = first["0-abs-guards-r0"]
    assert not failed["ok"] and failed["outcome"] == "proof:proof-failed"
    attempt = failed["result"]["proof"]["attempts"][0]
    assert (attempt["status"], attempt["where"]) == ("proof-failed", "equiv")
    assert "PROOF.hs:1:" in attempt["message"]  # mapped back to Alice's proof
    repair = read_jsonl(run / "iter_0" / "alice_r1.jsonl")
    assert [a["program_id"] for a in repair] == ["abs-guards"]  # only the failed one
    feedback = repair[0]["conversation"][-1]["content"]
    assert REPAIR_MARK in feedback and "proof-failed" in feedback
    assert "Liquid Haskell could not prove `equiv`" in feedback and "PROOF.hs:1:" in feedback
    assert repair[0]["conversation"][-2]["content"] == read_jsonl(run / "iter_0" / "alice_r0.jsonl")[0]["raw"]
    second = read_jsonl(run / "iter_0" / "verify_r1.jsonl")
    assert [(r["id"], r["outcome"]) for r in second] == [("0-abs-guards-r1", "verified-seq")]


@pytest.mark.liquid
def test_proved_pairs_reach_bob_training_and_the_dataset(seq_run, tmp_path):
    run, config = seq_run
    bob = read_jsonl(run / "iter_0" / "bob.jsonl")
    assert sorted(b["program_id"] for b in bob) == sorted(ANSWERS)
    assert all(b["kind"] == "seq" and b["judged"][0] is True and b["correct"][0] for b in bob)
    assert all(len(b["correct"]) == config.selfplay.bob_samples for b in bob)
    yes = [e for e in read_jsonl(run / "iter_0" / "train_bob.jsonl")
           if f"{prompts.ANSWER_MARKER} {prompts.YES}" in e["completion"][0]["content"]]
    assert len(yes) >= len(ANSWERS)  # one YES-labelled example per proved pair, at least
    prompts_seen = {e["prompt"][-1]["content"] for e in yes}
    for b in bob:
        assert any(b["q"] in p for p in prompts_seen)
    assert read_jsonl(run / "iter_0" / "train_alice.jsonl")
    assert (run / "iter_0" / "adapters" / "bob" / "adapter_config.json").exists()

    summary = export_pairs([run], tmp_path / "dataset")
    assert summary["stages"]["verified pairs"] == 3 and summary["skipped"] == {}
    rows = [json.loads(line) for s in ("train", "test") for line in
            (tmp_path / "dataset" / f"{s}.jsonl").read_text().splitlines() if line.strip()]
    by_p = {r["p_id"]: r for r in rows}
    assert set(by_p) == set(ANSWERS)
    for pid, (q, proof, repaired) in ANSWERS.items():
        row = by_p[pid]
        assert row["label"] == "equivalent" and row["q_code"] == q
        assert row["proof"] == (repaired or proof)  # the proof Liquid Haskell accepted, as written
