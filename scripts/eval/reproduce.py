#!/usr/bin/env python3
"""The paper's evaluation of a finished self-play run, resumable, on one GPU machine.

Consumes a self-play run directory (`runs/<name>/`, with `iter_<k>/adapters/bob/`), the three
benchmarks and a config; produces, under `--out` (default `<run>/eval`):

    <bench>/<model>/            one `hsx eval run` directory per benchmark and model
                                (model: `base`, `iter_0-bob`, `iter_1-bob`, ...)
    compare/<bench>-<model>.json   `hsx eval compare` of each adapter against the base model
    report/report.md, *.png        `hsx eval report` of every run: one table

It evaluates the base model and each iteration's Bob adapter on EquiBench's six categories,
PySecDB and HumanEval-hs, all with the same `--repeats` (seeds `--seed` .. `--seed + repeats - 1`,
the same for every model).  Before running it prints the plan (every benchmark and model, the
repeats already done) and an estimate of the time left: items x repeats x seconds per item,
where seconds per item is the rate measured on repeats already finished here, or `--sec-per-item`
before any has (an assumption, printed as such).  Interrupted, it resumes: finished repeats are
kept (hsx.eval.run.run_eval) and finished runs are skipped without loading the model.

    python scripts/eval/reproduce.py runs/x --humaneval-hs humaneval-hs.jsonl --repeats 3
    python scripts/eval/reproduce.py runs/x --humaneval-hs humaneval-hs.jsonl --dry-run   # the plan only
    make reproduce RUN=runs/x HUMANEVAL_HS=humaneval-hs.jsonl

EquiBench and PySecDB default to their hub ids (PySecDB is gated: log in with your own hub token
after accepting its terms); a local clone or file works too.  One generator (the model, with the
adapter of the moment) serves the three benchmarks of a model in turn.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `hsx` importable from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

BENCHMARKS = ("equibench", "pysecdb", "humaneval-hs")


@dataclass(frozen=True)
class Job:
    benchmark: str
    model: str  # "base" or "iter_<k>-bob"
    adapter: str | None
    out: Path
    items: int
    done: int  # repeats already finished
    repeats: int  # repeats wanted

    @property
    def finished(self) -> bool:
        from hsx.eval.runfiles import summary_file

        return self.done >= self.repeats and summary_file(self.out).exists()


def bob_adapters(run_dir: Path) -> list[tuple[str, str]]:
    """(model name, adapter dir) of every finished iteration's Bob adapter, in iteration order."""
    found = []
    for d in run_dir.glob("iter_*"):
        m = re.fullmatch(r"iter_(\d+)", d.name)
        if m and (d / "adapters" / "bob" / "adapter_config.json").exists():
            found.append((int(m.group(1)), f"{d.name}-bob", str(d / "adapters" / "bob")))
    return [(name, path) for _, name, path in sorted(found)]


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("run", help="the self-play run directory (runs/<name>)")
    p.add_argument("--humaneval-hs", required=True, help="HumanEval-hs JSONL (the paper's file, or MultiPL-E's)")
    p.add_argument("--equibench", default="anjiangwei/EquiBench-Datasets",
                   help="EquiBench: hub id, local clone, or downloader folder [%(default)s]")
    p.add_argument("--pysecdb", default="sunlab/PySecDB", help="PySecDB: hub id, local clone or file [%(default)s]")
    p.add_argument("--prompts", help="EquiBench's official prompts.yaml (default: hsx's prompts)")
    p.add_argument("--prompt-mode", default="ZERO_COT", help="template of --prompts [%(default)s]")
    p.add_argument("--exclude-known-mislabeled", action="store_true",
                   help="EquiBench: leave out the pairs of hsx/eval/mislabeled.py (see docs/EVALUATION.md)")
    p.add_argument("--repeats", type=int, default=3, help="repeats for every model [%(default)s]")
    p.add_argument("--seed", type=int, default=0, help="seed of the first repeat [%(default)s]")
    p.add_argument("--max-new-tokens", type=int, help="token budget per answer [config sampling.max_new_tokens]")
    p.add_argument("--limit", type=int, default=0, help="only the first N items per category (smoke runs)")
    p.add_argument("--sec-per-item", type=float, default=2.0,
                   help="assumed seconds per item and repeat until a repeat has been measured here [%(default)s]")
    p.add_argument("--out", help="output folder [<run>/eval]")
    p.add_argument("--config", help="TOML config (model, sampling, sandbox)")
    p.add_argument("--dry-run", action="store_true", help="print the plan and the estimate, run nothing")
    return p


def _spec(args, benchmark: str, model: str, adapter: str | None):
    from hsx.eval.items import EvalSpec

    data = {"equibench": args.equibench, "pysecdb": args.pysecdb, "humaneval-hs": args.humaneval_hs}[benchmark]
    official = benchmark == "equibench" and args.prompts
    return EvalSpec(benchmark, data, adapter=adapter, repeats=args.repeats, seed=args.seed,
                    max_new_tokens=args.max_new_tokens, prompts_file=args.prompts if official else None,
                    prompt_mode=args.prompt_mode, limit=args.limit, name=model,
                    exclude_known_mislabeled=benchmark == "equibench" and args.exclude_known_mislabeled)


