#!/usr/bin/env python3
"""Checks the hand-written EQUIVALENT pairs of the proof benchmark (scripts/bench/proof_pairs*.jsonl).

The JSONL files are the pairs' only copy: edit them, then run this.  Two files:

* scripts/bench/proof_pairs.jsonl: pairs designed for the proof templates.
  Each pair is two small programs, A and B, whose entries (the one top-level function of each file
  that no other top-level definition references) have the same type and agree on every input.  They
  are written so that Liquid Haskell can reflect every function of both files (`{-@ reflect f @-}`
  under `--reflection --ple`), which is what hsx's automatic proof search needs:

    * only Int arithmetic (+, -, *) and comparison, Bool (&&, ||, not), if/case/guards and
      pattern matching; negation is written `0 - x` (no `negate`, no negative literals);
    * every recursive function is a top-level function with a type signature: own helpers instead
      of map/sum/foldr/length/reverse/max/..., no lambdas, no `where`/`let`, no imports, no classes;
    * types: Int, Bool, [Int], polymorphic [a], Maybe Int, tuples, and the data types
      `data Tree = Leaf | Node Tree Int Tree` and `data Expr = Lit Int | Add Expr Expr | Mul Expr Expr
      | Neg Expr`, declared identically in both files of a pair;
    * every pattern match is complete (Liquid Haskell checks totality), and recursion is structural
      on a list, Tree or Expr argument, or on an Int argument guarded by `n <= 0`.
    * the pairs are equivalent for GHC's 64-bit Int, not only for mathematical integers: rewrites
      use ring identities (which hold modulo 2^64) and never move a comparison across an addition.

  Each record is {"id", "a_source", "b_source", "tags", "expected_template"}, where
  expected_template is the proof template the pair is designed for:

    empty        no recursion in the argument: the empty proof under PLE suffices;
    induction    structural induction on a list / Tree / Expr argument, or Int induction from 0;
    accumulator  naive recursion vs a tail-recursive `go` with an accumulator: needs a helper lemma
                 `go acc xs == acc <op> f xs` proved by induction (like lh-fixtures/SafeInduction);
    hard         needs auxiliary lemmas (append associativity, ...), a strengthened induction
                 hypothesis, or a custom termination metric; not expected of the simple templates.

* scripts/bench/proof_pairs_pool.jsonl: A is a reflectable program of the pool
  (data/programs/pool_*.jsonl), verbatim, named by `pool_id`; B is a rewrite of it that a person
  or a model would plausibly write (guards <-> if, clauses <-> case, commuted arithmetic, a helper
  introduced or inlined, direct recursion <-> an accumulator).  Its `expected_template` says
  which kind of proof it needs, as above.

Checks, every pair: the record's fields; for a pair with a `pool_id`, that A is still the pool
program's code and the pool marks it reflectable; for the others, the static rules above (exactly
one entry per side, the same entry signature, data types declared identically); `ghc -fno-code`
with incomplete-pattern warnings as errors on each side (proof_pairs.jsonl only: the pool's
programs use `where`, library arithmetic and shadowing freely); and `hsx verify` (the Python API,
full counterexample search, the proof stage off) must find no counterexample and no error.
Exit status 0 when every pair passes.

Usage:
    python scripts/bench/check_proof_pairs.py [--pairs scripts/bench/proof_pairs.jsonl] [--jobs 2] [--only ID ...]
    python scripts/bench/check_proof_pairs.py --pairs scripts/bench/proof_pairs_pool.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hsx.config import SandboxConfig  # noqa: E402
from hsx.haskell import sandbox  # noqa: E402
from hsx.haskell.source import parse_source  # noqa: E402
from hsx.haskell.tokens import SourceError, tokenize  # noqa: E402
from hsx.pool.programs import load_pool  # noqa: E402

TEMPLATES = ("empty", "induction", "accumulator", "hard")
FIELDS = {"id", "a_source", "b_source", "tags", "expected_template"}


# Library names that reflected code may use: Liquid Haskell's logic knows them (or GHC's desugarer
# removes them: `otherwise` guards).
ALLOWED_PRELUDE = {"not", "otherwise"}
GHC_FLAGS = ["-fno-code", "-Werror=incomplete-patterns", "-Werror=incomplete-uni-patterns",
             "-Werror=overlapping-patterns", "-Werror=name-shadowing", "-Werror=unused-top-binds"]
FORBIDDEN_KEYWORDS = {"where", "let", "import", "class", "instance", "deriving", "module"}


class PairError(Exception):
    pass


def prelude_names() -> set[str]:
    """Every value name Prelude exports, from GHC itself."""
    with sandbox.scratch_dir() as d:
        proc = sandbox.run(["ghc", "-e", ":browse Prelude"], cwd=d, limits=SandboxConfig(), timeout=120)
    out = proc.stdout.decode()
    if proc.returncode != 0:
        raise SystemExit(f"ghc -e ':browse Prelude' failed: {proc.stderr.decode()}")
    names = set(re.findall(r"^\s*([a-z_][A-Za-z0-9_']*)\s*::", out, re.M))
    names |= set(re.findall(r"^\s*\(([^)]*)\)\s*::", out, re.M))  # operators
    return names


def lint_side(source: str, label: str, prelude: set[str]) -> tuple[str, str]:
    """Static rules for reflectable code; returns (entry name, its type text)."""
    try:
        src = parse_source(source, label)
    except SourceError as e:
        raise PairError(f"{label}: {e}") from None
    toks = tokenize(source)
    defined = set(src.function_names())
    ops_allowed = {"+", "-", "*", "==", "/=", "<", "<=", ">", ">=", "&&", "||", "=", "->", "|",
                   "::", ":", "_", "@"}
    for t in toks:
        if t.kind == "varid" and t.text in FORBIDDEN_KEYWORDS:
            raise PairError(f"{label}:{t.line}: `{t.text}` is not allowed in reflected code")
        if t.kind in ("varsym", "consym", "reservedop") and t.text not in ops_allowed:
            raise PairError(f"{label}:{t.line}: operator `{t.text}` (lambda, library operator?)")
        if t.kind.startswith("q"):
            raise PairError(f"{label}:{t.line}: qualified name `{t.text}`")
        if t.kind == "varid" and t.text in prelude and t.text not in ALLOWED_PRELUDE:
            if t.text in defined:
                raise PairError(f"{label}:{t.line}: `{t.text}` shadows a Prelude function")
            raise PairError(f"{label}:{t.line}: library function `{t.text}` in reflected code")
        if t.kind in ("string", "char"):
            raise PairError(f"{label}:{t.line}: string/char literal")
    sigs = {n for d in src.decls if d.kind == "signature" for n in d.names}
    missing = sorted(defined - sigs)
    if missing:
        raise PairError(f"{label}: no type signature for {missing}")
    for d in src.data_decls:
        if d.name not in ("Tree", "Expr", "Nat"):  # Nat: `data Nat = Z | S Nat` (inductive pairs)
            raise PairError(f"{label}: unexpected data type {d.name}")
    cands = src.entry_candidates()
    if len(cands) != 1:
        raise PairError(f"{label}: expected exactly one entry, found {cands}")
    entry = cands[0]
    sig = next(d for d in src.decls if d.kind == "signature" and entry in d.names)
    sig_toks = [t.text for t in sig.tokens]
    return entry, " ".join(sig_toks[sig_toks.index("::") + 1:])


def data_decl_texts(source: str) -> dict[str, str]:
    return {d.names[0]: " ".join(t.text for t in d.tokens)
            for d in parse_source(source).decls if d.kind in ("data", "newtype")}


def ghc_check(source: str, workdir: Path) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "M.hs").write_text("module M where\n\n" + source)
    proc = sandbox.run(["ghc", *GHC_FLAGS, "M.hs"], cwd=workdir, limits=SandboxConfig(), timeout=180)
    if proc.timed_out or proc.returncode != 0:
        raise PairError(f"ghc -fno-code failed on {workdir}:\n"
                        f"{(proc.stdout + proc.stderr).decode(errors='replace').strip()}")


def read_pairs(path: Path) -> list[dict]:
    """The records of a pairs file; exits naming the line of a malformed one."""
    records = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        r = json.loads(line)
        # Optional: `pool_id` (pool pairs), `tier` 1-3 (proof_pairs_inductive.jsonl).
        wanted = FIELDS | ({"pool_id"} if "pool_id" in r else set()) | ({"tier"} if "tier" in r else set())
        if set(r) != wanted or r["expected_template"] not in TEMPLATES or r.get("tier", 1) not in (1, 2, 3):
            raise SystemExit(f"{path}:{number}: a record has the fields {sorted(wanted)} and an "
                             f"expected_template in {TEMPLATES}, got {sorted(r)}")
        records.append(r)
    ids = [r["id"] for r in records]
    if len(set(ids)) != len(ids):
        raise SystemExit(f"{path}: duplicate ids {sorted({i for i in ids if ids.count(i) > 1})}")
    return records


def check_pool_side(p: dict, pool: dict) -> None:
    """A pool pair's A is the pool program, verbatim, and the pool thinks it reflectable."""
    program = pool.get(p["pool_id"])
    if program is None:
        raise PairError(f"pool_id {p['pool_id']!r} is not in data/programs")
    if p["a_source"] != program.code:
        raise PairError(f"a_source is no longer the code of pool program {program.id!r}")
    if program.reflectable != "true":
        raise PairError(f"pool program {program.id!r} is reflectable={program.reflectable}, not true")


