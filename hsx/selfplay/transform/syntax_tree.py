"""The syntax tree the transformation Alice reads, derived from hsx's tokenizer.

Consumes Haskell source text; produces `token_syntax(text)`: a `SyntaxTree`
(hsx/haskell/syntax.py, the type GHC's reader returns too) holding the parts of the helper's
`syntax` op answer that the rewrites use (haskell/README.md, "The `syntax` op"): `decls`
(`binding`, `signature`) and `nodes` (`OpNode`, `LiteralNode`, `IfNode`, `MatchNode`,
`GuardedNode`), with spans `(line, col, end_line, end_col)`.  Where the helper (GHC's parser) is not passed in, this stands in for it:
operands are found by hsx's tokenizer (hsx/haskell/tokens.py) and the Prelude fixity table below,
and a shape it cannot read with confidence yields no node rather than a wrong one.  Also
produces `SourceText` (span <-> offset arithmetic) and `Tokens` (a token stream with bracket
matching), which the rewrites reuse.

This module is a little over 400 lines because the operand and expression scanners of `Tokens`
and the node builders that call them are one reading of the token stream; split, each half would
only make sense beside the other.
"""

from __future__ import annotations

import re
from typing import Iterator

from hsx.haskell.syntax import (GuardedNode, IfNode, LiteralNode, MatchNode, OpNode, Span, SyntaxDecl, SyntaxNode,
                                SyntaxTree)
from hsx.haskell.tokens import KEYWORDS, Token, tokenize


# ------------------------------------------------------------------------------------------------
# Fixities: the Prelude's (Haskell 2010 report, section 4.4.2), plus the backquoted functions
# the pool uses.  Anything else is GHC's default, infixl 9.

FIXITY: dict[str, tuple[int, str]] = {
    "$": (0, "r"), "$!": (0, "r"), "seq": (0, "r"), ">>": (1, "l"), ">>=": (1, "l"),
    "||": (2, "r"), "&&": (3, "r"),
    "==": (4, "n"), "/=": (4, "n"), "<": (4, "n"), "<=": (4, "n"), ">": (4, "n"), ">=": (4, "n"),
    "elem": (4, "n"), "notElem": (4, "n"),
    ":": (5, "r"), "++": (5, "r"),
    "+": (6, "l"), "-": (6, "l"),
    "*": (7, "l"), "/": (7, "l"), "div": (7, "l"), "mod": (7, "l"), "quot": (7, "l"), "rem": (7, "l"),
    "^": (8, "r"), "^^": (8, "r"), "**": (8, "r"),
    ".": (9, "r"), "!!": (9, "l"),
}
_DEFAULT_FIXITY = (9, "l")

_SKIPPED_DECLS = {"data", "newtype", "type", "import", "module", "class", "instance", "infix", "infixl",
                  "infixr", "deriving", "default", "foreign"}
# Tokens that end an expression on its right (layout breaks are handled separately).
_RIGHT_STOP = {")", "]", ",", "then", "else", "of", "|", "where", "in", ";", "}", "=", "->", "<-", "..", "::"}


# ------------------------------------------------------------------------------------------------
# Source text and spans


