"""The measures of a self-play iteration, typed: `iter_<k>/metrics.json` (`IterationMetrics`)
and `iter_<k>/heldout.json` (`HeldOutMeasure`, repeated as the metrics' `heldout`).

Consumes the counts that hsx/selfplay/outcomes.py (`iteration_metrics`), hsx/selfplay/loop.py
(training), hsx/selfplay/selection.py (`SelectionCounts`) and hsx/selfplay/heldout.py compute;
produces those files (written through hsx.runs) and reads them back for the run's closing
summary (outcomes.py `run_summary`) and its report (hsx/selfplay/report.py).  A field whose keys
are a fixed set is a record here; one whose keys are open (an outcome, a source, a label, a
transformation name) is a `dict` that says what it maps.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from hsx.records import PairKind


# ------------------------------------------------------------------------------------------------
# Bob on the held-out split: iter_<k>/heldout.json


@dataclass(frozen=True)
class HeldOutAccuracy:
    """One Bob (the base model or the current adapter) on the held-out split."""
    accuracy: float | None  # over all samples of all pairs; None without samples
    ci95: tuple[float, float]  # bootstrap over pairs
    by_label: dict[str, float]  # "seq" / "sinq" -> accuracy on the pairs of that kind

    def to_json(self) -> dict:
        return {"accuracy": self.accuracy, "ci95": list(self.ci95), "by_label": dict(self.by_label)}

    @staticmethod
    def from_json(d: dict) -> "HeldOutAccuracy":
        return HeldOutAccuracy(d["accuracy"], tuple(d["ci95"]), dict(d["by_label"]))


@dataclass(frozen=True)
class PairedTest:
    """Current Bob against the base model on the same held-out pairs and samples."""
    diff: float  # mean per-pair accuracy, current - base
    ci95: tuple[float, float]  # paired bootstrap over pairs
    p_not_better: float
    mcnemar_p: float  # exact McNemar over the paired samples
    only_base_correct: int
    only_current_correct: int

    def to_json(self) -> dict:
        return {"diff": self.diff, "ci95": list(self.ci95), "p_not_better": self.p_not_better,
                "mcnemar_p": self.mcnemar_p, "only_base_correct": self.only_base_correct,
                "only_current_correct": self.only_current_correct}

    @staticmethod
    def from_json(d: dict) -> "PairedTest":
        return PairedTest(d["diff"], tuple(d["ci95"]), d["p_not_better"], d["mcnemar_p"], d["only_base_correct"],
                          d["only_current_correct"])


@dataclass(frozen=True)
class HeldOutMeasure:
    """Bob on the held-out split after one iteration: `iter_<k>/heldout.json`, repeated as the
    `heldout` of that iteration's metrics.json (hsx/selfplay/heldout.py)."""
    pairs: int
    samples_per_pair: int
    labels: dict[str, int]  # pairs per kind
    majority_baseline: float | None  # the accuracy of always answering the larger label
    base: HeldOutAccuracy
    current: HeldOutAccuracy  # the base model again while no adapter is trained
    paired: PairedTest
    adapter: str | None = None  # the current Bob's adapter directory
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"pairs": self.pairs, "samples_per_pair": self.samples_per_pair, "labels": dict(self.labels),
                "majority_baseline": self.majority_baseline, "base": self.base.to_json(),
                "current": self.current.to_json(), "paired": self.paired.to_json(), "adapter": self.adapter,
                "seconds": self.seconds}

    @staticmethod
    def from_json(d: dict) -> "HeldOutMeasure":
        return HeldOutMeasure(d["pairs"], d["samples_per_pair"], dict(d["labels"]), d["majority_baseline"],
                              HeldOutAccuracy.from_json(d["base"]), HeldOutAccuracy.from_json(d["current"]),
                              PairedTest.from_json(d["paired"]), d.get("adapter"), d.get("seconds", 0.0))


# ------------------------------------------------------------------------------------------------
# The iteration: iter_<k>/metrics.json


