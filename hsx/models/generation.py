"""Sampling from the shared base model, with or without an agent's LoRA adapter.

Consumes chat conversations (`[{"role": "system" | "user" | "assistant", "content": str}, ...]`)
and produces, for each conversation, `n` sampled assistant turns (`Generation`).  A conversation
that ends with an assistant message is continued: that message is the beginning of the turn, and
each `Generation.text` starts with it (Bob's short prompt begins his answer with `ANSWER:`).  Alice and Bob
are LoRA adapters on one base model: one generator holds the base once and switches adapters by
name, and `adapter=None` samples the base model itself.

Two backends behind one narrow protocol, chosen by `[sampling] backend`:

- `TransformersGenerator`: transformers `generate`, batched; runs anywhere, including the CPU
  with the tiny test model (hsx/models/tinymodel.py).
- `VLLMGenerator`: vLLM with per-request LoRA; GPU only, installed with `pip install '.[gpu]'`.

    from contextlib import closing
    from hsx.models.generation import make_generator
    adapters = {"alice": "runs/x/alice", "bob": "runs/x/bob"}
    with closing(make_generator(model_path, adapters, model=config.model, sampling=config.sampling,
                                lora=config.lora)) as gen:
        samples = gen.generate(conversations, n=4, adapter="bob", seed=0)

Generation and training never hold the GPU at once: close the generator (which calls
`release_gpu`) before training.
"""

from __future__ import annotations

import gc
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Protocol

from hsx.config import LoraConfig, ModelConfig, SamplingConfig

Message = dict[str, str]  # {"role": ..., "content": ...}


@dataclass(frozen=True)
class Generation:
    text: str  # the assistant turn, special tokens removed
    tokens: int  # tokens generated, the end-of-turn token included
    truncated: bool  # stopped by max_new_tokens rather than by an end-of-turn token


class Generator(Protocol):
    def generate(self, conversations: list[list[Message]], *, n: int, adapter: str | None,
                 seed: int) -> list[list[Generation]]:
        """For each conversation, n samples of the next assistant turn.

        The same conversations, n and seed give the same samples.  `adapter=None` is the base.
        """
        ...

    def close(self) -> None:
        """Frees the model (and the GPU); the generator cannot be used afterwards."""
        ...


class GeneratorFactory(Protocol):
    """What makes a Generator for a base model path and adapters by name, with the `[model]`,
    `[sampling]` and `[lora]` sections: `make_generator`, or a test's stand-in for the hub.
    Self-play, the dataset translation and the evaluation take one."""

    def __call__(self, model_path: str, adapters: dict[str, str] | None = None, *, model: ModelConfig,
                 sampling: SamplingConfig, lora: LoraConfig) -> Generator:
        ...


def release_gpu() -> None:
    """Returns freed CUDA memory to the device once the model's last reference is dropped.

    Callers drop their references first (`close()` does); this collects the cycles that keep
    tensors alive and empties PyTorch's cache, so that training can claim the memory.
    """
    gc.collect()
    import torch
    if torch.cuda.is_available():
        torch.cuda.synchronize()
        torch.cuda.empty_cache()


