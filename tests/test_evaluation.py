"""`hsx eval`: loaders on files written by the team in each benchmark's published form (never the
real data), prompts, answer parsing, metrics against hand-computed values, a run end to end on
the tiny model, scoring of outputs produced elsewhere, HumanEval-hs execution in the sandbox, the
canonical-solution check script, the reproduce plan, and the click group."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hsx.agents import prompts
from hsx.agents.parsing import parse_bob
from hsx.cli.eval import eval_group
from hsx.eval.benchmarks import (BenchmarkError, load_equibench, load_haskell_pairs, load_humaneval_hs,
                            load_pysecdb, read_label)
from hsx.eval.humaneval import candidate_code, untrusted_check_completion, untrusted_check_program
from hsx.eval.items import EvalSpec, load_items, load_official_prompts, parse_official
from hsx.eval.report import write_eval_report
from hsx.eval.run import run_eval, score_outputs
from hsx.eval.runfiles import EvalRun, Summary, read_summary
from hsx.eval.score import compare_runs
from hsx.eval.statistics import (binary_metrics, bootstrap_mean_ci, majority_baseline, mcnemar_exact,
                            paired_bootstrap_diff, stratified_bootstrap_ci)
from hsx.models.generation import Generation

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).parent / "fixtures" / "eval"
EQUI = FIX / "equibench"  # <CAT>/pairs.jsonl
EQUI_DOWNLOADED = FIX / "equibench_downloaded"  # EquiBench's downloader: <CAT>/pairs.json
EQUI_REPO = FIX / "equibench_repo"  # a clone of the dataset repository: README configs + preprocess/
PROMPTS = FIX / "prompts.yaml"  # the shape of EquiBench's prompts.yaml, the team's own text
PAPER_HE = FIX / "humaneval_hs_paper.jsonl"  # HumanEval-hs in the self-play paper's layout


@pytest.fixture(autouse=True)
def _datasets_cache(tmp_path, monkeypatch):
    # datasets writes Arrow caches of what it loads; keep them out of the user's cache
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf-datasets"))


# ---- loaders ----

EXPECTED = [("DCE", "0", True), ("DCE", "1", False), ("STOKE", "0", True), ("STOKE", "1", False),
            ("TVM", "0", True), ("OJ_A", "0", False), ("OJ_A", "1", True)]


@pytest.mark.parametrize("source", [EQUI, EQUI_DOWNLOADED, EQUI_REPO], ids=["jsonl", "downloader", "repo-clone"])
def test_load_equibench_in_each_published_form(source):
    pairs = load_equibench(source)
    assert [(p.category, p.id, p.label) for p in pairs] == EXPECTED
    stoke = pairs[2]
    assert stoke.def_in == "{ %rdi }" and stoke.live_out == "{ %rax }" and stoke.problem_html is None
    assert "1 + 2" in pairs[5].problem_html and pairs[0].problem_html is None
    assert [p.id for p in load_equibench(source, ("OJ_A",))] == ["0", "1"]
    with pytest.raises(BenchmarkError, match="OJ_V"):
        load_equibench(source, ("OJ_V",))


def test_the_repo_clone_is_read_through_its_configs_block(tmp_path):
    """The clone is read by datasets.load_dataset(path, name=CAT, split="train"): the README's
    `configs:` block, not a guessed file layout, says where STOKE's pairs_v2.jsonl is."""
    clone = tmp_path / "clone"
    shutil.copytree(EQUI_REPO, clone)
    (clone / "preprocess" / "STOKE" / "pairs_v2.jsonl").rename(clone / "preprocess" / "STOKE" / "elsewhere.jsonl")
    readme = clone / "README.md"
    readme.write_text(readme.read_text().replace("STOKE/pairs_v2.jsonl", "STOKE/elsewhere.jsonl"))
    assert [p.id for p in load_equibench(clone, ("STOKE",))] == ["0", "1"]
    with pytest.raises(BenchmarkError, match="unknown EquiBench categories COBOL"):
        load_equibench(clone, ("COBOL",))


