#!/usr/bin/env python3
"""Benchmark of Bob-style judging throughput: batched generation against one prompt at a time.

On the same prompts (equivalence questions about the small Haskell pairs of
scripts/bench/bench_pairs.jsonl, one per pair, cycled to --prompts), with the same model, seed and
max_new_tokens, it measures `TransformersGenerator.generate`:

  (a) batched: --batch-size prompts per `generate` call (left-padded, one forward per token);
  (b) sequential: one prompt per call, as a naive judging loop would do.

Each mode first runs one untimed warm-up call.  It prints prompts/s and generated tokens/s of
both, the speed-up of (a) over (b), and writes the numbers to runs/bench/bob.json.

The default model is the tiny random model (hsx/models/tinymodel.py) on the CPU: it measures the
batching machinery, not judging quality.  Its random weights rarely emit the end-of-turn token,
so nearly every sample runs to max_new_tokens in both modes (the JSON counts the truncated ones),
and a batch runs until its last sample stops: both modes do about the same work.  The
question below is a stand-in for throughput only; Bob's real prompt text lives with self-play.

Run (from the repository root):

    OMP_NUM_THREADS=1 .venv/bin/python scripts/bench/bench_bob.py [--prompts 32] [--batch-size 16]
        [--max-new-tokens 32] [--n 1] [--seed 0] [--base tiny]
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
sys.path.insert(0, str(ROOT))  # run as a script: `hsx` importable without the editable install

from hsx.agents import prompts
from hsx.config import HsxConfig, load_config, to_dict  # noqa: E402
from hsx.models.generation import TransformersGenerator  # noqa: E402
from hsx.models.tinymodel import resolve_base_model  # noqa: E402

def bob_conversations(pairs_path: Path, count: int) -> list[list[dict]]:
    """Bob's real prompt (hsx.agents.prompts.bob_judge) on the first `count` benchmark pairs."""
    pairs = [json.loads(line) for line in pairs_path.read_text().splitlines() if line.strip()][:count]
    return [prompts.bob_judge(p["a_source"], p["b_source"]) for p in pairs]


def timed(gen: TransformersGenerator, conversations, *, n: int, seed: int, per_call: int) -> dict:
    """Generates for every conversation, `per_call` conversations per `generate` call."""
    gen.generate(conversations[:per_call], n=n, adapter=None, seed=seed)  # warm-up, untimed
    started = time.perf_counter()
    samples = []
    for i in range(0, len(conversations), per_call):
        samples.extend(gen.generate(conversations[i:i + per_call], n=n, adapter=None, seed=seed))
    seconds = time.perf_counter() - started
    tokens = sum(g.tokens for s in samples for g in s)
    return {"prompts": len(conversations), "calls": -(-len(conversations) // per_call),
            "seconds": round(seconds, 3), "prompts_per_s": round(len(conversations) / seconds, 2),
            "generated_tokens": tokens, "tokens_per_s": round(tokens / seconds, 1),
            "truncated": sum(g.truncated for s in samples for g in s)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prompts", type=int, default=32, help="prompts judged in each mode")
    parser.add_argument("--batch-size", type=int, default=16, help="prompts per generate() call in (a)")
    parser.add_argument("--max-new-tokens", type=int, default=32, help="tokens generated per sample")
    parser.add_argument("--n", type=int, default=1, help="samples per prompt (Bob's k)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed, the same in both modes")
    parser.add_argument("--base", default="tiny", help="base model: 'tiny' or a local path / hub id")
    parser.add_argument("--pairs", type=Path, default=ROOT / "scripts" / "bench" / "bench_pairs.jsonl",
                        help="JSONL pairs with a_source and b_source")
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "bench" / "bob.json",
                        help="where the numbers are written")
    args = parser.parse_args()

    base = load_config(None)
    config: HsxConfig = dataclasses.replace(
        base,
        model=dataclasses.replace(base.model, base=args.base),
        sampling=dataclasses.replace(base.sampling, max_new_tokens=args.max_new_tokens,
                                     batch_size=args.batch_size),
    )
    model_path = resolve_base_model(config.model, ROOT / "runs" / "models")
    conversations = bob_conversations(args.pairs, args.prompts)

    import torch
    with TransformersGenerator(model_path, model=config.model, sampling=config.sampling) as gen:
        batched = timed(gen, conversations, n=args.n, seed=args.seed, per_call=args.batch_size)
        sequential = timed(gen, conversations, n=args.n, seed=args.seed, per_call=1)
    speedup = batched["prompts_per_s"] / sequential["prompts_per_s"]

    print(f"model {model_path}  n={args.n}  max_new_tokens={args.max_new_tokens}  seed={args.seed}")
    print(f"{'mode':<22}{'prompts':>8}{'calls':>7}{'seconds':>9}{'prompts/s':>11}{'tokens/s':>10}")
    for name, r in ((f"(a) batched x{args.batch_size}", batched), ("(b) one at a time", sequential)):
        print(f"{name:<22}{r['prompts']:>8}{r['calls']:>7}{r['seconds']:>9.2f}"
              f"{r['prompts_per_s']:>11.2f}{r['tokens_per_s']:>10.1f}")
    print(f"speed-up of (a) over (b): {speedup:.2f}x")

    record = {
        "batched": batched, "sequential": sequential, "speedup": round(speedup, 2),
        "model": model_path, "n": args.n, "max_new_tokens": args.max_new_tokens,
        "batch_size": args.batch_size, "seed": args.seed,
        "device": "cuda" if torch.cuda.is_available() else "cpu",
        "torch_threads": torch.get_num_threads(),
        "machine": platform.platform(), "processor": platform.processor(), "cpus": os.cpu_count(),
        "config": to_dict(config),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
