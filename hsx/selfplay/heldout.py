"""The held-out measure: Bob's accuracy on pairs from programs that no iteration ever selects.

Consumes the program pool, the `[selfplay]` config, the run's two verifiers, the transformations
(hsx/selfplay/transform/__init__.py) and a way to ask Bob (`AskBob`: the base model or an adapter);
produces `runs/<name>/heldout/` (programs.jsonl, verify.jsonl, pairs.jsonl of
`hsx.records.HeldOutPair`s, split.json (`hsx.records.HeldOutSplit`), and the base model's
judgements base.jsonl) and per iteration `iter_<k>/heldout_bob.jsonl` (lines of both:
`hsx.records.HeldOutJudgements`) and `iter_<k>/heldout.json` (`hsx.selfplay.metrics.HeldOutMeasure`):
base vs current Bob on the same pairs and samples, paired.
"""

from __future__ import annotations

import collections
import dataclasses
import random
import time
from pathlib import Path
from typing import Callable

from rich.console import Console

from hsx.agents import parsing
from hsx.config import SelfPlayConfig, derive_seed
from hsx.eval import statistics
from hsx.haskell.syntax import SyntaxFn
from hsx.pool.programs import Program, load_pool
from hsx.records import HeldOutJudgements, HeldOutPair, HeldOutSplit, PairKind, Verification
from hsx.runs import JsonlLog, progress_bar, read_json, read_jsonl, write_json, write_jsonl
from hsx.selfplay import transform
from hsx.selfplay.metrics import HeldOutAccuracy, HeldOutMeasure, PairedTest
from hsx.selfplay.outcomes import classify, diverging_input
from hsx.verify.pipeline import PairRequest, Verifier

# (progress label, pairs as (P, Q) code, adapters, seed) -> (Bob's conversations, his k samples of each)
AskBob = Callable[[str, list[tuple[str, str]], dict[str, str], int], tuple[list[list[dict]], list[list]]]


class HeldOut:
    def __init__(self, run_dir: Path, config: SelfPlayConfig, console: Console, ask_bob: AskBob):
        self.dir = run_dir / "heldout"
        self.config = config
        self.console = console
        self.ask_bob = ask_bob

    def program_ids(self) -> set[str]:
        return {p["id"] for p in read_jsonl(self.dir / "programs.jsonl")}

    def split(self, verifier: Verifier, search_only: Verifier, syntax: Callable[[], SyntaxFn]) -> None:
        """Before iteration 0: `heldout_programs` programs leave the pool for good, and their
        verified transformation pairs (one SEQ and one SINQ candidate each) are the test split.
        The split is by P by construction (no iteration ever selects these programs), and it is
        made by the transformations whatever `alice.backend` is, so it does not move with Alice.
        `syntax` gives the transformations' syntax-tree reader (asked for only when needed)."""
        sp, d = self.config, self.dir
        if sp.heldout_programs <= 0 or (d / "pairs.jsonl").exists():
            return
        progs_file = d / "programs.jsonl"
        if not progs_file.exists():
            pool = sorted(load_pool(Path(sp.pool)), key=lambda p: p.id)
            chosen = random.Random(f"{sp.seed}-heldout").sample(pool, min(sp.heldout_programs, len(pool)))
            write_jsonl(progs_file, [p.to_json() for p in sorted(chosen, key=lambda p: p.id)])
        programs = {p["id"]: Program.from_json(p) for p in read_jsonl(progs_file)}
        reader = syntax()
        cands: dict[str, HeldOutPair] = {}
        for pid in sorted(programs):
            p = programs[pid]
            for kind in ("seq", "sinq"):
                rng = random.Random(f"{sp.seed}-heldout-{pid}-{kind}")
                # Two candidates of each kind, so that losses to verification (a SEQ candidate
                # whose proof is not found) still leave both labels to balance.
                for j, c in enumerate(transform.propose(p.code, p.entry, kind, rng, count=HELDOUT_CANDIDATES,
                                                        syntax=reader)):
                    if not parsing.same_program(p.code, c.q):
                        cid = f"heldout-{pid}-{kind}" + (f"-{j}" if j else "")
                        cands[cid] = HeldOutPair(cid, pid, p.code, c.q, kind, c.transform, c.site)
        log = JsonlLog(d / "verify.jsonl")
        todo = [c for c in cands.values() if c.id not in log]
        t0 = time.monotonic()
        with progress_bar(self.console) as progress:
            task = progress.add_task("held-out split: verify", total=len(todo))
            for kind, v in (("seq", verifier), ("sinq", search_only)):
                reqs = [PairRequest(c.p, c.q, a_path="P.hs", b_path="Q.hs", entry_a=programs[c.program_id].entry,
                                    entry_b=programs[c.program_id].entry, id=c.id)
                        for c in todo if c.kind == kind]
                for res in v.verify_many(reqs) if reqs else ():
                    log.append(classify(res, kind).to_json())
                    progress.advance(task)
        verifications = {rid: Verification.from_json(rec) for rid, rec in log.records.items()}
        verified = [dataclasses.replace(cands[rid], inputs=diverging_input(cands[rid].kind, None, v))
                    for rid, v in sorted(verifications.items()) if v.ok and rid in cands]
        pairs = balance_labels(verified, random.Random(f"{sp.seed}-heldout-balance"))
        labels = collections.Counter(p.kind.value for p in pairs)
        write_json(d / "split.json", HeldOutSplit(
            len(programs), len(cands), dict(collections.Counter(v.outcome for v in verifications.values())),
            len(verified), len(pairs), dict(labels), len(labels) < 2, round(time.monotonic() - t0, 3)).to_json())
        write_jsonl(d / "pairs.jsonl", [p.to_json() for p in pairs])
        self.console.print(f"held-out split: {len(pairs)} verified pairs from {len(programs)} programs "
                           f"({', '.join(f'{n} {k.upper()}' for k, n in sorted(labels.items()))})")
        if len(labels) < 2:
            self.console.print("[yellow]held-out split is one-sided[/yellow]: every pair has the same label, so "
                               "Bob's accuracy on it says little (compare it with the majority baseline)")

    def pairs(self) -> list[HeldOutPair]:
        return [HeldOutPair.from_json(d) for d in read_jsonl(self.dir / "pairs.jsonl")]

    def measure(self, it_dir: Path, k: int, adapters: dict[str, str],
                times: dict[str, float]) -> HeldOutMeasure | None:
        """After training iteration k: Bob's accuracy on the held-out split, base model vs the
        current adapter (`adapters`: those trained so far)."""
        pairs = self.pairs()
        out = it_dir / "heldout.json"
        if not pairs:
            return None
        if out.exists():
            return HeldOutMeasure.from_json(read_json(out))
        t0 = time.monotonic()
        base = self._judge(self.dir / "base.jsonl", pairs, {}, "held-out: base Bob")
        if "bob" in adapters:
            current = self._judge(it_dir / "heldout_bob.jsonl", pairs, adapters, f"held-out: Bob after iteration {k}")
        else:
            current = base  # no adapter trained yet: Bob is the base model
        summary = dataclasses.replace(heldout_statistics(base, current, [p.kind.value for p in pairs],
                                                         seed=self.config.seed),
                                      adapter=adapters.get("bob"), seconds=round(time.monotonic() - t0, 3))
        write_json(out, summary.to_json())
        times["heldout"] = time.monotonic() - t0
        return summary

    def _judge(self, path: Path, pairs: list[HeldOutPair], adapters: dict[str, str], label: str) -> list[list[bool]]:
        """Bob's k judgements of every held-out pair (cached in `path`): the same prompts and the
        same seed for the base model and for every adapter, so sample j of a pair is paired."""
        if path.exists():
            return [list(HeldOutJudgements.from_json(r).correct) for r in read_jsonl(path)]
        _, outs = self.ask_bob(label, [(p.p, p.q) for p in pairs], adapters,
                               derive_seed(self.config.seed, "heldout", "bob"))
        records = []
        for pair, samples in zip(pairs, outs):
            judged = tuple(parsing.parse_bob(s.text) for s in samples)
            records.append(HeldOutJudgements(pair.id, pair.kind, judged,
                                             tuple(j is not None and j == pair.kind.label for j in judged),
                                             tuple(s.text for s in samples)))
        write_jsonl(path, [r.to_json() for r in records])
        return [list(r.correct) for r in records]


