#!/usr/bin/env python3
"""Replays a run's ETA on tasks already computed: the single fit over all finished tasks (`TaskDurationFit`, the
ETA before grouping) against the fit per timing kind with probes first (`GroupedDurationFit`, `Executor.order`).

Selects the cache entries whose spec matches every FILTER (dotted paths into the entry's spec, e.g.
learned=normalized formulation=relaxed data.k=2 data.plantedWeights=gaussian), groups them by timing kind
("normalized/relaxed", "normalized/relaxed noisy", as `CellSpec.timingKind`), and simulates a run on JOBS
workers (list scheduling, each task taking its recorded `seconds`). The executor orders tasks by the duration
model's predicted seconds (rate of the kind × cost units); two costings are replayed:
  known       every kind at its own true rate (Σ seconds / Σ cost units of its tasks);
  unmeasured  the noisy kind costed at the noiseless kind's rate (a kind the model has not measured is costed at
              the mean rate of the others; Figure 24's noisy cells were costed ~20× too cheap that way).
At 5, 10, 30, 50, 70 and 90 % of the tasks finished, prints the ETA over the true time left for three fits:
the single fit, the grouped fit, and the grouped fit whose exponent per kind is the log-log slope the same kind
showed in the other cache entries (earlier runs, as the duration model could record it).

usage: bench/eta_replay.py [--outputs DIR] [--jobs J] FILTER...
"""
import math, os, sys
from cache_entries import entries

args = sys.argv[1:]
outputs, jobs, filters = "outputs", 2, []
while args:
    a = args.pop(0)
    if a == "--outputs": outputs = args.pop(0)
    elif a == "--jobs": jobs = int(args.pop(0))
    else:
        key, value = a.split("=", 1)
        filters.append((key.split("."), value))


def field(spec, path):
    for p in path:
        if not isinstance(spec, dict) or p not in spec: return None
        spec = spec[p]
    return spec


tasks = []  # (key, group, cost, seconds)
others = {}  # group → [(cost, seconds)] of the entries not selected: the earlier runs of the same timing kinds
for entry in entries(outputs):
    spec = entry["spec"]
    t = entry.get("result", {}).get("metrics", {}).get("seconds")
    if spec.get("kind") == "condition" or not t or t <= 0: continue
    n, d = spec["data"]["n"], spec["data"]["d"]
    if spec.get("formulation") == "gd":
        cost = n * n * d * spec.get("training", {}).get("epochs", 400) / 1e8
    else:
        cost = n * n * d * d * (1 if spec.get("formulation") == "relaxed" else 4) / 1e6
    group = f"{spec.get('learned')}/{spec.get('formulation')}"
    if spec.get("kind") == "convex" and spec["data"].get("sigma", 0) > 0: group += " noisy"
    if any(str(field(spec, path)) != value for path, value in filters):
        others.setdefault(group, []).append((cost, t))
    else:
        tasks.append((entry["key"], group, cost, t))
if not tasks: sys.exit("no cache entries match")

MIN_COUNT, MIN_SPREAD, P_RANGE = 5, 4.0, (0.0, 2.0)
BIN_FACTOR = float(os.environ.get("BIN_FACTOR", "2"))


def clamp(p): return min(max(p, P_RANGE[0]), P_RANGE[1])


def centred(points):
    if not points: return 0.0, 0.0
    xs = [math.log(c) for c, _ in points]; ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) ** 2 for x in xs), sum((x - mx) * (y - my) for x, y in zip(xs, ys))


def shows_shape(points):
    return len(points) >= MIN_COUNT and max(c for c, _ in points) >= MIN_SPREAD * min(c for c, _ in points)


def scale(points, p): return sum(t for _, t in points) / sum(c ** p for c, _ in points)


def single_eta(done, left):
    points = [(c, t) for _, c, t in done]
    if len(points) < MIN_COUNT: return None
    p = 1.0
    if shows_shape(points):
        xx, xy = centred(points)
        if xx > 0: p = clamp(xy / xx)
    k = scale(points, p)
    return k * sum(c ** p for _, c in left)


