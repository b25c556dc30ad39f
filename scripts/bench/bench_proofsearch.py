#!/usr/bin/env python3
"""Benchmark of hsx's automatic proof search on known-EQUIVALENT pairs.

Every pair of scripts/bench/proof_pairs.jsonl (checked by scripts/bench/check_proof_pairs.py; each record
has id, a_source, b_source, tags and expected_template: empty | induction | accumulator | hard) goes
through one `Verifier.verify_many(..., jobs=J)` with no proof given, so after the counterexample
search finds nothing, hsx runs its automatic proof search with Liquid Haskell (when installed).

From each result's `proof` record (a dict, or None when this hsx has no proof stage) it counts:

  * verdicts (`equivalent` needs a checked proof; `inequivalent` on these pairs is a bug: the
    pairs are equivalent, so the script then exits 1);
  * proof statuses ("proved", "proof-failed", "prover-missing", ...);
  * pairs proved, per successful template (exact name, and family: empty / induction /
    accumulator / ...), and per expected_template class (proved / pairs);
  * attempts per template family: how often a template was tried and how often it succeeded.

Pairs with a `tier` (scripts/bench/proof_pairs_inductive.jsonl, written by
make_inductive_pairs.py) are also counted per tier; the tier table is printed against the previous
run of the same file, whose per-pair results a full run leaves in
scripts/bench/results/proofsearch-<file>.last.json (a run with --limit or --only leaves none).
`--budget S` sets the proof search budget per pair.  Each pair's row is appended to
runs/bench/proofsearch-<file>.partial.jsonl as it finishes; `--resume` goes on from an
interrupted run's rows instead of starting again.

When every result's proof status is "prover-missing" (or there is no proof stage at all) there is
nothing to measure: it says so and exits 0.  The numbers go to runs/bench/proofsearch.json in
every case (with "measured": false when nothing was measured).

The proof cache is switched off by default (a benchmark of cache hits measures nothing); pass
--cache to keep the configured behaviour.  Pairs run on --jobs workers (a batch's proofs run in
parallel, one Liquid Haskell process per worker).

Speed (--overhead K, default 8): for K proved pairs, the accepted module is checked again three
ways: a bare run of the prover command on the module file (subprocess, no hsx), the same run
through hsx (`hsx.proof.prover.run_prover`: sandbox, classification, no cache), and a repeated check
through hsx with the cache on (the second of two calls).  It prints Liquid Haskell's seconds per
module, hsx's overhead over the bare run, and the cache hit's seconds.

Run from the repository root, after `make setup` (which builds the prover with `make liquid`;
`HSX_LIQUID` overrides it with another command prefix):

    .venv/bin/python scripts/bench/bench_proofsearch.py [--pairs scripts/bench/proof_pairs.jsonl]
        [--jobs 2] [--limit N] [--cache]
    .venv/bin/python scripts/bench/bench_proofsearch.py --pairs scripts/bench/proof_pairs_pool.jsonl --jobs 2
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from hsx.config import load_config  # noqa: E402
from hsx.verdict import ProofAttempt, ProofRecord  # noqa: E402
from hsx.verify.pipeline import PairRequest, Verifier  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts" / "bench"))
from bench_verify import machine  # noqa: E402  (one description of the machine for all benchmarks)

OUT_DIR = ROOT / "runs" / "bench"
CLASSES = ("empty", "induction", "accumulator", "hard")
NO_STAGE = "no-proof-stage"  # our label for `result.proof is None`
MISSING = "prover-missing"
LH_MISSING_MSG = "Liquid Haskell not available: nothing measured (run `make liquid`)"


def load_pairs(path: Path, limit: int) -> list[dict]:
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return records[:limit] if limit else records


def family(template: str | None) -> str:
    """Template family from hsx's template name ("induction on xs (list)" -> "induction")."""
    if not template:
        return "-"
    t = template.lower()
    if "+ lemmas" in t:  # any template with the library of proved lemmas (hsx/proof/lemmas.py)
        return "with lemmas"
    for prefix, fam in (("empty", "empty"), ("case split", "case split"),
                        ("recursion induction", "recursion induction"),
                        ("natural induction", "induction"), ("induction", "induction"),
                        ("accumulator", "accumulator"), ("given", "given")):
        if t.startswith(prefix):
            return fam
    return t.split()[0]


