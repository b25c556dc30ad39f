"""The toolchain's pins and plumbing: one GHC and one Liquid Haskell everywhere.

- The pins agree: Makefile, scripts/setup/build_liquid.sh, hsx/proof/prover.py, liquid/ (cabal.project,
  freeze file, hsx-liquid.cabal), haskell/cabal.project.hackage(.freeze) and flake.nix name the
  same GHC, the same Liquid Haskell and the same package versions; on Debian, the freeze file pins
  exactly the versions GHC's global package database (the libghc-*-dev packages) holds.
- flake.nix parses (`nix-instantiate --parse`; required in CI).
- `make liquid`: a prover that cannot be built is one line naming cause and fix, fatal only in CI;
  a built prover is reused in seconds (`liquid`).
- hsx finds the prover that `make liquid` built with no environment variable; `hsx doctor`.
- Under HSX_REQUIRE_PROVER=1 a `liquid` test that skips is a failure (tests/conftest.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from hsx.cli.main import main
from hsx.config import SandboxConfig, ToolchainConfig, load_config
from hsx.proof import prover as prover_mod
from hsx.proof.prover import ProverMissing, locate_prover

ROOT = Path(__file__).resolve().parent.parent
LIQUID = ROOT / "liquid"
LIQUID_PACKAGES = {"liquidhaskell", "liquid-base", "liquid-prelude", "liquid-ghc-prim"}
# Packages the local repository of CI carries (they are not Debian packages), and lens-family,
# which only Hackage's (unpatched) liquid-fixpoint needs; see liquid/README.md.
NOT_FROM_DEBIAN = LIQUID_PACKAGES | {"liquid-fixpoint", "rest-rewrite", "ascii-progress", "optics",
                                     "optics-core", "optics-th", "optics-extra", "lens-family"}


def make_variable(name: str) -> str:
    m = re.search(rf"^{name}\s*:=\s*(.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert m, f"Makefile defines no {name}"
    return m.group(1).strip()


def shell_variable(name: str) -> str:
    m = re.search(rf"^{name}=(\S+)$", (ROOT / "scripts" / "setup" / "build_liquid.sh").read_text(), re.M)
    assert m, f"scripts/setup/build_liquid.sh defines no {name}"
    return m.group(1)


def freeze_pins(path: Path) -> dict[str, str]:
    text = path.read_text()
    pins = dict(re.findall(r"any\.([A-Za-z0-9-]+) ==([0-9.]+)", text))
    assert pins, f"no `any.NAME ==VERSION` constraints in {path}"
    return pins


def index_state(path: Path) -> str:
    m = re.search(r"^index-state:\s*hackage\.haskell\.org\s+(\S+)\s*$", path.read_text(), re.M)
    assert m, f"{path} pins no Hackage index-state"
    return m.group(1)


def cabal_build_depends(path: Path) -> set[str]:
    text = re.sub(r"--.*", "", path.read_text())
    names = set()
    for block in re.findall(r"build-depends:\s*((?:.|\n)*?)(?=\n\s*[a-z-]+:|\n\S|\Z)", text):
        for item in block.split(","):
            m = re.match(r"\s*([A-Za-z][A-Za-z0-9-]*)", item)
            if m:
                names.add(m.group(1))
    return names


# -- the pins agree ---------------------------------------------------------------------------

def test_ghc_and_liquid_versions_agree_everywhere():
    ghc, lh = make_variable("GHC_VERSION"), make_variable("LIQUID_VERSION")
    assert (ghc, lh) == ("9.0.2", "0.9.0.2.1")
    assert shell_variable("GHC_VERSION") == ghc and shell_variable("LH_VERSION") == lh
    assert prover_mod.LIQUID_GHC_VERSION == ghc and prover_mod.LIQUID_VERSION == lh
    for freeze in (LIQUID / "cabal.project.freeze", ROOT / "haskell" / "cabal.project.hackage.freeze"):
        pins = freeze_pins(freeze)
        assert pins["ghc"] == ghc, freeze
        assert pins["base"] == "4.15.1.0", f"{freeze}: base of GHC {ghc} is 4.15.1.0"
    assert freeze_pins(LIQUID / "cabal.project.freeze")["liquidhaskell"] == lh


def test_liquid_package_pins_match_the_project():
    pins = freeze_pins(LIQUID / "cabal.project.freeze")
    wanted = dict(re.findall(r"(liquid[a-z-]*) ==([0-9.]+)", (LIQUID / "hsx-liquid.cabal").read_text()))
    assert set(wanted) == LIQUID_PACKAGES
    for name, version in wanted.items():
        assert pins[name] == version, f"hsx-liquid.cabal wants {name} {version}, the freeze pins {pins[name]}"
    # The freeze file must not choose the package source or the index-state: the build script and
    # cabal.project do (`cabal freeze` writes both lines; they were removed on purpose).
    freeze_text = (LIQUID / "cabal.project.freeze").read_text()
    assert "active-repositories" not in freeze_text and "index-state" not in freeze_text


def test_both_projects_read_hackage_at_the_same_index_state_and_versions():
    assert index_state(LIQUID / "cabal.project") == index_state(ROOT / "haskell" / "cabal.project.hackage")
    assert "index-state" not in (ROOT / "haskell" / "cabal.project.hackage.freeze").read_text()
    liquid, helper = freeze_pins(LIQUID / "cabal.project.freeze"), freeze_pins(ROOT / "haskell" / "cabal.project.hackage.freeze")
    differ = {n: (liquid[n], helper[n]) for n in set(liquid) & set(helper) if liquid[n] != helper[n]}
    assert not differ, f"the two freeze files pin different versions: {differ}"


def test_every_helper_dependency_is_pinned_for_the_nix_build():
    pins = freeze_pins(ROOT / "haskell" / "cabal.project.hackage.freeze")
    deps = cabal_build_depends(ROOT / "haskell" / "hsx-helper.cabal") - {"hsx-helper"}
    assert {"base", "hint", "QuickCheck", "smallcheck", "aeson"} <= deps
    missing = sorted(deps - set(pins))
    assert not missing, (f"haskell/hsx-helper.cabal depends on {missing}, which haskell/cabal.project.hackage.freeze "
                         "does not pin; regenerate it (see the Makefile's helper target)")


def test_makefile_apt_packages_cover_the_debian_pins():
    pins = {name.lower(): name for name in freeze_pins(LIQUID / "cabal.project.freeze")}
    body = (ROOT / "Makefile").read_text()
    m = re.search(r"LIQUID_APT_PACKAGES := \$\(addprefix libghc-,\$\(addsuffix -dev,((?:.|\n)*?)\)\)", body)
    assert m, "Makefile: LIQUID_APT_PACKAGES not found"
    debian_names = m.group(1).replace("\\", " ").split()
    assert len(debian_names) > 30
    hackage = {"quickcheck2": "quickcheck", "diff": "diff"}
    unpinned = [d for d in debian_names if hackage.get(d, d) not in pins]
    assert not unpinned, f"apt installs libghc-{unpinned}-dev, which the freeze file does not pin"


def test_freeze_pins_the_debian_versions_installed_here():
    """On Debian, every pinned package that is not built by `make liquid` is in GHC's global db,
    at the pinned version: the freeze is Debian 12's package set, not a guess."""
    ghc = shutil.which("ghc")
    if os.environ.get("IN_NIX_SHELL") or ghc is None or not Path(ghc).resolve().is_relative_to("/usr"):
        pytest.skip("not Debian's GHC (the Nix shell builds these packages from Hackage)")
    out = subprocess.run(["ghc-pkg", "--global", "--simple-output", "list"], capture_output=True, text=True,
                         check=True).stdout.split()
    installed = dict(p.rsplit("-", 1) for p in out)
    pins = freeze_pins(LIQUID / "cabal.project.freeze")
    wrong = {n: (v, installed.get(n)) for n, v in pins.items() if n not in NOT_FROM_DEBIAN and installed.get(n) != v}
    assert not wrong, f"pinned vs installed (run `make apt`): {wrong}"
    helper_pins = freeze_pins(ROOT / "haskell" / "cabal.project.hackage.freeze")
    wrong = {n: (v, installed.get(n)) for n, v in helper_pins.items() if installed.get(n) != v}
    assert not wrong, f"helper freeze pinned vs installed: {wrong}"