def plan(args, out: Path) -> list[Job]:
    from hsx.eval.items import load_items

    run_dir = Path(args.run)
    if not run_dir.is_dir():
        raise SystemExit(f"error: {run_dir}: no such run directory")
    models = [("base", None), *bob_adapters(run_dir)]
    if len(models) == 1:
        print(f"warning: {run_dir} has no iter_<k>/adapters/bob/adapter_config.json: only the base model",
              file=sys.stderr)
    counts = {b: len(load_items(_spec(args, b, "base", None))) for b in BENCHMARKS}
    jobs = []
    for model, adapter in models:
        for b in BENCHMARKS:
            d = out / b / model
            done = sum(1 for k in range(args.repeats) if (d / f"predictions_r{k}.jsonl").exists())
            jobs.append(Job(b, model, adapter, d, counts[b], done, args.repeats))
    return jobs


def measured_sec_per_item(out: Path) -> float | None:
    """Seconds per item and repeat (generation and scoring) over the repeats finished under `out`."""
    from hsx.eval.runfiles import read_run

    items = seconds = 0.0
    for t in out.glob("*/*/timings.json"):
        run = read_run(t.parent)
        for v in json.loads(t.read_text()).values():
            seconds += v["generate_s"] + v.get("score_s", 0.0)
            items += run.items
    return seconds / items if items else None


def print_plan(jobs: list[Job], repeats: int, sec_per_item: float, measured: bool) -> float:
    print(f"{'benchmark':<13} {'model':<14} {'items':>6} {'repeats done':>13}   estimate")
    total = 0.0
    for j in jobs:
        left = 0 if j.finished else repeats - j.done
        seconds = left * j.items * sec_per_item
        total += seconds
        print(f"{j.benchmark:<13} {j.model:<14} {j.items:>6} {f'{j.done}/{repeats}':>13}   "
              f"{'done' if not left else _duration(seconds)}")
    basis = "measured here" if measured else "assumed (--sec-per-item), until a repeat is measured"
    print(f"time left: about {_duration(total)} at {sec_per_item:.2f} s per item and repeat ({basis}), "
          f"plus loading the model once per model")
    return total


def _duration(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


def reproduce(args, *, generator_factory=None) -> Path:
    """Runs the plan (see the module docstring) and returns the report folder.
    `generator_factory` replaces hsx.models.generation.make_generator (tests)."""
    from contextlib import closing

    from hsx.config import load_config
    from hsx.eval.report import report_table, write_eval_report
    from hsx.eval.run import ADAPTER_NAME, run_eval
    from hsx.eval.runfiles import read_summary, summary_file, write_summary
    from hsx.eval.score import compare_runs, summarize
    from hsx.runs import write_json

    out = Path(args.out) if args.out else Path(args.run) / "eval"
    jobs = plan(args, out)
    measured = measured_sec_per_item(out)
    print_plan(jobs, args.repeats, measured or args.sec_per_item, measured is not None)
    if args.dry_run:
        return out / "report"
    config = load_config(args.config)
    model_path = None
    for model in dict.fromkeys(j.model for j in jobs):
        todo = [j for j in jobs if j.model == model and not j.finished]
        if not todo:
            continue
        if model_path is None:
            from hsx.models.tinymodel import resolve_base_model
            model_path = resolve_base_model(config.model, Path(config.selfplay.runs_dir) / ".models")
        if generator_factory is None:
            from hsx.models.generation import make_generator as generator_factory
        adapter = todo[0].adapter
        generator = generator_factory(model_path, {ADAPTER_NAME: adapter} if adapter else None, model=config.model,
                                      sampling=config.sampling, lora=config.lora)
        with closing(generator):
            for j in todo:
                print(f"== {j.benchmark} / {j.model}: {args.repeats - j.done} repeat(s) of {j.items} items",
                      flush=True)
                run_eval(config, _spec(args, j.benchmark, j.model, j.adapter), j.out, model_path=model_path,
                         generator=generator, progress=lambda m: print(f"   {m}", flush=True))
    for j in jobs:  # summaries of runs finished before (e.g. by an older hsx) are recomputed
        if not summary_file(j.out).exists():
            write_summary(j.out, summarize(j.out))
    for j in jobs:
        if j.model != "base":
            c = compare_runs(out / j.benchmark / "base", j.out)
            write_json(out / "compare" / f"{j.benchmark}-{j.model}.json", c)
    write_eval_report([j.out for j in jobs], out / "report")
    print(report_table([read_summary(j.out) for j in jobs]))
    print(f"report: {out / 'report' / 'report.md'}; comparisons: {out / 'compare'}")
    return out / "report"


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    from hsx.eval.benchmarks import BenchmarkError

    try:
        reproduce(args)
    except (BenchmarkError, FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
