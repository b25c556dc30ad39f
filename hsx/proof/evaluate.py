"""The programs' reflected functions evaluated in Python, to test conjectured lemmas quickly.

Consumes an `LhModule` (its functions' equations, hsx/proof/equations.py); produces `Evaluator`,
which applies a function of the module to values: Python ints and bools, tuples for Haskell
lists, `Tup` for Haskell tuples and `Con` for data constructors (`Z`, `S n`).  Why not the
helper (hsx/haskell/helper.py): lemma discovery (hsx/proof/discovery.py) tests thousands of
small terms on a few dozen inputs, each term one function application on values already
computed for its sub-terms; a GHC compile per batch of conjectures would cost more than the whole
test, and a false conjecture that survives is only a wasted prover candidate (Liquid Haskell
checks every lemma that is used).  The reflected subset is small: patterns, guards, `if`,
`case`, arithmetic, comparisons, `&&`/`||`/`not`, constructors and lists.  Anything else raises
`Unsupported`; running out of `fuel` raises `OutOfFuel` (the term is then not used).
"""

from __future__ import annotations

from dataclasses import dataclass

from hsx.haskell.tokens import Token, split_top, tokenize
from hsx.proof.equations import atoms, equations, unparen
from hsx.proof.lhmodule import LhModule


class Unsupported(ValueError):
    """A construct outside the reflected subset this evaluator follows."""


class OutOfFuel(RuntimeError):
    """The evaluation took more steps than allowed (a slow or diverging term)."""


@dataclass(frozen=True)
class Con:
    name: str
    args: tuple = ()

    def __repr__(self) -> str:
        return self.name if not self.args else f"({self.name} {' '.join(map(repr, self.args))})"


@dataclass(frozen=True)
class Tup:
    items: tuple


_BINARY = {  # operator: (precedence, associativity)
    "||": (2, "r"), "&&": (3, "r"), "==": (4, "n"), "/=": (4, "n"), "<": (4, "n"), "<=": (4, "n"),
    ">": (4, "n"), ">=": (4, "n"), ":": (5, "r"), "++": (5, "r"), "+": (6, "l"), "-": (6, "l"),
    "*": (7, "l"), "`div`": (7, "l"), "`mod`": (7, "l"), "`quot`": (7, "l"), "`rem`": (7, "l"),
}
_PRELUDE = {"not": 1, "div": 2, "mod": 2, "quot": 2, "rem": 2, "max": 2, "min": 2, "fst": 1, "snd": 1,
            "negate": 1, "abs": 1, "even": 1, "odd": 1}


def _hdiv(a, b):
    if b == 0:
        raise Unsupported("division by zero")
    return a // b


def _prelude(name: str, args):
    a = args
    return {"not": lambda: not a[0], "div": lambda: _hdiv(a[0], a[1]),
            "mod": lambda: a[0] - a[1] * _hdiv(a[0], a[1]),
            "quot": lambda: int(a[0] / a[1]) if a[1] else _hdiv(a[0], a[1]),
            "rem": lambda: a[0] - a[1] * (int(a[0] / a[1]) if a[1] else _hdiv(a[0], a[1])),
            "max": lambda: max(a[0], a[1]), "min": lambda: min(a[0], a[1]),
            "fst": lambda: a[0].items[0], "snd": lambda: a[0].items[1], "negate": lambda: -a[0],
            "abs": lambda: abs(a[0]), "even": lambda: a[0] % 2 == 0, "odd": lambda: a[0] % 2 == 1}[name]()


def _op(op: str, x, y):
    if op == ":":
        return (x,) + y
    f = {"+": lambda: x + y, "-": lambda: x - y, "*": lambda: x * y, "==": lambda: x == y,
         "/=": lambda: x != y, "<": lambda: x < y, "<=": lambda: x <= y, ">": lambda: x > y,
         ">=": lambda: x >= y, "++": lambda: x + y}.get(op)
    if f is not None:
        return f()
    return _prelude(op.strip("`"), (x, y))


def _compiled(build, toks):
    """`build(toks)`, or, for a construct outside the subset, a closure that raises when run: it
    fails only when the evaluation reaches it (a branch never taken costs nothing)."""
    try:
        return build(toks)
    except Unsupported as e:
        error = e  # `e` itself is unbound once the handler ends

    def run(*_):
        raise error
    return run