def load_base_model(model_path: str, model: ModelConfig, *, quantize: bool):
    """The base model and its tokenizer: float32 on CPU; on CUDA `model.dtype`, NF4 if `quantize`.

    Shared by generation and training (hsx/models/training.py), so both see the same weights.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig

    cuda = torch.cuda.is_available()
    dtype = getattr(torch, model.dtype) if cuda else torch.float32
    extra = {"gguf_file": model.gguf_file} if model.gguf_file else {}
    kwargs: dict = {"dtype": dtype, **extra}
    if cuda:
        # One whole model per process: under `accelerate launch` (hsx.models.distributed) each
        # process on its own GPU; accelerate's state is only touched where CUDA is, because the
        # first PartialState fixes the distributed mode for the process.
        from accelerate import PartialState
        kwargs["device_map"] = {"": PartialState().local_process_index}
    if quantize:
        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=dtype)
    base = AutoModelForCausalLM.from_pretrained(model_path, **kwargs)
    tokenizer = AutoTokenizer.from_pretrained(model_path, **extra)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return base, tokenizer


class TransformersGenerator:
    """transformers `generate` on the base model loaded once, with named LoRA adapters."""

    def __init__(self, model_path: str, adapters: dict[str, str] | None = None, *, model: ModelConfig,
                 sampling: SamplingConfig):
        import torch

        self._sampling = sampling
        # 4-bit only on CUDA: on the CPU, bitsandbytes dequantizes every weight at every step.
        quantize = model.load_in_4bit and torch.cuda.is_available()
        net, self._tokenizer = load_base_model(model_path, model, quantize=quantize)
        self._tokenizer.padding_side = "left"  # decoder-only: prompts end where generation starts
        self._adapters = tuple(adapters or ())
        if adapters:
            from peft import PeftModel

            first, *rest = adapters
            net = PeftModel.from_pretrained(net, adapters[first], adapter_name=first)
            for name in rest:
                net.load_adapter(adapters[name], adapter_name=name)
        net.eval()
        self._model = net
        self._stop_ids = _stop_token_ids(net, self._tokenizer)
        self._breaks: list[int] | None = None

    def generate(self, conversations: list[list[Message]], *, n: int, adapter: str | None,
                 seed: int) -> list[list[Generation]]:
        import torch

        if self._model is None:
            raise RuntimeError("generator is closed")
        if adapter is not None and adapter not in self._adapters:
            raise ValueError(f"unknown adapter {adapter!r}; loaded: {', '.join(self._adapters) or 'none'}")
        if adapter is None and self._adapters:
            context = self._model.disable_adapter()
        else:
            if adapter is not None:
                self._model.set_adapter(adapter)
            context = nullcontext()
        torch.manual_seed(seed)
        results: list[list[Generation]] = []
        step = max(1, self._sampling.batch_size)
        with context, torch.inference_mode():
            for start in range(0, len(conversations), step):
                results.extend(self._generate_batch(conversations[start:start + step], n))
        return results

    def _generate_batch(self, conversations: list[list[Message]], n: int) -> list[list[Generation]]:
        s = self._sampling
        prompts = [_render(self._tokenizer, c) for c in conversations]
        prefixes = [_prefix(c) for c in conversations]
        # The chat template already writes any BOS token: adding special tokens would double it.
        inputs = self._tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
        inputs = inputs.to(self._model.device)
        greedy = s.temperature <= 0
        sampling = {} if greedy else {"temperature": s.temperature, "top_p": s.top_p, "top_k": s.top_k}
        extra: dict = {"num_return_sequences": 1 if greedy else n}
        if not greedy and n > 1 and all(prefixes):
            # Short continued answers (Bob's short prompt): the prompt is nearly all of the work,
            # and `num_return_sequences` would run it n times.  Run it once (all but its last
            # token), repeat the cache n times, and sample the n continuations from there.
            prefill = self._model(input_ids=inputs["input_ids"][:, :-1],
                                  attention_mask=inputs["attention_mask"][:, :-1], use_cache=True)
            cache = prefill.past_key_values
            cache.batch_repeat_interleave(n)
            inputs = {k: v.repeat_interleave(n, dim=0) for k, v in inputs.items()}
            extra = {"past_key_values": cache}
        if all(prefixes):
            # A continued answer goes on on its own line: a line break or the end of the turn as
            # its first token would leave the started line ("ANSWER:") empty.
            extra["begin_suppress_tokens"] = self._line_breaks()
        output = self._model.generate(
            **inputs,
            do_sample=not greedy,
            max_new_tokens=s.max_new_tokens,
            pad_token_id=self._tokenizer.pad_token_id,
            eos_token_id=sorted(self._stop_ids),
            **extra,
            **sampling,
        )
        rows = [self._decode(row) for row in output[:, inputs["input_ids"].shape[1]:].tolist()]
        if greedy:  # every sample is the same: decode once, repeat n times
            return [[_prefixed(prefix, row)] * n for prefix, row in zip(prefixes, rows)]
        return [[_prefixed(prefixes[i], g) for g in rows[i * n:(i + 1) * n]] for i in range(len(conversations))]

    def _line_breaks(self) -> list[int]:
        """Token ids that are only whitespace with a line break, and the stop ids."""
        if self._breaks is None:
            vocab = self._tokenizer.get_vocab().values()
            found = [i for i in vocab if "\n" in (t := self._tokenizer.decode([i])) and not t.strip()]
            self._breaks = sorted(set(found) | self._stop_ids)
        return self._breaks

    def _decode(self, ids: list[int]) -> Generation:
        stop = next((i for i, t in enumerate(ids) if t in self._stop_ids), None)
        kept = ids if stop is None else ids[:stop + 1]
        return Generation(
            text=self._tokenizer.decode(kept, skip_special_tokens=True),
            tokens=len(kept),
            truncated=stop is None and len(ids) >= self._sampling.max_new_tokens,
        )

    def close(self) -> None:
        self._model = None
        release_gpu()

    def __enter__(self) -> "TransformersGenerator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _prefix(conversation: list[Message]) -> str:
    """The beginning of the assistant turn that a conversation ends with ("" if it ends with a user turn)."""
    return conversation[-1]["content"] if conversation and conversation[-1]["role"] == "assistant" else ""


def _render(tokenizer, conversation: list[Message]) -> str:
    if _prefix(conversation):
        return tokenizer.apply_chat_template(conversation, tokenize=False, continue_final_message=True)
    return tokenizer.apply_chat_template(conversation, tokenize=False, add_generation_prompt=True)


def _prefixed(prefix: str, g: Generation) -> Generation:
    return Generation(text=prefix + g.text, tokens=g.tokens, truncated=g.truncated) if prefix else g


def _stop_token_ids(model, tokenizer) -> set[int]:
    """Every id that ends a turn: the tokenizer's eos and the generation config's (often several)."""
    ids = model.generation_config.eos_token_id
    stop = set(ids if isinstance(ids, list) else [] if ids is None else [ids])
    if tokenizer.eos_token_id is not None:
        stop.add(tokenizer.eos_token_id)
    return stop


# vLLM caches adapters by integer id: each name keeps one id for the life of the engine.  A new
# engine is built after each training round, so a retrained adapter is never served stale.
LORA_IDS = {"alice": 1, "bob": 2}


class VLLMGenerator:
    """vLLM with the base model loaded once and LoRA adapters chosen per request (GPU only)."""

    def __init__(self, model_path: str, adapters: dict[str, str] | None = None, *, model: ModelConfig,
                 sampling: SamplingConfig, lora: LoraConfig):
        try:
            from vllm import LLM
            from vllm.lora.request import LoRARequest
        except ImportError as e:
            raise ImportError(
                "the vllm generation backend needs vLLM: install it with `pip install '.[gpu]'`, "
                "or set [sampling] backend = \"transformers\"") from e
        if model.gguf_file:
            raise ValueError("the vllm backend does not load model.gguf_file; use the transformers backend")
        self._sampling = sampling
        adapters = adapters or {}
        extra_ids = {name: len(LORA_IDS) + 1 + i
                     for i, name in enumerate(sorted(set(adapters) - set(LORA_IDS)))}
        self._lora = {name: LoRARequest(name, LORA_IDS.get(name) or extra_ids[name], path)
                      for name, path in adapters.items()}
        lora_args = {}
        if adapters:
            # vLLM accepts only some ranks (8, 16, 32, ...): round the adapters' rank up to one.
            rank = 8
            while rank < lora.r:
                rank *= 2
            lora_args = {"enable_lora": True, "max_loras": len(adapters), "max_lora_rank": rank}
        # Full precision (model.dtype), not NF4: the GPU is free while generating, and vLLM is
        # fastest unquantized.  The adapters were trained against the NF4 base (QLoRA).
        tp = sampling.tensor_parallel_size
        if tp > 1:
            _check_heads(model_path, tp)
        self._llm = LLM(model=model_path, dtype=model.dtype, max_model_len=model.max_seq_len,
                        tensor_parallel_size=tp, **lora_args)

    def generate(self, conversations: list[list[Message]], *, n: int, adapter: str | None,
                 seed: int) -> list[list[Generation]]:
        from vllm import SamplingParams

        if self._llm is None:
            raise RuntimeError("generator is closed")
        if adapter is not None and adapter not in self._lora:
            raise ValueError(f"unknown adapter {adapter!r}; loaded: {', '.join(self._lora) or 'none'}")
        s = self._sampling
        greedy = s.temperature <= 0  # n greedy samples are all the same: ask for one, repeat it
        # One seed per conversation: reproducible, and two equal conversations still differ.
        params = [SamplingParams(n=1 if greedy else n, temperature=max(s.temperature, 0.0), top_p=s.top_p,
                                 top_k=s.top_k, max_tokens=s.max_new_tokens, seed=seed + i)
                  for i in range(len(conversations))]
        prefixes = [_prefix(c) for c in conversations]
        if len({bool(p) for p in prefixes}) > 1:
            raise ValueError("vLLM continues either every conversation's final assistant message or none")
        cont = bool(prefixes and prefixes[0])
        outputs = self._llm.chat(conversations, sampling_params=params, use_tqdm=False,
                                 lora_request=self._lora.get(adapter) if adapter else None,
                                 add_generation_prompt=not cont, continue_final_message=cont)
        results = [[Generation(text=prefix + c.text, tokens=len(c.token_ids), truncated=c.finish_reason == "length")
                     for c in out.outputs] for prefix, out in zip(prefixes, outputs)]
        return [samples * n for samples in results] if greedy else results

    def close(self) -> None:
        self._llm = None
        release_gpu()

    def __enter__(self) -> "VLLMGenerator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _check_heads(model_path: str, tp: int) -> None:
    """Says early, in hsx's words, what vLLM would refuse after minutes of start-up."""
    from hsx.models.memory import UnknownArchitecture, check_tensor_parallel, load_architecture

    try:
        arch = load_architecture(model_path)
    except UnknownArchitecture:
        return  # a model hsx has no config for: vLLM checks it itself
    check_tensor_parallel(arch, tp)


def make_generator(model_path: str, adapters: dict[str, str] | None = None, *, model: ModelConfig,
                   sampling: SamplingConfig, lora: LoraConfig) -> Generator:
    """The backend named by `sampling.backend`, with `adapters` (name -> directory) loaded."""
    backend = sampling.backend
    if backend == "transformers":
        return TransformersGenerator(model_path, adapters, model=model, sampling=sampling)
    if backend == "vllm":
        try:
            import vllm  # noqa: F401
        except ImportError as e:
            # `make setup` installs vLLM on CUDA machines (the gpu extra); where it could not be
            # installed, the run goes on with batched transformers generation rather than stopping.
            tp = sampling.tensor_parallel_size
            print(f"vLLM is not available ({e}); generating with batched transformers instead "
                  f"(pip install '.[gpu]' for vLLM){f', on one device, not {tp}' if tp > 1 else ''}",
                  file=sys.stderr)
            return TransformersGenerator(model_path, adapters, model=model, sampling=sampling)
        return VLLMGenerator(model_path, adapters, model=model, sampling=sampling, lora=lora)
    raise ValueError(f"unknown sampling.backend {backend!r}: use \"transformers\" or \"vllm\"")
