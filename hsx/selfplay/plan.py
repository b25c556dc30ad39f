"""`hsx selfplay --plan`: what one self-play iteration of a configuration will do and need.

Consumes the config, the program pool (for the size of real prompts), the base model's
architecture (hsx.models.memory: config.json fields, nothing downloaded) and, where present, the
measured throughputs in docs/BENCHMARKS.md (section "Throughputs for `hsx selfplay --plan`");
produces a `Plan`: prompts and sampled tokens per agent, training examples and optimizer steps,
the peak memory of training and of vLLM generation, whether they fit the GPU, and a time
estimate.  Nothing runs: no model, no helper, no GPU.

    hsx selfplay --config configs/paper.toml --plan [--gpu-memory 80] [--device H100]

Counts the outcome of generation cannot bound in advance (how many candidates verify) are
upper bounds in the table ("at most"); the time estimate multiplies them by the measured
`verified_share`.  The method and its assumptions are written down in docs/PLAN.md.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from hsx.agents import prompts
from hsx.config import HsxConfig, SelfPlayConfig, TrainingConfig
from hsx.models.memory import GIB, MemoryEstimate, generation_memory, load_architecture, training_memory
from hsx.pool.programs import Program, load_pool
from hsx.selfplay.heldout import HELDOUT_CANDIDATES

# Characters per token of the prompts and answers (Haskell code and English instructions), for
# models whose tokenizer the plan does not load.  An assumption, see docs/PLAN.md.
CHARS_PER_TOKEN = 3.5
BENCHMARKS = Path(__file__).resolve().parents[2] / "docs" / "BENCHMARKS.md"
THROUGHPUT_SECTION = "Throughputs for `hsx selfplay --plan`"
QUANTITIES = ("verify_seconds_per_candidate", "verified_share", "generation_tokens_per_second",
              "train_tokens_per_second")
PROMPT_SAMPLE = 40  # pool programs whose rendered prompts give the mean prompt size


def tokens_of(text_chars: float) -> int:
    return math.ceil(text_chars / CHARS_PER_TOKEN)


@dataclass(frozen=True)
class AgentLoad:
    agent: str
    prompts: int  # at most
    samples: int  # per prompt
    prompt_tokens: int  # at most, all prompts
    sampled_tokens: int  # at most: every sample uses max_new_tokens
    note: str = ""


@dataclass(frozen=True)
class TrainLoad:
    agent: str
    examples: int  # at most
    steps: int
    tokens: int  # example tokens the run processes (examples x epochs, or the max_steps cap)
    last_iteration_examples: int  # retrain: the cumulative buffer of the last iteration
    last_iteration_steps: int
    example_tokens: int


@dataclass
class Plan:
    config: HsxConfig
    programs: int
    candidates: int
    generation: list[AgentLoad]
    training: list[TrainLoad]
    train_memory: MemoryEstimate
    gen_memory: MemoryEstimate | None
    gen_info: dict
    gpu_bytes: float | None
    device: str
    time: dict[str, float] | None
    time_missing: str = ""
    throughputs: dict[str, float] = field(default_factory=dict)

    def problems(self) -> list[str]:
        """Why this configuration cannot run on the GPU it was planned for (empty: it fits)."""
        out = []
        if self.gpu_bytes is None:
            return out
        if self.train_memory.total > self.gpu_bytes:
            out.append(f"training needs an estimated {self.train_memory.total / GIB:.1f} GiB at its peak (batch "
                       f"{self.config.training.batch_size} x {self.config.model.max_seq_len} tokens), more than the "
                       f"GPU's {self.gpu_bytes / GIB:.1f} GiB: lower training.batch_size (raising "
                       f"gradient_accumulation keeps the update size) or model.max_seq_len")
        if self.gen_info.get("concurrent_sequences") == 0:
            out.append(f"vLLM's KV cache ({max(self.gen_info['kv_cache_bytes'], 0) / GIB:.1f} GiB left after the weights) "
                       f"cannot hold one sequence of {self.gen_info['sequence_tokens']} tokens: lower model.max_seq_len "
                       f"or raise sampling.tensor_parallel_size")
        return out


def _mean_prompt_chars(selfplay: SelfPlayConfig, pool: list[Program]) -> dict[str, float]:
    sample = sorted(pool, key=lambda p: p.id)[:PROMPT_SAMPLE]
    if not sample:
        raise ValueError(f"the pool {selfplay.pool} has no programs")
    bob = prompts.bob_short if selfplay.bob_prompt == "short" else prompts.bob_judge

    def chars(conv: list[dict]) -> int:
        return sum(len(m["content"]) for m in conv)
    return {"sinq": sum(chars(prompts.alice_sinq(p)) for p in sample) / len(sample),
            "seq": sum(chars(prompts.alice_seq(p, p.code)) for p in sample) / len(sample),
            "bob": sum(chars(bob(p.code, p.code)) for p in sample) / len(sample),
            "code": sum(len(p.code) for p in sample) / len(sample)}


def _steps(examples: int, t: TrainingConfig) -> int:
    if examples == 0:
        return 0
    per_epoch = math.ceil(math.ceil(examples / t.batch_size) / t.gradient_accumulation)
    steps = per_epoch * t.epochs
    return min(steps, t.max_steps) if t.max_steps > 0 else steps


def _train_tokens(examples: int, steps: int, example_tokens: int, t: TrainingConfig, max_seq_len: int) -> int:
    seen = min(examples * t.epochs, steps * t.batch_size * t.gradient_accumulation)
    return seen * min(example_tokens, max_seq_len)


def plan(config: HsxConfig, *, gpu_bytes: float | None = None, device: str = "cpu",
         benchmarks: Path = BENCHMARKS) -> Plan:
    sp, al, s = config.selfplay, config.alice, config.sampling
    pool = load_pool(Path(sp.pool))
    programs = min(sp.programs_per_iteration, max(0, len(pool) - sp.heldout_programs))
    sizes = _mean_prompt_chars(config.selfplay, pool)
    model_share = {"model": 1.0, "transform": 0.0, "mix": 1.0 - al.transform_share}[al.backend]
    by_model = round(programs * model_share)
    by_transform = programs - by_model
    rounds = 1 + sp.repair_rounds
    alice_prompt = sp.p_seq * sizes["seq"] + (1 - sp.p_seq) * sizes["sinq"]
    # A repair prompt carries the conversation so far, the answer (about a program's size) and
    # the verifier's feedback (at most MAX_FEEDBACK_CHARS).
    alice_prompts = by_model * rounds
    alice_prompt_tokens = tokens_of(by_model * alice_prompt) + sum(
        tokens_of(by_model * (alice_prompt + r * (sizes["code"] + prompts.MAX_FEEDBACK_CHARS)))
        for r in range(1, rounds))
    candidates = alice_prompts + by_transform * al.candidates * rounds
    # Each program stops at its first verified candidate, so a program gives at most one
    # verified pair per model answer and `candidates` per transformation round.
    pairs = by_model + by_transform * al.candidates
    k, new = sp.bob_samples, s.max_new_tokens
    bob_prompt_tokens = tokens_of(sizes["bob"])
    gen = []
    if alice_prompts:
        gen.append(AgentLoad("alice", alice_prompts, 1, alice_prompt_tokens, alice_prompts * new,
                             f"{by_model} programs x {rounds} rounds"))
    gen.append(AgentLoad("bob", pairs, k, pairs * bob_prompt_tokens, pairs * k * new, "every candidate verified"))
    # HELDOUT_CANDIDATES of each kind per held-out program (hsx/selfplay/heldout.py).
    held_pairs = 2 * HELDOUT_CANDIDATES * min(sp.heldout_programs, len(pool))
    if held_pairs:
        gen.append(AgentLoad("bob, held-out", held_pairs, k, held_pairs * bob_prompt_tokens, held_pairs * k * new,
                             "current adapter; the base model too in iteration 0"))

    # Bob learns from each distinct correct judgement (short prompt: one example per verified pair,
    # hsx/selfplay/selection.py), the model Alice from each chosen pair.
    answer_tokens = min(new, tokens_of(sizes["code"] * 1.2) + 20)
    example_tokens = {"alice": tokens_of(alice_prompt) + answer_tokens,
                      "bob": bob_prompt_tokens + (new if sp.bob_prompt == "reason" else min(new, 8))}
    per_iteration = {"alice": by_model, "bob": pairs if sp.bob_prompt == "short" else pairs * k}
    training = []
    for agent, n in per_iteration.items():
        last = n * (sp.iterations if config.training.mode == "retrain" else 1)
        steps = _steps(n, config.training)
        tokens = _train_tokens(n, steps, example_tokens[agent], config.training, config.model.max_seq_len)
        training.append(TrainLoad(agent, n, steps, tokens, last, _steps(last, config.training), example_tokens[agent]))

    arch = load_architecture(config.model.base)
    # A GPU configuration (vLLM, or planned for a GPU) gets the GPU's figure also where the plan
    # is made on a CPU: that is the memory that can run out.
    on_gpu = device != "cpu" or gpu_bytes is not None or s.backend == "vllm"
    train_mem = training_memory(arch, model=config.model, lora=config.lora, training=config.training,
                                cuda=on_gpu)
    longest = max(tokens_of(alice_prompt), bob_prompt_tokens) + new
    seq_tokens = min(config.model.max_seq_len, longest)
    gen_mem, info = (generation_memory(arch, config.model, config.sampling, gpu_bytes, seq_tokens)
                     if s.backend == "vllm" else (None, {}))
    info["cut_at_max_seq_len"] = longest > config.model.max_seq_len
    p = Plan(config, programs, candidates, gen, training, train_mem, gen_mem, info, gpu_bytes, device, None)
    rates, missing = read_throughputs(benchmarks, device, config.model.base)
    p.throughputs = rates
    if missing:
        p.time_missing = missing
    else:
        p.time = estimate_time(p, rates)
    return p


def estimate_time(p: Plan, rates: dict[str, float]) -> dict[str, float]:
    """Seconds of one iteration (iteration 0: the held-out base pass included), stage by stage.
    Model loads are inside the measured rates, as they were inside the measured stages."""
    share = rates["verified_share"]
    gen_tokens = 0.0
    for g in p.generation:
        expected = 1.0 if g.agent == "alice" else share
        passes = 2 if g.agent.endswith("held-out") else 1
        gen_tokens += passes * expected * (g.prompt_tokens + g.sampled_tokens)
    train_tokens = 0
    for t in p.training:
        expected = round(t.examples * share)  # the steps follow the expected examples (max_steps caps them)
        train_tokens += _train_tokens(expected, _steps(expected, p.config.training), t.example_tokens,
                                      p.config.training, p.config.model.max_seq_len)
    return {"verify": p.candidates * rates["verify_seconds_per_candidate"],
            "generation": gen_tokens / rates["generation_tokens_per_second"],
            "training": train_tokens / rates["train_tokens_per_second"]}


def read_throughputs(path: Path, device: str, model: str) -> tuple[dict[str, float], str]:
    """The rows of BENCHMARKS.md's throughput table for (device, model): a row's device matches
    when it is a case-insensitive part of `device` ("H100" matches "NVIDIA H100 80GB HBM3")."""
    if not path.exists():
        return {}, f"no {path.name}"
    lines = path.read_text().splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("#") and THROUGHPUT_SECTION in line), None)
    if start is None:
        return {}, f"{path.name} has no section \"{THROUGHPUT_SECTION}\""
    rates: dict[str, float] = {}
    for line in lines[start + 1:]:
        if line.startswith("#"):
            break
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.fullmatch(r"[0-9.eE+-]+", cells[3]):
            continue
        if cells[0].lower() in device.lower() and cells[1] == model and cells[2] in QUANTITIES:
            rates[cells[2]] = float(cells[3])
    lacking = [q for q in QUANTITIES if q not in rates]
    if lacking:
        return rates, (f"no measured {', '.join(lacking)} for device {device!r} and model {model!r} in "
                       f"{path.name} (\"{THROUGHPUT_SECTION}\"; scripts/bench/gpu_check.py and "
                       f"scripts/bench/plan_throughputs.py measure them)")
    return rates, ""


def _gib(x: float) -> str:
    return f"{x / GIB:.2f} GiB"


def render(p: Plan) -> str:
    """The plan as markdown tables (what `hsx selfplay --plan` prints)."""
    c = p.config
    lines = [f"# Plan: one iteration of {c.selfplay.iterations}, model {c.model.base}, device {p.device}", "",
             f"{p.programs} programs, alice.backend {c.alice.backend}, {p.candidates} candidates to verify at most "
             f"({1 + c.selfplay.repair_rounds} rounds), sampling.backend {c.sampling.backend}, "
             f"max_new_tokens {c.sampling.max_new_tokens}, {CHARS_PER_TOKEN} characters per token.", "",
             "| agent | prompts (at most) | samples each | prompt tokens | sampled tokens (at most) | note |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    lines += [f"| {g.agent} | {g.prompts} | {g.samples} | {g.prompt_tokens} | {g.sampled_tokens} | {g.note} |"
              for g in p.generation]
    lines += ["", f"Training ({c.training.mode}, batch {c.training.batch_size} x accumulation "
                  f"{c.training.gradient_accumulation}, {c.training.epochs} epochs, max_steps {c.training.max_steps}):", "",
              "| agent | examples (at most) | optimizer steps | example tokens processed | last iteration: examples, steps |",
              "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {t.agent} | {t.examples} | {t.steps} | {t.tokens} | {t.last_iteration_examples}, "
              f"{t.last_iteration_steps} |" for t in p.training]
    for est in (p.train_memory, p.gen_memory):
        if est is None:
            continue
        lines += ["", f"{est.what}: **{_gib(est.total)}**", "", "| component | memory | how |", "| --- | ---: | --- |"]
        lines += [f"| {comp.name} | {_gib(comp.bytes)} | {comp.how} |" for comp in est.components]
    if p.gen_info.get("concurrent_sequences") is not None:
        lines += ["", f"vLLM: {p.gen_info['concurrent_sequences']} sequences of {p.gen_info['sequence_tokens']} "
                      f"tokens fit in the KV cache at once."]
    if p.gen_info.get("cut_at_max_seq_len"):
        lines += ["", f"Note: a mean prompt plus max_new_tokens exceeds model.max_seq_len "
                      f"({c.model.max_seq_len}): the longest answers will be cut there."]
    if p.gpu_bytes is None:
        lines += ["", "No GPU found and no --gpu-memory given: fit not checked."]
    else:
        lines += ["", f"GPU memory: {_gib(p.gpu_bytes)}: " + ("fits" if not p.problems() else "DOES NOT FIT")]
    lines += [""]
    if p.time is None:
        lines += [f"Time: not estimated: {p.time_missing}."]
    else:
        total = sum(p.time.values())
        lines += [f"Time, one iteration on {p.device} (measured throughputs, expected verified share "
                  f"{p.throughputs['verified_share']:.2f}): **{total / 60:.1f} min** "
                  f"(" + ", ".join(f"{k} {v:.0f} s" for k, v in p.time.items()) + ")"]
    return "\n".join(lines) + "\n"


def find_gpu() -> tuple[str, float] | None:
    """(name, bytes) of CUDA device 0, or None (also where torch is not installed)."""
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    props = torch.cuda.get_device_properties(0)
    return props.name, float(props.total_memory)


def print_plan(config: HsxConfig, gpu_memory_gib: float | None, device: str | None) -> int:
    """`hsx selfplay --plan`: prints the plan; 1 when it does not fit the GPU (with the reasons)."""
    import sys

    found = find_gpu() if gpu_memory_gib is None or device is None else None
    gpu_bytes = gpu_memory_gib * GIB if gpu_memory_gib is not None else (found[1] if found else None)
    name = device or (found[0] if found else ("gpu" if gpu_bytes is not None else "cpu"))
    try:
        p = plan(config, gpu_bytes=gpu_bytes, device=name)
    except ValueError as e:  # an architecture it cannot size, an empty pool, a bad tensor-parallel size
        print(f"cannot plan: {e}", file=sys.stderr)
        return 2
    print(render(p), end="")
    problems = p.problems()
    for why in problems:
        print(f"does not fit: {why}", file=sys.stderr)
    return 1 if problems else 0
