"""Hints for the aimed generators: the literals of two programs.

Consumes parsed sources (`HaskellSource`, their tokens); produces `Mined`, their integer, double,
character and string literals, and `hints_record`, the Hsx.Runtime `Hints` record that hands them
to the harness's aimed generators (`hsx.haskell.harness`): a program that treats 7, '#' or "end"
specially is most likely to differ from its variant there.
"""

from __future__ import annotations

from dataclasses import dataclass

from hsx.haskell.source import HaskellSource

# At most this many of each kind: a program with a table of a thousand literals should not turn
# the harness into a table of a thousand literals.
MAX_MINED = 40
MAX_MINED_STRING = 60


@dataclass(frozen=True)
class Mined:
    """Literals of both programs, handed to the aimed generators (Hsx.Runtime.Hints): a program
    that treats 7, '#' or "end" specially is most likely to differ from its variant there."""
    ints: tuple[int, ...] = ()
    doubles: tuple[float, ...] = ()
    chars: tuple[str, ...] = ()
    strings: tuple[str, ...] = ()


def mine_constants(*sources: HaskellSource) -> Mined:
    ints: dict[int, None] = {}
    doubles: dict[float, None] = {}
    chars: dict[str, None] = {}
    strings: dict[str, None] = {}
    for src in sources:
        for t in src.tokens:
            if t.kind == "number":
                value = _number(t.text)
                if isinstance(value, int):
                    ints[value] = None
                elif value is not None:
                    doubles[value] = None
            elif t.kind == "char":
                text = _unescape(t.text[1:-1])
                if text is not None and len(text) == 1:
                    chars[text] = None
            elif t.kind == "string":
                text = _unescape(t.text[1:-1])
                if text is not None and len(text) <= MAX_MINED_STRING:
                    strings[text] = None
                    for c in text:
                        chars[c] = None
    return Mined(tuple(ints)[:MAX_MINED], tuple(doubles)[:MAX_MINED], tuple(chars)[:MAX_MINED],
                 tuple(strings)[:MAX_MINED])


def _number(text: str) -> int | float | None:
    text = text.replace("_", "")
    try:
        if text[:2].lower() in ("0x", "0o", "0b"):
            return int(text, 0)
        if any(c in text for c in ".eE"):
            value = float(text)
            return value if value == value and abs(value) != float("inf") else None
        return int(text)
    except ValueError:
        return None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v", "&": ""}


def _unescape(body: str) -> str | None:
    """A Haskell string or character literal's body, decoded; None for escapes hsx does not
    decode (the literal is then not mined, which is only a missed hint)."""
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1:i + 2]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt.isdigit():
            j = i + 1
            while j < len(body) and body[j].isdigit():
                j += 1
            out.append(chr(min(int(body[i + 1:j]), 0x10FFFF)))
            i = j
        elif nxt == "x":
            j = i + 2
            while j < len(body) and body[j] in "0123456789abcdefABCDEF":
                j += 1
            if j == i + 2:
                return None
            out.append(chr(min(int(body[i + 2:j], 16), 0x10FFFF)))
            i = j
        else:
            return None
    return "".join(out)


def hints_record(mined: Mined) -> str:
    """The Hints record as Haskell text (characters as code points: no escaping to get wrong)."""
    def ints(xs) -> str:
        return "[" + ", ".join(f"({x})" for x in xs) + "]"

    def text(s: str) -> str:
        return f"(P.map P.toEnum {ints(ord(c) for c in s)})"

    return (f"R.Hints {{ R.hintInts = {ints(mined.ints)}, "
            f"R.hintDoubles = {'[' + ', '.join(f'({x!r})' for x in mined.doubles) + ']'}, "
            f"R.hintChars = {text(''.join(mined.chars))}, "
            f"R.hintStrings = [{', '.join(text(s) for s in mined.strings)}], "
            f"R.hintFocus = R.Boundary }}")
