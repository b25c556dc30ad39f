"""The transformation Alice: candidate variants Q of a program P by rewriting P's syntax tree.

Consumes a pool `Program` (its code), the kind of variant wanted ("sinq": likely inequivalent,
"seq": likely equivalent) and a seeded `random.Random`; produces `Candidate`s: the rewritten
source Q, the transformation's name and the site it changed.  No model is involved, so this
Alice runs anywhere; self-play (`alice.backend = "transform"` or `"mix"`) sends every candidate
through exactly the same verification as a model's answer, so a transformation that was only
*likely* to (in)validate equivalence is judged by the verifier, never trusted:

* SINQ candidates carry no input: hsx's own counterexample search finds the diverging input, and
  that input is what the pair records;
* SEQ candidates carry no proof: the automatic proof search (hsx/proof/search.py) must find one
  that Liquid Haskell accepts.

The rewrites are span-based.  They are located by the nodes of the syntax tree in the form of the
helper's `syntax` op (haskell/README.md, "The `syntax` op": `op`, `literal`, `if`, `match`
nodes and `binding`/`signature` declarations, spans `[line, col, end_line, end_col]`), and each
rewrite replaces the source text of whole nodes, so Q keeps P's layout everywhere else.  Where a
`syntax` function from the helper (GHC's parser) is passed in, it locates the nodes; otherwise
`token_syntax` derives the same node shapes from hsx's tokenizer (hsx/haskell/source.py) and a Prelude
fixity table.  Every Q is read back (`parse_source`) before it is proposed, and GHC's compile
step inside verification is the final word on whether it parses and type-checks.

Likely inequivalent (SINQ): swap-operator (+/-, </<=, >/>=, &&/||, div/quot, mod/rem),
constant+1, constant-1, move-base-case, flip-guard, drop-guard, swap-if-branches,
swap-arguments, skip-element, repeat-element.

Likely equivalent (SEQ): guards-to-if, if-to-guards, if-to-case, commute, reassociate,
double-to-sum, sum-to-double, introduce-helper, inline-helper, accumulator, merge-clauses,
split-clauses, rename-bound (renaming alone is then rejected by self-play as "identical", like a
model's copy).

    from hsx.selfplay.transform import propose
    cands = propose(program, "sinq", random.Random(0), count=2)
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable, Iterator

from hsx.haskell.source import SourceError, Token, parse_source, tokenize

Span = list[int]  # [line, col, end_line, end_col], 1-based, end_col exclusive (the syntax op's)
SyntaxFn = Callable[[str], dict]


@dataclass(frozen=True)
class Candidate:
    transform: str  # the transformation's name (TRANSFORMS)
    kind: str  # seq (likely equivalent) | sinq (likely inequivalent)
    q: str  # the rewritten program
    site: str  # what changed, for the logs: "line 3: + -> -"


# ------------------------------------------------------------------------------------------------
# Fixities: the Prelude's (Haskell 2010 report, section 4.4.2), plus the backquoted functions
# the pool uses.  Anything else is GHC's default, infixl 9.

FIXITY: dict[str, tuple[int, str]] = {
    "$": (0, "r"), "$!": (0, "r"), "seq": (0, "r"), ">>": (1, "l"), ">>=": (1, "l"),
    "||": (2, "r"), "&&": (3, "r"),
    "==": (4, "n"), "/=": (4, "n"), "<": (4, "n"), "<=": (4, "n"), ">": (4, "n"), ">=": (4, "n"),
    "elem": (4, "n"), "notElem": (4, "n"),
    ":": (5, "r"), "++": (5, "r"),
    "+": (6, "l"), "-": (6, "l"),
    "*": (7, "l"), "/": (7, "l"), "div": (7, "l"), "mod": (7, "l"), "quot": (7, "l"), "rem": (7, "l"),
    "^": (8, "r"), "^^": (8, "r"), "**": (8, "r"),
    ".": (9, "r"), "!!": (9, "l"),
}
_DEFAULT_FIXITY = (9, "l")

OPERATOR_SWAPS = {"+": "-", "-": "+", "<": "<=", "<=": "<", ">": ">=", ">=": ">", "&&": "||", "||": "&&",
                  "div": "quot", "quot": "div", "mod": "rem", "rem": "mod"}
COMMUTATIVE = ("+", "*")
ASSOCIATIVE = ("+", "*", "++", "&&", "||")

_KEYWORDS = {"case", "class", "data", "default", "deriving", "do", "else", "foreign", "if", "import", "in",
             "infix", "infixl", "infixr", "instance", "let", "module", "newtype", "of", "then", "type",
             "where", "_"}
_SKIPPED_DECLS = {"data", "newtype", "type", "import", "module", "class", "instance", "infix", "infixl",
                  "infixr", "deriving", "default", "foreign"}
# Tokens that end an expression on its right (layout breaks are handled separately).
_RIGHT_STOP = {")", "]", ",", "then", "else", "of", "|", "where", "in", ";", "}", "=", "->", "<-", "..", "::"}


# ------------------------------------------------------------------------------------------------
# Source text and spans


class _Text:
    """Offsets for spans of one source text."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.starts.append(i + 1)

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col - 1

    def pos(self, offset: int) -> tuple[int, int]:
        line = max(i for i, s in enumerate(self.starts) if s <= offset)
        return line + 1, offset - self.starts[line] + 1

    def range(self, span: Span) -> tuple[int, int]:
        return self.offset(span[0], span[1]), self.offset(span[2], span[3])

    def of(self, span: Span) -> str:
        a, b = self.range(span)
        return self.text[a:b]


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replaces each (start, end) range by its text; ranges must not overlap."""
    out = text
    last = None
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        if last is not None and end > last:
            raise ValueError("overlapping edits")
        out = out[:start] + new + out[end:]
        last = start
    return out


def _paren(s: str) -> str:
    s = s.strip()
    toks = _safe_tokens(s)
    if toks is not None and len(toks) == 1:
        return s
    if s.startswith("(") and s.endswith(")") and _outer_parens(s):
        return s
    return f"({s})"


def _outer_parens(s: str) -> bool:
    depth = 0
    for i, ch in enumerate(s):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(s) - 1:
            return False
    return True


def _safe_tokens(s: str) -> list[Token] | None:
    try:
        return tokenize(s)
    except SourceError:
        return None


# ------------------------------------------------------------------------------------------------
# The syntax tree from hsx's tokenizer (the shapes of the helper's `syntax` op)


def _is_term_token(t: Token) -> bool:
    return (t.kind in ("varid", "conid", "qvarid", "qconid", "number", "string", "char")
            and t.text not in _KEYWORDS)


class _Tokens:
    def __init__(self, text: str):
        self.t = _Text(text)
        self.toks = tokenize(text)
        self.match: dict[int, int] = {}
        stack: list[int] = []
        for i, tok in enumerate(self.toks):
            if tok.kind == "special" and tok.text in "([{":
                stack.append(i)
            elif tok.kind == "special" and tok.text in ")]}" and stack:
                j = stack.pop()
                self.match[i], self.match[j] = j, i
        # Each token's declaration (a run starting at column 1) and whether it opens a line.
        self.decl: list[int] = []
        self.first_on_line: list[bool] = []
        current, prev_line = -1, 0
        for i, tok in enumerate(self.toks):
            if tok.col == 1:
                current = i
            self.decl.append(current)
            self.first_on_line.append(tok.line != prev_line)
            prev_line = tok.line + tok.text.count("\n")

    def span(self, i: int, j: int) -> Span:
        """Tokens i..j inclusive."""
        a = self.t.offset(self.toks[i].line, self.toks[i].col)
        b = self.t.offset(self.toks[j].line, self.toks[j].col) + len(self.toks[j].text)
        (l1, c1), (l2, c2) = self.t.pos(a), self.t.pos(b)
        return [l1, c1, l2, c2]

    def decl_end(self, i: int) -> int:
        """Index of the last token of i's declaration."""
        d = self.decl[i]
        j = i
        while j + 1 < len(self.toks) and self.decl[j + 1] == d:
            j += 1
        return j

    def line_indent(self, i: int) -> int:
        """The column of the first token on token i's line."""
        j = i
        while j > 0 and not self.first_on_line[j]:
            j -= 1
        return self.toks[j].col

    def term_end(self, i: int) -> int | None:
        if i >= len(self.toks):
            return None
        tok = self.toks[i]
        if tok.kind == "special" and tok.text in "([" and i in self.match:
            return self.match[i]
        return i if _is_term_token(tok) else None

    def term_start(self, j: int) -> int | None:
        if j < 0:
            return None
        tok = self.toks[j]
        if tok.kind == "special" and tok.text in ")]" and j in self.match:
            return self.match[j]
        return j if _is_term_token(tok) else None

    def operator_at(self, i: int) -> tuple[str, int, int, bool] | None:
        """(name, first index, last index, backtick) of a binary operator starting at token i."""
        tok = self.toks[i]
        if tok.kind == "special" and tok.text == "`" and i + 2 < len(self.toks) \
                and self.toks[i + 2].text == "`" and self.toks[i + 1].kind in ("varid", "qvarid"):
            name, first, last, tick = self.toks[i + 1].text, i, i + 2, True
        elif tok.kind in ("varsym", "consym") and tok.text not in ("=", "|", "->", "<-", "::", "\\", "@", "~",
                                                                  "=>", ".."):
            name, first, last, tick = tok.text, i, i, False
        else:
            return None
        # Binary only after a term (otherwise `-` is negation, or this is a section).
        if first == 0 or self.term_start(first - 1) is None:
            return None
        return name, first, last, tick

    def _layout_break(self, j: int, base: int, indent: int) -> bool:
        return j != base and self.first_on_line[j] and self.toks[j].col <= indent

    def operand_right(self, op_last: int, prec: int, assoc: str, limit: int, indent: int) -> int | None:
        j = op_last + 1
        if j > limit:
            return None
        end = self.term_end(j)
        if end is None:
            return None
        while end + 1 <= limit:
            k = end + 1
            if self._layout_break(k, op_last, indent):
                break
            nxt = self.term_end(k)
            if nxt is not None:  # application binds tightest
                end = nxt
                continue
            op = self.operator_at(k)
            if op is None:
                if self.toks[k].text in _RIGHT_STOP:
                    break
                return None  # `if`, `case`, a lambda, negation: not a plain operand
            q, a = FIXITY.get(op[0], _DEFAULT_FIXITY)
            if q > prec or (q == prec and assoc == "r" and a == "r"):
                after = self.term_end(op[2] + 1) if op[2] + 1 <= limit else None
                if after is None:
                    return None
                end = after
                continue
            if q == prec and assoc != a:
                return None  # mixed associativity: GHC rejects or it is ambiguous to us
            break
        return end

    def operand_left(self, op_first: int, prec: int, assoc: str, lo: int) -> int | None:
        j = op_first - 1
        if j < lo:
            return None
        start = self.term_start(j)
        if start is None:
            return None
        while start - 1 >= lo:
            k = start - 1
            prev = self.term_start(k)
            if prev is not None:
                start = prev  # application
                continue
            # An operator ending at k (backticked: three tokens).
            first = k - 2 if self.toks[k].text == "`" and k >= 2 else k
            op = self.operator_at(first) if first >= lo else None
            if op is not None and op[2] == k:
                q, a = FIXITY.get(op[0], _DEFAULT_FIXITY)
                if q > prec or (q == prec and assoc == "l" and a == "l"):
                    before = self.term_start(op[1] - 1) if op[1] - 1 >= lo else None
                    if before is None:
                        return None
                    start = before
                    continue
                if q == prec and assoc != a:
                    return None
                break
            if self.toks[k].text in _LEFT_STOP or self.toks[k].kind == "special" and self.toks[k].text in "([,":
                break
            if self.toks[k].text == "-":
                return None  # negation in front of the operand
            break
        return start

    def expr_end(self, i: int, limit: int, indent: int) -> int:
        """The last token of the expression that starts at i (up to `limit`), for the branches
        of `if`: brackets skipped, nested if/case counted, stopped by layout or a closing token."""
        pending_if = pending_case = 0
        j, last = i, i - 1
        while j <= limit:
            tok = self.toks[j]
            if self._layout_break(j, i, indent):
                break
            if tok.kind == "special" and tok.text in "([{" and j in self.match:
                last = j = self.match[j]
                j += 1
                continue
            if tok.text == "if":
                pending_if += 1
            elif tok.text == "case":
                pending_case += 1
            elif tok.text == "then" and pending_if:
                pass
            elif tok.text == "else" and pending_if:
                pending_if -= 1
            elif tok.text == "of" and pending_case:
                pending_case -= 1
            elif tok.text in _RIGHT_STOP and tok.text not in ("->", "=") or (tok.text == "=" and not pending_case):
                break
            last = j
            j += 1
        return last


