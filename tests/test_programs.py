"""The program pool: records, files, the reflectability guess, and validation with the real
Verifier (GHC; skipped without the toolchain, like the rest of the suite)."""

import dataclasses
import importlib.util
import json
from pathlib import Path

import pytest

from hsx.programs import (PoolError, Program, code_size, load_pool, reflectability, save_pool_records,
                          validate_pool, validate_program)

ROOT = Path(__file__).resolve().parent.parent
POOL_DIR = ROOT / "data" / "programs"


def _program(**changes) -> Program:
    base = Program(id="inc", code="inc :: Int -> Int\ninc x = x + 1\n", entry="inc", type="Int -> Int", arity=1,
                   inputs=(("1",), ("(-1)",)), outputs=("2", "0"), size=2, tags=("int",), reflectable="true")
    return dataclasses.replace(base, **changes)


# ------------------------------------------------------------------------------------------------
# Records and files

def test_record_json_round_trip():
    p = _program(difficulty=7.5, source="promoted:run/2/p9")
    assert Program.from_json(json.loads(json.dumps(p.to_json()))) == p


def test_save_and_load_round_trip(tmp_path):
    programs = [_program(), _program(id="inc2")]
    save_pool_records(tmp_path / "pool" / "a.jsonl", programs)
    assert load_pool(tmp_path / "pool") == programs
    assert [f.name for f in (tmp_path / "pool").iterdir()] == ["a.jsonl"]  # no temporary file left


def test_load_pool_reads_all_files_sorted(tmp_path):
    save_pool_records(tmp_path / "b.jsonl", [_program(id="b")])
    save_pool_records(tmp_path / "a.jsonl", [_program(id="a")])
    assert [p.id for p in load_pool(tmp_path)] == ["a", "b"]


def test_duplicate_ids_across_files_name_both_places(tmp_path):
    save_pool_records(tmp_path / "a.jsonl", [_program(id="x")])
    save_pool_records(tmp_path / "b.jsonl", [_program(id="y"), _program(id="x")])
    with pytest.raises(PoolError, match=r"b\.jsonl:2: duplicate program id 'x' \(first defined at .*a\.jsonl:1\)"):
        load_pool(tmp_path)


def test_bad_records_are_reported_with_file_and_line(tmp_path):
    f = tmp_path / "p.jsonl"
    f.write_text(json.dumps(_program().to_json()) + "\n{not json\n")
    with pytest.raises(PoolError, match=r"p\.jsonl:2: not valid JSON"):
        load_pool(f)
    record = _program().to_json()
    del record["outputs"]
    f.write_text(json.dumps(record) + "\n")
    with pytest.raises(PoolError, match=r"p\.jsonl:1: bad program record: missing field\(s\): outputs"):
        load_pool(f)
    record = dict(_program().to_json(), reflectable="maybe")
    f.write_text(json.dumps(record) + "\n")
    with pytest.raises(PoolError, match="reflectable must be one of"):
        load_pool(f)
    with pytest.raises(PoolError, match="no such pool"):
        load_pool(tmp_path / "missing")


def test_save_refuses_duplicate_ids(tmp_path):
    with pytest.raises(ValueError, match="duplicate"):
        save_pool_records(tmp_path / "p.jsonl", [_program(), _program()])


def test_code_size_counts_non_blank_lines():
    assert code_size("f :: Int\n\nf = 1\n  \n") == 2


# ------------------------------------------------------------------------------------------------
# Reflectability guess

@pytest.mark.parametrize("code, expected", [
    ("total :: [Int] -> Int\ntotal [] = 0\ntotal (x : xs) = x + total xs\n", "true"),
    ("module M where\n\nsafeDiv :: Int -> Int -> Maybe Int\nsafeDiv _ 0 = Nothing\nsafeDiv n d = Just (n `div` d)\n",
     "true"),
    ("f :: [Int] -> [Int]\nf xs = map (\\x -> x + 1) xs\n", "false"),  # lambda and map
    ("f :: [Int] -> Int\nf xs = sum xs\n", "false"),
    ("f :: [Int] -> [Int] -> [Int]\nf xs ys = xs ++ ys\n", "false"),
    ("f :: Int -> String\nf n = show n\n", "false"),
    ("g :: Int -> Int\ng n = go n 0\n  where\n    go 0 acc = acc\n    go k acc = go (k - 1) (acc + k)\n", "false"),
    ("g :: Int -> Int\ng n = h + h\n  where\n    h = n * 2\n", "unknown"),  # non-recursive local binding
    ("f :: Int -> Either String Int\nf x = if x > 0 then Right x else Left \"neg\"\n", "unknown"),  # string
    ("appL :: [Int] -> [Int] -> [Int]\nappL [] ys = ys\nappL (x : xs) ys = x : appL xs ys\n", "true"),
])
def test_reflectability_heuristic(code, expected):
    assert reflectability(code) == expected


