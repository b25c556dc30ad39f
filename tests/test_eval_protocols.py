"""Evaluation numbers that mean what the benchmarks mean: the three scoring protocols against
hand-computed values on a fixture of every answer shape, EquiBench's judge rounds, the paper's
released result files re-scored, the known-mislabeled EquiBench pairs, and HumanEval-hs records of
every shape the paper's repository has (skipped with a reason, never fatal)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hsx.cli.eval import eval_group
from hsx.eval.benchmarks import BenchmarkError, load_equibench, load_humaneval_hs
from hsx.eval.humaneval import untrusted_check_program
from hsx.eval.items import EvalSpec, load_items, parse_official
from hsx.eval.judge import decide, exact_answer, judge_pieces, read_verdict
from hsx.eval.mislabeled import STOKE_EQ0_PROBLEM_IDS, known_mislabeled
from hsx.eval.predictions import Prediction
from hsx.eval.protocols import binomial_quantiles, category_block, mean_flip_interval, overall_block
from hsx.eval.released import load_released, released_table, rescore
from hsx.eval.run import judge_run, run_eval, score_outputs
from hsx.eval.runfiles import JudgeDecision
from hsx.models.generation import Generation

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).parent / "fixtures" / "eval"
SHAPES = [json.loads(line) for line in (FIX / "answer_shapes.jsonl").read_text().splitlines()]
RELEASED = FIX / "released"  # the paper's result files: base/ and one adapter run, in their exact shape
HE_SHAPES = FIX / "humaneval_hs_shapes.jsonl"


def _records():
    """The fixture as saved predictions: hsx's reading of each answer in `answer`."""
    out = []
    for s in SHAPES:
        answer = parse_official(s["output"])
        out.append(Prediction(s["id"], s["category"], s["label"], s["output"], answer,
                              correct=answer is not None and answer == s["label"], repeat=0, truncated=False))
    return out


class WordJudge:
    """A judge that decides only when exactly one of YES / NO occurs: stands in for the LLM."""
    name = "word-judge"

    def __init__(self):
        self.asked = []

    def judge(self, texts):
        self.asked.append(list(texts))
        return [True if ("YES" in t) != ("NO" in t) and "YES" in t else
                False if ("YES" in t) != ("NO" in t) else None for t in texts]


# ---- the three protocols on every answer shape (values computed by hand in the comments) ----

def test_hsx_reading_and_the_owners_exact_rule_on_every_shape():
    hsx = {s["id"]: parse_official(s["output"]) for s in SHAPES}
    exact = {s["id"]: exact_answer(s["output"]) for s in SHAPES}
    assert hsx == {"exact-yes": True, "exact-yes-fence": True, "exact-no": False, "owners-No-fence": False,
                   "NO-fence": False, "cot-yes": True, "bold-no": False, "think-then-no": False,
                   "undecidable": None, "empty": None, "lower-yes": True, "both-labels": False}
    # EquiBench reads only YES, "YES\n```", NO and (sic) "No\n```"; "NO\n```" goes to the judge
    assert {k for k, v in exact.items() if v is not None} == {"exact-yes", "exact-yes-fence", "exact-no",
                                                              "owners-No-fence", "think-then-no"}


def test_three_protocols_without_a_judge_match_hand_computed_values():
    records = _records()
    block = category_block(records, decide([r.output for r in records], None), seed=3)
    # hsx parses 10 of 12; right: exact-yes, exact-no, owners-No-fence, cot-yes, think-then-no, lower-yes, both-labels
    assert block["strict"] == {"accuracy": 7 / 12, "parse_rate": 10 / 12, "answers": 12}
    assert block["parsed-only"] == {"accuracy": 7 / 10, "parse_rate": 10 / 12, "answers": 10}
    eq = block["equibench"]
    # exact rule decides 5 (4 right: all but exact-yes-fence); 7 coin flips: expected (4 + 7/2) / 12;
    # Binomial(7, 1/2): P(X <= 0) = 1/128 < 0.025 <= P(X <= 1) = 8/128, P(X <= 5) = 120/128 < 0.975 <= 127/128
    assert eq["accuracy"] == pytest.approx(7.5 / 12) and eq["interval"] == pytest.approx([5 / 12, 10 / 12])
    assert (eq["exact"], eq["judged"], eq["coin_flips"], eq["parse_rate"]) == (5, 0, 7, 5 / 12)
    assert 4 / 12 <= eq["seeded_accuracy"] <= 11 / 12 and (eq["seeded_accuracy"] * 12) % 1 == pytest.approx(0)
    again = category_block(list(reversed(records)), decide([r.output for r in reversed(records)], None), seed=3)
    assert again["equibench"]["seeded_accuracy"] == eq["seeded_accuracy"]  # flips seeded per item, not by order


