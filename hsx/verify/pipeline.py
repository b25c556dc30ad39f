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

About 630 lines: the verdict rules (`_decide`) and the preparation they rely on share the
Verifier's helper processes and job directories; the parts that need neither are in entries.py
and hsx/proof/stage.py.

Run: `hsx verify A.hs B.hs`, or from Python:

    with Verifier(load_config()) as v:
        result = v.verify(PairRequest(a_source, b_source))
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import hashlib
import itertools
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from hsx.config import HsxConfig, SearchConfig
from hsx.haskell import harness, hints, sandbox
from hsx.haskell.helper import (CompileFailure, Helper, HelperFailure, HelperTimeout, Report, ghc_diagnostics,
                         read_source)
from hsx.haskell.source import HaskellSource
from hsx.haskell.syntax import SyntaxTree
from hsx.haskell.tokens import SourceError
from hsx.haskell.toolchain import Toolchain, ToolchainMissing, locate
from hsx.proof import stage
from hsx.proof.lhmodule import LhModule
from hsx.verdict import Entry, ErrorKind, Outcome, OverflowSearch, ProofRecord, Result, Tried, Verdict, error
from hsx.verify.entries import Stop, candidates, common_signature, display_type, named_functions, pick_entry

@dataclass(frozen=True)
class PairRequest:
    a_source: str
    b_source: str
    a_path: str = "A.hs"  # labels for messages
    b_path: str = "B.hs"
    inputs: tuple[str, ...] | None = None  # one Haskell expression per argument: check only these
    entry_a: str | None = None
    entry_b: str | None = None
    id: str | None = None
    proof: str | None = None  # PROOF.hs text: equations of `equiv`, lemmas, helpers

    def content_id(self) -> str:
        h = hashlib.sha256()
        for part in (self.a_source, self.b_source, repr(self.inputs), self.entry_a or "", self.entry_b or "",
                     self.proof or ""):
            h.update(part.encode("utf-8", "surrogatepass"))  # a bad text still gets an id (and an error)
            h.update(b"\0")
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class ProgramRun:
    """One program run on given inputs (pool validation, sample outputs): not a comparison."""
    entry: Entry
    tested_type: str
    arity: int
    outputs: tuple[Outcome, ...]  # one per input row, in order


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
                pending.add(pool.submit(self.verify, req))
                if len(pending) >= 2 * workers:  # bounded queue: requests may be a long stream
                    done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                    for f in done:
                        yield f.result()
            for f in concurrent.futures.as_completed(pending):
                yield f.result()

    # -- one pair ---------------------------------------------------------------------------

    def verify(self, req: PairRequest) -> Result:
        start = time.monotonic()
        timings: dict[str, float] = {}
        result = self._guarded(lambda: self._verify(req, timings), "running this pair")
        timings["total"] = round(time.monotonic() - start, 4)
        return dataclasses.replace(result, id=req.id or req.content_id(), seed=self.config.search.seed,
                                   timings=timings)

    def evaluate(self, source: str, rows: list[tuple[str, ...]], *, entry: str | None = None,
                 path: str = "P.hs") -> ProgramRun | Result:
        """Runs one program's entry on each row of inputs (Haskell expressions), in the sandbox.
        Returns a Result (error/unknown) when the program cannot be run."""
        rows = [tuple(r) for r in rows]
        req = _single(source, path, entry)
        return self._guarded(lambda: self._evaluate(req, rows), "running the program")

    def synthesize_inputs(self, source: str, count: int, *, seed: int, entry: str | None = None,
                          path: str = "P.hs") -> list[tuple[str, ...]] | Result:
        """`count` seeded random inputs for the entry's argument types, generated by the helper
        (QuickCheck, growing size; user data types included), as Haskell expressions."""
        req = _single(source, path, entry)
        return self._guarded(lambda: self._sample(req, count, seed), "generating inputs")

    def syntax(self, text: str) -> SyntaxTree:
        """One source read by GHC's parser (the helper's `syntax` op: it parses, nothing runs),
        through this thread's helper.  Raises HelperFailure when the helper cannot answer."""
        return self._helper().syntax(text)

    def lh_module(self, req: PairRequest) -> LhModule | Result:
        """The assembled Liquid Haskell module (for --show-lh-module), or why there is none."""
        def assemble() -> LhModule:
            with self._prepare(req, {}) as pair:
                return pair.lh_module()
        return self._guarded(assemble, "assembling the module")

    def _guarded(self, action, doing: str):
        """Runs one of the public operations, turning every way it can stop into a Result."""
        try:
            return action()
        except Stop as stop:
            return stop.result
        except ToolchainMissing as e:
            return error(ErrorKind.TOOLCHAIN, str(e))
        except HelperTimeout as e:
            return Result(Verdict.UNKNOWN, f"possible divergence: {e}; the whole request was "
                                           f"killed, so no side is known to differ")
        except HelperFailure as e:
            return Result(Verdict.UNKNOWN, f"the helper failed while {doing} ({e}); "
                                           f"no difference was established")
        except Exception as e:  # noqa: BLE001 - a bug must cost one pair, not a batch
            return error(ErrorKind.INTERNAL, f"hsx failed while {doing}: {type(e).__name__}: {e}; "
                         f"please report this pair")

    # -- preparing a pair -------------------------------------------------------------------

    @contextlib.contextmanager
    def _prepare(self, req: PairRequest, timings: dict[str, float],
                 extra_inputs: Iterable[str] = ()) -> Iterator["_Pair"]:
        """Parse, policy, modules, GHC types, entries and the common signature; the job
        directory lives as long as the `with` block."""
        t0 = time.monotonic()
        _check_texts(req)
        a = _parse(req.a_source, req.a_path)
        b = _parse(req.b_source, req.b_path)
        _check_shape(a)
        _check_shape(b)
        violations = sandbox.check_source(a) + sandbox.check_source(b)
        for i, expr in enumerate([*(req.inputs or ()), *extra_inputs], 1):
            violations += sandbox.check_expression(expr, f"--input {i}")
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
            a = _parse(req.a_source, req.a_path, helper)
            b = _parse(req.b_source, req.b_path, helper)
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
                 jobdir: Path, tag: str, timings: dict[str, float]) -> "_Pair":
        t0 = time.monotonic()
        try:
            mods = harness.assemble(a, b, tag, _label(req.a_path), _label(req.b_path))
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
            needed = harness.check_supported(sig, mods.shared)
        except harness.UnsupportedType as e:
            raise Stop(error(ErrorKind.UNSUPPORTED_TYPE, str(e), **entries)) from None
        return _Pair(req, a, b, helper, jobdir, mods, entry_a, entry_b, entries, types, sig, needed)

    # -- the operations ---------------------------------------------------------------------

    def _verify(self, req: PairRequest, timings: dict[str, float]) -> Result:
        with self._prepare(req, timings) as pair:
            return self._decide(pair, timings)

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
            files, job = self._write_harness(pair, None)
            rows = pair.helper.sample(pair.jobdir, files, job, dataclasses.replace(self.config.search, seed=seed),
                                      count)
            if isinstance(rows, CompileFailure):
                raise Stop(error(ErrorKind.UNSUPPORTED_TYPE, f"cannot generate inputs of type {pair.tested}:\n"
                                 f"{self._diagnose(rows, pair.jobdir, files)}"))
            return rows

    def _decide(self, pair: "_Pair", timings: dict[str, float]) -> Result:
        """Search (or check the given inputs), confirm, then prove: the verdict rules."""
        req, common, note = pair.req, pair.common, pair.note
        t0 = time.monotonic()
        if req.inputs is not None:
            if pair.sig.alternative is not None and any(harness.KEY_TYPE in i for i in req.inputs):
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
            tried = _tried(report)
            # Not in plain mode: it stands for QuickCheck alone, which tests at one type.
            if report.found is None and pair.sig.alternative is not None and self.config.search.strategies != ("plain",):
                pair, report, tried, note = self._search_keyed(pair, report, tried, note)
                common = pair.common
        timings["search"] = round(time.monotonic() - t0, 4)
        timings["search_cpu"] = report.cpu_s

        machine = _machine_integers(pair)
        overflow: OverflowSearch | None = None
        # A type the proof stage has no theorem for: no proof will be attempted, so neither is
        # the overflow search that only exists to qualify one.
        gap = harness.proof_gap(pair.sig) if req.proof is None else None
        if (report.found is None and req.inputs is None and self.config.proof.enabled and machine
                and gap is None and not _uses_floating_point(pair.a, pair.b)):
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
            return stage.prove(req.proof, pair.lh_module(), self.config, machine_integers=machine,
                               overflow_search=overflow)

        if report.found is None:
            reason = _no_difference_reason(req, report, tried) + note
            if req.inputs is not None or not self.config.proof.enabled:
                return Result(Verdict.UNKNOWN, reason + "; equivalence needs a proof",
                              possible_divergence=report.possible, tried=tried, **common)
            if _uses_floating_point(pair.a, pair.b):
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
            if proof.proved and machine and _near_machine_bounds(rerun.found):
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

    def _search_keyed(self, pair: "_Pair", report: Report, tried: Tried, note: str):
        """The search again with the Eq/Ord type variables at Hsx.Key, whose == looks at a key
        only: differences in which of two equal values is kept, or in what order, show there
        and never at Int.  Returns the pair, report, tried counts and note to decide on."""
        keyed = dataclasses.replace(pair, sig=pair.sig.alternative)
        again = self._run(keyed, None, "search")
        more = _tried(again)
        tried = dataclasses.replace(
            tried, enumerated=tried.enumerated + more.enumerated, random_tests=tried.random_tests + more.random_tests,
            shrink_steps=more.shrink_steps,
            budget_exhausted=tried.budget_exhausted or more.budget_exhausted,
            strategies={k: tried.strategies.get(k, 0) + more.strategies.get(k, 0)
                        for k in {**tried.strategies, **more.strategies}},
            found_by=more.found_by)
        at_key = ", ".join(v for v, t in keyed.sig.instantiated if t == harness.KEY_TYPE)
        if again.found is None:
            return pair, dataclasses.replace(report, possible=report.possible + again.possible), tried, \
                note + f"; also tested with {at_key} at {harness.KEY_TYPE} ({KEY_NOTE})"
        found = (f"; no difference at Int; found with {at_key} at {harness.KEY_TYPE} ({KEY_NOTE})")
        return keyed, dataclasses.replace(again, possible=report.possible + again.possible), tried, found

    # -- the helper -------------------------------------------------------------------------

    def _write_harness(self, pair: "_Pair", inputs: list[tuple[str, ...]] | None) -> tuple[list[str], str]:
        """Writes the inputs module (if any) and the harness; returns the files and the job name."""
        files = pair.mods.program_files()
        if inputs is not None:
            name, text = harness.inputs_module(pair.mods, pair.sig, inputs)
            (pair.jobdir / name).write_text(text)
            files.append(name)
        name, text = harness.harness_module(pair.mods, pair.entry_a, pair.entry_b, pair.sig, pair.needed,
                                            inputs is not None, hints.mine_constants(pair.a, pair.b))
        (pair.jobdir / name).write_text(text)
        return [*files, name], f"{name[:-3]}.job"

    def _run(self, pair: "_Pair", inputs: list[tuple[str, ...]] | None, op: str,
             search: SearchConfig | None = None) -> Report:
        files, job = self._write_harness(pair, inputs)
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

    def _diagnose(self, failure: CompileFailure, jobdir: Path, files: list[str]) -> str:
        # GHC may report the same error more than once (the interpreter retries a failed
        # load): keep each message block once, in order.
        blocks = [b.strip() for b in re.split(r"\n\s*\n(?=\S+:\d+:\d+: )", failure.message)]
        message = "\n\n".join(dict.fromkeys(b for b in blocks if b))
        if "Got no error message" in message or not message:
            assert self._toolchain is not None
            message = ghc_diagnostics(jobdir, files, self.config.toolchain.ghc,
                                      self._toolchain.package_dbs, self.config.sandbox)
        return message