_LEFT_STOP = {"=", "(", ",", "[", "then", "else", "if", "->", "of", "in", "|", "let", "<-", ";", "{", "$"}


def token_syntax(text: str) -> dict:
    """The parts of the `syntax` op's answer that the transformations use, from hsx's tokenizer:
    `decls` (binding, signature) and `nodes` (op, literal, if, match).  Raises SourceError."""
    ts = _Tokens(text)
    toks = ts.toks
    decls: list[dict] = []
    nodes: list[dict] = []
    n = len(toks)
    i = 0
    while i < n:
        end = ts.decl_end(i)
        first = toks[i]
        depth0 = _depth0(ts, i, end)
        if first.kind == "varid" and first.text not in _KEYWORDS and first.text not in _SKIPPED_DECLS:
            sig = next((k for k in depth0 if toks[k].text == "::"), None)
            eq = next((k for k in depth0 if toks[k].text in ("=", "|")), None)
            if sig is not None and (eq is None or sig < eq):
                names = [toks[k].text for k in range(i, sig) if toks[k].kind == "varid"]
                decls.append({"kind": "signature", "names": names, "span": ts.span(i, end),
                              "type": ts.t.of(ts.span(sig + 1, end))})
            elif eq is not None:
                decls.append({"kind": "binding", "names": [first.text], "span": ts.span(i, end),
                              "arity": eq - i - 1})
                nodes.extend(_match_node(ts, i, end, depth0))
                nodes.extend(_expr_nodes(ts, eq, end))
        i = end + 1
    nodes.sort(key=lambda nd: (nd["span"][0], nd["span"][1]))
    return {"errors": [], "decls": decls, "nodes": nodes}


