"""The curriculum: which programs Alice works on next, and which of her programs join the pool.

Consumes the pool (`hsx.pool.programs.Program`), the difficulties of the verified pairs each program
produced (difficulty = 10 × (1 − Bob's success rate), 0-10), the iteration number and the
`[selfplay]` config section; produces the programs for the next iteration, and new pool programs
promoted from hard verified Q's.  Its state is plain JSON, saved with every iteration so a run
resumes where it stopped.

Policy:

* **Estimate.**  Each program keeps a difficulty estimate: an exponential moving average of the
  difficulties of the verified pairs built from it (`EMA_ALPHA` = 0.5 per pair: a program's
  difficulty moves as Bob learns, so recent pairs count most).  Before any pair, a promoted
  program's estimate is the difficulty of the pair it came from; a hand-written one has none.
  The state also counts visits, visits that produced no verified pair, and the last iteration.
* **Exploration.**  A share `explore` of each iteration's n programs is drawn uniformly from
  never-seen programs (so new and promoted programs get measured).
* **Band.**  The rest is drawn without replacement with weights that favour programs whose
  estimate lies in the target band [target_low, target_high] (hard enough to teach Bob, not so hard
  that Alice's pairs are noise): weight 1 inside the band, exp(−distance to the band) outside it,
  `UNMEASURED_WEIGHT` (0.5) for programs without an estimate.
* **No replay.**  A program drawn in iteration t−g has its weight multiplied by 1 − 0.5^g (0.5 if
  drawn last iteration, 0.75 two iterations ago, ...), and by 1 / (1 + visits without a verified
  pair) so programs Alice never manages to use fade out.  The draw is random (weighted sampling
  without replacement, Efraimidis-Spirakis keys), so no fixed list is replayed.
* **Determinism.**  Candidates are ordered by id before drawing: the same state, pool, iteration
  and `random.Random` seed give the same selection, whatever the pool's order.
* **Promotion.**  A verified Q whose pair has difficulty ≥ `promote_min_difficulty` becomes a new
  pool program (`Curriculum.promote`): its outputs are recorded by running it on P's sample inputs (plus the
  diverging input of a SINQ pair); inputs on which Q raises or does not finish are left out.
  Its `source` records where it came from: "promoted:<run>/<iteration>/<pair-id>".
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import asdict, dataclass
from typing import Sequence

from hsx.config import SelfPlayConfig
from hsx.pool.programs import PROMOTED_PREFIX, Program, code_size
from hsx.pool.reflect import reflectability
from hsx.verify.pipeline import ProgramRun

EMA_ALPHA = 0.5
UNMEASURED_WEIGHT = 0.5
RECENCY_DECAY = 0.5
STATE_VERSION = 1


@dataclass
class ProgramState:
    estimate: float | None = None  # EMA of observed pair difficulties (0-10)
    visits: int = 0  # iterations in which the program was used
    empty_visits: int = 0  # visits that produced no verified pair
    pairs: int = 0  # verified pairs observed
    last_iteration: int | None = None


class Curriculum:
    """Per-program difficulty estimates and the selection policy of the module docstring."""

    def __init__(self, config: SelfPlayConfig, states: dict[str, ProgramState] | None = None):
        self.config = config
        self.states: dict[str, ProgramState] = dict(states or {})

    # -- state ------------------------------------------------------------------------------

    def state(self, program_id: str) -> ProgramState:
        return self.states.setdefault(program_id, ProgramState())

    def estimate(self, program: Program) -> float | None:
        s = self.states.get(program.id)
        if s is not None and s.estimate is not None:
            return s.estimate
        return program.difficulty

    def seen(self, program_id: str) -> bool:
        s = self.states.get(program_id)
        return s is not None and s.visits > 0

    def update(self, program_id: str, pair_difficulties: Sequence[float], iteration: int) -> None:
        """Records one visit: the difficulties of the verified pairs built from the program this
        iteration (none when Alice produced no verified pair)."""
        s = self.state(program_id)
        s.visits += 1
        s.last_iteration = iteration if s.last_iteration is None else max(s.last_iteration, iteration)
        if not pair_difficulties:
            s.empty_visits += 1
        for d in pair_difficulties:
            if not 0.0 <= d <= 10.0:
                raise ValueError(f"pair difficulty {d} outside [0, 10] for program {program_id}")
            s.estimate = d if s.estimate is None else (1 - EMA_ALPHA) * s.estimate + EMA_ALPHA * d
            s.pairs += 1

    def to_json(self) -> dict:
        return {"version": STATE_VERSION, "ema_alpha": EMA_ALPHA,
                "programs": {pid: asdict(s) for pid, s in sorted(self.states.items())}}

    @staticmethod
    def from_json(data: dict, config: SelfPlayConfig) -> "Curriculum":
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"curriculum state version {data.get('version')!r}; this hsx reads {STATE_VERSION}")
        return Curriculum(config, {pid: ProgramState(**s) for pid, s in data["programs"].items()})

    # -- selection --------------------------------------------------------------------------

    def weight(self, program: Program, iteration: int) -> float:
        """The sampling weight of a program in the band-seeking part of the draw."""
        est = self.estimate(program)
        lo, hi = self.config.target_low, self.config.target_high
        if est is None:
            w = UNMEASURED_WEIGHT
        elif est < lo:
            w = math.exp(-(lo - est))
        elif est > hi:
            w = math.exp(-(est - hi))
        else:
            w = 1.0
        s = self.states.get(program.id)
        if s is not None:
            if s.last_iteration is not None:
                gap = max(1, iteration - s.last_iteration)
                w *= 1.0 - RECENCY_DECAY ** gap
            w /= 1 + s.empty_visits
        return w

    def select(self, pool: Sequence[Program], n: int, rng: random.Random, iteration: int) -> list[Program]:
        """n programs (fewer if the pool is smaller) for this iteration, without repeats."""
        candidates = sorted(pool, key=lambda p: p.id)
        if len({p.id for p in candidates}) != len(candidates):
            raise ValueError("the pool has duplicate program ids")
        n = max(0, min(n, len(candidates)))
        unseen = [p for p in candidates if not self.seen(p.id)]
        n_explore = min(len(unseen), round(self.config.explore * n))
        chosen = rng.sample(unseen, n_explore)
        taken = {p.id for p in chosen}
        rest = [p for p in candidates if p.id not in taken]
        keyed = []
        for p in rest:
            w = self.weight(p, iteration)
            u = rng.random()
            # Efraimidis-Spirakis: the k largest u^(1/w) are a weighted sample without replacement.
            key = math.log(u) / w if w > 0 and u > 0 else -math.inf
            keyed.append((key, p.id, p))
        keyed.sort(key=lambda k: (-k[0], k[1]))
        chosen += [p for _, _, p in keyed[:n - len(chosen)]]
        return chosen

    # -- promotion --------------------------------------------------------------------------

    def promotable(self, difficulty: float) -> bool:
        return difficulty >= self.config.promote_min_difficulty

    def promote(self, parent: Program, q_code: str, evaluation: ProgramRun, *, pair_id: str, difficulty: float,
                run: str, iteration: int, kind: str = "", rows: Sequence[Sequence[str]] | None = None) -> Program:
        """A new pool program from the verified Q of pair `pair_id` built on `parent`.

        `evaluation` is `Verifier.evaluate(q_code, rows, entry=parent.entry)`, run by the caller (this
        module starts no processes); `rows` defaults to P's sample inputs, and
        `promotion_rows(parent, diverging_input)` adds a SINQ pair's diverging input.  Rows on which
        Q gives no value are left out.  Raises ValueError when the pair is below
        `promote_min_difficulty`, when Q's entry or type differs from P's, or when Q gives no value
        on any row."""
        rows = [tuple(r) for r in (parent.inputs if rows is None else rows)]
        if not self.promotable(difficulty):
            raise ValueError(f"pair {pair_id} has difficulty {difficulty}, below "
                             f"promote_min_difficulty {self.config.promote_min_difficulty}")
        if len(evaluation.outputs) != len(rows):
            raise ValueError(f"{len(rows)} input rows but {len(evaluation.outputs)} outputs")
        if (evaluation.entry.name != parent.entry
                or " ".join(evaluation.entry.type.split()) != " ".join(parent.type.split())):
            raise ValueError(f"Q's entry {evaluation.entry.name} :: {evaluation.entry.type} differs from "
                             f"P's {parent.entry} :: {parent.type}")
        kept = [(r, o) for r, o in zip(rows, evaluation.outputs) if o.kind == "value"]
        if not kept:
            raise ValueError("Q gives no value on any sample input")
        digest = hashlib.sha256(q_code.encode()).hexdigest()[:8]
        root = parent.id.split("~")[0]  # ids name the hand-written ancestor, not the whole chain
        tags = tuple(dict.fromkeys([*parent.tags, "promoted", *([kind] if kind else [])]))
        return Program(id=f"{root}~{run}-i{iteration}-{digest}", code=q_code,
                       entry=evaluation.entry.name, type=evaluation.entry.type, arity=evaluation.arity,
                       inputs=tuple(r for r, _ in kept), outputs=tuple(o.describe() for _, o in kept),
                       size=code_size(q_code), tags=tags, reflectable=reflectability(q_code),
                       source=f"{PROMOTED_PREFIX}{run}/{iteration}/{pair_id}", difficulty=float(difficulty))


def promotion_rows(parent: Program, diverging_input: Sequence[str] | None = None) -> list[tuple[str, ...]]:
    """The inputs a promoted Q is run on: P's sample inputs, plus the diverging input of a SINQ
    pair (where Q's behaviour is most informative)."""
    rows = [tuple(r) for r in parent.inputs]
    if diverging_input is not None and tuple(diverging_input) not in rows:
        rows.append(tuple(diverging_input))
    return rows


__all__ = ["Curriculum", "ProgramState", "promotion_rows"]
