"""The curriculum (program selection, estimates, promotion) and training-data selection (pure)."""

import dataclasses
import json
import random
from collections import Counter

import pytest

from hsx.agents.parsing import parse_bob
from hsx.config import SelfPlayConfig
from hsx.pool.programs import Program
from hsx.records import AliceAnswer, PairRecord
from hsx.selfplay.curriculum import Curriculum, promotion_rows
from hsx.selfplay.selection import (BIN_LABELS, difficulty_bin, pair_difficulty, proportional_quotas,
                                    select_training_data)
from hsx.verdict import Entry, Outcome
from hsx.verify.pipeline import ProgramRun

CONFIG = SelfPlayConfig()  # target band [3, 8], explore 0.2, tau 5, easy_share 0.3, promote at 7


def program(i: int | str, difficulty: float | None = None) -> Program:
    pid = f"p{i:03d}" if isinstance(i, int) else i
    return Program(id=pid, code=f"f{pid} :: Int -> Int\nf{pid} x = x\n", entry=f"f{pid}", type="Int -> Int",
                   arity=1, inputs=(("1",), ("2",)), outputs=("1", "2"), size=2, tags=("int",),
                   reflectable="true", difficulty=difficulty)


def pool(n: int) -> list[Program]:
    return [program(i) for i in range(n)]


# ------------------------------------------------------------------------------------------------
# Curriculum

def test_selection_is_deterministic_under_a_seed():
    c = Curriculum(CONFIG)
    programs = pool(50)
    for i, p in enumerate(programs[:30]):
        c.update(p.id, [i % 10], 0)
    a = c.select(programs, 12, random.Random(7), 1)
    b = c.select(list(reversed(programs)), 12, random.Random(7), 1)  # pool order does not matter
    assert [p.id for p in a] == [p.id for p in b]
    assert len({p.id for p in a}) == 12
    assert [p.id for p in c.select(programs, 12, random.Random(8), 1)] != [p.id for p in a]


def test_selection_prefers_the_target_band():
    config = dataclasses.replace(CONFIG, explore=0.0)
    c = Curriculum(config)
    programs = pool(200)
    in_band = {p.id for p in programs[:100]}
    for p in programs:
        c.update(p.id, [5.0 if p.id in in_band else 0.0], 0)  # 0 is 3 below the band
    rng = random.Random(0)
    picks = Counter()
    for _ in range(200):
        picks.update(p.id in in_band for p in c.select(programs, 20, rng, 5))
    share = picks[True] / sum(picks.values())
    assert share > 0.85, share
    # Too hard is avoided as well as too easy, and nearer the band beats farther from it.
    c2 = Curriculum(config)
    for p, d in zip(programs[:3], (5.0, 9.0, 10.0)):
        c2.update(p.id, [d], 0)
    assert c2.weight(programs[0], 5) > c2.weight(programs[1], 5) > c2.weight(programs[2], 5)


def test_exploration_share_comes_from_never_seen_programs():
    programs = pool(100)
    for explore, expected in ((0.2, 4), (0.5, 10), (1.0, 20)):
        c = Curriculum(dataclasses.replace(CONFIG, explore=explore))
        for p in programs[:50]:
            c.update(p.id, [5.0], 0)  # in the band: exploration has to beat strong competition
        for seed in range(20):
            chosen = c.select(programs, 20, random.Random(seed), 1)
            unseen = sum(not c.seen(p.id) for p in chosen)
            assert unseen >= expected
    # With nothing left to explore, the whole draw is band-driven.
    c = Curriculum(CONFIG)
    for p in programs:
        c.update(p.id, [5.0], 0)
    assert len(c.select(programs, 20, random.Random(0), 1)) == 20


