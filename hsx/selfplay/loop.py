"""`hsx selfplay`: iterations of verified self-play between Alice (generator) and Bob (judge).

Consumes the typed config (model, LoRA, training, sampling, selfplay sections) and the program
pool; produces `runs/<name>/`, one `iter_<k>/` per iteration:

    selected.jsonl         the programs P chosen by the curriculum
    alice_r<r>.jsonl       every Alice prompt and raw answer of repair round r, parsed
                           (hsx.records.AliceAnswer)
    verify_r<r>.jsonl      the verifier's result for every candidate of round r (hsx.records.Verification)
    bob.jsonl              every verified pair with Bob's k judgements, parsed, and its difficulty
                           (hsx.records.PairRecord)
    train_alice.jsonl      the selected training examples (prompt-completion chat format)
    train_bob.jsonl
    adapters/{alice,bob}/  the QLoRA adapters trained in this iteration
    metrics.json           counts of every outcome, Bob's accuracy, difficulties, stage times
                           (hsx.selfplay.metrics.IterationMetrics)

and `state.json` (finished iterations, curriculum estimates, promoted programs).  Every stage
writes its output atomically, and an existing output means the stage is done, so
`hsx selfplay --resume runs/<name>` continues after a kill at any point without losing or
duplicating work.  Generation and training never hold the GPU at the same time: the generator
is closed before training starts.

One iteration: select -> Alice (SEQ with probability p_seq, else SINQ) -> verify all candidates
in one batch -> repair rounds fed with the classified verifier error -> Bob judges every verified
pair k times -> difficulty = 10 x (1 - Bob's success rate) -> select training data -> train both
adapters -> metrics, curriculum update, promotion of hard Q's into the pool.

The stages live beside it: Alice and the verification of her candidates in hsx/selfplay/alice.py,
the held-out measure in hsx/selfplay/heldout.py, the classification of verifier results and the
iteration's metrics in hsx/selfplay/outcomes.py.  This module keeps what they share: the generator
(loaded once, closed before training), the verifiers, Bob, training and the run's state.
"""

from __future__ import annotations