def _depth0(ts: _Tokens, i: int, end: int) -> list[int]:
    out, depth = [], 0
    for k in range(i, end + 1):
        t = ts.toks[k].text
        if ts.toks[k].kind == "special" and t in "([{":
            depth += 1
        elif ts.toks[k].kind == "special" and t in ")]}":
            depth -= 1
        elif depth == 0:
            out.append(k)
    return out


def _match_node(ts: _Tokens, i: int, end: int, depth0: list[int]) -> list[dict]:
    """The `match` node of one top-level clause: patterns, guards, right-hand sides, where."""
    toks = ts.toks
    where = next((k for k in depth0 if toks[k].text == "where"), None)
    body_end = (where - 1) if where is not None else end
    stops = [k for k in depth0 if k <= body_end and toks[k].text in ("=", "|")]
    if not stops:
        return []
    patterns: list[Span] = []
    k = i + 1
    while k < stops[0]:
        e = ts.term_end(k)
        if e is None:
            return []
        patterns.append(ts.span(k, e))
        k = e + 1
    rhs: list[Span] = []
    guards: list[list[Span]] = []
    extra: list[dict] = []
    if toks[stops[0]].text == "=":
        if stops[0] + 1 > body_end:
            return []
        rhs.append(ts.span(stops[0] + 1, body_end))
        guards.append([])
    else:
        bars = [k for k in stops if toks[k].text == "|"]
        eqs = [k for k in stops if toks[k].text == "="]
        for b_i, bar in enumerate(bars):
            eq = next((e for e in eqs if e > bar), None)
            nxt = bars[b_i + 1] - 1 if b_i + 1 < len(bars) else body_end
            if eq is None or eq > nxt or eq + 1 > nxt:
                return []
            rhs.append(ts.span(eq + 1, nxt))
            guards.append([ts.span(bar + 1, eq - 1)])
            extra.append({"node": "guarded", "span": ts.span(bar, nxt), "guards": [ts.span(bar + 1, eq - 1)],
                          "rhs": ts.span(eq + 1, nxt)})
    match = {"node": "match", "context": "function", "name": toks[i].text, "infix": False,
             "patterns": patterns, "rhs": rhs, "guards": guards,
             "where": ts.span(where, end) if where is not None else None, "span": ts.span(i, end)}
    return [match, *extra]


def _expr_nodes(ts: _Tokens, eq: int, end: int) -> Iterator[dict]:
    toks = ts.toks
    k = eq
    while k <= end:
        tok = toks[k]
        indent = ts.line_indent(k)
        op = ts.operator_at(k)
        if op is not None:
            name, first, last, tick = op
            prec, assoc = FIXITY.get(name, _DEFAULT_FIXITY)
            lo = ts.operand_left(first, prec, assoc, eq + 1)
            hi = ts.operand_right(last, prec, assoc, end, indent)
            if lo is not None and hi is not None:
                yield {"node": "op", "op": name, "op_span": ts.span(first, last), "lhs": ts.span(lo, first - 1),
                       "rhs": ts.span(last + 1, hi), "backtick": tick, "span": ts.span(lo, hi)}
            k = last + 1
            continue
        if tok.kind == "number" and re.fullmatch(r"\d+", tok.text):
            yield {"node": "literal", "kind": "integer", "text": tok.text, "value": str(int(tok.text)),
                   "span": ts.span(k, k)}
        if tok.text == "if":
            node = _if_node(ts, k, end, indent)
            if node is not None:
                yield node
        k += 1


