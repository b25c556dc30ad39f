"""The policy for proof text: what may be handed to Liquid Haskell at all.

`check_proof_text` consumes proof text (PROOF.hs: the equations of the theorem, helper lemmas and
helper functions, written by a model or a user) and produces the list of `ProofViolation`s that
forbid running it: constructs that make Liquid Haskell trust instead of check (`assume`, `ignore`,
`lazy`, `--no-termination`, ...), pragmas, a second signature for the theorem, re-specification of
the programs' own functions, and escapes such as `undefined`.  Liquid Haskell reports SAFE for false
theorems when proof text carries these (see the Cheat* fixtures), so a SAFE result only means
"proved" for text this policy accepted (hsx.proof.liquid classifies what the prover printed).
A pure function over text: nothing here runs a prover.
"""

from __future__ import annotations

from dataclasses import dataclass

from hsx.haskell.source import pragma_word, signature_names
from hsx.haskell.tokens import SourceError, Token, tokenize


@dataclass(frozen=True)
class ProofViolation:
    construct: str  # the offending word, e.g. "assume", "LIQUID", "OPTIONS_GHC", "equiv signature"
    line: int
    message: str


# Words that switch checking off wherever they appear in an annotation: `assume` trusts a
# signature, `ignore` skips a binder, `lazy`/`lazyvar` skip termination (which lets
# `equiv x = equiv x` prove anything), `trust` is kept out on the same grounds.
_TRUST_WORDS = {
    "assume": "makes Liquid Haskell trust a signature without checking it",
    "ignore": "makes Liquid Haskell skip checking a binder",
    "lazy": "switches off the termination check of a binder, so a self-call proves anything",
    "lazyvar": "switches off the termination check of a local binder",
    "trust": "asks Liquid Haskell to trust instead of check",
}
# Annotation forms that add unchecked facts or change what the theorem means.
_UNCHECKED_KEYWORDS = {
    "fail": "declares that a binder must FAIL to check, so a false proof counts as success",
    "define": "gives a function a logical definition that Liquid Haskell trusts without checking "
              "it against the code, so it can make any theorem provable",
    "invariant": "adds a global type invariant that Liquid Haskell assumes",
    "using": "attaches an assumed invariant to a type",
    "embed": "changes how a type is encoded for the SMT solver",
    "import": "proof text is declarations only",
}
_LIFTING_KEYWORDS = {"reflect", "axiomatize", "measure", "inline", "opaque-reflect", "private-reflect"}
_FORBIDDEN_IDENTIFIERS = {
    "undefined": "has any type, so it can stand for any proof",
    "unsafeCoerce": "has any type, so it can stand for any proof",
    "unsafePerformIO": "escapes the checked fragment",
    "unsafeDupablePerformIO": "escapes the checked fragment",
    "unsafeInterleaveIO": "escapes the checked fragment",
    "unsafeError": "is ignored by Liquid Haskell and returns any type",
    "liquidAssume": "is an assumed (unchecked) fact",
    "liquidAssumeB": "is an assumed (unchecked) fact",
    "crash": "is assumed to return any type",
    "Admit": "(`*** Admit`) admits an unfinished proof",
    "==!": "is an assumed (unchecked) equality step",
    "module": "proof text is declarations only: hsx writes the module header",
    "import": "proof text is declarations only: hsx writes the imports",
    "foreign": "foreign declarations are not allowed in proof text",
}


def check_proof_text(text: str, *, protected_names: set[str], theorem: str = "equiv"
                     ) -> list[ProofViolation]:
    """The policy for proof text, applied before Liquid Haskell runs.  `protected_names` are the
    functions of both programs (hsx reflects and specifies them itself); `theorem` is the name of
    the theorem, whose signature hsx writes.  Returns the violations in text order; empty means
    the text may be checked."""
    try:
        tokens = tokenize(text)
    except SourceError as e:
        return [ProofViolation("syntax", 0, f"cannot read the proof text: {e}")]
    found: list[ProofViolation] = []
    for tok in tokens:
        if tok.kind == "pragma":
            found.append(_pragma_violation(tok))
        elif tok.kind == "annotation":
            found.extend(_annotation_violations(tok, protected_names, theorem))
        else:
            found.extend(_code_violations(tok))
    found.extend(_theorem_signatures(tokens, theorem))
    unique = {(v.line, v.construct): v for v in found}
    return sorted(unique.values(), key=lambda v: (v.line, v.construct))


def _pragma_violation(tok: Token) -> ProofViolation:
    word = pragma_word(tok.text) or "pragma"
    reason = {
        "OPTIONS_GHC": "can pass options to the Liquid Haskell plugin (e.g. --no-termination)",
        "LANGUAGE": "language extensions are fixed by hsx",
    }.get(word, "pragmas are not allowed in proof text")
    return ProofViolation(word, tok.line, f"line {tok.line}: `{{-# {word} ... #-}}` pragma: {reason}")


def _annotation_violations(tok: Token, protected: set[str], theorem: str) -> list[ProofViolation]:
    toks = _annotation_tokens(tok)
    if toks is None:
        return [ProofViolation("annotation", tok.line,
                               f"line {tok.line}: cannot read this Liquid Haskell annotation")]
    if not toks:
        return []
    out: list[ProofViolation] = []

    def add(construct: str, line: int, reason: str) -> None:
        out.append(ProofViolation(construct, line, f"line {line}: `{construct}` in a Liquid Haskell "
                                                   f"annotation: {reason}"))

    keyword, rest = _leading_keyword(toks)
    if keyword in ("LIQUID", "liquid"):
        add("LIQUID", tok.line, "Liquid Haskell options are fixed by hsx; options such as "
                                "--no-termination switch checks off")
    for t in toks:
        if t.kind == "varid" and t.text in _TRUST_WORDS:
            add(t.text, t.line, _TRUST_WORDS[t.text])
    if keyword in _UNCHECKED_KEYWORDS:
        add(keyword, toks[0].line, _UNCHECKED_KEYWORDS[keyword])
    if keyword in ("data", "newtype") and not _is_size_declaration(rest):
        add(keyword, toks[0].line, "refining a data type changes what the theorem quantifies over; "
                                   "only a termination measure (`{-@ data T [size] @-}`) is allowed")
    subject = _first_binder(rest)
    if keyword in _LIFTING_KEYWORDS and subject in protected:
        add(keyword, toks[0].line, f"`{subject}` belongs to the programs under comparison; hsx "
                                   "reflects them itself")
    out.extend(_annotation_signature(toks, keyword, rest, protected, theorem))
    return out


