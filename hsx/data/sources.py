"""The Python instruction items that OpInstruct-HSx is built from.

Consumes OpenCodeInstruct-schema records from a local .jsonl/.json/.parquet file, a directory of
them, or the Hugging Face hub (streamed); produces `PythonItem`s, filtered to the paper's generic
self-instruct items, best-tested and shortest first, without repeated instructions or solutions.
"""

from __future__ import annotations

import collections
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from hsx.data.files import DatasetError
from hsx.runs import JsonlError, iter_jsonl

OPENCODEINSTRUCT = "nvidia/OpenCodeInstruct"
OPINSTRUCT_HSX = "Trevor0501/OpInstruct-HSx"
SOURCE_LICENSE = ("Derived from nvidia/OpenCodeInstruct, released under CC BY 4.0 "
                  "(https://creativecommons.org/licenses/by/4.0/): keep this attribution when "
                  "redistributing.")

# The paper's filter: OpenCodeInstruct items of the generic domain made by self-instruct.
GENERIC_DOMAIN = "generic"

SELF_INSTRUCT = "self-instruct"


@dataclass(frozen=True)
class PythonItem:
    """One Python instruction item (OpenCodeInstruct's fields, renamed)."""
    id: str
    instruction: str  # OpenCodeInstruct: input
    solution: str  # OpenCodeInstruct: output (a Python solution, often inside a ```python block)
    domain: str = ""
    generation_algorithm: str = ""
    score: float = 0.0  # average_test_score in [0, 1]

    @staticmethod
    def from_record(d: dict) -> "PythonItem | None":
        """None when the record lacks an id, an instruction or a solution."""
        ident, instruction, solution = d.get("id"), d.get("input"), d.get("output")
        if not all(isinstance(x, str) and x.strip() for x in (instruction, solution)) or ident in (None, ""):
            return None
        try:
            score = float(d.get("average_test_score") or 0.0)  # a string in the released data
        except (TypeError, ValueError):
            score = 0.0
        return PythonItem(str(ident), instruction, solution, str(d.get("domain") or ""),
                          str(d.get("generation_algorithm") or ""), score)


def read_records(source: str, *, split: str = "train", max_read: int = 0) -> Iterator[dict]:
    """Records of a local .jsonl/.json/.parquet file, a directory of them, or a hub dataset
    (streamed, so `max_read` bounds the download)."""
    path = Path(source)
    if path.exists():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".jsonl", ".json", ".parquet")) \
            if path.is_dir() else [path]
        if not files:
            raise DatasetError(f"{path}: no .jsonl, .json or .parquet files")
        records = (r for f in files for r in _read_file(f))
    else:
        records = _read_hub(source, split)
    for i, r in enumerate(records):
        if max_read and i >= max_read:
            return
        yield r


def _read_file(path: Path) -> Iterator[dict]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq
        try:
            yield from pq.read_table(path).to_pylist()
        except Exception as e:  # pyarrow's errors are many classes
            raise DatasetError(f"{path}: cannot read parquet: {e}") from None
        return
    try:
        for _, record in iter_jsonl(path):
            yield record
    except JsonlError as e:
        raise DatasetError(str(e)) from None


def _read_hub(name: str, split: str) -> Iterator[dict]:
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", name):
        raise DatasetError(f"{name}: no such file, and not a hub dataset id (owner/name)")
    import datasets
    try:
        yield from datasets.load_dataset(name, split=split, streaming=True)
    except Exception as e:  # network, auth and missing-dataset errors differ by version
        raise DatasetError(f"cannot load {name} (split {split}) from the Hugging Face hub: {e}. "
                           f"Check the network (HF_HUB_OFFLINE must be unset), or download it and "
                           f"pass a local .jsonl/.parquet file instead") from None


def select_items(records: Iterable[dict]) -> tuple[list[PythonItem], dict[str, int]]:
    """The source stage: generic self-instruct items, best-tested and shortest first, with
    repeated instructions or solutions dropped (the first in that order is kept)."""
    counts = collections.Counter()
    items = []
    for r in records:
        counts["read"] += 1
        item = PythonItem.from_record(r)
        if item is None:
            continue
        if item.domain != GENERIC_DOMAIN or item.generation_algorithm != SELF_INSTRUCT:
            continue
        counts["generic self-instruct"] += 1
        items.append(item)
    items.sort(key=lambda it: (-it.score, len(it.solution), it.id))
    seen: set[str] = set()
    unique = []
    for it in items:
        keys = {"i:" + " ".join(it.instruction.lower().split()), "s:" + " ".join(it.solution.split())}
        if keys & seen:
            continue
        seen |= keys
        unique.append(it)
    counts["unique items"] = len(unique)
    return unique, {k: counts[k] for k in ("read", "generic self-instruct", "unique items")}
