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
    """How hard `hsx verify` looks for a counterexample.

    The search enumerates small inputs, then lets its drawing strategies take turns until it
    finds a difference or spends `budget`; raise `budget` (`--budget`) to look harder.  The
    default budget makes an `unknown` on a small pair cost about 2-3 s in all.
    """
    seed: int = 0
    tests: int = 0  # at most this many drawn inputs after enumeration; 0: draw until the budget is spent
    max_size: int = 30  # QuickCheck sizes of the "random" strategy cycle through 0..max_size
    depth: int = 4  # SmallCheck depth for exhaustive enumeration of small inputs
    enum_cap: int = 2000  # at most this many enumerated inputs (5 arguments explode quickly)
    eval_timeout: float = 1.0  # seconds for one side on one input; more is a timeout
    budget: float = 2.0  # CPU seconds for the whole search of one pair
    max_shrinks: int = 100  # successful shrink steps
    # enumerate, then turns of: boundary (numeric edges, IEEE specials), mined (the programs'
    # literals), structure (duplicates, runs, sorted, long lists, deep data), random (QuickCheck's
    # generators); also overflow (machine-integer extremes) and plain (QuickCheck alone).
    strategies: tuple[str, ...] = ("enumerate", "boundary", "mined", "structure", "random")
    overflow_budget: float = 1.0  # CPU seconds of overflow-directed search before a proof about Int/Word is accepted

    def __post_init__(self) -> None:
        known = {"enumerate", "boundary", "mined", "structure", "random", "overflow", "plain"}
        unknown = [s for s in self.strategies if s not in known]
        if unknown or not self.strategies:
            raise ConfigError(f"search.strategies: unknown {unknown or 'empty list'}; known: {', '.join(sorted(known))}")
        if self.budget <= 0 or self.overflow_budget < 0:
            raise ConfigError("search.budget must be positive and search.overflow_budget not negative")


@dataclass(frozen=True)
class SandboxConfig:
    """Limits for untrusted code; see hsx/haskell/sandbox.py for what they do and do not guarantee."""
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
    """Equivalence proofs with Liquid Haskell (hsx/proof/prover.py, hsx/proof/search.py)."""
    enabled: bool = True  # off: `hsx verify` stops after the counterexample search
    timeout: float = 60.0  # wall seconds for one Liquid Haskell run
    search_budget: float = 180.0  # wall seconds for the automatic proof search of one pair
    cache: bool = True  # reuse results keyed by module text and prover version


@dataclass(frozen=True)
class ToolchainConfig:
    """Where the Haskell side lives.  Empty strings mean: find it (see hsx/haskell/toolchain.py)."""
    helper: str = ""  # the hsx-helper executable (env HSX_HELPER)
    package_db: str = ""  # package db holding hsx-helper's library (env HSX_PACKAGE_DB)
    ghc: str = "ghc"
    liquid: str = ""  # full prover command prefix, e.g. "ghc -fno-code -fplugin=LiquidHaskell" (env HSX_LIQUID)
    cache_dir: str = ""  # proof cache (default $XDG_CACHE_HOME/hsx or ~/.cache/hsx)


@dataclass(frozen=True)
class ModelConfig:
    """The base model both agents share (each agent trains its own LoRA adapter on it)."""
    base: str = "tiny"  # a hub id or local path; "tiny" builds the in-code test model (hsx/models/tinymodel.py)
    gguf_file: str = ""  # load `base` from this GGUF file inside it (SmolLM2 demo)
    load_in_4bit: bool = True  # QLoRA: NF4 base via bitsandbytes
    dtype: str = "bfloat16"  # compute dtype on GPU; CPU always uses float32
    max_seq_len: int = 2048


