"""`hsx eval`: evaluation on EquiBench, PySecDB, held-out Haskell pairs and HumanEval-hs.

    hsx eval run equibench data/equibench --repeats 3 --out runs/eval/equibench-base
    hsx eval run equibench anjiangwei/EquiBench-Datasets --adapter runs/x/iter_6/adapters/bob --repeats 3
    hsx eval run equibench EquiBench-Datasets/ --prompts EquiBench/prompts.yaml --prompt-mode ZERO_COT
    hsx eval run pysecdb sunlab/PySecDB --max-new-tokens 4096
    hsx eval run haskell-pairs data/pairs --adapter runs/x/iter_6/adapters/bob
    hsx eval run humaneval-hs humaneval-hs.jsonl --adapter runs/x/iter_6/adapters/alice
    hsx eval score equibench anjiangwei/EquiBench-Datasets --outputs api.jsonl --model gpt-x
    hsx eval compare runs/eval/equibench-base runs/eval/equibench-bob
    hsx eval report runs/eval/equibench-base runs/eval/equibench-bob --out runs/eval/report

The click group `eval_group` is added to the main `hsx` command line (hsx/cli/main.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console

from hsx.config import ConfigError, help_text, load_config
from hsx.eval.benchmarks import BENCHMARKS, BenchmarkError

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def _pct(x) -> str:
    return "–" if x is None or x != x else f"{100 * x:.1f}%"


@click.group("eval")
def eval_group() -> None:
    """Evaluate the base model or an adapter on transfer benchmarks."""


def _item_options(f):
    """The options that choose and prompt the items, shared by `run` and `score`."""
    for option in reversed([
        click.option("--prompts", "prompts_file", type=click.Path(exists=True, dir_okay=False),
                     help="EquiBench's official prompts.yaml (true_label, false_label, and per category the "
                          "templates ZERO/ZERO_COT/FEW/FEW_COT); answers are then read by its protocol (the "
                          "last YES/NO label at the end).  Default: hsx's own prompts."),
        click.option("--prompt-mode", type=click.Choice(["ZERO", "ZERO_COT", "FEW", "FEW_COT"]), default="ZERO_COT",
                     show_default=True, help="Which template of --prompts."),
        click.option("--categories", help="EquiBench: comma-separated categories (default: all six)."),
        click.option("--limit", type=int, default=0, help="Only the first N items per category (smoke runs)."),
    ]):
        f = option(f)
    return f


def _categories(value: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in value.split(",")) if value else ()


@eval_group.command("run")
@click.argument("benchmark", type=click.Choice(BENCHMARKS))
@click.argument("data")
@click.option("--adapter", type=click.Path(exists=True, file_okay=False),
              help="A LoRA adapter directory; without it, the base model is evaluated.")
@click.option("--repeats", type=int, default=1, show_default=True,
              help="Runs with seeds SEED, SEED+1, ...: use the same for every compared model.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the first repeat.")
@click.option("--max-new-tokens", type=int, help=help_text("sampling.max_new_tokens"))
@_item_options
@click.option("--name", default="", help="The model's name in reports [the adapter folder's name, or base].")
@click.option("--out", type=click.Path(file_okay=False),
              help="Run directory [runs/eval/<benchmark>-<name>].")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config.")
def run_cmd(benchmark, data, adapter, repeats, seed, max_new_tokens, prompts_file, prompt_mode, categories,
            limit, name, out, config_path) -> None:
    """Evaluate on BENCHMARK read from DATA: a local file or folder, or a hub id (EquiBench:
    anjiangwei/EquiBench-Datasets; PySecDB: sunlab/PySecDB, gated, with your hub login)."""
    from hsx.eval.items import EvalSpec
    from hsx.eval.run import run_eval

    try:
        config = load_config(config_path)
        spec = EvalSpec(benchmark, data, adapter=adapter, repeats=repeats, seed=seed,
                        max_new_tokens=max_new_tokens, prompts_file=prompts_file, prompt_mode=prompt_mode,
                        categories=_categories(categories), limit=limit, name=name)
    except (ConfigError, ValueError) as e:
        raise click.UsageError(str(e)) from None
    out_dir = Path(out) if out else Path(config.selfplay.runs_dir) / "eval" / f"{benchmark}-{spec.model_label}"
    if config.model.base == "tiny":
        err_console.print("[bold yellow]smoke run[/bold yellow]: the tiny model built in code; its scores are "
                          "not results")
    try:
        summary = run_eval(config, spec, out_dir, progress=lambda m: err_console.print(m))
    except (BenchmarkError, FileNotFoundError) as e:
        raise click.ClickException(str(e)) from None
    _print_summary(summary)
    console.print(f"predictions and summary: {out_dir}")


def _print_summary(s: dict) -> None:
    budget = f", max_new_tokens {s['max_new_tokens']}" if s.get("max_new_tokens") else ""
    console.print(f"[bold]{s['benchmark']}[/bold]  model {s['model']} ({s['model_label']}), "
                  f"{s['repeats']} repeat(s), seeds {s['seeds']}{budget}")
    for cat, m in [*s["categories"].items(), ("overall", s["overall"])]:
        line = (f"  {cat:<14} {s['metric']} {_pct(m['score'])}  [{_pct(m['ci'][0])}, {_pct(m['ci'][1])}]"
                f"  items {m['items']}  truncated {m['truncated']}/{m['answers']}")
        if "parse_rate" in m:
            line += f"  parsed {_pct(m['parse_rate'])}  parsed-only {_pct(m['parsed_accuracy'])}  F1 {m['f1']:.3f}"
        if "outcomes" in m:
            line += "  " + " ".join(f"{k} {v}" for k, v in m["outcomes"].items() if v)
        console.print(line)
    if "baseline" in s:
        b = s["baseline"]
        console.print(f"  majority-class baseline (always {'YES' if b['majority'] else 'NO'}): accuracy "
                      f"{_pct(b['accuracy'])}, F1 {b['f1']:.3f}   vs model accuracy {_pct(s['overall']['score'])}, "
                      f"F1 {s['overall']['f1']:.3f}")
    if s.get("items_per_s"):
        console.print(f"  {s['items_per_s']:.2f} items/s (generation)")


@eval_group.command("score")
@click.argument("benchmark", type=click.Choice(BENCHMARKS))
@click.argument("data")
@click.option("--outputs", required=True, type=click.Path(exists=True, dir_okay=False),
              help="JSONL of {\"id\", \"output\"} (raw answer text), optionally \"category\" (needed where ids "
                   "repeat across categories), \"repeat\" (0, 1, ...), \"seed\", \"tokens\", \"truncated\".")
@click.option("--model", "model", required=True, help="The model's name in the reports.")
@_item_options
@click.option("--out", type=click.Path(file_okay=False), help="Run directory [runs/eval/<benchmark>-<model>].")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config.")
def score_cmd(benchmark, data, outputs, model, prompts_file, prompt_mode, categories, limit, out,
              config_path) -> None:
    """Score outputs produced elsewhere (an API model, another harness) on BENCHMARK read from DATA,
    with the same parsing, metrics, intervals and run directory as `hsx eval run`: no GPU needed.
    HumanEval-hs outputs are compiled and run in the sandbox."""
    from hsx.eval.items import EvalSpec
    from hsx.eval.run import score_outputs

    try:
        config = load_config(config_path)
        spec = EvalSpec(benchmark, data, prompts_file=prompts_file, prompt_mode=prompt_mode,
                        categories=_categories(categories), limit=limit)
    except (ConfigError, ValueError) as e:
        raise click.UsageError(str(e)) from None
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)
    out_dir = Path(out) if out else Path(config.selfplay.runs_dir) / "eval" / f"{benchmark}-{safe}"
    try:
        summary = score_outputs(config, spec, Path(outputs), out_dir, model=model)
    except (BenchmarkError, FileNotFoundError) as e:
        raise click.ClickException(str(e)) from None
    _print_summary(summary)
    console.print(f"predictions and summary: {out_dir}")


@eval_group.command("compare")
@click.argument("run_a", type=click.Path(exists=True, file_okay=False))
@click.argument("run_b", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
def compare_cmd(run_a, run_b, as_json) -> None:
    """Paired per-item comparison of RUN_B against RUN_A: McNemar exact test per repeat pair and
    a paired bootstrap interval of the difference, per category and overall."""
    from hsx.eval.score import compare_runs

    try:
        c = compare_runs(Path(run_a), Path(run_b))
    except (BenchmarkError, FileNotFoundError) as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(c, indent=2))
        return
    console.print(f"[bold]{c['benchmark']}[/bold]: B = {c['b']['label']} vs A = {c['a']['label']}, "
                  f"{c['repeat_pairs']} repeat pair(s); items only in A {c['only_in_a']}, only in B {c['only_in_b']}")
    for cat, m in [*c["categories"].items(), ("overall", c["overall"])]:
        tests = ", ".join(f"r{t['repeat']}: {t['only_a']}/{t['only_b']} p={t['p']:.3g}" for t in m["mcnemar"])
        console.print(f"  {cat:<14} A {_pct(m['score_a'])}  B {_pct(m['score_b'])}  B−A {100 * m['diff']:+.1f} pts "
                      f"[{100 * m['ci'][0]:+.1f}, {100 * m['ci'][1]:+.1f}]  McNemar (only A/only B) {tests}")


@eval_group.command("report")
@click.argument("runs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--out", type=click.Path(file_okay=False), default="runs/eval/report", show_default=True,
              help="Folder for the PNG charts and report.md.")
def report_cmd(runs, out) -> None:
    """PNG bar charts (per category, one bar per run, 95% intervals) and a markdown table."""
    from hsx.eval.report import write_eval_report

    try:
        files = write_eval_report([Path(r) for r in runs], Path(out))
    except (BenchmarkError, FileNotFoundError) as e:
        raise click.ClickException(str(e)) from None
    for f in files:
        console.print(str(f))


__all__ = ["eval_group"]