class SourceText:
    """Offsets for spans of one source text."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.starts.append(i + 1)

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col - 1

    def pos(self, offset: int) -> tuple[int, int]:
        line = max(i for i, s in enumerate(self.starts) if s <= offset)
        return line + 1, offset - self.starts[line] + 1

    def range(self, span: Span) -> tuple[int, int]:
        return self.offset(span[0], span[1]), self.offset(span[2], span[3])

    def of(self, span: Span) -> str:
        a, b = self.range(span)
        return self.text[a:b]



# ------------------------------------------------------------------------------------------------
# The syntax tree from hsx's tokenizer (the shapes of the helper's `syntax` op)


def _is_term_token(t: Token) -> bool:
    return (t.kind in ("varid", "conid", "qvarid", "qconid", "number", "string", "char")
            and t.text not in KEYWORDS)


class Tokens:
    def __init__(self, text: str):
        self.t = SourceText(text)
        self.toks = tokenize(text)
        self.match: dict[int, int] = {}
        stack: list[int] = []
        for i, tok in enumerate(self.toks):
            if tok.kind == "special" and tok.text in "([{":
                stack.append(i)
            elif tok.kind == "special" and tok.text in ")]}" and stack:
                j = stack.pop()
                self.match[i], self.match[j] = j, i
        # Each token's declaration (a run starting at column 1) and whether it opens a line.
        self.decl: list[int] = []
        self.first_on_line: list[bool] = []
        current, prev_line = -1, 0
        for i, tok in enumerate(self.toks):
            if tok.col == 1:
                current = i
            self.decl.append(current)
            self.first_on_line.append(tok.line != prev_line)
            prev_line = tok.line + tok.text.count("\n")

    def span(self, i: int, j: int) -> Span:
        """Tokens i..j inclusive."""
        a = self.t.offset(self.toks[i].line, self.toks[i].col)
        b = self.t.offset(self.toks[j].line, self.toks[j].col) + len(self.toks[j].text)
        (l1, c1), (l2, c2) = self.t.pos(a), self.t.pos(b)
        return (l1, c1, l2, c2)

    def decl_end(self, i: int) -> int:
        """Index of the last token of i's declaration."""
        d = self.decl[i]
        j = i
        while j + 1 < len(self.toks) and self.decl[j + 1] == d:
            j += 1
        return j

    def line_indent(self, i: int) -> int:
        """The column of the first token on token i's line."""
        j = i
        while j > 0 and not self.first_on_line[j]:
            j -= 1
        return self.toks[j].col

    def term_end(self, i: int) -> int | None:
        if i >= len(self.toks):
            return None
        tok = self.toks[i]
        if tok.kind == "special" and tok.text in "([" and i in self.match:
            return self.match[i]
        return i if _is_term_token(tok) else None

    def term_start(self, j: int) -> int | None:
        if j < 0:
            return None
        tok = self.toks[j]
        if tok.kind == "special" and tok.text in ")]" and j in self.match:
            return self.match[j]
        return j if _is_term_token(tok) else None

    def operator_at(self, i: int) -> tuple[str, int, int, bool] | None:
        """(name, first index, last index, backtick) of a binary operator starting at token i."""
        tok = self.toks[i]
        if tok.kind == "special" and tok.text == "`" and i + 2 < len(self.toks) \
                and self.toks[i + 2].text == "`" and self.toks[i + 1].kind in ("varid", "qvarid"):
            name, first, last, tick = self.toks[i + 1].text, i, i + 2, True
        elif tok.kind in ("varsym", "consym", "qvarsym", "qconsym") and tok.text not in ("=", "|", "->", "<-", "::", "\\", "@", "~",
                                                                  "=>", ".."):
            name, first, last, tick = tok.text, i, i, False
        else:
            return None
        # Binary only after a term (otherwise `-` is negation, or this is a section).
        if first == 0 or self.term_start(first - 1) is None:
            return None
        return name, first, last, tick

    def _layout_break(self, j: int, base: int, indent: int) -> bool:
        return j != base and self.first_on_line[j] and self.toks[j].col <= indent

    def operand_right(self, op_last: int, prec: int, assoc: str, limit: int, indent: int) -> int | None:
        j = op_last + 1
        if j > limit:
            return None
        end = self.term_end(j)
        if end is None:
            return None
        while end + 1 <= limit:
            k = end + 1
            if self._layout_break(k, op_last, indent):
                break
            nxt = self.term_end(k)
            if nxt is not None:  # application binds tightest
                end = nxt
                continue
            op = self.operator_at(k)
            if op is None:
                if self.toks[k].text in _RIGHT_STOP:
                    break
                return None  # `if`, `case`, a lambda, negation: not a plain operand
            q, a = FIXITY.get(op[0], _DEFAULT_FIXITY)
            if q > prec or (q == prec and assoc == "r" and a == "r"):
                after = self.term_end(op[2] + 1) if op[2] + 1 <= limit else None
                if after is None:
                    return None
                end = after
                continue
            if q == prec and assoc != a:
                return None  # mixed associativity: GHC rejects or it is ambiguous to us
            break
        return end

    def operand_left(self, op_first: int, prec: int, assoc: str, lo: int) -> int | None:
        j = op_first - 1
        if j < lo:
            return None
        start = self.term_start(j)
        if start is None:
            return None
        while start - 1 >= lo:
            k = start - 1
            prev = self.term_start(k)
            if prev is not None:
                start = prev  # application
                continue
            # An operator ending at k (backticked: three tokens).
            first = k - 2 if self.toks[k].text == "`" and k >= 2 else k
            op = self.operator_at(first) if first >= lo else None
            if op is not None and op[2] == k:
                q, a = FIXITY.get(op[0], _DEFAULT_FIXITY)
                if q > prec or (q == prec and assoc == "l" and a == "l"):
                    before = self.term_start(op[1] - 1) if op[1] - 1 >= lo else None
                    if before is None:
                        return None
                    start = before
                    continue
                if q == prec and assoc != a:
                    return None
                break
            if self.toks[k].text in _LEFT_STOP or self.toks[k].kind == "special" and self.toks[k].text in "([,":
                break
            if self.toks[k].text == "-":
                return None  # negation in front of the operand
            break
        return start

    def expr_end(self, i: int, limit: int, indent: int) -> int:
        """The last token of the expression that starts at i (up to `limit`), for the branches
        of `if`: brackets skipped, nested if/case counted, stopped by layout or a closing token."""
        pending_if = pending_case = 0
        j, last = i, i - 1
        while j <= limit:
            tok = self.toks[j]
            if self._layout_break(j, i, indent):
                break
            if tok.kind == "special" and tok.text in "([{" and j in self.match:
                last = j = self.match[j]
                j += 1
                continue
            if tok.text == "if":
                pending_if += 1
            elif tok.text == "case":
                pending_case += 1
            elif tok.text == "then" and pending_if:
                pass
            elif tok.text == "else" and pending_if:
                pending_if -= 1
            elif tok.text == "of" and pending_case:
                pending_case -= 1
            elif tok.text in _RIGHT_STOP and tok.text not in ("->", "=") or (tok.text == "=" and not pending_case):
                break
            last = j
            j += 1
        return last


