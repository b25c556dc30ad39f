"""Validating pool records by running them: `hsx programs validate` and `hsx programs add`.

Consumes `Program` records (or, to add one, a program's code) and a `Verifier`; produces, per
record, a `ProgramCheck`: the problems that keep it out of self-play and the record with every
derived field (entry, type, arity, outputs, size, reflectable) as computed now, which
`hsx programs validate --fix` writes back.  `add_program` builds a new record the same way
(sample inputs synthesized by the helper) and appends it to the pool.  Every run goes through
the `Verifier`, i.e. the sandbox.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from hsx.pool.programs import (REFLECTABLE_VALUES, TEAM_SOURCE, Program, ProgramRejected, append_program, code_size,
                               refuse_duplicate)
from hsx.pool.reflect import reflectability
from hsx.verdict import ErrorKind, Result
from hsx.verify.pipeline import ProgramRun, Verifier


@dataclass(frozen=True)
class ProgramCheck:
    """What `check_program` found for one record.  `problems` is empty when the record is right.
    `derived` is the record with its derived fields (entry, type, arity, outputs, size,
    reflectable) as computed now, or None when they cannot be computed: the program does not
    compile, does not give a value on some sample input, or its inputs do not fit it.  So
    `problems` with a `derived` record are mismatches that `--fix` repairs by writing `derived`."""
    program: Program
    problems: tuple[str, ...]
    derived: Program | None

    @property
    def fixable(self) -> bool:
        return bool(self.problems) and self.derived is not None


def derived_record(program: Program, ev: ProgramRun) -> Program:
    """`program` with every derived field computed from its code and an evaluation of it on
    `program.inputs`."""
    return dataclasses.replace(program, entry=ev.entry.name, type=ev.entry.type, arity=ev.arity,
                               outputs=tuple(o.describe() for o in ev.outputs),
                               size=code_size(program.code), reflectable=reflectability(program.code))


def check_program(verifier: Verifier, program: Program) -> ProgramCheck:
    """Runs the program on its sample inputs in the sandbox and compares every derived field
    with the record: it is accepted and compiles, hsx finds the recorded entry with the recorded
    type and arity, every sample input gives a value (no exception, timeout or resource limit)
    and that value is the recorded output, and size and reflectable are what the code gives."""
    problems: list[str] = []
    if program.reflectable not in REFLECTABLE_VALUES:
        problems.append(f"reflectable is {program.reflectable!r}, not one of {', '.join(REFLECTABLE_VALUES)}")
    if not program.inputs:
        return ProgramCheck(program, tuple(problems + ["no sample inputs"]), None)
    if len(program.outputs) != len(program.inputs):
        problems.append(f"{len(program.inputs)} input rows but {len(program.outputs)} recorded outputs")
    bad_rows = [i for i, row in enumerate(program.inputs, 1) if len(row) != program.arity]
    if bad_rows:
        problems.append(f"input row(s) {', '.join(map(str, bad_rows))} do not have {program.arity} "
                        f"argument(s) (the recorded arity)")
        return ProgramCheck(program, tuple(problems), None)
    rows = [tuple(r) for r in program.inputs]
    path = f"{program.id}.hs"
    ev = verifier.evaluate(program.code, rows, entry=program.entry, path=path)
    if isinstance(ev, Result) and ev.error_kind == ErrorKind.ENTRY:
        # The recorded entry is not a function of the program: which one does hsx find?
        found = verifier.evaluate(program.code, rows, path=path)
        if isinstance(found, ProgramRun):
            ev = found
    elif isinstance(ev, Result) and ev.error_kind == ErrorKind.BAD_INPUT:
        # Possibly rows of the recorded arity for an entry of another arity: say that plainly.
        bare = verifier.evaluate(program.code, [], entry=program.entry, path=path)
        if isinstance(bare, ProgramRun) and bare.arity != program.arity:
            return ProgramCheck(program, tuple(problems + _compare(program, bare)), None)
    if isinstance(ev, Result):
        kind = ev.error_kind.value if ev.error_kind else ev.verdict.value
        return ProgramCheck(program, tuple(problems + [f"cannot run the program ({kind}): {ev.reason}"]), None)
    problems += _compare(program, ev)
    no_value = any(o.kind != "value" for o in ev.outputs)
    return ProgramCheck(program, tuple(problems), None if no_value else derived_record(program, ev))


def _compare(program: Program, ev: ProgramRun) -> list[str]:
    problems = []
    if ev.entry.name != program.entry:
        problems.append(f"entry mismatch: hsx finds entry {ev.entry.name!r}, the record says {program.entry!r}")
    if " ".join(ev.entry.type.split()) != " ".join(program.type.split()):
        problems.append(f"type mismatch: GHC gives {ev.entry.name} :: {ev.entry.type}, "
                        f"the record says {program.type}")
    if ev.arity != program.arity:
        problems.append(f"arity mismatch: the entry takes {ev.arity} argument(s), the record says {program.arity}")
    for i, (row, got, recorded) in enumerate(zip(program.inputs, ev.outputs, program.outputs), 1):
        call = " ".join(row)
        if got.kind != "value":
            problems.append(f"sample input {i} ({call}) does not give a value: {got.describe()}")
        elif got.value != recorded:
            problems.append(f"sample input {i} ({call}): output {got.value} differs from the recorded {recorded}")
    size = code_size(program.code)
    if size != program.size:
        problems.append(f"size mismatch: the code has {size} non-blank line(s), the record says {program.size}")
    guess = reflectability(program.code)
    if program.reflectable in REFLECTABLE_VALUES and guess != program.reflectable:
        problems.append(f"reflectable mismatch: the heuristic gives {guess!r}, the record says {program.reflectable!r}")
    return problems


def check_pool(verifier: Verifier, programs: Sequence[Program], jobs: int | None = None) -> list[ProgramCheck]:
    """`check_program` for every program, in parallel (one helper per worker thread), in the
    order of `programs`."""
    workers = jobs or verifier.config.worker_count()
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda p: check_program(verifier, p), programs))


def program_from_evaluation(*, id: str, code: str, rows: Sequence[Sequence[str]], evaluation: ProgramRun,
                            tags: Sequence[str] = (), source: str = TEAM_SOURCE,
                            difficulty: float | None = None) -> Program:
    """A pool record whose entry, type, arity and outputs come from running the code (used by
    `add_program`, the dataset pipeline and promotion)."""
    return Program(id=id, code=code, entry=evaluation.entry.name, type=evaluation.entry.type,
                   arity=evaluation.arity, inputs=tuple(tuple(r) for r in rows),
                   outputs=tuple(o.describe() for o in evaluation.outputs), size=code_size(code),
                   tags=tuple(tags), reflectable=reflectability(code), source=source, difficulty=difficulty)


# ------------------------------------------------------------------------------------------------
# Adding a program


def add_program(verifier: Verifier, code: str, *, pool_file: str | Path, id: str, tags: Sequence[str],
                entry: str | None = None, inputs: int = 5, seed: int = 0) -> Program:
    """Validates `code` for the pool and appends its record to `pool_file` (created if missing),
    atomically; returns the record.  The steps are those of `hsx programs validate`: sandbox
    policy, compile, `inputs` sample inputs synthesized by the helper from the entry's type
    (seeded by `seed` and the id, duplicates dropped), a run that must give a value on each,
    then every derived field computed and the record checked by `check_program`.  Refuses an id
    or a program (same code up to comments and layout, same entry) already anywhere in the pool
    directory, the pool file's folder.  Raises `ProgramRejected`, or `PoolError` when the pool itself
    cannot be read; in both cases the pool file is unchanged."""
    target = Path(pool_file)
    tags = tuple(t for t in tags if t)
    if not id or any(c.isspace() for c in id):
        raise ProgramRejected(f"program id {id!r}: give a non-empty id without spaces (--id)")
    if not tags:
        raise ProgramRejected("give at least one tag (--tags list,recursion): self-play and the "
                              "dataset statistics group programs by them")
    refuse_duplicate(target.parent, id, code, entry)  # before running GHC, and again under the lock
    path = f"{id}.hs"
    input_seed = seed * 1_000_003 + int(hashlib.sha256(id.encode()).hexdigest()[:6], 16)
    rows = _distinct_samples(verifier, code, inputs, seed=input_seed, entry=entry, path=path)
    ev = verifier.evaluate(code, rows, entry=entry, path=path)
    if isinstance(ev, Result):
        raise _rejected(ev)
    for row, out in zip(rows, ev.outputs):
        if out.kind != "value":
            raise ProgramRejected(f"{ev.entry.name} {' '.join(row)} does not give a value: {out.describe()}; "
                                  f"a pool program gives a value on every sample input (make it total, "
                                  f"or try another --seed)")
    program = program_from_evaluation(id=id, code=code, rows=rows, evaluation=ev, tags=tags)
    check = check_program(verifier, program)
    if check.problems:  # a record built from a run that a second run disagrees with: not deterministic
        raise ProgramRejected("the new record does not validate: " + "; ".join(check.problems))
    append_program(target, program)  # checks for duplicates again, under the pool's lock
    return program


def _rejected(result: Result) -> ProgramRejected:
    kind = result.error_kind.value if result.error_kind else result.verdict.value
    hint = ""
    if result.error_kind == ErrorKind.ENTRY:  # the Verifier's message names `hsx verify`'s options
        hint = "\n(for `hsx programs add`, name the entry function with --entry NAME)"
    return ProgramRejected(f"cannot run the program ({kind}): {result.reason}{hint}")


def _distinct_samples(verifier: Verifier, code: str, count: int, *, seed: int, entry: str | None,
                      path: str) -> list[tuple[str, ...]]:
    """`count` distinct synthesized input rows, or fewer when the argument types have fewer
    small values (Bool).  Small sizes repeat values (size 0 gives 0 or []), so when `count`
    rows hold duplicates, four times as many are asked for and the first distinct ones kept."""
    distinct: list[tuple[str, ...]] = []
    for ask in (count, 4 * count):
        rows = verifier.synthesize_inputs(code, ask, seed=seed, entry=entry, path=path)
        if isinstance(rows, Result):
            raise _rejected(rows)
        distinct = list(dict.fromkeys(tuple(_as_argument(x) for x in r) for r in rows))[:count]
        if len(distinct) == count:
            break
    return distinct


def _as_argument(expr: str) -> str:
    """The pool writes each argument so that it can follow the entry's name in a call: negative
    numbers and applications in parentheses (`(-2)`, `(Rect 3 1)`), as the hand-written records
    do; the helper prints them bare."""
    expr = expr.strip()
    if expr.startswith("-") or (" " in expr and expr[:1] not in "([\"'"):
        return f"({expr})"
    return expr
