"""Self-play end to end on CPU: the tiny model built in code, real verification, real TRL steps.

Two runs of the smoke config: one where the real tiny model writes every answer (the real
generation path; it writes junk, which must be counted, not crashed on), and one where Alice's
answers (and one of Bob's samples per pair) are replayed so that real verified pairs flow
through verification, Bob, training data selection and QLoRA training of both adapters.
The replayed outputs stand in for a model that writes Haskell; nothing here is a result.
"""

import dataclasses
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path


from hsx.agents import prompts
from hsx.config import config_from_dict, load_config
from hsx.models.generation import Generation, make_generator
from hsx.proof.liquid import STATUSES
from hsx.proof.prover import ProverMissing, locate_prover
from hsx.proof.renaming import rename_tokens
from hsx.records import HeldOutPair, HeldOutSplit
from hsx.runs import read_json, read_jsonl, write_json
from hsx.selfplay.heldout import balance_labels
from hsx.selfplay.loop import run_selfplay
from hsx.selfplay.outcomes import run_summary

ROOT = Path(__file__).resolve().parents[1]


def smoke_config(tmp_path: Path, int_results_only: bool = False, **selfplay):
    config = load_config(ROOT / "configs" / "smoke.toml")
    pool = ROOT / "data" / "programs"
    if int_results_only:  # programs whose replayed variant returns values (see `variant`)
        pool = tmp_path / "pool"
        pool.mkdir()
        (pool / "int.jsonl").write_text("".join(json.dumps(r) + "\n" for r in pool_records()
                                                if r["type"].endswith("-> Int")))
    sp = dataclasses.replace(config.selfplay, pool=str(pool),
                             runs_dir=str(tmp_path), programs_per_iteration=3, **selfplay)
    return dataclasses.replace(config, selfplay=sp)


def variant(code: str, entry: str, type_: str, arity: int) -> str:
    """A Q that differs from P on every input: P's entry renamed, a new entry that adds one to
    an Int result (so Q still runs, and can be promoted) or otherwise throws."""
    xs = " ".join(f"x{i}" for i in range(arity))
    body = f"hsxOrig {xs} + 1" if type_.endswith("-> Int") else "error \"variant\""
    return rename_tokens(code, {entry: "hsxOrig"}) + f"\n{entry} :: {type_}\n{entry} {xs} = {body}\n"


class Replay:
    """Wraps the real generator: Alice's prompts get a recorded valid answer, Bob's first sample
    a correct "ANSWER: NO"; everything else goes to the real tiny model."""

    def __init__(self, real, programs):
        self.real = real
        self.programs = programs

    def _alice(self, conv):
        text = "\n".join(m["content"] for m in conv if m["role"] != "assistant")
        p = next((p for p in self.programs if p["code"].strip() in text), None)
        if p is None:  # a promoted program: no recording, so a junk answer (a parse failure)
            return Generation("no idea", 2, False)
        q = variant(p["code"], p["entry"], p["type"], p["arity"])
        inputs = "\n".join(p["inputs"][0])
        return Generation(f"```{prompts.Q_LABEL}\n{q}```\n```{prompts.INPUT_LABEL}\n{inputs}\n```\n", 40, False)

    def generate(self, conversations, *, n, adapter, seed):
        real = self.real.generate(conversations, n=n, adapter=adapter, seed=seed)
        out = []
        for conv, samples in zip(conversations, real):
            if any(prompts.ANSWER_MARKER in m["content"] for m in conv):  # Bob
                out.append([Generation(f"They differ on some input.\n{prompts.ANSWER_MARKER} {prompts.NO}", 12, False)]
                           + samples[1:])
            else:
                out.append([self._alice(conv)])
        return out

    def close(self):
        self.real.close()


def replay_factory(programs, seen_adapters):
    def make(model_path, adapters, **sections):
        seen_adapters.append(dict(adapters))
        return Replay(make_generator(model_path, adapters, **sections), programs)
    return make


