"""Alice's stage of a self-play iteration: a candidate Q for each selected P, verified, repaired.

Consumes the iteration's programs, the `[selfplay]` and `[alice]` config, Alice herself (the model,
through the loop's generator, or the transformations of hsx/selfplay/transform/__init__.py) and the two
verifiers; produces per repair round r `alice_r<r>.jsonl` (every prompt and raw answer, parsed)
and `verify_r<r>.jsonl` (each candidate's `hsx.records.Verification`), and returns the verified
candidates.  A round's files that exist are read back, so a resumed run does not redo them.
"""

from __future__ import annotations

import collections
import random
import time
from pathlib import Path
from typing import Callable

from rich.console import Console

from hsx.agents import parsing, prompts
from hsx.config import AliceConfig, SelfPlayConfig, derive_seed
from hsx.pool.programs import Program
from hsx.records import AliceAnswer, Verification, read_answers
from hsx.runs import JsonlLog, progress_bar, write_jsonl
from hsx.selfplay import transform
from hsx.selfplay.outcomes import classify
from hsx.haskell.syntax import SyntaxFn
from hsx.verdict import Result
from hsx.verify.pipeline import PairRequest, Verifier

# (progress label, conversations, n, adapters, agent, seed) -> n generations per conversation
Generate = Callable[..., list]


