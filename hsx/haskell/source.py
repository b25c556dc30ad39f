"""Haskell source files as hsx sees them: tokens, top-level declarations, data types, entries.

Consumes the text of one Haskell file (a user's or a model's); produces a `HaskellSource`: its
pragmas, imports and top-level declarations, each with the names it defines and references.
That is enough to find the entry function, to move shared data types into a module of their own,
to generate test-data instances, and to apply the sandbox's static policy.

Two readers work together.  The hand-written one here (tokens, declarations cut at column 1) is
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
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hsx.haskell.hstypes import HsType, TypeParseError, expand_synonyms, parse_type

if TYPE_CHECKING:  # hsx.haskell.helper imports this module
    from hsx.haskell.helper import SyntaxTree


class SourceError(ValueError):
    """The file cannot be handled (as opposed to: GHC rejects it)."""


# ------------------------------------------------------------------------------------------------
# Lexing

@dataclass(frozen=True)
class Token:
    kind: str  # varid conid qvarid qconid varsym consym special string char number pragma annotation
    text: str
    line: int  # 1-based
    col: int  # 1-based


_RESERVED = {
    "case", "class", "data", "default", "deriving", "do", "else", "foreign", "if", "import", "in",
    "infix", "infixl", "infixr", "instance", "let", "module", "newtype", "of", "then", "type",
    "where", "_",
}
_SYMBOL_CHARS = set("!#$%&*+./<=>?@\\^|-~:")
_RESERVED_OPS = {"..", ":", "::", "=", "\\", "|", "<-", "->", "@", "~", "=>"}

_ID = re.compile(r"(?:[A-Z][\w']*\.)*[A-Za-z_][\w']*")
_NUM = re.compile(
    r"0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?")


def tokenize(text: str) -> list[Token]:
    """Splits Haskell text into tokens, dropping comments but keeping pragmas `{-# #-}` and
    Liquid Haskell annotations `{-@ @-}` as single tokens."""
    tokens: list[Token] = []
    i, line, col = 0, 1, 1
    n = len(text)

    def advance(k: int) -> None:
        nonlocal i, line, col
        for ch in text[i:i + k]:
            if ch == "\n":
                line, col = line + 1, 1
            else:
                col += 1
        i += k

    while i < n:
        ch = text[i]
        if ch in " \t\r\n\f\v":
            advance(1)
            continue
        if text.startswith("{-", i):
            end = _block_comment_end(text, i)
            body = text[i:end]
            kind = "pragma" if body.startswith("{-#") else "annotation" if body.startswith("{-@") else ""
            if kind:
                tokens.append(Token(kind, body, line, col))
            advance(end - i)
            continue
        if text.startswith("--", i):
            j = i
            while j < n and text[j] == "-":
                j += 1
            if j >= n or text[j] not in _SYMBOL_CHARS:  # "-->" is an operator, "-- x" a comment
                end = text.find("\n", i)
                advance((n if end < 0 else end) - i)
                continue
        if ch == '"':
            end = _string_end(text, i)
            tokens.append(Token("string", text[i:end], line, col))
            advance(end - i)
            continue
        if ch == "'":
            m = re.compile(r"'(?:\\[^']+|[^'\\])'").match(text, i)
            if m:
                tokens.append(Token("char", m.group(0), line, col))
                advance(len(m.group(0)))
                continue
        m = _ID.match(text, i)
        if m and (ch.isalpha() or ch == "_"):
            word = m.group(0)
            # "M.f" is qualified; "Just.f" (composition without spaces) is misread as a
            # qualified name, which only matters for reference tracking.
            last = word.rsplit(".", 1)[-1]
            qualified = "." in word
            if last[0].isupper():
                kind = "qconid" if qualified else "conid"
            else:
                kind = "qvarid" if qualified else "varid"
            tokens.append(Token(kind, word, line, col))
            advance(len(word))
            continue
        if ch.isdigit():
            m = _NUM.match(text, i)
            assert m is not None
            tokens.append(Token("number", m.group(0), line, col))
            advance(len(m.group(0)))
            continue
        if ch in "()[],;`{}":
            tokens.append(Token("special", ch, line, col))
            advance(1)
            continue
        if ch in _SYMBOL_CHARS:
            j = i
            while j < n and text[j] in _SYMBOL_CHARS:
                j += 1
            op = text[i:j]
            tokens.append(Token("consym" if op.startswith(":") and op != ":" else "varsym", op, line, col))
            advance(j - i)
            continue
        # Unicode symbols and anything else: one token, for GHC to judge.
        tokens.append(Token("varsym", ch, line, col))
        advance(1)
    return tokens


def _block_comment_end(text: str, start: int) -> int:
    depth, i = 0, start
    while i < len(text):
        if text.startswith("{-", i):
            depth, i = depth + 1, i + 2
        elif text.startswith("-}", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    raise SourceError(f"unterminated block comment starting at offset {start}")


def _string_end(text: str, start: int) -> int:
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        if c == "\n":
            break
        i += 1
    raise SourceError(f"unterminated string literal on line {text.count(chr(10), 0, start) + 1}")


# ------------------------------------------------------------------------------------------------
# Declarations

@dataclass(frozen=True)
class Constructor:
    name: str
    fields: tuple[HsType, ...]  # synonyms expanded
    infix: bool = False
    # The fields as written.  Two files declare "the same" data type only if these agree too:
    # the shared module gets one file's text, which must not name a synonym the other lacks.
    written: tuple[HsType, ...] | None = None


@dataclass(frozen=True)
class DataDecl:
    keyword: str  # data | newtype
    name: str
    params: tuple[str, ...]
    constructors: tuple[Constructor, ...]
    deriving: tuple[str, ...]


@dataclass(frozen=True)
class TypeSynonym:
    name: str
    params: tuple[str, ...]
    rhs: HsType


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
    syntax: "SyntaxTree | None" = field(repr=False, default=None, compare=False)  # GHC's parse

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
    def from_ghc(self) -> bool:
        """Whether names and uses come from GHC's parser (else from tokens)."""
        return self.syntax is not None

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


