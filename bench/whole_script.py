#!/usr/bin/env python3
"""Whole-script wall time, interpreter start to exit: the Python examples (examples/CUBA.py,
examples/COBAHH.py, ...) run under rheobase and, with only the import line changed, under
Brian2 2.9 (issue 4's benchmark; not a test). The plotting part of each example (from its
first `figure(` on) is left out, so matplotlib is not needed and not timed.

Brian2 runs in its default runtime mode, once with an empty code cache ("cold", the first run
of a script on a new machine) and then with the cache it filled ("warm"). The two simulators
alternate within each repetition; the table gives medians and the rheobase/Brian2 ratios.

    python bench/whole_script.py --rheobase-python VENV/bin/python \\
        --brian2-python VENV-B2/bin/python [--repeats 3] [--scripts CUBA COBAHH]

Both interpreters must already have their package installed (rheobase built in release:
`pip install .`; Brian2: `pip install brian2==2.9.0 "numpy<2.4"`). Brian2 is never a
dependency of rheobase; it is only measured here.
"""
import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example_without_figure(name):
    """The example's text up to its first `figure(` line (the simulation and its printout)."""
    lines = (EXAMPLES / f"{name}.py").read_text().splitlines()
    cut = next((k for k, line in enumerate(lines) if line.startswith("figure(")), len(lines))
    return "\n".join(lines[:cut]) + "\n"


def timed_run(python, script_text, workdir):
    """Runs a script in `workdir`; returns (wall seconds, stdout)."""
    path = Path(workdir) / "script.py"
    path.write_text(script_text)
    start = time.perf_counter()
    done = subprocess.run([python, str(path)], cwd=workdir, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{python} failed:\n{done.stderr[-3000:]}")
    return wall, done.stdout.strip()


def brian2_workdir(cache):
    """A folder whose brian_preferences file points Brian2's Cython cache at `cache`."""
    work = tempfile.mkdtemp(prefix="b2-run-")
    Path(work, "brian_preferences").write_text(
        f"codegen.runtime.cython.cache_dir = '{cache}'\n")
    return work


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rheobase-python", required=True)
    ap.add_argument("--brian2-python", required=True)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scripts", nargs="+", default=["CUBA", "COBAHH"])
    ap.add_argument("--json", help="append one JSON line per run to this file")
    args = ap.parse_args()

    rows = []
    for name in args.scripts:
        rheobase_text = example_without_figure(name)
        brian2_text = rheobase_text.replace("from rheobase import *", "from brian2 import *")
        times = {"rheobase": [], "brian2 cold": [], "brian2 warm": []}
        for rep in range(args.repeats):
            cache = tempfile.mkdtemp(prefix="b2-cache-")
            work = brian2_workdir(cache)
            runs = [("rheobase", args.rheobase_python, rheobase_text, tempfile.mkdtemp()),
                    ("brian2 cold", args.brian2_python, brian2_text, work),
                    ("brian2 warm", args.brian2_python, brian2_text, work)]
            for label, python, text, workdir in runs:
                wall, out = timed_run(python, text, workdir)
                times[label].append(wall)
                line = {"benchmark": name, "simulator": label, "repeat": rep,
                        "total_s": round(wall, 3), "output": out}
                print(json.dumps(line), flush=True)
                if args.json:
                    with open(args.json, "a") as f:
                        f.write(json.dumps(line) + "\n")
        med = {k: statistics.median(v) for k, v in times.items()}
        rows.append((name, med, {k: (min(v), max(v)) for k, v in times.items()}))

    print(f"\nWhole-script wall time, medians of {args.repeats} "
          f"({platform.node()}, {platform.processor() or platform.machine()}):\n")
    print("| script | rheobase (s) | Brian2 cold (s) | Brian2 warm (s) | vs cold | vs warm |")
    print("|---|---|---|---|---|---|")
    for name, med, spread in rows:
        r, c, w = med["rheobase"], med["brian2 cold"], med["brian2 warm"]
        print(f"| {name} | {r:.2f} ({spread['rheobase'][0]:.2f}-{spread['rheobase'][1]:.2f}) "
              f"| {c:.1f} | {w:.2f} | {r / c:.3f} | {r / w:.2f} |")


if __name__ == "__main__":
    main()
