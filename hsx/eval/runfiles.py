"""The files of an evaluation run beside its predictions, typed: `<run>/run.json` (`EvalRun`),
the lines of `<run>/judge.jsonl` (`JudgeDecision`) and `<run>/summary.json` (`Summary`: a
`CategoryScore` per category and overall).

Produced by hsx/eval/run.py (`run_eval` and `score_outputs` write run.json, `judge_run` writes
judge.jsonl, all three write the summary that hsx/eval/score.py computes, last); read back by
hsx/eval/run.py (a resumed run checks it is the same evaluation), hsx/eval/score.py (summaries,
comparisons, EquiBench's decisions), hsx/eval/report.py and scripts/eval/reproduce.py (the
summaries; the time per item).  The JSON keys are the file format, unchanged: run directories written
before the records existed load as they are.

    from hsx.eval.runfiles import read_run
    run = read_run(Path("runs/eval/base"))   # EvalRun: benchmark, model, seeds, ...
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hsx.runs import read_json, read_jsonl, write_json, write_jsonl


@dataclass(frozen=True)
class EvalRun:
    """What an evaluation run is: the benchmark and its items, who answered (a model generating
    here, or outputs produced elsewhere), the seeds and the resolved config.  Written when the
    run starts, before any prediction."""
    benchmark: str
    spec: dict  # dataclasses.asdict(hsx.eval.items.EvalSpec); "repeats" grows when a run is resumed with more
    model: str  # the base model, or the name given to outputs produced elsewhere
    model_label: str  # the model's name in reports
    seeds: list  # the seed of each repeat (None where outputs produced elsewhere gave none)
    items: int
    max_new_tokens: int | None  # None for outputs produced elsewhere
    config: dict  # hsx.config.to_dict of the resolved config
    source: str = "generation"  # generation | outputs (runs written before this key are generation runs)
    outputs: str | None = None  # source "outputs": the file they were read from

    def to_json(self) -> dict:
        d = {"benchmark": self.benchmark, "source": self.source, "spec": self.spec, "model": self.model,
             "model_label": self.model_label, "seeds": self.seeds, "items": self.items,
             "max_new_tokens": self.max_new_tokens, "config": self.config}
        if self.outputs is not None:  # written only for outputs produced elsewhere, as before the record existed
            d["outputs"] = self.outputs
        return d

    @staticmethod
    def from_json(d: dict) -> "EvalRun":
        return EvalRun(benchmark=d["benchmark"], spec=dict(d["spec"]), model=d["model"], model_label=d["model_label"],
                       seeds=list(d["seeds"]), items=d["items"], max_new_tokens=d["max_new_tokens"],
                       config=d.get("config", {}), source=d.get("source", "generation"), outputs=d.get("outputs"))


def run_file(run_dir: Path) -> Path:
    return Path(run_dir) / "run.json"


def write_run(run_dir: Path, run: EvalRun) -> None:
    write_json(run_file(run_dir), run.to_json())


def read_run(run_dir: Path) -> EvalRun:
    return EvalRun.from_json(read_json(run_file(run_dir)))


@dataclass(frozen=True)
class JudgeDecision:
    """EquiBench's decision on one saved output (hsx/eval/judge.py's `decide`): a line of
    judge.jsonl, which `hsx eval judge` writes and the `equibench` protocol reads instead of
    flipping a coin wherever the judge decided."""
    key: str  # the prediction's key, category/id
    repeat: int
    decision: bool | None  # True: equivalent; None: undecided (a coin flip)
    by: str | None  # exact | judge; None when undecided
    judge: str  # the judge's name

    def to_json(self) -> dict:
        return {"key": self.key, "repeat": self.repeat, "decision": self.decision, "by": self.by, "judge": self.judge}

    @staticmethod
    def from_json(d: dict) -> "JudgeDecision":
        return JudgeDecision(d["key"], d["repeat"], d["decision"], d["by"], d["judge"])


def judge_file(run_dir: Path) -> Path:
    return Path(run_dir) / "judge.jsonl"


def write_decisions(run_dir: Path, decisions: list[JudgeDecision]) -> None:
    write_jsonl(judge_file(run_dir), [j.to_json() for j in decisions])


def read_judge_file(run_dir: Path) -> list[JudgeDecision]:
    """The decisions `hsx eval judge` wrote; none when it was not run."""
    f = judge_file(run_dir)
    return [JudgeDecision.from_json(d) for d in read_jsonl(f)] if f.exists() else []


@dataclass(frozen=True)
class CleanScore:
    """A score without the EquiBench pairs known to be mislabeled (hsx/eval/mislabeled.py)."""
    items: int
    score: float

    def to_json(self) -> dict:
        return {"items": self.items, "score": self.score}


@dataclass(frozen=True)
class CategoryScore:
    """A run's score on one category, or overall (the mean of the category scores).  Which
    optional parts are there depends on the benchmark; an absent part is absent from the JSON."""
    items: int
    score: float  # the mean over items of each item's share of correct repeats
    ci: tuple[float, float]  # 95% bootstrap over items (stratified by category overall)
    truncated: int  # answers cut by max_new_tokens
    answers: int  # items x repeats
    score_per_repeat: tuple[float, ...] | None = None  # a category's; None overall
    outcomes: dict[str, int] | None = None  # HumanEval-hs: execution status (EXEC_STATUSES) -> answers
    # YES/NO benchmarks (hsx.eval.statistics.binary_metrics; unparsed answers are wrong):
    accuracy: float | None = None  # the score again
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    parse_rate: float | None = None
    parsed_accuracy: float | None = None  # NaN when nothing parsed
    confusion: dict[str, int] | None = None  # tp, fp, tn, fn, unparsed_pos, unparsed_neg -> answers
    protocols: dict[str, dict] | None = None  # protocol name -> its block (hsx/eval/protocols.py)
    without_known_mislabeled: CleanScore | None = None  # EquiBench, where a known-mislabeled pair is in

    def to_json(self) -> dict:
        d = {"items": self.items, "score": self.score, "ci": list(self.ci), "truncated": self.truncated,
             "answers": self.answers}
        if self.score_per_repeat is not None:
            d["score_per_repeat"] = list(self.score_per_repeat)
        optional = {"outcomes": self.outcomes, "accuracy": self.accuracy, "precision": self.precision,
                    "recall": self.recall, "f1": self.f1, "parse_rate": self.parse_rate,
                    "parsed_accuracy": self.parsed_accuracy, "confusion": self.confusion, "protocols": self.protocols}
        d.update({k: v for k, v in optional.items() if v is not None})
        if self.without_known_mislabeled is not None:
            d["without_known_mislabeled"] = self.without_known_mislabeled.to_json()
        return d

    @staticmethod
    def from_json(d: dict) -> "CategoryScore":
        clean = d.get("without_known_mislabeled")
        spr = d.get("score_per_repeat")
        return CategoryScore(d["items"], d["score"], tuple(d["ci"]), d["truncated"], d["answers"],
                             tuple(spr) if spr is not None else None, d.get("outcomes"), d.get("accuracy"),
                             d.get("precision"), d.get("recall"), d.get("f1"), d.get("parse_rate"),
                             d.get("parsed_accuracy"), d.get("confusion"), d.get("protocols"),
                             CleanScore(clean["items"], clean["score"]) if clean else None)


@dataclass(frozen=True)
class MajorityBaseline:
    """PySecDB's classifier that always answers the more frequent label (hsx.eval.statistics)."""
    majority: bool | None  # None without labels
    accuracy: float
    f1: float

    def to_json(self) -> dict:
        return {"majority": self.majority, "accuracy": self.accuracy, "f1": self.f1}


