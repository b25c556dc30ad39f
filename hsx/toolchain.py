"""Finds the Haskell side: the hsx-helper executable and the package database that holds its
runtime library (the interpreter inside the helper loads Hsx.Runtime from there).

Consumes `ToolchainConfig`; produces `Toolchain` or raises `ToolchainMissing` with the command
that installs what is missing.  Order: explicit config/environment (HSX_HELPER, HSX_PACKAGE_DB,
as set by the Nix shell), then the in-repository cabal build made by `make setup`, then PATH.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from hsx.config import ToolchainConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
HASKELL_DIR = REPO_ROOT / "haskell"
INSTALL_HINT = "run `make setup` (Debian/Ubuntu) or enter `nix develop`"


class ToolchainMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Toolchain:
    helper: Path
    package_dbs: tuple[Path, ...]


def _cabal_builds() -> list[tuple[Path, Path]]:
    """(helper executable, package db) pairs from haskell/dist-newstyle, newest first."""
    found = []
    for db in (HASKELL_DIR / "dist-newstyle" / "packagedb").glob("ghc-*"):
        version = db.name[len("ghc-"):]
        for exe in (HASKELL_DIR / "dist-newstyle" / "build").glob(
                f"*/ghc-{version}/hsx-helper-*/x/hsx-helper/build/hsx-helper/hsx-helper"):
            found.append((exe, db))
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
        exe, db = builds[0]
        return Toolchain(exe, (Path(config.package_db),) if config.package_db else (db,))
    on_path = shutil.which("hsx-helper")
    if on_path:
        return Toolchain(Path(on_path), (Path(config.package_db),) if config.package_db else ())
    if shutil.which(config.ghc) is None:
        raise ToolchainMissing(f"GHC ({config.ghc}) is not installed and hsx-helper is not built: {INSTALL_HINT}")
    raise ToolchainMissing(f"hsx-helper is not built: {INSTALL_HINT}")
