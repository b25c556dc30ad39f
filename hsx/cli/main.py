"""The `hsx` command line: loads the configuration, calls one stage, prints with rich.

    hsx verify A.hs B.hs [--input EXPR ...] [--tests N] [--seed S] [--timeout SEC] [--json]
    hsx verify --batch pairs.jsonl --out results.jsonl [--jobs N]
    hsx doctor                     # the toolchain hsx will use (GHC, helper, prover, z3)
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from hsx.config import ConfigError, HsxConfig, help_text, load_config
from hsx.verdict import ErrorKind, Result, Verdict, error
from hsx.verify import batch
from hsx.verify.pipeline import PairRequest, Verifier

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@click.group()
@click.version_option(package_name="hsx")
def main() -> None:
    """hsx: Haskell program equivalence, refereed by execution and proof."""


def _config(path: str | None, jobs: int | None = None, **search) -> HsxConfig:
    """The config file with the command line's overrides; a bad value is a usage error."""
    changes = {k: v for k, v in search.items() if v is not None}
    try:
        config = load_config(path)
        if changes:
            config = config.with_search(**changes)
        if jobs is not None:
            config = dataclasses.replace(config, jobs=jobs)
    except ConfigError as e:
        raise click.UsageError(str(e)) from None
    return config


@main.command()
@click.argument("a", required=False, type=click.Path(exists=True, dir_okay=False))
@click.argument("b", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--input", "inputs", multiple=True, metavar="EXPR",
              help="One Haskell expression per argument: check only this input.")
@click.option("--entry", help="Entry function name in both files.")
@click.option("--entry-a", help="Entry function of A.")
@click.option("--entry-b", help="Entry function of B.")
@click.option("--tests", type=int, help=help_text("search.tests"))
@click.option("--depth", type=int, help=help_text("search.depth"))
@click.option("--seed", type=int, help=help_text("search.seed"))
@click.option("--timeout", "eval_timeout", type=float, help=help_text("search.eval_timeout"))
@click.option("--budget", type=float, help=help_text("search.budget"))
@click.option("--proof", "proof_path", type=click.Path(exists=True, dir_okay=False),
              help="PROOF.hs: equations of equiv, helper lemmas and functions (no theorem).")
@click.option("--no-proof", is_flag=True, help="Skip the proof stage (counterexample search only).")
@click.option("--show-proof", is_flag=True,
              help="Print the accepted PROOF.hs (lemmas first) after the verdict; "
                   "`hsx verify A B --proof FILE` re-checks it on its own.")
@click.option("--show-lh-module", is_flag=True,
              help="Print the Liquid Haskell module hsx assembles, with the place for the proof.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (schema in README).")
@click.option("--batch", "batch_file", type=click.Path(exists=True, dir_okay=False),
              help="JSONL file of pairs to verify.")
@click.option("--out", type=click.Path(dir_okay=False), help="JSONL results file for --batch (resumable).")
@click.option("--jobs", type=int, help=help_text("jobs"))
@click.option("--ray", "ray_address", metavar="ADDRESS", help=help_text("ray"))
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config.")
def verify(a, b, inputs, entry, entry_a, entry_b, tests, depth, seed, eval_timeout, budget, proof_path,
           no_proof, show_proof, show_lh_module, as_json, batch_file, out, jobs, ray_address, config_path) -> None:
    """Check whether Haskell programs A and B are equivalent.

    Exit codes: 0 equivalent, 1 inequivalent, 2 unknown, 3 error.
    """
    config = _config(config_path, jobs=jobs, tests=tests, depth=depth, seed=seed, eval_timeout=eval_timeout,
                     budget=budget)
    if no_proof:
        config = config.with_proof(enabled=False)
    if ray_address is not None:
        if not batch_file:
            raise click.UsageError("--ray fans out a --batch; one pair runs here")
        config = dataclasses.replace(config, ray=ray_address)
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
    try:
        texts = [batch.read_source_file(Path(p)) if p else None for p in (a, b, proof_path)]
    except batch.SourceFileError as e:
        # Unreadable input is a verdict like any other (error, exit 3), never a traceback.
        result = error(ErrorKind.SOURCE, str(e))
        if as_json:
            click.echo(json.dumps(result.to_json(), indent=2))
        else:
            print_result(result, a, b)
        sys.exit(result.exit_code)
    req = PairRequest(
        a_source=texts[0], b_source=texts[1], a_path=a, b_path=b,
        inputs=tuple(inputs) if inputs else None,
        entry_a=entry_a or entry, entry_b=entry_b or entry,
        proof=texts[2])
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
        # With --show-proof, stdout carries the proof file alone (the verdict goes to stderr).
        print_result(result, a, b, err_console if show_proof else None)
    if show_proof and not as_json:
        if result.proof and result.proof.text and result.verdict == Verdict.EQUIVALENT:
            click.echo("-- PROOF.hs (accepted by Liquid Haskell)")
            click.echo(result.proof.text.rstrip("\n"))
        else:
            err_console.print("no accepted proof to show")
    sys.exit(result.exit_code)


