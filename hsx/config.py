"""hsx's configuration: one typed, frozen object, loaded once and passed down.

Consumes an optional TOML file (sections match the dataclasses below; unknown keys are errors)
and the few environment variables hsx honours (read here and nowhere else); produces `HsxConfig`.
Later stages (self-play, evaluation) add their own sections to the same object.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class SearchConfig:
    """How hard `hsx verify` looks for a counterexample."""
    seed: int = 0
    tests: int = 200  # random tests after exhaustive enumeration
    max_size: int = 30  # QuickCheck size reached by the last random test
    depth: int = 4  # SmallCheck depth for exhaustive enumeration of small inputs
    enum_cap: int = 2000  # at most this many enumerated inputs (5 arguments explode quickly)
    eval_timeout: float = 1.0  # seconds for one side on one input; more is a timeout
    budget: float = 10.0  # CPU seconds for the whole search of one pair
    max_shrinks: int = 100  # successful shrink steps


@dataclass(frozen=True)
class SandboxConfig:
    """Limits for untrusted code; see hsx/sandbox.py for what they do and do not guarantee."""
    heap_mb: int = 1024  # GHC heap cap (+RTS -M): a memory bomb becomes a "resource" outcome
    address_space_mb: int = 8192  # RLIMIT_AS backstop (the interpreter itself needs ~1 GiB)
    cpu_seconds: int = 3600  # RLIMIT_CPU over a helper's life; it is restarted when hit
    max_processes: int = 512  # RLIMIT_NPROC (threads count too; ignored for root by Linux)
    max_file_mb: int = 16  # RLIMIT_FSIZE
    max_open_files: int = 256  # RLIMIT_NOFILE
    request_timeout: float = 60.0  # wall seconds for one helper request before it is killed
    isolate_network: bool = True  # a fresh network namespace where the kernel allows it
    output_cap_bytes: int = 4 << 20  # longest response line read from a sandboxed process
    restart_after: int = 200  # requests per helper process (bounds memory growth)


@dataclass(frozen=True)
class ProofConfig:
    """Equivalence proofs with Liquid Haskell (hsx/prover.py, hsx/proofsearch.py)."""
    enabled: bool = True  # off: `hsx verify` stops after the counterexample search
    timeout: float = 60.0  # wall seconds for one Liquid Haskell run
    search_budget: float = 180.0  # wall seconds for the automatic proof search of one pair
    cache: bool = True  # reuse results keyed by module text and prover version


@dataclass(frozen=True)
class ToolchainConfig:
    """Where the Haskell side lives.  Empty strings mean: find it (see hsx/toolchain.py)."""
    helper: str = ""  # the hsx-helper executable (env HSX_HELPER)
    package_db: str = ""  # package db holding hsx-helper's library (env HSX_PACKAGE_DB)
    ghc: str = "ghc"
    liquid: str = ""  # full prover command prefix, e.g. "ghc -fno-code -fplugin=LiquidHaskell" (env HSX_LIQUID)
    cache_dir: str = ""  # proof cache (default $XDG_CACHE_HOME/hsx or ~/.cache/hsx)


@dataclass(frozen=True)
class HsxConfig:
    search: SearchConfig = field(default_factory=SearchConfig)
    sandbox: SandboxConfig = field(default_factory=SandboxConfig)
    toolchain: ToolchainConfig = field(default_factory=ToolchainConfig)
    proof: ProofConfig = field(default_factory=ProofConfig)
    jobs: int = 0  # parallel workers for batches; 0 = one per core

    def with_proof(self, **changes) -> "HsxConfig":
        return dataclasses.replace(self, proof=dataclasses.replace(self.proof, **changes))

    def with_search(self, **changes) -> "HsxConfig":
        return dataclasses.replace(self, search=dataclasses.replace(self.search, **changes))

    def worker_count(self) -> int:
        return self.jobs if self.jobs > 0 else max(1, os.cpu_count() or 1)


def _build(cls, values: dict, where: str):
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"unknown key(s) in [{where}]: {', '.join(unknown)}; "
                          f"known: {', '.join(sorted(known))}")
    kwargs = {}
    for name, value in values.items():
        f = known[name]
        sub = f.default_factory if f.default_factory is not dataclasses.MISSING else None
        if sub is not None and dataclasses.is_dataclass(sub):
            if not isinstance(value, dict):
                raise ConfigError(f"[{where}.{name}] must be a table")
            kwargs[name] = _build(sub, value, f"{where}.{name}" if where else name)
            continue
        expected = type(f.default)
        if expected is float and isinstance(value, int):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{where + '.' if where else ''}{name} must be {expected.__name__}, "
                              f"got {value!r}")
        kwargs[name] = value
    return cls(**kwargs)


def load_config(path: str | Path | None = None) -> HsxConfig:
    """Reads a TOML file (or nothing), then applies the environment overrides."""
    values: dict = {}
    if path is not None:
        try:
            values = tomllib.loads(Path(path).read_text())
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise ConfigError(f"cannot read config {path}: {e}") from None
    config = _build(HsxConfig, values, "")
    env_toolchain = {}
    if os.environ.get("HSX_HELPER"):
        env_toolchain["helper"] = os.environ["HSX_HELPER"]
    if os.environ.get("HSX_PACKAGE_DB"):
        env_toolchain["package_db"] = os.environ["HSX_PACKAGE_DB"]
    if os.environ.get("HSX_LIQUID"):
        env_toolchain["liquid"] = os.environ["HSX_LIQUID"]
    if not config.toolchain.cache_dir:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        env_toolchain["cache_dir"] = str(Path(base) / "hsx")
    if env_toolchain:
        config = dataclasses.replace(config, toolchain=dataclasses.replace(config.toolchain, **env_toolchain))
    return config


def to_dict(config: HsxConfig) -> dict:
    """The resolved configuration, for saving beside every artifact."""
    return dataclasses.asdict(config)
