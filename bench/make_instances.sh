#!/usr/bin/env bash
# Writes solver benchmark instances: the nine programs of docs/science.md §2 at (n, d) ∈ {(100,20), (200,50), (400,100)},
# one cell sample each, with `neural-recovery sample --json` (schema neural-recovery-instance/1).
# Planted model as in the paper: linear for skip, plain for plain, normalized for normalized.
#
# usage: bench/make_instances.sh [OUT_DIR] [SIZES]
#   OUT_DIR defaults to bench/instances; SIZES is a space-separated list of NxD (default "100x20 200x50 400x100").
#   GENERATOR=numpy (default) uses bench/make_instances.py (independent NumPy generator, fast);
#   GENERATOR=sample uses `neural-recovery sample --json` (docs/science.md §1 data, exact all-ones decision).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="${1:-$here/instances}"
sizes="${2:-100x20 200x50 400x100}"
if [ "${GENERATOR:-numpy}" = numpy ]; then
  exec python3 "$here/make_instances.py" "$out" $sizes
fi
bin="${NEURAL_RECOVERY:-$root/.build/release/neural-recovery}"
[ -x "$bin" ] || { echo "error: $bin not found; run: swift build -c release" >&2; exit 1; }
mkdir -p "$out"
for size in $sizes; do
  n="${size%x*}"; d="${size#*x}"
  for learned in skip plain normalized; do
    case "$learned" in skip) planted=linear ;; plain) planted=plain ;; normalized) planted=normalized ;; esac
    for formulation in relaxed exact approx; do
      file="$out/${learned}-${formulation}_n${n}_d${d}.json"
      "$bin" sample --planted "$planted" --learned "$learned" --formulation "$formulation" \
        --n "$n" --d "$d" --sample 0 --json "$file" >/dev/null
      echo "$file"
    done
  done
done
