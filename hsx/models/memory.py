"""Memory of QLoRA training and vLLM generation, estimated from a model's config.json alone.

Consumes the `[model]`, `[lora]`, `[training]` and `[sampling]` config and the base model's
architecture (`load_architecture`: a local model directory's config.json, or the copy shipped in
hsx/models/architectures.json; nothing is downloaded); produces `MemoryEstimate`s, one row per
component with the formula it used.  `hsx selfplay --plan` prints them and refuses a
configuration whose estimate exceeds the GPU; scripts/bench/gpu_check.py puts them beside
measured figures.  The method, and what it leaves out, is written down in docs/PLAN.md.

    from hsx.models.memory import load_architecture, training_memory
    est = training_memory(load_architecture(config.model.base), model=config.model, lora=config.lora,
                          training=config.training, cuda=True)
    print(est.total / 2**30)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from hsx.config import LoraConfig, ModelConfig, SamplingConfig, TrainingConfig

ARCHITECTURES = Path(__file__).with_name("architectures.json")
GIB = 2 ** 30

# NF4 (bitsandbytes): 4 bits per weight plus one float32 absmax per block of 64 weights (the
# default blocksize; hsx does not turn on double quantization).
NF4_BYTES_PER_WEIGHT = 0.5 + 4 / 64
# Per LoRA parameter: float32 weight, float32 gradient, AdamW's two float32 moments.
LORA_BYTES_PER_PARAM = 4 + 4 + 4 + 4
# CUDA context, cuBLAS workspaces and allocator fragmentation: not in max_memory_allocated, but
# on the card.  A round figure; gpu_check.py measures allocated memory, which excludes it.
CUDA_RESERVE = 1.0 * GIB
# vLLM: the share of the card it claims (its default gpu_memory_utilization) and what its
# profiling run keeps for activations beside weights and KV cache (a round figure, see PLAN.md).
VLLM_UTILIZATION = 0.9
VLLM_ACTIVATIONS = 2.0 * GIB
# Activations of one decoder layer under recomputation, in multiples of a hidden-size, an
# intermediate-size and a KV-size vector per token (counted in docs/PLAN.md).
LAYER_HIDDEN_VECTORS = 17
LAYER_INTERMEDIATE_VECTORS = 5
LAYER_KV_VECTORS = 2
BACKWARD_FACTOR = 2  # the backward pass holds gradients as large as the recomputed activations


class UnknownArchitecture(ValueError):
    pass


@dataclass(frozen=True)
class Architecture:
    """The fields of config.json that size a decoder-only transformer."""
    name: str
    model_type: str
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    vocab_size: int
    max_position_embeddings: int
    tie_word_embeddings: bool
    head_dim: int

    @property
    def kv_size(self) -> int:
        return self.num_key_value_heads * self.head_dim

    def projection_shapes(self) -> dict[str, tuple[int, int]]:
        """(in, out) of each of a layer's seven projections (the LoRA target names)."""
        h, i, q, kv = self.hidden_size, self.intermediate_size, self.num_attention_heads * self.head_dim, self.kv_size
        return {"q_proj": (h, q), "k_proj": (h, kv), "v_proj": (h, kv), "o_proj": (q, h),
                "gate_proj": (h, i), "up_proj": (h, i), "down_proj": (i, h)}

    @property
    def layer_weights(self) -> int:
        return self.num_hidden_layers * sum(a * b for a, b in self.projection_shapes().values())

    @property
    def embedding_weights(self) -> int:
        """Input embedding and output head (one matrix when tied)."""
        return self.vocab_size * self.hidden_size * (1 if self.tie_word_embeddings else 2)

    def lora_params(self, r: int, targets: tuple[str, ...]) -> int:
        shapes = self.projection_shapes()
        unknown = sorted(set(targets) - set(shapes))
        if unknown:
            raise UnknownArchitecture(f"lora.target_modules {unknown} are not projections of {self.name} "
                                      f"(known: {', '.join(shapes)})")
        return self.num_hidden_layers * sum(r * (shapes[t][0] + shapes[t][1]) for t in targets)


