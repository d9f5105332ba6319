#!/usr/bin/env python3
"""Peer of `neural-recovery-bench training`: the same training runs in PyTorch CPU.

Networks (docs/science.md §3), each trained on its own, n = 400, d = 100, m = n + 1, 400 epochs:
  skip:       f(X) = relu(X W1) a + (X w0) alpha0
  normalized: f(X) = (F.normalize(relu(X W1), dim=0) * gamma) a   (norms over the batch given)
full batch, loss ||f(X) - y||^2, a fresh AdamW(lr=2e-3, weight_decay=1e-6) every step, test loss
every epoch; float32, 2 threads (--threads). Prints one line per network and then `seconds MODEL S`, the best
of --repeats wall-clock times of the training loop.

Usage: .venv-torch/bin/python bench/training_peer.py [--model skip --model normalized] [--repeats 3]
"""
import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F


def network(model, d, m):
    """(parameters, f) of a freshly initialised network (nn.Linear's default initialisation)."""
    hidden = torch.nn.Linear(d, m, bias=False)
    out = torch.nn.Linear(m, 1, bias=False)
    if model == "skip":
        skip = torch.nn.Linear(d, 1, bias=False)
        scale = torch.nn.Linear(1, 1, bias=False)

        def f(inp):
            return (out(torch.relu(hidden(inp))) + scale(skip(inp))).squeeze(-1)

        return [*hidden.parameters(), *out.parameters(), *skip.parameters(), *scale.parameters()], f
    gamma = torch.nn.Parameter(torch.ones(m))

    def f(inp):
        return out(F.normalize(torch.relu(hidden(inp)), dim=0) * gamma).squeeze(-1)

    return [*hidden.parameters(), *out.parameters(), gamma], f


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", action="append", choices=["skip", "normalized"],
                        help="network to train (repeatable; default skip and normalized)")
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--d", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    n, d, m = args.n, args.d, args.n + 1
    rng = np.random.default_rng(2022)
    x = torch.tensor(rng.standard_normal((n, d)) / np.sqrt(n), dtype=torch.float32)
    xt = torch.tensor(rng.standard_normal((n, d)) / np.sqrt(n), dtype=torch.float32)
    w = rng.standard_normal(d)
    w /= np.linalg.norm(w)
    wt = torch.tensor(w, dtype=torch.float32)
    y, yt = x @ wt, xt @ wt

    summary = []
    for model in args.model or ["skip", "normalized"]:
        best = float("inf")
        for r in range(args.repeats):
            torch.manual_seed(r)
            params, f = network(model, d, m)
            start = time.perf_counter()
            loss, test_losses = torch.tensor(float("nan")), [float("nan")]
            for _ in range(args.epochs):
                opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=1e-6)
                opt.zero_grad()
                loss = ((f(x) - y) ** 2).sum()
                loss.backward()
                opt.step()
                with torch.no_grad():
                    test_losses.append(((f(xt) - yt) ** 2).sum().item())
            best = min(best, time.perf_counter() - start)
        print(f"torch {model} n={n} d={d} m={m} epochs={args.epochs} float32 threads={args.threads}: best of {args.repeats} "
              f"{best:.3f} s; final train loss {loss.item()}, test error {test_losses[-1] ** 0.5}")
        summary.append(f"seconds {model} {best:.4f}")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
