"""Lemma discovery by theory exploration: candidate equations over the functions in scope.

Consumes an `LhModule`; produces `Conjecture`s, equations `lhs == rhs` between small terms
built from the programs' functions, the constructors of their types and a few variables per
type, that hold on every one of a few dozen seeded random inputs (QuickSpec's idea, as used by
HipSpec: enumerate terms by size, group them by the values they take, and conjecture that the
members of a group are equal; a term equal to a smaller one is not used to build bigger terms).
Values come from `hsx.proof.evaluate` in-process.  The proof search (hsx/proof/explore.py)
proves the conjectures it keeps with Liquid Haskell before any proof uses them, so a conjecture
that only looks true costs a failed candidate, never a wrong verdict.

Orientation: `lhs` is the bigger side and every variable of `rhs` occurs in `lhs`, so a proved
conjecture can be declared a rewrite rule.  Conjectures whose left side an equation of its head
function already rewrites (`plus Z n == n`) are left out: PLE knows them.

The values, and the terms' evaluation at them, are hsx/proof/samples.py's.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from hsx.haskell.hstypes import HsType, TCon, TFun, TList, TTuple, TVar, render, split_function, walk
from hsx.haskell.tokens import tokenize
from hsx.proof import dataflow, implications, unfold
from hsx.proof.equations import applicable, atoms, equations
from hsx.proof.evaluate import Con, Evaluator, OutOfFuel, Tup, Unsupported
from hsx.proof.lhmodule import LhModule
from hsx.proof.rewriting import Rules
from hsx.proof.samples import Values, construct, holds, mono


@dataclass(frozen=True)
class Term:
    text: str  # Haskell, fully parenthesised arguments
    type: HsType
    size: int
    variables: frozenset[str]
    functions: frozenset[str]
    tree: tuple = ()  # (symbol, *argument trees); a variable is (name,)


@dataclass(frozen=True)
class Conjecture:
    lhs: Term
    rhs: Term
    types: tuple = ()  # (variable, type) for the variables of lhs
    # A conditional lemma (hsx/proof/implications.py): `premise ==> lhs`, with rhs `True`.
    premise: Term | None = None

    @property
    def functions(self) -> frozenset[str]:
        return self.lhs.functions | self.rhs.functions | (self.premise.functions if self.premise else frozenset())

    @property
    def var_types(self) -> dict:
        return dict(self.types)

    @property
    def variables(self) -> list[str]:
        return sorted(self.lhs.variables, key=lambda v: int(v[4:]))

    def text(self) -> str:
        if self.premise is not None:
            return f"{self.premise.text} ==> {self.lhs.text}"
        return f"{self.lhs.text} == {self.rhs.text}"

    def statement(self) -> str:
        """As a refinement: bracketed for Liquid Haskell's parser, which reads neither
        `f x == (p && q)` nor `== Z : xs` unbracketed; `==` even for Bool, because a proved
        equation is used as a rewrite rule, and Liquid Haskell rewrites only with an equality
        (it rejects `<=>`).  A conditional lemma is an implication, used only through calls."""
        if self.premise is not None:
            return f"{{ ({self.premise.text}) => ({self.lhs.text}) }}"
        return f"{{ ({self.lhs.text}) == ({self.rhs.text}) }}"


@dataclass(frozen=True)
class _Sym:
    name: str  # function or constructor as written in terms
    args: tuple[HsType, ...]
    result: HsType
    function: bool  # a program function (counts for relevance), not a constructor


def _symbols(lh: LhModule, skip: set[str]) -> list[_Sym]:
    out = []
    for name, f in lh.functions.items():
        if name in skip or f.scheme is None or f.scheme.constraints or not equations(lh, name):
            continue
        args, res = split_function(f.scheme.body)
        if not args or any(not isinstance(x, (TCon, TList, TTuple, TVar)) for x in list(args) + [res]):
            continue
        if any(isinstance(n, TFun) for a in args for n in walk(a)):
            continue
        out.append(_Sym(name, tuple(mono(a) for a in args), mono(res), True))
    return out


def _constructors(lh: LhModule, types: set[HsType]) -> list[_Sym]:
    out = []
    for t in types:
        if t == TCon("Bool"):
            # So that a property is stated as what it is (`eqN x x == True`), not only as two
            # functions that happen to agree (`le x x == eqN x x`).
            out += [_Sym("True", (), t, False), _Sym("False", (), t, False)]
        elif isinstance(t, TList):
            out += [_Sym("[]", (), t, False), _Sym(":", (t.elem, t), t, False)]
        elif isinstance(t, TCon) and t.name in lh.data_types and not lh.data_types[t.name].params:
            for c in lh.data_types[t.name].constructors:
                out.append(_Sym(c.name, tuple(mono(f) for f in c.fields), t, False))
    return out


def _render(sym: _Sym, args: list[Term]) -> str:
    def p(a: Term) -> str:
        return a.text if a.size == 1 and " " not in a.text else f"({a.text})"
    if sym.name == ":":
        return f"{p(args[0])} : {p(args[1]) if args[1].text != '[]' else '[]'}"
    return " ".join([sym.name] + [p(a) for a in args]) if args else sym.name


def conjectures(lh: LhModule, *, max_size: int = 6, samples: int = 32, max_terms: int = 1500,
                seed: int = 0, vars_per_type: int = 3, confirm: int = 200) -> list[Conjecture]:
    """Equations that hold on `samples` random inputs, smallest first (see the docstring)."""
    skip = {lh.entry_a, lh.entry_b}
    # B's copy of a function A defines too (`plus_b`) enters terms only through the conjecture
    # that it equals A's (`plus_b x y == plus x y`), which comes first: once proved, it rewrites
    # every other occurrence.
    copies = {b: a for a, b in lh.renamed_b.items() if b in lh.functions and a in lh.functions
              and lh.functions[a].scheme == lh.functions[b].scheme and b not in skip}
    syms = _symbols(lh, skip | set(copies))
    if not syms:
        return []
    types: set[HsType] = {t for s in syms for t in s.args + (s.result,)} | set(map(mono, lh.arg_types))
    types |= {t.elem for t in types if isinstance(t, TList)}
    # Constructors first: of two equal terms of one size, the constructor-headed one is kept as
    # the representative (`S (plus n m)` rather than `plus n (S m)`), the right side of a rule.
    syms = _constructors(lh, types) + syms
    ev = Evaluator(lh, fuel=2000)
    gen = Values(lh, random.Random(seed))
    variables: list[Term] = []
    vtypes: dict[str, HsType] = {}
    envs: list[dict] = [dict() for _ in range(samples)]
    n = 0
    for t in sorted(types, key=render):
        if t == TCon("Bool") or isinstance(t, TTuple):
            continue
        for _ in range(vars_per_type):
            n += 1
            v = f"hsxV{n}"
            variables.append(Term(v, t, 1, frozenset({v}), frozenset(), (v,)))
            vtypes[v] = t
            try:
                for k, env in enumerate(envs):
                    env[v] = gen.sample(t, k)
            except Unsupported:
                return []
    calls = {s.name: reachable(lh, [s.name]) - {s.name} for s in syms if s.function}
    reps: dict[tuple, Term] = {}  # (type, values) -> smallest term
    by_size: dict[int, list[tuple[Term, tuple]]] = {1: []}
    found: list[Conjecture] = []
    rules = Rules()

    def add(term: Term, values: tuple) -> None:
        key = (term.type, values)
        rep = reps.get(key)
        if rep is None:
            reps[key] = term
            by_size.setdefault(term.size, []).append((term, values))
        elif term.functions and term.variables >= rep.variables:
            lhs, rhs = _oriented(term, rep, calls)
            if _useful(lh, lhs) and not rules.redundant(lhs.tree, rhs.tree):
                found.append(Conjecture(lhs, rhs, tuple((v, vtypes[v]) for v in sorted(term.variables))))

    for v in variables:
        add(v, tuple(env[v.text] for env in envs))
    copied = _copies(lh, copies, variables, envs, ev)
    total = 0
    for size in range(1, max_size + 1):
        for sym in syms:
            if total > max_terms:
                break
            for args in _argument_tuples(sym.args, size - 1, by_size):
                terms = [a for a, _ in args]
                values = []
                try:
                    for k in range(samples):
                        xs = tuple(vals[k] for _, vals in args)
                        values.append(ev.apply(sym.name, xs) if sym.function else construct(sym.name, xs))
                    if not all(_shallow(v) for v in values):
                        continue  # too deep to compare without overflowing the stack (mult of mult)
                except (Unsupported, OutOfFuel, RecursionError, TypeError, AttributeError, IndexError):
                    continue
                total += 1
                add(Term(_render(sym, terms), sym.result, size, frozenset().union(*[a.variables for a in terms]),
                         frozenset({sym.name} if sym.function else set()).union(*[a.functions for a in terms]),
                         (sym.name, *[a.tree for a in terms])),
                    tuple(values))
    # Pruned again, the most general first: an instance found before its generalisation
    # (`plus n (S n)` before `plus n (S m)`) follows from it.
    # Each conjecture is also tested on `confirm` fresh inputs first: the grouping saw only
    # `samples`, and a false conjecture costs the proof search a slot and a failed proof.
    final, out = Rules(), list(copied)
    fresh = Values(lh, random.Random(seed + 1))
    checks = [{v: fresh.sample(t, k) for v, t in vtypes.items()} for k in range(confirm)]
    for c in sorted(found, key=_order):
        if _folds_back(lh, c):
            continue
        if holds(lh, ev, c.lhs.tree, c.rhs.tree, checks) and not final.redundant(c.lhs.tree, c.rhs.tree):
            out.append(c)
    boolean = [(t, v) for size in sorted(by_size) for t, v in by_size[size] if t.type == TCon("Bool")]
    true = Term("True", TCon("Bool"), 1, frozenset(), frozenset(), ("True",))
    conditional: dict[tuple, Conjecture] = {}  # one per renaming of its variables
    for p, q in implications.candidates(boolean):
        c = Conjecture(q, true, tuple((v, vtypes[v]) for v in sorted(q.variables)), premise=p)
        if _canonical(c) not in conditional and implications.confirmed(lh, ev, p.tree, q.tree, checks):
            conditional[_canonical(c)] = c
            if len(conditional) == implications.MAX_IMPLICATIONS:
                break
    return out + list(conditional.values())


def _oriented(term: Term, rep: Term, calls: dict[str, set[str]]) -> tuple[Term, Term]:
    """(lhs, rhs) of the rule `term == rep` (`term` is the bigger): between sides with the same
    variables, the side whose head function calls the other's head goes on the left whatever
    their sizes (the precedence of a path ordering), so that `sumN (appN xs ys)` is rewritten
    to `plus (sumN xs) (sumN ys)`, the direction an induction on xs can use; else the bigger."""
    if term.variables == rep.variables and not _contains(term.tree, rep.tree):
        t, r = term.tree[0], rep.tree[0]
        if t in calls.get(r, ()) and r not in calls.get(t, ()):
            return rep, term
    return term, rep


def _folds_back(lh: LhModule, c: Conjecture) -> bool:
    """Whether PLE unfolds the right side into the left in one step (`rev (y : xs)` into
    `app (rev xs) [y]`): as a rewrite rule it would undo PLE's own step, again and again."""
    lhs, rhs = unfold.parse(c.lhs.text), unfold.parse(c.rhs.text)
    return lhs is not None and rhs is not None and unfold.unfold_once(lh, rhs) == lhs