def test_equibench_records_missing_a_prompt_field_are_errors(tmp_path):
    rows = [json.loads(line) for line in (EQUI / "OJ_A" / "pairs.jsonl").read_text().splitlines()]
    del rows[1]["problem_html_content"]
    (tmp_path / "OJ_A").mkdir()
    (tmp_path / "OJ_A" / "pairs.json").write_text(json.dumps(rows, indent=4))
    with pytest.raises(BenchmarkError, match=r"pairs.json:2 \(pair OJ_A/1\): missing field 'problem_html_content'"):
        load_equibench(tmp_path)
    rows = [json.loads(line) for line in (EQUI / "STOKE" / "pairs.jsonl").read_text().splitlines()]
    del rows[0]["problem_live_out"]
    (tmp_path / "STOKE").mkdir()
    (tmp_path / "STOKE" / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(BenchmarkError, match="pair STOKE/0.*'problem_live_out', which the STOKE prompt needs"):
        load_equibench(tmp_path, ("STOKE",))
    with pytest.raises(BenchmarkError, match="nothing-here: not a local folder, and its configs cannot be read"):
        load_equibench(tmp_path / "nothing-here")
    (tmp_path / "empty").mkdir()
    with pytest.raises(BenchmarkError, match="none of <CATEGORY>/pairs.json"):
        load_equibench(tmp_path / "empty")


def test_load_pysecdb_from_a_file_and_a_repo_clone():
    for source in (FIX / "pysecdb.jsonl", FIX / "pysecdb_repo"):
        commits = load_pysecdb(source)
        assert [(c.id, c.label, c.cve_id) for c in commits] == [("c1", True, "CVE-0000-0001"), ("c2", False, ""),
                                                                ("c3", False, "")]
        assert "memcpy" in commits[0].content


def test_load_pairs_and_both_humaneval_layouts():
    pairs = load_haskell_pairs(FIX / "haskell_pairs.jsonl")
    assert [(p.id, p.label) for p in pairs] == [("hp-1", True), ("hp-2", False)]
    tasks = load_humaneval_hs(FIX / "humaneval_hs.jsonl")
    assert tasks[0].id == "HSX_0_add_two" and tasks[0].prompt.endswith("addTwo x y =")
    assert tasks[0].layout == "multipl-e" and "\n\n" in tasks[0].stop_tokens and "main" in tasks[0].tests
    paper = load_humaneval_hs(PAPER_HE)
    assert [t.id for t in paper] == ["Haskell/0", "Haskell/1", "Haskell/2"]
    assert paper[0].layout == "paper" and paper[0].prompt.endswith("sum_of_squares :: [Int] -> Int")
    assert "sum [x * x | x <- xs]" in paper[0].canonical_solution and "check (" in paper[0].tests


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
    bad.write_text(json.dumps({"task": "x", "prompt": "p"}) + "\n")
    with pytest.raises(BenchmarkError, match="neither the paper's HumanEval-hs layout"):
        load_humaneval_hs(bad)


# ---- prompts ----

def test_equibench_prompts_state_each_categorys_notion():
    items = load_items(EvalSpec("equibench", str(EQUI)))
    text = {it.category: it.conversation[-1]["content"] for it in items}
    assert "same program state" in text["DCE"] and "```c\n" in text["DCE"]
    assert "live-out" in text["STOKE"] and "{ %rax }" in text["STOKE"] and "{ %rdi }" in text["STOKE"]
    assert "floating-point rounding" in text["TVM"] and "CUDA" in text["TVM"]
    assert "every valid input" in text["OJ_A"] and "1 + 2" in text["OJ_A"] and "Python" in text["OJ_A"]
    for it in items:
        assert it.protocol == "hsx"
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
    paper = load_items(EvalSpec("humaneval-hs", str(PAPER_HE)))[0]
    assert "sum_of_squares :: [Int] -> Int" in paper.conversation[0]["content"]
    assert "x * x" not in paper.conversation[0]["content"]  # the canonical solution is never sent


def test_official_prompts_yaml_filled_as_equibench_fills_it():
    official = load_official_prompts(PROMPTS)
    assert (official.true_label, official.false_label) == ("YES", "NO")
    assert set(official.templates) == {"DCE", "STOKE", "TVM", "OJ_A"}
    items = load_items(EvalSpec("equibench", str(EQUI_REPO), prompts_file=str(PROMPTS), prompt_mode="ZERO"))
    text = {(it.category, it.id): it.conversation for it in items}
    assert all(len(c) == 1 and c[0]["role"] == "user" for c in text.values())  # one user turn, as EquiBench sends
    dce = text[("DCE", "0")][0]["content"]
    assert dce == ("Do these two C programs always reach the same states?\n(Program 1)\n"
                   "int f(int x) {\n  int y = x * 2;\n  int unused = 7;\n  return y;\n}\n\n(Program 2)\n"
                   "int f(int x) {\n  int y = x * 2;\n  return y;\n}\n\nReply with YES or NO only.\n")
    stoke = text[("STOKE", "1")][0]["content"]
    assert "defined on entry: { %rdi }. Registers compared on exit: { %rax }." in stoke
    assert "movq %rdi, %rax" in stoke and "xorq %rax, %rax" in stoke
    oj = text[("OJ_A", "0")][0]["content"]
    assert oj.startswith("(Problem)\n<p>Read n and print the sum 1 + 2 + ... + n") and "sum(range(n))" in oj
    assert "CUDA" in text[("TVM", "0")][0]["content"] and "a[i] + a[i]" in text[("TVM", "0")][0]["content"]
    assert all(it.protocol == "official" and it.labels == ("YES", "NO") for it in items)
    few = load_items(EvalSpec("equibench", str(EQUI), prompts_file=str(PROMPTS), prompt_mode="FEW",
                              categories=("DCE",)))[0].conversation[0]["content"]
    assert "void h() { int a = 1; }" in few and "void h() { }" in few  # doubled braces -> literal braces
    cot = load_items(EvalSpec("equibench", str(EQUI), prompts_file=str(PROMPTS), categories=("DCE",)))
    assert cot[0].conversation[0]["content"].endswith("give YES or NO in the end.\n")  # ZERO_COT by default
    with pytest.raises(BenchmarkError, match="no FEW template for category OJ_A"):
        load_items(EvalSpec("equibench", str(EQUI), prompts_file=str(PROMPTS), prompt_mode="FEW",
                            categories=("OJ_A",)))


def test_official_prompts_file_is_checked(tmp_path):
    bad = tmp_path / "p.yaml"
    labels = 'true_label: "YES"\nfalse_label: "NO"\n'
    bad.write_text(labels + "DCE:\n  ONE_SHOT: x\n")
    with pytest.raises(BenchmarkError, match="ONE_SHOT"):
        load_official_prompts(bad)
    bad.write_text("DCE:\n  ZERO: x\n")
    with pytest.raises(BenchmarkError, match="true_label must be a non-empty string"):
        load_official_prompts(bad)
    bad.write_text("true_label: YES\nfalse_label: NO\nDCE:\n  ZERO: x\n")
    with pytest.raises(BenchmarkError, match="quote it .* reads it as the boolean True"):
        load_official_prompts(bad)
    bad.write_text(labels + "DCE: {ZERO: [a, b]}\n")
    with pytest.raises(BenchmarkError, match="DCE.ZERO: a template is a string"):
        load_official_prompts(bad)
    bad.write_text(labels + "DCE:\n  ZERO: |\n    {program_1_code} int main() { }\n")
    with pytest.raises(BenchmarkError, match="doubled"):  # a single brace in code: str.format cannot read it
        load_items(EvalSpec("equibench", str(EQUI), prompts_file=str(bad), prompt_mode="ZERO", categories=("DCE",)))
    bad.write_text(labels + "DCE:\n  ZERO: '{program_1_code} {live_out}'\n")
    with pytest.raises(BenchmarkError, match=r"DCE.ZERO uses the placeholder \{live_out\}"):
        load_items(EvalSpec("equibench", str(EQUI), prompts_file=str(bad), prompt_mode="ZERO", categories=("DCE",)))
    bad.write_text("[1, 2")
    with pytest.raises(BenchmarkError, match="cannot read prompts file"):
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


@pytest.mark.parametrize("text, expected", [
    ("YES", True),
    ("NO\n```", False),
    ("Both programs return 2x for every x, so the answer is YES.", True),
    ("Could they differ? NO: the loop is dead either way. Therefore the programs are equivalent: YES", True),
    ("Program 2 drops the store, which changes memory. The answer is NO.", False),
    ("Step 1: compare.\nStep 2: conclude.\n\n**Answer: NO**", False),
    ("The two are equivalent.\n\n```\nYES\n```\n", True),
    ("<think>Maybe NO.</think>After checking every path, YES.", True),
    ("The answer is YES. Both print the same sum.", True),  # the label in the closing two sentences
    ("Yes.", True),  # a closing sentence that is only the label, in other case
    ("YES at first sight. But wait. Let me check. The sum differs.", None),  # no label at the end
    ("They are equivalent, yes, obviously so.", None),  # lowercase inside a sentence is not the label
    ("NOTHING differs. YESTERDAY I checked.", None),  # labels are whole words
    ("", None),
])
def test_official_answer_protocol(text, expected):
    assert parse_official(text, "YES", "NO") is expected


def test_official_answer_protocol_uses_the_files_labels():
    assert parse_official("so: EQUIV", "EQUIV", "DIFF") is True
    assert parse_official("... thus DIFF", "EQUIV", "DIFF") is False
    assert parse_official("... thus NO", "EQUIV", "DIFF") is None


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
    sa = run_eval(config, spec, run_a, model_path="unused", generator=always_yes).to_json()
    assert always_yes.calls == [(7, None, 7), (7, None, 8)]  # one batched call per repeat, distinct seeds
    assert sa["categories"]["DCE"]["score"] == 0.5 and sa["categories"]["TVM"]["score"] == 1.0
    assert sa["overall"]["score"] == pytest.approx((0.5 + 0.5 + 1.0 + 0.5) / 4)
    assert sa["overall"]["parse_rate"] == 1.0 and sa["repeats"] == 2

    rows = [json.loads(line) for line in (run_a / "predictions_r1.jsonl").read_text().splitlines()]
    assert set(rows[0]) >= {"id", "category", "label", "conversation", "output", "answer", "protocol", "seed",
                            "repeat", "model", "adapter", "correct"}
    assert rows[0]["seed"] == 8 and rows[0]["repeat"] == 1 and rows[0]["protocol"] == "hsx"
    assert rows[0]["adapter"] is None and rows[0]["model"] == config.model.base
    items = load_items(spec)
    assert [r["conversation"] for r in rows] == [it.conversation for it in items]  # the exact prompt sent

    run_b = tmp_path / "b"
    sb = run_eval(config, spec, run_b, model_path="unused", generator=CannedGenerator(mostly_right)).to_json()
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
                 generator=CannedGenerator(lambda c, s: "ANSWER: NO")).to_json()
    assert s["baseline"]["accuracy"] == pytest.approx(2 / 3) and s["baseline"]["majority"] is False
    assert s["overall"]["score"] == pytest.approx(2 / 3) and s["overall"]["f1"] == 0.0


