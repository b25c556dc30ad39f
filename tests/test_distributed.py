"""Beyond one process: data-parallel QLoRA under `accelerate launch`, and the tensor-parallel key.

Two CPU processes (accelerate's multi-CPU mode, gloo) train the tiny model's adapter with
`hsx.models.distributed`, batch 2 each; one process trains the same examples with batch 2 and
2 accumulation steps, the same 4 examples per update in the same order.  Both runs must end with
the same adapter and the same loss on the training examples, within float tolerance.
"""

import dataclasses
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from hsx.config import ConfigError, load_config, to_dict
from hsx.models.distributed import RESULT_PREFIX

ROOT = Path(__file__).resolve().parents[1]


def examples(n: int = 8) -> list[dict]:
    fns = ["absolute", "double", "square", "negate", "sumTo", "lengthOf", "reverse", "maximum"]
    return [{"prompt": [{"role": "user", "content": f"Is {fns[i]} total? Answer YES or NO."}],
             "completion": [{"role": "assistant", "content": "ANSWER: YES" if i % 2 else "ANSWER: NO"}]}
            for i in range(n)]


def dp_config(batch_size: int, accumulation: int):
    base = load_config(None)
    return dataclasses.replace(
        base, model=dataclasses.replace(base.model, base="tiny", load_in_4bit=True, max_seq_len=256),
        lora=dataclasses.replace(base.lora, dropout=0.0),  # dropout draws differ per process
        training=dataclasses.replace(base.training, batch_size=batch_size, gradient_accumulation=accumulation,
                                     epochs=1, learning_rate=5e-3, max_steps=-1))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def adapter_loss(model_path: str, adapter: Path, config) -> float:
    """Mean completion loss of the adapter on the examples, through TRL's own preprocessing."""
    import torch

    from hsx.models.training import build_trainer

    trainer = build_trainer(examples(), model_path=model_path, output_dir=adapter.parent / "eval",
                            model=config.model, lora=config.lora, training=config.training, init_adapter=adapter)
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(len(trainer.train_dataset))])
    with torch.no_grad():
        return float(trainer.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                                   labels=batch["labels"]).loss)


def adapter_weights(adapter: Path) -> dict:
    from safetensors.torch import load_file
    return load_file(str(adapter / "adapter_model.safetensors"))


@pytest.mark.slow
def test_two_cpu_processes_train_as_one(tmp_path):
    pytest.importorskip("bitsandbytes")
    from hsx.models.tinymodel import build_tiny_model
    from hsx.models.training import train_adapter

    model = str(build_tiny_model(tmp_path / "tiny"))
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps(e) + "\n" for e in examples()))

    one = train_adapter(examples(), model_path=model, out_dir=tmp_path / "one", config=dp_config(2, 2), seed=3)

    cfg = tmp_path / "dp.json"
    cfg.write_text(json.dumps(to_dict(dp_config(2, 1))))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
           "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
           "--main_process_port", str(free_port()), "-m", "hsx.models.distributed",
           "--config", str(cfg), "--examples", str(data), "--out", str(tmp_path / "two"), "--model", model,
           "--seed", "3"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ranks = [json.loads(line[len(RESULT_PREFIX):]) for line in proc.stdout.splitlines()
             if line.startswith(RESULT_PREFIX)]
    assert len(ranks) == 2 and all(r["steps"] == one.steps == 2 for r in ranks)

    a, b = adapter_weights(tmp_path / "one"), adapter_weights(tmp_path / "two")
    assert a.keys() == b.keys() and any("lora_B" in k and v.abs().max() > 0 for k, v in a.items())  # it trained
    assert max(float((a[k] - b[k]).abs().max()) for k in a) < 1e-4
    loss_one = adapter_loss(model, tmp_path / "one", dp_config(2, 2))
    loss_two = adapter_loss(model, tmp_path / "two", dp_config(2, 2))
    assert abs(loss_one - loss_two) < 1e-4 * max(1.0, abs(loss_one))


def test_tensor_parallel_size_is_checked(tmp_path):
    from hsx.models.memory import check_tensor_parallel, generation_memory, load_architecture

    bad = tmp_path / "tp.toml"
    bad.write_text("[sampling]\nbackend = \"transformers\"\ntensor_parallel_size = 2\n")
    with pytest.raises(ConfigError, match="tensor_parallel_size = 2 needs sampling.backend"):
        load_config(bad)
    bad.write_text("[sampling]\nbackend = \"vllm\"\ntensor_parallel_size = 0\n")
    with pytest.raises(ConfigError, match="sampling.tensor_parallel_size must be at least 1"):
        load_config(bad)
    paper = load_config(ROOT / "configs" / "paper.toml")
    arch = load_architecture(paper.model.base)
    check_tensor_parallel(arch, 4)  # 28 heads: 4 GPUs take 7 each
    with pytest.raises(ValueError, match="does not divide .* 28 attention heads"):
        check_tensor_parallel(arch, 8)
    # Splitting the model over two GPUs halves the weights each one holds.
    two = dataclasses.replace(paper, sampling=dataclasses.replace(paper.sampling, tensor_parallel_size=2))
    w1 = generation_memory(arch, paper.model, paper.sampling, 80 * 2**30, 4096)[0].components[0].bytes
    w2 = generation_memory(arch, two.model, two.sampling, 80 * 2**30, 4096)[0].components[0].bytes
    assert w2 == pytest.approx(w1 / 2)


