"""`hsx selfplay --plan`: counts, memory estimates, the fit check and the time estimate.

Nothing here needs a GPU: the plan reads the config, the pool and the architectures shipped in
hsx/models/architectures.json.  The memory method is checked for its arithmetic (published
parameter counts, scaling with batch and length) and against the tiny model as built; its error
on a real GPU is what scripts/bench/gpu_check.py measures.
"""

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hsx.cli.main import main
from hsx.config import load_config
from hsx.models.memory import (NF4_BYTES_PER_WEIGHT, UnknownArchitecture, load_architecture,
                               training_memory)
from hsx.selfplay.plan import BENCHMARKS, plan, read_throughputs

ROOT = Path(__file__).resolve().parents[1]


def run_plan(*args):
    return CliRunner().invoke(main, ["selfplay", "--plan", *args])


def test_paper_plan_fits_an_80gb_card_and_not_a_24gb_one():
    ok = run_plan("--config", str(ROOT / "configs" / "paper.toml"), "--gpu-memory", "80", "--device", "H100")
    assert ok.exit_code == 0, ok.output
    assert "QLoRA (NF4 base) training peak, GPU" in ok.output and "GPU memory: 80.00 GiB: fits" in ok.output
    assert "| alice |" in ok.output and "| bob |" in ok.output and "KV cache" in ok.output
    # No GPU has been measured: the time is not made up.
    assert "Time: not estimated: no measured" in ok.output
    small = run_plan("--config", str(ROOT / "configs" / "paper.toml"), "--gpu-memory", "24")
    assert small.exit_code == 1
    assert "does not fit: training needs an estimated" in small.output and "more than the GPU's 24.0 GiB" in small.output


def test_shipped_architecture_gives_the_published_size():
    arch = load_architecture("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B")
    # 7.62 B parameters (Qwen2.5-Math-7B, the distilled model's base), biases and norms aside.
    assert (arch.layer_weights + arch.embedding_weights) / 1e9 == pytest.approx(7.62, abs=0.01)
    smol = load_architecture("smollm2")
    assert (smol.layer_weights + smol.embedding_weights) / 1e6 == pytest.approx(134.5, abs=0.1)  # 134,515,008 less norms
    with pytest.raises(UnknownArchitecture, match="no architecture for model.base"):
        load_architecture("someone/unknown-model")


def test_tiny_entry_matches_the_built_tiny_model(tmp_path):
    from hsx.models.tinymodel import build_tiny_model
    built = load_architecture(str(build_tiny_model(tmp_path / "tiny")))
    shipped = load_architecture("tiny")
    same = ("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
            "head_dim", "tie_word_embeddings")
    assert all(getattr(built, f) == getattr(shipped, f) for f in same)
    assert built.vocab_size <= shipped.vocab_size  # the BPE trainer may stop short of VOCAB_SIZE


def test_memory_components_scale_as_the_method_says():
    paper = load_config(ROOT / "configs" / "paper.toml")
    arch = load_architecture(paper.model.base)

    def components(training=paper.training, lora=paper.lora) -> dict[str, float]:
        estimate = training_memory(arch, model=paper.model, lora=lora, training=training, cuda=True)
        return {c.name: c.bytes for c in estimate.components}

    one = components()
    assert one["base weights"] == arch.layer_weights * NF4_BYTES_PER_WEIGHT
    assert one["embeddings and head"] == arch.embedding_weights * 4  # upcast to float32 by peft
    two = components(training=dataclasses.replace(paper.training, batch_size=2))
    for name in ("checkpointed layer inputs", "one layer recomputed", "logits and loss"):
        assert two[name] == pytest.approx(2 * one[name])
    for name in ("base weights", "embeddings and head", "LoRA + AdamW"):
        assert two[name] == one[name]
    wider = components(lora=dataclasses.replace(paper.lora, r=16))
    assert wider["LoRA + AdamW"] == pytest.approx(2 * one["LoRA + AdamW"])


