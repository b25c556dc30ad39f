"""Validation: one untrusted Haskell program in, kept or rejected with a reason.

Consumes Haskell source (a model's translation, a released record) and a `Verifier`; produces
"ok" with the program's evaluation on synthesized inputs, or the rejection reason (unsafe,
compile-error, crash, ...).  The code runs only through the `Verifier`, i.e. the sandbox.
"""

from __future__ import annotations

from hsx.haskell import sandbox
from hsx.haskell.source import parse_source
from hsx.haskell.tokens import SourceError
from hsx.verdict import ErrorKind, Result, Verdict
from hsx.verify.pipeline import ProgramRun, Verifier

OUTCOME_REASON = {"exception": "crash", "timeout": "non-terminating", "resource": "resource-limit"}


def rejection_reason(result: Result) -> str:
    kind = result.error_kind
    if result.verdict != Verdict.ERROR or kind is None:
        return "helper-failure"
    return {ErrorKind.COMPILE: "compile-error", ErrorKind.ENTRY: "no-entry", ErrorKind.REJECTED: "unsafe",
            ErrorKind.SOURCE: "unreadable", ErrorKind.UNSUPPORTED_TYPE: "unsupported-type",
            ErrorKind.TYPE_MISMATCH: "unsupported-type"}.get(kind, "helper-failure")


def validate_candidate(verifier: Verifier, ident: str, code: str, *, inputs: int, seed: int) \
        -> tuple[str, str, ProgramRun | None, list[tuple[str, ...]]]:
    """(status, detail, evaluation, inputs) of one Haskell candidate: status "ok" or the rejection
    reason.  Sandbox policy, then compile and synthesize inputs, then run on every input."""
    path = f"{ident}.hs"
    try:
        src = parse_source(code, path)
    except SourceError as e:
        return "unreadable", str(e), None, []
    violations = sandbox.check_source(src)
    if violations:
        return "unsafe", "; ".join(str(v) for v in violations), None, []
    rows = verifier.synthesize_inputs(code, inputs, seed=seed, path=path)
    if isinstance(rows, Result):
        return rejection_reason(rows), rows.reason, None, []
    ev = verifier.evaluate(code, rows, path=path)
    if isinstance(ev, Result):
        reason = rejection_reason(ev)
        return ("run-error" if reason == "helper-failure" else reason), ev.reason, None, rows
    for row, out in zip(rows, ev.outputs):
        if out.kind != "value":
            return OUTCOME_REASON.get(out.kind, "run-error"), f"{ev.entry.name} {' '.join(row)}: " \
                                                                f"{out.describe()}", ev, rows
    return "ok", "", ev, rows
