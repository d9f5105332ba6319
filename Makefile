# neural-recovery — build, test and regenerate the paper's figures.
# `make figures` and `make test` work as the first command on a fresh machine with the Swift
# toolchain and apt: `deps` installs the Debian packages the build links against.

SWIFT        ?= swift
CONFIG       ?= release
BIN          := .build/$(CONFIG)/neural-recovery
DEBIAN_DEPS  := libopenblas-dev liblapacke-dev
SCALE        ?= full

.PHONY: all deps build test figures bench bench-peer bench-training-peer fixtures clean help

all: build

help:
	@echo "make figures        build, then regenerate every figure under outputs/ (SCALE=smoke for a quick look, JOBS=N)"
	@echo "make test           install dependencies, then run the test suite"
	@echo "make build          release build of the neural-recovery tool"
	@echo "make deps           install the Debian packages (OpenBLAS, LAPACKE) when missing"
	@echo "make bench          solver and training benchmarks"
	@echo "make bench-peer     the same instances solved by CVXPY + Clarabel, side by side"
	@echo "make bench-training-peer   the training benchmark beside PyTorch CPU"
	@echo "make fixtures       regenerate the NumPy test fixtures (needs python3 with numpy)"

# Installs the system libraries when missing; does nothing when they are there.
deps:
	@missing=""; for p in $(DEBIAN_DEPS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "installing Debian packages:$$missing"; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; \
	else echo "error: need root (or sudo) to install:$$missing — run: apt-get install$$missing" >&2; exit 1; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "error: apt-get not found; install OpenBLAS and LAPACKE development files for your system:$$missing" >&2; exit 1; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null \
	  || { echo "error: apt-get could not install$$missing" >&2; exit 1; }

build: deps
	$(SWIFT) build -c $(CONFIG)

test: deps
	$(SWIFT) test

# Every manifest under experiments/; only cells without a cache entry are computed.
figures: build
	$(BIN) run --scale $(SCALE) $(if $(JOBS),--jobs $(JOBS),) experiments/*.yaml

# Solver: the nine programs at (n, d) ∈ {(100,20), (200,50), (400,100)} from `neural-recovery sample`;
# training: skip network n=400, d=100, m=401, 200 epochs. Seconds, not assertions.
bench: build
	GENERATOR=sample bench/solver_bench.sh
	.build/$(CONFIG)/neural-recovery-bench training

# The same instance files solved by CVXPY + Clarabel (venv .venv-peer from PyPI), side by side with ours.
bench-peer: bench
	bench/peer.sh

# PyTorch CPU (float32, 2 threads) on the training benchmark, in the same run as ours (venv .venv-torch).
bench-training-peer: build
	@[ -x .venv-torch/bin/python ] || { python3 -m venv .venv-torch && .venv-torch/bin/pip install -q torch numpy; }
	.build/$(CONFIG)/neural-recovery-bench training
	.venv-torch/bin/python bench/training_peer.py

fixtures:
	python3 tools/make_linalg_fixtures.py
	python3 tools/make_philox_fixtures.py

clean:
	rm -rf .build