def test_summary_json_is_the_file_the_dict_code_wrote(tmp_path, config):
    """summary.json as a `Summary`: files written before the record existed (EquiBench with its
    protocols and known-mislabeled pairs, PySecDB with its baseline and speed, HumanEval-hs with
    its execution outcomes) load and write back unchanged, and the same runs scored now write
    the same file (the speed aside)."""
    old = {name: json.loads((FIX / "summaries" / f"summary_{name}.json").read_text()) for name in ("eq", "py", "he")}
    for d in old.values():
        assert Summary.from_json(d).to_json() == d
    out = tmp_path / "o.jsonl"
    out.write_text("".join(json.dumps({"id": i, "category": "STOKE", "output": "ANSWER: YES"}) + "\n" for i in "456"))
    score_outputs(config, EvalSpec("equibench", str(FIX / "equibench_paths")), out, tmp_path / "eq", model="m")
    run_eval(config, EvalSpec("pysecdb", str(FIX / "pysecdb.jsonl")), tmp_path / "py", model_path="unused",
             generator=CannedGenerator(lambda c, s: "ANSWER: NO"))
    for name in ("eq", "py"):
        now = json.loads((tmp_path / name / "summary.json").read_text())
        assert ("items_per_s" in now) == ("items_per_s" in old[name])
        now.pop("items_per_s", None), old[name].pop("items_per_s", None)
        assert json.dumps(now, sort_keys=True) == json.dumps(old[name], sort_keys=True)
        again = read_summary(tmp_path / name).to_json()
        again.pop("items_per_s", None)
        assert again == now