def parse_source(text: str, path: str = "<source>", syntax: "SyntaxTree | None" = None) -> HaskellSource:
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


def _from_ghc(decls: list[Decl], syntax: "SyntaxTree", path: str) -> list[Decl]:
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
                fields = tuple(_type_text(f, path, d.start_line) for f in gc.fields)
                cons.append(Constructor(c.name, fields, gc.infix))
            d = dataclasses.replace(d, data=dataclasses.replace(d.data, constructors=tuple(cons)))
        elif len(starting) == 1 and starting[0].kind == "type" and d.synonym is not None:
            y = synonyms.get(d.synonym.name)
            if y is not None:
                d = dataclasses.replace(d, synonym=TypeSynonym(y.name, y.params, _type_text(y.rhs, path, d.start_line)))
        out.append(d)
    return out


def _type_text(text: str, path: str, line: int) -> HsType:
    try:
        return parse_type(text)
    except TypeParseError as e:
        raise SourceError(f"{path}:{line}: cannot read the type '{' '.join(text.split())}': {e}") from None


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
        data = _parse_data(g, path)
        names = (data.name,) + tuple(c.name for c in data.constructors)
        return _make_decl(word, names, g, lines, data=data)
    if word == "type":
        syn = _parse_synonym(g, path)
        return _make_decl("type", (syn.name,) if syn else (), g, lines, synonym=syn)
    if word in ("class", "instance", "deriving", "default"):
        return _make_decl(word if word in ("class", "instance") else "other", (), g, lines,
                          references=_references(g))
    if word == "foreign":
        return _make_decl("foreign", (), g, lines)
    if first.kind in ("pragma", "annotation"):
        return _make_decl(first.kind, (), g, lines)
    # Signature: names (varids or parenthesised operators, comma separated) then "::".
    sig_names = _signature_names(g)
    if sig_names is not None:
        return _make_decl("signature", tuple(sig_names), g, lines)
    name = _binding_name(g)
    if name is None:
        return _make_decl("other", (), g, lines, references=_references(g))
    return _make_decl("binding", (name,), g, lines, references=_references(g))


def _signature_names(g: list[Token]) -> list[str] | None:
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
    if first.kind == "varid" and first.text not in _RESERVED:
        return first.text
    if first.text == "(" and len(g) > 2 and g[1].kind == "varsym" and g[2].text == ")":
        return g[1].text
    return None


