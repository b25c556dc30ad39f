"""The programs' definitions as equations of tokens, for building proofs that follow them.

Consumes an `LhModule` (hsx's theorem module, which holds both programs' functions); produces each
function's equations (`equations`: patterns, guards and bodies as tokens), the calls of a function
inside a body (`calls`), whether an equation applies to the arguments of a call (`applicable`),
the argument on which a recursion shrinks (`decreasing`) and the termination metric a lemma
declares for it (`metric_for`).  The proof search (hsx/proof/search.py, shapes.py) and the lemma
library (hsx/proof/lemmas.py) read programs only through these.
"""

from __future__ import annotations

from dataclasses import dataclass

from hsx.haskell.hstypes import TCon, TList
from hsx.haskell.tokens import SourceError, Token, split_top, tokenize
from hsx.proof.lhmodule import LhModule
from hsx.proof.renaming import rename_tokens

_KEYWORDS = {"if", "then", "else", "case", "of", "let", "in", "where", "do", "otherwise"}


def render_tokens(toks) -> str:
    """Haskell text of tokens: spaces between them, none inside brackets' edges or backticks."""
    out: list[str] = []
    prev: Token | None = None
    tick = False
    for t in toks:
        glue = prev is None or prev.text in ("(", "[") or t.text in (")", "]", ",") \
            or (tick and prev.text == "`") or (t.text == "`" and tick)
        if t.text == "`":
            tick = not tick
        out.append(t.text if glue else " " + t.text)
        prev = t
    return "".join(out)


