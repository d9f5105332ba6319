#!/usr/bin/env python3
"""Writes Tests/RandomStreamsTests/Fixtures/philox.json: raw outputs of NumPy's Philox
(Philox4x64-10) for a few keys and counters, the independent reference for our bijection.
NumPy increments the 256-bit counter (word 0 lowest) before each block, so the first block it
returns is the one at counter + 1; the fixture records the counter of each block explicitly."""
import json, pathlib
import numpy as np

M = 2**64

def increment(c):
    c = list(c)
    for i in range(4):
        c[i] = (c[i] + 1) % M
        if c[i] != 0:
            break
    return c

cases = []
for key, counter in [
    ((0, 0), (0, 0, 0, 0)),
    ((0x243F6A8885A308D3, 0x13198A2E03707344), (5, 0, 7, 0)),
    ((M - 1, M - 1), (M - 2, M - 1, M - 1, 5)),
    ((123456789, 987654321), (41, 3, 1, 9)),
]:
    bg = np.random.Philox(key=np.array(key, dtype=np.uint64), counter=np.array(counter, dtype=np.uint64))
    raw = [int(v) for v in bg.random_raw(8)]
    c = increment(counter)
    blocks = []
    for b in range(2):
        blocks.append({"counter": [str(v) for v in c], "output": [str(v) for v in raw[4 * b:4 * b + 4]]})
        c = increment(c)
    cases.append({"key": [str(k) for k in key], "blocks": blocks})
out = pathlib.Path(__file__).resolve().parent.parent / "Tests/RandomStreamsTests/Fixtures/philox.json"
out.write_text(json.dumps(cases, indent=1))
print("wrote", out)
