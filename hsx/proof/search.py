"""Automatic proof search: candidate proofs of hsx's theorem, cheapest first.

Consumes an `LhModule`; produces `ProofCandidate`s (a template name and proof text) that the
verifier tries in order with Liquid Haskell until one is accepted or the budget is spent.  Every
candidate goes through the same proof-text policy as a model's proof, and the theorem stays
hsx's own: a template can only add lemmas (each with its own signature, each checked by Liquid
Haskell) and `equiv`'s equations.

Why case splits matter: PLE unfolds a reflected definition only where the branch it takes is
known (a guard, an `if` condition or a constructor), so `max` written with `if` against `max`
written with guards is not proved by `equiv a b = ()`.  Most templates therefore copy the shape
of one program's definition (its patterns, guards, `if`s and `case`s) into the proof, and split
the leaves further on the conditions that the other program (and the helpers both call) test
there, instantiated with the leaf's patterns.

Templates, in order:
  1. empty: `equiv x1 .. xn = ()`, for pairs that PLE proves by unfolding alone;
  2. case split following A's (then B's) entry, when the entry is not recursive: `equiv`'s
     equations copy the entry's patterns, guards, `if`s and `case`s, with `()` at the leaves;
  3. recursion induction following A's (then B's) entry, when it is recursive: a lemma restating
     the theorem whose equations copy the entry's, with the entry's recursive calls replaced by
     calls of the lemma (the induction hypothesis) at the same arguments (functional induction:
     the lemma terminates for the reason the entry does); then the same following a recursive
     helper that an entry applies to its parameters (`f xs = h (g xs)`: g's recursion);
  4. accumulator generalisation: when an entry is `f v1 .. vn = go e1 .. ek` with one argument
     that is not a parameter (the accumulator's initial value), a lemma
     `go p1 .. pk == acc OP other ..` (OP read from go's step, or + * && ||; for list results the
     pair's own append function) whose equations follow go's own recursion;
  5. structural induction on each argument of inductive type (lists, shared data types), and
     natural-number induction on each Int argument (base case at 0 and below);
  6. templates 1, 3, 4 and 5 again with a library of lemmas (hsx/proof/lemmas.py) about the programs'
     own append, length, sum and reverse functions and about helpers both programs define:
     each lemma comes with its proof by induction (checked by Liquid Haskell, nothing assumed)
     and is declared a rewrite rule, so the other obligations use it where it applies.

Candidates with the same text are tried once.
"""

from __future__ import annotations

from dataclasses import dataclass

from hsx.haskell.hstypes import HsType, TCon, TList, render, split_function
from hsx.proof.lhmodule import THEOREM, LhModule, constraint_context, rename_tokens
from hsx.haskell.source import SourceError, Token, split_top, tokenize

LEMMA = "hsxInd"
ACC_LEMMA = "hsxAcc"
ACC_OPERATORS = ("+", "*", "&&", "||")
MAX_SPLITS = 3  # case splits added at one leaf: 2^3 copies of the leaf at most
_KEYWORDS = {"if", "then", "else", "case", "of", "let", "in", "where", "do", "otherwise"}
# Names a condition may use besides the leaf's variables and the programs' functions.
_GLOBAL_OK = {"not", "mod", "div", "fst", "snd", "True", "False", "otherwise", "rem", "quot",
              "abs", "max", "min", "negate", "even", "odd", "length", "null"}


@dataclass(frozen=True)
class ProofCandidate:
    template: str
    text: str


def candidate_proofs(lh: LhModule) -> list[ProofCandidate]:
    from hsx.proof import lemmas  # the library uses this module's token helpers

    out = [ProofCandidate("empty", f"{THEOREM} {' '.join(lh.params)} = ()")]
    libraries = lemmas.libraries_for(lh)
    sides = ((lh.entry_a, lh.entry_b, "A"), (lh.entry_b, lh.entry_a, "B"))
    for entry, other, side in sides:
        c = _following(lh, entry, other, side)
        if c is not None:
            out.append(c)
    for h in _helpers_to_follow(lh):
        c = _following(lh, h, lh.entry_b, f"helper {h}")
        if c is not None:
            out.append(c)
    for entry, other, _ in sides:
        out += _accumulator(lh, entry, other)
    for k, t in enumerate(lh.arg_types):
        c = _structural(lh, k, t)
        if c is not None:
            out.append(c)
    for k, t in enumerate(lh.arg_types):
        if t == TCon("Int"):
            out.append(_natural(lh, k))
    for library in libraries:
        out += _with_library(lh, library, sides)
    seen: set[str] = set()
    unique = []
    for c in out:
        if c.text not in seen:
            seen.add(c.text)
            unique.append(c)
    return unique


