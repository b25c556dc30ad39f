"""Induction schemes for a statement over several variables: on any argument, on two in lock-step
following a function's own recursion, on two nested, with the hypothesis free in the others.

Consumes an `LhModule` and a statement (`Goal`: variable names and types, the refinement, the
lemma's name); produces lemma texts (signature with its termination metric, then equations) that
Liquid Haskell checks.  Used for hsx's theorem (hsx/proof/search.py) and for the conjectured
lemmas of lemma discovery (hsx/proof/explore.py).

    structural(goal, k)      case split on variable k's constructors; the hypothesis at each
                             recursive field, the other variables unchanged;
    nested(goal, j, k[, l])  case split on j, and on k inside each case of j (and on l); the
                             hypotheses at every combination of smaller and unchanged
                             variables (an induction inside the step);
    following(goal, f, pos)  functional induction: f's own equations, with f's arguments at the
                             goal's variables `pos` (any order, any subset); each recursive call
                             of f becomes a hypothesis at the same arguments, so the induction
                             goes down two arguments at once where f does (`minus (S n) (S m) =
                             minus n m`), and terminates for the reason f does.
The hypothesis is the lemma itself, universally quantified: a call may pass any value for the
variables the induction is not on (a generalised hypothesis); the templates pass them unchanged
and PLE instantiates the rest.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hsx.haskell.hstypes import HsType, TCon, TList, TVar, render, split_function
from hsx.haskell.tokens import tokenize
from hsx.proof.equations import (arg, calls, decreasing, equations, is_list, metric_for, recursive, render_tokens,
                                 unparen)
from hsx.proof.lhmodule import LhModule
from hsx.proof.renaming import rename_tokens
from hsx.proof.shapes import named_wildcards, split_on_conditions, unused_wildcards


@dataclass(frozen=True)
class Goal:
    name: str  # the lemma's name
    names: tuple[str, ...]  # its variables
    types: tuple[HsType, ...]
    statement: str  # `{ lhs == rhs }`
    context: str = ""  # class constraints, `C a => `

    def signature(self, metric: str) -> list[str]:
        binders = " -> ".join(f"{p}:{render(t, 1)}" for p, t in zip(self.names, self.types))
        hs = " -> ".join([render(t, 1) for t in self.types] + ["Proof"])
        arrow = f"{binders} -> " if binders else ""
        return [f"{{-@ {self.name} :: {self.context}{arrow}{self.statement}{metric} @-}}",
                f"{self.name} :: {self.context}{hs}"]

    def call(self, replace: dict[int, str]) -> str:
        return " ".join([self.name] + [replace.get(i, p) for i, p in enumerate(self.names)])

    def case_body(self, lh: LhModule, replace: dict[int, str], hyps: list[str]) -> str:
        """The proof of the case whose variables `replace` names by patterns: the hypotheses,
        split on the conditions the statement's functions test there (hsx/proof/shapes.py)."""
        statement = rename_tokens(self.statement, {self.names[i]: f"({p})" for i, p in replace.items()})
        scope = {t.text for p in [*replace.values(), *self.names] for t in tokenize(p) if t.kind == "varid"}
        return split_on_conditions(lh, statement, hyps, scope)


def _constructors(lh: LhModule, t: HsType) -> list[tuple[str, list[tuple[str, bool, HsType]]]] | None:
    """(pattern, [(field variable, recursive?, its type)]) per constructor of an inductive type."""
    if is_list(t):
        elem = t.elem if isinstance(t, TList) else TCon("Char")  # String
        return [("[]", []), ("(hsxH{k} : hsxT{k})", [("hsxH{k}", False, elem), ("hsxT{k}", True, t)])]
    if isinstance(t, TCon) and t.name in lh.data_types:
        decl = lh.data_types[t.name]
        out = []
        for c in decl.constructors:
            ys = [f"hsxF{{k}}_{i}" for i in range(1, len(c.fields) + 1)]
            rec = [isinstance(f, TCon) and f.name == decl.name for f in c.fields]
            pat = f"({ys[0]} {c.name} {ys[1]})" if c.infix else (f"({c.name} {' '.join(ys)})" if ys else c.name)
            out.append((pat, list(zip(ys, rec, c.fields))))
        if not any(r for _, fs in out for _, r, _ in fs):
            return None
        return out
    return None


def _metric(lh: LhModule, goal: Goal, k: int) -> str | None:
    m = metric_for(lh, goal.types, goal.names, k)
    return m or None


def structural(lh: LhModule, goal: Goal, k: int) -> str | None:
    cons = _constructors(lh, goal.types[k])
    metric = _metric(lh, goal, k)
    if cons is None or metric is None:
        return None
    lines = goal.signature(metric)
    for pat, fields in cons:
        p = pat.format(k=k)
        hyps = [goal.call({k: v.format(k=k)}) for v, rec, _ in fields if rec]
        lines.append(f"{goal.call({k: p})} = {goal.case_body(lh, {k: p}, hyps)}")
    return "\n".join(lines)


