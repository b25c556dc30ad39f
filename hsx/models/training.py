"""Training one agent's LoRA adapter (QLoRA) on verified self-play examples, with TRL's SFTTrainer.

Consumes examples in TRL's conversational prompt-completion format,

    {"prompt": [{"role": "system", ...}, {"role": "user", ...}],
     "completion": [{"role": "assistant", "content": ...}]}

and produces an adapter directory (peft `save_pretrained`, plus `hsx-train.json`: the resolved
config and the run's numbers).  The loss covers completion tokens only: TRL renders prompt and
prompt + completion with the model's own chat template and masks the prompt (labels -100), so
any chat model works unchanged.

    from hsx.models.training import train_adapter
    result = train_adapter(examples, model_path=path, out_dir=Path("runs/it1/bob"), config=config)

With `config.model.load_in_4bit` the base is NF4 (bitsandbytes), on the CPU too: the tiny test
model trains that way in seconds.  `init_adapter` continues an existing adapter instead of
starting a fresh one; self-play passes it in `[training] mode = "continue"`, and nothing in
`"retrain"` mode (the paper: a fresh adapter on the cumulative buffer each iteration).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from hsx.config import HsxConfig, LoraConfig, ModelConfig, TrainingConfig, to_dict
from hsx.models.generation import load_base_model, release_gpu

TRAIN_RECORD = "hsx-train.json"  # beside the adapter: the resolved config and the run's numbers


@dataclass(frozen=True)
class TrainResult:
    adapter_dir: Path
    steps: int  # optimizer steps taken
    train_loss: float  # mean training loss over the run
    seconds: float
    examples: int


def clean_examples(examples: list[dict]) -> list[dict]:
    """The examples as TRL reads them: prompt messages and one assistant turn, nothing else.

    Other keys (ids, metadata) are dropped rather than handed to TRL; anything TRL would misread
    is an error naming the example.
    """
    if not examples:
        raise ValueError("no training examples")
    cleaned = []
    for i, ex in enumerate(examples):
        prompt, completion = ex.get("prompt"), ex.get("completion")
        if not isinstance(prompt, list) or not prompt:
            raise ValueError(f"example {i}: prompt must be a non-empty list of messages")
        if (not isinstance(completion, list) or len(completion) != 1
                or not isinstance(completion[0], dict) or completion[0].get("role") != "assistant"):
            raise ValueError(f"example {i}: completion must be one assistant message")
        for message in prompt + completion:
            if not isinstance(message, dict) or not isinstance(message.get("role"), str) \
                    or not isinstance(message.get("content"), str):
                raise ValueError(f"example {i}: a message needs a role and a string content: {message!r}")
        cleaned.append({key: [{"role": m["role"], "content": m["content"]} for m in ex[key]]
                        for key in ("prompt", "completion")})
    return cleaned


def build_trainer(examples: list[dict], *, model_path: str, output_dir: Path, model: ModelConfig, lora: LoraConfig,
                  training: TrainingConfig, init_adapter: Path | None = None, seed: int = 0):
    """The SFTTrainer that `train_adapter` runs, its dataset already tokenized and masked.

    Exposed so that tests can look at TRL's own preprocessing (`trainer.train_dataset`,
    `trainer.data_collator`) rather than at a re-implementation of it.
    """
    import peft
    import torch
    from datasets import Dataset
    from peft import PeftModel, prepare_model_for_kbit_training
    from transformers import set_seed
    from trl import SFTConfig, SFTTrainer

    examples = clean_examples(examples)
    cuda = torch.cuda.is_available()
    set_seed(seed)  # before any adapter weights are drawn
    net, tokenizer = load_base_model(model_path, model, quantize=model.load_in_4bit)
    if model.load_in_4bit:
        # Freezes the base, upcasts norms to float32, and turns on gradient checkpointing.
        net = prepare_model_for_kbit_training(net)
    peft_config = None
    if init_adapter is not None:
        net = PeftModel.from_pretrained(net, str(init_adapter), is_trainable=True)
    else:
        peft_config = peft.LoraConfig(
            r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout,
            target_modules=list(lora.target_modules), task_type="CAUSAL_LM")
    args = SFTConfig(
        output_dir=str(output_dir),
        completion_only_loss=True,
        padding_free=False,  # padding-free needs FlashAttention; the default collator pads per batch
        max_length=model.max_seq_len,
        per_device_train_batch_size=training.batch_size,
        gradient_accumulation_steps=training.gradient_accumulation,
        learning_rate=training.learning_rate,
        num_train_epochs=training.epochs,
        max_steps=training.max_steps,
        seed=seed,
        data_seed=seed,
        # Mixed precision follows the configured compute dtype on CUDA; the CPU trains in float32.
        bf16=cuda and model.dtype == "bfloat16",
        fp16=cuda and model.dtype == "float16",
        use_cpu=not cuda,
        report_to=[],
        save_strategy="no",
        logging_steps=1,
        disable_tqdm=True,
    )
    return SFTTrainer(model=net, args=args, train_dataset=Dataset.from_list(examples),
                      processing_class=tokenizer, peft_config=peft_config)


class NoTrainableExamples(ValueError):
    pass


def train_adapter(examples: list[dict], *, model_path: str, out_dir: Path, config: HsxConfig,
                  init_adapter: Path | None = None, seed: int = 0) -> TrainResult:
    """Trains a LoRA adapter (fresh, or continuing `init_adapter`) and saves it to `out_dir`.

    The adapter is written to a temporary sibling and renamed into place, so `out_dir` never
    holds a partly written adapter.  Training reads `[model]`, `[lora]` and `[training]`; the
    whole `config` is taken because hsx-train.json records it beside the adapter.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    started = time.monotonic()
    try:
        trainer = build_trainer(examples, model_path=model_path, output_dir=work / "trainer", model=config.model,
                                lora=config.lora, training=config.training, init_adapter=init_adapter, seed=seed)
        if len(trainer.train_dataset) == 0:
            # TRL drops examples whose completion is cut off entirely by max_length.
            raise NoTrainableExamples(
                f"none of the {len(examples)} examples keeps any completion token within "
                f"model.max_seq_len={config.model.max_seq_len}; raise it in the config")
        output = trainer.train()
        seconds = time.monotonic() - started
        if not trainer.is_world_process_zero():
            # Data parallel (hsx.models.distributed): every process holds the same adapter, and
            # the first one writes it.
            return TrainResult(adapter_dir=out_dir, steps=output.global_step,
                               train_loss=float(output.training_loss), seconds=seconds, examples=len(examples))
        adapter = work / "adapter"
        trainer.model.save_pretrained(str(adapter))
        result = TrainResult(adapter_dir=out_dir, steps=output.global_step,
                             train_loss=float(output.training_loss), seconds=seconds,
                             examples=len(examples))
        record = {"base_model": model_path, "init_adapter": str(init_adapter) if init_adapter else None,
                  "seed": seed, "steps": result.steps, "train_loss": result.train_loss,
                  "seconds": round(seconds, 3), "examples": result.examples, "config": to_dict(config)}
        (adapter / TRAIN_RECORD).write_text(json.dumps(record, indent=2) + "\n")
        del trainer, output
        if out_dir.exists():
            os.replace(out_dir, work / "previous")  # removed with `work` below
        os.replace(adapter, out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        release_gpu()
    return result