def test_official_prompts_run_reads_answers_by_the_official_protocol(tmp_path, config):
    spec = EvalSpec("equibench", str(EQUI_REPO), prompts_file=str(PROMPTS), prompt_mode="ZERO_COT")

    def answer(conv, seed):  # right on every pair, in EquiBench's style, except an unlabelled DCE answer
        text = conv[-1]["content"]
        if "int g(int x)" in text:
            return "They differ when x is large... hard to say."
        equivalent = any(k in text for k in ("unused", "leaq", "a[i] + a[i]", "range(n + 1)"))
        return f"Let me think step by step. Both read n. ... so the answer is {'YES' if equivalent else 'NO'}."
    s = run_eval(config, spec, tmp_path / "r", model_path="unused", generator=CannedGenerator(answer)).to_json()
    assert s["categories"]["STOKE"]["score"] == 1.0 and s["categories"]["OJ_A"]["score"] == 1.0
    assert s["categories"]["DCE"]["score"] == 0.5 and s["categories"]["DCE"]["parse_rate"] == 0.5
    rows = [json.loads(line) for line in (tmp_path / "r" / "predictions_r0.jsonl").read_text().splitlines()]
    assert {r["protocol"] for r in rows} == {"official"}
    stoke = next(r for r in rows if r["category"] == "STOKE")
    assert "Registers defined on entry: { %rdi }" in stoke["conversation"][0]["content"]
    assert stoke["answer"] is True and stoke["output"].endswith("the answer is YES.")


