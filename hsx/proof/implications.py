"""Conditional lemmas: `P ==> Q` between two Boolean terms of one function, found by evaluation.

Consumes the Boolean terms theory exploration built (hsx/proof/discovery.py: each with its
values on the samples) and fresh inputs to confirm on; produces `Conjecture`s with a premise,
such as `le a b ==> le a (S b)` or `sorted xs ==> sorted (ins x xs)`.

Why: an equation cannot state what an induction step needs when the property is an order or an
invariant.  In `le (lengthN (filt xs)) (lengthN xs)` the step that drops x must show
`le (lengthN (filt xs)) (S (lengthN xs))` from the hypothesis `le (lengthN (filt xs)) (lengthN
xs)`: no rewriting of either gets there, a weakening lemma called at the two terms does.  The
proof search states such a lemma as `{ (P) => (Q) }` (not a rewrite rule: Liquid Haskell rewrites
only with equalities) and calls it where its conclusion matches a term of the unfolded goal
(hsx/proof/unfold.py `instance_calls`); the hypothesis supplies the premise.

Which pairs are kept: P and Q apply the same function (the shape of a step's hypothesis and its
goal) to arguments that each have a variable, every variable of P occurs in Q (so a match of Q names every argument), P holds on some
samples and Q fails on some (neither is vacuous), and P implies Q on every sample and on the
fresh inputs.  Smallest first, a few per module: each costs the proof search a conjecture slot.
"""

from __future__ import annotations

from hsx.proof.evaluate import OutOfFuel, Unsupported
from hsx.proof.samples import evaluate

MAX_IMPLICATIONS = 4  # per module
MIN_PREMISES = 2  # samples where the premise holds, so that it is not vacuous on the inputs


def candidates(terms: list[tuple]) -> list[tuple]:
    """(P, Q) pairs of Boolean terms (each given as (term, values on the samples)) where P
    implies Q on every sample (see the docstring for which pairs count), smallest first."""
    out = []
    terms = [(t, v) for t, v in terms if t.functions and all(_variables(a) for a in t.tree[1:])]
    for p, pv in terms:
        if sum(v is True for v in pv) < MIN_PREMISES:
            continue
        for q, qv in terms:
            if q is p or q.tree[0] != p.tree[0] or not p.variables <= q.variables or all(v is True for v in qv):
                continue
            if all(v is True for a, v in zip(pv, qv) if a is True) and any(v is not True for v in qv) \
                    and _one_step(p.tree, q.tree):
                out.append((p, q))
    out.sort(key=lambda pq: (pq[0].size + pq[1].size, pq[1].text, pq[0].text))
    kept: list[tuple] = []
    for p, q in out:
        # An instance of a smaller implication (`lt (S (S a)) b ==> lt (S a) b` of
        # `lt (S a) b ==> lt a b`) follows from it.
        if not any(_match((kp.tree, kq.tree), (p.tree, q.tree), {}) for kp, kq in kept):
            kept.append((p, q))
    return kept


def _one_step(p: tuple, q: tuple) -> bool:
    """Whether P and Q differ in one argument only, where one side's argument applies a
    function or constructor to the other's (`b` and `S b`, `xs` and `ins x xs`): what one step
    of a recursion changes.  A bigger difference follows from a chain of such implications."""
    diff = [(a, b) for a, b in zip(p[1:], q[1:]) if a != b]
    if len(p) != len(q) or len(diff) != 1:
        return False
    # ... and what the step adds has variables (`(S Z) : xs` is one value's special case)
    return any(small in big[1:] and all(_variables(x) for x in big[1:] if x != small)
               for small, big in (diff[0], diff[0][::-1]))


def _match(pattern, tree, env: dict) -> bool:
    """Whether `tree` is an instance of `pattern` (term trees, or tuples of them), binding the
    pattern's variables in `env`."""
    if isinstance(pattern, tuple) and len(pattern) == 1 and isinstance(pattern[0], str) and pattern[0].startswith("hsxV"):
        return env.setdefault(pattern[0], tree) == tree
    if not isinstance(pattern, tuple) or not isinstance(tree, tuple) or len(pattern) != len(tree):
        return pattern == tree
    if pattern and isinstance(pattern[0], str) and pattern[0] != tree[0]:
        return False
    start = 1 if pattern and isinstance(pattern[0], str) else 0
    return all(_match(a, b, env) for a, b in zip(pattern[start:], tree[start:]))


def _variables(tree: tuple) -> bool:
    """Whether a term tree has a variable (a constant argument, as in `le a Z`, makes a premise
    that only pins a variable down)."""
    return len(tree) == 1 and tree[0].startswith("hsxV") or any(_variables(a) for a in tree[1:])


def confirmed(lh, ev, premise: tuple, conclusion: tuple, envs: list[dict]) -> bool:
    """Whether `premise ==> conclusion` (term trees) holds at every environment; a term whose
    evaluation runs out of fuel there tells nothing (Liquid Haskell decides)."""
    for env in envs:
        try:
            if evaluate(lh, ev, premise, env) is True and evaluate(lh, ev, conclusion, env) is not True:
                return False
        except (OutOfFuel, RecursionError):
            continue
        except (Unsupported, TypeError, AttributeError, IndexError):
            return False
    return True
