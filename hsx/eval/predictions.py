"""One scored answer of an evaluation run, typed: a line of `<run>/predictions_r<k>.jsonl`.

Produced by hsx/eval/run.py (one `Prediction` per item and repeat); read back by
hsx/eval/score.py (summaries and comparisons), hsx/eval/protocols.py (the three protocols) and
`hsx eval judge`.  The JSON keys are the file format, unchanged: run directories written before
the record existed load as they are.

    from hsx.eval.predictions import load_predictions
    repeats = load_predictions(Path("runs/eval/base"))   # [[Prediction, ...] per repeat]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hsx.runs import read_jsonl, write_jsonl


@dataclass(frozen=True)
class Prediction:
    """What was sent for one item (the conversation, so the item can be audited and sent again as
    it was), what came back, how it was read and whether it is right."""
    id: str
    category: str
    label: bool | None  # the right answer; None for a generation task (HumanEval-hs)
    output: str  # the raw output
    answer: bool | None  # the answer protocol's reading of `output`; None: unparsed, or a generation task
    correct: bool
    repeat: int
    truncated: bool
    conversation: tuple[dict, ...] = ()
    protocol: str = ""  # hsx | official | execution (hsx.eval.items.EvalItem.protocol)
    seed: int | None = None
    model: str = ""
    adapter: str | None = None
    tokens: int | None = None
    known_mislabeled: bool = False  # EquiBench: on hsx/eval/mislabeled.py's list
    status: str | None = None  # HumanEval-hs: the execution status (hsx.eval.humaneval.EXEC_STATUSES)
    detail: str | None = None  # HumanEval-hs: what the execution said

    @property
    def key(self) -> str:  # EquiBench pair ids repeat across categories
        return f"{self.category}/{self.id}"

    def to_json(self) -> dict:
        d = {"id": self.id, "category": self.category, "label": self.label,
             "conversation": list(self.conversation), "output": self.output, "protocol": self.protocol,
             "seed": self.seed, "repeat": self.repeat, "model": self.model, "adapter": self.adapter,
             "tokens": self.tokens, "truncated": self.truncated, "answer": self.answer, "correct": self.correct}
        if self.known_mislabeled:  # written only when set, as before the record existed
            d["known_mislabeled"] = True
        if self.status is not None:
            d.update(status=self.status, detail=self.detail)
        return d

    @staticmethod
    def from_json(d: dict) -> "Prediction":
        return Prediction(id=str(d["id"]), category=d["category"], label=d["label"], output=d["output"],
                          answer=d["answer"], correct=bool(d["correct"]), repeat=int(d["repeat"]),
                          truncated=bool(d["truncated"]), conversation=tuple(d.get("conversation") or ()),
                          protocol=d.get("protocol", ""), seed=d.get("seed"), model=d.get("model", ""),
                          adapter=d.get("adapter"), tokens=d.get("tokens"),
                          known_mislabeled=bool(d.get("known_mislabeled", False)), status=d.get("status"),
                          detail=d.get("detail"))


def predictions_file(run_dir: Path, repeat: int) -> Path:
    return Path(run_dir) / f"predictions_r{repeat}.jsonl"


def write_predictions(run_dir: Path, repeat: int, predictions: list[Prediction]) -> None:
    write_jsonl(predictions_file(run_dir, repeat), [p.to_json() for p in predictions])


def load_predictions(run_dir: Path) -> list[list[Prediction]]:
    """Predictions of each repeat, in repeat order."""
    run_dir = Path(run_dir)
    files = sorted(run_dir.glob("predictions_r*.jsonl"), key=lambda p: int(p.stem.split("_r")[1]))
    if not files:
        raise FileNotFoundError(f"no predictions_r*.jsonl in {run_dir}: not an `hsx eval run` directory")
    return [[Prediction.from_json(d) for d in read_jsonl(f)] for f in files]


__all__ = ["Prediction", "load_predictions", "predictions_file", "write_predictions"]