def pool_records():
    return [json.loads(line) for f in sorted((ROOT / "data" / "programs").glob("*.jsonl"))
            for line in f.read_text().splitlines() if line.strip()]


def test_smoke_real_generation_counts_junk(tmp_path, toolchain):
    config = smoke_config(tmp_path)
    run = run_selfplay(config, tmp_path / "real")
    for k in (0, 1):
        m = read_json(run / f"iter_{k}" / "metrics.json")
        assert m["programs"] == 3
        attempts = sum(m["attempts"].values())
        assert attempts >= 3 and sum(m["outcomes"].values()) == attempts  # every answer counted
        assert m["tokens"]["alice"] > 0
        answers = read_jsonl(run / f"iter_{k}" / "alice_r0.jsonl")
        assert all(a["raw"] is not None and a["conversation"] for a in answers)
    assert read_json(run / "state.json")["done"] == [0, 1]


def test_smoke_replayed_answers_flow_to_training(tmp_path, toolchain):
    config = smoke_config(tmp_path, int_results_only=True, p_seq=0.0, promote_min_difficulty=0.0)
    seen: list[dict] = []
    run = run_selfplay(config, tmp_path / "replay", generator_factory=replay_factory(pool_records(), seen))
    m0 = read_json(run / "iter_0" / "metrics.json")
    assert m0["outcomes"] == {"verified-sinq": 3}
    bob = read_jsonl(run / "iter_0" / "bob.jsonl")
    assert len(bob) == 3 and all(len(b["correct"]) == config.selfplay.bob_samples for b in bob)
    assert all(b["correct"][0] for b in bob)  # the replayed "ANSWER: NO" is right for SINQ
    assert all(b["difficulty"] == 10.0 * (1 - sum(b["correct"]) / len(b["correct"])) for b in bob)
    for agent in ("alice", "bob"):
        assert (run / "iter_0" / "adapters" / agent / "adapter_config.json").exists()
        assert read_jsonl(run / "iter_0" / f"train_{agent}.jsonl")
    example = read_jsonl(run / "iter_0" / "train_alice.jsonl")[0]
    assert example["completion"][0]["role"] == "assistant" and example["prompt"][-1]["role"] == "user"
    assert seen[0] == {} and set(seen[-1]) == {"alice", "bob"}  # iteration 1 generates with the adapters
    assert m0["training"]["alice"]["steps"] > 0
    promoted = read_json(run / "state.json")["promoted"]
    assert promoted and all(p["source"].startswith("promoted:replay/") for p in promoted)
    assert all("hsxOrig" in p["code"] for p in promoted)  # the verified Q's, with provenance
    from hsx.selfplay.report import write_report
    out = write_report(run)
    assert (out / "yields.png").stat().st_size > 1000 and "verified-sinq" in (out / "summary.md").read_text()


def test_seq_attempts_are_counted_with_or_without_prover(tmp_path, toolchain):
    """Every SEQ answer is counted.  Without Liquid Haskell, a proof is never checked (the
    outcome is prover-missing); with it, every proof is checked and ends in `verified-seq` or a
    classified `proof:<status>` (tests/test_selfplay_seq.py follows proved pairs further)."""
    config = smoke_config(tmp_path, p_seq=1.0, iterations=1, repair_rounds=0)
    try:
        locate_prover(config.toolchain, config.sandbox)
        prover = True
    except ProverMissing:
        prover = False

    class SeqReplay(Replay):
        def _alice(self, conv):
            text = "\n".join(m["content"] for m in conv)
            p = next(p for p in self.programs if p["code"].strip() in text)  # every P is in the pool
            proof = "equiv " + " ".join("_" for _ in range(p["arity"])) + " = ()"
            q = p["code"] + "\nhsxPadding :: Int\nhsxPadding = 1\n"
            return Generation(f"```haskell\n{q}```\n```proof\n{proof}\n```\n", 30, False)

    def make(model_path, adapters, **sections):
        return SeqReplay(make_generator(model_path, adapters, **sections), pool_records())

    run = run_selfplay(config, tmp_path / "seq", generator_factory=make)
    m = read_json(run / "iter_0" / "metrics.json")
    assert m["attempts"] == {"seq": 3} and sum(m["outcomes"].values()) == 3
    executed = {"seq-counterexample", "type-mismatch", "compile-error"}  # decided before any proof
    if not prover:
        assert set(m["outcomes"]) <= executed | {"prover-missing"}
        assert m["outcomes"].get("prover-missing", 0) >= 1
        assert m["proofs"]["prover_runs"] == 0
    else:
        proved = {"verified-seq"} | {f"proof:{s}" for s in STATUSES if s not in ("proved", "prover-missing")}
        assert set(m["outcomes"]) <= executed | proved, m["outcomes"]
        assert sum(m["proofs"]["outcomes"].values()) >= 1 and "prover-missing" not in m["proofs"]["outcomes"]
        assert m["proofs"]["prover_runs"] >= 1 and m["proofs"]["prover_seconds"] >= 0  # 0: from the cache


