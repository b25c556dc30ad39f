"""A small library of lemmas about the pool's own list helpers, proved in the proof text itself.

Consumes an `LhModule`; produces a `Library` (proof text with lemmas and their proofs), or None.
The programs define their own append, length, sum and reverse (`appL`, `joinL`, `lenL`,
`slowRev`, ...): Liquid Haskell knows nothing about them beyond their reflected equations, and
the proofs that relate an accumulator version to a naive one need their algebra (append is
associative and has [] as right identity, the length or sum of an append, the reverse of an
append).  This module recognises such functions by the shape of their equations (any names) and
writes, for each one found, the lemma *with its proof by induction*.  Nothing is assumed: the
lemmas are ordinary proof text, checked by Liquid Haskell with the rest of the proof and subject
to the same proof-text policy.

Each lemma is declared a rewrite rule (`{-@ rewrite hsxAppAssoc @-}`, Liquid Haskell's REST
rewriting, 0.8.10 and later): a proved equation that Liquid Haskell may use from left to right
while checking the other obligations, so the templates of hsx/proof/search.py need not guess the
arguments at which to call it.  Rewriting uses only proved lemmas (a rule is not available in
its own proof), so it adds no trust.
"""

from __future__ import annotations

from dataclasses import dataclass

from hsx.haskell.hstypes import TCon, TList, render, split_function
from hsx.haskell.tokens import tokenize
from hsx.proof.equations import arity, decreasing, equations, metric_for, recursive
from hsx.proof.lhmodule import LhModule, constraint_context
from hsx.proof.renaming import rename_tokens
from hsx.proof.shapes import shaped_equations


@dataclass(frozen=True)
class Library:
    text: str  # lemma signatures, rewrite declarations and proofs
    names: str  # for template names: "append, reverse"


# Shapes of definitions, with the function written F and the variables numbered in order of
# appearance (see `_shape`).  Each kind lists the equation shapes it accepts (in order).
_SHAPES = {
    "append": [("F [] v1 = v1", "F (v1 : v2) v3 = v1 : F v2 v3")],
    "length": [("F [] = 0", "F (_ : v1) = 1 + F v1"), ("F [] = 0", "F (_ : v1) = F v1 + 1"),
               ("F [] = 0", "F (v1 : v2) = 1 + F v2"), ("F [] = 0", "F (v1 : v2) = F v2 + 1")],
    "sum": [("F [] = 0", "F (v1 : v2) = v1 + F v2"), ("F [] = 0", "F (v1 : v2) = F v2 + v1")],
    # reverse with the pair's append: `F (x : xs) = APP (F xs) [x]`
    "reverse": [("F [] = []", "F (v1 : v2) = APP (F v2) [v1]")],
}


def _shape(text: str, name: str, append: str | None = None) -> str:
    toks = tokenize(text)
    names: dict[str, str] = {}
    out = []
    for t in toks:
        if t.text == name:
            out.append("F")
        elif append is not None and t.text == append:
            out.append("APP")
        elif t.kind == "varid" and t.text != "_":
            names.setdefault(t.text, f"v{len(names) + 1}")
            out.append(names[t.text])
        else:
            out.append(t.text)
    s = " ".join(out)
    for a, b in (("( ", "("), (" )", ")"), ("[ ]", "[]"), ("[ ", "["), (" ]", "]")):
        s = s.replace(a, b)
    return s


def recognise(lh: LhModule) -> dict[str, str]:
    """Function name (as in the module) -> kind, for the functions whose equations have one of
    the shapes above."""
    found: dict[str, str] = {}
    for pass_ in (0, 1):  # reverse needs the append found first
        appends = [f for f, k in found.items() if k == "append"]
        for name, f in lh.functions.items():
            if name in found or f.scheme is None or len(f.equations) != 2:
                continue
            renaming = lh.renamed_b if f.side == "B" else {}
            texts = [rename_tokens(d.text, renaming) for d in f.equations]
            for kind, shapes in _SHAPES.items():
                if (kind == "reverse") != (pass_ == 1):
                    continue
                for app in (appends if kind == "reverse" else [None]):
                    got = tuple(_shape(t, name, app) for t in texts)
                    if got in shapes:
                        found[name] = kind
                        if kind == "reverse":
                            found[f"{name}\0app"] = app  # which append it uses
    return found


def libraries_for(lh: LhModule) -> list[Library]:
    """The lemmas about append-like helpers, and (a second library) those plus the lemmas that
    each helper both programs define (`h` and B's `h_b`) computes the same."""
    out = []
    base = library_for(lh)
    if base is not None:
        out.append(base)
    same = _same_helpers(lh)
    if same:
        text = "\n".join(([base.text] if base else []) + same)
        out.append(Library(text, (base.names + ", " if base else "") + "shared helpers"))
    return out


