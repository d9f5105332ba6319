#!/usr/bin/env python3
"""Solve the same instance files with CVXPY + Clarabel (the formulations of docs/science.md §2, written as in
the reference implementation) and compare with our solver's results.

usage: bench/peer_cvxpy.py OURS.json INSTANCE_OR_DIR... [--filter TEXT] [--out PEER.json] [--time-limit S]

OURS.json is what `neural-recovery-bench solver ... --json OURS.json` wrote. For every instance this
prints both objectives, their relative difference, Clarabel's own solve time, CVXPY's total time
(canonicalisation + solve) and the ratios theirs/ours (ours = our wall-clock seconds, set-up included).
With --time-limit S each instance runs in a child process that is stopped after S seconds; the row then
reads "> S" and the ratio is a lower bound (">= S/ours").
Needs cvxpy and clarabel (pip install cvxpy clarabel, e.g. in .venv-peer).
"""
import argparse
import glob
import json
import multiprocessing
import os
import resource
import time

import numpy as np
import scipy.sparse as sp
import cvxpy as cp


def build(inst, parts=None, style=None):
    """The CVXPY problem of docs/science.md §2 for `inst`, written as the reference implementation writes it (one
    d × p matrix variable per sign, `cp.mixed_norm`, the patterns as an n × p 0/1 matrix multiplied
    elementwise; normalized: `style` "loop" adds Uᵢ wᵢ block by block like the reference, "stacked" (the
    default, faster to compile) multiplies one zero-padded n × pd matrix [U₁ … U_p] by vec(W)).
    With a dict `parts`, also returns in it the variables and maps Tᵢ for reading the solution."""
    style = style or STYLE[0]
    X = np.array(inst["X"], dtype=float)
    y = np.array(inst["y"], dtype=float)
    H = np.array(inst["patterns"], dtype=float).T          # n × p, column i = pattern i
    model, formulation = inst["model"], inst["formulation"]
    beta = inst.get("beta") or 1e-6
    n, d = X.shape
    p = H.shape[1]
    S = 2 * H - 1                                           # signs of the cone constraints
    signs = ["pos"] if formulation == "relaxed" else ["pos", "neg"]
    W = {s: cp.Variable((d, p)) for s in signs}
    constraints, ranks = [], None
    if model == "normalized":
        bases, maps, ranks = [], [], []
        for i in range(p):
            U, s, Vt = np.linalg.svd(H[:, i][:, None] * X, full_matrices=False)
            r = int(np.sum(s > 1e-12))
            bases.append(U[:, :r])
            maps.append(Vt[:r].T / s[:r])
            ranks.append(r)
        if parts is not None:
            parts["maps"] = maps
        if style == "loop":
            fit = 0
            for i, r in enumerate(ranks):
                for sign in signs:
                    w = W[sign]
                    if r == 0:
                        constraints.append(w[:, i] == 0)
                        continue
                    fit = fit + (1 if sign == "pos" else -1) * (bases[i] @ w[:r, i])
                    if formulation != "relaxed":
                        constraints.append((S[:, i][:, None] * (X @ maps[i])) @ w[:r, i] >= 0)
                    if r < d:
                        constraints.append(w[r:, i] == 0)
        else:
            Ubig = sp.hstack([sp.csc_matrix(np.hstack([bases[i], np.zeros((n, d - r))])) for i, r in enumerate(ranks)],
                             format="csc")
            vec = {sign: cp.vec(W[sign], order="F") for sign in signs}
            fit = Ubig @ vec["pos"] - (Ubig @ vec["neg"] if "neg" in vec else 0)
            if formulation != "relaxed":
                C = sp.block_diag([np.hstack([S[:, i][:, None] * (X @ maps[i]), np.zeros((n, d - r))])
                                   for i, r in enumerate(ranks)], format="csc")
                constraints += [C @ vec[sign] >= 0 for sign in signs]
        norms = sum(cp.mixed_norm(W[sign].T, 2, 1) for sign in signs)
    else:
        fit = cp.sum(cp.multiply(H, X @ W["pos"]), axis=1)
        if "neg" in W:
            fit = fit - cp.sum(cp.multiply(H, X @ W["neg"]), axis=1)
            constraints += [cp.multiply(S, X @ W[sign]) >= 0 for sign in signs]
        norms = sum(cp.mixed_norm(W[sign].T, 2, 1) for sign in signs)
    w0 = None
    if model == "skip":
        w0 = cp.Variable(d)
        fit = fit + X @ w0
        norms = norms + cp.norm(w0, 2)
    if parts is not None:
        parts.update(w0=w0, W=W, ranks=ranks)
    if formulation == "approx":
        objective = cp.Minimize(cp.sum_squares(fit - y) + beta * norms)
    else:
        objective = cp.Minimize(norms)
        constraints.append(fit == y)
    return cp.Problem(objective, constraints)


