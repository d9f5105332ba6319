#!/usr/bin/env python3
"""Certify a solution of one of docs/science.md §2's programs independently, with NumPy and SciPy only.

usage: bench/dual_bound.py INSTANCE.json SOLVE.json

SOLVE.json is what `neural-recovery solve INSTANCE.json --json SOLVE.json` wrote. Prints an upper bound (the
objective recomputed from the returned weights, with their largest constraint violation) and a lower bound
from weak duality, and the relative gap between them. The lower bound needs a dual point, built here:

  relaxed  max yᵀλ            s.t. ‖Aᵢᵀλ‖ ≤ 1
  exact    max yᵀλ            s.t. ‖Aᵢᵀλ + Cᵢᵀμᵢ‖ ≤ 1, ‖Aᵢᵀλ − Cᵢᵀνᵢ‖ ≤ 1,  μᵢ, νᵢ ≥ 0
  approx   max yᵀλ − ‖λ‖²/4   s.t. the same with β in place of 1

with Aᵢ = DᵢXTᵢ, Cᵢ = SᵢXTᵢ (Tᵢ = I except for normalized; skip adds ‖Xᵀλ‖ ≤ 1, or β). λ is the solver's
`equality_dual` (approx: 2(y − fit) from the weights, the optimal λ for those weights); the best μᵢ, νᵢ ≥ 0
for that λ come from non-negative least squares; then λ (with μ, ν) is scaled down until every constraint
holds exactly, so the bound is rigorous whatever the solver got wrong. A small gap proves the returned weights
optimal to that gap, independently of the solver's own residuals.
"""
import json
import sys

import numpy as np
from scipy.optimize import nnls


def blocks(inst, sol):
    """(Aᵢ, Cᵢ) for every pattern, n × rᵢ each (Cᵢ = SᵢXTᵢ)."""
    X = np.array(inst["X"], dtype=float)
    H = np.array(inst["patterns"], dtype=float)
    maps = sol.get("first_layer_maps") or []
    out = []
    for i, h in enumerate(H):
        XT = X
        if inst["model"] == "normalized":
            t = np.array(maps[i], dtype=float)
            r = t.size // X.shape[1]
            XT = X @ t.reshape(r, X.shape[1]).T if r else np.zeros((X.shape[0], 0))
        out.append((h[:, None] * XT, (2 * h - 1)[:, None] * XT))
    return out


def certify(inst, result):
    """(upper bound, lower bound, largest constraint violation of the weights) for the program of `inst`."""
    X = np.array(inst["X"], dtype=float)
    y = np.array(inst["y"], dtype=float)
    form = inst["formulation"]
    beta = (inst.get("beta") or 1e-6) if form == "approx" else 1.0
    sol = result["solution"]
    AC = blocks(inst, sol)
    w0 = np.array(sol["w0"], dtype=float) if sol.get("w0") is not None else None
    pos = sol.get("w") if form == "relaxed" else sol.get("u")
    neg = [] if form == "relaxed" else sol.get("v")
    fit = X @ w0 if w0 is not None else np.zeros_like(y)
    norms = np.linalg.norm(w0) if w0 is not None else 0.0
    violation = 0.0
    for i, (A, C) in enumerate(AC):
        for sign, ws in ((1, pos), (-1, neg)):
            if not ws:
                continue
            w = np.array(ws[i], dtype=float)
            if w.size == 0:
                continue
            fit = fit + sign * (A @ w)
            norms += np.linalg.norm(w)
            if form != "relaxed":
                violation = max(violation, float(np.max(-(C @ w), initial=0.0)))
    if form == "approx":
        upper = float(np.sum((fit - y) ** 2) + beta * norms)
        lam = 2 * (y - fit)
    else:
        upper = float(norms)
        violation = max(violation, float(np.max(np.abs(fit - y))))
        lam = np.array(result["equality_dual"], dtype=float)
    # The largest constraint norm at λ (with the best μ, ν ≥ 0); scaling λ by β / that makes λ feasible.
    worst = np.linalg.norm(X.T @ lam) if w0 is not None else 0.0
    for A, C in AC:
        if A.shape[1] == 0:
            continue
        a = A.T @ lam
        if form == "relaxed":
            worst = max(worst, np.linalg.norm(a))
            continue
        for target in (-a, a):                      # u: ‖a + Cᵀμ‖, v: ‖a − Cᵀν‖ = ‖Cᵀν − a‖
            mu, _ = nnls(C.T, target, maxiter=50 * C.shape[0])
            worst = max(worst, np.linalg.norm(C.T @ mu - target))
    c = 1.0 if worst <= beta else beta / worst
    if form == "approx":
        # g(cλ) = c λᵀy − c²‖λ‖²/4 is concave in c: take its best c within [0, β / worst].
        ll = float(lam @ lam)
        if ll > 0:
            c = min(c, max(0.0, 2 * float(lam @ y) / ll))
        lower = c * float(lam @ y) - c * c * ll / 4
    else:
        lower = c * float(lam @ y)
    return upper, lower, violation


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as fh:
        inst = json.load(fh)
    with open(sys.argv[2]) as fh:
        result = json.load(fh)
    upper, lower, violation = certify(inst, result)
    print(f"upper bound (weights)   {upper:.12e}   (largest constraint violation {violation:.1e})")
    print(f"lower bound (duality)   {lower:.12e}")
    print(f"relative gap            {(upper - lower) / max(abs(upper), 1e-300):.1e}")


if __name__ == "__main__":
    main()
