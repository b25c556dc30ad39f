"""What every rewrite of the transformation Alice reads, and the editing helpers they share.

Consumes a program's text, its `SyntaxTree` (hsx/haskell/syntax.py: the helper's `syntax` op
answer, or hsx/selfplay/transform/syntax_tree.py's `token_syntax`) and its entry; produces `Rewritable`, which the rewrites
in rewrites_inequivalent.py, rewrites_equivalent.py and rewrites_definitions.py take, and the
helpers they use to read spans and write new text: span edits (`apply_edits`, `Rewritable.replace`),
parenthesising (`paren`), a function's clauses, a signature's argument types, fresh names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from hsx.haskell.syntax import MatchNode, Span, SyntaxDecl, SyntaxNode, SyntaxTree
from hsx.haskell.tokens import SourceError, Token, tokenize
from hsx.selfplay.transform.syntax_tree import SourceText

N = TypeVar("N", bound=SyntaxNode)


@dataclass(frozen=True)
class Rewritable:
    """One program as the rewrites see it.  Each rewrite takes a Rewritable and yields every variant
    it can make: (site description, new text)."""
    text: str
    tree: SyntaxTree
    entry: str
    t: SourceText

    def nodes(self, kind: type[N]) -> list[N]:
        return [n for n in self.tree.nodes if isinstance(n, kind)]

    def bindings(self, name: str | None = None) -> list[SyntaxDecl]:
        return [d for d in self.tree.decls if d.kind == "binding" and (name is None or name in d.names)]

    def signature(self, name: str) -> SyntaxDecl | None:
        return next((d for d in self.tree.decls if d.kind == "signature" and name in d.names), None)

    def matches(self, name: str) -> list[MatchNode]:
        return [m for m in self.nodes(MatchNode) if m.context == "function" and m.name == name]

    def replace(self, *edits: tuple[Span, str]) -> str:
        return apply_edits(self.text, [(*self.t.range(s), new) for s, new in edits])


def at_line(span: Span) -> str:
    return f"line {span[0]}"


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replaces each (start, end) range by its text; ranges must not overlap."""
    out = text
    last = None
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        if last is not None and end > last:
            raise ValueError("overlapping edits")
        out = out[:start] + new + out[end:]
        last = start
    return out


def paren(s: str) -> str:
    s = s.strip()
    toks = _safe_tokens(s)
    if toks is not None and len(toks) == 1:
        return s
    if s.startswith("(") and s.endswith(")") and _outer_parens(s):
        return s
    return f"({s})"


def _outer_parens(s: str) -> bool:
    depth = 0
    for i, ch in enumerate(s):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(s) - 1:
            return False
    return True


def _safe_tokens(s: str) -> list[Token] | None:
    try:
        return tokenize(s)
    except SourceError:
        return None



def function_groups(p: Rewritable) -> list[list[MatchNode]]:
    """The clauses (match nodes) of each top-level function, in order."""
    groups: dict[str, list[MatchNode]] = {}
    for b in p.bindings():
        name = b.names[0]
        groups.setdefault(name, [m for m in p.matches(name) if m.span[1] == 1])
    return [g for g in groups.values() if g]


def clause_text(p: Rewritable, m: MatchNode) -> tuple[int, int, str]:
    """A clause's whole lines: (start, end) offsets and text."""
    start = p.t.offset(m.span[0], 1)
    end = p.t.offset(m.span[2], m.span[3])
    return start, end, p.text[start:end]



def arg_types(sig: str) -> list[str] | None:
    """The argument types of a signature's type text (a context is dropped), or None."""
    toks = _safe_tokens(sig)
    if toks is None:
        return None
    if any(t.text == "=>" for t in toks):
        sig = sig.split("=>", 1)[1]
    parts, depth, cur = [], 0, []
    for t in tokenize(sig):
        if t.text in "([":
            depth += 1
        elif t.text in ")]":
            depth -= 1
        if t.text == "->" and depth == 0:
            parts.append(" ".join(cur))
            cur = []
        else:
            cur.append(t.text)
    parts.append(" ".join(cur))
    return parts[:-1]



def tokens_in(p: Rewritable, span: Span) -> list[tuple[Token, Span]]:
    """The tokens of a span with their own spans."""
    line0, col0 = span[0], span[1]
    out = []
    for tok in tokenize(p.t.of(span)):
        line = line0 + tok.line - 1
        col = col0 + tok.col - 1 if tok.line == 1 else tok.col
        out.append((tok, (line, col, line, col + len(tok.text))))
    return out



def fresh_name(p: Rewritable, base: str) -> str:
    names = {t.text for t in tokenize(p.text)}
    name, k = base, 1
    while name in names:
        k += 1
        name = f"{base}{k}"
    return name


def rename_tokens(p: Rewritable, span: Span, old: str, new: str) -> list[tuple[Span, str]]:
    return [(s, new) for tok, s in tokens_in(p, span) if tok.kind == "varid" and tok.text == old]