class Alice:
    """One iteration's Alice stage: `Alice(...).run(verifier, search_only, adapters)`."""

    def __init__(self, console: Console, generate: Generate, syntax: Callable[[], SyntaxFn],
                 k: int, it_dir: Path, programs: dict[str, Program], times: dict[str, float], *,
                 selfplay: SelfPlayConfig, alice: AliceConfig):
        self.selfplay, self.alice = selfplay, alice
        self.console = console
        self.generate = generate
        self.syntax = syntax
        self.k = k
        self.dir = it_dir
        self.programs = programs
        self.times = times

    def run(self, verifier: Verifier, search_only: Verifier,
            adapters: dict[str, str]) -> list[tuple[dict, Verification]]:
        """The verified candidates (Alice's answer and its verification) over all repair rounds.
        `search_only` checks SINQ candidates without an input (the search must find one)."""
        sp = self.selfplay
        rng = random.Random(f"{sp.seed}-kind-{self.k}")
        kinds = {pid: ("seq" if rng.random() < sp.p_seq else "sinq") for pid in sorted(self.programs)}
        sources = self._sources()
        pending: dict[str, tuple[list[dict], AliceAnswer | None]] = {}  # pid -> (conversation, previous)
        for pid in sorted(self.programs):
            p = self.programs[pid]
            if sources[pid] == "transform":
                pending[pid] = ([], None)  # no prompt: candidates come from hsx/selfplay/transform/__init__.py
            elif kinds[pid] == "seq":
                skeleton = verifier.lh_module(PairRequest(p.code, p.code, entry_a=p.entry, entry_b=p.entry))
                text = skeleton.text if not isinstance(skeleton, Result) else "(module unavailable)"
                pending[pid] = (prompts.alice_seq(p, text), None)
            else:
                pending[pid] = (prompts.alice_sinq(p), None)
        verified: list[tuple[AliceAnswer, Verification]] = []
        for r in range(sp.repair_rounds + 1):
            if not pending:
                break
            t0 = time.monotonic()
            answers = self._answers(r, pending, kinds, adapters, sources)
            self.times["alice"] = self.times.get("alice", 0.0) + time.monotonic() - t0
            t0 = time.monotonic()
            results = self._verify(r, answers, verifier, search_only)
            self.times["verify"] = self.times.get("verify", 0.0) + time.monotonic() - t0
            pending = {}
            done = set()
            for a in answers:
                res = results.get(a.id)
                if res is not None and res.ok:
                    verified.append((a, res))
                    done.add(a.program_id)
            for a in answers:
                if r >= sp.repair_rounds or a.program_id in done:
                    continue
                if a.source == "transform":
                    pending[a.program_id] = ([], a)  # the next round tries other transformations
                else:
                    res = results.get(a.id)
                    feedback = a.failure or (res.feedback if res else "no verdict")
                    pending[a.program_id] = (prompts.alice_repair(list(a.conversation), a.raw, feedback), a)
        return verified

    def _sources(self) -> dict[str, str]:
        """Which Alice varies each program: "model" or "transform" (`alice.backend`; "mix" draws
        per program, seeded)."""
        al = self.alice
        if al.backend != "mix":
            return {pid: al.backend for pid in self.programs}
        rng = random.Random(f"{self.selfplay.seed}-source-{self.k}")
        return {pid: ("transform" if rng.random() < al.transform_share else "model") for pid in sorted(self.programs)}

    def _transform_answers(self, r: int, pids: list[str], kinds: dict[str, str]) -> list[AliceAnswer]:
        """The transformation Alice's candidates for round r (no prompt, no tokens; `raw` is Q in
        the answer format a model would use)."""
        sp, al = self.selfplay, self.alice
        tried: dict[str, set[str]] = collections.defaultdict(set)
        for j in range(r):
            for a in read_answers(self.dir / f"alice_r{j}.jsonl"):
                if a.q:
                    tried[a.program_id].add(a.q)
        syntax = self.syntax()
        records = []
        for pid in pids:
            p = self.programs[pid]
            cands = transform.propose(p.code, p.entry, kinds[pid], random.Random(f"{sp.seed}-transform-{self.k}-{pid}-{r}"),
                                      count=al.candidates, exclude=frozenset(tried[pid]), syntax=syntax)
            if not cands:
                records.append(AliceAnswer(f"{self.k}-{pid}-r{r}-t0", pid, kinds[pid], r, raw="", source="transform",
                                           failure=f"no-transform: no {kinds[pid]} transformation applies"))
            for j, c in enumerate(cands):
                failure = ("identical: Q is P up to renaming and whitespace"
                           if parsing.same_program(p.code, c.q) else None)
                records.append(AliceAnswer(f"{self.k}-{pid}-r{r}-t{j}", pid, kinds[pid], r,
                                           raw=f"{prompts.FENCE}{prompts.Q_LABEL}\n{c.q.rstrip()}\n{prompts.FENCE}\n",
                                           q=c.q, failure=failure, source="transform", transform=c.transform,
                                           site=c.site))
        return records

    def _answers(self, r: int, pending, kinds, adapters, sources) -> list[AliceAnswer]:
        """Round r's answers: the model's, parsed, and the transformations' candidates."""
        path = self.dir / f"alice_r{r}.jsonl"
        if path.exists():
            return read_answers(path)
        records = self._transform_answers(r, sorted(p for p in pending if sources[p] == "transform"), kinds)
        pids = sorted(p for p in pending if sources[p] == "model")
        outs = self.generate(f"alice round {r}", [pending[pid][0] for pid in pids], n=1,
                              adapters=adapters, agent="alice",
                              seed=derive_seed(self.selfplay.seed, "alice", self.k, r)) if pids else []
        for pid, samples in zip(pids, outs):
            p = self.programs[pid]
            g = samples[0]
            parsed = parsing.parse_alice(g.text, kinds[pid], p.arity)
            failure = None
            q = inputs = proof = None
            if isinstance(parsed, parsing.ParseFailure):
                failure = f"parse-failure: {parsed.reason}"
            else:
                q, inputs, proof = parsed.q_code, parsed.inputs, parsed.proof
                if parsing.same_program(p.code, q):
                    failure = "identical: Q is P up to renaming and whitespace"
            records.append(AliceAnswer(f"{self.k}-{pid}-r{r}", pid, kinds[pid], r, raw=g.text, q=q,
                                       inputs=tuple(inputs) if inputs else None, proof=proof, failure=failure,
                                       conversation=tuple(pending[pid][0]), tokens=g.tokens,
                                       truncated=g.truncated))
        write_jsonl(path, [a.to_json() for a in records])
        return records

    def _verify(self, r: int, answers: list[AliceAnswer], verifier: Verifier,
                search_only: Verifier) -> dict[str, Verification]:
        log = JsonlLog(self.dir / f"verify_r{r}.jsonl")
        todo = [a for a in answers if a.failure is None and a.id not in log]
        reqs, searches = [], []
        for a in todo:
            p = self.programs[a.program_id]
            req = PairRequest(p.code, a.q, a_path="P.hs", b_path="Q.hs", entry_a=p.entry, entry_b=p.entry,
                              inputs=a.inputs if a.kind == "sinq" else None,
                              proof=a.proof if a.kind == "seq" else None, id=a.id)
            (searches if a.kind == "sinq" and a.inputs is None else reqs).append(req)
        if reqs or searches:
            kinds = {a.id: a.kind for a in todo}
            with progress_bar(self.console) as progress:
                task = progress.add_task(f"verify round {r}", total=len(reqs) + len(searches))
                for v, batch in ((verifier, reqs), (search_only, searches)):
                    for res in v.verify_many(batch) if batch else ():
                        log.append(classify(res, kinds[res.id]).to_json())
                        progress.advance(task)
        return {rid: Verification.from_json(rec) for rid, rec in log.records.items()}


__all__ = ["Alice"]
