"""Liquid Haskell results: what one run of the prover printed, classified.

A pure function over text (nothing here runs a prover).  `classify_lh_output` consumes what one
Liquid Haskell run printed (stdout and stderr together, ANSI colours included), its exit status
and, optionally, the module it checked; it produces an `LhOutcome`: one status out of `STATUSES`,
the failing binder for a failed proof, a short message (the error blocks with their line numbers,
colours stripped) and the error locations, all mapped back to the user's files when a `line_map`
is given.  Exit status 1 covers UNSAFE and every kind of error alike, so the status is read from
the text.  The patterns come from real outputs of Liquid Haskell 0.9.0.2 (GHC-plugin mode,
recorded under shared/lh-fixtures) plus the message headers of newer releases ("Termination
Check", "Constraint Check"); nothing relies on a version-specific layout beyond
"FILE:LINE:COL: error:" headers and the "LIQUID: SAFE/UNSAFE" banner.  Proof text reaches the
prover only after hsx.proof.policy accepted it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from hsx.haskell.source import parse_source
from hsx.proof.policy import annotation_subject
from hsx.verdict import ProofStatus

# ------------------------------------------------------------------------------------------------
# Outcomes

# Every status an LhOutcome can have (ProofStatus but SKIPPED, which only the search gives).
STATUSES = tuple(s.value for s in ProofStatus if s is not ProofStatus.SKIPPED)

# timeout(1) exits 124; a run killed with SIGKILL reads as 137 from a shell or -9 from subprocess.
TIMEOUT_EXIT_CODES = frozenset({124, 137, -9})
# The sandbox's limits on CPU time and file size stop a process with SIGXCPU or SIGXFSZ.
LIMIT_SIGNALS = {24: "CPU time", 25: "file size"}

LineMap = Callable[[int], "tuple[str, int] | None"]


@dataclass(frozen=True)
class LhOutcome:
    status: ProofStatus  # a status string is read as its ProofStatus
    where: str | None = None  # proof-failed only: the top-level binder whose obligation failed
    message: str = ""
    locations: tuple[tuple[str, int], ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "status", ProofStatus(self.status))

    @property
    def proved(self) -> bool:
        return self.status is ProofStatus.PROVED


_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


@dataclass(frozen=True)
class _Block:
    """One "LOCATION: error:" section of the output."""
    file: str | None
    line: int | None
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# A section header: "F.hs:7:11: error:", "F.hs:(7,1)-(9,3): error:", "<no location info>: error:".
# The location must look like one, so that source lines quoted in an excerpt never start a section.
_SECTION = re.compile(
    r"^(?P<loc><[^>\n]+>|\S+?\.(?:l?hs|hs-boot)(?::\S*?)?):\s+(?P<sev>error|warning)\b", re.I)
_LOC = re.compile(r"(?P<file>[^\s:()]+\.(?:l?hs|hs-boot)):(?:(?P<l1>\d+):\d+|\((?P<l2>\d+),\d+\))")
_NOISE = re.compile(r"^\s*(?:\*{4} |\[\s*\d+ of \d+\] Compiling )")  # progress banners end a section
_VERDICT = re.compile(r"(?:LIQUID|RESULT):\s*(SAFE|UNSAFE|ERROR)\b(?P<rest>[^*\n]*)")
_COMPILING = re.compile(r"^\[\s*\d+ of \d+\] Compiling \S+\s+\(\s*([^,\s]+)", re.M)
_GUTTER = re.compile(r"^(?P<pad>\s*)(?P<num>\d+)(?P<bar> \|)")
_EXCERPT = re.compile(r"^\s*\d+ \| (?P<code>.*)$")


def classify_lh_output(output: str, exit_code: int, *, theorem: str = "equiv",
                       line_map: LineMap | None = None, source: str | None = None) -> LhOutcome:
    """Classifies one Liquid Haskell run.  `source` (the module that was checked) lets a failed
    obligation be attributed to its enclosing top-level binder; `line_map` maps that module's
    lines back to the user's files, in `locations` and in the message."""
    text = strip_ansi(output).replace("\r\n", "\n")
    if exit_code in TIMEOUT_EXIT_CODES:
        return LhOutcome("timeout", message=_tail(text))
    limit = LIMIT_SIGNALS.get(-exit_code) or LIMIT_SIGNALS.get(exit_code - 128)
    if limit is not None:
        # Stopped by the sandbox, not rejected by GHC: no verdict on the proof either way.
        return LhOutcome("timeout", message=f"Liquid Haskell was stopped by the sandbox's {limit} limit.\n"
                                            + _tail(text))
    missing = _prover_missing(text, exit_code)
    if missing is not None:
        return LhOutcome("prover-missing", message=missing)
    verdict = _verdict(text)
    blocks = _error_blocks(text)
    if not blocks:
        return _without_blocks(text, exit_code, verdict)
    kinds = [_block_kind(b, verdict) for b in blocks]
    status = min(kinds, key=_PRIORITY.index)
    binders = [_binder_at(b, source) for b in blocks]
    failing = [n for n, k in zip(binders, kinds) if k == status and n]
    where = (failing[0] if failing else None) if status == "proof-failed" else None
    target = _target_file(text)
    message = _headline(status, theorem, failing) + "\n\n" + "\n\n".join(
        _render_block(b, line_map, target) for b in blocks)
    return LhOutcome(status, where, message, _locations(blocks, line_map, target))


