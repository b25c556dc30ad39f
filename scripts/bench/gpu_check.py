"""GPU check for the paper configuration: QLoRA peak memory and step time, and batched generation
throughput, on the paper model's architecture with random weights, each beside the estimate of
`hsx selfplay --plan` (the estimate's error is the result).  One command; never in CI.

    python scripts/bench/gpu_check.py [--out gpu_check.json] [--seq-len 8192] [--steps 4]
    python scripts/bench/gpu_check.py --tiny        # the same path on the tiny architecture (CPU too)

On a bare GPU machine it needs only this checkout and the wheels it carries, nothing from a hub:
`python -m venv .venv && .venv/bin/pip install --no-index --find-links WHEELS -e '.[train]'`
(add `vllm` to measure vLLM; without it generation falls back to batched transformers, as
self-play does, and the result says which backend ran).  Without CUDA it prints
`{"cuda": false, ...}` with the plan's estimates and exits 2, unless `--tiny` is given.

What it does, through hsx's own code paths (configs/paper.toml, hsx.models.generation,
hsx.models.training):

1. builds the architecture of configs/paper.toml's model from hsx/models/architectures.json
   (DeepSeek-R1-Distill-Qwen-7B's config.json fields; `--tiny`: the tiny model's) with random
   weights, and saves it with the tiny model's byte-level tokenizer and chat template;
2. generation: `make_generator` with `[sampling] backend = "vllm"`; tokens/s for `--prompts`
   prompts x n=4 samples of at most `--new-tokens` new tokens (random weights may stop at any
   point: the rate counts the tokens generated);
3. training: `train_adapter` (NF4 base, LoRA r 8 on all seven projections, TRL SFTTrainer) on
   synthetic examples of `--seq-len` tokens, batch and accumulation from configs/paper.toml;
   seconds per optimizer step and `torch.cuda.max_memory_allocated` (CPU: peak resident memory
   of the process, which includes Python and the libraries, so it is an upper bound there).

Random weights make the numbers about memory and speed only.  Prints one JSON object, also
written to --out.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

GIB = 2 ** 30


def build_random_model(arch, out: Path, device: str) -> Path:
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    from hsx.models.tinymodel import _train_tokenizer, corpus_lines

    tokenizer = _train_tokenizer(corpus_lines())
    fields = {f: getattr(arch, f) for f in ("hidden_size", "intermediate_size", "num_hidden_layers",
                                            "num_attention_heads", "num_key_value_heads", "tie_word_embeddings",
                                            "head_dim")}
    # The paper model's vocabulary size (its logits dominate training memory), the tiny
    # tokenizer's ids inside it.
    config = AutoConfig.for_model(arch.model_type, **fields, vocab_size=max(arch.vocab_size, len(tokenizer)),
                                  max_position_embeddings=max(arch.max_position_embeddings, 8192),
                                  bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                                  pad_token_id=tokenizer.pad_token_id)
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    with torch.device(device):
        torch.manual_seed(0)
        model = AutoModelForCausalLM.from_config(config).to(dtype)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    del model
    if device == "cuda":
        torch.cuda.empty_cache()
    return out


def _peak_bytes(cuda: bool) -> float:
    import torch
    if cuda:
        return float(torch.cuda.max_memory_allocated())
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0  # Linux: KiB


def check_generation(config, model_dir: Path, prompts_n: int, new_tokens: int, rates: dict) -> dict:
    import torch

    from hsx.agents import prompts
    from hsx.models.generation import make_generator

    cuda = torch.cuda.is_available()
    code = "sumTo :: Int -> Int\nsumTo n = if n <= 0 then 0 else n + sumTo (n - 1)\n"
    convs = [prompts.bob_judge(code, code.replace("n - 1", f"n - {1 + i % 3}")) for i in range(prompts_n)]
    sampling = dataclasses.replace(config.sampling, max_new_tokens=new_tokens, batch_size=prompts_n)
    t0 = time.monotonic()
    gen = make_generator(str(model_dir), model=config.model, sampling=sampling, lora=config.lora)
    load = time.monotonic() - t0
    try:
        gen.generate(convs[:2], n=1, adapter=None, seed=0)  # warm-up
        if cuda:
            torch.cuda.synchronize()
        t0 = time.monotonic()
        out = gen.generate(convs, n=4, adapter=None, seed=1)
        if cuda:
            torch.cuda.synchronize()
        seconds = time.monotonic() - t0
    finally:
        backend = type(gen).__name__
        gen.close()
    tokens = sum(g.tokens for samples in out for g in samples)
    measured = tokens / seconds
    est = rates.get("generation_tokens_per_second")
    return {"backend": backend, "load_seconds": round(load, 1), "sequences": sum(len(s) for s in out),
            "tokens": tokens, "seconds": round(seconds, 2), "tokens_per_second": round(measured, 1),
            "plan_tokens_per_second": est, "plan_error": round(est / measured - 1, 3) if est else None}


def check_training(config, model_dir: Path, seq_len: int, steps: int, estimate_bytes: float, rates: dict) -> dict:
    import torch

    from hsx.models.training import train_adapter

    cuda = torch.cuda.is_available()
    from transformers import AutoTokenizer

    words = ("lemma", "equiv", "case", "of", "xs", "sumTo", "proof", "==.", "***", "QED")
    probe = " ".join(words[i % len(words)] for i in range(200))
    per_word = len(AutoTokenizer.from_pretrained(model_dir)(probe)["input_ids"]) / 200
    # Prompt and completion of about seq_len tokens together, a few left for the chat template.
    text = " ".join(words[i % len(words)] for i in range(int(0.95 * seq_len / per_word) - 4))
    half = len(text) // 2
    t = config.training
    examples = [{"prompt": [{"role": "user", "content": text[:half]}],
                 "completion": [{"role": "assistant", "content": text[half:]}]}
                for _ in range(t.batch_size * t.gradient_accumulation * steps)]
    cfg = dataclasses.replace(config, training=dataclasses.replace(t, max_steps=steps, epochs=1))
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    out = Path(tempfile.mkdtemp(prefix="hsx-gpu-check-"))
    try:
        res = train_adapter(examples, model_path=str(model_dir), out_dir=out / "adapter", config=cfg, seed=0)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    peak = _peak_bytes(cuda)
    per_step = res.seconds / max(1, res.steps)
    step_tokens = t.batch_size * t.gradient_accumulation * seq_len
    est_rate = rates.get("train_tokens_per_second")
    return {"steps": res.steps, "seconds": round(res.seconds, 1), "seconds_per_step": round(per_step, 2),
            "seq_len": seq_len, "batch_size": t.batch_size, "gradient_accumulation": t.gradient_accumulation,
            "peak_memory_gib": round(peak / GIB, 3), "peak_memory_kind": "cuda max allocated" if cuda else "process RSS",
            "plan_peak_memory_gib": round(estimate_bytes / GIB, 3),
            "plan_memory_error": round(estimate_bytes / peak - 1, 3),
            "plan_seconds_per_step": round(step_tokens / est_rate, 2) if est_rate else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="gpu_check.json", help="where to write the JSON result")
    parser.add_argument("--config", default=str(ROOT / "configs" / "paper.toml"), help="the configuration to check")
    parser.add_argument("--seq-len", type=int, default=None, help="tokens per training example [model.max_seq_len]")
    parser.add_argument("--steps", type=int, default=4, help="optimizer steps to time")
    parser.add_argument("--prompts", type=int, default=64, help="prompts in the generation batch")
    parser.add_argument("--new-tokens", type=int, default=256, help="tokens generated per sample")
    parser.add_argument("--tiny", action="store_true",
                        help="the tiny model's architecture and small sizes: checks the script itself, also on a CPU")
    parser.add_argument("--work", default=None, help="directory for the random-weights model (default: a temp dir)")
    args = parser.parse_args()

    import torch

    from hsx.config import load_config
    from hsx.models.memory import load_architecture, training_memory
    from hsx.selfplay.plan import find_gpu, read_throughputs

    config = load_config(args.config)
    if args.tiny:
        config = dataclasses.replace(config, model=dataclasses.replace(config.model, base="tiny"))
        args.seq_len, args.steps, args.prompts, args.new_tokens = args.seq_len or 128, 1, 4, 16
    seq_len = args.seq_len or config.model.max_seq_len
    config = dataclasses.replace(config, model=dataclasses.replace(config.model, max_seq_len=seq_len))
    arch = load_architecture(config.model.base)
    cuda = torch.cuda.is_available()
    gpu = find_gpu()
    device_name = gpu[0] if gpu else "cpu"
    # The GPU's figure, also in the no-CUDA report; the CPU's only where --tiny measures on a CPU.
    estimate = training_memory(arch, model=config.model, lora=config.lora, training=config.training,
                               cuda=cuda or not args.tiny)
    rates, missing = read_throughputs(ROOT / "docs" / "BENCHMARKS.md", device_name, config.model.base)
    result: dict = {"cuda": cuda, "device": device_name, "torch": torch.__version__, "model": config.model.base,
                    "plan_training_peak_gib": round(estimate.total / GIB, 2),
                    "plan_throughputs": rates or missing}
    if not cuda and not args.tiny:
        result["reason"] = "no CUDA device: nothing measured (--tiny runs the same path on the tiny model)"
        print(json.dumps(result, indent=2))
        sys.exit(2)
    try:
        import vllm
        result["vllm"] = vllm.__version__
    except ImportError:
        result["vllm"] = None
    work = Path(args.work or tempfile.mkdtemp(prefix="hsx-paper-arch-"))
    try:
        t0 = time.monotonic()
        model_dir = build_random_model(arch, work / "model", "cuda" if cuda else "cpu")
        result["build_seconds"] = round(time.monotonic() - t0, 1)
        result["generation"] = check_generation(config, model_dir, args.prompts, args.new_tokens, rates)
        result["training"] = check_training(config, model_dir, seq_len, args.steps, estimate.total, rates)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
