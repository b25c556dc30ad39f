"""The sandbox: one adversarial test per promise in hsx/haskell/sandbox.py's docstring."""

import os
import time
from pathlib import Path

import pytest

from hsx.config import SandboxConfig
from hsx.haskell import sandbox
from hsx.haskell.source import parse_source
from hsx.verdict import ErrorKind, Verdict

OK_BODY = "f :: Int -> Int\nf x = x\n"

REJECTED = {
    "TemplateHaskell": "{-# LANGUAGE TemplateHaskell #-}\n" + OK_BODY,
    "QuasiQuotes": "{-# LANGUAGE QuasiQuotes #-}\n" + OK_BODY,
    "CPP": "{-# LANGUAGE CPP #-}\n" + OK_BODY,
    "OPTIONS_GHC": "{-# OPTIONS_GHC -F -pgmF /bin/sh #-}\n" + OK_BODY,
    "OPTIONS": "{-# OPTIONS -fplugin=Evil #-}\n" + OK_BODY,
    "ANN": OK_BODY + "{-# ANN f \"x\" #-}\n",
    "ForeignFunctionInterface": "{-# LANGUAGE ForeignFunctionInterface #-}\n" + OK_BODY,
    "foreign": "foreign import ccall \"exit\" c_exit :: Int -> Int\n" + OK_BODY,
    "System.IO.Unsafe": "import System.IO.Unsafe (unsafePerformIO)\n" + OK_BODY,
    "Unsafe.Coerce": "import Unsafe.Coerce\n" + OK_BODY,
    "System.Process": "import System.Process\n" + OK_BODY,
    "GHC.IO": "import GHC.IO (unsafePerformIO)\n" + OK_BODY,
    "Foreign.Ptr": "import Foreign.Ptr\n" + OK_BODY,
    "System.Directory": "import System.Directory\n" + OK_BODY,
    "Debug.Trace": "import Debug.Trace\n" + OK_BODY,
    "unsafePerformIO": "g :: Int -> Int\ng = unsafePerformIO\n" + OK_BODY,
    "unsafeCoerce": "g = unsafeCoerce\n" + OK_BODY,
    "MagicHash": "{-# LANGUAGE MagicHash #-}\n" + OK_BODY,
    "Trustworthy": "{-# LANGUAGE Trustworthy #-}\n" + OK_BODY,
}


@pytest.mark.parametrize("construct", sorted(REJECTED))
def test_policy_names_the_rejected_construct(construct):
    violations = sandbox.check_source(parse_source(REJECTED[construct], "evil.hs"))
    assert violations, construct
    assert any(v.construct == construct for v in violations), [str(v) for v in violations]
    assert all("evil.hs:" in str(v) for v in violations)


@pytest.mark.parametrize("construct", ["TemplateHaskell", "OPTIONS_GHC", "System.Process", "foreign"])
def test_rejected_code_never_reaches_ghc(check, construct):
    r = check(REJECTED[construct], OK_BODY)
    assert r.verdict == Verdict.ERROR and r.error_kind == ErrorKind.REJECTED
    assert construct in r.reason
    assert "compile" not in r.timings  # rejected before any module was written or loaded


def test_policy_accepts_ordinary_code():
    src = ("{-# LANGUAGE LambdaCase, BangPatterns #-}\nmodule M where\nimport Data.List (sortBy)\n"
           "import qualified Data.Map as Map\n{-# INLINE f #-}\nf :: Int -> Int\nf !x = x\n"
           "-- unsafePerformIO in a comment is fine\ng = \"unsafeCoerce in a string\"\n")
    assert sandbox.check_source(parse_source(src, "ok.hs")) == []


def test_unknown_modules_are_rejected_with_the_list_named():
    v = sandbox.check_source(parse_source("import Network.Socket\n" + OK_BODY, "n.hs"))
    assert v and "Network.Socket" in v[0].message and "ALLOWED_MODULES" in v[0].message


def test_input_expressions_are_checked():
    assert sandbox.check_expression("[1, 2, 3]", "--input 1") == []
    bad = sandbox.check_expression("System.IO.Unsafe.unsafePerformIO (return 1)", "--input 1")
    assert {v.construct for v in bad} >= {"unsafePerformIO", "System.IO.Unsafe"}
    assert sandbox.check_expression("{-# OPTIONS_GHC -fplugin=X #-} 1", "--input 1")


