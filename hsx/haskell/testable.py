"""Which entry types hsx can test, and how the harness spells them.

Consumes the common monomorphic signature of two entries and the shared data types; produces
the list of shared data types that need generated instances (`check_supported`), or an
`UnsupportedType` that says what is not supported and lists what is, and the harness's
spelling of each type (`qualified`): `P.` for the Prelude, `T.` for the shared types module,
the library types of `hsx.haskell.libtypes` under their own module names, and a function
argument as `F.Fn`/`F.Fn2` (Hsx.Function: a table, printed as a lambda).
"""

from __future__ import annotations

from dataclasses import dataclass

from hsx.haskell.hstypes import HsType, TApp, TCon, TFun, TTuple, map_type, render, split_function, walk
from hsx.haskell.libtypes import BY_NAME, supported_types

# Types the runtime can generate, compare and print (Hsx.Runtime has the instances).
BASE_TYPES = frozenset({"Int", "Integer", "Bool", "Char", "Double", "Float", "Word", "Ordering"})
BASE_CONSTRUCTORS = {"Maybe": 1, "Either": 2}
MAX_ARITY = 5
# A function argument takes at most this many arguments (Hsx.Function has Fn and Fn2).
MAX_FUNCTION_ARITY = 2
# The second instantiation of Eq/Ord type variables (Hsx.Key: == looks at the key only).
KEY_TYPE = "Hsx.Key.Key"
KEY_CLASSES = frozenset({"Eq", "Ord", "Show"})


class UnsupportedType(ValueError):
    pass


@dataclass(frozen=True)
class Signature:
    """The entries' common type after instantiating type variables."""
    args: tuple[HsType, ...]
    result: HsType
    instantiated: tuple[tuple[str, str], ...] = ()  # (type variable, type it was tested at)
    # The same entries with their Eq/Ord variables at KEY_TYPE, tried when this one finds nothing.
    alternative: "Signature | None" = None

    @property
    def arity(self) -> int:
        return len(self.args)

    def render(self) -> str:
        return render(function_type(self.args, self.result))


def function_type(args, result) -> HsType:
    t = result
    for a in reversed(args):
        t = TFun(a, t)
    return t


def supported_list() -> str:
    """The README's list (one source: the code's own lists)."""
    return supported_types(sorted(BASE_TYPES))


def check_supported(sig: Signature, shared: dict) -> list[str]:
    """Raises UnsupportedType for a type hsx cannot generate/compare; returns the shared data
    types reachable from the signature (instances are generated for exactly those).  `shared`
    maps the shared data types' names to their `DataDecl`s."""
    needed: list[str] = []

    def visit(t: HsType, where: str) -> None:
        for node in walk(t):
            if isinstance(node, TFun):
                raise UnsupportedType(f"{where}: function types ({render(node)}) can be generated only as "
                                      f"arguments of the entry, not inside other types or as results")
            if isinstance(node, TApp):
                raise UnsupportedType(f"{where}: higher-kinded type {render(node)} is not supported")
            if isinstance(node, TTuple) and len(node.items) > 5:
                raise UnsupportedType(f"{where}: tuples of more than 5 components are not supported")
            if isinstance(node, TCon):
                visit_con(node, where)

    def visit_con(node: TCon, where: str) -> None:
        name = node.name
        if (name in BASE_TYPES or name == KEY_TYPE) and not node.args:
            return
        if name in BASE_CONSTRUCTORS and len(node.args) == BASE_CONSTRUCTORS[name]:
            return
        if name in BY_NAME and len(node.args) == BY_NAME[name].arity:
            if name == "Data.Ratio.Ratio" and node.args != (TCon("Integer"),):
                raise UnsupportedType(f"{where}: {render(node)} is not supported: Ratio only at Integer "
                                      f"(Rational), where no denominator overflows")
            return
        if name in shared:
            decl = shared[name]
            if len(node.args) != len(decl.params):
                raise UnsupportedType(f"{where}: {render(node)} applies {name} to the wrong number of types")
            if name not in needed:
                needed.append(name)
                for c in decl.constructors:
                    for f in c.fields:
                        visit(f, f"constructor {c.name} of {name}")
            return
        if name.startswith(("A.", "B.")):
            raise UnsupportedType(
                f"{where}: type {name[2:]} is declared in only one file, or differently in the "
                f"two; the entries must have one type, so declare it identically in both")
        raise UnsupportedType(f"{where}: type {render(node)} is not supported; supported:\n{supported_list()}")

    for i, t in enumerate(sig.args, 1):
        fargs, fres = split_function(t)
        if len(fargs) > MAX_FUNCTION_ARITY:
            raise UnsupportedType(f"argument {i}: functions of more than {MAX_FUNCTION_ARITY} arguments "
                                  f"({render(t)}) cannot be generated")
        for part in [*fargs, fres]:
            visit(part, f"argument {i}")
    visit(sig.result, "result")
    return needed


def qualified(t: HsType, prec: int = 2) -> str:
    """A type in the harness's all-qualified namespace."""
    if isinstance(t, TFun):
        fargs, fres = split_function(t)
        con = "F.Fn" if len(fargs) == 1 else "F.Fn2"
        return f"({con} {' '.join(qualified(x) for x in [*fargs, fres])})"

    def q(node: HsType) -> HsType:
        if isinstance(node, TCon) and node.name not in BY_NAME and node.name != KEY_TYPE:
            prefix = "P." if node.name in BASE_TYPES or node.name in BASE_CONSTRUCTORS else "T."
            return TCon(prefix + node.name, node.args)
        return node
    return render(map_type(t, q), prec)


def proof_gap(sig: Signature) -> str | None:
    """Why the proof stage cannot state hsx's theorem about this signature, in one line, or
    None.  Its theorem templates and measures cover the Prelude's types and shared data types;
    for library types and function arguments it has none yet, and says so rather than attempting
    a proof that is bound to fail."""
    for i, t in enumerate(sig.args, 1):
        if isinstance(t, TFun):
            return f"no proof for function arguments yet (argument {i}: {render(t)})"
    for where, types in (("results", [sig.result]), ("arguments", list(sig.args))):
        for t in types:
            for node in walk(t):
                if isinstance(node, TCon) and node.name in BY_NAME:
                    return f"no proof for {BY_NAME[node.name].short} {where} yet"
    return None