# ------------------------------------------------------------------------------------------------
# Tokens

def _text(toks) -> str:
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


def _unparen(toks) -> list[Token]:
    toks = list(toks)
    while len(toks) >= 2 and toks[0].text == "(" and _closing(toks, 0) == len(toks) - 1 \
            and len(split_top(toks[1:-1], ",")) == 1:
        toks = toks[1:-1]
    return toks


def _atoms(toks) -> list[list[Token]] | None:
    out, i = [], 0
    while i < len(toks):
        a, i2 = _atom(toks, i)
        if a is None:
            return None
        out.append(a)
        i = i2
    return out


def _calls(toks, name: str, arity: int) -> list[list[list[Token]]]:
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


def _arg(toks) -> str:
    s = _text(toks)
    return s if len(toks) == 1 else f"({_text(_unparen(toks))})"


def _substitute(toks, binding: dict[str, list[Token]]) -> str:
    return _text([Token("varid", _arg(binding[t.text]), t.line, t.col)
                  if t.kind == "varid" and t.text in binding else t for t in toks])


# ------------------------------------------------------------------------------------------------
# The programs' equations

@dataclass(frozen=True)
class _Equation:
    pats: tuple[tuple[Token, ...], ...]
    rhs: tuple[tuple[tuple[Token, ...] | None, tuple[Token, ...]], ...]  # (guard or None, body)

    def variables(self) -> set[str]:
        return {t.text for p in self.pats for t in p if t.kind == "varid" and t.text != "_"}


def _parse_equation(toks) -> _Equation | None:
    pats, i = [], 0
    while i < len(toks) and toks[i].text not in ("=", "|"):
        a, i = _atom(toks, i)
        if a is None:
            return None
        pats.append(tuple(a))
    if i >= len(toks) or any(t.text in ("where", "let", "\\", "do") for t in toks[i:]):
        return None
    if toks[i].text == "=":
        return _Equation(tuple(pats), ((None, tuple(toks[i + 1:])),))
    rhs = []
    for part in split_top(toks[i + 1:], "|"):
        pieces = split_top(part, "=")
        if len(pieces) < 2 or not pieces[0] or not pieces[1]:
            return None
        eq_at = len(pieces[0])
        rhs.append((tuple(part[:eq_at]), tuple(part[eq_at + 1:])))
    return _Equation(tuple(pats), tuple(rhs))


_eq_cache: dict[tuple[int, str], list[_Equation] | None] = {}


def equations(lh: LhModule, name: str) -> list[_Equation] | None:
    """The equations of one of the programs' functions (module names), or None when they use
    something this reader does not follow (where, let, lambdas, infix definitions)."""
    f = lh.functions.get(name)
    if f is None or not f.equations:
        return None
    key = (id(lh), name)
    if key in _eq_cache:
        return _eq_cache[key]
    renaming = lh.renamed_b if f.side == "B" else {}
    out: list[_Equation] | None = []
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


def _arity(lh: LhModule, name: str) -> int | None:
    eqs = equations(lh, name)
    return len(eqs[0].pats) if eqs else None


def recursive(lh: LhModule, name: str) -> bool:
    eqs = equations(lh, name) or []
    return any(t.text == name for e in eqs for _, body in e.rhs for t in body) or \
        any(t.text == name for e in eqs for g, _ in e.rhs if g for t in g)


# ------------------------------------------------------------------------------------------------
# Matching a function's equations against the arguments of a call

def _match(pat, arg, binding: dict) -> str:
    """'yes' (binding extended), 'no' (the equation cannot apply), or 'maybe' (unknown)."""
    pat, arg = _unparen(pat), _unparen(arg)
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
        pa, aa = _atoms(pat), _atoms(arg)
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


def _applicable(lh: LhModule, name: str, args) -> tuple[_Equation, dict] | None:
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


