"""The program pool: the P's that self-play starts from, and their validation.

Consumes JSONL files of program records (`data/programs/*.jsonl`, one `Program` per line) and,
for validation, a `Verifier`; produces `Program`s and, per program, the list of problems that
keep it out of self-play.  A record:

    {"id": "sum-list", "code": "total :: [Int] -> Int\\n...", "entry": "total",
     "type": "[Int] -> Int", "arity": 1, "inputs": [["[1,2,3]"], ["[]"]], "outputs": ["6", "0"],
     "size": 3, "tags": ["list", "recursion"], "reflectable": "true", "source": "hsx-team",
     "difficulty": null}

`inputs` are Haskell expressions (one per argument, negative numbers in parentheses), `outputs`
the values hsx printed for them (`render_outcome` writes a failed run as `exception KIND:
MESSAGE`, but validation requires a value on every sample input, so a valid pool holds values
only); `type` is GHC's type of the entry as `hsx verify` prints it; `size` counts non-blank
lines.  `source` is the provenance: "hsx-team" for hand-written programs,
"promoted:<run>/<iteration>/<pair-id>" for a verified hard Q that joined the pool
(hsx/selfplay/curriculum.py).  `difficulty` is the difficulty of the pair a program was promoted from
(null for hand-written ones); the curriculum uses it as its first estimate.

`reflectable` is a cheap, syntactic guess at whether Liquid Haskell can reflect the program's
functions, which an equivalence proof (SEQ) needs.  Liquid Haskell lifts only functions written
by direct recursion over their own arguments with arithmetic, comparisons, `if`, `case` and
guards; it rejects lambdas, local function definitions and library functions (README, "not-
reflectable").  The heuristic, over the token stream:

* "false": a lambda; a `where`/`let`-bound helper that calls itself; or a library function or
  operator (`map`, `filter`, `foldr`, `sum`, `length`, `show`, `++`, `.`, `$`, ... : anything in
  `LIBRARY_NAMES` apart from the few Liquid Haskell knows) that the file does not define itself;
* "true": none of the above, no `where`/`let` bindings, no list comprehension or range, no
  imports, no class or instance, no string literal, and every free name is the program's own or one of `LOGIC_NAMES` (`not`,
  `otherwise`, `div`, `mod`, `fst`, `snd`, ...);
* "unknown": everything else (non-recursive `where`/`let` bindings, imports, strings, ...).
  Names that are neither library names nor defined at top level count as local variables.

It is a guess: only the prover decides.  It steers SEQ attempts toward programs that can be proved
at all, and it never makes a claim about equivalence.

The JSONL files are the pool's only copy.  `type`, `arity`, `outputs`, `size` and `reflectable`
are derived fields: computed by code from `code`, `entry` and `inputs`, never written by hand.
`entry` is the one hsx finds unless given (`--entry`).  `id`, `code`, `inputs`, `tags`, `source`
and `difficulty` are what a person (or promotion) chose.

    hsx programs add FILE.hs --tags list,recursion [--pool-file F] [--id ID] [--entry NAME]
        synthesizes sample inputs with the helper, runs the program on them in the sandbox,
        computes the derived fields, refuses a program already in the pool (same id, or the same
        code up to comments and layout), and appends the record atomically (`add_program`);
    hsx programs validate [--pool data/programs] [--fix]
        recomputes every record's derived fields and reports each mismatch (`check_pool`);
        `--fix` rewrites the mismatched fields in place, atomically (`rewrite_pool_file`).

Over 400 lines on purpose: this is the one module that defines the record, and every path that
reads, checks, derives or writes it, so that a derived field has one definition.  The
reflectability heuristic is the part that could live on its own.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from hsx.haskell.source import SourceError, Token, parse_source, tokenize
from hsx.verdict import ErrorKind, Outcome, Result
from hsx.verify.pipeline import Evaluation, Verifier

REFLECTABLE_VALUES = ("true", "false", "unknown")
TEAM_SOURCE = "hsx-team"
PROMOTED_PREFIX = "promoted:"

# Names exported by Prelude, Data.List, Data.Char, Data.Maybe, Data.Either, Data.Bits, Data.Ord,
# Data.Function and Data.Tuple (GHC 9.0 `:browse`).  Used to tell library functions from the
# program's own names: by the reflectability heuristic, and by `hsx.agents.parsing.same_program`,
# which must not treat `foldl` versus `foldr` as a renaming.
LIBRARY_NAMES = frozenset("""
abs acos acosh all and any appendFile asTypeOf asin asinh atan atan2 atanh bit break catMaybes
ceiling chr clearBit compare comparing complement concat concatMap const cos cosh curry cycle
decodeFloat delete deleteBy digitToInt div divMod drop dropWhile dropWhileEnd either elem elemIndex
elemIndices encodeFloat enumFrom enumFromThen enumFromThenTo enumFromTo error
errorWithoutStackTrace even exp exponent fail filter find findIndex findIndices fix flip
floatDigits floor fmap fold foldMap foldl foldl' foldl1 foldr foldr' foldr1 fromEnum fromInteger
fromIntegral fromJust fromLeft fromMaybe fromRational fromRight fst gcd genericLength group groupBy
head id init inits insert insertBy intToDigit intercalate interact intersect intersperse isAlpha
isAlphaNum isDigit isInfixOf isJust isLeft isLetter isLower isNothing isPrefixOf isRight isSpace
isSubsequenceOf isSuffixOf isUpper iterate last lcm lefts length lines listToMaybe log logBase
lookup map mapAccumL mapAccumR mapM mapM_ mapMaybe mappend max maxBound maximum maximumBy maybe
maybeToList mconcat mempty min minBound minimum minimumBy mod negate not notElem nub nubBy null odd
on or ord otherwise partition partitionEithers permutations pi popCount pred print product
properFraction pure quot quotRem read reads realToFrac recip rem repeat replicate return reverse
rights round scanl scanl1 scanr scanr1 seq sequence sequence_ shiftL shiftR show showString shows
showsPrec signum sin snd sort sortBy sortOn span splitAt sqrt stripPrefix subsequences subtract succ
sum swap tail tails take takeWhile tan testBit toEnum toInteger toList toLower toRational toUpper
transpose traverse truncate uncons uncurry undefined unfoldr union unlines until unwords unzip
unzip3 words xor zip zip3 zipWith zipWith3
!! $ $! ++ . <$> <$ <*> *> <* <> =<< >> >>= ^ ^^ **
""".split())

# Library names that Liquid Haskell's logic knows (built-in operators are not tokens of
# LIBRARY_NAMES except where listed): a program that uses only these can still be reflected.
LOGIC_NAMES = frozenset({"not", "otherwise", "div", "mod", "fst", "snd"})


class PoolError(ValueError):
    """A pool file that cannot be read: says which file and line, and what is wrong."""


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


def _write_atomic(target: Path, text: str) -> None:
    """A temporary file renamed over `target`, so that a reader never sees half a pool."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # a data file, readable like any other (mkstemp makes it 0600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def save_pool_records(path: str | Path, programs: Iterable[Program]) -> None:
    """Writes programs as JSONL, atomically (a temporary file renamed over `path`), so a reader
    never sees half a pool.  Raises ValueError on duplicate ids."""
    programs = list(programs)
    ids = [p.id for p in programs]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate program ids: {', '.join(dupes)}")
    _write_atomic(Path(path), "".join(_record_line(p) for p in programs))


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
            _write_atomic(target, "".join(lines))
    return replaced


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


