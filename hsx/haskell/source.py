"""Haskell source files as hsx sees them: top-level declarations, data types, entries.

Consumes the text of one Haskell file (a user's or a model's); produces a `HaskellSource`: its
pragmas, imports and top-level declarations, each with the names it defines and references.
That is enough to find the entry function, to move shared data types into a module of their own,
to generate test-data instances, and to apply the sandbox's static policy.

Two readers work together.  The hand-written one here (tokens from `hsx.haskell.tokens`,
declarations cut at column 1, data types read by `hsx.haskell.datatypes`) is
exact for what the sandbox policy and the module assembly need: tokens, line ranges, imports,
pragmas.  What needs real Haskell syntax comes from GHC's own parser, through the helper's
`syntax` op (`hsx.haskell.helper.read_source`, passed here as `syntax=`): the names each declaration
defines (infix and backtick definitions, operators, pattern bindings), the names it uses after
local shadowing (a pattern variable `f` is not a use of a top-level `f`), and constructor fields
and synonyms as GHC reads them.  Without `syntax`, names and uses are approximated from tokens.
Either way, constructor fields are stored with the file's type synonyms (and `String`) expanded,
since only the expanded type tells hsx whether it can generate and compare values.
GHC remains the judge of whether the file is valid Haskell: anything this module does not
understand is passed through for GHC to accept or reject.

Assumptions (checked, with a clear `SourceError` when broken): top-level declarations start in
column 1, and the module does not use explicit braces for its top-level layout.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from hsx.haskell.datatypes import Constructor, DataDecl, TypeSynonym, parse_data, parse_synonym, read_type
from hsx.haskell.hstypes import expand_synonyms
from hsx.haskell.syntax import SyntaxTree
from hsx.haskell.tokens import KEYWORDS, SourceError, Token, tokenize

_RESERVED_OPS = {"..", ":", "::", "=", "\\", "|", "<-", "->", "@", "~", "=>"}


# ------------------------------------------------------------------------------------------------
# Declarations


@dataclass(frozen=True)
class Decl:
    """One top-level declaration: a contiguous run of lines starting in column 1."""
    kind: str  # module import pragma data newtype type class instance signature binding fixity other
    names: tuple[str, ...]  # what it defines (functions, types and constructors)
    tokens: tuple[Token, ...]
    start_line: int
    end_line: int
    text: str
    references: frozenset[str] = frozenset()
    data: DataDecl | None = None
    synonym: TypeSynonym | None = None


@dataclass(frozen=True)
class HaskellSource:
    path: str  # for messages only
    text: str
    module_name: str | None
    header_lines: tuple[int, int] | None  # first and last line of the `module ... where` header
    language_pragmas: tuple[tuple[str, int], ...]  # (extension, line)
    decls: tuple[Decl, ...]
    tokens: tuple[Token, ...] = field(repr=False, default=())
    syntax: SyntaxTree | None = field(repr=False, default=None, compare=False)  # GHC's parse

    @property
    def imports(self) -> list[Decl]:
        return [d for d in self.decls if d.kind == "import"]

    @property
    def bindings(self) -> list[Decl]:
        return [d for d in self.decls if d.kind == "binding"]

    @property
    def data_decls(self) -> list[DataDecl]:
        return [d.data for d in self.decls if d.data is not None]

    @property
    def synonyms(self) -> dict[str, TypeSynonym]:
        return {d.synonym.name: d.synonym for d in self.decls if d.synonym is not None}

    def function_names(self) -> list[str]:
        """Top-level value names in order of first definition."""
        seen: list[str] = []
        for d in self.bindings:
            for name in d.names:
                if name not in seen:
                    seen.append(name)
        return seen

    def entry_candidates(self) -> list[str]:
        """Top-level values that no other top-level declaration references.  `main` is neither
        a candidate nor a reference: hsx treats files as libraries and never runs `main`, and a
        test driver such as `main = print (f 3)` must not hide the entry it calls."""
        referenced: set[str] = set()
        for d in self.decls:
            if d.kind in ("binding", "instance", "class") and d.names != ("main",):
                referenced |= d.references - set(d.names)
        return [n for n in self.function_names() if n not in referenced and n != "main"]

    def imported_module(self, decl: Decl) -> str:
        toks = [t for t in decl.tokens[1:] if t.text not in ("qualified", "safe")]
        if not toks or toks[0].kind not in ("conid", "qconid"):
            raise SourceError(f"{self.path}:{decl.start_line}: cannot read this import")
        return toks[0].text


def parse_source(text: str, path: str = "<source>", syntax: SyntaxTree | None = None) -> HaskellSource:
    """Reads one source.  `syntax` is GHC's parse of the same text (`hsx.haskell.helper.read_source`
    passes it; it must have no errors): with it, declaration names, uses, constructor fields and
    synonyms are GHC's."""
    tokens = tokenize(text)
    lines = text.split("\n")
    groups: list[list[Token]] = []
    for tok in tokens:
        starts_decl = tok.col == 1 or not groups
        if starts_decl:
            groups.append([tok])
        else:
            groups[-1].append(tok)

    decls: list[Decl] = []
    module_name = None
    header = None
    pragmas: list[tuple[str, int]] = []
    for g in groups:
        first = g[0]
        if first.kind == "pragma":
            # File-header pragmas may share a decl group with what follows; split them off.
            while g and g[0].kind == "pragma":
                p = g.pop(0)
                for ext in language_extensions(p.text):
                    pragmas.append((ext, p.line))
                decls.append(_make_decl("pragma", (), [p], lines))
            if not g:
                continue
            first = g[0]
        if first.text == "module":
            where = next((t for t in g if t.text == "where"), None)
            if where is None:
                raise SourceError(f"{path}:{first.line}: module header without 'where'")
            names = [t for t in g if t.kind in ("conid", "qconid")]
            module_name = names[0].text if names else None
            header = (first.line, where.line)
            rest = [t for t in g if t.line > where.line or (t.line == where.line and t.col > where.col)]
            if rest and rest[0].text == "{":
                raise SourceError(f"{path}:{where.line}: explicit braces around the module body are not supported")
            decls.append(_make_decl("module", (), [t for t in g if t not in rest], lines))
            if rest:
                raise SourceError(
                    f"{path}:{where.line}: put the first declaration on its own line after 'where'")
            continue
        decls.append(_classify(g, lines, path))
    if syntax is not None:
        decls = _from_ghc(decls, syntax, path)
    decls = _expand_field_synonyms(decls)
    return HaskellSource(path, text, module_name, header, tuple(pragmas), tuple(decls), tuple(tokens), syntax)


