"""Termination metrics (`/ [..]`) that hsx states for the recursion people write.

Consumes one recursive function of a program (its name in the module and in the source, GHC's
type, its equations); produces a refined signature with a termination metric, or None when Liquid
Haskell's default (the first argument with a size: an Int's value, a list's length) should do.
hsx/proof/lhmodule.py asks `structural_signature` (an argument of a recursive data type or a list
that every recursive call takes apart), then `counting_down_signature` (an Int other than the
first, counted down), then `inferred_signature`.  The last reads the recursive calls, per argument:

    counting up to a bound   `go i n = if i >= n then .. else .. go (i + 1) n`   -> / [n - i]
    recursion on a - b       `f a b | a >= b = f (a - b) b`, b positive          -> / [a]
    on a list, not first     `f k (x : xs) = .. f (k + x) xs`                     -> / [len xs]
    two arguments in turn    each call shrinks one Int and keeps the other       -> / [a + b]

A metric is only a claim: Liquid Haskell checks that it is non-negative and decreases at every
recursive call, so a wrong guess fails termination (as the default would have), never soundness.
"""

from __future__ import annotations

from hsx.haskell.hstypes import Scheme, TCon, TList, render, split_function
from hsx.haskell.tokens import SourceError, tokenize

_COMPARE = {"<", "<=", ">", ">=", "==", "/="}
_STOP = {"if", "then", "else", "case", "of", "let", "in", "where", "do", "=", "|", "->"}


def _group(toks, i):
    """(tokens of the atom at i, next index) or (None, i)."""
    if i >= len(toks):
        return None, i
    t = toks[i]
    if t.text in ("(", "["):
        depth = 0
        for j in range(i, len(toks)):
            depth += toks[j].text in ("(", "[")
            depth -= toks[j].text in (")", "]")
            if depth == 0:
                return toks[i:j + 1], j + 1
        return None, i
    if t.kind in ("varid", "conid", "number") and t.text not in _STOP:
        return [t], i + 1
    return None, i


def _atoms(toks, n):
    out, i = [], 0
    while len(out) < n:
        a, i = _group(toks, i)
        if a is None:
            return None
        out.append(a)
    return out


def _change(arg, k: int, names: list, pats: list) -> str:
    """How a recursive call's argument relates to parameter k: same, dec, inc, struct, other."""
    texts = [t.text for t in arg]
    inner = texts[1:-1] if texts and texts[0] == "(" else texts
    x = names[k]
    if x is not None and texts == [x]:
        return "same"
    if len(texts) == 1 and len(pats[k]) > 1 and any(t.text == texts[0] and t.kind == "varid" for t in pats[k]):
        return "struct"  # a variable bound inside the parameter's constructor pattern
    if x is not None and len(inner) == 3 and inner[0] == x:
        if inner[1] == "-" and (inner[2].isdigit() and int(inner[2]) > 0 or inner[2] in names):
            return "dec"
        if inner[1] == "+" and inner[2].isdigit() and int(inner[2]) > 0:
            return "inc"
    if x is not None and len(inner) == 5 and inner[0] == x and inner[1:4] in (["`", "div", "`"], ["`", "quot", "`"]):
        return "dec" if inner[4].isdigit() and int(inner[4]) > 1 else "other"
    return "other"


def _compared(toks, a: str, b: str) -> bool:
    """Whether the equation compares a with b (`a < b`, `b <= a`, ...)."""
    texts = [t.text for t in toks]
    return any(texts[i] in _COMPARE and {texts[i - 1], texts[i + 1]} == {a, b} for i in range(1, len(texts) - 1))


def _clause_tokens(eq, name: str) -> list | None:
    """An equation's tokens when it is a clause of `name`; None when it cannot be read as one."""
    try:
        toks = tokenize(eq.text)
    except SourceError:
        return None
    return toks if toks and toks[0].text == name else None


