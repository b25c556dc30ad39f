"""The records self-play leaves behind, typed: Alice's answers, their verification, the verified
pairs with Bob's judgements, the run's state, the held-out split and Bob's answers on it.

Consumes what the self-play stages produce; produces the lines of `alice_r<r>.jsonl`,
`verify_r<r>.jsonl` and `bob.jsonl`, `state.json`, the held-out split's `heldout/pairs.jsonl` and
`heldout/split.json`, and Bob's held-out answers (`heldout/base.jsonl`,
`iter_<k>/heldout_bob.jsonl`), written through hsx.runs and read back on resume, by training-data
selection, by the run's report and by the dataset export (hsx.data.pairs); each iteration's
measures (`metrics.json`, `heldout.json`) are hsx/selfplay/metrics.py's.  They live here, below
both their writer (hsx.selfplay) and their readers.  `PairKind` is the closed set of pair kinds,
and the one place that says which verdict each kind needs.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import asdict, dataclass
from pathlib import Path

from hsx.runs import read_jsonl
from hsx.verdict import Result, Verdict


class PairKind(str, enum.Enum):
    """What Alice is asked for: an equivalent Q with a proof (SEQ) or an inequivalent Q with a
    diverging input (SINQ).  A `str` enum: it is written to JSON as "seq" / "sinq"."""
    SEQ = "seq"
    SINQ = "sinq"

    @property
    def wanted(self) -> Verdict:
        """The verdict that verifies a pair of this kind."""
        return Verdict.EQUIVALENT if self is PairKind.SEQ else Verdict.INEQUIVALENT

    @property
    def label(self) -> bool:
        """Bob's right answer to "are P and Q equivalent?" for a verified pair of this kind."""
        return self is PairKind.SEQ

    def __str__(self) -> str:  # f-strings and paths show "seq", not "PairKind.SEQ"
        return self.value


@dataclass(frozen=True)
class AliceAnswer:
    """One of Alice's candidates for one program in one repair round: a line of alice_r<r>.jsonl.

    A model's answer carries its conversation, raw text and token count, parsed into Q and the
    input or proof; a transformation's carries Q in the answer format a model would use (`raw`)
    and the transformation's name.  `failure` says why it never reached the verifier.
    """
    id: str
    program_id: str
    kind: PairKind  # a "seq" / "sinq" string is read as its PairKind
    round: int
    raw: str
    q: str | None = None
    inputs: tuple[str, ...] | None = None  # SINQ: Alice's diverging input, one expression per argument
    proof: str | None = None  # SEQ: her proof text
    failure: str | None = None  # parse-failure: ... | identical: ... | no-transform: ...
    conversation: tuple[dict, ...] = ()  # the prompt she answered (empty for a transformation)
    tokens: int = 0
    truncated: bool = False
    source: str = "model"  # model | transform
    transform: str | None = None
    site: str | None = None  # where in P the transformation applied

    def __post_init__(self):
        object.__setattr__(self, "kind", PairKind(self.kind))

    def to_json(self) -> dict:
        d = asdict(self)
        d["inputs"] = list(self.inputs) if self.inputs is not None else None
        d["conversation"] = list(self.conversation)
        return d

    @staticmethod
    def from_json(d: dict) -> "AliceAnswer":
        fields = {f.name for f in dataclasses.fields(AliceAnswer)}
        values = {k: v for k, v in d.items() if k in fields}
        if values.get("inputs") is not None:
            values["inputs"] = tuple(values["inputs"])
        values["conversation"] = tuple(values.get("conversation") or ())
        return AliceAnswer(**values)


def read_answers(path: Path) -> list[AliceAnswer]:
    return [AliceAnswer.from_json(d) for d in read_jsonl(path)]