_LEFT_STOP = {"=", "(", ",", "[", "then", "else", "if", "->", "of", "in", "|", "let", "<-", ";", "{", "$"}


def token_syntax(text: str) -> SyntaxTree:
    """The parts of the `syntax` op's answer that the transformations use, from hsx's tokenizer:
    `decls` (binding, signature) and `nodes` (op, literal, if, match).  Raises SourceError."""
    ts = Tokens(text)
    toks = ts.toks
    decls: list[SyntaxDecl] = []
    nodes: list[SyntaxNode] = []
    n = len(toks)
    i = 0
    while i < n:
        end = ts.decl_end(i)
        first = toks[i]
        depth0 = _depth0(ts, i, end)
        if first.kind == "varid" and first.text not in KEYWORDS and first.text not in _SKIPPED_DECLS:
            sig = next((k for k in depth0 if toks[k].text == "::"), None)
            eq = next((k for k in depth0 if toks[k].text in ("=", "|")), None)
            if sig is not None and (eq is None or sig < eq):
                names = tuple(toks[k].text for k in range(i, sig) if toks[k].kind == "varid")
                decls.append(SyntaxDecl("signature", names, ts.span(i, end), type=ts.t.of(ts.span(sig + 1, end))))
            elif eq is not None:
                decls.append(SyntaxDecl("binding", (first.text,), ts.span(i, end), arity=eq - i - 1))
                nodes.extend(_match_node(ts, i, end, depth0))
                nodes.extend(_expr_nodes(ts, eq, end))
        i = end + 1
    nodes.sort(key=lambda nd: (nd.span[0], nd.span[1]))
    return SyntaxTree(module=None, language=(), errors=(), decls=tuple(decls), fixities=(), synonyms=(),
                      nodes=tuple(nodes))


