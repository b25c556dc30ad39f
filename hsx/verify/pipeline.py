"""`hsx verify`: is program B observably different from program A?

Consumes `PairRequest`s (two Haskell sources, optional inputs, entry names and proof text) and
`HsxConfig`; produces `hsx.verdict.Result`s.  Pipeline for one pair:

    parse -> sandbox policy -> assemble modules -> GHC types (helper) -> entries and common
    signature (hsx/verify/entries.py) -> search (or check the given inputs) -> re-run the
    counterexample from its printed form -> proof (hsx/proof/stage.py) -> verdict

`inequivalent` is reported only when the re-run confirms a definite difference, and
`equivalent` only when Liquid Haskell accepted a proof after a search that found no difference;
otherwise the verdict is `unknown`.  `Verifier.verify_many` runs pairs on a pool of helper
processes, one per worker thread; self-play calls it with thousands of pairs.  `Verifier.evaluate`
runs one program on given inputs (`ProgramRun`), for the pool and the datasets.

The request and the prepared pair are in hsx/verify/pair.py, the checks of texts and the facts
the verdict rules read about the programs in hsx/verify/checks.py, entries and the common
signature in hsx/verify/entries.py, and the proof stage in hsx/proof/stage.py.

Run: `hsx verify A.hs B.hs`, or from Python:

    with Verifier(load_config()) as v:
        result = v.verify(PairRequest(a_source, b_source))
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import itertools
import threading
import time
from pathlib import Path
from typing import Iterable, Iterator

from hsx.config import HsxConfig, SearchConfig
from hsx.haskell import harness, sandbox, testable
from hsx.haskell.helper import CompileFailure, Helper, HelperTimeout, Report
from hsx.haskell.source import HaskellSource
from hsx.haskell.syntax import SyntaxTree
from hsx.haskell.tokens import SourceError
from hsx.haskell.toolchain import Toolchain, locate
from hsx.proof import stage
from hsx.proof.lhmodule import LhModule
from hsx.verdict import Entry, ErrorKind, OverflowSearch, ProofRecord, Result, Tried, Verdict, error
from hsx.verify import checks, stops, tries
from hsx.verify.entries import candidates, common_signature, display_type, named_functions, pick_entry
from hsx.verify.pair import PairRequest, PreparedPair, ProgramRun, label
from hsx.verify.stops import Stop


class Verifier:
    """Owns the helper processes (one per thread that uses it).  Use as a context manager."""

    def __init__(self, config: HsxConfig):
        self.config = config
        self._toolchain: Toolchain | None = None
        self._local = threading.local()
        self._helpers: list[Helper] = []
        self._lock = threading.Lock()
        self._counter = itertools.count()

    def __enter__(self) -> "Verifier":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            for h in self._helpers:
                h.close()
            self._helpers.clear()

    def _helper(self) -> Helper:
        helper = getattr(self._local, "helper", None)
        if helper is None:
            if self._toolchain is None:
                self._toolchain = locate(self.config.toolchain)
            helper = Helper(self._toolchain, self.config.sandbox)
            self._local.helper = helper
            with self._lock:
                self._helpers.append(helper)
        return helper

    # -- batch ------------------------------------------------------------------------------

    def verify_many(self, requests: Iterable[PairRequest], jobs: int | None = None) -> Iterator[Result]:
        """Verifies pairs in parallel (one helper per worker); yields results as they finish.
        With `config.ray` set, on that Ray cluster's workers instead (hsx/verify/cluster.py), in
        request order."""
        if self.config.ray:
            from hsx.verify.cluster import verify_on_cluster
            yield from verify_on_cluster(self.config, requests)
            return
        workers = jobs or self.config.worker_count()
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            pending: set[concurrent.futures.Future] = set()
            for req in requests:
                pending.add(pool.submit(self.verify, req, pairs_at_once=workers))
                if len(pending) >= 2 * workers:  # bounded queue: requests may be a long stream
                    done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                    for f in done:
                        yield f.result()
            for f in concurrent.futures.as_completed(pending):
                yield f.result()

    # -- one pair ---------------------------------------------------------------------------

    def verify(self, req: PairRequest, *, pairs_at_once: int = 1) -> Result:
        """One pair; `pairs_at_once`: how many pairs share the machine now (verify_many's workers),
        which divides its cores among their proof searches."""
        start = time.monotonic()
        timings: dict[str, float] = {}
        result = stops.guarded(lambda: self._verify(req, timings, pairs_at_once), "running this pair")
        timings["total"] = round(time.monotonic() - start, 4)
        return dataclasses.replace(result, id=req.id or req.content_id(), seed=self.config.search.seed,
                                   timings=timings)

    def evaluate(self, source: str, rows: list[tuple[str, ...]], *, entry: str | None = None,
                 path: str = "P.hs") -> ProgramRun | Result:
        """Runs one program's entry on each row of inputs (Haskell expressions), in the sandbox.
        Returns a Result (error/unknown) when the program cannot be run."""
        rows = [tuple(r) for r in rows]
        req = PairRequest.single(source, path, entry)
        return stops.guarded(lambda: self._evaluate(req, rows), "running the program")

    def synthesize_inputs(self, source: str, count: int, *, seed: int, entry: str | None = None,
                          path: str = "P.hs") -> list[tuple[str, ...]] | Result:
        """`count` seeded random inputs for the entry's argument types, generated by the helper
        (QuickCheck, growing size; user data types included), as Haskell expressions."""
        req = PairRequest.single(source, path, entry)
        return stops.guarded(lambda: self._sample(req, count, seed), "generating inputs")

    def syntax(self, text: str) -> SyntaxTree:
        """One source read by GHC's parser (the helper's `syntax` op: it parses, nothing runs),
        through this thread's helper.  Raises HelperFailure when the helper cannot answer."""
        return self._helper().syntax(text)

    def lh_module(self, req: PairRequest) -> LhModule | Result:
        """The assembled Liquid Haskell module (for --show-lh-module), or why there is none."""
        def assemble() -> LhModule:
            with self._prepare(req, {}) as pair:
                return pair.lh_module()
        return stops.guarded(assemble, "assembling the module")

    # -- preparing a pair -------------------------------------------------------------------

    @contextlib.contextmanager
    def _prepare(self, req: PairRequest, timings: dict[str, float],
                 extra_inputs: Iterable[str] = ()) -> Iterator[PreparedPair]:
        """Parse, policy, modules, GHC types, entries and the common signature; the job
        directory lives as long as the `with` block."""
        t0 = time.monotonic()
        checks.check_texts(req)
        a = checks.read_program(req.a_source, req.a_path)
        b = checks.read_program(req.b_source, req.b_path)
        checks.check_shape(a)
        checks.check_shape(b)
        violations = sandbox.check_source(a) + sandbox.check_source(b)
        qualifiers = harness.input_qualifiers(a, b)
        for i, expr in enumerate([*(req.inputs or ()), *extra_inputs], 1):
            violations += sandbox.check_expression(expr, f"--input {i}", qualifiers)
        if req.proof is not None:
            violations += stage.proof_violations(req.proof, a, b)
        if violations:
            raise Stop(error(ErrorKind.REJECTED, "rejected by the sandbox policy:\n" +
                             "\n".join(f"  {v}" for v in violations)))
        timings["parse"] = round(time.monotonic() - t0, 4)

        helper = self._helper()
        helper.start()
        # Read again with GHC's parser: names, uses and constructor fields (the policy above
        # needs only tokens, and runs before any helper is involved).
        t0 = time.monotonic()
        try:
            a = checks.read_program(req.a_source, req.a_path, helper)
            b = checks.read_program(req.b_source, req.b_path, helper)
        except HelperTimeout:
            raise Stop(error(ErrorKind.COMPILE_TIMEOUT, f"GHC's parser did not finish reading the programs within "
                             f"{self.config.sandbox.request_timeout:g} s (sandbox.request_timeout)")) from None
        timings["parse"] = round(timings["parse"] + time.monotonic() - t0, 4)
        assert helper.workdir is not None
        tag = f"{req.content_id()[:10]}_{next(self._counter)}"
        jobdir = helper.workdir / f"job_{tag}"
        jobdir.mkdir()
        try:
            yield self._compile(req, a, b, helper, jobdir, tag, timings)
        finally:
            for f in jobdir.iterdir():
                f.unlink()
            jobdir.rmdir()

    def _compile(self, req: PairRequest, a: HaskellSource, b: HaskellSource, helper: Helper,
                 jobdir: Path, tag: str, timings: dict[str, float]) -> PreparedPair:
        t0 = time.monotonic()
        try:
            mods = harness.assemble(a, b, tag, label(req.a_path), label(req.b_path))
        except SourceError as e:
            raise Stop(error(ErrorKind.SOURCE, str(e))) from None
        for name, text in mods.files.items():
            (jobdir / name).write_text(text)
        cands_a = candidates(a, req.entry_a, "A")
        cands_b = candidates(b, req.entry_b, "B")
        # Every named function's type: entries, and signatures for the Liquid Haskell module.
        names = list(dict.fromkeys(
            [f"{mods.a_module}.{n}" for n in cands_a + named_functions(a)] +
            [f"{mods.b_module}.{n}" for n in cands_b + named_functions(b)]))
        try:
            types = helper.types(jobdir, mods.program_files(), names)
        except HelperTimeout:
            raise Stop(error(ErrorKind.COMPILE_TIMEOUT, f"GHC did not finish compiling the programs within "
                             f"{self.config.sandbox.request_timeout:g} s (sandbox.request_timeout); "
                             f"a type-level blow-up or a very large program")) from None
        if isinstance(types, CompileFailure):
            message = self._diagnose(types, jobdir, mods.program_files())
            raise Stop(error(ErrorKind.COMPILE, "GHC rejected the program:\n" + message))
        timings["compile"] = round(time.monotonic() - t0, 4)

        entry_a, scheme_a = pick_entry(cands_a, types, mods.a_module, mods, a, "A", req.entry_a is not None)
        entry_b, scheme_b = pick_entry(cands_b, types, mods.b_module, mods, b, "B", req.entry_b is not None)
        entries = dict(entry_a=Entry(entry_a, display_type(types[f"{mods.a_module}.{entry_a}"], mods)),
                       entry_b=Entry(entry_b, display_type(types[f"{mods.b_module}.{entry_b}"], mods)))
        sig = common_signature(scheme_a, scheme_b, entries)
        try:
            needed = testable.check_supported(sig, mods.shared)
        except testable.UnsupportedType as e:
            raise Stop(error(ErrorKind.UNSUPPORTED_TYPE, str(e), **entries)) from None
        return PreparedPair(req, a, b, helper, jobdir, mods, entry_a, entry_b, entries, types, sig, needed)

    # -- the operations ---------------------------------------------------------------------

    def _verify(self, req: PairRequest, timings: dict[str, float], pairs_at_once: int) -> Result:
        with self._prepare(req, timings) as pair:
            return self._decide(pair, timings, pairs_at_once)

    def _evaluate(self, req: PairRequest, rows: list[tuple[str, ...]]) -> ProgramRun:
        with self._prepare(req, {}, (e for row in rows for e in row)) as pair:
            bad = [row for row in rows if len(row) != pair.sig.arity]
            if bad:
                raise Stop(error(ErrorKind.BAD_INPUT, f"the entry takes {pair.sig.arity} argument(s) "
                                 f"({pair.tested}) but an input row has {len(bad[0])}", **pair.common))
            outputs = self._run(pair, rows, "check").outputs if rows else ()
            return ProgramRun(pair.entries["entry_a"], pair.tested, pair.sig.arity,
                              tuple(o.left for o in outputs))

    def _sample(self, req: PairRequest, count: int, seed: int) -> list[tuple[str, ...]]:
        with self._prepare(req, {}) as pair:
            files, job = pair.write_harness(None)
            rows = pair.helper.sample(pair.jobdir, files, job, dataclasses.replace(self.config.search, seed=seed),
                                      count)
            if isinstance(rows, CompileFailure):
                raise Stop(error(ErrorKind.UNSUPPORTED_TYPE, f"cannot generate inputs of type {pair.tested}:\n"
                                 f"{self._diagnose(rows, pair.jobdir, files)}"))
            return rows

    def _decide(self, pair: PreparedPair, timings: dict[str, float], pairs_at_once: int = 1) -> Result:
        """Search (or check the given inputs), confirm, then prove: the verdict rules."""
        req, common, note = pair.req, pair.common, pair.note
        t0 = time.monotonic()
        if req.inputs is not None:
            if pair.sig.alternative is not None and any(testable.KEY_TYPE in i for i in req.inputs):
                # A printed counterexample found at Hsx.Key, pasted back: check it there.
                pair = dataclasses.replace(pair, sig=pair.sig.alternative)
                common, note = pair.common, pair.note
            if len(req.inputs) != pair.sig.arity:
                raise Stop(error(ErrorKind.BAD_INPUT, f"the entries take {pair.sig.arity} argument(s) "
                                 f"({pair.tested}) but {len(req.inputs)} --input value(s) were given", **common))
            report = self._run(pair, [req.inputs], "check")
            tried = Tried(given_inputs=report.random)
        else:
            report = self._run(pair, None, "search")
            tried = tries.tried_of(report)
            # Not in plain mode: it stands for QuickCheck alone, which tests at one type.
            if report.found is None and pair.sig.alternative is not None and self.config.search.strategies != ("plain",):
                pair, report, tried, note = self._search_keyed(pair, report, tried, note)
                common = pair.common
        timings["search"] = round(time.monotonic() - t0, 4)
        timings["search_cpu"] = report.cpu_s

        machine = checks.machine_integers(pair)
        overflow: OverflowSearch | None = None
        # A type the proof stage has no theorem for: no proof will be attempted, so neither is
        # the overflow search that only exists to qualify one.
        gap = testable.proof_gap(pair.sig) if req.proof is None else None
        if (report.found is None and req.inputs is None and self.config.proof.enabled and machine
                and gap is None and not checks.uses_floating_point(pair.a, pair.b)):
            # Liquid Haskell reads Int and Word as unbounded integers, so a proof it accepts
            # says nothing about overflow: before a proof may count, a search aimed only at
            # machine-integer extremes runs (its sums, differences and products cross the bounds).
            t0 = time.monotonic()
            search = dataclasses.replace(self.config.search, strategies=("overflow",), tests=0,
                                         budget=self.config.search.overflow_budget)
            extra = self._run(pair, None, "search", search)
            timings["overflow_search"] = round(time.monotonic() - t0, 4)
            overflow = OverflowSearch(extra.random, extra.found is not None)
            tried = dataclasses.replace(tried, random_tests=tried.random_tests + extra.random,
                                        shrink_steps=extra.shrinks, budget_exhausted=extra.exhausted,
                                        strategies={**tried.strategies, **extra.strategies},
                                        found_by=extra.found_by)
            report = dataclasses.replace(report, found=extra.found, shrinks=extra.shrinks,
                                         possible=report.possible + extra.possible)

        def prove() -> ProofRecord:
            return stage.prove(req.proof, pair.lh_module(), proof=self.config.proof, sandbox=self.config.sandbox,
                               toolchain=self.config.toolchain, machine_integers=machine, overflow_search=overflow,
                               pairs_at_once=pairs_at_once)

        if report.found is None:
            reason = tries.no_difference_reason(req, report, tried) + note
            if req.inputs is not None or not self.config.proof.enabled:
                return Result(Verdict.UNKNOWN, reason + "; equivalence needs a proof",
                              possible_divergence=report.possible, tried=tried, **common)
            if checks.uses_floating_point(pair.a, pair.b):
                # Liquid Haskell reasons about Double as real numbers, so its proof would not
                # mean equality of IEEE results: hsx claims no equivalence there.
                return Result(Verdict.UNKNOWN, reason + "; no proof attempted: the programs use "
                              "floating point, which Liquid Haskell models as real numbers",
                              possible_divergence=report.possible, tried=tried, **common)
            if gap is not None:
                return Result(Verdict.UNKNOWN, f"{reason}; {gap}", possible_divergence=report.possible,
                              tried=tried, **common)
            t0 = time.monotonic()
            proof = prove()
            timings["proof"] = round(time.monotonic() - t0, 4)
            if proof.proved:
                return Result(Verdict.EQUIVALENT, "Liquid Haskell accepted a proof of hsx's theorem "
                              f"({proof.template}); " + reason, tried=tried, proof=proof, **common)
            return Result(Verdict.UNKNOWN, reason + "; " + stage.summarize(proof),
                          possible_divergence=report.possible, tried=tried, proof=proof, **common)

        if req.inputs is not None:
            # The user's own expressions were what ran: they are the printed form, so reporting
            # them as given needs no second run.
            return Result(Verdict.INEQUIVALENT, "the programs differ on the given input" + note,
                          counterexample=dataclasses.replace(report.found, inputs=tuple(req.inputs)),
                          confirmed=True, tried=tried, possible_divergence=report.possible, **common)
        # Re-run the counterexample from its printed form: what we report is what anyone can
        # reproduce by pasting the inputs.
        t0 = time.monotonic()
        rerun = self._run(pair, [report.found.inputs], "check")
        timings["confirm"] = round(time.monotonic() - t0, 4)
        # What was re-run is the printed form (a generated function re-runs as the lambda it
        # printed, which the helper then shows only as "given"): report that.
        confirmed = (dataclasses.replace(rerun.found, inputs=report.found.inputs)
                     if rerun.found is not None else None)
        if rerun.found is None:
            return Result(Verdict.UNKNOWN, "a difference was found but did not reproduce when re-run "
                          "from its printed form; not reported as a counterexample" + note,
                          possible_divergence=(report.found,), tried=tried, **common)
        if req.proof is not None and self.config.proof.enabled:
            # A confirmed counterexample and an accepted proof cannot both be right: check, and
            # say so loudly if they are, instead of trusting either.
            proof = prove()
            if proof.proved and machine and checks.near_machine_bounds(rerun.found):
                # Not a contradiction: the proof holds for unbounded integers, the programs
                # differ under machine arithmetic.  The counterexample decides.
                return Result(Verdict.INEQUIVALENT, "the programs differ on this input (re-run from its "
                              "printed form); Liquid Haskell accepted the given proof, but it models "
                              "Int and Word as unbounded integers, and the programs differ under "
                              "machine arithmetic" + note, counterexample=confirmed, confirmed=True,
                              tried=tried, possible_divergence=report.possible, proof=proof, **common)
            if proof.proved:
                return error(ErrorKind.INTERNAL, "INTERNAL-CONSISTENCY ERROR: Liquid Haskell accepted a "
                             "proof of equivalence for a pair with a confirmed counterexample "
                             f"{' '.join(rerun.found.inputs)}; please report this pair",
                             counterexample=rerun.found, proof=proof, **common)
        return Result(Verdict.INEQUIVALENT, "the programs differ on this input (re-run from its "
                      "printed form)" + note, counterexample=confirmed, confirmed=True,
                      tried=tried, possible_divergence=report.possible, **common)

    def _search_keyed(self, pair: PreparedPair, report: Report, tried: Tried, note: str):
        """The search again with the Eq/Ord type variables at Hsx.Key, whose == looks at a key
        only: differences in which of two equal values is kept, or in what order, show there
        and never at Int.  Returns the pair, report, tried counts and note to decide on."""
        keyed = dataclasses.replace(pair, sig=pair.sig.alternative)
        again = self._run(keyed, None, "search")
        tried = tries.combined(tried, tries.tried_of(again))
        at_key = ", ".join(v for v, t in keyed.sig.instantiated if t == testable.KEY_TYPE)
        if again.found is None:
            return pair, dataclasses.replace(report, possible=report.possible + again.possible), tried, \
                note + f"; also tested with {at_key} at {testable.KEY_TYPE} ({tries.KEY_NOTE})"
        found = (f"; no difference at Int; found with {at_key} at {testable.KEY_TYPE} ({tries.KEY_NOTE})")
        return keyed, dataclasses.replace(again, possible=report.possible + again.possible), tried, found

    def _diagnose(self, failure: CompileFailure, jobdir: Path, files: list[str]) -> str:
        assert self._toolchain is not None
        return checks.compile_messages(failure, jobdir, files, self.config.toolchain.ghc, self.config.sandbox,
                                       self._toolchain)

    # -- the helper -------------------------------------------------------------------------

    def _run(self, pair: PreparedPair, inputs: list[tuple[str, ...]] | None, op: str,
             search: SearchConfig | None = None) -> Report:
        files, job = pair.write_harness(inputs)
        run = pair.helper.check if op == "check" else pair.helper.search
        answer = run(pair.jobdir, files, job, search or self.config.search)
        if isinstance(answer, CompileFailure):
            message = self._diagnose(answer, pair.jobdir, files)
            if "--input" in message:
                raise Stop(error(ErrorKind.BAD_INPUT, "an input does not fit the entries' type "
                                 f"{pair.tested}:\n{message}"))
            # The programs compiled, so this is the instantiation (e.g. a constraint that Int does
            # not satisfy) or a bug in the generated harness.
            raise Stop(error(ErrorKind.UNSUPPORTED_TYPE, f"cannot test the entries at {pair.tested}:\n{message}"))
        return answer




__all__ = ["PairRequest", "ProgramRun", "Verifier"]