@dataclass(frozen=True)
class Summary:
    """The metrics of a finished run (hsx/eval/score.py's `summarize`): `<run>/summary.json`,
    written last, so that its presence marks a finished run."""
    benchmark: str
    model: str
    model_label: str
    metric: str  # accuracy | pass@1
    repeats: int
    seeds: list  # as in run.json
    max_new_tokens: int | None
    categories: dict[str, CategoryScore]  # category name -> its score, in the benchmark's order
    overall: CategoryScore
    skipped: int = 0  # records of skipped.jsonl
    baseline: MajorityBaseline | None = None  # PySecDB only
    timed: bool = False  # the run has timings.json (a generation run): `items_per_s` is written
    items_per_s: float | None = None  # generation speed, the mean over repeats; None when unmeasured

    def to_json(self) -> dict:
        d = {"benchmark": self.benchmark, "model": self.model, "model_label": self.model_label, "metric": self.metric,
             "repeats": self.repeats, "seeds": self.seeds, "max_new_tokens": self.max_new_tokens,
             "categories": {c: m.to_json() for c, m in self.categories.items()}, "overall": self.overall.to_json(),
             "skipped": self.skipped}
        if self.baseline is not None:
            d["baseline"] = self.baseline.to_json()
        if self.timed:
            d["items_per_s"] = self.items_per_s
        return d

    @staticmethod
    def from_json(d: dict) -> "Summary":
        b = d.get("baseline")
        return Summary(d["benchmark"], d["model"], d["model_label"], d["metric"], d["repeats"], list(d["seeds"]),
                       d.get("max_new_tokens"), {c: CategoryScore.from_json(m) for c, m in d["categories"].items()},
                       CategoryScore.from_json(d["overall"]), d.get("skipped", 0),
                       MajorityBaseline(b["majority"], b["accuracy"], b["f1"]) if b else None,
                       "items_per_s" in d, d.get("items_per_s"))


def summary_file(run_dir: Path) -> Path:
    return Path(run_dir) / "summary.json"


def write_summary(run_dir: Path, summary: Summary) -> None:
    write_json(summary_file(run_dir), summary.to_json())


def read_summary(run_dir: Path) -> Summary:
    return Summary.from_json(read_json(summary_file(run_dir)))


__all__ = ["CategoryScore", "CleanScore", "EvalRun", "JudgeDecision", "MajorityBaseline", "Summary", "judge_file",
           "read_judge_file", "read_run", "read_summary", "run_file", "summary_file", "write_decisions", "write_run",
           "write_summary"]