# ------------------------------------------------------------------------------------------------
# Conditions worth splitting on

def _if_conditions(toks) -> list[list[Token]]:
    out = []
    for i, t in enumerate(toks):
        if t.text == "if":
            then = _if_parts(toks[i:])
            if then is not None:
                out.append(list(toks[i + 1:i + then[0]]))
    return out


def _body_conditions(eq: _Equation) -> list[list[Token]]:
    out = []
    for guard, body in eq.rhs:
        if guard is not None and [t.text for t in guard] not in (["otherwise"], ["True"]):
            out.append(list(guard))
        out += _if_conditions(body)
    return out


def _usable(cond: str, scope: set[str], lh: LhModule) -> bool:
    try:
        toks = tokenize(cond)
    except SourceError:
        return False
    return all(t.kind != "varid" or t.text in scope or t.text in lh.functions or t.text in _GLOBAL_OK
               for t in toks)


def _call_conditions(lh: LhModule, toks, scope: set[str], depth: int, skip: set[str]) -> list[str]:
    """Conditions that the functions called in `toks` test on the path their arguments take,
    instantiated with those arguments (so PLE can decide them after a case split)."""
    out: list[str] = []
    if depth <= 0:
        return out
    for name in lh.functions:
        if name in skip or not any(t.text == name for t in toks):
            continue
        n = _arity(lh, name)
        if not n:
            continue
        for args in _calls(toks, name, n):
            found = _applicable(lh, name, args)
            if found is None:
                continue
            eq, binding = found
            for c in _body_conditions(eq):
                out.append(_substitute(c, binding))
            for _, body in eq.rhs:
                inner = tokenize(_substitute(body, binding))
                out += _call_conditions(lh, inner, scope, depth - 1, skip | {name})
    return [c for c in out if _usable(c, scope, lh)]


def _leaf(calls: list[str], conds: list[str]) -> str:
    p = " &&& ".join(calls) if calls else "()"
    for c in reversed(conds):
        p = f"if {c} then ({p}) else ({p})"
    return p


# ------------------------------------------------------------------------------------------------
# Copying a definition's shape into a proof

def _if_parts(toks) -> tuple[int, int] | None:
    """Positions of `then` and `else` of the `if` at toks[0]."""
    depth = nest = 0
    then = None
    for k in range(1, len(toks)):
        t = toks[k].text
        if t in ("(", "[", "{"):
            depth += 1
        elif t in (")", "]", "}"):
            depth -= 1
        if depth:
            continue
        if t == "if":
            nest += 1
        elif t == "then" and nest == 0 and then is None:
            then = k
        elif t == "else":
            if nest == 0:
                return (then, k) if then is not None else None
            nest -= 1
    return None