def generalised(lh: LhModule, goal: Goal, k: int, most: int = 9) -> str | None:
    """Structural induction on k whose step calls the hypothesis at other values of the other
    variables too: each takes itself, a field of the case of its type, or (a list) itself with
    a field or variable of its element type consed on, in every combination (at most `most`).
    An accumulator's lemma needs that: `lengthN (qrev xs (y : ys)) == S (lengthN (qrev xs ys))`
    goes through with the hypothesis at (x, y : ys), (y, ys) and (x, ys) in the step for x : xs."""
    cons = _constructors(lh, goal.types[k])
    metric = _metric(lh, goal, k)
    others = [i for i in range(len(goal.names)) if i != k]
    if cons is None or metric is None or not others:
        return None
    lines = goal.signature(metric)
    generalised_any = False
    for pat, fields in cons:
        p = pat.format(k=k)
        plain = {v.format(k=k): t for v, rec, t in fields if not rec}
        choices = []
        for i in others:
            t, v = goal.types[i], goal.names[i]
            options = [v] + [f for f, ft in plain.items() if ft == t]
            if isinstance(t, TList):
                heads = [f for f, ft in plain.items() if ft == t.elem] + \
                        [goal.names[j] for j in others if goal.types[j] == t.elem]
                options += [f"({h} : {v})" for h in heads]
            choices.append(list(dict.fromkeys(options)))
        hyps = [goal.call({k: v.format(k=k), **dict(zip(others, combo))})
                for v, rec, _ in fields if rec for combo in itertools.product(*choices)]
        generalised_any |= len(hyps) > sum(1 for _, rec, _ in fields if rec)
        lines.append(f"{goal.call({k: p})} = {goal.case_body(lh, {k: p}, hyps[:most])}")
    return "\n".join(lines) if generalised_any else None


def nested(lh: LhModule, goal: Goal, *positions: int) -> str | None:
    """Case split on the first position, then on the next inside each case, and so on (two or
    three variables); hypotheses at every combination where some of them are smaller and the
    rest unchanged, so the metric is lexicographic in the order given.  Three at once is what
    `max (max a b) c == max a (max b c)` takes: the hypothesis at all three predecessors."""
    cons = [_constructors(lh, goal.types[p]) for p in positions]
    metrics = [_metric(lh, goal, p) for p in positions]
    if any(c is None for c in cons) or any(m is None for m in metrics):
        return None
    # " / [a]" and " / [b]" make " / [a, b]".
    metric = " / [" + ", ".join(m.split("[", 1)[1][:-1] for m in metrics) + "]"
    lines = goal.signature(metric)
    for case in itertools.product(*cons):
        pats = {p: pat.format(k=p) for p, (pat, _) in zip(positions, case)}
        smaller = [[None] + [v.format(k=p) for v, rec, _ in fields if rec] for p, (_, fields) in zip(positions, case)]
        hyps = []
        for choice in itertools.product(*smaller):
            if all(c is None for c in choice):
                continue  # the case itself
            hyps.append(goal.call({p: (pats[p] if c is None else c) for p, c in zip(positions, choice)}))
        lines.append(f"{goal.call(pats)} = {goal.case_body(lh, pats, hyps)}")
    return "\n".join(lines)


def following(lh: LhModule, goal: Goal, f: str, positions: list[int]) -> str | None:
    """Functional induction following f, whose i-th argument is the goal's variable positions[i]."""
    eqs = equations(lh, f)
    if not eqs or len(eqs[0].pats) != len(positions) or len(set(positions)) != len(positions):
        return None
    dec = decreasing(lh, f)
    if dec is None:
        return None
    metric = _metric(lh, goal, positions[dec]) if goal.types[positions[dec]] != TCon("Int") else \
        f" / [{goal.names[positions[dec]]}]"
    if metric is None:
        return None
    others = set(goal.names) - {goal.names[p] for p in positions}
    lines = goal.signature(metric)
    for eq in eqs:
        # The equation's own variables could capture the goal's other variables: rename them.
        clash = {v: f"{v}'hsx" for v in eq.variables() if v in others}
        pats = named_wildcards([rename_tokens(render_tokens(p), clash) for p in eq.pats])
        head = goal.call({pos: pats[i] for i, pos in enumerate(positions)})  # patterns keep their brackets
        first = len(lines)
        rhs = []
        for guard, body in eq.rhs:
            toks = tokenize(rename_tokens(render_tokens(list(guard or ()) + list(body)), clash)) if (guard or body) else []
            hyps = []
            for args in calls(toks, f, len(positions)):
                hyps.append(goal.call({pos: arg(args[i]) for i, pos in enumerate(positions)}))
            proof = " &&& ".join(dict.fromkeys(hyps)) if hyps else "()"
            if guard is None and len(eq.rhs) == 1:
                proof = goal.case_body(lh, {pos: pats[i] for i, pos in enumerate(positions)}, list(dict.fromkeys(hyps)))
            g = rename_tokens(render_tokens(guard), clash) if guard else None
            rhs.append((g, proof))
        if len(rhs) == 1 and rhs[0][0] is None:
            lines.append(f"{head} = {rhs[0][1]}")
        else:
            lines.append(head)
            lines += [f"  | {g or 'otherwise'} = {p}" for g, p in rhs]
        lines[first:] = unused_wildcards("\n".join(lines[first:])).split("\n")
    return "\n".join(lines)