STYLE = {Verdict.EQUIVALENT: "bold green", Verdict.INEQUIVALENT: "bold red",
         Verdict.UNKNOWN: "bold yellow", Verdict.ERROR: "bold magenta"}


def print_result(r: Result, a: str, b: str, out=None) -> None:
    c = out or console
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
    if r.proof and r.proof.text and r.verdict == Verdict.EQUIVALENT:
        c.print(f"  proof ({escape(r.proof.template or '')}, {escape(r.proof.prover or '')}):")
        for line in r.proof.text.splitlines():
            c.print(f"    {escape(line)}")
    elif r.proof:
        for att in r.proof.attempts[:8]:
            where = f" at {att.where}" if att.where else ""
            c.print(f"  proof attempt {escape(att.template)}: {escape(att.status)}{escape(where)}")
    for p in r.possible_divergence[:3]:
        c.print(f"  possible divergence at {escape(' '.join(p.inputs))}: "
                f"A = {escape(p.left.describe())}, B = {escape(p.right.describe())}")
    t = r.tried
    if r.verdict in (Verdict.INEQUIVALENT, Verdict.UNKNOWN) and not t.given_inputs:
        drawn = ", ".join(f"{k} {v}" for k, v in t.strategies.items() if k != "enumerate")
        found_by = f"; found by {t.found_by}" if t.found_by else ""
        c.print(f"  [dim]tried: {t.enumerated} enumerated (depth {t.enumeration_depth}), "
                f"{t.random_tests} drawn{' (' + escape(drawn) + ')' if drawn else ''}{found_by}, "
                f"{t.shrink_steps} shrink steps; seed {r.seed}; {r.timings.get('total', 0):.2f} s[/dim]")
    else:
        c.print(f"  [dim]{r.timings.get('total', 0):.2f} s[/dim]")


@main.command()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="TOML config (configs/smoke.toml, configs/paper.toml).")
@click.option("--name", help="Run name under the runs directory [a timestamp].")
@click.option("--resume", "resume_dir", type=click.Path(exists=True, file_okay=False),
              help="Continue an interrupted run from its directory.")
@click.option("--plan", "plan_only", is_flag=True,
              help="Print what one iteration will do and need (prompts, tokens, training steps, GPU memory, "
                   "time) and exit; nothing runs.  Exit 1 when it cannot fit the GPU.")
@click.option("--gpu-memory", type=click.FloatRange(min=0, min_open=True), default=None,
              help="With --plan: GiB of the GPU to plan for [the GPU found, if any].")
@click.option("--device", default=None,
              help="With --plan: the device whose measured throughputs estimate the time, e.g. H100 "
                   "[the GPU found, or cpu].")
@click.option("--ray", "ray_address", metavar="ADDRESS", help=help_text("ray"))
def selfplay(config_path, name, resume_dir, plan_only, gpu_memory, device, ray_address) -> None:
    """Run verified self-play: Alice writes variants, the verifier referees, Bob judges."""
    from hsx.config import config_from_dict
    from hsx.runs import read_json
    from hsx.selfplay.loop import run_selfplay

    if plan_only:
        from hsx.selfplay.plan import print_plan
        raise SystemExit(print_plan(_config(config_path), gpu_memory, device))
    if resume_dir:
        run_dir = Path(resume_dir)
        config = config_from_dict(read_json(run_dir / "config.json"))
    else:
        config = _config(config_path)
        import time as _time
        run_dir = Path(config.selfplay.runs_dir) / (name or _time.strftime("run-%Y%m%d-%H%M%S"))
        if (run_dir / "config.json").exists():
            raise click.UsageError(f"{run_dir} exists: use --resume {run_dir} or another --name")
    if ray_address is not None:  # where the referee runs, not what it decides: a resume may change it
        config = dataclasses.replace(config, ray=ray_address)
    if config.model.base == "tiny":
        err_console.print("[bold yellow]smoke run[/bold yellow]: the tiny model built in code; "
                          "its outputs exercise the pipeline and are not results")
    out = run_selfplay(config, run_dir, console=err_console)
    err_console.print(f"[bold]self-play done[/bold]: {out}  (plots: hsx report {out})")


@main.command()
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
def report(run_dir) -> None:
    """Write PNG plots and a markdown summary of a self-play run."""
    from hsx.selfplay.report import write_report
    out = write_report(Path(run_dir))
    console.print(f"report written to {escape(str(out))}")


