"""Lemma instances read off the goal: the statement of a proof case unfolded a few steps, and
the lemmas whose sides match its terms.

Consumes an `LhModule`, the statement of one case of a candidate proof (`{ f (Node l x r) ==
g (Node l x r) }`) and proved lemmas' statements (`{ (plus v2 v1) == (plus v1 v2) }`); produces
the lemma calls at the terms where they apply (`hsxLemma4 (sizeT (mirror l)) (sizeT (mirror
r))`).  Why: after one unfolding, `sizeT (mirror (Node l x r))` is `S (plus (sizeT (mirror r))
(sizeT (mirror l)))`, and commutativity is needed at those two terms; a rewrite rule that only
permutes arguments is not used by Liquid Haskell's rewriting, and calls at the case's variables
(hsx/proof/instances.py) cannot name a term.  The unfolding follows the equations that certainly
apply (`equations.applicable`) and stops at guards, `if` and `case`, as PLE does.
"""

from __future__ import annotations

from hsx.haskell.tokens import SourceError, split_top, tokenize
from hsx.proof.equations import applicable, atoms, equations, render_tokens, unparen
from hsx.proof.lhmodule import LhModule
from hsx.proof.renaming import rename_tokens
from hsx.proof.rewriting import matches, size

STEPS = 3  # unfoldings of the statement

# A term: (head, *arguments); a variable or constant is (name,); `:` is ("(:)", x, xs).  The
# representation of hsx/proof/rewriting.py, whose matching (`hsxV` names are the variables)
# finds the lemmas' instances.
Term = tuple


def parse(text: str) -> Term | None:
    """The term of an expression made of applications, constructors and `:`, else None."""
    try:
        return _parse(tokenize(text))
    except (SourceError, ValueError):
        return None


def _parse(toks) -> Term | None:
    toks = unparen(toks)
    if not toks:
        return None
    parts = split_top(toks, ":")
    if len(parts) > 1:
        head, rest = _parse(parts[0]), _parse(toks[len(parts[0]) + 1:])
        return None if head is None or rest is None else ("(:)", head, rest)
    if toks[0].text == "[" and toks[-1].text == "]" and len(toks) == 2:
        return ("[]",)
    if toks[0].text == "[" and toks[-1].text == "]" and len(atoms(toks)) == 1:  # `[x, y]`: x : y : []
        items = [_parse(item) for item in split_top(toks[1:-1], ",")]
        if any(i is None for i in items):
            return None
        out: Term = ("[]",)
        for item in reversed(items):
            out = ("(:)", item, out)
        return out
    parts = atoms(toks)
    if not parts or len(parts[0]) != 1:
        return None
    head = parts[0][0]
    if head.kind not in ("varid", "conid", "number"):
        return None
    args = [_parse(a) for a in parts[1:]]
    if any(a is None for a in args):
        return None
    return (head.text, *args)


def render(t: Term) -> str:
    if t[0] == "(:)":
        return f"({render(t[1])} : {render(t[2])})"
    if len(t) == 1:
        return t[0]
    return "(" + " ".join([t[0]] + [render(a) for a in t[1:]]) + ")"


def unfold_once(lh: LhModule, t: Term) -> Term:
    """Every application whose equation certainly applies replaced by that equation's body
    (innermost first), once."""
    t = (t[0], *[unfold_once(lh, a) for a in t[1:]])
    if t[0] not in lh.functions or len(t) == 1:
        return t
    eqs = equations(lh, t[0])
    if not eqs or len(eqs[0].pats) != len(t) - 1:
        return t  # not saturated
    found = applicable(lh, t[0], [tokenize(render(a)) for a in t[1:]])
    if found is None:
        return t
    eq, binding = found
    if len(eq.rhs) != 1 or eq.rhs[0][0] is not None:
        return t  # guarded: PLE needs the guard's value first
    body = render_tokens(eq.rhs[0][1])
    # Bound variables are replaced by their arguments (bracketed), every other variable kept.
    new = parse(rename_tokens(body, {v: f"({render_tokens(toks)})" for v, toks in binding.items()}))
    return new if new is not None else t


def _subterms(t: Term, out: list) -> None:
    if len(t) > 1 and t not in out:
        out.append(t)
    for a in t[1:]:
        _subterms(a, out)


def _sides(statement: str) -> tuple[Term, Term] | None:
    """The two sides of `{ lhs == rhs }`, with or without brackets around them; of a
    conditional lemma's `{ (premise) => (conclusion) }`, the premise and the conclusion (terms
    to unfold and match, not an equation)."""
    read = _read(statement)
    return None if read is None else read[0]