def blocks_of(parts, sign):
    """The solution's per-pattern vectors of one sign (normalized: the first rᵢ entries of column i)."""
    if sign not in parts["W"]:
        return []
    M = np.asarray(parts["W"][sign].value, dtype=float)
    ranks = parts["ranks"] or [M.shape[0]] * M.shape[1]
    return [M[:r, i] for i, r in enumerate(ranks)]


STYLE = ["stacked"]
TIGHT = {}
VERDICT_BINARY = []   # [path to neural-recovery] when --verdicts is given
OUR_RESULTS = {}      # instance path → our `solve --json` result (see our_result)
CERTIFY = []          # [True] with --certify


def verdict(inst, w0, pos, neg, maps, tol=1e-4):
    """docs/science.md §4's recovery verdict (1/0) of a solution, as the cell evaluation computes it; None when the
    instance does not say what was planted (or the pairing has no verdict)."""
    sample = inst.get("sample")
    if not sample:
        return None
    planted = np.array(inst["planted"], dtype=float)        # k × d, column j of W* is planted[j]
    model, kind = inst["model"], sample.get("planted_model")
    maxabs = lambda v: float(np.max(np.abs(v))) if len(v) else 0.0
    if model == "skip" and kind == "linear":
        others = max([maxabs(b) for b in pos + neg] or [0.0])
        return int(maxabs(np.asarray(w0) - planted[0]) <= tol and others <= tol)
    if (model, kind) not in (("plain", "plain"), ("normalized", "normalized")):
        return None
    targets = {}
    for j, s in enumerate(sample["planted_patterns"]):
        t = planted[j]
        if model == "normalized":
            T = np.asarray(maps[s]).reshape(-1, len(t)).T if np.ndim(maps[s]) == 1 else np.asarray(maps[s])
            norm2 = np.sum(T * T, axis=0)
            t = np.where(norm2 > 0, (T.T @ planted[j]) / np.where(norm2 > 0, norm2, 1), 0.0)
            nt = np.linalg.norm(t)
            t = t / nt if nt > 0 else t
        targets[s] = targets[s] + t if s in targets else t
    ok = True
    for i, u in enumerate(pos):
        v = neg[i] if i < len(neg) else np.zeros(len(u))
        if i in targets:
            ok = ok and maxabs(np.asarray(u) - targets[i]) <= tol and maxabs(v) <= tol
        else:
            ok = ok and maxabs(u) <= tol and maxabs(v) <= tol
    return int(ok)


def our_result(path):
    """`neural-recovery solve --json` of the instance (the binary of --verdicts), cached per file."""
    if path not in OUR_RESULTS:
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "r.json")
            subprocess.run([VERDICT_BINARY[0], "solve", path, "--threads", "1", "--json", out], check=True,
                           stdout=subprocess.DEVNULL)
            with open(out) as fh:
                OUR_RESULTS[path] = json.load(fh)
    return OUR_RESULTS[path]


def our_verdict(path, inst):
    """Our solver's verdict on the instance: `neural-recovery solve --json`, then `verdict`."""
    sol = our_result(path)["solution"]
    pos = sol.get("w") or sol.get("u") or []
    neg = sol.get("v") or []
    return verdict(inst, sol.get("w0"), pos, neg, sol.get("first_layer_maps") or [])


def certified(path, clarabel_value):
    """With --certify: bench/dual_bound.py's bounds on the optimum from our weights, printed beside Clarabel's value."""
    from dual_bound import certify
    with open(path) as fh:
        inst = json.load(fh)
    upper, lower, violation = certify(inst, our_result(path))
    gap = (upper - lower) / max(abs(upper), 1e-300)
    where = (clarabel_value - upper) / max(abs(upper), 1e-300)
    side = "above the upper bound" if clarabel_value > upper else (
        "below the lower bound" if clarabel_value < lower else "within the bounds")
    print(f"{'':34s} certified: optimum in [{lower:.12g}, {upper:.12g}] (relative gap {gap:.1e}, our weights' "
          f"largest violation {violation:.1e}); Clarabel's value {side} ({where:+.1e} relative to the upper bound)",
          flush=True)
    return {"certified_lower": lower, "certified_upper": upper, "certified_violation": violation}


def clarabel_solve(prob):
    """Solve with Clarabel: default settings, or the tight ones of --tight."""
    prob.solve(solver=cp.CLARABEL, **TIGHT)