def _contains(tree: tuple, sub: tuple) -> bool:
    """Whether `sub` occurs in `tree` (a rule whose right side contains its left never ends)."""
    return tree == sub or any(_contains(a, sub) for a in tree[1:])


def _copies(lh: LhModule, copies: dict, variables: list[Term], envs: list[dict], ev) -> list[Conjecture]:
    """`f_b v1 .. vn == f v1 .. vn` for B's copies that agree with A's on every sample."""
    out = []
    for b, a in sorted(copies.items()):
        sym = next(iter(_symbols(lh, set(lh.functions) - {a})), None)
        if sym is None:
            continue
        vs: list[Term] = []
        for t in sym.args:
            free = [v for v in variables if v.type == t and v not in vs]
            if not free:
                break
            vs.append(free[0])
        if len(vs) != len(sym.args):
            continue
        try:
            same = all(ev.apply(b, tuple(env[v.text] for v in vs)) == ev.apply(a, tuple(env[v.text] for v in vs))
                       for env in envs)
        except (Unsupported, OutOfFuel, RecursionError, TypeError, AttributeError, IndexError):
            continue
        if not same:
            continue
        names = frozenset(v.text for v in vs)
        args = " ".join(v.text for v in vs)
        lhs = Term(f"{b} {args}", sym.result, 1 + len(vs), names, frozenset({b}), (b, *[v.tree for v in vs]))
        rhs = Term(f"{a} {args}", sym.result, 1 + len(vs), names, frozenset({a}), (a, *[v.tree for v in vs]))
        out.append(Conjecture(lhs, rhs, tuple((v.text, v.type) for v in vs)))
    return out


