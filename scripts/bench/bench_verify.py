#!/usr/bin/env python3
"""Benchmark of `hsx verify` against the published reference method (compile and diff).

On the same inequivalent pairs (scripts/bench/bench_pairs.jsonl: two programs and one diverging input
each), in one run and with the same parallelism J, it measures:

  (a) hsx, given input: every pair through one `Verifier.verify_many(..., jobs=J)` with the
      pair's diverging input; counts `inequivalent` verdicts.  The wall time includes starting
      the helper processes (one GHC interpreter session per worker).
  (b) the reference method (scripts/bench/reference_check.py: ghc-compile both programs, feed the
      input on stdin, compare stdout) for every pair on a pool of J threads; counts pairs whose
      outputs differ.
  (c) hsx's full counterexample search: like (a) but without inputs (inputs=None), with the same
      Verifier settings; counts `inequivalent` verdicts (counterexamples found and re-run).
  (d) a cold `hsx verify examples/abs-negative/a.hs examples/abs-negative/b.hs` as a user runs
      it (a new process each time: Python start-up, helper start-up, search); median of 3 runs.

It prints a table (method, pairs, verdict counts, seconds, pairs/s), the speed-up of (a) over
(b) in pairs/s against the target ">= 10x", and (d) against the target "< 3 s", and writes the
numbers to runs/bench/verify.json.  Exit status 0 when both targets are met, 1 otherwise.

Run (from the repository root; `make bench` does the same with the defaults):

    .venv/bin/python scripts/bench/bench_verify.py [--limit N] [--jobs 2] [--pairs scripts/bench/bench_pairs.jsonl]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Run as a script: the repository root makes `hsx` importable even without the editable install,
# and this directory (already sys.path[0]) makes `reference_check` importable.
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(Path(__file__).resolve().parent))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from hsx.config import HsxConfig, load_config  # noqa: E402
from hsx.config import SandboxConfig  # noqa: E402
from hsx.haskell import sandbox  # noqa: E402
from hsx.haskell.sandbox import scratch_dir  # noqa: E402
from hsx.verdict import Verdict  # noqa: E402
from hsx.verify.pipeline import PairRequest, Verifier  # noqa: E402
from reference_check import ReferenceCheckError, _entry_and_arg_types, reference_check  # noqa: E402

SPEEDUP_TARGET = 10.0  # (a) must check given inputs at least this many times faster than (b)
COLD_TARGET_S = 3.0  # (d): a user's one-off `hsx verify` must answer within this
COLD_RUNS = 3
COLD_EXAMPLE = ROOT / "examples" / "abs-negative"
OUT_PATH = ROOT / "runs" / "bench" / "verify.json"


def load_pairs(path: Path, limit: int) -> list[dict]:
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return records[:limit] if limit else records


def requests_for(records: list[dict], with_inputs: bool) -> list[PairRequest]:
    return [PairRequest(a_source=r["a_source"], b_source=r["b_source"], a_path=f"{r['id']}/a.hs",
                        b_path=f"{r['id']}/b.hs", inputs=tuple(r["inputs"]) if with_inputs else None,
                        id=r["id"])
            for r in records]


def run_hsx(records: list[dict], config: HsxConfig, jobs: int, with_inputs: bool) -> dict:
    """(a) or (c): one Verifier for the whole batch, timed from before the first helper starts
    (helpers start lazily on a worker's first pair) to after they are shut down."""
    reqs = requests_for(records, with_inputs)
    start = time.monotonic()
    with Verifier(config) as v:
        results = list(v.verify_many(reqs, jobs=jobs))
    seconds = time.monotonic() - start
    verdicts = Counter(r.verdict.value for r in results)
    return dict(pairs=len(results), seconds=seconds, verdicts=dict(verdicts),
                detected=verdicts.get(Verdict.INEQUIVALENT.value, 0),
                missed=sorted(r.id for r in results if r.verdict is not Verdict.INEQUIVALENT),
                per_pair_total_s=statistics.median(r.timings.get("total", 0.0) for r in results) if results else 0.0)


def run_reference(records: list[dict], config: HsxConfig, jobs: int) -> dict:
    """(b): reference_check on a pool of `jobs` threads, the same parallelism as hsx gets.
    Entries and argument types are found the way the reference script itself finds them (from
    the source, type variables at Int); that parsing is inside the timed region, as hsx's is."""

    per_pair: list[float] = []  # reference_check's own wall time per pair (list.append is thread-safe)

    def one(rec: dict, workdir: Path) -> str:
        try:
            entry_a, arg_types = _entry_and_arg_types(rec["a_source"])
            entry_b, _ = _entry_and_arg_types(rec["b_source"])
            differs, secs = reference_check(rec["a_source"], rec["b_source"], entry_a, entry_b,
                                             list(rec["inputs"]), arg_types, workdir / rec["id"],
                                             limits=config.sandbox, ghc=config.toolchain.ghc)
        except ReferenceCheckError:
            return "error"
        per_pair.append(secs)
        return "differs" if differs else "same"

    with scratch_dir("hsx-bench-ref-") as workdir:
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(pool.map(lambda rec: one(rec, workdir), records))
        seconds = time.monotonic() - start
    verdicts = Counter(outcomes)
    return dict(pairs=len(records), seconds=seconds, verdicts=dict(verdicts),
                detected=verdicts.get("differs", 0),
                missed=sorted(rec["id"] for rec, o in zip(records, outcomes) if o != "differs"),
                per_pair_total_s=statistics.median(per_pair) if per_pair else 0.0)


def run_cold() -> dict:
    """(d): the command a user types, in a fresh process each time (nothing warm is reused)."""
    hsx = ROOT / ".venv" / "bin" / "hsx"
    argv = [str(hsx), "verify", str(COLD_EXAMPLE / "a.hs"), str(COLD_EXAMPLE / "b.hs")]
    times, codes = [], []
    for _ in range(COLD_RUNS):
        proc = sandbox.run(argv, cwd=ROOT, limits=SandboxConfig(), timeout=120)
        times.append(proc.wall)
        codes.append(proc.returncode)
    return dict(command=" ".join(["hsx", "verify", "examples/abs-negative/a.hs", "examples/abs-negative/b.hs"]),
                runs_s=times, median_s=statistics.median(times), exit_codes=codes)


def rate(m: dict) -> float:
    return m["pairs"] / m["seconds"] if m["seconds"] > 0 else 0.0


def machine() -> dict:
    model = ""
    try:  # the CPU model, as lscpu prints it, without starting a process
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = next((l.split(":", 1)[1].strip() for l in cpuinfo.splitlines() if l.startswith("model name")), "")
    except OSError:
        pass
    return dict(cores=os.cpu_count(), cpu=model, python=platform.python_version(), platform=platform.platform())


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark hsx verify against the compile-and-diff reference.")
    parser.add_argument("--pairs", type=Path, default=ROOT / "scripts" / "bench" / "bench_pairs.jsonl")
    parser.add_argument("--limit", type=int, default=0, help="first N pairs (0: all)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers for every method")
    args = parser.parse_args()
    jobs = max(1, args.jobs)

    # Wide enough for the table on one line per row even when stdout is not a terminal (make).
    console = Console(width=max(Console().width, 110))
    records = load_pairs(args.pairs, args.limit)
    config = load_config(None)
    console.print(f"{len(records)} pairs from {args.pairs}, jobs={jobs}")

    # Order: the cheap hsx runs first, then the reference, then the search.  Each method runs
    # alone so that none competes with another for the cores.
    console.print("(a) hsx, given inputs ...")
    given = run_hsx(records, config, jobs, with_inputs=True)
    console.print("(b) reference method (ghc compile + run + diff) ...")
    reference = run_reference(records, config, jobs)
    console.print("(c) hsx, full counterexample search ...")
    search = run_hsx(records, config, jobs, with_inputs=False)
    console.print(f"(d) cold hsx verify, {COLD_RUNS} runs ...")
    cold = run_cold()

    table = Table(title=f"hsx verify benchmark ({len(records)} inequivalent pairs, jobs={jobs})")
    for col, justify in (("method", "left"), ("pairs", "right"), ("verdicts", "left"),
                         ("seconds", "right"), ("pairs/s", "right")):
        table.add_column(col, justify=justify)
    rows = (("(a) hsx, given input", given), ("(b) reference: ghc compile + diff", reference),
            ("(c) hsx, full search", search))
    for name, m in rows:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(m["verdicts"].items()))
        table.add_row(name, str(m["pairs"]), counts, f"{m['seconds']:.2f}", f"{rate(m):.2f}")
    table.add_row("(d) cold `hsx verify` abs-negative", "1", f"exit {cold['exit_codes']}",
                  f"{cold['median_s']:.2f} (median)", "")
    console.print(table)

    speedup = rate(given) / rate(reference) if rate(reference) > 0 else float("inf")
    speed_ok = speedup >= SPEEDUP_TARGET
    cold_ok = cold["median_s"] < COLD_TARGET_S and all(c == Verdict.INEQUIVALENT.exit_code for c in cold["exit_codes"])
    mark = lambda ok: "[green]PASS[/green]" if ok else "[red]FAIL[/red]"  # noqa: E731
    console.print(f"(a)/(b) pairs/s: {speedup:.1f}x  (target >= {SPEEDUP_TARGET:.0f}x)  {mark(speed_ok)}")
    console.print(f"(d) cold hsx verify: {cold['median_s']:.2f} s median of {COLD_RUNS}  "
                  f"(target < {COLD_TARGET_S:.0f} s)  {mark(cold_ok)}")
    for name, m in rows:
        if m["missed"]:
            console.print(f"{name}: not detected: {', '.join(m['missed'])}")

    OUT_PATH.parent.mkdir(parents=True, exist_ok=True)
    for m in (given, reference, search):
        m["pairs_per_s"] = rate(m)
    report = dict(
        date=time.strftime("%Y-%m-%dT%H:%M:%S%z"), pairs_file=str(args.pairs), pairs=len(records), jobs=jobs,
        machine=machine(), search_config=dataclasses.asdict(config.search),
        hsx_given_input=given, reference=reference, hsx_search=search, cold_verify=cold,
        speedup=dict(value=speedup, target=SPEEDUP_TARGET, passed=speed_ok),
        cold_target=dict(value=cold["median_s"], target=COLD_TARGET_S, passed=cold_ok),
    )
    OUT_PATH.write_text(json.dumps(report, indent=2) + "\n")
    console.print(f"numbers written to {OUT_PATH.relative_to(ROOT)}")
    return 0 if speed_ok and cold_ok else 1


if __name__ == "__main__":
    sys.exit(main())
