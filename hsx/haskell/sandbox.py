"""The sandbox: the one place where untrusted Haskell is judged and where processes are started.

Consumes Haskell sources and expressions (user- or model-written) and command lines; produces
policy violations, and processes running under limits.  Every other module goes through here:
`spawn` for the long-lived helper, `run` for one-shot commands (ghc, Liquid Haskell).

What it guarantees
  * Static policy, before GHC sees the code (`check_source`, `check_expression`): no compile-time
    code execution (Template Haskell, QuasiQuotes, CPP, OPTIONS_GHC/OPTIONS such as `-F -pgmF` or
    `-fplugin`, ANN pragmas), no FFI (`foreign` declarations, FFI extensions), no unsafe or
    effectful modules (System.IO.Unsafe, Unsafe.Coerce, System.Process, GHC.*, Foreign.*,
    System.*, Debug.Trace ...), no unsafe* identifiers.  Imports must come from a list of pure
    library modules; LANGUAGE extensions from a list of harmless ones.  Each violation names the
    construct and line.
  * Safe Haskell: hsx compiles every user module with `{-# LANGUAGE Safe #-}` (hsx/haskell/harness.py),
    so GHC itself refuses unsafe imports even if the list above missed one.  Entries must have
    pure types, so no IO action of the user's is ever run.
  * Limits on every process: its own session and process group (a timeout kills the whole
    group), RLIMIT_AS / CPU / NPROC / FSIZE / NOFILE, no core files, GHC's heap cap (+RTS -M, set
    by the caller), a scrubbed environment, a private temporary working directory, a wall-clock
    timeout, and a cap on how much output is read back.
  * Network: a fresh, empty network namespace (unshare CLONE_NEWNET) where the kernel allows it
    (root, or unprivileged user namespaces).  Where it does not, processes keep the host network;
    `network_isolated()` says which, and the code cannot reach it anyway (Safe Haskell, pure
    entries, no FFI).

What it does not guarantee
  * It is not a container: the file system is visible read-only-by-convention, not by mount
    namespace; Safe Haskell and the import list are what keep pure code from reading files.
  * RLIMIT_NPROC is not enforced by Linux for root.
  * CPU time inside one long-lived helper is shared by all pairs it served; per-evaluation time
    limits are enforced inside the helper (System.Timeout) and per request by the wall clock here.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import selectors
import signal
import subprocess
import tempfile
import threading
import time
from typing import Iterable
from dataclasses import dataclass
from pathlib import Path

from hsx.config import SandboxConfig
from hsx.haskell.source import HaskellSource, language_extensions, pragma_word
from hsx.haskell.tokens import Token, tokenize

# ------------------------------------------------------------------------------------------------
# Static policy

# Extensions that change syntax or typing only.  Anything else is rejected; the dangerous ones
# get a specific reason below.
ALLOWED_EXTENSIONS = frozenset("""
    BangPatterns BinaryLiterals BlockArguments ConstraintKinds DataKinds DeriveFoldable
    DeriveFunctor DeriveGeneric DeriveTraversable DerivingStrategies EmptyCase EmptyDataDecls
    EmptyDataDeriving ExistentialQuantification ExplicitForAll FlexibleContexts FlexibleInstances
    FunctionalDependencies GADTs GADTSyntax InstanceSigs KindSignatures LambdaCase
    MultiParamTypeClasses MultiWayIf NamedFieldPuns NegativeLiterals NoMonomorphismRestriction
    NumericUnderscores ParallelListComp PatternGuards PolyKinds RankNTypes RecordWildCards
    ScopedTypeVariables StandaloneDeriving Strict StrictData TupleSections TypeApplications
    TypeOperators ViewPatterns PostfixOperators NumDecimals Safe