def _if_node(ts: _Tokens, i: int, end: int, indent: int) -> dict | None:
    toks = ts.toks
    nested = 0
    then = els = None
    k = i + 1
    while k <= end:
        t = toks[k]
        if t.kind == "special" and t.text in "([{" and k in ts.match:
            k = ts.match[k] + 1
            continue
        if t.text == "if":
            nested += 1
        elif t.text == "then" and then is None and nested == 0:
            then = k
        elif t.text == "else":
            if nested:
                nested -= 1
            elif then is not None:
                els = k
                break
        k += 1
    if then is None or els is None or then == i + 1 or els == then + 1 or els + 1 > end:
        return None
    last = ts.expr_end(els + 1, end, indent)
    if last < els + 1:
        return None
    return {"node": "if", "cond": ts.span(i + 1, then - 1), "then": ts.span(then + 1, els - 1),
            "else": ts.span(els + 1, last), "span": ts.span(i, last)}


# ------------------------------------------------------------------------------------------------
# The transformations.  Each takes the program (text, its tree, its entry) and yields every
# variant it can make: (site description, new text).


@dataclass(frozen=True)
class _Program:
    text: str
    tree: dict
    entry: str
    t: _Text

    def nodes(self, kind: str) -> list[dict]:
        return [n for n in self.tree.get("nodes", []) if n.get("node") == kind]

    def bindings(self, name: str | None = None) -> list[dict]:
        return [d for d in self.tree.get("decls", []) if d["kind"] == "binding"
                and (name is None or name in d["names"])]

    def signature(self, name: str) -> dict | None:
        return next((d for d in self.tree.get("decls", []) if d["kind"] == "signature" and name in d["names"]), None)

    def matches(self, name: str) -> list[dict]:
        return [m for m in self.nodes("match") if m.get("context") == "function" and m.get("name") == name]

    def replace(self, *edits: tuple[Span, str]) -> str:
        return _apply(self.text, [(*self.t.range(s), new) for s, new in edits])


def _where(span: Span) -> str:
    return f"line {span[0]}"


def _swap_operator(p: _Program):
    for n in p.nodes("op"):
        new = OPERATOR_SWAPS.get(n["op"])
        if new is None:
            continue
        span = n["op_span"]
        text = f"`{new}`" if n.get("backtick") else new
        yield f"{_where(span)}: {n['op']} -> {new}", p.replace((span, text))


def _constant(delta: int):
    def transform(p: _Program):
        for n in p.nodes("literal"):
            if n.get("kind") != "integer":
                continue
            value = int(n["value"]) + delta
            text = str(value) if value >= 0 else f"({value})"
            yield f"{_where(n['span'])}: {n['text']} -> {text}", p.replace((n["span"], text))
    return transform


def _function_groups(p: _Program) -> list[list[dict]]:
    """The clauses (match nodes) of each top-level function, in order."""
    groups: dict[str, list[dict]] = {}
    for b in p.bindings():
        name = b["names"][0]
        groups.setdefault(name, [m for m in p.matches(name) if m["span"][1] == 1])
    return [g for g in groups.values() if g]


def _clause_text(p: _Program, m: dict) -> tuple[int, int, str]:
    """A clause's whole lines: (start, end) offsets and text."""
    start = p.t.offset(m["span"][0], 1)
    end = p.t.offset(m["span"][2], m["span"][3])
    return start, end, p.text[start:end]


def _move_base_case(p: _Program):
    for clauses in _function_groups(p):
        if len(clauses) < 2:
            continue
        a, b = clauses[0], clauses[1]
        sa, ea, ta = _clause_text(p, a)
        sb, eb, tb = _clause_text(p, b)
        if p.text[ea:sb].strip():
            continue
        new = p.text[:sa] + tb + p.text[ea:sb] + ta + p.text[eb:]
        yield f"{_where(a['span'])}: first clause of {a['name']} moved after the second", new


def _flip_guard(p: _Program):
    for m in p.nodes("match"):
        for gs in m.get("guards", []):
            for g in gs:
                text = p.t.of(g).strip()
                if text in ("otherwise", "True"):
                    continue
                yield f"{_where(g)}: guard {text} negated", p.replace((g, f"not ({text})"))


def _drop_guard(p: _Program):
    for m in p.nodes("match"):
        guards, rhs = m.get("guards", []), m.get("rhs", [])
        if len(rhs) < 2 or any(not g for g in guards):
            continue
        for i in range(len(rhs) - 1):
            start = p.t.offset(guards[i][0][0], guards[i][0][1])
            bar = p.text.rfind("|", 0, start)
            nxt = p.t.offset(guards[i + 1][0][0], guards[i + 1][0][1])
            nxt_bar = p.text.rfind("|", 0, nxt)
            if bar < 0 or nxt_bar <= bar:
                continue
            new = p.text[:bar] + p.text[nxt_bar:]
            yield f"{_where(guards[i][0])}: guard {p.t.of(guards[i][0]).strip()} dropped", new


def _swap_if(p: _Program):
    for n in p.nodes("if"):
        a, b = p.t.of(n["then"]), p.t.of(n["else"])
        yield f"{_where(n['span'])}: if branches swapped", p.replace((n["then"], _paren(b)), (n["else"], _paren(a)))


def _arg_types(sig: str) -> list[str] | None:
    """The argument types of a signature's type text (a context is dropped), or None."""
    toks = _safe_tokens(sig)
    if toks is None:
        return None
    if any(t.text == "=>" for t in toks):
        sig = sig.split("=>", 1)[1]
    parts, depth, cur = [], 0, []
    for t in tokenize(sig):
        if t.text in "([":
            depth += 1
        elif t.text in ")]":
            depth -= 1
        if t.text == "->" and depth == 0:
            parts.append(" ".join(cur))
            cur = []
        else:
            cur.append(t.text)
    parts.append(" ".join(cur))
    return parts[:-1]


def _swap_arguments(p: _Program):
    sig = p.signature(p.entry)
    clauses = p.matches(p.entry)
    if sig is None or not clauses:
        return
    args = _arg_types(sig["type"]) or []
    for i in range(len(args)):
        for j in range(i + 1, len(args)):
            if args[i] != args[j] or any(len(m["patterns"]) <= j for m in clauses):
                continue
            edits = []
            for m in clauses:
                pi, pj = m["patterns"][i], m["patterns"][j]
                edits += [(pi, p.t.of(pj)), (pj, p.t.of(pi))]
            new = p.replace(*edits)
            if new != p.text:
                yield f"arguments {i + 1} and {j + 1} of {p.entry} swapped", new


