"""Automatic proof search: candidate proofs of hsx's theorem, cheapest first.

Consumes an `LhModule`; produces `ProofCandidate`s (a template name and proof text) that the
verifier tries in order with Liquid Haskell until one is accepted or the budget is spent.  Every
candidate goes through the same proof-text policy as a model's proof, and the theorem stays
hsx's own: a template can only add lemmas, each with its own signature, and `equiv`'s equations.

Templates, in order:
  1. empty: `equiv x1 .. xn = ()`, for pairs that PLE proves by unfolding alone;
  2. structural induction on each argument of inductive type (lists, shared data types): a
     lemma restating the theorem with a termination metric on that argument, one equation per
     constructor, recursive calls on the sub-terms of that type;
  3. natural-number induction on each Int argument (base case at 0 and below);
  4. accumulator generalisation (as in the SafeInduction fixture): when one entry is
     `entry xs = go c xs`, a lemma `go acc xs == acc OP other xs` (OP one of + * && ||, or
     `other xs ++ acc` for lists) whose inductive step mirrors go's own recursive equation.
"""

from __future__ import annotations

from dataclasses import dataclass

from hsx.hstypes import HsType, TCon, TList, render, split_function
from hsx.lhmodule import THEOREM, LhModule, constraint_context, rename_tokens
from hsx.source import tokenize

LEMMA = "hsxInd"
ACC_LEMMA = "hsxAcc"
ACC_OPERATORS = ("+", "*", "&&", "||")


@dataclass(frozen=True)
class ProofCandidate:
    template: str
    text: str


def candidate_proofs(lh: LhModule) -> list[ProofCandidate]:
    out = [ProofCandidate("empty", f"{THEOREM} {' '.join(lh.params)} = ()")]
    for k, t in enumerate(lh.arg_types):
        c = _structural(lh, k, t)
        if c is not None:
            out.append(c)
    for k, t in enumerate(lh.arg_types):
        if t == TCon("Int"):
            out.append(_natural(lh, k))
    out += _accumulator(lh)
    return out


def _statement(lh: LhModule, params: list[str]) -> str:
    call = " ".join(params)
    return f"{{ {lh.entry_a} {call} == {lh.entry_b} {call} }}"


def _lemma_header(lh: LhModule, metric: str) -> list[str]:
    binders = " -> ".join(f"{p}:{render(t, 1)}" for p, t in zip(lh.params, lh.arg_types))
    ctx = constraint_context(lh.scheme)
    types = " -> ".join([render(t, 1) for t in lh.arg_types] + ["Proof"])
    return [f"{{-@ {LEMMA} :: {ctx}{binders} -> {_statement(lh, list(lh.params))} / [{metric}] @-}}",
            f"{LEMMA} :: {ctx}{types}"]


def _call(name: str, params: list[str], k: int, arg: str) -> str:
    args = list(params)
    args[k] = arg
    return f"{name} {' '.join(args)}"


def _structural(lh: LhModule, k: int, t: HsType) -> ProofCandidate | None:
    params = list(lh.params)
    x = params[k]
    lines: list[str]
    if isinstance(t, TList):
        lines = _lemma_header(lh, f"len {x}") + [
            f"{_call(LEMMA, params, k, '[]')} = ()",
            f"{_call(LEMMA, params, k, '(hsxY : hsxYs)')} = {_call(LEMMA, params, k, 'hsxYs')}",
        ]
        kind = "list"
    elif isinstance(t, TCon) and t.name in lh.data_types:
        decl = lh.data_types[t.name]
        recursive = any(isinstance(f, TCon) and f.name == decl.name for c in decl.constructors for f in c.fields)
        if not recursive:
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


