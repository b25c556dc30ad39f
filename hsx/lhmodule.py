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
kept once.  `hsx verify --show-lh-module A.hs B.hs` prints the result.

Known limits: renaming lengthens B's identifiers, which can break a layout block that starts on
the same line after a renamed name (rare in practice: GHC then reports a compile error); `main`
is left out (hsx never runs it and IO is not reflectable).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hsx.hstypes import HsType, Scheme, TCon, render, render_scheme, split_function, walk
from hsx.source import DataDecl, Decl, HaskellSource, tokenize

THEOREM = "equiv"
PROOF_MARKER = "-- ==== proof: the equations of equiv, helper lemmas and helper functions ===="
MODULE_NAME = "HsxEquiv"


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

    @property
    def arg_types(self) -> tuple[HsType, ...]:
        return tuple(split_function(self.scheme.body)[0])

    @property
    def protected_names(self) -> set[str]:
        """Names a proof must not re-specify (reflect/measure/inline) or redefine."""
        return set(self.functions) | {THEOREM}

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


def rename_tokens(text: str, renaming: dict[str, str]) -> str:
    """Renames identifiers (not inside strings or comments) in a piece of Haskell."""
    if not renaming:
        return text
    lines = text.split("\n")
    # Rewrite right to left within each line so earlier columns stay valid.
    by_line: dict[int, list] = {}
    for t in tokenize(text):
        if t.kind in ("varid", "conid") and t.text in renaming:
            by_line.setdefault(t.line, []).append(t)
    for line_no, toks in by_line.items():
        line = lines[line_no - 1]
        for t in sorted(toks, key=lambda t: t.col, reverse=True):
            start = t.col - 1
            line = line[:start] + renaming[t.text] + line[start + len(t.text):]
        lines[line_no - 1] = line
    return "\n".join(lines)


def strip_annotations(text: str) -> str:
    """Blanks every `{-@ ... @-}` annotation (keeping line structure).  Program text is untrusted:
    its annotations could switch checking off (`ignore`, `assume`, `lazy`, LIQUID options) or
    re-specify functions, so only hsx's own annotations reach Liquid Haskell."""
    lines = text.split("\n")
    for t in tokenize(text):
        if t.kind != "annotation":
            continue
        body = t.text.split("\n")
        for i, part in enumerate(body):
            row = t.line - 1 + i
            start = t.col - 1 if i == 0 else 0
            lines[row] = lines[row][:start] + " " * len(part) + lines[row][start + len(part):]
    return "\n".join(lines)


def _defined_names(src: HaskellSource) -> set[str]:
    names: set[str] = set()
    for d in src.decls:
        if d.kind in ("binding", "data", "newtype", "type", "signature"):
            names.update(d.names)
    return names


def assemble_lh_module(a: HaskellSource, b: HaskellSource, entry_a: str, entry_b: str,
                       schemes_a: dict[str, Scheme], schemes_b: dict[str, Scheme],
                       shared_types: set[str], a_label: str = "A.hs", b_label: str = "B.hs") -> LhModule:
    """`schemes_*`: GHC's types of each file's top-level functions (display form), used for the
    theorem and for functions that have no signature of their own (reflection needs one)."""
    clash = (_defined_names(a) & _defined_names(b)) - shared_types
    shared_constructors = {c.name for d in b.data_decls if d.name in shared_types for c in d.constructors}
    renamed_b = {n: n + "_b" for n in sorted(clash - shared_constructors) if n != "main"}

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

    functions: dict[str, Function] = {}
    data_types: dict[str, DataDecl] = {}
    measures = {d.name: f"hsxSize{d.name}" for d in a.data_decls
                if d.name in shared_types and _recursive(d)}
    for src, label, side, schemes, renaming in ((a, a_label, "A", schemes_a, {}),
                                                (b, b_label, "B", schemes_b, renamed_b)):
        w.add(f"\n-- ==== program {side} ({label}) ====")
        signed = {n for d in src.decls if d.kind == "signature" for n in d.names}
        reflected: set[str] = set()
        for d in src.decls:
            if d.kind in ("module", "import", "pragma", "annotation") or d.names == ("main",):
                continue
            if d.kind == "signature" and "main" in d.names:
                continue
            if d.kind in ("data", "newtype", "type") and d.names and d.names[0] in shared_types:
                if side == "B":
                    continue  # kept once, from A
                if d.data is not None:
                    data_types[d.data.name] = d.data
            if d.kind == "binding":
                name = d.names[0]
                module_name = renaming.get(name, name)
                if name not in reflected and (name[:1].isalpha() or name[:1] == "_"):
                    reflected.add(name)
                    w.add(f"{{-@ reflect {module_name} @-}}")
                    recursive = any(name in e.references for e in src.decls
                                    if e.kind == "binding" and e.names == (name,))
                    if recursive and name in schemes:
                        metric = _metric_signature(module_name, schemes[name], measures)
                        if metric:
                            w.add(metric)
                    if name not in signed and name in schemes:
                        w.add(f"{module_name} :: {render_scheme(schemes[name])}")
                functions.setdefault(module_name, Function(module_name, side, schemes.get(name), ()))
                f = functions[module_name]
                functions[module_name] = Function(f.name, f.side, f.scheme, f.equations + (d,))
            w.add(rename_tokens(strip_annotations(d.text), renaming), (label, d.start_line))

    if measures:
        w.add("\n-- ==== size measures for termination of recursion over data types (by hsx) ====")
        for name, measure in measures.items():
            w.add(_size_measure(data_types[name], measure))

    scheme = schemes_a[entry_a]
    args, _ = split_function(scheme.body)
    params = tuple(f"x{i}" for i in range(1, len(args) + 1))
    g = renamed_b.get(entry_b, entry_b)
    binders = " -> ".join(f"{p}:{render(t, 1)}" for p, t in zip(params, args))
    call = " ".join(params)
    ctx = constraint_context(scheme)
    proof_type = " -> ".join([render(t, 1) for t in args] + ["Proof"])
    # A proof by induction on a data-type argument terminates by that argument's size; the
    # metric changes only how termination of the proof is checked, never what is proved.
    metric = next((f" / [{measures[t.name]} {p}]" for p, t in zip(params, args)
                   if isinstance(t, TCon) and t.name in measures), "")
    w.add("\n-- ==== theorem (stated by hsx from the entries' common type) ====")
    w.add(f"{{-@ {THEOREM} :: {ctx}{binders} -> {{ {entry_a} {call} == {g} {call} }}{metric} @-}}")
    w.add(f"{THEOREM} :: {ctx}{proof_type}")
    w.add("")
    w.add(PROOF_MARKER)
    return LhModule("\n".join(w.lines) + "\n", entry_a, g, params, scheme, functions, data_types,
                    renamed_b, tuple(w.origins) + (None,))


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


def _metric_signature(name: str, scheme: Scheme, measures: dict[str, str]) -> str | None:
    """A refined signature with a termination metric for a recursive function whose argument
    is a recursive data type (LH cannot guess the metric of a user type by itself)."""
    args, result = split_function(scheme.body)
    for i, t in enumerate(args):
        if isinstance(t, TCon) and t.name in measures:
            binders = " -> ".join(f"y{j}:{render(a, 1)}" for j, a in enumerate(args, 1))
            return (f"{{-@ {name} :: {constraint_context(scheme)}{binders} -> {render(result, 1)} "
                    f"/ [{measures[t.name]} y{i + 1}] @-}}")
    return None
