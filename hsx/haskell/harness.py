"""Writes the Haskell modules that put two programs side by side for the helper.

Consumes two parsed sources (already accepted by the sandbox policy), the entries and their
common monomorphic signature; produces module texts:

* `HsxTypes_<tag>`: data types, synonyms and instances that both files declare identically
  (deriving clauses merged), so that A's `Tree` and B's `Tree` are one type;
* `HsxA_<tag>`, `HsxB_<tag>`: each file's own declarations, compiled with Safe Haskell, with
  `{-# LINE #-}` pragmas so GHC's messages point at the user's file and line;
* `HsxInputs_<tag>_<run>` (Safe): the inputs to check, from `--input` or a printed counterexample;
* `HsxHarness_<tag>_<run>`: the `Job` for Hsx.Runtime, with generated QuickCheck, SmallCheck,
  comparison and printing instances for the user's data types.

The harness imports everything qualified, so no user name can clash with hsx's.  The literals it
hands to the aimed generators are mined by `hsx.haskell.hints`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from hsx.haskell.datatypes import DataDecl
from hsx.haskell.hints import Mined, hints_record
from hsx.haskell.instances import instances
from hsx.haskell.hstypes import HsType, TCon, TFun, render, split_function, walk
from hsx.haskell.libtypes import modules_of, resolve, scope_of
from hsx.haskell.testable import KEY_TYPE, Signature, qualified
from hsx.haskell.source import Decl, HaskellSource
from hsx.haskell.tokens import SourceError


@dataclass(frozen=True)
class PairModules:
    tag: str
    files: dict[str, str]  # file name -> text
    shared: dict[str, DataDecl]  # shared data types by name
    shared_names: frozenset[str]  # every type name declared in the shared module
    # The qualifiers either program imports (`M` for `import qualified Data.Map as M`): an
    # input may use them, as the programs do.  (alias, module) pairs; one alias may name two
    # modules when the files disagree, and GHC then reports an ambiguous input.
    qualifiers: tuple[tuple[str, str], ...] = ()

    @property
    def types_module(self) -> str | None:
        return f"HsxTypes_{self.tag}" if f"HsxTypes_{self.tag}.hs" in self.files else None

    @property
    def a_module(self) -> str:
        return f"HsxA_{self.tag}"

    @property
    def b_module(self) -> str:
        return f"HsxB_{self.tag}"

    def program_files(self) -> list[str]:
        names = [f"HsxTypes_{self.tag}.hs"] if self.types_module else []
        return names + [f"{self.a_module}.hs", f"{self.b_module}.hs"]


# ------------------------------------------------------------------------------------------------
# Program modules

def _type_decls(src: HaskellSource) -> dict[str, Decl]:
    return {d.names[0]: d for d in src.decls if d.kind in ("data", "newtype", "type") and d.names}


def _shape(d: Decl):
    """What must match for two declarations to be one type: everything but `deriving`."""
    if d.data is not None:
        return dataclasses.replace(d.data, deriving=())
    return d.synonym


def _instance_head_types(d: Decl) -> set[str]:
    head = []
    for t in d.tokens[1:]:
        if t.text == "where":
            break
        head.append(t)
    return {t.text for t in head if t.kind == "conid"}


def _shared_fixities(src: HaskellSource, types: dict[str, Decl], shared: list[str],
                     label: str) -> dict[str, Decl]:
    """The file's fixity declarations of shared constructors, by their normalized text."""
    cons = {c.name for n in shared if types[n].data is not None for c in types[n].data.constructors}
    out: dict[str, Decl] = {}
    for d in src.decls:
        if d.kind != "fixity":
            continue
        ops = {t.text for t in d.tokens[1:] if t.kind != "number" and t.text not in (",", "`")}
        if ops & cons and not ops <= cons:
            raise SourceError(f"{label}:{d.start_line}: the fixity declaration '{d.text.strip()}' names "
                              f"both constructors of a shared type and other operators; hsx moves the "
                              f"shared type into a module of its own, so split the declaration in two")
        if ops & cons:
            out[" ".join(t.text for t in d.tokens)] = d
    return out