def test_vllm_receives_tensor_parallel_size(monkeypatch, tmp_path):
    """The value reaches vLLM's engine (vLLM itself needs a GPU: a stand-in module records it)."""
    import types

    seen = {}

    class LLM:
        def __init__(self, **kwargs):
            seen.update(kwargs)

    monkeypatch.setitem(sys.modules, "vllm", types.SimpleNamespace(LLM=LLM, __version__="stand-in"))
    monkeypatch.setitem(sys.modules, "vllm.lora", types.SimpleNamespace())
    monkeypatch.setitem(sys.modules, "vllm.lora.request", types.SimpleNamespace(LoRARequest=None))
    from hsx.models.generation import VLLMGenerator

    paper = load_config(ROOT / "configs" / "paper.toml")
    def start(tensor_parallel_size: int) -> None:
        sampling = dataclasses.replace(paper.sampling, tensor_parallel_size=tensor_parallel_size)
        VLLMGenerator(paper.model.base, model=paper.model, sampling=sampling, lora=paper.lora)

    start(4)
    assert seen["tensor_parallel_size"] == 4 and seen["model"] == paper.model.base
    with pytest.raises(ValueError, match="does not divide"):
        start(8)


# -- verification on a local Ray instance ---------------------------------------------------------

def _pairs_file(tmp_path: Path, n: int = 8) -> Path:
    """Inequivalent pairs with and without their diverging input, and one bad line (an error
    result of its own), from the benchmark corpus."""
    lines = (ROOT / "scripts" / "bench" / "bench_pairs.jsonl").read_text().splitlines()[:n]
    rows = [json.loads(line) for line in lines]
    for r in rows[::2]:
        r.pop("inputs")  # the search must find one
    out = tmp_path / "pairs.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in rows) + '{"id": "bad", "a": "missing.hs", "b": "x.hs"}\n')
    return out


def _stable(rec: dict) -> dict:
    """What a result decides; timings and search counts move with the machine's load."""
    return {k: rec[k] for k in ("id", "verdict", "reason", "tested_type", "counterexample", "confirmed",
                                "error_kind", "entry_a", "entry_b")}


@pytest.mark.slow
def test_batch_on_local_ray_matches_the_local_pool(tmp_path, config, toolchain):
    ray = pytest.importorskip("ray")
    from hsx.verify.batch import run_batch

    config = dataclasses.replace(config.with_proof(enabled=False), jobs=2)
    pairs = _pairs_file(tmp_path)
    local_out, ray_out = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    local_counts = run_batch(pairs, local_out, config)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        on_ray = dataclasses.replace(config, ray="auto")
        first = run_batch(pairs, ray_out, on_ray)
        # Resumable as the local pool: cut the file after three results (and half a line), rerun.
        kept = ray_out.read_text().splitlines()[:3]
        ray_out.write_text("\n".join(kept) + "\n" + kept[-1][:20])
        again = run_batch(pairs, ray_out, on_ray)
        # Dataset building validates its candidates the same way (hsx dataset build --ray).
        from hsx.data.build import BuildOptions, _validate_one
        from hsx.verify.cluster import map_on_cluster
        from hsx.verify.pipeline import Verifier
        options = BuildOptions(source="unused", out=tmp_path / "ds", inputs_per_program=3)
        items = [({"id": f"c{i}", "code": p["code"]}, options) for i, p in enumerate(pool_sample())]
        items.append(({"id": "broken", "code": "f :: Int -> Int\nf x = x +\n"}, options))
        validated_on_ray = list(map_on_cluster(on_ray, _validate_one, items))
    finally:
        ray.shutdown()
    local = {r["id"]: _stable(r) for r in map(json.loads, local_out.read_text().splitlines())}
    remote = [json.loads(line) for line in ray_out.read_text().splitlines()]
    assert len(remote) == len(local) == 9 and first == local_counts
    assert {r["id"]: _stable(r) for r in remote} == local  # the same results, exactly
    assert again["skipped (already done)"] == 3 and sum(v for k, v in again.items() if k != "skipped (already done)") == 6
    # The bad line first (written before any verification), then the pairs in file order.
    order = [json.loads(line).get("id", f"line-{i}") for i, line in enumerate(pairs.read_text().splitlines(), 1)]
    assert [r["id"] for r in remote][:3] == ["bad"] + order[:2]
    assert [r["id"] for r in remote][3:] == order[2:8]
    assert sum(r["verdict"] == "inequivalent" for r in remote) >= 4  # at least those given their input
    with Verifier(config) as verifier:
        assert validated_on_ray == [_validate_one(verifier, item) for item in items]
    assert [r["status"] for r in validated_on_ray].count("ok") == 3 and validated_on_ray[-1]["status"] != "ok"


def pool_sample() -> list[dict]:
    lines = (ROOT / "data" / "programs" / "starter.jsonl").read_text().splitlines()[:3]
    return [json.loads(line) for line in lines]


def test_ray_option_needs_a_batch():
    from click.testing import CliRunner

    from hsx.cli.main import main
    a = str(ROOT / "examples" / "abs-negative" / "a.hs")
    out = CliRunner().invoke(main, ["verify", a, a, "--ray", "auto"])
    assert out.exit_code == 2 and "--ray fans out a --batch" in out.output


def test_ray_missing_says_how_to_install(monkeypatch, config):
    from hsx.verify.cluster import RayMissing, verify_on_cluster
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    with pytest.raises(RayMissing, match=r"pip install '\.\[ray\]'"):
        list(verify_on_cluster(dataclasses.replace(config, ray="auto"), []))