def test_score_outputs_produced_elsewhere_matches_a_generation_run(tmp_path, config):
    spec = EvalSpec("equibench", str(EQUI), repeats=2, seed=7)

    def answer(conv, seed):
        text = conv[-1]["content"]
        return f"ANSWER: {'YES' if ('unused' in text or seed == 8) else 'NO'}"
    generated = run_eval(config, spec, tmp_path / "gen", model_path="unused",
                         generator=CannedGenerator(answer)).to_json()
    items = load_items(spec)
    outputs = tmp_path / "api.jsonl"
    with outputs.open("w") as f:
        for k, seed in enumerate((7, 8)):
            for it in items:  # EquiBench's pair ids repeat across categories: "category" says which
                f.write(json.dumps({"id": it.id, "category": it.category, "repeat": k, "seed": seed,
                                    "output": answer(it.conversation, seed)}) + "\n")
    scored = score_outputs(config, dataclasses_replace(spec, repeats=1), outputs, tmp_path / "api",
                           model="api-x").to_json()
    for key in ("categories", "overall"):
        assert json.dumps(scored[key], sort_keys=True) == json.dumps(generated[key], sort_keys=True)
    assert scored["model"] == scored["model_label"] == "api-x" and scored["seeds"] == [7, 8]
    run = json.loads((tmp_path / "api" / "run.json").read_text())  # run.json: the record's keys, nothing lost
    assert EvalRun.from_json(run).to_json() == run and run["source"] == "outputs" and run["items"] == len(items)
    old = {k: v for k, v in run.items() if k not in ("source", "outputs")}  # written before "source" existed
    assert EvalRun.from_json(old).source == "generation"
    rows = [json.loads(line) for line in (tmp_path / "api" / "predictions_r1.jsonl").read_text().splitlines()]
    assert rows[0]["conversation"] == items[0].conversation and rows[0]["model"] == "api-x"
    c = compare_runs(tmp_path / "gen", tmp_path / "api")  # an outside run compares like any other
    assert c["overall"]["diff"] == 0.0 and c["repeat_pairs"] == 2
    assert write_eval_report([tmp_path / "gen", tmp_path / "api"], tmp_path / "rep")[-1].read_text().count(
        "| equibench | api-x |") == 5

    # ids unique across the benchmark need no category; "CATEGORY/ID" works too
    one = tmp_path / "one.jsonl"
    one.write_text("".join(json.dumps({"id": f"{it.category}/{it.id}", "output": "ANSWER: NO"}) + "\n"
                           for it in items))
    assert score_outputs(config, spec, one, tmp_path / "one", model="m").to_json()["repeats"] == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "0", "output": "ANSWER: NO"}) + "\n")
    with pytest.raises(BenchmarkError, match="id '0' is in several categories"):
        score_outputs(config, spec, bad, tmp_path / "bad", model="m")
    bad.write_text("".join(json.dumps({"id": f"{it.category}/{it.id}", "output": "x"}) + "\n" for it in items[1:]))
    with pytest.raises(BenchmarkError, match="no output for 1 of 7 items \\(first: DCE/0\\)"):
        score_outputs(config, spec, bad, tmp_path / "bad2", model="m")
    bad.write_text(json.dumps({"id": "nope", "output": "x"}) + "\n")
    with pytest.raises(BenchmarkError, match="no item 'nope'"):
        score_outputs(config, spec, bad, tmp_path / "bad3", model="m")
    bad.write_text(json.dumps({"id": "DCE/0", "output": "x", "repeat": "first"}) + "\n")
    with pytest.raises(BenchmarkError, match="bad.jsonl:1: \"repeat\" must be 0, 1, ...; got 'first'"):
        score_outputs(config, spec, bad, tmp_path / "bad4", model="m")
    bad.write_text('{"id": "DCE/0", "output": \n')
    with pytest.raises(BenchmarkError, match="bad.jsonl:1: not JSON"):
        score_outputs(config, spec, bad, tmp_path / "bad5", model="m")