def inferred_metric(source_name: str, scheme: Scheme, equations) -> str | None:
    """The metric over y1 .. yn (the signature's binders), or None."""
    args, _ = split_function(scheme.body)
    n = len(args)
    changes: list[list[str]] = []
    bounds: set[tuple[int, int]] = set()
    for eq in equations:
        toks = _clause_tokens(eq, source_name)
        if toks is None:
            return None
        pats = _atoms(toks[1:], n)
        if pats is None:
            return None
        names = [p[0].text if len(p) == 1 and p[0].kind == "varid" and p[0].text != "_" else None for p in pats]
        for j, t in enumerate(toks[1:], 1):
            if t.kind == "varid" and t.text == source_name:
                call = _atoms(toks[j + 1:], n)
                if call is None:
                    return None
                changes.append([_change(call[k], k, names, pats) for k in range(n)])
        bounds |= {(i, m) for i in range(n) for m in range(n)
                   if i != m and names[i] and names[m] and _compared(toks, names[i], names[m])}
    if not changes:
        return None
    ints = [k for k, t in enumerate(args) if t in (TCon("Int"), TCon("Integer"))]
    lists = [k for k, t in enumerate(args) if isinstance(t, TList) or t == TCon("String")]
    # A list argument other than the first that every call shrinks.
    for k in lists:
        if k > 0 and all(c[k] == "struct" for c in changes):
            return f"len y{k + 1}"
    # One Int argument every call shrinks (not the first Int: that is the default).
    for k in ints:
        if k != (ints[0] if ints else None) and all(c[k] == "dec" for c in changes):
            return f"y{k + 1}"
    # Counting up to a bound that stays.
    for i in ints:
        for m in ints:
            if i != m and (i, m) in bounds and all(c[i] == "inc" and c[m] == "same" for c in changes):
                return f"y{m + 1} - y{i + 1}"
    # Two Int arguments in turn: every call shrinks one and keeps the other.
    for a in ints:
        for b in ints:
            if a < b and all({c[a], c[b]} <= {"dec", "same"} and "dec" in (c[a], c[b]) for c in changes) \
                    and any(c[a] == "same" for c in changes) and any(c[b] == "same" for c in changes):
                return f"y{a + 1} + y{b + 1}"
    return None


def inferred_signature(name: str, source_name: str, scheme: Scheme, equations, context: str) -> str | None:
    metric = inferred_metric(source_name, scheme, equations)
    if metric is None:
        return None
    args, result = split_function(scheme.body)
    binders = " -> ".join(f"y{j}:{render(a, 1)}" for j, a in enumerate(args, 1))
    return f"{{-@ {name} :: {context}{binders} -> {render(result, 1)} / [{metric}] @-}}"


def structural_signature(name: str, source_name: str, scheme: Scheme, measures: dict[str, str],
                         equations: list, context: str) -> str | None:
    """A refined signature with a termination metric for a recursive function whose argument
    is a recursive data type (LH cannot guess the metric of a user type by itself): the size of
    the first such argument that every recursive call passes a part of (`countN n (x : xs)`
    recurses on the list, not on `n`), or a list's length there."""
    args, result = split_function(scheme.body)
    shrinking = _structural_positions(source_name, equations)
    for i, t in enumerate(args):
        if shrinking is not None and i not in shrinking:
            continue
        if isinstance(t, TCon) and t.name in measures:
            size = f"{measures[t.name]} y{i + 1}"
        elif shrinking is not None and isinstance(t, TList):
            size = f"len y{i + 1}"
        else:
            continue
        binders = " -> ".join(f"y{j}:{render(a, 1)}" for j, a in enumerate(args, 1))
        return f"{{-@ {name} :: {context}{binders} -> {render(result, 1)} / [{size}] @-}}"
    return None


def _structural_positions(name: str, equations: list) -> set[int] | None:
    """The argument positions at which every recursive call of `name` passes a variable bound
    inside that position's constructor pattern (a structurally smaller value); None when the
    equations show no recursive call to judge by."""
    positions: set[int] | None = None
    for d in equations:
        toks = list(d.tokens)
        if not toks or toks[0].text != name:
            continue
        pats = _leading_atoms(toks[1:])
        at = 1 + sum(len(p) for p in pats)
        body = toks[at:]
        for j, t in enumerate(body):
            if t.text != name or t.kind != "varid":
                continue
            call = _leading_atoms(body[j + 1:])
            here = {i for i, (a, p) in enumerate(zip(call, pats))
                    if len(a) == 1 and a[0].kind == "varid" and len(p) > 1
                    and any(q.text == a[0].text for q in p[1:])
                    and any(q.kind == "conid" or q.text == ":" for q in p)}
            positions = here if positions is None else positions & here
    return positions


