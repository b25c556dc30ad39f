"""The likely-inequivalent (SINQ) rewrites of the transformation Alice.

Consumes a `Rewritable` (hsx/selfplay/transform/rewrites.py); each rewrite yields every variant it can make,
as (site description, new text): swap-operator (+/-, </<=, >/>=, &&/||, div/quot, mod/rem),
constant+1, constant-1, move-base-case, flip-guard, drop-guard, swap-if-branches, swap-arguments,
skip-element, repeat-element.  "Likely": the verifier's counterexample search decides.
"""

from __future__ import annotations

import re

from hsx.haskell.syntax import IfNode, LiteralNode, MatchNode, OpNode
from hsx.selfplay.transform.rewrites import Rewritable, arg_types, at_line, clause_text, function_groups, paren, tokens_in

OPERATOR_SWAPS = {"+": "-", "-": "+", "<": "<=", "<=": "<", ">": ">=", ">=": ">", "&&": "||", "||": "&&",
                  "div": "quot", "quot": "div", "mod": "rem", "rem": "mod"}


def swap_operator(p: Rewritable):
    for n in p.nodes(OpNode):
        new = OPERATOR_SWAPS.get(n.op)
        if new is None:
            continue
        span = n.op_span
        text = f"`{new}`" if n.backtick else new
        yield f"{at_line(span)}: {n.op} -> {new}", p.replace((span, text))


def constant(delta: int):
    def transform(p: Rewritable):
        for n in p.nodes(LiteralNode):
            if n.kind != "integer":
                continue
            value = int(n.value) + delta
            text = str(value) if value >= 0 else f"({value})"
            yield f"{at_line(n.span)}: {n.text} -> {text}", p.replace((n.span, text))
    return transform



def move_base_case(p: Rewritable):
    for clauses in function_groups(p):
        if len(clauses) < 2:
            continue
        a, b = clauses[0], clauses[1]
        sa, ea, ta = clause_text(p, a)
        sb, eb, tb = clause_text(p, b)
        if p.text[ea:sb].strip():
            continue
        new = p.text[:sa] + tb + p.text[ea:sb] + ta + p.text[eb:]
        yield f"{at_line(a.span)}: first clause of {a.name} moved after the second", new


def flip_guard(p: Rewritable):
    for m in p.nodes(MatchNode):
        for gs in m.guards:
            for g in gs:
                text = p.t.of(g).strip()
                if text in ("otherwise", "True"):
                    continue
                yield f"{at_line(g)}: guard {text} negated", p.replace((g, f"not ({text})"))


def drop_guard(p: Rewritable):
    for m in p.nodes(MatchNode):
        guards, rhs = m.guards, m.rhs
        if len(rhs) < 2 or any(not g for g in guards):
            continue
        for i in range(len(rhs) - 1):
            start = p.t.offset(guards[i][0][0], guards[i][0][1])
            bar = p.text.rfind("|", 0, start)
            nxt = p.t.offset(guards[i + 1][0][0], guards[i + 1][0][1])
            nxt_bar = p.text.rfind("|", 0, nxt)
            if bar < 0 or nxt_bar <= bar:
                continue
            new = p.text[:bar] + p.text[nxt_bar:]
            yield f"{at_line(guards[i][0])}: guard {p.t.of(guards[i][0]).strip()} dropped", new


def swap_if(p: Rewritable):
    for n in p.nodes(IfNode):
        a, b = p.t.of(n.then), p.t.of(n.else_)
        yield f"{at_line(n.span)}: if branches swapped", p.replace((n.then, paren(b)), (n.else_, paren(a)))



def swap_arguments(p: Rewritable):
    sig = p.signature(p.entry)
    clauses = p.matches(p.entry)
    if sig is None or not clauses:
        return
    args = arg_types(sig.type) or []
    for i in range(len(args)):
        for j in range(i + 1, len(args)):
            if args[i] != args[j] or any(len(m.patterns) <= j for m in clauses):
                continue
            edits = []
            for m in clauses:
                pi, pj = m.patterns[i], m.patterns[j]
                edits += [(pi, p.t.of(pj)), (pj, p.t.of(pi))]
            new = p.replace(*edits)
            if new != p.text:
                yield f"arguments {i + 1} and {j + 1} of {p.entry} swapped", new


_CONS = re.compile(r"^\(\s*([a-z_][\w']*)\s*:\s*([a-z_][\w']*)\s*\)$")


def _cons_clauses(p: Rewritable):
    """(match, pattern index, head, tail) for clauses with an (x : xs) argument."""
    for m in p.nodes(MatchNode):
        if m.context != "function":
            continue
        for k, pat in enumerate(m.patterns):
            c = _CONS.match(p.t.of(pat))
            if c:
                yield m, k, c.group(1), c.group(2)



def skip_element(p: Rewritable):
    for m, _, _x, xs in _cons_clauses(p):
        for r in m.rhs:
            toks = tokens_in(p, r)
            seen_call = False
            for tok, span in toks:
                if tok.text == m.name:
                    seen_call = True
                elif seen_call and tok.kind == "varid" and tok.text == xs:
                    yield f"{at_line(span)}: {m.name} skips an element ({xs} -> drop 1 {xs})", \
                        p.replace((span, f"(drop 1 {xs})"))
                    break


def repeat_element(p: Rewritable):
    for m, _, x, _xs in _cons_clauses(p):
        for r in m.rhs:
            toks = tokens_in(p, r)
            for (tok, span), (nxt, _) in zip(toks, toks[1:]):
                if tok.kind == "varid" and tok.text == x and nxt.text == ":":
                    yield f"{at_line(span)}: {m.name} repeats an element", p.replace((span, f"{x} : {x}"))
                    break
