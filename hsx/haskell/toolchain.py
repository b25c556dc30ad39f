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

REPO_ROOT = Path(__file__).resolve().parents[2]
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