def _depth0(ts: Tokens, i: int, end: int) -> list[int]:
    out, depth = [], 0
    for k in range(i, end + 1):
        t = ts.toks[k].text
        if ts.toks[k].kind == "special" and t in "([{":
            depth += 1
        elif ts.toks[k].kind == "special" and t in ")]}":
            depth -= 1
        elif depth == 0:
            out.append(k)
    return out


def _match_node(ts: Tokens, i: int, end: int, depth0: list[int]) -> list[SyntaxNode]:
    """The `match` node of one top-level clause: patterns, guards, right-hand sides, where."""
    toks = ts.toks
    where = next((k for k in depth0 if toks[k].text == "where"), None)
    body_end = (where - 1) if where is not None else end
    stops = [k for k in depth0 if k <= body_end and toks[k].text in ("=", "|")]
    if not stops:
        return []
    patterns: list[Span] = []
    k = i + 1
    while k < stops[0]:
        e = ts.term_end(k)
        if e is None:
            return []
        patterns.append(ts.span(k, e))
        k = e + 1
    rhs: list[Span] = []
    guards: list[tuple[Span, ...]] = []
    extra: list[SyntaxNode] = []
    if toks[stops[0]].text == "=":
        if stops[0] + 1 > body_end:
            return []
        rhs.append(ts.span(stops[0] + 1, body_end))
        guards.append(())
    else:
        bars = [k for k in stops if toks[k].text == "|"]
        eqs = [k for k in stops if toks[k].text == "="]
        for b_i, bar in enumerate(bars):
            eq = next((e for e in eqs if e > bar), None)
            nxt = bars[b_i + 1] - 1 if b_i + 1 < len(bars) else body_end
            if eq is None or eq > nxt or eq + 1 > nxt:
                return []
            rhs.append(ts.span(eq + 1, nxt))
            guards.append((ts.span(bar + 1, eq - 1),))
            extra.append(GuardedNode(ts.span(bar, nxt), (ts.span(bar + 1, eq - 1),), ts.span(eq + 1, nxt)))
    match = MatchNode(ts.span(i, end), "function", toks[i].text, False, tuple(patterns), tuple(rhs), tuple(guards),
                      ts.span(where, end) if where is not None else None)
    return [match, *extra]


def _expr_nodes(ts: Tokens, eq: int, end: int) -> Iterator[SyntaxNode]:
    toks = ts.toks
    k = eq
    while k <= end:
        tok = toks[k]
        indent = ts.line_indent(k)
        op = ts.operator_at(k)
        if op is not None:
            name, first, last, tick = op
            prec, assoc = FIXITY.get(name, _DEFAULT_FIXITY)
            lo = ts.operand_left(first, prec, assoc, eq + 1)
            hi = ts.operand_right(last, prec, assoc, end, indent)
            if lo is not None and hi is not None:
                yield OpNode(ts.span(lo, hi), name, ts.span(first, last), ts.span(lo, first - 1),
                             ts.span(last + 1, hi), tick)
            k = last + 1
            continue
        if tok.kind == "number" and re.fullmatch(r"\d+", tok.text):
            yield LiteralNode(ts.span(k, k), "integer", tok.text, str(int(tok.text)))
        if tok.text == "if":
            node = _if_node(ts, k, end, indent)
            if node is not None:
                yield node
        k += 1


def _if_node(ts: Tokens, i: int, end: int, indent: int) -> IfNode | None:
    toks = ts.toks
    nested = 0
    then = els = None
    k = i + 1
    while k <= end:
        t = toks[k]
        if t.kind == "special" and t.text in "([{" and k in ts.match:
            k = ts.match[k] + 1
            continue
        if t.text == "if":
            nested += 1
        elif t.text == "then" and then is None and nested == 0:
            then = k
        elif t.text == "else":
            if nested:
                nested -= 1
            elif then is not None:
                els = k
                break
        k += 1
    if then is None or els is None or then == i + 1 or els == then + 1 or els + 1 > end:
        return None
    last = ts.expr_end(els + 1, end, indent)
    if last < els + 1:
        return None
    return IfNode(ts.span(i, last), ts.span(i + 1, then - 1), ts.span(then + 1, els - 1), ts.span(els + 1, last))
