#!/usr/bin/env python3
"""Checks hsx's HumanEval-hs execution path on a file: every task's canonical solution must pass.

Consumes a HumanEval-hs JSONL file in the self-play paper's layout (task_id, prompt,
canonical_solution, test; e.g. the paper's `src/Evaluation/HumanEval-hs/humaneval-hs.jsonl`);
runs each canonical solution against its test through exactly the path `hsx eval run
humaneval-hs` uses for a model's completion (`hsx.eval.humaneval.untrusted_check_program`: the
sandbox policy, `Candidate` and `Main` modules, the paper harness's imports, ghc, the run), and
prints pass@1 of the canonical solutions with the failures.  1.0 means hsx scores your copy of
the benchmark the way its authors' solutions expect; anything less names the tasks to look at
(a solution the sandbox policy rejects, a test that needs a package this GHC lacks, ...).  A
record hsx cannot use at all is reported as SKIP with its reason and the others are still checked;
pass@1 is over the checked tasks.  The real file's figures are in docs/EVALUATION.md.

    python scripts/eval/check_humaneval_hs.py humaneval-hs.jsonl [--only Haskell/0,Haskell/5] [--config x.toml]

Exit status 0 when every checked task passes and none is skipped, 1 otherwise, 2 for an unreadable file.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `hsx` importable from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="HumanEval-hs JSONL in the paper's layout")
    parser.add_argument("--only", default="", help="comma-separated task ids to check (default: all)")
    parser.add_argument("--config", help="TOML config (sandbox limits, ghc path)")
    args = parser.parse_args(argv)

    from hsx.config import load_config
    from hsx.eval.benchmarks import BenchmarkError, Skipped, load_humaneval_hs
    from hsx.eval.humaneval import untrusted_check_program

    config = load_config(args.config)
    skipped: list[Skipped] = []
    try:
        tasks = load_humaneval_hs(args.file, skipped=skipped)
    except BenchmarkError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.only:
        wanted = {t.strip() for t in args.only.split(",")}
        tasks = [t for t in tasks if t.id in wanted]
        skipped = [s for s in skipped if s.id in wanted]
    for t in tasks:
        if t.canonical_solution is None:  # MultiPL-E's layout has none: nothing to check
            skipped.append(Skipped(t.id, t.id, "no canonical_solution (MultiPL-E's layout has none)"))
    tasks = [t for t in tasks if t.canonical_solution is not None]
    for s in skipped:
        print(f"SKIP {s.id or s.where}: {s.reason}")
    if not tasks:
        print("error: no tasks to check", file=sys.stderr)
        return 2
    with ThreadPoolExecutor(max_workers=config.worker_count()) as pool:
        outcomes = list(pool.map(lambda t: untrusted_check_program(t, t.canonical_solution, config.toolchain.ghc,
                                                                  config.sandbox), tasks))
    failed = [(t, o) for t, o in zip(tasks, outcomes) if o.status != "passed"]
    for t, o in failed:
        print(f"FAIL {t.id}: {o.status}\n    " + o.detail.strip().replace("\n", "\n    ")[:1500])
    passed = len(tasks) - len(failed)
    counts = ", ".join(f"{s} {n}" for s in sorted({o.status for _, o in failed})
                       for n in [sum(1 for _, o in failed if o.status == s)])
    print(f"canonical solutions: pass@1 = {passed / len(tasks):.3f} ({passed}/{len(tasks)}) on {args.file}"
          + (f"; not passing: {counts}" if failed else "") + (f"; skipped {len(skipped)}" if skipped else ""))
    return 0 if not failed and not skipped else 1


if __name__ == "__main__":
    sys.exit(main())
