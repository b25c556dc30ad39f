"""The likely-equivalent (SEQ) rewrites of the transformation Alice that stay inside a definition.

Consumes a `Rewritable` (hsx/selfplay/transform/rewrites.py); each rewrite yields every variant it can make,
as (site description, new text): guards-to-if, if-to-guards, if-to-case, commute, reassociate,
double-to-sum, sum-to-double, merge-clauses, split-clauses, rename-bound.  The SEQ rewrites that
add or remove a definition are in hsx/selfplay/transform/definitions.py.  "Likely": the proof
search decides.
"""

from __future__ import annotations

from hsx.haskell.syntax import IfNode, MatchNode, OpNode, Span
from hsx.haskell.tokens import KEYWORDS, tokenize
from hsx.selfplay.transform.rewrites import (Rewritable, at_line, clause_text, fresh_name, function_groups, paren, rename_tokens,
                                   tokens_in)

COMMUTATIVE = ("+", "*")
ASSOCIATIVE = ("+", "*", "++", "&&", "||")


def guards_to_if(p: Rewritable):
    for m in p.nodes(MatchNode):
        guards, rhs = m.guards, m.rhs
        if len(rhs) < 2 or any(len(g) != 1 for g in guards):
            continue
        if p.t.of(guards[-1][0]).strip() not in ("otherwise", "True"):
            continue  # without a catch-all, a failing guard falls through to the next clause
        if any(r[0] != r[2] for r in rhs):
            continue  # one-line right-hand sides only: the if is written on one line
        first = p.t.offset(guards[0][0][0], guards[0][0][1])
        bar = p.text.rfind("|", 0, first)
        end = p.t.range(rhs[-1])[1]
        parts = [f"if {p.t.of(g[0]).strip()} then {paren(p.t.of(r))} else " for g, r in zip(guards[:-1], rhs[:-1])]
        expr = "= " + "".join(parts) + paren(p.t.of(rhs[-1]))
        yield f"{at_line(guards[0][0])}: guards of {m.name} as if/else", p.text[:bar] + expr + p.text[end:]


def if_to_guards(p: Rewritable):
    for m in p.nodes(MatchNode):
        if len(m.rhs) != 1 or m.guards[0]:
            continue
        r = m.rhs[0]
        node = next((n for n in p.nodes(IfNode) if n.span[:2] == r[:2] and n.span[2:] == r[2:]), None)
        if node is None:
            continue
        start, end = p.t.range(r)
        eq = p.text.rfind("=", 0, start)
        if eq < 0:
            continue
        cond, a, b = (" ".join(p.t.of(s).split()) for s in (node.cond, node.then, node.else_))
        new = p.text[:eq].rstrip() + f"\n  | {cond} = {a}\n  | otherwise = {b}" + p.text[end:]
        yield f"{at_line(r)}: if of {m.name} as guards", new


def if_to_case(p: Rewritable):
    for n in p.nodes(IfNode):
        cond, a, b = (p.t.of(s).strip() for s in (n.cond, n.then, n.else_))
        yield f"{at_line(n.span)}: if as case", \
            p.replace((n.span, f"(case {cond} of {{ True -> {a}; False -> {b} }})"))


def commute(p: Rewritable):
    for n in p.nodes(OpNode):
        if n.op not in COMMUTATIVE or n.span[0] != n.span[2]:
            continue
        lhs, rhs = p.t.of(n.lhs), p.t.of(n.rhs)
        if lhs.strip() == rhs.strip():
            continue
        op = p.t.of(n.op_span)
        yield f"{at_line(n.span)}: {lhs.strip()} {op} {rhs.strip()} commuted", \
            p.replace((n.span, f"{paren(rhs)} {op} {paren(lhs)}"))


def reassociate(p: Rewritable):
    ops = [n for n in p.nodes(OpNode) if n.op in ASSOCIATIVE and n.span[0] == n.span[2]]
    for outer in ops:
        for inner in ops:
            if inner is outer or inner.op != outer.op:
                continue
            op = outer.op if not outer.backtick else f"`{outer.op}`"
            if inner.span == outer.lhs:  # (a op b) op c -> a op (b op c)
                a, b, c = (p.t.of(s) for s in (inner.lhs, inner.rhs, outer.rhs))
                new = f"{paren(a)} {op} ({paren(b)} {op} {paren(c)})"
            elif inner.span == outer.rhs:  # a op (b op c) -> (a op b) op c
                a, b, c = (p.t.of(s) for s in (outer.lhs, inner.lhs, inner.rhs))
                new = f"({paren(a)} {op} {paren(b)}) {op} {paren(c)}"
            else:
                continue
            yield f"{at_line(outer.span)}: {outer.op} re-associated", p.replace((outer.span, f"({new})"))


