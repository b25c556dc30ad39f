#!/usr/bin/env python3
"""Validates scripts/bench/bench_pairs.jsonl with real GHC (a maintenance script, run by hand).

For every pair it checks, and reports per pair:
  * the record has the fields id, a_source, b_source, inputs (a list of strings);
  * each side has exactly one entry (hsx.haskell.source's rule: the one top-level function no other
    top-level declaration references), with a type signature, and both entries have the same type
    (type variables are instantiated with Int, constraints dropped);
  * there is one input per argument, and each input is valid `Read` syntax for its argument type
    (readMaybe gives the same value as the input written as an expression);
  * applied to the inputs, the two entries DIFFER: `show` of the results differs, or one side
    throws and the other returns a value.  Both sides throwing, or a timeout, is a failure.

Each side becomes a standalone `Main` module (the user's module header, if any, is dropped; the
entry is applied to the inputs written as typed expressions; the result is forced with
`length (show r)` under `try` and `timeout`) and is run with `runghc`.  Sides run in parallel.

Usage: python scripts/bench/check_bench_pairs.py [--pairs scripts/bench/bench_pairs.jsonl] [--only ID ...]
Exit status 0 when every pair checks out.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hsx.config import SandboxConfig  # noqa: E402
from hsx.haskell import sandbox  # noqa: E402
from hsx.haskell.hstypes import TCon, TVar, TypeParseError, canonical, map_type, parse_scheme, render, split_function  # noqa: E402
from hsx.haskell.source import parse_source  # noqa: E402
from hsx.haskell.tokens import SourceError  # noqa: E402

# runghc links in memory and writes nothing big; the defaults of the sandbox fit.
LIMITS = SandboxConfig()

ALLOWED_IMPORTS = {"Prelude", "Data.List", "Data.Char", "Data.Maybe"}
EVAL_TIMEOUT_US = 3_000_000  # per side, inside the program
RUN_TIMEOUT_S = 180  # per runghc process (includes interpreting the module)


class PairError(Exception):
    pass


def entry_and_type(source: str, label: str) -> tuple[str, list[str], str]:
    """(entry name, monomorphic argument types, canonical type text) of one side."""
    try:
        src = parse_source(source, label)
    except SourceError as e:
        raise PairError(f"{label}: {e}") from None
    cands = src.entry_candidates()
    if len(cands) != 1:
        raise PairError(f"{label}: expected exactly one entry, found {cands}")
    entry = cands[0]
    for d in src.imports:
        mod = src.imported_module(d)
        if mod not in ALLOWED_IMPORTS:
            raise PairError(f"{label}: import of {mod} (allowed: {sorted(ALLOWED_IMPORTS)})")
    sigs = [d for d in src.decls if d.kind == "signature" and entry in d.names]
    if len(sigs) != 1:
        raise PairError(f"{label}: entry {entry} needs exactly one type signature")
    toks = [t.text for t in sigs[0].tokens]
    type_text = " ".join(toks[toks.index("::") + 1:])
    try:
        scheme = parse_scheme(type_text)
    except TypeParseError as e:
        raise PairError(f"{label}: cannot read the type of {entry}: {e}") from None
    mono = map_type(scheme.body, lambda n: TCon("Int") if isinstance(n, TVar) else n)
    args, _ = split_function(mono)
    return entry, [render(a) for a in args], render(canonical(scheme.body))


def side_program(source: str, entry: str, inputs: list[str], arg_types: list[str]) -> str:
    """`source` as a runnable Main module printing READ checks and the outcome of the entry."""
    src = parse_source(source)
    lines = source.split("\n")
    insert_at = 0
    if src.header_lines is not None:
        first, last = src.header_lines
        del lines[first - 1:last]
        insert_at = first - 1
    else:
        # After leading file-header pragmas ({-# LANGUAGE ... #-}), if any.
        for d in src.decls:
            if d.kind != "pragma":
                break
            insert_at = d.end_line
    prologue = [
        "module Main (main) where",
        "import qualified Control.Exception as HsxCheckE",
        "import qualified System.Timeout as HsxCheckT",
        "import qualified Text.Read as HsxCheckR",
    ]
    lines[insert_at:insert_at] = prologue
    applied = " ".join([entry] + [f"({e} :: {t})" for e, t in zip(inputs, arg_types)])
    reads = "\n".join(
        f"  putStrLn (\"READ \" ++ show (HsxCheckR.readMaybe {json.dumps(e)} == Just ({e} :: {t})))"
        for e, t in zip(inputs, arg_types))
    epilogue = f"""