def grouped_eta(done, left):
    allp = [(c, t) for _, c, t in done]
    if len(allp) < MIN_COUNT: return None
    groups = {}
    for g, c, t in done: groups.setdefault(g, []).append((c, t))
    p = 1.0
    if any(shows_shape(pts) for pts in groups.values()):
        xx = xy = 0.0
        for pts in groups.values():
            a, b = centred(pts); xx += a; xy += b
        if xx > 0: p = clamp(xy / xx)
    k = scale(allp, p)
    own = {}
    for g, pts in groups.items():
        if len(pts) >= MIN_COUNT:
            q = p
            if shows_shape(pts):
                a, b = centred(pts)
                if a > 0: q = clamp(b / a)
            own[g] = (scale(pts, q), q)
    return sum(own.get(g, (k, p))[0] * c ** own.get(g, (k, p))[1] for g, c in left)


def slope(points):
    xx, xy = centred(points)
    return clamp(xy / xx) if xx > 0 else None


def grouped_prior_eta(done, left):
    """The grouped fit, each group's exponent the slope its kind showed in earlier runs (the other entries)."""
    allp = [(c, t) for _, c, t in done]
    if len(allp) < MIN_COUNT: return None
    groups = {}
    for g, c, t in done: groups.setdefault(g, []).append((c, t))
    k_all, p_all = None, 1.0
    own = {}
    for g, pts in groups.items():
        if len(pts) >= MIN_COUNT:
            q = PRIORS.get(g) or (slope(pts) if shows_shape(pts) else None) or 1.0
            own[g] = (scale(pts, q), q)
    p_all = sum(PRIORS.values()) / len(PRIORS) if PRIORS else 1.0
    k_all = scale(allp, p_all)
    return sum(own.get(g, (k_all, PRIORS.get(g, p_all)))[0] * c ** own.get(g, (k_all, PRIORS.get(g, p_all)))[1]
               for g, c in left)


def bin_of(c): return math.floor(math.log(c, BIN_FACTOR))


def profile_rates(points):
    """Seconds per cost unit per cost bin (a factor 4 wide) of earlier runs, bins with at least 3 tasks."""
    bins = {}
    for c, t in points:
        b = bins.setdefault(bin_of(c), [0, 0.0, 0.0]); b[0] += 1; b[1] += t; b[2] += c
    return {k: v[1] / v[2] for k, v in bins.items() if v[0] >= 3}


def profile_eta(done, left):
    """Items costed by the earlier runs' profile (so cost ≈ seconds): each group's own ratio Σt/Σcost."""
    if len(done) < MIN_COUNT: return None
    groups, allt, allc = {}, 0.0, 0.0
    for g, c, t in done:
        s = groups.setdefault(g, [0, 0.0, 0.0]); s[0] += 1; s[1] += t; s[2] += c
        allt += t; allc += c
    ratio = {g: s[1] / s[2] for g, s in groups.items() if s[0] >= MIN_COUNT}
    return sum(ratio.get(g, allt / allc) * c for g, c in left)


def order(items, probes):
    items = sorted(items, key=lambda x: (-x[4], x[0]))
    if not probes or len({x[1] for x in items}) < 2: return items
    count, front, rest = {}, [], []
    for x in items:
        if x[4] > 0 and count.get(x[1], 0) < MIN_COUNT:
            count[x[1]] = count.get(x[1], 0) + 1; front.append(x)
        else: rest.append(x)
    return front + rest


