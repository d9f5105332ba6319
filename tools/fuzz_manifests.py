#!/usr/bin/env python3
"""Fuzz the manifest loader through the real tool (`make fuzz`, run by CI).

Mutates every experiments/*.yaml (byte flips, truncation, key deletion, alias insertion, huge
numbers, tags, deep nesting) with a fixed seed for a fixed time budget and runs each mutant
through `neural-recovery plan` or `neural-recovery run --scale smoke --shard 1/100000` (alternately)
on a fresh outputs folder. Every run must:
  - exit with 0 or 2 (never a signal, never another code),
  - use at most 1 GB of memory (peak RSS, from wait4),
  - finish within 10 CPU seconds (the machine may be shared; a run still going after 30 s is killed),
  - write nothing when it exits with 2.
Prints one line per failure and a summary; exits 1 when anything failed.
"""
import argparse
import glob
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time

MEMORY_LIMIT_KB = 1 << 20          # 1 GB
TIME_LIMIT_S = 10.0                # CPU seconds (user + system) per input
WALL_LIMIT_S = 30.0                # a run still going after this is killed (a hang)
HUGE = ["9223372036854775807", "9223372036854775808", "99999999999999999999", "1e308", "1e400", "-1", "0",
        "1e15", "100000", "100001", "1000000000", "-9223372036854775808", ".nan", "0x7fffffff", "1_000_000"]


def flip_bytes(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if data:
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
    return bytes(data)


def truncate(rng, data):
    return data[:rng.randrange(len(data) + 1)]


def delete_key(rng, data):
    lines = data.split(b"\n")
    keyed = [i for i, line in enumerate(lines) if re.match(rb"\s*[\w.]+\s*:", line)]
    if keyed:
        del lines[rng.choice(keyed)]
    return b"\n".join(lines)


def value_lines(data):
    """The lines and the indices of those with `key: value`."""
    lines = data.split(b"\n")
    return lines, [i for i, line in enumerate(lines) if re.match(rb"\s*[\w.]+\s*:\s*\S", line)]


def insert_alias(rng, data):
    choice = rng.randrange(4)
    if choice == 0:  # billion laughs in front
        laughs = [b'x0: &x0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        for level in range(1, rng.randint(3, 12)):
            laughs.append(b"x%d: &x%d [" % (level, level) + b",".join([b"*x%d" % (level - 1)] * 9) + b"]")
        return b"\n".join(laughs) + b"\n" + data
    lines, values = value_lines(data)
    if not values:
        return data
    i = rng.choice(values)
    key, _, value = lines[i].partition(b":")
    if choice == 1:  # an anchor here, an alias there
        lines[i] = key + b": &a" + value
        j = rng.choice(values)
        k2, _, _ = lines[j].partition(b":")
        lines[j] = k2 + b": *a"
    elif choice == 2:  # an undefined alias
        lines[i] = key + b": *nowhere"
    else:  # a merge key
        lines.insert(i + 1, re.match(rb"\s*", lines[i]).group(0) + b"<<: *a")
    return b"\n".join(lines)


def huge_number(rng, data):
    numbers = list(re.finditer(rb"(?<![\w.])-?\d+(\.\d+)?(e-?\d+)?(?![\w.])", data))
    if not numbers:
        return data
    m = rng.choice(numbers)
    return data[:m.start()] + rng.choice(HUGE).encode() + data[m.end():]


def tag_or_nest(rng, data):
    lines, values = value_lines(data)
    if not values:
        return data
    i = rng.choice(values)
    key, _, value = lines[i].partition(b":")
    if rng.random() < 0.5:
        lines[i] = key + b": " + rng.choice([b"!!str", b"!!binary", b"!!int", b"!custom", b"!!float"]) + value
    else:
        depth = rng.choice([10, 100, 1000, 5000])
        lines[i] = key + b": " + b"[" * depth + value.strip() + b"]" * depth
    return b"\n".join(lines)


MUTATIONS = [flip_bytes, truncate, delete_key, insert_alias, huge_number, tag_or_nest]


def run_one(binary, manifest_path, outputs, use_run):
    if use_run:
        args = [binary, "run", manifest_path, "--outputs", outputs, "--scale", "smoke", "--shard", "1/100000", "--quiet"]
    else:
        args = [binary, "plan", manifest_path, "--outputs", outputs]
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            os.execv(binary, args)
        finally:
            os._exit(127)
    timed_out = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > WALL_LIMIT_S:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
            done, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.005)
    return status, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, timed_out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=".build/release/neural-recovery")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--budget", type=float, default=60, help="seconds (default 60)")
    parser.add_argument("--keep", help="folder to keep failing inputs in")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"error: {binary} is not built (make build)")
    sources = sorted(glob.glob("experiments/*.yaml"))
    if not sources:
        sys.exit("error: no experiments/*.yaml (run from the repository root)")
    originals = [open(p, "rb").read() for p in sources]
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="nr-fuzz-")
    failures, counts, exits = [], {}, {0: 0, 2: 0}
    worst_rss, worst_time, total, slowest = 0, 0.0, 0, ""
    deadline = time.monotonic() + args.budget
    try:
        while time.monotonic() < deadline:
            index = rng.randrange(len(sources))
            data = originals[index]
            steps = [rng.choice(MUTATIONS) for _ in range(rng.randint(1, 3))]
            for mutate in steps:
                data = mutate(rng, data)
            name = "+".join(m.__name__ for m in steps)
            counts[name.split("+")[0]] = counts.get(name.split("+")[0], 0) + 1
            stem = os.path.basename(sources[index])
            path = os.path.join(work, stem)
            with open(path, "wb") as f:
                f.write(data)
            outputs = os.path.join(work, "outputs")
            shutil.rmtree(outputs, ignore_errors=True)
            use_run = total % 2 == 1
            status, rss, seconds, timed_out = run_one(binary, path, outputs, use_run)
            total += 1
            if seconds > worst_time:
                slowest = f"{stem} [{name}] ({'run' if use_run else 'plan'})"
            worst_rss, worst_time = max(worst_rss, rss), max(worst_time, seconds)
            problem = None
            if timed_out:
                problem = f"still running after {WALL_LIMIT_S:.0f} s"
            elif seconds > TIME_LIMIT_S:
                problem = f"took {seconds:.1f} CPU seconds"
            elif os.WIFSIGNALED(status):
                problem = f"killed by signal {os.WTERMSIG(status)}"
            elif os.WEXITSTATUS(status) not in (0, 2):
                problem = f"exit code {os.WEXITSTATUS(status)}"
            elif rss > MEMORY_LIMIT_KB:
                problem = f"peak memory {rss // 1024} MB"
            elif os.WEXITSTATUS(status) == 2 and os.path.exists(outputs):
                problem = "exit 2 but wrote under the outputs folder"
            if problem is None:
                exits[os.WEXITSTATUS(status)] += 1
                continue
            failures.append(f"{stem} [{name}] ({'run' if use_run else 'plan'}): {problem}")
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                shutil.copy(path, os.path.join(args.keep, f"{len(failures):03d}-{stem}"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for line in failures:
        print("FAIL", line)
    print(f"fuzz: {total} mutants of {len(sources)} manifests in {args.budget:.0f} s (seed {args.seed}): "
          f"{exits[0]} exit 0, {exits[2]} exit 2, {len(failures)} failures; "
          f"peak RSS {worst_rss // 1024} MB, slowest {worst_time:.2f} CPU s ({slowest}); first mutations {dict(sorted(counts.items()))}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