def test_equibench_judge_rounds_and_protocol_with_a_judge():
    assert judge_pieces("A. B. C.") == ["C", "B.C", "A. B. C."]  # last sentence, last two, whole (owners' split)
    assert judge_pieces("**NO**") == ["**NO**", "**NO**"]
    judge = WordJudge()
    records = _records()
    decisions = decide([r.output for r in records], judge)
    by = {r.id: d for r, d in zip(records, decisions)}
    assert by["cot-yes"] == {"decision": True, "by": "judge"} and by["NO-fence"] == {"decision": False, "by": "judge"}
    assert by["exact-no"]["by"] == "exact" and by["both-labels"]["decision"] is None
    assert judge.asked[0][0] == "NO\n```" and "so the answer is YES" in judge.asked[0]  # round 1: last sentences
    eq = category_block(records, decisions, seed=0, judge=judge.name)["equibench"]
    # judged: NO-fence (wrong), cot-yes (right), bold-no (wrong); decided right 4 + 1; flips 4 of Binomial(4)
    assert (eq["exact"], eq["judged"], eq["coin_flips"]) == (5, 3, 4) and eq["judge"] == "word-judge"
    assert eq["accuracy"] == pytest.approx(7 / 12) and eq["interval"] == pytest.approx([5 / 12, 9 / 12])
    assert read_verdict('{"equivalent": true}') is True and read_verdict('```json\n{"equivalent": false}\n```') is False
    assert read_verdict('{"equivalent": null}') is None and read_verdict("I think equivalent: true") is True
    assert read_verdict("no idea") is None


class CannedJudgeModel:
    """Stands in for a local model behind hsx's generator: replies by a rule, records what it saw."""

    def __init__(self):
        self.seen = []

    def generate(self, conversations, *, n, adapter, seed):
        self.seen.extend(conversations)
        return [[Generation('{"equivalent": ' + ("true" if "YES" in c[-1]["content"] else "null") + "}", 8, False)]
                for c in conversations]


