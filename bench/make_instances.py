#!/usr/bin/env python3
"""Solver benchmark instances from NumPy (schema neural-recovery-instance/1), independent of the Swift
data generator: X = G/sqrt(n); planted linear (skip, w* = smallest right singular vector of X),
plain (plain, Gaussian w*) or normalized (normalized, k = 2 Gaussian columns unless relaxed, then 1);
patterns from max(n, 50) Gaussian directions, planted columns first, duplicates removed (the all-ones
pattern is not added). beta = 1e-6 for approx.

usage: bench/make_instances.py OUT_DIR [NxD ...]   (default sizes 100x20 200x50 400x100)
"""
import json
import os
import sys

import numpy as np


def instance(model, formulation, n, d, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) / np.sqrt(n)
    relu = lambda v: np.maximum(v, 0.0)
    if model == "skip":
        W = np.linalg.svd(X, full_matrices=False)[2][-1:].T          # smallest right singular vector
        y = X @ W[:, 0]
    elif model == "plain":
        W = rng.standard_normal((d, 1))
        W /= np.linalg.norm(W, axis=0)
        y = relu(X @ W[:, 0])
    else:
        k = 1 if formulation == "relaxed" else 2
        W = rng.standard_normal((d, k))
        W /= np.linalg.norm(W, axis=0)
        y = sum(relu(X @ W[:, j]) / np.linalg.norm(relu(X @ W[:, j])) for j in range(k))
    directions = rng.standard_normal((d, max(n, 50)))
    if model != "skip":
        directions = np.hstack([W, directions])
    seen, patterns = set(), []
    for h in (X @ directions >= 0).T.astype(int):
        key = h.tobytes()
        if key not in seen:
            seen.add(key)
            patterns.append(h.tolist())
    return {
        "format": "neural-recovery-instance/1", "model": model, "formulation": formulation,
        "beta": 1e-6 if formulation == "approx" else None, "n": n, "d": d,
        "X": X.tolist(), "y": y.tolist(), "patterns": patterns, "planted": W.T.tolist(), "reference": None,
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "instances")
    sizes = sys.argv[2:] or ["100x20", "200x50", "400x100"]
    os.makedirs(out, exist_ok=True)
    for size in sizes:
        n, d = map(int, size.split("x"))
        for m, model in enumerate(["skip", "plain", "normalized"]):
            for f, formulation in enumerate(["relaxed", "exact", "approx"]):
                path = os.path.join(out, f"{model}-{formulation}_n{n}_d{d}.json")
                with open(path, "w") as fh:
                    json.dump(instance(model, formulation, n, d, seed=1000 * n + 10 * m + f), fh)
                print(path)


if __name__ == "__main__":
    main()