# ---- end to end on the tiny model ----

@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> str:
    from hsx.models.tinymodel import build_tiny_model
    return str(build_tiny_model(tmp_path_factory.mktemp("models") / "tiny", seed=0))


def test_end_to_end_on_the_tiny_model(tmp_path, config, tiny):
    import dataclasses
    config = dataclasses.replace(config, model=dataclasses.replace(config.model, base="tiny"))
    spec = EvalSpec("haskell-pairs", str(FIX / "haskell_pairs.jsonl"), repeats=2, max_new_tokens=8)
    s = run_eval(config, spec, tmp_path / "run", model_path=tiny).to_json()
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
    tools = (config.toolchain.ghc, config.sandbox)  # the compiler and the sandbox's limits
    task = load_humaneval_hs(FIX / "humaneval_hs.jsonl")[1]
    assert untrusted_check_completion(task, CORRECT, *tools).status == "passed"
    wrong = untrusted_check_completion(task, WRONG, *tools)
    assert wrong.status == "failed" and "assertion failed" in wrong.detail
    bad = untrusted_check_completion(task, "```haskell\nimport System.Process\ncountEvens _ = 0\n```", *tools)
    assert bad.status == "rejected" and "System.Process" in bad.detail
    assert untrusted_check_completion(task, "```haskell\ncountEvens = \n```", *tools).status == "compile-error"


PAPER_CORRECT = ("I square each element and add them up.\n```haskell\nsum_of_squares :: [Int] -> Int\n"
                 "sum_of_squares = foldr (\\x acc -> x * x + acc) 0\n```\n")
PAPER_WRONG = "```haskell\nsum_of_squares :: [Int] -> Int\nsum_of_squares xs = sum xs * sum xs\n```\n"


def test_candidate_code_in_the_papers_layout():
    task = load_humaneval_hs(PAPER_HE)[0]
    assert candidate_code(task, PAPER_CORRECT).startswith("sum_of_squares :: [Int] -> Int\nsum_of_squares = foldr")
    body = candidate_code(task, "```haskell\nsum_of_squares xs = sum (map (^ 2) xs)\n```")
    assert body.endswith("-- 14\nsum_of_squares :: [Int] -> Int\nsum_of_squares xs = sum (map (^ 2) xs)")
    cont = candidate_code(task, "sum_of_squares xs = sum (map (^ 2) xs)")  # a base model continuing the prompt
    assert cont == body