_CONS = re.compile(r"^\(\s*([a-z_][\w']*)\s*:\s*([a-z_][\w']*)\s*\)$")


def _cons_clauses(p: _Program):
    """(match, pattern index, head, tail) for clauses with an (x : xs) argument."""
    for m in p.nodes("match"):
        if m.get("context") != "function":
            continue
        for k, pat in enumerate(m.get("patterns", [])):
            c = _CONS.match(p.t.of(pat))
            if c:
                yield m, k, c.group(1), c.group(2)


def _tokens_in(p: _Program, span: Span) -> list[tuple[Token, Span]]:
    """The tokens of a span with their own spans."""
    line0, col0 = span[0], span[1]
    out = []
    for tok in tokenize(p.t.of(span)):
        line = line0 + tok.line - 1
        col = col0 + tok.col - 1 if tok.line == 1 else tok.col
        out.append((tok, [line, col, line, col + len(tok.text)]))
    return out


def _skip_element(p: _Program):
    for m, _, _x, xs in _cons_clauses(p):
        for r in m["rhs"]:
            toks = _tokens_in(p, r)
            seen_call = False
            for tok, span in toks:
                if tok.text == m["name"]:
                    seen_call = True
                elif seen_call and tok.kind == "varid" and tok.text == xs:
                    yield f"{_where(span)}: {m['name']} skips an element ({xs} -> drop 1 {xs})", \
                        p.replace((span, f"(drop 1 {xs})"))
                    break


def _repeat_element(p: _Program):
    for m, _, x, _xs in _cons_clauses(p):
        for r in m["rhs"]:
            toks = _tokens_in(p, r)
            for (tok, span), (nxt, _) in zip(toks, toks[1:]):
                if tok.kind == "varid" and tok.text == x and nxt.text == ":":
                    yield f"{_where(span)}: {m['name']} repeats an element", p.replace((span, f"{x} : {x}"))
                    break


def _guards_to_if(p: _Program):
    for m in p.nodes("match"):
        guards, rhs = m.get("guards", []), m.get("rhs", [])
        if len(rhs) < 2 or any(len(g) != 1 for g in guards):
            continue
        if p.t.of(guards[-1][0]).strip() not in ("otherwise", "True"):
            continue  # without a catch-all, a failing guard falls through to the next clause
        if any(r[0] != r[2] for r in rhs):
            continue  # one-line right-hand sides only: the if is written on one line
        first = p.t.offset(guards[0][0][0], guards[0][0][1])
        bar = p.text.rfind("|", 0, first)
        end = p.t.range(rhs[-1])[1]
        parts = [f"if {p.t.of(g[0]).strip()} then {_paren(p.t.of(r))} else " for g, r in zip(guards[:-1], rhs[:-1])]
        expr = "= " + "".join(parts) + _paren(p.t.of(rhs[-1]))
        yield f"{_where(guards[0][0])}: guards of {m['name']} as if/else", p.text[:bar] + expr + p.text[end:]


def _if_to_guards(p: _Program):
    for m in p.nodes("match"):
        if len(m.get("rhs", [])) != 1 or m["guards"][0]:
            continue
        r = m["rhs"][0]
        node = next((n for n in p.nodes("if") if n["span"][:2] == r[:2] and n["span"][2:] == r[2:]), None)
        if node is None:
            continue
        start, end = p.t.range(r)
        eq = p.text.rfind("=", 0, start)
        if eq < 0:
            continue
        cond, a, b = (" ".join(p.t.of(node[k]).split()) for k in ("cond", "then", "else"))
        new = p.text[:eq].rstrip() + f"\n  | {cond} = {a}\n  | otherwise = {b}" + p.text[end:]
        yield f"{_where(r)}: if of {m['name']} as guards", new


def _if_to_case(p: _Program):
    for n in p.nodes("if"):
        cond, a, b = (p.t.of(n[k]).strip() for k in ("cond", "then", "else"))
        yield f"{_where(n['span'])}: if as case", \
            p.replace((n["span"], f"(case {cond} of {{ True -> {a}; False -> {b} }})"))


def _commute(p: _Program):
    for n in p.nodes("op"):
        if n["op"] not in COMMUTATIVE or n["span"][0] != n["span"][2]:
            continue
        lhs, rhs = p.t.of(n["lhs"]), p.t.of(n["rhs"])
        if lhs.strip() == rhs.strip():
            continue
        op = p.t.of(n["op_span"])
        yield f"{_where(n['span'])}: {lhs.strip()} {op} {rhs.strip()} commuted", \
            p.replace((n["span"], f"{_paren(rhs)} {op} {_paren(lhs)}"))


def _reassociate(p: _Program):
    ops = [n for n in p.nodes("op") if n["op"] in ASSOCIATIVE and n["span"][0] == n["span"][2]]
    for outer in ops:
        for inner in ops:
            if inner is outer or inner["op"] != outer["op"]:
                continue
            op = outer["op"] if not outer.get("backtick") else f"`{outer['op']}`"
            if inner["span"] == outer["lhs"]:  # (a op b) op c -> a op (b op c)
                a, b, c = (p.t.of(s) for s in (inner["lhs"], inner["rhs"], outer["rhs"]))
                new = f"{_paren(a)} {op} ({_paren(b)} {op} {_paren(c)})"
            elif inner["span"] == outer["rhs"]:  # a op (b op c) -> (a op b) op c
                a, b, c = (p.t.of(s) for s in (outer["lhs"], inner["lhs"], inner["rhs"]))
                new = f"({_paren(a)} {op} {_paren(b)}) {op} {_paren(c)}"
            else:
                continue
            yield f"{_where(outer['span'])}: {outer['op']} re-associated", p.replace((outer["span"], f"({new})"))


