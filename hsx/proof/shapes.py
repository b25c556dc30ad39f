"""A definition's shape copied into proof text: the case splits of hsx's proof templates.

Consumes an `LhModule` and a function of it; produces the equations of a proof or lemma that copy
the function's patterns, guards, `if`s and `case`s, with its recursive calls replaced by lemma
calls (the induction hypothesis) and each leaf split further on the conditions that the other
program tests there (`shaped_equations`).  Why: PLE unfolds a reflected definition only where the
branch it takes is known, so a proof must reach the same branches (hsx/proof/search.py).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from hsx.haskell.tokens import SourceError, Token, split_top, tokenize
from hsx.proof.equations import (Equation, applicable, arg, arity, calls, equations, render_tokens, substitute,
                                 unparen)
from hsx.proof.lhmodule import LhModule
from hsx.proof.renaming import rename_tokens
from hsx.proof.unfold import unfoldings

MAX_SPLITS = 3  # case splits added at one leaf: 2^3 copies of the leaf at most
# Names a condition may use besides the leaf's variables and the programs' functions.
_GLOBAL_OK = {"not", "mod", "div", "fst", "snd", "True", "False", "otherwise", "rem", "quot",
              "abs", "max", "min", "negate", "even", "odd", "length", "null"}


def _if_conditions(toks) -> list[list[Token]]:
    out = []
    for i, t in enumerate(toks):
        if t.text == "if":
            then = if_parts(toks[i:])
            if then is not None:
                out.append(list(toks[i + 1:i + then[0]]))
    return out


def _body_conditions(eq: Equation) -> list[list[Token]]:
    out = []
    for guard, body in eq.rhs:
        if guard is not None and [t.text for t in guard] not in (["otherwise"], ["True"]):
            out.append(list(guard))
        out += _if_conditions(body)
    return out


def _usable(cond: str, scope: set[str], lh: LhModule) -> bool:
    try:
        toks = tokenize(cond)
    except SourceError:
        return False
    return all(t.kind != "varid" or t.text in scope or t.text in lh.functions or t.text in _GLOBAL_OK
               for t in toks)


def _call_conditions(lh: LhModule, toks, scope: set[str], depth: int, skip: set[str]) -> list[str]:
    """Conditions that the functions called in `toks` test on the path their arguments take,
    instantiated with those arguments (so PLE can decide them after a case split)."""
    out: list[str] = []
    if depth <= 0:
        return out
    for name in lh.functions:
        if name in skip or not any(t.text == name for t in toks):
            continue
        n = arity(lh, name)
        if not n:
            continue
        for args in calls(toks, name, n):
            found = applicable(lh, name, args)
            if found is None:
                continue
            eq, binding = found
            for c in _body_conditions(eq):
                out.append(substitute(c, binding))
            for _, body in eq.rhs:
                # The same function again too (`countN n (x : y : ys)` tests eqN n y at the
                # second step): the depth bounds the recursion.
                inner = tokenize(substitute(body, binding))
                out += _call_conditions(lh, inner, scope, depth - 1, skip)
    return [c for c in out if _usable(c, scope, lh)]


def _leaf(calls: list[str], conds: list[str]) -> str:
    p = " &&& ".join(calls) if calls else "()"
    for c in reversed(conds):
        p = f"if {c} then ({p}) else ({p})"
    return p


def split_on_conditions(lh: LhModule, statement: str, hyps: list[str], scope: set[str]) -> str:
    """A case's proof body: the hypotheses, split on what the statement's functions test at this
    case's arguments (`countN n (x : xs)` tests `eqN n x`), so that in each branch PLE knows which
    way the definitions go.  `statement` is the goal with the case's patterns in place."""
    # Also what they test once the statement is unfolded: `countN n (appN (y : ys) zs)` tests
    # nothing until `appN` has given `countN` a cons to look at.
    conds = []
    for text in [statement] + unfoldings(lh, statement):
        try:
            conds += _call_conditions(lh, tokenize(text), scope, 2, set())
        except SourceError:
            continue
    return _leaf(hyps, list(dict.fromkeys(conds))[:MAX_SPLITS])


def if_parts(toks) -> tuple[int, int] | None:
    """Positions of `then` and `else` of the `if` at toks[0]."""
    depth = nest = 0
    then = None
    for k in range(1, len(toks)):
        t = toks[k].text
        if t in ("(", "[", "{"):
            depth += 1
        elif t in (")", "]", "}"):
            depth -= 1
        if depth:
            continue
        if t == "if":
            nest += 1
        elif t == "then" and nest == 0 and then is None:
            then = k
        elif t == "else":
            if nest == 0:
                return (then, k) if then is not None else None
            nest -= 1
    return None