@dataclass
class _Shape:
    """How to turn a body into proof text: recursive calls become lemma calls (`calls`:
    function -> (lemma, arity)), and leaves are split on `extra` conditions."""
    lh: LhModule
    calls: dict[str, tuple[str, int]]
    extra: list[str]
    scope: set[str]
    split: bool = True

    def lemma_calls(self, toks) -> list[str]:
        out = []
        for name, (lemma, n) in self.calls.items():
            for args in _calls(toks, name, n):
                out.append(f"{lemma} {' '.join(_arg(a) for a in args)}")
        return list(dict.fromkeys(out))

    def body(self, toks, path: list[str]) -> str | None:
        toks = _unparen(toks)
        if not toks:
            return None
        if toks[0].text == "if":
            parts = _if_parts(toks)
            if parts is None:
                return None
            then, els = parts
            cond = _text(toks[1:then])
            a = self.body(toks[then + 1:els], path + [cond])
            b = self.body(toks[els + 1:], path + [cond])
            if a is None or b is None:
                return None
            pre = self.lemma_calls(toks[1:then])
            text = f"if {cond} then ({a}) else ({b})"
            return " &&& ".join(pre + [f"({text})"]) if pre else text
        if toks[0].text == "case":
            return self._case(toks, path)
        if any(t.text in ("let", "\\", "where", "do") for t in toks):
            return None
        conds: list[str] = []
        if self.split:
            if not any(t.text == "case" for t in toks):
                conds += [_text(c) for c in _if_conditions(toks)]
            conds += _call_conditions(self.lh, toks, self.scope, 2, set(self.calls))
            conds += self.extra
        known = set(path)
        picked = [c for c in dict.fromkeys(conds) if c not in known][:MAX_SPLITS]
        return _leaf(self.lemma_calls(toks), picked)

    def _case(self, toks, path) -> str | None:
        depth = nest = 0
        of = None
        for k in range(1, len(toks)):
            t = toks[k].text
            depth += t in ("(", "[")
            depth -= t in (")", "]")
            if depth == 0 and t == "case":
                nest += 1
            elif depth == 0 and t == "of":
                if nest == 0:
                    of = k
                    break
                nest -= 1
        if of is None or of + 1 >= len(toks) or toks[of + 1].text == "{":
            return None
        scrut = toks[1:of]
        rest = toks[of + 1:]
        col = rest[0].col
        alts: list[list[Token]] = []
        for i, t in enumerate(rest):
            if t.col == col and (i == 0 or rest[i - 1].line < t.line):
                alts.append([])
            if not alts:
                return None
            alts[-1].append(t)
        rendered = []
        for alt in alts:
            bar = next((i for i, t in enumerate(alt) if t.text in ("->", "|")), None)
            if bar is None:
                return None
            pat = alt[:bar]
            if alt[bar].text == "->":
                b = self.body(alt[bar + 1:], path)
                if b is None:
                    return None
                rendered.append(f"{_text(pat)} -> ({b})")
                continue
            arms = []
            for part in split_top(alt[bar + 1:], "|"):
                arrow = next((i for i, t in enumerate(part) if t.text == "->"), None)
                if arrow is None:
                    return None
                b = self.body(part[arrow + 1:], path)
                if b is None:
                    return None
                arms.append(f"| {_text(part[:arrow])} -> ({b})")
            rendered.append(f"{_text(pat)} {' '.join(arms)}")
        pre = self.lemma_calls(scrut)
        text = f"case {_text(scrut)} of {{ {'; '.join(rendered)} }}"
        return " &&& ".join(pre + [f"({text})"]) if pre else text


def _shaped_equations(lh: LhModule, name: str, head: str, calls: dict[str, tuple[str, int]],
                      others: list[tuple[str, list[int]]], rename: dict[str, str] | None = None
                      ) -> list[str] | None:
    """`name`'s equations as proof equations of `head`.  `others`: functions whose conditions on
    the same arguments are split on at the leaves, each with the positions of `name`'s
    patterns that it takes."""
    eqs = equations(lh, name)
    if not eqs:
        return None
    lines = []
    for eq in eqs:
        pats = [list(p) for p in eq.pats]
        if rename:
            pats = [tokenize(rename_tokens(_text(p), rename)) for p in pats]
        scope = {t.text for p in pats for t in p if t.kind == "varid"}
        extra: list[str] = []
        for other, positions in others:
            n = _arity(lh, other)
            if n != len(positions):
                continue
            found = _applicable(lh, other, [pats[i] for i in positions])
            if found is None:
                continue
            oeq, binding = found
            extra += [_substitute(c, binding) for c in _body_conditions(oeq)]
            for _, body in oeq.rhs:
                extra += _call_conditions(lh, tokenize(_substitute(body, binding)), scope, 2,
                                          set(calls) | {other})
        extra = [c for c in extra if _usable(c, scope, lh)]
        shape = _Shape(lh, calls, extra, scope)
        lhs = f"{head} {' '.join(_text(p) for p in pats)}"
        if rename:
            def ren(toks):
                return tokenize(rename_tokens(_text(toks), rename))
        else:
            def ren(toks):
                return toks
        if len(eq.rhs) == 1 and eq.rhs[0][0] is None:
            b = shape.body(ren(eq.rhs[0][1]), [])
            if b is None:
                return None
            lines.append(f"{lhs} = {b}")
            continue
        lines.append(lhs)
        for guard, body in eq.rhs:
            g = _text(ren(guard))
            b = shape.body(ren(body), [g])
            if b is None:
                return None
            lines.append(f"  | {g} = {b}")
    return lines


# ------------------------------------------------------------------------------------------------
# Templates

def _statement(lh: LhModule, params: list[str]) -> str:
    call = " ".join(params)
    return f"{{ {lh.entry_a} {call} == {lh.entry_b} {call} }}"


