"""Self-play's run files as typed records: each record round-trips through its JSON, and a file
written before its record existed (the same keys, built as a dict) still loads to the same values."""

import json
from pathlib import Path

from hsx.records import HeldOutJudgements, PairKind
from hsx.selfplay.metrics import (AgentTraining, BinCount, IterationMetrics, ProofCounts, SelectionCounts,
                                  TrainingSummary, TransformYield)

FIXTURES = Path(__file__).parent / "fixtures" / "selfplay"


def test_heldout_judgements_round_trip_and_read_the_lines_written_as_dicts():
    # A line of heldout/base.jsonl as hsx/selfplay/heldout.py wrote it before the record existed.
    old = {"completions": ["ANSWER: YES", "hmm"], "correct": [True, False], "id": "heldout-p1-seq",
           "judged": [True, None], "kind": "seq"}
    record = HeldOutJudgements.from_json(json.loads(json.dumps(old, sort_keys=True)))
    assert record == HeldOutJudgements("heldout-p1-seq", PairKind.SEQ, (True, None), (True, False),
                                       ("ANSWER: YES", "hmm"))
    assert record.to_json() == old
    assert json.dumps(record.to_json(), sort_keys=True) == json.dumps(old, sort_keys=True)


def test_iteration_metrics_read_a_metrics_json_written_before_its_parts_were_records():
    # iter_0/metrics.json of a CPU transform run (test_selfplay.py), written when proofs, training,
    # sources and transforms were plain dicts.
    old = json.loads((FIXTURES / "metrics.json").read_text())
    m = IterationMetrics.from_json(old)
    assert m.proofs == ProofCounts({}, 0, 0.0, 0.0)
    assert m.training.alice == AgentTraining(0, skipped="no training examples")
    assert m.training.bob.steps == 2 and m.training.bob.skipped is None
    assert m.training.selection.bob_examples == 7 and m.training.selection.bins["[6,8)"] == BinCount(6, 6)
    assert m.transforms["constant-1"] == TransformYield(PairKind.SINQ, 3, 3, {"verified-sinq": 3})
    assert m.sources == {"transform": {"non-diverging": 1, "verified-sinq": 7}}
    assert m.to_json() == old
    # Older still: no proofs, training, sources, transforms or held-out measure.
    older = {k: v for k, v in old.items() if k not in ("proofs", "training", "sources", "transforms", "heldout")}
    m = IterationMetrics.from_json(older)
    assert m.training == TrainingSummary() and m.transforms == {} and m.heldout is None
    assert m.to_json()["training"] == {}


def test_training_summary_round_trips_trained_and_skipped_agents():
    selection = SelectionCounts(3, 2, 1, 4, {"YES": 1, "NO": 3}, 5, 8, {"[0,2)": BinCount(1, 0)})
    summary = TrainingSummary(selection, AgentTraining(3, 1, 0.5, 2.0), AgentTraining(4, skipped="none fits"))
    d = json.loads(json.dumps(summary.to_json()))
    assert d["alice"] == {"examples": 3, "steps": 1, "train_loss": 0.5, "seconds": 2.0}
    assert d["bob"] == {"examples": 4, "skipped": "none fits"}
    assert TrainingSummary.from_json(d) == summary