def simulate(items, eta, marks):
    """List scheduling on `jobs` workers; at each mark (a fraction of tasks finished) the ETA and the truth."""
    free = [0.0] * jobs
    finish = []
    for i, x in enumerate(items):
        w = min(range(jobs), key=lambda j: free[j])
        free[w] += x[3]
        finish.append((free[w], i))
    finish.sort()
    end = finish[-1][0]
    out = []
    for m in marks:
        k = max(1, int(m * len(items)))
        now, _ = finish[k - 1]
        done_idx = [i for _, i in finish[:k]]
        done = [(items[i][1], items[i][4], items[i][3]) for i in done_idx]
        # The executor predicts the tasks from `completed` on in its order (those running count as left).
        left = [(x[1], x[4]) for x in items[k:]]
        predicted = eta(done, left)
        out.append((m, None if predicted is None else predicted / jobs, end - now))
    return out


truth_rate = {}
for _, g, c, t in tasks:
    s = truth_rate.setdefault(g, [0.0, 0.0]); s[0] += t; s[1] += c
rates = {g: s[0] / s[1] for g, s in truth_rate.items()}
print(f"{len(tasks)} tasks, jobs {jobs}; kinds: " + ", ".join(f"{g}: {sum(1 for x in tasks if x[1] == g)} tasks, "
      f"{truth_rate[g][0] / 3600:.2f} CPU-h, {rates[g]:.2e} s per cost unit" for g in sorted(rates)))
PRIORS = {g: slope(pts) for g, pts in others.items() if g in rates and len(pts) >= 100}
print("exponents of earlier runs: " + ", ".join(f"{g}: {p:.2f} ({len(others[g])} tasks)" for g, p in PRIORS.items()))
PROFILES = {g: profile_rates(pts) for g, pts in others.items() if g in rates}
noiseless = [g for g in rates if not g.endswith("noisy")]
marks = [0.05, 0.1, 0.3, 0.5, 0.7, 0.9]
for costing in ["known", "unmeasured"]:
    assumed = dict(rates)
    if costing == "unmeasured":
        if not noiseless or len(rates) < 2: continue
        for g in rates:
            if g.endswith("noisy"): assumed[g] = rates[noiseless[0]]
    items = [(key, g, c, t, assumed[g] * c) for key, g, c, t in tasks]
    print(f"\ncosting: {costing}")
    print("done   ETA / true time left: single fit, no probes | grouped + probes | grouped + probes + earlier exponents"
          " | costed by earlier runs' profile, ratio per kind"
          " | profile-costed, grouped power law")
    a = simulate(order(items, False), single_eta, marks)
    b = simulate(order(items, True), grouped_eta, marks)
    c = simulate(order(items, True), grouped_prior_eta, marks)
    # Costed by the earlier runs' profile per cost bin (kinds without one: as assumed above).
    profiled = []
    for key, g, cu, t, m in items:
        rate = PROFILES.get(g, {}).get(bin_of(cu))
        profiled.append((key, g, cu, t, rate * cu if rate else m))
    d = simulate(order(profiled, True), profile_eta, marks)
    e = simulate(order(profiled, True), grouped_eta, marks)
    for (m, e1, t1), (_, e2, t2), (_, e3, t3), (_, e4, t4), (_, e5, t5) in zip(a, b, c, d, e):
        f = lambda e, t: "  n/a" if e is None else f"{e / t:5.2f} ({e / 60:6.1f} of {t / 60:6.1f} min)"
        print(f"{m * 100:4.0f} %  {f(e1, t1):>30} | {f(e2, t2):>30} | {f(e3, t3):>30} | {f(e4, t4):>30} | {f(e5, t5):>30}")

# The whole run's CPU time as the duration model would estimate it from the earlier runs: one rate per kind
# (Σ t / Σ cost units) against the profile per cost bin.
print("\nwhole-run CPU estimate from the other entries / truth:")
for g in sorted(rates):
    mine = [(c, t) for _, gg, c, t in tasks if gg == g]
    truth = sum(t for _, t in mine)
    if g not in others: continue
    rate = sum(t for _, t in others[g]) / sum(c for c, _ in others[g])
    prof = PROFILES[g]
    byprof = sum((prof.get(bin_of(c)) or rate) * c for c, _ in mine)
    print(f"  {g}: one rate {rate * sum(c for c, _ in mine) / truth:.2f}, profile {byprof / truth:.2f}")
