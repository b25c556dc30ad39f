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

from hsx import parsing, prompts
from hsx.config import HsxConfig, to_dict
from hsx.curriculum import Curriculum, promotion_rows
from hsx.generation import Generator, make_generator
from hsx.programs import Program, load_pool
from hsx.prover import ProverMissing, locate_prover
from hsx.runs import JsonlLog, read_json, read_jsonl, write_json, write_jsonl
from hsx.selection import pair_difficulty, select_training_data
from hsx.tinymodel import resolve_base_model
from hsx.training import NoTrainableExamples, train_adapter
from hsx.verdict import Result, Verdict
from hsx.verify import PairRequest, Verifier

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
        with Verifier(self.config) as verifier:
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
        metrics = self._metrics(it, bob, training)
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
        pending: dict[str, tuple[list[dict], dict | None]] = {}  # pid -> (conversation, previous)
        for pid in sorted(it.programs):
            p = it.programs[pid]
            if kinds[pid] == "seq":
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
            answers = self._alice_generate(it, r, pending, kinds, adapters)
            it.times["alice"] = it.times.get("alice", 0.0) + time.monotonic() - t0
            t0 = time.monotonic()
            results = self._verify(it, r, answers, verifier)
            it.times["verify"] = it.times.get("verify", 0.0) + time.monotonic() - t0
            pending = {}
            for a in answers:
                res = results.get(a["id"])
                if res is not None and res["ok"]:
                    verified.append({**a, "verification": res})
                elif r < sp.repair_rounds:
                    feedback = a["failure"] or (res["feedback"] if res else "no verdict")
                    pending[a["program_id"]] = (prompts.alice_repair(a["conversation"], a["raw"], feedback), a)
        return verified

    def _alice_generate(self, it: _Iteration, r: int, pending, kinds, adapters) -> list[dict]:
        path = it.dir / f"alice_r{r}.jsonl"
        if path.exists():
            return read_jsonl(path)
        pids = sorted(pending)
        outs = self._generate(f"alice round {r}", [pending[pid][0] for pid in pids], n=1,
                              adapters=adapters, agent="alice", seed=self.config.selfplay.seed * 1000 + it.k * 10 + r)
        records = []
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
                            "proof": proof, "failure": failure})
        write_jsonl(path, records)
        return records

    def _verify(self, it: _Iteration, r: int, answers: list[dict], verifier: Verifier) -> dict[str, dict]:
        log = JsonlLog(it.dir / f"verify_r{r}.jsonl")
        todo = [a for a in answers if a["failure"] is None and a["id"] not in log]
        reqs = []
        for a in todo:
            p = it.programs[a["program_id"]]
            reqs.append(PairRequest(p.code, a["q"], a_path="P.hs", b_path="Q.hs", entry_a=p.entry, entry_b=p.entry,
                                    inputs=tuple(a["inputs"]) if a["kind"] == "sinq" else None,
                                    proof=a["proof"] if a["kind"] == "seq" else None, id=a["id"]))
        if reqs:
            kinds = {a["id"]: a["kind"] for a in todo}
            with _progress(self.console) as progress:
                task = progress.add_task(f"verify round {r}", total=len(reqs))
                for res in verifier.verify_many(reqs):
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
            convs = [prompts.bob_judge(it.programs[v["program_id"]].code, v["q"]) for v in verified]
            outs = self._generate("bob", convs, n=k, adapters=adapters, agent="bob",
                                  seed=self.config.selfplay.seed * 1000 + it.k * 10 + 7)
            for v, conv, samples in zip(verified, convs, outs):
                label = v["kind"] == "seq"  # YES for an equivalent pair
                judged = [parsing.parse_bob(s.text) for s in samples]
                correct = [j is not None and j == label for j in judged]  # unparsed is wrong
                # The shape of hsx.selection.PairRecord, plus what metrics and promotion need.
                records.append({
                    "id": v["id"], "program_id": v["program_id"], "kind": v["kind"], "q": v["q"],
                    "inputs": v["inputs"], "alice_prompt": v["conversation"], "alice_answer": v["raw"],
                    "bob": [{"prompt": conv, "completion": s.text, "correct": c}
                            for s, c in zip(samples, correct)],
                    "bob_tokens": sum(s.tokens for s in samples), "judged": judged, "correct": correct,
                    "unparsed": sum(j is None for j in judged),
                    "difficulty": pair_difficulty(correct), "verified": True,
                    "verification": v["verification"]})
        write_jsonl(path, records)
        it.times["bob"] = time.monotonic() - t0
        return records

    # -- training --------------------------------------------------------------------------

    def _train(self, it: _Iteration, bob: list[dict]) -> dict:
        sp, tr = self.config.selfplay, self.config.training
        t0 = time.monotonic()
        files = {"alice": it.dir / "train_alice.jsonl", "bob": it.dir / "train_bob.jsonl"}
        if not all(f.exists() for f in files.values()):
            chosen = select_training_data(bob, sp, random.Random(f"{sp.seed}-select-data-{it.k}"))
            write_jsonl(files["alice"], chosen.alice)
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

    # -- metrics and promotion -------------------------------------------------------------

    def _metrics(self, it: _Iteration, bob: list[dict], training: dict) -> dict:
        outcomes: collections.Counter[str] = collections.Counter()
        tokens = 0
        attempts: collections.Counter[str] = collections.Counter()
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
        samples = sum(len(b["correct"]) for b in bob)
        correct = sum(sum(b["correct"]) for b in bob)
        hist = collections.Counter(_bin(b["difficulty"]) for b in bob)
        return {
            "iteration": it.k, "programs": len(it.programs), "attempts": dict(attempts),
            "outcomes": dict(outcomes),
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
