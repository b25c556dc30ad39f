"""Reading model answers back: Alice's program, input or proof, and Bob's verdict.

Consumes raw completions (reasoning models wrap their thoughts in `<think>...</think>`); produces
`ParsedAnswer` or `ParseFailure` for Alice, and True/False/None for Bob.  The formats are the ones
hsx/agents/prompts.py asks for, through the same constants.  Rules:

* think blocks are removed first: every `<think>...</think>`; a `</think>` with no opening tag
  (the chat template opened the block in the prompt) removes everything before it; a `<think>`
  that is never closed (the answer was cut off while thinking) removes everything after it;
* Alice: the LAST fenced block labelled `prompts.Q_LABEL` is Q, the last one labelled
  `prompts.INPUT_LABEL` (SINQ) or `prompts.PROOF_LABEL` (SEQ) is the rest; unterminated blocks
  do not count; an input must have exactly one non-empty line
  per argument (`--` comment lines are skipped);
* Bob: the LAST `ANSWER:` marker decides (case-insensitive); its line must say exactly one of
  YES or NO; no marker, or both words, is None (unparsed: scored as wrong upstream).

`same_program` rejects a Q that is P again: equal token streams up to comments, layout and a
consistent renaming of the program's own names (alpha-equivalence).  Keywords, library names
(`hsx.pool.reflect.LIBRARY_NAMES`), Prelude constructors and types, literals and library operators
must match exactly, so `foldl` for `foldr` or `<` for `<=` is a different program.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hsx.agents.prompts import ANSWER_MARKER, FENCE, INPUT_LABEL, NO, PROOF_LABEL, Q_LABEL, YES
from hsx.haskell.source import parse_source
from hsx.haskell.tokens import KEYWORDS as HASKELL_KEYWORDS, SourceError, Token, tokenize
from hsx.pool.reflect import LIBRARY_NAMES

Q_LABELS = (Q_LABEL, "hs")  # ```hs is a common spelling of the same thing


@dataclass(frozen=True)
class ParsedAnswer:
    """Alice's answer text read as Q plus her diverging input or her proof (the record of the
    answer in a run is hsx.records.AliceAnswer)."""
    kind: str  # seq | sinq
    q_code: str
    inputs: tuple[str, ...] | None = None  # SINQ: one Haskell expression per argument
    proof: str | None = None  # SEQ: the proof text (equations of equiv, lemmas, helpers)


@dataclass(frozen=True)
class ParseFailure:
    reason: str


# ------------------------------------------------------------------------------------------------
# Text

_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)


def strip_think(text: str) -> str:
    """The answer without its reasoning blocks (see the module docstring)."""
    text = _THINK.sub("", text)
    lower = text.lower()
    if "</think>" in lower:
        text = text[lower.rindex("</think>") + len("</think>"):]
        lower = text.lower()
    if "<think>" in lower:
        text = text[:lower.index("<think>")]
    return text


_OPEN = re.compile(rf"^[ \t]*{re.escape(FENCE)}[ \t]*([A-Za-z0-9_+-]*)[ \t]*$")
_CLOSE = re.compile(rf"^[ \t]*{re.escape(FENCE)}[ \t]*$")


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(label in lower case, body) of every complete fenced block, in order."""
    lines = text.split("\n")
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not _CLOSE.match(lines[j]):
            j += 1
        if j == len(lines):
            break  # unterminated: the rest of the answer was cut off
        out.append((m.group(1).lower(), "\n".join(lines[i + 1:j])))
        i = j + 1
    return out


def _last(blocks: list[tuple[str, str]], labels: tuple[str, ...]) -> str | None:
    found = [body for label, body in blocks if label in labels]
    return found[-1] if found else None