@dataclass(frozen=True)
class BobScore:
    """Bob on an iteration's verified pairs: all his samples together."""
    samples: int
    correct: int
    unparsed: int
    accuracy: float | None  # correct / samples; None without samples

    def to_json(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_json(d: dict) -> "BobScore":
        return BobScore(d["samples"], d["correct"], d.get("unparsed", 0), d["accuracy"])


@dataclass(frozen=True)
class ProofCounts:
    """The proof stage of an iteration."""
    outcomes: dict[str, int] = field(default_factory=dict)  # proof status (hsx.proof.liquid) -> answers
    prover_runs: int = 0  # Liquid Haskell runs (a cached result is not a run)
    prover_seconds: float = 0.0  # their seconds
    stage_seconds: float = 0.0  # the stage's wall time

    def to_json(self) -> dict:
        return {"outcomes": dict(self.outcomes), "prover_runs": self.prover_runs,
                "prover_seconds": self.prover_seconds, "stage_seconds": self.stage_seconds}

    @staticmethod
    def from_json(d: dict) -> "ProofCounts":
        return ProofCounts(dict(d.get("outcomes", {})), d.get("prover_runs", 0), d.get("prover_seconds", 0.0),
                           d.get("stage_seconds", 0.0))


@dataclass(frozen=True)
class BinCount:
    """One difficulty bin of an iteration's verified pairs."""
    pairs: int
    selected: int  # taken as Alice's training examples

    def to_json(self) -> dict:
        return {"pairs": self.pairs, "selected": self.selected}


@dataclass(frozen=True)
class SelectionCounts:
    """What training-data selection took (hsx/selfplay/selection.py): `iter_<k>/selection.json`,
    repeated as the metrics' `training.selection`."""
    alice_examples: int
    alice_hard: int  # pairs with difficulty >= tau (all taken)
    alice_easy: int  # easier pairs taken
    bob_examples: int
    bob_labels: dict[str, int]  # the label of his example ("YES" / "NO" / "unparsed") -> examples
    bob_correct: int = 0  # his correct judgements on verified pairs
    bob_judgements: int = 0  # all his judgements on verified pairs
    bins: dict[str, BinCount] = field(default_factory=dict)  # difficulty bin label ("[0,2)" ...) -> its counts

    def to_json(self) -> dict:
        return {"alice_examples": self.alice_examples, "alice_hard": self.alice_hard, "alice_easy": self.alice_easy,
                "bob_examples": self.bob_examples, "bob_labels": dict(self.bob_labels),
                "bob_correct": self.bob_correct, "bob_judgements": self.bob_judgements,
                "bins": {label: b.to_json() for label, b in self.bins.items()}}

    @staticmethod
    def from_json(d: dict) -> "SelectionCounts":
        return SelectionCounts(d["alice_examples"], d["alice_hard"], d["alice_easy"], d["bob_examples"],
                               dict(d["bob_labels"]), d.get("bob_correct", 0), d.get("bob_judgements", 0),
                               {label: BinCount(b["pairs"], b["selected"]) for label, b in d.get("bins", {}).items()})


@dataclass(frozen=True)
class AgentTraining:
    """One agent's training in one iteration: trained (steps, loss, seconds) or skipped (why).
    Also `iter_<k>/adapters/<agent>.json` beside a trained adapter."""
    examples: int
    steps: int | None = None
    train_loss: float | None = None  # mean training loss over the run
    seconds: float | None = None
    skipped: str | None = None  # why it did not train: no examples, or none fits max_seq_len

    def to_json(self) -> dict:
        if self.skipped is not None:
            return {"examples": self.examples, "skipped": self.skipped}
        return {"examples": self.examples, "steps": self.steps, "train_loss": self.train_loss,
                "seconds": self.seconds}

    @staticmethod
    def from_json(d: dict) -> "AgentTraining":
        return AgentTraining(d["examples"], d.get("steps"), d.get("train_loss"), d.get("seconds"), d.get("skipped"))


@dataclass(frozen=True)
class TrainingSummary:
    """What training did in an iteration (hsx/selfplay/loop.py); a missing part is absent from
    the JSON (metrics written before training was recorded have none)."""
    selection: SelectionCounts | None = None
    alice: AgentTraining | None = None
    bob: AgentTraining | None = None

    def to_json(self) -> dict:
        parts = {"selection": self.selection, "alice": self.alice, "bob": self.bob}
        return {name: part.to_json() for name, part in parts.items() if part is not None}

    @staticmethod
    def from_json(d: dict) -> "TrainingSummary":
        return TrainingSummary(SelectionCounts.from_json(d["selection"]) if d.get("selection") else None,
                               AgentTraining.from_json(d["alice"]) if d.get("alice") else None,
                               AgentTraining.from_json(d["bob"]) if d.get("bob") else None)


@dataclass(frozen=True)
class TransformYield:
    """The candidates of one transformation in an iteration: the yield docs/BENCHMARKS.md reports."""
    kind: PairKind  # a "seq" / "sinq" string is read as its PairKind
    proposed: int = 0
    verified: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)  # the verifier's outcome -> candidates

    def __post_init__(self):
        object.__setattr__(self, "kind", PairKind(self.kind))

    def to_json(self) -> dict:
        return {"kind": self.kind.value, "proposed": self.proposed, "verified": self.verified,
                "outcomes": dict(self.outcomes)}

    @staticmethod
    def from_json(d: dict) -> "TransformYield":
        return TransformYield(d["kind"], d["proposed"], d["verified"], dict(d.get("outcomes", {})))