def call_sites(lh: LhModule, bodies: list[str], names: tuple[str, ...]) -> list[tuple[str, list[int]]]:
    """(function, positions) for every call `f v1 .. vk` of a recursive function of the module
    in the given expressions whose arguments are distinct variables among `names`."""
    out: list[tuple[str, list[int]]] = []
    for text in bodies:
        toks = tokenize(text)
        for f in lh.functions:
            eqs = equations(lh, f)
            if not eqs or not any(t.text == f for t in toks):
                continue
            n = len(eqs[0].pats)
            for args in calls(toks, f, n):
                vs = [render_tokens(unparen(a)) for a in args]
                if all(v in names for v in vs) and len(set(vs)) == n:
                    site = (f, [names.index(v) for v in vs])
                    if site not in out:
                        out.append(site)
    return out


def entry_call_sites(lh: LhModule) -> list[tuple[str, list[int]]]:
    """`call_sites` in the entries' bodies, positions being the theorem's parameters (an entry
    defined by one equation over plain variables, so that its variables are the parameters)."""
    out: list[tuple[str, list[int]]] = []
    for entry in (lh.entry_a, lh.entry_b):
        eqs = equations(lh, entry)
        if not eqs or len(eqs) != 1:
            continue
        names = tuple(render_tokens(p) for p in eqs[0].pats)
        if len(names) != len(lh.params) or not all(n.isidentifier() for n in names):
            continue
        bodies = [render_tokens(list(g or ()) + list(b)) for g, b in eqs[0].rhs]
        for site in call_sites(lh, bodies, names):
            if site[0] not in (lh.entry_a, lh.entry_b) and site not in out:
                out.append(site)
    return out


def _fits(pattern: HsType, t: HsType) -> bool:
    """Whether a value of type t can be passed where `pattern` is expected (type variables
    match anything)."""
    if isinstance(pattern, TVar):
        return True
    if isinstance(pattern, TList) and isinstance(t, TList):
        return _fits(pattern.elem, t.elem)
    if isinstance(pattern, TCon) and isinstance(t, TCon):
        return pattern.name == t.name and len(pattern.args) == len(t.args) and \
            all(_fits(a, b) for a, b in zip(pattern.args, t.args))
    return pattern == t


def _deep(pattern: list) -> bool:
    """A pattern two constructors deep: `(x : y : ys)`, `(S (S n))`."""
    return sum(1 for t in pattern if t.text == ":" or (t.kind == "conid" and t.text not in ("True", "False"))) >= 2


def deep_sites(lh: LhModule, goal: Goal) -> list[tuple[str, list[int]]]:
    """(f, [k]) for every one-argument recursive function of the module that takes its argument
    apart two constructors deep (`butlast (x : y : ys) = x : butlast (y : ys)`), and every goal
    variable k of its argument type: f's recursion is an induction scheme for the goal even
    where f is not applied to the variable itself (`butlast (app xs [x])`), and plain
    structural induction lacks its case split."""
    out = []
    for f, fn in lh.functions.items():
        eqs = equations(lh, f)
        if f in (lh.entry_a, lh.entry_b) or fn.scheme is None or not eqs or len(eqs[0].pats) != 1 \
                or not recursive(lh, f) or not any(_deep(list(e.pats[0])) for e in eqs):
            continue
        args, _ = split_function(fn.scheme.body)
        out += [(f, [k]) for k, t in enumerate(goal.types) if len(args) == 1 and _fits(args[0], t)]
    return out


def theorem_goal(lh: LhModule, name: str) -> Goal:
    """hsx's theorem restated as a lemma `name` over the parameters."""
    from hsx.proof.lhmodule import constraint_context
    call = " ".join(lh.params)
    return Goal(name, tuple(lh.params), tuple(lh.arg_types),
                f"{{ {lh.entry_a} {call} == {lh.entry_b} {call} }}", constraint_context(lh.scheme))


def theorem_candidates(lh: LhModule, lemma: str, theorem: str) -> list[tuple[str, str]]:
    """(template, proof text) of the schemes above for hsx's theorem: following each recursive
    function the entries apply to parameters, and nested induction on each pair of arguments."""
    g = theorem_goal(lh, lemma)
    close = f"{theorem} {' '.join(lh.params)} = {lemma} {' '.join(lh.params)}"
    out = []
    sites = entry_call_sites(lh)
    for f, pos in sites + [d for d in deep_sites(lh, g) if d not in sites]:
        text = following(lh, g, f, pos)
        if text:
            where = ", ".join(lh.params[p] for p in pos)
            out.append((f"functional induction following {f} ({where})", text + "\n" + close))
    n = len(lh.params)
    for size in (2, 3):
        for positions in itertools.combinations(range(n), size):
            text = nested(lh, g, *positions)
            if text:
                where = ", ".join(lh.params[p] for p in positions)
                out.append((f"nested induction on {where}", text + "\n" + close))
    return out
