"""Shared helpers for the Brian2 reference scripts: command line, provenance and JSON output.

Run the scripts with a Python that has Brian2 2.9.0 (comparison only, never a rheobase
dependency), e.g. /work/venv-b2/bin/python lif_fi_curve.py
"""
import argparse
import datetime
import json
import os
import platform
import sys
import time

import numpy as np
import brian2
from brian2 import Quantity, get_dimensions, prefs, defaultclock, ms, second

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args(name):
    parser = argparse.ArgumentParser(description=f"Brian2 reference data for {name}")
    parser.add_argument("--target", choices=["cython", "numpy"], default="cython",
                        help="Brian2 code generation target (default: cython)")
    parser.add_argument("--out", default=os.path.join(HERE, f"{name}.json"),
                        help="where the JSON goes (default: next to the script)")
    args = parser.parse_args()
    prefs.codegen.target = args.target
    defaultclock.dt = 0.1 * ms
    return args


def quantity_entry(q):
    """A parameter as SI value, dimension text and Brian2's own str()."""
    if isinstance(q, Quantity):
        return {"si_value": float(q), "dimension": str(get_dimensions(q)), "brian2_str": str(q)}
    return {"si_value": float(q), "dimension": "1", "brian2_str": str(q)}


def spike_summary(spike_monitor, n, dt):
    """Per-neuron counts, first spike times (seconds, None if silent) and their step indices."""
    counts = np.asarray(spike_monitor.count[:], dtype=int)
    trains = spike_monitor.spike_trains()
    first_t, first_step = [], []
    for k in range(n):
        times = np.asarray(trains[k] / second)
        if len(times):
            first_t.append(float(times[0]))
            first_step.append(int(round(times[0] / float(dt))))
        else:
            first_t.append(None)
            first_step.append(None)
    return {
        "spike_counts": counts.tolist(),
        "total_spikes": int(counts.sum()),
        "first_spike_times_s": first_t,
        "first_spike_steps": first_step,
    }


def provenance(args, wall_run, wall_total):
    return {
        "brian2_version": brian2.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "codegen_target": args.target,
        "generated_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join([os.path.basename(sys.executable)] + [os.path.basename(sys.argv[0])] + sys.argv[1:]),
        # Wall times depend on the machine's load: a shared 2-core machine, so keep the load
        # average next to them.
        "load_average_1min": round(os.getloadavg()[0], 2),
        "wall_s_run": round(wall_run, 3),
        "wall_s_build_and_run": round(wall_total, 3),
    }


def write_json(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"wrote {path}")


class Timer:
    def __init__(self):
        self.t0 = time.perf_counter()

    def elapsed(self):
        return time.perf_counter() - self.t0


def eval_parameters(texts):
    """Evaluate (name, 'expression with units') pairs in order, as Brian2 would in a script.

    Later entries may use earlier names. The texts are what the Rust examples use verbatim.
    """
    env = {k: getattr(brian2, k) for k in dir(brian2) if not k.startswith("_")}
    values = {}
    for name, text in texts:
        values[name] = eval(text, env, dict(values))
        env[name] = values[name]
    return values


def parameters_json(texts, values):
    return {name: dict(text=text, **quantity_entry(values[name])) for name, text in texts}