def _from_config_json(name: str, c: dict) -> Architecture:
    try:
        heads = c["num_attention_heads"]
        return Architecture(
            name=name, model_type=c.get("model_type", "?"), hidden_size=c["hidden_size"],
            intermediate_size=c["intermediate_size"], num_hidden_layers=c["num_hidden_layers"],
            num_attention_heads=heads, num_key_value_heads=c.get("num_key_value_heads", heads),
            vocab_size=c["vocab_size"], max_position_embeddings=c.get("max_position_embeddings", 0),
            tie_word_embeddings=bool(c.get("tie_word_embeddings", False)),
            head_dim=c.get("head_dim") or c["hidden_size"] // heads)
    except KeyError as e:
        raise UnknownArchitecture(f"{name}: config.json lacks {e.args[0]}") from None


def load_architecture(base: str) -> Architecture:
    """`base` as `[model] base` names it: a local model directory (its config.json), or a name in
    hsx/models/architectures.json ("tiny", "smollm2", the paper's hub id)."""
    local = Path(base) / "config.json"
    if local.is_file():
        return _from_config_json(base, json.loads(local.read_text()))
    shipped = json.loads(ARCHITECTURES.read_text())
    if base in shipped and not base.startswith("_"):
        return _from_config_json(base, shipped[base])
    known = ", ".join(k for k in shipped if not k.startswith("_"))
    raise UnknownArchitecture(f"no architecture for model.base {base!r}: give a local model directory, or add "
                              f"its config.json fields to {ARCHITECTURES} (shipped: {known})")


@dataclass(frozen=True)
class Component:
    name: str
    bytes: float
    how: str  # the formula, with the numbers put in


@dataclass(frozen=True)
class MemoryEstimate:
    what: str
    components: tuple[Component, ...]

    @property
    def total(self) -> float:
        return sum(c.bytes for c in self.components)


def _gib(x: float) -> str:
    return f"{x / GIB:.2f} GiB"


def training_memory(arch: Architecture, *, model: ModelConfig, lora: LoraConfig, training: TrainingConfig,
                    cuda: bool) -> MemoryEstimate:
    """Peak memory of one training step of hsx.models.training at the worst case: every example
    `model.max_seq_len` tokens long, `training.batch_size` of them per step."""
    m, t = model, training
    quantized = m.load_in_4bit
    act = 2 if cuda and m.dtype != "float32" else 4  # bytes of an activation (CPU: float32)
    if quantized:
        per_weight, how_w = NF4_BYTES_PER_WEIGHT, "NF4: 0.5 B + a float32 absmax per 64"
    else:
        per_weight, how_w = act, f"{act} B ({'float32' if act == 4 else m.dtype})"
    # peft's prepare_model_for_kbit_training upcasts every non-4-bit parameter (embeddings,
    # head, norms) to float32.
    emb_bytes = 4 if quantized or act == 4 else act
    tokens = t.batch_size * m.max_seq_len
    h, i, kv, v, n = arch.hidden_size, arch.intermediate_size, arch.kv_size, arch.vocab_size, arch.num_hidden_layers
    adapter_params = arch.lora_params(lora.r, lora.target_modules)
    layer_vectors = LAYER_HIDDEN_VECTORS * h + LAYER_INTERMEDIATE_VECTORS * i + LAYER_KV_VECTORS * kv
    rows = [
        Component("base weights", arch.layer_weights * per_weight,
                  f"{arch.layer_weights / 1e9:.2f} B projection weights x {how_w}"),
        Component("embeddings and head", arch.embedding_weights * emb_bytes,
                  f"{arch.embedding_weights / 1e6:.0f} M x {emb_bytes} B"),
        Component("LoRA + AdamW", adapter_params * LORA_BYTES_PER_PARAM,
                  f"{adapter_params / 1e6:.1f} M params (r {lora.r}) x 16 B (weight, grad, 2 moments, float32)"),
        Component("checkpointed layer inputs", n * tokens * h * act,
                  f"{n} layers x {tokens} tokens (batch {t.batch_size} x {m.max_seq_len}) x {h} x {act} B"),
        Component("one layer recomputed", BACKWARD_FACTOR * tokens * layer_vectors * act,
                  f"{BACKWARD_FACTOR} x {tokens} tokens x ({LAYER_HIDDEN_VECTORS}x{h} + "
                  f"{LAYER_INTERMEDIATE_VECTORS}x{i} + {LAYER_KV_VECTORS}x{kv}) x {act} B"),
        Component("logits and loss", tokens * v * (2 * act + 8),
                  f"{tokens} tokens x {v} vocab x ({act} B logits + 4 B float32 log-probs + 4 B their "
                  f"gradient + {act} B logit gradient)"),
    ]
    if cuda:
        rows.append(Component("CUDA context and allocator", CUDA_RESERVE, "fixed"))
    kind = "QLoRA (NF4 base)" if quantized else "LoRA (unquantized base)"
    return MemoryEstimate(f"{kind} training peak, {'GPU' if cuda else 'CPU RAM'}", tuple(rows))


def check_tensor_parallel(arch: Architecture, size: int) -> None:
    """vLLM splits attention heads over the GPUs: their number must divide evenly."""
    if arch.num_attention_heads % size:
        raise ValueError(f"sampling.tensor_parallel_size = {size} does not divide {arch.name}'s "
                         f"{arch.num_attention_heads} attention heads (vLLM shards heads across GPUs)")


def generation_memory(arch: Architecture, model: ModelConfig, sampling: SamplingConfig, gpu_bytes: float | None,
                      sequence_tokens: int) -> tuple[MemoryEstimate, dict]:
    """vLLM on each of `sampling.tensor_parallel_size` GPUs: unquantized weights (the
    generator loads `model.dtype`, see hsx.models.generation), and the KV cache that is left of
    its share of the card.  `sequence_tokens` is one sequence at its longest (prompt + answer);
    the dict says how many of those fit at once (None without a GPU size)."""
    tp = sampling.tensor_parallel_size
    check_tensor_parallel(arch, tp)
    weight_bytes = 4 if model.dtype == "float32" else 2
    weights = (arch.layer_weights + arch.embedding_weights) * weight_bytes / tp
    kv_heads = max(1, arch.num_key_value_heads // tp)  # fewer KV heads than GPUs: replicated
    kv_per_token = 2 * arch.num_hidden_layers * kv_heads * arch.head_dim * weight_bytes
    rows = [Component("weights per GPU", weights,
                      f"{(arch.layer_weights + arch.embedding_weights) / 1e9:.2f} B x {weight_bytes} B / tp {tp}"),
            Component("activations (profiling run)", VLLM_ACTIVATIONS, "fixed")]
    info: dict = {"kv_bytes_per_token": kv_per_token, "sequence_tokens": sequence_tokens,
                  "kv_cache_bytes": None, "concurrent_sequences": None}
    if gpu_bytes is not None:
        kv = VLLM_UTILIZATION * gpu_bytes - weights - VLLM_ACTIVATIONS
        info["kv_cache_bytes"] = kv
        info["concurrent_sequences"] = max(0, int(kv // (kv_per_token * sequence_tokens)))
        rows.append(Component("KV cache", max(kv, 0.0),
                              f"{VLLM_UTILIZATION} x {_gib(gpu_bytes)} - weights - activations; "
                              f"{kv_per_token / 1024:.0f} KiB per token"))
    return MemoryEstimate(f"vLLM generation, per GPU (tensor parallel {tp})", tuple(rows)), info