class Evaluator:
    """Each function's equations are compiled once into Python closures (patterns into
    matchers, bodies into expressions), then applied: discovery applies them tens of thousands
    of times, and reading the tokens again at every call cost most of its time."""

    def __init__(self, lh: LhModule, fuel: int = 20000) -> None:
        self.lh = lh
        self.fuel_per_call = fuel
        self.fuel = fuel
        self._defs: dict[str, list] = {}

    def apply(self, name: str, args: tuple):
        """`name args`, with fresh fuel."""
        self.fuel = self.fuel_per_call
        return self._call(name, tuple(args))

    # -------------------------------------------------------------------------------------------
    def _equations(self, name: str):
        if name not in self._defs:
            eqs = equations(self.lh, name)
            if eqs is None:
                raise Unsupported(f"cannot read {name}")
            self._defs[name] = [([self._pattern(list(p)) for p in eq.pats],
                                 [(None if g is None else self._expr(list(g)), self._expr(list(b)))
                                  for g, b in eq.rhs]) for eq in eqs]
        return self._defs[name]

    def _call(self, name: str, args: tuple):
        self.fuel -= 1
        if self.fuel < 0:
            raise OutOfFuel(name)
        for pats, rhs in self._equations(name):
            env: dict = {}
            if not all(m(v, env) for m, v in zip(pats, args)):
                continue
            for guard, body in rhs:
                if guard is None or guard(env) is True:
                    return body(env)
            # No guard held: Haskell falls through to the next equation.
        raise Unsupported(f"{name}: no equation applies")

    # Patterns: a matcher `(value, env) -> bool` that binds the pattern's variables in env.
    def _pattern(self, pat: list[Token]):
        return _compiled(self._pattern_of, pat)

    def _pattern_of(self, pat: list[Token]):
        pat = unparen(pat)
        if not pat:
            raise Unsupported("empty pattern")
        parts = split_top(pat, ":")
        if len(parts) > 1:
            tail = [t for p in parts[1:] for t in p + [Token("varsym", ":", 0, 0)]][:-1]
            head_m, tail_m = self._pattern(parts[0]), self._pattern(tail)
            return lambda v, env: (isinstance(v, tuple) and not isinstance(v, Con) and len(v) > 0
                                   and head_m(v[0], env) and tail_m(v[1:], env))
        if len(pat) == 1:
            t = pat[0]
            if t.kind == "varid":
                name = t.text
                if name == "_":
                    return lambda v, env: True

                def bind(v, env):
                    env[name] = v
                    return True
                return bind
            if t.text == "_":
                return lambda v, env: True
            if t.kind == "number":
                n = int(t.text)
                return lambda v, env: v == n
            if t.kind == "conid":
                if t.text in ("True", "False"):
                    b = t.text == "True"
                    return lambda v, env: v is b
                name = t.text
                return lambda v, env: isinstance(v, Con) and v.name == name and not v.args
            raise Unsupported(f"pattern {t.text}")
        if pat[0].text == "[":
            items = [self._pattern(p) for p in split_top(pat[1:-1], ",")] if len(pat) > 2 else []
            return lambda v, env: (isinstance(v, tuple) and len(v) == len(items)
                                   and all(m(x, env) for m, x in zip(items, v)))
        if pat[0].text == "(":
            items = [self._pattern(p) for p in split_top(pat[1:-1], ",")]
            return lambda v, env: (isinstance(v, Tup) and len(v.items) == len(items)
                                   and all(m(x, env) for m, x in zip(items, v.items)))
        if pat[0].kind == "conid":
            subs = atoms(pat[1:])
            if subs is None:
                raise Unsupported("constructor pattern")
            name, ms = pat[0].text, [self._pattern(p) for p in subs]
            return lambda v, env: (isinstance(v, Con) and v.name == name and len(v.args) == len(ms)
                                   and all(m(x, env) for m, x in zip(ms, v.args)))
        raise Unsupported("pattern")

    # Expressions: a small precedence-climbing parser, compiled to closures `env -> value` that
    # evaluate strictly, except for the branches of if/case and the right operand of && and ||.
    def _expr(self, toks: list[Token]):
        return _compiled(self._expr_of, toks)

    def _expr_of(self, toks: list[Token]):
        toks = unparen(toks)
        if not toks:
            raise Unsupported("empty expression")
        head = toks[0].text
        if head == "if":
            return self._if(toks)
        if head == "case":
            return self._case(toks)
        if head in ("let", "\\", "do", "where"):
            raise Unsupported(head)
        # The loosest operator at the top level, rightmost for left-associative ones.
        best = None
        depth = 0
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.text in ("(", "[", "{"):
                depth += 1
            elif t.text in (")", "]", "}"):
                depth -= 1
            elif depth == 0 and t.text in ("if", "case"):
                break  # an if/case operand runs to the end
            elif depth == 0:
                op, width = t.text, 1
                if t.text == "`" and i + 2 < len(toks):
                    op, width = f"`{toks[i + 1].text}`", 3
                if op in _BINARY and i > 0 and not (op == "-" and toks[i - 1].kind in ("varsym",)):
                    prec, assoc = _BINARY[op]
                    if best is None or prec < best[0] or (prec == best[0] and assoc == "l"):
                        best = (prec, i, op, width)
                    i += width
                    continue
            i += 1
        if best is not None:
            _, i, op, width = best
            left, right = toks[:i], toks[i + width:]
            r = self._expr(right)
            if op == "-" and not left:
                return lambda env: -r(env)
            x = self._expr(left)
            if op == "&&":
                return lambda env: x(env) and r(env)
            if op == "||":
                return lambda env: x(env) or r(env)
            return lambda env: _op(op, x(env), r(env))
        return self._application(toks)

    def _application(self, toks):
        parts = atoms(toks)
        if parts is None:
            raise Unsupported(" ".join(t.text for t in toks))
        f, args = parts[0], parts[1:]
        if len(f) > 1:
            if args:
                raise Unsupported("application of an expression")
            return self._bracket(f)
        t = f[0]
        fs = [self._expr(a) for a in args]
        if t.kind == "number":
            n = int(t.text)
            return lambda env: ([a(env) for a in fs], n)[1]
        if t.kind == "conid":
            if t.text in ("True", "False"):
                b = t.text == "True"
                return lambda env: ([a(env) for a in fs], b)[1]
            name = t.text
            return lambda env: Con(name, tuple(a(env) for a in fs))
        if t.kind == "varid":
            name = t.text
            call = self._call
            function, prelude = name in self.lh.functions, name in _PRELUDE and len(fs) == _PRELUDE[name]

            def run(env):
                vals = tuple(a(env) for a in fs)
                if name in env and not fs:
                    return env[name]
                if name == "otherwise":
                    return True
                if function:
                    return call(name, vals)
                if prelude:
                    return _prelude(name, vals)
                raise Unsupported(name)
            return run
        raise Unsupported(t.text)

    def _bracket(self, toks):
        inner = toks[1:-1]
        if toks[0].text == "[":
            items = [self._expr(p) for p in split_top(inner, ",")] if inner else []
            return lambda env: tuple(x(env) for x in items)
        parts = split_top(inner, ",")
        if len(parts) > 1:
            items = [self._expr(p) for p in parts]
            return lambda env: Tup(tuple(x(env) for x in items))
        raise Unsupported("operator section")

    def _if(self, toks):
        from hsx.proof.shapes import if_parts  # the same reading of `if` as the proof shapes
        parts = if_parts(toks)
        if parts is None:
            raise Unsupported("if")
        then, els = parts
        c, yes, no = self._expr(toks[1:then]), self._expr(toks[then + 1:els]), self._expr(toks[els + 1:])
        return lambda env: yes(env) if c(env) else no(env)

    def _case(self, toks):
        of = next((k for k, t in enumerate(toks) if t.text == "of"), None)
        if of is None or of + 1 >= len(toks):
            raise Unsupported("case")
        scrutinee = self._expr(toks[1:of])
        rest = toks[of + 1:]
        if rest[0].text == "{" or any(t.text == "case" for t in rest):
            raise Unsupported("nested case")
        col = rest[0].col
        alts: list[list[Token]] = []
        for i, t in enumerate(rest):
            if t.col == col and (i == 0 or rest[i - 1].line < t.line):
                alts.append([])
            alts[-1].append(t)
        compiled = []
        for alt in alts:
            arrow = next((i for i, t in enumerate(alt) if t.text in ("->", "|")), None)
            if arrow is None or alt[arrow].text == "|":
                raise Unsupported("case guards")
            compiled.append((self._pattern(alt[:arrow]), self._expr(alt[arrow + 1:])))

        def run(env):
            v = scrutinee(env)
            for match, body in compiled:
                local = dict(env)
                if match(v, local):
                    return body(local)
            raise Unsupported("case: no alternative")
        return run


def parse_value_text(text: str):
    """A value written in Haskell (for tests): `S (S Z)`, `[1, 2]`, `(1, True)`."""
    ev = Evaluator.__new__(Evaluator)
    ev.lh = type("Empty", (), {"functions": {}})()
    ev.fuel = 1000
    return ev._expr(tokenize(text))({})