def _double_to_sum(p: _Program):
    for n in p.nodes("op"):
        if n["op"] != "*":
            continue
        lhs, rhs = p.t.of(n["lhs"]).strip(), p.t.of(n["rhs"]).strip()
        other = rhs if lhs == "2" else lhs if rhs == "2" else None
        if other is None:
            continue
        e = _paren(other)
        yield f"{_where(n['span'])}: {lhs} * {rhs} as a sum", p.replace((n["span"], f"({e} + {e})"))


def _sum_to_double(p: _Program):
    for n in p.nodes("op"):
        if n["op"] != "+":
            continue
        lhs, rhs = p.t.of(n["lhs"]).strip(), p.t.of(n["rhs"]).strip()
        if lhs != rhs:
            continue
        yield f"{_where(n['span'])}: {lhs} + {rhs} as 2 *", p.replace((n["span"], f"(2 * {_paren(lhs)})"))


def _fresh(p: _Program, base: str) -> str:
    names = {t.text for t in tokenize(p.text)}
    name, k = base, 1
    while name in names:
        k += 1
        name = f"{base}{k}"
    return name


def _rename_tokens(p: _Program, span: Span, old: str, new: str) -> list[tuple[Span, str]]:
    return [(s, new) for tok, s in _tokens_in(p, span) if tok.kind == "varid" and tok.text == old]


def _introduce_helper(p: _Program):
    sig = p.signature(p.entry)
    binds = p.bindings(p.entry)
    if sig is None or len(sig["names"]) != 1 or not binds:
        return
    arity = len(_arg_types(sig["type"]) or [])
    if arity == 0:
        return
    go = _fresh(p, f"{p.entry}Go")
    edits = _rename_tokens(p, sig["span"], p.entry, go)
    for b in binds:
        edits += _rename_tokens(p, b["span"], p.entry, go)
    args = " ".join(f"a{i}" for i in range(1, arity + 1))
    wrapper = f"{p.entry} :: {' '.join(sig['type'].split())}\n{p.entry} {args} = {go} {args}\n\n"
    start = p.t.offset(sig["span"][0], 1)
    new = p.replace(*edits)
    new = new[:start] + wrapper + new[start:]
    yield f"{p.entry} defined through a new helper {go}", new


def _inline_helper(p: _Program):
    for b in p.bindings():
        name = b["names"][0]
        clauses = p.matches(name)
        if name == p.entry or len(clauses) != 1:
            continue
        m = clauses[0]
        if m["guards"][0] or m.get("where") or len(m["rhs"]) != 1:
            continue
        params = [p.t.of(s).strip() for s in m["patterns"]]
        if not params or not all(re.fullmatch(r"[a-z_][\w']*", x) and x != "_" for x in params):
            continue
        body = p.t.of(m["rhs"][0])
        body_toks = {t.text for t in tokenize(body)}
        if name in body_toks:
            continue  # recursive
        calls = [n for n in p.tree.get("nodes", []) if n.get("node") == "call" and n.get("name") == name]
        uses = [(t, s) for d in p.bindings() if d is not b for t, s in _tokens_in(p, d["span"]) if t.text == name]
        sites = _call_sites(p, name, len(params)) if not calls else \
            [(c["span"], [p.t.of(a) for a in c["args"]]) for c in calls if len(c["args"]) == len(params)]
        if len(uses) != 1 or len(sites) != 1:
            continue
        site, args = sites[0]
        if any({t.text for t in tokenize(a)} & (body_toks - set(params)) for a in args):
            continue  # an argument mentions a name the body binds or uses: capture is possible
        subst = dict(zip(params, (_paren(a) for a in args)))
        inlined = "".join(_render_subst(body, subst))
        edits = [(site, f"({' '.join(inlined.split())})")]
        sig = p.signature(name)
        removed = [b["span"]] + ([sig["span"]] if sig and sig["names"] == [name] else [])
        new = _apply(p.text, [(*p.t.range(s), new) for s, new in edits]
                     + [(p.t.offset(s[0], 1), p.t.offset(s[2], s[3]) + 1, "") for s in removed])
        yield f"helper {name} inlined", new


def _call_sites(p: _Program, name: str, arity: int) -> list[tuple[Span, list[str]]]:
    """`name a1 .. an` with atomic arguments, found by tokens (the `call` node stands in)."""
    ts = _Tokens(p.text)
    out = []
    for i, tok in enumerate(ts.toks):
        if tok.text != name or tok.col == 1:
            continue
        args, k = [], i + 1
        for _ in range(arity):
            e = ts.term_end(k)
            if e is None:
                break
            args.append(ts.t.of(ts.span(k, e)))
            k = e + 1
        if len(args) == arity:
            out.append((ts.span(i, k - 1), args))
    return out


def _render_subst(body: str, subst: dict[str, str]) -> Iterator[str]:
    """The body's text with whole-word variables replaced (positions from the tokenizer)."""
    t = _Text(body)
    pos = 0
    for tok in tokenize(body):
        off = t.offset(tok.line, tok.col)
        yield body[pos:off]
        yield subst.get(tok.text, tok.text) if tok.kind == "varid" else tok.text
        pos = off + len(tok.text)
    yield body[pos:]


