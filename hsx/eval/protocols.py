"""Three scoring protocols for the same saved answers of a YES/NO benchmark, named for what they are.

Consumes the predictions of an evaluation run (`hsx.eval.predictions.Prediction`: `label`, raw
`output`, the `answer` hsx's parser read; hsx/eval/run.py) and EquiBench's decisions on the same outputs (hsx/eval/judge.py); produces
one block per protocol, each with the share of answers it read without chance:

* `strict`: hsx's parser; an unparsed answer is WRONG.  hsx's headline number.
* `parsed-only`: the same parser, unparsed answers dropped from the denominator: what the paper's
  scripts report (`src/Evaluation/EquiBench/main.py` computes sklearn's accuracy over the parsed
  answers only).  Where 40% of the answers do not parse, 50% here is 30% of all pairs.
* `equibench`: EquiBench's own rule: exact YES/NO, else its LLM judge, else a coin flip
  (`random.choice([True, False])` in its steps/eval/type.py).  The flips are reported as what they
  are: the EXPECTED accuracy (each flip right with probability 1/2), the 95% interval of the
  accuracy over the flips (exact binomial quantiles), and the accuracy of one realisation with a
  fixed seed (each answer's flip seeded by (seed, item, repeat), so it does not depend on order).

Overall figures are the mean of the category figures (EquiBench's step3_stat.py); the overall
coin-flip interval comes from the exact distribution of that mean (a sum of independent scaled
binomials), or a normal approximation when its support would exceed `EXACT_SUPPORT` points.

    from hsx.eval.protocols import category_block
    block = category_block(predictions, decisions, seed=0)   # {"strict": {...}, "equibench": {...}, ...}
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import Sequence

from hsx.eval.predictions import Prediction

PROTOCOLS = ("strict", "equibench", "parsed-only")
LEVEL = 0.95
EXACT_SUPPORT = 1_000_000


def binomial_quantiles(n: int, level: float = LEVEL) -> tuple[int, int]:
    """The (1-level)/2 and (1+level)/2 quantiles of Binomial(n, 1/2): the smallest k with CDF(k)
    >= q, in exact integer arithmetic."""
    if n == 0:
        return 0, 0
    total, cdf, out = 2 ** n, 0, []
    targets = [Fraction((1 - level) / 2).limit_denominator(10 ** 9), Fraction((1 + level) / 2).limit_denominator(10 ** 9)]
    for k in range(n + 1):
        cdf += math.comb(n, k)
        while targets and cdf * targets[0].denominator >= targets[0].numerator * total:
            out.append(k)
            targets.pop(0)
        if not targets:
            break
    return out[0], out[1]


def coin_flip(seed: int, key: str, repeat: int) -> bool:
    """The seeded stand-in for EquiBench's `random.choice([True, False])` on one answer."""
    return random.Random(f"{seed}/{key}/{repeat}").random() < 0.5


def mean_flip_interval(parts: list[tuple[float, int]], level: float = LEVEL) -> tuple[float, float]:
    """Interval of sum_c w_c * X_c, X_c ~ Binomial(u_c, 1/2) independent; parts = [(w_c, u_c)]."""
    support = 1
    for _, u in parts:
        support *= u + 1
    if support > EXACT_SUPPORT:
        mean = sum(w * u / 2 for w, u in parts)
        sd = math.sqrt(sum(w * w * u / 4 for w, u in parts))
        z = 1.959963984540054 if level == 0.95 else _z(level)
        return mean - z * sd, mean + z * sd
    dist = {0.0: 1.0}
    for w, u in parts:
        pmf = [math.comb(u, k) / 2 ** u for k in range(u + 1)]
        new: dict[float, float] = {}
        for value, p in dist.items():
            for k, q in enumerate(pmf):
                key = round(value + w * k, 12)
                new[key] = new.get(key, 0.0) + p * q
        dist = new
    lo = hi = None
    cdf = 0.0
    for value in sorted(dist):
        cdf += dist[value]
        if lo is None and cdf >= (1 - level) / 2 - 1e-12:
            lo = value
        if hi is None and cdf >= (1 + level) / 2 - 1e-12:
            hi = value
    return lo, hi


