"""`hsx dataset`: the OpInstruct-HSx build, import of the released data, export of self-play
pairs, statistics.

The model is the external part: the translation stage is fed fixed answers by a fake generator
(tests/fixtures/dataset/answers.json, one Haskell candidate per rejection reason), and runs once
with the real tiny model, whose junk must be counted and rejected.  Everything else is real:
the sandbox, GHC, the helper, `datasets`.
"""

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hsx.agents import prompts
from hsx.cli.dataset import dataset
from hsx.config import to_dict
from hsx.data.build import BuildOptions, build
from hsx.data.splits import code_hash, split_of
from hsx.data.pairs import export_pairs
from hsx.data.released import import_released, split_arguments
from hsx.data.sources import PythonItem, select_items
from hsx.data.stats import dataset_stats
from hsx.data.translate import extract_code
from hsx.data.validate import validate_candidate
from hsx.models.generation import Generation
from hsx.pool.programs import Program, load_pool
from hsx.pool.validate import check_program
from hsx.records import PairRecord, Verification
from hsx.runs import read_jsonl, write_json, write_jsonl
from hsx.verdict import Counterexample, Outcome, ProofRecord, Result, Verdict

FIXTURES = Path(__file__).parent / "fixtures" / "dataset"
ITEMS = FIXTURES / "items.jsonl"
ANSWERS = json.loads((FIXTURES / "answers.json").read_text())
INSTRUCTIONS = {r["input"]: r["id"] for r in read_jsonl(ITEMS)}

EXPECTED_REJECTIONS = {"no code block": 1, "unsafe": 1, "compile-error": 1, "crash": 1, "non-terminating": 1,
                       "unsupported-type": 1, "no-entry": 1, "duplicate": 1}
KEPT_ITEMS = {"item-01", "item-02", "item-03"}


class FakeGenerator:
    """Answers each translation prompt with the fixture answer of its item; records what it was
    asked; optionally fails on its `fail_on_call`-th call (an interruption mid-stage)."""

    def __init__(self, fail_on_call: int | None = None):
        self.asked: list[str] = []
        self.calls = 0
        self.fail_on_call = fail_on_call
        self.closed = False

    def generate(self, conversations, *, n, adapter, seed):
        self.calls += 1
        if self.fail_on_call is not None and self.calls >= self.fail_on_call:
            raise RuntimeError("interrupted")
        out = []
        for conv in conversations:
            text = conv[-1]["content"]
            item = next(i for instr, i in INSTRUCTIONS.items() if f"Task: {instr}" in text)
            self.asked.append(item)
            out.append([Generation(ANSWERS[item], tokens=20, truncated=False)] * n)
        return out

    def close(self):
        self.closed = True


def _factory(gen):
    return lambda model_path, adapters, **sections: gen


def _options(out: Path, **kw) -> BuildOptions:
    return BuildOptions(**{**dict(source=str(ITEMS), out=out, inputs_per_program=4, test_fraction=0.5,
                                  batch_size=4), **kw})


@pytest.fixture(scope="module")
def built(tmp_path_factory, config, verifier):
    out = tmp_path_factory.mktemp("build") / "ds"
    gen = FakeGenerator()
    summary = build(config, _options(out), verifier, generator_factory=_factory(gen),
                    models_dir=tmp_path_factory.mktemp("models"))
    return out, summary, gen


# ------------------------------------------------------------------------------------------------
# Pure stages


def test_source_stage_filters_sorts_and_deduplicates():
    items, counts = select_items(read_jsonl(ITEMS))
    assert counts == {"read": 14, "generic self-instruct": 12, "unique items": 11}
    ids = [it.id for it in items]
    assert "item-12" not in ids and "item-13" not in ids  # algorithmic, evol-instruct
    assert "item-14" not in ids  # the same instruction as item-01
    scores = [it.score for it in items]
    assert scores == sorted(scores, reverse=True)
    top = [it for it in items if it.score == 1.0]
    assert [len(it.solution) for it in top] == sorted(len(it.solution) for it in top)