# -- the flake ----------------------------------------------------------------------------------

def flake_code() -> str:
    return "\n".join(line.split("#", 1)[0] for line in (ROOT / "flake.nix").read_text().splitlines())


def test_flake_names_the_ci_ghc_and_a_pinned_nixpkgs():
    code = flake_code()
    ghc = make_variable("GHC_VERSION")
    assert f"pkgs.haskell.compiler.ghc{ghc.replace('.', '')}" in code
    assert re.search(r'nixpkgs\.url = "github:NixOS/nixpkgs/[0-9a-f]{40}"', code), "nixpkgs must be pinned by commit"
    for attr in ("pkgs.cabal-install", "pkgs.z3", "pkgs.python311", "pkgs.pkg-config"):
        assert attr in code
    assert "liquid" not in code.lower() and "haskellPackages" not in code, \
        "the flake must take nothing from nixpkgs' Haskell packages (make liquid builds the prover)"


def test_flake_parses():
    nix = shutil.which("nix-instantiate")
    if nix is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs nix-instantiate (Debian's nix-bin) to check flake.nix")
        pytest.skip("nix-instantiate not installed (Debian: apt-get install nix-bin)")
    r = subprocess.run([nix, "--parse", str(ROOT / "flake.nix")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


# -- make liquid --------------------------------------------------------------------------------

def run_build(tmp_path: Path, **env) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k != "HSX_LIQUID_REPO"}
    full.update(XDG_CACHE_HOME=str(tmp_path / "cache"), **env)
    return subprocess.run(["bash", str(ROOT / "scripts" / "setup" / "build_liquid.sh")], capture_output=True, text=True,
                          env=full, timeout=120)


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got: {stderr!r}"
    return lines[0]


def needs_debian_toolchain():
    if not (shutil.which("ghc") and shutil.which("cabal") and shutil.which("z3")):
        pytest.skip("GHC, cabal and z3 are needed to reach the package-source step")


def test_build_with_an_empty_repository_says_why_in_one_line(tmp_path):
    needs_debian_toolchain()
    empty = tmp_path / "repo"
    empty.mkdir()
    r = run_build(tmp_path, HSX_LIQUID_REPO=str(empty))
    assert r.returncode == 1 and r.stdout == ""
    line = one_line(r.stderr)
    assert line.startswith("liquid: NOT BUILT:") and str(empty) in line and "liquidhaskell-0.9.0.2.1.tar.gz" in line
    assert "Fix:" in line


def test_build_with_the_wrong_ghc_names_the_right_one(tmp_path):
    # A real executable named ghc that is not GHC 9.0.2 comes first on PATH.
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "ghc").write_text("#!/bin/sh\necho 9.4.8\n")
    (fake / "ghc").chmod(0o755)
    r = run_build(tmp_path, PATH=f"{fake}:{os.environ['PATH']}")
    assert r.returncode == 1
    line = one_line(r.stderr)
    assert "needs GHC 9.0.2" in line and "9.4.8" in line and "nix develop" in line


def test_make_liquid_failure_is_one_line_and_fatal_only_in_ci(tmp_path):
    needs_debian_toolchain()
    empty = tmp_path / "repo"
    empty.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "HSX_LIQUID_REPO": str(empty)}
    for k in ("CI", "HSX_REQUIRE_PROVER", "MAKEFLAGS", "MAKELEVEL"):
        env.pop(k, None)
    lenient = subprocess.run(["make", "-s", "--no-print-directory", "liquid"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    assert lenient.returncode == 0, lenient.stderr
    assert one_line(lenient.stderr).startswith("liquid: NOT BUILT:")
    strict = subprocess.run(["make", "-s", "--no-print-directory", "liquid"], cwd=ROOT, env={**env, "CI": "true"},
                            capture_output=True, text=True, timeout=300)
    assert strict.returncode != 0
    assert "NOT BUILT" in strict.stderr and "required" in strict.stderr


def make_liquid_env(tmp_path: Path, **extra) -> dict:
    """The environment a user's shell hands `make`: an empty cache, and cabal settings of its own
    that the prover's build must ignore (`make` itself exports a repository-less CABAL_CONFIG)."""
    env = {k: v for k, v in os.environ.items() if k not in ("HSX_LIQUID_REPO", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    bogus = tmp_path / "users-cabal"
    bogus.mkdir()
    (bogus / "config").write_text("-- a user's own cabal config: no repository, offline\noffline: True\n")
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), CABAL_CONFIG=str(bogus / "config"), CABAL_DIR=str(bogus), **extra)
    return env


def checkout_files() -> set[str]:
    r = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all", "liquid"], cwd=ROOT,
                       capture_output=True, text=True)
    return set(r.stdout.splitlines())


def test_make_liquid_resolves_the_pinned_plan_from_an_empty_cache(tmp_path):
    """The recipe as `make liquid` runs it (same Makefile, same exported variables), on an empty
    XDG_CACHE_HOME, resolves the whole pinned plan from the local repository: the check that a
    fresh machine's `make liquid` will build, in seconds instead of minutes.  It failed while the
    script let cabal read the Makefile's CABAL_CONFIG."""
    needs_debian_toolchain()
    repo = os.environ.get("HSX_LIQUID_REPO")
    if not repo:
        if os.environ.get("CI") == "true":
            pytest.fail("CI sets HSX_LIQUID_REPO (.ci/run) to the local repository of the prover's sources")
        pytest.skip("HSX_LIQUID_REPO (a local file+noindex repository of the pinned sdists) is not set")
    before = checkout_files()
    r = subprocess.run(["make", "-s", "--no-print-directory", "liquid-dry-run"], cwd=ROOT,
                       env=make_liquid_env(tmp_path, HSX_LIQUID_REPO=repo), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "the pinned plan resolves" in r.stdout, r.stdout
    prefix = tmp_path / "cache" / "hsx" / prover_mod.PREFIX_NAME
    plan = (prefix / "dry-run.log").read_text()
    for package in ("liquidhaskell-0.9.0.2.1", "liquid-fixpoint-0.9.0.2.1", "liquid-base-4.15.1.0"):
        assert package in plan, plan
    config = (prefix / "cabal" / "config").read_text()
    assert "file+noindex://" in config and "hackage.haskell.org" not in config
    # Nothing of the build lands in the checkout (cabal works on a copy of liquid/ in the prefix).
    assert checkout_files() == before
    assert not (ROOT / "liquid" / "dist-newstyle").exists()


def test_make_liquid_writes_a_pinned_hackage_configuration(tmp_path):
    """Without a local repository the recipe reads Hackage as of liquid/cabal.project's
    index-state.  The dry run writes that configuration and, with no index downloaded, stops there
    (never touching the network)."""
    needs_debian_toolchain()
    r = subprocess.run(["make", "-s", "--no-print-directory", "liquid-dry-run"], cwd=ROOT, env=make_liquid_env(tmp_path),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    prefix = tmp_path / "cache" / "hsx" / prover_mod.PREFIX_NAME
    config = (prefix / "cabal" / "config").read_text()
    assert re.search(r"^repository hackage\.haskell\.org\n\s+url: https?://hackage\.haskell\.org/", config, re.M), config
    assert "offline" not in config and "noindex" not in config
    project = (prefix / "project" / "cabal.project").read_text()
    pinned = re.search(r"^index-state: hackage\.haskell\.org (\S+)$", (ROOT / "liquid" / "cabal.project").read_text(), re.M)
    assert pinned and f"index-state: hackage.haskell.org {pinned.group(1)}" in project
    assert (prefix / "project" / "cabal.project.freeze").read_text() == (ROOT / "liquid" / "cabal.project.freeze").read_text()


def test_the_stamp_covers_every_input_of_the_recipe():
    """A change to the script, the pins, the GHC or cabal must rebuild (so CI builds the recipe
    whenever it changes); the caller's environment must not matter, so the script sets it."""
    script = (ROOT / "scripts" / "setup" / "build_liquid.sh").read_text()
    key = script[script.index("key=$("):]
    key = key[:key.index("sha256sum")]
    for needed in ('"$0"', "cabal.project", "cabal.project.freeze", "hsx-liquid.cabal", "$ghc_bin", "$ghc_version", "$cabal_version"):
        assert needed in key, needed
    assert "export CABAL_CONFIG=$CABAL_DIR/config" in script


@pytest.mark.liquid
def test_built_prover_is_reused_in_seconds():
    prefix = prover_mod.prover_prefix(load_config(None).toolchain)
    if prefix is None or not (prefix / "stamp").is_file():
        pytest.skip(f"`make liquid` has not built the prover here ({prefix})")
    env = {k: v for k, v in os.environ.items() if k != "HSX_LIQUID_REPO"}
    start = time.monotonic()
    r = subprocess.run(["bash", str(ROOT / "scripts" / "setup" / "build_liquid.sh")], capture_output=True, text=True, env=env,
                       timeout=60)
    elapsed = time.monotonic() - start
    assert r.returncode == 0, r.stderr
    assert "already built" in r.stdout and elapsed < 10, (r.stdout, elapsed)


# -- finding the prover -------------------------------------------------------------------------

def test_prover_is_found_in_the_make_liquid_prefix(tmp_path):
    if shutil.which("z3") is None:
        pytest.skip("z3 is not installed")
    prefix = tmp_path / prover_mod.PREFIX_NAME
    (prefix / "bin").mkdir(parents=True)
    wrapper = prefix / "bin" / "liquid-ghc"
    wrapper.write_text("#!/bin/sh\nexit 0\n")
    wrapper.chmod(0o755)
    tc = ToolchainConfig(cache_dir=str(tmp_path), ghc="ghc-that-does-not-exist")
    # No stamp: the build did not finish, so it is not a prover.
    with pytest.raises(ProverMissing, match="make liquid"):
        locate_prover(tc, SandboxConfig())
    (prefix / "stamp").write_text("0123456789abcdef" * 4 + "\nliquidhaskell-0.9.0.2.1 ghc-9.0.2\n")
    tc = ToolchainConfig(cache_dir=str(tmp_path), ghc="another-ghc-that-does-not-exist")  # a new memo key
    found = locate_prover(tc, SandboxConfig())
    assert found.command == (str(wrapper),)
    assert found.version == "ghc-9.0.2 liquidhaskell-0.9.0.2.1 build-0123456789ab"
    # HSX_LIQUID (toolchain.liquid) still overrides.
    override = locate_prover(ToolchainConfig(cache_dir=str(tmp_path), liquid="my-ghc -fplugin=LiquidHaskell"),
                             SandboxConfig())
    assert override.command == ("my-ghc", "-fplugin=LiquidHaskell")


def test_missing_prover_names_make_liquid(tmp_path):
    if shutil.which("z3") is None:
        pytest.skip("z3 is not installed")
    with pytest.raises(ProverMissing) as e:
        locate_prover(ToolchainConfig(cache_dir=str(tmp_path / "none"), ghc="ghc-that-does-not-exist"), SandboxConfig())
    assert "make liquid" in str(e.value)


@pytest.mark.liquid
def test_default_config_finds_the_built_prover_without_environment(monkeypatch):
    monkeypatch.delenv("HSX_LIQUID", raising=False)
    config = load_config(None)
    try:
        found = locate_prover(config.toolchain, config.sandbox)
    except ProverMissing as e:
        pytest.skip(f"no prover: {e}")
    prefix = prover_mod.prover_prefix(config.toolchain)
    assert found.command == (str(prefix / "bin" / "liquid-ghc"),), found
    assert found.version.startswith("ghc-9.0.2 liquidhaskell-0.9.0.2.1 build-")


def test_doctor_reports_all_four_tools(toolchain):
    r = CliRunner().invoke(main, ["doctor"])
    names = re.findall(r"^(ok|MISSING)\s+(\S+)", r.output, re.M)
    assert [n for _, n in names] == ["GHC", "helper", "z3", "prover"], r.output
    status = dict((n, s) for s, n in names)
    assert status["GHC"] == status["helper"] == status["z3"] == "ok", r.output
    assert "9.0.2" in r.output and "Z3 version" in r.output
    if status["prover"] == "ok":
        assert r.exit_code == 0 and "liquidhaskell-0.9.0.2.1" in r.output
    else:
        assert r.exit_code == 1 and "make liquid" in r.output


# -- HSX_REQUIRE_PROVER -------------------------------------------------------------------------

def test_skipped_liquid_test_fails_when_the_prover_is_required(tmp_path):
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    liquid: needs the prover\n")
    (tmp_path / "test_inner.py").write_text(
        "import pytest\n\n@pytest.mark.liquid\ndef test_needs_prover():\n    pytest.skip('no prover here')\n\n"
        "def test_plain():\n    pytest.skip('not a liquid test')\n")

    def run(**env):
        full = {k: v for k, v in os.environ.items() if k != "HSX_REQUIRE_PROVER"} | env
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", str(tmp_path)],
                              cwd=tmp_path, capture_output=True, text=True, env=full, timeout=120)

    relaxed = run()
    assert relaxed.returncode == 0 and "2 skipped" in relaxed.stdout, relaxed.stdout
    required = run(HSX_REQUIRE_PROVER="1")
    assert required.returncode == 1, required.stdout
    assert "1 failed" in required.stdout and "1 skipped" in required.stdout, required.stdout
    assert "no prover here" in required.stdout and "make liquid" in required.stdout
