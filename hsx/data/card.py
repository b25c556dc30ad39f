"""The pieces every dataset card shares: the hub's front matter, count tables and the file layout.

Consumes a license, tags and counts; produces markdown that hsx/data/build.py, released.py and
pairs.py put together into the `README.md` of a dataset directory (written by
`hsx.data.files.write_dataset`).
"""

from __future__ import annotations

from typing import Sequence

from hsx.data.splits import SPLITS


def markdown_counts(counts: dict, header: tuple[str, str] = ("stage", "count")) -> str:
    lines = [f"| {header[0]} | {header[1]} |", "| --- | ---: |"]
    lines += [f"| {k} | {v} |" for k, v in counts.items()]
    return "\n".join(lines)


def front_matter(license_id: str, tags: Sequence[str]) -> str:
    configs = "\n".join(f"  - split: {s}\n    path: parquet/{s}.parquet" for s in SPLITS)
    tag_lines = "\n".join(f"- {t}" for t in tags)
    return (f"---\nlicense: {license_id}\nlanguage:\n- en\ntags:\n{tag_lines}\nconfigs:\n- config_name: default\n"
            f"  data_files:\n{configs}\n---\n")


LAYOUT = """\
## Files

- `train.jsonl`, `test.jsonl`: one record per line, for reading
- `hf/`: `datasets.load_from_disk("hf")`
- `parquet/train.parquet`, `parquet/test.parquet`
- `counts.json`: the counts below, machine-readable
"""

__all__ = ["LAYOUT", "front_matter", "markdown_counts"]