def test_translation_prompt_is_few_shot_and_names_the_item():
    item = PythonItem("x", "Write a function that halves a number.", "def half(n):\n    return n // 2\n")
    messages = prompts.translate_python(item)
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant", "user"]
    assert item.instruction in messages[-1]["content"] and "def half" in messages[-1]["content"]
    for m in messages[1:4:2]:
        assert extract_code(m["content"]) is not None  # the examples answer in the format asked for


def test_few_shot_examples_are_valid_programs(verifier):
    for m in prompts.translate_python(PythonItem("x", "i", "s"))[1:4:2]:
        ev = verifier.evaluate(extract_code(m["content"]), [])
        assert not hasattr(ev, "verdict"), ev


def test_extract_code_takes_the_last_haskell_block():
    text = "```haskell\nf = 1\n```\n<think>```haskell\ng = 2\n```</think>\n```hs\nh :: Int\nh = 3\n```\n```python\nx\n```"
    assert extract_code(text) == "h :: Int\nh = 3\n"
    assert extract_code("no code") is None
    assert extract_code("```haskell\nf x = x\n") is None  # cut off: no closing fence
    assert extract_code("```haskell\n\n```") is None


def test_code_hash_ignores_comments_and_layout():
    a = "f :: Int -> Int\nf x = x + 1\n"
    b = "-- | one more\nf :: Int -> Int\nf   x =\n  x + 1 {- yes -}\n"
    assert code_hash(a) == code_hash(b)
    assert code_hash(a) != code_hash(a.replace("+ 1", "+ 2"))


def test_split_is_deterministic_and_by_hash():
    hashes = [code_hash(f"f :: Int -> Int\nf x = x + {i}\n") for i in range(400)]
    splits = [split_of(h, 0.25) for h in hashes]
    assert splits == [split_of(h, 0.25) for h in hashes]
    assert 50 < splits.count("test") < 150
    assert all(split_of(h, 0.0) == "train" for h in hashes)


def test_split_arguments_reads_the_released_input_shapes():
    assert split_arguments("3 4", 2, "f") == ("3", "4")
    assert split_arguments("f (-2) 10", 2, "f") == ("(-2)", "10")
    assert split_arguments("1\n[2, 3]", 2, "f") == ("1", "[2, 3]")
    assert split_arguments("[1, 2], \"a, b\"", 2, "f") == ("[1, 2]", "\"a, b\"")
    assert split_arguments("Just 3", 1, "f") == ("Just 3",)
    assert split_arguments(["1", "2"], 2, "f") == ("1", "2")
    assert split_arguments("1 2 3", 2, "f") is None


# ------------------------------------------------------------------------------------------------
# Build with fixed candidates


def test_build_counts_every_stage_and_rejection(built):
    out, summary, gen = built
    assert summary["stages"] == {
        "read": 14, "generic self-instruct": 12, "unique items": 11, "selected": 11, "translated": 11,
        "code extracted": 10, "passed sandbox checks": 9, "compiled, inputs synthesized": 6,
        "ran on all inputs": 4, "unique programs": 3,
        "train": summary["stages"]["train"], "test": summary["stages"]["test"]}
    assert summary["stages"]["train"] + summary["stages"]["test"] == 3
    assert summary["rejections"] == EXPECTED_REJECTIONS
    assert gen.closed and sorted(gen.asked) == sorted(set(gen.asked))  # each item asked once
    assert json.loads((out / "counts.json").read_text())["rejections"] == EXPECTED_REJECTIONS


def test_build_keeps_valid_programs_in_the_pool_schema(built, verifier):
    out, _, _ = built
    programs = load_pool(out / "train.jsonl") if (out / "train.jsonl").read_text() else []
    programs += load_pool(out / "test.jsonl") if (out / "test.jsonl").read_text() else []
    assert {p.source.rsplit(":", 1)[1] for p in programs} == KEPT_ITEMS
    for p in programs:
        assert len(p.inputs) == 4 and p.tags == ("opinstruct-hsx",)
        assert check_program(verifier, p).problems == ()  # re-validates with the pool's own check