def _annotation_signature(toks: list[Token], keyword: str | None, rest: list[Token],
                          protected: set[str], theorem: str) -> list[ProofViolation]:
    """`{-@ name, ... :: T @-}` (optionally after `assume`/`assert`/`local`)."""
    names = _signature_names(rest if keyword in ("assume", "assert", "local") else toks)
    line = toks[0].line
    out = []
    if theorem in names:
        out.append(ProofViolation(f"{theorem} signature", line,
                                  f"line {line}: `{{-@ {theorem} :: ... @-}}` ({theorem} signature): "
                                  "hsx writes the theorem's signatures itself"))
    for name in sorted(names & protected):
        out.append(ProofViolation("signature", line,
                                  f"line {line}: a Liquid Haskell signature for `{name}`, a "
                                  "function of the programs under comparison: hsx specifies "
                                  "them itself (declare termination measures with "
                                  "`{-@ data T [size] @-}`)"))
    return out


def _code_violations(tok: Token) -> list[ProofViolation]:
    name = tok.unqualified
    if tok.kind not in ("varid", "qvarid", "conid", "qconid", "varsym", "qvarsym") or name not in _FORBIDDEN_IDENTIFIERS:
        return []
    return [ProofViolation(name, tok.line, f"line {tok.line}: `{name}` {_FORBIDDEN_IDENTIFIERS[name]}")]


def _theorem_signatures(tokens: list[Token], theorem: str) -> list[ProofViolation]:
    """Haskell-level `equiv :: ...` at top level (a declaration starts in column 1)."""
    out = []
    code = [t for t in tokens if t.kind not in ("pragma", "annotation")]
    starts = [i for i, t in enumerate(code) if t.col == 1]
    for i, start in enumerate(starts):
        group = code[start:starts[i + 1] if i + 1 < len(starts) else len(code)]
        if theorem in _signature_names(group):
            out.append(ProofViolation(f"{theorem} signature", group[0].line,
                                      f"line {group[0].line}: `{theorem} ::` ({theorem} signature): hsx "
                                      "writes the theorem's signatures itself"))
    return out


# ------------------------------------------------------------------------------------------------
# Small token helpers

def _annotation_tokens(tok: Token) -> list[Token] | None:
    """The tokens of a `{-@ ... @-}` body, with lines of the enclosing text; None if unreadable."""
    body = tok.text[3:-3] if tok.text.endswith("@-}") else tok.text[3:-2]
    try:
        inner = tokenize(body)
    except SourceError:
        return None
    return [Token(t.kind, t.text, tok.line + t.line - 1, t.col) for t in inner]


def _leading_keyword(toks: list[Token]) -> tuple[str | None, list[Token]]:
    """The annotation's keyword, joining hyphenated ones (`opaque-reflect`), and what follows."""
    if not toks or toks[0].kind not in ("varid", "conid"):
        return None, toks
    if len(toks) >= 3 and toks[1].text == "-" and toks[2].kind == "varid" \
            and toks[0].text in ("opaque", "private", "automatic"):
        return f"{toks[0].text}-{toks[2].text}", toks[3:]
    return toks[0].text, toks[1:]


def _first_binder(toks: list[Token]) -> str | None:
    if toks and toks[0].kind in ("varid", "qvarid"):
        return toks[0].text.rsplit(".", 1)[-1]
    if len(toks) >= 3 and toks[0].text == "(" and toks[2].text == ")":
        return toks[1].text
    return None


def _signature_names(toks: list[Token]) -> set[str]:
    """The names a signature declares, read as Liquid Haskell reads them: a qualified `M.f` and a
    parenthesised `(f)` name f too (hsx.haskell.source.signature_names reads plain Haskell)."""
    plain: list[Token] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.text == "(" and i + 2 < len(toks) and toks[i + 2].text == ")" and toks[i + 1].kind != "varsym":
            t, i = toks[i + 1], i + 3
            plain.append(Token("varid", t.text.rsplit(".", 1)[-1], t.line, t.col))
            continue
        if t.kind == "qvarid":
            t = Token("varid", t.text.rsplit(".", 1)[-1], t.line, t.col)
        plain.append(t)
        i += 1
    return set(signature_names(plain) or ())


def _is_size_declaration(rest: list[Token]) -> bool:
    """`T [measure]` or `T a b [measure]`: a default termination measure, nothing more."""
    texts = [t.text for t in rest]
    return (len(texts) >= 4 and rest[0].kind == "conid" and texts[-3:-2] == ["["]
            and texts[-1] == "]" and rest[-2].kind == "varid"
            and all(t.kind == "varid" for t in rest[1:-3]))


def annotation_subject(tok: Token) -> str | None:
    """`{-@ lemma :: ... @-}` → lemma; `{-@ reflect f @-}` → f."""
    toks = _annotation_tokens(tok)
    if toks is None:
        return None
    _, rest = _leading_keyword(toks)
    return _first_binder(rest) or _first_binder(toks)