@dataclass
class _Shape:
    """How to turn a body into proof text: recursive calls become lemma calls (`calls`:
    function -> (lemma, arity)), and leaves are split on `extra` conditions."""
    lh: LhModule
    calls: dict[str, tuple[str, int]]
    extra: list[str]
    scope: set[str]
    split: bool = True

    def lemma_calls(self, toks) -> list[str]:
        out = []
        for name, (lemma, n) in self.calls.items():
            for args in calls(toks, name, n):
                out.append(f"{lemma} {' '.join(arg(a) for a in args)}")
        return list(dict.fromkeys(out))

    def body(self, toks, path: list[str]) -> str | None:
        toks = unparen(toks)
        if not toks:
            return None
        if toks[0].text == "if":
            parts = if_parts(toks)
            if parts is None:
                return None
            then, els = parts
            cond = render_tokens(toks[1:then])
            a = self.body(toks[then + 1:els], path + [cond])
            b = self.body(toks[els + 1:], path + [cond])
            if a is None or b is None:
                return None
            # Lemma calls for the condition go inside each branch: an `if` used as an argument
            # (of &&&) keeps none of its branches' facts, so the split must stay outermost.
            pre = " &&& ".join(self.lemma_calls(toks[1:then]))
            if pre:
                a, b = f"{pre} &&& ({a})", f"{pre} &&& ({b})"
            return f"if {cond} then ({a}) else ({b})"
        if toks[0].text == "case":
            return self._case(toks, path)
        if any(t.text in ("let", "\\", "where", "do") for t in toks):
            return None
        conds: list[str] = []
        if self.split:
            if not any(t.text == "case" for t in toks):
                conds += [render_tokens(c) for c in _if_conditions(toks)]
            conds += _call_conditions(self.lh, toks, self.scope, 2, set(self.calls))
            conds += self.extra
        known = set(path)
        picked = [c for c in dict.fromkeys(conds) if c not in known][:MAX_SPLITS]
        return _leaf(self.lemma_calls(toks), picked)

    def _case(self, toks, path) -> str | None:
        depth = nest = 0
        of = None
        for k in range(1, len(toks)):
            t = toks[k].text
            depth += t in ("(", "[")
            depth -= t in (")", "]")
            if depth == 0 and t == "case":
                nest += 1
            elif depth == 0 and t == "of":
                if nest == 0:
                    of = k
                    break
                nest -= 1
        if of is None or of + 1 >= len(toks) or toks[of + 1].text == "{":
            return None
        scrut = toks[1:of]
        rest = toks[of + 1:]
        col = rest[0].col
        alts: list[list[Token]] = []
        for i, t in enumerate(rest):
            if t.col == col and (i == 0 or rest[i - 1].line < t.line):
                alts.append([])
            if not alts:
                return None
            alts[-1].append(t)
        rendered = []
        for alt in alts:
            bar = next((i for i, t in enumerate(alt) if t.text in ("->", "|")), None)
            if bar is None:
                return None
            pat = alt[:bar]
            if alt[bar].text == "->":
                b = self.body(alt[bar + 1:], path)
                if b is None:
                    return None
                rendered.append(f"{render_tokens(pat)} -> ({b})")
                continue
            arms = []
            for part in split_top(alt[bar + 1:], "|"):
                arrow = next((i for i, t in enumerate(part) if t.text == "->"), None)
                if arrow is None:
                    return None
                b = self.body(part[arrow + 1:], path)
                if b is None:
                    return None
                arms.append(f"| {render_tokens(part[:arrow])} -> ({b})")
            rendered.append(f"{render_tokens(pat)} {' '.join(arms)}")
        pre = self.lemma_calls(scrut)
        text = f"case {render_tokens(scrut)} of {{ {'; '.join(rendered)} }}"
        return " &&& ".join(pre + [f"({text})"]) if pre else text


def shaped_equations(lh: LhModule, name: str, head: str, calls: dict[str, tuple[str, int]],
                      others: list[tuple[str, list[int]]], rename: dict[str, str] | None = None
                      ) -> list[str] | None:
    """`name`'s equations as proof equations of `head`.  `others`: functions whose conditions on
    the same arguments are split on at the leaves, each with the positions of `name`'s
    patterns that it takes."""
    eqs = equations(lh, name)
    if not eqs:
        return None
    lines: list[str] = []
    for eq in eqs:
        first = len(lines)
        texts = [render_tokens(p) for p in eq.pats]
        if rename:
            texts = [rename_tokens(t, rename) for t in texts]
        pats = [tokenize(t) for t in named_wildcards(texts)]
        scope = {t.text for p in pats for t in p if t.kind == "varid"}
        extra: list[str] = []
        for other, positions in others:
            n = arity(lh, other)
            if n != len(positions):
                continue
            found = applicable(lh, other, [pats[i] for i in positions])
            if found is None:
                continue
            oeq, binding = found
            extra += [substitute(c, binding) for c in _body_conditions(oeq)]
            for _, body in oeq.rhs:
                extra += _call_conditions(lh, tokenize(substitute(body, binding)), scope, 2,
                                          set(calls) | {other})
        extra = [c for c in extra if _usable(c, scope, lh)]
        shape = _Shape(lh, calls, extra, scope)
        lhs = f"{head} {' '.join(render_tokens(p) for p in pats)}"
        if rename:
            def ren(toks):
                return tokenize(rename_tokens(render_tokens(toks), rename))
        else:
            def ren(toks):
                return toks
        if len(eq.rhs) == 1 and eq.rhs[0][0] is None:
            b = shape.body(ren(eq.rhs[0][1]), [])
            if b is None:
                return None
            lines.append(f"{lhs} = {b}")
        else:
            lines.append(lhs)
            for guard, body in eq.rhs:
                g = render_tokens(ren(guard))
                b = shape.body(ren(body), [g])
                if b is None:
                    return None
                lines.append(f"  | {g} = {b}")
        lines[first:] = unused_wildcards("\n".join(lines[first:])).split("\n")
    return lines


def named_wildcards(patterns: list[str]) -> list[str]:
    """The patterns with each `_` named (`hsxW1`, ...): a condition that another function tests
    may be about that argument (`filt (x : xs)` tests `posInt x` where lengthN's pattern is
    `(_ : xs)`), and a split on it needs the name."""
    wild = itertools.count(1)
    return [re.sub(r"(?<![\w'])_(?![\w'])", lambda _: f"hsxW{next(wild)}", p) for p in patterns]


def unused_wildcards(equation: str) -> str:
    """A named wildcard (`named_wildcards`) that nothing came to use is a wildcard again."""
    for w in set(re.findall(r"\bhsxW\d+\b", equation)):
        if len(re.findall(rf"\b{w}\b", equation)) == 1:
            equation = re.sub(rf"\b{w}\b", "_", equation)
    return equation
