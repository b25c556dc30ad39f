"""Haskell text as tokens: the lexer under every hand-written reader of Haskell in hsx.

Consumes Haskell text (a file, a declaration, an expression); produces `Token`s (kind, text, line,
column), comments dropped, pragmas `{-# #-}` and Liquid Haskell annotations `{-@ @-}` kept as one
token each.  `split_top` and `top_level_parts` cut tokens or text at top-level separators, outside
brackets, strings and characters.  `hsx.haskell.source` builds declarations from these tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class SourceError(ValueError):
    """The file cannot be handled (as opposed to: GHC rejects it)."""


# The reserved identifiers of Haskell 2010 (report, section 2.4): never a variable's name.
KEYWORDS = frozenset({
    "case", "class", "data", "default", "deriving", "do", "else", "foreign", "if", "import", "in",
    "infix", "infixl", "infixr", "instance", "let", "module", "newtype", "of", "then", "type",
    "where", "_",
})


# ------------------------------------------------------------------------------------------------
# Lexing


@dataclass(frozen=True)
class Token:
    kind: str  # varid conid qvarid qconid varsym consym qvarsym qconsym special string char number
    #            pragma annotation
    text: str
    line: int  # 1-based
    col: int  # 1-based

    @property
    def qualifier(self) -> str | None:
        """The module part of a qualified name or operator (`Data.Map` of `Data.Map.!`)."""
        if self.kind in ("qvarid", "qconid"):
            return self.text.rsplit(".", 1)[0]
        if self.kind in ("qvarsym", "qconsym"):
            return _QUALIFIED_OP.match(self.text).group(1)  # type: ignore[union-attr]
        return None

    @property
    def unqualified(self) -> str:
        """The name without its module: `!` of `Data.Map.!`, `lookup` of `M.lookup`."""
        q = self.qualifier
        return self.text[len(q) + 1:] if q is not None else self.text


_SYMBOL_CHARS = set("!#$%&*+./<=>?@\\^|-~:")
_ID = re.compile(r"(?:[A-Z][\w']*\.)*[A-Za-z_][\w']*")
_QUALIFIED_OP = re.compile(r"((?:[A-Z][\w']*\.)*[A-Z][\w']*)\.([!#$%&*+./<=>?@\\^|\-~:]+)")
_NUM = re.compile(
    r"0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?")


def tokenize(text: str) -> list[Token]:
    """Splits Haskell text into tokens, dropping comments but keeping pragmas `{-# #-}` and
    Liquid Haskell annotations `{-@ @-}` as single tokens."""
    tokens: list[Token] = []
    i, line, col = 0, 1, 1
    n = len(text)

    def advance(k: int) -> None:
        nonlocal i, line, col
        for ch in text[i:i + k]:
            if ch == "\n":
                line, col = line + 1, 1
            else:
                col += 1
        i += k

    while i < n:
        ch = text[i]
        if ch in " \t\r\n\f\v":
            advance(1)
            continue
        if text.startswith("{-", i):
            end = _block_comment_end(text, i)
            body = text[i:end]
            kind = "pragma" if body.startswith("{-#") else "annotation" if body.startswith("{-@") else ""
            if kind:
                tokens.append(Token(kind, body, line, col))
            advance(end - i)
            continue
        if text.startswith("--", i):
            j = i
            while j < n and text[j] == "-":
                j += 1
            if j >= n or text[j] not in _SYMBOL_CHARS:  # "-->" is an operator, "-- x" a comment
                end = text.find("\n", i)
                advance((n if end < 0 else end) - i)
                continue
        if ch == '"':
            end = _string_end(text, i)
            tokens.append(Token("string", text[i:end], line, col))
            advance(end - i)
            continue
        if ch == "'":
            m = re.compile(r"'(?:\\[^']+|[^'\\])'").match(text, i)
            if m:
                tokens.append(Token("char", m.group(0), line, col))
                advance(len(m.group(0)))
                continue
        m = _QUALIFIED_OP.match(text, i) if ch.isupper() else None
        if m:  # `M.!`, `Data.Map.\\`, `Prelude..` (Haskell 2010's qvarsym and qconsym)
            op = m.group(2)
            tokens.append(Token("qconsym" if op.startswith(":") else "qvarsym", m.group(0), line, col))
            advance(len(m.group(0)))
            continue
        m = _ID.match(text, i)
        if m and (ch.isalpha() or ch == "_"):
            word = m.group(0)
            # "M.f" is qualified; "Just.f" (composition without spaces) is misread as a
            # qualified name, which only matters for reference tracking.
            last = word.rsplit(".", 1)[-1]
            qualified = "." in word
            if last[0].isupper():
                kind = "qconid" if qualified else "conid"
            else:
                kind = "qvarid" if qualified else "varid"
            tokens.append(Token(kind, word, line, col))
            advance(len(word))
            continue
        if ch.isdigit():
            m = _NUM.match(text, i)
            assert m is not None
            tokens.append(Token("number", m.group(0), line, col))
            advance(len(m.group(0)))
            continue
        if ch in "()[],;`{}":
            tokens.append(Token("special", ch, line, col))
            advance(1)
            continue
        if ch in _SYMBOL_CHARS:
            j = i
            while j < n and text[j] in _SYMBOL_CHARS:
                j += 1
            op = text[i:j]
            tokens.append(Token("consym" if op.startswith(":") and op != ":" else "varsym", op, line, col))
            advance(j - i)
            continue
        # Unicode symbols and anything else: one token, for GHC to judge.
        tokens.append(Token("varsym", ch, line, col))
        advance(1)
    return tokens


def _block_comment_end(text: str, start: int) -> int:
    depth, i = 0, start
    while i < len(text):
        if text.startswith("{-", i):
            depth, i = depth + 1, i + 2
        elif text.startswith("-}", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    raise SourceError(f"unterminated block comment starting at offset {start}")


def _string_end(text: str, start: int) -> int:
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        if c == "\n":
            break
        i += 1
    raise SourceError(f"unterminated string literal on line {text.count(chr(10), 0, start) + 1}")


# ------------------------------------------------------------------------------------------------
# Top-level parts


def split_top(toks: list[Token], sep: str) -> list[list[Token]]:
    """Splits at `sep` tokens that are not nested in brackets."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for t in toks:
        if t.text in ("(", "[", "{"):
            depth += 1
        elif t.text in (")", "]", "}"):
            depth -= 1
        if depth == 0 and t.text == sep:
            parts.append([])
        else:
            parts[-1].append(t)
    return parts


def top_level_parts(text: str, sep: str) -> list[str]:
    """The parts of a Haskell text between top-level `sep` tokens ("," say), each as written; with
    `sep` " ", the parts between top-level whitespace (the arguments of an application: `f (-2) 10`
    has three).  Brackets, strings and characters are read as `tokenize` reads them, and comments
    are dropped.  Raises SourceError where `tokenize` does (an unterminated string, say)."""
    tokens = tokenize(text)
    line_start = [0]
    for line in text.split("\n"):
        line_start.append(line_start[-1] + len(line) + 1)

    def begin(t: Token) -> int:
        return line_start[t.line - 1] + t.col - 1

    if sep != " ":
        groups = split_top(tokens, sep)
    else:
        groups, depth, end = [], 0, -1
        for t in tokens:
            if depth == 0 and begin(t) > end:
                groups.append([t])
            else:
                groups[-1].append(t)
            depth += t.text in ("(", "[", "{")
            depth -= t.text in (")", "]", "}")
            end = begin(t) + len(t.text)
    return [text[begin(g[0]):begin(g[-1]) + len(g[-1].text)] for g in groups if g]
