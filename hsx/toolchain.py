"""Finds the Haskell side: the hsx-helper executable and the package database that holds its
runtime library (the interpreter inside the helper loads Hsx.Runtime from there).

Consumes `ToolchainConfig`; produces `Toolchain` or raises `ToolchainMissing` with the command
that installs what is missing.  Order: explicit config/environment (HSX_HELPER, HSX_PACKAGE_DB),
then the in-repository cabal build made by `make setup`, then PATH.

The package databases of a cabal build: the build's in-place db (hsx-helper's library), plus,
inside `nix develop`, the cabal store of the checkout (`.cabal/store`), where the helper's
libraries from Hackage live (on Debian they are in GHC's global db and the store is empty).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from hsx.config import ToolchainConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
HASKELL_DIR = REPO_ROOT / "haskell"
INSTALL_HINT = "run `make setup` (Debian/Ubuntu, or inside `nix develop`)"
CABAL_STORE = REPO_ROOT / ".cabal" / "store"  # CABAL_DIR of `make helper` is .cabal


class ToolchainMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Toolchain:
    helper: Path
    package_dbs: tuple[Path, ...]


def _cabal_builds() -> list[tuple[Path, tuple[Path, ...]]]:
    """(helper executable, package dbs) pairs from haskell/dist-newstyle, newest first."""
    found = []
    for db in (HASKELL_DIR / "dist-newstyle" / "packagedb").glob("ghc-*"):
        version = db.name[len("ghc-"):]
        store = CABAL_STORE / f"ghc-{version}" / "package.db"
        dbs = (db, store) if any(store.glob("*.conf")) else (db,)
        for exe in (HASKELL_DIR / "dist-newstyle" / "build").glob(
                f"*/ghc-{version}/hsx-helper-*/x/hsx-helper/build/hsx-helper/hsx-helper"):
            found.append((exe, dbs))
    return sorted(found, key=lambda p: p[0].stat().st_mtime, reverse=True)


def locate(config: ToolchainConfig) -> Toolchain:
    if config.helper:
        helper = Path(config.helper)
        if not helper.is_file():
            raise ToolchainMissing(f"hsx-helper not found at {helper} (HSX_HELPER / toolchain.helper): {INSTALL_HINT}")
        dbs = (Path(config.package_db),) if config.package_db else ()
        return Toolchain(helper, dbs)
    builds = _cabal_builds()
    if builds:
        exe, dbs = builds[0]
        return Toolchain(exe, (Path(config.package_db),) if config.package_db else dbs)
    on_path = shutil.which("hsx-helper")
    if on_path:
        return Toolchain(Path(on_path), (Path(config.package_db),) if config.package_db else ())
    if shutil.which(config.ghc) is None:
        raise ToolchainMissing(f"GHC ({config.ghc}) is not installed and hsx-helper is not built: {INSTALL_HINT}")
    raise ToolchainMissing(f"hsx-helper is not built: {INSTALL_HINT}")


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

    Consumes an `HsxConfig`; every process starts through hsx.sandbox.  The prover is checked on a
    one-line module that must come back `LIQUID: SAFE`, so a prover that is found but broken shows
    up here rather than as proof failures.
    """
    from hsx import sandbox
    from hsx.haskell import PROTOCOL_VERSION, Helper, HelperFailure
    from hsx.prover import ProverMissing, locate_prover

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