def proof_fields(proof: ProofRecord | None) -> tuple[str, str | None, list[ProofAttempt]]:
    """(status, successful template, attempts) of a result's proof record, tolerating None."""
    if proof is None:
        return NO_STAGE, None, []
    return proof.status, proof.template if proof.proved else None, list(proof.attempts)


def git_commit() -> str | None:
    """The checked-out commit, read from .git (no process needed)."""
    try:
        head = (ROOT / ".git" / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            ref = ROOT / ".git" / head[5:]
            if ref.exists():
                return ref.read_text().strip()
            packed = (ROOT / ".git" / "packed-refs").read_text()
            return next((l.split()[0] for l in packed.splitlines() if l.endswith(" " + head[5:])), None)
        return head or None
    except OSError:
        return None


def run(records: list[dict], config, jobs: int, partial: Path | None = None) -> tuple[list[dict], float]:
    """Every pair through one Verifier.  With `partial`, each pair's row is appended to that
    file as soon as it is known, and pairs already there (from an interrupted run) are not run
    again: their rows, and the seconds they took, are read back."""
    done: dict[str, dict] = {}
    if partial is not None and partial.exists():
        for line in partial.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                done[row["id"]] = row
    todo = [r for r in records if r["id"] not in done]
    reqs = [PairRequest(r["a_source"], r["b_source"], a_path=f"{r['id']}/a.hs", b_path=f"{r['id']}/b.hs",
                        id=r["id"]) for r in todo]
    by_id = {r["id"]: r for r in records}
    rows: list[dict] = [done[r["id"]] for r in records if r["id"] in done]
    earlier = sum(r.get("wall_seconds", 0.0) for r in rows)
    t0 = last = time.monotonic()
    with Verifier(config) as v:
        for res in v.verify_many(reqs, jobs=jobs):
            status, template, attempts = proof_fields(res.proof)
            rec = by_id[res.id]
            row = dict(
                id=res.id, expected_template=rec.get("expected_template", "?"), tags=rec.get("tags", []),
                tier=rec.get("tier"),
                verdict=res.verdict.value, reason=res.reason, proof_status=status, template=template,
                family=family(template) if status == "proved" else None,
                attempts=[{"template": a.template, "status": a.status} for a in attempts],
                proof_seconds=(res.timings or {}).get("proof"), total_seconds=(res.timings or {}).get("total"),
                proof_text=res.proof.text if res.proof else None,
                # Wall time since the previous pair finished: the batch's seconds add up over rows.
                wall_seconds=round(time.monotonic() - last, 3),
            )
            last = time.monotonic()
            rows.append(row)
            if partial is not None:
                with partial.open("a") as f:
                    f.write(json.dumps(row) + "\n")
    rows.sort(key=lambda r: [x["id"] for x in records].index(r["id"]))
    return rows, earlier + time.monotonic() - t0


def summarize(rows: list[dict]) -> dict:
    verdicts = Counter(r["verdict"] for r in rows)
    statuses = Counter(r["proof_status"] for r in rows)
    proved = [r for r in rows if r["proof_status"] == "proved"]
    per_template = Counter(r["template"] or "?" for r in proved)
    per_family = Counter(r["family"] for r in proved)
    per_class: dict[str, dict] = {}
    for cls in list(CLASSES) + sorted({r["expected_template"] for r in rows} - set(CLASSES)):
        members = [r for r in rows if r["expected_template"] == cls]
        if not members and cls not in CLASSES:
            continue
        n_proved = sum(r["proof_status"] == "proved" for r in members)
        secs = [r["proof_seconds"] for r in members if isinstance(r["proof_seconds"], (int, float))]
        per_class[cls] = dict(
            proof_seconds_mean=round(sum(secs) / len(secs), 2) if secs else None,
            proof_seconds_max=round(max(secs), 2) if secs else None,
            pairs=len(members), proved=n_proved,
            rate=(n_proved / len(members)) if members else None,
            statuses=dict(Counter(r["proof_status"] for r in members)),
            proved_by=dict(Counter(r["family"] for r in members if r["proof_status"] == "proved")),
            not_proved=[r["id"] for r in members if r["proof_status"] != "proved"],
        )
    attempts: dict[str, dict] = defaultdict(lambda: dict(tried=0, proved=0, statuses=Counter()))
    for r in rows:
        for a in r["attempts"]:
            fam = family(a["template"])
            attempts[fam]["tried"] += 1
            attempts[fam]["proved"] += a["status"] == "proved"
            attempts[fam]["statuses"][a["status"]] += 1
    proof_times = [r["proof_seconds"] for r in rows if isinstance(r["proof_seconds"], (int, float))]
    return dict(
        pairs=len(rows), verdicts=dict(verdicts), proof_statuses=dict(statuses), proved=len(proved),
        proved_per_template=dict(per_template), proved_per_family=dict(per_family), per_class=per_class,
        attempts_per_family={k: dict(v, statuses=dict(v["statuses"])) for k, v in sorted(attempts.items())},
        proof_seconds_total=round(sum(proof_times), 3) if proof_times else None,
        proof_seconds_max=round(max(proof_times), 3) if proof_times else None,
        # Soundness alarms: every pair here is equivalent.
        inequivalent=[r["id"] for r in rows if r["verdict"] == "inequivalent"],
        equivalent_without_proof=[r["id"] for r in rows
                                  if r["verdict"] == "equivalent" and r["proof_status"] != "proved"],
        errors=[r["id"] for r in rows if r["verdict"] == "error"],
    )


TIER_NAMES = {1: "1 one-step", 2: "2 needs a lemma", 3: "3 generalised/discovered lemma"}


def print_results(console: Console, rows: list[dict]) -> None:
    """One line per pair: its tier, the proof status, the template and the seconds."""
    t = Table(title="per pair")
    for col in ("pair", "tier", "status", "s", "template"):
        t.add_column(col, justify="right" if col in ("tier", "s") else "left")
    for r in rows:
        secs = r["proof_seconds"]
        t.add_row(r["id"], str(r.get("tier") or "-"), r["proof_status"],
                  f"{secs:.1f}" if isinstance(secs, (int, float)) else "-", r["template"] or "-")
    console.print(t)


def tier_summary(rows: list[dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for tier in sorted({r.get("tier") for r in rows if r.get("tier") is not None}):
        members = [r for r in rows if r.get("tier") == tier]
        secs = [r["proof_seconds"] for r in members if isinstance(r["proof_seconds"], (int, float))]
        out[str(tier)] = dict(pairs=len(members), proved=sum(r["proof_status"] == "proved" for r in members),
                              seconds_max=round(max(secs), 1) if secs else None,
                              seconds_mean=round(sum(secs) / len(secs), 1) if secs else None)
    return out


def print_tiers(console: Console, rows: list[dict], previous: dict | None) -> None:
    """The tier table, against the previous run of the same pairs file (when there is one)."""
    now = tier_summary(rows)
    if not now:
        return
    before = (previous or {}).get("tiers", {})
    prev_proved = {r["id"] for r in (previous or {}).get("results", []) if r.get("proved")}
    t = Table(title="by tier" + (f" (previous run: {previous.get('date')})" if previous else " (no previous run)"))
    for col in ("tier", "pairs", "proved", "rate", "previous", "s/pair mean", "s/pair max"):
        t.add_column(col, justify="left" if col == "tier" else "right")
    total = dict(pairs=0, proved=0)
    for tier, d in now.items():
        b = before.get(tier)
        total["pairs"] += d["pairs"]
        total["proved"] += d["proved"]
        t.add_row(TIER_NAMES.get(int(tier), tier), str(d["pairs"]), str(d["proved"]),
                  f"{100 * d['proved'] / d['pairs']:.0f}%",
                  f"{b['proved']}/{b['pairs']}" if b else "-",
                  "-" if d["seconds_mean"] is None else f"{d['seconds_mean']:.1f}",
                  "-" if d["seconds_max"] is None else f"{d['seconds_max']:.1f}")
    pb = sum(b["proved"] for b in before.values()) if before else None
    t.add_row("all", str(total["pairs"]), str(total["proved"]),
              f"{100 * total['proved'] / total['pairs']:.0f}%" if total["pairs"] else "-",
              "-" if pb is None else f"{pb}/{sum(b['pairs'] for b in before.values())}", "", "")
    console.print(t)
    if previous:
        ids = {r["id"]: r["proof_status"] == "proved" for r in rows}
        gained = sorted(i for i, ok in ids.items() if ok and i not in prev_proved)
        lost = sorted(i for i, ok in ids.items() if not ok and i in prev_proved)
        console.print(f"newly proved: {', '.join(gained) or '-'}")
        console.print(f"no longer proved: {', '.join(lost) or '-'}")


def history_file(pairs: Path) -> Path:
    """Where a run of a pairs file leaves its per-pair results for the next run to compare
    against (kept in the repository: runs/ is not)."""
    return ROOT / "scripts" / "bench" / "results" / f"proofsearch-{pairs.stem}.last.json"


def save_history(path: Path, rows: list[dict], seconds: float, limited: bool) -> None:
    if limited:
        return  # a subset is no baseline for the whole file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(
        date=time.strftime("%Y-%m-%dT%H:%M:%S%z"), commit=git_commit(), seconds=round(seconds, 1),
        tiers=tier_summary(rows),
        results=[dict(id=r["id"], tier=r.get("tier"), proved=r["proof_status"] == "proved",
                      template=r["template"], proof_seconds=r["proof_seconds"]) for r in rows]), indent=1) + "\n")