@dataclass(frozen=True)
class Verification:
    """The verifier's result for one of Alice's candidates, classified for self-play."""
    id: str
    ok: bool  # the verdict the candidate's kind needs: equivalent for SEQ, inequivalent for SINQ
    outcome: str  # verified-seq | verified-sinq | seq-counterexample | proof:<status> | non-diverging | ...
    feedback: str  # the verifier's reason, cut to what a repair prompt can hold
    result: Result

    @property
    def verdict(self) -> Verdict:
        return self.result.verdict

    def to_json(self) -> dict:
        # "verdict" repeats the result's, for a reader of the file that does not open `result`.
        return {"id": self.id, "ok": self.ok, "outcome": self.outcome, "verdict": self.verdict.value,
                "feedback": self.feedback, "result": self.result.to_json()}

    @staticmethod
    def from_json(d: dict) -> "Verification":
        return Verification(str(d["id"]), bool(d["ok"]), d["outcome"], d["feedback"], Result.from_json(d["result"]))


@dataclass(frozen=True)
class BobJudgement:
    prompt: list[dict]
    completion: str  # raw, think blocks included
    correct: bool  # parsed and right; an unparsed answer is not correct
    judged: bool | None = None  # his parsed answer: True for equivalent, None when unparsed
    tokens: int = 0


@dataclass(frozen=True)
class PairRecord:
    """One verified pair of a self-play iteration with Bob's judgements: a line of bob.jsonl."""
    id: str
    kind: PairKind  # a "seq" / "sinq" string is read as its PairKind
    difficulty: float  # 0-10: 10 x (1 - Bob's success rate)
    alice_prompt: list[dict]  # the conversation that produced the verified answer
    alice_answer: str  # her raw answer (Q plus the input or the accepted proof)
    bob: tuple[BobJudgement, ...] = ()
    verified: bool = True
    program_id: str = ""
    q: str = ""
    inputs: tuple[str, ...] | None = None  # SINQ: the diverging input (Alice's, or the one hsx's search found)
    source: str = "model"  # who wrote Q: "model" (Alice's LLM) or "transform" (hsx/selfplay/transform/__init__.py)
    transform: str | None = None  # the transformation, for source "transform"
    verification: Verification | None = None

    def __post_init__(self):
        object.__setattr__(self, "kind", PairKind(self.kind))

    @property
    def correct(self) -> list[bool]:
        return [j.correct for j in self.bob]

    @property
    def result(self) -> Result | None:
        return self.verification.result if self.verification else None

    def to_json(self) -> dict:
        """The record, plus Bob's answers as parallel lists (`judged`, `correct`) and their counts."""
        return {"id": self.id, "program_id": self.program_id, "kind": self.kind, "q": self.q,
                "inputs": list(self.inputs) if self.inputs is not None else None,
                "alice_prompt": self.alice_prompt, "alice_answer": self.alice_answer,
                "bob": [asdict(j) for j in self.bob], "bob_tokens": sum(j.tokens for j in self.bob),
                "judged": [j.judged for j in self.bob], "correct": self.correct,
                "unparsed": sum(j.judged is None for j in self.bob), "difficulty": self.difficulty,
                "verified": self.verified, "source": self.source, "transform": self.transform,
                "verification": self.verification.to_json() if self.verification else None}

    @staticmethod
    def from_json(d: dict) -> "PairRecord":
        bob = tuple(BobJudgement(list(b["prompt"]), b["completion"], bool(b["correct"]), b.get("judged"),
                                 int(b.get("tokens", 0))) for b in d.get("bob", ()))
        inputs = d.get("inputs")
        return PairRecord(id=str(d["id"]), kind=d["kind"], difficulty=float(d["difficulty"]),
                          alice_prompt=list(d["alice_prompt"]), alice_answer=d["alice_answer"], bob=bob,
                          verified=bool(d.get("verified", True)), program_id=d.get("program_id", ""),
                          q=d.get("q", ""), inputs=tuple(inputs) if inputs is not None else None,
                          source=d.get("source", "model"), transform=d.get("transform"),
                          verification=Verification.from_json(d["verification"]) if d.get("verification") else None)


