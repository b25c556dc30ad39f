"""The likely-equivalent (SEQ) rewrites of the transformation Alice that add or remove a definition.

Consumes a `Rewritable` (hsx/selfplay/transform/rewrites.py); each rewrite yields every variant it can make,
as (site description, new text): introduce-helper (the entry defined through a new helper),
inline-helper (a one-use helper replaced by its body), accumulator (a tail-recursive helper with
an accumulator).  The SEQ rewrites inside one definition are in rewrites_equivalent.py.
"""

from __future__ import annotations

import re
from typing import Iterator

from hsx.haskell.syntax import CallNode, OpNode, Span
from hsx.haskell.tokens import tokenize
from hsx.selfplay.transform.rewrites import (Rewritable, apply_edits, arg_types, fresh_name, paren, rename_tokens,
                                   tokens_in)
from hsx.selfplay.transform.syntax_tree import SourceText, Tokens


def introduce_helper(p: Rewritable):
    sig = p.signature(p.entry)
    binds = p.bindings(p.entry)
    if sig is None or len(sig.names) != 1 or not binds:
        return
    arity = len(arg_types(sig.type) or [])
    if arity == 0:
        return
    go = fresh_name(p, f"{p.entry}Go")
    edits = rename_tokens(p, sig.span, p.entry, go)
    for b in binds:
        edits += rename_tokens(p, b.span, p.entry, go)
    args = " ".join(f"a{i}" for i in range(1, arity + 1))
    wrapper = f"{p.entry} :: {' '.join(sig.type.split())}\n{p.entry} {args} = {go} {args}\n\n"
    start = p.t.offset(sig.span[0], 1)
    new = p.replace(*edits)
    new = new[:start] + wrapper + new[start:]
    yield f"{p.entry} defined through a new helper {go}", new


def inline_helper(p: Rewritable):
    for b in p.bindings():
        name = b.names[0]
        clauses = p.matches(name)
        if name == p.entry or len(clauses) != 1:
            continue
        m = clauses[0]
        if m.guards[0] or m.where or len(m.rhs) != 1:
            continue
        params = [p.t.of(s).strip() for s in m.patterns]
        if not params or not all(re.fullmatch(r"[a-z_][\w']*", x) and x != "_" for x in params):
            continue
        body = p.t.of(m.rhs[0])
        body_toks = {t.text for t in tokenize(body)}
        if name in body_toks:
            continue  # recursive
        calls = [n for n in p.nodes(CallNode) if n.name == name]
        uses = [(t, s) for d in p.bindings() if d is not b for t, s in tokens_in(p, d.span) if t.text == name]
        sites = _call_sites(p, name, len(params)) if not calls else \
            [(c.span, [p.t.of(a) for a in c.args]) for c in calls if len(c.args) == len(params)]
        if len(uses) != 1 or len(sites) != 1:
            continue
        site, args = sites[0]
        if any({t.text for t in tokenize(a)} & (body_toks - set(params)) for a in args):
            continue  # an argument mentions a name the body binds or uses: capture is possible
        subst = dict(zip(params, (paren(a) for a in args)))
        inlined = "".join(_render_subst(body, subst))
        edits = [(site, f"({' '.join(inlined.split())})")]
        sig = p.signature(name)
        removed = [b.span] + ([sig.span] if sig and sig.names == (name,) else [])
        new = apply_edits(p.text, [(*p.t.range(s), new) for s, new in edits]
                          + [(p.t.offset(s[0], 1), p.t.offset(s[2], s[3]) + 1, "") for s in removed])
        yield f"helper {name} inlined", new


def _call_sites(p: Rewritable, name: str, arity: int) -> list[tuple[Span, list[str]]]:
    """`name a1 .. an` with atomic arguments, found by tokens (the `call` node stands in)."""
    ts = Tokens(p.text)
    out = []
    for i, tok in enumerate(ts.toks):
        if tok.text != name or tok.col == 1:
            continue
        args, k = [], i + 1
        for _ in range(arity):
            e = ts.term_end(k)
            if e is None:
                break
            args.append(ts.t.of(ts.span(k, e)))
            k = e + 1
        if len(args) == arity:
            out.append((ts.span(i, k - 1), args))
    return out


def _render_subst(body: str, subst: dict[str, str]) -> Iterator[str]:
    """The body's text with whole-word variables replaced (positions from the tokenizer)."""
    t = SourceText(body)
    pos = 0
    for tok in tokenize(body):
        off = t.offset(tok.line, tok.col)
        yield body[pos:off]
        yield subst.get(tok.text, tok.text) if tok.kind == "varid" else tok.text
        pos = off + len(tok.text)
    yield body[pos:]


def accumulator(p: Rewritable):
    """`f .. = e op f args` (op + or *) with base cases `f .. = b` becomes a tail-recursive helper
    with an accumulator: fAcc acc .. = fAcc (acc op e) args, fAcc acc .. = acc op b, and
    f x1 .. xn = fAcc unit x1 .. xn."""
    sig = p.signature(p.entry)
    clauses = p.matches(p.entry)
    if sig is None or len(sig.names) != 1 or not clauses or any(m.where for m in clauses):
        return
    arity = len(arg_types(sig.type) or [])
    if arity == 0:
        return
    ops = p.nodes(OpNode)
    rhss = [r for m in clauses for r in m.rhs]
    recursive, base = [], []
    for r in rhss:
        text = p.t.of(r)
        names = {t.text for t in tokenize(text)}
        if p.entry not in names:
            base.append(r)
            continue
        top = next((n for n in ops if n.span == r and n.op in ("+", "*")), None)
        if top is None:
            return
        call = p.t.of(top.rhs).strip()
        if not call.startswith(p.entry + " ") or p.entry in {t.text for t in tokenize(p.t.of(top.lhs))}:
            return
        recursive.append((r, top))
    if not recursive or not base or len({top.op for _, top in recursive}) != 1:
        return
    op = recursive[0][1].op
    unit = "0" if op == "+" else "1"
    acc = fresh_name(p, "acc")
    go = fresh_name(p, f"{p.entry}Acc")
    edits: list[tuple[Span, str]] = []
    for m in clauses:
        edits.append(([m.span[0], m.span[1], m.span[0], m.span[1] + len(p.entry)], f"{go} {acc}"))
    for r in base:
        edits.append((r, f"{acc} {op} {paren(p.t.of(r))}"))
    for r, top in recursive:
        args = p.t.of(top.rhs).strip()[len(p.entry):]
        edits.append((r, f"{go} ({acc} {op} {paren(p.t.of(top.lhs))}){args}"))
    new = p.replace(*edits)
    typ = " ".join(sig.type.split())
    ctx, _, body = typ.rpartition("=>")
    result = typ.split("->")[-1].strip()
    go_type = f"{ctx}=> " if ctx else ""
    go_type += f"{result} -> {body.strip() if ctx else typ}"
    start, end = p.t.range(sig.span)
    xs = " ".join(f"a{i}" for i in range(1, arity + 1))
    wrapper = (f"{p.entry} :: {typ}\n{p.entry} {xs} = {go} {unit} {xs}\n\n{go} :: {go_type}")
    new = new[:start] + wrapper + new[end:]
    yield f"{p.entry} with an accumulator ({op})", new
