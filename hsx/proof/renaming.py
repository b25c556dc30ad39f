"""Renaming identifiers in Haskell text, types and data declarations, and blanking annotations.

Consumes program and proof texts, type schemes and data declarations; produces them with names
replaced (`rename_tokens`, `rename_everywhere`, `rename_scheme`, `rename_data`) or with every
Liquid Haskell annotation blanked (`strip_annotations`).  hsx's Liquid Haskell module puts both
programs in one module, so each side's names are renamed apart; the proof's names follow them.
"""

from __future__ import annotations

import dataclasses

from hsx.haskell.datatypes import Constructor, DataDecl
from hsx.haskell.hstypes import HsType, Scheme, TCon, map_type
from hsx.haskell.tokens import SourceError, tokenize


def rename_tokens(text: str, renaming: dict[str, str]) -> str:
    """Renames identifiers (not inside strings or comments) in a piece of Haskell."""
    if not renaming:
        return text
    lines = text.split("\n")
    # Rewrite right to left within each line so earlier columns stay valid.
    by_line: dict[int, list] = {}
    for t in tokenize(text):
        if t.kind in ("varid", "conid") and t.text in renaming:
            by_line.setdefault(t.line, []).append(t)
    for line_no, toks in by_line.items():
        line = lines[line_no - 1]
        for t in sorted(toks, key=lambda t: t.col, reverse=True):
            start = t.col - 1
            line = line[:start] + renaming[t.text] + line[start + len(t.text):]
        lines[line_no - 1] = line
    return "\n".join(lines)


def rename_everywhere(text: str, renaming: dict[str, str]) -> str:
    """`rename_tokens`, and inside `{-@ ... @-}` annotations too."""
    if not renaming:
        return text
    try:
        tokens = tokenize(text)
    except SourceError:
        return text  # the policy reports unreadable text; nothing to rename
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    out = text
    for t in sorted((t for t in tokens if t.kind == "annotation"), key=lambda t: (t.line, t.col), reverse=True):
        at = starts[t.line - 1] + t.col - 1
        close = 3 if t.text.endswith("@-}") else 2
        body = rename_tokens(t.text[3:len(t.text) - close], renaming)
        out = out[:at] + t.text[:3] + body + t.text[len(t.text) - close:] + out[at + len(t.text):]
    return rename_tokens(out, renaming)


def rename_scheme(scheme: Scheme, renaming: dict[str, str]) -> Scheme:
    def f(t: HsType) -> HsType:
        return TCon(renaming[t.name], t.args) if isinstance(t, TCon) and t.name in renaming else t
    return Scheme(tuple((c, map_type(t, f)) for c, t in scheme.constraints), map_type(scheme.body, f))


def rename_data(d: DataDecl, renaming: dict[str, str]) -> DataDecl:
    def f(t: HsType) -> HsType:
        return TCon(renaming[t.name], t.args) if isinstance(t, TCon) and t.name in renaming else t
    return dataclasses.replace(d, name=renaming.get(d.name, d.name), constructors=tuple(
        Constructor(renaming.get(c.name, c.name), tuple(map_type(x, f) for x in c.fields), c.infix)
        for c in d.constructors))


def strip_annotations(text: str) -> str:
    """Blanks every `{-@ ... @-}` annotation (keeping line structure).  Program text is untrusted:
    its annotations could switch checking off (`ignore`, `assume`, `lazy`, LIQUID options) or
    re-specify functions, so only hsx's own annotations reach Liquid Haskell."""
    lines = text.split("\n")
    for t in tokenize(text):
        if t.kind != "annotation":
            continue
        body = t.text.split("\n")
        for i, part in enumerate(body):
            row = t.line - 1 + i
            start = t.col - 1 if i == 0 else 0
            lines[row] = lines[row][:start] + " " * len(part) + lines[row][start + len(part):]
    return "\n".join(lines)