RESUMABLE = textwrap.dedent('''
    import sys, json
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from hsx.config import config_from_dict
    from hsx.selfplay.loop import run_selfplay
    from test_selfplay import replay_factory, pool_records
    config = config_from_dict(json.loads(Path({cfg!r}).read_text()))
    run_selfplay(config, Path({run!r}), generator_factory=replay_factory(pool_records(), []))
''')


def test_kill_mid_iteration_and_resume(tmp_path, toolchain):
    config = smoke_config(tmp_path, p_seq=0.0)
    from hsx.config import to_dict
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(to_dict(config)))
    run = tmp_path / "killed"
    script = tmp_path / "run.py"
    script.write_text(RESUMABLE.format(tests=str(ROOT / "tests"), cfg=str(cfg), run=str(run)))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not (run / "iter_0" / "bob.jsonl").exists():
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # after Bob, before or during training
    proc.wait()
    assert (run / "iter_0" / "bob.jsonl").exists(), "the run did not get far enough"
    assert not (run / "state.json").exists() or read_json(run / "state.json")["done"] == []
    alice_before = (run / "iter_0" / "alice_r0.jsonl").read_bytes()

    run_selfplay(config_from_dict(read_json(run / "config.json")), run,
                 generator_factory=replay_factory(pool_records(), []))
    assert read_json(run / "state.json")["done"] == [0, 1]
    assert (run / "iter_0" / "alice_r0.jsonl").read_bytes() == alice_before  # not regenerated
    for k in (0, 1):
        ids = [r["id"] for r in read_jsonl(run / f"iter_{k}" / "verify_r0.jsonl")]
        assert len(ids) == len(set(ids)) == 3  # nothing lost, nothing twice
        assert (run / f"iter_{k}" / "adapters" / "alice" / "adapter_config.json").exists()


# ------------------------------------------------------------------------------------------------
# The CPU main job (configs/cpu.toml): transformation Alice, Bob with the short prompt, held-out
# measure.  The tiny model stands in for SmolLM2-135M-Instruct.


def cpu_config(tmp_path: Path, **selfplay):
    config = load_config(ROOT / "configs" / "cpu.toml")
    selfplay = {"programs_per_iteration": 4, "heldout_programs": 4, "iterations": 1, **selfplay}
    sp = dataclasses.replace(config.selfplay, runs_dir=str(tmp_path), **selfplay)
    model = dataclasses.replace(config.model, base="tiny")
    training = dataclasses.replace(config.training, max_steps=2)
    return dataclasses.replace(config, selfplay=sp, model=model, training=training)


class ShortBob:
    """The real tiny model for every sample but Bob's first, which answers "NO": right for the
    SINQ pairs, which are verified without the prover, so that Bob has examples to train on."""

    def __init__(self, real, seen):
        self.real, self.seen = real, seen

    def generate(self, conversations, *, n, adapter, seed):
        self.seen.append(conversations)
        out = self.real.generate(conversations, n=n, adapter=adapter, seed=seed)
        return [[Generation(f"{prompts.ANSWER_MARKER} {prompts.NO}", 3, False)] + s[1:] for s in out]

    def close(self):
        self.real.close()