@dataclass(frozen=True)
class IterationMetrics:
    """The counts of one self-play iteration: `iter_<k>/metrics.json`, written by the loop
    (hsx/selfplay/outcomes.py computes them) and plotted by hsx/selfplay/report.py."""
    iteration: int
    programs: int
    attempts: dict[str, int]  # Alice's answers per kind
    outcomes: dict[str, int]  # verified-seq | verified-sinq | proof:<status> | parse-failure | ... -> answers
    proofs: ProofCounts
    bob: BobScore  # Bob on the verified pairs
    difficulties: list[float]
    difficulty_histogram: dict[str, int]  # "0-2" ... "8-10" -> pairs
    training: TrainingSummary
    times: dict[str, float]  # stage -> seconds
    tokens: dict[str, int]  # "alice", "bob" -> generated tokens
    sources: dict[str, dict[str, int]]  # Alice's source ("model" / "transform") -> outcome -> answers
    transforms: dict[str, TransformYield]  # transformation name -> its candidates
    heldout: HeldOutMeasure | None = None  # None: the run has no held-out split

    def to_json(self) -> dict:
        d = {"iteration": self.iteration, "programs": self.programs, "attempts": self.attempts,
             "outcomes": self.outcomes, "proofs": self.proofs.to_json(), "bob": self.bob.to_json(),
             "difficulties": self.difficulties, "difficulty_histogram": self.difficulty_histogram,
             "training": self.training.to_json(), "times": self.times, "tokens": self.tokens,
             "sources": self.sources, "transforms": {name: t.to_json() for name, t in self.transforms.items()}}
        if self.heldout is not None:  # absent, not null, without a held-out split
            d["heldout"] = self.heldout.to_json()
        return d

    @staticmethod
    def from_json(d: dict) -> "IterationMetrics":
        return IterationMetrics(d["iteration"], d["programs"], d.get("attempts", {}), d["outcomes"],
                                ProofCounts.from_json(d.get("proofs", {})), BobScore.from_json(d["bob"]),
                                d.get("difficulties", []), d.get("difficulty_histogram", {}),
                                TrainingSummary.from_json(d.get("training", {})), d.get("times", {}),
                                d.get("tokens", {}), d.get("sources", {}),
                                {name: TransformYield.from_json(t) for name, t in d.get("transforms", {}).items()},
                                HeldOutMeasure.from_json(d["heldout"]) if d.get("heldout") else None)


__all__ = ["AgentTraining", "BinCount", "BobScore", "HeldOutAccuracy", "HeldOutMeasure", "IterationMetrics",
           "PairedTest", "ProofCounts", "SelectionCounts", "TrainingSummary", "TransformYield"]