@dataclass(frozen=True)
class LoraConfig:
    r: int = 8
    alpha: int = 16
    dropout: float = 0.05
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class TrainingConfig:
    learning_rate: float = 2e-4
    epochs: int = 3
    batch_size: int = 4
    gradient_accumulation: int = 4
    mode: str = "retrain"  # retrain: from base on the cumulative buffer (the paper); continue: from the last adapter
    max_steps: int = -1  # >0 caps steps (smoke runs)


@dataclass(frozen=True)
class SamplingConfig:
    backend: str = "transformers"  # transformers | vllm
    temperature: float = 0.6
    top_p: float = 0.95
    top_k: int = 20
    max_new_tokens: int = 2048
    batch_size: int = 16  # prompts per generate() call


@dataclass(frozen=True)
class SelfPlayConfig:
    iterations: int = 7
    programs_per_iteration: int = 500
    p_seq: float = 0.5  # probability that Alice attempts an equivalent variant with a proof
    bob_samples: int = 10  # k: Bob's judgements per verified pair
    tau: float = 5.0  # difficulty threshold for "hard" pairs (0-10)
    easy_share: float = 0.3  # share of easier pairs kept beside the hard ones, stratified by bin
    repair_rounds: int = 1  # extra Alice attempts fed with the classified verifier error
    target_low: float = 3.0  # curriculum: aim at programs whose difficulty lies in this band
    target_high: float = 8.0
    explore: float = 0.2  # curriculum: share of never-seen programs per iteration
    promote_min_difficulty: float = 7.0  # verified Q's this hard join the pool as new P's
    pool: str = "data/programs"
    runs_dir: str = "runs"
    seed: int = 0
    heldout_programs: int = 0  # programs set aside before iteration 0 for the held-out measure of Bob
    bob_prompt: str = "reason"  # reason: think, then ANSWER (the paper); short: the answer line only (CPU)


@dataclass(frozen=True)
class AliceConfig:
    """Who writes the variants Q: the model (an LLM with a LoRA adapter) or program transformations.

    backend: "model" (the paper; the GPU default), "transform" (hsx/selfplay/transform.py: seeded rewrites
    of P's syntax tree, no model; the CPU default), or "mix" (each selected P goes to the
    transformations with probability `transform_share`, else to the model).  Comparing the two
    kinds of Alice is two runs that differ only in this key.
    """
    backend: str = "model"  # model | transform | mix
    transform_share: float = 0.5  # mix: share of programs given to the transformations
    candidates: int = 2  # transform: candidate Q's proposed per program and round

    def __post_init__(self) -> None:
        if self.backend not in ("model", "transform", "mix"):
            raise ConfigError(f"alice.backend must be \"model\", \"transform\" or \"mix\", got {self.backend!r}")
        if not 0.0 <= self.transform_share <= 1.0:
            raise ConfigError(f"alice.transform_share must lie in [0, 1], got {self.transform_share}")
        if self.candidates < 1:
            raise ConfigError(f"alice.candidates must be at least 1, got {self.candidates}")


@dataclass(frozen=True)
class HsxConfig:
    search: SearchConfig = field(default_factory=SearchConfig)
    sandbox: SandboxConfig = field(default_factory=SandboxConfig)
    toolchain: ToolchainConfig = field(default_factory=ToolchainConfig)
    proof: ProofConfig = field(default_factory=ProofConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    lora: LoraConfig = field(default_factory=LoraConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    sampling: SamplingConfig = field(default_factory=SamplingConfig)
    selfplay: SelfPlayConfig = field(default_factory=SelfPlayConfig)
    alice: AliceConfig = field(default_factory=AliceConfig)
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
        if expected is tuple and isinstance(value, list):
            value = tuple(value)
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


def config_from_dict(values: dict) -> HsxConfig:
    """The inverse of `to_dict` (a run's saved config.json), with the same checks as TOML."""
    return _build(HsxConfig, values, "")


def to_dict(config: HsxConfig) -> dict:
    """The resolved configuration, for saving beside every artifact."""
    return dataclasses.asdict(config)
