"""`hsx verify --batch`: many pairs from a JSONL file, results appended to a JSONL file.

Consumes lines `{"id": ..., "a": "path.hs" | "a_source": "...", "b": ... | "b_source": ...,
"inputs": [...]?, "entry_a": ...?, "entry_b": ...?}` (paths relative to the pairs file);
produces one result object per line (the `--json` schema plus `id`).  Resumable: pairs whose id
is already in the output are skipped, and a line cut off by an interruption is dropped before
appending, so a resumed run neither loses nor duplicates results.
"""

from __future__ import annotations

import collections
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hsx.config import HsxConfig
from hsx.runs import JsonlError, JsonlLog, iter_jsonl
from hsx.verify import PairRequest, Verifier


class BatchError(ValueError):
    pass


def read_pairs(path: Path) -> list[PairRequest]:
    pairs: list[PairRequest] = []
    seen: set[str] = set()
    try:
        records = list(iter_jsonl(path))
    except JsonlError as e:
        raise BatchError(str(e)) from None
    for n, d in records:
        sources = {}
        for side in ("a", "b"):
            if f"{side}_source" in d:
                sources[side] = (d[f"{side}_source"], d.get(side, f"{side.upper()}.hs"))
            elif side in d:
                file = (path.parent / d[side])
                try:
                    sources[side] = (file.read_text(), str(d[side]))
                except OSError as e:
                    raise BatchError(f"{path}:{n}: cannot read {file}: {e}") from None
            else:
                raise BatchError(f"{path}:{n}: needs '{side}' (a path) or '{side}_source'")
        inputs = d.get("inputs")
        req = PairRequest(
            a_source=sources["a"][0], b_source=sources["b"][0],
            a_path=sources["a"][1], b_path=sources["b"][1],
            inputs=tuple(inputs) if inputs is not None else None,
            entry_a=d.get("entry_a") or d.get("entry"), entry_b=d.get("entry_b") or d.get("entry"),
            id=str(d["id"]) if "id" in d else None)
        req_id = req.id or req.content_id()
        if req_id in seen:
            raise BatchError(f"{path}:{n}: duplicate pair id {req_id}")
        seen.add(req_id)
        pairs.append(req if req.id else PairRequest(**{**req.__dict__, "id": req_id}))
    return pairs


def run_batch(pairs_file: Path, out: Path, config: HsxConfig, console: Console | None = None) -> dict[str, int]:
    pairs = read_pairs(pairs_file)
    log = JsonlLog(out)  # drops a line cut off by a kill; knows which ids are done
    todo = [p for p in pairs if p.id not in log]
    counts: collections.Counter[str] = collections.Counter()
    counts["skipped (already done)"] = len(pairs) - len(todo)
    with Verifier(config) as verifier, _progress(console) as progress:
        task = progress.add_task("verifying", total=len(todo))
        for result in verifier.verify_many(todo, jobs=config.worker_count()):
            log.append(result.to_json())
            counts[result.verdict.value] += 1
            progress.advance(task)
    return dict(counts)


def _progress(console: Console | None) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=False)