def _same_helpers(lh: LhModule) -> list[str]:
    """`h_b x1 .. xn == h x1 .. xn` for each helper defined in both programs with the same type,
    proved by recursion induction following A's definition, declared a rewrite rule (B's
    helper rewrites to A's)."""
    blocks = []
    shared: dict[str, tuple[str, int]] = {}  # helper -> (its lemma, arity)
    for orig, renamed in sorted(lh.renamed_b.items()):
        if orig in (lh.entry_a,) or renamed == lh.entry_b:
            continue
        a, b = lh.functions.get(orig), lh.functions.get(renamed)
        if a is None or b is None or a.scheme is None or b.scheme is None or a.scheme != b.scheme:
            continue
        n = arity(lh, orig)
        if n and arity(lh, renamed) == n:
            shared[orig] = (f"hsxSame_{orig}", n)
    for orig, (name, n) in shared.items():
        renamed, a = lh.renamed_b[orig], lh.functions[orig]
        rec = recursive(lh, orig)
        # Calls of other shared helpers (`eqN n x` in countN's `if`) get their lemma too: where
        # A's copy takes a branch, the lemma tells PLE that B's copy takes the same one.
        used = {g: shared[g] for g in shared if g != orig and g in _called(lh, orig)}
        calls = {**({orig: (name, n)} if rec else {}), **used}
        args, _ = split_function(a.scheme.body)
        names = [f"hsxQ{i}" for i in range(1, n + 1)]
        lines = shaped_equations(lh, orig, name, calls, [(renamed, list(range(n)))])
        if lines is None:
            continue
        metric = metric_for(lh, args, names, decreasing(lh, orig)) if rec else ""
        binders = " -> ".join(f"{p}:{render(t, 1)}" for p, t in zip(names, args))
        ctx = constraint_context(a.scheme)
        hs = " -> ".join([render(t, 1) for t in args] + ["Proof"])
        call = " ".join(names)
        blocks.append("\n".join([f"{{-@ rewrite {name} @-}}",
                                 f"{{-@ {name} :: {ctx}{binders} -> {{ {renamed} {call} == {orig} {call} }}{metric} @-}}",
                                 f"{name} :: {ctx}{hs}", *lines]))
    return blocks


def _called(lh: LhModule, f: str) -> set[str]:
    """The module's functions that f's equations call."""
    names = {t.text for eq in equations(lh, f) for guard, body in eq.rhs for t in [*(guard or ()), *body]}
    return names & set(lh.functions)


def library_for(lh: LhModule) -> Library | None:
    kinds = recognise(lh)
    appends = [f for f, k in kinds.items() if k == "append"]
    if not appends:
        return None
    blocks: list[str] = []
    used: list[str] = []
    for app in appends:
        args, _ = split_function(lh.functions[app].scheme.body)
        lt = args[0]
        if not isinstance(lt, TList) and lt != TCon("String"):
            continue
        t = render(lt, 1)
        nil, assoc = f"hsxAppNil_{app}", f"hsxAppAssoc_{app}"
        blocks.append(_lemma(nil, f"xs:{t} -> {{ {app} xs [] == xs }}", [t],
                             [f"{nil} [] = ()", f"{nil} (_ : xs) = {nil} xs"]))
        blocks.append(_lemma(assoc, f"xs:{t} -> ys:{t} -> zs:{t} -> "
                                    f"{{ {app} ({app} xs ys) zs == {app} xs ({app} ys zs) }}", [t, t, t],
                             [f"{assoc} [] _ _ = ()", f"{assoc} (_ : xs) ys zs = {assoc} xs ys zs"]))
        used.append("append")
        for f, kind in sorted(kinds.items()):
            if "\0" in f:
                continue
            fargs, _ = split_function(lh.functions[f].scheme.body)
            if not fargs or render(fargs[0], 1) != t:
                continue
            if kind in ("length", "sum"):
                name = f"hsx{'Len' if kind == 'length' else 'Sum'}App_{f}"
                blocks.append(_lemma(name, f"xs:{t} -> ys:{t} -> {{ {f} ({app} xs ys) == {f} xs + {f} ys }}",
                                     [t, t], [f"{name} [] _ = ()", f"{name} (_ : xs) ys = {name} xs ys"]))
                used.append(kind)
            elif kind == "reverse" and kinds.get(f"{f}\0app") == app:
                ra, rr = f"hsxRevApp_{f}", f"hsxRevRev_{f}"
                blocks.append(_lemma(ra, f"xs:{t} -> ys:{t} -> {{ {f} ({app} xs ys) == {app} ({f} ys) ({f} xs) }}",
                                     [t, t], [f"{ra} [] ys = {nil} ({f} ys)",
                                              f"{ra} (x : xs) ys = {ra} xs ys &&& {assoc} ({f} ys) ({f} xs) [x]"]))
                blocks.append(_lemma(rr, f"xs:{t} -> {{ {f} ({f} xs) == xs }}", [t],
                                     [f"{rr} [] = ()", f"{rr} (x : xs) = {ra} ({f} xs) [x] &&& {rr} xs"]))
                used.append("reverse")
    if not blocks:
        return None
    return Library("\n".join(blocks), ", ".join(dict.fromkeys(used)))


def _lemma(name: str, spec: str, types: list[str], equations: list[str]) -> str:
    hs = " -> ".join(types + ["Proof"])
    return "\n".join([f"{{-@ rewrite {name} @-}}", f"{{-@ {name} :: {spec} @-}}", f"{name} :: {hs}",
                      *equations])
