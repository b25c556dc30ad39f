#!/usr/bin/env python3
"""The published reference method that hsx's benchmark compares against: compile and diff.

Given two programs P and Q, their entry functions, one diverging input (a Haskell literal per
argument of the entry) and the argument types, the reference method

  1. turns each program into a module of its own (`P.hs` with header `module P where`, replacing
     any header the user wrote, likewise `Q.hs`) and writes a `Main.hs` beside it whose `main`
     reads ONE value from stdin with `readMaybe` (the tuple of the arguments, annotated with the
     argument types; a lone argument is read as itself, no arguments as `()`), applies the entry
     and prints the result with `print` (i.e. `show`);
  2. compiles each side with a single `ghc` invocation, without -O;
  3. runs both executables with the input on stdin, and
  4. compares the two stdout byte strings: different output means "the programs differ".

Consequences of the method that the benchmark inherits on purpose: an exception counts only
through what it does to stdout (value vs exception differs, two different exceptions do not),
and a side killed by the timeout is compared on whatever it printed before.

`reference_check` returns (differs, seconds), where seconds is the wall time of the whole
check: writing the files, both compilations and both runs.  Every process is started through
`hsx.haskell.sandbox.run` under a `SandboxConfig`.  A compilation failure, or an input that one side
cannot `read` at the given types, raises `ReferenceCheckError`: the method has no verdict then.
The heap of the compiled programs is capped with `-with-rtsopts=-M<heap_mb>m` (the sandbox's
heap limit); that changes nothing but the outcome of a memory bomb.

Run as a script, it checks pairs from scripts/bench/bench_pairs.jsonl (entries and argument types are
found with hsx.haskell.source; type variables are instantiated with Int):

    python scripts/bench/reference_check.py [--pairs scripts/bench/bench_pairs.jsonl] [--limit 3]
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `hsx` importable from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hsx.config import SandboxConfig  # noqa: E402
from hsx.haskell import sandbox  # noqa: E402
from hsx.haskell.source import parse_source  # noqa: E402

READ_FAILURE_EXIT = 3  # exit status of a reference program whose stdin does not parse
_IDENT = re.compile(r"[a-z_][\w']*")


class ReferenceCheckError(RuntimeError):
    """The reference method cannot judge this pair (a side does not compile, or the input does
    not read at the argument types)."""


def module_source(source: str, module: str) -> str:
    """`source` with its module header replaced by `module <module> where` (inserted after any
    leading file-header pragmas when there was none).  Exports everything, so the entry is
    visible to Main whatever export list the user wrote."""
    src = parse_source(source)
    lines = source.split("\n")
    header = f"module {module} where"
    if src.header_lines is not None:
        first, last = src.header_lines
        lines[first - 1:last] = [header]
    else:
        at = 0
        for d in src.decls:
            if d.kind != "pragma":
                break
            at = d.end_line
        lines[at:at] = [header]
    return "\n".join(lines)


def main_source(module: str, entry: str, arg_types: list[str]) -> str:
    """The reference `Main`: read the argument tuple from stdin, apply the entry, print."""
    n = len(arg_types)
    if n == 0:
        pattern, annotation, args = "()", "()", ""
    elif n == 1:
        pattern, annotation, args = "x1", f"({arg_types[0]})", " x1"
    else:
        names = [f"x{i}" for i in range(1, n + 1)]
        pattern = "(" + ", ".join(names) + ")"
        annotation = "(" + ", ".join(arg_types) + ")"
        args = " " + " ".join(names)
    fn = f"{module}.{entry}" if _IDENT.fullmatch(entry) else f"({module}.{entry})"
    # Values from the Prelude are used qualified so that nothing the user defined can clash with
    # them; the unqualified imports are there for the type names in the annotation (the user's
    # data types come from the user's module).
    return f"""module Main (main) where

import qualified Prelude as HsxRefP
import qualified System.Exit as HsxRefExit
import qualified Text.Read as HsxRefR
import Prelude
import {module}

main :: HsxRefP.IO ()
main = do
  s <- HsxRefP.getContents
  case HsxRefR.readMaybe s :: HsxRefP.Maybe {annotation} of
    HsxRefP.Nothing -> HsxRefExit.exitWith (HsxRefExit.ExitFailure {READ_FAILURE_EXIT})
    HsxRefP.Just {pattern} -> HsxRefP.print ({fn}{args})