def _z(level: float) -> float:
    from statistics import NormalDist
    return NormalDist().inv_cdf((1 + level) / 2)


def category_block(records: Sequence[Prediction], decisions: Sequence[dict], *, seed: int = 0,
                   judge: str | None = None) -> dict:
    """The three protocols on one category's answers; `decisions[i]` is EquiBench's decision on
    `records[i].output` ({"decision": bool | None, "by": "exact" | "judge" | None})."""
    if len(records) != len(decisions):
        raise ValueError("records and decisions differ in length")
    n = len(records)
    parsed = [r for r in records if r.answer is not None]
    right = sum(1 for r in parsed if r.answer == r.label)
    nan = float("nan")
    decided_right = sum(1 for r, d in zip(records, decisions) if d["decision"] is not None and d["decision"] == r.label)
    flips = [r for r, d in zip(records, decisions) if d["decision"] is None]
    lucky = sum(1 for r in flips if coin_flip(seed, r.key, r.repeat) == r.label)
    lo, hi = binomial_quantiles(len(flips))
    return {
        "strict": {"accuracy": right / n if n else nan, "parse_rate": len(parsed) / n if n else nan, "answers": n},
        "parsed-only": {"accuracy": right / len(parsed) if parsed else nan,
                        "parse_rate": len(parsed) / n if n else nan, "answers": len(parsed)},
        "equibench": {"accuracy": (decided_right + len(flips) / 2) / n if n else nan,
                      "interval": [(decided_right + lo) / n, (decided_right + hi) / n] if n else [nan, nan],
                      "seeded_accuracy": (decided_right + lucky) / n if n else nan, "seed": seed,
                      "parse_rate": (n - len(flips)) / n if n else nan, "answers": n,
                      "exact": sum(1 for d in decisions if d["by"] == "exact"),
                      "judged": sum(1 for d in decisions if d["by"] == "judge"), "coin_flips": len(flips),
                      "judge": judge},
    }


def overall_block(blocks: list[dict]) -> dict:
    """The mean of the category figures; parse rates pooled over answers; the coin-flip interval
    of the mean from the categories' flips (see the module docstring)."""
    k = len(blocks)
    answers = sum(b["strict"]["answers"] for b in blocks)
    parsed = sum(b["parsed-only"]["answers"] for b in blocks)

    def avg(p, field="accuracy"):
        return sum(b[p][field] for b in blocks) / k if k else float("nan")

    eq = [b["equibench"] for b in blocks]
    # each category's accuracy is (decided right + flips right) / answers: weight 1 / (k * answers)
    base = avg("equibench") - sum(e["coin_flips"] / 2 / e["answers"] for e in eq) / k
    lo, hi = mean_flip_interval([(1 / (k * e["answers"]), e["coin_flips"]) for e in eq])
    return {
        "strict": {"accuracy": avg("strict"), "parse_rate": parsed / answers if answers else float("nan"),
                   "answers": answers},
        "parsed-only": {"accuracy": avg("parsed-only"), "parse_rate": parsed / answers if answers else float("nan"),
                        "answers": parsed},
        "equibench": {"accuracy": avg("equibench"), "interval": [base + lo, base + hi],
                      "seeded_accuracy": avg("equibench", "seeded_accuracy"), "seed": eq[0]["seed"] if eq else 0,
                      "parse_rate": (answers - sum(e["coin_flips"] for e in eq)) / answers if answers else float("nan"),
                      "answers": answers, "exact": sum(e["exact"] for e in eq), "judged": sum(e["judged"] for e in eq),
                      "coin_flips": sum(e["coin_flips"] for e in eq), "judge": eq[0]["judge"] if eq else None},
    }


__all__ = ["LEVEL", "PROTOCOLS", "binomial_quantiles", "category_block", "coin_flip", "mean_flip_interval",
           "overall_block"]
