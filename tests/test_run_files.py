"""Self-play's run files as typed records: each record round-trips through its JSON, and a file
written before its record existed (the same keys, built as a dict) still loads to the same values."""

import json

from hsx.records import HeldOutJudgements, PairKind


def test_heldout_judgements_round_trip_and_read_the_lines_written_as_dicts():
    # A line of heldout/base.jsonl as hsx/selfplay/heldout.py wrote it before the record existed.
    old = {"completions": ["ANSWER: YES", "hmm"], "correct": [True, False], "id": "heldout-p1-seq",
           "judged": [True, None], "kind": "seq"}
    record = HeldOutJudgements.from_json(json.loads(json.dumps(old, sort_keys=True)))
    assert record == HeldOutJudgements("heldout-p1-seq", PairKind.SEQ, (True, None), (True, False),
                                       ("ANSWER: YES", "hmm"))
    assert record.to_json() == old
    assert json.dumps(record.to_json(), sort_keys=True) == json.dumps(old, sort_keys=True)
