# neural-recovery — build, test and regenerate the paper's figures.
# `make figures` and `make test` work as the first command on a fresh machine with the Swift
# toolchain and apt: `deps` installs the Debian packages the build links against.

SWIFT        ?= swift
CONFIG       ?= release
BIN          := .build/$(CONFIG)/neural-recovery
DEBIAN_DEPS  := libopenblas-dev liblapacke-dev
BROWSER_DEPS := chromium chromium-driver
SLURM_DEPS   := slurm-wlm munge
SCALE        ?= full
OUTPUTS      ?= outputs
GALLERY_OUTPUTS ?= outputs

.PHONY: all deps deps-browser build test test-gallery deps-slurm test-slurm figures bench bench-peer bench-training-peer fixtures clean help

all: build

help:
	@echo "make figures        build, then regenerate every figure under outputs/ (SCALE=smoke for a quick look, JOBS=N, OUTPUTS=DIR)"
	@echo "make test           install dependencies, then run the test suite"
	@echo "make test-gallery   open outputs/index.html in headless Chromium: images load, links resolve (screenshot outputs/gallery.png; GALLERY_OUTPUTS=DIR for another folder)"
	@echo "make build          release build of the neural-recovery tool"
	@echo "make test-slurm     start a one-node Slurm cluster here (slurm-wlm, munge) and check \`neural-recovery slurm\` on it"
	@echo "make deps           install the Debian packages (OpenBLAS, LAPACKE) when missing"
	@echo "make bench          solver and training benchmarks"
	@echo "make bench-peer     the same instances solved by CVXPY + Clarabel, side by side"
	@echo "make bench-training-peer   the training benchmark beside PyTorch CPU"
	@echo "make fixtures       regenerate the NumPy test fixtures (needs python3 with numpy)"

# Installs the system libraries when missing; does nothing when they are there.
deps:
	@tools/apt-install-missing.sh $(DEBIAN_DEPS)

# Headless Chromium and its WebDriver, for the gallery's browser test.
deps-browser:
	@tools/apt-install-missing.sh $(BROWSER_DEPS)

# Slurm (slurmctld, slurmd, sbatch, …) and munge, for the cluster test.
deps-slurm:
	@tools/apt-install-missing.sh $(SLURM_DEPS)

build: deps
	$(SWIFT) build -c $(CONFIG)

test: deps
	$(SWIFT) test

# The gallery in a real browser: every image loads, no console error, every link resolves; a
# screenshot for a person to look at. Chromium and its driver come from Debian, selenium from PyPI.
# GALLERY_OUTPUTS is the outputs folder whose figures the page shows (default: the committed ones).
test-gallery: build deps-browser
	@[ -x .venv-browser/bin/python ] || { python3 -m venv .venv-browser && .venv-browser/bin/pip install -q selenium; }
	$(BIN) render --gallery-only --outputs $(GALLERY_OUTPUTS)
	.venv-browser/bin/python tools/gallery_browser_check.py $(GALLERY_OUTPUTS)/index.html $(GALLERY_OUTPUTS)/gallery.png

# `neural-recovery slurm` against a real one-node cluster (munged, slurmctld, slurmd started and stopped
# by the test): a 4-shard array equals a local run; a cancelled shard's resubmission runs only what is missing.
test-slurm: build deps-slurm
	Tests/slurm/slurm_test.sh $(BIN) $(SLURM_TEST_MANIFESTS)

# Every manifest under experiments/; only cells without a cache entry are computed.
figures: build
	$(BIN) run --scale $(SCALE) --outputs $(OUTPUTS) $(if $(JOBS),--jobs $(JOBS),) experiments/*.yaml

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