def parse_alice(text: str, kind: str, arity: int) -> ParsedAnswer | ParseFailure:
    """Alice's answer for a SEQ ("seq") or SINQ ("sinq") task on an entry of `arity` arguments."""
    if kind not in ("seq", "sinq"):
        raise ValueError(f"kind must be 'seq' or 'sinq', got {kind!r}")
    blocks = fenced_blocks(strip_think(text))
    q = _last(blocks, Q_LABELS)
    if q is None or not q.strip():
        return ParseFailure(f"no {FENCE}{Q_LABEL} block with the program Q" if q is None
                            else f"the {FENCE}{Q_LABEL} block is empty")
    q_code = q.strip("\n") + "\n"
    if kind == "sinq":
        block = _last(blocks, (INPUT_LABEL,))
        if block is None:
            return ParseFailure(f"no {FENCE}{INPUT_LABEL} block with the diverging input")
        lines = [ln.strip() for ln in block.split("\n") if ln.strip() and not ln.strip().startswith("--")]
        if len(lines) != arity:
            return ParseFailure(f"the {FENCE}{INPUT_LABEL} block has {len(lines)} non-empty line(s), but the "
                                f"entry takes {arity} argument(s): write one Haskell expression per argument")
        return ParsedAnswer("sinq", q_code, inputs=tuple(lines))
    proof = _last(blocks, (PROOF_LABEL,))
    if proof is None:
        return ParseFailure(f"no {FENCE}{PROOF_LABEL} block with the proof")
    if not proof.strip():
        return ParseFailure(f"the {FENCE}{PROOF_LABEL} block is empty")
    return ParsedAnswer("seq", q_code, proof=proof.strip("\n") + "\n")


_MARKER = re.compile(re.escape(ANSWER_MARKER.rstrip(":")) + r"\s*:", re.IGNORECASE)
_WORDS = re.compile(rf"\b({YES}|{NO})\b", re.IGNORECASE)


def parse_bob(text: str) -> bool | None:
    """True (equivalent), False (not equivalent) or None (no readable final answer)."""
    answer = strip_think(text)
    markers = list(_MARKER.finditer(answer))
    if not markers:
        return None
    rest = answer[markers[-1].end():].split("\n")
    line = rest[0]
    if not _WORDS.search(line):  # "ANSWER:" alone on its line, the word on the next one
        line = next((ln for ln in rest[1:] if ln.strip()), "")
    words = {w.upper() for w in _WORDS.findall(line)}
    if len(words) != 1:
        return None
    return words == {YES}


# ------------------------------------------------------------------------------------------------
# Same program up to renaming

# Haskell's reserved words, and the words of import declarations, which are never the names a
# renaming could change.
KEYWORDS = HASKELL_KEYWORDS | {"qualified", "as", "hiding"}


def _significant(code: str) -> list[Token] | None:
    try:
        tokens = [t for t in tokenize(code) if t.kind not in ("pragma", "annotation")]
    except SourceError:
        return None
    if tokens and tokens[0].text == "module":  # the header names the module, nothing else
        ends = [i for i, t in enumerate(tokens) if t.text == "where"]
        tokens = tokens[ends[0] + 1:] if ends else tokens
    return tokens


def _own_names(code: str) -> set[str]:
    """Names the program defines: top-level functions and operators, types and constructors."""
    try:
        src = parse_source(code)
    except SourceError:
        return set()
    names = set(src.function_names())
    for d in src.decls:
        if d.kind in ("data", "newtype", "type", "class"):
            names.update(d.names)
    return names


def _renamable(t: Token, own: set[str]) -> bool:
    if t.kind == "varid":
        return t.text not in KEYWORDS and (t.text in own or t.text not in LIBRARY_NAMES)
    if t.kind in ("conid", "varsym", "consym"):
        return t.text in own  # Prelude's constructors, types and operators stay as they are
    return False  # qualified names, literals, punctuation


def same_program(p_code: str, q_code: str) -> bool:
    """True when Q is P up to comments, whitespace and a consistent renaming of P's own names."""
    if p_code.strip() == q_code.strip():
        return True
    tp, tq = _significant(p_code), _significant(q_code)
    if tp is None or tq is None:
        return False  # hsx cannot tokenize one of them: not provably the same
    if len(tp) != len(tq):
        return False
    own_p, own_q = _own_names(p_code), _own_names(q_code)
    forward: dict[tuple[str, str], str] = {}
    backward: dict[tuple[str, str], str] = {}
    for a, b in zip(tp, tq):
        if a.kind != b.kind:
            return False
        ra, rb = _renamable(a, own_p), _renamable(b, own_q)
        if ra != rb:
            return False
        if not ra:
            if a.text != b.text:
                return False
            continue
        key_a, key_b = (a.kind, a.text), (b.kind, b.text)
        if forward.setdefault(key_a, b.text) != b.text or backward.setdefault(key_b, a.text) != a.text:
            return False
    return True


__all__ = ["ParsedAnswer", "ParseFailure", "fenced_blocks", "parse_alice", "parse_bob", "same_program",
           "strip_think"]
