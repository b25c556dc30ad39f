"""`hsx dataset import`: the released OpInstruct-HSx, re-validated into the pool schema.

Consumes released records (fields code, input, status, output, size) from a file or the hub;
produces programs in the pool schema (`hsx.pool.programs.Program`) whose inputs and outputs are
hsx's own: every record's input is run again in the sandbox, and counts only when it gives a value.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
from pathlib import Path

from rich.console import Console

from hsx.data.card import LAYOUT, front_matter, markdown_counts
from hsx.data.files import PROGRAM_COLUMNS, stage_dir, write_dataset
from hsx.data.sources import OPINSTRUCT_HSX, SOURCE_LICENSE, read_records
from hsx.data.splits import SPLITS, code_hash, split_programs
from hsx.data.validate import OUTCOME_REASON, rejection_reason
from hsx.haskell import sandbox
from hsx.haskell.source import parse_source
from hsx.haskell.tokens import SourceError, top_level_parts
from hsx.pool.programs import Program
from hsx.pool.validate import program_from_evaluation
from hsx.runs import JsonlLog, progress_bar
from hsx.verdict import ErrorKind, Result
from hsx.verify.pipeline import Verifier


def import_released(verifier: Verifier, source: str, out: Path, *, split: str = "train", max_read: int = 0,
                    test_fraction: float = 0.1, console: Console | None = None) -> dict:
    """The released OpInstruct-HSx records re-validated into the pool schema: records with the
    same code (up to comments and layout) become one program with one input row each; every row
    is run again, and a row counts only when hsx gets a value.  Resumable (a log keyed by code
    hash under OUT/stages/)."""
    console = console or Console(stderr=True)
    groups: dict[str, list[dict]] = {}
    statuses: collections.Counter[str] = collections.Counter()
    read = 0
    for r in read_records(source, split=split, max_read=max_read):
        read += 1
        statuses[str(r.get("status"))] += 1
        code = r.get("code")
        if not isinstance(code, str) or not code.strip():
            groups.setdefault("", []).append(r)
            continue
        groups.setdefault(code_hash(code), []).append(r)
    log = JsonlLog(stage_dir(out) / "import.log.jsonl")
    todo = [(h, rs) for h, rs in groups.items() if h not in log]

    def one(h: str, records: list[dict]) -> dict:
        return _import_group(verifier, h, records)

    if todo:
        with progress_bar(console) as progress, \
                concurrent.futures.ThreadPoolExecutor(max_workers=verifier.config.worker_count()) as pool:
            task = progress.add_task("re-validate", total=len(todo))
            for f in concurrent.futures.as_completed([pool.submit(one, h, rs) for h, rs in todo]):
                log.append(f.result())
                progress.advance(task)
    rejections: collections.Counter[str] = collections.Counter()
    programs, rows_kept, mismatches = [], 0, 0
    for h in groups:
        rec = log.records[h]
        rejections.update(rec["rejections"])
        mismatches += rec["mismatches"]
        if rec["program"] is not None:
            p = Program.from_json(rec["program"])
            programs.append(p)
            rows_kept += len(p.inputs)
    splits = split_programs(programs, test_fraction)
    summary = {"stages": {"records read": read, "distinct programs": len([h for h in groups if h]),
                          "records re-validated": rows_kept, "programs kept": len(programs),
                          **{s: len(splits[s]) for s in SPLITS}},
               "rejections": dict(sorted(rejections.items(), key=lambda kv: -kv[1])),
               "released status": dict(statuses), "outputs differing from the released record": mismatches,
               "source": source}
    card = f"""{front_matter("cc-by-4.0", ["code", "haskell"])}
# OpInstruct-HSx (imported and re-validated by hsx)

`{source}` in the hsx pool schema (`hsx.pool.programs.Program`).  Every record was run again by hsx
in its sandbox: hsx found the entry, ran it on the record's input and kept the input only when it
gave a value; a program's outputs are hsx's.  Records with the same code (up to comments and
layout) are one program.  Split by normalized code hash (test fraction {test_fraction}).

## Counts

{markdown_counts(summary["stages"])}

Outputs that differ from the released `output` field (hsx's kept): {mismatches}

Released `status` values: {", ".join(f"{k}: {v}" for k, v in statuses.items()) or "none"}

## Rejected records

{markdown_counts(summary["rejections"], ("reason", "records")) if rejections else "none"}

## License

{SOURCE_LICENSE}

{LAYOUT}"""
    write_dataset(out, {s: [p.to_json() for p in ps] for s, ps in splits.items()}, PROGRAM_COLUMNS, card, summary)
    return summary


def _import_group(verifier: Verifier, h: str, records: list[dict]) -> dict:
    result = {"id": h, "program": None, "rejections": {}, "mismatches": 0}
    rejections: collections.Counter[str] = collections.Counter()
    if not h:
        rejections["no code"] += len(records)
        result["rejections"] = dict(rejections)
        return result
    code = records[0]["code"]
    path = f"oihsx-{h}.hs"
    try:
        if sandbox.check_source(parse_source(code, path)):
            rejections["unsafe"] += len(records)
    except SourceError:
        rejections["unreadable"] += len(records)
    if rejections:
        result["rejections"] = dict(rejections)
        return result
    bare = verifier.evaluate(code, [], path=path)  # entry detection and arity
    if isinstance(bare, Result):
        rejections[rejection_reason(bare)] += len(records)
        result["rejections"] = dict(rejections)
        return result
    rows, recorded = [], []
    for r in records:
        row = split_arguments(r.get("input", ""), bare.arity, bare.entry.name)
        if row is None:
            rejections["bad-input"] += 1
        elif row not in rows:
            rows.append(row)
            recorded.append(r.get("output"))
    ev = verifier.evaluate(code, rows, path=path) if rows else bare
    if isinstance(ev, Result):
        rejections[rejection_reason(ev) if ev.error_kind != ErrorKind.BAD_INPUT else "bad-input"] += len(rows)
        result["rejections"] = dict(rejections)
        return result
    kept = []
    for row, out, rec in zip(rows, ev.outputs, recorded):
        if out.kind != "value":
            rejections[OUTCOME_REASON.get(out.kind, "run-error")] += 1
            continue
        if rec is not None and " ".join(str(rec).split()) != " ".join(str(out.value).split()):
            result["mismatches"] += 1
        kept.append(row)
    if kept:
        good = dataclasses.replace(ev, outputs=tuple(o for o in ev.outputs if o.kind == "value"))
        result["program"] = program_from_evaluation(id=f"oihsx-{h}", code=code, rows=kept, evaluation=good,
                                                    tags=("opinstruct-hsx",), source=OPINSTRUCT_HSX).to_json()
    result["rejections"] = dict(rejections)
    return result


def split_arguments(text, arity: int, entry: str) -> tuple[str, ...] | None:
    """One Haskell expression per argument from a released `input` field: a JSON list, one
    expression per line, comma-separated (Python style) or an application's arguments (an
    optional leading entry name is dropped).  None when no reading gives `arity` arguments."""
    if isinstance(text, list):
        return tuple(str(x).strip() for x in text) if len(text) == arity else None
    text = str(text).strip()
    if not text:
        return None
    try:
        words = top_level_parts(text, " ")
        if words and words[0] == entry:
            text = text[len(entry):].strip()
            words = words[1:]
        if arity == 1:
            return (text,)
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        for parts in (lines, top_level_parts(text, ","), words):
            if len(parts) == arity:
                return tuple(parts)
    except SourceError:  # an unterminated string or comment: no reading
        pass
    return None
