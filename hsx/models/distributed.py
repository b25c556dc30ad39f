"""Data-parallel training of one agent's adapter on several GPUs, launched by `accelerate launch`.

Consumes a config (TOML, or a run's config.json), training examples (JSONL, the format of
self-play's `train_<agent>.jsonl`) and the base model; produces the adapter directory, as
`hsx.models.training.train_adapter` does in one process:

    accelerate launch --multi_gpu --num_processes 4 -m hsx.models.distributed \\
        --config configs/paper.toml --examples runs/x/iter_0/train_bob.jsonl --out runs/x/bob-dp

Every process loads the same NF4 base on its own GPU and trains the same LoRA setup (TRL's
SFTTrainer under accelerate: DistributedDataParallel over the adapter's parameters); each
optimizer update sees `training.batch_size` x processes x `gradient_accumulation` examples, so
keep that product when moving a configuration between one and several GPUs.  The first process
writes the adapter.  Without CUDA the same command runs accelerate's multi-CPU mode (gloo), which
is how tests/test_distributed.py checks it against one process.  Nothing here schedules work:
accelerate (torch.distributed) starts and connects the processes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hsx.config import HsxConfig, config_from_dict, load_config

RESULT_PREFIX = "hsx-distributed: "


def _load(path: str) -> HsxConfig:
    if path.endswith(".json"):
        return config_from_dict(json.loads(Path(path).read_text()))
    return load_config(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True, help="TOML config, or a run's config.json")
    parser.add_argument("--examples", required=True, help="JSONL training examples (prompt-completion chat format)")
    parser.add_argument("--out", required=True, help="the adapter directory to write")
    parser.add_argument("--model", default=None,
                        help="base model directory [model.base, resolved as self-play does]")
    parser.add_argument("--seed", type=int, default=0, help="seed of the adapter's initial weights and data order")
    parser.add_argument("--init-adapter", default=None, help="continue this adapter instead of a fresh one")
    args = parser.parse_args(argv)

    from hsx.models.tinymodel import resolve_base_model
    from hsx.models.training import train_adapter
    from hsx.runs import read_jsonl

    config = _load(args.config)
    model = args.model or resolve_base_model(config.model, config.models_dir)
    result = train_adapter(read_jsonl(Path(args.examples)), model_path=model, out_dir=Path(args.out), config=config,
                           init_adapter=Path(args.init_adapter) if args.init_adapter else None, seed=args.seed)
    # One line per process, marked: the trainer prints its own dicts to stdout too.
    print(RESULT_PREFIX + json.dumps({"steps": result.steps, "train_loss": result.train_loss, "examples": result.examples,
                      "seconds": round(result.seconds, 2)}))


if __name__ == "__main__":
    main()
