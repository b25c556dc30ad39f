"""The automatic proof search's driver: candidates checked in batches, then lemma discovery.

Consumes an `LhModule`, a `prover.Checker` (Liquid Haskell and its settings) and a deadline;
produces the accepted candidate (its template and its whole proof text, lemmas first) and the
attempts made.  Order:

  1. the empty proof, alone (most pairs that PLE proves need nothing else);
  2. every template of hsx/proof/search.py without library lemmas, in batches
     (hsx/proof/explore.py: many candidates per Liquid Haskell run);
  3. the same templates beside each library of hsx/proof/lemmas.py;
  4. lemma discovery (hsx/proof/explore.py `discover`), then the templates beside the library
     plus the discovered lemmas.
The winner of a batch is checked again alone, exactly as it will be given back, so the accepted
text is one a person can pass to `hsx verify A B --proof FILE`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from hsx.proof import explore
from hsx.proof.instances import with_lemma_calls
from hsx.proof.lemmas import libraries_for
from hsx.proof.lhmodule import THEOREM, LhModule
from hsx.proof.policy import check_proof_text
from hsx.proof.prover import Checker
from hsx.proof.search import ACC_LEMMA, LEMMA, ProofCandidate, candidate_proofs
from hsx.verdict import ProofAttempt


# The longest a run of two candidates beside discovered lemmas may take: a proof that goes
# through takes one to three seconds, one that does not can take all the time there is.
RUN_SECONDS = 10.0
LIBRARY_RUN_SECONDS = 20.0


@dataclass
class Outcome:
    candidate: ProofCandidate | None  # the accepted proof (its text includes its lemmas)
    attempts: list[ProofAttempt]
    status: str  # the last status seen


def _theorem_signature(lh: LhModule) -> list[str]:
    lines = lh.text.split("\n")
    spec = next(ln for ln in lines if ln.startswith(f"{{-@ {THEOREM} ::"))
    hs = next(ln for ln in lines if ln.startswith(f"{THEOREM} ::"))
    return [spec, hs]


def _rename(text: str, mapping: dict[str, str]) -> str:
    for old, new in mapping.items():
        text = re.sub(rf"(?<![\w']){re.escape(old)}(?![\w'])", new, text)
    return text


def _blocks(lh: LhModule, cands: list[ProofCandidate], tag: str) -> list[explore.Block]:
    sig = "\n".join(_theorem_signature(lh))
    out = []
    for i, c in enumerate(cands):
        names = {THEOREM: f"hsxTry{tag}{i}", LEMMA: f"{LEMMA}{tag}{i}", ACC_LEMMA: f"{ACC_LEMMA}{tag}{i}"}
        out.append(explore.Block(str(i), _rename(sig + "\n" + c.text, names)))
    return out


def _base_candidates(lh: LhModule) -> list[ProofCandidate]:
    """The search's templates without library lemmas (those carry their library's text)."""
    return [c for c in candidate_proofs(lh) if "+ lemmas" not in c.template
            and not check_proof_text(c.text, protected_names=lh.protected_names)]


def check_candidate(lh: LhModule, checker: Checker, c: ProofCandidate,
                    deadline: float | None = None) -> tuple[ProofAttempt, bool]:
    """One candidate checked alone by Liquid Haskell: the attempt (in the programs' own names)
    and whether it was accepted.  The given proof and every candidate the search accepts go
    through here; the search's stop at its `deadline` (a given proof gets `proof.timeout`)."""
    t0 = time.monotonic()
    left = None if deadline is None else max(explore.MIN_RUN_SECONDS, deadline - t0)
    out = checker.run(lh.with_proof(c.text), line_map=lh.line_map(c.text), seconds=left)
    return (ProofAttempt(c.template, out.status, out.where and lh.unrename(out.where), lh.unrename(out.message),
                         round(time.monotonic() - t0, 3)), out.proved)


def search(lh: LhModule, checker: Checker, deadline: float) -> Outcome:
    attempts: list[ProofAttempt] = []
    status = "proof-failed"
    base = _base_candidates(lh)
    if not base:
        return Outcome(None, attempts, status)

    def alone(c: ProofCandidate) -> bool:
        nonlocal status
        attempt, proved = check_candidate(lh, checker, c, deadline)
        attempts.append(attempt)
        status = attempt.status
        return proved

    if alone(base[0]):
        return Outcome(base[0], attempts, status)
    libraries = [("", "")] + [(lib.text, f" + lemmas ({lib.names})") for lib in libraries_for(lh)]
    for prefix, label in libraries:
        # Beside a library a run is capped (LIBRARY_RUN_SECONDS): the lemmas can keep Liquid
        # Haskell rewriting on one candidate past any budget, and a run's winners are checked
        # alone only once every run of its round has ended.
        found = _batch(lh, checker.capped(LIBRARY_RUN_SECONDS) if prefix else checker, deadline, prefix, label,
                       base[1:], attempts, alone)
        if found is not None:
            return Outcome(found, attempts, "proved")
        if time.monotonic() > deadline:
            return Outcome(None, attempts, status)
    # Lemma discovery, one round of lemma proofs at a time, each followed by the theorem with
    # the lemmas proved so far (a second round must not starve the theorem of its time).  The
    # base library's lemmas stay available to the discovered ones.
    base_prefix = libraries[-1][0] if len(libraries) > 1 else ""
    known = None
    state = explore.Discovery()
    for _ in range(explore.ROUNDS):
        log: list = []
        found_lib = explore.discover(lh, checker, deadline, base_prefix=base_prefix, log=log, rounds=1, state=state)
        if found_lib is None or set(found_lib.text.splitlines()) == known:
            if found_lib is None:
                attempts.append(ProofAttempt("lemma discovery", "proof-failed",
                                             message=f"no conjecture proved (batches: {log})"))
            return Outcome(None, attempts, status)
        known = set(found_lib.text.splitlines())
        attempts.append(ProofAttempt("lemma discovery", "proved", message=f"{found_lib.names} (batches: {log})"))
        label = f" + lemmas ({found_lib.names})"
        if deadline - time.monotonic() <= explore.MIN_RUN_SECONDS:
            attempts.append(ProofAttempt(f"batch of {len(base)}{label}", "timeout",
                                         message="the search's time ran out before this batch could run"))
            return Outcome(None, attempts, status)
        prefix = (base_prefix + "\n" + found_lib.text).strip()
        # The discovered lemmas are also called at each equation's variables (hsx/proof/instances.py).
        # Each template as it is and with the calls: an instance can also derail Liquid
        # Haskell's rewriting where the rules alone would do (`lengthN (rev xs)` with
        # associativity of append called at xs), so neither form is always the better.
        # Calls first, two templates per run, then the same two templates plain: a template
        # that needs a call runs until the time runs out without it (beside a few lemmas, PLE and
        # the rewriting keep unfolding), while with the call it is settled in a second or two.
        called: list[ProofCandidate] = []
        for k in range(0, len(base), 2):
            pair = base[k:k + 2]
            with_calls = [ProofCandidate(c.template, with_lemma_calls(c.text, found_lib.text, lh)) for c in pair]
            called += [w for w, c in zip(with_calls, pair) if w.text != c.text] + pair
        # Two per run, each run stopped after RUN_SECONDS: with many lemmas one candidate can
        # take Liquid Haskell long, and a run that times out tells nothing about the other.
        found = _batch(lh, checker.capped(RUN_SECONDS), deadline, prefix, label, called, attempts, alone, size=2)
        if found is not None:
            return Outcome(found, attempts, "proved")
    return Outcome(None, attempts, status)


def _batch(lh, checker: Checker, deadline, prefix, label, cands, attempts, alone,
           size: int = explore.MAX_BATCH) -> ProofCandidate | None:
    """The candidates checked `size` per Liquid Haskell run, `checker.parallel` runs at a time;
    each round's winners checked alone at once (the first accepted alone is the proof), so that
    a winner early in a long batch is not left unchecked when the time runs out."""
    if deadline - time.monotonic() <= explore.MIN_RUN_SECONDS or not cands:
        return None
    position = len(attempts)  # the batch's own attempt goes before its winners'
    blocks = _blocks(lh, cands, "B")
    res = explore.BatchResult(set())
    found, tried = None, set()
    step = size * checker.parallel  # one run per slot of the checker, side by side
    for i in range(0, len(blocks), step):
        if deadline - time.monotonic() <= explore.MIN_RUN_SECONDS:
            break
        explore.check_batch(lh, checker, prefix, blocks[i:i + step], timeout=deadline - time.monotonic(),
                            result=res, size=size)
        # A batch can let a failing candidate through (Liquid Haskell does not always report
        # every failing binder of a module), so each winner is checked alone, while time lasts;
        # one found before the deadline is checked even if that check ends up to
        # MIN_RUN_SECONDS after it (a proof that goes through takes one to three seconds), so
        # that a search does not find its proof and then drop it unchecked.
        for k in sorted(res.proved - tried, key=int):
            tried.add(k)
            if time.monotonic() >= deadline:
                break
            c = cands[int(k)]
            full = ProofCandidate(c.template + label, (prefix + "\n" + c.text).strip())
            if alone(full):
                found = full
                break
        if found is not None:
            break
    attempts.insert(position,
                    ProofAttempt(f"batch of {len(cands)}{label}", "proved" if res.proved else "proof-failed",
                                 message=f"{len(res.proved)} accepted in {res.runs} Liquid Haskell run(s)",
                                 seconds=round(res.seconds, 3)))
    return found
