#!/usr/bin/env python3
"""Writes Tests/LinearAlgebraTests/Fixtures/linalg.json: fixed inputs and NumPy's results for
each LAPACK-backed routine of the LinearAlgebra module. Run once; the tests read the JSON
(they do not need NumPy). Matrices are stored row by row."""
import json, pathlib
import numpy as np

rng = np.random.default_rng(20221001)
A = rng.standard_normal((7, 4))          # tall, full rank
W = rng.standard_normal((3, 5))          # wide
R = rng.standard_normal((7, 2)) @ rng.standard_normal((2, 4))   # rank 2
B = rng.standard_normal((7, 2))
C = rng.standard_normal((4, 3))
S = A.T @ A + np.eye(4)                  # symmetric positive definite
b = rng.standard_normal(4)
lam, V = np.linalg.eigh(S)

def m(x):
    return np.asarray(x).tolist()

fixture = {
    "A": m(A), "W": m(W), "R": m(R), "B": m(B), "C": m(C), "S": m(S), "b": m(b),
    "A_times_C": m(A @ C),
    "At_A": m(A.T @ A),
    "A_At": m(A @ A.T),
    "svd_A": m(np.linalg.svd(A, compute_uv=False)),
    "svd_W": m(np.linalg.svd(W, compute_uv=False)),
    "svd_R": m(np.linalg.svd(R, compute_uv=False)),
    "eigvals_S": m(lam),
    "eigvecs_S": m(V),
    "cholesky_S": m(np.linalg.cholesky(S)),
    "solve_S_b": m(np.linalg.solve(S, b)),
    "rank_A": int(np.linalg.matrix_rank(A)),
    "rank_R": int(np.linalg.matrix_rank(R)),
    "rank_W": int(np.linalg.matrix_rank(W)),
    "pinv_A": m(np.linalg.pinv(A)),
    "pinv_R": m(np.linalg.pinv(R)),
    "pinv_W": m(np.linalg.pinv(W)),
    "lstsq_A_B": m(np.linalg.lstsq(A, B, rcond=None)[0]),
    "lstsq_R_B": m(np.linalg.lstsq(R, B, rcond=None)[0]),
    "lstsq_W_B3": m(np.linalg.lstsq(W, B[:3], rcond=None)[0]),
}
out = pathlib.Path(__file__).resolve().parent.parent / "Tests/LinearAlgebraTests/Fixtures/linalg.json"
out.write_text(json.dumps(fixture, indent=1))
print("wrote", out)