"""


def stdin_text(inputs: list[str]) -> str:
    if not inputs:
        return "()"
    if len(inputs) == 1:
        return inputs[0]
    return "(" + ",".join(inputs) + ")"


def _compile(side_dir: Path, module: str, source: str, entry: str, arg_types: list[str],
             limits: SandboxConfig, ghc: str, compile_timeout: float) -> Path:
    side_dir.mkdir(parents=True, exist_ok=True)
    (side_dir / f"{module}.hs").write_text(module_source(source, module))
    (side_dir / "Main.hs").write_text(main_source(module, entry, arg_types))
    exe = side_dir / "main"
    argv = [ghc, "--make", "-v0", "Main.hs", "-i.", "-outputdir", "build", "-o", exe.name,
            f"-with-rtsopts=-M{limits.heap_mb}m"]
    r = sandbox.run(argv, cwd=side_dir, limits=limits, timeout=compile_timeout)
    if r.timed_out or r.returncode != 0 or not exe.exists():
        why = "timed out" if r.timed_out else f"exit {r.returncode}"
        msg = (r.stderr or r.stdout).decode("utf-8", "replace").strip()
        raise ReferenceCheckError(f"ghc failed on {module} ({why}):\n{msg}")
    return exe


def reference_check(a_source: str, b_source: str, entry_a: str, entry_b: str,
                    inputs: list[str], arg_types: list[str], workdir: Path, *,
                    limits: SandboxConfig | None = None, ghc: str = "ghc",
                    run_timeout: float = 10.0, compile_timeout: float = 300.0) -> tuple[bool, float]:
    """(whether P's and Q's stdout differ on `inputs`, wall seconds of the whole check)."""
    if len(inputs) != len(arg_types):
        raise ValueError(f"{len(inputs)} inputs for {len(arg_types)} argument types")
    limits = limits if limits is not None else SandboxConfig()
    workdir = Path(workdir)
    start = time.monotonic()
    stdin = stdin_text(inputs).encode("utf-8")
    outputs = []
    for module, source, entry in (("P", a_source, entry_a), ("Q", b_source, entry_b)):
        side = workdir / module.lower()
        exe = _compile(side, module, source, entry, arg_types, limits, ghc, compile_timeout)
        r = sandbox.run([str(exe.resolve())], cwd=side, limits=limits, stdin=stdin, timeout=run_timeout)
        if not r.timed_out and r.returncode == READ_FAILURE_EXIT:
            raise ReferenceCheckError(f"{module} cannot read the input {stdin.decode()!r} "
                                      f"at types {arg_types}")
        outputs.append(r.stdout)
    return outputs[0] != outputs[1], time.monotonic() - start


# ------------------------------------------------------------------------------------------------
# Script: run the method on benchmark pairs.

def _entry_and_arg_types(source: str) -> tuple[str, list[str]]:
    from hsx.haskell.hstypes import TCon, TVar, map_type, parse_scheme, render, split_function

    src = parse_source(source)
    cands = src.entry_candidates()
    if len(cands) != 1:
        raise ReferenceCheckError(f"expected one entry, found {cands}")
    entry = cands[0]
    sig = next(d for d in src.decls if d.kind == "signature" and entry in d.names)
    toks = [t.text for t in sig.tokens]
    body = parse_scheme(" ".join(toks[toks.index("::") + 1:])).body
    mono = map_type(body, lambda n: TCon("Int") if isinstance(n, TVar) else n)
    return entry, [render(t) for t in split_function(mono)[0]]


def _main() -> int:
    import argparse
    import json
    import tempfile

    parser = argparse.ArgumentParser(description="Run the reference method on benchmark pairs.")
    parser.add_argument("--pairs", type=Path,
                        default=Path(__file__).resolve().parent / "bench_pairs.jsonl")
    parser.add_argument("--limit", type=int, default=3, help="first N pairs (0: all)")
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    records = [json.loads(l) for l in args.pairs.read_text().splitlines() if l.strip()]
    if args.only:
        records = [r for r in records if r["id"] in set(args.only)]
    if args.limit:
        records = records[:args.limit]
    missed = 0
    for rec in records:
        entry_a, types = _entry_and_arg_types(rec["a_source"])
        entry_b, _ = _entry_and_arg_types(rec["b_source"])
        with tempfile.TemporaryDirectory(prefix="hsx-ref-") as d:
            try:
                differs, secs = reference_check(rec["a_source"], rec["b_source"], entry_a, entry_b,
                                                rec["inputs"], types, Path(d))
            except ReferenceCheckError as e:
                print(f"ERROR {rec['id']}: {e}")
                missed += 1
                continue
        missed += not differs
        print(f"{'differs' if differs else 'SAME   '} {rec['id']} ({secs:.2f}s)", flush=True)
    print(f"{len(records) - missed}/{len(records)} pairs differ under the reference method")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(_main())
