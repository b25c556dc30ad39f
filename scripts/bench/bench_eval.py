#!/usr/bin/env python3
"""Benchmark of `hsx eval` throughput: items per second, batched against one item at a time.

The same items (hsx's EquiBench prompts on the fixture pairs of tests/fixtures/eval/equibench,
cycled to --items), the same model, seed and max_new_tokens; both modes go through
`TransformersGenerator.generate` and score with `parse_bob`, as `hsx eval run` does:

  (a) batched: every prompt in one `generate` call, split by the generator into
      --batch-size prompts per forward pass (what `run_eval` does);
  (b) sequential: one prompt per call.

Each mode first runs one untimed warm-up call.  Prints items/s of both and the speed-up, and
writes runs/bench/eval.json.  The default model is the tiny random model on the CPU: it measures
the batching machinery, not judging quality (nearly every sample runs to max_new_tokens).

    OMP_NUM_THREADS=1 .venv/bin/python scripts/bench/bench_eval.py [--items 32] [--batch-size 16]
        [--max-new-tokens 32] [--seed 0]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hsx.agents.parsing import parse_bob  # noqa: E402
from hsx.config import load_config  # noqa: E402
from hsx.eval.items import EvalSpec, load_items  # noqa: E402
from hsx.models.generation import TransformersGenerator  # noqa: E402
from hsx.models.tinymodel import resolve_base_model  # noqa: E402


def timed(gen, conversations, *, seed: int, per_call: int) -> dict:
    gen.generate(conversations[:per_call], n=1, adapter=None, seed=seed)  # warm-up, untimed
    started = time.perf_counter()
    out = []
    for i in range(0, len(conversations), per_call):
        out.extend(gen.generate(conversations[i:i + per_call], n=1, adapter=None, seed=seed))
    seconds = time.perf_counter() - started
    answers = [parse_bob(g[0].text) for g in out]
    return {"items": len(out), "seconds": seconds, "items_per_s": len(out) / seconds,
            "tokens": sum(g[0].tokens for g in out), "truncated": sum(g[0].truncated for g in out),
            "parsed": sum(a is not None for a in answers)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=32)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-new-tokens", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    config = load_config(None)
    config = dataclasses.replace(config, sampling=dataclasses.replace(
        config.sampling, batch_size=args.batch_size, max_new_tokens=args.max_new_tokens))
    items = load_items(EvalSpec("equibench", str(ROOT / "tests" / "fixtures" / "eval" / "equibench")))
    conversations = [items[i % len(items)].conversation for i in range(args.items)]
    model_path = resolve_base_model(config.model, ROOT / "runs" / ".models")
    with TransformersGenerator(model_path, model=config.model, sampling=config.sampling) as gen:
        batched = timed(gen, conversations, seed=args.seed, per_call=len(conversations))
        sequential = timed(gen, conversations, seed=args.seed, per_call=1)
    result = {"batched": batched, "sequential": sequential,
              "speedup": batched["items_per_s"] / sequential["items_per_s"],
              "args": vars(args), "model": config.model.base,
              "machine": {"cpus": os.cpu_count(), "omp_threads": os.environ.get("OMP_NUM_THREADS"),
                          "platform": platform.platform(), "python": platform.python_version()}}
    for name in ("batched", "sequential"):
        r = result[name]
        print(f"{name:<10} {r['items_per_s']:7.2f} items/s  ({r['items']} items in {r['seconds']:.2f} s, "
              f"{r['truncated']} truncated, {r['parsed']} parsed)")
    print(f"speed-up of batched over sequential: {result['speedup']:.2f}x")
    out = ROOT / "runs" / "bench" / "eval.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written: {out}")


if __name__ == "__main__":
    main()
