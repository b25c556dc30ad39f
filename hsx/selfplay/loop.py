"""`hsx selfplay`: iterations of verified self-play between Alice (generator) and Bob (judge).

Consumes the typed config (model, LoRA, training, sampling, selfplay sections) and the program
pool; produces `runs/<name>/`, one `iter_<k>/` per iteration:

    selected.jsonl         the programs P chosen by the curriculum
    alice_r<r>.jsonl       every Alice prompt and raw answer of repair round r, parsed
    verify_r<r>.jsonl      the verifier's result for every candidate of round r
    bob.jsonl              Bob's k judgements of every verified pair, parsed, and its difficulty
    train_alice.jsonl      the selected training examples (prompt-completion chat format)
    train_bob.jsonl
    adapters/{alice,bob}/  the QLoRA adapters trained in this iteration
    metrics.json           counts of every outcome, Bob's accuracy, difficulties, stage times

and `state.json` (finished iterations, curriculum estimates, promoted programs).  Every stage
writes its output atomically, and an existing output means the stage is done, so
`hsx selfplay --resume runs/<name>` continues after a kill at any point without losing or
duplicating work.  Generation and training never hold the GPU at the same time: the generator
is closed before training starts.

One iteration: select -> Alice (SEQ with probability p_seq, else SINQ) -> verify all candidates
in one batch -> repair rounds fed with the classified verifier error -> Bob judges every verified
pair k times -> difficulty = 10 x (1 - Bob's success rate) -> select training data -> train both
adapters -> metrics, curriculum update, promotion of hard Q's into the pool.
"""

from __future__ import annotations

import collections
import dataclasses
import random
import time
from pathlib import Path
from typing import Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hsx.agents import parsing, prompts

from hsx.eval import statistics

from hsx.selfplay import transform
from hsx.config import HsxConfig, to_dict
from hsx.selfplay.curriculum import Curriculum, promotion_rows
from hsx.models.generation import Generator, make_generator
from hsx.pool.programs import Program, load_pool
from hsx.proof.prover import ProverMissing, locate_prover
from hsx.runs import JsonlLog, read_json, read_jsonl, write_json, write_jsonl
from hsx.selfplay.selection import pair_difficulty, select_training_data
from hsx.models.tinymodel import resolve_base_model
from hsx.models.training import NoTrainableExamples, train_adapter
from hsx.verdict import Result, Verdict
from hsx.verify.pipeline import PairRequest, Verifier

GeneratorFactory = Callable[[HsxConfig, str, dict[str, str]], Generator]
BINS = ((0, 2), (2, 4), (4, 6), (6, 8), (8, 10.01))


def _bin(d: float) -> str:
    for lo, hi in BINS:
        if lo <= d < hi:
            return f"{lo}-{min(hi, 10):.0f}"
    return "8-10"


@dataclasses.dataclass
class _Iteration:
    """What one iteration needs while it runs (not persisted: everything is in its files)."""
    k: int
    dir: Path
    programs: dict[str, Program]
    times: dict[str, float]


