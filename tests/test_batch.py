"""--batch: many pairs on all cores, one JSON line each, resumable after a kill."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from hsx.verify import batch

EQ = ("f :: Int -> Int\nf x = x + 1\n", "f :: Int -> Int\nf x = 1 + x\n")
NEQ = ("f :: Int -> Int\nf x = x\n", "f :: Int -> Int\nf x = abs x\n")
SLOW = ("f :: Int -> Int\nf x = if x > 1 then f x else x\n", "f :: Int -> Int\nf x = x\n")




def write_pairs(path: Path, pairs) -> None:
    with open(path, "w") as f:
        for i, (a, b) in enumerate(pairs):
            f.write(json.dumps({"id": f"p{i}", "a_source": a, "b_source": b}) + "\n")


def read_results(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_batch_runs_every_pair_with_file_paths(tmp_path, config, toolchain):
    (tmp_path / "a.hs").write_text(NEQ[0])
    (tmp_path / "b.hs").write_text(NEQ[1])
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"id": "files", "a": "a.hs", "b": "b.hs"}) + "\n" +
                     json.dumps({"id": "given", "a_source": NEQ[0], "b_source": NEQ[1], "inputs": ["-3"]}) + "\n")
    out = tmp_path / "out.jsonl"
    counts = batch.run_batch(pairs, out, config)
    results = {r["id"]: r for r in read_results(out)}
    assert counts["inequivalent"] == 2
    assert results["files"]["verdict"] == "inequivalent"
    assert results["given"]["counterexample"]["inputs"] == ["-3"]


def test_bad_pairs_file_is_a_clear_error(tmp_path):
    # A bad line is that pair's own error (tests/test_bad_input.py runs whole batches of them).
    bad = tmp_path / "pairs.jsonl"
    bad.write_text('{"id": 1, "a_source": "x"}\n')
    [pair] = batch.read_pairs(bad)
    assert isinstance(pair, batch.BadPair) and "needs 'b'" in pair.reason
    bad.write_text('{"id": 1, "a_source": "x", "b_source": "y"}\nnot json\n')
    pairs = batch.read_pairs(bad)
    assert isinstance(pairs[1], batch.BadPair) and f"{bad}:2: not valid JSON" in pairs[1].reason


def test_resume_after_kill_loses_and_duplicates_nothing(tmp_path, toolchain, prover_installed):
    pairs = tmp_path / "pairs.jsonl"
    write_pairs(pairs, [NEQ, EQ, SLOW, NEQ[::-1], SLOW, EQ[::-1]])
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "hsx.cli.main", "verify", "--batch", str(pairs), "--out", str(out),
           "--jobs", "1", "--timeout", "0.5"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if out.exists() and len(out.read_text().splitlines()) >= 2:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(read_results(out))
    assert 2 <= done_before < 6, "the kill should land mid-run"
    with open(out, "a") as f:  # a line cut off by the kill
        f.write('{"id": "p5", "verdi')
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    ids = [res["id"] for res in read_results(out)]
    assert sorted(ids) == [f"p{i}" for i in range(6)]  # every pair once
    verdicts = {res["id"]: res["verdict"] for res in read_results(out)}
    # p1 (x + 1 against 1 + x) has no counterexample; the empty proof proves it where Liquid
    # Haskell is installed, and without it the verdict stays unknown.
    assert verdicts["p0"] == "inequivalent" and verdicts["p1"] == ("equivalent" if prover_installed else "unknown")
