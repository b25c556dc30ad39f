"""`hsx dataset`: build, import, export and describe datasets (hsx/data/ does the work).

    hsx dataset build --source items.jsonl --out data/opinstruct-hsx [--limit N] [--config x.toml]
    hsx dataset build --source nvidia/OpenCodeInstruct --max-read 200000 --limit 20000 --out ...
    hsx dataset import Trevor0501/OpInstruct-HSx --out data/opinstruct-hsx-released
    hsx dataset export runs/run-a runs/run-b --out data/pairs [--push user/hsx-pairs]
    hsx dataset stats data/pairs

Rerunning `build` or `import` with the same --out resumes where it stopped.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from hsx.cli.stage_counts import counts_table
from hsx.config import ConfigError, HsxConfig, help_text, load_config

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def _config(path: str | None, jobs: int | None) -> HsxConfig:
    try:
        config = load_config(path)
        return dataclasses.replace(config, jobs=jobs) if jobs is not None else config
    except ConfigError as e:
        raise click.UsageError(str(e)) from None


def _fail(e: Exception) -> click.ClickException:
    return click.ClickException(str(e))


_config_option = click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
                              help="TOML config (model, sampling, sandbox and search limits).")
_jobs_option = click.option("--jobs", type=int, help=help_text("jobs"))
_test_option = click.option("--test-fraction", type=float, default=0.1, show_default=True,
                            help="Share of programs in the test split (by code hash).")


@click.group()
def dataset() -> None:
    """Datasets: OpInstruct-HSx (build, import), self-play pairs (export), statistics."""


@dataset.command("build")
@click.option("--source", required=True,
              help="Python items in OpenCodeInstruct's schema: a .jsonl/.parquet file or directory, or a "
                   "hub id (nvidia/OpenCodeInstruct).")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output directory (resumable).")
@click.option("--limit", type=int, default=0, help="Translate at most N items, best first [0: all].")
@click.option("--max-read", type=int, default=0, help="Read at most N source records [0: all].")
@click.option("--split", default="train", show_default=True, help="Hub split to read.")
@click.option("--inputs", "inputs_per_program", type=int, default=5, show_default=True,
              help="Synthesized inputs every kept program must run on.")
@click.option("--batch-size", type=int, help="Prompts per translation checkpoint [sampling.batch_size].")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for sampling and inputs.")
@_test_option
@_jobs_option
@click.option("--ray", "ray_address", metavar="ADDRESS", help=help_text("ray"))
@_config_option
def build_command(source, out, limit, max_read, split, inputs_per_program, batch_size, seed, test_fraction,
                  jobs, ray_address, config_path) -> None:
    """Translate Python items to Haskell with the model and keep the programs that validate."""
    from hsx.data.build import BuildOptions, build
    from hsx.data.files import DatasetError
    from hsx.verify.pipeline import Verifier

    config = _config(config_path, jobs)
    if ray_address is not None:
        config = dataclasses.replace(config, ray=ray_address)
    try:
        options = BuildOptions(source=source, out=Path(out), limit=limit, max_read=max_read, split=split,
                               inputs_per_program=inputs_per_program, test_fraction=test_fraction,
                               batch_size=batch_size or config.sampling.batch_size, seed=seed)
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    if config.model.base == "tiny":
        err_console.print("[bold yellow]tiny model[/bold yellow]: the test model built in code writes the "
                          "translations; expect them all to be rejected")
    try:
        with Verifier(config) as verifier:
            summary = build(config, options, verifier, console=err_console)
    except DatasetError as e:
        raise _fail(e) from None
    console.print(counts_table("OpInstruct-HSx build", summary["stages"], summary["rejections"]))
    console.print(f"dataset written to {escape(out)} (card: {escape(str(Path(out) / 'README.md'))})")


@dataset.command("import")
@click.argument("source", default="Trevor0501/OpInstruct-HSx")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output directory (resumable).")
@click.option("--split", default="train", show_default=True, help="Hub split to read.")
@click.option("--max-read", type=int, default=0, help="Read at most N records [0: all].")
@_test_option
@_jobs_option
@_config_option
def import_command(source, out, split, max_read, test_fraction, jobs, config_path) -> None:
    """Load the released OpInstruct-HSx (hub id or local file) and re-validate every record."""
    from hsx.data.files import DatasetError
    from hsx.data.released import import_released
    from hsx.verify.pipeline import Verifier

    config = _config(config_path, jobs)
    try:
        with Verifier(config) as verifier:
            summary = import_released(verifier, source, Path(out), split=split, max_read=max_read,
                                      test_fraction=test_fraction, console=err_console)
    except DatasetError as e:
        raise _fail(e) from None
    console.print(counts_table("OpInstruct-HSx import", summary["stages"], summary["rejections"]))
    console.print(f"outputs differing from the released records (hsx's kept): "
                  f"{summary['outputs differing from the released record']}")
    console.print(f"dataset written to {escape(out)}")


@dataset.command("export")
@click.argument("run_dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output directory.")
@click.option("--push", "repo", metavar="REPO", help="Also upload to this hub dataset repo (needs a token).")
@_test_option
def export_command(run_dirs, out, repo, test_fraction) -> None:
    """Every verified pair of self-play runs as a dataset, split by P."""
    from hsx.data.files import DatasetError
    from hsx.data.hub import push_dataset
    from hsx.data.pairs import export_pairs

    try:
        summary = export_pairs([Path(r) for r in run_dirs], Path(out), test_fraction=test_fraction)
    except DatasetError as e:
        raise _fail(e) from None
    labels = {f"{s}: {lab}": n for s, b in summary["labels"].items() for lab, n in sorted(b.items())}
    console.print(counts_table("verified pairs", {**summary["stages"], **labels}, summary["skipped"]))
    console.print(f"dataset written to {escape(out)}")
    if repo:
        try:
            push_dataset(Path(out), repo)
        except DatasetError as e:
            raise _fail(e) from None
        console.print(f"pushed to https://huggingface.co/datasets/{escape(repo)}")


@dataset.command("stats")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--no-plots", is_flag=True, help="Print only.")
def stats_command(directory, no_plots) -> None:
    """Size, type, arity and label distributions of a dataset; PNG plots in DIRECTORY/stats/."""
    from rich.table import Table

    from hsx.data.files import DatasetError
    from hsx.data.stats import dataset_stats

    try:
        stats = dataset_stats(Path(directory), plots=not no_plots)
    except DatasetError as e:
        raise _fail(e) from None
    splits = list(stats["splits"])
    console.print(f"{stats['kind']}: " + ", ".join(f"{s} {n}" for s, n in stats["splits"].items()))
    for name in ("size", "arity", "label", "type"):
        title = "reflectable" if name == "label" and stats["kind"] == "programs" else name
        table = Table(title=title)
        table.add_column(title)
        for s in splits:
            table.add_column(s, justify="right")
        keys: dict = {}
        for s in splits:
            for k in stats[name][s]:
                keys.setdefault(k, None)
        ordered = sorted(keys, key=int) if name in ("size", "arity") else list(keys)[:15]
        for k in ordered:
            table.add_row(escape(str(k)), *(str(stats[name][s].get(k, 0)) for s in splits))
        console.print(table)
    for path in stats.get("plots", []):
        console.print(f"plot: {escape(path)}")


__all__ = ["dataset"]
