"""The Liquid Haskell module for a pair: both programs, every function reflected, and the theorem
that hsx states itself.

Consumes two parsed sources (accepted by the sandbox), the entries, GHC's types of their
top-level functions and the pair's shared data types; produces an `LhModule` whose text has a
marked place for the proof.  The theorem is never model-written: it is built here from the
entries' common type,

    {-@ equiv :: x1:T1 -> ... -> xn:Tn -> { f x1 ... xn == g x1 ... xn } @-}
    equiv :: T1 -> ... -> Tn -> Proof

so "proved" means the entries agree on every input (the published reference let the model write
the theorem, so its proofs did not mean equivalence).  A name defined in both files is renamed
in B's copy by appending `_b` (entries included); data types declared identically in both are
kept once.  A name of the programs that Liquid Haskell already gives a meaning (`LH_RESERVED`:
`data Nat = Z | S Nat` would be read as LH's `Nat`, a refinement of Int) gets `_hsx` appended in
the module, in both copies and in a given proof; `LhModule.unrename` maps messages back.
`hsx verify --show-lh-module A.hs B.hs` prints the result.

Known limits: renaming lengthens B's identifiers, which can break a layout block that starts on
the same line after a renamed name (rare in practice: GHC then reports a compile error); `main`
is left out (hsx never runs it and IO is not reflectable).

About 450 lines, of which the `LH_RESERVED` table with its provenance is a seventh: renaming, the
module text and its line map must agree, so they are assembled in one place.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from hsx.haskell.datatypes import DataDecl
from hsx.haskell.hstypes import HsType, Scheme, TCon, render, render_scheme, split_function, walk
from hsx.haskell.source import Decl, HaskellSource
from hsx.proof.metrics import counting_down_signature, inferred_signature, structural_signature
from hsx.proof.renaming import rename_data, rename_everywhere, rename_scheme, rename_tokens, strip_annotations

THEOREM = "equiv"
RESERVED_SUFFIX = "_hsx"
PROOF_MARKER = "-- ==== proof: the equations of equiv, helper lemmas and helper functions ===="
MODULE_NAME = "HsxEquiv"

# Names that Liquid Haskell 0.9.0.2.1 gives a meaning of its own in the module hsx assembles, so
# that a program's definition of the same name is misread or rejected.  Found by running each
# candidate as a program's data type, constructor or function through the real prover, with and
# without renaming (scripts/dev/find_lh_reserved_names.py; tests/test_proof.py runs a sample):
#  - refinement type aliases of liquid-ghc-prim/liquid-base (GHC/Types.spec: `Nat`, `Even`, ...)
#    and of ProofCombinators (`Proof`, `Prop`), and `Tuple`: a program type of that name is read
#    in hsx's own specifications as the alias ("Illegal type specification", "Malformed
#    application of type alias");
#  - measures in scope (`len`, `isJust`, `fromJust`, `autolen`, `totalityError`, `prop`,
#    `isAdmit`): reflecting a program function of that name mixes it up with the measure;
#  - ProofCombinators' exports, imported unqualified (`trivial`, `QED`, `Admit`, ...): GHC reports
#    an ambiguous name;
#  - the keywords that start an annotation (`measure`, `assume`, `lazy`, ...) and words of the
#    refinement logic (`true`, `forall`, ...): hsx's own `{-@ reflect measure @-}` or theorem
#    does not parse.
# Not clashing (checked): Pos, NonZero, Max, Min, PValid, Set, Map, Expr, List, PtrN, PtrV,
# isLeft, isRight, stringlen, listElts, keys, elems, size, cast, papp1, isTrue, v, and
# constructors named like any alias.
LH_RESERVED = frozenset({
    # type aliases
    "Nat", "Even", "Odd", "GeInt", "LeInt", "BNat", "TT", "FF", "Nat64", "IncrListD", "Proof", "Prop",
    "Tuple",
    # measures
    "len", "isJust", "fromJust", "autolen", "totalityError", "prop", "isAdmit", "addrLen", "strLen",
    # ProofCombinators
    "toProof", "trivial", "unreachable", "QED", "Admit", "withProof", "impossible", "pleUnfold",
    # annotation keywords
    "assume", "assert", "autosize", "local", "axiomatize", "reflect", "measure", "define", "inline",
    "bound", "include", "invariant", "using", "predicate", "expression", "embed", "qualif",
    "decrease", "lazyvar", "lazy", "rewrite", "rewriteWith", "fail", "ple", "liquid", "relational",
    # words of the refinement logic
    "with", "exists", "forall", "true", "false",
})


@dataclass(frozen=True)
class Function:
    name: str  # as in the module (B's may carry _b)
    side: str  # "A" or "B"
    scheme: Scheme | None  # GHC's type, when known
    equations: tuple[Decl, ...]  # the source equations (original names)


@dataclass(frozen=True)
class LhModule:
    text: str  # the module with PROOF_MARKER where the proof goes
    entry_a: str
    entry_b: str  # renamed if needed
    params: tuple[str, ...]
    scheme: Scheme  # the theorem's type (A's entry type)
    functions: dict[str, Function]
    data_types: dict[str, DataDecl]  # shared data types, by name
    renamed_b: dict[str, str]  # B's original name -> name in the module
    origins: tuple[tuple[str, int] | None, ...] = field(repr=False, default=())  # per module line
    renamed: dict[str, str] = field(default_factory=dict)  # LH_RESERVED names of both programs -> module names

    @property
    def arg_types(self) -> tuple[HsType, ...]:
        return tuple(split_function(self.scheme.body)[0])

    @property
    def protected_names(self) -> set[str]:
        """Names a proof must not re-specify (reflect/measure/inline) or redefine."""
        return set(self.functions) | {THEOREM}

    def given_proof(self, proof: str) -> str:
        """A proof written against the programs' own names, in the module's names: reserved
        names are renamed in code and inside annotations alike (the programs' definitions shadow
        Liquid Haskell's, as they would in Haskell)."""
        return rename_everywhere(proof, {k: v for k, v in self._proof_names().items() if k != THEOREM})

    def unrename(self, text: str) -> str:
        """A message about the module, with the programs' own names for renamed reserved names."""
        for original, new in self._proof_names().items():
            text = re.sub(rf"(?<![\w']){re.escape(new)}(?![\w'])", original, text)
        return text

    def _proof_names(self) -> dict[str, str]:
        """`renamed`, plus the size measures hsx declares for renamed data types (a proof names
        `hsxSizeNat`, the module has `hsxSizeNat_hsx`)."""
        out = dict(self.renamed)
        for original, new in self.renamed.items():
            if f"{{-@ measure hsxSize{new} @-}}" in self.text:
                out[f"hsxSize{original}"] = f"hsxSize{new}"
        return out

    def with_proof(self, proof: str) -> str:
        return self.text.replace(PROOF_MARKER, PROOF_MARKER + "\n" + proof.rstrip() + "\n", 1)

    def line_map(self, proof: str | None = None):
        """Maps a line of `with_proof(proof)` back to (file, line) in the user's files."""
        marker = self.text.split("\n").index(PROOF_MARKER) + 1  # 1-based line of the marker
        proof_lines = proof.rstrip().count("\n") + 1 if proof is not None else 0

        def lookup(line: int) -> tuple[str, int] | None:
            if proof is not None and marker < line <= marker + proof_lines:
                return ("PROOF.hs", line - marker)
            if proof is not None and line > marker + proof_lines:
                line -= proof_lines
            if 1 <= line <= len(self.origins):
                return self.origins[line - 1]
            return None

        return lookup


class _Writer:
    """Collects module lines together with where each came from."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.origins: list[tuple[str, int] | None] = []

    def add(self, text: str, origin: tuple[str, int] | None = None) -> None:
        for i, line in enumerate(text.split("\n")):
            self.lines.append(line)
            self.origins.append((origin[0], origin[1] + i) if origin else None)


def _defined_names(src: HaskellSource) -> set[str]:
    names: set[str] = set()
    for d in src.decls:
        if d.kind in ("binding", "data", "newtype", "type", "signature"):
            names.update(d.names)
    return names


def _same_definitions(a: HaskellSource, b: HaskellSource, names: set[str], entries: set[str]) -> set[str]:
    """The functions both programs define with the same text (token for token: signature,
    equations, fixity), calling only functions that are the same too or that only one side
    could mean.  The module keeps one copy of them: B's calls then mean A's function, which is
    what they computed anyway, and a proof needs no lemma that the two copies agree."""
    def definition(src: HaskellSource, n: str) -> list[tuple[str, ...]]:
        return [tuple(t.text for t in d.tokens) for d in src.decls
                if n in d.names and d.kind in ("binding", "signature", "fixity")]

    def calls(src: HaskellSource, n: str) -> set[str]:
        return {r for d in src.decls if d.kind == "binding" and n in d.names for r in d.references}

    same = {n for n in names - entries if definition(a, n) and definition(a, n) == definition(b, n)}
    changed = True
    while changed:  # a function that calls a differing one is not the same
        changed = False
        for n in sorted(same):
            if (calls(a, n) | calls(b, n)) & (names - same - {n}):
                same.discard(n)
                changed = True
    return same


def assemble_lh_module(a: HaskellSource, b: HaskellSource, entry_a: str, entry_b: str,
                       schemes_a: dict[str, Scheme], schemes_b: dict[str, Scheme],
                       shared_types: set[str], a_label: str = "A.hs", b_label: str = "B.hs") -> LhModule:
    """`schemes_*`: GHC's types of each file's top-level functions (display form), used for the
    theorem and for functions that have no signature of their own (reflection needs one)."""
    clash = (_defined_names(a) & _defined_names(b)) - shared_types
    shared_constructors = {c.name for d in b.data_decls if d.name in shared_types for c in d.constructors}
    same = _same_definitions(a, b, clash - shared_constructors, {entry_a, entry_b})
    renamed_b = {n: n + "_b" for n in sorted(clash - shared_constructors - same) if n != "main"}
    # Reserved names in both copies (B's `_b` wins where it applies): the module's own namespace.
    # The theorem's own name too: in a proof, `equiv` always means the theorem.
    renamed = {n: n + RESERVED_SUFFIX
               for n in sorted((_defined_names(a) | _defined_names(b)) & (LH_RESERVED | {THEOREM}))}
    schemes_a = {n: rename_scheme(s, renamed) for n, s in schemes_a.items()}
    schemes_b = {n: rename_scheme(s, {**renamed, **renamed_b}) for n, s in schemes_b.items()}

    w = _Writer()
    w.add('{-@ LIQUID "--reflection" @-}\n{-@ LIQUID "--ple" @-}')
    exts = sorted({e for e, _ in a.language_pragmas} | {e for e, _ in b.language_pragmas} - {"Safe"})
    if exts:
        w.add("{-# LANGUAGE " + ", ".join(exts) + " #-}")
    w.add(f"module {MODULE_NAME} where\n\nimport Language.Haskell.Liquid.ProofCombinators")
    seen_imports: set[str] = set()
    for src, label in ((a, a_label), (b, b_label)):
        for d in src.imports:
            if d.text.strip() not in seen_imports:
                seen_imports.add(d.text.strip())
                w.add(d.text, (label, d.start_line))
    # Without this, Liquid Haskell's refinement parser reads `x : xs` as `x` cast to the sort
    # `xs`: a lemma's statement could not use the list constructor (`qrev xs (y : ys)`).
    w.add("{-@ infixr 5 : @-}")

    functions: dict[str, Function] = {}
    data_types: dict[str, DataDecl] = {}
    measures = {renamed.get(d.name, d.name): f"hsxSize{renamed.get(d.name, d.name)}" for d in a.data_decls
                if d.name in shared_types and _recursive(d)}
    for src, label, side, schemes, renaming in ((a, a_label, "A", schemes_a, renamed),
                                                (b, b_label, "B", schemes_b, {**renamed, **renamed_b})):
        w.add(f"\n-- ==== program {side} ({label}) ====")
        signed = {n for d in src.decls if d.kind == "signature" for n in d.names}
        reflected: set[str] = set()
        for d in src.decls:
            if d.kind in ("module", "import", "pragma", "annotation") or d.names == ("main",):
                continue
            if side == "B" and d.names and set(d.names) <= same:
                continue  # the same definition as A's: one copy serves both programs
            if d.kind == "signature" and "main" in d.names:
                continue
            if d.kind in ("data", "newtype", "type") and d.names and d.names[0] in shared_types:
                if side == "B":
                    continue  # kept once, from A
                if d.data is not None:
                    data_types[renamed.get(d.data.name, d.data.name)] = rename_data(d.data, renamed)
            if d.kind == "binding":
                name = d.names[0]
                module_name = renaming.get(name, name)
                if name not in reflected and (name[:1].isalpha() or name[:1] == "_"):
                    reflected.add(name)
                    w.add(f"{{-@ reflect {module_name} @-}}")
                    recursive = any(name in e.references for e in src.decls
                                    if e.kind == "binding" and e.names == (name,))
                    if recursive and name in schemes:
                        own = [e for e in src.decls if e.kind == "binding" and e.names == (name,)]
                        context = constraint_context(schemes[name])
                        metric = (structural_signature(module_name, name, schemes[name], measures, own, context)
                                  or counting_down_signature(module_name, name, schemes[name], own, context)
                                  or inferred_signature(module_name, name, schemes[name], own, context))
                        if metric:
                            w.add(metric)
                    if name not in signed and name in schemes:
                        w.add(f"{module_name} :: {render_scheme(schemes[name])}")
                functions.setdefault(module_name, Function(module_name, side, schemes.get(name), ()))
                f = functions[module_name]
                # Equations keep the `_b` names of the source (proof search adds them) but use
                # the module's names for reserved ones.
                # (B's names that get `_b` keep their source name here: equations() adds `_b`.)
                own = {k: v for k, v in renamed.items() if side == "A" or k not in renamed_b}
                eq = dataclasses.replace(d, text=rename_tokens(d.text, own)) if own else d
                functions[module_name] = Function(f.name, f.side, f.scheme, f.equations + (eq,))
            w.add(rename_tokens(strip_annotations(d.text), renaming), (label, d.start_line))

    if measures:
        w.add("\n-- ==== size measures for termination of recursion over data types (by hsx) ====")
        for name, measure in measures.items():
            w.add(_size_measure(data_types[name], measure))

    scheme = schemes_a[entry_a]
    args, _ = split_function(scheme.body)
    params = tuple(f"x{i}" for i in range(1, len(args) + 1))
    f_name = renamed.get(entry_a, entry_a)
    g = renamed_b.get(entry_b, renamed.get(entry_b, entry_b))
    binders = " -> ".join(f"{p}:{render(t, 1)}" for p, t in zip(params, args))
    call = " ".join(params)
    ctx = constraint_context(scheme)
    proof_type = " -> ".join([render(t, 1) for t in args] + ["Proof"])
    # A proof by induction on a data-type argument terminates by that argument's size; the
    # metric changes only how termination of the proof is checked, never what is proved.
    metric = next((f" / [{measures[t.name]} {p}]" for p, t in zip(params, args)
                   if isinstance(t, TCon) and t.name in measures), "")
    w.add("\n-- ==== theorem (stated by hsx from the entries' common type) ====")
    w.add(f"{{-@ {THEOREM} :: {ctx}{binders} -> {{ {f_name} {call} == {g} {call} }}{metric} @-}}")
    w.add(f"{THEOREM} :: {ctx}{proof_type}")
    w.add("")
    w.add(PROOF_MARKER)
    return LhModule("\n".join(w.lines) + "\n", f_name, g, params, scheme, functions, data_types,
                    renamed_b, tuple(w.origins) + (None,), renamed)


def constraint_context(scheme: Scheme) -> str:
    """`(C a, D b) => ` for a scheme's constraints, or nothing."""
    if not scheme.constraints:
        return ""
    items = ", ".join(f"{c} {render(t, 2)}" for c, t in scheme.constraints)
    return f"({items}) => " if len(scheme.constraints) > 1 else f"{items} => "


def _recursive(d: DataDecl) -> bool:
    return any(isinstance(n, TCon) and n.name == d.name for c in d.constructors for f in c.fields
               for n in walk(f))


def _size_measure(d: DataDecl, measure: str) -> str:
    """A size measure (as in the SafeDataType fixture): 1 + the sizes of the direct recursive
    fields, so every recursive call on a sub-term decreases it."""
    head = d.name if not d.params else f"({d.name} {' '.join(d.params)})"
    lines = [f"{{-@ measure {measure} @-}}", f"{{-@ {measure} :: {head} -> Nat @-}}",
             f"{measure} :: {head} -> Int"]
    for c in d.constructors:
        xs = [f"x{i}" for i in range(1, len(c.fields) + 1)]
        rec = [x for x, f in zip(xs, c.fields) if isinstance(f, TCon) and f.name == d.name]
        pattern = f"({xs[0]} {c.name} {xs[1]})" if c.infix else \
            (f"({c.name} {' '.join(xs)})" if xs else c.name)
        body = " + ".join(["1"] + [f"{measure} {x}" for x in rec]) if rec else "0"
        lines.append(f"{measure} {pattern} = {body}")
    return "\n".join(lines)
