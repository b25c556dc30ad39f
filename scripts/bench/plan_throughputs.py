"""The throughputs `hsx selfplay --plan` estimates time with, measured from a finished self-play run.

    .venv/bin/python scripts/bench/plan_throughputs.py runs/<name> [--device cpu]

Reads the run's config.json, every iteration's metrics.json (stage seconds, outcomes) and the
files behind them (bob.jsonl, alice_r*.jsonl, the held-out pairs and judgements) as their records
(hsx.selfplay.metrics, hsx.records), counts tokens with the plan's own rule
(hsx.selfplay.plan.tokens_of: characters / CHARS_PER_TOKEN), and prints the rows of
docs/BENCHMARKS.md's table "Throughputs for `hsx selfplay --plan`" plus the measured seconds per
iteration, so that a run on a new machine (a GPU) becomes the plan's next estimate.  Model
loading is inside the stage seconds, as it is inside the rates.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hsx.agents import prompts  # noqa: E402
from hsx.config import config_from_dict  # noqa: E402
from hsx.records import HeldOutJudgements, HeldOutPair, PairRecord, read_answers  # noqa: E402
from hsx.runs import read_json, read_jsonl  # noqa: E402
from hsx.selfplay.metrics import IterationMetrics  # noqa: E402
from hsx.selfplay.plan import tokens_of  # noqa: E402


def _chars(conv: Sequence[dict]) -> int:
    return sum(len(m["content"]) for m in conv)


def derive(run: Path) -> dict:
    config = config_from_dict(read_json(run / "config.json"))
    short = config.selfplay.bob_prompt == "short"
    bob_prompt = prompts.bob_short if short else prompts.bob_judge
    pairs_file = run / "heldout" / "pairs.jsonl"
    held = [HeldOutPair.from_json(d) for d in read_jsonl(pairs_file)] if pairs_file.exists() else []
    held_prompt = sum(tokens_of(_chars(bob_prompt(p.p, p.q))) for p in held)
    totals = dict(candidates=0, verified=0, verify_s=0.0, gen_tokens=0, gen_s=0.0, train_tokens=0, train_s=0.0)
    iterations = []
    for it in sorted(run.glob("iter_*"), key=lambda d: int(d.name.split("_")[1])):
        if not (it / "metrics.json").exists():
            continue
        m = IterationMetrics.from_json(read_json(it / "metrics.json"))
        times = m.times
        totals["candidates"] += sum(m.outcomes.values())
        totals["verified"] += sum(v for k, v in m.outcomes.items() if k.startswith("verified"))
        totals["verify_s"] += times.get("verify", 0.0)
        for rec in (PairRecord.from_json(d) for d in read_jsonl(it / "bob.jsonl")):
            totals["gen_tokens"] += tokens_of(_chars(rec.bob[0].prompt)) + sum(j.tokens for j in rec.bob)
        for f in it.glob("alice_r*.jsonl"):
            for a in read_answers(f):
                if a.conversation:
                    totals["gen_tokens"] += tokens_of(_chars(a.conversation)) + a.tokens
        passes = [f for f in (it / "heldout_bob.jsonl", run / "heldout" / "base.jsonl" if it.name == "iter_0" else None)
                  if f is not None and f.exists()]
        for f in passes:
            judgements = (HeldOutJudgements.from_json(d) for d in read_jsonl(f))
            completions = sum(tokens_of(len(c)) for r in judgements for c in r.completions)
            totals["gen_tokens"] += held_prompt + completions
        totals["gen_s"] += times.get("alice", 0.0) + times.get("bob", 0.0) + times.get("heldout", 0.0)
        for agent in ("alice", "bob"):
            info = getattr(m.training, agent)
            if info is not None and info.steps:
                t = config.training
                examples = read_jsonl(it / f"train_{agent}.jsonl")
                per = sum(tokens_of(_chars(e["prompt"] + e["completion"])) for e in examples) / max(1, len(examples))
                seen = min(info.examples * t.epochs, info.steps * t.batch_size * t.gradient_accumulation)
                totals["train_tokens"] += round(seen * min(per, config.model.max_seq_len))
        totals["train_s"] += times.get("train", 0.0)
        iterations.append(sum(times.values()))
    if not iterations:
        raise SystemExit(f"{run}: no finished iteration (metrics.json)")
    return {"model": config.model.base, "iterations": iterations,
            "verify_seconds_per_candidate": totals["verify_s"] / max(1, totals["candidates"]),
            "verified_share": totals["verified"] / max(1, totals["candidates"]),
            "generation_tokens_per_second": totals["gen_tokens"] / max(1e-9, totals["gen_s"]),
            "train_tokens_per_second": totals["train_tokens"] / max(1e-9, totals["train_s"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a self-play run directory with finished iterations")
    parser.add_argument("--device", default="cpu", help="the device column of the rows (cpu, H100, ...)")
    args = parser.parse_args()
    d = derive(args.run)
    for q in ("verify_seconds_per_candidate", "verified_share", "generation_tokens_per_second",
              "train_tokens_per_second"):
        print(f"| {args.device} | {d['model']} | {q} | {d[q]:.3g} | {args.run.name} |")
    mean = sum(d["iterations"]) / len(d["iterations"])
    print(f"| {args.device} | {d['model']} | measured_iteration_seconds | {mean:.0f} | {args.run.name}: stage seconds "
          f"per iteration {', '.join(f'{s:.0f}' for s in d['iterations'])} |")


if __name__ == "__main__":
    main()
