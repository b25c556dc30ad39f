"""The client of hsx-helper: the only Python module that speaks its JSON Lines protocol.

Consumes module files written by hsx/haskell/harness.py and search settings; sends them as typed
requests (`TypesRequest`, `RunRequest`, `SampleRequest`, `SyntaxRequest`, with `Limits`) and
produces typed answers (`Types`, `Report`, `CompileFailure`), and for one source text a
`SyntaxTree` (hsx/haskell/syntax.py: what GHC's parser reads in it; `read_source` turns it into a
`HaskellSource`).  A reply's `status` is one of the closed set `Status`.  One `Helper` owns one sandboxed
helper process and is used by one thread at a time; it restarts the process after a crash, a
timeout, or `restart_after` requests.  The protocol is documented in haskell/README.md (version 3).
"""

from __future__ import annotations

import dataclasses
import enum
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Union

from hsx.config import SandboxConfig, SearchConfig
from hsx.haskell import sandbox
from hsx.haskell.source import HaskellSource, parse_source
from hsx.haskell.syntax import SyntaxTree, syntax_tree_from_json
from hsx.haskell.toolchain import Toolchain
from hsx.verdict import Counterexample, Outcome

PROTOCOL_VERSION = 3
# Printed values are cut to this many characters: a counterexample that prints longer is not
# one a user re-runs by pasting, and the reply stays small.
RENDER_CAP = 4000


class HelperFailure(RuntimeError):
    """The helper died, broke the protocol, or answered with an internal error."""


class HelperTimeout(HelperFailure):
    """A request took longer than its wall-clock limit; the process group was killed."""


@dataclass(frozen=True)
class CompileFailure:
    message: str  # GHC's messages, with file names as hsx wrote them (LINE pragmas map them)


@dataclass(frozen=True)
class Report:
    found: Counterexample | None
    possible: tuple[Counterexample, ...]
    enumerated: int
    random: int
    depth: int
    shrinks: int
    exhausted: bool
    outputs: tuple[Counterexample, ...] = ()  # check mode: every input's outcomes, in order
    strategies: dict[str, int] = dataclasses.field(default_factory=dict)  # inputs tried by each strategy
    found_by: str | None = None  # the strategy that found `found`
    cpu_s: float = 0.0  # CPU seconds the helper spent searching


# ------------------------------------------------------------------------------------------------
# The `syntax` op: one source read by GHC's parser (haskell/README.md, "The syntax op")

def read_source(helper: "Helper | None", text: str, path: str = "<source>") -> HaskellSource:
    """`parse_source` with the names, uses, fields and synonyms taken from GHC's parser wherever
    the helper can give them: the reader `hsx verify` uses.  Without a helper, or when the helper
    cannot parse this text (a parse error, CPP, an extension this GHC lacks, a helper built for
    another GHC), it is the hand-written reader alone, and GHC's own messages come later from
    compiling.  Raises `SourceError` like `parse_source`."""
    tree = None
    if helper is not None:
        try:
            tree = helper.syntax(text)
        except HelperTimeout:
            raise
        except HelperFailure:
            tree = None
    return parse_source(text, path, syntax=tree if tree is not None and tree.ok else None)


# ------------------------------------------------------------------------------------------------

def _outcome(o: dict) -> Outcome:
    return Outcome(kind=o["kind"], value=o.get("value"), exception=o.get("exception"),
                   message=o.get("message"))


def _row(r: dict) -> Counterexample:
    return Counterexample(tuple(r["inputs"]), _outcome(r["left"]), _outcome(r["right"]))


# ------------------------------------------------------------------------------------------------
# Requests (haskell/README.md, "Requests"): one dataclass per op; `json()` is the line's fields
# but `id`, which `Helper._request` numbers.

class Status(enum.Enum):
    """A reply's `status` (haskell/README.md, "Responses").  Closed: any other string is a broken
    protocol, answered with HelperFailure like an `internal` reply."""
    READY = "ready"
    OK = "ok"
    COMPILE_ERROR = "compile-error"
    BAD_REQUEST = "bad-request"
    INTERNAL = "internal"


def _status(answer: dict) -> Status | None:
    try:
        return Status(answer.get("status"))
    except ValueError:
        return None


@dataclass(frozen=True)
class Limits:
    """The `limits` of search, check and sample: `SearchConfig` in the units the helper takes."""
    seed: int
    tests: int
    max_size: int
    depth: int
    enum_cap: int
    eval_timeout_ms: int
    budget_ms: int
    max_shrinks: int
    render_cap: int
    strategies: tuple[str, ...]

    @classmethod
    def of(cls, search: SearchConfig) -> "Limits":
        return cls(seed=search.seed, tests=search.tests, max_size=search.max_size, depth=search.depth,
                   enum_cap=search.enum_cap, eval_timeout_ms=int(search.eval_timeout * 1000),
                   budget_ms=int(search.budget * 1000), max_shrinks=search.max_shrinks,
                   render_cap=RENDER_CAP, strategies=tuple(search.strategies))

    def json(self) -> dict:
        return {**dataclasses.asdict(self), "strategies": list(self.strategies)}