def test_humaneval_papers_layout_in_the_sandbox(config, toolchain):
    tools = (config.toolchain.ghc, config.sandbox)  # the compiler and the sandbox's limits
    tasks = load_humaneval_hs(PAPER_HE)
    # the canonical solutions pass through the same path as a model's completion: pass@1 = 1.0
    assert [untrusted_check_program(t, t.canonical_solution, *tools).status for t in tasks] == ["passed"] * 3
    assert untrusted_check_completion(tasks[0], PAPER_CORRECT, *tools).status == "passed"
    wrong = untrusted_check_completion(tasks[0], PAPER_WRONG, *tools)
    assert wrong.status == "failed" and "Test failed" in wrong.detail
    # the test calls decode_shift too: a completion without it does not compile
    only_encode = ("```haskell\nencode_shift :: String -> String\nencode_shift = map (\\c -> chr (ord 'a' + "
                   "(ord c - ord 'a' + 3) `mod` 26))\n```")
    assert untrusted_check_completion(tasks[1], only_encode, *tools).status == "compile-error"
    broken = tasks[1].canonical_solution.replace("+ 23)", "+ 22)")  # decode is off by one: random tests catch it
    assert untrusted_check_program(tasks[1], broken, *tools).status == "failed"
    # redefining the tests' own helper is a compile error (ambiguous), never a pass
    cheat = ("```haskell\ncheck :: Bool -> IO ()\ncheck _ = return ()\nsum_of_squares :: [Int] -> Int\n"
             "sum_of_squares _ = 0\n```")
    assert untrusted_check_completion(tasks[0], cheat, *tools).status in ("rejected", "compile-error")
    io = "```haskell\nimport System.IO.Unsafe\nsum_of_squares :: [Int] -> Int\nsum_of_squares _ = 0\n```"
    assert untrusted_check_completion(tasks[0], io, *tools).status == "rejected"


def test_check_humaneval_hs_script(tmp_path, toolchain):
    script = ROOT / "scripts" / "eval" / "check_humaneval_hs.py"
    ok = subprocess.run([sys.executable, str(script), str(PAPER_HE)], capture_output=True, text=True, timeout=600)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "pass@1 = 1.000 (3/3)" in ok.stdout
    rows = [json.loads(line) for line in PAPER_HE.read_text().splitlines()]
    rows[0]["canonical_solution"] = rows[0]["canonical_solution"].replace("x * x", "x + x")
    broken = tmp_path / "broken.jsonl"
    broken.write_text("".join(json.dumps(r) + "\n" for r in rows))
    bad = subprocess.run([sys.executable, str(script), str(broken), "--only", "Haskell/0,Haskell/2"],
                         capture_output=True, text=True, timeout=600)
    assert bad.returncode == 1 and "FAIL Haskell/0: failed" in bad.stdout and "pass@1 = 0.500 (1/2)" in bad.stdout


# ---- make reproduce (scripts/eval/reproduce.py) ----