def test_cpu_estimate_is_within_2x_of_the_measured_iteration():
    config = load_config(ROOT / "configs" / "cpu.toml")
    p = plan(config, device="cpu")
    assert p.time is not None, p.time_missing
    measured = _measured_iteration(BENCHMARKS, "cpu", config.model.base)
    ratio = sum(p.time.values()) / measured
    assert 0.5 <= ratio <= 2.0, (p.time, measured)
    # The counts behind it: programs x transformation candidates x rounds (cpu.toml's Alice
    # writes no prompts), k samples for Bob and the held-out pairs, steps capped by max_steps.
    sp = config.selfplay
    assert p.candidates == sp.programs_per_iteration * config.alice.candidates * (1 + sp.repair_rounds)
    assert [g.agent for g in p.generation] == ["bob", "bob, held-out"]
    assert all(g.samples == sp.bob_samples for g in p.generation)
    assert [t.steps for t in p.training if t.agent == "bob"] == [config.training.max_steps]


def _measured_iteration(path: Path, device: str, model: str) -> float:
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[:3] == [device, model, "measured_iteration_seconds"]:
            return float(cells[3])
    raise AssertionError("docs/BENCHMARKS.md records no measured CPU iteration")


def test_throughput_rows_match_by_device_and_model(tmp_path):
    bench = tmp_path / "BENCHMARKS.md"
    bench.write_text("# Throughputs for `hsx selfplay --plan`\n\n| device | model | quantity | value | where |\n"
                     "| --- | --- | --- | --- | --- |\n"
                     "| H100 | m | verify_seconds_per_candidate | 2 | x |\n| H100 | m | verified_share | 0.5 | x |\n"
                     "| H100 | m | generation_tokens_per_second | 1000 | x |\n"
                     "| H100 | m | train_tokens_per_second | 500 | x |\n| cpu | m | verified_share | 0.9 | x |\n"
                     "# Next section\n| H100 | m | verified_share | 0.1 | x |\n")
    rates, missing = read_throughputs(bench, "NVIDIA H100 80GB HBM3", "m")
    assert not missing and rates["verified_share"] == 0.5 and rates["generation_tokens_per_second"] == 1000
    rates, missing = read_throughputs(bench, "cpu", "m")
    assert "no measured verify_seconds_per_candidate" in missing
    other = tmp_path / "other.md"
    other.write_text("# Benchmarks\n\nThe table \"Throughputs for `hsx selfplay --plan`\" is elsewhere.\n")
    assert "has no section" in read_throughputs(other, "cpu", "m")[1]


def test_plan_rejects_a_model_it_cannot_size(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[model]\nbase = "someone/unknown-model"\n')
    out = run_plan("--config", str(cfg))
    assert out.exit_code == 2 and "cannot plan: no architecture for model.base" in out.output


def test_plan_of_a_local_model_reads_its_config_json(tmp_path):
    model = tmp_path / "m"
    model.mkdir()
    (model / "config.json").write_text(json.dumps({
        "model_type": "llama", "hidden_size": 128, "intermediate_size": 256, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 1000}))
    arch = load_architecture(str(model))
    assert arch.head_dim == 32 and arch.kv_size == 64 and not arch.tie_word_embeddings


def _gpu_check(tmp_path, *args):
    import os
    import subprocess
    import sys
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "bench" / "gpu_check.py"),
                           "--out", str(tmp_path / "gpu_check.json"), *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


def test_gpu_check_without_cuda_reports_the_estimate_and_stops(tmp_path):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a GPU is here: gpu_check would measure")
    out = _gpu_check(tmp_path)
    assert out.returncode == 2, out.stderr[-2000:]
    report = json.loads(out.stdout)
    assert report["cuda"] is False and "no CUDA device" in report["reason"]
    assert report["plan_training_peak_gib"] == pytest.approx(29.0, abs=0.1)  # the paper config's GPU estimate


@pytest.mark.slow
def test_gpu_check_tiny_runs_the_same_path_on_cpu(tmp_path):
    out = _gpu_check(tmp_path, "--tiny")
    assert out.returncode == 0, out.stderr[-3000:]
    r = json.loads((tmp_path / "gpu_check.json").read_text())
    assert r["model"] == "tiny" and r["generation"]["tokens"] > 0 and r["generation"]["tokens_per_second"] > 0
    assert r["training"]["steps"] == 1 and r["training"]["peak_memory_gib"] > 0
    assert r["training"]["plan_peak_memory_gib"] is not None and "plan_memory_error" in r["training"]
