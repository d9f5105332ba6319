#!/usr/bin/env python3
"""Writes the NumPy reference fixtures of IsometryConditionsTests (run once by hand, not by tests).

Each fixture holds X, arrangement patterns, the planted pattern indices and planted weights, and
for every applicable condition of docs/science.md §5 the largest left-hand side and the verdict, computed
here literally from the formulas of docs/science.md with NumPy:

  nic-linear            max_i || X^T D_i X (X^T X)^+ w* ||                      < 1   (all patterns)
  nnic-1 / nnic-k       max_{i not planted} || (D_i X)^T pinv(X_S)^T w_S ||      < 1
  nnic-norm             max_{i not planted, j} || U_i^T U_sj w_hat_j ||          < 1
  irrepresentable-norm  max_{i not planted} || U_i^T U (U^T U)^+ u ||            < 1 + 1e-10

with X_S = [D_s1 X, ..., D_sk X], w_S = [w_1; ...; w_k], D X = U S V^T thin SVDs keeping the
singular values > 1e-12, w_hat = normalize(S_s V_s^T w), U = [U_s1, ...], u = [w_hat_1; ...].
Strict inequalities "< 1" are decided as < 1 - 1e-10 (a tie within round-off is not < 1), the
Swift module's documented convention. Pseudo-inverses: numpy.linalg.pinv with rtol 1e-12
(relative), a different cut from the Swift side's absolute 1e-12 on purpose: the inputs are
scaled so that both drop exactly the round-off singular values.

Usage:  python3 tools/make_condition_fixtures.py
Output: Tests/IsometryConditionsTests/Fixtures/conditions_<name>.json
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "IsometryConditionsTests", "Fixtures")
RANK_CUT = 1e-12
MARGIN = 1e-10


def basis(a):
    """Thin SVD of a, cut at RANK_CUT: (U_r, s_r, Vt_r)."""
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    r = int(np.sum(s > RANK_CUT))
    return u[:, :r], s[:r], vt[:r]


def nic_linear(x, patterns, w):
    inv = np.linalg.pinv(x.T @ x, rtol=1e-12)
    lhs = [np.linalg.norm(x.T @ np.diag(h) @ x @ inv @ w) for h in patterns]
    return lhs, list(range(len(patterns)))


def nnic(x, patterns, planted, weights):
    xs = np.hstack([np.diag(patterns[s]) @ x for s in planted])
    ws = np.concatenate(weights)
    lam = np.linalg.pinv(xs, rtol=1e-12).T @ ws
    others = [i for i in range(len(patterns)) if i not in planted]
    return [np.linalg.norm((np.diag(patterns[i]) @ x).T @ lam) for i in others], others


def w_hat(x, h, w):
    u, s, vt = basis(np.diag(h) @ x)
    c = s * (vt @ w)
    return u, c / np.linalg.norm(c)


def nnic_norm(x, patterns, planted, weights):
    lams = []
    for s, w in zip(planted, weights):
        u, c = w_hat(x, patterns[s], w)
        lams.append(u @ c)
    others = [i for i in range(len(patterns)) if i not in planted]
    lhs = []
    for i in others:
        ui, _, _ = basis(np.diag(patterns[i]) @ x)
        lhs.append(max(np.linalg.norm(ui.T @ lam) for lam in lams))
    return lhs, others


def irrepresentable_norm(x, patterns, planted, weights):
    blocks = [w_hat(x, patterns[s], w) for s, w in zip(planted, weights)]
    u = np.hstack([b[0] for b in blocks])
    c = np.concatenate([b[1] for b in blocks])
    lam = u @ np.linalg.pinv(u.T @ u, rtol=1e-12) @ c
    others = [i for i in range(len(patterns)) if i not in planted]
    lhs = []
    for i in others:
        ui, _, _ = basis(np.diag(patterns[i]) @ x)
        lhs.append(np.linalg.norm(ui.T @ lam))
    return lhs, others


def verdict(lhs_and_indices, threshold):
    """The largest left-hand side, the verdict, the pattern attaining it, and every pattern's left-hand
    side (so a test can accept any pattern tied with the largest to round-off: which of two tied
    patterns wins is decided by the BLAS kernel's summation order, not by the formula)."""
    lhs, indices = lhs_and_indices
    if not lhs:
        return {"largest": 0.0, "holds": True, "worstPattern": None, "leftHandSides": {}}
    j = int(np.argmax(lhs))
    return {"largest": float(lhs[j]), "holds": bool(lhs[j] < threshold), "worstPattern": indices[j],
            "leftHandSides": {str(i): float(v) for i, v in zip(indices, lhs)}}


def make(name, n, d, k, seed, add_all_ones=False, directions=None):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)) / np.sqrt(n)
    w = rng.standard_normal((d, k))
    w /= np.linalg.norm(w, axis=0)
    count = directions or max(2 * n, 50)
    dirs = np.hstack([w, rng.standard_normal((d, count))])
    patterns, planted = [], []
    for c in range(dirs.shape[1]):
        h = tuple(int(v) for v in (x @ dirs[:, c] >= 0))
        if h not in patterns:
            patterns.append(h)
        if c < k:
            planted.append(patterns.index(h))
    if add_all_ones and tuple([1] * n) not in patterns:
        patterns.append(tuple([1] * n))
    pats = [np.array(h, dtype=float) for h in patterns]
    weights = [w[:, j] for j in range(k)]
    conditions = {
        "nic-linear": verdict(nic_linear(x, pats, w.sum(axis=1)), 1 - MARGIN),
        "nnic-k": verdict(nnic(x, pats, planted, weights), 1 - MARGIN),
        "nnic-norm": verdict(nnic_norm(x, pats, planted, weights), 1 - MARGIN),
        "irrepresentable-norm": verdict(irrepresentable_norm(x, pats, planted, weights), 1 + MARGIN),
    }
    if k == 1:
        conditions["nnic-1"] = conditions["nnic-k"]
    fixture = {
        "name": name,
        "x": x.tolist(),
        "patterns": [list(h) for h in patterns],
        "plantedPatterns": planted,
        "plantedWeights": [v.tolist() for v in weights],
        "conditions": conditions,
    }
    with open(os.path.join(OUT, f"conditions_{name}.json"), "w") as f:
        json.dump(fixture, f)
    print(name, len(patterns), "patterns;",
          ", ".join(f"{c}: {v['largest']:.6g} {'holds' if v['holds'] else 'fails'}" for c, v in conditions.items()))


if __name__ == "__main__":
    make("tall_k1", n=30, d=3, k=1, seed=11)
    make("tall_k1_all_ones", n=8, d=3, k=1, seed=12, add_all_ones=True)
    make("square_k2", n=12, d=6, k=2, seed=13)
    make("wide_k2", n=5, d=8, k=2, seed=14, directions=20)
    make("tall_k3", n=40, d=2, k=3, seed=15)