class SelfPlay:
    def __init__(self, config: HsxConfig, run_dir: Path, *, generator_factory: GeneratorFactory | None = None,
                 console: Console | None = None):
        self.config = config
        self.run_dir = run_dir
        self.console = console or Console(stderr=True)
        self.generator_factory = generator_factory or make_generator
        self._generator: Generator | None = None
        self._generator_adapters: dict[str, str] | None = None
        self._syntax = None  # the syntax-tree reader of the transformations (see _syntax_fn)
        self._verifier: Verifier | None = None
        self.model_path = resolve_base_model(config.model, run_dir.parent / ".models")

    # -- state ------------------------------------------------------------------------------

    def _state(self) -> dict:
        path = self.run_dir / "state.json"
        if path.exists():
            return read_json(path)
        return {"done": [], "curriculum": Curriculum(self.config.selfplay).to_json(), "promoted": []}

    def run(self) -> Path:
        sp = self.config.selfplay
        self.run_dir.mkdir(parents=True, exist_ok=True)
        saved = self.run_dir / "config.json"
        if not saved.exists():
            write_json(saved, to_dict(self.config))
        try:
            locate_prover(self.config.toolchain, self.config.sandbox)
        except ProverMissing as e:
            self.console.print(f"[yellow]prover missing[/yellow]: SEQ attempts will be counted as "
                               f"prover-missing ({e})")
        if sp.bob_prompt not in ("reason", "short"):
            raise ValueError(f"selfplay.bob_prompt must be \"reason\" or \"short\", got {sp.bob_prompt!r}")
        # The transformation Alice's SINQ candidates carry no input: hsx's search must find one,
        # and when it finds none the candidate is "non-diverging", as a model's would be, without
        # a proof search that is not what was asked for.
        with Verifier(self.config) as verifier, \
                Verifier(self.config.with_proof(enabled=False)) as search_only:
            self._search_only = search_only
            self._verifier = verifier
            self._heldout_split(verifier)
            for k in range(sp.iterations):
                state = self._state()
                if k in state["done"]:
                    self.console.print(f"iteration {k}: already done")
                    continue
                self._iteration(k, state, verifier)
        self._close_generator()
        return self.run_dir

    # -- one iteration ----------------------------------------------------------------------

    def _iteration(self, k: int, state: dict, verifier: Verifier) -> None:
        sp = self.config.selfplay
        it = _Iteration(k, self.run_dir / f"iter_{k}", {}, {})
        it.dir.mkdir(parents=True, exist_ok=True)
        curriculum = Curriculum.from_json(state["curriculum"], sp)
        pool = load_pool(Path(sp.pool)) + [Program.from_json(p) for p in state["promoted"]]
        held = self._heldout_ids()
        pool = [p for p in pool if p.id not in held]

        t0 = time.monotonic()
        sel_file = it.dir / "selected.jsonl"
        if not sel_file.exists():
            chosen = curriculum.select(pool, sp.programs_per_iteration, random.Random(f"{sp.seed}-select-{k}"), k)
            write_jsonl(sel_file, [p.to_json() for p in chosen])
        it.programs = {p["id"]: Program.from_json(p) for p in read_jsonl(sel_file)}
        it.times["select"] = time.monotonic() - t0
        self.console.print(f"[bold]iteration {k}[/bold]: {len(it.programs)} programs")

        adapters = self._adapters(k)
        verified = self._alice_rounds(it, verifier, adapters)
        bob = self._bob(it, verified, adapters)
        self._close_generator()  # the GPU is free for training from here on
        training = self._train(it, bob)
        heldout = self._heldout_measure(it)
        metrics = self._metrics(it, bob, training)
        metrics.update(_yields_by_source(it.dir, self.config.selfplay.repair_rounds))
        if heldout is not None:
            metrics["heldout"] = heldout
        write_json(it.dir / "metrics.json", metrics)

        # Curriculum and promotion, then the iteration is marked done, in one atomic write.
        # Every selected program is updated, also those without a verified pair, so that a
        # program Alice cannot vary stops counting as never seen.
        by_program = _difficulties_by_program(bob)
        for pid in sorted(it.programs):
            curriculum.update(pid, by_program.get(pid, []), k)
        promoted = list(state["promoted"])
        for rec in bob:
            if curriculum.promotable(rec["difficulty"]):
                p = self._promote(rec, it, verifier, curriculum)
                if p is not None and p["id"] not in {q["id"] for q in promoted}:
                    promoted.append(p)
        write_json(self.run_dir / "state.json",
                   {"done": sorted(set(state["done"]) | {k}), "curriculum": curriculum.to_json(),
                    "promoted": promoted})

    def _adapters(self, k: int) -> dict[str, str]:
        """The adapters trained in the latest finished iteration before k."""
        for j in range(k - 1, -1, -1):
            found = {name: str(self.run_dir / f"iter_{j}" / "adapters" / name) for name in ("alice", "bob")
                     if (self.run_dir / f"iter_{j}" / "adapters" / name / "adapter_config.json").exists()}
            if found:
                return found
        return {}

    def _generator_for(self, adapters: dict[str, str]) -> Generator:
        if self._generator is None or self._generator_adapters != adapters:
            self._close_generator()
            self._generator = self.generator_factory(self.config, self.model_path, adapters)
            self._generator_adapters = dict(adapters)
        return self._generator

    def _generate(self, label: str, conversations: list[list[dict]], *, n: int, adapters: dict[str, str],
                  agent: str, seed: int) -> list:
        """Batched generation with a progress bar; each batch of `sampling.batch_size` prompts is
        one generate() call, seeded by its position so the result does not depend on batching."""
        gen = self._generator_for(adapters)
        size = max(1, self.config.sampling.batch_size)
        out: list = []
        with _progress(self.console) as progress:
            task = progress.add_task(label, total=len(conversations))
            for start in range(0, len(conversations), size):
                batch = conversations[start:start + size]
                out += gen.generate(batch, n=n, adapter=agent if agent in adapters else None,
                                    seed=seed * 100003 + start)
                progress.advance(task, len(batch))
        return out

    def _close_generator(self) -> None:
        if self._generator is not None:
            self._generator.close()
            self._generator = None

    # -- Alice and verification ------------------------------------------------------------

    def _alice_rounds(self, it: _Iteration, verifier: Verifier, adapters: dict[str, str]) -> list[dict]:
        """Returns the verified candidates (dicts) over all repair rounds."""
        sp = self.config.selfplay
        rng = random.Random(f"{sp.seed}-kind-{it.k}")
        kinds = {pid: ("seq" if rng.random() < sp.p_seq else "sinq") for pid in sorted(it.programs)}
        sources = self._sources(it)
        pending: dict[str, tuple[list[dict], dict | None]] = {}  # pid -> (conversation, previous)
        for pid in sorted(it.programs):
            p = it.programs[pid]
            if sources[pid] == "transform":
                pending[pid] = ([], None)  # no prompt: candidates come from hsx/selfplay/transform.py
            elif kinds[pid] == "seq":
                skeleton = verifier.lh_module(PairRequest(p.code, p.code, entry_a=p.entry, entry_b=p.entry))
                text = skeleton.text if not isinstance(skeleton, Result) else "(module unavailable)"
                pending[pid] = (prompts.alice_seq(p, text), None)
            else:
                pending[pid] = (prompts.alice_sinq(p), None)
        verified: list[dict] = []
        for r in range(sp.repair_rounds + 1):
            if not pending:
                break
            t0 = time.monotonic()
            answers = self._alice_generate(it, r, pending, kinds, adapters, sources)
            it.times["alice"] = it.times.get("alice", 0.0) + time.monotonic() - t0
            t0 = time.monotonic()
            results = self._verify(it, r, answers, verifier)
            it.times["verify"] = it.times.get("verify", 0.0) + time.monotonic() - t0
            pending = {}
            done = set()
            for a in answers:
                res = results.get(a["id"])
                if res is not None and res["ok"]:
                    verified.append(_verified(a, res))
                    done.add(a["program_id"])
            for a in answers:
                pid = a["program_id"]
                if r >= sp.repair_rounds or pid in done:
                    continue
                if a.get("source") == "transform":
                    pending[pid] = ([], a)  # the next round tries other transformations
                else:
                    res = results.get(a["id"])
                    feedback = a["failure"] or (res["feedback"] if res else "no verdict")
                    pending[pid] = (prompts.alice_repair(a["conversation"], a["raw"], feedback), a)
        return verified

    def _sources(self, it: _Iteration) -> dict[str, str]:
        """Which Alice varies each program: "model" or "transform" (`alice.backend`; "mix" draws
        per program, seeded)."""
        al = self.config.alice
        if al.backend != "mix":
            return {pid: al.backend for pid in it.programs}
        rng = random.Random(f"{self.config.selfplay.seed}-source-{it.k}")
        return {pid: ("transform" if rng.random() < al.transform_share else "model") for pid in sorted(it.programs)}

    def _transform_answers(self, it: _Iteration, r: int, pids: list[str], kinds: dict[str, str]) -> list[dict]:
        """The transformation Alice's candidates for round r, as records shaped like a model's
        answers (no prompt, no tokens; `raw` is Q in the answer format a model would use)."""
        sp, al = self.config.selfplay, self.config.alice
        tried: dict[str, set[str]] = collections.defaultdict(set)
        for j in range(r):
            for a in read_jsonl(it.dir / f"alice_r{j}.jsonl"):
                if a.get("q"):
                    tried[a["program_id"]].add(a["q"])
        syntax = self._syntax_fn()
        records = []
        for pid in pids:
            p = it.programs[pid]
            cands = transform.propose(p.code, p.entry, kinds[pid], random.Random(f"{sp.seed}-transform-{it.k}-{pid}-{r}"),
                                      count=al.candidates, exclude=frozenset(tried[pid]), syntax=syntax)
            base = {"program_id": pid, "kind": kinds[pid], "round": r, "conversation": [], "tokens": 0,
                    "truncated": False, "inputs": None, "proof": None, "source": "transform"}
            if not cands:
                records.append({**base, "id": f"{it.k}-{pid}-r{r}-t0", "raw": "", "q": None, "transform": None,
                                "site": None, "failure": f"no-transform: no {kinds[pid]} transformation applies"})
            for j, c in enumerate(cands):
                failure = ("identical: Q is P up to renaming and whitespace"
                           if parsing.same_program(p.code, c.q) else None)
                records.append({**base, "id": f"{it.k}-{pid}-r{r}-t{j}", "raw": f"{prompts.FENCE}{prompts.Q_LABEL}\n"
                                f"{c.q.rstrip()}\n{prompts.FENCE}\n", "q": c.q, "transform": c.transform,
                                "site": c.site, "failure": failure})
        return records

    def _syntax_fn(self):
        """GHC's parser through the helper's `syntax` op (haskell/README.md), answers cached by
        text; where the helper cannot answer it (an older helper build), hsx's tokenizer in the
        same node shapes (hsx.selfplay.transform.token_syntax), said once."""
        if self._syntax is not None:
            return self._syntax
        cache: dict[str, dict] = {}

        def ghc(text: str) -> dict:
            if text not in cache:
                cache[text] = self._verifier._helper().syntax(text).raw
            return cache[text]
        try:
            probe = ghc("f :: Int -> Int\nf x = x + 1\n")
            if not any(n.get("node") == "op" for n in probe.get("nodes", [])):
                raise ValueError("no op node in the answer")
            self._syntax = ghc
        except Exception as e:  # noqa: BLE001 - any reason the op cannot serve: fall back, say so
            self.console.print(f"[yellow]transformations locate nodes with hsx's tokenizer[/yellow]: the "
                               f"helper's syntax op is not available ({type(e).__name__}: {e})")
            self._syntax = transform.token_syntax
        return self._syntax

    def _alice_generate(self, it: _Iteration, r: int, pending, kinds, adapters, sources) -> list[dict]:
        path = it.dir / f"alice_r{r}.jsonl"
        if path.exists():
            return read_jsonl(path)
        records = self._transform_answers(it, r, sorted(p for p in pending if sources[p] == "transform"), kinds)
        pids = sorted(p for p in pending if sources[p] == "model")
        outs = self._generate(f"alice round {r}", [pending[pid][0] for pid in pids], n=1,
                              adapters=adapters, agent="alice",
                              seed=self.config.selfplay.seed * 1000 + it.k * 10 + r) if pids else []
        for pid, samples in zip(pids, outs):
            p = it.programs[pid]
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
            records.append({"id": f"{it.k}-{pid}-r{r}", "program_id": pid, "kind": kinds[pid], "round": r,
                            "conversation": pending[pid][0], "raw": g.text, "tokens": g.tokens,
                            "truncated": g.truncated, "q": q, "inputs": list(inputs) if inputs else None,
                            "proof": proof, "failure": failure, "source": "model"})
        write_jsonl(path, records)
        return records

    def _verify(self, it: _Iteration, r: int, answers: list[dict], verifier: Verifier) -> dict[str, dict]:
        log = JsonlLog(it.dir / f"verify_r{r}.jsonl")
        todo = [a for a in answers if a["failure"] is None and a["id"] not in log]
        reqs, searches = [], []
        for a in todo:
            p = it.programs[a["program_id"]]
            req = PairRequest(p.code, a["q"], a_path="P.hs", b_path="Q.hs", entry_a=p.entry, entry_b=p.entry,
                              inputs=tuple(a["inputs"]) if a["kind"] == "sinq" and a["inputs"] is not None else None,
                              proof=a["proof"] if a["kind"] == "seq" else None, id=a["id"])
            (searches if a["kind"] == "sinq" and a["inputs"] is None else reqs).append(req)
        if reqs or searches:
            kinds = {a["id"]: a["kind"] for a in todo}
            with _progress(self.console) as progress:
                task = progress.add_task(f"verify round {r}", total=len(reqs) + len(searches))
                for v, batch in ((verifier, reqs), (getattr(self, "_search_only", verifier), searches)):
                    for res in v.verify_many(batch) if batch else ():
                        log.append(_classify(res, kinds[res.id]))
                        progress.advance(task)
        return {rid: rec for rid, rec in log.records.items()}

    # -- Bob -------------------------------------------------------------------------------

    def _bob(self, it: _Iteration, verified: list[dict], adapters: dict[str, str]) -> list[dict]:
        path = it.dir / "bob.jsonl"
        if path.exists():
            return read_jsonl(path)
        t0 = time.monotonic()
        k = self.config.selfplay.bob_samples
        records = []
        if verified:
            convs = [self._bob_prompt(it.programs[v["program_id"]].code, v["q"]) for v in verified]
            outs = self._generate("bob", self._bob_turns(convs), n=k, adapters=adapters, agent="bob",
                                  seed=self.config.selfplay.seed * 1000 + it.k * 10 + 7)
            for v, conv, samples in zip(verified, convs, outs):
                label = v["kind"] == "seq"  # YES for an equivalent pair
                judged = [parsing.parse_bob(s.text) for s in samples]
                correct = [j is not None and j == label for j in judged]  # unparsed is wrong
                # The shape of hsx.selfplay.selection.PairRecord, plus what metrics and promotion need.
                records.append({
                    "id": v["id"], "program_id": v["program_id"], "kind": v["kind"], "q": v["q"],
                    "inputs": v["inputs"], "alice_prompt": v["conversation"], "alice_answer": v["raw"],
                    "bob": [{"prompt": conv, "completion": s.text, "correct": c}
                            for s, c in zip(samples, correct)],
                    "bob_tokens": sum(s.tokens for s in samples), "judged": judged, "correct": correct,
                    "unparsed": sum(j is None for j in judged),
                    "difficulty": pair_difficulty(correct), "verified": True,
                    "verification": v["verification"], "source": v.get("source", "model"),
                    "transform": v.get("transform")})
        write_jsonl(path, records)
        it.times["bob"] = time.monotonic() - t0
        return records

    def _bob_prompt(self, p_code: str, q_code: str) -> list[dict]:
        short = self.config.selfplay.bob_prompt == "short"
        return (prompts.bob_short if short else prompts.bob_judge)(p_code, q_code)

    def _bob_turns(self, convs: list[list[dict]]) -> list[list[dict]]:
        """What Bob is asked to continue: with the short prompt, his turn begins with the answer
        marker (recorded completions include it, so his training examples teach the same line)."""
        if self.config.selfplay.bob_prompt != "short":
            return convs
        return [c + [{"role": "assistant", "content": prompts.BOB_SHORT_PREFIX}] for c in convs]

    # -- training --------------------------------------------------------------------------

    def _train(self, it: _Iteration, bob: list[dict]) -> dict:
        sp, tr = self.config.selfplay, self.config.training
        t0 = time.monotonic()
        files = {"alice": it.dir / "train_alice.jsonl", "bob": it.dir / "train_bob.jsonl"}
        if not all(f.exists() for f in files.values()):
            chosen = select_training_data(bob, sp, random.Random(f"{sp.seed}-select-data-{it.k}"))
            # The model Alice learns from her own verified answers only: a transformation's Q has
            # no prompt that the model answered (Bob learns from every verified pair).
            model_ids = {b["id"] for b in bob if b.get("source", "model") == "model"}
            write_jsonl(files["alice"], [ex for ex, pid in zip(chosen.alice, chosen.alice_pair_ids)
                                         if pid in model_ids])
            write_jsonl(files["bob"], chosen.bob)
            write_json(it.dir / "selection.json", chosen.counts)
        summary: dict = {"selection": read_json(it.dir / "selection.json")}
        for agent in ("alice", "bob"):
            out = it.dir / "adapters" / agent
            if (out / "adapter_config.json").exists():
                summary[agent] = read_json(out.parent / f"{agent}.json")
                continue
            if tr.mode == "retrain":  # the paper: from the base model on everything so far
                examples = [e for j in range(it.k + 1) for e in read_jsonl(self.run_dir / f"iter_{j}" / f"train_{agent}.jsonl")]
                init = None
            else:
                examples = read_jsonl(files[agent])
                init = self._adapters(it.k).get(agent)
            if not examples:
                summary[agent] = {"examples": 0, "skipped": "no training examples"}
                continue
            try:
                with self.console.status(f"training {agent}: {len(examples)} examples"):
                    res = train_adapter(examples, model_path=self.model_path, out_dir=out, config=self.config,
                                        init_adapter=Path(init) if init else None, seed=sp.seed + it.k)
            except NoTrainableExamples as e:
                self.console.print(f"[yellow]{agent}: training skipped[/yellow]: {e}")
                summary[agent] = {"examples": len(examples), "skipped": str(e)}
                continue
            info = {"examples": res.examples, "steps": res.steps, "train_loss": res.train_loss,
                    "seconds": res.seconds}
            write_json(out.parent / f"{agent}.json", info)
            summary[agent] = info
        it.times["train"] = time.monotonic() - t0
        return summary

    # -- the held-out measure --------------------------------------------------------------

    def _heldout_ids(self) -> set[str]:
        return {p["id"] for p in read_jsonl(self.run_dir / "heldout" / "programs.jsonl")}

    def _heldout_split(self, verifier: Verifier) -> None:
        """Before iteration 0: `heldout_programs` programs leave the pool for good, and their
        verified transformation pairs (one SEQ and one SINQ candidate each) are the test split.
        The split is by P by construction (no iteration ever selects these programs), and it is
        made by the transformations whatever `alice.backend` is, so it does not move with Alice."""
        sp = self.config.selfplay
        d = self.run_dir / "heldout"
        if sp.heldout_programs <= 0 or (d / "pairs.jsonl").exists():
            return
        progs_file = d / "programs.jsonl"
        if not progs_file.exists():
            pool = sorted(load_pool(Path(sp.pool)), key=lambda p: p.id)
            chosen = random.Random(f"{sp.seed}-heldout").sample(pool, min(sp.heldout_programs, len(pool)))
            write_jsonl(progs_file, [p.to_json() for p in sorted(chosen, key=lambda p: p.id)])
        programs = {p["id"]: Program.from_json(p) for p in read_jsonl(progs_file)}
        syntax = self._syntax_fn()
        cands: dict[str, dict] = {}
        for pid in sorted(programs):
            p = programs[pid]
            for kind in ("seq", "sinq"):
                rng = random.Random(f"{sp.seed}-heldout-{pid}-{kind}")
                for c in transform.propose(p.code, p.entry, kind, rng, count=1, syntax=syntax):
                    if not parsing.same_program(p.code, c.q):
                        cands[f"heldout-{pid}-{kind}"] = {"id": f"heldout-{pid}-{kind}", "program_id": pid,
                                                          "p": p.code, "q": c.q, "kind": kind,
                                                          "transform": c.transform, "site": c.site}
        log = JsonlLog(d / "verify.jsonl")
        todo = [c for c in cands.values() if c["id"] not in log]
        t0 = time.monotonic()
        with _progress(self.console) as progress:
            task = progress.add_task("held-out split: verify", total=len(todo))
            for kind, v in (("seq", verifier), ("sinq", self._search_only)):
                reqs = [PairRequest(c["p"], c["q"], a_path="P.hs", b_path="Q.hs", entry_a=programs[c["program_id"]].entry,
                                    entry_b=programs[c["program_id"]].entry, id=c["id"])
                        for c in todo if c["kind"] == kind]
                for res in v.verify_many(reqs) if reqs else ():
                    log.append(_classify(res, kind))
                    progress.advance(task)
        pairs = [{**cands[rid], "inputs": _verified({"kind": cands[rid]["kind"]}, rec)["inputs"]
                  if cands[rid]["kind"] == "sinq" else None}
                 for rid, rec in sorted(log.records.items()) if rec["ok"] and rid in cands]
        write_json(d / "split.json", {"programs": len(programs), "candidates": len(cands),
                                      "outcomes": dict(collections.Counter(r["outcome"] for r in log.values())),
                                      "pairs": len(pairs),
                                      "labels": dict(collections.Counter(p["kind"] for p in pairs)),
                                      "seconds": round(time.monotonic() - t0, 3)})
        write_jsonl(d / "pairs.jsonl", pairs)
        self.console.print(f"held-out split: {len(pairs)} verified pairs from {len(programs)} programs")

    def _heldout_judge(self, path: Path, pairs: list[dict], adapters: dict[str, str], label: str) -> list[list[bool]]:
        """Bob's k judgements of every held-out pair (cached in `path`): the same prompts and the
        same seed for the base model and for every adapter, so sample j of a pair is paired."""
        if path.exists():
            return [r["correct"] for r in read_jsonl(path)]
        sp = self.config.selfplay
        convs = [self._bob_prompt(p["p"], p["q"]) for p in pairs]
        outs = self._generate(label, self._bob_turns(convs), n=sp.bob_samples, adapters=adapters, agent="bob",
                              seed=sp.seed * 1000 + 999)
        records = []
        for pair, samples in zip(pairs, outs):
            judged = [parsing.parse_bob(s.text) for s in samples]
            records.append({"id": pair["id"], "kind": pair["kind"], "judged": judged,
                            "correct": [j is not None and j == (pair["kind"] == "seq") for j in judged],
                            "completions": [s.text for s in samples]})
        write_jsonl(path, records)
        return [r["correct"] for r in records]

    def _heldout_measure(self, it: _Iteration) -> dict | None:
        """After training: Bob's accuracy on the held-out split, base model vs current adapter."""
        pairs = read_jsonl(self.run_dir / "heldout" / "pairs.jsonl")
        out = it.dir / "heldout.json"
        if not pairs:
            return None
        if out.exists():
            return read_json(out)
        t0 = time.monotonic()
        base = self._heldout_judge(self.run_dir / "heldout" / "base.jsonl", pairs, {}, "held-out: base Bob")
        adapters = self._adapters(it.k + 1)
        if "bob" in adapters:
            current = self._heldout_judge(it.dir / "heldout_bob.jsonl", pairs, adapters, f"held-out: Bob after iteration {it.k}")
        else:
            current = base  # no adapter trained yet: Bob is the base model
        summary = {**heldout_statistics(base, current, [p["kind"] for p in pairs], seed=self.config.selfplay.seed),
                   "adapter": adapters.get("bob"), "seconds": round(time.monotonic() - t0, 3)}
        write_json(out, summary)
        it.times["heldout"] = time.monotonic() - t0
        return summary

    # -- metrics and promotion -------------------------------------------------------------

    def _metrics(self, it: _Iteration, bob: list[dict], training: dict) -> dict:
        outcomes: collections.Counter[str] = collections.Counter()
        tokens = 0
        attempts: collections.Counter[str] = collections.Counter()
        # The proof stage: outcome of every answer's proof (STATUSES of hsx.proof.liquid), Liquid
        # Haskell runs and their seconds (0 for a cached result), and the stage's wall time.
        proofs: collections.Counter[str] = collections.Counter()
        prover_runs, prover_seconds, proof_seconds = 0, 0.0, 0.0
        for r in range(self.config.selfplay.repair_rounds + 1):
            answers = read_jsonl(it.dir / f"alice_r{r}.jsonl")
            results = {x["id"]: x for x in read_jsonl(it.dir / f"verify_r{r}.jsonl")}
            for a in answers:
                attempts[a["kind"]] += 1
                tokens += a["tokens"]
                if a["failure"]:
                    outcomes[a["failure"].split(":")[0]] += 1
                elif a["id"] in results:
                    outcomes[results[a["id"]]["outcome"]] += 1
                    result = results[a["id"]].get("result") or {}
                    proof = result.get("proof")
                    if proof:
                        proofs[proof["status"]] += 1
                        ran = [x for x in proof.get("attempts", []) if x["status"] != "skipped"]
                        prover_runs += len(ran)
                        prover_seconds += sum(x.get("seconds", 0.0) for x in ran)
                        proof_seconds += result.get("timings", {}).get("proof", 0.0)
        samples = sum(len(b["correct"]) for b in bob)
        correct = sum(sum(b["correct"]) for b in bob)
        hist = collections.Counter(_bin(b["difficulty"]) for b in bob)
        return {
            "iteration": it.k, "programs": len(it.programs), "attempts": dict(attempts),
            "outcomes": dict(outcomes),
            "proofs": {"outcomes": dict(proofs), "prover_runs": prover_runs,
                       "prover_seconds": round(prover_seconds, 3), "stage_seconds": round(proof_seconds, 3)},
            "bob": {"samples": samples, "correct": correct, "unparsed": sum(b["unparsed"] for b in bob),
                    "accuracy": correct / samples if samples else None},
            "difficulties": [b["difficulty"] for b in bob],
            "difficulty_histogram": dict(hist),
            "training": training,
            "times": {k: round(v, 3) for k, v in it.times.items()},
            "tokens": {"alice": tokens, "bob": sum(b["bob_tokens"] for b in bob)},
        }

    def _promote(self, rec: dict, it: _Iteration, verifier: Verifier, curriculum: Curriculum) -> dict | None:
        """A verified hard Q joins the pool as a new P, with provenance, if it runs."""
        parent = it.programs[rec["program_id"]]
        rows = promotion_rows(parent, rec["inputs"] if rec["kind"] == "sinq" else None)
        ev = verifier.evaluate(rec["q"], rows, entry=parent.entry, path="Q.hs")
        if isinstance(ev, Result):
            return None
        try:
            new = curriculum.promote(parent, rec["q"], ev, pair_id=rec["id"], difficulty=rec["difficulty"],
                                     run=self.run_dir.name, iteration=it.k, kind=rec["kind"], rows=rows)
        except ValueError:
            return None  # e.g. Q gives no value on any input: not a useful new program
        return new.to_json()




