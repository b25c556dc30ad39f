"""The result of checking a pair: verdicts, outcomes, counterexamples, proofs, and their JSON form.

Produced by hsx/verify/pipeline.py (the proof part, `ProofRecord`, by hsx/proof/stage.py), printed
by the CLI, stored line by line by `--batch` and by self-play, and read back on resume and by the
dataset export.  The JSON schema (README, "JSON output") is a promise to users: add fields, never
rename.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field


class Verdict(str, enum.Enum):
    EQUIVALENT = "equivalent"  # only with a proof that Liquid Haskell checked (`Result.proof`)
    INEQUIVALENT = "inequivalent"  # only with a counterexample re-run from its printed form
    UNKNOWN = "unknown"  # nothing decisive was found; says what was tried
    ERROR = "error"  # the pair could not be checked; `reason` says why

    @property
    def exit_code(self) -> int:
        return {"equivalent": 0, "inequivalent": 1, "unknown": 2, "error": 3}[self.value]


class ErrorKind(str, enum.Enum):
    COMPILE = "compile-error"
    COMPILE_TIMEOUT = "compile-timeout"  # GHC did not finish loading the programs in time
    REJECTED = "rejected"  # the sandbox's static policy
    TYPE_MISMATCH = "type-mismatch"
    UNSUPPORTED_TYPE = "unsupported-type"
    ENTRY = "entry"  # no entry, or several candidates
    BAD_INPUT = "bad-input"  # --input does not parse, typecheck or match the arity
    SOURCE = "source"  # hsx cannot read the file (unterminated comment, unsupported syntax)
    TOOLCHAIN = "toolchain"  # GHC or the helper is missing
    INTERNAL = "internal"  # a bug in hsx or the helper: please report


@dataclass(frozen=True)
class Outcome:
    """One side on one input: a value, an exception, a timeout, or a resource limit."""
    kind: str  # value | exception | timeout | resource
    value: str | None = None
    exception: str | None = None
    message: str | None = None

    def describe(self) -> str:
        """The one rendering of an outcome, for people (CLI, feedback, datasets)."""
        if self.kind == "value":
            return str(self.value)
        if self.kind == "exception":
            return f"exception {self.exception}: {self.message}"
        if self.kind == "timeout":
            return "timeout"
        return f"resource limit: {self.message}"


@dataclass(frozen=True)
class Counterexample:
    inputs: tuple[str, ...]  # one Haskell expression per argument
    left: Outcome  # program A
    right: Outcome  # program B


@dataclass(frozen=True)
class Entry:
    name: str
    type: str  # as GHC printed it


@dataclass(frozen=True)
class Tried:
    """What the search did, so that `unknown` says how hard it looked."""
    enumerated: int = 0
    enumeration_depth: int = 0
    random_tests: int = 0
    shrink_steps: int = 0
    budget_exhausted: bool = False
    given_inputs: int = 0
    strategies: dict[str, int] = field(default_factory=dict)  # inputs tried by each search strategy
    found_by: str | None = None  # the strategy that found the counterexample


class ProofStatus(str, enum.Enum):
    """What became of one proof attempt (hsx.proof.liquid reads it from Liquid Haskell's output).
    A `str` enum: written to JSON as its value."""
    PROVED = "proved"  # exit 0 and "LIQUID: SAFE", no error
    PROOF_FAILED = "proof-failed"  # an obligation of the theorem or of a helper failed
    TERMINATION = "termination"  # a recursive function is not shown to terminate
    NOT_REFLECTABLE = "not-reflectable"  # a program function cannot be lifted into the logic
    SPEC_ERROR = "spec-error"  # a specification does not parse, is ill-sorted or names the unknown
    COMPILE_ERROR = "compile-error"  # GHC rejected the module before Liquid Haskell said anything
    TIMEOUT = "timeout"  # the run was stopped, or the search's time ran out before it
    PROVER_MISSING = "prover-missing"  # Liquid Haskell, its packages or the SMT solver could not run
    SKIPPED = "skipped"  # a candidate the search budget left unchecked

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ProofAttempt:
    """One Liquid Haskell run on one proof text, or a candidate the search budget skipped."""
    template: str  # "given" for PROOF.hs text, otherwise the proof search's template
    status: ProofStatus  # a status string is read as its ProofStatus
    where: str | None = None  # the failing binder or location, in the programs' own names
    message: str | None = None  # Liquid Haskell's error blocks, mapped to PROOF.hs, A.hs and B.hs
    seconds: float = 0.0  # 0 for a skipped candidate or a cached result

    def __post_init__(self):
        object.__setattr__(self, "status", ProofStatus(self.status))


@dataclass(frozen=True)
class OverflowSearch:
    """The search aimed at machine-integer extremes that runs before a proof may count."""
    inputs: int
    found: bool


@dataclass(frozen=True)
class ProofRecord:
    """The proof stage's part of a Result: every attempt, and the accepted proof if any."""
    status: ProofStatus  # the last attempt's; PROVER_MISSING when Liquid Haskell could not run
    template: str | None = None  # the accepted proof's template
    text: str | None = None  # the accepted proof in the programs' own names: a PROOF.hs to give back
    prover: str | None = None  # Liquid Haskell's version string
    attempts: tuple[ProofAttempt, ...] = ()
    message: str | None = None  # why no proof was attempted (prover-missing)
    # Liquid Haskell reads Int and Word as unbounded integers: whether the programs use machine
    # integers at all, and what the overflow search found (None when it did not run).
    integer_model: str = "unbounded"
    machine_integers: bool = False
    overflow_search: OverflowSearch | None = None

    def __post_init__(self):
        object.__setattr__(self, "status", ProofStatus(self.status))

    @property
    def proved(self) -> bool:
        return self.status is ProofStatus.PROVED

    def to_json(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_json(d: dict) -> "ProofRecord":
        overflow = d.get("overflow_search")
        return ProofRecord(
            status=d["status"], template=d.get("template"), text=d.get("text"), prover=d.get("prover"),
            attempts=tuple(ProofAttempt(a["template"], a["status"], a.get("where"), a.get("message"),
                                        a.get("seconds", 0.0)) for a in d.get("attempts", ())),
            message=d.get("message"), integer_model=d.get("integer_model", "unbounded"),
            machine_integers=bool(d.get("machine_integers", False)),
            overflow_search=OverflowSearch(**overflow) if overflow else None)


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    reason: str
    id: str | None = None
    entry_a: Entry | None = None
    entry_b: Entry | None = None
    tested_type: str | None = None  # the monomorphic type actually run
    counterexample: Counterexample | None = None
    confirmed: bool = False  # the counterexample was re-run from its printed form
    possible_divergence: tuple[Counterexample, ...] = ()
    tried: Tried = field(default_factory=Tried)
    error_kind: ErrorKind | None = None
    seed: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    proof: ProofRecord | None = None  # None when no proof stage ran

    @property
    def exit_code(self) -> int:
        return self.verdict.exit_code

    def to_json(self) -> dict:
        d = asdict(self)
        d["verdict"] = self.verdict.value
        d["error_kind"] = self.error_kind.value if self.error_kind else None
        d["schema"] = 1
        return d

    @staticmethod
    def from_json(d: dict) -> "Result":
        def outcome(o: dict) -> Outcome:
            return Outcome(**o)

        def cex(c: dict | None) -> Counterexample | None:
            if c is None:
                return None
            return Counterexample(tuple(c["inputs"]), outcome(c["left"]), outcome(c["right"]))

        return Result(
            verdict=Verdict(d["verdict"]),
            reason=d["reason"],
            id=d.get("id"),
            entry_a=Entry(**d["entry_a"]) if d.get("entry_a") else None,
            entry_b=Entry(**d["entry_b"]) if d.get("entry_b") else None,
            tested_type=d.get("tested_type"),
            counterexample=cex(d.get("counterexample")),
            confirmed=d.get("confirmed", False),
            possible_divergence=tuple(cex(c) for c in d.get("possible_divergence", ())),  # type: ignore[misc]
            tried=Tried(**d.get("tried", {})),
            error_kind=ErrorKind(d["error_kind"]) if d.get("error_kind") else None,
            seed=d.get("seed", 0),
            timings=d.get("timings", {}),
            proof=ProofRecord.from_json(d["proof"]) if d.get("proof") else None,
        )


def error(kind: ErrorKind, reason: str, **extra) -> Result:
    return Result(Verdict.ERROR, reason, error_kind=kind, **extra)