def assemble(a: HaskellSource, b: HaskellSource, tag: str, a_label: str, b_label: str) -> PairModules:
    ta, tb = _type_decls(a), _type_decls(b)
    shared = sorted(n for n in set(ta) & set(tb) if _shape(ta[n]) == _shape(tb[n]))
    moved_a: list[Decl] = [ta[n] for n in shared]
    moved_b: list[Decl] = [tb[n] for n in shared]
    # Instances of shared types have to live with the type; they must agree between the files.
    inst_a = {d.text.strip(): d for d in a.decls if d.kind == "instance" and _instance_head_types(d) & set(shared)}
    inst_b = {d.text.strip(): d for d in b.decls if d.kind == "instance" and _instance_head_types(d) & set(shared)}
    if set(inst_a) != set(inst_b):
        names = sorted(set().union(*(_instance_head_types(d) for d in [*inst_a.values(), *inst_b.values()])) & set(shared))
        raise SourceError(f"the two files declare different instances for the shared type(s) "
                          f"{', '.join(names)}; declare them identically in both or not at all")
    moved_a += list(inst_a.values())
    moved_b += list(inst_b.values())
    # Fixity declarations of shared constructors (`infixl 6 :+:`) must sit next to the
    # constructors, in the types module: GHC rejects a fixity without its declaration.
    fix_a = _shared_fixities(a, ta, shared, a_label)
    fix_b = _shared_fixities(b, tb, shared, b_label)
    if set(fix_a) != set(fix_b):
        d = next(iter([fix_a[k] for k in fix_a if k not in fix_b] or [fix_b[k] for k in fix_b if k not in fix_a]))
        raise SourceError(f"line {d.start_line}: the fixity declaration '{d.text.strip()}' of a shared "
                          f"constructor is not in both files; declare it identically in both")
    moved_a += list(fix_a.values())
    moved_b += list(fix_b.values())

    exts = sorted({e for e, _ in a.language_pragmas} | {e for e, _ in b.language_pragmas} - {"Safe"})
    files: dict[str, str] = {}
    if shared:
        parts = [_header(f"HsxTypes_{tag}", exts)]
        parts += [d.text for d in a.imports]
        for n in shared:
            parts.append(f'{{-# LINE {ta[n].start_line} "{a_label}" #-}}')
            parts.append(_merge_deriving(ta[n], tb[n]))
        for d in [*fix_a.values(), *inst_a.values()]:
            parts.append(f'{{-# LINE {d.start_line} "{a_label}" #-}}')
            parts.append(d.text)
        files[f"HsxTypes_{tag}.hs"] = "\n".join(parts) + "\n"
    for src, label, moved, module in ((a, a_label, moved_a, f"HsxA_{tag}"), (b, b_label, moved_b, f"HsxB_{tag}")):
        own = sorted({e for e, _ in src.language_pragmas} - {"Safe"})
        header = _header(module, own)
        if shared:
            header += f"\nimport HsxTypes_{tag}"
        body = _blank_lines(src, moved)
        files[f"{module}.hs"] = f'{header}\n{{-# LINE 1 "{label}" #-}}\n{body}\n'
    shared_names = frozenset(shared)
    scope = scope_of(a)
    decls = {n: _resolved(ta[n].data, scope) for n in shared if ta[n].data is not None}
    return PairModules(tag, files, decls, shared_names, input_qualifiers(a, b))


def input_qualifiers(a: HaskellSource, b: HaskellSource) -> tuple[tuple[str, str], ...]:
    """(qualifier, module) for every qualified name the two programs can write."""
    return tuple(sorted({(alias, module) for src in (a, b) for alias, module in scope_of(src).qualifiers.items()}))


def _resolved(decl: DataDecl, scope) -> DataDecl:
    """The declaration with its fields' library types in hsx's one spelling (`M.Map` with
    `import qualified Data.Map as M` becomes `Data.Map.Map`)."""
    cons = tuple(dataclasses.replace(c, fields=tuple(resolve(f, scope) for f in c.fields))
                 for c in decl.constructors)
    return dataclasses.replace(decl, constructors=cons)