def _metric_for(lh: LhModule, types, names, position: int | None) -> str:
    if position is None:
        return ""
    t, x = types[position], names[position]
    if _is_list(t):
        return f" / [len {x}]"
    if isinstance(t, TCon) and t.name in lh.data_types and _size_measured(lh, t.name):
        return f" / [hsxSize{t.name} {x}]"
    if t in (TCon("Int"), TCon("Integer")):
        return f" / [{x}]"
    return ""


def _size_measured(lh: LhModule, name: str) -> bool:
    return f"hsxSize{name}" in lh.text


def _decreasing(lh: LhModule, name: str) -> int | None:
    """The argument position on which every recursive call of `name` shrinks: structurally (a
    variable of the pattern there) or numerically (`n - c`, n `div` c with c > 1)."""
    eqs = equations(lh, name)
    if not eqs:
        return None
    n = len(eqs[0].pats)
    for k in range(n):
        ok = True
        for eq in eqs:
            pat = _unparen(eq.pats[k])
            for guard, body in eq.rhs:
                for args in _calls(list(guard or ()) + list(body), name, n):
                    a = _unparen(args[k])
                    if len(pat) > 1 and len(a) == 1 and a[0].kind == "varid" and \
                            any(t.text == a[0].text for t in pat):
                        continue
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


def _lemma_sig(lh: LhModule, name: str, statement: str, types, names, metric: str) -> list[str]:
    binders = " -> ".join(f"{p}:{render(t, 1)}" for p, t in zip(names, types))
    ctx = constraint_context(lh.scheme)
    hs = " -> ".join([render(t, 1) for t in types] + ["Proof"])
    return [f"{{-@ {name} :: {ctx}{binders} -> {statement}{metric} @-}}", f"{name} :: {ctx}{hs}"]


def _helpers_to_follow(lh: LhModule) -> list[str]:
    """Recursive helpers that an entry applies to its parameters, in order, and whose
    argument types are the theorem's: their recursion is an induction scheme for the theorem."""
    out = []
    for entry in (lh.entry_a, lh.entry_b):
        for eq in equations(lh, entry) or []:
            names = [p[0].text for p in eq.pats if len(p) == 1 and p[0].kind == "varid"]
            if len(names) != len(lh.params):
                continue
            for _, body in eq.rhs:
                for h in lh.functions:
                    f = lh.functions[h]
                    if h in (lh.entry_a, lh.entry_b) or h in out or f.scheme is None or not recursive(lh, h):
                        continue
                    if tuple(split_function(f.scheme.body)[0]) != lh.arg_types:
                        continue
                    if any([_text(a) for a in args] == names for args in _calls(body, h, len(names))):
                        out.append(h)
    return out[:3]


def _following(lh: LhModule, entry: str, other: str, side: str) -> ProofCandidate | None:
    """Templates 2 and 3: the proof copies `entry`'s definition (or a helper's, for side
    "helper NAME", whose recursion then shapes the induction on the theorem itself)."""
    n = len(lh.params)
    if _arity(lh, entry) != n:
        return None
    others = [(other, list(range(n)))]
    if side.startswith("helper"):
        others = [(lh.entry_a, list(range(n))), (lh.entry_b, list(range(n)))]
    if not recursive(lh, entry):
        lines = _shaped_equations(lh, entry, THEOREM, {}, others)
        if lines is None or (len(lines) == 1 and lines[0].endswith(" = ()")
                             and all(p.isidentifier() for p in lines[0][:-5].split()[1:])):
            return None  # nothing to split on: the empty proof again
        return ProofCandidate(f"case split following {side}", "\n".join(lines))
    lines = _shaped_equations(lh, entry, LEMMA, {entry: (LEMMA, n)}, others)
    if lines is None:
        return None
    metric = _metric_for(lh, lh.arg_types, lh.params, _decreasing(lh, entry))
    head = _lemma_sig(lh, LEMMA, _statement(lh, list(lh.params)), lh.arg_types, lh.params, metric)
    text = "\n".join(head + lines + [f"{THEOREM} {' '.join(lh.params)} = {LEMMA} {' '.join(lh.params)}"])
    return ProofCandidate(f"recursion induction following {side}", text)