_KEEP_KIND = ("module", "import", "pragma", "annotation", "foreign")


def _from_ghc(decls: list[Decl], syntax: SyntaxTree, path: str) -> list[Decl]:
    """Takes names, uses, fields and synonyms from GHC's declarations.  A hand-cut declaration
    (one column-1 group of lines) corresponds to the GHC declarations that start inside it; a
    function clause that GHC grouped with the clauses above it corresponds to that group."""
    ghc = list(syntax.decls)
    synonyms = {y.name: y for y in syntax.synonyms}
    out: list[Decl] = []
    for d in decls:
        if d.kind in _KEEP_KIND:
            out.append(d)
            continue
        starting = [g for g in ghc if d.start_line <= g.span[0] <= d.end_line]
        if not starting:
            starting = [g for g in ghc if g.span[0] <= d.start_line <= g.span[2]][:1]
        if not starting:
            out.append(d)
            continue
        kinds = {g.kind for g in starting}
        if kinds == {"binding"}:
            names = tuple(dict.fromkeys(n for g in starting for n in g.names))
            uses = frozenset().union(*(g.uses or frozenset() for g in starting))
            d = dataclasses.replace(d, kind="binding", names=names, references=uses)
        elif kinds == {"signature"}:
            d = dataclasses.replace(d, kind="signature", names=tuple(n for g in starting for n in g.names))
        elif len(starting) == 1 and starting[0].kind in ("instance", "class") and d.kind == starting[0].kind:
            d = dataclasses.replace(d, references=starting[0].uses or frozenset())
        elif len(starting) == 1 and starting[0].kind in ("data", "newtype") and d.data is not None:
            g = starting[0]
            by_name = {c.name: c for c in g.constructors}
            cons = []
            for c in d.data.constructors:
                gc = by_name.get(c.name)
                if gc is None or len(gc.fields) != len(c.fields):
                    cons.append(c)  # the hand reader's reading stands; GHC will judge
                    continue
                fields = tuple(read_type(f, path, d.start_line) for f in gc.fields)
                cons.append(Constructor(c.name, fields, gc.infix))
            d = dataclasses.replace(d, data=dataclasses.replace(d.data, constructors=tuple(cons)))
        elif len(starting) == 1 and starting[0].kind == "type" and d.synonym is not None:
            y = synonyms.get(d.synonym.name)
            if y is not None:
                d = dataclasses.replace(d, synonym=TypeSynonym(y.name, y.params, read_type(y.rhs, path, d.start_line)))
        out.append(d)
    return out


