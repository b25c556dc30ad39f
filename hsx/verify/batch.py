"""`hsx verify --batch`: many pairs from a JSONL file, results appended to a JSONL file.

Consumes lines `{"id": ..., "a": "path.hs" | "a_source": "...", "b": ... | "b_source": ...,
"inputs": [...]?, "entry_a": ...?, "entry_b": ...?}` (paths relative to the pairs file);
produces one result object per line (the `--json` schema plus `id`).  Resumable: pairs whose id
is already in the output are skipped, and a line cut off by an interruption is dropped before
appending, so a resumed run neither loses nor duplicates results.

A bad pair (a line that is not a JSON object, a source file that is missing, empty, not UTF-8 or
over the size cap) gets its own `error` line and every other pair still runs; only a problem
with the whole file (unreadable, duplicate ids) stops the batch before it starts.
"""

from __future__ import annotations

import collections
import json
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hsx.config import HsxConfig
from hsx.runs import JsonlLog
from hsx.verdict import ErrorKind, Result, error
from hsx.verify.checks import MAX_SOURCE_BYTES
from hsx.verify.pipeline import PairRequest, Verifier


class BatchError(ValueError):
    pass


class SourceFileError(ValueError):
    """A source file hsx cannot read as Haskell text; the message names the file."""


def read_source_file(path: Path, label: str | None = None) -> str:
    """A source file's text: UTF-8, non-empty, at most MAX_SOURCE_BYTES bytes."""
    label = label or str(path)
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise SourceFileError(f"{label}: {path.stat().st_size} bytes; hsx reads sources of at most "
                                  f"{MAX_SOURCE_BYTES} bytes (1 MiB)")
        data = path.read_bytes()
    except OSError as e:
        raise SourceFileError(f"cannot read {label}: {e.strerror or e}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise SourceFileError(f"{label}: not UTF-8 text: byte 0x{data[e.start]:02x} at byte offset {e.start} "
                              f"(line {line}); save the file as UTF-8") from None
    if not text.strip():
        raise SourceFileError(f"{label}: the file is empty")
    return text


@dataclass(frozen=True)
class BadPair:
    """A line of the pairs file that cannot become a request: it gets an error result."""
    id: str
    kind: ErrorKind
    reason: str

    def result(self) -> Result:
        r = error(self.kind, self.reason)
        return Result(**{**r.__dict__, "id": self.id})


def read_pairs(path: Path) -> list[PairRequest | BadPair]:
    pairs: list[PairRequest | BadPair] = []
    seen: set[str] = set()
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise BatchError(f"cannot read {path}: {e.strerror or e}") from None
    for n, line_bytes in enumerate(raw.split(b"\n"), 1):
        if not line_bytes.strip():
            continue
        item = _read_line(path, n, line_bytes)
        item_id = item.id if isinstance(item, BadPair) else (item.id or item.content_id())
        if item_id in seen:
            raise BatchError(f"{path}:{n}: duplicate pair id {item_id}")
        seen.add(item_id)
        if isinstance(item, PairRequest) and not item.id:
            item = PairRequest(**{**item.__dict__, "id": item_id})
        pairs.append(item)
    return pairs


def _read_line(path: Path, n: int, line_bytes: bytes) -> PairRequest | BadPair:
    where = f"{path}:{n}"
    try:
        d = json.loads(line_bytes.decode("utf-8"))
    except UnicodeDecodeError as e:
        return BadPair(f"line-{n}", ErrorKind.BAD_INPUT, f"{where}: not UTF-8: byte 0x{line_bytes[e.start]:02x} "
                       f"at byte offset {e.start} of the line")
    except json.JSONDecodeError as e:
        return BadPair(f"line-{n}", ErrorKind.BAD_INPUT, f"{where}: not valid JSON: {e}")
    if not isinstance(d, dict):
        return BadPair(f"line-{n}", ErrorKind.BAD_INPUT, f"{where}: a pair must be a JSON object")
    pid = str(d["id"]) if "id" in d else f"line-{n}"
    sources = {}
    for side in ("a", "b"):
        if isinstance(d.get(f"{side}_source"), str):
            sources[side] = (d[f"{side}_source"], str(d.get(side, f"{side.upper()}.hs")))
        elif isinstance(d.get(side), str):
            try:
                sources[side] = (read_source_file(path.parent / d[side], d[side]), d[side])
            except SourceFileError as e:
                return BadPair(pid, ErrorKind.SOURCE, f"{where}: {e}")
        else:
            return BadPair(pid, ErrorKind.BAD_INPUT, f"{where}: needs '{side}' (a path) or '{side}_source' (a string)")
    inputs = d.get("inputs")
    if inputs is not None and not (isinstance(inputs, list) and all(isinstance(x, str) for x in inputs)):
        return BadPair(pid, ErrorKind.BAD_INPUT, f"{where}: 'inputs' must be a list of Haskell expressions (strings)")
    return PairRequest(
        a_source=sources["a"][0], b_source=sources["b"][0],
        a_path=sources["a"][1], b_path=sources["b"][1],
        inputs=tuple(inputs) if inputs is not None else None,
        entry_a=d.get("entry_a") or d.get("entry"), entry_b=d.get("entry_b") or d.get("entry"),
        id=str(d["id"]) if "id" in d else None)


def run_batch(pairs_file: Path, out: Path, config: HsxConfig, console: Console | None = None) -> dict[str, int]:
    pairs = read_pairs(pairs_file)
    log = JsonlLog(out)  # drops a line cut off by a kill; knows which ids are done
    todo = [p for p in pairs if p.id not in log]
    counts: collections.Counter[str] = collections.Counter()
    counts["skipped (already done)"] = len(pairs) - len(todo)
    bad = [p for p in todo if isinstance(p, BadPair)]
    good = [p for p in todo if isinstance(p, PairRequest)]
    for p in bad:  # each appended (and synced) at once, like every result
        log.append(p.result().to_json())
        counts["error"] += 1
    with Verifier(config) as verifier, _progress(console) as progress:
        task = progress.add_task("verifying", total=len(todo), completed=len(bad))
        for result in verifier.verify_many(good, jobs=config.worker_count()):
            log.append(result.to_json())
            counts[result.verdict.value] += 1
            progress.advance(task)
    return dict(counts)


def _progress(console: Console | None) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=False)
