"""The command line as a user runs it: exit codes, --json schema, messages."""

import json
import subprocess
import sys
from pathlib import Path



ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def hsx(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "hsx.cli.main", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)




def test_inequivalent_example_exit_code_and_output(toolchain):
    r = hsx("verify", EXAMPLES / "abs-negative" / "a.hs", EXAMPLES / "abs-negative" / "b.hs")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "inequivalent" in r.stdout and "counterexample" in r.stdout and "re-run:" in r.stdout


def test_json_schema(toolchain):
    r = hsx("verify", "--json", "--seed", "3", EXAMPLES / "safe-div" / "a.hs", EXAMPLES / "safe-div" / "b.hs")
    assert r.returncode == 1
    d = json.loads(r.stdout)
    assert d["schema"] == 1 and d["verdict"] == "inequivalent" and d["seed"] == 3
    assert set(d) >= {"verdict", "reason", "entry_a", "entry_b", "tested_type", "counterexample",
                      "confirmed", "tried", "timings", "error_kind", "possible_divergence", "id"}
    cx = d["counterexample"]
    assert {cx["left"]["kind"], cx["right"]["kind"]} == {"value", "exception"}
    assert d["entry_a"]["type"] == "Int -> Int -> Maybe Int"


def test_unknown_exit_code(toolchain, prover_installed):
    """Exit 2 for `unknown`: no counterexample, and no proof.  B's helper is `where`-bound and uses
    `seq`, which Liquid Haskell cannot reflect, so this pair stays unknown with or without the
    prover; which of the two the output says."""
    r = hsx("verify", EXAMPLES / "sum-accumulator" / "a.hs", EXAMPLES / "sum-accumulator" / "b.hs")
    assert r.returncode == 2 and "unknown" in r.stdout, r.stdout
    if prover_installed:
        assert "proof attempt" in r.stdout and "prover-missing" not in r.stdout, r.stdout
    else:
        assert "no proof attempted" in r.stdout, r.stdout


def test_error_exit_code_for_rejected_code(tmp_path, toolchain):
    evil = tmp_path / "evil.hs"
    evil.write_text("import System.Process\nf :: Int -> Int\nf x = x\n")
    r = hsx("verify", evil, EXAMPLES / "abs-negative" / "a.hs")
    assert r.returncode == 3 and "System.Process" in r.stdout


def test_missing_toolchain_names_make_setup(tmp_path):
    env_helper = tmp_path / "no-such-helper"
    r = subprocess.run([sys.executable, "-m", "hsx.cli.main", "verify", "--json",
                        EXAMPLES / "abs-negative" / "a.hs", EXAMPLES / "abs-negative" / "b.hs"],
                       capture_output=True, text=True, cwd=ROOT,
                       env={"PATH": "/usr/bin:/bin", "HSX_HELPER": str(env_helper)})
    assert r.returncode == 3
    d = json.loads(r.stdout)
    assert d["error_kind"] == "toolchain" and "make setup" in d["reason"]


def test_usage_errors():
    r = hsx("verify", "--batch", EXAMPLES / "README.md")
    assert r.returncode == 2 and "--out" in r.stderr