def _reproduce_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location("hsx_reproduce", ROOT / "scripts" / "eval" / "reproduce.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def test_reproduce_plans_runs_compares_reports_and_resumes(tmp_path, config, capsys):
    mod = _reproduce_module()
    run = tmp_path / "runs" / "x"
    for k in (1, 0, 2):  # iteration 2 has no Bob adapter yet: not evaluated
        d = run / f"iter_{k}" / "adapters" / ("bob" if k < 2 else "alice")
        d.mkdir(parents=True)
        (d / "adapter_config.json").write_text("{}")
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[selfplay]\nruns_dir = "{tmp_path / "runs"}"\n[model]\nbase = "tiny"\n')
    argv = [str(run), "--humaneval-hs", str(FIX / "humaneval_hs.jsonl"), "--equibench", str(EQUI_DOWNLOADED),
            "--pysecdb", str(FIX / "pysecdb.jsonl"), "--repeats", "2", "--config", str(cfg)]
    args = mod.make_parser().parse_args([*argv, "--dry-run"])
    mod.reproduce(args)
    out = capsys.readouterr().out
    assert out.count("equibench") == 3 and "iter_0-bob" in out and "iter_1-bob" in out and "iter_2" not in out
    assert "time left: about" in out and "assumed (--sec-per-item)" in out
    assert not (run / "eval").exists()  # a dry run runs nothing

    made = []

    def factory(model_path, adapters, **sections):
        made.append(adapters)
        answer = "ANSWER: NO" if adapters is None else "ANSWER: YES"  # base: always NO; adapters: always YES
        return CannedGenerator(lambda c, s: answer)
    models = tmp_path / "runs" / ".models"
    models.mkdir(parents=True, exist_ok=True)
    args = mod.make_parser().parse_args(argv)
    import unittest.mock
    with unittest.mock.patch("hsx.models.tinymodel.resolve_base_model", return_value="unused"):
        report = mod.reproduce(args, generator_factory=factory)
    assert made == [None, {"eval": str(run / "iter_0" / "adapters" / "bob")},
                    {"eval": str(run / "iter_1" / "adapters" / "bob")}]  # one generator per model
    md = (report / "report.md").read_text()
    for model in ("base", "iter_0-bob", "iter_1-bob"):
        for bench in ("equibench", "pysecdb", "humaneval-hs"):
            assert f"| {bench} | {model} | overall |" in md
            assert (run / "eval" / bench / model / "predictions_r1.jsonl").exists()
    c = json.loads((run / "eval" / "compare" / "equibench-iter_1-bob.json").read_text())
    assert c["a"]["label"] == "base" and c["b"]["label"] == "iter_1-bob" and c["repeat_pairs"] == 2
    summary = json.loads((run / "eval" / "equibench" / "base" / "summary.json").read_text())
    assert summary["seeds"] == [0, 1] and summary["repeats"] == 2

    # interrupted: one repeat of one run lost; the rerun redoes only that, with the base model
    (run / "eval" / "pysecdb" / "base" / "predictions_r1.jsonl").unlink()
    (run / "eval" / "pysecdb" / "base" / "summary.json").unlink()
    made.clear()
    capsys.readouterr()
    with unittest.mock.patch("hsx.models.tinymodel.resolve_base_model", return_value="unused"):
        mod.reproduce(args, generator_factory=factory)
    assert made == [None]
    plan = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert "pysecdb base 3 1/2 0 min" in plan and "equibench base 7 2/2 done" in plan
    assert any(line.startswith("time left: about") and "(measured here)" in line for line in plan)
    assert json.loads((run / "eval" / "pysecdb" / "base" / "summary.json").read_text())["repeats"] == 2


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
    res = runner.invoke(eval_group, ["run", "pysecdb", str(FIX / "pysecdb.jsonl"), "--prompts", str(PROMPTS)])
    assert res.exit_code == 2 and "EquiBench" in res.output


def test_cli_score(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[selfplay]\nruns_dir = "{tmp_path / "runs"}"\n')
    outputs = tmp_path / "o.jsonl"
    outputs.write_text("".join(json.dumps({"id": i, "output": f"The answer is {a}."}) + "\n"
                               for i, a in (("c1", "YES"), ("c2", "YES"), ("c3", "NO"))))
    runner = CliRunner()
    res = runner.invoke(eval_group, ["score", "pysecdb", str(FIX / "pysecdb.jsonl"), "--outputs", str(outputs),
                                     "--model", "api/model-1", "--config", str(cfg)])
    # hsx's PySecDB prompt asks for "ANSWER:", which these outputs lack: unparsed, hence wrong
    assert res.exit_code == 0, res.output
    assert "accuracy 0.0%" in " ".join(res.output.split())
    assert (tmp_path / "runs" / "eval" / "pysecdb-api_model-1" / "summary.json").exists()
    outputs.write_text("".join(json.dumps({"id": i, "category": "OJ_A", "output": "... so the answer is NO"}) + "\n"
                               for i in ("0", "1")))
    res = runner.invoke(eval_group, ["score", "equibench", str(EQUI), "--categories", "OJ_A", "--prompts", str(PROMPTS),
                                     "--outputs", str(outputs), "--model", "m", "--out", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())  # rich wraps long lines
    assert "OJ_A accuracy 50.0%" in text and "strict 50.0% (parsed 100.0%)" in text and "parsed-only 50.0%" in text
    # "... so the answer is NO" is not EquiBench's exact answer: without a judge both are coin flips
    assert "equibench 50.0% [0.0%, 100.0%]" in text
    res = runner.invoke(eval_group, ["score", "equibench", str(EQUI), "--outputs", str(outputs), "--model", "m",
                                     "--out", str(tmp_path / "t")])
    assert res.exit_code == 1 and "no output for" in res.output