def _order(c: Conjecture):
    return (c.lhs.size + c.rhs.size + (c.premise.size if c.premise else 0), -len(c.lhs.variables), c.text())


def _shallow(v, limit: int = 60) -> bool:
    """Whether a value nests at most `limit` constructors deep (checked without recursion)."""
    todo = [(v, 0)]
    while todo:
        x, d = todo.pop()
        if d > limit:
            return False
        if isinstance(x, Con):
            todo += [(a, d + 1) for a in x.args]
        elif isinstance(x, (tuple, Tup)):
            todo += [(a, d + 1) for a in (x.items if isinstance(x, Tup) else x)]
    return True


def _argument_tuples(types, budget: int, by_size):
    """Every tuple of existing terms of the given types whose sizes add up to `budget`."""
    if not types:
        if budget == 0:
            yield []
        return
    if budget < len(types):
        return
    first, rest = types[0], types[1:]
    for s in range(1, budget - len(rest) + 1):
        for term, values in by_size.get(s, []):
            if term.type != first:
                continue
            for tail in _argument_tuples(rest, budget - s, by_size):
                yield [(term, values)] + tail


def _useful(lh: LhModule, term: Term) -> bool:
    """False when an equation of the head function applies to the term as it stands (PLE
    unfolds it without help)."""
    toks = tokenize(term.text)
    parts = atoms(toks)
    if not parts or len(parts[0]) != 1 or parts[0][0].text not in lh.functions:
        return True
    return applicable(lh, parts[0][0].text, parts[1:]) is None


