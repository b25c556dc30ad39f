"""The proof stage of `hsx verify`: is there a proof, checked by Liquid Haskell, that A equals B?

Consumes the two parsed programs, their entries and GHC's types of their functions (from
hsx/verify/pipeline.py, after the search found no difference), and optional proof text (PROOF.hs,
a user's or a model's); produces a `hsx.verdict.ProofRecord`: every attempt with Liquid Haskell's
answer, and the accepted proof, in the programs' own names, if there is one.

    proof_violations   the proof-text policy plus the sandbox's rules, before anything runs
    assemble           hsx's theorem module (hsx/proof/lhmodule.py) for the pair
    prove              the given proof, or the automatic search's candidates, until one is accepted
    summarize          a ProofRecord in words, for `Result.reason`
"""

from __future__ import annotations

import os
import time

from hsx.config import ProofConfig, SandboxConfig, ToolchainConfig
from hsx.haskell import sandbox
from hsx.haskell.hstypes import Scheme, TypeParseError, parse_scheme
from hsx.haskell.source import HaskellSource, parse_source
from hsx.haskell.tokens import SourceError
from hsx.proof import auto
from hsx.proof.lhmodule import RESERVED_SUFFIX, THEOREM, LhModule, assemble_lh_module
from hsx.proof.policy import check_proof_text
from hsx.proof.prover import Checker, ProverMissing, locate_prover
from hsx.proof.search import ProofCandidate
from hsx.verdict import OverflowSearch, ProofRecord


def proof_violations(proof: str, a: HaskellSource, b: HaskellSource) -> list[sandbox.Violation]:
    """The proof-text policy plus everything the sandbox rejects in any Haskell."""
    protected = set(a.function_names()) | set(b.function_names())
    protected |= {n + "_b" for n in protected} | {n + RESERVED_SUFFIX for n in protected} | {THEOREM}
    found = [sandbox.Violation(v.construct, v.line, v.message, "PROOF.hs")
             for v in check_proof_text(proof, protected_names=protected)]
    try:
        found += sandbox.check_source(parse_source(proof, "PROOF.hs"))
    except SourceError as e:
        found.append(sandbox.Violation("syntax", 0, str(e), "PROOF.hs"))
    return found


def assemble(a: HaskellSource, b: HaskellSource, entry_a: str, entry_b: str, types_a: dict[str, str],
             types_b: dict[str, str], shared_names: set[str], label_a: str, label_b: str) -> LhModule:
    """hsx's Liquid Haskell module for the pair.  `types_a`/`types_b`: GHC's type of each named
    function of a side, as the user would write it (without hsx's module names)."""
    def schemes(types: dict[str, str]) -> dict[str, Scheme]:
        out = {}
        for name, printed in types.items():
            try:
                out[name] = parse_scheme(printed)
            except TypeParseError:
                continue  # the function keeps no added signature; Liquid Haskell will say why
        return out

    return assemble_lh_module(a, b, entry_a, entry_b, schemes(types_a), schemes(types_b), shared_names,
                              label_a, label_b)


def prove(given: str | None, lh: LhModule, *, proof: ProofConfig, sandbox: SandboxConfig,
          toolchain: ToolchainConfig, machine_integers: bool = False,
          overflow_search: OverflowSearch | None = None, pairs_at_once: int = 1) -> ProofRecord:
    """The given proof text, or the automatic search's candidates within `proof.search_budget`
    seconds, each checked by Liquid Haskell until one is accepted.  `machine_integers` and
    `overflow_search` are recorded with it: Liquid Haskell reads Int and Word as unbounded.
    `pairs_at_once`: how many pairs are being verified beside this one (see `runs_at_once`)."""
    def record(status: str, **fields) -> ProofRecord:
        return ProofRecord(status, machine_integers=machine_integers, overflow_search=overflow_search, **fields)

    try:
        prover = locate_prover(toolchain, sandbox)
    except ProverMissing as e:
        return record("prover-missing", message=str(e))
    checker = Checker(prover, proof, sandbox, toolchain.cache_dir, parallel=runs_at_once(proof, pairs_at_once))
    deadline = time.monotonic() + proof.search_budget
    if given is None:
        # The automatic search (hsx/proof/auto.py): batches of candidates, then lemma discovery.
        found = auto.search(lh, checker, deadline)
        if found.candidate is not None:
            return record("proved", template=found.candidate.template, text=lh.unrename(found.candidate.text),
                          prover=prover.version, attempts=tuple(found.attempts))
        return record(found.status, prover=prover.version, attempts=tuple(found.attempts))
    attempt, proved = auto.check_candidate(lh, checker, ProofCandidate("given", lh.given_proof(given)))
    if proved:
        # The text as given, in the programs' own names, so that it can be given back as PROOF.hs.
        return record(attempt.status, template="given", text=given, prover=prover.version, attempts=(attempt,))
    return record(attempt.status, prover=prover.version, attempts=(attempt,))


def runs_at_once(proof: ProofConfig, pairs_at_once: int) -> int:
    """Liquid Haskell runs one pair's search may have going at once: `proof.parallel`, or when
    that is 0 the machine's cores shared among the pairs verified at once (a pair alone on two
    cores checks two batches side by side; two pairs get one core each)."""
    if proof.parallel > 0:
        return proof.parallel
    return max(1, (os.cpu_count() or 1) // max(1, pairs_at_once))


def summarize(proof: ProofRecord) -> str:
    """Why no proof counts, in words: what was tried and, for a given proof, Liquid Haskell's answer."""
    if proof.status == "prover-missing":
        return f"no proof attempted: {proof.message or 'Liquid Haskell is missing'}"
    tried = ", ".join(f"{a.template}: {a.status}" for a in proof.attempts)
    given = proof.attempts[0] if proof.attempts and proof.attempts[0].template == "given" else None
    if given is not None and given.message:
        # A given proof (a user's or a model's) is answered with Liquid Haskell's own words,
        # mapped to PROOF.hs, A.hs and B.hs, so that it can be repaired.
        return f"no proof accepted ({tried}):\n{given.message}"
    return f"no proof accepted ({tried})"


__all__ = ["assemble", "proof_violations", "prove", "summarize"]