def print_tables(console: Console, s: dict, jobs: int, seconds: float) -> None:
    t = Table(title=f"proof search: {s['pairs']} equivalent pairs, jobs={jobs}, {seconds:.1f} s")
    t.add_column("measure")
    t.add_column("value", justify="right")
    t.add_row("total pairs", str(s["pairs"]))
    for k, v in sorted(s["verdicts"].items()):
        t.add_row(f"verdict {k}", str(v))
    for k, v in sorted(s["proof_statuses"].items()):
        t.add_row(f"proof status {k}", str(v))
    t.add_row("proved", f"{s['proved']} / {s['pairs']}")
    for k, v in sorted(s["proved_per_family"].items()):
        t.add_row(f"proved by template family {k}", str(v))
    if s["proof_seconds_total"] is not None:
        t.add_row("proof time, total / max per pair (s)",
                  f"{s['proof_seconds_total']:.1f} / {s['proof_seconds_max']:.1f}")
    console.print(t)

    c = Table(title="by expected template class")
    for col, j in (("class", "left"), ("pairs", "right"), ("proved", "right"), ("rate", "right"),
                   ("s/pair mean", "right"), ("s/pair max", "right"),
                   ("proved by", "left"), ("proof statuses", "left")):
        c.add_column(col, justify=j)
    for cls, d in s["per_class"].items():
        rate = f"{100 * d['rate']:.0f}%" if d["rate"] is not None else "-"
        c.add_row(cls, str(d["pairs"]), str(d["proved"]), rate,
                  "-" if d["proof_seconds_mean"] is None else f"{d['proof_seconds_mean']:.1f}",
                  "-" if d["proof_seconds_max"] is None else f"{d['proof_seconds_max']:.1f}",
                  ", ".join(f"{k} {v}" for k, v in sorted(d["proved_by"].items())) or "-",
                  ", ".join(f"{k} {v}" for k, v in sorted(d["statuses"].items())) or "-")
    console.print(c)

    if s["proved_per_template"]:
        p = Table(title="successful templates (exact names)")
        p.add_column("template")
        p.add_column("pairs proved", justify="right")
        for k, v in sorted(s["proved_per_template"].items(), key=lambda kv: (-kv[1], kv[0])):
            p.add_row(k, str(v))
        console.print(p)

    if s["attempts_per_family"]:
        a = Table(title="attempts per template family")
        for col, j in (("family", "left"), ("tried", "right"), ("proved", "right"), ("statuses", "left")):
            a.add_column(col, justify=j)
        for k, v in s["attempts_per_family"].items():
            a.add_row(k, str(v["tried"]), str(v["proved"]),
                      ", ".join(f"{st} {n}" for st, n in sorted(v["statuses"].items())))
        console.print(a)