def render_outcome(o: Outcome) -> str:
    """One recorded output: the printed value, or what went wrong (as `hsx verify` says it)."""
    return o.describe()


def _top_level_values(code: str) -> set[str]:
    try:
        return set(parse_source(code).function_names())
    except SourceError:
        return set()


def _local_equations(tokens: list[Token]) -> list[list[Token]]:
    """The equations bound inside `where`/`let` blocks (each a token list starting with what it
    binds).  A block starts at the token after `where`/`let` and takes the lines indented at least
    to that token's column; a `where` followed by a column-1 token (a module header) binds
    nothing."""
    out: list[list[Token]] = []
    for i, t in enumerate(tokens):
        if t.text not in ("where", "let") or i + 1 >= len(tokens) or tokens[i + 1].col == 1:
            continue
        column = tokens[i + 1].col
        j = i + 1
        while j < len(tokens) and tokens[j].text != "in":
            head = tokens[j]
            k = j + 1  # the equation runs until a later line starts at or left of the column
            while k < len(tokens) and not (tokens[k].line > head.line and tokens[k].col <= column):
                k += 1
            equation = tokens[j:k]
            if any(x.text in ("=", "|") for x in equation):
                out.append(equation)
            if k >= len(tokens) or tokens[k].col < column:
                break
            j = k
    return out


def reflectability(code: str) -> str:
    """"true", "false" or "unknown": see the module docstring for the heuristic."""
    try:
        tokens = tokenize(code)
    except SourceError:
        return "unknown"
    values = _top_level_values(code)
    texts = [t.text for t in tokens]
    if "\\" in texts:
        return "false"  # a lambda
    local = _local_equations(tokens)
    for equation in local:
        head = equation[0]
        if head.kind == "varid" and any(x.kind == "varid" and x.text == head.text for x in equation[1:]):
            return "false"  # a where/let-bound helper that calls itself
    library = {t.text for t in tokens
               if t.kind in ("varid", "varsym") and t.text in LIBRARY_NAMES and t.text not in values}
    if library - LOGIC_NAMES:
        return "false"
    if local or "import" in texts or "<-" in texts or ".." in texts or any(t.kind == "string" for t in tokens):
        return "unknown"
    if any(t.text in ("class", "instance") for t in tokens):
        return "unknown"
    return "true"


