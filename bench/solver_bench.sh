#!/usr/bin/env bash
# `make bench` (solver part): generate the benchmark instances if missing, solve them all with our solver,
# print the table and write bench/results/ours.json (read by bench/peer.sh).
# usage: bench/solver_bench.sh [THREADS]   (BLAS threads, default 2)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
threads="${1:-2}"
[ -n "$(ls "$here"/instances/*.json 2>/dev/null)" ] || "$here/make_instances.sh" "$here/instances" >/dev/null
mkdir -p "$here/results"
"$root/.build/release/neural-recovery-bench" solver "$here/instances" --threads "$threads" --json "$here/results/ours.json"
