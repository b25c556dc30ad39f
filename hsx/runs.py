"""Run directories: atomic files, resumable JSONL logs, and the progress bar of a run's stages.

Consumes records (dicts) from every stage; produces files under `runs/<name>/` that a researcher
can read, resume, plot and train from.  The typed records themselves live in hsx.records.  Two
rules make a killed run resumable without losing or duplicating work:

* whole files (a stage's output, metrics, state) are written to a temporary name and renamed,
  so a file either exists complete or not at all, and "the output exists" means "the stage is
  done";
* append-only logs (`JsonlLog`) write one whole line per record and are keyed by id; on
  reopening, a line cut off by a kill is dropped and records already present are skipped.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Iterable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn



def write_atomic(path: Path, text: str) -> None:
    """Writes `text` to a temporary file beside `path` and renames it over `path`: a reader (or
    a concurrent worker) sees the old file or the whole new one, never half of one, and a kill
    leaves no partial file under the real name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # a data file, readable like any other (mkstemp makes it 0600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, obj) -> None:
    write_atomic(path, json.dumps(obj, indent=2, sort_keys=True) + "\n")


def read_json(path: Path):
    return json.loads(path.read_text())


def write_jsonl(path: Path, records: Iterable[dict]) -> None:
    write_atomic(path, "".join(json.dumps(r, sort_keys=True) + "\n" for r in records))


class JsonlError(ValueError):
    """A line of a JSONL input file is not a JSON object; the message names file and line."""


def iter_jsonl(path: Path):
    """(line number, record) for every non-blank line of a user-supplied JSONL file."""
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise JsonlError(f"{path}:{number}: not valid JSON: {e}") from None
        if not isinstance(record, dict):
            raise JsonlError(f"{path}:{number}: a record must be a JSON object")
        yield number, record


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class JsonlLog:
    """An append-only JSONL file of records with unique `id`s, safe to reopen after a kill."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes() if path.exists() else b""
        end = data.rfind(b"\n") + 1
        if end != len(data):  # a partial last line from an interrupted write
            with open(path, "r+b") as f:
                f.truncate(end)
        self.records: dict[str, dict] = {}
        for line in data[:end].decode().splitlines():
            if line.strip():
                r = json.loads(line)
                self.records[r["id"]] = r

    def __contains__(self, record_id: str) -> bool:
        return record_id in self.records

    def append(self, record: dict) -> None:
        if record["id"] in self.records:
            return
        with open(self.path, "a") as f:
            f.write(json.dumps(record, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.records[record["id"]] = record

    def values(self) -> list[dict]:
        return list(self.records.values())


def progress_bar(console: Console) -> Progress:
    """The progress bar of every long stage (transient: the console keeps only summaries)."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)