@main.command()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config.")
def doctor(config_path) -> None:
    """Show the toolchain hsx will use (GHC, helper, prover, z3): versions, paths, and fixes.

    Exit 0 when all four work, 1 otherwise (without the prover, everything but SEQ still works).
    """
    from hsx.cli.doctor import check_toolchain
    checks = check_toolchain(_config(config_path))
    for c in checks:
        mark = "[green]ok[/green]     " if c.ok else "[red]MISSING[/red]"
        console.print(f"{mark} {c.name:<7} {escape(c.version or '-')}", soft_wrap=True)
        if c.path:
            console.print(f"                {escape(c.path)}", soft_wrap=True)
        if not c.ok:
            console.print(f"                fix: {escape(c.fix)}", soft_wrap=True)
    sys.exit(0 if all(c.ok for c in checks) else 1)


@main.group()
def programs() -> None:
    """The program pool (data/programs/*.jsonl, its only copy).

    \b
    hsx programs add FILE.hs --tags list,recursion [--pool-file F] [--id ID] [--entry NAME]
    hsx programs validate [--pool data/programs] [--fix]
    """


@programs.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--pool-file", default="data/programs/added.jsonl", show_default=True,
              type=click.Path(dir_okay=False),
              help="The JSONL file to append to; duplicates are checked across every *.jsonl in its folder.")
@click.option("--id", "program_id", help="The program's id [FILE's name without .hs].")
@click.option("--tags", required=True, metavar="TAG,TAG", help="Comma-separated tags (int, list, recursion, ...).")
@click.option("--entry", help="The entry function, when hsx cannot tell it.")
@click.option("--inputs", default=5, show_default=True, type=click.IntRange(3, 5),
              help="Sample inputs to synthesize (the pool keeps 3 to 5 per program).")
@click.option("--seed", default=0, show_default=True, type=int,
              help="Seed for the synthesized inputs (mixed with the id).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config.")
def programs_add(file, pool_file, program_id, tags, entry, inputs, seed, config_path) -> None:
    """Validate FILE.hs, compute its record (type, arity, sample inputs, outputs, size,
    reflectable) and append it to the pool.  Exit 1 when the program is refused."""
    from hsx.pool.programs import PoolError, ProgramRejected
    from hsx.pool.validate import add_program
    config = _config(config_path)
    with Verifier(config) as verifier:
        try:
            program = add_program(verifier, Path(file).read_text(), pool_file=Path(pool_file),
                                  id=program_id or Path(file).stem, entry=entry, inputs=inputs, seed=seed,
                                  tags=[t.strip() for t in tags.split(",")])
        except (ProgramRejected, PoolError) as e:
            err_console.print(f"[red]not added[/red]: {escape(str(e))}")
            sys.exit(1)
    console.print(f"added {escape(program.id)} to {escape(pool_file)}: {escape(program.entry)} :: "
                  f"{escape(program.type)}, {len(program.inputs)} sample inputs, reflectable {program.reflectable}")


@programs.command("validate")
@click.option("--pool", default="data/programs", show_default=True, type=click.Path(exists=True),
              help="A pool folder (every *.jsonl under it) or one pool file.")
@click.option("--fix", is_flag=True,
              help="Rewrite mismatched derived fields (type, arity, outputs, size, reflectable, entry) in place.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config.")
def programs_validate(pool, fix, config_path) -> None:
    """Re-check every program: safe, compiles, runs on its sample inputs, and every derived field
    equals what hsx computes now.  Exit 1 while any problem remains."""
    from hsx.pool.programs import PoolError, load_pool, pool_files, rewrite_pool_file
    from hsx.pool.validate import check_pool
    config = _config(config_path)
    try:
        files = pool_files(Path(pool))
        progs = load_pool(Path(pool))
    except PoolError as e:
        raise click.UsageError(str(e)) from None
    with Verifier(config) as verifier:
        checks = check_pool(verifier, progs, config.worker_count())
    bad = [c for c in checks if c.problems]
    fixed = {c.program.id: c.derived for c in bad if fix and c.fixable}
    for c in bad:
        label = "[yellow]fixed[/yellow] " if c.program.id in fixed else ""
        for problem in c.problems:
            console.print(f"{label}[red]{escape(c.program.id)}[/red]: {escape(problem)}")
    if fixed:
        for f in files:
            rewrite_pool_file(f, fixed)
        console.print(f"rewrote {len(fixed)} record(s)")
    unfixable = [c for c in bad if c.program.id not in fixed]
    if bad and not fix and any(c.fixable for c in bad):
        console.print("derived fields that differ can be rewritten with --fix")
    console.print(f"{len(progs) - len(unfixable)}/{len(progs)} programs valid")
    sys.exit(1 if unfixable else 0)


from hsx.cli.dataset import dataset  # noqa: E402  (the `hsx dataset` command group)
from hsx.cli.eval import eval_group  # noqa: E402  (the `hsx eval` command group)

main.add_command(dataset)
main.add_command(eval_group)

if __name__ == "__main__":
    main()
