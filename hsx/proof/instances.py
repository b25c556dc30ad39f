"""Lemmas called explicitly at a proof's variables, besides being rewrite rules.

Consumes a candidate proof text and a library of proved lemmas (their `{-@ name :: x:T -> ...
@-}` signatures), and the fields of the data constructors; produces the candidate with, in every
equation, calls of each lemma at the equation's variables of the lemma's argument types
(`hsxInd x1 [] = hsxLemma1 x1`), the variables inside its patterns included (`n` and `m` of
`hsxInd (S n) m`, where the step needs `plus n (S m) == S (plus n m)`).

Why: a rewrite rule fires only where its left side matches a term syntactically, and Liquid
Haskell's rewriting does not use a rule whose left side repeats a variable (`eqN x x == True`).
A call puts the instance among the facts outright, which is what a hand-written proof does.
The calls go into each branch of an `if` (an `if` that is the argument of `&&&` keeps none of its
branches' facts), and their number is bounded so that a proof stays cheap to check.
"""

from __future__ import annotations

import itertools
import re

from hsx.haskell.hstypes import render
from hsx.haskell.tokens import SourceError, split_top, tokenize
from hsx.proof.equations import calls as equation_calls
from hsx.proof.equations import render_tokens
from hsx.proof.lhmodule import LhModule
from hsx.proof.renaming import rename_tokens
from hsx.proof.shapes import if_parts
from hsx.proof.unfold import instance_calls

MAX_CALLS = 8  # lemma calls added to one equation
PER_LEMMA = 2  # of which at most this many of one lemma
_SIGNATURE = re.compile(r"^\{-@ (\w+) :: (.*?) @-\}$")


def _specs(text: str) -> dict[str, tuple[list[tuple[str, str]], str]]:
    """name -> ([(variable, type)], `{ statement }`) for every lemma signature in `text`."""
    out: dict[str, tuple[list[tuple[str, str]], str]] = {}
    for line in text.splitlines():
        m = _SIGNATURE.match(line.strip())
        if m is None or "{" not in m.group(2):
            continue
        binders_text, statement = m.group(2).split("{", 1)
        statement = "{" + statement.rsplit("}", 1)[0] + "}"
        binders = []
        for part in binders_text.split(" -> "):
            part = part.strip()
            if not part:
                continue
            if ":" not in part:
                break
            v, t = part.split(":", 1)
            binders.append((v.strip(), t.strip()))
        out[m.group(1)] = (binders, statement)
    return out


def constructor_fields(lh: LhModule) -> dict[str, list[str]]:
    """Each data constructor's field types, written as lemma signatures write types."""
    return {c.name: [render(f, 1) for f in c.fields] for d in lh.data_types.values() for c in d.constructors}


def with_lemma_calls(candidate: str, library: str, lh: LhModule | None = None) -> str:
    """The candidate with the library's lemmas called at each equation's variables.  With the
    module, the variables inside constructor patterns are typed too, and the lemmas are also
    called where their sides match the case's statement unfolded (hsx/proof/unfold.py)."""
    lemmas = _specs(library)
    own = _specs(candidate)
    fields = constructor_fields(lh) if lh is not None else {}
    lines = []
    for line in candidate.split("\n"):
        head = line.split(" ", 1)[0]
        if head in own and " = " in line and not line.startswith("{-@"):
            line = _extended(line, own[head], lemmas, fields, lh)
        lines.append(line)
    return "\n".join(lines)


def _extended(line: str, spec, lemmas: dict, fields: dict[str, list[str]], lh: LhModule | None) -> str:
    binders, statement = spec
    lhs, body = line.split(" = ", 1)
    try:
        toks = tokenize(lhs)
    except SourceError:
        return line
    atoms = _atoms(toks[1:])
    typed: dict[str, list[str]] = {}  # type -> variables of that type
    for atom, (_, t) in zip(atoms, binders):
        for v, vt in _pattern_variables(atom, t, fields):
            if v not in typed.setdefault(vt, []):
                typed[vt].append(v)
    calls: list[str] = []
    if lh is not None and len(atoms) == len(binders):
        def at(args) -> str:  # the statement at these arguments
            return rename_tokens(statement, {v: f"({render_tokens(a)})" for (v, _), a in zip(binders, args)})
        # The recursive calls in the body are the induction hypotheses, at their arguments.
        try:
            hyps = [at(args) for args in equation_calls(tokenize(body), toks[0].text, len(binders))]
        except SourceError:
            hyps = []
        named = {name: ([v for v, _ in bs], stated) for name, (bs, stated) in lemmas.items()}
        calls += instance_calls(lh, at(atoms), named, limit=MAX_CALLS // 2, per_lemma=PER_LEMMA, hypotheses=hyps)
    for name, (bs, _) in lemmas.items():
        args = [t for _, t in bs]
        if not args:
            continue
        # Distinct variables first: `plus n (S m)` wants the lemma at (n, m) before (n, n).
        choices = sorted(itertools.product(*(typed.get(t, []) for t in args)), key=lambda c: len(c) - len(set(c)))
        for choice in choices[:PER_LEMMA]:
            call = f"{name} {' '.join(choice)}"
            if len(calls) < MAX_CALLS and call not in calls:
                calls.append(call)
    if not calls:
        return line
    return f"{lhs} = {_into_leaves(body.strip(), ' &&& '.join(calls))}"


def _pattern_variables(toks, t: str, fields: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(variable, type) for the variables of a pattern of type t."""
    while toks and toks[0].text == "(" and _closing(toks, 0) == len(toks) - 1:
        toks = toks[1:-1]
    if len(toks) == 1:
        tok = toks[0]
        return [(tok.text, t)] if tok.kind == "varid" and tok.text != "_" else []
    parts = split_top(list(toks), ":")
    if len(parts) > 1 and t.startswith("[") and t.endswith("]"):
        elem = t[1:-1].strip()
        return [v for p in parts[:-1] for v in _pattern_variables(p, elem, fields)] + \
            _pattern_variables(parts[-1], t, fields)
    if toks and toks[0].kind == "conid" and toks[0].text in fields:
        args = _atoms(toks[1:])
        if len(args) == len(fields[toks[0].text]):
            return [v for a, ft in zip(args, fields[toks[0].text]) for v in _pattern_variables(a, ft, fields)]
    return []


def _into_leaves(body: str, calls: str) -> str:
    try:
        toks = tokenize(body)
    except SourceError:
        return f"{calls} &&& ({body})"
    while toks and toks[0].text == "(" and _closing(toks, 0) == len(toks) - 1:
        toks = toks[1:-1]
    if toks and toks[0].text == "if":
        parts = if_parts(toks)
        if parts is not None:
            then, els = parts
            cond = render_tokens(toks[1:then])
            a = _into_leaves(render_tokens(toks[then + 1:els]), calls)
            b = _into_leaves(render_tokens(toks[els + 1:]), calls)
            return f"if {cond} then ({a}) else ({b})"
    return f"{calls} &&& ({render_tokens(toks)})" if toks else calls


def _closing(toks, i: int) -> int:
    depth = 0
    for j in range(i, len(toks)):
        depth += toks[j].text in ("(", "[")
        depth -= toks[j].text in (")", "]")
        if depth == 0:
            return j
    return -1


def _atoms(toks) -> list[list]:
    """The arguments of an equation's left side: single tokens or bracketed groups."""
    out, i = [], 0
    while i < len(toks):
        if toks[i].text in ("(", "["):
            j = _closing(toks, i)
            if j < 0:
                break
            out.append(list(toks[i:j + 1]))
            i = j + 1
        else:
            out.append([toks[i]])
            i += 1
    return out