def short_bob_factory(seen):
    def make(model_path, adapters, **sections):
        return ShortBob(make_generator(model_path, adapters, **sections), seen)
    return make


def test_heldout_labels_are_balanced_to_at_most_sixty_percent():
    def pair(pid, kind):
        return HeldOutPair(pid, "p", "f = 1", "f = 2", kind, "constant+1", "line 1")
    pairs = [pair(f"s{i:02d}", "sinq") for i in range(10)] + [pair(f"q{i}", "seq") for i in range(4)]
    kept = balance_labels(pairs, random.Random(0))
    kinds = Counter(p.kind.value for p in kept)
    assert kinds == {"seq": 4, "sinq": 6} and max(kinds.values()) / len(kept) <= 0.6
    assert kept == sorted(kept, key=lambda p: p.id)
    assert balance_labels(pairs, random.Random(0)) == kept  # seeded
    assert balance_labels(list(reversed(pairs)), random.Random(0)) == kept  # order does not matter
    # Already balanced: nothing is cut.  One label only: nothing is cut, and the split is one-sided.
    assert len(balance_labels(pairs[:6] + pairs[10:], random.Random(0))) == 10
    assert balance_labels(pairs[:10], random.Random(0)) == pairs[:10]


def test_run_summary_says_when_seq_was_off(tmp_path):
    (tmp_path / "heldout").mkdir()
    write_json(tmp_path / "heldout" / "split.json",
               HeldOutSplit(9, 18, {"verified-sinq": 9}, 9, 9, {"sinq": 9}, True, 0.1).to_json())
    lines = run_summary(tmp_path, 3, "the prover is missing (no liquid-ghc)")
    assert any(line.startswith("SEQ was off: the prover is missing") for line in lines)
    assert any("one-sided" in line for line in lines)


def test_cpu_iteration_with_transform_alice_end_to_end(tmp_path, toolchain):
    config = cpu_config(tmp_path, iterations=2, p_seq=0.0)
    seen: list = []
    run = run_selfplay(config, tmp_path / "cpu", generator_factory=short_bob_factory(seen))
    # Held-out split: set aside before iteration 0, never selected afterwards.
    held_ids = {p["id"] for p in read_jsonl(run / "heldout" / "programs.jsonl")}
    held = read_jsonl(run / "heldout" / "pairs.jsonl")
    assert len(held_ids) == 4 and held and {p["program_id"] for p in held} <= held_ids
    for k in (0, 1):
        selected = {p["id"] for p in read_jsonl(run / f"iter_{k}" / "selected.jsonl")}
        assert selected and not selected & held_ids
    m = read_json(run / "iter_0" / "metrics.json")
    assert m["outcomes"].get("verified-sinq", 0) >= 1 and set(m["sources"]) == {"transform"}
    assert sum(t["proposed"] for t in m["transforms"].values()) == sum(m["outcomes"].values())
    bob = read_jsonl(run / "iter_0" / "bob.jsonl")
    assert all(len(b["correct"]) == config.selfplay.bob_samples and b["source"] == "transform" for b in bob)
    assert all(b["inputs"] for b in bob)  # hsx's own diverging input, recorded
    # Bob's short prompt: his turn is continued from the answer marker, and the recorded
    # completion (his training example) includes it.
    assert any(c[-1] == {"role": "assistant", "content": prompts.BOB_SHORT_PREFIX} for conv in seen for c in conv)
    assert all(j["completion"].startswith(prompts.ANSWER_MARKER) for b in bob for j in b["bob"])
    # Bob trains; the transformation Alice has nothing to train.
    assert (run / "iter_0" / "adapters" / "bob" / "adapter_config.json").exists()
    assert not (run / "iter_0" / "adapters" / "alice").exists()
    assert m["training"]["bob"]["steps"] > 0
    # The held-out measure after each iteration: base vs the adapter, paired.
    for k in (0, 1):
        h = read_json(run / f"iter_{k}" / "heldout.json")
        assert h["pairs"] == len(held) and h["samples_per_pair"] == config.selfplay.bob_samples
        assert h["adapter"].endswith(f"iter_{k}/adapters/bob")
        for side in ("base", "current"):
            lo, hi = h[side]["ci95"]
            assert 0.0 <= lo <= h[side]["accuracy"] <= hi <= 1.0
        assert 0.0 <= h["paired"]["mcnemar_p"] <= 1.0
        assert read_json(run / f"iter_{k}" / "metrics.json")["heldout"] == h
    assert (run / "iter_1" / "heldout_bob.jsonl").exists()
    # Short prompt: one training example per verified pair, with the verified label.
    sel = m["training"]["selection"]
    assert sel["bob_examples"] == len(bob) and sel["bob_labels"] == {"NO": len(bob)}
    # The run ends with a summary: per iteration the pairs, Bob's examples and the held-out measure
    # beside its majority baseline.
    lines = run_summary(run, 2, None)
    assert len(lines) == 3 and lines[1].split()[:3] == ["0", str(m["outcomes"].get("verified-seq", 0)),
                                                         str(m["outcomes"]["verified-sinq"])]
    assert f"({h['majority_baseline']:.2f}, {h['pairs']} pairs)" in lines[2]
    split = HeldOutSplit.from_json(read_json(run / "heldout" / "split.json"))
    assert split.pairs == len(held) and sum(split.labels.values()) == len(held)
    from hsx.selfplay.report import write_report
    out = write_report(run)
    summary = (out / "summary.md").read_text()
    assert (out / "heldout.png").stat().st_size > 1000
    assert "held-out split" in summary and "Yield per transformation" in summary
    from hsx.data.pairs import collect_pairs
    pairs, _ = collect_pairs([run])
    assert pairs and all(p["source"] == "transform" and p["transform"] in m["transforms"] or p["iteration"] == 1
                         for p in pairs)


