#!/usr/bin/env python3
"""Writes the PyTorch reference fixtures of TrainingTests (run once by hand, not by the tests).

For each case (plain/skip/normalized with relu, plus two with other activations), builds the
network in float64 PyTorch with initial weights drawn here by NumPy (U(-1/sqrt(fan_in), +) as
nn.Linear would), trains 50 full-batch epochs on the loss ||f(X) - y||^2 with
  (a) a fresh torch.optim.AdamW(lr=2e-3, weight_decay=1e-6) created every step, and
  (b) one persistent AdamW,
and records per epoch the training loss before the step (loss.item()) and the test loss after it.

Usage:  .venv-torch/bin/python tools/make_torch_fixture.py
Output: Tests/TrainingTests/Fixtures/torch_<case>.json
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TrainingTests", "Fixtures")
N, D, M, EPOCHS = 20, 5, 21, 50

ACTIVATIONS = {
    "relu": torch.relu,
    "gelu": F.gelu,  # exact erf form (approximate="none")
    "tanh": torch.tanh,
}


def forward(model, act, p, x):
    hidden = ACTIVATIONS[act](x @ p["W1"].T)  # n x m; W1 is m x d like nn.Linear.weight
    if model == "normalized":
        hidden = F.normalize(hidden, dim=0) * p["gamma"]
    out = hidden @ p["a"]
    if model == "skip":
        out = out + p["alpha0"] * (x @ p["w0"])
    return out


def train(model, act, init, x, y, xt, yt, fresh):
    p = {k: torch.tensor(v, requires_grad=True) for k, v in init.items()}
    params = list(p.values())
    opt = None
    losses, test_losses = [], []
    for _ in range(EPOCHS):
        if fresh or opt is None:
            opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=1e-6)
        opt.zero_grad()
        loss = ((forward(model, act, p, x) - y) ** 2).sum()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        with torch.no_grad():
            test_losses.append(((forward(model, act, p, xt) - yt) ** 2).sum().item())
    return losses, test_losses


def labels(model, x, w):
    if model == "skip":
        return x @ w[:, 0]
    if model == "plain":
        return np.maximum(x @ w, 0).sum(axis=1)
    r = np.maximum(x @ w, 0)
    return (r / np.linalg.norm(r, axis=0)).sum(axis=1)


def make(case, model, act, seed):
    rng = np.random.default_rng(seed)
    k = 2 if model == "normalized" else 1
    w = rng.standard_normal((D, k))
    w /= np.linalg.norm(w, axis=0)
    x = rng.standard_normal((N, D)) / np.sqrt(N)
    xt = rng.standard_normal((N, D)) / np.sqrt(N)
    y, yt = labels(model, x, w), labels(model, xt, w)
    init = {
        "W1": rng.uniform(-1 / np.sqrt(D), 1 / np.sqrt(D), (M, D)),
        "a": rng.uniform(-1 / np.sqrt(M), 1 / np.sqrt(M), M),
    }
    if model == "skip":
        init["w0"] = rng.uniform(-1 / np.sqrt(D), 1 / np.sqrt(D), D)
        init["alpha0"] = rng.uniform(-1, 1, ())
    if model == "normalized":
        init["gamma"] = np.ones(M)
    tx, ty, txt, tyt = (torch.tensor(v) for v in (x, y, xt, yt))
    fresh = train(model, act, init, tx, ty, txt, tyt, fresh=True)
    persistent = train(model, act, init, tx, ty, txt, tyt, fresh=False)
    fixture = {
        "model": model,
        "activation": act,
        "epochs": EPOCHS,
        "x": x.tolist(),
        "y": y.tolist(),
        "xTest": xt.tolist(),
        "yTest": yt.tolist(),
        "firstLayerNeurons": init["W1"].tolist(),  # m rows of d: neuron i's input weights
        "outputWeights": init["a"].tolist(),
        "skipWeights": init.get("w0", np.zeros(0)).tolist(),
        "skipScale": float(init.get("alpha0", 0.0)),
        "normalizationScales": init.get("gamma", np.zeros(0)).tolist(),
        "freshLoss": fresh[0],
        "freshTestLoss": fresh[1],
        "persistentLoss": persistent[0],
        "persistentTestLoss": persistent[1],
        "torchVersion": torch.__version__,
    }
    with open(os.path.join(OUT, f"torch_{case}.json"), "w") as f:
        json.dump(fixture, f)
    print(case, "fresh final loss", fresh[0][-1], "persistent final loss", persistent[0][-1])


if __name__ == "__main__":
    make("plain", "plain", "relu", 1)
    make("skip", "skip", "relu", 2)
    make("normalized", "normalized", "relu", 3)
    make("plain_gelu", "plain", "gelu", 4)
    make("normalized_tanh", "normalized", "tanh", 5)
