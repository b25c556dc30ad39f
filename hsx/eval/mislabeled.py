"""EquiBench pairs whose published label is known to be wrong, with where that is said.

Consumes `EquiPair`s (hsx/eval/benchmarks.py); produces, per pair, whether it is on the list
(`known_mislabeled`).  `hsx eval run/score --exclude-known-mislabeled` leaves these pairs out;
without the option they are evaluated and flagged, and the summary gives the score without them
as a second column.

Source: EquiBench issue 1, "About the ground truth of the STOKE benchmarks"
(https://github.com/Anjiang-Wei/EquiBench/issues/1).  A user found a STOKE pair labelled
equivalent that STOKE's own checker rejects; a maintainer (frogcjn, 2025-10-30) replied that the
equivalent pairs were built from STOKE's synthesis output (`result.s`) without running `stoke
debug verify` against `target.s`, and listed the affected pairs, checked with both the bounded(8)
and the ddec strategies: a pair whose `program_2_path` is `dataset/organized/STOKE/<id>/eq_0.s`
with <id> in a list of problem ids is inequivalent, whatever its `truth_label` says.

What hsx could read of that list is `STOKE_EQ0_PROBLEM_IDS`: the copy of the thread hsx could
reach breaks off after problem 56 (`LIST_COMPLETE = False`), so pairs of later problems may be
missing here.  Of the listed pairs, the one the thread shows in full (pair 4, problem 2:
`addl $0x1, %eax; cltq; negq %rax` against `notl %eax; cltq`, def_in {%eax}, live_out {%rax})
is checked by hand in tests/test_eval_protocols.py: at %eax = 0x7fffffff the two leave different
values in %rax.  The others rest on the maintainers' run of STOKE's checker, which hsx cannot
repeat (no STOKE here).

Pairs are matched by `program_2_path`, which EquiBench's files carry; a STOKE record without it
cannot be matched, and excluding is then an error rather than a silent no-op.
"""

from __future__ import annotations

import re

from hsx.eval.benchmarks import BenchmarkError, EquiPair

SOURCE = "https://github.com/Anjiang-Wei/EquiBench/issues/1 (maintainer's comment of 2025-10-30)"
STOKE_EQ0_PROBLEM_IDS = frozenset({0, 1, 2, 3, 5, 6, 7, 9, 13, 17, 18, 19, 20, 21, 25, 26, 28, 30, 31, 32, 33, 34,
                                   35, 36, 40, 41, 43, 47, 48, 49, 50, 51, 52, 53, 54, 56})
LIST_COMPLETE = False  # the thread's list was cut off after 56 in the copy hsx read
_EQ0 = re.compile(r"(?:^|/)STOKE/(\d+)/eq_0\.s$")


def known_mislabeled(pair: EquiPair) -> bool:
    """Whether the pair is on the list (see the module docstring)."""
    if pair.category != "STOKE":
        return False
    m = _EQ0.search(pair.program_2_path or "")
    return bool(m) and int(m.group(1)) in STOKE_EQ0_PROBLEM_IDS


def check_matchable(pairs: list[EquiPair]) -> None:
    """Excluding needs `program_2_path` on the STOKE records; say so instead of excluding nothing."""
    blind = [p for p in pairs if p.category == "STOKE" and not p.program_2_path]
    if blind:
        raise BenchmarkError(f"--exclude-known-mislabeled: {len(blind)} STOKE record(s) (first: pair {blind[0].id}) "
                             f"have no program_2_path, by which the list ({SOURCE}) names its pairs; use a copy of "
                             f"EquiBench that keeps it (the hub data set, or EquiBench's downloader output)")


__all__ = ["LIST_COMPLETE", "SOURCE", "STOKE_EQ0_PROBLEM_IDS", "check_matchable", "known_mislabeled"]