def test_no_fixed_list_is_replayed():
    config = dataclasses.replace(CONFIG, explore=0.0)
    c = Curriculum(config)
    programs = pool(60)
    for p in programs:
        c.update(p.id, [5.0], 0)  # all equally attractive: only recency and chance decide
    rng = random.Random(3)
    history = []
    for it in range(1, 7):
        chosen = [p.id for p in c.select(programs, 10, rng, it)]
        history.append(chosen)
        for pid in chosen:
            c.update(pid, [5.0], it)
    assert all(set(a) != set(b) for a, b in zip(history, history[1:]))
    assert len({pid for h in history for pid in h}) > 30
    # Drawn last iteration weighs half as much as drawn long ago.
    assert c.weight(programs[0], 100) > 0.99
    last = next(p for p in programs if p.id in history[-1])
    assert c.weight(last, 7) == pytest.approx(0.5)


def test_programs_without_verified_pairs_fade():
    c = Curriculum(CONFIG)
    p = program(1)
    c.update(p.id, [], 0)
    c.update(p.id, [], 1)
    assert c.seen(p.id) and c.estimate(p) is None
    assert c.weight(p, 10) == pytest.approx(0.5 / 3, rel=1e-2)


def test_estimate_is_an_exponential_moving_average():
    c = Curriculum(CONFIG)
    c.update("a", [4.0], 0)
    assert c.estimate(program("a")) == 4.0
    c.update("a", [8.0, 10.0], 1)
    assert c.estimate(program("a")) == pytest.approx(8.0)  # 4 -> 6 -> 8
    s = c.states["a"]
    assert (s.visits, s.pairs, s.last_iteration, s.empty_visits) == (2, 3, 1, 0)
    assert c.estimate(program("b", difficulty=7.5)) == 7.5  # a promoted program's prior
    with pytest.raises(ValueError):
        c.update("a", [11.0], 2)


def test_state_json_round_trip():
    c = Curriculum(CONFIG)
    programs = pool(30)
    for i, p in enumerate(programs[:20]):
        c.update(p.id, [float(i % 11)] if i % 4 else [], i % 3)
    restored = Curriculum.from_json(json.loads(json.dumps(c.to_json())), CONFIG)
    assert restored.to_json() == c.to_json()
    assert [p.id for p in restored.select(programs, 10, random.Random(5), 4)] == \
        [p.id for p in c.select(programs, 10, random.Random(5), 4)]
    with pytest.raises(ValueError, match="version"):
        Curriculum.from_json({"version": 99, "programs": {}}, CONFIG)


def test_selection_handles_small_pools_and_bad_config():
    c = Curriculum(CONFIG)
    assert len(c.select(pool(3), 10, random.Random(0), 0)) == 3
    assert c.select([], 10, random.Random(0), 0) == []
    with pytest.raises(ValueError):
        Curriculum(dataclasses.replace(CONFIG, target_low=9.0, target_high=2.0))


def _evaluation(outcomes, entry="fp001", type_="Int -> Int"):
    return ProgramRun(Entry(entry, type_), type_, 1, tuple(outcomes))


def test_promotion_records_provenance_and_outputs():
    c = Curriculum(CONFIG)
    parent = program(1)
    q = "fp001 :: Int -> Int\nfp001 x = if x == 2 then 3 else x\n"
    rows = promotion_rows(parent, ("2",)) + [("9",)]
    assert rows == [("1",), ("2",), ("9",)]  # the diverging input is already a sample input
    ev = _evaluation([Outcome("value", "1"), Outcome("value", "3"),
                      Outcome("exception", exception="ErrorCall", message="boom")])
    new = c.promote(parent, q, ev, pair_id="3-p001-r0", difficulty=8.0, run="run-a", iteration=3,
                    kind="sinq", rows=rows)
    assert new.source == "promoted:run-a/3/3-p001-r0"
    assert new.difficulty == 8.0 and new.code == q and new.entry == "fp001" and new.type == "Int -> Int"
    assert new.inputs == (("1",), ("2",)) and new.outputs == ("1", "3")  # the raising row is left out
    assert "promoted" in new.tags and "sinq" in new.tags and new.id.startswith("p001~run-a-i3-")
    # A promoted program's own promotion keeps the id short and names the original ancestor.
    again = c.promote(new, q + "-- v2\n", _evaluation([Outcome("value", "1"), Outcome("value", "3")]),
                      pair_id="5-x", difficulty=9.0, run="run-a", iteration=5)
    assert again.id.startswith("p001~run-a-i5-") and again.source == "promoted:run-a/5/5-x"
    assert c.estimate(again) == 9.0 and not c.seen(again.id)