def _accumulator(p: _Program):
    """`f .. = e op f args` (op + or *) with base cases `f .. = b` becomes a tail-recursive helper
    with an accumulator: fAcc acc .. = fAcc (acc op e) args, fAcc acc .. = acc op b, and
    f x1 .. xn = fAcc unit x1 .. xn."""
    sig = p.signature(p.entry)
    clauses = p.matches(p.entry)
    if sig is None or len(sig["names"]) != 1 or not clauses or any(m.get("where") for m in clauses):
        return
    arity = len(_arg_types(sig["type"]) or [])
    if arity == 0:
        return
    ops = p.nodes("op")
    rhss = [r for m in clauses for r in m["rhs"]]
    recursive, base = [], []
    for r in rhss:
        text = p.t.of(r)
        names = {t.text for t in tokenize(text)}
        if p.entry not in names:
            base.append(r)
            continue
        top = next((n for n in ops if n["span"] == r and n["op"] in ("+", "*")), None)
        if top is None:
            return
        call = p.t.of(top["rhs"]).strip()
        if not call.startswith(p.entry + " ") or p.entry in {t.text for t in tokenize(p.t.of(top["lhs"]))}:
            return
        recursive.append((r, top))
    if not recursive or not base or len({top["op"] for _, top in recursive}) != 1:
        return
    op = recursive[0][1]["op"]
    unit = "0" if op == "+" else "1"
    acc = _fresh(p, "acc")
    go = _fresh(p, f"{p.entry}Acc")
    edits: list[tuple[Span, str]] = []
    for m in clauses:
        edits.append(([m["span"][0], m["span"][1], m["span"][0], m["span"][1] + len(p.entry)], f"{go} {acc}"))
    for r in base:
        edits.append((r, f"{acc} {op} {_paren(p.t.of(r))}"))
    for r, top in recursive:
        args = p.t.of(top["rhs"]).strip()[len(p.entry):]
        edits.append((r, f"{go} ({acc} {op} {_paren(p.t.of(top['lhs']))}){args}"))
    new = p.replace(*edits)
    typ = " ".join(sig["type"].split())
    ctx, _, body = typ.rpartition("=>")
    result = typ.split("->")[-1].strip()
    go_type = f"{ctx}=> " if ctx else ""
    go_type += f"{result} -> {body.strip() if ctx else typ}"
    start, end = p.t.range(sig["span"])
    xs = " ".join(f"a{i}" for i in range(1, arity + 1))
    wrapper = (f"{p.entry} :: {typ}\n{p.entry} {xs} = {go} {unit} {xs}\n\n{go} :: {go_type}")
    new = new[:start] + wrapper + new[end:]
    yield f"{p.entry} with an accumulator ({op})", new


def _merge_clauses(p: _Program):
    for clauses in _function_groups(p):
        if len(clauses) < 2:
            continue
        n = len(clauses[0]["patterns"])
        if n == 0 or any(len(m["patterns"]) != n or m.get("where") or m["span"][0] != m["span"][2]
                         for m in clauses):
            continue
        if any(len(m["rhs"]) != 1 or m["guards"][0] for m in clauses):
            continue
        name = clauses[0]["name"]
        if any("@" in p.t.of(s) for m in clauses for s in m["patterns"]):
            continue
        vs = [_fresh(p, f"hsxArg{i}") for i in range(1, n + 1)]
        scrut = vs[0] if n == 1 else "(" + ", ".join(vs) + ")"
        alts = []
        for m in clauses:
            pats = [p.t.of(s) for s in m["patterns"]]
            pat = pats[0] if n == 1 else "(" + ", ".join(pats) + ")"
            alts.append(f"    {pat} -> {p.t.of(m['rhs'][0]).strip()}")
        start, _, _ = _clause_text(p, clauses[0])
        _, end, _ = _clause_text(p, clauses[-1])
        text = f"{name} {' '.join(vs)} = case {scrut} of\n" + "\n".join(alts)
        yield f"clauses of {name} merged into one case", p.text[:start] + text + p.text[end:]


_LAYOUT_WORDS = {"of", "let", "where", "do"}


def _case_alternatives(p: _Program, rhs: Span) -> tuple[str, list[tuple[str, str]]] | None:
    """`case v of` alternatives `pat -> body` laid out in one block, each unguarded and with no
    `where`, where the case is the whole right-hand side: (v, [(pattern, body)]), else None."""
    toks = _tokens_in(p, rhs)
    if len(toks) < 6 or [t.text for t, _ in toks[:1]] != ["case"] or toks[2][0].text != "of":
        return None
    if toks[1][0].kind != "varid" or toks[1][0].text in _KEYWORDS:
        return None
    body = toks[3:]
    if any(t.text in ("{", "}", ";", "where", "case") or t.kind in ("pragma", "annotation") for t, _ in body):
        return None  # explicit braces, nested cases and local where's are not handled
    col = body[0][1][1]
    starts = []
    prev_line = toks[2][1][0]
    for k, (_t, s) in enumerate(body):
        new_line = s[0] != prev_line
        prev_line = s[0]
        if k == 0 or (new_line and s[1] == col):
            starts.append(k)
        elif new_line and s[1] < col:
            return None  # the block closes before the right-hand side ends
    alts = []
    for a, b in zip(starts, starts[1:] + [len(body)]):
        alt = body[a:b]
        depth, arrow = 0, None
        for k, (t, _) in enumerate(alt):
            if t.kind == "special" and t.text in "([":
                depth += 1
            elif t.kind == "special" and t.text in ")]":
                depth -= 1
            elif depth == 0 and t.text == "|":
                return None  # a guarded alternative
            elif depth == 0 and t.text == "->":
                arrow = k
                break
        if arrow is None or arrow == 0 or arrow + 1 >= len(alt):
            return None
        pat_span = [*alt[0][1][:2], *alt[arrow - 1][1][2:]]
        body_span = [*alt[arrow + 1][1][:2], *alt[-1][1][2:]]
        text = p.t.of(body_span)
        if "\n" in text:
            if any(t.text in _LAYOUT_WORDS for t, _ in alt[arrow + 1:]):
                return None  # a layout block inside a multi-line body would move
            text = " ".join(text.split())
        alts.append((p.t.of(pat_span), text))
    return toks[1][0].text, alts


