"""The language models: generation, QLoRA training and the tiny test model.

Consumes the `[model]`, `[lora]`, `[training]` and `[sampling]` config and conversations
(hsx.agents); produces batched samples (transformers or vLLM) and LoRA adapters trained with TRL
on completions only.  `tinymodel` builds the 2-layer model the tests use (its outputs are never
results).  `memory` estimates training and generation memory from a model's config.json fields
(shipped in architectures.json); `distributed` is the `accelerate launch` entry point for
data-parallel training on several GPUs.
"""