@pytest.fixture
def judge_server():
    """An OpenAI-compatible endpoint on localhost (the collaborator): False when the text has NO,
    True when it has YES, else null; records each request."""
    import http.server
    import threading

    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append((self.path, self.headers.get("Authorization"), body))
            text = body["messages"][1]["content"]
            verdict = "false" if "NO" in text else "true" if "YES" in text else "null"
            data = json.dumps({"choices": [{"message": {"content": '{"equivalent": ' + verdict + "}"}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1", requests
    server.shutdown()


def test_generator_and_openai_judges_send_the_owners_prompt(judge_server):
    from hsx.eval.judge import JUDGE_SYSTEM, GeneratorJudge, OpenAIJudge

    model = CannedJudgeModel()
    assert GeneratorJudge(model, "local").judge(["so YES", "hmm"]) == [True, None]
    assert model.seen[0][0]["content"].startswith(JUDGE_SYSTEM) and model.seen[0][1]["content"] == "so YES"
    url, requests = judge_server
    assert OpenAIJudge(url, "judge-m", api_key="k").judge(["it is NO", "unclear"]) == [False, None]
    path, auth, body = requests[0]
    assert path == "/v1/chat/completions" and auth == "Bearer k" and body["model"] == "judge-m"
    assert body["messages"][0] == {"role": "system", "content": JUDGE_SYSTEM} and body["temperature"] == 0
    with pytest.raises(RuntimeError, match="request failed"):
        OpenAIJudge("http://127.0.0.1:9/v1", "m", timeout=2).judge(["x"])


def test_judge_cli_on_a_saved_run(tmp_path, config, judge_server):
    pairs, outputs = _outputs_for_equi(tmp_path)
    spec = EvalSpec("equibench", str(FIX / "equibench"), prompts_file=str(FIX / "prompts.yaml"))
    score_outputs(config, spec, outputs, tmp_path / "run", model="api-x")
    url, requests = judge_server
    runner = CliRunner()
    assert runner.invoke(eval_group, ["judge", str(tmp_path / "run"), "--judge", url]).exit_code == 2  # no model
    res = runner.invoke(eval_group, ["judge", str(tmp_path / "run"), "--judge", url, "--judge-model", "m"])
    assert res.exit_code == 0, res.output
    assert f"judge m at {url}" in res.output
    # 7 outputs: YES and NO exact; the judge decides "...is YES.", "NO\n```", "**NO**"; it cannot decide
    # "I cannot tell." (asked with the sentence, then the whole) or "yes" (it looks for YES): 2 flips
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    eq = summary["overall"]["protocols"]["equibench"]
    assert (eq["exact"], eq["judged"], eq["coin_flips"]) == (2, 3, 2)
    asked = [r[2]["messages"][1]["content"] for r in requests]
    assert asked.count("I cannot tell") == 1 and asked.count("I cannot tell.") == 1


def test_coin_flip_intervals_exactly():
    assert binomial_quantiles(0) == (0, 0) and binomial_quantiles(2) == (0, 2) and binomial_quantiles(10) == (2, 8)
    lo, hi = binomial_quantiles(2000)  # big n: exact integers, no float overflow
    assert 950 < lo < 1000 < hi < 1050 and lo + hi == 2000
    # two categories of 2 answers with one flip each: the mean moves by 0, 1/4, 1/2 with prob 1/4, 1/2, 1/4
    assert mean_flip_interval([(0.25, 1), (0.25, 1)]) == (0.0, 0.5)
    a, b = (category_block([r], decide([r.output], None)) for r in _records()[:2])
    o = overall_block([a, b])  # exact-yes right (1.0), exact-yes-fence wrong (0.0): no flips
    assert o["strict"]["accuracy"] == 0.5 and o["equibench"]["interval"] == [0.5, 0.5]


def _outputs_for_equi(tmp_path):
    """Outputs for the 7 pairs of tests/fixtures/eval/equibench, one answer shape each."""
    pairs = load_equibench(FIX / "equibench")
    texts = ["YES", "I cannot tell.", "The loops differ... so the answer is YES.", "NO\n```", "**NO**", "NO", "yes"]
    f = tmp_path / "outputs.jsonl"
    f.write_text("".join(json.dumps({"id": p.id, "category": p.category, "output": t}) + "\n" for p, t in zip(pairs, texts)))
    return pairs, f


def test_a_run_reports_the_protocols_and_a_judge_can_be_added_later(tmp_path, config):
    pairs, outputs = _outputs_for_equi(tmp_path)
    spec = EvalSpec("equibench", str(FIX / "equibench"), prompts_file=str(FIX / "prompts.yaml"))
    s = score_outputs(config, spec, outputs, tmp_path / "run", model="api-x").to_json()
    p = s["overall"]["protocols"]
    assert set(p) == {"strict", "equibench", "parsed-only"} and s["skipped"] == 0
    dce = s["categories"]["DCE"]["protocols"]  # DCE: YES on a True pair, unparsed on a False one
    assert dce["strict"]["accuracy"] == 0.5 and dce["parsed-only"]["accuracy"] == 1.0
    assert dce["equibench"]["accuracy"] == 0.75 and dce["equibench"]["coin_flips"] == 1
    judged = judge_run(tmp_path / "run", WordJudge()).to_json()
    rows = [json.loads(line) for line in (tmp_path / "run" / "judge.jsonl").read_text().splitlines()]
    assert len(rows) == 7 and {r["judge"] for r in rows} == {"word-judge"}
    assert [JudgeDecision.from_json(r).to_json() for r in rows] == rows
    stoke = judged["categories"]["STOKE"]["protocols"]["equibench"]  # "...the answer is YES." and "NO\n```" judged
    assert stoke["judged"] == 2 and stoke["coin_flips"] == 0
    assert judged["overall"]["protocols"]["equibench"]["judge"] == "word-judge"
    res = CliRunner().invoke(eval_group, ["score", "equibench", str(FIX / "equibench"), "--outputs", str(outputs),
                                          "--prompts", str(FIX / "prompts.yaml"), "--model", "m",
                                          "--out", str(tmp_path / "cli")])
    assert res.exit_code == 0, res.output
    assert "strict 50.0% (parsed 50.0%)" in res.output and "equibench 75.0%" in res.output
    assert "parsed-only 100.0%" in res.output


# ---- the paper's released result files ----

def test_released_files_rescored_by_hand():
    runs, skipped = load_released([RELEASED])
    assert len(runs) == 6 and [Path(k.where).name for k in skipped] == [
        "m_evaluation_results_20250804_040000_000007_iters1_cfgOJ_A.json"]
    assert "not 2x2" in skipped[0].reason
    rows = {(r["model"], r["category"]): r for r in rescore(runs, seed=1)}
    base = rows[("base", "DCE")]  # cm [[3,1],[2,2]]: 5 right of 8 parsed, 10 answers
    assert (base["parsed-only"], base["strict"], base["equibench"]) == (5 / 8, 0.5, 0.6)
    assert base["equibench_interval"] == [0.5, 0.7] and base["parse_rate"] == 0.8
    a = rows[("RUN_A/iteration_7", "DCE")]  # two files pooled: 8 + 7 right of 20
    assert a["files"] == 2 and a["strict"] == a["parsed-only"] == 0.75
    assert a["vs_base"]["strict"]["diff"] == pytest.approx(0.25)
    assert a["vs_base"]["parsed-only"]["diff"] == pytest.approx(0.125)
    lo, hi = a["vs_base"]["strict"]["interval"]
    assert lo < 0.25 < hi
    tvm = rows[("RUN_A/iteration_7", "TVM")]  # nothing parsed: the paper's metric is undefined
    assert tvm["strict"] == 0 and tvm["parsed-only"] != tvm["parsed-only"] and tvm["equibench"] == 0.5
    assert tvm["equibench_interval"] == [0.2, 0.8] and tvm["vs_base"]["strict"]["diff"] == pytest.approx(-0.4)
    assert rows[("base", "pysecdb")]["parsed-only"] == pytest.approx(7 / 9)
    assert json.dumps(rescore(runs, seed=1)) == json.dumps(rescore(runs, seed=1))  # seeded (NaN != NaN)
    table = released_table(list(rows.values()))
    assert "| equibench | RUN_A/iteration_7 | DCE | 2 | 100.0 | 75.0 | 75.0 | 75.0 [75.0, 75.0] | +12.5 [" in table


def test_score_released_cli(tmp_path):
    runner = CliRunner()
    res = runner.invoke(eval_group, ["score", "--released", str(RELEASED / "base"), "--released", str(RELEASED / "run_a")])
    assert res.exit_code == 0, res.output
    assert "| equibench | base | DCE | 1 | 80.0 | 62.5 | 50.0 | 60.0 [50.0, 70.0] |" in res.output
    assert "skipped" in res.output and "1 skipped" in res.output
    as_json = json.loads(runner.invoke(eval_group, ["score", "--released", str(RELEASED), "--json"]).output)
    assert len(as_json["rows"]) == 5 and len(as_json["skipped"]) == 1
    bad = runner.invoke(eval_group, ["score", "equibench", str(FIX / "equibench"), "--released", str(RELEASED)])
    assert bad.exit_code == 2 and "--released takes" in bad.output
    assert runner.invoke(eval_group, ["score", "equibench"]).exit_code == 2
    (tmp_path / "x.json").write_text("{}")
    assert "no setup" in runner.invoke(eval_group, ["score", "--released", str(tmp_path)]).output


# ---- known mislabeled EquiBench pairs ----

def test_the_issue_pair_is_inequivalent_by_hand():
    """EquiBench issue 1's pair 4 (problem 2): target `addl $1,%eax; cltq; negq %rax`, rewrite
    `notl %eax; cltq`, def_in {%eax}, live_out {%rax}: evaluated here with 32/64-bit arithmetic."""
    def sext(x32):
        return x32 - (1 << 32) if x32 & (1 << 31) else x32

    def target(eax):
        return (-sext((eax + 1) & 0xFFFFFFFF)) & 0xFFFFFFFFFFFFFFFF

    def rewrite(eax):
        return sext(~eax & 0xFFFFFFFF) & 0xFFFFFFFFFFFFFFFF

    assert target(5) == rewrite(5)  # -(x+1) == ~x almost everywhere...
    assert target(0x7FFFFFFF) == 0x80000000 and rewrite(0x7FFFFFFF) == 0xFFFFFFFF80000000  # ...not at INT_MAX
    assert 2 in STOKE_EQ0_PROBLEM_IDS


def test_known_mislabeled_flag_exclusion_and_second_column(tmp_path, config):
    pairs = load_equibench(FIX / "equibench_paths")
    assert [(p.id, known_mislabeled(p)) for p in pairs] == [("4", True), ("5", False), ("6", False)]
    assert [it.known_mislabeled for it in load_items(EvalSpec("equibench", str(FIX / "equibench_paths")))] == [
        True, False, False]
    kept = load_items(EvalSpec("equibench", str(FIX / "equibench_paths"), exclude_known_mislabeled=True))
    assert [it.id for it in kept] == ["5", "6"]
    with pytest.raises(BenchmarkError, match="no program_2_path"):
        load_items(EvalSpec("equibench", str(FIX / "equibench"), exclude_known_mislabeled=True))
    with pytest.raises(ValueError, match="EquiBench only"):
        EvalSpec("pysecdb", "x", exclude_known_mislabeled=True)
    out = tmp_path / "o.jsonl"  # YES to all three: right on 4 and 5 by their labels, wrong on 6
    out.write_text("".join(json.dumps({"id": i, "category": "STOKE", "output": "ANSWER: YES"}) + "\n" for i in "456"))
    s = score_outputs(config, EvalSpec("equibench", str(FIX / "equibench_paths")), out, tmp_path / "r",
                      model="m").to_json()
    assert s["categories"]["STOKE"]["score"] == pytest.approx(2 / 3)
    assert s["categories"]["STOKE"]["without_known_mislabeled"] == {"items": 2, "score": 0.5}
    assert s["overall"]["without_known_mislabeled"]["score"] == 0.5


# ---- HumanEval-hs records of every shape: scored or skipped with a reason ----

def test_humaneval_layouts_entries_and_skipped_records():
    skipped = []
    tasks = load_humaneval_hs(HE_SHAPES, skipped=skipped)
    assert [(t.id, t.layout, t.entry) for t in tasks] == [
        ("Haskell/900", "paper", "double_all"),  # no signature: named by its inline example
        ("Haskell/901", "paper", "sum_squares_to"),  # helpers with equations are not the entry
        ("Haskell/902", "paper", "add_one"),
        ("HumanEval_903_add_two", "multipl-e", "addTwo")]  # task_id + MultiPL-E's fields: MultiPL-E's
    assert [(k.id, k.where.rsplit(":", 1)[1]) for k in skipped] == [("Haskell/904", "5"), ("Haskell/905", "6")]
    assert "neither the paper's HumanEval-hs layout nor MultiPL-E's" in skipped[0].reason
    assert "cannot tell which function" in skipped[1].reason
    with pytest.raises(BenchmarkError, match=":5: neither"):
        load_humaneval_hs(HE_SHAPES)  # without a skipped list the first bad record still raises
    both = [{"task_id": "x", "name": "y", "prompt": "f :: Int", "canonical_solution": "", "test": "", "tests": ""}]
    with pytest.raises(BenchmarkError, match="both HumanEval-hs layouts"):
        from hsx.eval.benchmarks import humaneval_task
        humaneval_task(both[0], "f:1")


def test_humaneval_shapes_in_the_sandbox_and_the_check_script(config, toolchain):
    tools = (config.toolchain.ghc, config.sandbox)  # the compiler and the sandbox's limits
    tasks = load_humaneval_hs(HE_SHAPES, skipped=[])
    statuses = [untrusted_check_program(t, t.canonical_solution, *tools).status for t in tasks[:3]]
    assert statuses == ["passed", "passed", "rejected"]  # the unused Text.Parsec import is outside the policy
    script = ROOT / "scripts" / "eval" / "check_humaneval_hs.py"
    res = subprocess.run([sys.executable, str(script), str(HE_SHAPES)], capture_output=True, text=True, timeout=600)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "SKIP Haskell/904:" in res.stdout and "SKIP HumanEval_903_add_two: no canonical_solution" in res.stdout
    assert "FAIL Haskell/902: rejected" in res.stdout
    assert "pass@1 = 0.667 (2/3)" in res.stdout and "rejected 1" in res.stdout and "skipped 3" in res.stdout


class Empty:
    def generate(self, conversations, *, n, adapter, seed):
        return [[Generation("", 1, False)] * n for _ in conversations]

    def close(self):
        pass


def test_a_humaneval_run_goes_on_past_unusable_records(tmp_path, config):
    s = run_eval(config, EvalSpec("humaneval-hs", str(HE_SHAPES)), tmp_path / "he", model_path="unused",
                 generator=Empty()).to_json()
    lines = [json.loads(x) for x in (tmp_path / "he" / "skipped.jsonl").read_text().splitlines()]
    assert [(x["status"], x["id"]) for x in lines] == [("skipped", "Haskell/904"), ("skipped", "Haskell/905")]
    assert s["skipped"] == 2 and s["overall"]["items"] == 4 and s["overall"]["outcomes"]["no-code"] == 4
    res = CliRunner().invoke(eval_group, ["report", str(tmp_path / "he"), "--out", str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output