def _header(module: str, extensions: list[str]) -> str:
    lines = ["{-# LANGUAGE Safe #-}"]
    if extensions:
        lines.append("{-# LANGUAGE " + ", ".join(extensions) + " #-}")
    lines.append(f"module {module} where")
    return "\n".join(lines)


def _blank_lines(src: HaskellSource, moved: list[Decl]) -> str:
    """The file's text with its module header, file pragmas and moved declarations replaced by
    empty lines, so that line numbers stay those of the user's file."""
    lines = src.text.split("\n")
    blank: set[int] = set()
    if src.header_lines:
        blank.update(range(src.header_lines[0], src.header_lines[1] + 1))
    for d in src.decls:
        if d.kind == "pragma" and d.text.lstrip().startswith("{-#") and "LANGUAGE" in d.text.upper():
            blank.update(range(d.start_line, d.end_line + 1))
    for d in moved:
        blank.update(range(d.start_line, d.end_line + 1))
    return "\n".join("" if i + 1 in blank else line for i, line in enumerate(lines))


def _merge_deriving(da: Decl, db: Decl) -> str:
    if da.data is None:
        return da.text
    classes = list(dict.fromkeys(da.data.deriving + (db.data.deriving if db.data else ())))
    tok = next((t for t in da.tokens if t.text == "deriving"), None)
    text = da.text
    if tok is not None:
        lines = text.split("\n")
        k = tok.line - da.start_line
        text = "\n".join(lines[:k] + [lines[k][:tok.col - 1].rstrip()]).rstrip()
    return text + (f"\n  deriving ({', '.join(classes)})" if classes else "")


# ------------------------------------------------------------------------------------------------
# Generated Haskell

def _args_type(sig: Signature, qualify: bool = True) -> str:
    """The argument tuple's type (or the single argument's), qualified for the harness or plain
    for the Safe inputs module."""
    def show(t: HsType) -> str:
        return qualified(t) if qualify else render(t, 1 if sig.arity == 1 else 0)
    if sig.arity == 1:
        return show(sig.args[0])
    return "(" + ", ".join(show(a) for a in sig.args) + ")"


def _library_imports(mods: PairModules, sig: Signature, needed_types: list[str]) -> list[str]:
    """The library modules the signature's types (and the needed shared types' fields) name,
    imported qualified under their own names: the spelling of hsx.haskell.libtypes."""
    types = [*sig.args, sig.result] + [f for n in needed_types for c in mods.shared[n].constructors
                                       for f in c.fields]
    modules = modules_of(types)
    if any(isinstance(n, TCon) and n.name == KEY_TYPE for t in types for n in walk(t)):
        modules.append("Hsx.Key")
    return [f"import qualified {m}" for m in modules]


def _argument(t: HsType, x: str) -> str:
    """How the harness passes argument `x` to an entry: a generated function is applied."""
    if isinstance(t, TFun):
        return f"(F.apply{'2' if len(split_function(t)[0]) == 2 else ''} {x})"
    return x


def _given(t: HsType, x: str) -> str:
    """An input given as source, in the harness's argument type (a function is wrapped)."""
    if isinstance(t, TFun):
        return f"(F.given2 {x})" if len(split_function(t)[0]) == 2 else f"(F.Given {x})"
    return x


