"""The files of an hsx dataset directory, shared by every dataset command.

Consumes the records of each split (dicts in a column schema: `PROGRAM_COLUMNS` here, the pairs'
in `hsx.data.pairs`) and a card; produces the directory: `train.jsonl` and `test.jsonl` (for
eyes), `hf/` (`DatasetDict.save_to_disk`), `parquet/{train,test}.parquet`, `counts.json` and the
card `README.md`, written last (its presence marks a complete dataset).  Also reading a written
dataset back, and the stage folder of the resumable commands.  Which split a record goes to:
hsx/data/splits.py; the card's pieces: hsx/data/card.py; the hub: hsx/data/hub.py; the console
table of the commands' counts: hsx/cli/stage_counts.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from hsx.data.splits import SPLITS
from hsx.runs import read_jsonl, write_atomic, write_json, write_jsonl


class DatasetError(Exception):
    """A dataset that cannot be read, written or pushed: the message says what to do."""


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


def load_dataset_records(directory: Path) -> dict[str, list[dict]]:
    """The records of each split of a dataset directory written by this module."""
    splits = {s: read_jsonl(directory / f"{s}.jsonl") for s in SPLITS if (directory / f"{s}.jsonl").exists()}
    if not splits:
        raise DatasetError(f"{directory}: no train.jsonl or test.jsonl (not a dataset written by hsx dataset)")
    return splits


# ------------------------------------------------------------------------------------------------
# The stage folder of the resumable commands (build, import)


def stage_dir(out: Path) -> Path:
    return out / "stages"


__all__ = ["PROGRAM_COLUMNS", "DatasetError", "load_dataset_records", "stage_dir", "write_dataset"]