def double_to_sum(p: Rewritable):
    for n in p.nodes(OpNode):
        if n.op != "*":
            continue
        lhs, rhs = p.t.of(n.lhs).strip(), p.t.of(n.rhs).strip()
        other = rhs if lhs == "2" else lhs if rhs == "2" else None
        if other is None:
            continue
        e = paren(other)
        yield f"{at_line(n.span)}: {lhs} * {rhs} as a sum", p.replace((n.span, f"({e} + {e})"))


def sum_to_double(p: Rewritable):
    for n in p.nodes(OpNode):
        if n.op != "+":
            continue
        lhs, rhs = p.t.of(n.lhs).strip(), p.t.of(n.rhs).strip()
        if lhs != rhs:
            continue
        yield f"{at_line(n.span)}: {lhs} + {rhs} as 2 *", p.replace((n.span, f"(2 * {paren(lhs)})"))



def merge_clauses(p: Rewritable):
    for clauses in function_groups(p):
        if len(clauses) < 2:
            continue
        n = len(clauses[0].patterns)
        if n == 0 or any(len(m.patterns) != n or m.where or m.span[0] != m.span[2]
                         for m in clauses):
            continue
        if any(len(m.rhs) != 1 or m.guards[0] for m in clauses):
            continue
        name = clauses[0].name
        if any("@" in p.t.of(s) for m in clauses for s in m.patterns):
            continue
        vs = [fresh_name(p, f"hsxArg{i}") for i in range(1, n + 1)]
        scrut = vs[0] if n == 1 else "(" + ", ".join(vs) + ")"
        alts = []
        for m in clauses:
            pats = [p.t.of(s) for s in m.patterns]
            pat = pats[0] if n == 1 else "(" + ", ".join(pats) + ")"
            alts.append(f"    {pat} -> {p.t.of(m.rhs[0]).strip()}")
        start, _, _ = clause_text(p, clauses[0])
        _, end, _ = clause_text(p, clauses[-1])
        text = f"{name} {' '.join(vs)} = case {scrut} of\n" + "\n".join(alts)
        yield f"clauses of {name} merged into one case", p.text[:start] + text + p.text[end:]


_LAYOUT_WORDS = {"of", "let", "where", "do"}


def _case_alternatives(p: Rewritable, rhs: Span) -> tuple[str, list[tuple[str, str]]] | None:
    """`case v of` alternatives `pat -> body` laid out in one block, each unguarded and with no
    `where`, where the case is the whole right-hand side: (v, [(pattern, body)]), else None."""
    toks = tokens_in(p, rhs)
    if len(toks) < 6 or [t.text for t, _ in toks[:1]] != ["case"] or toks[2][0].text != "of":
        return None
    if toks[1][0].kind != "varid" or toks[1][0].text in KEYWORDS:
        return None
    body = toks[3:]
    if any(t.text in ("{", "}", ";", "where", "case") or t.kind in ("pragma", "annotation") for t, _ in body):
        return None  # explicit braces, nested cases and local where's are not handled
    col = body[0][1][1]
    starts = []
    prev_line = toks[2][1][0]
    for k, (_t, s) in enumerate(body):
        new_line = s[0] != prev_line
        prev_line = s[0]
        if k == 0 or (new_line and s[1] == col):
            starts.append(k)
        elif new_line and s[1] < col:
            return None  # the block closes before the right-hand side ends
    alts = []
    for a, b in zip(starts, starts[1:] + [len(body)]):
        alt = body[a:b]
        depth, arrow = 0, None
        for k, (t, _) in enumerate(alt):
            if t.kind == "special" and t.text in "([":
                depth += 1
            elif t.kind == "special" and t.text in ")]":
                depth -= 1
            elif depth == 0 and t.text == "|":
                return None  # a guarded alternative
            elif depth == 0 and t.text == "->":
                arrow = k
                break
        if arrow is None or arrow == 0 or arrow + 1 >= len(alt):
            return None
        pat_span = [*alt[0][1][:2], *alt[arrow - 1][1][2:]]
        body_span = [*alt[arrow + 1][1][:2], *alt[-1][1][2:]]
        text = p.t.of(body_span)
        if "\n" in text:
            if any(t.text in _LAYOUT_WORDS for t, _ in alt[arrow + 1:]):
                return None  # a layout block inside a multi-line body would move
            text = " ".join(text.split())
        alts.append((p.t.of(pat_span), text))
    return toks[1][0].text, alts


