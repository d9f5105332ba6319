#!/usr/bin/env python3
"""How far a working set can take a dense exact/approx program: rounds emulated outside the solver.

usage: bench/working_set_rounds.py INSTANCE.json SOLVE.json START GROW [BINARY]

INSTANCE.json is a normalized/plain exact or approx instance (`neural-recovery sample … --json`), SOLVE.json the
full solve's `--json` output (its optimum fixes the support the rounds are scored against). The rounds:

  round 0   the START patterns whose blocks violate their dual constraint most at λ = y (zero weights);
  round k   solve the program on the working set alone (`BINARY solve --no-working-set`, one thread),
            score every left-out block (u and v of each pattern) by min over μ ≥ 0 of ‖±Aᵢᵀλ + Cᵢᵀμ‖
            (SciPy's NNLS; approx: λ = 2(y − fit), the bound is β; exact: the equality multipliers, bound 1),
            and add the GROW patterns of the worst violating blocks; stop when none violates.

Prints per round the working set's size, how many patterns of the optimum's support it holds, the solve's
iterations and seconds (the solver's own `seconds` line), and the violating blocks left out. Also prints the
"oracle" solve on exactly the optimum's support: the least any working set could cost.
"""
import json
import subprocess
import sys
import tempfile
import os

import numpy as np
from scipy.optimize import nnls


def pattern_blocks(inst):
    """(Aᵢ, Cᵢ) per pattern: Aᵢ = DᵢXTᵢ, Cᵢ = SᵢXTᵢ (Tᵢ = VᵢΣᵢ⁻¹ for normalized, else I)."""
    X = np.array(inst["X"], dtype=float)
    out = []
    for h in np.array(inst["patterns"], dtype=float):
        A = h[:, None] * X
        T = np.eye(X.shape[1])
        if inst["model"] == "normalized":
            _, S, Vt = np.linalg.svd(A, full_matrices=False)
            k = int((S > 1e-12).sum())
            T = Vt[:k].T / S[:k]
        out.append((A @ T, (2 * h - 1)[:, None] * (X @ T)))
    return out


def violations(blocks, lam):
    """Per block (u of every pattern, then v of every pattern): min over μ ≥ 0 of ‖±Aᵢᵀλ + Cᵢᵀμ‖."""
    up, down = [], []
    for A, C in blocks:
        g = A.T @ lam
        up.append(nnls(C.T, -g, maxiter=5000)[1])
        down.append(nnls(C.T, g, maxiter=5000)[1])
    return np.array(up + down)


def solve(binary, inst, patterns, folder, tag):
    """Solves the program restricted to `patterns` directly; (λ, iterations, seconds)."""
    sub = {key: value for key, value in inst.items() if key != "sample"}
    sub["patterns"] = [inst["patterns"][i] for i in patterns]
    path = os.path.join(folder, f"{tag}.json")
    with open(path, "w") as f:
        json.dump(sub, f)
    out = subprocess.run([binary, "solve", path, "--threads", "1", "--no-working-set", "--json", path + ".sol"],
                         capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(None, 1) for line in out.splitlines() if line.strip())
    result = json.load(open(path + ".sol"))
    return np.array(result["equality_dual"], dtype=float), int(fields["iterations"]), float(fields["seconds"])


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    inst = json.load(open(sys.argv[1]))
    full = json.load(open(sys.argv[2]))
    start, grow = int(sys.argv[3]), int(sys.argv[4])
    binary = sys.argv[5] if len(sys.argv) > 5 else ".build/release/neural-recovery"
    bound = (inst.get("beta") or 1e-6) if inst["formulation"] == "approx" else 1.0
    blocks = pattern_blocks(inst)
    p = len(blocks)
    norms = [np.linalg.norm(w) for w in full["solution"]["u"]] + [np.linalg.norm(w) for w in full["solution"]["v"]]
    support = {b % p for b, w in enumerate(norms) if w > 1e-6 * max(norms)}
    print(f"full solve: {full['iterations']} iterations, {full['seconds']:.2f} s; support {len(support)} of {p} patterns")
    with tempfile.TemporaryDirectory() as folder:
        _, it, sec = solve(binary, inst, sorted(support), folder, "oracle")
        print(f"oracle (the support alone): {it} iterations, {sec:.2f} s")
        y = np.array(inst["y"], dtype=float)
        score = violations(blocks, y)
        working = list(dict.fromkeys(int(b % p) for b in np.argsort(-score)))[:start]
        total = 0.0
        for rnd in range(20):
            lam, it, sec = solve(binary, inst, sorted(working), folder, f"round{rnd}")
            total += sec
            score = violations(blocks, lam)
            outside = [b for b in np.argsort(-score) if score[b] > bound * (1 + 1e-6) and b % p not in working]
            print(f"round {rnd}: {len(working)} patterns ({len(support & set(working))} of the support), "
                  f"{it} iterations, {sec:.2f} s; {len(outside)} violating blocks left out", flush=True)
            if not outside:
                break
            working += list(dict.fromkeys(int(b % p) for b in outside))[:grow]
        print(f"rounds total {total:.2f} s against the full solve's {full['seconds']:.2f} s")


if __name__ == "__main__":
    main()