_NOT_ATOMS = {"if", "then", "else", "case", "of", "let", "in", "where", "do"}


def _leading_atoms(toks: list) -> list[list]:
    """The leading application arguments of a token list: single tokens or bracketed groups,
    up to the first operator or keyword."""
    out: list[list] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.text in ("(", "["):
            depth, j = 0, i
            while j < len(toks):
                depth += toks[j].text in ("(", "[")
                depth -= toks[j].text in (")", "]")
                if depth == 0:
                    break
                j += 1
            out.append(toks[i:j + 1])
            i = j + 1
        elif t.kind in ("varid", "conid", "number", "string", "char") and t.text not in _NOT_ATOMS:
            out.append([t])
            i += 1
        else:
            break
    return out


def _shrinks(arg: list, param: str) -> bool:
    """`(p - c)` with c > 0, or `(p `div` c)` / `(div p c)` with c > 1 (likewise quot)."""
    inner = [t.text for t in arg[1:-1]] if arg and arg[0].text == "(" else []
    if len(inner) == 3 and inner[0] == param and inner[1] == "-" and inner[2].isdigit():
        return int(inner[2]) > 0
    if len(inner) == 5 and inner[0] == param and inner[1:4] in (["`", "div", "`"], ["`", "quot", "`"]):
        return inner[4].isdigit() and int(inner[4]) > 1
    if len(inner) == 3 and inner[0] in ("div", "quot") and inner[1] == param and inner[2].isdigit():
        return int(inner[2]) > 1
    return False


def counting_down_signature(name: str, source_name: str, scheme: Scheme, equations: list,
                            context: str) -> str | None:
    """A termination metric for a recursive function of scalar arguments that counts down on an
    Int argument other than the one Liquid Haskell would pick by default (its first Int
    argument): `sumAcc acc n = if n <= 0 then acc else sumAcc (acc + n) (n - 1)` gets `/ [y2]`.
    Every recursive call must pass `(p - c)` or `(p `div` c)` for that parameter p; Liquid
    Haskell still checks that the metric stays non-negative and decreases."""
    args, result = split_function(scheme.body)
    if any(not isinstance(t, TCon) or t.args for t in args):
        return None  # lists, tuples, data types: LH's own (structural) choice stands
    ints = [i for i, t in enumerate(args) if t.name in ("Int", "Integer")]
    if len(ints) < 2:
        return None  # with one Int argument the default metric is that argument
    candidates, calls, compared = set(ints), 0, set()
    for eq in equations:
        toks = _clause_tokens(eq, source_name)
        if toks is None:
            return None
        params = _leading_atoms(toks[1:])
        if len(params) != len(args) or toks[1 + sum(len(p) for p in params)].text not in ("=", "|"):
            return None
        names = [p[0].text if len(p) == 1 and p[0].kind == "varid" else None for p in params]
        compared |= {i for i, x in enumerate(names) for a, b in zip(toks, toks[1:])
                     if x and (a.text == x and b.text in _COMPARE or b.text == x and a.text in _COMPARE)}
        for j, t in enumerate(toks[1:], 1):
            if t.kind == "varid" and t.text == source_name:
                call = _leading_atoms(toks[j + 1:])
                if len(call) < len(args):
                    return None  # partial application: no metric to read
                calls += 1
                candidates = {i for i in candidates if names[i] and _shrinks(call[i], names[i])}
    if not calls or not candidates:
        return None
    # The argument the base case tests (`n <= 0`) is the one that stays non-negative.
    k = min(candidates & compared or candidates)
    if k == ints[0]:
        return None
    binders = " -> ".join(f"y{j}:{render(a, 1)}" for j, a in enumerate(args, 1))
    return f"{{-@ {name} :: {context}{binders} -> {render(result, 1)} / [y{k + 1}] @-}}"
