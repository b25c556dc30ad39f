"""Self-play's outcomes: each candidate's verifier result classified, and the counts of an iteration.

Consumes `hsx.verdict.Result`s and an iteration's files (`alice_r<r>.jsonl`, `verify_r<r>.jsonl`,
and its `hsx.records.PairRecord`s); produces `hsx.records.Verification`s (`classify`) and the iteration's
metrics (`iteration_metrics` -> `hsx.selfplay.metrics.IterationMetrics`: outcomes, proofs, Bob's accuracy,
difficulties, tokens, and the yield per Alice and per transformation), which
hsx/selfplay/report.py plots.
"""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Sequence

from hsx.records import HeldOutSplit, PairKind, PairRecord, Verification, read_answers
from hsx.runs import read_json, read_jsonl
from hsx.selfplay.metrics import (BobScore, HeldOutMeasure, IterationMetrics, ProofCounts, TrainingSummary,
                                  TransformYield)
from hsx.verdict import Result, Verdict

BINS = ((0, 2), (2, 4), (4, 6), (6, 8), (8, 10.01))


def classify(res: Result, kind: str) -> Verification:
    """One verifier result as a self-play outcome: ok only for the verdict the kind needs."""
    kind = PairKind(kind)
    ok = res.verdict == kind.wanted
    if ok:
        outcome = f"verified-{kind}"
    elif res.verdict == Verdict.ERROR:
        outcome = res.error_kind.value if res.error_kind else "error"
    elif kind == "sinq":
        outcome = "non-diverging" if res.verdict == Verdict.UNKNOWN else "sinq-equivalent"
    elif res.verdict == Verdict.INEQUIVALENT:
        outcome = "seq-counterexample"  # Alice claimed equivalence; execution refuted it
    else:
        status = res.proof.status if res.proof else "no-proof"
        outcome = "prover-missing" if status == "prover-missing" else f"proof:{status}"
    assert res.id is not None  # every request carries its candidate's id
    return Verification(res.id, ok, outcome, res.reason[:1500], res)


def read_verifications(path: Path) -> dict[str, Verification]:
    return {x["id"]: Verification.from_json(x) for x in read_jsonl(path)}


def diverging_input(kind: str, given: Sequence[str] | None, v: Verification) -> tuple[str, ...] | None:
    """A verified SINQ pair's diverging input: Alice's, or the one hsx's search found."""
    if kind != "sinq":
        return None
    if given is not None:
        return tuple(given)
    cex = v.result.counterexample
    return cex.inputs if cex else ()


def iteration_metrics(it_dir: Path, k: int, programs: int, repair_rounds: int, bob: list[PairRecord],
                      training: TrainingSummary, times: dict[str, float],
                      heldout: HeldOutMeasure | None) -> IterationMetrics:
    outcomes: collections.Counter[str] = collections.Counter()
    tokens = 0
    attempts: collections.Counter[str] = collections.Counter()
    # The proof stage: outcome of every answer's proof (STATUSES of hsx.proof.liquid), Liquid
    # Haskell runs and their seconds (0 for a cached result), and the stage's wall time.
    proofs: collections.Counter[str] = collections.Counter()
    prover_runs, prover_seconds, proof_seconds = 0, 0.0, 0.0
    for r in range(repair_rounds + 1):
        results = read_verifications(it_dir / f"verify_r{r}.jsonl")
        for a in read_answers(it_dir / f"alice_r{r}.jsonl"):
            attempts[a.kind] += 1
            tokens += a.tokens
            if a.failure:
                outcomes[a.failure.split(":")[0]] += 1
            elif a.id in results:
                outcomes[results[a.id].outcome] += 1
                result = results[a.id].result
                if result.proof:
                    proofs[result.proof.status] += 1
                    ran = [x for x in result.proof.attempts if x.status != "skipped"]
                    prover_runs += len(ran)
                    prover_seconds += sum(x.seconds for x in ran)
                    proof_seconds += result.timings.get("proof", 0.0)
    judgements = [j for b in bob for j in b.bob]
    samples = len(judgements)
    correct = sum(j.correct for j in judgements)
    hist = collections.Counter(_bin(b.difficulty) for b in bob)
    sources, transforms = _yields_by_source(it_dir, repair_rounds)
    return IterationMetrics(
        iteration=k, programs=programs, attempts=dict(attempts), outcomes=dict(outcomes),
        proofs=ProofCounts(dict(proofs), prover_runs, round(prover_seconds, 3), round(proof_seconds, 3)),
        bob=BobScore(samples, correct, sum(j.judged is None for j in judgements),
                     correct / samples if samples else None),
        difficulties=[b.difficulty for b in bob], difficulty_histogram=dict(hist), training=training,
        times={name: round(v, 3) for name, v in times.items()},
        tokens={"alice": tokens, "bob": sum(j.tokens for j in judgements)},
        sources=sources, transforms=transforms, heldout=heldout)