def split_top(toks: list[Token], sep: str) -> list[list[Token]]:
    """Splits at `sep` tokens that are not nested in brackets."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for t in toks:
        if t.text in ("(", "[", "{"):
            depth += 1
        elif t.text in (")", "]", "}"):
            depth -= 1
        if depth == 0 and t.text == sep:
            parts.append([])
        else:
            parts[-1].append(t)
    return parts


def _type_of(toks: list[Token], path: str) -> HsType:
    text = " ".join(t.text for t in toks)
    try:
        return parse_type(text)
    except TypeParseError as e:
        line = toks[0].line if toks else 0
        raise SourceError(f"{path}:{line}: cannot read the type '{text}': {e}") from None


def _parse_data(g: list[Token], path: str) -> DataDecl:
    keyword = g[0].text
    body = g[1:]
    deriving: list[str] = []
    dpos = next((i for i, t in enumerate(body) if t.text == "deriving"), None)
    if dpos is not None:
        deriving = [t.text for t in body[dpos + 1:]
                    if t.kind in ("conid", "qconid") and t.text not in ("stock", "anyclass", "newtype")]
        body = body[:dpos]
    eq = next((i for i, t in enumerate(body) if t.text == "="), None)
    head = body if eq is None else body[:eq]
    if any(t.text == "=>" for t in head):
        raise SourceError(f"{path}:{g[0].line}: data type contexts are not supported")
    if not head or head[0].kind != "conid":
        raise SourceError(f"{path}:{g[0].line}: cannot read the data declaration")
    name = head[0].text
    params = tuple(t.text for t in head[1:] if t.kind == "varid")
    if eq is not None and any(t.text == "where" for t in body):
        raise SourceError(f"{path}:{g[0].line}: GADT syntax is not supported for data type {name}")
    constructors: list[Constructor] = []
    if eq is not None:
        for alt in split_top(body[eq + 1:], "|"):
            constructors.append(_parse_constructor(alt, path, name))
    return DataDecl(keyword, name, params, tuple(constructors), tuple(deriving))


def _parse_constructor(alt: list[Token], path: str, type_name: str) -> Constructor:
    if not alt:
        raise SourceError(f"{path}: empty constructor in data type {type_name}")
    if alt[0].text == "forall" or any(t.text == "=>" for t in alt):
        raise SourceError(f"{path}:{alt[0].line}: existential constructors are not supported ({type_name})")
    if alt[0].kind == "conid" and len(alt) > 1 and alt[1].text == "{":
        # Record syntax: C { a, b :: T, c :: U }.  Names before "::" share its type.
        inner = alt[2:-1] if alt[-1].text == "}" else alt[2:]
        fields: list[HsType] = []
        pending = 0
        for part in split_top(inner, ","):
            if any(t.text == "::" for t in part):
                k = next(i for i, t in enumerate(part) if t.text == "::")
                ty = _type_of([t for t in part[k + 1:] if t.text != "!"], path)
                fields.extend([ty] * (pending + 1))
                pending = 0
            else:
                pending += 1
        return Constructor(alt[0].text, tuple(fields))
    infix_at = _top_level_consym(alt)
    if infix_at is not None:  # T1 :+: T2
        left = _type_of([t for t in alt[:infix_at] if t.text != "!"], path)
        right = _type_of([t for t in alt[infix_at + 1:] if t.text != "!"], path)
        return Constructor(alt[infix_at].text, (left, right), infix=True)
    if alt[0].kind != "conid":
        raise SourceError(f"{path}:{alt[0].line}: cannot read a constructor of {type_name}")
    # Prefix constructor: each argument is one token or one bracketed group.
    fields = []
    args = [t for t in alt[1:] if t.text != "!"]
    i = 0
    while i < len(args):
        j = i
        if args[i].text in ("(", "["):
            depth = 0
            while j < len(args):
                depth += args[j].text in ("(", "[")
                depth -= args[j].text in (")", "]")
                if depth == 0:
                    break
                j += 1
        fields.append(_type_of(args[i:j + 1], path))
        i = j + 1
    return Constructor(alt[0].text, tuple(fields))


def _top_level_consym(alt: list[Token]) -> int | None:
    depth = 0
    for i, t in enumerate(alt):
        depth += t.text in ("(", "[")
        depth -= t.text in (")", "]")
        if depth == 0 and t.kind == "consym":
            return i
    return None


def _parse_synonym(g: list[Token], path: str) -> TypeSynonym | None:
    body = g[1:]
    if body and body[0].text in ("family", "instance"):
        raise SourceError(f"{path}:{g[0].line}: type families are not supported")
    eq = next((i for i, t in enumerate(body) if t.text == "="), None)
    if eq is None or not body or body[0].kind != "conid":
        return None
    params = tuple(t.text for t in body[1:eq] if t.kind == "varid")
    return TypeSynonym(body[0].text, params, _type_of(body[eq + 1:], path))
