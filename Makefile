# neural-recovery — build, test and regenerate the paper's figures.
# `make figures` and `make test` work as the first command on a fresh machine with the Swift
# toolchain and apt: `deps` installs the Debian packages the build links against.

SWIFT        ?= swift
CONFIG       ?= release
BIN          := .build/$(CONFIG)/neural-recovery
DEBIAN_DEPS  := libopenblas-dev liblapacke-dev libglpk-dev
BROWSER_DEPS := chromium chromium-driver
SLURM_DEPS   := slurm-wlm munge
SCALE        ?= full
OUTPUTS      ?= outputs
GALLERY_OUTPUTS ?= outputs

.PHONY: all deps deps-browser deps-slurm build test check-all-ones test-gallery test-slurm figures fuzz bench bench-peer bench-training-peer bench-pipeline fixtures clean help

all: build

help:
	@echo "make figures        build, then regenerate every figure under outputs/ (SCALE=smoke for a quick look, JOBS=N, OUTPUTS=DIR)"
	@echo "make test           install dependencies, then run the test suite"
	@echo "make check-all-ones 10 000 random all-ones reachability decisions, each with a checked certificate (make test runs 300)"
	@echo "make test-gallery   open outputs/index.html in headless Chromium: images load, links resolve (screenshot outputs/gallery.png; GALLERY_OUTPUTS=DIR for another folder)"
	@echo "make build          release build of the neural-recovery tool"
	@echo "make test-slurm     start a one-node Slurm cluster here (slurm-wlm, munge) and check \`neural-recovery slurm\` on it"
	@echo "make deps           install the Debian packages (OpenBLAS, LAPACKE, GLPK) when missing"
	@echo "make fuzz           mutated manifests through the tool (fixed seed, FUZZ_BUDGET=60 s): exit 0 or 2, no crash"
	@echo "make bench          solver and training benchmarks"
	@echo "make bench-peer     the same instances solved by CVXPY + Clarabel, side by side"
	@echo "make bench-training-peer   the training benchmark beside PyTorch CPU"
	@echo "make bench-pipeline plan/status/no-op run/σ edit/code change/gc at full scale on a synthetic cache (temporary folder)"
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

# The all-ones reachability decision (GLPK + checked certificates) on 10 000 random designs of
# every data kind, fixed seed; `make test` runs the first 300 of the same draws.
check-all-ones: deps
	ALL_ONES_DRAWS=10000 $(SWIFT) test --filter AllOnesReachabilityTests.randomDrawsAllDecideWithCheckedCertificates

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

# Every manifest under experiments/; only cells without a cache entry are computed (first, the
# entries of figures still being computed across sittings, outputs/in-progress/, join the cache). Then, once
# 10 000 or more entries are loose files, they are packed (nothing removed) so the cache stays
# about its content's size on disk (see README: Cache).
figures: build
	@tools/carry-packs.sh $(OUTPUTS)
	$(BIN) run --scale $(SCALE) --outputs $(OUTPUTS) $(if $(JOBS),--jobs $(JOBS),) experiments/*.yaml
	@$(BIN) gc --pack-only --min-loose 10000 --outputs $(OUTPUTS)

# Every experiments/*.yaml mutated (byte flips, truncation, key deletion, aliases, huge numbers, tags,
# nesting) with a fixed seed for FUZZ_BUDGET seconds: each run must exit 0 or 2, never by a signal,
# within 1 GB and 10 CPU seconds, and write nothing when it exits 2.
FUZZ_BUDGET ?= 60
fuzz: build
	python3 tools/fuzz_manifests.py --binary $(BIN) --seed 14 --budget $(FUZZ_BUDGET)

# Solver: the nine programs at (n, d) ∈ {(100,20), (200,50), (400,100)} from `neural-recovery sample`;
# training: skip and normalized networks n=400, d=100, m=401, 400 epochs. Seconds, not assertions.
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

# Full-scale bookkeeping (plan, status, no-op run, a σ edit, code changes, gc) on synthetic cache
# entries in a temporary folder: nothing computed, nothing written under outputs/.
bench-pipeline: build
	.build/$(CONFIG)/neural-recovery-bench pipeline

fixtures:
	python3 tools/make_all_ones_fixtures.py
	python3 tools/make_linalg_fixtures.py
	python3 tools/make_philox_fixtures.py

clean:
	rm -rf .build
