"""Runs Liquid Haskell on an assembled module, in the sandbox, with a cache.

Consumes module text from hsx/proof/lhmodule.py (with a proof already inserted and already accepted by
`hsx.proof.policy.check_proof_text`); produces `hsx.proof.liquid.LhOutcome`.  Liquid Haskell runs as a GHC
plugin (`ghc -fno-code -fplugin=LiquidHaskell ...`; -fno-code matters: with code generation GHC
skips an unchanged module on the next run and exits 0 without checking it).

Finding the prover (`locate_prover`), first match wins:
  1. `toolchain.liquid` / HSX_LIQUID: the whole command prefix, as given;
  2. the build of `make liquid` (scripts/setup/build_liquid.sh): `<cache_dir>/liquid-0.9.0.2.1-ghc-9.0.2/
     bin/liquid-ghc`, where cache_dir is `${XDG_CACHE_HOME:-~/.cache}/hsx` unless configured;
  3. GHC's own package database (`liquidhaskell`, or the `liquid-base` packaging of 0.9.0.x).
z3 must be on PATH.  Results are cached on disk keyed by the module text and the prover's
version, so a repeated check is instant.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shlex
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from hsx.config import ProofConfig, SandboxConfig, ToolchainConfig
from hsx.haskell import sandbox
from hsx.proof.lhmodule import MODULE_NAME, THEOREM
from hsx.proof.liquid import LhOutcome, classify_lh_output
from hsx.runs import write_atomic

LIQUID_VERSION = "0.9.0.2.1"
LIQUID_GHC_VERSION = "9.0.2"
# The prefix scripts/setup/build_liquid.sh installs into, under the cache directory (keep in step).
PREFIX_NAME = f"liquid-{LIQUID_VERSION}-ghc-{LIQUID_GHC_VERSION}"
MISSING_HINT = "run `make liquid` (builds Liquid Haskell into the per-user cache; HSX_LIQUID overrides)"


class ProverMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Prover:
    command: tuple[str, ...]  # argv prefix; the module file name is appended
    version: str  # part of the cache key


@dataclass(frozen=True)
class Checker:
    """Liquid Haskell with what every run of one proof attempt shares: the [proof] section (its
    `timeout` is the most one run may take), the sandbox's limits and the result cache.  The
    proof search passes this down instead of the whole configuration."""
    prover: Prover
    proof: ProofConfig
    limits: SandboxConfig
    cache_dir: str
    # How many Liquid Haskell runs the search may have going at once (one per core it may use).
    # The slots are shared by every copy `capped` makes, so the bound holds for the whole search.
    parallel: int = 1
    slots: threading.BoundedSemaphore | None = dataclasses.field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.slots is None:
            object.__setattr__(self, "slots", threading.BoundedSemaphore(max(1, self.parallel)))

    def run(self, module_text: str, *, line_map=None, seconds: float | None = None) -> LhOutcome:
        """One run, stopped after `proof.timeout` seconds or `seconds`, whichever is less; the
        seconds count from the call, so a wait for a free slot comes out of them."""
        t0 = time.monotonic()
        with self.slots:
            if seconds is not None:
                seconds -= time.monotonic() - t0
                if seconds <= 0:
                    return LhOutcome("timeout", message="no time left for this Liquid Haskell run")
            c = self if seconds is None else self.capped(seconds)
            return run_prover(c.prover, module_text, proof=c.proof, limits=c.limits, cache_dir=c.cache_dir,
                              line_map=line_map)

    def capped(self, seconds: float) -> Checker:
        """The same checker, each run stopped after `seconds` at most."""
        return dataclasses.replace(self, proof=dataclasses.replace(self.proof, timeout=min(self.proof.timeout,
                                                                                            seconds)))


_located: dict[tuple, Prover | str] = {}
_lock = threading.Lock()


def locate_prover(tc: ToolchainConfig, limits: SandboxConfig) -> Prover:
    """Finds Liquid Haskell (once per process and configuration) or raises ProverMissing."""
    key = (tc.liquid, tc.ghc, tc.cache_dir)
    with _lock:
        if key not in _located:
            try:
                _located[key] = _locate(tc, limits)
            except ProverMissing as e:
                _located[key] = str(e)
        found = _located[key]
    if isinstance(found, str):
        raise ProverMissing(found)
    return found


def prover_prefix(tc: ToolchainConfig) -> Path | None:
    """Where `make liquid` installs the prover for this configuration (None: no cache dir)."""
    return Path(tc.cache_dir) / PREFIX_NAME if tc.cache_dir else None


def _built_by_make_liquid(tc: ToolchainConfig) -> Prover | None:
    prefix = prover_prefix(tc)
    if prefix is None:
        return None
    wrapper, stamp = prefix / "bin" / "liquid-ghc", prefix / "stamp"
    # The stamp is written last, after the smoke test: without it the build did not finish.
    if not (wrapper.is_file() and os.access(wrapper, os.X_OK) and stamp.is_file()):
        return None
    key = stamp.read_text().split("\n", 1)[0].strip()
    # The build's key is part of the version, so a rebuild never reuses cached verdicts.
    return Prover((str(wrapper),), f"ghc-{LIQUID_GHC_VERSION} liquidhaskell-{LIQUID_VERSION} build-{key[:12]}")


def _locate(tc: ToolchainConfig, limits: SandboxConfig) -> Prover:
    if shutil.which("z3") is None:
        raise ProverMissing("z3 (the SMT solver Liquid Haskell calls) is not on PATH; "
                            "run `make apt` (Debian/Ubuntu; the Nix shell provides it)")
    if tc.liquid:
        command = tuple(shlex.split(tc.liquid))
        return Prover(command, " ".join(command))
    built = _built_by_make_liquid(tc)
    if built is not None:
        return built
    ghc = shutil.which(tc.ghc)
    if ghc is None:
        raise ProverMissing(f"GHC ({tc.ghc}) is not on PATH; {MISSING_HINT}")
    ghc_pkg = shutil.which("ghc-pkg", path=str(Path(ghc).parent)) or shutil.which("ghc-pkg")
    if ghc_pkg is None:
        raise ProverMissing(f"ghc-pkg not found next to {ghc}; {MISSING_HINT}")
    with sandbox.scratch_dir() as d:
        def version(package: str) -> str | None:
            r = sandbox.run([ghc_pkg, "--simple-output", "field", package, "version"], cwd=d,
                            limits=limits, timeout=60)
            out = r.stdout.decode().split()
            return out[-1] if r.returncode == 0 and out else None
        ghc_version = sandbox.run([ghc, "--numeric-version"], cwd=d, limits=limits, timeout=60)
        ghc_v = ghc_version.stdout.decode().strip()
        legacy = version("liquid-base")
        modern = version("liquidhaskell")
    base = (ghc, "-fno-code", "-fplugin=LiquidHaskell")
    if legacy:  # Liquid Haskell 0.9.0.x: its own base (as in the recorded fixtures)
        return Prover(base + ("-package", "liquid-base", "-package", "liquid-prelude", "-hide-package", "base"),
                      f"ghc-{ghc_v} liquid-base-{legacy}")
    if modern:
        return Prover(base + ("-package", "liquidhaskell"), f"ghc-{ghc_v} liquidhaskell-{modern}")
    where = prover_prefix(tc)
    raise ProverMissing(f"Liquid Haskell is not installed: no {where / 'bin' / 'liquid-ghc' if where else 'prover build'}"
                        f" and no liquidhaskell package in {tc.ghc}'s package database; {MISSING_HINT}")


def _cache_file(cache_dir: str, prover: Prover, module_text: str) -> Path:
    h = hashlib.sha256()
    for part in (prover.version, " ".join(prover.command), module_text):
        h.update(part.encode())
        h.update(b"\0")
    return Path(cache_dir) / "proofs" / f"{h.hexdigest()}.json"


# liquid-fixpoint writes every query it sends to the SMT solver to these files, whatever the
# flags (Smt/Interface.hs `makeContext`); the ".evals" one logs PLE's unfolding, which beside a
# few rewrite rules passes the sandbox's file-size limit within seconds, and then the kernel
# stops Liquid Haskell (SIGXFSZ) in the middle of a proof that would have gone through.
SMT_LOGS = (".smt2", ".evals.smt2")


def _discard_smt_logs(d: Path) -> None:
    """The solver logs of a run in `d` go to /dev/null: nothing reads them, and a device file
    neither fills the disk nor counts against the file-size limit."""
    (d / ".liquid").mkdir(exist_ok=True)
    for ext in SMT_LOGS:
        (d / ".liquid" / f"{MODULE_NAME}.hs{ext}").symlink_to(os.devnull)


def run_prover(prover: Prover, module_text: str, *, proof: ProofConfig, limits: SandboxConfig,
               cache_dir: str, line_map=None) -> LhOutcome:
    cache = _cache_file(cache_dir, prover, module_text) if proof.cache else None
    if cache is not None and cache.exists():
        try:
            d = json.loads(cache.read_text())
            return LhOutcome(d["status"], d.get("where"), d.get("message", ""),
                             tuple(tuple(x) for x in d.get("locations", ())))
        except (OSError, ValueError, KeyError):
            pass  # a damaged entry is recomputed
    with sandbox.scratch_dir("hsx-lh-") as d:
        (d / f"{MODULE_NAME}.hs").write_text(module_text)
        _discard_smt_logs(d)
        r = sandbox.run([*prover.command, f"{MODULE_NAME}.hs"], cwd=d, limits=limits,
                        timeout=proof.timeout, merge_stderr=True)
    if r.timed_out:
        return LhOutcome("timeout", message=f"Liquid Haskell did not finish within {proof.timeout:.0f} s")
    output = r.stdout.decode("utf-8", "replace")
    outcome = classify_lh_output(output, r.returncode, theorem=THEOREM, line_map=line_map, source=module_text)
    if cache is not None and outcome.status not in ("timeout", "prover-missing"):
        write_atomic(cache, json.dumps(dataclasses.asdict(outcome)))  # concurrent workers never read half
    return outcome
