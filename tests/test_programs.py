"""The program pool: records, files, the reflectability guess, validation with the real
Verifier (GHC; skipped without the toolchain, like the rest of the suite), and the two commands
that keep the JSONL files the pool's only copy: `hsx programs add` and `hsx programs validate
--fix`."""

import ast
import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hsx.cli.main import main
from hsx.pool.programs import (PoolError, Program, ProgramRejected, code_size, load_pool, normalized_code,
                               rewrite_pool_file)
from hsx.pool.reflect import reflectability
from hsx.pool.validate import add_program, check_pool, check_program

ROOT = Path(__file__).resolve().parent.parent
POOL_DIR = ROOT / "data" / "programs"


def save_pool_records(path: Path, programs: list[Program]) -> None:
    """A pool file of `programs`, one JSON record per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(p.to_json(), ensure_ascii=False) + "\n" for p in programs))


def validate_pool(verifier, programs: list[Program], jobs: int | None = None) -> dict[str, list[str]]:
    """The problems `check_program` finds, by id, for the programs that have any."""
    return {c.program.id: list(c.problems) for c in check_pool(verifier, programs, jobs) if c.problems}


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


def test_starter_pool_validates_with_the_real_verifier(verifier):
    programs = load_pool(POOL_DIR)
    assert validate_pool(verifier, programs, jobs=4) == {}


def test_broken_records_are_reported_clearly(verifier):
    good = _program()
    assert check_program(verifier, good).problems == ()
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
        _program(id="wrong-size", size=5),
        _program(id="wrong-reflectable", reflectable="false"),
    ], jobs=4)
    assert set(problems) == {"wrong-output", "wrong-type", "wrong-entry", "wrong-arity", "raises", "loops",
                             "no-compile", "rejected", "bad-row", "wrong-size", "wrong-reflectable"}
    assert problems["wrong-output"] == ["sample input 2 ((-1)): output 0 differs from the recorded 1"]
    assert problems["wrong-type"] == ["type mismatch: GHC gives inc :: Int -> Int, the record says Integer -> Integer"]
    assert problems["wrong-entry"] == ["entry mismatch: hsx finds entry 'inc', the record says 'increment'"]
    assert problems["wrong-arity"] == ["arity mismatch: the entry takes 1 argument(s), the record says 2"]
    assert len(problems["raises"]) == 1 and "sample input 1 (0) does not give a value: exception" in problems["raises"][0]
    assert "does not give a value: timeout" in problems["loops"][0]
    assert "compile-error" in problems["no-compile"][0]
    assert "rejected" in problems["rejected"][0] and "System.IO.Unsafe" in problems["rejected"][0]
    assert "do not have 1 argument(s)" in problems["bad-row"][0]
    assert problems["wrong-size"] == ["size mismatch: the code has 2 non-blank line(s), the record says 5"]
    assert problems["wrong-reflectable"] == \
        ["reflectable mismatch: the heuristic gives 'true', the record says 'false'"]


def test_check_says_which_records_fix_can_repair(verifier):
    """Derived fields that differ are repairable (the check carries the recomputed record); a
    program that does not run to a value on its inputs is not."""
    good = _program()
    for broken in (_program(outputs=("2", "1")), _program(type="Integer -> Integer"), _program(entry="increment"),
                   _program(size=9, reflectable="false"), _program(outputs=("2",))):
        check = check_program(verifier, broken)
        assert check.problems and check.fixable, broken
        assert check.derived == good
    for broken in (_program(code="inc :: Int -> Int\ninc x = 10 `div` x\n", inputs=(("0",), ("5",))),
                   _program(code="inc :: Int -> Int\ninc x = x +\n"),
                   _program(arity=2, inputs=(("1", "2"),), outputs=("3",))):
        check = check_program(verifier, broken)
        assert check.problems and not check.fixable and check.derived is None, broken
    assert check_program(verifier, good).problems == ()


# ------------------------------------------------------------------------------------------------
# hsx programs add

TOTAL = "total :: [Int] -> Int\ntotal [] = 0\ntotal (x : xs) = x + total xs\n"


def _haskell_int_list(expr: str) -> list[int]:
    """A synthesized [Int] input, read independently of hsx ([1,(-2)] is a Python literal too)."""
    return ast.literal_eval(expr)


def test_add_computes_every_derived_field_and_appends(tmp_path):
    pool = tmp_path / "pool"
    save_pool_records(pool / "a.jsonl", [_program()])
    before = (pool / "a.jsonl").read_bytes()
    src = tmp_path / "sum-list.hs"
    src.write_text(TOTAL)
    result = CliRunner().invoke(main, ["programs", "add", str(src), "--pool-file", str(pool / "a.jsonl"),
                                       "--tags", "list, recursion"])
    assert result.exit_code == 0, result.output
    assert "added sum-list" in result.output
    data = (pool / "a.jsonl").read_bytes()
    assert data.startswith(before) and data.count(b"\n") == 2  # appended; the old line byte for byte
    assert sorted(f.name for f in pool.iterdir()) == ["a.jsonl"]  # no temporary file left
    added = load_pool(pool)[1]
    assert (added.id, added.code, added.entry, added.type, added.arity) == \
        ("sum-list", TOTAL, "total", "[Int] -> Int", 1)
    assert (added.size, added.reflectable, added.tags, added.source, added.difficulty) == \
        (3, "true", ("list", "recursion"), "hsx-team", None)
    assert len(added.inputs) == 5 and len(set(added.inputs)) == 5
    assert all(len(row) == 1 for row in added.inputs)
    assert [int(o.strip("()")) for o in added.outputs] == [sum(_haskell_int_list(r[0])) for r in added.inputs]


def test_add_writes_arguments_as_the_pool_does_and_honours_entry(verifier, tmp_path):
    """Synthesized arguments of user data types and negative numbers are parenthesized, like the
    hand-written records; --entry picks one of several functions, so one code gives two programs;
    both records validate."""
    shape = ("data Shape = Circle Int | Rect Int Int\n  deriving (Show, Eq)\n\n"
             "area :: Shape -> Int\narea (Circle r) = 3 * r * r\narea (Rect w h) = w * h\n\n"
             "twice :: Int -> Int\ntwice n = n * 2\n")
    f = tmp_path / "a.jsonl"
    area = add_program(verifier, shape, pool_file=f, id="area", tags=["data-type"], entry="area")
    twice = add_program(verifier, shape, pool_file=f, id="twice", tags=["int"], entry="twice", seed=1)
    assert (area.entry, area.type, twice.entry, twice.type) == ("area", "Shape -> Int", "twice", "Int -> Int")
    args = [x for p in (area, twice) for row in p.inputs for x in row]
    assert any(x.startswith("(Rect ") or x.startswith("(Circle ") for x in args)
    assert all(not x.startswith("-") and (" " not in x or x.startswith("(")) for x in args), args
    assert load_pool(f) == [area, twice]
    assert validate_pool(verifier, [area, twice]) == {}


def test_add_refuses_a_program_already_in_the_pool(verifier, tmp_path):
    pool = tmp_path / "pool"
    save_pool_records(pool / "a.jsonl", [_program()])
    add_program(verifier, TOTAL, pool_file=pool / "b.jsonl", id="sum-list", tags=["list"])
    before = {f.name: f.read_bytes() for f in pool.iterdir()}
    relaid = "-- the same program, commented and laid out differently\ntotal :: [Int] -> Int\n" \
             "total []       = 0\ntotal (x : xs) =\n  x + total xs\n"
    assert normalized_code(relaid) == normalized_code(TOTAL)
    with pytest.raises(ProgramRejected, match=r"already has this program: 'sum-list' \(.*b\.jsonl:1\)"):
        add_program(verifier, relaid, pool_file=pool / "b.jsonl", id="sum-again", tags=["list"])
    with pytest.raises(ProgramRejected, match=r"already has this program: 'inc' \(.*a\.jsonl:1\)"):
        add_program(verifier, "inc :: Int -> Int\ninc x = x + 1\n", pool_file=pool / "c.jsonl", id="inc2",
                    tags=["int"])
    with pytest.raises(ProgramRejected, match=r"already has this program: 'sum-list' .*entry 'total'$"):
        add_program(verifier, relaid, pool_file=pool / "b.jsonl", id="sum-again", tags=["list"], entry="total")
    with pytest.raises(ProgramRejected, match=r"program id 'inc' is already in the pool .*choose another --id"):
        add_program(verifier, "dec :: Int -> Int\ndec x = x - 1\n", pool_file=pool / "b.jsonl", id="inc",
                    tags=["int"])
    assert {f.name: f.read_bytes() for f in pool.iterdir()} == before


@pytest.mark.parametrize("code, message", [
    ("total :: [Int] -> Int\ntotal xs = 0 +\n", r"cannot run the program \(compile-error\)"),
    ("total :: [Int] -> Int\ntotal xs = length (show xs\n", r"cannot run the program"),
    ("import System.IO.Unsafe\ntotal :: [Int] -> Int\ntotal xs = unsafePerformIO (pure 0)\n",
     r"rejected by the sandbox policy(.|\n)*System\.IO\.Unsafe"),
    ("{-# LANGUAGE TemplateHaskell #-}\ntotal :: [Int] -> Int\ntotal xs = 0\n", r"rejected by the sandbox policy"),
    ("firstOf :: [Int] -> Int\nfirstOf xs = head xs\n",
     r"firstOf \[\] does not give a value: exception(.|\n)*gives a value on every sample input"),
    ("one :: Int -> Int\none x = 1\n\ntwo :: Int -> Int\ntwo x = 2\n",
     r"cannot run the program \(entry\)(.|\n)*several candidate(.|\n)*--entry NAME"),
])
def test_add_refuses_malformed_or_unsafe_programs_and_leaves_the_pool_alone(verifier, tmp_path, code, message):
    pool = tmp_path / "pool"
    save_pool_records(pool / "a.jsonl", [_program()])
    before = (pool / "a.jsonl").read_bytes()
    with pytest.raises(ProgramRejected, match=message):
        add_program(verifier, code, pool_file=pool / "a.jsonl", id="new", tags=["list"])
    assert (pool / "a.jsonl").read_bytes() == before
    assert [f.name for f in pool.iterdir()] == ["a.jsonl"]


def test_add_command_reports_a_refusal_and_exits_1(tmp_path):
    pool_file = tmp_path / "a.jsonl"
    src = tmp_path / "bad.hs"
    src.write_text("import System.Process\nbad :: Int -> Int\nbad x = x\n")
    result = CliRunner().invoke(main, ["programs", "add", str(src), "--pool-file", str(pool_file), "--tags", "int"])
    assert result.exit_code == 1
    assert "not added" in result.output and "System.Process" in result.output
    assert not pool_file.exists()


def test_add_refuses_an_empty_id_or_no_tags(verifier, tmp_path):
    with pytest.raises(ProgramRejected, match="at least one tag"):
        add_program(verifier, TOTAL, pool_file=tmp_path / "a.jsonl", id="t", tags=["", ""])
    with pytest.raises(ProgramRejected, match="non-empty id"):
        add_program(verifier, TOTAL, pool_file=tmp_path / "a.jsonl", id="", tags=["list"])
    assert not (tmp_path / "a.jsonl").exists()


# ------------------------------------------------------------------------------------------------
# hsx programs validate --fix

def test_validate_detects_a_hand_edited_derived_field_and_fix_repairs_it(tmp_path):
    pool = tmp_path / "pool"
    good = [_program(), _program(id="dec", code="dec :: Int -> Int\ndec x = x - 1\n", entry="dec",
                                 outputs=("0", "-2"))]
    save_pool_records(pool / "a.jsonl", good)
    broken = _program(id="div", code="dv :: Int -> Int\ndv x = 10 `div` x\n", entry="dv",
                      inputs=(("0",), ("5",)), outputs=("0", "2"))  # raises: nothing --fix can do
    save_pool_records(pool / "b.jsonl", [broken])
    original = (pool / "a.jsonl").read_text()
    runner = CliRunner()
    assert runner.invoke(main, ["programs", "validate", "--pool", str(pool / "a.jsonl")]).exit_code == 0

    # Hand-edit derived fields of the second record: its type, one output, size and reflectable.
    lines = original.splitlines(keepends=True)
    edited = dict(json.loads(lines[1]), type="Integer -> Integer", outputs=["0", "7"], size=4,
                  reflectable="unknown")
    (pool / "a.jsonl").write_text(lines[0] + json.dumps(edited) + "\n")
    result = runner.invoke(main, ["programs", "validate", "--pool", str(pool)])
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    for expected in ("dec: type mismatch: GHC gives dec :: Int -> Int, the record says Integer -> Integer",
                     "dec: sample input 2 ((-1)): output -2 differs from the recorded 7",
                     "dec: size mismatch: the code has 2 non-blank line(s), the record says 4",
                     "dec: reflectable mismatch: the heuristic gives 'true', the record says 'unknown'",
                     "div: sample input 1 (0) does not give a value", "can be rewritten with --fix",
                     "1/3 programs valid"):
        assert expected in out, expected
    assert load_pool(pool / "a.jsonl")[1].size == 4  # validate alone writes nothing

    result = runner.invoke(main, ["programs", "validate", "--pool", str(pool), "--fix"])
    assert result.exit_code == 1  # div still cannot run
    assert "rewrote 1 record(s)" in result.output and "2/3 programs valid" in result.output
    assert (pool / "a.jsonl").read_text() == original  # the hand edit undone, byte for byte
    assert load_pool(pool / "b.jsonl") == [broken]  # an unfixable record is left as it is
    assert sorted(f.name for f in pool.iterdir()) == ["a.jsonl", "b.jsonl"]
    (pool / "b.jsonl").unlink()
    result = runner.invoke(main, ["programs", "validate", "--pool", str(pool)])
    assert result.exit_code == 0 and "2/2 programs valid" in result.output


def test_rewrite_pool_file_replaces_only_the_named_records(tmp_path):
    f = tmp_path / "a.jsonl"
    save_pool_records(f, [_program(), _program(id="b")])
    lines = f.read_text().splitlines(keepends=True)
    assert rewrite_pool_file(f, {"b": _program(id="b", size=9)}) == 1
    assert f.read_text().splitlines(keepends=True)[0] == lines[0]
    assert load_pool(f)[1].size == 9
    assert rewrite_pool_file(f, {"zzz": _program(id="zzz")}) == 0
    with pytest.raises(ValueError, match="another id"):
        rewrite_pool_file(f, {"b": _program(id="c")})