def measure_overhead(records: list[dict], rows: list[dict], config, k: int) -> dict | None:
    """Bare prover vs hsx's run of the same accepted modules, and a cache hit (see the docstring)."""
    import os
    import subprocess
    import tempfile
    from statistics import median

    from hsx.proof.lhmodule import MODULE_NAME
    from hsx.proof.prover import ProverMissing, locate_prover, run_prover

    try:
        prover = locate_prover(config.toolchain, config.sandbox)
    except ProverMissing:
        return None
    by_id = {r["id"]: r for r in records}
    chosen = [r for r in rows if r["proof_status"] == "proved"][:k]
    modules = []
    with Verifier(config) as v:
        for r in chosen:
            rec = by_id[r["id"]]
            lh = v.lh_module(PairRequest(rec["a_source"], rec["b_source"]))
            if hasattr(lh, "with_proof"):
                modules.append((r["id"], lh.with_proof(r["proof_text"])))
    no_cache = config.with_proof(cache=False).proof
    with_cache = config.with_proof(cache=True).proof
    out = []
    with tempfile.TemporaryDirectory(prefix="hsx-bench-") as tmp:
        for pid, text in modules:
            bare, hsx_runs = [], []
            for _ in range(3):  # interleaved, medians: the machine is shared
                d = Path(tempfile.mkdtemp(dir=tmp))
                (d / f"{MODULE_NAME}.hs").write_text(text)
                t0 = time.monotonic()
                subprocess.run([*prover.command, f"{MODULE_NAME}.hs"], cwd=d, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=os.environ.copy(), check=False)
                bare.append(time.monotonic() - t0)
                t0 = time.monotonic()
                outcome = run_prover(prover, text, proof=no_cache, limits=config.sandbox, cache_dir=tmp)
                hsx_runs.append(time.monotonic() - t0)
            cache_dir = tempfile.mkdtemp(dir=tmp)
            run_prover(prover, text, proof=with_cache, limits=config.sandbox, cache_dir=cache_dir)
            t0 = time.monotonic()
            cached = run_prover(prover, text, proof=with_cache, limits=config.sandbox, cache_dir=cache_dir)
            hit = time.monotonic() - t0
            b, h = median(bare), median(hsx_runs)
            out.append(dict(id=pid, bare_seconds=round(b, 3), hsx_seconds=round(h, 3),
                            overhead=round((h - b) / b, 3), cache_hit_seconds=round(hit, 4),
                            status=outcome.status, cached_status=cached.status))
    if not out:
        return None
    tb, th = sum(x["bare_seconds"] for x in out), sum(x["hsx_seconds"] for x in out)
    return dict(modules=out, bare_seconds_mean=round(tb / len(out), 3), hsx_seconds_mean=round(th / len(out), 3),
                overhead=round((th - tb) / tb, 3),
                cache_hit_seconds_max=max(x["cache_hit_seconds"] for x in out))


