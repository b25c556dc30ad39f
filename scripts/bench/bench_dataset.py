#!/usr/bin/env python3
"""Benchmark of the OpInstruct-HSx validation stages: validated programs per second.

Feeds programs of the starter pool (data/programs/starter.jsonl) to `hsx.data.build.build` as if a
model had written them: one Python item per program, and a fake generator that answers each
item with that program in a ```haskell block (the model is not what is measured).  The build
then runs what it runs on real translations: extraction, sandbox policy, compile and input
synthesis (`Verifier.synthesize_inputs`), a run on every input (`Verifier.evaluate`), de-
duplication, the split and the dataset files.  The wall time covers the whole build after the
Verifier is created (helper start-up included), with J validation workers.

Prints the counts and programs/s, and writes the numbers to runs/bench/dataset.json.

Run (from the repository root):

    .venv/bin/python scripts/bench/bench_dataset.py [--limit 40] [--jobs 2] [--inputs 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(Path(__file__).resolve().parent))

from rich.console import Console  # noqa: E402

from bench_verify import machine  # noqa: E402  (one description of the machine for all benchmarks)
from hsx.cli.stage_counts import counts_table  # noqa: E402
from hsx.config import load_config  # noqa: E402
from hsx.data.build import BuildOptions, build  # noqa: E402
from hsx.models.generation import Generation  # noqa: E402
from hsx.models.tinymodel import resolve_base_model  # noqa: E402
from hsx.pool.programs import load_pool  # noqa: E402
from hsx.runs import write_json, write_jsonl  # noqa: E402
from hsx.verify.pipeline import Verifier  # noqa: E402


class PoolAnswers:
    """A generator that answers each translation prompt with the program its item stands for."""

    def __init__(self, answers: dict[str, str]):
        self.answers = answers  # instruction -> Haskell code

    def generate(self, conversations, *, n, adapter, seed):
        out = []
        for conv in conversations:
            text = conv[-1]["content"]
            code = next(c for instruction, c in self.answers.items() if f"Task: {instruction}\n" in text)
            out.append([Generation(f"```haskell\n{code}```\n", tokens=len(code) // 4, truncated=False)] * n)
        return out

    def close(self) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=40, help="starter programs fed as candidates")
    parser.add_argument("--jobs", type=int, default=2, help="validation workers")
    parser.add_argument("--inputs", type=int, default=5, help="synthesized inputs per program")
    parser.add_argument("--out", default=str(ROOT / "runs" / "bench" / "dataset.json"))
    args = parser.parse_args()

    config = dataclasses.replace(load_config(None), jobs=args.jobs)
    programs = load_pool(ROOT / "data" / "programs" / "starter.jsonl")[:args.limit]
    answers = {f"Translate program {p.id}.": p.code for p in programs}
    console = Console(stderr=True)
    with tempfile.TemporaryDirectory(prefix="hsx-bench-dataset-") as tmp:
        items = Path(tmp) / "items.jsonl"
        write_jsonl(items, [{"id": p.id, "input": instruction, "output": f"def f():\n    pass  # {p.id}\n",
                             "domain": "generic", "generation_algorithm": "self-instruct",
                             "average_test_score": "1.0"}
                            for p, instruction in zip(programs, answers)])
        options = BuildOptions(source=str(items), out=Path(tmp) / "ds", inputs_per_program=args.inputs)
        models = Path(tmp) / "models"
        resolve_base_model(config.model, models)  # the build resolves it too: not part of the timing
        start = time.monotonic()
        with Verifier(config) as verifier:
            summary = build(config, options, verifier, generator_factory=lambda *a, **sections: PoolAnswers(answers),
                            models_dir=models, console=console)
        seconds = time.monotonic() - start
    validated = summary["stages"]["ran on all inputs"]
    rate = validated / seconds
    console.print(counts_table("validation of starter programs", summary["stages"], summary["rejections"]))
    console.print(f"[bold]{validated} validated programs in {seconds:.2f} s with {args.jobs} workers: "
                  f"{rate:.2f} programs/s[/bold]")
    result = dict(candidates=len(programs), validated=validated, seconds=round(seconds, 3),
                  programs_per_second=round(rate, 3), jobs=args.jobs, inputs_per_program=args.inputs,
                  counts=summary, machine=machine(), search_config=dataclasses.asdict(config.search))
    write_json(Path(args.out), result)
    print(json.dumps({k: result[k] for k in ("candidates", "validated", "seconds", "programs_per_second", "jobs")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