RESUMABLE_CPU = textwrap.dedent('''
    import sys, json
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from hsx.config import config_from_dict
    from hsx.selfplay.loop import run_selfplay
    from test_selfplay import short_bob_factory
    config = config_from_dict(json.loads(Path({cfg!r}).read_text()))
    run_selfplay(config, Path({run!r}), generator_factory=short_bob_factory([]))
''')


def test_transform_run_killed_mid_iteration_resumes(tmp_path, toolchain):
    config = cpu_config(tmp_path, p_seq=0.0, heldout_programs=2)
    from hsx.config import to_dict
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(to_dict(config)))
    run = tmp_path / "killed"
    script = tmp_path / "run.py"
    script.write_text(RESUMABLE_CPU.format(tests=str(ROOT / "tests"), cfg=str(cfg), run=str(run)))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (run / "iter_0" / "bob.jsonl").exists():
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # after Bob, before or during training and the held-out measure
    proc.wait()
    assert (run / "iter_0" / "bob.jsonl").exists(), "the run did not get far enough"
    assert not (run / "state.json").exists() or read_json(run / "state.json")["done"] == []
    before = {name: (run / "iter_0" / name).read_bytes() for name in ("alice_r0.jsonl", "bob.jsonl")}
    held_before = (run / "heldout" / "pairs.jsonl").read_bytes()

    run_selfplay(config_from_dict(read_json(run / "config.json")), run, generator_factory=short_bob_factory([]))
    assert read_json(run / "state.json")["done"] == [0]
    for name, data in before.items():
        assert (run / "iter_0" / name).read_bytes() == data  # not regenerated
    assert (run / "heldout" / "pairs.jsonl").read_bytes() == held_before
    ids = [r["id"] for r in read_jsonl(run / "iter_0" / "verify_r0.jsonl")]
    assert len(ids) == len(set(ids))  # nothing twice
    assert (run / "iter_0" / "heldout.json").exists() and (run / "iter_0" / "metrics.json").exists()