def _read(statement: str) -> tuple[tuple[Term, Term], bool] | None:
    """The statement's two sides (`_sides`) and whether it is an implication."""
    try:
        toks = tokenize(statement.strip())
    except SourceError:
        return None
    if len(toks) < 2 or toks[0].text != "{" or toks[-1].text != "}":
        return None
    parts = split_top(toks[1:-1], "=>")
    implication = len(parts) == 2
    if not implication:
        parts = split_top(toks[1:-1], "==")
    if len(parts) != 2:
        return None
    a, b = _parse(parts[0]), _parse(parts[1])
    return None if a is None or b is None else ((a, b), implication)


def _versions(lh: LhModule, t: Term) -> list[Term]:
    """t and its unfoldings, up to STEPS steps."""
    out = [t]
    for _ in range(STEPS):
        u = unfold_once(lh, out[-1])
        if u == out[-1]:
            break
        out.append(u)
    return out


def unfoldings(lh: LhModule, statement: str) -> list[str]:
    """Both sides of `{ lhs == rhs }` unfolded one to STEPS steps (without the sides as
    written): `countN n (appN (y : ys) zs)` becomes `countN n (y : appN ys zs)`, where what
    `countN` tests (`eqN n y`) can be read."""
    sides = _sides(statement)
    return [render(v) for side in sides or () for v in _versions(lh, side)[1:]]


def _replace(t: Term, old: Term, new: Term) -> Term:
    if t == old:
        return new
    return (t[0], *[_replace(a, old, new) for a in t[1:]])


def goal_terms(lh: LhModule, statement: str, hypotheses: list[str] = ()) -> list[Term]:
    """The applications in `{ lhs == rhs }` and in its unfoldings, up to STEPS steps, and in
    those where an induction hypothesis (`{ l == r }` at the smaller arguments) has replaced
    one side by the other: `mult a (S m)` by `plus a (mult a m)`, where a lemma may then
    apply."""
    sides = _sides(statement)
    if sides is None:
        return []
    versions = [v for side in sides for v in _versions(lh, side)]
    hyps = [h for h in map(_sides, hypotheses) if h is not None]
    rewritten: list[Term] = []
    for old, new in [(a, b) for a, b in hyps] + [(b, a) for a, b in hyps]:
        for v in versions:
            w = _replace(v, old, new)
            if w != v:
                rewritten += [x for x in reversed(_versions(lh, w)) if x not in rewritten]
    out: list[Term] = []
    # Terms reached through a hypothesis first, the most unfolded first: they are where a
    # proof by hand uses a lemma.
    for v in rewritten + versions[::-1]:
        _subterms(v, out)
    return out


def instance_calls(lh: LhModule, statement: str, lemmas: dict[str, tuple[list[str], str]], *,
                   limit: int, per_lemma: int, hypotheses: list[str] = ()) -> list[str]:
    """Calls `lemma t1 .. tn` for each discovered lemma (name -> (its `hsxV` variables, its
    `{ l == r }`)) whose left or right side matches a term of the unfolded statement: the most
    specific lemmas first (commutativity matches every application of its function), at the
    terms reached through a hypothesis first; at most `per_lemma` calls of one lemma and
    `limit` in all."""
    terms = goal_terms(lh, statement, hypotheses)
    found: list[tuple[int, int, str]] = []  # (-pattern size, term rank, call)
    for name, (variables, stated) in lemmas.items():
        sides, implication = _read(stated) or ((), False)
        # A conditional lemma is called for its conclusion: a match of its premise only adds a
        # fact about a term the goal already has.
        for p in sides[1:] if implication else sides:
            if len(p) == 1 or not variables:
                continue
            for rank, t in enumerate(terms):
                env: dict = {}
                if matches(p, t, env) and all(v in env for v in variables):
                    call = " ".join([name] + [render(env[v]) for v in variables])
                    if all(tok.text != "_" for tok in tokenize(call)) and all(c != call for _, _, c in found):
                        found.append((-size(p), rank, call))
    calls: list[str] = []
    per: dict[str, int] = {}
    for _, _, call in sorted(found):
        name = call.split(" ", 1)[0]
        if per.get(name, 0) < per_lemma and len(calls) < limit:
            per[name] = per.get(name, 0) + 1
            calls.append(call)
    return calls
