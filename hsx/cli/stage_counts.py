"""The console table of a dataset command's counts: records reaching each stage, then the
rejections by reason (in red).

Consumes the `stages` and `rejections` counts of a dataset summary (hsx.data.build,
hsx.data.released, hsx.data.pairs); produces a rich `Table` for `hsx dataset build|import|export`
(hsx/cli/dataset.py) and scripts/bench/bench_dataset.py to print.
"""

from __future__ import annotations

from rich.table import Table


def counts_table(title: str, counts: dict[str, int], rejections: dict[str, int] | None = None) -> Table:
    table = Table(title=title)
    table.add_column("stage")
    table.add_column("count", justify="right")
    for name, n in counts.items():
        table.add_row(name, str(n))
    for name, n in (rejections or {}).items():
        table.add_row(f"[red]rejected: {name}[/red]", str(n))
    return table


__all__ = ["counts_table"]
