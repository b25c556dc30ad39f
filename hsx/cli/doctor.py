"""`hsx doctor`: runs each tool hsx depends on once and says what it found.

Consumes an `HsxConfig`; produces one `Check` per tool (GHC, the helper, z3, the prover), each
with its version and path, or the cause and the command that fixes it.  It sits with the CLI
because it looks across stages (the Haskell side and the prover); the stages themselves only
locate what they need (`hsx.haskell.toolchain.locate`, `hsx.proof.prover.locate_prover`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from hsx.haskell.toolchain import INSTALL_HINT, ToolchainMissing, locate


@dataclass(frozen=True)
class Check:
    """One line of `hsx doctor`: a tool, whether hsx can use it, its version and path, the fix."""
    name: str
    ok: bool
    version: str
    path: str
    fix: str = ""  # when not ok: the cause and the command that fixes it


def check_toolchain(config) -> list[Check]:
    """Runs each tool hsx depends on once (GHC, the helper, Liquid Haskell, z3) and reports.

    Consumes an `HsxConfig`; every process starts through hsx.haskell.sandbox.  The prover is checked on a
    one-line module that must come back `LIQUID: SAFE`, so a prover that is found but broken shows
    up here rather than as proof failures.
    """
    from hsx.haskell import sandbox
    from hsx.haskell.helper import PROTOCOL_VERSION, Helper, HelperFailure
    from hsx.proof.prover import ProverMissing, locate_prover

    tc, limits = config.toolchain, config.sandbox
    checks: list[Check] = []
    with sandbox.scratch_dir("hsx-doctor-") as d:
        def first_line(argv: list[str]) -> str:
            r = sandbox.run(argv, cwd=d, limits=limits, timeout=60, merge_stderr=True)
            out = r.stdout.decode("utf-8", "replace").strip()
            return out.splitlines()[0] if r.returncode == 0 and out else ""

        ghc = shutil.which(tc.ghc)
        ghc_version = first_line([ghc, "--numeric-version"]) if ghc else ""
        checks.append(Check("GHC", bool(ghc_version), ghc_version, ghc or "",
                            "" if ghc_version else f"`{tc.ghc}` is not on PATH: {INSTALL_HINT}"))

        try:
            toolchain = locate(tc)
        except ToolchainMissing as e:
            checks.append(Check("helper", False, "", "", str(e)))
        else:
            helper = Helper(toolchain, limits)
            try:
                helper.start()
                dbs = ", ".join(str(p) for p in toolchain.package_dbs) or "GHC's global db only"
                checks.append(Check("helper", True, f"protocol {PROTOCOL_VERSION}, GHC {helper.ghc_version}",
                                    f"{toolchain.helper} (package dbs: {dbs})"))
            except HelperFailure as e:
                checks.append(Check("helper", False, "", str(toolchain.helper),
                                    f"it does not start ({e}): {INSTALL_HINT}"))
            finally:
                helper.close()

        z3 = shutil.which("z3")
        z3_version = first_line([z3, "--version"]) if z3 else ""
        checks.append(Check("z3", bool(z3_version), z3_version, z3 or "",
                            "" if z3_version else f"z3 is not on PATH: {INSTALL_HINT}"))

        try:
            prover = locate_prover(tc, limits)
        except ProverMissing as e:
            checks.append(Check("prover", False, "", "", f"{e}. Without it SEQ (proofs) is off; "
                                "everything else works"))
        else:
            (d / "Smoke.hs").write_text("module Smoke where\n{-@ inc :: x:Int -> {v:Int | v > x} @-}\n"
                                        "inc :: Int -> Int\ninc x = x + 1\n")
            r = sandbox.run([*prover.command, "Smoke.hs"], cwd=d, limits=limits, timeout=300,
                            merge_stderr=True)
            out = r.stdout.decode("utf-8", "replace")
            safe = r.returncode == 0 and "LIQUID: SAFE" in out
            checks.append(Check("prover", safe, prover.version, " ".join(prover.command),
                                "" if safe else "it did not prove a one-line safe module: "
                                f"{(out.strip().splitlines() or ['no output'])[-1]}; rebuild it with `make liquid`"))
    return checks