def test_own_definition_of_a_library_name_is_not_a_library_use():
    code = "sum :: [Int] -> Int\nsum [] = 0\nsum (x : xs) = x + sum xs\n"
    assert reflectability(code) == "true"


# ------------------------------------------------------------------------------------------------
# The shipped starter pool

def test_starter_pool_shape():
    programs = load_pool(POOL_DIR)
    assert len(programs) >= 40
    assert len({p.id for p in programs}) == len(programs)
    tags = {t for p in programs for t in p.tags}
    assert {"int", "integer", "bool", "list", "string", "maybe", "either", "tuple", "tree"} <= tags
    assert {p.arity for p in programs} == {1, 2, 3}
    for p in programs:
        assert 3 <= len(p.inputs) <= 5, p.id
        assert len(p.outputs) == len(p.inputs), p.id
        assert all(len(row) == p.arity for row in p.inputs), p.id
        assert p.tags and p.source == "hsx-team" and p.difficulty is None, p.id
        assert p.size == code_size(p.code), p.id
        assert p.reflectable == reflectability(p.code), p.id
        assert not any(o.startswith("exception") for o in p.outputs), p.id
    assert {p.reflectable for p in programs} >= {"true", "false"}


def test_starter_pool_is_the_scripts_output():
    """The file holds exactly the programs of scripts/make_starter_pool.py, in its order."""
    spec = importlib.util.spec_from_file_location("make_starter_pool", ROOT / "scripts" / "make_starter_pool.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    programs = load_pool(POOL_DIR / "starter.jsonl")
    assert [(p.id, p.tags, p.code, [list(r) for r in p.inputs]) for p in programs] == \
        [(pid, tuple(tags), code, [list(r) for r in rows]) for pid, tags, code, rows in module.PROGRAMS]


def test_starter_pool_validates_with_the_real_verifier(verifier):
    programs = load_pool(POOL_DIR)
    assert validate_pool(verifier, programs, jobs=4) == {}


def test_broken_records_are_reported_clearly(verifier):
    good = _program()
    assert validate_program(verifier, good) == []
    problems = validate_pool(verifier, [
        good,
        _program(id="wrong-output", outputs=("2", "1")),
        _program(id="wrong-type", type="Integer -> Integer"),
        _program(id="wrong-entry", entry="increment"),
        _program(id="wrong-arity", arity=2, inputs=(("1", "2"),), outputs=("3",)),
        _program(id="raises", code="inc :: Int -> Int\ninc x = 10 `div` x\n", inputs=(("0",), ("5",)),
                 outputs=("0", "2")),
        _program(id="loops", code="inc :: Int -> Int\ninc x = inc x\n", inputs=(("1",),), outputs=("2",)),
        _program(id="no-compile", code="inc :: Int -> Int\ninc x = x +\n"),
        _program(id="rejected", code="import System.IO.Unsafe\ninc :: Int -> Int\ninc x = x + 1\n"),
        _program(id="bad-row", inputs=(("1", "2"),), outputs=("3",)),
    ], jobs=4)
    assert set(problems) == {"wrong-output", "wrong-type", "wrong-entry", "wrong-arity", "raises", "loops",
                             "no-compile", "rejected", "bad-row"}
    assert problems["wrong-output"] == ["sample input 2 ((-1)): output 0 differs from the recorded 1"]
    assert problems["wrong-type"] == ["type mismatch: GHC gives inc :: Int -> Int, the record says Integer -> Integer"]
    assert problems["wrong-entry"] == ["entry mismatch: hsx finds entry 'inc', the record says 'increment'"]
    assert problems["wrong-arity"] == ["arity mismatch: the entry takes 1 argument(s), the record says 2"]
    assert len(problems["raises"]) == 1 and "sample input 1 (0) does not give a value: exception" in problems["raises"][0]
    assert "does not give a value: timeout" in problems["loops"][0]
    assert "compile-error" in problems["no-compile"][0]
    assert "rejected" in problems["rejected"][0] and "System.IO.Unsafe" in problems["rejected"][0]
    assert "do not have 1 argument(s)" in problems["bad-row"][0]