""".split())

FORBIDDEN_EXTENSIONS = {
    "TemplateHaskell": "Template Haskell runs code at compile time",
    "TemplateHaskellQuotes": "Template Haskell quotes",
    "QuasiQuotes": "quasi-quotes run code at compile time",
    "CPP": "the C preprocessor can include files",
    "ForeignFunctionInterface": "FFI calls foreign code",
    "CApiFFI": "FFI calls foreign code",
    "GHCForeignImportPrim": "FFI calls foreign code",
    "UnliftedFFITypes": "FFI calls foreign code",
    "InterruptibleFFI": "FFI calls foreign code",
    "MagicHash": "primitive operations bypass Safe Haskell",
    "UnboxedTuples": "primitive operations bypass Safe Haskell",
    "Unsafe": "turns Safe Haskell off",
    "Trustworthy": "turns Safe Haskell's checks off",
    "StaticPointers": "static pointers",
    "GeneralizedNewtypeDeriving": "not allowed under Safe Haskell",
    "OverlappingInstances": "not allowed under Safe Haskell",
    "IncoherentInstances": "not allowed under Safe Haskell",
}

# Pragmas other than LANGUAGE that are harmless.  OPTIONS_GHC/OPTIONS can run programs
# (-F -pgmF), load plugins (-fplugin) or turn extensions on; ANN is evaluated at compile time.
ALLOWED_PRAGMAS = frozenset("""
    INLINE NOINLINE INLINABLE INLINEABLE SPECIALIZE SPECIALISE UNPACK NOUNPACK COMPLETE MINIMAL
    OVERLAPPING OVERLAPPABLE OVERLAPS INCOHERENT SCC DEPRECATED WARNING
""".split())

# Pure library modules a program may import (Hsx.Key: the Safe data type that printed
# counterexamples of Eq/Ord-polymorphic entries name; see haskell/src/Hsx/Key.hs).
ALLOWED_MODULES = frozenset("""
    Prelude Data.List Data.Char Data.Maybe Data.Either Data.Function Data.Ord Data.Tuple Data.Bits
    Data.Int Data.Word Data.Ratio Data.Complex Data.Foldable Data.Traversable Data.Monoid
    Data.Semigroup Data.Functor Data.Functor.Identity Data.Bool Data.Void Data.List.NonEmpty
    Control.Monad Control.Applicative Control.Monad.ST Data.STRef Numeric Text.Read Text.Printf
    Data.Map Data.Map.Strict Data.Map.Lazy Data.Set Data.IntMap Data.IntMap.Strict Data.IntMap.Lazy
    Data.IntSet Data.Sequence Data.Text Numeric.Natural Data.Array
    Hsx.Key
