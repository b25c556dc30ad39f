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
  5b. functional induction following each recursive function an entry applies to parameters
     (lock-step on two arguments where that function recurses on both), and nested induction
     on each pair of arguments (hsx/proof/induction.py);
  6. templates 1, 3, 4 and 5 again with a library of lemmas (hsx/proof/lemmas.py) about the programs'
     own append, length, sum and reverse functions and about helpers both programs define:
     each lemma comes with its proof by induction (checked by Liquid Haskell, nothing assumed)
     and is declared a rewrite rule, so the other obligations use it where it applies.

Candidates with the same text are tried once.  hsx/proof/auto.py checks them in batches and,
when none is accepted, discovers lemmas and tries them again beside those.
"""

from __future__ import annotations

from dataclasses import dataclass

from hsx.haskell.hstypes import HsType, TCon, TList, render, split_function
from hsx.haskell.tokens import tokenize
from hsx.proof import lemmas
from hsx.proof.induction import theorem_candidates, theorem_goal
from hsx.proof.equations import (arg, arity, atoms, calls, decreasing, equations, is_list, metric_for, recursive,
                                 render_tokens, unparen)
from hsx.proof.lhmodule import THEOREM, LhModule, constraint_context
from hsx.proof.metrics import inferred_metric
from hsx.proof.renaming import rename_tokens
from hsx.proof.shapes import shaped_equations

LEMMA = "hsxInd"
ACC_LEMMA = "hsxAcc"


@dataclass(frozen=True)
class ProofCandidate:
    template: str
    text: str


def candidate_proofs(lh: LhModule) -> list[ProofCandidate]:
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
    out += [ProofCandidate(t, text) for t, text in theorem_candidates(lh, LEMMA, THEOREM)]
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
# Templates

def _statement(lh: LhModule, params: list[str]) -> str:
    call = " ".join(params)
    return f"{{ {lh.entry_a} {call} == {lh.entry_b} {call} }}"


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
                    if any([render_tokens(a) for a in args] == names for args in calls(body, h, len(names))):
                        out.append(h)
    return out[:3]


def _following(lh: LhModule, entry: str, other: str, side: str) -> ProofCandidate | None:
    """Templates 2 and 3: the proof copies `entry`'s definition (or a helper's, for side
    "helper NAME", whose recursion then shapes the induction on the theorem itself)."""
    n = len(lh.params)
    if arity(lh, entry) != n:
        return None
    others = [(other, list(range(n)))]
    if side.startswith("helper"):
        others = [(lh.entry_a, list(range(n))), (lh.entry_b, list(range(n)))]
    if not recursive(lh, entry):
        lines = shaped_equations(lh, entry, THEOREM, {}, others)
        if lines is None or (len(lines) == 1 and lines[0].endswith(" = ()")
                             and all(p.isidentifier() for p in lines[0][:-5].split()[1:])):
            return None  # nothing to split on: the empty proof again
        return ProofCandidate(f"case split following {side}", "\n".join(lines))
    lines = shaped_equations(lh, entry, LEMMA, {entry: (LEMMA, n)}, others)
    if lines is None:
        return None
    metric = metric_for(lh, lh.arg_types, lh.params, decreasing(lh, entry)) or _inferred(lh, entry)
    head = _lemma_sig(lh, LEMMA, _statement(lh, list(lh.params)), lh.arg_types, lh.params, metric)
    text = "\n".join(head + lines + [f"{THEOREM} {' '.join(lh.params)} = {LEMMA} {' '.join(lh.params)}"])
    return ProofCandidate(f"recursion induction following {side}", text)


def _inferred(lh: LhModule, name: str) -> str:
    """The metric hsx/proof/metrics.py reads from `name`'s recursion (counting up, two
    arguments in turn), over the theorem's parameters; "" when there is none."""
    f = lh.functions.get(name)
    if f is None or f.scheme is None or not f.equations:
        return ""
    m = inferred_metric(f.equations[0].text.split()[0], f.scheme, list(f.equations))
    if m is None:
        return ""
    for k in range(len(lh.params), 0, -1):
        m = m.replace(f"y{k}", lh.params[k - 1])
    return f" / [{m}]"


def _wrapper(lh: LhModule, entry: str):
    """`entry v1 .. vn = go e1 .. ek` (one equation, plain variables): (vars, go, args)."""
    eqs = equations(lh, entry)
    if not eqs or len(eqs) != 1 or eqs[0].rhs[0][0] is not None:
        return None
    eq = eqs[0]
    vars_ = [p[0].text for p in eq.pats if len(p) == 1 and p[0].kind == "varid"]
    if len(vars_) != len(eq.pats) or len(set(vars_)) != len(vars_):
        return None
    body = unparen(eq.rhs[0][1])
    if not body or body[0].kind != "varid" or body[0].text not in lh.functions:
        return None
    args = atoms(body[1:])
    if args is None or arity(lh, body[0].text) != len(args):
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
    if is_list(h_res):
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
    lines = shaped_equations(lh, go, ACC_LEMMA, {go: (ACC_LEMMA, len(args))}, [(other, order)])
    if lines is None:
        return []
    metric = metric_for(lh, h_args, names, decreasing(lh, go))
    subst = dict(zip(vars_, lh.params))
    call = " ".join(rename_tokens(arg(a), subst) for a in args)
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


def _append_like(lh: LhModule) -> list[str]:
    return [f for f, kind in lemmas.recognise(lh).items() if kind == "append"]


def _step_operator(lh: LhModule, go: str, acc_pos: int) -> str | None:
    """How `go` combines its accumulator with an element, read from its recursive calls
    `go .. (acc OP x) ..` (an operator) or `go .. (f acc x) ..` (a function)."""
    eqs = equations(lh, go) or []
    n = len(eqs[0].pats) if eqs else 0
    for eq in eqs:
        accp = unparen(eq.pats[acc_pos])
        if len(accp) != 1 or accp[0].kind != "varid":
            continue
        acc_var = accp[0].text
        for _, body in eq.rhs:
            for args in calls(body, go, n):
                inner = unparen(args[acc_pos])
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
    goal = theorem_goal(lh, LEMMA)  # each case split on what the entries test there
    if isinstance(t, TList):
        step = _call(LEMMA, params, k, 'hsxYs')
        lines = _lemma_header(lh, f"len {x}") + [
            f"{_call(LEMMA, params, k, '[]')} = {goal.case_body(lh, {k: '[]'}, [])}",
            f"{_call(LEMMA, params, k, '(hsxY : hsxYs)')} = {goal.case_body(lh, {k: '(hsxY : hsxYs)'}, [step])}",
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
            lines.append(f"{_call(LEMMA, params, k, pattern)} = {goal.case_body(lh, {k: pattern}, calls)}")
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
                 *(_structural(lh, k, t) for k, t in enumerate(lh.arg_types)),
                 *(ProofCandidate(t, text) for t, text in theorem_candidates(lh, LEMMA, THEOREM))]:
        if base is None or base.template.startswith("case split"):
            continue
        out.append(ProofCandidate(f"{base.template} + lemmas ({library.names})",
                                  library.text + "\n" + base.text))
    return out

