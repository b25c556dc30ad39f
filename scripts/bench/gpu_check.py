"""GPU check for the paper configuration: QLoRA peak memory and step time, and batched generation
throughput, on the paper model's architecture with random weights (one command; never in CI).

    python scripts/bench/gpu_check.py [--out gpu_check.json] [--seq-len 2048] [--steps 4]

What it does, through hsx's own code paths (configs/paper.toml, hsx.models.generation, hsx.models.training):

1. builds DeepSeek-R1-Distill-Qwen-7B's architecture (Qwen2: hidden 3584, 28 layers, 28 heads,
   4 KV heads, intermediate 18944, vocabulary 152064, written here from the model's config.json,
   so nothing is downloaded) with random bf16 weights directly on the GPU, and saves it with a
   small byte-level tokenizer built in code (the tiny model's, hsx/models/tinymodel.py) and its chat
   template;
2. generation: `make_generator` with `[sampling] backend = "vllm"` (paper.toml), which falls back to
   batched transformers generation with a one-line notice where vLLM is not installed; reports the
   backend used and tokens/s for 64 prompts x n=4 samples of 256 new tokens;
3. training: `train_adapter` (NF4 base, LoRA r 8 on all seven projections, TRL SFTTrainer) on
   synthetic prompt-completion examples of `--seq-len` tokens; reports seconds per optimizer step
   and `torch.cuda.max_memory_allocated`.

Random weights make the numbers about memory and speed only.  Prints one JSON object, also
written to --out.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# DeepSeek-R1-Distill-Qwen-7B's config.json (the fields that size the model).
PAPER_ARCH = dict(hidden_size=3584, intermediate_size=18944, num_hidden_layers=28, num_attention_heads=28,
                  num_key_value_heads=4, vocab_size=152064, max_position_embeddings=131072, rope_theta=10000.0,
                  rms_norm_eps=1e-6, tie_word_embeddings=False, hidden_act="silu")


def build_random_model(out: Path) -> Path:
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from hsx.models.tinymodel import _train_tokenizer, corpus_lines

    tokenizer = _train_tokenizer(corpus_lines())
    config = Qwen2Config(**PAPER_ARCH, bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id, torch_dtype="bfloat16")
    with torch.device("cuda"):
        torch.manual_seed(0)
        model = Qwen2ForCausalLM(config).to(torch.bfloat16)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    del model
    torch.cuda.empty_cache()
    return out


def check_generation(config, model_dir: Path) -> dict:
    import torch

    from hsx.agents import prompts
    from hsx.models.generation import make_generator

    code = "sumTo :: Int -> Int\nsumTo n = if n <= 0 then 0 else n + sumTo (n - 1)\n"
    convs = [prompts.bob_judge(code, code.replace("n - 1", f"n - {1 + i % 3}")) for i in range(64)]
    sampling = dataclasses.replace(config.sampling, max_new_tokens=256, batch_size=64)
    cfg = dataclasses.replace(config, sampling=sampling, model=dataclasses.replace(config.model, max_seq_len=4096))
    t0 = time.monotonic()
    gen = make_generator(cfg, str(model_dir), None)
    load = time.monotonic() - t0
    try:
        gen.generate(convs[:4], n=1, adapter=None, seed=0)  # warm-up
        torch.cuda.synchronize()
        t0 = time.monotonic()
        out = gen.generate(convs, n=4, adapter=None, seed=1)
        torch.cuda.synchronize()
        seconds = time.monotonic() - t0
    finally:
        backend = type(gen).__name__
        gen.close()
    tokens = sum(g.tokens for samples in out for g in samples)
    return {"backend": backend, "load_seconds": round(load, 1), "sequences": sum(len(s) for s in out),
            "tokens": tokens, "seconds": round(seconds, 2), "tokens_per_second": round(tokens / seconds, 1)}


def check_training(config, model_dir: Path, seq_len: int, steps: int) -> dict:
    import torch

    from hsx.models.training import train_adapter

    words = ("lemma", "equiv", "case", "of", "xs", "sumTo", "proof", "==.", "***", "QED")
    text = " ".join(words[i % len(words)] for i in range(seq_len))  # the tokenizer's pieces: ~seq_len tokens
    half = len(text) // 2
    examples = [{"prompt": [{"role": "user", "content": text[:half]}],
                 "completion": [{"role": "assistant", "content": text[half:]}]}
                for _ in range(config.training.batch_size * config.training.gradient_accumulation * steps)]
    training = dataclasses.replace(config.training, max_steps=steps, epochs=1)
    cfg = dataclasses.replace(config, training=training, model=dataclasses.replace(config.model, max_seq_len=seq_len))
    torch.cuda.reset_peak_memory_stats()
    out = Path(tempfile.mkdtemp(prefix="hsx-gpu-check-"))
    try:
        res = train_adapter(examples, model_path=str(model_dir), out_dir=out / "adapter", config=cfg, seed=0)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {"steps": res.steps, "seconds": round(res.seconds, 1), "seconds_per_step": round(res.seconds / max(1, res.steps), 2),
            "seq_len": seq_len, "batch_size": training.batch_size, "gradient_accumulation": training.gradient_accumulation,
            "peak_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="gpu_check.json", help="where to write the JSON result")
    parser.add_argument("--seq-len", type=int, default=2048, help="tokens per training example")
    parser.add_argument("--steps", type=int, default=4, help="optimizer steps to time")
    parser.add_argument("--work", default=None, help="directory for the random-weights model (default: a temp dir)")
    args = parser.parse_args()

    import torch

    from hsx.config import load_config

    if not torch.cuda.is_available():
        sys.exit("gpu_check needs a CUDA GPU")
    config = load_config(ROOT / "configs" / "paper.toml")
    work = Path(args.work or tempfile.mkdtemp(prefix="hsx-paper-arch-"))
    result: dict = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__}
    try:
        import vllm
        result["vllm"] = vllm.__version__
    except ImportError:
        result["vllm"] = None
    t0 = time.monotonic()
    model_dir = build_random_model(work / "model")
    result["build_seconds"] = round(time.monotonic() - t0, 1)
    result["generation"] = check_generation(config, model_dir)
    result["training"] = check_training(config, model_dir, args.seq_len, args.steps)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