def print_overhead(console: Console, o: dict) -> None:
    t = Table(title="Liquid Haskell seconds per module: bare run vs through hsx (medians of 3), cache hit")
    for col in ("pair", "bare LH (s)", "hsx (s)", "overhead", "cache hit (s)"):
        t.add_column(col, justify="left" if col == "pair" else "right")
    for m in o["modules"]:
        t.add_row(m["id"], f"{m['bare_seconds']:.2f}", f"{m['hsx_seconds']:.2f}", f"{100 * m['overhead']:+.0f}%",
                  f"{m['cache_hit_seconds']:.4f}")
    t.add_row("mean", f"{o['bare_seconds_mean']:.2f}", f"{o['hsx_seconds_mean']:.2f}",
              f"{100 * o['overhead']:+.0f}%", f"max {o['cache_hit_seconds_max']:.4f}")
    console.print(t)


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark hsx's automatic proof search on equivalent pairs.")
    parser.add_argument("--pairs", type=Path, default=ROOT / "scripts" / "bench" / "proof_pairs.jsonl")
    parser.add_argument("--limit", type=int, default=0, help="first N pairs (0: all)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers")
    parser.add_argument("--cache", action="store_true", help="keep the configured proof cache (default: off)")
    parser.add_argument("--only", nargs="*", help="these pair ids only (no baseline is saved)")
    parser.add_argument("--resume", action="store_true",
                        help="keep the per-pair rows of an interrupted run of the same file and run only the rest")
    parser.add_argument("--budget", type=float, help="proof search budget per pair, seconds (default: configured)")
    parser.add_argument("--overhead", type=int, default=8,
                        help="proved pairs whose modules are re-checked bare vs through hsx (0: skip)")
    args = parser.parse_args()
    jobs = max(1, args.jobs)

    console = Console(width=max(Console().width, 110))
    records = load_pairs(args.pairs, args.limit)
    if args.only:
        records = [r for r in records if r["id"] in set(args.only)]
    config = load_config()
    proof_cfg = getattr(config, "proof", None)
    if proof_cfg is not None and hasattr(config, "with_proof"):
        changes = {"enabled": True}
        if not args.cache and hasattr(proof_cfg, "cache"):
            changes["cache"] = False
        if args.budget:
            changes["search_budget"] = args.budget
        config = config.with_proof(**changes)
    console.print(f"{len(records)} pairs from {args.pairs}, jobs={jobs}, "
                  f"proof config: {dataclasses.asdict(config.proof) if proof_cfg is not None else 'none'}")

    # Rows are appended here as pairs finish, so that a long run that is stopped loses nothing;
    # --resume goes on from them.  A finished run removes the file.
    partial = OUT_DIR / f"proofsearch-{args.pairs.stem}.partial.jsonl"
    partial.parent.mkdir(parents=True, exist_ok=True)
    if not args.resume and partial.exists():
        partial.unlink()
    rows, seconds = run(records, config, jobs, partial)
    s = summarize(rows)
    print_results(console, rows)
    print_tables(console, s, jobs, seconds)
    history = history_file(args.pairs)
    previous = json.loads(history.read_text()) if history.exists() else None
    print_tiers(console, rows, previous)

    statuses = set(s["proof_statuses"])
    measured = bool(rows) and not statuses <= {MISSING, NO_STAGE}
    note = None
    if rows and statuses == {MISSING}:
        note = LH_MISSING_MSG
    elif rows and statuses == {NO_STAGE}:
        note = ("this hsx has no proof stage (result.proof is None for every pair): nothing measured")
    elif rows and statuses == {MISSING, NO_STAGE}:
        note = LH_MISSING_MSG + "; some results had no proof stage at all"
    if note:
        console.print(f"[bold yellow]{note}[/bold yellow]")

    alarms = []
    if s["inequivalent"]:
        alarms.append(f"'inequivalent' on pairs that are equivalent: {', '.join(s['inequivalent'])}")
    if s["equivalent_without_proof"]:
        alarms.append(f"'equivalent' without a proved proof record: {', '.join(s['equivalent_without_proof'])}")
    if s["errors"]:
        console.print(f"[yellow]errors on: {', '.join(s['errors'])}[/yellow]")
    for a in alarms:
        console.print(f"[bold red]SOUNDNESS ALARM: {a}[/bold red]")

    overhead = measure_overhead(records, rows, config, args.overhead) if measured and args.overhead else None
    if overhead:
        print_overhead(console, overhead)

    out_path = OUT_DIR / f"proofsearch-{args.pairs.stem}.json"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    report = dict(
        date=time.strftime("%Y-%m-%dT%H:%M:%S%z"), commit=git_commit(), pairs_file=str(args.pairs),
        jobs=jobs, seconds=round(seconds, 3), machine=machine(), measured=measured, note=note,
        proof_config=dataclasses.asdict(config.proof) if proof_cfg is not None else None,
        summary=s, tiers=tier_summary(rows), overhead=overhead, results=rows,
    )
    out_path.write_text(json.dumps(report, indent=2) + "\n")
    if measured:
        save_history(history, rows, seconds, limited=bool(args.limit or args.only))
    partial.unlink(missing_ok=True)
    console.print(f"numbers written to {out_path.relative_to(ROOT)}")
    return 1 if alarms else 0


if __name__ == "__main__":
    sys.exit(main())
