"""Choosing training data from one iteration's verified pairs.

Consumes `hsx.records.PairRecord`s (verified pairs: their difficulty, Alice's prompt and raw answer, and
Bob's judgements, each with its prompt, raw completion and whether it was correct), the `[selfplay]`
config section and a `random.Random`; produces `Selected`: prompt-completion examples
(`{"prompt": messages, "completion": [{"role": "assistant", "content": text}]}`) for Alice and for
Bob, and counts per difficulty bin for the metrics.

* **Alice** learns from every pair with difficulty ≥ `tau` ("hard": Bob mostly got it wrong), plus
  `easy_share` × (number of hard pairs) easier pairs, so she does not forget how to write correct
  variants at all.  The easier pairs are stratified over difficulty bins of width 2 ([0,2), [2,4),
  ...): each bin gets a share proportional to its number of easier pairs (largest-remainder
  rounding, ties to the lower bin), drawn without replacement inside the bin with `rng`.  Her
  completion is her raw answer, so a SEQ example teaches Q together with the proof that Liquid
  Haskell accepted, and a SINQ example Q with its diverging input.
* **Bob** learns from his correct judgements on verified pairs (identical completions for one
  pair kept once).  Unparsed answers count as wrong upstream, so they never become examples.
  With the short-answer prompt (`bob_prompt = "short"`: the completion is the answer line and
  nothing else) there is no reasoning to select among his samples, and selecting only the pairs
  he already answered right would teach him only what he already believes (a base model that says
  YES to everything would see YES examples only).  There every verified pair gives one example:
  the answer line with the label the referee established.

Only verified pairs are training data: records with `verified` false are ignored.
"""

from __future__ import annotations

import collections
import math
import random
from dataclasses import dataclass, field
from typing import Sequence

from hsx.agents.parsing import parse_bob
from hsx.agents.prompts import BOB_SHORT_PREFIX, NO, YES
from hsx.config import SelfPlayConfig
from hsx.records import PairRecord
from hsx.selfplay.metrics import BinCount, SelectionCounts

BIN_WIDTH = 2.0
MAX_DIFFICULTY = 10.0
BIN_LABELS = tuple(f"[{int(lo)},{int(lo + BIN_WIDTH)}{']' if lo + BIN_WIDTH >= MAX_DIFFICULTY else ')'}"
                   for lo in range(0, int(MAX_DIFFICULTY), int(BIN_WIDTH)))


def difficulty_bin(difficulty: float) -> int:
    """Index into BIN_LABELS; 10 falls into the last bin."""
    return min(int(difficulty // BIN_WIDTH), len(BIN_LABELS) - 1)


def pair_difficulty(correct: Sequence[bool]) -> float:
    """10 × (1 − Bob's success rate) over his k judgements of one pair."""
    if not correct:
        raise ValueError("a pair's difficulty needs at least one judgement")
    return 10.0 * (1.0 - sum(bool(c) for c in correct) / len(correct))


@dataclass(frozen=True)
class Selected:
    alice: list[dict]
    bob: list[dict]
    alice_pair_ids: list[str]  # parallel to `alice`
    hard: int  # pairs with difficulty >= tau (all taken)
    easy: int  # easier pairs taken
    bins: dict[str, dict[str, int]] = field(default_factory=dict)  # label -> {"pairs", "selected"}
    bob_correct: int = 0  # his correct judgements on verified pairs
    bob_judgements: int = 0  # all his judgements on verified pairs

    @property
    def counts(self) -> SelectionCounts:
        """The counts for the iteration's metrics."""
        labels = collections.Counter(
            {True: YES, False: NO, None: "unparsed"}[parse_bob(e["completion"][0]["content"])] for e in self.bob)
        return SelectionCounts(len(self.alice), self.hard, self.easy, len(self.bob), dict(labels), self.bob_correct,
                               self.bob_judgements,
                               {label: BinCount(b["pairs"], b["selected"]) for label, b in self.bins.items()})


def _example(prompt: list[dict], completion: str) -> dict:
    return {"prompt": [dict(m) for m in prompt], "completion": [{"role": "assistant", "content": completion}]}


def proportional_quotas(sizes: Sequence[int], total: int) -> list[int]:
    """`total` split over strata in proportion to their sizes (largest remainder; ties go to the
    lower index); never more than a stratum holds."""
    available = sum(sizes)
    total = min(total, available)
    if total <= 0:
        return [0] * len(sizes)
    exact = [total * s / available for s in sizes]
    quotas = [math.floor(x) for x in exact]
    order = sorted(range(len(sizes)), key=lambda i: (-(exact[i] - quotas[i]), i))
    for i in order[:total - sum(quotas)]:
        quotas[i] += 1
    return quotas


def verified_answer(kind: str) -> str:
    """Bob's short answer line for a verified pair of this kind ("seq": equivalent)."""
    return f"{BOB_SHORT_PREFIX} {YES if kind == 'seq' else NO}"


def select_training_data(records: Sequence[PairRecord], config: SelfPlayConfig, rng: random.Random) -> Selected:
    pairs = [p for p in records if p.verified]
    hard = [p for p in pairs if p.difficulty >= config.tau]

    strata: list[list[int]] = [[] for _ in BIN_LABELS]  # indices into `pairs`
    for i, p in enumerate(pairs):
        if p.difficulty < config.tau:
            strata[difficulty_bin(p.difficulty)].append(i)
    wanted = round(config.easy_share * len(hard))
    quotas = proportional_quotas([len(s) for s in strata], wanted)
    easy_taken: set[int] = set()
    for stratum, quota in zip(strata, quotas):
        # Order by id first (stable: then by position), so the draw depends only on the records
        # and the seed, not on the order in which pairs finished verifying.
        ordered = sorted(stratum, key=lambda i: pairs[i].id)
        easy_taken.update(rng.sample(ordered, quota))

    chosen = [p for i, p in enumerate(pairs) if p.difficulty >= config.tau or i in easy_taken]
    bins = {label: {"pairs": 0, "selected": 0} for label in BIN_LABELS}
    for p in pairs:
        bins[BIN_LABELS[difficulty_bin(p.difficulty)]]["pairs"] += 1
    for p in chosen:
        bins[BIN_LABELS[difficulty_bin(p.difficulty)]]["selected"] += 1

    bob: list[dict] = []
    judgements = correct = 0
    for p in pairs:
        seen: set[str] = set()
        for j in p.bob:
            judgements += 1
            correct += j.correct
            if config.bob_prompt != "short" and j.correct and j.completion not in seen:
                seen.add(j.completion)
                bob.append(_example(j.prompt, j.completion))
        if config.bob_prompt == "short" and p.bob:
            bob.append(_example(p.bob[0].prompt, verified_answer(p.kind)))
    return Selected(alice=[_example(p.alice_prompt, p.alice_answer) for p in chosen], bob=bob,
                    alice_pair_ids=[p.id for p in chosen], hard=len(hard), easy=len(easy_taken),
                    bins=bins, bob_correct=correct, bob_judgements=judgements)


__all__ = ["BIN_LABELS", "Selected", "difficulty_bin", "pair_difficulty",
           "proportional_quotas", "select_training_data", "verified_answer"]