def _closing(toks, i: int) -> int:
    """Index of the bracket closing the one at i."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].text in ("(", "[", "{"):
            depth += 1
        elif toks[j].text in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return j
    raise ValueError("unbalanced brackets")


def _atom(toks, i: int):
    """(tokens of the atomic expression or pattern at i, next index), or (None, i)."""
    if i >= len(toks):
        return None, i
    t = toks[i]
    if t.text in ("(", "["):
        j = _closing(toks, i)
        return list(toks[i:j + 1]), j + 1
    if t.kind in ("conid", "qconid", "number", "string", "char", "qvarid") or t.text == "_" \
            or (t.kind == "varid" and t.text not in _KEYWORDS):
        return [t], i + 1
    return None, i


def unparen(toks) -> list[Token]:
    toks = list(toks)
    while len(toks) >= 2 and toks[0].text == "(" and _closing(toks, 0) == len(toks) - 1 \
            and len(split_top(toks[1:-1], ",")) == 1:
        toks = toks[1:-1]
    return toks


def atoms(toks) -> list[list[Token]] | None:
    out, i = [], 0
    while i < len(toks):
        a, i2 = _atom(toks, i)
        if a is None:
            return None
        out.append(a)
        i = i2
    return out


def calls(toks, name: str, arity: int) -> list[list[list[Token]]]:
    """Every saturated call `name a1 .. an` in the tokens (nested calls included)."""
    found = []
    for i, t in enumerate(toks):
        if t.text != name or t.kind != "varid":
            continue
        args, j = [], i + 1
        while len(args) < arity:
            a, j = _atom(toks, j)
            if a is None:
                break
            args.append(a)
        if len(args) == arity:
            found.append(args)
    return found


def arg(toks) -> str:
    s = render_tokens(toks)
    return s if len(toks) == 1 else f"({render_tokens(unparen(toks))})"


def substitute(toks, binding: dict[str, list[Token]]) -> str:
    return render_tokens([Token("varid", arg(binding[t.text]), t.line, t.col)
                  if t.kind == "varid" and t.text in binding else t for t in toks])


@dataclass(frozen=True)
class Equation:
    pats: tuple[tuple[Token, ...], ...]
    rhs: tuple[tuple[tuple[Token, ...] | None, tuple[Token, ...]], ...]  # (guard or None, body)

    def variables(self) -> set[str]:
        return {t.text for p in self.pats for t in p if t.kind == "varid" and t.text != "_"}


def _parse_equation(toks) -> Equation | None:
    pats, i = [], 0
    while i < len(toks) and toks[i].text not in ("=", "|"):
        a, i = _atom(toks, i)
        if a is None:
            return None
        pats.append(tuple(a))
    if i >= len(toks) or any(t.text in ("where", "let", "\\", "do") for t in toks[i:]):
        return None
    if toks[i].text == "=":
        return Equation(tuple(pats), ((None, tuple(toks[i + 1:])),))
    rhs = []
    for part in split_top(toks[i + 1:], "|"):
        pieces = split_top(part, "=")
        if len(pieces) < 2 or not pieces[0] or not pieces[1]:
            return None
        eq_at = len(pieces[0])
        rhs.append((tuple(part[:eq_at]), tuple(part[eq_at + 1:])))
    return Equation(tuple(pats), tuple(rhs))


# Equations by function definition: the search reads the same functions for many templates.
# Keyed by the definition's own text, never by the module's id(): a module verified earlier
# and freed leaves its address to the next one, whose `countN` would then be read as the old.
_eq_cache: dict[tuple, list[Equation] | None] = {}


def equations(lh: LhModule, name: str) -> list[Equation] | None:
    """The equations of one of the programs' functions (module names), or None when they use
    something this reader does not follow (where, let, lambdas, infix definitions)."""
    f = lh.functions.get(name)
    if f is None or not f.equations:
        return None
    renaming = lh.renamed_b if f.side == "B" else {}
    key = (name, tuple(d.text for d in f.equations), tuple(sorted(renaming.items())))
    if key in _eq_cache:
        return _eq_cache[key]
    out: list[Equation] | None = []
    for d in f.equations:
        try:
            toks = tokenize(rename_tokens(d.text, renaming))
            eq = _parse_equation(toks[1:]) if toks and toks[0].text == name else None
        except (SourceError, ValueError):
            eq = None
        if eq is None:
            out = None
            break
        out.append(eq)
    if out is not None and len({len(e.pats) for e in out}) != 1:
        out = None
    if len(_eq_cache) > 4096:
        _eq_cache.clear()
    _eq_cache[key] = out
    return out


def arity(lh: LhModule, name: str) -> int | None:
    eqs = equations(lh, name)
    return len(eqs[0].pats) if eqs else None


def recursive(lh: LhModule, name: str) -> bool:
    eqs = equations(lh, name) or []
    return any(t.text == name for e in eqs for _, body in e.rhs for t in body) or \
        any(t.text == name for e in eqs for g, _ in e.rhs if g for t in g)


def _match(pat, arg, binding: dict) -> str:
    """'yes' (binding extended), 'no' (the equation cannot apply), or 'maybe' (unknown)."""
    pat, arg = unparen(pat), unparen(arg)
    if len(pat) == 1 and pat[0].kind == "varid" and pat[0].text != "_":
        binding[pat[0].text] = list(arg)
        return "yes"
    if len(pat) == 1 and pat[0].text == "_":
        return "yes"
    if not arg:
        return "maybe"
    pcons, acons = split_top(pat, ":"), split_top(arg, ":")
    if len(pcons) > 1:
        if len(acons) > 1:
            r1 = _match(pcons[0], acons[0], binding)
            r2 = _match([t for p in pcons[1:] for t in p] if len(pcons) == 2 else _rejoin(pcons[1:]),
                        _rejoin(acons[1:]), binding)
            return _both(r1, r2)
        return "no" if [t.text for t in arg] == ["[", "]"] else "maybe"
    if [t.text for t in pat] == ["[", "]"]:
        if [t.text for t in arg] == ["[", "]"]:
            return "yes"
        return "no" if len(acons) > 1 else "maybe"
    if pat[0].text == "(":  # a tuple
        ps, as_ = split_top(pat[1:-1], ","), (split_top(arg[1:-1], ",") if arg[0].text == "(" else [])
        if len(as_) != len(ps) or arg[-1].text != ")":
            return "maybe"
        r = "yes"
        for p, a in zip(ps, as_):
            r = _both(r, _match(p, a, binding))
        return r
    if pat[0].kind in ("number", "char", "string"):
        if len(arg) == 1 and arg[0].kind == pat[0].kind:
            return "yes" if arg[0].text == pat[0].text else "no"
        return "maybe"
    if pat[0].kind == "conid":
        pa, aa = atoms(pat), atoms(arg)
        if pa is None:
            return "maybe"
        if aa is None or aa[0][0].kind != "conid" or len(aa[0]) != 1:
            return "no" if len(acons) > 1 or [t.text for t in arg] == ["[", "]"] else "maybe"
        if aa[0][0].text != pa[0][0].text:
            return "no"
        if len(aa) != len(pa):
            return "maybe"
        r = "yes"
        for p, a in zip(pa[1:], aa[1:]):
            r = _both(r, _match(p, a, binding))
        return r
    return "maybe"


def _rejoin(parts):
    out = []
    for i, p in enumerate(parts):
        if i:
            out.append(Token("varsym", ":", 0, 0))
        out += p
    return out


def _both(a: str, b: str) -> str:
    if "no" in (a, b):
        return "no"
    return "maybe" if "maybe" in (a, b) else "yes"


def applicable(lh: LhModule, name: str, args) -> tuple[Equation, dict] | None:
    """The equation of `name` that a call with these arguments takes, when that is certain."""
    for eq in equations(lh, name) or []:
        binding: dict = {}
        r = "yes"
        for p, a in zip(eq.pats, args):
            r = _both(r, _match(list(p), list(a), binding))
        if r == "yes":
            return eq, binding
        if r == "maybe":
            return None
    return None


def decreasing(lh: LhModule, name: str) -> int | None:
    """The argument position on which every recursive call of `name` shrinks: structurally (a
    variable of the pattern there) or numerically (`n - c`, n `div` c with c > 1)."""
    eqs = equations(lh, name)
    if not eqs:
        return None
    n = len(eqs[0].pats)
    for k in range(n):
        ok = True
        for eq in eqs:
            pat = unparen(eq.pats[k])
            for guard, body in eq.rhs:
                for args in calls(list(guard or ()) + list(body), name, n):
                    a = unparen(args[k])
                    if len(pat) > 1 and len(a) == 1 and a[0].kind == "varid" and \
                            any(t.text == a[0].text for t in pat):
                        continue
                    if len(pat) > len(a) > 1 and _sub_pattern([t.text for t in a], [t.text for t in pat]):
                        continue  # `butlast (x : y : ys) = .. butlast (y : ys)`
                    if len(pat) == 1 and len(a) == 3 and a[0].text == pat[0].text and \
                            a[1].text == "-" and a[2].kind == "number" and a[2].text != "0":
                        continue
                    if len(pat) == 1 and len(a) == 5 and a[0].text == pat[0].text and \
                            [t.text for t in a[1:4]] == ["`", "div", "`"] and a[4].kind == "number" \
                            and a[4].text not in ("0", "1"):
                        continue
                    ok = False
        if ok:
            return k
    return None


def _sub_pattern(arg: list[str], pat: list[str]) -> bool:
    """Whether an argument is written as a proper part of the pattern (then it is smaller)."""
    return any(pat[i:i + len(arg)] == arg for i in range(1, len(pat) - len(arg) + 1))


def metric_for(lh: LhModule, types, names, position: int | None) -> str:
    if position is None:
        return ""
    t, x = types[position], names[position]
    if is_list(t):
        return f" / [len {x}]"
    if isinstance(t, TCon) and t.name in lh.data_types and _size_measured(lh, t.name):
        return f" / [hsxSize{t.name} {x}]"
    if t in (TCon("Int"), TCon("Integer")):
        return f" / [{x}]"
    return ""


def _size_measured(lh: LhModule, name: str) -> bool:
    return f"hsxSize{name}" in lh.text


def is_list(t) -> bool:
    return isinstance(t, TList) or t == TCon("String")
