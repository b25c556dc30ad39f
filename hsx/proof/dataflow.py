"""Which functions' results the programs pass to which functions: a ranking hint for lemma discovery.

Consumes an `LhModule`; produces, for each function f of the programs, the functions whose
results can become an argument of f (`feeds`), directly (`sumN (isort ns)`) or once the callee
is unfolded (isort's equations return `ins ...`, so ins's results reach sumN too).  Theory
exploration (hsx/proof/discovery.py) conjectures equations over every function in scope,
nested every way the types allow: `lt (plus a b) a == False` holds, but in a program where
`lt` only ever compares list elements it never helps a proof, and beside the lemmas that do
(`sumN (ins x xs) == plus x (sumN xs)`) such facts filled the library.  A conjecture nesting
one function in another where the programs never do is therefore tried after the others.
"""

from __future__ import annotations

from hsx.proof.equations import arity, atoms, calls, equations, unparen
from hsx.proof.lhmodule import LhModule

# Tokens after which an expression's value is one of its branches.
_BRANCH = ("then", "else", "->")


def _heads(lh: LhModule, body) -> set[str]:
    """The functions a body may return the result of: the head of an application (not of
    `eqN n x || elemN n xs`, whose result is the operator's), or a branch's first word."""
    toks = unparen(body)
    out = {toks[0].text} if toks and atoms(toks) is not None else set()
    out |= {t.text for prev, t in zip(toks, toks[1:]) if prev.text in _BRANCH}
    return out & set(lh.functions)


def feeds(lh: LhModule) -> dict[str, set[str]] | None:
    """f -> the functions whose results reach an argument of f (see the docstring), or None
    when some definition is one hsx/proof/equations.py does not read (then nothing is known)."""
    heads: dict[str, set[str]] = {}
    direct: dict[str, set[str]] = {f: set() for f in lh.functions}
    arities = {f: n for f in lh.functions if (n := arity(lh, f))}
    for h in lh.functions:
        eqs = equations(lh, h)
        if eqs is None:
            return None
        bodies = [list(part) for e in eqs for guard, body in e.rhs for part in (guard or (), body) if part]
        heads[h] = {g for e in eqs for _, body in e.rhs for g in _heads(lh, body)}
        for f, n in arities.items():
            for body in bodies:
                for args in calls(body, f, n):
                    direct[f] |= {a[0].text for a in map(unparen, args) if a and a[0].text in lh.functions}
    out = {}
    for f, fed in direct.items():
        seen, todo = set(), list(fed)
        while todo:
            g = todo.pop()
            if g not in seen:
                seen.add(g)
                todo += heads.get(g, ())
        out[f] = seen
    return out


def unprecedented(tree: tuple, fed: dict[str, set[str]] | None) -> bool:
    """Whether a term (a `discovery.Term` tree) applies a function to another's result where the
    programs never pass that one's results to it.  A function applied to its own result
    (`plus (plus a b) c`, `mirror (mirror t)`) is the shape of the classic laws: never counted."""
    if fed is None or len(tree) < 2:
        return False
    f = tree[0]
    for a in tree[1:]:
        g = a[0]
        if f in fed and g in fed and g != f and g not in fed[f]:
            return True
        if unprecedented(a, fed):
            return True
    return False