# Which status wins when blocks disagree: the most fundamental problem first.  A program that
# cannot be reflected or a broken specification makes any UNSAFE beside it meaningless, and a
# termination failure (Termination fixture) usually drags the theorem down with it.
_PRIORITY = ("not-reflectable", "spec-error", "compile-error", "termination", "proof-failed")


def _without_blocks(text: str, exit_code: int, verdict: tuple[str, str] | None) -> LhOutcome:
    if exit_code == 0 and verdict and verdict[0] == "SAFE":
        return LhOutcome("proved", message=f"LIQUID: SAFE{verdict[1]}".rstrip())
    if exit_code == 0:
        # GHC succeeded but Liquid Haskell never reported: the plugin did not run (or GHC skipped
        # an unchanged module, which `-fno-code` prevents).  Nothing was checked.
        return LhOutcome("prover-missing",
                         message="GHC exited 0 without a 'LIQUID: SAFE' line: Liquid Haskell did "
                                 "not check the module.\n" + _tail(text))
    if verdict and verdict[0] == "UNSAFE":
        return LhOutcome("proof-failed", message=_tail(text))
    return LhOutcome("compile-error", message=_tail(text))


def _verdict(text: str) -> tuple[str, str] | None:
    found = _VERDICT.findall(text)
    return found[-1] if found else None


def _tail(text: str, n: int = 25) -> str:
    lines = [ln for ln in text.strip("\n").split("\n") if not _NOISE.match(ln)]
    return "\n".join(lines[-n:]).strip()


# ------------------------------------------------------------------------------------------------
# Sections and their kinds

def _error_blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[str] | None = None
    for line in text.split("\n"):
        header = _SECTION.match(line)
        if header or _NOISE.match(line):
            _close(blocks, current)
            current = [line] if header and header.group("sev").lower() == "error" else None
        elif current is not None:
            current.append(line)
    _close(blocks, current)
    return blocks


def _close(blocks: list[_Block], lines: list[str] | None) -> None:
    if not lines:
        return
    while lines and not lines[-1].strip():
        lines.pop()
    header_loc = _LOC.match(lines[0])
    loc = header_loc or _LOC.search("\n".join(lines[1:]))  # "<no location info>": look inside
    file, line = (loc.group("file"), int(loc.group("l1") or loc.group("l2"))) if loc else (None, None)
    blocks.append(_Block(file, line, tuple(lines)))


_NOT_REFLECTABLE = re.compile(
    r"Cannot lift Haskell function|Cannot lift `[^`]*` into refinement logic")
# An ill-sorted signature generated by `reflect` itself (ImportedFunction: the body calls a library
# function that has no logical counterpart).  LH prints the specification's kind as "Just reflect",
# and the excerpt quotes the `{-@ reflect f @-}` line.
_REFLECT_SPEC = re.compile(r"^\s*Just reflect\s*$|^\s*\d+ \| \{-@\s*reflect\b", re.M)
_SPEC_ERROR = re.compile(
    r"Cannot parse specification|Malformed annotation|Illegal type specification"
    r"|Sort Error|Unbound symbol|Unbound variable|Unknown [\w ]+ `"
    r"|Multiple specifications for|Specified type does not refine Haskell type"
    r"|Bad (?:Data|Measure|Invariant|Using) Specification|Incompatible Using Specification"
    r"|Illegal (?:termination|qualifier) specification|Illegal pragma|Illegal data refinement"
    r"|Ambiguous specification symbol|Multiple (?:definitions of|measures named|instance measures)"
    r"|Malformed (?:refined data constructor|predicate application|application of type alias)"
    r"|Cannot apply unbound abstract refinement|Cyclic type alias definition"
    r"|Refinement type alias cannot be used|Data constructors in refinement do not match"
    r"|Standalone class method refinement|Refined classes cannot have refined instances")