# ------------------------------------------------------------------------------------------------
# Validation (runs the program: uses GHC through the Verifier)

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


def derived_record(program: Program, ev: Evaluation) -> Program:
    """`program` with every derived field computed from its code and an evaluation of it on
    `program.inputs`."""
    return dataclasses.replace(program, entry=ev.entry.name, type=ev.entry.type, arity=ev.arity,
                               outputs=tuple(render_outcome(o) for o in ev.outputs),
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
        if isinstance(found, Evaluation):
            ev = found
    elif isinstance(ev, Result) and ev.error_kind == ErrorKind.BAD_INPUT:
        # Possibly rows of the recorded arity for an entry of another arity: say that plainly.
        bare = verifier.evaluate(program.code, [], entry=program.entry, path=path)
        if isinstance(bare, Evaluation) and bare.arity != program.arity:
            return ProgramCheck(program, tuple(problems + _compare(program, bare)), None)
    if isinstance(ev, Result):
        kind = ev.error_kind.value if ev.error_kind else ev.verdict.value
        return ProgramCheck(program, tuple(problems + [f"cannot run the program ({kind}): {ev.reason}"]), None)
    problems += _compare(program, ev)
    no_value = any(o.kind != "value" for o in ev.outputs)
    return ProgramCheck(program, tuple(problems), None if no_value else derived_record(program, ev))


def _compare(program: Program, ev: Evaluation) -> list[str]:
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


def validate_program(verifier: Verifier, program: Program) -> list[str]:
    """Everything wrong with one pool program, as messages; empty when it can be used (see
    `check_program`)."""
    return list(check_program(verifier, program).problems)


def check_pool(verifier: Verifier, programs: Sequence[Program], jobs: int | None = None) -> list[ProgramCheck]:
    """`check_program` for every program, in parallel (one helper per worker thread), in the
    order of `programs`."""
    workers = jobs or verifier.config.worker_count()
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda p: check_program(verifier, p), programs))


def validate_pool(verifier: Verifier, programs: Sequence[Program], jobs: int | None = None) -> dict[str, list[str]]:
    """Validates programs in parallel.  Returns the problems of each program that has any, by id:
    an empty dict means the whole pool is usable."""
    ids = [p.id for p in programs]
    out: dict[str, list[str]] = {}
    for d in sorted({i for i in ids if ids.count(i) > 1}):
        out[d] = [f"duplicate program id {d!r}"]
    for check in check_pool(verifier, programs, jobs):
        if check.problems:
            out.setdefault(check.program.id, []).extend(check.problems)
    return {i: out[i] for i in ids if i in out}


def program_from_evaluation(*, id: str, code: str, rows: Sequence[Sequence[str]], evaluation: Evaluation,
                            tags: Sequence[str] = (), source: str = TEAM_SOURCE,
                            difficulty: float | None = None) -> Program:
    """A pool record whose entry, type, arity and outputs come from running the code (used by
    `add_program`, the dataset pipeline and promotion)."""
    return Program(id=id, code=code, entry=evaluation.entry.name, type=evaluation.entry.type,
                   arity=evaluation.arity, inputs=tuple(tuple(r) for r in rows),
                   outputs=tuple(render_outcome(o) for o in evaluation.outputs), size=code_size(code),
                   tags=tuple(tags), reflectable=reflectability(code), source=source, difficulty=difficulty)


# ------------------------------------------------------------------------------------------------
# Adding a program

class ProgramRejected(ValueError):
    """A program `add_program` will not add; the message says why.  The pool file is unchanged."""


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
    _refuse_duplicate(target.parent, id, code, entry)  # before running GHC, and again under the lock
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
    with _pool_lock(target.parent):
        _refuse_duplicate(target.parent, id, code, program.entry)
        old = target.read_text() if target.exists() else ""
        if old and not old.endswith("\n"):
            old += "\n"
        _write_atomic(target, old + _record_line(program))
    return program


def _rejected(result: Result) -> ProgramRejected:
    kind = result.error_kind.value if result.error_kind else result.verdict.value
    hint = ""
    if result.error_kind == ErrorKind.ENTRY:  # the Verifier's message names `hsx verify`'s options
        hint = "\n(for `hsx programs add`, name the entry function with --entry NAME)"
    return ProgramRejected(f"cannot run the program ({kind}): {result.reason}{hint}")


def _refuse_duplicate(directory: Path, id: str, code: str, entry: str | None) -> None:
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


__all__ = ["LIBRARY_NAMES", "PoolError", "Program", "ProgramCheck", "ProgramRejected", "add_program", "check_pool",
           "check_program", "code_size", "derived_record", "load_pool", "normalized_code", "pool_files",
           "program_from_evaluation", "reflectability", "render_outcome", "rewrite_pool_file", "save_pool_records",
           "validate_pool", "validate_program"]