# Candidates of each kind per held-out program, and the largest share one label may have.
HELDOUT_CANDIDATES = 2
MAX_LABEL_SHARE = 0.6


def balance_labels(pairs: list[HeldOutPair], rng: random.Random) -> list[HeldOutPair]:
    """The pairs with the larger label cut down (a seeded draw, in id order) until it is at most
    MAX_LABEL_SHARE of the split, so that Bob's accuracy cannot look good by answering one word.
    With one label only (no prover: no SEQ pair) nothing is cut and the split is one-sided."""
    by_kind: dict[PairKind, list[HeldOutPair]] = collections.defaultdict(list)
    for p in sorted(pairs, key=lambda p: p.id):
        by_kind[p.kind].append(p)
    if len(by_kind) < 2:
        return sorted(pairs, key=lambda p: p.id)
    smallest = min(len(v) for v in by_kind.values())
    cap = int(smallest * MAX_LABEL_SHARE / (1 - MAX_LABEL_SHARE) + 1e-9)
    kept = [p for group in by_kind.values()
            for p in (group if len(group) <= cap else rng.sample(group, cap))]
    return sorted(kept, key=lambda p: p.id)


def heldout_statistics(base: list[list[bool]], current: list[list[bool]], kinds: list[str], *,
                       seed: int = 0) -> HeldOutMeasure:
    """Accuracy of base and current Bob on the same pairs and samples, 95% bootstrap intervals
    over pairs, and two paired tests: the paired bootstrap of the per-pair difference (pairs
    resampled together) and exact McNemar over the paired samples (sample j of a pair has the
    same prompt and seed on both sides; samples of one pair are not independent, so the
    bootstrap over pairs is the one to read first)."""
    def side(rows: list[list[bool]]) -> HeldOutAccuracy:
        scores = [sum(r) / len(r) for r in rows]
        flat = [x for r in rows for x in r]
        lo, hi = statistics.bootstrap_mean_ci(scores, seed=seed)
        by_kind = {k: sum(sum(r) for r, kk in zip(rows, kinds) if kk == k)
                   / max(1, sum(len(r) for r, kk in zip(rows, kinds) if kk == k)) for k in sorted(set(kinds))}
        return HeldOutAccuracy(sum(flat) / len(flat) if flat else None, (lo, hi), by_kind)
    only_base, only_current = statistics.discordant([x for r in base for x in r], [x for r in current for x in r])
    diff = statistics.paired_bootstrap_diff([sum(r) / len(r) for r in base], [sum(r) / len(r) for r in current],
                                            seed=seed)
    labels = collections.Counter(kinds)
    return HeldOutMeasure(len(base), len(base[0]) if base else 0, dict(labels),
                          max(labels.values()) / len(kinds) if kinds else None, side(base), side(current),
                          PairedTest(diff["diff"], tuple(diff["ci"]), diff["p_not_better"],
                                     statistics.mcnemar_exact(only_base, only_current), only_base, only_current))


__all__ = ["AskBob", "HeldOut", "heldout_statistics"]