def check(path: Path, jobs: int, only: list[str] | None) -> int:
    from hsx.config import load_config
    from hsx.verify.pipeline import PairRequest, Verifier

    records = [p for p in read_pairs(path) if not only or p["id"] in only]
    designed = [p for p in records if "pool_id" not in p]
    prelude = prelude_names() if designed else set()
    pool = {q.id: q for q in load_pool(ROOT / "data" / "programs")} if len(designed) < len(records) else {}
    failures: dict[str, str] = {}

    # 1. static rules and entries (designed pairs), or the pool program (pool pairs)
    for p in records:
        try:
            if "pool_id" in p:
                check_pool_side(p, pool)
                continue
            ea, ta = lint_side(p["a_source"], f"{p['id']}/a", prelude)
            eb, tb = lint_side(p["b_source"], f"{p['id']}/b", prelude)
            if ta != tb:
                raise PairError(f"entry signatures differ: {ea} :: {ta} vs {eb} :: {tb}")
            da, db = data_decl_texts(p["a_source"]), data_decl_texts(p["b_source"])
            for name in set(da) & set(db):
                if da[name] != db[name]:
                    raise PairError(f"data {name} declared differently in A and B")
        except PairError as e:
            failures[p["id"]] = f"lint: {e}"
    print(f"static rules or pool program: {len(records) - len(failures)}/{len(records)} pairs pass")

    # 2. ghc -fno-code on every side
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hsx-proof-pairs-") as tmp:
        def one(item: tuple[dict, str]) -> tuple[str, str | None]:
            p, side = item
            try:
                ghc_check(p[f"{side}_source"], Path(tmp) / p["id"] / side)
                return p["id"], None
            except PairError as e:
                return p["id"], f"{side}: {e}"

        items = [(p, s) for p in designed for s in ("a", "b")]
        ghc_failed = 0
        with ThreadPoolExecutor(max(1, jobs)) as ex:
            for pid, err in ex.map(one, items):
                if err:
                    ghc_failed += 1
                    failures.setdefault(pid, f"ghc: {err}")
    if items:
        print(f"ghc {' '.join(GHC_FLAGS)}: {len(items) - ghc_failed}/{len(items)} files compile "
              f"({time.monotonic() - t0:.1f} s)")

    # 3. hsx verify must find no counterexample (and no error)
    t0 = time.monotonic()
    verdicts: Counter[str] = Counter()
    reqs = [PairRequest(p["a_source"], p["b_source"], a_path=f"{p['id']}/a.hs",
                        b_path=f"{p['id']}/b.hs", id=p["id"]) for p in records]
    config = load_config()
    if hasattr(config, "with_proof"):
        # Only the counterexample search matters here; proofs are bench_proofsearch.py's job.
        config = config.with_proof(enabled=False)
    with Verifier(config) as v:
        for r in v.verify_many(reqs, jobs=jobs):
            verdicts[r.verdict.value] += 1
            tried = r.tried
            print(f"  {r.id:32s} {r.verdict.value:12s} enumerated={tried.enumerated} "
                  f"random={tried.random_tests} divergences={len(r.possible_divergence)}")
            if r.verdict.value in ("inequivalent", "error"):
                failures.setdefault(r.id, f"hsx verify: {r.verdict.value}: {r.reason}")
    print(f"hsx verify: {dict(sorted(verdicts.items()))} ({time.monotonic() - t0:.1f} s)")

    by_class = Counter(p["expected_template"] for p in records)
    print(f"pairs: {len(records)}  by expected_template: "
          + ", ".join(f"{t}={by_class[t]}" for t in TEMPLATES))
    for pid, msg in sorted(failures.items()):
        print(f"FAIL {pid}: {msg}")
    print("OK: every pair passes" if not failures else f"{len(failures)} pair(s) FAILED")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=ROOT / "scripts" / "bench" / "proof_pairs.jsonl",
                        help="the pairs file to check")
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers")
    parser.add_argument("--only", nargs="*", default=None, help="only these ids")
    args = parser.parse_args()
    return check(args.pairs, args.jobs, args.only)


if __name__ == "__main__":
    sys.exit(main())