@dataclass(frozen=True)
class RunState:
    """A self-play run's `state.json`: the iterations finished, the curriculum's estimates and
    the programs promoted into the pool.  Written once per iteration, atomically, as its last
    step, so a killed run resumes after the last finished iteration."""
    done: tuple[int, ...] = ()
    curriculum: dict | None = None  # hsx.selfplay.curriculum.Curriculum.to_json(); None: a fresh one
    promoted: tuple[dict, ...] = ()  # hsx.pool.programs.Program.to_json() of each promoted program

    def to_json(self) -> dict:
        return {"done": sorted(self.done), "curriculum": self.curriculum, "promoted": list(self.promoted)}

    @staticmethod
    def from_json(d: dict) -> "RunState":
        return RunState(tuple(int(k) for k in d.get("done", ())), d.get("curriculum"),
                        tuple(d.get("promoted", ())))


# ------------------------------------------------------------------------------------------------
# The held-out split


@dataclass(frozen=True)
class HeldOutPair:
    """One verified pair of the held-out split: a line of `heldout/pairs.jsonl`
    (hsx/selfplay/heldout.py).  Made by a transformation of a held-out program."""
    id: str
    program_id: str
    p: str
    q: str
    kind: PairKind  # a "seq" / "sinq" string is read as its PairKind
    transform: str
    site: str  # where in P the transformation applied
    inputs: tuple[str, ...] | None = None  # SINQ: the diverging input hsx's search found

    def __post_init__(self):
        object.__setattr__(self, "kind", PairKind(self.kind))

    def to_json(self) -> dict:
        return {"id": self.id, "program_id": self.program_id, "p": self.p, "q": self.q, "kind": self.kind.value,
                "transform": self.transform, "site": self.site,
                "inputs": list(self.inputs) if self.inputs is not None else None}

    @staticmethod
    def from_json(d: dict) -> "HeldOutPair":
        inputs = d.get("inputs")
        return HeldOutPair(str(d["id"]), d["program_id"], d["p"], d["q"], d["kind"], d["transform"], d["site"],
                           tuple(inputs) if inputs is not None else None)


@dataclass(frozen=True)
class HeldOutJudgements:
    """Bob's k samples on one held-out pair: a line of `heldout/base.jsonl` (the base model) or
    of `iter_<k>/heldout_bob.jsonl` (the adapter after iteration k), hsx/selfplay/heldout.py."""
    id: str
    kind: PairKind  # a "seq" / "sinq" string is read as its PairKind
    judged: tuple[bool | None, ...]  # his parsed answers: True for equivalent, None when unparsed
    correct: tuple[bool, ...]  # parsed and right
    completions: tuple[str, ...]  # raw, think blocks included

    def __post_init__(self):
        object.__setattr__(self, "kind", PairKind(self.kind))

    def to_json(self) -> dict:
        return {"id": self.id, "kind": self.kind.value, "judged": list(self.judged), "correct": list(self.correct),
                "completions": list(self.completions)}

    @staticmethod
    def from_json(d: dict) -> "HeldOutJudgements":
        return HeldOutJudgements(str(d["id"]), d["kind"], tuple(d["judged"]), tuple(d["correct"]),
                                 tuple(d["completions"]))


@dataclass(frozen=True)
class HeldOutSplit:
    """How the held-out split was made: `heldout/split.json`, written once beside its pairs.jsonl
    by hsx/selfplay/heldout.py and read by the run's closing summary (hsx/selfplay/outcomes.py)."""
    programs: int  # held-out programs
    candidates: int  # transformation pairs proposed for them
    outcomes: dict[str, int]  # the verifier's outcome -> candidates
    verified: int
    pairs: int  # kept after balancing the labels
    labels: dict[str, int]  # "seq" / "sinq" -> pairs
    one_sided: bool  # one label only: Bob's accuracy on the split is not a measure
    seconds: float

    def to_json(self) -> dict:
        return {"programs": self.programs, "candidates": self.candidates, "outcomes": dict(self.outcomes),
                "verified": self.verified, "pairs": self.pairs, "labels": dict(self.labels),
                "one_sided": self.one_sided, "seconds": self.seconds}

    @staticmethod
    def from_json(d: dict) -> "HeldOutSplit":
        return HeldOutSplit(d["programs"], d["candidates"], dict(d["outcomes"]), d["verified"], d["pairs"],
                            dict(d["labels"]), bool(d["one_sided"]), d["seconds"])
