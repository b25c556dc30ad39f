"""Shared fixtures.  Tests run the real toolchain (GHC, hsx-helper); without it they are skipped
with the command that installs it, except under `make test` (HSX_REQUIRE_TOOLCHAIN=1), where a
missing toolchain is a failure rather than a silent skip.

Tests marked `liquid` need the real Liquid Haskell prover.  Where it is absent they skip with the
reason, except where HSX_REQUIRE_PROVER=1 (CI: .ci/run, or `make test` with CI=true): there a
`liquid` test that skips, for whatever reason, is reported as a failure."""

import dataclasses
import os

import pytest

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from hsx.config import HsxConfig, SearchConfig, load_config  # noqa: E402
from hsx.haskell.toolchain import ToolchainMissing, locate  # noqa: E402
from hsx.proof.prover import Prover, ProverMissing, locate_prover  # noqa: E402
from hsx.verify.pipeline import PairRequest, Verifier  # noqa: E402


@pytest.fixture(scope="session")
def config() -> HsxConfig:
    base = load_config(None)
    # Short limits keep the suite fast; the defaults are exercised by the CLI tests.
    return dataclasses.replace(base, search=SearchConfig(seed=0, tests=200, eval_timeout=0.5, budget=8.0))


@pytest.fixture(scope="session")
def toolchain(config):
    try:
        return locate(config.toolchain)
    except ToolchainMissing as e:
        if os.environ.get("HSX_REQUIRE_TOOLCHAIN"):
            pytest.fail(f"toolchain required but missing: {e}")
        pytest.skip(f"Haskell toolchain missing: {e}")


@pytest.fixture(scope="session")
def prover_installed(config) -> bool:
    """Whether Liquid Haskell is here, for tests that assert one thing with it and another without."""
    try:
        locate_prover(config.toolchain, config.sandbox)
        return True
    except ProverMissing:
        return False


@pytest.fixture(scope="session")
def real_prover(config) -> Prover:
    """The prover, for tests marked `liquid` (skipped without it; a failure under CI)."""
    try:
        return locate_prover(config.toolchain, config.sandbox)
    except ProverMissing as e:
        pytest.skip(f"needs Liquid Haskell: {e}")


@pytest.fixture(scope="session")
def verifier(config, toolchain):
    with Verifier(config) as v:
        yield v


@pytest.fixture
def check(verifier):
    """check(a, b, **kw) -> Result, for sources given as text."""
    def run(a: str, b: str, **kw):
        return verifier.verify(PairRequest(a_source=a, b_source=b, **kw))
    return run


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under HSX_REQUIRE_PROVER=1, a skipped `liquid` test fails: CI must run every proof test."""
    outcome = yield
    report = outcome.get_result()
    if (report.skipped and os.environ.get("HSX_REQUIRE_PROVER") == "1"
            and item.get_closest_marker("liquid") is not None and not hasattr(report, "wasxfail")):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (f"HSX_REQUIRE_PROVER=1: this `liquid` test must run, but it skipped: {reason}\n"
                           f"(build the prover with `make liquid`; `hsx doctor` shows what hsx finds)")