def relevant(found: list[Conjecture], functions: set[str], limit: int,
             direct: set[str] | None = None, fed: dict[str, set[str]] | None = None) -> list[Conjecture]:
    """Conjectures about the given functions, one per left side, smallest first.  A conditional
    lemma counts only about a function in `direct` (those the theorem's programs call
    themselves, when given): it is called where its conclusion matches a term of the theorem's
    unfolded goal, and facts about a test deep inside a helper (`lt` in `ins`) only crowd out the
    equations.  With `fed` (hsx/proof/dataflow.py), conjectures that nest functions in a way the
    programs never do come after the others."""
    def unprecedented(c: Conjecture) -> bool:
        return any(dataflow.unprecedented(t.tree, fed) for t in (c.lhs, c.rhs, c.premise) if t is not None)

    out, seen = [], set()
    # B's copies first (`plus_b x y == plus x y`): every other proof may need them.
    for c in sorted(found, key=lambda c: (not c.lhs.text.split()[0].endswith("_b"), _special_case(c),
                                          unprecedented(c), _order(c))):
        key = _canonical(c)
        if not c.functions <= functions or (c.premise is None and c.lhs.text in seen) or key in seen:
            continue
        if c.premise is not None and direct is not None and c.lhs.tree[0] not in direct:
            continue
        seen |= {key} if c.premise else {c.lhs.text, key}
        out.append(c)
        if len(out) >= limit:
            break
    return out


