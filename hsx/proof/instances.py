"""Lemmas called explicitly at a proof's variables, besides being rewrite rules.

Consumes a candidate proof text and a library of proved lemmas (their `{-@ name :: x:T -> ...
@-}` signatures); produces the candidate with, in every equation, calls of each lemma at the
equation's variables of the lemma's argument types (`hsxInd x1 [] = hsxLemma1 x1`).

Why: a rewrite rule fires only where its left side matches a term syntactically, and Liquid
Haskell's rewriting does not use a rule whose left side repeats a variable (`eqN x x == True`).
A call puts the instance among the facts outright, which is what a hand-written proof does.
The calls go into each branch of an `if` (an `if` that is the argument of `&&&` keeps none of its
branches' facts), and their number is bounded so that a proof stays cheap to check.
"""

from __future__ import annotations

import itertools
import re

from hsx.haskell.tokens import SourceError, tokenize
from hsx.proof.equations import render_tokens
from hsx.proof.shapes import if_parts

MAX_CALLS = 6  # lemma calls added to one equation
_SIGNATURE = re.compile(r"^\{-@ (\w+) :: (.*?) @-\}$")


def signatures(text: str) -> dict[str, list[str]]:
    """name -> argument types, for every `{-@ name :: x1:T1 -> ... -> {...} @-}` in `text`."""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = _SIGNATURE.match(line.strip())
        if m is None or "{" not in m.group(2):
            continue
        binders = m.group(2).split("{", 1)[0]
        types = []
        for part in binders.split(" -> "):
            part = part.strip()
            if not part:
                continue
            if ":" not in part:
                break
            types.append(part.split(":", 1)[1].strip())
        out[m.group(1)] = types
    return out


def with_lemma_calls(candidate: str, library: str) -> str:
    """The candidate with the library's lemmas called at each equation's variables."""
    lemmas = signatures(library)
    own = signatures(candidate)
    lines = []
    for line in candidate.split("\n"):
        head = line.split(" ", 1)[0]
        if head in own and " = " in line and not line.startswith("{-@"):
            line = _extended(line, own[head], lemmas)
        lines.append(line)
    return "\n".join(lines)


def _extended(line: str, types: list[str], lemmas: dict[str, list[str]]) -> str:
    lhs, body = line.split(" = ", 1)
    try:
        toks = tokenize(lhs)
    except SourceError:
        return line
    atoms = _atoms(toks[1:])
    typed: dict[str, list[str]] = {}  # type -> variables of that type
    for atom, t in zip(atoms, types):
        if len(atom) == 1 and atom[0].kind == "varid" and atom[0].text != "_":
            typed.setdefault(t, []).append(atom[0].text)
    calls: list[str] = []
    for name, args in lemmas.items():
        for choice in itertools.product(*(typed.get(t, []) for t in args)):
            if args and len(calls) < MAX_CALLS:
                calls.append(f"{name} {' '.join(choice)}")
    if not calls:
        return line
    return f"{lhs} = {_into_leaves(body.strip(), ' &&& '.join(calls))}"


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
