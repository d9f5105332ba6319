#!/usr/bin/env bash
# `make bench-peer`: solve the benchmark instances with CVXPY + Clarabel (in the virtualenv .venv-peer,
# created on first use) and print them beside our results from bench/results/ours.json.
# usage: bench/peer.sh [FILTER]   (only instance files whose name contains FILTER, e.g. n100)
# PEER_TIME_LIMIT=S (default 3600) stops an instance after S seconds (the row is then a lower bound; at
# (400, 100) CVXPY takes 1–15 minutes and ~8 GB per exact or approx program); PEER_TIGHT=1 runs Clarabel with
# tight tolerances instead, to check agreement (its default 1e-8 absolute gap leaves approx objectives, ~1e-6, loose).
# With our release binary built (make bench does), recovery verdicts are compared too and our weights are
# certified independently (bench/dual_bound.py: objective at the weights, and a weak-duality lower bound).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="$root/.venv-peer"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q cvxpy clarabel numpy
fi
[ -f "$here/results/ours.json" ] || { echo "error: run bench/solver_bench.sh (make bench) first" >&2; exit 1; }
tight=(); out="$here/results/peer.json"
if [ -n "${PEER_TIGHT:-}" ]; then tight=(--tight); out="$here/results/peer_tight.json"; fi
ours_binary=(); bin="$root/.build/release/neural-recovery"
if [ -x "$bin" ]; then ours_binary=(--verdicts "$bin" --certify); fi
"$venv/bin/python" -u "$here/peer_cvxpy.py" "$here/results/ours.json" "$here/instances" --filter "${1:-}" \
  --time-limit "${PEER_TIME_LIMIT:-3600}" "${tight[@]}" "${ours_binary[@]}" --out "$out"
