#!/usr/bin/env python3
"""Side-by-side benchmarks of rheobase and Brian2 (issue 5). One command:

    python3 bench/run.py                      # all benchmarks available, defaults below
    python3 bench/run.py --side 100 --duration 0.2 --reps 3 --brian2-modes standalone

For every benchmark and repetition it runs rheobase and each Brian2 mode alternately (so slow
drifts of a shared machine hit both alike), writes one JSON line per run to
bench/results/<UTC time>.jsonl and prints a Markdown table of medians (with min-max spread)
and the rheobase/Brian2 ratio of median loop times, ready for BENCHMARKS.md.

Brian2 2.9 runs from its own virtual environment (`--venv`, created with pip on first use;
`--python` uses an existing interpreter instead). It is a comparison only, never a
dependency of rheobase. A benchmark is not a test: nothing here asserts on times.

Benchmarks so far: the HH parameter sweep. Those with synapses (CUBA, COBA, COBAHH, STDP,
Brunel, scaling) come once Synapses are wired into the runtime.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")


def brian2_python(args):
    if args.python:
        return args.python
    venv = args.venv
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        print(f"creating {venv} with Brian2 2.9 (comparison only)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "brian2==2.9.0", "numpy<2.4"],
                       check=True)
    return python


def build_rheobase():
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "rheobase", "--example",
                    "bench_hh_sweep"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "examples", "bench_hh_sweep")


def run_json(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-2000:]}")
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    return json.loads(lines[-1])


def median_spread(values):
    return statistics.median(values), min(values), max(values)


def table(records):
    rows = {}
    for r in records:
        key = (r["benchmark"], r["simulator"], r["mode"], r["threads"], r["N"], r["duration_s"])
        rows.setdefault(key, []).append(r)
    lines = ["| benchmark | simulator | mode | threads | N | loop s: median (min-max) | "
             "ns / neuron-step (wall) | CPU ns / neuron-step | total s | spikes | "
             "ratio rheobase / this (wall, CPU) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    ours = {}
    for key, rs in rows.items():
        if key[1] == "rheobase":
            ours[(key[0], key[4], key[5])] = (
                statistics.median(r["times"]["loop_s"] for r in rs),
                statistics.median(r["times"]["loop_cpu_s"] for r in rs))
    for key, rs in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1] != "rheobase", kv[0][2])):
        loop = median_spread([r["times"]["loop_s"] for r in rs])
        ns = statistics.median(r["ns_per_neuron_step"] for r in rs)
        cpu = statistics.median(r["times"]["loop_cpu_s"] for r in rs)
        cpu_ns = statistics.median(r["cpu_ns_per_neuron_step"] for r in rs)
        total = statistics.median(r["times"]["total_s"] for r in rs)
        spikes = statistics.median(r["spikes"] for r in rs)
        mine = ours.get((key[0], key[4], key[5]))
        ratio = ("" if key[1] == "rheobase" or mine is None
                 else f"{mine[0] / loop[0]:.3f}, {mine[1] / cpu:.3f}")
        lines.append(f"| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {key[4]} | "
                     f"{loop[0]:.3f} ({loop[1]:.3f}-{loop[2]:.3f}) | {ns:.1f} | {cpu_ns:.1f} | "
                     f"{total:.2f} | {spikes:.0f} | {ratio} |")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--side", type=int, default=300, help="HH sweep grid side (N = side^2)")
    p.add_argument("--duration", type=float, default=1.0, help="biological seconds per run")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--brian2-modes", default="standalone,cython",
                   help="comma-separated: standalone, cython, cython-cold, numpy")
    p.add_argument("--threads", type=int, default=1, help="Brian2 standalone OpenMP threads")
    p.add_argument("--venv", default=os.path.join(BENCH, ".venv-brian2"))
    p.add_argument("--python", help="an existing Python with Brian2 2.9 (skips the venv)")
    p.add_argument("--no-brian2", action="store_true")
    p.add_argument("--rheobase", help="a prebuilt bench_hh_sweep binary (skips cargo build)")
    p.add_argument("--rheobase-modes", default="never,always",
                   help="comma-separated native-tier modes for rheobase (docs/native.md): "
                        "never (JIT only), always (native C, compiled before the loop), auto")
    args = p.parse_args()

    rheobase = args.rheobase or build_rheobase()
    python = None if args.no_brian2 else brian2_python(args)
    os.makedirs(os.path.join(BENCH, "results"), exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out_path = os.path.join(BENCH, "results", f"{stamp}.jsonl")
    modes = [] if python is None else [m for m in args.brian2_modes.split(",") if m]
    records = []
    with open(out_path, "w") as out:
        for rep in range(args.reps):
            runs = [[rheobase, "--side", str(args.side), "--duration", str(args.duration),
                     "--native", native] for native in args.rheobase_modes.split(",") if native]
            for mode in modes:
                target, _, cache = mode.partition("-")
                cmd = [python, os.path.join(BENCH, "hh_sweep_brian2.py"), "--side",
                       str(args.side), "--duration", str(args.duration), "--target", target,
                       "--threads", str(args.threads)]
                if cache:
                    cmd += ["--cache", cache]
                runs.append(cmd)
            for cmd in runs:
                record = run_json(cmd)
                record["rep"] = rep
                record["machine"] = os.uname().nodename
                records.append(record)
                out.write(json.dumps(record) + "\n")
                out.flush()
                print(f"rep {rep}: {record['simulator']} {record['mode']}: loop "
                      f"{record['times']['loop_s']:.3f} s", file=sys.stderr)
    print(table(records))
    print(f"\n(JSON lines in {os.path.relpath(out_path, ROOT)})")


if __name__ == "__main__":
    main()
