"""`hsx eval`: evaluation on EquiBench, PySecDB, held-out Haskell pairs and HumanEval-hs.

    hsx eval run equibench data/equibench --repeats 3 --out runs/eval/equibench-base
    hsx eval run equibench anjiangwei/EquiBench-Datasets --adapter runs/x/iter_6/adapters/bob --repeats 3
    hsx eval run equibench EquiBench-Datasets/ --prompts EquiBench/prompts.yaml --prompt-mode ZERO_COT
    hsx eval run pysecdb sunlab/PySecDB --max-new-tokens 4096
    hsx eval run haskell-pairs data/pairs --adapter runs/x/iter_6/adapters/bob
    hsx eval run humaneval-hs humaneval-hs.jsonl --adapter runs/x/iter_6/adapters/alice
    hsx eval score equibench anjiangwei/EquiBench-Datasets --outputs api.jsonl --model gpt-x
    hsx eval score --released llm-self-play-liquidhaskell/src/Evaluation/EquiBench/results
    hsx eval judge runs/eval/equibench-base --judge http://localhost:8000/v1 --judge-model Qwen/Qwen2.5-7B-Instruct
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
from hsx.eval.runfiles import Summary

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
                     help="EquiBench's prompts.yaml (true_label, false_label, and per category the templates "
                          "ZERO/ZERO_COT/FEW/FEW_COT).  hsx reads the answers as the last YES/NO label at the end "
                          "(strict); EquiBench's own rule (exact YES/NO, judge, coin flip) is reported beside it "
                          "as `equibench`.  Default: hsx's own prompts."),
        click.option("--prompt-mode", type=click.Choice(["ZERO", "ZERO_COT", "FEW", "FEW_COT"]), default="ZERO_COT",
                     show_default=True, help="Which template of --prompts."),
        click.option("--categories", help="EquiBench: comma-separated categories (default: all six)."),
        click.option("--limit", type=int, default=0, help="Only the first N items per category (smoke runs)."),
        click.option("--exclude-known-mislabeled", is_flag=True,
                     help="EquiBench: leave out the pairs whose label its maintainers found wrong (the list and its "
                          "source: hsx/eval/mislabeled.py).  Without it they are scored and flagged, and the score "
                          "without them is shown as a second column."),
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
            limit, exclude_known_mislabeled, name, out, config_path) -> None:
    """Evaluate on BENCHMARK read from DATA: a local file or folder, or a hub id (EquiBench:
    anjiangwei/EquiBench-Datasets; PySecDB: sunlab/PySecDB, gated, with your hub login)."""
    from hsx.eval.items import EvalSpec
    from hsx.eval.run import run_eval

    try:
        config = load_config(config_path)
        spec = EvalSpec(benchmark, data, adapter=adapter, repeats=repeats, seed=seed,
                        max_new_tokens=max_new_tokens, prompts_file=prompts_file, prompt_mode=prompt_mode,
                        categories=_categories(categories), limit=limit, name=name,
                        exclude_known_mislabeled=exclude_known_mislabeled)
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


def _print_summary(s: Summary) -> None:
    budget = f", max_new_tokens {s.max_new_tokens}" if s.max_new_tokens else ""
    console.print(f"[bold]{s.benchmark}[/bold]  model {s.model} ({s.model_label}), "
                  f"{s.repeats} repeat(s), seeds {s.seeds}{budget}")
    for cat, m in [*s.categories.items(), ("overall", s.overall)]:
        line = (f"  {cat:<14} {s.metric} {_pct(m.score)}  [{_pct(m.ci[0])}, {_pct(m.ci[1])}]"
                f"  items {m.items}  truncated {m.truncated}/{m.answers}")
        if m.parse_rate is not None:
            line += f"  F1 {m.f1:.3f}"
        if m.outcomes is not None:
            line += "  " + " ".join(f"{k} {v}" for k, v in m.outcomes.items() if v)
        console.print(line)
        if m.protocols is not None:
            console.print("  " + " " * 14 + protocols_line(m.protocols), soft_wrap=True)
        if m.without_known_mislabeled is not None:
            w = m.without_known_mislabeled
            console.print(f"  {'':<14} without known-mislabeled pairs: {_pct(w.score)} over {w.items} items")
    if s.skipped:
        console.print(f"  [yellow]skipped {s.skipped} record(s) hsx cannot use[/yellow]: see skipped.jsonl")
    if s.baseline is not None:
        b = s.baseline
        console.print(f"  majority-class baseline (always {'YES' if b.majority else 'NO'}): accuracy "
                      f"{_pct(b.accuracy)}, F1 {b.f1:.3f}   vs model accuracy {_pct(s.overall.score)}, "
                      f"F1 {s.overall.f1:.3f}")
    if s.items_per_s:
        console.print(f"  {s.items_per_s:.2f} items/s (generation)")


def protocols_line(p: dict) -> str:
    """The three protocols side by side, each with the share of answers it read without chance."""
    e = p["equibench"]
    how = f"judge {e['judge']}" if e.get("judge") else "no judge"
    return (f"strict {_pct(p['strict']['accuracy'])} (parsed {_pct(p['strict']['parse_rate'])}) | "
            f"equibench {_pct(e['accuracy'])} [{_pct(e['interval'][0])}, {_pct(e['interval'][1])}] "
            f"(decided {_pct(e['parse_rate'])}, {e['coin_flips']} coin flips, {how}; seed {e['seed']}: "
            f"{_pct(e['seeded_accuracy'])}) | parsed-only {_pct(p['parsed-only']['accuracy'])} "
            f"(over {p['parsed-only']['answers']} parsed)")


@eval_group.command("score")
@click.argument("args", nargs=-1, metavar="[BENCHMARK DATA]")
@click.option("--outputs", type=click.Path(exists=True, dir_okay=False),
              help="JSONL of {\"id\", \"output\"} (raw answer text), optionally \"category\" (needed where ids "
                   "repeat across categories), \"repeat\" (0, 1, ...), \"seed\", \"tokens\", \"truncated\".")
@click.option("--model", "model", help="The model's name in the reports (with --outputs).")
@click.option("--released", "released", multiple=True, type=click.Path(exists=True),
              help="Instead: the self-play paper's released result files (JSON), or folders of them (its "
                   "src/Evaluation/EquiBench/results and src/Evaluation/pysecdb/results); repeatable.")
@click.option("--seed", type=int, default=0, show_default=True, help="--released: seed of the bootstrap.")
@click.option("--json", "as_json", is_flag=True, help="--released: print the rows as JSON.")
@_item_options
@click.option("--out", type=click.Path(file_okay=False), help="Run directory [runs/eval/<benchmark>-<model>].")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config.")
def score_cmd(args, outputs, model, released, seed, as_json, prompts_file, prompt_mode, categories, limit,
              exclude_known_mislabeled, out, config_path) -> None:
    """Score answers that exist already, no GPU needed.

    BENCHMARK DATA --outputs FILE --model NAME: outputs produced elsewhere (an API model, another
    harness), with the same parsing, protocols, intervals and run directory as `hsx eval run`;
    HumanEval-hs outputs are compiled and run in the sandbox.

    --released PATH: the paper's released result files re-scored under the three protocols
    (strict, equibench, parsed-only), each adapter against the base model (hsx/eval/released.py).
    """
    if released:
        if args or outputs:
            raise click.UsageError("--released takes result files or folders, not BENCHMARK DATA or --outputs")
        return _score_released(released, seed, as_json)
    if len(args) != 2 or args[0] not in BENCHMARKS or not outputs or not model:
        raise click.UsageError(f"expected BENCHMARK DATA --outputs FILE --model NAME (BENCHMARK: one of "
                               f"{', '.join(BENCHMARKS)}), or --released PATH")
    benchmark, data = args
    from hsx.eval.items import EvalSpec
    from hsx.eval.run import score_outputs

    try:
        config = load_config(config_path)
        spec = EvalSpec(benchmark, data, prompts_file=prompts_file, prompt_mode=prompt_mode,
                        categories=_categories(categories), limit=limit,
                        exclude_known_mislabeled=exclude_known_mislabeled)
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


def _score_released(paths, seed: int, as_json: bool) -> None:
    from hsx.eval.released import load_released, released_table, rescore

    try:
        runs, skipped = load_released([Path(p) for p in paths])
    except BenchmarkError as e:
        raise click.ClickException(str(e)) from None
    rows = rescore(runs, seed=seed)
    if as_json:
        click.echo(json.dumps({"rows": rows, "skipped": [vars(k) for k in skipped]}, indent=2))
        return
    click.echo(released_table(rows))
    for k in skipped:
        err_console.print(f"[yellow]skipped[/yellow] {k.where}: {k.reason}")
    err_console.print(f"{len(runs)} result file(s) re-scored, {len(skipped)} skipped")


@eval_group.command("judge")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--judge", "judge_spec", required=True,
              help="The judge: an OpenAI-compatible endpoint (http(s)://host/v1, with --judge-model), or a local "
                   "model (a folder or hub id) run by hsx's generator with the config's sampling settings.")
@click.option("--judge-model", help="The model name to request from the endpoint.")
@click.option("--judge-api-key", envvar="HSX_JUDGE_API_KEY", help="API key for the endpoint [$HSX_JUDGE_API_KEY].")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config.")
def judge_cmd(run_dir, judge_spec, judge_model, judge_api_key, config_path) -> None:
    """Apply EquiBench's judge to the saved outputs of RUN_DIR: exact YES/NO, else the judge on the
    last sentence, the last two, the whole answer; the `equibench` protocol then uses these
    decisions (judge.jsonl) and flips coins only where the judge cannot decide."""
    from contextlib import closing, nullcontext

    from hsx.eval.judge import GeneratorJudge, OpenAIJudge
    from hsx.eval.run import judge_run

    config = load_config(config_path)
    if judge_spec.startswith(("http://", "https://")):
        if not judge_model:
            raise click.UsageError("--judge URL needs --judge-model (the model name the endpoint serves)")
        judge, owner = OpenAIJudge(judge_spec, judge_model, api_key=judge_api_key), nullcontext()
    else:
        from hsx.models.generation import make_generator
        generator = make_generator(judge_spec, model=config.model, sampling=config.sampling, lora=config.lora)
        judge, owner = GeneratorJudge(generator, judge_spec, seed=0), closing(generator)
    try:
        with owner:
            summary = judge_run(Path(run_dir), judge, progress=lambda m: err_console.print(m))
    except (BenchmarkError, FileNotFoundError, RuntimeError) as e:
        raise click.ClickException(str(e)) from None
    _print_summary(summary)


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
