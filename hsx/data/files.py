"""The files of an hsx dataset directory, shared by every dataset command.

Consumes the records of each split (dicts in a column schema: `PROGRAM_COLUMNS` here, the pairs'
in `hsx.data.pairs`) and a card; produces the directory: `train.jsonl` and `test.jsonl` (for
eyes), `hf/` (`DatasetDict.save_to_disk`), `parquet/{train,test}.parquet`, `counts.json` and the
card `README.md`, written last (its presence marks a complete dataset).  Also the pieces every card
and every split shares: the code hash that decides a program's split, the card's front matter and
count tables, pushing to the hub and reading a written dataset back.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Sequence

from rich.table import Table

from hsx.pool.programs import Program, normalized_code
from hsx.runs import read_jsonl, write_atomic, write_json, write_jsonl

SPLITS = ("train", "test")


class DatasetError(Exception):
    """A dataset that cannot be read, written or pushed: the message says what to do."""


# ------------------------------------------------------------------------------------------------
# Code identity and the split


def code_hash(code: str) -> str:
    return hashlib.sha256(normalized_code(code).encode()).hexdigest()[:16]


def split_of(key_hash: str, test_fraction: float) -> str:
    """train or test, from the hash alone: the same program lands in the same split in every run
    and every dataset built from it."""
    return "test" if int(key_hash[:8], 16) / 0x1_0000_0000 < test_fraction else "train"


def split_programs(programs: Sequence[Program], test_fraction: float) -> dict[str, list[Program]]:
    out: dict[str, list[Program]] = {s: [] for s in SPLITS}
    for p in programs:
        out[split_of(code_hash(p.code), test_fraction)].append(p)
    return out


# ------------------------------------------------------------------------------------------------
# Writing datasets


PROGRAM_COLUMNS = {"id": "string", "code": "string", "entry": "string", "type": "string", "arity": "int64",
                   "inputs": [["string"]], "outputs": ["string"], "size": "int64", "tags": ["string"],
                   "reflectable": "string", "source": "string", "difficulty": "float64"}


def _features(columns: dict):
    import datasets

    def one(spec):
        if isinstance(spec, list):
            return datasets.Sequence(one(spec[0]))
        return datasets.Value(spec)
    return datasets.Features({name: one(spec) for name, spec in columns.items()})


def write_dataset(out: Path, splits: dict[str, list[dict]], columns: dict, card: str, counts: dict) -> None:
    """JSONL, `save_to_disk` and parquet of every split, then counts.json, then the card (last:
    its presence means the dataset is complete)."""
    import datasets

    datasets.disable_progress_bars()  # the console shows hsx's own progress and counts
    out.mkdir(parents=True, exist_ok=True)
    (out / "README.md").unlink(missing_ok=True)
    features = _features(columns)
    # Column by column, so that an empty split still has every column.
    dd = datasets.DatasetDict({s: datasets.Dataset.from_dict({c: [r[c] for r in rows] for c in columns}, features=features)
                               for s, rows in splits.items()})
    for s, rows in splits.items():
        write_jsonl(out / f"{s}.jsonl", rows)
    if (out / "hf").exists():
        shutil.rmtree(out / "hf")  # a partial copy from an interrupted run
    dd.save_to_disk(str(out / "hf"))
    (out / "parquet").mkdir(exist_ok=True)
    for s, ds in dd.items():
        ds.to_parquet(str(out / "parquet" / f"{s}.parquet"))
    write_json(out / "counts.json", counts)
    write_atomic(out / "README.md", card)


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


def push_dataset(out: Path, repo: str) -> None:
    """Uploads a written dataset (its `hf/` copy) to the hub, with its card."""
    import datasets
    try:
        dd = datasets.load_from_disk(str(out / "hf"))
        dd.push_to_hub(repo)
        from huggingface_hub import HfApi
        HfApi().upload_file(path_or_fileobj=str(out / "README.md"), path_in_repo="README.md", repo_id=repo,
                            repo_type="dataset")
    except Exception as e:  # offline, no token, no permission: all say the same to the user
        raise DatasetError(f"could not push {out} to the hub as {repo}: {type(e).__name__}: {e}. Pushing needs "
                           f"network access (HF_HUB_OFFLINE unset) and a token with write access "
                           f"(`huggingface-cli login`); the dataset on disk is complete without it") from None


def load_dataset_records(directory: Path) -> dict[str, list[dict]]:
    """The records of each split of a dataset directory written by this module."""
    splits = {s: read_jsonl(directory / f"{s}.jsonl") for s in SPLITS if (directory / f"{s}.jsonl").exists()}
    if not splits:
        raise DatasetError(f"{directory}: no train.jsonl or test.jsonl (not a dataset written by hsx dataset)")
    return splits


# ------------------------------------------------------------------------------------------------
# The console, and the stage folder of the resumable commands (build, import)


def counts_table(title: str, counts: dict[str, int], rejections: dict[str, int] | None = None) -> Table:
    table = Table(title=title)
    table.add_column("stage")
    table.add_column("count", justify="right")
    for name, n in counts.items():
        table.add_row(name, str(n))
    for name, n in (rejections or {}).items():
        table.add_row(f"[red]rejected: {name}[/red]", str(n))
    return table




def stage_dir(out: Path) -> Path:
    return out / "stages"
