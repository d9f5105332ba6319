#!/usr/bin/env python3
"""Writes Tests/CellDataTests/Fixtures/all_ones_highs.json: design matrices and SciPy/HiGHS's
answer to "does some u ≠ 0 have X u ≥ 0?" (docs/science.md §1), an independent check of
AllOnesReachability (which runs GLPK's simplex on a different program).

HiGHS's program: max 1ᵀX u s.t. 0 ≤ X u ≤ 1 (u free). For X of full column rank its optimum is
positive exactly when some u has X u ≥ 0, X u ≠ 0 (otherwise its dual gives λ = 1 + α > 0 with
Xᵀλ = 0: Stiemke's alternative). Matrices: the four docs/science.md §1 data kinds at sizes around Wendel's
50 % line n ≈ 2d, plus hand-made boundary cases. Stored row by row.
Also writes Tests/CellDataTests/Fixtures/smallest_pc.json: NumPy's thin-SVD right singular
vectors of the smallest singular values (the authors' `smallest-pc`) for a wide and a tall X.
Run once (python3 with numpy and scipy); the tests do not need Python."""
import json, pathlib
import numpy as np
from scipy.optimize import linprog

rng = np.random.default_rng(20260415)
FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "CellDataTests" / "Fixtures"


def design(kind, n, d):
    g = rng.standard_normal((n, d)) / np.sqrt(n)
    x = g ** 3 if kind in ("cubic", "whitened-cubic") else g
    if kind.startswith("whitened"):
        u, _, vt = np.linalg.svd(x, full_matrices=False)
        x = u if n >= d else vt
    return x


def highs_optimum(x):
    n, d = x.shape
    r = linprog(-np.ones(n) @ x, A_ub=np.vstack([-x, x]), b_ub=np.concatenate([np.zeros(n), np.ones(n)]),
                bounds=[(None, None)] * d, method="highs")
    assert r.status == 0, r.message
    return -r.fun


cases = []
for kind in ["gaussian", "cubic", "whitened", "whitened-cubic"]:
    for d in [2, 3, 5, 8, 12]:
        for n in sorted({d, d + 1, 2 * d - 1, 2 * d, 2 * d + 1, 3 * d}):
            x = design(kind, n, d)
            cases.append({"name": f"{kind} n={n} d={d}", "x": x})
# Boundary cases: a direction with X u ≥ 0 exists but none with X u > 0; and its negation.
cases.append({"name": "semipositive only", "x": np.array([[1.0, 0], [-1, 0], [0, 1]])})
cases.append({"name": "plus-minus identity", "x": np.vstack([np.eye(3), -np.eye(3)])})
cases.append({"name": "duplicated opposite rows", "x": np.array([[1.0, 2], [1, 2], [-1, -2], [0.5, -1], [-0.5, 1]])})

out = []
for case in cases:
    x = case["x"]
    n, d = x.shape
    full_rank = np.linalg.matrix_rank(x) == d
    optimum = highs_optimum(x) if full_rank else None
    reachable = (not full_rank) or optimum > 1e-9
    out.append({"name": case["name"], "x": x.tolist(), "rank_deficient": bool(not full_rank),
                "highs_optimum": optimum, "reachable": bool(reachable)})
FIXTURES.mkdir(parents=True, exist_ok=True)
(FIXTURES / "all_ones_highs.json").write_text(json.dumps(out) + "\n")
print(f"{len(out)} cases, {sum(c['reachable'] for c in out)} reachable")

pcs = []
for n, d, k in [(6, 10, 2), (12, 5, 2)]:
    x = rng.standard_normal((n, d)) / np.sqrt(n)
    _, s, vt = np.linalg.svd(x, full_matrices=False)
    # The authors' choice: the last k rows of the thin Vᵀ (smallest singular values), smallest first.
    pcs.append({"x": x.tolist(), "k": k, "weights": vt[::-1][:k].tolist(), "singular_values": s.tolist()})
(FIXTURES / "smallest_pc.json").write_text(json.dumps(pcs) + "\n")