_TERMINATION = re.compile(r"\b(?:Termination Check|Termination Error|Structural Termination Error)\b")
_PROOF_FAILED = re.compile(
    r"Liquid Type Mismatch|Constraint Check|Totality Error|Invariant Check|Failure Error")


def _block_kind(block: _Block, verdict: tuple[str, str] | None) -> str:
    text = block.text
    if _NOT_REFLECTABLE.search(text):
        return "not-reflectable"
    if "Illegal type specification" in text and _REFLECT_SPEC.search(text):
        return "not-reflectable"
    if _SPEC_ERROR.search(text):
        # Includes UnboundSymbol: the theorem names a function the logic does not know.  The
        # signature is ill-sorted, which fixing the specification (or reflecting the function)
        # cures; the program itself is fine.
        return "spec-error"
    if _TERMINATION.search(text) or _is_metric_obligation(text):
        return "termination"
    if _PROOF_FAILED.search(text):
        return "proof-failed"
    # An error LH did not label: after an UNSAFE banner it is LH's, before any banner it is GHC's.
    return "proof-failed" if verdict and verdict[0] == "UNSAFE" else "compile-error"


_REQUIRED = re.compile(
    r"is not a subtype of the required type\s*\n\s*VV\s*:\s*(?P<type>.*?)\n\s*\.\s*\n", re.S)
_REFINEMENT = re.compile(r"\{\s*(?P<binder>[\w?#']+)\s*:[^|]*\|(?P<pred>.*)\}\s*$", re.S)
_INEQUALITY = re.compile(r"(?<![<>=!])(?:<=|>=|<|>)(?![=>])")


def _is_metric_obligation(text: str) -> bool:
    """Liquid Haskell 0.9.0 reports a failed termination metric as an ordinary Liquid Type
    Mismatch: the argument of a recursive call must satisfy `VV >= 0 && VV < n` (Termination
    fixture: `VV >= 0`).  Proof obligations refine `()` results and never mention `VV`, so a
    required type made only of inequalities on `VV` is a metric.  (A helper with a refined
    numeric result such as `{v:Int | v >= x}` would read the same; proofs return `Proof`.)"""
    m = _REQUIRED.search(text + "\n.\n")
    r = _REFINEMENT.match(" ".join(m.group("type").split())) if m else None
    if not r:
        return False
    binder = re.compile(rf"(?<![\w.']){re.escape(r.group('binder'))}(?![\w'])")
    conjuncts = [c.strip() for c in r.group("pred").split("&&")]
    return all(binder.search(c) and _INEQUALITY.search(c) and "==" not in c for c in conjuncts)


# ------------------------------------------------------------------------------------------------
# Binders, locations, message

def _binder_at(block: _Block, source: str | None) -> str | None:
    """The top-level binder whose definition holds the block's location: from the checked module
    when given, else from the source line GHC quotes under the message when it starts a
    declaration (column 1)."""
    if block.line is None:
        return None
    if source is not None:
        return _enclosing_binder(source, block.line)
    for line in block.lines:
        m = _EXCERPT.match(line)
        if m and m.group("code")[:1] not in ("", " ", "\t"):
            return _enclosing_binder(m.group("code"), 1)
    return None


def _enclosing_binder(source: str, line: int) -> str | None:
    try:
        decls = parse_source(source).decls
    except ValueError:  # SourceError, or anything else the reader trips on: no attribution
        return None
    for d in decls:
        if d.start_line <= line <= d.end_line:
            if d.kind in ("binding", "signature") and d.names:
                return d.names[0]
            if d.kind == "annotation":
                return annotation_subject(d.tokens[0])
            return None
    return None