def _wrapper(lh: LhModule, entry: str):
    """`entry v1 .. vn = go e1 .. ek` (one equation, plain variables): (vars, go, args)."""
    eqs = equations(lh, entry)
    if not eqs or len(eqs) != 1 or eqs[0].rhs[0][0] is not None:
        return None
    eq = eqs[0]
    vars_ = [p[0].text for p in eq.pats if len(p) == 1 and p[0].kind == "varid"]
    if len(vars_) != len(eq.pats) or len(set(vars_)) != len(vars_):
        return None
    body = _unparen(eq.rhs[0][1])
    if not body or body[0].kind != "varid" or body[0].text not in lh.functions:
        return None
    args = _atoms(body[1:])
    if args is None or _arity(lh, body[0].text) != len(args):
        return None
    return vars_, body[0].text, args


def _accumulator(lh: LhModule, entry: str, other: str) -> list[ProofCandidate]:
    """Template 4, accumulator generalisation."""
    w = _wrapper(lh, entry)
    if w is None:
        return []
    vars_, go, args = w
    helper = lh.functions[go]
    if helper.scheme is None or not recursive(lh, go):
        return []
    h_args, h_res = split_function(helper.scheme.body)
    if len(h_args) != len(args):
        return []
    plain = {i: a[0].text for i, a in enumerate(args) if len(a) == 1 and a[0].text in vars_}
    accs = [i for i in range(len(args)) if i not in plain]
    if len(accs) != 1 or sorted(plain.values()) != sorted(vars_):
        return []
    acc_pos = accs[0]
    names = [f"hsxP{i + 1}" for i in range(len(args))]
    where = {v: names[i] for i, v in plain.items()}
    acc = names[acc_pos]
    other_call = f"{other} {' '.join(where[v] for v in vars_)}"
    combos: list[str] = []
    own = _step_operator(lh, go, acc_pos)
    if _is_list(h_res):
        combos = [f"{app} ({other_call}) {acc}" for app in _append_like(lh)]
    else:
        if own is not None:
            combos.append(f"{acc} {own} {other_call}" if not own[0].isalpha() and own[0] != "_"
                          else f"{own} {acc} ({other_call})")
        ops = ("&&", "||") if h_res == TCon("Bool") else ("+", "*")
        combos += [f"{acc} {op} {other_call}" for op in ops]
    combos = list(dict.fromkeys(combos))
    eqs = equations(lh, go)
    if not eqs:
        return []
    # The leaves split on what `other` tests on the non-accumulator arguments.
    positions = [i for i in range(len(args)) if i != acc_pos]
    order = [positions[[plain[i] for i in positions].index(v)] for v in vars_]
    lines = _shaped_equations(lh, go, ACC_LEMMA, {go: (ACC_LEMMA, len(args))}, [(other, order)])
    if lines is None:
        return []
    metric = _metric_for(lh, h_args, names, _decreasing(lh, go))
    subst = dict(zip(vars_, lh.params))
    call = " ".join(rename_tokens(_arg(a), subst) for a in args)
    out = []
    for combo in combos:
        # `&&` and `||` bind looser than `==`: parenthesise (the arithmetic ones bind tighter)
        rhs = f"({combo})" if any(t.text in ("&&", "||") for t in tokenize(combo)) else combo
        # Liquid Haskell's parser reads `f x == (p && q)` badly: Bool results use `<=>`
        eq = "<=>" if h_res == TCon("Bool") else "=="
        head = _lemma_sig(lh, ACC_LEMMA, f"{{ {go} {' '.join(names)} {eq} {rhs} }}", h_args, names, metric)
        text = "\n".join(head + lines + [f"{THEOREM} {' '.join(lh.params)} = {ACC_LEMMA} {call}"])
        out.append(ProofCandidate(f"accumulator lemma ({go}: {combo})", text))
    return out


def _is_list(t) -> bool:
    return isinstance(t, TList) or t == TCon("String")


def _append_like(lh: LhModule) -> list[str]:
    from hsx.proof import lemmas
    return [f for f, kind in lemmas.recognise(lh).items() if kind == "append"]