def solve_path(path):
    """Build and solve one instance: (status, value, Clarabel's solve s, CVXPY's total s, verdicts, Clarabel's
    iterations)."""
    with open(path) as fh:
        inst = json.load(fh)
    t0 = time.perf_counter()
    parts = {}
    prob = build(inst, parts)
    clarabel_solve(prob)
    total = time.perf_counter() - t0
    verdicts = None
    if VERDICT_BINARY and prob.value is not None:
        value = lambda var: np.asarray(var.value, dtype=float)
        theirs = verdict(inst, value(parts["w0"]) if parts["w0"] is not None else None,
                         blocks_of(parts, "pos"), blocks_of(parts, "neg"), parts.get("maps", []))
        verdicts = (our_verdict(path, inst), theirs)
    return prob.status, prob.value, prob.solver_stats.solve_time, total, verdicts, prob.solver_stats.num_iters


def solve_file(path, queue):
    """Child-process body: `solve_path`, its outcome put on queue."""
    queue.put(solve_path(path))


def children_cpu():
    """User + system CPU seconds of the reaped child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_limited(path, limit):
    """(status, value, solve s, total s), or None when the time limit passed first."""
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=solve_file, args=(path, queue))
    child.start()
    try:
        result = queue.get(timeout=limit)
    except Exception:
        result = None
    if child.is_alive():
        child.terminate()
    child.join()
    return result


def header_line():
    return (f"{'instance':34s} {'ours':>14s} {'clarabel':>14s} {'rel.diff':>9s} {'ours s':>8s} {'clar. s':>8s} "
            f"{'cvxpy s':>8s} {'clar/ours':>9s} {'cvxpy/ours':>10s}")


def report(name, mine, status, value, solve, total, verdicts=None, iterations=None):
    """Prints one instance's row (ours beside Clarabel's) and returns it as a dict."""
    row = {"file": name, "status": status, "objective": value, "solve_seconds": solve, "total_seconds": total}
    if iterations is not None:
        row["iterations"] = iterations
    note = "" if iterations is None or not mine else f"  iterations ours {mine.get('iterations')} / clarabel {iterations}"
    if verdicts is not None:
        row.update(ours_recovery=verdicts[0], clarabel_recovery=verdicts[1])
        if verdicts[0] is not None:
            note += f"  recovery ours {verdicts[0]} / clarabel {verdicts[1]}" + ("" if verdicts[0] == verdicts[1] else "  MISMATCH")
    if mine:
        rel = abs(mine["objective"] - value) / max(abs(value), 1e-300)
        row.update(ours_objective=mine["objective"], ours_seconds=mine["seconds"], ours_status=mine["status"],
                   relative_difference=rel, clarabel_ratio=solve / mine["seconds"], cvxpy_ratio=total / mine["seconds"])
        print(f"{name:34s} {mine['objective']:14.10g} {value:14.10g} {rel:9.1e} {mine['seconds']:8.3f} "
              f"{solve:8.3f} {total:8.3f} {row['clarabel_ratio']:9.1f} {row['cvxpy_ratio']:10.1f}"
              + ("" if mine["status"] == "solved" else f"  (ours: {mine['status']})")
              + ("" if status == "optimal" else f"  (clarabel: {status})") + note, flush=True)
    else:
        print(f"{name:34s} {'-':>14s} {value:14.10g} {'-':>9s} {'-':>8s} {solve:8.3f} {total:8.3f}", flush=True)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ours")
    ap.add_argument("instances", nargs="*")
    ap.add_argument("--compare", metavar="PEER.json", action="append", default=[],
                    help="solve nothing: print the table from earlier peer results (written with --out) against OURS.json"
                         " (e.g. after our solver changed; Clarabel's objectives and times do not depend on it)")
    ap.add_argument("--filter", default="")
    ap.add_argument("--out", default=None, help="write the peer results as JSON here")
    ap.add_argument("--time-limit", type=float, default=None,
                    help="stop an instance after this many seconds and report a lower bound")
    ap.add_argument("--tight", action="store_true",
                    help="Clarabel with tight tolerances (gap 1e-14 absolute, 1e-10 relative, feasibility 1e-10) and"
                         " max_step_fraction 0.9 (with 0.99, plain/approx at (200, 50) and (400, 100) stalls 8e-7 and"
                         " 1.5e-6 above the optimum)"
                         " for checking agreement: its defaults (1e-8 absolute gap) leave approx objectives (~1e-6)"
                         " accurate to ~1e-2 relative only")
    ap.add_argument("--verdicts", metavar="NEURAL_RECOVERY", default=None,
                    help="also compare docs/science.md §4's recovery verdicts: ours from `NEURAL_RECOVERY solve --json`, "
                         "Clarabel's from its weights (instances written by `neural-recovery sample`)")
    ap.add_argument("--certify", action="store_true",
                    help="with --verdicts: also bound the optimum independently from our weights (bench/dual_bound.py:"
                         " the objective at them, and a weak-duality lower bound) and say where Clarabel's value falls")
    ap.add_argument("--clarabel", metavar="KEY=VALUE", action="append", default=[],
                    help="a Clarabel setting (repeatable; after --tight), e.g. static_regularization_constant=1e-12")
    ap.add_argument("--normalized-style", choices=["stacked", "loop"], default="stacked",
                    help="normalized programs: one stacked basis matrix (default) or the reference's block-by-block sum")
    args = ap.parse_args()
    STYLE[0] = args.normalized_style
    if args.verdicts:
        VERDICT_BINARY.append(args.verdicts)
    if args.certify:
        if not args.verdicts:
            ap.error("--certify needs --verdicts NEURAL_RECOVERY (the binary whose weights are certified)")
        CERTIFY.append(True)
    if args.tight:
        TIGHT.update(tol_gap_abs=1e-14, tol_gap_rel=1e-10, tol_feas=1e-10, tol_ktratio=1e-10, max_iter=500,
                     max_step_fraction=0.9)
    for item in args.clarabel:
        key, _, value = item.partition("=")
        if not key or not value:
            ap.error(f"--clarabel wants KEY=VALUE, got {item!r}")
        TIGHT[key] = {"true": True, "false": False}.get(value.lower(), None)
        if TIGHT[key] is None:
            try:
                TIGHT[key] = int(value)
            except ValueError:
                try:
                    TIGHT[key] = float(value)
                except ValueError:
                    TIGHT[key] = value
    with open(args.ours) as fh:
        ours = {r["file"]: r for r in json.load(fh)["results"]}
    files = []
    for path in args.instances:
        files += sorted(glob.glob(os.path.join(path, "*.json"))) if os.path.isdir(path) else [path]
    files = [f for f in files if args.filter in os.path.basename(f)]
    if args.compare:
        paths = {os.path.basename(f): f for f in files}
        print(header_line())
        for path in args.compare:
            with open(path) as fh:
                for r in json.load(fh)["results"]:
                    if args.filter not in r["file"]:
                        continue
                    if r.get("status") == "time_limit":
                        print(f"{r['file']:34s} (stopped after {r['total_seconds_at_least']:.0f} s)")
                        continue
                    verdicts = (r["ours_recovery"], r["clarabel_recovery"]) if "clarabel_recovery" in r else None
                    if verdicts and VERDICT_BINARY and r["file"] in paths:
                        # Ours again, from the binary given now (Clarabel's verdict is stored).
                        with open(paths[r["file"]]) as fh2:
                            verdicts = (our_verdict(paths[r["file"]], json.load(fh2)), verdicts[1])
                    report(r["file"], ours.get(r["file"]), r["status"], r["objective"], r["solve_seconds"],
                           r["total_seconds"], verdicts, r.get("iterations"))
                    if CERTIFY and r["file"] in paths:
                        certified(paths[r["file"]], r["objective"])
        return
    rows = []
    print(header_line())
    for f in files:
        name = os.path.basename(f)
        mine = ours.get(name)
        if args.time_limit:
            cpu_before = children_cpu()
            outcome = run_limited(f, args.time_limit)
            if outcome is None:
                cpu = children_cpu() - cpu_before
                row = {"file": name, "status": "time_limit", "total_seconds_at_least": args.time_limit,
                       "cpu_seconds_used": cpu}
                if mine:
                    bound = args.time_limit / mine["seconds"]
                    row.update(ours_objective=mine["objective"], ours_seconds=mine["seconds"], cvxpy_ratio_at_least=bound)
                    print(f"{name:34s} {mine['objective']:14.10g} {'-':>14s} {'-':>9s} {mine['seconds']:8.3f} "
                          f"{'-':>8s} {'>' + format(args.time_limit, '.0f'):>8s} {'-':>9s} {'>=' + format(bound, '.1f'):>10s}"
                          f"  (stopped; {cpu:.0f} CPU s used)", flush=True)
                rows.append(row)
                continue
            status, value, solve, total, verdicts, iterations = outcome
        else:
            status, value, solve, total, verdicts, iterations = solve_path(f)
        row = report(name, mine, status, value, solve, total, verdicts, iterations)
        if CERTIFY and value is not None:
            row.update(certified(f, value))
        rows.append(row)
    if args.out:
        tmp = args.out + ".tmp"
        with open(tmp, "w") as fh:
            json.dump({"solver": "cvxpy+clarabel", "results": rows}, fh, indent=1)
        os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