def harness_module(mods: PairModules, run: int, entry_a: str, entry_b: str, sig: Signature,
                   needed_types: list[str], with_inputs: bool, mined: Mined = Mined()) -> tuple[str, str]:
    """Returns (file name, text) of the harness that defines `job`: the pair's `run`th, which
    imports the `run`th inputs module when `with_inputs`."""
    module = f"HsxHarness_{mods.tag}_{run}"
    n = sig.arity
    xs = [f"x{i}" for i in range(1, n + 1)]
    pat = xs[0] if n == 1 else "(" + ", ".join(xs) + ")"
    call = " ".join(_argument(t, x) for t, x in zip(sig.args, xs))
    series = "S.series" if n == 1 else f"({',' * (n - 1)}) P.<$> " + " S.<~> ".join("S.series" for _ in xs)
    imports = [
        f"import qualified {mods.a_module} as A",
        f"import qualified {mods.b_module} as B",
        "import qualified Prelude as P",
        "import qualified Hsx.Runtime as R",
        "import qualified Test.QuickCheck as Q",
        "import qualified Test.SmallCheck.Series as S",
    ]
    if mods.types_module:
        imports.append(f"import qualified {mods.types_module} as T")
    if with_inputs:
        imports.append(f"import qualified HsxInputs_{mods.tag}_{run} as I")
    library = _library_imports(mods, sig, needed_types)
    functions = any(isinstance(t, TFun) for t in sig.args)
    if library or functions:
        imports.append("import qualified Hsx.Containers")
    if functions:
        imports.append("import qualified Hsx.Function as F")
    imports += library
    args_t = _args_type(sig)
    res_t = qualified(sig.result)
    inputs = "[]"
    if with_inputs:
        given = [_given(t, x) for t, x in zip(sig.args, xs)]
        inputs = ("I.hsxInputs" if given == xs else
                  f"P.map (\\{pat} -> {given[0] if n == 1 else '(' + ', '.join(given) + ')'}) I.hsxInputs")
    text = "\n".join([
        "{-# LANGUAGE NoImplicitPrelude, FlexibleInstances, MultiParamTypeClasses, FlexibleContexts #-}",
        "{-# OPTIONS_GHC -Wno-orphans #-}",
        f"module {module} (job) where",
        *imports,
        "",
        *[instances(mods.shared[t]) for t in needed_types],
        "",
        f"type Args = {args_t}",
        "",
        "job :: R.Job",
        "job = R.Job",
        f"  {{ R.jobArity = {n}",
        "  , R.jobGen = Q.arbitrary :: Q.Gen Args",
        "  , R.jobShrink = Q.shrink :: Args -> [Args]",
        f"  , R.jobSeries = {series}",
        f"  , R.jobRender = \\{pat} -> [{', '.join(f'R.render {x}' for x in xs)}]",
        f"  , R.jobLeft = (\\{pat} -> A.{entry_a} {call}) :: Args -> {res_t}",
        f"  , R.jobRight = (\\{pat} -> B.{entry_b} {call}) :: Args -> {res_t}",
        f"  , R.jobInputs = {inputs} :: [Args]",
        "  , R.jobAim = R.aim :: R.Hints -> Q.Gen Args",
        f"  , R.jobHints = {hints_record(mined)}",
        "  }",
        "",
    ])
    return f"{module}.hs", text


def inputs_module(mods: PairModules, run: int, sig: Signature, inputs: list[tuple[str, ...]]) -> tuple[str, str]:
    """A Safe module holding the inputs as Haskell expressions, typed by the signature.  Each
    expression gets a LINE pragma so that GHC's complaints name `--input N`."""
    module = f"HsxInputs_{mods.tag}_{run}"
    lines = ["{-# LANGUAGE Safe #-}", f"module {module} (hsxInputs) where"]
    if mods.types_module:
        lines.append(f"import {mods.types_module}")
    lines += _library_imports(mods, sig, [n for n in mods.shared])
    # Qualified only: an input may write `M.fromList`, and no unqualified name of the programs'
    # imports can change what a printed counterexample (`Data.Map.fromList ...`) means.
    qualified = [f"import qualified {module}" + (f" as {alias}" if alias != module else "")
                 for alias, module in mods.qualifiers]
    # Any explicit import of Prelude turns off the implicit one, which the inputs rely on.
    lines += qualified + (["import Prelude"] if any(m == "Prelude" for _, m in mods.qualifiers) else [])
    args_t = _args_type(sig, qualify=False)
    lines += [f"hsxInputs :: [{args_t}]", "hsxInputs ="]
    rows = []
    for row in inputs:
        parts = []
        for i, expr in enumerate(row, 1):
            body = "\n".join("      " + line for line in expr.split("\n"))
            parts.append(f'{{-# LINE 1 "--input {i}" #-}}\n{body}')
        joined = ("\n    ,\n".join(f"    (\n{p}\n    )" for p in parts))
        rows.append(joined if sig.arity == 1 else f"   (\n{joined}\n   )")
    lines.append("  [\n" + "\n  ,\n".join(rows) + "\n  ]")
    return f"{module}.hs", "\n".join(lines) + "\n"
