"""The `hsx` command line: loads the configuration, calls one stage, prints with rich.

    hsx verify A.hs B.hs [--input EXPR ...] [--tests N] [--seed S] [--timeout SEC] [--json]
    hsx verify --batch pairs.jsonl --out results.jsonl [--jobs N]
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from hsx import batch
from hsx.config import ConfigError, HsxConfig, load_config
from hsx.verdict import Result, Verdict
from hsx.verify import PairRequest, Verifier

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@click.group()
@click.version_option(package_name="hsx")
def main() -> None:
    """hsx: Haskell program equivalence, refereed by execution and proof."""


def _config(path: str | None, **search) -> HsxConfig:
    try:
        config = load_config(path)
    except ConfigError as e:
        raise click.UsageError(str(e)) from None
    changes = {k: v for k, v in search.items() if v is not None}
    return config.with_search(**changes) if changes else config


@main.command()
@click.argument("a", required=False, type=click.Path(exists=True, dir_okay=False))
@click.argument("b", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--input", "inputs", multiple=True, metavar="EXPR",
              help="One Haskell expression per argument: check only this input.")
@click.option("--entry", help="Entry function name in both files.")
@click.option("--entry-a", help="Entry function of A.")
@click.option("--entry-b", help="Entry function of B.")
@click.option("--tests", type=int, help="Random tests after enumeration [200].")
@click.option("--depth", type=int, help="Exhaustive enumeration depth [4].")
@click.option("--seed", type=int, help="Seed for random testing [0].")
@click.option("--timeout", "eval_timeout", type=float, help="Seconds per side per input [1.0].")
@click.option("--budget", type=float, help="CPU seconds for the whole search [10].")
@click.option("--proof", "proof_path", type=click.Path(exists=True, dir_okay=False),
              help="PROOF.hs: equations of equiv, helper lemmas and functions (no theorem).")
@click.option("--no-proof", is_flag=True, help="Skip the proof stage (counterexample search only).")
@click.option("--show-lh-module", is_flag=True,
              help="Print the Liquid Haskell module hsx assembles, with the place for the proof.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (schema in README).")
@click.option("--batch", "batch_file", type=click.Path(exists=True, dir_okay=False),
              help="JSONL file of pairs to verify.")
@click.option("--out", type=click.Path(dir_okay=False), help="JSONL results file for --batch (resumable).")
@click.option("--jobs", type=int, help="Parallel workers for --batch [all cores].")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config.")
def verify(a, b, inputs, entry, entry_a, entry_b, tests, depth, seed, eval_timeout, budget, proof_path,
           no_proof, show_lh_module, as_json, batch_file, out, jobs, config_path) -> None:
    """Check whether Haskell programs A and B are equivalent.

    Exit codes: 0 equivalent, 1 inequivalent, 2 unknown, 3 error.
    """
    config = _config(config_path, tests=tests, depth=depth, seed=seed, eval_timeout=eval_timeout,
                     budget=budget)
    if jobs is not None:
        config = dataclasses.replace(config, jobs=jobs)
    if no_proof:
        config = config.with_proof(enabled=False)
    if batch_file:
        if a or b or inputs:
            raise click.UsageError("--batch takes no A/B files or --input")
        if not out:
            raise click.UsageError("--batch needs --out results.jsonl")
        try:
            counts = batch.run_batch(Path(batch_file), Path(out), config, console=err_console)
        except batch.BatchError as e:
            raise click.UsageError(str(e)) from None
        summary = ", ".join(f"{k} {v}" for k, v in counts.items())
        err_console.print(f"[bold]batch done[/bold]: {summary}")
        sys.exit(0)
    if not (a and b):
        raise click.UsageError("give two files A.hs B.hs (or --batch)")
    req = PairRequest(
        a_source=Path(a).read_text(), b_source=Path(b).read_text(), a_path=a, b_path=b,
        inputs=tuple(inputs) if inputs else None,
        entry_a=entry_a or entry, entry_b=entry_b or entry,
        proof=Path(proof_path).read_text() if proof_path else None)
    with Verifier(config) as verifier:
        if show_lh_module:
            module = verifier.lh_module(req)
            if isinstance(module, Result):
                print_result(module, a, b)
                sys.exit(module.exit_code)
            click.echo(module.text, nl=False)
            sys.exit(0)
        result = verifier.verify(req)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        print_result(result, a, b)
    sys.exit(result.exit_code)


STYLE = {Verdict.EQUIVALENT: "bold green", Verdict.INEQUIVALENT: "bold red",
         Verdict.UNKNOWN: "bold yellow", Verdict.ERROR: "bold magenta"}


def print_result(r: Result, a: str, b: str) -> None:
    c = console
    kind = f" ({r.error_kind.value})" if r.error_kind else ""
    c.print(f"[{STYLE[r.verdict]}]{r.verdict.value}[/]{kind}  [dim](exit {r.exit_code})[/dim]")
    if r.entry_a and r.entry_b:
        c.print(f"  A: {escape(a)}  {escape(r.entry_a.name)} :: {escape(r.entry_a.type)}")
        c.print(f"  B: {escape(b)}  {escape(r.entry_b.name)} :: {escape(r.entry_b.type)}")
    if r.tested_type and r.entry_a and r.tested_type != r.entry_a.type:
        c.print(f"  tested at: {escape(r.tested_type)}")
    if r.counterexample:
        cx = r.counterexample
        call = " ".join(f"({x})" if " " in x or x.startswith("-") else x for x in cx.inputs)
        c.print(f"  counterexample: {escape(r.entry_a.name if r.entry_a else 'f')} {escape(call)}")
        c.print(f"    A = {escape(cx.left.describe())}")
        c.print(f"    B = {escape(cx.right.describe())}")
        rerun = " ".join(f"--input {json.dumps(x)}" for x in cx.inputs)
        c.print(f"  re-run: hsx verify {escape(a)} {escape(b)} {escape(rerun)}")
    c.print(f"  {escape(r.reason)}")
    if r.proof and r.proof.get("text") and r.verdict == Verdict.EQUIVALENT:
        c.print(f"  proof ({escape(r.proof['template'])}, {escape(r.proof.get('prover') or '')}):")
        for line in r.proof["text"].splitlines():
            c.print(f"    {escape(line)}")
    elif r.proof:
        for att in r.proof.get("attempts", [])[:8]:
            where = f" at {att['where']}" if att.get("where") else ""
            c.print(f"  proof attempt {escape(att['template'])}: {escape(att['status'])}{escape(where)}")
    for p in r.possible_divergence[:3]:
        c.print(f"  possible divergence at {escape(' '.join(p.inputs))}: "
                f"A = {escape(p.left.describe())}, B = {escape(p.right.describe())}")
    t = r.tried
    if r.verdict in (Verdict.INEQUIVALENT, Verdict.UNKNOWN) and not t.given_inputs:
        c.print(f"  [dim]tried: {t.enumerated} enumerated (depth {t.enumeration_depth}), "
                f"{t.random_tests} random, {t.shrink_steps} shrink steps; seed {r.seed}; "
                f"{r.timings.get('total', 0):.2f} s[/dim]")
    else:
        c.print(f"  [dim]{r.timings.get('total', 0):.2f} s[/dim]")


@main.command()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="TOML config (configs/smoke.toml, configs/paper.toml).")
@click.option("--name", help="Run name under the runs directory [a timestamp].")
@click.option("--resume", "resume_dir", type=click.Path(exists=True, file_okay=False),
              help="Continue an interrupted run from its directory.")
def selfplay(config_path, name, resume_dir) -> None:
    """Run verified self-play: Alice writes variants, the verifier referees, Bob judges."""
    from hsx.config import config_from_dict
    from hsx.runs import read_json
    from hsx.selfplay import run_selfplay

    if resume_dir:
        run_dir = Path(resume_dir)
        config = config_from_dict(read_json(run_dir / "config.json"))
    else:
        config = _config(config_path)
        import time as _time
        run_dir = Path(config.selfplay.runs_dir) / (name or _time.strftime("run-%Y%m%d-%H%M%S"))
        if (run_dir / "config.json").exists():
            raise click.UsageError(f"{run_dir} exists: use --resume {run_dir} or another --name")
    if config.model.base == "tiny":
        err_console.print("[bold yellow]smoke run[/bold yellow]: the tiny model built in code; "
                          "its outputs exercise the pipeline and are not results")
    out = run_selfplay(config, run_dir, console=err_console)
    err_console.print(f"[bold]self-play done[/bold]: {out}  (plots: hsx report {out})")


@main.command()
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
def report(run_dir) -> None:
    """Write PNG plots and a markdown summary of a self-play run."""
    from hsx.report import write_report
    out = write_report(Path(run_dir))
    console.print(f"report written to {escape(str(out))}")


@main.group()
def programs() -> None:
    """The program pool (data/programs)."""


@programs.command("validate")
@click.option("--pool", default="data/programs", type=click.Path(exists=True, file_okay=False))
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False))
def programs_validate(pool, config_path) -> None:
    """Re-check every program: safe, compiles, runs on its sample inputs with the recorded outputs."""
    from hsx.programs import load_pool, validate_pool
    config = _config(config_path)
    progs = load_pool(Path(pool))
    with Verifier(config) as verifier:
        problems = validate_pool(verifier, progs, config.worker_count())
    bad = {pid: p for pid, p in problems.items() if p}
    for pid, ps in sorted(bad.items()):
        for p in ps:
            console.print(f"[red]{escape(pid)}[/red]: {escape(p)}")
    console.print(f"{len(progs) - len(bad)}/{len(progs)} programs valid")
    sys.exit(1 if bad else 0)


from hsx.cli_dataset import dataset  # noqa: E402  (the `hsx dataset` command group)
from hsx.cli_eval import eval_group  # noqa: E402  (the `hsx eval` command group)

main.add_command(dataset)
main.add_command(eval_group)

if __name__ == "__main__":
    main()