def _target_file(text: str) -> str | None:
    """The module whose lines `line_map` describes: the last one GHC compiled (the assembled
    module comes after any module it imports).  None: map every location."""
    compiled = _COMPILING.findall(text)
    return compiled[-1] if compiled else None


def _same_file(file: str, target: str | None) -> bool:
    return target is None or file.rsplit("/", 1)[-1] == target.rsplit("/", 1)[-1]


def _locations(blocks: list[_Block], line_map: LineMap | None, target: str | None
               ) -> tuple[tuple[str, int], ...]:
    out: list[tuple[str, int]] = []
    for b in blocks:
        if b.file is None or b.line is None:
            continue
        loc = (b.file, b.line)
        if line_map is not None and _same_file(b.file, target):
            loc = line_map(b.line) or loc
        if loc not in out:
            out.append(loc)
    return tuple(out)


_MAX_BLOCK_LINES = 40


def _render_block(block: _Block, line_map: LineMap | None, target: str | None) -> str:
    lines = list(block.lines)
    if len(lines) > _MAX_BLOCK_LINES:
        # Long contexts (dozens of hypotheses) drown the point; keep the head and the quoted source.
        excerpt = [ln for ln in lines if _GUTTER.match(ln) or re.match(r"^\s+\|", ln)]
        head = lines[:_MAX_BLOCK_LINES - len(excerpt) - 1]
        lines = head + [f"    ... ({len(lines) - len(head) - len(excerpt)} lines omitted)"] + excerpt
    text = "\n".join(lines)
    if line_map is None:
        return text
    return _map_text(text, line_map, target, block.file is not None and _same_file(block.file, target))


def _map_text(text: str, line_map: LineMap, target: str | None, map_gutter: bool) -> str:
    def loc(m: re.Match) -> str:
        if not _same_file(m.group("file"), target):
            return m.group(0)
        if m.group("l1"):
            mapped = line_map(int(m.group("l1")))
            return m.group(0) if mapped is None else m.group(0).replace(
                f"{m.group('file')}:{m.group('l1')}:", f"{mapped[0]}:{mapped[1]}:", 1)
        mapped = line_map(int(m.group("l2")))
        return m.group(0) if mapped is None else m.group(0).replace(
            f"{m.group('file')}:({m.group('l2')},", f"{mapped[0]}:({mapped[1]},", 1)

    def gutter(line: str) -> str:
        m = _GUTTER.match(line)
        mapped = line_map(int(m.group("num"))) if m and map_gutter else None
        return line if mapped is None else f"{m.group('pad')}{mapped[1]}{line[m.end('num'):]}"

    return "\n".join(gutter(ln) for ln in _LOC.sub(loc, text).split("\n"))


def _headline(status: str, theorem: str, binders: list[str]) -> str:
    names = ", ".join(f"`{n}`" for n in dict.fromkeys(binders))
    if status == "proof-failed":
        if not binders or binders[0] == theorem:
            return f"Liquid Haskell could not prove `{theorem}`."
        return f"Liquid Haskell could not prove `{theorem}`: the obligation of helper {names} fails."
    about = f" (at {names})" if names else ""
    return {
        "termination": f"Liquid Haskell could not prove termination{about}.",
        "not-reflectable": f"A function cannot be reflected into Liquid Haskell's logic{about}.",
        "spec-error": f"A Liquid Haskell specification is malformed or ill-sorted{about}.",
        "compile-error": f"GHC rejected the module before Liquid Haskell checked it{about}.",
    }[status]


# ------------------------------------------------------------------------------------------------
# Prover missing

_MISSING = (
    re.compile(r"cannot satisfy -package[- ]\S*liquid\S*", re.I),
    re.compile(r"Could not (?:find|load) module [‘'`\"](?:LiquidHaskell|Language\.Haskell\.Liquid\.[\w.]+)"),
    re.compile(r"\b(?:z3|cvc4|cvc5|mathsat)\b[^\n]*(?:does not exist|not found|No such file)", re.I),
    re.compile(r"command not found|No such file or directory[^\n]*\b(?:ghc|liquid)\b", re.I),
)


def _prover_missing(text: str, exit_code: int) -> str | None:
    for pattern in _MISSING:
        m = pattern.search(text)
        if m:
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            return text[line_start:None if line_end < 0 else line_end].strip()
    if exit_code == 127:  # the shell's "command not found"
        return _tail(text) or "the Liquid Haskell command was not found (exit 127)"
    return None
