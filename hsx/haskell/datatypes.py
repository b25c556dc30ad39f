"""Data type declarations read from tokens: `data`, `newtype` and `type` synonyms.

Consumes the tokens of one top-level `data`/`newtype`/`type` declaration (cut by
`hsx.haskell.source`); produces `DataDecl` (constructors with their field types, deriving
clauses) or `TypeSynonym`.  Used to move shared data types into a module of their own and to
generate test data; GADTs, existential constructors, data type contexts and type families are
rejected with a `SourceError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from hsx.haskell.hstypes import HsType, TypeParseError, parse_type
from hsx.haskell.tokens import SourceError, Token, split_top


@dataclass(frozen=True)
class Constructor:
    name: str
    fields: tuple[HsType, ...]  # synonyms expanded
    infix: bool = False
    # The fields as written.  Two files declare "the same" data type only if these agree too:
    # the shared module gets one file's text, which must not name a synonym the other lacks.
    written: tuple[HsType, ...] | None = None


@dataclass(frozen=True)
class DataDecl:
    keyword: str  # data | newtype
    name: str
    params: tuple[str, ...]
    constructors: tuple[Constructor, ...]
    deriving: tuple[str, ...]


@dataclass(frozen=True)
class TypeSynonym:
    name: str
    params: tuple[str, ...]
    rhs: HsType


def read_type(text: str, path: str, line: int) -> HsType:
    try:
        return parse_type(text)
    except TypeParseError as e:
        raise SourceError(f"{path}:{line}: cannot read the type '{' '.join(text.split())}': {e}") from None


def _type_of(toks: list[Token], path: str) -> HsType:
    text = " ".join(t.text for t in toks)
    try:
        return parse_type(text)
    except TypeParseError as e:
        line = toks[0].line if toks else 0
        raise SourceError(f"{path}:{line}: cannot read the type '{text}': {e}") from None


def parse_data(g: list[Token], path: str) -> DataDecl:
    keyword = g[0].text
    body = g[1:]
    deriving: list[str] = []
    dpos = next((i for i, t in enumerate(body) if t.text == "deriving"), None)
    if dpos is not None:
        deriving = [t.text for t in body[dpos + 1:]
                    if t.kind in ("conid", "qconid") and t.text not in ("stock", "anyclass", "newtype")]
        body = body[:dpos]
    eq = next((i for i, t in enumerate(body) if t.text == "="), None)
    head = body if eq is None else body[:eq]
    if any(t.text == "=>" for t in head):
        raise SourceError(f"{path}:{g[0].line}: data type contexts are not supported")
    if not head or head[0].kind != "conid":
        raise SourceError(f"{path}:{g[0].line}: cannot read the data declaration")
    name = head[0].text
    params = tuple(t.text for t in head[1:] if t.kind == "varid")
    if eq is not None and any(t.text == "where" for t in body):
        raise SourceError(f"{path}:{g[0].line}: GADT syntax is not supported for data type {name}")
    constructors: list[Constructor] = []
    if eq is not None:
        for alt in split_top(body[eq + 1:], "|"):
            constructors.append(_parse_constructor(alt, path, name))
    return DataDecl(keyword, name, params, tuple(constructors), tuple(deriving))


def _parse_constructor(alt: list[Token], path: str, type_name: str) -> Constructor:
    alt = [t for t in alt if t.kind != "pragma"]  # {-# UNPACK #-} says nothing about the type
    if not alt:
        raise SourceError(f"{path}: empty constructor in data type {type_name}")
    if alt[0].text == "forall" or any(t.text == "=>" for t in alt):
        raise SourceError(f"{path}:{alt[0].line}: existential constructors are not supported ({type_name})")
    if alt[0].kind == "conid" and len(alt) > 1 and alt[1].text == "{":
        # Record syntax: C { a, b :: T, c :: U }.  Names before "::" share its type.
        inner = alt[2:-1] if alt[-1].text == "}" else alt[2:]
        fields: list[HsType] = []
        pending = 0
        for part in split_top(inner, ","):
            if any(t.text == "::" for t in part):
                k = next(i for i, t in enumerate(part) if t.text == "::")
                ty = _type_of([t for t in part[k + 1:] if t.text != "!"], path)
                fields.extend([ty] * (pending + 1))
                pending = 0
            else:
                pending += 1
        return Constructor(alt[0].text, tuple(fields))
    infix_at = _top_level_consym(alt)
    if infix_at is not None:  # T1 :+: T2
        left = _type_of([t for t in alt[:infix_at] if t.text != "!"], path)
        right = _type_of([t for t in alt[infix_at + 1:] if t.text != "!"], path)
        return Constructor(alt[infix_at].text, (left, right), infix=True)
    if alt[0].kind != "conid":
        raise SourceError(f"{path}:{alt[0].line}: cannot read a constructor of {type_name}")
    # Prefix constructor: each argument is one token or one bracketed group.
    fields = []
    args = [t for t in alt[1:] if t.text != "!"]
    i = 0
    while i < len(args):
        j = i
        if args[i].text in ("(", "["):
            depth = 0
            while j < len(args):
                depth += args[j].text in ("(", "[")
                depth -= args[j].text in (")", "]")
                if depth == 0:
                    break
                j += 1
        fields.append(_type_of(args[i:j + 1], path))
        i = j + 1
    return Constructor(alt[0].text, tuple(fields))


def _top_level_consym(alt: list[Token]) -> int | None:
    depth = 0
    for i, t in enumerate(alt):
        depth += t.text in ("(", "[")
        depth -= t.text in (")", "]")
        if depth == 0 and t.kind == "consym":
            return i
    return None


def parse_synonym(g: list[Token], path: str) -> TypeSynonym | None:
    body = g[1:]
    if body and body[0].text in ("family", "instance"):
        raise SourceError(f"{path}:{g[0].line}: type families are not supported")
    eq = next((i for i, t in enumerate(body) if t.text == "="), None)
    if eq is None or not body or body[0].kind != "conid":
        return None
    params = tuple(t.text for t in body[1:eq] if t.kind == "varid")
    return TypeSynonym(body[0].text, params, _type_of(body[eq + 1:], path))
