"""Equations as rewrite rules, to tell a new conjecture from a consequence of earlier ones.

Consumes conjectures as pairs of terms (nested tuples: a symbol and its arguments; a variable is
a one-element tuple whose name starts with `hsxV`); produces the decision whether a new one is
redundant.  Lemma discovery (hsx.proof.discovery) offers its conjectures smallest first and keeps
only those that the ones kept before cannot rewrite to a common normal form.
"""

from __future__ import annotations


class Rules:
    """The conjectures kept so far as rewrite rules, to drop a new one that follows from them
    (its sides rewrite to one normal form): instances and consequences of smaller conjectures
    add nothing (QuickSpec's pruning, with rewriting in place of congruence closure)."""

    def __init__(self) -> None:
        self.rules: list[tuple[tuple, tuple]] = []

    def redundant(self, lhs: tuple, rhs: tuple) -> bool:
        left, plain_l = self._normal(lhs)
        right, plain_r = self._normal(rhs)
        if left == right and (plain_l or plain_r or _permutative(lhs, rhs) or self._instance(lhs, rhs)):
            return True
        # Otherwise kept, also when permutative rules alone join its sides: they derive
        # associativity from commutativity and left-commutativity, which is no help to a
        # prover that uses lemmas as rewrite rules.
        self.rules.append((lhs, rhs))
        return False

    def _instance(self, lhs: tuple, rhs: tuple) -> bool:
        """Whether the equation is an instance of one rule, either way round."""
        for a, b in self.rules:
            for p, q in ((a, b), (b, a)):
                env: dict = {}
                if matches(p, lhs, env) and matches(q, rhs, env):
                    return True
        return False

    def _normal(self, t: tuple, fuel: int = 200) -> tuple[tuple, bool]:
        """The normal form, and whether a non-permutative rule was used to reach it."""
        # Permutative rules only where no other rule applies: they only order arguments, and
        # used first they can hide a redex (plus n (S m) -> plus (S m) n).
        plain = [r for r in self.rules if not _permutative(*r)]
        perm = [r for r in self.rules if _permutative(*r)]
        used_plain = False
        for _ in range(fuel):
            u = self._step(t, plain)
            if u is None:
                u = self._step(t, perm)
            else:
                used_plain = True
            if u is None:
                return t, used_plain
            t = u
        return t, used_plain

    def _step(self, t: tuple, rules) -> tuple | None:
        for i, child in enumerate(t[1:], 1):
            u = self._step(child, rules)
            if u is not None:
                return t[:i] + (u,) + t[i + 1:]
        for lhs, rhs in rules:
            for a, b in ((lhs, rhs), (rhs, lhs)):
                env: dict = {}
                if matches(a, t, env):
                    u = _subst(b, env)
                    # Only towards smaller terms (then smaller text), so rewriting stops.
                    if (size(u), repr(u)) < (size(t), repr(t)):
                        return u
        return None


def _permutative(lhs: tuple, rhs: tuple) -> bool:
    return size(lhs) == size(rhs) and _shape(lhs) == _shape(rhs)


def _shape(t: tuple) -> tuple:
    return ("?",) if len(t) == 1 and t[0].startswith("hsxV") else (t[0], *map(_shape, t[1:]))


def matches(p: tuple, t: tuple, env: dict) -> bool:
    """Whether pattern p (its `hsxV` variables binding in env) matches term t."""
    if len(p) == 1 and p[0].startswith("hsxV"):
        if p[0] in env:
            return env[p[0]] == t
        env[p[0]] = t
        return True
    return p[0] == t[0] and len(p) == len(t) and all(matches(a, b, env) for a, b in zip(p[1:], t[1:]))


def _subst(p: tuple, env: dict) -> tuple:
    if len(p) == 1 and p[0] in env:
        return env[p[0]]
    return (p[0], *[_subst(a, env) for a in p[1:]])


def size(t: tuple) -> int:
    return 1 + sum(size(a) for a in t[1:])