@dataclass(frozen=True)
class TypesRequest:
    dir: Path
    modules: tuple[str, ...]
    names: tuple[str, ...]

    def json(self) -> dict:
        return {"op": "types", "dir": str(self.dir), "modules": list(self.modules), "names": list(self.names)}


@dataclass(frozen=True)
class RunRequest:
    """`search` (find a difference) or `check` (the given inputs of the job's harness)."""
    op: Literal["search", "check"]
    dir: Path
    modules: tuple[str, ...]
    job: str
    limits: Limits

    def __post_init__(self):
        if self.op not in ("search", "check"):
            raise ValueError(f"RunRequest.op must be 'search' or 'check', got {self.op!r}")

    def json(self) -> dict:
        return {"op": self.op, "dir": str(self.dir), "modules": list(self.modules), "job": self.job,
                "limits": self.limits.json()}


@dataclass(frozen=True)
class SampleRequest:
    dir: Path
    modules: tuple[str, ...]
    job: str
    limits: Limits
    count: int

    def json(self) -> dict:
        return {"op": "sample", "dir": str(self.dir), "modules": list(self.modules), "job": self.job,
                "limits": self.limits.json(), "count": self.count}


@dataclass(frozen=True)
class SyntaxRequest:
    source: str

    def json(self) -> dict:
        return {"op": "syntax", "source": self.source}


Request = Union[TypesRequest, RunRequest, SampleRequest, SyntaxRequest]


def ghc_diagnostics(directory: Path, modules: list[str], ghc: str, package_dbs: tuple[Path, ...],
                    limits: SandboxConfig) -> str:
    """GHC's own messages for modules the interpreter rejected without printing any (the helper
    normally captures them).  Type-checks only (-fno-code), in the sandbox, on the same files;
    costs about a second, paid only in that rare case."""
    dbs = [arg for db in package_dbs for arg in ("-package-db", str(db))]
    result = sandbox.run([ghc, "-fno-code", *dbs, "-i" + str(directory), *modules], cwd=directory,
                         limits=limits, timeout=limits.request_timeout)
    lines = (result.stderr + result.stdout).decode("utf-8", "replace").splitlines()
    text = "\n".join(line for line in lines if not line.startswith("[")).strip()  # no progress lines
    return text or f"ghc exited with code {result.returncode} and no message"