def test_build_split_has_no_leakage_and_all_formats_agree(built):
    import datasets

    out, _, _ = built
    rows = {s: read_jsonl(out / f"{s}.jsonl") for s in ("train", "test")}
    hashes = {s: {code_hash(r["code"]) for r in rs} for s, rs in rows.items()}
    assert not hashes["train"] & hashes["test"]
    for s, rs in rows.items():
        assert all(split_of(code_hash(r["code"]), 0.5) == s for r in rs)
    dd = datasets.load_from_disk(str(out / "hf"))
    for s in ("train", "test"):
        assert [Program.from_json(r) for r in dd[s].to_list()] == [Program.from_json(r) for r in rows[s]]
        assert datasets.Dataset.from_parquet(str(out / "parquet" / f"{s}.parquet")).num_rows == len(rows[s])
    card = (out / "README.md").read_text()
    assert "CC BY 4.0" in card and "| non-terminating | 1 |" in card and "| ran on all inputs | 4 |" in card


def test_build_resumes_after_an_exception_mid_translation(tmp_path, config, verifier, built):
    out = tmp_path / "ds"
    failing = FakeGenerator(fail_on_call=2)  # the first batch of 4 is logged, then the "kill"
    with pytest.raises(RuntimeError, match="interrupted"):
        build(config, _options(out), verifier, generator_factory=_factory(failing), models_dir=tmp_path)
    assert failing.closed
    assert len(read_jsonl(out / "stages" / "translate.log.jsonl")) == 4
    assert not (out / "stages" / "translate.jsonl").exists()
    again = FakeGenerator()
    summary = build(config, _options(out), verifier, generator_factory=_factory(again), models_dir=tmp_path)
    assert len(again.asked) == 7 and not set(again.asked) & set(failing.asked)  # only what was left
    log = read_jsonl(out / "stages" / "translate.log.jsonl")
    assert len(log) == len({r["id"] for r in log}) == 11
    assert summary == built[1]
    for s in ("train", "test"):
        assert (out / f"{s}.jsonl").read_text() == (built[0] / f"{s}.jsonl").read_text()


def test_build_resumes_after_a_kill_mid_validation(tmp_path, config, verifier, built):
    out = tmp_path / "ds"
    shutil.copytree(built[0] / "stages", out / "stages")
    stages = out / "stages"
    # A kill during validation: the final file was never written and the log's last line is cut.
    (stages / "validate.jsonl").unlink()
    lines = (stages / "validate.log.jsonl").read_text().splitlines(keepends=True)
    (stages / "validate.log.jsonl").write_text("".join(lines[:3]) + lines[3][:25])
    never = FakeGenerator(fail_on_call=1)  # translation is done: the model must not be asked
    summary = build(config, _options(out), verifier, generator_factory=_factory(never), models_dir=tmp_path)
    assert never.calls == 0
    log = read_jsonl(stages / "validate.log.jsonl")
    assert len(log) == len({r["id"] for r in log}) == 10
    assert summary == built[1]
    # Done means done: a third run reads the files and writes nothing new.
    before = (out / "train.jsonl").stat().st_mtime_ns
    assert build(config, _options(out), verifier, generator_factory=_factory(never), models_dir=tmp_path) == summary
    assert (out / "train.jsonl").stat().st_mtime_ns == before


def test_build_refuses_to_resume_with_other_options(tmp_path, config, verifier, built):
    from hsx.data.files import DatasetError

    out = tmp_path / "ds"
    shutil.copytree(built[0], out)
    with pytest.raises(DatasetError, match="other options"):
        build(config, _options(out, seed=7), verifier, generator_factory=_factory(FakeGenerator()))


