"""Run directories: atomic files, resumable JSONL logs, and the records self-play leaves behind.

Consumes records from the self-play stages; produces files under `runs/<name>/` that a
researcher can read, resume, plot and train from.  The records that cross stages are typed here
(`AliceAnswer`, `Verification`, `PairRecord`), below both their writer (hsx.selfplay) and the
dataset export that reads them (hsx.data.pairs).  Two rules make a killed run resumable without
losing or duplicating work:

* whole files (a stage's output, metrics, state) are written to a temporary name and renamed,
  so a file either exists complete or not at all, and "the output exists" means "the stage is
  done";
* append-only logs (`JsonlLog`) write one whole line per record and are keyed by id; on
  reopening, a line cut off by a kill is dropped and records already present are skipped.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

from hsx.verdict import Result


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_json(path: Path, obj) -> None:
    write_atomic(path, json.dumps(obj, indent=2, sort_keys=True) + "\n")


def read_json(path: Path):
    return json.loads(path.read_text())


def write_jsonl(path: Path, records: Iterable[dict]) -> None:
    write_atomic(path, "".join(json.dumps(r, sort_keys=True) + "\n" for r in records))


class JsonlError(ValueError):
    """A line of a JSONL input file is not a JSON object; the message names file and line."""


def iter_jsonl(path: Path):
    """(line number, record) for every non-blank line of a user-supplied JSONL file."""
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise JsonlError(f"{path}:{number}: not valid JSON: {e}") from None
        if not isinstance(record, dict):
            raise JsonlError(f"{path}:{number}: a record must be a JSON object")
        yield number, record


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class JsonlLog:
    """An append-only JSONL file of records with unique `id`s, safe to reopen after a kill."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes() if path.exists() else b""
        end = data.rfind(b"\n") + 1
        if end != len(data):  # a partial last line from an interrupted write
            with open(path, "r+b") as f:
                f.truncate(end)
        self.records: dict[str, dict] = {}
        for line in data[:end].decode().splitlines():
            if line.strip():
                r = json.loads(line)
                self.records[r["id"]] = r

    def __contains__(self, record_id: str) -> bool:
        return record_id in self.records

    def append(self, record: dict) -> None:
        if record["id"] in self.records:
            return
        with open(self.path, "a") as f:
            f.write(json.dumps(record, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.records[record["id"]] = record

    def values(self) -> list[dict]:
        return list(self.records.values())


# ------------------------------------------------------------------------------------------------
# Self-play's records: `verify_r<r>.jsonl` and `bob.jsonl` lines, written by hsx.selfplay and read
# back on resume, by training-data selection and by the dataset export (hsx.data.pairs).


@dataclass(frozen=True)
class AliceAnswer:
    """One of Alice's candidates for one program in one repair round: a line of alice_r<r>.jsonl.

    A model's answer carries its conversation, raw text and token count, parsed into Q and the
    input or proof; a transformation's carries Q in the answer format a model would use (`raw`)
    and the transformation's name.  `failure` says why it never reached the verifier.
    """
    id: str
    program_id: str
    kind: str  # seq | sinq
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
    verdict: str
    feedback: str  # the verifier's reason, cut to what a repair prompt can hold
    result: Result

    def to_json(self) -> dict:
        return {"id": self.id, "ok": self.ok, "outcome": self.outcome, "verdict": self.verdict,
                "feedback": self.feedback, "result": self.result.to_json()}

    @staticmethod
    def from_json(d: dict) -> "Verification":
        return Verification(str(d["id"]), bool(d["ok"]), d["outcome"], d["verdict"], d["feedback"],
                            Result.from_json(d["result"]))


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
    kind: str  # seq | sinq
    difficulty: float  # 0-10: 10 x (1 - Bob's success rate)
    alice_prompt: list[dict]  # the conversation that produced the verified answer
    alice_answer: str  # her raw answer (Q plus the input or the accepted proof)
    bob: tuple[BobJudgement, ...] = ()
    verified: bool = True
    program_id: str = ""
    q: str = ""
    inputs: tuple[str, ...] | None = None  # SINQ: the diverging input (Alice's, or the one hsx's search found)
    source: str = "model"  # who wrote Q: "model" (Alice's LLM) or "transform" (hsx/selfplay/transform.py)
    transform: str | None = None  # the transformation, for source "transform"
    verification: Verification | None = None

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