def test_input_expressions_may_use_the_programs_qualifiers():
    # `M` is whatever the programs import as M; unknown qualifiers are judged as module names.
    qualifiers = [("M", "Data.Map"), ("U", "System.IO.Unsafe")]
    assert sandbox.check_expression("M.fromList [(1, 2)] M.! 1", "--input 1", qualifiers) == []
    assert sandbox.check_expression("M.fromList [(1, 2)] M.! 1", "--input 1")  # M alone is no module
    bad = sandbox.check_expression("U.unsafePerformIO (pure 1)", "--input 1", qualifiers)
    assert {v.construct for v in bad} >= {"unsafePerformIO", "System.IO.Unsafe"}


def test_safe_haskell_is_a_second_line_of_defence(check):
    # Data.Map is allowed by the list, but a module GHC marks unsafe would still be refused by
    # GHC because hsx compiles user code with {-# LANGUAGE Safe #-}: simulate a gap in the list
    # by checking that the generated modules carry the pragma.
    from hsx.haskell import harness
    a = parse_source(OK_BODY, "A.hs")
    mods = harness.assemble(a, a, "t", "A.hs", "B.hs")
    for name in mods.program_files():
        assert mods.files[name].startswith("{-# LANGUAGE Safe #-}")


# -- processes --------------------------------------------------------------------------------

LIMITS = SandboxConfig(request_timeout=10)


def test_timeout_kills_the_whole_process_group(tmp_path):
    marker = tmp_path / "child-alive"
    script = f"(sleep 3; touch {marker}) & sleep 30"
    start = time.monotonic()
    r = sandbox.run(["sh", "-c", script], cwd=tmp_path, limits=LIMITS, timeout=1)
    assert r.timed_out and time.monotonic() - start < 5
    time.sleep(3.5)
    assert not marker.exists(), "a grandchild survived the timeout"


def test_memory_limit(tmp_path):
    limits = SandboxConfig(address_space_mb=256)
    r = sandbox.run(["python3", "-c", "x = bytearray(1 << 30)"], cwd=tmp_path, limits=limits, timeout=20)
    assert r.returncode != 0 and b"MemoryError" in r.stderr


def test_file_size_limit(tmp_path):
    limits = SandboxConfig(max_file_mb=1)
    r = sandbox.run(["python3", "-c", "open('big', 'wb').write(b'x' * (4 << 20))"], cwd=tmp_path,
                    limits=limits, timeout=20)
    assert r.returncode != 0
    assert (tmp_path / "big").stat().st_size <= 1 << 20


def test_cpu_limit(tmp_path):
    limits = SandboxConfig(cpu_seconds=1)
    start = time.monotonic()
    r = sandbox.run(["python3", "-c", "while True: pass"], cwd=tmp_path, limits=limits, timeout=30)
    assert not r.timed_out and r.returncode != 0 and time.monotonic() - start < 15


def test_output_is_capped(tmp_path):
    limits = SandboxConfig(output_cap_bytes=1000)
    r = sandbox.run(["python3", "-c", "print('y' * 100000)"], cwd=tmp_path, limits=limits, timeout=20)
    assert len(r.stdout) == 1000


def test_environment_is_scrubbed(tmp_path, monkeypatch):
    monkeypatch.setenv("HSX_SECRET_TOKEN", "s3cret")
    r = sandbox.run(["env"], cwd=tmp_path, limits=LIMITS, timeout=10)
    assert b"s3cret" not in r.stdout
    assert f"HOME={tmp_path}".encode() in r.stdout


def test_network_is_isolated_where_the_kernel_allows(tmp_path):
    if not sandbox.network_isolated():
        pytest.skip("this kernel does not allow a private network namespace here; "
                    "sandboxed code keeps the host network (documented)")
    code = ("import socket\ns = socket.socket()\ns.settimeout(2)\n"
            "try:\n    s.connect(('127.0.0.1', 22)); print('connected')\n"
            "except OSError as e:\n    print('refused', e)\n")
    r = sandbox.run(["python3", "-c", code], cwd=tmp_path, limits=LIMITS, timeout=20)
    assert b"refused" in r.stdout
    r = sandbox.run(["cat", "/proc/net/dev"], cwd=tmp_path, limits=LIMITS, timeout=10)
    interfaces = [l.split(b":")[0].strip() for l in r.stdout.splitlines()[2:]]
    assert interfaces == [b"lo"]


def test_scratch_dir_is_private_and_removed():
    with sandbox.scratch_dir() as d:
        assert oct(os.stat(d).st_mode & 0o777) == "0o700"
        (d / "f").write_text("x")
    assert not Path(d).exists()
