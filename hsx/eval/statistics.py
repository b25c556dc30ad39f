"""Metrics and statistics for `hsx eval`, in pure Python (no numpy or scipy).

Consumes per-item outcomes (booleans, or per-item scores in [0, 1] when an item was answered
several times); produces plain numbers and dicts:

* `binary_metrics(truths, predictions)`: accuracy, precision, recall, F1 and the confusion
  matrix of a YES/NO classifier whose answers may be missing (None = unparsed);
* `bootstrap_mean_ci`, `stratified_bootstrap_ci`: seeded percentile bootstrap intervals of a
  mean, and of a mean of per-category means (the headline "overall" accuracy);
* `mcnemar_exact(b, c)`: the exact two-sided McNemar test (binomial on the discordant pairs);
* `paired_bootstrap_diff`: a seeded percentile interval of the difference of two paired means;
* `majority_baseline(labels)`: the always-the-larger-class classifier (PySecDB's 68.9%).

Conventions, chosen so that no model can look better by failing to answer:

* an unparsed answer is WRONG: on a positive item it is a false negative, on a negative item a
  false positive, so accuracy, precision, recall and F1 all agree that it is an error.  The
  confusion matrix still keeps unparsed answers in their own column, so the parsed-only numbers
  can be recomputed from it;
* intervals are percentile bootstraps over ITEMS (an item answered in several repeats is
  resampled with all its repeats), 2.5% and 97.5%, from `random.Random(seed)`: the same seed
  gives the same interval.
"""

from __future__ import annotations

import math
import random
from typing import Sequence


def mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs) if xs else float("nan")


def binary_metrics(truths: Sequence[bool], predictions: Sequence[bool | None]) -> dict:
    """Accuracy, precision, recall, F1 (positive class: True) and the confusion matrix.

    `predictions[i] is None` is an unparsed answer, counted as wrong (see the module docstring).
    Returns also `parse_rate` and `parsed_accuracy` (accuracy over parsed answers only; NaN when
    nothing parsed).
    """
    if len(truths) != len(predictions):
        raise ValueError("truths and predictions differ in length")
    c = {"tp": 0, "fp": 0, "tn": 0, "fn": 0, "unparsed_pos": 0, "unparsed_neg": 0}
    for t, p in zip(truths, predictions):
        if p is None:
            c["unparsed_pos" if t else "unparsed_neg"] += 1
        elif t:
            c["tp" if p else "fn"] += 1
        else:
            c["fp" if p else "tn"] += 1
    n = len(truths)
    parsed = n - c["unparsed_pos"] - c["unparsed_neg"]
    fn = c["fn"] + c["unparsed_pos"]  # unparsed on a positive item: a missed positive
    fp = c["fp"] + c["unparsed_neg"]  # unparsed on a negative item: a wrong answer, scored as YES
    precision = c["tp"] / (c["tp"] + fp) if c["tp"] + fp else 0.0
    recall = c["tp"] / (c["tp"] + fn) if c["tp"] + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": n,
        "accuracy": (c["tp"] + c["tn"]) / n if n else float("nan"),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "parse_rate": parsed / n if n else float("nan"),
        "parsed_accuracy": (c["tp"] + c["tn"]) / parsed if parsed else float("nan"),
        "confusion": c,
    }


def majority_baseline(labels: Sequence[bool]) -> dict:
    """The classifier that always answers the more frequent label: its accuracy and F1 (for the
    positive class; 0 when the majority is negative, since it never finds a positive)."""
    if not labels:
        return {"majority": None, "accuracy": float("nan"), "f1": float("nan")}
    pos = sum(1 for x in labels if x)
    majority = pos * 2 > len(labels)  # ties go to the negative class
    return {"majority": majority, **{k: v for k, v in
                                     binary_metrics(labels, [majority] * len(labels)).items()
                                     if k in ("accuracy", "f1")}}


def _percentile(sorted_xs: list[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default 'linear' method)."""
    if not sorted_xs:
        return float("nan")
    pos = q * (len(sorted_xs) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_xs) - 1)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (pos - lo)


def _interval(stats: list[float], level: float) -> tuple[float, float]:
    stats.sort()
    alpha = (1 - level) / 2
    return _percentile(stats, alpha), _percentile(stats, 1 - alpha)


def bootstrap_mean_ci(scores: Sequence[float], *, samples: int = 1000, seed: int = 0,
                      level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of mean(scores), resampling items with replacement."""
    if not scores:
        return float("nan"), float("nan")
    rng = random.Random(seed)
    n = len(scores)
    stats = [sum(scores[rng.randrange(n)] for _ in range(n)) / n for _ in range(samples)]
    return _interval(stats, level)


def stratified_bootstrap_ci(groups: Sequence[Sequence[float]], *, samples: int = 1000, seed: int = 0,
                            level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of the mean of group means, resampling within each group: the
    interval of EquiBench's overall accuracy (mean of categories, each of its own size)."""
    groups = [g for g in groups if g]
    if not groups:
        return float("nan"), float("nan")
    rng = random.Random(seed)
    stats = []
    for _ in range(samples):
        means = [sum(g[rng.randrange(len(g))] for _ in range(len(g))) / len(g) for g in groups]
        stats.append(sum(means) / len(means))
    return _interval(stats, level)


def paired_bootstrap_diff(a: Sequence[float], b: Sequence[float], *, samples: int = 1000, seed: int = 0,
                          level: float = 0.95) -> dict:
    """mean(b) - mean(a) over paired items, its percentile interval (items resampled together)
    and the share of resamples where the difference is <= 0 (a one-sided bootstrap p-value for
    "B is better than A")."""
    if len(a) != len(b):
        raise ValueError("paired samples differ in length")
    if not a:
        return {"diff": float("nan"), "ci": (float("nan"), float("nan")), "p_not_better": float("nan")}
    rng = random.Random(seed)
    n = len(a)
    d = [y - x for x, y in zip(a, b)]
    stats = [sum(d[rng.randrange(n)] for _ in range(n)) / n for _ in range(samples)]
    p = sum(1 for s in stats if s <= 0) / samples
    return {"diff": sum(d) / n, "ci": _interval(stats, level), "p_not_better": p}


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value.  b: pairs only A got right; c: pairs only B got right.

    Under the null, each of the n = b + c discordant pairs is B's win with probability 1/2:
    p = min(1, 2 * P(X <= min(b, c))), X ~ Binomial(n, 1/2).  Exact integer arithmetic, so
    thousands of discordant pairs do not underflow.
    """
    if b < 0 or c < 0:
        raise ValueError("counts must be non-negative")
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    tail = sum(math.comb(n, i) for i in range(k + 1))
    return min(1.0, 2 * tail / 2 ** n)


def discordant(a: Sequence[bool], b: Sequence[bool]) -> tuple[int, int]:
    """(only A correct, only B correct) over paired outcomes."""
    if len(a) != len(b):
        raise ValueError("paired samples differ in length")
    return (sum(1 for x, y in zip(a, b) if x and not y), sum(1 for x, y in zip(a, b) if y and not x))


__all__ = ["binary_metrics", "bootstrap_mean_ci", "discordant", "majority_baseline", "mcnemar_exact",
           "mean", "paired_bootstrap_diff", "stratified_bootstrap_ci"]
