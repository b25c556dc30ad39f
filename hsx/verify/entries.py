"""Entries and the common signature: which function of each program is compared, at which type.

Consumes the two parsed programs, their assembled modules (hsx.haskell.harness) and GHC's printed
types; produces the entry of each side (`pick_entry`), `hsx.verdict.Entry` records in the user's
own words (`display_type`), and the monomorphic `testable.Signature` both are tested at
(`common_signature`).  Every way a pair fails here ends the pipeline with a finished Result
(`Stop`): no entry, several, different types, or a type hsx cannot test.
"""

from __future__ import annotations

from hsx.haskell import harness, testable
from hsx.haskell.hstypes import (HsType, Scheme, TCon, TypeParseError, canonical, expand_synonyms, map_type,
                                 parse_scheme, render, split_function, substitute, type_vars)
from hsx.haskell.libtypes import resolve, respell, scope_of
from hsx.haskell.source import HaskellSource
from hsx.verdict import ErrorKind, error
from hsx.verify.stops import Stop

# Type classes that Int cannot satisfy but Double can: a variable constrained by one of these is
# tested at Double instead of Int.
FRACTIONAL_CLASSES = frozenset({"Fractional", "Floating", "RealFrac", "RealFloat"})


def named_functions(src: HaskellSource) -> list[str]:
    return [n for n in src.function_names() if n[:1].isalpha() or n[:1] == "_"]


def candidates(src: HaskellSource, forced: str | None, side: str) -> list[str]:
    if forced is not None:
        if forced not in src.function_names():
            raise Stop(error(ErrorKind.ENTRY, f"--entry for {side}: {src.path} defines no top-level "
                             f"function {forced!r} (it defines: {', '.join(src.function_names()) or 'nothing'})"))
        return [forced]
    cands = [c for c in src.entry_candidates() if c[:1].isalpha() or c[:1] == "_"]
    if not cands:
        raise Stop(error(ErrorKind.ENTRY, f"{src.path}: no entry function: every top-level function "
                         f"is used by another ({', '.join(src.function_names()) or 'none defined'}); "
                         f"name one with --entry"))
    return cands


def pick_entry(cands: list[str], types: dict[str, str], module: str, mods: harness.PairModules,
                src: HaskellSource, side: str, forced: bool) -> tuple[str, Scheme]:
    schemes = {c: scheme(types[f"{module}.{c}"], mods, src) for c in cands}
    functions = [c for c in cands if split_function(schemes[c].body)[0]]
    if forced:
        if not functions:
            raise Stop(error(ErrorKind.ENTRY, f"{src.path}: {cands[0]} :: {types[f'{module}.{cands[0]}']} "
                             f"is not a function"))
        return functions[0], schemes[functions[0]]
    if len(functions) == 1:
        return functions[0], schemes[functions[0]]
    listing = ", ".join(f"{c} :: {types[f'{module}.{c}']}" for c in (functions or cands))
    if not functions:
        raise Stop(error(ErrorKind.ENTRY, f"{src.path}: no entry function among the unused top-level "
                         f"definitions ({listing})"))
    raise Stop(error(ErrorKind.ENTRY, f"{src.path}: several candidate entry functions ({listing}); "
                     f"choose one with --entry-{side.lower()}"))


def display_type(printed: str, mods: harness.PairModules) -> str:
    """GHC's type as the user wrote it: without the module names hsx made up."""
    for module in (mods.types_module, mods.a_module, mods.b_module):
        if module:
            printed = printed.replace(f"{module}.", "")
    return respell(" ".join(printed.split()))  # GHC breaks long types over lines


def scheme(printed: str, mods: harness.PairModules, src: HaskellSource) -> Scheme:
    """GHC's printed type, with synonyms expanded and hsx's module names taken out: shared types
    become plain names, a file's own types become A.T / B.T (so they never compare equal)."""
    try:
        scheme = parse_scheme(printed)
    except TypeParseError as e:
        raise Stop(error(ErrorKind.UNSUPPORTED_TYPE, f"cannot read GHC's type {printed!r}: {e}")) from None
    own = mods.a_module if printed and f"{mods.a_module}." in printed else mods.b_module
    synonyms = {}
    for name, syn in src.synonyms.items():
        qualifier = mods.types_module if name in mods.shared_names else own
        synonyms[f"{qualifier}.{name}"] = (syn.params, syn.rhs)
    # Library types in one spelling, before hsx's module names are taken out (GHC prints them
    # by their defining module, synonyms in the file's own imports' spelling).
    body = resolve(expand_synonyms(scheme.body, synonyms), scope_of(src))

    def rename(node: HsType) -> HsType:
        if isinstance(node, TCon) and "." in node.name:
            module, _, name = node.name.rpartition(".")
            if module == mods.types_module:
                return TCon(name, node.args)
            if module == mods.a_module:
                return TCon("A." + name, node.args)
            if module == mods.b_module:
                return TCon("B." + name, node.args)
        return node

    body = expand_synonyms(map_type(body, rename), {})
    constraints = tuple((c, map_type(t, rename)) for c, t in scheme.constraints)
    return Scheme(constraints, body)


def common_signature(sa: Scheme, sb: Scheme, entries: dict) -> testable.Signature:
    ca, cb = canonical(sa.body), canonical(sb.body)
    if ca != cb:
        raise Stop(error(ErrorKind.TYPE_MISMATCH, f"the entries have different types: "
                         f"A: {entries['entry_a'].name} :: {entries['entry_a'].type}; "
                         f"B: {entries['entry_b'].name} :: {entries['entry_b'].type}", **entries))
    # Instantiate A's variables; B's constraints count too, through the canonical renaming.
    fractional = {render(t) for c, t in sa.constraints if c in FRACTIONAL_CLASSES}
    rename_b = dict(zip(type_vars(sb.body), type_vars(sa.body)))
    fractional |= {rename_b.get(render(t), render(t)) for c, t in sb.constraints if c in FRACTIONAL_CLASSES}
    env = {v: TCon("Double" if v in fractional else "Int") for v in type_vars(sa.body)}
    body = substitute(sa.body, env)
    args, result = split_function(body)
    if not 1 <= len(args) <= testable.MAX_ARITY:
        raise Stop(error(ErrorKind.UNSUPPORTED_TYPE, f"entries of {len(args)} arguments are not supported "
                         f"(1 to {testable.MAX_ARITY})", **entries))
    # Variables whose every constraint is Eq, Ord or Show (on either side), with Eq or Ord among
    # them, are tried again at Hsx.Key, whose == equates values the result still tells apart.
    classes: dict[str, set[str]] = {v: set() for v in env}
    for c, t in sa.constraints:
        classes.setdefault(render(t), set()).add(c)
    for c, t in sb.constraints:
        classes.setdefault(rename_b.get(render(t), render(t)), set()).add(c)
    keyed = [v for v in env if classes.get(v) and classes[v] <= testable.KEY_CLASSES
             and classes[v] & {"Eq", "Ord"}]
    alternative = None
    if keyed:
        key_env = {**env, **{v: TCon(testable.KEY_TYPE) for v in keyed}}
        kargs, kresult = split_function(substitute(sa.body, key_env))
        alternative = testable.Signature(tuple(kargs), kresult, tuple((v, key_env[v].name) for v in key_env))
    return testable.Signature(tuple(args), result, tuple((v, env[v].name) for v in env), alternative)
