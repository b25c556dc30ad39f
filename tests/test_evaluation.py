"""`hsx eval`: loaders on fixture files in each benchmark's schema (written for hsx, never the
real data), prompts, answer parsing, metrics against hand-computed values, a run end to end on
the tiny model, HumanEval-hs execution in the sandbox, and the click group."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hsx import prompts
from hsx.benchmarks import (BenchmarkError, load_equibench, load_haskell_pairs, load_humaneval_hs,
                            load_pysecdb, read_label)
from hsx.cli_eval import eval_group
from hsx.evaluation import (EvalSpec, candidate_code, compare_runs, load_items, load_official_prompts,
                            run_eval, untrusted_check_completion, write_eval_report)
from hsx.generation import Generation
from hsx.parsing import parse_bob
from hsx.statistics import (binary_metrics, bootstrap_mean_ci, majority_baseline, mcnemar_exact,
                            paired_bootstrap_diff, stratified_bootstrap_ci)

FIX = Path(__file__).parent / "fixtures" / "eval"
EQUI = FIX / "equibench"


# ---- loaders ----

def test_load_equibench_local_folder():
    pairs = load_equibench(EQUI)
    assert [p.category for p in pairs] == ["DCE", "DCE", "STOKE", "STOKE", "TVM", "OJ_A", "OJ_A"]
    assert [p.label for p in pairs] == [True, False, True, False, True, False, True]
    stoke = pairs[2]
    assert stoke.def_in == "{ %rdi }" and stoke.live_out == "{ %rax }" and stoke.problem_html is None
    assert "1 + 2" in pairs[5].problem_html
    assert [p.id for p in load_equibench(EQUI, ("OJ_A",))] == ["oj-1", "oj-2"]
    with pytest.raises(BenchmarkError, match="OJ_V"):
        load_equibench(EQUI, ("OJ_V",))


def test_load_pysecdb_pairs_humaneval():
    commits = load_pysecdb(FIX / "pysecdb.jsonl")
    assert [(c.id, c.label, c.cve_id) for c in commits] == [("c1", True, "CVE-0000-0001"), ("c2", False, ""),
                                                            ("c3", False, "")]
    pairs = load_haskell_pairs(FIX / "haskell_pairs.jsonl")
    assert [(p.id, p.label) for p in pairs] == [("hp-1", True), ("hp-2", False)]
    tasks = load_humaneval_hs(FIX / "humaneval_hs.jsonl")
    assert tasks[0].id == "HSX_0_add_two" and tasks[0].prompt.endswith("addTwo x y =")
    assert "\n\n" in tasks[0].stop_tokens and "main" in tasks[0].tests


def test_haskell_pairs_from_a_folder_and_a_saved_dataset(tmp_path):
    (tmp_path / "jsonl").mkdir()
    shutil.copy(FIX / "haskell_pairs.jsonl", tmp_path / "jsonl" / "test.jsonl")
    assert len(load_haskell_pairs(tmp_path / "jsonl")) == 2
    from datasets import Dataset, DatasetDict
    rows = [json.loads(line) for line in (FIX / "haskell_pairs.jsonl").read_text().splitlines()]
    DatasetDict({"train": Dataset.from_list(rows[:1]), "test": Dataset.from_list(rows)}).save_to_disk(tmp_path / "hf")
    assert [p.id for p in load_haskell_pairs(tmp_path / "hf")] == ["hp-1", "hp-2"]


def test_labels_and_bad_records(tmp_path):
    assert read_label("Equivalent", "x") is True and read_label("inequivalent", "x") is False
    assert read_label(1, "x") is True and read_label("non-security", "x") is False
    with pytest.raises(BenchmarkError, match="maybe"):
        read_label("maybe", "f:3")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "a", "label": 1}) + "\n")
    with pytest.raises(BenchmarkError, match="content"):
        load_pysecdb(bad)


# ---- prompts ----

def test_equibench_prompts_state_each_categorys_notion():
    items = load_items(EvalSpec("equibench", str(EQUI)))
    text = {it.category: it.conversation[-1]["content"] for it in items}
    assert "same program state" in text["DCE"] and "```c\n" in text["DCE"]
    assert "live-out" in text["STOKE"] and "{ %rax }" in text["STOKE"] and "{ %rdi }" in text["STOKE"]
    assert "floating-point rounding" in text["TVM"] and "CUDA" in text["TVM"]
    assert "every valid input" in text["OJ_A"] and "1 + 2" in text["OJ_A"] and "Python" in text["OJ_A"]
    for t in text.values():
        assert "Haskell" not in t
        assert t.rstrip().endswith(f"`{prompts.ANSWER_MARKER} {prompts.NO}` if they are not.")
    with pytest.raises(ValueError, match="unknown EquiBench category"):
        prompts.equibench_judge("COBOL", "a", "b")


def test_other_benchmarks_prompts():
    sec = load_items(EvalSpec("pysecdb", str(FIX / "pysecdb.jsonl")))[0].conversation[0]["content"]
    assert "security patch" in sec and "memcpy" in sec and prompts.ANSWER_MARKER in sec
    hp = load_items(EvalSpec("haskell-pairs", str(FIX / "haskell_pairs.jsonl")))[0]
    assert hp.conversation == prompts.bob_judge("double :: Int -> Int\ndouble x = x * 2\n",
                                                "double :: Int -> Int\ndouble x = x + x\n")
    he = load_items(EvalSpec("humaneval-hs", str(FIX / "humaneval_hs.jsonl")))[0]
    assert "addTwo :: Int -> Int -> Int" in he.conversation[0]["content"] and he.label is None


def test_official_prompts_file():
    spec = EvalSpec("equibench", str(EQUI), prompts_file=str(FIX / "official_prompts.json"), prompt_mode="ZERO",
                    categories=("DCE", "OJ_A"))
    items = load_items(spec)
    dce = items[0].conversation[-1]["content"]
    assert dce.startswith("Are these C programs equivalent?\nint f(int x)")
    assert "int main() { return 0; }" in dce  # other braces untouched
    assert dce.rstrip().endswith("if they are not.")  # hsx's answer line appended
    assert items[2].conversation[0]["content"].startswith("Problem: <p>Read n")  # OJ serves OJ_A
    cot_spec = dataclasses_replace(spec, prompt_mode="ZERO_COT", categories=("DCE",))
    cot = load_items(cot_spec)[0].conversation[-1]["content"]
    assert cot.endswith("ANSWER: NO.")  # already asks for ANSWER: nothing appended
    few = load_items(dataclasses_replace(spec, prompt_mode="FEW", categories=("DCE",)))[0].conversation
    assert [m["role"] for m in few] == ["user", "assistant", "user"] and "int g(int x)" not in few[-1]["content"]
    with pytest.raises(BenchmarkError, match="no FEW template for category OJ_A"):
        load_items(dataclasses_replace(spec, prompt_mode="FEW", categories=("OJ_A",)))


def test_official_prompts_file_is_checked(tmp_path):
    bad = tmp_path / "p.json"
    bad.write_text(json.dumps({"DCE": {"ONE_SHOT": "x"}}))
    with pytest.raises(BenchmarkError, match="ONE_SHOT"):
        load_official_prompts(bad)


def dataclasses_replace(spec, **kw):
    import dataclasses
    return dataclasses.replace(spec, **kw)


# ---- answer parsing (the protocol: last marker, unparsed is None) ----

@pytest.mark.parametrize("text, expected", [
    ("Could the answer be YES? No: for x = -1 they differ.\nANSWER: NO", False),
    ("ANSWER: NO at first sight... but after all\nANSWER: YES", True),
    ("They are equivalent, yes.", None),
    ("ANSWER: YES or NO, hard to say", None),
    ("<think>ANSWER: NO</think>Final.\nANSWER: YES", True),
])
def test_answer_parsing(text, expected):
    assert parse_bob(text) is expected


# ---- metrics against hand-computed values ----

def test_binary_metrics_hand_computed():
    truths = [True, True, True, True, False, False, False, False, True, False]
    preds = [True, True, False, None, False, False, True, None, True, False]
    m = binary_metrics(truths, preds)
    # tp 3, fn 1 (+1 unparsed), tn 3, fp 1 (+1 unparsed)
    assert m["confusion"] == {"tp": 3, "fp": 1, "tn": 3, "fn": 1, "unparsed_pos": 1, "unparsed_neg": 1}
    assert m["accuracy"] == pytest.approx(6 / 10)
    assert m["parse_rate"] == pytest.approx(8 / 10) and m["parsed_accuracy"] == pytest.approx(6 / 8)
    assert m["precision"] == pytest.approx(3 / 5) and m["recall"] == pytest.approx(3 / 5)
    assert m["f1"] == pytest.approx(0.6)


def test_majority_baseline():
    labels = [True] * 31 + [False] * 69
    b = majority_baseline(labels)
    assert b["majority"] is False and b["accuracy"] == pytest.approx(0.69) and b["f1"] == 0.0


def test_mcnemar_exact_small_tables():
    # b=1, c=6: p = 2 * (C(7,0) + C(7,1)) / 2^7 = 16/128
    assert mcnemar_exact(1, 6) == pytest.approx(0.125)
    assert mcnemar_exact(6, 1) == pytest.approx(0.125)
    assert mcnemar_exact(0, 5) == pytest.approx(2 / 32)
    assert mcnemar_exact(3, 3) == 1.0 and mcnemar_exact(0, 0) == 1.0
    assert 0 < mcnemar_exact(1000, 1200) < 0.001  # no overflow on large counts


def test_bootstrap_is_seeded_and_sane():
    scores = [1.0] * 30 + [0.0] * 10
    a, b = bootstrap_mean_ci(scores, seed=3), bootstrap_mean_ci(scores, seed=3)
    assert a == b and a[0] < 0.75 < a[1] and 0.5 < a[0] and a[1] < 0.9
    assert bootstrap_mean_ci([1.0] * 5) == (1.0, 1.0)
    lo, hi = stratified_bootstrap_ci([[1.0, 1.0], [0.0, 0.0, 0.0]], seed=1)
    assert lo == hi == 0.5
    d = paired_bootstrap_diff([0, 0, 1, 1], [1, 1, 1, 1], seed=0)
    assert d["diff"] == 0.5 and 0 <= d["ci"][0] <= 0.5 <= d["ci"][1] <= 1.0
    assert d == paired_bootstrap_diff([0, 0, 1, 1], [1, 1, 1, 1], seed=0)


# ---- a run with a fake model (the collaborator), then compare and report ----

class CannedGenerator:
    """Answers from a function of (conversation, seed): stands in for the model."""

    def __init__(self, answer):
        self.answer = answer
        self.calls = []

    def generate(self, conversations, *, n, adapter, seed):
        self.calls.append((len(conversations), adapter, seed))
        return [[Generation(self.answer(c, seed), 5, False)] * n for c in conversations]

    def close(self):
        pass


def test_run_scores_compare_and_report(tmp_path, config):
    spec = EvalSpec("equibench", str(EQUI), repeats=2, seed=7)
    # "A" always answers YES; "B" reasons, mentions both words, and is right except on one item.
    always_yes = CannedGenerator(lambda c, s: "Hmm, maybe NO? I think YES.\nANSWER: YES")

    def mostly_right(conv, seed):
        text = conv[-1]["content"]
        if "int g(int x)" in text:
            return "I cannot decide."  # unparsed
        equivalent = any(k in text for k in ("unused", "leaq", "a[i] + a[i]", "range(n + 1)"))
        return f"Reasoning... YES or NO?\nANSWER: {'YES' if equivalent else 'NO'}"
    run_a = tmp_path / "a"
    sa = run_eval(config, spec, run_a, model_path="unused", generator=always_yes)
    assert always_yes.calls == [(7, None, 7), (7, None, 8)]  # one batched call per repeat, distinct seeds
    assert sa["categories"]["DCE"]["score"] == 0.5 and sa["categories"]["TVM"]["score"] == 1.0
    assert sa["overall"]["score"] == pytest.approx((0.5 + 0.5 + 1.0 + 0.5) / 4)
    assert sa["overall"]["parse_rate"] == 1.0 and sa["repeats"] == 2

    rows = [json.loads(line) for line in (run_a / "predictions_r1.jsonl").read_text().splitlines()]
    assert set(rows[0]) >= {"id", "category", "label", "output", "answer", "seed", "repeat", "correct"}
    assert rows[0]["seed"] == 8 and rows[0]["repeat"] == 1

    run_b = tmp_path / "b"
    sb = run_eval(config, spec, run_b, model_path="unused", generator=CannedGenerator(mostly_right))
    dce = sb["categories"]["DCE"]
    assert dce["score"] == 0.5 and dce["parse_rate"] == 0.5 and dce["parsed_accuracy"] == 1.0
    assert sb["categories"]["OJ_A"]["score"] == 1.0

    # resume: nothing to generate again
    again = CannedGenerator(mostly_right)
    run_eval(config, spec, run_b, model_path="unused", generator=again)
    assert again.calls == []

    c = compare_runs(run_a, run_b)
    oj = c["categories"]["OJ_A"]
    assert (oj["score_a"], oj["score_b"], oj["diff"]) == (0.5, 1.0, 0.5)
    assert [(t["only_a"], t["only_b"]) for t in oj["mcnemar"]] == [(0, 1), (0, 1)]
    assert oj["mcnemar"][0]["p"] == 1.0
    overall = c["overall"]
    assert [(t["only_a"], t["only_b"]) for t in overall["mcnemar"]] == [(0, 2), (0, 2)]  # stoke-2, oj-1
    assert overall["mcnemar"][0]["p"] == pytest.approx(mcnemar_exact(0, 2)) == 0.5
    assert overall["diff"] == pytest.approx(sb["overall"]["score"] - sa["overall"]["score"])

    files = write_eval_report([run_a, run_b], tmp_path / "report")
    assert [f.name for f in files] == ["equibench.png", "report.md"]
    assert files[0].read_bytes()[:4] == b"\x89PNG"
    md = files[1].read_text()
    assert "| equibench | base | DCE | 2 | 50.0 |" in md and "| overall |" in md


def test_pysecdb_summary_has_the_majority_baseline(tmp_path, config):
    spec = EvalSpec("pysecdb", str(FIX / "pysecdb.jsonl"))
    s = run_eval(config, spec, tmp_path / "r", model_path="unused",
                 generator=CannedGenerator(lambda c, s: "ANSWER: NO"))
    assert s["baseline"]["accuracy"] == pytest.approx(2 / 3) and s["baseline"]["majority"] is False
    assert s["overall"]["score"] == pytest.approx(2 / 3) and s["overall"]["f1"] == 0.0


# ---- end to end on the tiny model ----

@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> str:
    from hsx.tinymodel import build_tiny_model
    return str(build_tiny_model(tmp_path_factory.mktemp("models") / "tiny", seed=0))


def test_end_to_end_on_the_tiny_model(tmp_path, config, tiny):
    import dataclasses
    config = dataclasses.replace(config, model=dataclasses.replace(config.model, base="tiny"))
    spec = EvalSpec("haskell-pairs", str(FIX / "haskell_pairs.jsonl"), repeats=2, max_new_tokens=8)
    s = run_eval(config, spec, tmp_path / "run", model_path=tiny)
    assert s["overall"]["items"] == 2 and s["overall"]["answers"] == 4
    rows = [json.loads(line) for line in (tmp_path / "run" / "predictions_r0.jsonl").read_text().splitlines()]
    assert all(r["tokens"] <= 8 for r in rows)
    # random weights do not write "ANSWER: ...": unparsed, hence wrong, and reported as such
    assert s["overall"]["score"] <= s["overall"]["parse_rate"] + 1e-9
    assert s["overall"]["truncated"] == sum(r["truncated"] for r in rows) + sum(
        json.loads(line)["truncated"] for line in (tmp_path / "run" / "predictions_r1.jsonl").read_text().splitlines())


# ---- HumanEval-hs in the sandbox ----

CORRECT = "Here it is.\n```haskell\ncountEvens :: [Int] -> Int\ncountEvens xs = length (filter even xs)\n```\n"
WRONG = "```haskell\ncountEvens :: [Int] -> Int\ncountEvens xs = length xs\n```\n"


def test_candidate_code_shapes():
    task = load_humaneval_hs(FIX / "humaneval_hs.jsonl")[1]
    assert candidate_code(task, CORRECT).startswith("countEvens :: [Int] -> Int")
    cont = candidate_code(task, " length (filter even xs)\n\nmore junk")  # a base model's continuation
    assert cont.endswith("countEvens xs = length (filter even xs)")
    eq = candidate_code(task, "```hs\ncountEvens ys = 0\n```")
    assert "countEvens :: [Int] -> Int\ncountEvens ys = 0" in eq and "countEvens xs =" not in eq
    assert candidate_code(task, "") is None


def test_humaneval_execution_in_the_sandbox(config, toolchain):
    task = load_humaneval_hs(FIX / "humaneval_hs.jsonl")[1]
    assert untrusted_check_completion(task, CORRECT, config).status == "passed"
    wrong = untrusted_check_completion(task, WRONG, config)
    assert wrong.status == "failed" and "assertion failed" in wrong.detail
    bad = untrusted_check_completion(task, "```haskell\nimport System.Process\ncountEvens _ = 0\n```", config)
    assert bad.status == "rejected" and "System.Process" in bad.detail
    assert untrusted_check_completion(task, "```haskell\ncountEvens = \n```", config).status == "compile-error"


# ---- the click group ----

def test_cli_run_compare_report(tmp_path, tiny):
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[selfplay]\nruns_dir = "{tmp_path / "runs"}"\n[sampling]\nmax_new_tokens = 4\n')
    models = tmp_path / "runs" / ".models"
    models.mkdir(parents=True)
    shutil.copytree(tiny, models / "tiny-0")
    runner = CliRunner()
    res = runner.invoke(eval_group, ["run", "pysecdb", str(FIX / "pysecdb.jsonl"), "--config", str(cfg),
                                     "--repeats", "2", "--out", str(tmp_path / "base")])
    assert res.exit_code == 0, res.output
    assert "majority-class baseline (always NO): accuracy 66.7%" in res.output
    res = runner.invoke(eval_group, ["run", "pysecdb", str(FIX / "pysecdb.jsonl"), "--config", str(cfg),
                                     "--seed", "1", "--out", str(tmp_path / "other")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(eval_group, ["compare", str(tmp_path / "base"), str(tmp_path / "other"), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["repeat_pairs"] == 1
    res = runner.invoke(eval_group, ["report", str(tmp_path / "base"), str(tmp_path / "other"),
                                     "--out", str(tmp_path / "rep")])
    assert res.exit_code == 0 and (tmp_path / "rep" / "pysecdb.png").exists()
    res = runner.invoke(eval_group, ["run", "pysecdb", str(FIX / "pysecdb.jsonl"), "--prompts",
                                     str(FIX / "official_prompts.json")])
    assert res.exit_code == 2 and "EquiBench" in res.output