@dataclass
class _Pair:
    """A pair ready for the helper: checked, compiled, entries and common signature known."""
    req: PairRequest
    a: HaskellSource
    b: HaskellSource
    helper: Helper
    jobdir: Path
    mods: harness.PairModules
    entry_a: str
    entry_b: str
    entries: dict[str, Entry]
    types: dict[str, str]  # GHC's type of every named function, by qualified name
    sig: harness.Signature
    needed: list[str]  # shared data types that need generated instances

    @property
    def tested(self) -> str:
        return self.sig.render()

    @property
    def note(self) -> str:
        return "".join(f"; type variable {v} tested at {t}" for v, t in self.sig.instantiated)

    @property
    def common(self) -> dict:
        """The fields every Result about this pair carries."""
        return dict(self.entries, tested_type=self.tested)

    def lh_module(self) -> LhModule:
        def shown(src: HaskellSource, module: str) -> dict[str, str]:
            return {n: display_type(self.types[f"{module}.{n}"], self.mods) for n in named_functions(src)
                    if f"{module}.{n}" in self.types}
        return stage.assemble(self.a, self.b, self.entry_a, self.entry_b, shown(self.a, self.mods.a_module),
                              shown(self.b, self.mods.b_module), set(self.mods.shared_names),
                              _label(self.req.a_path), _label(self.req.b_path))