""".split())

FORBIDDEN_MODULES = {
    "System.IO.Unsafe": "unsafePerformIO breaks purity",
    "Unsafe.Coerce": "unsafeCoerce breaks type safety",
    "System.Process": "runs external processes",
    "Debug.Trace": "writes to stderr from pure code",
    "Control.Concurrent": "threads",
    "Control.Exception": "IO-only exception handling",
    "Data.IORef": "mutable IO state",
    "Language.Haskell.TH": "Template Haskell",
}
FORBIDDEN_MODULE_PREFIXES = {
    "GHC.": "GHC internals bypass Safe Haskell",
    "Foreign": "FFI",
    "System.": "operating-system access",
    "Unsafe.": "unsafe operations",
    "Control.Monad.ST.Unsafe": "unsafe ST",
}

FORBIDDEN_IDENTIFIERS = {
    "unsafePerformIO", "unsafeDupablePerformIO", "unsafeInterleaveIO", "unsafeCoerce",
    "unsafeIOToST", "unsafeSTToIO", "unsafeInterleaveST", "inlinePerformIO",
    "accursedUnutterablePerformIO", "unsafeFixIO", "unsafeDupableInterleaveIO",
}


@dataclass(frozen=True)
class Violation:
    construct: str
    line: int
    message: str
    path: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.path else f"line {self.line}"
        return f"{where}: {self.message}"


def _module_violation(module: str, line: int, path: str) -> Violation | None:
    if module in FORBIDDEN_MODULES:
        return Violation(module, line, f"import of {module} is not allowed: {FORBIDDEN_MODULES[module]}", path)
    if module in ALLOWED_MODULES:
        return None
    for prefix, why in FORBIDDEN_MODULE_PREFIXES.items():
        if module.startswith(prefix):
            return Violation(module, line, f"import of {module} is not allowed: {why}", path)
    return Violation(module, line, f"import of {module} is not allowed: not on hsx's list of pure "
                                   f"library modules (see hsx/haskell/sandbox.py ALLOWED_MODULES)", path)


def _token_violations(tokens: list[Token] | tuple[Token, ...], path: str) -> list[Violation]:
    out: list[Violation] = []
    for t in tokens:
        if t.kind == "pragma":
            word = pragma_word(t.text)
            if word == "LANGUAGE":
                for ext in language_extensions(t.text):
                    name = ext[2:] if ext.startswith("No") and ext[2:] in FORBIDDEN_EXTENSIONS else ext
                    if name in FORBIDDEN_EXTENSIONS:
                        out.append(Violation(name, t.line, f"LANGUAGE {name} is not allowed: "
                                                           f"{FORBIDDEN_EXTENSIONS[name]}", path))
                    elif ext not in ALLOWED_EXTENSIONS:
                        out.append(Violation(ext, t.line, f"LANGUAGE {ext} is not on hsx's list of "
                                                          f"allowed extensions", path))
            elif word in ("OPTIONS_GHC", "OPTIONS", "OPTIONS_HADDOCK", "INCLUDE"):
                out.append(Violation(word, t.line, f"{word} pragma is not allowed: compiler options "
                                                   f"can run programs (-F -pgmF) or load plugins", path))
            elif word == "ANN":
                out.append(Violation("ANN", t.line, "ANN pragma is not allowed: annotations are "
                                                    "evaluated at compile time", path))
            elif word not in ALLOWED_PRAGMAS:
                out.append(Violation(word or "pragma", t.line, f"pragma {word or t.text!r} is not allowed", path))
        elif t.kind in ("varid", "qvarid"):
            base = t.text.rsplit(".", 1)[-1]
            if base in FORBIDDEN_IDENTIFIERS:
                out.append(Violation(base, t.line, f"{base} is not allowed", path))
            elif t.text == "foreign" or base == "foreign":
                out.append(Violation("foreign", t.line, "foreign declarations (FFI) are not allowed", path))
    return out


def check_source(src: HaskellSource) -> list[Violation]:
    """Every policy violation in a parsed source, in line order."""
    out = _token_violations(src.tokens, src.path)
    for d in src.imports:
        module = src.imported_module(d)
        v = _module_violation(module, d.start_line, src.path)
        if v:
            out.append(v)
    for d in src.decls:
        if d.kind == "foreign" and not any(v.construct == "foreign" and v.line == d.start_line for v in out):
            out.append(Violation("foreign", d.start_line, "foreign declarations (FFI) are not allowed", src.path))
    return sorted(out, key=lambda v: v.line)


def check_expression(text: str, label: str, qualifiers: Iterable[tuple[str, str]] = ()) -> list[Violation]:
    """Policy for a standalone expression (a `--input` value or a model's diverging input).
    `qualifiers` are the (alias, module) pairs the programs import: `M.fromList` is judged by the
    module `M` stands for."""
    modules: dict[str, list[str]] = {}
    for alias, module in qualifiers:
        modules.setdefault(alias, []).append(module)
    tokens = tokenize(text)
    out = _token_violations(tokens, label)
    for t in tokens:
        if t.kind == "pragma":
            continue
        if t.kind in ("qvarid", "qconid", "qvarsym", "qconsym"):
            module = t.qualifier or ""
            for target in modules.get(module, [module]):
                v = _module_violation(target, t.line, label)
                if v:
                    out.append(v)
        if t.text in ("import", "module"):
            out.append(Violation(t.text, t.line, f"'{t.text}' is not allowed in an expression", label))
    return out


# ------------------------------------------------------------------------------------------------
# Processes

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
_spawn_lock = threading.Lock()
_network_probe: bool | None = None


def _unshare_network() -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) == 0:
        return True
    # Unprivileged: a user namespace grants the right to make a network namespace.
    return libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0


def _limiter(limits: SandboxConfig):
    def apply() -> None:  # runs in the child between fork and exec
        os.setsid()
        mb = 1 << 20
        resource.setrlimit(resource.RLIMIT_AS, (limits.address_space_mb * mb,) * 2)
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes,) * 2)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.max_file_mb * mb,) * 2)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.max_open_files,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if limits.isolate_network:
            _unshare_network()
    return apply


def network_isolated() -> bool:
    """Whether a sandboxed process here gets an empty network namespace (probed once)."""
    global _network_probe
    if _network_probe is None:
        pid = os.fork()
        if pid == 0:
            os._exit(0 if _unshare_network() else 1)
        _, status = os.waitpid(pid, 0)
        _network_probe = os.waitstatus_to_exitcode(status) == 0
    return _network_probe


def _environment(cwd: Path, extra: dict[str, str] | None) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "TMPDIR": str(cwd),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }
    env.update(extra or {})
    return env


def spawn(argv: list[str], *, cwd: Path, limits: SandboxConfig, stderr_path: Path,
          env: dict[str, str] | None = None) -> subprocess.Popen:
    """Starts a long-lived sandboxed process with pipes on stdin/stdout; stderr goes to a file
    (bounded by RLIMIT_FSIZE) so that it can never block the process."""
    with _spawn_lock, open(stderr_path, "wb") as err:
        return subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
            env=_environment(cwd, env), preexec_fn=_limiter(limits), close_fds=True)


def kill(proc: subprocess.Popen) -> None:
    """Kills the process and everything it started (its process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        proc.kill()
    with contextlib.suppress(Exception):
        proc.wait(timeout=5)


class LineTimeout(Exception):
    pass


class LineTooLong(Exception):
    pass


def read_line(proc: subprocess.Popen, buffer: bytearray, *, timeout: float, cap: int) -> bytes | None:
    """Reads one line from a sandboxed process's stdout within `timeout` seconds.  Returns None at
    end of file.  `buffer` carries bytes read past the newline to the next call."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            nl = buffer.find(b"\n")
            if nl >= 0:
                line = bytes(buffer[:nl])
                del buffer[:nl + 1]
                return line
            if len(buffer) > cap:
                raise LineTooLong(f"a line longer than {cap} bytes")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LineTimeout()
            if not sel.select(remaining):
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            buffer.extend(chunk)


@dataclass(frozen=True)
class RunResult:
    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool
    wall: float


def run(argv: list[str], *, cwd: Path, limits: SandboxConfig, stdin: bytes | None = None,
        timeout: float, env: dict[str, str] | None = None, merge_stderr: bool = False) -> RunResult:
    """Runs a command to completion under the limits; output beyond the cap is dropped.
    `merge_stderr` interleaves stderr into stdout as a terminal would show them."""
    start = time.monotonic()
    with _spawn_lock:
        proc = subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
            env=_environment(cwd, env),
            preexec_fn=_limiter(limits), close_fds=True)
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        kill(proc)
        out, err = proc.communicate()
        timed_out = True
    finally:
        kill(proc)  # anything the command left behind in its group
    cap = limits.output_cap_bytes
    return RunResult(proc.returncode if not timed_out else -signal.SIGKILL, out[:cap], (err or b"")[:cap],
                     timed_out, time.monotonic() - start)


@contextlib.contextmanager
def scratch_dir(prefix: str = "hsx-"):
    """A private temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as d:
        os.chmod(d, 0o700)
        yield Path(d)
