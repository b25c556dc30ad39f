"""The program pool's record and its files: the P's that self-play starts from.

Consumes JSONL files of program records (`data/programs/*.jsonl`, one `Program` per line);
produces `Program`s, and writes records back atomically.  Nothing here runs a program: the
derived fields are computed by `hsx.pool.validate` (running it) and `hsx.pool.reflect`.  A record:

    {"id": "sum-list", "code": "total :: [Int] -> Int\\n...", "entry": "total",
     "type": "[Int] -> Int", "arity": 1, "inputs": [["[1,2,3]"], ["[]"]], "outputs": ["6", "0"],
     "size": 3, "tags": ["list", "recursion"], "reflectable": "true", "source": "hsx-team",
     "difficulty": null}

`inputs` are Haskell expressions (one per argument, negative numbers in parentheses), `outputs`
the values hsx printed for them (`Outcome.describe` writes a failed run as `exception KIND:
MESSAGE`, but validation requires a value on every sample input, so a valid pool holds values
only); `type` is GHC's type of the entry as `hsx verify` prints it; `size` counts non-blank
lines.  `source` is the provenance: "hsx-team" for hand-written programs,
"promoted:<run>/<iteration>/<pair-id>" for a verified hard Q that joined the pool
(hsx/selfplay/curriculum.py).  `difficulty` is the difficulty of the pair a program was promoted from
(null for hand-written ones); the curriculum uses it as its first estimate.

`reflectable` is a syntactic guess at whether Liquid Haskell can reflect the program's functions
(`hsx.pool.reflect`).

The JSONL files are the pool's only copy.  `type`, `arity`, `outputs`, `size` and `reflectable`
are derived fields: computed by code from `code`, `entry` and `inputs`, never written by hand.
`entry` is the one hsx finds unless given (`--entry`).  `id`, `code`, `inputs`, `tags`, `source`
and `difficulty` are what a person (or promotion) chose.

    hsx programs add FILE.hs --tags list,recursion [--pool-file F] [--id ID] [--entry NAME]
        synthesizes sample inputs with the helper, runs the program on them in the sandbox,
        computes the derived fields, refuses a program already in the pool (same id, or the same
        code up to comments and layout), and appends the record atomically (`validate.add_program`);
    hsx programs validate [--pool data/programs] [--fix]
        recomputes every record's derived fields and reports each mismatch (`validate.check_pool`);
        `--fix` rewrites the mismatched fields in place, atomically (`rewrite_pool_file`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from hsx.haskell.tokens import SourceError, tokenize
from hsx.runs import write_atomic

REFLECTABLE_VALUES = ("true", "false", "unknown")
TEAM_SOURCE = "hsx-team"
PROMOTED_PREFIX = "promoted:"


class PoolError(ValueError):
    """A pool file that cannot be read: says which file and line, and what is wrong."""


class ProgramRejected(ValueError):
    """A program `add_program` will not add; the message says why.  The pool file is unchanged."""


@dataclass(frozen=True)
class Program:
    id: str
    code: str
    entry: str
    type: str  # GHC's type of the entry, as `hsx verify` prints it
    arity: int
    inputs: tuple[tuple[str, ...], ...]  # Haskell expressions, one per argument
    outputs: tuple[str, ...]  # rendered values (or "exception KIND: ..."), one per input row
    size: int  # non-blank lines of code
    tags: tuple[str, ...] = ()
    reflectable: str = "unknown"  # true | false | unknown: see the module docstring
    source: str = TEAM_SOURCE
    difficulty: float | None = None  # of the pair it was promoted from; None for hand-written

    def to_json(self) -> dict:
        d = dataclasses.asdict(self)
        d["inputs"] = [list(row) for row in self.inputs]
        d["outputs"] = list(self.outputs)
        d["tags"] = list(self.tags)
        return d

    @staticmethod
    def from_json(d: dict) -> "Program":
        """Raises ValueError naming the field that is missing or malformed."""
        if not isinstance(d, dict):
            raise ValueError(f"a record must be a JSON object, got {type(d).__name__}")
        fields = {f.name: f for f in dataclasses.fields(Program)}
        unknown = sorted(set(d) - set(fields))
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(unknown)}")
        required = [n for n, f in fields.items() if f.default is dataclasses.MISSING]
        missing = [n for n in required if n not in d]
        if missing:
            raise ValueError(f"missing field(s): {', '.join(missing)}")

        def strings(value, name: str) -> tuple[str, ...]:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{name} must be a list of strings")
            return tuple(value)

        for name in ("id", "code", "entry", "type", "source", "reflectable"):
            if name in d and not isinstance(d[name], str):
                raise ValueError(f"{name} must be a string")
        for name in ("arity", "size"):
            if not isinstance(d[name], int) or isinstance(d[name], bool):
                raise ValueError(f"{name} must be an integer")
        if not d["id"]:
            raise ValueError("id must not be empty")
        if not isinstance(d["inputs"], list):
            raise ValueError("inputs must be a list of rows")
        inputs = tuple(strings(row, "each row of inputs") for row in d["inputs"])
        reflectable = d.get("reflectable", "unknown")
        if reflectable not in REFLECTABLE_VALUES:
            raise ValueError(f"reflectable must be one of {', '.join(REFLECTABLE_VALUES)}, got {reflectable!r}")
        difficulty = d.get("difficulty")
        if difficulty is not None and (not isinstance(difficulty, (int, float)) or isinstance(difficulty, bool)):
            raise ValueError("difficulty must be a number or null")
        return Program(id=d["id"], code=d["code"], entry=d["entry"], type=d["type"], arity=d["arity"],
                       inputs=inputs, outputs=strings(d["outputs"], "outputs"), size=d["size"],
                       tags=strings(d.get("tags", []), "tags"), reflectable=reflectable,
                       source=d.get("source", TEAM_SOURCE),
                       difficulty=None if difficulty is None else float(difficulty))


# ------------------------------------------------------------------------------------------------
# Files


def pool_files(path: str | Path) -> list[Path]:
    """The JSONL files of a pool: `path` itself, or every `*.jsonl` under a directory (sorted)."""
    root = Path(path)
    if root.is_dir():
        files = sorted(root.rglob("*.jsonl"))
        if not files:
            raise PoolError(f"{root}: no *.jsonl program files")
        return files
    if root.is_file():
        return [root]
    raise PoolError(f"{root}: no such pool file or directory")


def load_pool(path: str | Path) -> list[Program]:
    """Every program in `path`: one JSONL file, or all `*.jsonl` files under a directory (in
    sorted path order).  Ids must be unique across files; any problem raises `PoolError` with
    the file and line."""
    return [p for _, p in _located(pool_files(path))]


def _located(files: Sequence[Path]) -> list[tuple[str, Program]]:
    """(file:line, program) for every record of `files`; raises `PoolError` as `load_pool`."""
    out: list[tuple[str, Program]] = []
    seen: dict[str, str] = {}
    for file in files:
        for number, line in enumerate(file.read_text().splitlines(), 1):
            if not line.strip():
                continue
            where = f"{file}:{number}"
            try:
                program = Program.from_json(json.loads(line))
            except json.JSONDecodeError as e:
                raise PoolError(f"{where}: not valid JSON: {e}") from None
            except ValueError as e:
                raise PoolError(f"{where}: bad program record: {e}") from None
            if program.id in seen:
                raise PoolError(f"{where}: duplicate program id {program.id!r} "
                                f"(first defined at {seen[program.id]})")
            seen[program.id] = where
            out.append((where, program))
    return out


def _record_line(program: Program) -> str:
    return json.dumps(program.to_json(), ensure_ascii=False) + "\n"


@contextlib.contextmanager
def _pool_lock(directory: Path) -> Iterator[None]:
    """Serializes writers of one pool directory (two `hsx programs add` at once would otherwise
    each rewrite the file without the other's record).  A lock on the directory itself leaves no
    lock file in the pool."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def rewrite_pool_file(path: str | Path, replacements: dict[str, Program]) -> int:
    """Replaces the records of `path` whose id is a key of `replacements` (the ids must not
    change), atomically, leaving every other line byte for byte; returns how many it replaced."""
    target = Path(path)
    with _pool_lock(target.parent):
        lines = target.read_text().splitlines(keepends=True)
        replaced = 0
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            pid = json.loads(line).get("id")
            if pid in replacements:
                if replacements[pid].id != pid:
                    raise ValueError(f"a replacement for {pid!r} has another id, {replacements[pid].id!r}")
                lines[i] = _record_line(replacements[pid])
                replaced += 1
        if replaced:
            write_atomic(target, "".join(lines))
    return replaced


def append_program(pool_file: str | Path, program: Program) -> None:
    """Appends one record to `pool_file` (created if missing), atomically and under the pool
    directory's lock; raises `ProgramRejected` if its id or its program (code and entry) is
    already anywhere in the pool directory, the pool file's folder."""
    target = Path(pool_file)
    with _pool_lock(target.parent):
        refuse_duplicate(target.parent, program.id, program.code, program.entry)
        old = target.read_text() if target.exists() else ""
        if old and not old.endswith("\n"):
            old += "\n"
        write_atomic(target, old + _record_line(program))


def refuse_duplicate(directory: Path, id: str, code: str, entry: str | None) -> None:
    """A program is its code (up to comments and layout) and its entry.  Before the entry is known
    (`entry` None), any record with the same code counts."""
    files = sorted(directory.rglob("*.jsonl")) if directory.is_dir() else []
    key = normalized_code(code)
    for where, p in _located(files):
        if p.id == id:
            raise ProgramRejected(f"program id {id!r} is already in the pool ({where}): choose another --id")
        if normalized_code(p.code) == key and entry in (None, p.entry):
            hint = "" if entry else "; for another function of the same code, name it with --entry"
            raise ProgramRejected(f"the pool already has this program: {p.id!r} ({where}) has the same code "
                                  f"up to comments and layout, and entry {p.entry!r}{hint}")


# ------------------------------------------------------------------------------------------------
# Describing a program


def code_size(code: str) -> int:
    return sum(1 for line in code.splitlines() if line.strip())


def normalized_code(code: str) -> str:
    """The code's tokens without comments and layout: two programs that differ only there are the
    same program.  Code hsx cannot tokenize falls back to collapsed whitespace."""
    try:
        return " ".join(t.text for t in tokenize(code))
    except SourceError:
        return " ".join(code.split())
