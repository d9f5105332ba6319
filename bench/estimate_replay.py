#!/usr/bin/env python3
"""Replays `plan --estimate`'s sampling on tasks already computed, to see how well it would have predicted them.

Reads every cache entry under OUTPUTS/cache/entries (default outputs), groups the tasks by timing kind and by
code (the ConvexSolver or Training fingerprint), and for each group with at least 500 tasks replays the estimator:
a first sample of 4 tasks by systematic sampling proportional to cost units, then follow-up rounds as
`EstimateSample.followUp` (relative error target 0.15, at most doubling, 240 predicted CPU seconds), with the
model of `DurationModel` (rate = sum t / sum c, relative error from the cost-weighted spread of t/c, floors 10 %
and 50 %). "truth" is the group's summed `seconds` metric (the solve or training time each entry recorded).
Prints, per group and per cost shape (ours also without follow-up rounds), the estimate over the truth, the final relative error, the samples taken
and whether the ± 2 error range covers the truth.

usage: bench/estimate_replay.py [OUTPUTS]
"""
import json, os, sys
import numpy as np
from cache_entries import entries

outputs = sys.argv[1] if len(sys.argv) > 1 else "outputs"
groups = {}
for entry in entries(outputs):
    spec = entry["spec"]
    if spec.get("kind") == "condition":
        continue
    seconds = entry.get("result", {}).get("metrics", {}).get("seconds")
    if not seconds:
        continue
    kind = f"{spec.get('learned')}/{spec.get('formulation')}"
    unit = "Training" if spec.get("formulation") == "gd" else "ConvexSolver"
    key = (kind, entry["fingerprints"].get(unit, "")[:8])
    groups.setdefault(key, []).append((spec["data"]["n"], spec["data"]["d"], seconds))


def replay(n, d, t, c, target=0.15, budget=240.0, first=4, rounds=6):
    order = np.lexsort((np.arange(len(c)), c))

    def systematic(pool, count):
        members = [i for i in order if i in pool]
        total = sum(c[i] for i in members)
        picks, running, j = [], 0.0, 0
        for i in members:
            running += c[i]
            while j < count and running >= total * (j + 0.5) / count:
                if not picks or picks[-1] != i:
                    picks.append(i)
                j += 1
        return picks

    everything = set(range(len(c)))
    taken = set(systematic(everything, first))

    def model():
        idx = list(taken)
        rate = t[idx].sum() / c[idx].sum()
        var = max(0.0, (t[idx] ** 2 / c[idx]).sum() / c[idx].sum() - rate * rate)
        return rate, max(np.sqrt(var / len(idx)) / rate, 0.5 if len(idx) < 3 else 0.1)

    for r in range(rounds + 1):
        rate, err = model()
        estimate = rate * c[list(everything - taken)].sum() + t[list(taken)].sum()
        if r == rounds or err <= target:
            break
        k = len(taken)
        extra = min(max(int(np.ceil(k * (err / target) ** 2 - k)), 1), k, len(everything - taken))
        spent = 0.0
        for i in systematic(everything - taken, extra):
            s = rate * c[i]
            if spent + s > budget:
                continue
            spent += s
            taken.add(i)
        if spent == 0:
            break
    truth = t.sum()
    return estimate / truth, err, len(taken), estimate * (1 - 2 * err) <= truth <= estimate * (1 + 2 * err)


for (kind, code), rows in sorted(groups.items()):
    if len(rows) < 500:
        continue
    a = np.array(rows, float)
    n, d, t = a[:, 0], a[:, 1], a[:, 2]
    if kind.endswith("/gd"):
        shapes = {"n²d (ours)": n * n * d, "nd": n * d}
    else:
        shapes = {"n²d² (ours)": n * n * d * d, "nd": n * d, "n²d² + mean": n * n * d * d + (n * n * d * d).mean()}
    for shape, c in shapes.items():
        for rounds in ([0, 6] if "ours" in shape else [6]):
            ratio, err, samples, covered = replay(n, d, t, c.astype(float), rounds=rounds)
            label = shape + (", first sample only" if rounds == 0 else "")
            print(f"{kind:20s} code {code}  {len(rows):6d} tasks  {label:31s} estimate/truth {ratio:4.2f}  "
                  f"± {2 * err:4.0%}  {samples:4d} samples  {'covered' if covered else 'MISSED'}")
