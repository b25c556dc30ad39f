"""Haskell types as data: parsing GHC's printed types, comparing them up to renaming of type
variables, instantiating polymorphic entries, and printing them back.

Consumes type text (from GHC via the helper, or from data declarations); produces `HsType`
trees.  Only the Haskell 2010 type language plus `forall` and class contexts is understood,
which covers every type hsx can test; anything else is a `TypeParseError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class TypeParseError(ValueError):
    pass


@dataclass(frozen=True)
class TVar:
    name: str


@dataclass(frozen=True)
class TCon:
    """A named type constructor applied to arguments: Int, Maybe a, Either a b, Tree Int."""
    name: str
    args: tuple["HsType", ...] = ()


@dataclass(frozen=True)
class TList:
    elem: "HsType"


@dataclass(frozen=True)
class TTuple:
    items: tuple["HsType", ...]  # () is the empty tuple


@dataclass(frozen=True)
class TFun:
    arg: "HsType"
    res: "HsType"


@dataclass(frozen=True)
class TApp:
    """A type variable applied to arguments (m a): higher-kinded, never testable."""
    head: TVar
    args: tuple["HsType", ...]


HsType = TVar | TCon | TList | TTuple | TFun | TApp


@dataclass(frozen=True)
class Scheme:
    """A possibly polymorphic type: constraints (class, type) and the body."""
    constraints: tuple[tuple[str, "HsType"], ...]
    body: HsType


_TOKEN = re.compile(r"\s*(->|=>|::|(?:[A-Z][\w']*\.)*[A-Za-z_][\w']*|[()\[\],{}.*!]|\S)")


def _tokens(text: str) -> list[str]:
    out, i = [], 0
    text = text.strip()
    while i < len(text):
        m = _TOKEN.match(text, i)
        if not m:
            break
        out.append(m.group(1))
        i = m.end()
    return out


# {-# UNPACK #-} and other pragmas inside a field's type say nothing about the type.
_PRAGMA = re.compile(r"\{-#.*?#-\}", re.S)


class _Parser:
    def __init__(self, text: str):
        self.toks = _tokens(_PRAGMA.sub(" ", text))
        self.i = 0
        self.text = text

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise TypeParseError(f"expected {expected or 'a type'} in '{self.text}'")
        self.i += 1
        return tok

    def scheme(self) -> Scheme:
        if self.peek() == "forall":
            self.take()
            while self.peek() not in (".", None):
                self.take()
            self.take(".")
        # A context is a type followed by "=>"; parse a type and see what follows.
        start = self.i
        first = self.type_()
        constraints: tuple[tuple[str, HsType], ...] = ()
        if self.peek() == "=>":
            self.take()
            constraints = _constraints(first, self.text)
            body = self.type_()
        else:
            self.i = start
            body = self.type_()
        if self.peek() is not None:
            raise TypeParseError(f"unexpected '{self.peek()}' in '{self.text}'")
        return Scheme(constraints, body)

    def type_(self) -> HsType:
        left = self.btype()
        if self.peek() == "->":
            self.take()
            return TFun(left, self.type_())
        return left

    def btype(self) -> HsType:
        head = self.atype()
        args: list[HsType] = []
        while self.peek() is not None and self.peek() not in ("->", "=>", ")", "]", ",", "}"):
            args.append(self.atype())
        if not args:
            return head
        if isinstance(head, TCon) and not head.args:
            return TCon(head.name, tuple(args))
        if isinstance(head, TVar):
            return TApp(head, tuple(args))
        if isinstance(head, TCon) and head.name in ("[]",):
            return TList(args[0]) if len(args) == 1 else TCon(head.name, tuple(args))
        raise TypeParseError(f"cannot apply {render(head)} in '{self.text}'")

    def atype(self) -> HsType:
        tok = self.take()
        if tok == "(":
            if self.peek() == ")":
                self.take()
                return TTuple(())
            if self.peek() == "->":
                self.take()
                self.take(")")
                return TCon("->")
            if self.peek() == ",":
                arity = 1
                while self.peek() == ",":
                    self.take()
                    arity += 1
                self.take(")")
                return TCon("(" + "," * (arity - 1) + ")")
            items = [self.type_()]
            while self.peek() == ",":
                self.take()
                items.append(self.type_())
            self.take(")")
            return items[0] if len(items) == 1 else TTuple(tuple(items))
        if tok == "[":
            if self.peek() == "]":
                self.take()
                return TCon("[]")
            elem = self.type_()
            self.take("]")
            return TList(elem)
        if tok == "!":  # strictness annotation in a data declaration
            return self.atype()
        if re.fullmatch(r"(?:[A-Z][\w']*\.)*[A-Za-z_][\w']*", tok):
            last = tok.rsplit(".", 1)[-1]
            if last[:1].isupper():
                return TCon(tok)
            return TVar(tok)
        raise TypeParseError(f"unexpected '{tok}' in '{self.text}'")


def _constraints(ctx: HsType, text: str) -> tuple[tuple[str, HsType], ...]:
    items = ctx.items if isinstance(ctx, TTuple) else (ctx,)
    out = []
    for c in items:
        if isinstance(c, TCon) and len(c.args) == 1:
            out.append((c.name.rsplit(".", 1)[-1], c.args[0]))
        elif isinstance(c, TCon) and not c.args:
            continue
        else:
            raise TypeParseError(f"unsupported constraint {render(c)} in '{text}'")
    return tuple(out)


def parse_scheme(text: str) -> Scheme:
    return _Parser(text).scheme()


def parse_type(text: str) -> HsType:
    scheme = parse_scheme(text)
    if scheme.constraints:
        raise TypeParseError(f"unexpected context in '{text}'")
    return scheme.body


# ------------------------------------------------------------------------------------------------

def render(t: HsType, prec: int = 0) -> str:
    """Prints a type as Haskell source (prec 0: top, 1: function argument, 2: type argument)."""
    if isinstance(t, TVar):
        return t.name
    if isinstance(t, TList):
        return f"[{render(t.elem)}]"
    if isinstance(t, TTuple):
        return "(" + ", ".join(render(x) for x in t.items) + ")"
    if isinstance(t, TFun):
        s = f"{render(t.arg, 1)} -> {render(t.res, 0)}"
        return f"({s})" if prec > 0 else s
    if isinstance(t, TCon):
        if not t.args:
            return t.name
        s = t.name + " " + " ".join(render(a, 2) for a in t.args)
        return f"({s})" if prec > 1 else s
    if isinstance(t, TApp):
        s = t.head.name + " " + " ".join(render(a, 2) for a in t.args)
        return f"({s})" if prec > 1 else s
    raise TypeError(t)


def render_scheme(s: Scheme) -> str:
    if not s.constraints:
        return render(s.body)
    ctx = ", ".join(f"{c} {render(t, 2)}" for c, t in s.constraints)
    ctx = f"({ctx})" if len(s.constraints) > 1 else ctx
    return f"{ctx} => {render(s.body)}"


def map_type(t: HsType, f) -> HsType:
    """Rebuilds `t` bottom-up, applying `f` to every node."""
    if isinstance(t, TList):
        t = TList(map_type(t.elem, f))
    elif isinstance(t, TTuple):
        t = TTuple(tuple(map_type(x, f) for x in t.items))
    elif isinstance(t, TFun):
        t = TFun(map_type(t.arg, f), map_type(t.res, f))
    elif isinstance(t, TCon):
        t = TCon(t.name, tuple(map_type(a, f) for a in t.args))
    elif isinstance(t, TApp):
        t = TApp(t.head, tuple(map_type(a, f) for a in t.args))
    return f(t)


def walk(t: HsType):
    yield t
    children: tuple = ()
    if isinstance(t, TList):
        children = (t.elem,)
    elif isinstance(t, TTuple):
        children = t.items
    elif isinstance(t, TFun):
        children = (t.arg, t.res)
    elif isinstance(t, (TCon, TApp)):
        children = t.args
    for c in children:
        yield from walk(c)


def type_vars(t: HsType) -> list[str]:
    seen: list[str] = []
    for node in walk(t):
        name = node.name if isinstance(node, TVar) else node.head.name if isinstance(node, TApp) else None
        if name is not None and name not in seen:
            seen.append(name)
    return seen


def substitute(t: HsType, env: dict[str, HsType]) -> HsType:
    return map_type(t, lambda n: env.get(n.name, n) if isinstance(n, TVar) else n)


def expand_synonyms(t: HsType, synonyms: dict[str, tuple[tuple[str, ...], HsType]]) -> HsType:
    """Expands type synonyms (String and the ones given) until none is left."""
    table = {"String": ((), TList(TCon("Char"))), **synonyms}

    def step(n: HsType) -> HsType:
        if isinstance(n, TCon) and n.name in table:
            params, rhs = table[n.name]
            if len(params) == len(n.args):
                return expand_synonyms(substitute(rhs, dict(zip(params, n.args))), synonyms)
        return n

    return map_type(t, step)


def canonical(t: HsType) -> HsType:
    """Renames type variables to a, b, c... in order of first occurrence."""
    names = type_vars(t)
    env = {v: TVar(chr(ord("a") + i) if i < 26 else f"t{i}") for i, v in enumerate(names)}
    renamed = map_type(t, lambda n: env.get(n.name, n) if isinstance(n, TVar) else n)
    return map_type(renamed, lambda n: TApp(env[n.head.name], n.args)  # type: ignore[arg-type]
                    if isinstance(n, TApp) and n.head.name in env else n)


def split_function(t: HsType) -> tuple[list[HsType], HsType]:
    args: list[HsType] = []
    while isinstance(t, TFun):
        args.append(t.arg)
        t = t.res
    return args, t