def _expand_field_synonyms(decls: list[Decl]) -> list[Decl]:
    """Constructor fields with the file's synonyms (and String) expanded: `data E = V V` with
    `type V = Integer` has an Integer field."""
    table = {d.synonym.name: (d.synonym.params, d.synonym.rhs) for d in decls if d.synonym is not None}
    out = []
    for d in decls:
        if d.data is not None:
            try:
                cons = tuple(dataclasses.replace(c, fields=tuple(expand_synonyms(f, table) for f in c.fields),
                                                 written=c.fields)
                             for c in d.data.constructors)
            except RecursionError:  # a cyclic synonym: GHC will reject the file
                cons = d.data.constructors
            d = dataclasses.replace(d, data=dataclasses.replace(d.data, constructors=cons))
        out.append(d)
    return out


def language_extensions(pragma_text: str) -> list[str]:
    body = pragma_text[3:-3].strip()
    word, _, rest = body.partition(" ")
    if word.upper() != "LANGUAGE":
        return []
    return [e.strip() for e in rest.split(",") if e.strip()]


def pragma_word(pragma_text: str) -> str:
    return pragma_text[3:].strip().split(None, 1)[0].rstrip("#-}").upper() if pragma_text[3:].strip() else ""


def _make_decl(kind: str, names: tuple[str, ...], toks: list[Token], lines: list[str], **extra) -> Decl:
    start = toks[0].line
    end = max(t.line + t.text.count("\n") for t in toks)
    return Decl(kind, names, tuple(toks), start, end, "\n".join(lines[start - 1:end]), **extra)


def _references(toks: list[Token]) -> frozenset[str]:
    return frozenset(t.text for t in toks if t.kind == "varid")


def _classify(g: list[Token], lines: list[str], path: str) -> Decl:
    first = g[0]
    word = first.text
    if word == "import":
        return _make_decl("import", (), g, lines)
    if word in ("infix", "infixl", "infixr"):
        return _make_decl("fixity", (), g, lines)
    if word in ("data", "newtype"):
        data = parse_data(g, path)
        names = (data.name,) + tuple(c.name for c in data.constructors)
        return _make_decl(word, names, g, lines, data=data)
    if word == "type":
        syn = parse_synonym(g, path)
        return _make_decl("type", (syn.name,) if syn else (), g, lines, synonym=syn)
    if word in ("class", "instance", "deriving", "default"):
        return _make_decl(word if word in ("class", "instance") else "other", (), g, lines,
                          references=_references(g))
    if word == "foreign":
        return _make_decl("foreign", (), g, lines)
    if first.kind in ("pragma", "annotation"):
        return _make_decl(first.kind, (), g, lines)
    # Signature: names (varids or parenthesised operators, comma separated) then "::".
    sig_names = signature_names(g)
    if sig_names is not None:
        return _make_decl("signature", tuple(sig_names), g, lines)
    name = _binding_name(g)
    if name is None:
        return _make_decl("other", (), g, lines, references=_references(g))
    return _make_decl("binding", (name,), g, lines, references=_references(g))


def signature_names(g: list[Token]) -> list[str] | None:
    names: list[str] = []
    i = 0
    while i < len(g):
        t = g[i]
        if t.kind == "varid":
            names.append(t.text)
            i += 1
        elif t.text == "(" and i + 2 < len(g) and g[i + 2].text == ")" and g[i + 1].kind == "varsym":
            names.append(g[i + 1].text)
            i += 3
        else:
            return None
        if i < len(g) and g[i].text == "::":
            return names
        if i < len(g) and g[i].text == ",":
            i += 1
            continue
        return None
    return None


def _binding_name(g: list[Token]) -> str | None:
    first = g[0]
    # Infix definition "x <+> y = ..." or "x `op` y = ...".
    if len(g) > 2 and g[1].kind == "varsym" and g[1].text not in _RESERVED_OPS:
        return g[1].text
    if len(g) > 3 and g[1].text == "`" and g[2].kind == "varid":
        return g[2].text
    if first.kind == "varid" and first.text not in KEYWORDS:
        return first.text
    if first.text == "(" and len(g) > 2 and g[1].kind == "varsym" and g[2].text == ")":
        return g[1].text
    return None