def test_translation_with_the_real_tiny_model_rejects_its_junk(tmp_path, verifier):
    """The CLI end to end with the tiny model built in code: whatever it writes is counted and
    rejected (or, by luck, kept), and the build completes."""
    toml = tmp_path / "tiny.toml"
    toml.write_text(f"""
jobs = 2
[model]
base = "tiny"
[sampling]
max_new_tokens = 24
batch_size = 4
[search]
eval_timeout = 0.5
[selfplay]
runs_dir = "{tmp_path / 'runs'}"
""")
    out = tmp_path / "ds"
    result = CliRunner().invoke(dataset, ["build", "--source", str(ITEMS), "--out", str(out), "--limit", "4",
                                          "--inputs", "3", "--config", str(toml)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "OpInstruct-HSx build" in result.output
    counts = json.loads((out / "counts.json").read_text())
    stages, rejections = counts["stages"], counts["rejections"]
    assert stages["translated"] == 4
    assert stages["unique programs"] + sum(rejections.values()) == 4
    assert counts["model"] == "tiny"
    texts = read_jsonl(out / "stages" / "translate.jsonl")
    assert len(texts) == 4 and all(t["tokens"] <= 24 for t in texts)
    # The same junk inside a code block goes through the later stages: rejected, never an error.
    for t in texts:
        status, detail, _, _ = validate_candidate(verifier, t["id"], t["text"] + "\n", inputs=3, seed=0)
        assert status != "ok" and detail, (status, t["text"])


# ------------------------------------------------------------------------------------------------
# Import of the released OpInstruct-HSx


def test_import_revalidates_every_released_record(tmp_path, verifier):
    out = tmp_path / "released"
    summary = import_released(verifier, str(FIXTURES / "released.jsonl"), out, test_fraction=0.5)
    assert summary["stages"]["records read"] == 11
    # addPair (4 records, one comment/layout variant, one of the wrong arity), firstWord, safeHead,
    # zipSum, countDigits, the unsafe one, the broken one
    assert summary["stages"]["distinct programs"] == 7
    assert summary["rejections"] == {"bad-input": 1, "crash": 1, "unsafe": 1, "compile-error": 1}
    assert summary["outputs differing from the released record"] == 1  # countDigits says 999
    assert summary["released status"] == {"success": 10, "error": 1}
    programs = {p.entry: p for s in ("train", "test") for p in
                (load_pool(out / f"{s}.jsonl") if (out / f"{s}.jsonl").read_text() else [])}
    assert set(programs) == {"addPair", "firstWord", "safeHead", "zipSum", "countDigits"}
    assert programs["addPair"].inputs == (("3", "4"), ("(-2)", "10"), ("1", "1"))
    assert programs["addPair"].outputs == ("7", "8", "2")
    assert programs["safeHead"].inputs == (("[5,6]",),)  # the crashing input is dropped
    assert programs["countDigits"].outputs == ("4",)  # hsx's output, not the released one
    assert summary["stages"]["records re-validated"] == 7
    train = {code_hash(r["code"]) for r in read_jsonl(out / "train.jsonl")}
    test = {code_hash(r["code"]) for r in read_jsonl(out / "test.jsonl")}
    assert not train & test
    assert "re-validated" in (out / "README.md").read_text()


def test_import_of_a_missing_source_says_so(tmp_path):
    result = CliRunner().invoke(dataset, ["import", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "not a hub dataset id" in result.output


# ------------------------------------------------------------------------------------------------
# Export of self-play pairs


def _synthetic_run(root: Path, name: str, config, seed: int) -> Path:
    """A run directory as self-play leaves it: config.json and, per iteration, selected.jsonl and
    bob.jsonl (complete PairRecords, as hsx/selfplay/loop.py writes them)."""
    run = root / name
    pool = {p.id: p for p in load_pool(Path(__file__).parent.parent / "data" / "programs" / "starter.jsonl")}
    cfg = to_dict(config)
    cfg["model"]["base"] = "tiny"
    cfg["selfplay"]["seed"] = seed
    write_json(run / "config.json", cfg)
    ids = sorted(pool)[:6]
    for k in range(2):
        chosen = [pool[i] for i in ids[k * 2:k * 2 + 4]]
        write_jsonl(run / f"iter_{k}" / "selected.jsonl", [p.to_json() for p in chosen])
        bob = []
        for j, p in enumerate(chosen):
            seq = j % 2 == 0
            pair_id = f"pair-{k}-{j}"
            result = Result(Verdict.EQUIVALENT if seq else Verdict.INEQUIVALENT, "r", id=pair_id,
                            proof=ProofRecord("proved", text=f"equiv x = () -- {p.id}") if seq else None,
                            counterexample=None if seq else Counterexample(
                                ("(-1)",), Outcome("value", "1"),
                                Outcome("exception", exception="ErrorCall", message="boom")))
            bob.append(PairRecord(pair_id, "seq" if seq else "sinq", 2.0 * j, [], "", program_id=p.id,
                                  q=p.code + "\n-- variant\n", inputs=None if seq else ("(-1)",),
                                  verification=Verification(pair_id, True, "verified", "r", result)))
        # A record whose verdict does not match its kind is not a verified pair.
        bad = Result(Verdict.UNKNOWN, "r", id=f"pair-{k}-bad")
        bob.append(dataclasses.replace(bob[0], id=f"pair-{k}-bad", kind="sinq", verification=Verification(
            f"pair-{k}-bad", False, "non-diverging", "r", bad)))
        write_jsonl(run / f"iter_{k}" / "bob.jsonl", [b.to_json() for b in bob])
    (run / "iter_2").mkdir()  # an iteration that stopped before Bob
    return run


def test_export_splits_pairs_by_p(tmp_path, config):
    runs = [_synthetic_run(tmp_path, "run-a", config, 1), _synthetic_run(tmp_path, "run-b", config, 2)]
    out = tmp_path / "pairs"
    summary = export_pairs(runs, out, test_fraction=0.5)
    assert summary["stages"]["verified pairs"] == 16
    assert summary["skipped"] == {"not verified": 4}
    rows = {s: read_jsonl(out / f"{s}.jsonl") for s in ("train", "test")}
    ps = {s: {code_hash(r["p_code"]) for r in rs} for s, rs in rows.items()}
    assert not ps["train"] & ps["test"]
    every = rows["train"] + rows["test"]
    assert {r["label"] for r in every} == {"equivalent", "inequivalent"}
    assert sum(summary["labels"][s].get("equivalent", 0) for s in summary["labels"]) == 8
    eq = next(r for r in every if r["label"] == "equivalent")
    neq = next(r for r in every if r["label"] == "inequivalent")
    assert eq["proof"].startswith("equiv") and eq["counterexample"] == []
    assert neq["proof"] is None and neq["counterexample"] == ["(-1)"]
    assert neq["p_output"] == "1" and neq["q_output"].startswith("exception ErrorCall")
    assert {r["seed"] for r in every} == {1, 2} and {r["model"] for r in every} == {"tiny"}
    assert {r["iteration"] for r in every} == {0, 1}
    card = (out / "README.md").read_text()
    assert "Label balance" in card and "| verified pairs | 16 |" in card


def test_export_push_fails_clearly_offline(tmp_path, config, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    run = _synthetic_run(tmp_path, "run-a", config, 0)
    result = CliRunner().invoke(dataset, ["export", str(run), "--out", str(tmp_path / "pairs"),
                                          "--push", "someone/hsx-pairs"])
    assert result.exit_code == 1
    assert "could not push" in result.output and "huggingface-cli login" in result.output
    assert (tmp_path / "pairs" / "README.md").exists()  # the dataset on disk is complete anyway


def test_export_of_a_directory_that_is_not_a_run(tmp_path):
    result = CliRunner().invoke(dataset, ["export", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "not a self-play run directory" in result.output


# ------------------------------------------------------------------------------------------------
# Statistics


def test_stats_plot_programs_and_pairs(tmp_path, config, built):
    programs = tmp_path / "programs"
    shutil.copytree(built[0], programs)
    result = CliRunner().invoke(dataset, ["stats", str(programs)])
    assert result.exit_code == 0, result.output
    for name in ("size", "type", "arity", "label"):
        png = programs / "stats" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "[Int] -> [Int]" in result.output

    pairs = tmp_path / "pairs"
    export_pairs([_synthetic_run(tmp_path, "run-a", config, 0)], pairs, test_fraction=0.5)
    stats = dataset_stats(pairs)
    assert stats["kind"] == "pairs"
    assert sum(sum(c.values()) for c in stats["label"].values()) == 8
    assert len(stats["plots"]) == 4 and all(Path(p).exists() for p in stats["plots"])


def test_dataclass_options_reject_nonsense(tmp_path):
    with pytest.raises(ValueError):
        BuildOptions(source="x", out=tmp_path, test_fraction=1.0)
    assert dataclasses.replace(BuildOptions(source="x", out=tmp_path), limit=3).limit == 3