def test_promotion_refuses_easy_pairs_and_other_types():
    c = Curriculum(CONFIG)
    parent = program(1)
    ok = _evaluation([Outcome("value", "1"), Outcome("value", "2")])
    with pytest.raises(ValueError, match="below promote_min_difficulty"):
        c.promote(parent, "q", ok, pair_id="x", difficulty=6.9, run="r", iteration=0)
    with pytest.raises(ValueError, match="differs from P's"):
        c.promote(parent, "q", _evaluation([Outcome("value", "1")] * 2, type_="Integer -> Integer"),
                  pair_id="x", difficulty=9.0, run="r", iteration=0)
    with pytest.raises(ValueError, match="no value"):
        c.promote(parent, "q", _evaluation([Outcome("timeout")] * 2), pair_id="x", difficulty=9.0, run="r",
                  iteration=0)


# ------------------------------------------------------------------------------------------------
# Training-data selection

def record(i: int, difficulty: float, correct=(True, False), kind="sinq") -> PairRecord:
    return PairRecord.from_json({
        "id": f"pair{i:03d}", "kind": kind, "difficulty": difficulty, "program_id": f"p{i}",
        "alice_prompt": [{"role": "user", "content": f"task {i}"}], "alice_answer": f"answer {i}",
        "bob": [{"prompt": [{"role": "user", "content": f"judge {i}"}], "completion": f"verdict {i}/{j}",
                 "correct": c} for j, c in enumerate(correct)]})


def test_bins():
    assert BIN_LABELS == ("[0,2)", "[2,4)", "[4,6)", "[6,8)", "[8,10]")
    assert [difficulty_bin(d) for d in (0.0, 1.99, 2.0, 5.0, 9.0, 10.0)] == [0, 0, 1, 2, 4, 4]
    assert pair_difficulty([True] * 10) == 0.0 and pair_difficulty([False] * 3 + [True]) == 7.5


def test_threshold_takes_every_hard_pair():
    config = dataclasses.replace(CONFIG, tau=5.0, easy_share=0.0)
    records = [record(i, d) for i, d in enumerate([0.0, 4.9, 5.0, 7.0, 10.0, 3.0])]
    chosen = select_training_data(records, config, random.Random(0))
    assert chosen.alice_pair_ids == ["pair002", "pair003", "pair004"]
    assert chosen.alice[0] == {"prompt": [{"role": "user", "content": "task 2"}],
                               "completion": [{"role": "assistant", "content": "answer 2"}]}
    assert (chosen.hard, chosen.easy) == (3, 0)
    # No hard pair: no easy share either (nothing for Alice to learn this round).
    assert select_training_data(records[:2], CONFIG, random.Random(0)).alice == []


def test_easier_pairs_are_stratified_proportionally():
    config = dataclasses.replace(CONFIG, tau=6.0, easy_share=2.0)
    hard = [record(i, 9.0) for i in range(10)]
    easy = ([record(100 + i, 1.0) for i in range(20)] + [record(200 + i, 3.0) for i in range(10)]
            + [record(300 + i, 5.0) for i in range(10)])
    chosen = select_training_data(hard + easy, config, random.Random(1))
    assert chosen.easy == 20 and len(chosen.alice) == 30
    assert chosen.bins["[0,2)"] == {"pairs": 20, "selected": 10}
    assert chosen.bins["[2,4)"] == {"pairs": 10, "selected": 5}
    assert chosen.bins["[4,6)"] == {"pairs": 10, "selected": 5}
    assert chosen.bins["[8,10]"] == {"pairs": 10, "selected": 10}
    # Deterministic under the seed, a different draw under another seed, same bin counts.
    again = select_training_data(hard + easy, config, random.Random(1))
    assert again.alice_pair_ids == chosen.alice_pair_ids
    other = select_training_data(list(reversed(hard + easy)), config, random.Random(2))
    assert set(other.alice_pair_ids) != set(chosen.alice_pair_ids) and other.bins == chosen.bins
    # Input order does not change which pairs the seed picks.
    shuffled = select_training_data(list(reversed(hard + easy)), config, random.Random(1))
    assert set(shuffled.alice_pair_ids) == set(chosen.alice_pair_ids)


