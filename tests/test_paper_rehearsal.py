"""A rehearsal of the GPU main job (configs/paper.toml) on a CPU.

The test loads configs/paper.toml itself and changes only what a CPU cannot do: the model
becomes the tiny one built in code, the sizes shrink (iterations, programs, held-out programs,
answer length), and Alice's answers are replayed fixtures (tests/test_selfplay.py's `Replay`:
a valid inequivalent variant with its input for every Alice prompt, a correct first judgement
for Bob), because the tiny model writes no Haskell.  Everything else keeps the paper's value and
runs for real: the vLLM backend's transformers fallback, NF4 (bitsandbytes 4-bit) QLoRA training
of both adapters in `retrain` mode on the cumulative buffer, the curriculum update and the
held-out measure.  A key renamed or mistyped in configs/paper.toml fails here, at load time.
"""

import dataclasses
import tomllib
from pathlib import Path

import pytest

from test_selfplay import pool_records, replay_factory

from hsx.config import load_config, to_dict
from hsx.runs import read_json, read_jsonl
from hsx.selfplay.loop import run_selfplay

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "configs" / "paper.toml"


def rehearsal_config(tmp_path: Path):
    """configs/paper.toml with the CPU overrides; returns (config, the overridden keys)."""
    paper = load_config(PAPER)
    overrides = {
        "model": {"base": "tiny"},  # the 7B model needs a GPU
        "sampling": {"max_new_tokens": 8},  # the tiny model's answers are junk anyway
        # With the paper's seed and p_seq, 4 programs give SINQ prompts in both iterations (1
        # and 3): the replayed answers verify without the prover, so both iterations train.
        "selfplay": {"iterations": 2, "programs_per_iteration": 4, "heldout_programs": 1,
                     "runs_dir": str(tmp_path)},
    }
    sections = {name: dataclasses.replace(getattr(paper, name), **changes) for name, changes in overrides.items()}
    return dataclasses.replace(paper, **sections), {f"{s}.{k}" for s, ch in overrides.items() for k in ch}


def _flat(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = tuple(v) if isinstance(v, list) else v
    return out


def test_rehearsal_changes_only_what_a_cpu_cannot_do(tmp_path):
    config, overridden = rehearsal_config(tmp_path)
    paper, now = _flat(to_dict(load_config(PAPER))), _flat(to_dict(config))
    assert {k for k in paper if paper[k] != now[k]} == overridden
    # Every key the paper file sets reaches the config with the file's value.
    written = _flat(tomllib.loads(PAPER.read_text()))
    assert written and all(now[k] == v or k in overridden for k, v in written.items())
    assert (config.training.mode, config.model.load_in_4bit, config.sampling.backend) == ("retrain", True, "vllm")


@pytest.mark.slow
def test_paper_configuration_rehearsed_on_cpu(tmp_path, toolchain):
    config, _ = rehearsal_config(tmp_path)
    seen: list[dict] = []
    run = run_selfplay(config, tmp_path / "paper", generator_factory=replay_factory(pool_records(), seen))
    held_ids = {p["id"] for p in read_jsonl(run / "heldout" / "programs.jsonl")}
    assert len(held_ids) == 1
    for k in (0, 1):
        it = run / f"iter_{k}"
        m = read_json(it / "metrics.json")
        assert m["programs"] == 4 and m["outcomes"].get("verified-sinq", 0) >= 1
        assert set(m["sources"]) == {"model"}  # the paper's Alice: the model (replayed answers)
        bob = read_jsonl(it / "bob.jsonl")
        assert all(len(b["correct"]) == config.selfplay.bob_samples for b in bob)
        # Both adapters trained, on the 4-bit base, from the base model on everything so far.
        for agent in ("alice", "bob"):
            record = read_json(it / "adapters" / agent / "hsx-train.json")
            assert record["init_adapter"] is None and record["steps"] > 0
            assert record["config"]["model"]["load_in_4bit"] is True
            own = [len(read_jsonl(run / f"iter_{j}" / f"train_{agent}.jsonl")) for j in range(k + 1)]
            assert all(own) and record["examples"] == sum(own)  # iteration 1: both iterations' examples
        assert m["training"]["bob"]["steps"] > 0 and m["training"]["alice"]["steps"] > 0
        # The held-out measure after the iteration, on the programs no iteration selected.
        h = read_json(it / "heldout.json")
        assert h["adapter"].endswith(f"iter_{k}/adapters/bob") and m["heldout"] == h
        assert not {p["id"] for p in read_jsonl(it / "selected.jsonl")} & held_ids
    # The curriculum saw every selected program of both iterations.
    state = read_json(run / "state.json")
    assert state["done"] == [0, 1]
    selected = {p["id"] for k in (0, 1) for p in read_jsonl(run / f"iter_{k}" / "selected.jsonl")}
    assert selected <= set(state["curriculum"]["programs"])
    assert seen[0] == {} and set(seen[-1]) == {"alice", "bob"}  # iteration 1 generates with both adapters