hsxCheckOutcome :: Show r => r -> IO String
hsxCheckOutcome r = do
  -- try outside timeout: catching SomeException inside would swallow timeout's own exception.
  res <- HsxCheckE.try (HsxCheckT.timeout {EVAL_TIMEOUT_US} (HsxCheckE.evaluate (hsxCheckForce (show r))))
  pure (case res of
    Left e -> "EXCEPTION " ++ show (e :: HsxCheckE.SomeException)
    Right Nothing -> "TIMEOUT"
    Right (Just s) -> "VALUE " ++ s)

hsxCheckForce :: String -> String
hsxCheckForce s = length s `seq` s

main :: IO ()
main = do
{reads}
  o <- hsxCheckOutcome ({applied})
  putStrLn ("RESULT " ++ o)
"""
    return "\n".join(lines) + epilogue


def run_side(program: str, workdir: Path) -> tuple[list[bool], str]:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "Main.hs").write_text(program)
    proc = sandbox.run(["runghc", "Main.hs"], cwd=workdir, limits=LIMITS, timeout=RUN_TIMEOUT_S)
    stdout, stderr = proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")
    if proc.timed_out:
        raise PairError(f"runghc did not finish within {RUN_TIMEOUT_S} s in {workdir}")
    if proc.returncode != 0:
        raise PairError(f"runghc failed in {workdir}:\n{stderr.strip()}")
    reads: list[bool] = []
    result = None
    for line in stdout.splitlines():
        if line.startswith("READ "):
            reads.append(line == "READ True")
        elif line.startswith("RESULT "):
            result = line[len("RESULT "):]
    if result is None:
        raise PairError(f"no RESULT line from {workdir}: {stdout!r} {stderr!r}")
    return reads, result


def check_pair(rec: dict, tmp: Path) -> str:
    for key, typ in (("id", str), ("a_source", str), ("b_source", str), ("inputs", list)):
        if not isinstance(rec.get(key), typ):
            raise PairError(f"field {key!r} missing or not a {typ.__name__}")
    if not all(isinstance(x, str) for x in rec["inputs"]):
        raise PairError("inputs must be strings")
    pid = rec["id"]
    entry_a, types_a, sig_a = entry_and_type(rec["a_source"], f"{pid}/a")
    entry_b, types_b, sig_b = entry_and_type(rec["b_source"], f"{pid}/b")
    if sig_a != sig_b:
        raise PairError(f"entry types differ: {sig_a} vs {sig_b}")
    if len(types_a) != len(rec["inputs"]):
        raise PairError(f"{len(rec['inputs'])} inputs for {len(types_a)} arguments")
    with ThreadPoolExecutor(2) as ex:
        fa = ex.submit(run_side, side_program(rec["a_source"], entry_a, rec["inputs"], types_a), tmp / pid / "a")
        fb = ex.submit(run_side, side_program(rec["b_source"], entry_b, rec["inputs"], types_b), tmp / pid / "b")
        reads_a, out_a = fa.result()
        reads_b, out_b = fb.result()
    if not all(reads_a) or not all(reads_b):
        raise PairError(f"an input is not valid Read syntax for its type {types_a}: {rec['inputs']}")
    if "TIMEOUT" in (out_a, out_b):
        raise PairError(f"timeout: a={out_a} b={out_b}")
    if out_a.startswith("EXCEPTION") and out_b.startswith("EXCEPTION"):
        raise PairError(f"both sides throw: a={out_a} b={out_b}")
    if out_a == out_b:
        raise PairError(f"same outcome on {rec['inputs']}: {out_a}")
    return f"{entry_a} {' '.join(rec['inputs'])}: a={out_a} | b={out_b}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=ROOT / "scripts" / "bench" / "bench_pairs.jsonl")
    parser.add_argument("--only", nargs="*", default=None, help="check only these ids")
    parser.add_argument("--jobs", type=int, default=4, help="pairs checked in parallel")
    parser.add_argument("--keep", action="store_true", help="keep the generated programs")
    args = parser.parse_args()

    records = [json.loads(line) for line in args.pairs.read_text().splitlines() if line.strip()]
    ids = [r.get("id") for r in records]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        print(f"duplicate ids: {dupes}")
        return 1
    if args.only:
        records = [r for r in records if r.get("id") in set(args.only)]

    tmp_ctx = tempfile.TemporaryDirectory(prefix="hsx-check-")
    tmp = Path(tmp_ctx.name)

    def one(rec: dict) -> tuple[str, bool, str]:
        try:
            return rec.get("id", "?"), True, check_pair(rec, tmp)
        except PairError as e:
            return rec.get("id", "?"), False, str(e)

    failures = 0
    with ThreadPoolExecutor(max(1, args.jobs)) as ex:
        for pid, ok, msg in ex.map(one, records):
            print(f"{'ok  ' if ok else 'FAIL'} {pid}: {msg}", flush=True)
            failures += not ok
    if args.keep:
        print(f"programs kept in {tmp}")
    else:
        tmp_ctx.cleanup()
    print(f"{len(records) - failures}/{len(records)} pairs diverge as claimed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