class Helper:
    def __init__(self, toolchain: Toolchain, limits: SandboxConfig):
        self.toolchain = toolchain
        self.limits = limits
        self._proc = None
        self._buffer = bytearray()
        self._served = 0
        self._next_id = 0
        self._scratch = None
        self.workdir: Path | None = None
        self.ghc_version: str | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        if self._proc is not None:
            return
        if self._scratch is None:
            self._scratch = sandbox.scratch_dir("hsx-helper-")
            self.workdir = self._scratch.__enter__()
        assert self.workdir is not None
        argv = [str(self.toolchain.helper)]
        for db in self.toolchain.package_dbs:
            argv += ["--package-db", str(db)]
        argv += ["+RTS", f"-M{self.limits.heap_mb}m", "-RTS"]
        self._proc = sandbox.spawn(argv, cwd=self.workdir, limits=self.limits,
                                   stderr_path=self.workdir / "helper.stderr")
        self._buffer.clear()
        self._served = 0
        # Starting the interpreter loads GHC's package database: about a quarter second.
        hello = self._read(timeout=self.limits.request_timeout)
        if _status(hello) is not Status.READY:
            raise HelperFailure(f"hsx-helper did not start: {hello.get('message') or hello}")
        if hello.get("protocol") != PROTOCOL_VERSION:
            raise HelperFailure(f"hsx-helper speaks protocol {hello.get('protocol')}, hsx expects "
                                f"{PROTOCOL_VERSION}: rebuild it with `make setup`")
        self.ghc_version = hello.get("ghc")

    def stop(self) -> None:
        if self._proc is not None:
            sandbox.kill(self._proc)
            self._proc = None

    def close(self) -> None:
        self.stop()
        if self._scratch is not None:
            self._scratch.__exit__(None, None, None)
            self._scratch = None
            self.workdir = None

    def __enter__(self) -> "Helper":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- requests ---------------------------------------------------------------------------

    def types(self, directory: Path, modules: list[str], names: list[str]) -> dict[str, str] | CompileFailure:
        answer = self._request(TypesRequest(directory, tuple(modules), tuple(names)),
                               timeout=self.limits.request_timeout)
        if isinstance(answer, CompileFailure):
            return answer
        return dict(answer["types"])

    def search(self, directory: Path, modules: list[str], job: str, search: SearchConfig) -> Report | CompileFailure:
        return self._run("search", directory, modules, job, search)

    def check(self, directory: Path, modules: list[str], job: str, search: SearchConfig) -> Report | CompileFailure:
        return self._run("check", directory, modules, job, search)

    def sample(self, directory: Path, modules: list[str], job: str, search: SearchConfig,
               count: int) -> list[tuple[str, ...]] | CompileFailure:
        """`count` seeded random inputs for the job's argument types (growing size)."""
        answer = self._request(SampleRequest(directory, tuple(modules), job, Limits.of(search), count),
                               timeout=self.limits.request_timeout)
        if isinstance(answer, CompileFailure):
            return answer
        return [tuple(row) for row in answer["inputs"]]

    def syntax(self, text: str) -> SyntaxTree:
        """The source read by GHC's parser (no code runs).  A parse error is an answer (the tree's
        `errors`), not an exception; HelperFailure means the helper could not answer (for example
        a helper built with a GHC other than 9.0)."""
        answer = self._request(SyntaxRequest(text), timeout=self.limits.request_timeout)
        if isinstance(answer, CompileFailure):  # not an answer the op gives; be explicit anyway
            raise HelperFailure(f"hsx-helper: syntax: {answer.message}")
        return syntax_tree_from_json(answer["syntax"])

    def _run(self, op: Literal["search", "check"], directory: Path, modules: list[str], job: str,
             search: SearchConfig) -> Report | CompileFailure:
        # The helper stops searching after `budget` CPU seconds and each evaluation after
        # `eval_timeout`; the wall limit adds room for loading and for the last evaluations.
        timeout = max(self.limits.request_timeout, search.budget + 4 * search.eval_timeout + 30)
        answer = self._request(RunRequest(op, directory, tuple(modules), job, Limits.of(search)), timeout=timeout)
        if isinstance(answer, CompileFailure):
            return answer
        rep = answer["report"]
        return Report(
            found=_row(rep["found"]) if rep.get("found") else None,
            possible=tuple(_row(r) for r in rep.get("possible", [])),
            enumerated=rep["enumerated"], random=rep["random"], depth=rep["depth"],
            shrinks=rep["shrinks"], exhausted=rep["exhausted"],
            outputs=tuple(_row(r) for r in rep.get("outputs", [])),
            strategies=dict(rep.get("strategies", {})), found_by=rep.get("found_by"),
            cpu_s=rep.get("cpu_ms", 0) / 1000)

    def _request(self, request: Request, *, timeout: float) -> dict | CompileFailure:
        if self._proc is not None and self._served >= self.limits.restart_after:
            self.stop()
        self.start()
        assert self._proc is not None and self._proc.stdin is not None
        self._next_id += 1
        payload = {"id": self._next_id, **request.json()}
        try:
            self._proc.stdin.write(json.dumps(payload).encode() + b"\n")
            self._proc.stdin.flush()
            answer = self._read(timeout=timeout)
        except (BrokenPipeError, HelperFailure):
            self.stop()
            raise
        self._served += 1
        status = _status(answer)
        if answer.get("id") != self._next_id and status is not Status.BAD_REQUEST:
            self.stop()
            raise HelperFailure(f"hsx-helper answered request {answer.get('id')}, expected {self._next_id}")
        if status is Status.OK:
            return answer
        if status is Status.COMPILE_ERROR:
            return CompileFailure(answer.get("message", ""))
        raise HelperFailure(f"hsx-helper: {answer.get('status')}: {answer.get('message')}")

    def _read(self, *, timeout: float) -> dict:
        assert self._proc is not None
        try:
            line = sandbox.read_line(self._proc, self._buffer, timeout=timeout,
                                     cap=self.limits.output_cap_bytes)
        except sandbox.LineTimeout:
            self.stop()
            raise HelperTimeout(f"hsx-helper gave no answer within {timeout:.0f} s") from None
        except sandbox.LineTooLong as e:
            self.stop()
            raise HelperFailure(f"hsx-helper answer too long: {e}") from None
        if line is None:
            code = self._proc.wait()
            tail = self._stderr_tail()
            self._proc = None
            raise HelperFailure(f"hsx-helper exited with code {code}" + (f": {tail}" if tail else ""))
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            self.stop()
            raise HelperFailure(f"hsx-helper wrote a line that is not JSON: {line[:200]!r}") from None

    def _stderr_tail(self) -> str:
        if self.workdir is None:
            return ""
        try:
            data = (self.workdir / "helper.stderr").read_bytes()
        except OSError:
            return ""
        return data[-2000:].decode("utf-8", "replace").strip()
