"""The files of an evaluation run beside its predictions, typed: `<run>/run.json` (`EvalRun`)
and the lines of `<run>/judge.jsonl` (`JudgeDecision`).

Produced by hsx/eval/run.py (`run_eval` and `score_outputs` write run.json, `judge_run` writes
judge.jsonl); read back by hsx/eval/run.py (a resumed run checks it is the same evaluation),
hsx/eval/score.py (summaries, comparisons, EquiBench's decisions) and scripts/eval/reproduce.py
(the time per item).  The JSON keys are the file format, unchanged: run directories written
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


__all__ = ["EvalRun", "JudgeDecision", "judge_file", "read_judge_file", "read_run", "run_file", "write_decisions",
           "write_run"]