import collections
import dataclasses
import random
import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from hsx.agents import parsing, prompts
from hsx.config import HsxConfig, derive_seed, to_dict
from hsx.models.generation import Generator, GeneratorFactory, make_generator
from hsx.models.tinymodel import resolve_base_model
from hsx.models.training import NoTrainableExamples, train_adapter
from hsx.pool.programs import Program, load_pool
from hsx.proof.prover import ProverMissing, locate_prover
from hsx.records import BobJudgement, PairKind, PairRecord, RunState, Verification
from hsx.runs import progress_bar, read_json, read_jsonl, write_json, write_jsonl
from hsx.selfplay import transform
from hsx.selfplay.alice import Alice
from hsx.selfplay.curriculum import Curriculum, promotion_rows
from hsx.selfplay.heldout import HeldOut
from hsx.selfplay.metrics import AgentTraining, SelectionCounts, TrainingSummary
from hsx.selfplay.outcomes import diverging_input, iteration_metrics, run_summary
from hsx.selfplay.selection import pair_difficulty, select_training_data
from hsx.verdict import Result
from hsx.verify.pipeline import Verifier
from hsx.verify.syntax import syntax_reader



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
        self._search_only: Verifier | None = None  # the verifier without the proof stage (see run)
        self.model_path = resolve_base_model(config.model, config.models_dir)
        self.heldout = HeldOut(run_dir, config.selfplay, self.console, self._ask_bob)

    # -- state ------------------------------------------------------------------------------

    def _state(self) -> RunState:
        path = self.run_dir / "state.json"
        if path.exists():
            return RunState.from_json(read_json(path))
        return RunState(curriculum=Curriculum(self.config.selfplay).to_json())

    def run(self) -> Path:
        sp = self.config.selfplay
        self.run_dir.mkdir(parents=True, exist_ok=True)
        saved = self.run_dir / "config.json"
        if not saved.exists():
            write_json(saved, to_dict(self.config))
        prover_note = None
        try:
            locate_prover(self.config.toolchain, self.config.sandbox)
        except ProverMissing as e:
            prover_note = f"the prover is missing ({e})"
            self.console.print(f"[yellow]prover missing[/yellow]: SEQ attempts will be counted as "
                               f"prover-missing ({e})")
        # The transformation Alice's SINQ candidates carry no input: hsx's search must find one,
        # and when it finds none the candidate is "non-diverging", as a model's would be, without
        # a proof search that is not what was asked for.
        with Verifier(self.config) as verifier, \
                Verifier(self.config.with_proof(enabled=False)) as search_only:
            self._search_only = search_only
            self._verifier = verifier
            self.heldout.split(verifier, search_only, self._syntax_fn)
            for k in range(sp.iterations):
                state = self._state()
                if k in state.done:
                    self.console.print(f"iteration {k}: already done")
                    continue
                self._iteration(k, state, verifier)
        self._close_generator()
        for line in run_summary(self.run_dir, sp.iterations, prover_note):
            self.console.print(escape(line), highlight=False)
        return self.run_dir

    # -- one iteration ----------------------------------------------------------------------

    def _iteration(self, k: int, state: RunState, verifier: Verifier) -> None:
        sp = self.config.selfplay
        it = _Iteration(k, self.run_dir / f"iter_{k}", {}, {})
        it.dir.mkdir(parents=True, exist_ok=True)
        curriculum = (Curriculum.from_json(state.curriculum, sp) if state.curriculum is not None
                      else Curriculum(sp))
        pool = load_pool(Path(sp.pool)) + [Program.from_json(p) for p in state.promoted]
        held = self.heldout.program_ids()
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
        verified = Alice(self.console, self._generate, self._syntax_fn, k, it.dir, it.programs, it.times,
                         selfplay=self.config.selfplay, alice=self.config.alice
                         ).run(verifier, self._search_only or verifier, adapters)
        bob = self._bob(it, verified, adapters)
        self._close_generator()  # the GPU is free for training from here on
        training = self._train(it, bob)
        heldout = self.heldout.measure(it.dir, k, self._adapters(k + 1), it.times)
        metrics = iteration_metrics(it.dir, k, len(it.programs), sp.repair_rounds, bob, training, it.times, heldout)
        write_json(it.dir / "metrics.json", metrics.to_json())

        # Curriculum and promotion, then the iteration is marked done, in one atomic write.
        # Every selected program is updated, also those without a verified pair, so that a
        # program Alice cannot vary stops counting as never seen.
        by_program = _difficulties_by_program(bob)
        for pid in sorted(it.programs):
            curriculum.update(pid, by_program.get(pid, []), k)
        promoted = list(state.promoted)
        for rec in bob:
            if curriculum.promotable(rec.difficulty):
                p = self._promote(rec, it, verifier, curriculum)
                if p is not None and p["id"] not in {q["id"] for q in promoted}:
                    promoted.append(p)
        write_json(self.run_dir / "state.json",
                   RunState(tuple(set(state.done) | {k}), curriculum.to_json(), tuple(promoted)).to_json())

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
            config = self.config
            self._generator = self.generator_factory(self.model_path, adapters, model=config.model,
                                                     sampling=config.sampling, lora=config.lora)
            self._generator_adapters = dict(adapters)
        return self._generator

    def _generate(self, label: str, conversations: list[list[dict]], *, n: int, adapters: dict[str, str],
                  agent: str, seed: int) -> list:
        """Batched generation with a progress bar; each batch of `sampling.batch_size` prompts is
        one generate() call, seeded by its position so the result does not depend on batching."""
        gen = self._generator_for(adapters)
        size = max(1, self.config.sampling.batch_size)
        out: list = []
        with progress_bar(self.console) as progress:
            task = progress.add_task(label, total=len(conversations))
            for start in range(0, len(conversations), size):
                batch = conversations[start:start + size]
                out += gen.generate(batch, n=n, adapter=agent if agent in adapters else None,
                                    seed=derive_seed(seed, "batch", start))
                progress.advance(task, len(batch))
        return out

    def _close_generator(self) -> None:
        if self._generator is not None:
            self._generator.close()
            self._generator = None

    # -- Alice's syntax reader ---------------------------------------------------------

    def _syntax_fn(self):
        """GHC's parser through the helper's `syntax` op (haskell/README.md), answers cached by
        text; where the helper cannot answer it (an older helper build), hsx's tokenizer in the
        same node shapes (hsx.selfplay.transform.token_syntax), said once."""
        if self._syntax is not None:
            return self._syntax
        try:
            self._syntax = syntax_reader(self._verifier)
        except Exception as e:  # noqa: BLE001 - any reason the op cannot serve: fall back, say so
            self.console.print(f"[yellow]transformations locate nodes with hsx's tokenizer[/yellow]: the "
                               f"helper's syntax op is not available ({type(e).__name__}: {e})")
            self._syntax = transform.token_syntax
        return self._syntax

    # -- Bob -------------------------------------------------------------------------------

    def _bob(self, it: _Iteration, verified: list[tuple[dict, Verification]],
             adapters: dict[str, str]) -> list[PairRecord]:
        path = it.dir / "bob.jsonl"
        if path.exists():
            return [PairRecord.from_json(d) for d in read_jsonl(path)]
        t0 = time.monotonic()
        records = []
        if verified:
            convs, outs = self._ask_bob("bob", [(it.programs[a.program_id].code, a.q) for a, _ in verified],
                                        adapters, derive_seed(self.config.selfplay.seed, "bob", it.k))
            for (a, v), conv, samples in zip(verified, convs, outs):
                label = PairKind(a.kind).label  # YES for an equivalent pair
                judgements = []
                for s in samples:
                    judged = parsing.parse_bob(s.text)
                    # An unparsed answer is wrong.
                    judgements.append(BobJudgement(conv, s.text, judged is not None and judged == label, judged,
                                                   s.tokens))
                records.append(PairRecord(
                    id=a.id, kind=a.kind, difficulty=pair_difficulty([j.correct for j in judgements]),
                    alice_prompt=list(a.conversation), alice_answer=a.raw, bob=tuple(judgements),
                    program_id=a.program_id, q=a.q, inputs=diverging_input(a.kind, a.inputs, v),
                    source=a.source, transform=a.transform, verification=v))
        write_jsonl(path, [r.to_json() for r in records])
        it.times["bob"] = time.monotonic() - t0
        return records

    def _ask_bob(self, label: str, pairs: list[tuple[str, str]], adapters: dict[str, str],
                 seed: int) -> tuple[list[list[dict]], list]:
        """Bob's conversation for each (P, Q) and his `bob_samples` answers to it."""
        convs = [self._bob_prompt(p, q) for p, q in pairs]
        outs = self._generate(label, self._bob_turns(convs), n=self.config.selfplay.bob_samples, adapters=adapters,
                              agent="bob", seed=seed)
        return convs, outs

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

    def _train(self, it: _Iteration, bob: list[PairRecord]) -> TrainingSummary:
        sp, tr = self.config.selfplay, self.config.training
        t0 = time.monotonic()
        files = {"alice": it.dir / "train_alice.jsonl", "bob": it.dir / "train_bob.jsonl"}
        if not all(f.exists() for f in files.values()):
            chosen = select_training_data(bob, sp, random.Random(f"{sp.seed}-select-data-{it.k}"))
            # The model Alice learns from her own verified answers only: a transformation's Q has
            # no prompt that the model answered (Bob learns from every verified pair).
            model_ids = {b.id for b in bob if b.source == "model"}
            write_jsonl(files["alice"], [ex for ex, pid in zip(chosen.alice, chosen.alice_pair_ids)
                                         if pid in model_ids])
            write_jsonl(files["bob"], chosen.bob)
            write_json(it.dir / "selection.json", chosen.counts.to_json())
        summary: dict[str, AgentTraining] = {}
        for agent in ("alice", "bob"):
            out = it.dir / "adapters" / agent
            if (out / "adapter_config.json").exists():
                summary[agent] = AgentTraining.from_json(read_json(out.parent / f"{agent}.json"))
                continue
            if tr.mode == "retrain":  # the paper: from the base model on everything so far
                examples = [e for j in range(it.k + 1) for e in read_jsonl(self.run_dir / f"iter_{j}" / f"train_{agent}.jsonl")]
                init = None
            else:
                examples = read_jsonl(files[agent])
                init = self._adapters(it.k).get(agent)
            if not examples:
                summary[agent] = AgentTraining(0, skipped="no training examples")
                continue
            try:
                with self.console.status(f"training {agent}: {len(examples)} examples"):
                    res = train_adapter(examples, model_path=self.model_path, out_dir=out, config=self.config,
                                        init_adapter=Path(init) if init else None, seed=sp.seed + it.k)
            except NoTrainableExamples as e:
                self.console.print(f"[yellow]{agent}: training skipped[/yellow]: {e}")
                summary[agent] = AgentTraining(len(examples), skipped=str(e))
                continue
            info = AgentTraining(res.examples, res.steps, res.train_loss, res.seconds)
            write_json(out.parent / f"{agent}.json", info.to_json())
            summary[agent] = info
        it.times["train"] = time.monotonic() - t0
        return TrainingSummary(SelectionCounts.from_json(read_json(it.dir / "selection.json")), summary["alice"],
                               summary["bob"])

    # -- promotion -------------------------------------------------------------------------

    def _promote(self, rec: PairRecord, it: _Iteration, verifier: Verifier, curriculum: Curriculum) -> dict | None:
        """A verified hard Q joins the pool as a new P, with provenance, if it runs."""
        parent = it.programs[rec.program_id]
        rows = promotion_rows(parent, rec.inputs if rec.kind == "sinq" else None)
        ev = verifier.evaluate(rec.q, rows, entry=parent.entry, path="Q.hs")
        if isinstance(ev, Result):
            return None
        try:
            new = curriculum.promote(parent, rec.q, ev, pair_id=rec.id, difficulty=rec.difficulty,
                                     run=self.run_dir.name, iteration=it.k, kind=rec.kind, rows=rows)
        except ValueError:
            return None  # e.g. Q gives no value on any input: not a useful new program
        return new.to_json()




def _difficulties_by_program(bob: list[PairRecord]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = collections.defaultdict(list)
    for b in bob:
        out[b.program_id].append(b.difficulty)
    return out


def run_selfplay(config: HsxConfig, run_dir: Path, **kw) -> Path:
    return SelfPlay(config, run_dir, **kw).run()
