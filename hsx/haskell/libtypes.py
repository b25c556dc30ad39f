"""The library types hsx can test, in one list: containers, Text, Ratio, NonEmpty, Natural and
the fixed-width integers (the Prelude's own types are `testable.BASE_TYPES`).

Consumes types as GHC prints them (`Data.Map.Internal.Map [Char] Int`) or as a user wrote them
in a synonym or a data field (`M.Map String Int`, with `import qualified Data.Map.Strict as M`);
produces one spelling per type (`Data.Map.Map`), the name of a module that exports it under
that name.  The harness, the inputs module (which imports these modules qualified under their
own names) and Hsx.Containers' printed values (`Data.Map.fromList [(1,2)]`) all use that
spelling, so a printed counterexample reads back as the same value.  `supported_types` is the
text of the README's list of supported types; tests/test_types.py checks the README against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hsx.haskell.hstypes import HsType, TCon, map_type, walk


@dataclass(frozen=True)
class LibraryType:
    name: str  # the one spelling: "<module>.<type>", the module being the one hsx imports
    arity: int
    modules: tuple[str, ...]  # every module that exports it, GHC's defining module included
    note: str = ""  # for the README

    @property
    def module(self) -> str:
        return self.name.rpartition(".")[0]

    @property
    def short(self) -> str:
        return self.name.rpartition(".")[2]


def _fixed(module: str, ghc: str, names: list[str]) -> list[LibraryType]:
    return [LibraryType(f"{module}.{n}", 0, (module, ghc)) for n in names]


LIBRARY_TYPES: tuple[LibraryType, ...] = (
    LibraryType("Data.Map.Map", 2, ("Data.Map", "Data.Map.Strict", "Data.Map.Lazy", "Data.Map.Internal"),
                "lazy and strict"),
    LibraryType("Data.Set.Set", 1, ("Data.Set", "Data.Set.Internal")),
    LibraryType("Data.IntMap.IntMap", 1, ("Data.IntMap", "Data.IntMap.Strict", "Data.IntMap.Lazy",
                                          "Data.IntMap.Internal"), "lazy and strict"),
    LibraryType("Data.IntSet.IntSet", 0, ("Data.IntSet", "Data.IntSet.Internal")),
    LibraryType("Data.Sequence.Seq", 1, ("Data.Sequence", "Data.Sequence.Internal")),
    LibraryType("Data.Text.Text", 0, ("Data.Text", "Data.Text.Internal"), "strict Text"),
    LibraryType("Data.Ratio.Ratio", 1, ("Data.Ratio", "GHC.Real"), "at Integer only (`Rational`)"),
    LibraryType("Data.List.NonEmpty.NonEmpty", 1, ("Data.List.NonEmpty", "GHC.Base")),
    LibraryType("Numeric.Natural.Natural", 0, ("Numeric.Natural", "GHC.Natural", "GHC.Num.Natural")),
    *_fixed("Data.Int", "GHC.Int", ["Int8", "Int16", "Int32", "Int64"]),
    *_fixed("Data.Word", "GHC.Word", ["Word8", "Word16", "Word32", "Word64"]),
)

BY_NAME = {t.name: t for t in LIBRARY_TYPES}
# (module, name as exported) -> the one spelling
_EXPORTS = {(m, t.short): t.name for t in LIBRARY_TYPES for m in t.modules}
# Rational is a Prelude synonym; GHC prints it as written.
_RATIONAL = TCon("Data.Ratio.Ratio", (TCon("Integer"),))
_RATIONAL_NAMES = frozenset({"Rational", "GHC.Real.Rational", "Prelude.Rational", "Data.Ratio.Rational"})


@dataclass(frozen=True)
class Scope:
    """What a source's imports bring into scope: qualifier -> module, and the modules imported
    unqualified.  `own` are the type names the source declares (they shadow nothing here: a
    file that declares its own `Map` means its own)."""
    qualifiers: dict[str, str]
    unqualified: tuple[str, ...] = ()
    own: frozenset[str] = frozenset()


EMPTY_SCOPE = Scope({})


def resolve(t: HsType, scope: Scope = EMPTY_SCOPE) -> HsType:
    """Respells every library type in `t` as its one spelling (and Rational as Ratio Integer)."""
    def step(node: HsType) -> HsType:
        if not isinstance(node, TCon):
            return node
        if node.name in _RATIONAL_NAMES and not node.args and node.name not in scope.own:
            return _RATIONAL
        qualifier, _, short = node.name.rpartition(".")
        if qualifier:
            module = scope.qualifiers.get(qualifier, qualifier)
            name = _EXPORTS.get((module, short))
        elif short in scope.own:
            name = None
        else:
            name = next((_EXPORTS[(m, short)] for m in scope.unqualified if (m, short) in _EXPORTS), None)
        return TCon(name, node.args) if name else node

    return map_type(t, step)


def respell(printed: str) -> str:
    """GHC's printed type with library types in the one spelling (for messages)."""
    for t in LIBRARY_TYPES:
        for m in t.modules:
            if m != t.module:
                printed = re.sub(rf"\b{re.escape(m)}\.{t.short}\b", t.name, printed)
    return printed


def modules_of(types) -> list[str]:
    """The modules to import (qualified, under their own names) for these types."""
    used = {n.name for t in types for n in walk(t) if isinstance(n, TCon) and n.name in BY_NAME}
    return sorted({BY_NAME[n].module for n in used})


def supported_types(base: list[str]) -> str:
    """The README's list of supported types (one line per item), from the code's own lists."""
    lines = [f"- {', '.join(f'`{b}`' for b in base)}, `String`, `()`, lists, tuples (up to 5), `Maybe`, "
             f"`Either`"]
    for t in LIBRARY_TYPES:
        if t.module in ("Data.Int", "Data.Word"):
            continue
        params = {0: "", 1: "a", 2: "k v"}[t.arity]
        public = [m for m in t.modules if not m.startswith("GHC.") and not m.endswith(".Internal")]
        spelled = f"`{t.short}{' ' + params if params else ''}` ({', '.join(public)})"
        lines.append(f"- {spelled}{': ' + t.note if t.note else ''}")
    fixed = [t.short for t in LIBRARY_TYPES if t.module in ("Data.Int", "Data.Word")]
    lines.append(f"- {', '.join(f'`{n}`' for n in fixed)} (Data.Int, Data.Word)")
    lines.append("- data types, newtypes and records declared identically in both files")
    lines.append("- functions as arguments, of one or two arguments of the types above "
                 "(`a -> b`, `a -> a -> Ordering`)")
    return "\n".join("  " + line for line in lines)


def scope_of(src) -> Scope:
    """The Scope of a `hsx.haskell.source.HaskellSource` (its imports and its own types)."""
    qualifiers: dict[str, str] = {}
    unqualified: list[str] = []
    for d in src.imports:
        words = [t.text for t in d.tokens[1:]]
        if "(" in words:  # the import list or hiding list: names, not qualifiers
            words = words[:words.index("(")]
        module = next((w for w in words if w not in ("qualified", "safe", "hiding", "as")), None)
        if module is None:
            continue
        alias = words[words.index("as") + 1] if "as" in words[:-1] else module
        qualifiers[alias] = module
        qualifiers[module] = module
        if "qualified" not in words:
            unqualified.append(module)
    own = frozenset(n for d in src.decls if d.kind in ("data", "newtype", "type") for n in d.names[:1])
    return Scope(qualifiers, tuple(unqualified), own)
