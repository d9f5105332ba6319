#!/usr/bin/env bash
# `make bench-peer`: solve the benchmark instances with CVXPY + Clarabel (in the virtualenv .venv-peer,
# created on first use) and print them beside our results from bench/results/ours.json.
# usage: bench/peer.sh [FILTER]   (only instance files whose name contains FILTER, e.g. n100)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="$root/.venv-peer"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q cvxpy clarabel numpy
fi
[ -f "$here/results/ours.json" ] || { echo "error: run bench/solver_bench.sh (make bench) first" >&2; exit 1; }
"$venv/bin/python" "$here/peer_cvxpy.py" "$here/results/ours.json" "$here/instances" --filter "${1:-}" \
  --out "$here/results/peer.json"
