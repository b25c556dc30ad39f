"""The syntax tree of one Haskell source: the one type both of hsx's readers produce.

Consumes the helper's `syntax` op answer (JSON, haskell/README.md, "The `syntax` op") through
`syntax_tree_from_json`; produces `SyntaxTree`: declarations (`SyntaxDecl`), fixities, type
synonyms and the expression-level nodes, one dataclass per node kind (`OpNode`, `LiteralNode`,
`IfNode`, `MatchNode`, ...).  GHC's parser (hsx/haskell/helper.py, `Helper.syntax`) and the
tokenizer fallback of the transformation Alice (hsx/selfplay/transform/syntax_tree.py, `token_syntax`)
both return this type, so the rewrites read attributes, never string keys, and a field the
helper renames fails here, loudly, instead of silently yielding nothing downstream.

This module imports nothing from hsx: hsx/haskell/source.py and hsx/haskell/helper.py both
import it, which is what keeps them out of an import circle.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, ClassVar, Union

Span = tuple[int, int, int, int]  # line, col, end line, column just after the end; 1-based characters


@dataclass(frozen=True)
class SyntaxConstructor:
    name: str
    fields: tuple[str, ...]  # each field's type as written (no `!`)
    field_spans: tuple[Span, ...]
    infix: bool
    record: tuple[str, ...] | None  # field names of a record constructor


@dataclass(frozen=True)
class SyntaxDecl:
    """One top-level declaration as GHC parsed it (adjacent clauses of a function are one)."""
    kind: str  # binding signature fixity data newtype type class instance pragma other
    names: tuple[str, ...]
    span: Span
    uses: frozenset[str] | None = None  # bindings, instances, classes: free names after shadowing
    infix: bool = False  # a binding defined infix (x `f` y = ..., x <+> y = ...)
    arity: int | None = None
    type: str | None = None  # a signature's type as written
    constructors: tuple[SyntaxConstructor, ...] = ()
    deriving: tuple[str, ...] = ()
    gadt: bool = False


@dataclass(frozen=True)
class SyntaxFixity:
    op: str
    assoc: str  # left right none
    prec: int
    span: Span


@dataclass(frozen=True)
class SyntaxSynonym:
    name: str
    params: tuple[str, ...]
    rhs: str  # as written
    rhs_span: Span
    span: Span


@dataclass(frozen=True)
class ParseError:
    line: int
    col: int
    message: str


# ------------------------------------------------------------------------------------------------
# Expression-level nodes, one class per `node` of the README's table; `node` is the JSON name.

@dataclass(frozen=True)
class OpNode:
    """One binary operator application after fixity resolution."""
    node: ClassVar[str] = "op"
    span: Span
    op: str  # the name, without backticks or parentheses
    op_span: Span
    lhs: Span
    rhs: Span
    backtick: bool


@dataclass(frozen=True)
class NegNode:
    node: ClassVar[str] = "neg"
    span: Span
    arg: Span


@dataclass(frozen=True)
class LiteralNode:
    node: ClassVar[str] = "literal"
    span: Span
    kind: str  # integer fractional char string other
    text: str  # as written
    value: str  # the integer in decimal, the fractional as written, a char or string decoded
    pattern: bool = False  # a literal in a pattern


@dataclass(frozen=True)
class IfNode:
    node: ClassVar[str] = "if"
    span: Span
    cond: Span
    then: Span
    else_: Span  # JSON `else`


@dataclass(frozen=True)
class CaseNode:
    node: ClassVar[str] = "case"
    span: Span
    scrutinee: Span
    alts: tuple[Span, ...]  # each alternative is also a `match`


@dataclass(frozen=True)
class MatchNode:
    """One clause: of a function, a lambda, a case alternative, or other."""
    node: ClassVar[str] = "match"
    span: Span
    context: str  # function lambda case other
    name: str | None  # the function, or None
    infix: bool
    patterns: tuple[Span, ...]
    rhs: tuple[Span, ...]  # one right-hand side per guard
    guards: tuple[tuple[Span, ...], ...]  # per right-hand side its guards; () when unguarded
    where: Span | None


@dataclass(frozen=True)
class GuardedNode:
    node: ClassVar[str] = "guarded"
    span: Span
    guards: tuple[Span, ...]
    rhs: Span


@dataclass(frozen=True)
class CallNode:
    """A named function or constructor applied to arguments (the outermost application)."""
    node: ClassVar[str] = "call"
    span: Span
    name: str
    fun_span: Span
    args: tuple[Span, ...]


@dataclass(frozen=True)
class LetNode:
    node: ClassVar[str] = "let"
    span: Span
    binds: Span
    body: Span


@dataclass(frozen=True)
class LambdaNode:
    node: ClassVar[str] = "lambda"
    span: Span
    patterns: tuple[Span, ...]
    body: Span


SyntaxNode = Union[OpNode, NegNode, LiteralNode, IfNode, CaseNode, MatchNode, GuardedNode, CallNode, LetNode,
                   LambdaNode]


@dataclass(frozen=True)
class SyntaxTree:
    module: str | None
    language: tuple[str, ...]
    errors: tuple[ParseError, ...]  # GHC's parser stops at the first; then all else is empty
    decls: tuple[SyntaxDecl, ...]
    fixities: tuple[SyntaxFixity, ...]
    synonyms: tuple[SyntaxSynonym, ...]
    nodes: tuple[SyntaxNode, ...]
    raw: dict = dataclasses.field(default_factory=dict, repr=False, compare=False)  # the JSON as answered

    @property
    def ok(self) -> bool:
        return not self.errors


SyntaxFn = Callable[[str], SyntaxTree]  # a reader: GHC's (through the helper) or the tokenizer's


# ------------------------------------------------------------------------------------------------
# From the helper's JSON.  Every field the README lists is read with [], so a renamed one raises
# KeyError here (HelperFailure is for a dead helper; this is a protocol mismatch, a bug).

def _span(v) -> Span:
    return tuple(v)  # type: ignore[return-value]


def _opt_span(v) -> Span | None:
    return tuple(v) if v is not None else None  # type: ignore[return-value]


def _spans(vs) -> tuple[Span, ...]:
    return tuple(map(_span, vs))


def _node(n: dict) -> SyntaxNode:
    kind, span = n["node"], _span(n["span"])
    if kind == "op":
        return OpNode(span, n["op"], _span(n["op_span"]), _span(n["lhs"]), _span(n["rhs"]), n["backtick"])
    if kind == "neg":
        return NegNode(span, _span(n["arg"]))
    if kind == "literal":
        return LiteralNode(span, n["kind"], n["text"], n["value"], n["pattern"])
    if kind == "if":
        return IfNode(span, _span(n["cond"]), _span(n["then"]), _span(n["else"]))
    if kind == "case":
        return CaseNode(span, _span(n["scrutinee"]), _spans(n["alts"]))
    if kind == "match":
        return MatchNode(span, n["context"], n["name"], n["infix"], _spans(n["patterns"]), _spans(n["rhs"]),
                         tuple(_spans(g) for g in n["guards"]), _opt_span(n["where"]))
    if kind == "guarded":
        return GuardedNode(span, _spans(n["guards"]), _span(n["rhs"]))
    if kind == "call":
        return CallNode(span, n["name"], _span(n["fun_span"]), _spans(n["args"]))
    if kind == "let":
        return LetNode(span, _span(n["binds"]), _span(n["body"]))
    if kind == "lambda":
        return LambdaNode(span, _spans(n["patterns"]), _span(n["body"]))
    raise ValueError(f"syntax op: unknown node kind {kind!r} (haskell/README.md lists the kinds)")


def _decl(d: dict) -> SyntaxDecl:
    cons = tuple(SyntaxConstructor(c["name"], tuple(c["fields"]), tuple(map(_opt_span, c["field_spans"])), c["infix"],
                                   tuple(c["record"]) if c.get("record") is not None else None)
                 for c in d.get("constructors", []))
    return SyntaxDecl(d["kind"], tuple(d["names"]), _opt_span(d["span"]),
                      frozenset(d["uses"]) if "uses" in d else None, d.get("infix", False), d.get("arity"),
                      d.get("type"), cons, tuple(d.get("deriving", [])), d.get("gadt", False))


def syntax_tree_from_json(t: dict) -> SyntaxTree:
    """The `syntax` op's `syntax` object as a `SyntaxTree`.  Raises KeyError/ValueError on an
    answer that does not have the README's shape."""
    return SyntaxTree(
        module=t.get("module"), language=tuple(t.get("language", [])),
        errors=tuple(ParseError(e["line"], e["col"], e["message"]) for e in t["errors"]),
        decls=tuple(_decl(d) for d in t["decls"]),
        fixities=tuple(SyntaxFixity(f["op"], f["assoc"], f["prec"], _span(f["span"])) for f in t["fixities"]),
        synonyms=tuple(SyntaxSynonym(y["name"], tuple(y["params"]), y["rhs"], _span(y["rhs_span"]), _span(y["span"]))
                       for y in t["synonyms"]),
        nodes=tuple(_node(n) for n in t["nodes"]),
        raw=t)