def _accumulator(lh: LhModule) -> list[ProofCandidate]:
    """`entry xs = go c xs` on one side, the other entry recursive: generalise over the
    accumulator.  Only single-argument list entries and two-argument helpers."""
    if len(lh.arg_types) != 1 or not isinstance(lh.arg_types[0], TList):
        return []
    out: list[ProofCandidate] = []
    for entry, other in ((lh.entry_b, lh.entry_a), (lh.entry_a, lh.entry_b)):
        f = lh.functions.get(entry)
        if f is None or len(f.equations) != 1:
            continue
        renaming = lh.renamed_b if f.side == "B" else {}
        eq = f.equations[0]
        toks = tokenize(rename_tokens(eq.text, renaming))
        eq_at = next((i for i, t in enumerate(toks) if t.text == "="), None)
        if eq_at is None or eq_at != 2 or toks[1].kind != "varid":
            continue  # want exactly `entry xs = ...`
        param = toks[1].text
        body = toks[eq_at + 1:]
        if not body or body[0].text not in lh.functions or any(t.text in ("where", "|") for t in toks):
            continue
        helper = lh.functions[body[0].text]
        if helper.scheme is None or len(helper.equations) < 2:
            continue
        h_args, h_res = split_function(helper.scheme.body)
        if len(h_args) != 2:
            continue
        list_pos = next((i for i, a in enumerate(h_args) if isinstance(a, TList)), None)
        if list_pos is None:
            continue
        acc_pos = 1 - list_pos
        step = _recursive_step(helper, lh)
        if step is None:
            continue
        names = ["hsxP1", "hsxP2"]
        acc, xs = names[acc_pos], names[list_pos]
        lhs_call = f"{helper.name} {' '.join(names)}"
        base_args = list(names)
        base_args[list_pos] = "[]"
        base = f"{ACC_LEMMA} {' '.join(base_args)} = ()"
        body_text = rename_tokens(eq.text.split("=", 1)[1].strip(), {param: "x1", **renaming})
        body_text = rename_tokens(body_text, {helper.name: ACC_LEMMA})
        binders = " -> ".join(f"{n}:{render(a, 1)}" for n, a in zip(names, h_args))
        types = " -> ".join([render(a, 1) for a in h_args] + ["Proof"])
        combos = [f"{acc} {op} {other} {xs}" for op in ACC_OPERATORS]
        if isinstance(h_res, TList):
            combos = [f"{other} {xs} ++ {acc}"]
        own = _step_operator(step, acc_pos)
        if own is not None:  # the helper's own way of combining: try it first
            combos.insert(0, f"{acc} {own} {other} {xs}" if own[0] not in "abcdefghijklmnopqrstuvwxyz_"
                          else f"{own} {acc} ({other} {xs})")
            combos = list(dict.fromkeys(combos))
        for combo in combos:
            text = "\n".join([
                f"{{-@ {ACC_LEMMA} :: {binders} -> {{ {lhs_call} == {combo} }} / [len {xs}] @-}}",
                f"{ACC_LEMMA} :: {types}",
                base,
                step,
                f"{THEOREM} x1 = {body_text}",
            ])
            out.append(ProofCandidate(f"accumulator lemma ({helper.name}: {combo})", text))
    return out


def _recursive_step(helper, lh: LhModule) -> str | None:
    """The helper's recursive equation with the helper renamed to the lemma, when it is a plain
    tail call (`go acc (x : xs) = go (acc + x) xs`)."""
    renaming = lh.renamed_b if helper.side == "B" else {}
    for eq in helper.equations:
        text = rename_tokens(eq.text, renaming)
        toks = tokenize(text)
        eq_at = next((i for i, t in enumerate(toks) if t.text == "="), None)
        if eq_at is None or any(t.text in ("where", "|", "if", "case", "let") for t in toks):
            continue
        rhs = toks[eq_at + 1:]
        if rhs and rhs[0].text == helper.name:
            return rename_tokens(text, {helper.name: ACC_LEMMA})
    return None


def _arg_groups(toks: list) -> list[list]:
    """Splits application arguments at top level: `f a (b + c) d` -> [a], [( b + c )], [d]."""
    groups: list[list] = []
    depth = 0
    for t in toks:
        if depth == 0:
            groups.append([])
        groups[-1].append(t)
        depth += t.text in ("(", "[")
        depth -= t.text in (")", "]")
    return groups


def _step_operator(step: str, acc_pos: int) -> str | None:
    """How the helper combines its accumulator with an element, read from its recursive step
    `go acc (x : xs) = go (acc OP x) xs` (an operator) or `go (f acc x) xs` (a function)."""
    toks = tokenize(step)
    eq = next(i for i, t in enumerate(toks) if t.text == "=")
    lhs, rhs = _arg_groups(toks[1:eq]), _arg_groups(toks[eq + 2:])
    if len(lhs) != 2 or len(rhs) != 2 or len(lhs[acc_pos]) != 1:
        return None
    acc_var = lhs[acc_pos][0].text
    inner = rhs[acc_pos][1:-1] if rhs[acc_pos][0].text == "(" else []
    if len(inner) == 3 and inner[0].text == acc_var and inner[1].kind == "varsym":
        return inner[1].text
    if len(inner) == 3 and inner[0].kind == "varid" and inner[1].text == acc_var:
        return inner[0].text
    return None