def test_proportional_quotas():
    assert proportional_quotas([20, 10, 10], 20) == [10, 5, 5]
    # 2.22, 1.33, 0.44: floors 2, 1, 0 and the one left over goes to the largest remainder (0.44)
    assert proportional_quotas([5, 3, 1, 0, 0], 4) == [2, 1, 1, 0, 0]
    assert sum(proportional_quotas([7, 5, 3, 2, 1], 9)) == 9
    assert proportional_quotas([2, 1], 10) == [2, 1]  # never more than a bin holds
    assert proportional_quotas([0, 0], 3) == [0, 0]


def test_bob_learns_only_from_correct_judgements():
    records = [record(1, 5.0, correct=(True, False, True)), record(2, 0.0, correct=(True, True)),
               record(3, 10.0, correct=(False, False))]
    unverified = dataclasses.replace(record(4, 9.0, correct=(True,)), verified=False)
    chosen = select_training_data(records + [unverified], CONFIG, random.Random(0))
    completions = [e["completion"][0]["content"] for e in chosen.bob]
    assert completions == ["verdict 1/0", "verdict 1/2", "verdict 2/0", "verdict 2/1"]
    assert chosen.bob[0]["prompt"] == [{"role": "user", "content": "judge 1"}]
    assert chosen.bob_judgements == 7 and chosen.bob_correct == 4
    assert "pair004" not in chosen.alice_pair_ids
    json.dumps(chosen.counts.to_json())


def test_short_answer_bob_learns_the_verified_label_of_every_pair():
    """With the short prompt Bob's completion is the answer line: every verified pair teaches its
    label, also those he got wrong (otherwise a model that always says YES sees only YES)."""
    short = dataclasses.replace(CONFIG, bob_prompt="short")
    records = [record(1, 10.0, correct=(False, False), kind="sinq"), record(2, 0.0, correct=(True, True), kind="seq"),
               record(3, 5.0, correct=(True, False), kind="sinq")]
    unverified = dataclasses.replace(record(4, 9.0, correct=(True,)), verified=False)
    chosen = select_training_data(records + [unverified], short, random.Random(0))
    assert [e["completion"][0]["content"] for e in chosen.bob] == ["ANSWER: NO", "ANSWER: YES", "ANSWER: NO"]
    assert [e["prompt"] for e in chosen.bob] == [[{"role": "user", "content": f"judge {i}"}] for i in (1, 2, 3)]
    assert chosen.bob_judgements == 6 and chosen.bob_correct == 3
    assert all(parse_bob(e["completion"][0]["content"]) == (r.kind == "seq") for e, r in zip(chosen.bob, records))


def test_alice_answer_round_trips_through_its_jsonl_line():
    answer = AliceAnswer("0-p1-r0", "p1", "sinq", 0, raw="```haskell\nf x = x\n```\n```input\n3\n```",
                         q="f x = x", inputs=("3",), conversation=({"role": "user", "content": "vary"},),
                         tokens=17, truncated=False)
    line = json.loads(json.dumps(answer.to_json()))
    assert line["inputs"] == ["3"] and line["conversation"] == [{"role": "user", "content": "vary"}]
    assert AliceAnswer.from_json(line) == answer
    # A transformation's candidate: no prompt, no tokens, the transformation named.
    t = AliceAnswer("0-p1-r0-t0", "p1", "seq", 0, raw="", q="f x = id x", source="transform",
                    transform="eta-expand", site="f")
    assert AliceAnswer.from_json(json.loads(json.dumps(t.to_json()))) == t