def _special_case(c: Conjecture) -> bool:
    """Whether the left side uses a variable twice, once under a constructor (`maxN (S n) n`,
    `lt n (S n)`): an instance of a conditional law (`maxN a b == a` when `b <= a`) that the
    exploration cannot state.  Such conjectures come last: they rarely unlock a proof, and as
    rewrite rules beside a few others they can keep Liquid Haskell busy past any budget
    (matching a repeated variable makes its rewriting compare terms at every step)."""
    def names(t: tuple) -> list[str]:
        return [t[0]] if len(t) == 1 and t[0] in c.var_types else [v for a in t[1:] for v in names(a)]

    repeated = {v for v, n in Counter(names(c.lhs.tree)).items() if n > 1}
    return any(len(a) > 1 and a[0] not in c.lhs.functions and repeated & set(names(a)) for a in c.lhs.tree[1:])


def _canonical(c: Conjecture) -> tuple:
    """The conjecture with its variables renamed in order of appearance, per type: variants that
    differ only in which variable of a type they use (`f (Z : v4) == f v4`, `f (Z : v5) == f v5`)
    are one conjecture."""
    types = c.var_types
    names: dict[str, str] = {}

    def rename(t: tuple) -> tuple:
        if len(t) == 1 and t[0] in types:
            n = sum(1 for v in names if types[v] == types[t[0]])
            return (names.setdefault(t[0], f"{render(types[t[0]])}#{n}"),)
        return (t[0], *map(rename, t[1:]))

    return (rename(c.premise.tree) if c.premise else None), rename(c.lhs.tree), rename(c.rhs.tree)


def reachable(lh: LhModule, roots: list[str], depth: int | None = None) -> set[str]:
    """The functions the roots call, transitively or `depth` calls deep (roots included)."""
    out: set[str] = set()
    todo = [(f, 0) for f in roots]
    while todo:
        f, d = todo.pop()
        if f in out or f not in lh.functions:
            continue
        out.add(f)
        # B's copy of A's function is rewritten to A's (see `conjectures`): A's is reachable too.
        todo += [(a, d) for a, b in lh.renamed_b.items() if b == f]
        if depth is not None and d >= depth:
            continue
        for eq in equations(lh, f) or []:
            for g, body in eq.rhs:
                todo += [(t.text, d + 1) for t in list(g or ()) + list(body) if t.text in lh.functions]
    return out


def call_positions(c: Conjecture, names) -> list[tuple[str, list[int]]]:
    """(function, positions of its arguments among `names`) for every call in the conjecture
    whose arguments are distinct variables: the recursions an induction can follow."""
    out: list[tuple[str, list[int]]] = []

    def visit(t: tuple) -> None:
        args = t[1:]
        if args and all(len(a) == 1 and a[0] in names for a in args) and len({a[0] for a in args}) == len(args):
            site = (t[0], [list(names).index(a[0]) for a in args])
            if site not in out:
                out.append(site)
        for a in args:
            visit(a)

    if c.premise is not None:
        visit(c.premise.tree)
    visit(c.lhs.tree)
    visit(c.rhs.tree)
    return out
