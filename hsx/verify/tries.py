"""What a search tried, as a `Result` reports it.

Consumes the helper's `Report`s; produces `hsx.verdict.Tried` (the counts a user reads after a
verdict: inputs enumerated and drawn per strategy, shrink steps, whether the budget ran out),
the two searches of a pair combined (at Int, then with Eq/Ord variables at Hsx.Key), and the
sentence that says what was tried when nothing differed.
"""

from __future__ import annotations

import dataclasses

from hsx.haskell.helper import Report
from hsx.verdict import Tried
from hsx.verify.pair import PairRequest

KEY_NOTE = "Hsx.Key.Key k t: == and compare look at k only, the result shows t too"


def tried_of(report: Report) -> Tried:
    return Tried(enumerated=report.enumerated, enumeration_depth=report.depth,
                 random_tests=report.random, shrink_steps=report.shrinks,
                 budget_exhausted=report.exhausted, strategies=report.strategies,
                 found_by=report.found_by)


def combined(first: Tried, more: Tried) -> Tried:
    """Two searches of one pair as one: counts add up, shrinking and the finder are the second's."""
    return dataclasses.replace(
        first, enumerated=first.enumerated + more.enumerated, random_tests=first.random_tests + more.random_tests,
        shrink_steps=more.shrink_steps, budget_exhausted=first.budget_exhausted or more.budget_exhausted,
        strategies={k: first.strategies.get(k, 0) + more.strategies.get(k, 0)
                    for k in {**first.strategies, **more.strategies}},
        found_by=more.found_by)


def no_difference_reason(req: PairRequest, report: Report, tried: Tried) -> str:
    if req.inputs is not None:
        what = "the given input shows no difference"
    else:
        drawn = ", ".join(f"{k} {v}" for k, v in tried.strategies.items() if k != "enumerate")
        what = (f"no counterexample found ({tried.enumerated} inputs enumerated up to depth "
                f"{tried.enumeration_depth}, {tried.random_tests} drawn" + (f": {drawn}" if drawn else "")
                + ("; time budget exhausted" if tried.budget_exhausted else "") + ")")
    if report.possible:
        what += f"; possible divergence: a side timed out or hit a resource limit on {len(report.possible)} input(s)"
    return what