def _split_clauses(p: _Program):
    """`f a1 .. v .. an = case v of { pi -> ei }` (v a plain argument variable) becomes one clause
    per alternative, `f a1 .. pi .. an = ei`, with `v@pi` where ei still uses v and the `where`
    bindings repeated under each clause.  Nothing is proposed where that could change meaning:
    the where mentions v, or an alternative binds a name that another argument, v or the where
    also binds or uses."""
    for clauses in _function_groups(p):
        if len(clauses) != 1:
            continue
        m = clauses[0]
        name = m["name"]
        binds = p.bindings(name)
        if m.get("infix") or len(binds) != 1 or len(m["rhs"]) != 1 or m["guards"][0] or not m["patterns"]:
            continue
        whole = p.t.of(binds[0]["span"])
        if "--" in whole or "{-" in whole:
            continue  # comments would be lost or moved
        head = _tokens_in(p, binds[0]["span"])
        if not head or head[0][0].text != name:
            continue
        found = _case_alternatives(p, m["rhs"][0])
        if found is None:
            continue
        v, alts = found
        pats = [p.t.of(s).strip() for s in m["patterns"]]
        if pats.count(v) != 1:
            continue  # the scrutinee is not a plain argument variable
        k = pats.index(v)
        others = {t.text for i, s in enumerate(m["patterns"]) if i != k for t, _ in _tokens_in(p, s)}
        rhs_end = p.t.range(m["rhs"][0])[1]
        where_text = ""
        where_names: set[str] = set()
        if m.get("where"):
            w = next(((t, s) for t, s in head if t.text == "where" and p.t.range(s)[0] >= rhs_end), None)
            if w is None:
                continue
            start = p.t.range(w[1])[0]
            end = p.t.range(binds[0]["span"])[1]
            where_text = " " * (w[1][1] - 1) + p.text[start:end].rstrip()
            where_names = {t.text for t in tokenize(where_text)}
            if v in where_names:
                continue  # where-bindings depend on the scrutinee
        elif p.t.range(binds[0]["span"])[1] > rhs_end and p.text[rhs_end:p.t.range(binds[0]["span"])[1]].strip():
            continue  # something after the case that this reading does not account for
        out = []
        ok = True
        for pat, body in alts:
            bound = {t.text for t in tokenize(pat) if t.kind == "varid" and t.text != "_"}
            if bound & (others | where_names | {v}):
                ok = False  # a clash or a shadowing the split would change
                break
            used = {t.text for t in tokenize(body) if t.kind == "varid"}
            pat = pat.strip()
            atom = pat if pat in ("[]", "()") else _paren(pat)
            new_pat = (v if pat == "_" else f"{v}@{atom}") if v in used else atom
            args = [new_pat if i == k else s for i, s in enumerate(pats)]
            clause = f"{name} {' '.join(args)} = {body.strip()}"
            out.append(clause + ("\n" + where_text if where_text else ""))
        if not ok:
            continue
        start, end = p.t.offset(binds[0]["span"][0], 1), p.t.range(binds[0]["span"])[1]
        yield f"{_where(m['span'])}: case of {name} split into {len(out)} clauses", \
            p.text[:start] + "\n".join(out) + p.text[end:]


def _rename_bound(p: _Program):
    for m in p.nodes("match"):
        for pat in m.get("patterns", []):
            for tok, _ in _tokens_in(p, pat):
                if tok.kind != "varid" or tok.text in _KEYWORDS:
                    continue
                new = _fresh(p, tok.text + "'")
                edits = _rename_tokens(p, m["span"], tok.text, new)
                yield f"{_where(m['span'])}: {tok.text} renamed to {new}", p.replace(*edits)
                break


TRANSFORMS: dict[str, tuple[str, Callable[[_Program], Iterator[tuple[str, str]]]]] = {
    # likely inequivalent
    "swap-operator": ("sinq", _swap_operator),
    "constant+1": ("sinq", _constant(1)),
    "constant-1": ("sinq", _constant(-1)),
    "move-base-case": ("sinq", _move_base_case),
    "flip-guard": ("sinq", _flip_guard),
    "drop-guard": ("sinq", _drop_guard),
    "swap-if-branches": ("sinq", _swap_if),
    "swap-arguments": ("sinq", _swap_arguments),
    "skip-element": ("sinq", _skip_element),
    "repeat-element": ("sinq", _repeat_element),
    # likely equivalent
    "guards-to-if": ("seq", _guards_to_if),
    "if-to-guards": ("seq", _if_to_guards),
    "if-to-case": ("seq", _if_to_case),
    "commute": ("seq", _commute),
    "reassociate": ("seq", _reassociate),
    "double-to-sum": ("seq", _double_to_sum),
    "sum-to-double": ("seq", _sum_to_double),
    "introduce-helper": ("seq", _introduce_helper),
    "inline-helper": ("seq", _inline_helper),
    "accumulator": ("seq", _accumulator),
    "merge-clauses": ("seq", _merge_clauses),
    "split-clauses": ("seq", _split_clauses),
    "rename-bound": ("seq", _rename_bound),
}


def variants(code: str, entry: str, transform: str, *, syntax: SyntaxFn | None = None) -> list[tuple[str, str]]:
    """Every (site, Q) that one transformation makes of `code`; Q's that hsx cannot read back
    are dropped."""
    try:
        tree = (syntax or token_syntax)(code)
    except SourceError:
        return []
    if tree.get("errors"):
        return []
    p = _Program(code, tree, entry, _Text(code))
    out, seen = [], set()
    try:
        for site, q in TRANSFORMS[transform][1](p):
            if q == code or q in seen or not _reads_back(q):
                continue
            seen.add(q)
            out.append((site, q))
    except (SourceError, ValueError, IndexError, KeyError, TypeError):
        # A site this transformation cannot handle (an unusual layout, a node shape it does not
        # expect): the variants found so far stand, and self-play goes on.
        return out
    return out


def _reads_back(q: str) -> bool:
    try:
        parse_source(q)
    except SourceError:
        return False
    return True


def propose(code: str, entry: str, kind: str, rng: random.Random, *, count: int = 1,
            exclude: frozenset[str] = frozenset(), syntax: SyntaxFn | None = None) -> list[Candidate]:
    """Up to `count` candidates of one kind, each from a different transformation where possible:
    the transformations of that kind in a seeded random order, one random site of each."""
    if kind not in ("seq", "sinq"):
        raise ValueError(f"kind must be 'seq' or 'sinq', got {kind!r}")
    names = sorted(n for n, (k, _) in TRANSFORMS.items() if k == kind)
    rng.shuffle(names)
    out: list[Candidate] = []
    for name in names:
        if len(out) >= count:
            break
        found = [v for v in variants(code, entry, name, syntax=syntax) if v[1] not in exclude]
        if found:
            site, q = rng.choice(found)
            out.append(Candidate(name, kind, q, site))
    return out


__all__ = ["Candidate", "TRANSFORMS", "propose", "token_syntax", "variants"]