def split_clauses(p: Rewritable):
    """`f a1 .. v .. an = case v of { pi -> ei }` (v a plain argument variable) becomes one clause
    per alternative, `f a1 .. pi .. an = ei`, with `v@pi` where ei still uses v and the `where`
    bindings repeated under each clause.  Nothing is proposed where that could change meaning:
    the where mentions v, or an alternative binds a name that another argument, v or the where
    also binds or uses."""
    for clauses in function_groups(p):
        if len(clauses) != 1:
            continue
        m = clauses[0]
        name = m.name
        binds = p.bindings(name)
        if m.infix or len(binds) != 1 or len(m.rhs) != 1 or m.guards[0] or not m.patterns:
            continue
        whole = p.t.of(binds[0].span)
        if "--" in whole or "{-" in whole:
            continue  # comments would be lost or moved
        head = tokens_in(p, binds[0].span)
        if not head or head[0][0].text != name:
            continue
        found = _case_alternatives(p, m.rhs[0])
        if found is None:
            continue
        v, alts = found
        pats = [p.t.of(s).strip() for s in m.patterns]
        if pats.count(v) != 1:
            continue  # the scrutinee is not a plain argument variable
        k = pats.index(v)
        others = {t.text for i, s in enumerate(m.patterns) if i != k for t, _ in tokens_in(p, s)}
        rhs_end = p.t.range(m.rhs[0])[1]
        where_text = ""
        where_names: set[str] = set()
        if m.where:
            w = next(((t, s) for t, s in head if t.text == "where" and p.t.range(s)[0] >= rhs_end), None)
            if w is None:
                continue
            start = p.t.range(w[1])[0]
            end = p.t.range(binds[0].span)[1]
            where_text = " " * (w[1][1] - 1) + p.text[start:end].rstrip()
            where_names = {t.text for t in tokenize(where_text)}
            if v in where_names:
                continue  # where-bindings depend on the scrutinee
        elif p.t.range(binds[0].span)[1] > rhs_end and p.text[rhs_end:p.t.range(binds[0].span)[1]].strip():
            continue  # something after the case that this reading does not account for
        out = []
        ok = True
        for pat, body in alts:
            bound = {t.text for t in tokenize(pat) if t.kind == "varid" and t.text != "_"}
            if bound & (others | where_names | {v}):
                ok = False  # a clash or a shadowing the split would change
                break
            used = {t.text for t in tokenize(body) if t.kind == "varid"}
            pat = pat.strip()
            atom = pat if pat in ("[]", "()") else paren(pat)
            new_pat = (v if pat == "_" else f"{v}@{atom}") if v in used else atom
            args = [new_pat if i == k else s for i, s in enumerate(pats)]
            clause = f"{name} {' '.join(args)} = {body.strip()}"
            out.append(clause + ("\n" + where_text if where_text else ""))
        if not ok:
            continue
        start, end = p.t.offset(binds[0].span[0], 1), p.t.range(binds[0].span)[1]
        yield f"{at_line(m.span)}: case of {name} split into {len(out)} clauses", \
            p.text[:start] + "\n".join(out) + p.text[end:]



def rename_bound(p: Rewritable):
    for m in p.nodes(MatchNode):
        for pat in m.patterns:
            for tok, _ in tokens_in(p, pat):
                if tok.kind != "varid" or tok.text in KEYWORDS:
                    continue
                new = fresh_name(p, tok.text + "'")
                edits = rename_tokens(p, m.span, tok.text, new)
                yield f"{at_line(m.span)}: {tok.text} renamed to {new}", p.replace(*edits)
                break