def _single(source: str, path: str, entry: str | None) -> PairRequest:
    """One program as a pair with itself: the machinery for running programs, not comparing."""
    return PairRequest(source, source, a_path=path, b_path=path, entry_a=entry, entry_b=entry)


# ------------------------------------------------------------------------------------------------
# Steps

def _label(path: str) -> str:
    return Path(path).name.replace('"', "")


def _parse(text: str, path: str, helper: Helper | None = None) -> HaskellSource:
    """The hand-written reader, refined by GHC's parser when a helper is given."""
    try:
        return read_source(helper, text, path)
    except SourceError as e:
        raise Stop(error(ErrorKind.SOURCE, str(e))) from None


def _tried(report: Report) -> Tried:
    return Tried(enumerated=report.enumerated, enumeration_depth=report.depth,
                 random_tests=report.random, shrink_steps=report.shrinks,
                 budget_exhausted=report.exhausted, strategies=report.strategies,
                 found_by=report.found_by)


def _no_difference_reason(req: PairRequest, report: Report, tried: Tried) -> str:
    if req.inputs is not None:
        what = "the given input shows no difference"
    else:
        drawn = ", ".join(f"{k} {v}" for k, v in tried.strategies.items() if k != "enumerate")
        what = (f"no counterexample found ({tried.enumerated} inputs enumerated up to depth "
                f"{tried.enumeration_depth}, {tried.random_tests} drawn" + (f": {drawn}" if drawn else "")
                + ("; time budget exhausted" if tried.budget_exhausted else "") + ")")
    if report.possible:
        what += f"; possible divergence: a side timed out or hit a resource limit on {len(report.possible)} input(s)"
    return what


