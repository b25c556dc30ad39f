"""Seeded random values of a module's types, and small terms evaluated at them.

Consumes an `LhModule` (its data types) and the in-process evaluator (hsx/proof/evaluate.py);
produces values for theory exploration's variables (hsx/proof/discovery.py) and the value of a
term tree at an environment.  Type variables read as Int.
"""

from __future__ import annotations

import random

from hsx.haskell.hstypes import HsType, TCon, TList, TTuple, TVar, render
from hsx.proof.evaluate import Con, Evaluator, OutOfFuel, Tup, Unsupported
from hsx.proof.lhmodule import LhModule

INT = TCon("Int")


def mono(t: HsType) -> HsType:
    """Type variables read as Int: the values tested are Ints, the lemma is stated at the type
    the function has (Liquid Haskell checks it there)."""
    if isinstance(t, TVar):
        return INT
    if isinstance(t, TList):
        return TList(mono(t.elem))
    if isinstance(t, TTuple):
        return TTuple(tuple(mono(x) for x in t.items))
    if isinstance(t, TCon):
        return TCon(t.name, tuple(mono(x) for x in t.args))
    return t


class Values:
    """Seeded random values of the module's types, in two sizes.  Small values (numbers 0-4,
    short lists of them) make equalities between variables likely, so that a conjecture such as
    `eqN (S x) y == False` or `countN (countN Z xs) xs == Z`, true only while no two values
    happen to meet, meets a counterexample; larger values test the recursion deeper."""

    def __init__(self, lh: LhModule, rng: random.Random) -> None:
        self.lh, self.rng = lh, rng

    def sample(self, t: HsType, k: int):
        """The value of sample `k`: even samples small (of size 2 to 4), odd ones of size 1 to 7."""
        return self.value(t, 2 + (k // 2) % 3, small=True) if k % 2 == 0 else self.value(t, 1 + (k // 2) % 7)

    def value(self, t: HsType, size: int, small: bool = False):
        r = self.rng
        if t == INT:
            return r.randint(0, 2 if small else 3)
        if t == TCon("Bool"):
            return r.random() < 0.5
        if isinstance(t, TList):
            # The elements of a small list are small values, however long the list.
            n = r.randint(0, 4 if small else max(0, size))
            return tuple(self.value(t.elem, size if small else size - 1, small) for _ in range(n))
        if isinstance(t, TTuple):
            return Tup(tuple(self.value(x, size, small) for x in t.items))
        if isinstance(t, TCon) and t.name in self.lh.data_types:
            cons = self.lh.data_types[t.name].constructors
            base = [c for c in cons if not any(isinstance(f, TCon) and f.name == t.name for f in c.fields)]
            rec = [c for c in cons if c not in base]
            # Mostly recursive constructors while there is size left: `S (S (S Z))` as often as
            # `Z`, so that conjectures about bigger values are tested.  A small value has a depth
            # drawn uniformly up to its size (numbers 0 to 4 equally often), so that two
            # variables often differ by one or two.
            if small:
                return self._of_depth(t, r.randint(0, size), base, rec)
            c = r.choice(base if size <= 0 and base else rec if rec and r.random() < 0.7 else cons)
            return Con(c.name, tuple(self.value(mono(f), size - 1) for f in c.fields))
        raise Unsupported(render(t))

    def _of_depth(self, t: TCon, depth: int, base: list, rec: list):
        """A small value of data type `t` whose first recursive field nests exactly `depth` deep
        (`S (S Z)` for 2); any other recursive field is at most as deep."""
        c = self.rng.choice(rec if depth and rec else base or rec)
        args, first = [], True
        for f in c.fields:
            if f == t:
                d = depth - 1 if first else self.rng.randint(0, max(0, depth - 1))
                args.append(self._of_depth(t, max(0, d), base, rec))
                first = False
            else:
                args.append(self.value(mono(f), 2, small=True))
        return Con(c.name, tuple(args))


def holds(lh: LhModule, ev: Evaluator, lhs: tuple, rhs: tuple, envs: list[dict]) -> bool:
    """Whether the two term trees (`(symbol, *arguments)`, a variable `(name,)`) are equal at
    every environment; a term whose evaluation runs out of fuel counts as equal."""
    try:
        return all(evaluate(lh, ev, lhs, env) == evaluate(lh, ev, rhs, env) for env in envs)
    except (OutOfFuel, RecursionError):
        return True  # as far as the inputs could tell: the proof search will decide
    except (Unsupported, TypeError, AttributeError, IndexError):
        return False


def evaluate(lh: LhModule, ev: Evaluator, tree: tuple, env: dict):
    head, args = tree[0], tuple(evaluate(lh, ev, a, env) for a in tree[1:])
    if not args and head in env:
        return env[head]
    if head in lh.functions:
        return ev.apply(head, args)
    return construct(head, args)


def construct(name: str, args: tuple):
    """A constructor applied, as the evaluator represents values: lists as tuples, Bool as bool."""
    if name == "[]":
        return ()
    if name == ":":
        return (args[0],) + args[1]
    if name in ("True", "False"):
        return name == "True"
    return Con(name, args)


__all__ = ["INT", "Values", "construct", "evaluate", "holds", "mono"]
