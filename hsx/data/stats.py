"""Statistics of a written dataset (programs or pairs).

Consumes a dataset directory written by `hsx.data.files.write_dataset`; produces size, type, arity
and label distributions per split, printed by `hsx dataset stats` and, optionally, PNG bar charts
and `stats.json` under DIRECTORY/stats/.
"""

from __future__ import annotations

import collections
from pathlib import Path

from hsx.data.files import load_dataset_records
from hsx.runs import write_json


def dataset_stats(directory: Path, *, plots: bool = True) -> dict:
    """Size, type, arity and label distributions (per split) of a program or pair dataset; with
    `plots`, PNG bar charts under DIRECTORY/stats/.  Programs have no label: their `reflectable`
    guess stands in."""
    splits = load_dataset_records(directory)
    pairs = any("label" in r for rows in splits.values() for r in rows)
    prefix = "p_" if pairs else ""
    stats: dict = {"kind": "pairs" if pairs else "programs", "splits": {s: len(r) for s, r in splits.items()}}
    for name, key in (("size", "size"), ("type", "type"), ("arity", "arity")):
        stats[name] = {s: dict(collections.Counter(r[prefix + key] for r in rows).most_common())
                       for s, rows in splits.items()}
    label = "label" if pairs else "reflectable"
    stats["label"] = {s: dict(collections.Counter(r[label] for r in rows).most_common()) for s, rows in splits.items()}
    if plots:
        stats["plots"] = _plot(stats, directory / "stats", label)
        write_json(directory / "stats" / "stats.json", stats)
    return stats


def _plot(stats: dict, out: Path, label_name: str) -> list[str]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, title in (("size", "size (non-blank lines)"), ("arity", "arity"), ("type", "entry type (top 15)"),
                        ("label", label_name)):
        per_split = stats[name]
        keys = collections.Counter()
        for counter in per_split.values():
            keys.update(counter)
        if name in ("size", "arity"):
            order = sorted(keys, key=lambda k: int(k))
        else:
            order = [k for k, _ in keys.most_common(15)]
        fig, ax = plt.subplots(figsize=(8, 4.5) if name != "type" else (9, 6))
        width = 0.8 / max(1, len(per_split))
        for i, (s, counter) in enumerate(per_split.items()):
            positions = [j + i * width for j in range(len(order))]
            values = [counter.get(k, 0) for k in order]
            if name == "type":
                ax.barh(positions, values, height=width, label=s)
            else:
                ax.bar(positions, values, width=width, label=s)
        ticks = [j + width * (len(per_split) - 1) / 2 for j in range(len(order))]
        if name == "type":
            ax.set_yticks(ticks, [str(k) for k in order], fontsize=7)
            ax.invert_yaxis()
            ax.set_xlabel("count")
        else:
            ax.set_xticks(ticks, [str(k) for k in order], rotation=0 if len(order) < 20 else 90)
            ax.set_ylabel("count")
        ax.set_title(title)
        ax.legend()
        fig.tight_layout()
        path = out / f"{name}.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(str(path))
    return written
