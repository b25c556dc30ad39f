"""The instances a harness declares for a data type that both programs share.

Consumes a shared `DataDecl` (fields resolved to hsx's spelling of library types); produces the
Haskell text of its instances: QuickCheck's `Arbitrary` (sized, so recursion ends, and with
shrinking to subterms and shrunk fields), SmallCheck's `Serial` (by depth), and Hsx.Runtime's
`Aim` (aimed generation that spends the depth on a recursive field), `Same` (field-wise
comparison) and `Render` (printing as source, so that a counterexample re-reads).  The names
are qualified as the harness imports them: `T.` the types module, `P.` Prelude, `Q.`
QuickCheck, `S.` SmallCheck's series, `R.` Hsx.Runtime.
"""

from __future__ import annotations

from hsx.haskell.datatypes import DataDecl
from hsx.haskell.hstypes import HsType, TCon, walk
from hsx.haskell.libtypes import BY_NAME
from hsx.haskell.testable import BASE_CONSTRUCTORS, BASE_TYPES


def instances(decl: DataDecl) -> str:
    """The instances the harness needs for one shared data type, as Haskell text: QuickCheck's
    Arbitrary (with shrinking), SmallCheck's Serial, and Hsx.Runtime's Aim, Same and Render."""
    params = decl.params
    head = f"T.{decl.name}" if not params else f"(T.{decl.name} {' '.join(params)})"

    def ctx(cls: str, extra: str = "") -> str:
        items = ([extra] if extra else []) + [f"{cls} {p}" for p in params]
        return f"({', '.join(items)}) => " if items else ""

    def pattern(c, var: str) -> str:
        names = [f"{var}{i}" for i in range(1, len(c.fields) + 1)]
        if c.infix:
            return f"({names[0]} T.{c.name} {names[1]})"
        return f"(T.{c.name}{''.join(' ' + n for n in names)})"

    def con_ref(c) -> str:
        return f"(T.{c.name})" if c.infix else f"T.{c.name}"

    def recursive(t: HsType) -> bool:
        return any(isinstance(n, TCon) and n.name == decl.name for n in walk(t))

    def is_base(c) -> bool:
        return not any(isinstance(n, TCon) and n.name not in BASE_TYPES and n.name not in BASE_CONSTRUCTORS
                       and n.name not in BY_NAME for f in c.fields for n in walk(f))

    cons = decl.constructors
    bases = [c for c in cons if is_base(c)] or list(cons)

    def gen(c) -> str:
        if not c.fields:
            return f"P.pure {con_ref(c)}"
        fields = " P.<*> ".join("Q.resize (n `P.div` 2) Q.arbitrary" for _ in c.fields)
        return f"({con_ref(c)} P.<$> {fields})"

    lines = [f"instance {ctx('Q.Arbitrary')}Q.Arbitrary {head} where",
             "  arbitrary = Q.sized (\\n -> if n P.<= 0",
             f"    then Q.oneof [{', '.join(gen(c) for c in bases)}]",
             f"    else Q.oneof [{', '.join(gen(c) for c in cons)}])",
             "  shrink v = case v of"]
    for c in cons:
        xs = [f"x{i}" for i in range(1, len(c.fields) + 1)]
        subterms = [x for x, f in zip(xs, c.fields) if recursive(f) and isinstance(f, TCon) and f.name == decl.name]
        alts = [f"[{', '.join(subterms)}]"] if subterms else []
        for i, x in enumerate(xs):
            rebuilt = " ".join(("y" if j == i else xj) for j, xj in enumerate(xs))
            alts.append(f"[{con_ref(c)} {rebuilt} | y <- Q.shrink {x}]")
        lines.append(f"    {pattern(c, 'x')} -> {' P.++ '.join(alts) if alts else '[]'}")

    def series(c) -> str:
        if not c.fields:
            return f"P.pure {con_ref(c)}"
        return f"S.decDepth ({con_ref(c)} P.<$> {' S.<~> '.join('S.series' for _ in c.fields)})"

    def aim(c) -> str:
        if not c.fields:
            return f"P.pure {con_ref(c)}"
        k = len(c.fields)
        # The spine (the field that gets the depth) is one of the recursive fields.
        spines = [j for j, f in enumerate(c.fields, 1) if recursive(f)] or list(range(1, k + 1))
        fields = " P.<*> ".join(f"R.aimField h n spine {j}" for j in range(1, k + 1))
        return f"(Q.elements {spines} P.>>= \\spine -> {con_ref(c)} P.<$> {fields})"

    flat = [c for c in cons if not any(recursive(f) for f in c.fields)] or list(cons)
    deep = [c for c in cons if any(recursive(f) for f in c.fields)] or list(cons)
    lines += [f"instance {ctx('R.Aim')}R.Aim {head} where",
              "  aim h = Q.sized (\\n -> R.aimSized h",
              f"    [{', '.join(aim(c) for c in flat)}]",
              f"    [{', '.join(aim(c) for c in deep)}])"]

    alternatives = " S.\\/ ".join(series(c) for c in cons)
    lines += [f"instance {ctx('S.Serial m', 'P.Monad m')}S.Serial m {head} where",
              f"  series = {alternatives}"]

    lines.append(f"instance {ctx('R.Same')}R.Same {head} where")
    for c in cons:
        conj = " P.&& ".join(f"R.same x{i} y{i}" for i in range(1, len(c.fields) + 1)) or "P.True"
        lines.append(f"  same {pattern(c, 'x')} {pattern(c, 'y')} = {conj}")
    if len(cons) > 1:
        lines.append("  same _ _ = P.False")

    lines.append(f"instance {ctx('R.Render')}R.Render {head} where")
    for c in cons:
        if not c.fields:
            name = f"({c.name})" if c.infix else c.name
            lines.append(f"  renderPrec _ {pattern(c, 'x')} = P.showString \"{name}\"")
            continue
        name = f"({c.name})" if c.infix else c.name
        parts = " P.. P.showChar ' ' P.. ".join(f"R.renderPrec 11 x{i}" for i in range(1, len(c.fields) + 1))
        lines.append(f"  renderPrec d {pattern(c, 'x')} = P.showParen (d P.> 10) "
                     f"(P.showString \"{name} \" P.. {parts})")
    return "\n".join(lines)