def _bin(d: float) -> str:
    for lo, hi in BINS:
        if lo <= d < hi:
            return f"{lo}-{min(hi, 10):.0f}"
    return "8-10"


def _yields_by_source(it_dir: Path, repair_rounds: int) -> tuple[dict[str, dict[str, int]],
                                                                 dict[str, TransformYield]]:
    """Outcomes per Alice ("model", "transform") and, for the transformations, proposed and
    verified candidates per transformation: the yield that docs/BENCHMARKS.md reports."""
    by_source: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    kinds: dict[str, PairKind] = {}  # transformation -> its kind
    proposed: collections.Counter[str] = collections.Counter()
    verified: collections.Counter[str] = collections.Counter()
    by_transform: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for r in range(repair_rounds + 1):
        results = read_verifications(it_dir / f"verify_r{r}.jsonl")
        for a in read_answers(it_dir / f"alice_r{r}.jsonl"):
            res = results.get(a.id)
            outcome = a.failure.split(":")[0] if a.failure else res.outcome if res else "unverified"
            by_source[a.source][outcome] += 1
            if a.transform:
                kinds.setdefault(a.transform, a.kind)
                proposed[a.transform] += 1
                verified[a.transform] += bool(res and res.ok)
                by_transform[a.transform][outcome] += 1
    return ({k: dict(v) for k, v in sorted(by_source.items())},
            {t: TransformYield(kinds[t], proposed[t], verified[t], dict(by_transform[t])) for t in sorted(kinds)})


def run_summary(run_dir: Path, iterations: int, prover_note: str | None) -> list[str]:
    """The lines `hsx selfplay` ends with: per iteration the verified pairs of each kind, Bob's
    training examples of each label and his held-out accuracy beside the majority-label baseline;
    then what made the run weaker than configured (no prover: no SEQ, a one-sided held-out
    split), so that it is the last thing a user reads, not only a line at the start."""
    # Fits 80 columns: rich wraps wider lines when stderr is not a terminal.
    lines = ["iter  SEQ  SINQ  Bob examples YES/NO  held-out: base -> adapter (majority)"]
    for k in range(iterations):
        path = run_dir / f"iter_{k}" / "metrics.json"
        if not path.exists():
            continue
        m = IterationMetrics.from_json(read_json(path))
        out = m.outcomes
        sel = m.training.selection
        labels = sel.bob_labels if sel else {}
        held = m.heldout
        measure = "-"
        if held:
            measure = (f"{held.base.accuracy:.2f} -> {held.current.accuracy:.2f} "
                       f"({held.majority_baseline:.2f}, {held.pairs} pairs)")
        counts = f"{sel.bob_examples if sel else 0}: {labels.get('YES', 0)}/{labels.get('NO', 0)}"
        lines.append(f"{k:>4}  {out.get('verified-seq', 0):>3}  {out.get('verified-sinq', 0):>4}  "
                     f"{counts:<19}  {measure}")
    split = run_dir / "heldout" / "split.json"
    if prover_note:
        lines.append(f"SEQ was off: {prover_note}; no pair was proved equivalent, Bob saw no YES example")
    if split.exists() and HeldOutSplit.from_json(read_json(split)).one_sided:
        lines.append("the held-out split is one-sided (one label only): Bob's accuracy there is not a measure")
    return lines


__all__ = ["classify", "diverging_input", "iteration_metrics", "read_verifications", "run_summary"]
