#!/usr/bin/env python3
"""The benchmark suite of issue 5: rheobase and Brian2 2.9 side by side. One command:

    python3 bench/suite.py                 # everything, full sizes (hours on a 2-core box)
    python3 bench/suite.py --quick         # tiny sizes, one repetition: a smoke test
    python3 bench/suite.py --benchmarks cuba,hh_sweep --reps 3 --modes standalone,cython-warm

Benchmarks (N, biological time): cuba, coba, cobahh (4000, 1 s), cobahh1000 (4000 neurons,
1000 synapses each), hh_sweep (90,000), stdp (Song-Abbott, 1000 inputs), brunel (12,500,
1.5 ms delays), scaling (100,000 to 1,000,000 neurons, 100 synapses each). rheobase runs the
release example `bench_suite` (built here with cargo, under `nice`) with 1 and 2 threads;
Brian2 runs bench/suite_brian2.py in C++ standalone (1 and 2 threads) and in its runtime
mode (Cython) with a cold and a warm cache. Within each repetition the runs alternate so
slow drifts of a shared machine hit both alike.

Output: one JSON line per run in bench/results/<UTC time>.jsonl, and a Markdown table of
medians (min-max) with the rheobase/Brian2 ratio of median loop and total times, printed
and, with --write, appended to BENCHMARKS.md. Brian2 lives in its own venv (--venv, made with
pip on first use; --python uses an existing one): a comparison only, never a dependency.
A benchmark is not a test: nothing here asserts on times.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")

FULL = {
    "cuba": [(4000, 1.0)],
    "coba": [(4000, 1.0)],
    "cobahh": [(4000, 1.0)],
    "cobahh1000": [(4000, 1.0)],
    "hh_sweep": [(90000, 1.0)],
    "stdp": [(1000, 10.0)],
    "brunel": [(12500, 1.0)],
    "scaling": [(100000, 0.1), (300000, 0.1), (1000000, 0.1)],
}
QUICK = {
    "cuba": [(400, 0.02)],
    "coba": [(400, 0.02)],
    "cobahh": [(400, 0.02)],
    "cobahh1000": [(2000, 0.01)],
    "hh_sweep": [(900, 0.02)],
    "stdp": [(100, 0.05)],
    "brunel": [(1250, 0.02)],
    "scaling": [(5000, 0.01)],
}


def brian2_python(args):
    if args.python:
        return args.python
    python = os.path.join(args.venv, "bin", "python")
    if not os.path.exists(python):
        print(f"creating {args.venv} with Brian2 2.9 (comparison only)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", args.venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "brian2==2.9.0", "numpy<2.4"],
                       check=True)
    return python


def build_rheobase():
    subprocess.run(["nice", "cargo", "build", "--release", "-q", "-p", "rheobase", "--example",
                    "bench_suite"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "examples", "bench_suite")


def run_json(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-2000:]}")
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1])


def load_note():
    try:
        return "load average " + " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "load unknown"


def med(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None, None
    return statistics.median(values), min(values), max(values)


def fmt(triple, digits=3):
    m, lo, hi = triple
    if m is None:
        return "-"
    return f"{m:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f})"


def table(records):
    """Medians per (benchmark, N, simulator, mode, threads) and the ratio rheobase/this of
    median loop and total times, against rheobase with the same thread count (1 thread for
    Brian2's runtime modes)."""
    groups = {}
    for r in records:
        key = (r["benchmark"], r["N"], r["duration_s"], r["simulator"], r["mode"], r["threads"])
        groups.setdefault(key, []).append(r)
    ours = {}
    for key, rs in groups.items():
        if key[3] == "rheobase":
            ours[(key[0], key[1], key[5])] = (
                med([r["times"]["loop_s"] for r in rs])[0],
                med([r["times"]["total_s"] for r in rs])[0])
    lines = ["| benchmark | N | T (s) | simulator | mode | threads | reps | loop s | total s | "
             "compile s | spikes | rate Hz | rheobase / this: loop, total |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    order = sorted(groups, key=lambda k: (k[0], k[1], k[3] != "rheobase", k[4], k[5]))
    for key in order:
        rs = groups[key]
        loop = med([r["times"]["loop_s"] for r in rs])
        total = med([r["times"]["total_s"] for r in rs])
        compile_s = med([r["times"].get("compile_s") for r in rs])
        spikes = statistics.median(r["spikes"] for r in rs)
        rate = statistics.median(r["rate_hz"] for r in rs)
        ratio = ""
        if key[3] != "rheobase":
            mine = ours.get((key[0], key[1], key[5] if key[4] == "standalone" else 1))
            if mine and loop[0] and total[0]:
                ratio = f"{mine[0] / loop[0]:.2f}, {mine[1] / total[0]:.3f}"
        lines.append(f"| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {key[4]} | {key[5]} | "
                     f"{len(rs)} | {fmt(loop)} | {fmt(total, 2)} | {fmt(compile_s, 2)} | "
                     f"{spikes:.0f} | {rate:.2f} | {ratio} |")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny sizes, one repetition")
    p.add_argument("--benchmarks", help="comma-separated subset of: " + ", ".join(FULL))
    p.add_argument("--reps", type=int, help="repetitions (default 3; 1 with --quick)")
    p.add_argument("--threads", default="1,2", help="rheobase and Brian2 standalone threads")
    p.add_argument("--modes", default="standalone,cython-cold,cython-warm",
                   help="Brian2 modes: standalone, cython-cold, cython-warm, numpy")
    p.add_argument("--cold-reps", type=int, default=1,
                   help="repetitions of Brian2's cold-cache runs (minutes each)")
    p.add_argument("--venv", default=os.path.join(BENCH, ".venv-brian2"))
    p.add_argument("--python", help="an existing Python with Brian2 2.9 (skips the venv)")
    p.add_argument("--no-brian2", action="store_true")
    p.add_argument("--rheobase", help="a prebuilt bench_suite binary (skips cargo build)")
    p.add_argument("--write", action="store_true", help="append the table to BENCHMARKS.md")
    args = p.parse_args()

    sizes = QUICK if args.quick else FULL
    names = args.benchmarks.split(",") if args.benchmarks else list(sizes)
    unknown = [n for n in names if n not in sizes]
    if unknown:
        sys.exit(f"unknown benchmarks: {', '.join(unknown)}")
    reps = args.reps or (1 if args.quick else 3)
    threads = [int(t) for t in args.threads.split(",") if t]
    modes = [] if args.no_brian2 else [m for m in args.modes.split(",") if m]
    rheobase = args.rheobase or build_rheobase()
    python = None if args.no_brian2 else brian2_python(args)
    os.makedirs(os.path.join(BENCH, "results"), exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out_path = os.path.join(BENCH, "results", f"{stamp}.jsonl")
    load_before = load_note()
    records = []
    with open(out_path, "w") as out:
        for name in names:
            for n, duration in sizes[name]:
                for rep in range(reps):
                    runs = [[rheobase, "--bench", name, "--n", str(n), "--duration",
                             str(duration), "--threads", str(t)] for t in threads]
                    for mode in modes:
                        target, _, cache = mode.partition("-")
                        if cache == "cold" and rep >= args.cold_reps:
                            continue
                        base = [python, os.path.join(BENCH, "suite_brian2.py"), "--bench", name,
                                "--n", str(n), "--duration", str(duration), "--target", target]
                        if target == "standalone":
                            runs += [base + ["--threads", str(t)] for t in threads]
                        else:
                            runs.append(base + ["--cache", cache or "warm"])
                    for cmd in runs:
                        record = run_json(cmd)
                        record["rep"] = rep
                        record["machine"] = f"{platform.node()} ({os.cpu_count()} CPUs)"
                        record["load"] = load_note()
                        records.append(record)
                        out.write(json.dumps(record) + "\n")
                        out.flush()
                        print(f"{name} N={n} rep {rep}: {record['simulator']} {record['mode']} "
                              f"{record['threads']} thr: loop {record['times']['loop_s']:.3f} s, "
                              f"total {record['times']['total_s']:.2f} s", file=sys.stderr)
    text = (f"Machine: {platform.node()}, {os.cpu_count()} CPUs, {platform.processor() or ''}; "
            f"{load_before} before, {load_note()} after; {reps} repetitions "
            f"(Brian2 cold cache: {min(reps, args.cold_reps)}); "
            f"run {stamp}.\n\n{table(records)}\n")
    print(text)
    print(f"(JSON lines in {os.path.relpath(out_path, ROOT)})")
    if args.write:
        with open(os.path.join(ROOT, "BENCHMARKS.md"), "a") as f:
            f.write(f"\n### Suite run {stamp}{' (quick)' if args.quick else ''}\n\n{text}")


if __name__ == "__main__":
    main()
