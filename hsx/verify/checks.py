"""What `hsx verify` checks about a pair's texts before reading them, and what its verdict rules
ask about the programs.

Consumes a `PairRequest`'s texts and parsed `HaskellSource`s; produces `Stop`s for sources too
large or broken to read (`check_texts`, `check_shape`), and the facts the verdict rules in
hsx.verify.pipeline depend on: whether machine-integer arithmetic can matter (a proof over
unbounded integers then needs the overflow search), whether the programs use floating point
(no proof is attempted), and whether a counterexample lies near the machine bounds.
"""

from __future__ import annotations

import re
from pathlib import Path

from hsx.config import SandboxConfig
from hsx.haskell.helper import CompileFailure, Helper, ghc_diagnostics, read_source
from hsx.haskell.source import HaskellSource
from hsx.haskell.tokens import SourceError
from hsx.haskell.toolchain import Toolchain
from hsx.verdict import ErrorKind, error
from hsx.verify.pair import PairRequest, PreparedPair
from hsx.verify.stops import Stop

# Larger sources are refused before anything reads them: hsx's readers and GHC's are not built
# for megabytes of generated code, and self-play programs are a few kilobytes.
MAX_SOURCE_BYTES = 1 << 20


def check_texts(req: PairRequest) -> None:
    """Empty, oversized or unencodable sources end as `error (source)` naming the file."""
    for text, path in ((req.a_source, req.a_path), (req.b_source, req.b_path), (req.proof, "PROOF.hs")):
        if text is None:
            continue
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError as e:
            raise Stop(error(ErrorKind.SOURCE, f"{path}: character {e.start} is not valid Unicode text "
                             f"({e.reason})")) from None
        if size > MAX_SOURCE_BYTES:
            raise Stop(error(ErrorKind.SOURCE, f"{path}: {size} bytes; hsx reads sources of at most "
                             f"{MAX_SOURCE_BYTES} bytes (1 MiB)"))
        if not text.strip():
            raise Stop(error(ErrorKind.SOURCE, f"{path}: the file is empty"))


# The largest top-level declaration hsx reads, in tokens.  Programs people and models write stay
# far below it (the pool's largest has a few hundred); a generated blob of one huge expression
# would otherwise spend the helper's whole request timeout in GHC's parser or type checker and end
# as a confusing `unknown`.  20,000 tokens parse in about a second.
MAX_DECLARATION_TOKENS = 20_000
# And of a whole file: GHC's reading of it must fit the helper's 4 MiB answer.
MAX_SOURCE_TOKENS = 30_000


def check_shape(src: HaskellSource) -> None:
    """A source too large to compile in reasonable time is `error (source)`, at once."""
    if len(src.tokens) > MAX_SOURCE_TOKENS:
        raise Stop(error(ErrorKind.SOURCE, f"{src.path}: {len(src.tokens):,} tokens; hsx reads sources of at most "
                         f"{MAX_SOURCE_TOKENS:,} tokens"))
    for d in src.decls:
        if len(d.tokens) > MAX_DECLARATION_TOKENS:
            what = f"`{d.names[0]}`" if d.names else f"a {d.kind} declaration"
            raise Stop(error(ErrorKind.SOURCE, f"{src.path}:{d.start_line}: {what} is {len(d.tokens):,} tokens "
                             f"long; hsx reads declarations of at most {MAX_DECLARATION_TOKENS:,} tokens "
                             f"(one huge expression or literal? split it into named parts)"))


# Types whose arithmetic wraps around, and functions that bring Int into a program that never
# names it (length, fromEnum, ...).
_MACHINE_TYPES = re.compile(r"\b(Int|Word)(8|16|32|64)?\b")
_MACHINE_FUNCTIONS = frozenset({"length", "fromEnum", "toEnum", "fromIntegral", "maxBound", "minBound",
                                "replicate", "take", "drop", "splitAt", "!!", "digitToInt", "ord"})


def machine_integers(pair: PreparedPair) -> bool:
    """Whether machine-integer arithmetic can matter: the tested type, any function's type, or
    the programs' text mentions Int or Word, or a function that returns or takes an Int."""
    if _MACHINE_TYPES.search(pair.tested) or any(_MACHINE_TYPES.search(t) for t in pair.types.values()):
        return True
    return any(t.text in _MACHINE_FUNCTIONS or _MACHINE_TYPES.fullmatch(t.text)
               for src in (pair.a, pair.b) for t in src.tokens)


def near_machine_bounds(cx) -> bool:
    """Whether a counterexample involves numbers of machine-integer size (10 digits or more, in
    an input or a result): then a proof over unbounded integers and a difference under
    wrap-around arithmetic are both right.  Elsewhere the two together mean a bug."""
    texts = [*cx.inputs, cx.left.value or "", cx.right.value or ""]
    return any(re.search(r"\d{10,}", t) for t in texts)


def uses_floating_point(*sources: HaskellSource) -> bool:
    """Any sign of fractional arithmetic: floating types, literals with a point, or operations
    that only exist for fractional types (an unannotated `/` defaults to Double)."""
    return any(t.text in ("Double", "Float", "Rational", "/", "sqrt", "realToFrac")
               or (t.kind == "number" and "." in t.text)
               for src in sources for t in src.tokens)


def read_program(text: str, path: str, helper: Helper | None = None) -> HaskellSource:
    """The hand-written reader, refined by GHC's parser when a helper is given; a source it
    cannot read is `error (source)`."""
    try:
        return read_source(helper, text, path)
    except SourceError as e:
        raise Stop(error(ErrorKind.SOURCE, str(e))) from None


def compile_messages(failure: CompileFailure, jobdir: Path, files: list[str], ghc: str,
                     sandbox: SandboxConfig, toolchain: Toolchain) -> str:
    """GHC's messages about modules the helper could not load, each once."""
    # GHC may report the same error more than once (the interpreter retries a failed
    # load): keep each message block once, in order.
    blocks = [b.strip() for b in re.split(r"\n\s*\n(?=\S+:\d+:\d+: )", failure.message)]
    message = "\n\n".join(dict.fromkeys(b for b in blocks if b))
    if "Got no error message" in message or not message:
        message = ghc_diagnostics(jobdir, files, ghc, toolchain.package_dbs, sandbox)
    return message