def _step_operator(lh: LhModule, go: str, acc_pos: int) -> str | None:
    """How `go` combines its accumulator with an element, read from its recursive calls
    `go .. (acc OP x) ..` (an operator) or `go .. (f acc x) ..` (a function)."""
    eqs = equations(lh, go) or []
    n = len(eqs[0].pats) if eqs else 0
    for eq in eqs:
        accp = _unparen(eq.pats[acc_pos])
        if len(accp) != 1 or accp[0].kind != "varid":
            continue
        acc_var = accp[0].text
        for _, body in eq.rhs:
            for args in _calls(body, go, n):
                inner = _unparen(args[acc_pos])
                if len(inner) == 3 and inner[0].text == acc_var and inner[1].kind == "varsym":
                    return inner[1].text
                if len(inner) == 3 and inner[0].kind == "varid" and inner[1].text == acc_var:
                    return inner[0].text
    return None


def _lemma_header(lh: LhModule, metric: str) -> list[str]:
    return _lemma_sig(lh, LEMMA, _statement(lh, list(lh.params)), lh.arg_types, lh.params, f" / [{metric}]")


def _call(name: str, params: list[str], k: int, arg: str) -> str:
    args = list(params)
    args[k] = arg
    return f"{name} {' '.join(args)}"


def _structural(lh: LhModule, k: int, t: HsType) -> ProofCandidate | None:
    """Template 5: structural induction on argument k."""
    params = list(lh.params)
    x = params[k]
    lines: list[str]
    if isinstance(t, TList):
        step = _call(LEMMA, params, k, 'hsxYs')
        lines = _lemma_header(lh, f"len {x}") + [
            f"{_call(LEMMA, params, k, '[]')} = ()",
            f"{_call(LEMMA, params, k, '(hsxY : hsxYs)')} = {step}",
        ]
        kind = "list"
    elif isinstance(t, TCon) and t.name in lh.data_types:
        decl = lh.data_types[t.name]
        rec = any(isinstance(f, TCon) and f.name == decl.name for c in decl.constructors for f in c.fields)
        if not rec:
            return None
        lines = _lemma_header(lh, f"hsxSize{decl.name} {x}")
        for c in decl.constructors:
            ys = [f"hsxY{i}" for i in range(1, len(c.fields) + 1)]
            pattern = f"({ys[0]} {c.name} {ys[1]})" if c.infix else (f"({c.name} {' '.join(ys)})" if ys else c.name)
            calls = [_call(LEMMA, params, k, y) for y, f in zip(ys, c.fields)
                     if isinstance(f, TCon) and f.name == decl.name]
            body = " &&& ".join(calls) if calls else "()"
            lines.append(f"{_call(LEMMA, params, k, pattern)} = {body}")
        kind = decl.name
    else:
        return None
    lines.append(f"{THEOREM} {' '.join(params)} = {LEMMA} {' '.join(params)}")
    return ProofCandidate(f"induction on {x} ({kind})", "\n".join(lines))


def _natural(lh: LhModule, k: int) -> ProofCandidate:
    params = list(lh.params)
    x = params[k]
    # The metric x is non-negative wherever the recursive call happens (x > 0 there).
    lines = _lemma_header(lh, x) + [
        f"{LEMMA} {' '.join(params)}",
        f"  | {x} <= 0 = ()",
        f"  | otherwise = {_call(LEMMA, params, k, f'({x} - 1)')}",
        f"{THEOREM} {' '.join(params)} = {LEMMA} {' '.join(params)}",
    ]
    return ProofCandidate(f"natural induction on {x}", "\n".join(lines))


# ------------------------------------------------------------------------------------------------
# With library lemmas

def _with_library(lh: LhModule, library, sides) -> list[ProofCandidate]:
    """Templates 1, 3, 4 and 5 again, with the library's lemmas (rewrite rules) in the proof text."""
    out = []
    for base in [ProofCandidate("empty", f"{THEOREM} {' '.join(lh.params)} = ()"),
                 *(_following(lh, e, o, s) for e, o, s in sides),
                 *(_following(lh, h, lh.entry_b, f"helper {h}") for h in _helpers_to_follow(lh)),
                 *(c for e, o, _ in sides for c in _accumulator(lh, e, o)),
                 *(_structural(lh, k, t) for k, t in enumerate(lh.arg_types))]:
        if base is None or base.template.startswith("case split"):
            continue
        out.append(ProofCandidate(f"{base.template} + lemmas ({library.names})",
                                  library.text + "\n" + base.text))
    return out

