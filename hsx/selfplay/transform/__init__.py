"""The transformation Alice: candidate variants Q of a program P by rewriting P's syntax tree.

Consumes a pool `Program` (its code), the kind of variant wanted ("sinq": likely inequivalent,
"seq": likely equivalent) and a seeded `random.Random`; produces `Candidate`s: the rewritten
source Q, the transformation's name and the site it changed.  No model is involved, so this
Alice runs anywhere; self-play (`alice.backend = "transform"` or `"mix"`) sends every candidate
through exactly the same verification as a model's answer, so a transformation that was only
*likely* to (in)validate equivalence is judged by the verifier, never trusted:

* SINQ candidates carry no input: hsx's own counterexample search finds the diverging input, and
  that input is what the pair records;
* SEQ candidates carry no proof: the automatic proof search (hsx/proof/search.py) must find one
  that Liquid Haskell accepts.

The rewrites are span-based.  They are located by the nodes of a `SyntaxTree` (hsx/haskell/syntax.py,
the helper's `syntax` op as dataclasses: `OpNode`, `LiteralNode`, `IfNode`, `MatchNode` and
`binding`/`signature` declarations, spans `(line, col, end_line, end_col)`), and each rewrite
replaces the source text of whole nodes, so Q keeps P's layout everywhere else.  Where a `syntax`
reader from the helper (GHC's parser, `hsx.verify.syntax.syntax_reader`) is passed in, it locates the nodes;
otherwise `token_syntax` derives the same tree from hsx's tokenizer (hsx/haskell/tokens.py) and a Prelude
fixity table.  Every Q is read back (`parse_source`) before it is proposed, and GHC's compile
step inside verification is the final word on whether it parses and type-checks.

Likely inequivalent (SINQ): swap-operator (+/-, </<=, >/>=, &&/||, div/quot, mod/rem),
constant+1, constant-1, move-base-case, flip-guard, drop-guard, swap-if-branches,
swap-arguments, skip-element, repeat-element.

Likely equivalent (SEQ): guards-to-if, if-to-guards, if-to-case, commute, reassociate,
double-to-sum, sum-to-double, introduce-helper, inline-helper, accumulator, merge-clauses,
split-clauses, rename-bound (renaming alone is then rejected by self-play as "identical", like a
model's copy).

This package's `__init__` is the driver: the catalogue `TRANSFORMS` (name -> kind, rewrite),
`variants` (every Q one transformation makes) and `propose` (seeded choice of candidates).  The
modules it drives:

    syntax_tree.py    `token_syntax`: the `syntax` op's node shapes from hsx's tokenizer
    rewrites.py       `Rewritable` (text, tree, entry) and the editing helpers rewrites share
    inequivalent.py   the SINQ rewrites
    equivalent.py     the SEQ rewrites inside one definition
    definitions.py    the SEQ rewrites that add or remove a definition

    from hsx.selfplay.transform import propose
    cands = propose(program.code, program.entry, "sinq", random.Random(0), count=2)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Iterator

from hsx.haskell.source import parse_source
from hsx.haskell.syntax import SyntaxFn
from hsx.haskell.tokens import SourceError
from hsx.selfplay.transform.definitions import accumulator, inline_helper, introduce_helper
from hsx.selfplay.transform.equivalent import (commute, double_to_sum, guards_to_if, if_to_case, if_to_guards,
                                              merge_clauses, reassociate, rename_bound, split_clauses, sum_to_double)
from hsx.selfplay.transform.inequivalent import (constant, drop_guard, flip_guard, move_base_case, repeat_element,
                                                skip_element, swap_arguments, swap_if, swap_operator)
from hsx.selfplay.transform.rewrites import Rewritable
from hsx.selfplay.transform.syntax_tree import SourceText, token_syntax


@dataclass(frozen=True)
class Candidate:
    transform: str  # the transformation's name (TRANSFORMS)
    kind: str  # seq (likely equivalent) | sinq (likely inequivalent)
    q: str  # the rewritten program
    site: str  # what changed, for the logs: "line 3: + -> -"


TRANSFORMS: dict[str, tuple[str, Callable[[Rewritable], Iterator[tuple[str, str]]]]] = {
    # likely inequivalent
    "swap-operator": ("sinq", swap_operator),
    "constant+1": ("sinq", constant(1)),
    "constant-1": ("sinq", constant(-1)),
    "move-base-case": ("sinq", move_base_case),
    "flip-guard": ("sinq", flip_guard),
    "drop-guard": ("sinq", drop_guard),
    "swap-if-branches": ("sinq", swap_if),
    "swap-arguments": ("sinq", swap_arguments),
    "skip-element": ("sinq", skip_element),
    "repeat-element": ("sinq", repeat_element),
    # likely equivalent
    "guards-to-if": ("seq", guards_to_if),
    "if-to-guards": ("seq", if_to_guards),
    "if-to-case": ("seq", if_to_case),
    "commute": ("seq", commute),
    "reassociate": ("seq", reassociate),
    "double-to-sum": ("seq", double_to_sum),
    "sum-to-double": ("seq", sum_to_double),
    "introduce-helper": ("seq", introduce_helper),
    "inline-helper": ("seq", inline_helper),
    "accumulator": ("seq", accumulator),
    "merge-clauses": ("seq", merge_clauses),
    "split-clauses": ("seq", split_clauses),
    "rename-bound": ("seq", rename_bound),
}


def variants(code: str, entry: str, transform: str, *, syntax: SyntaxFn | None = None) -> list[tuple[str, str]]:
    """Every (site, Q) that one transformation makes of `code`; Q's that hsx cannot read back
    are dropped."""
    try:
        tree = (syntax or token_syntax)(code)
    except SourceError:
        return []
    if tree.errors:
        return []
    p = Rewritable(code, tree, entry, SourceText(code))
    out, seen = [], set()
    try:
        for site, q in TRANSFORMS[transform][1](p):
            if q == code or q in seen or not _reads_back(q):
                continue
            seen.add(q)
            out.append((site, q))
    except (SourceError, ValueError):
        # A site this transformation cannot edit (text that does not tokenize, overlapping
        # edits): the variants found so far stand, and self-play goes on.  Node shapes are typed
        # (hsx/haskell/syntax.py), so a missing or renamed field is a bug and is not caught here.
        return out
    return out


def _reads_back(q: str) -> bool:
    try:
        parse_source(q)
    except SourceError:
        return False
    return True


def propose(code: str, entry: str, kind: str, rng: random.Random, *, count: int = 1,
            exclude: frozenset[str] = frozenset(), syntax: SyntaxFn | None = None) -> list[Candidate]:
    """Up to `count` candidates of one kind, each from a different transformation where possible:
    the transformations of that kind in a seeded random order, one random site of each."""
    if kind not in ("seq", "sinq"):
        raise ValueError(f"kind must be 'seq' or 'sinq', got {kind!r}")
    names = sorted(n for n, (k, _) in TRANSFORMS.items() if k == kind)
    rng.shuffle(names)
    out: list[Candidate] = []
    for name in names:
        if len(out) >= count:
            break
        found = [v for v in variants(code, entry, name, syntax=syntax) if v[1] not in exclude]
        if found:
            site, q = rng.choice(found)
            out.append(Candidate(name, kind, q, site))
    return out


__all__ = ["Candidate", "TRANSFORMS", "propose", "token_syntax", "variants"]