KEY_NOTE = "Hsx.Key.Key k t: == and compare look at k only, the result shows t too"

# Larger sources are refused before anything reads them: hsx's readers and GHC's are not built
# for megabytes of generated code, and self-play programs are a few kilobytes.
MAX_SOURCE_BYTES = 1 << 20


def _check_texts(req: PairRequest) -> None:
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


def _check_shape(src: HaskellSource) -> None:
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


def _machine_integers(pair: "_Pair") -> bool:
    """Whether machine-integer arithmetic can matter: the tested type, any function's type, or
    the programs' text mentions Int or Word, or a function that returns or takes an Int."""
    if _MACHINE_TYPES.search(pair.tested) or any(_MACHINE_TYPES.search(t) for t in pair.types.values()):
        return True
    return any(t.text in _MACHINE_FUNCTIONS or _MACHINE_TYPES.fullmatch(t.text)
               for src in (pair.a, pair.b) for t in src.tokens)


def _near_machine_bounds(cx) -> bool:
    """Whether a counterexample involves numbers of machine-integer size (10 digits or more, in
    an input or a result): then a proof over unbounded integers and a difference under
    wrap-around arithmetic are both right.  Elsewhere the two together mean a bug."""
    texts = [*cx.inputs, cx.left.value or "", cx.right.value or ""]
    return any(re.search(r"\d{10,}", t) for t in texts)


def _uses_floating_point(*sources: HaskellSource) -> bool:
    """Any sign of fractional arithmetic: floating types, literals with a point, or operations
    that only exist for fractional types (an unannotated `/` defaults to Double)."""
    return any(t.text in ("Double", "Float", "Rational", "/", "sqrt", "realToFrac")
               or (t.kind == "number" and "." in t.text)
               for src in sources for t in src.tokens)


__all__ = ["PairRequest", "ProgramRun", "Verifier"]