def _classify(res: Result, kind: str) -> dict:
    """One verifier result as a self-play outcome: ok only for the verdict the kind needs."""
    want = Verdict.EQUIVALENT if kind == "seq" else Verdict.INEQUIVALENT
    ok = res.verdict == want
    if ok:
        outcome = f"verified-{kind}"
    elif res.verdict == Verdict.ERROR:
        outcome = res.error_kind.value if res.error_kind else "error"
    elif kind == "sinq":
        outcome = "non-diverging" if res.verdict == Verdict.UNKNOWN else "sinq-equivalent"
    elif res.verdict == Verdict.INEQUIVALENT:
        outcome = "seq-counterexample"  # Alice claimed equivalence; execution refuted it
    else:
        status = (res.proof or {}).get("status", "no-proof")
        outcome = "prover-missing" if status == "prover-missing" else f"proof:{status}"
    return {"id": res.id, "ok": ok, "outcome": outcome, "verdict": res.verdict.value,
            "feedback": res.reason[:1500], "result": res.to_json()}


def heldout_statistics(base: list[list[bool]], current: list[list[bool]], kinds: list[str], *, seed: int = 0) -> dict:
    """Accuracy of base and current Bob on the same pairs and samples, 95% bootstrap intervals
    over pairs, and two paired tests: the paired bootstrap of the per-pair difference (pairs
    resampled together) and exact McNemar over the paired samples (sample j of a pair has the
    same prompt and seed on both sides; samples of one pair are not independent, so the
    bootstrap over pairs is the one to read first)."""
    def side(rows: list[list[bool]]) -> dict:
        scores = [sum(r) / len(r) for r in rows]
        flat = [x for r in rows for x in r]
        lo, hi = statistics.bootstrap_mean_ci(scores, seed=seed)
        by_kind = {k: sum(sum(r) for r, kk in zip(rows, kinds) if kk == k)
                   / max(1, sum(len(r) for r, kk in zip(rows, kinds) if kk == k)) for k in sorted(set(kinds))}
        return {"accuracy": sum(flat) / len(flat) if flat else None, "ci95": [lo, hi], "by_label": by_kind}
    only_base, only_current = statistics.discordant([x for r in base for x in r], [x for r in current for x in r])
    diff = statistics.paired_bootstrap_diff([sum(r) / len(r) for r in base], [sum(r) / len(r) for r in current],
                                            seed=seed)
    labels = collections.Counter(kinds)
    return {"pairs": len(base), "samples_per_pair": len(base[0]) if base else 0, "labels": dict(labels),
            "majority_baseline": max(labels.values()) / len(kinds) if kinds else None,
            "base": side(base), "current": side(current),
            "paired": {"diff": diff["diff"], "ci95": list(diff["ci"]), "p_not_better": diff["p_not_better"],
                       "mcnemar_p": statistics.mcnemar_exact(only_base, only_current),
                       "only_base_correct": only_base, "only_current_correct": only_current}}


def _yields_by_source(it_dir: Path, repair_rounds: int) -> dict:
    """Outcomes per Alice ("model", "transform") and, for the transformations, proposed and
    verified candidates per transformation: the yield that docs/BENCHMARKS.md reports."""
    by_source: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    per: dict[str, dict] = {}
    for r in range(repair_rounds + 1):
        results = {x["id"]: x for x in read_jsonl(it_dir / f"verify_r{r}.jsonl")}
        for a in read_jsonl(it_dir / f"alice_r{r}.jsonl"):
            res = results.get(a["id"])
            outcome = a["failure"].split(":")[0] if a["failure"] else res["outcome"] if res else "unverified"
            by_source[a.get("source", "model")][outcome] += 1
            if a.get("transform"):
                t = per.setdefault(a["transform"], {"kind": a["kind"], "proposed": 0, "verified": 0, "outcomes": {}})
                t["proposed"] += 1
                t["verified"] += bool(res and res["ok"])
                t["outcomes"][outcome] = t["outcomes"].get(outcome, 0) + 1
    return {"sources": {k: dict(v) for k, v in sorted(by_source.items())}, "transforms": dict(sorted(per.items()))}


def _verified(answer: dict, res: dict) -> dict:
    """A verified answer; a SINQ candidate without an input records the one hsx's search found."""
    v = {**answer, "verification": res}
    if v["kind"] == "sinq" and v.get("inputs") is None:
        v["inputs"] = list(((res.get("result") or {}).get("counterexample") or {}).get("inputs") or [])
    return v


def _difficulties_by_program(bob: list[dict]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = collections.defaultdict(list)
    for b in bob:
        out[b["program_id"]].append(b["difficulty"])
    return out


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


def run_selfplay(config: HsxConfig, run_dir: Path, **kw) -> Path:
    return SelfPlay(config, run_dir, **kw).run()
