"""The SWC cell of issue 6 (HH channels at the soma, passive dendrites, a current step into
the soma) under rheobase or Brian2, and under rheobase `--cells N` copies of it in one
SpatialNeuron, each cell with its own stimulus amplitude and sodium density (beyond Brian2,
which has one cell per SpatialNeuron). Prints one JSON line: build and simulation-loop wall
times (each repetition), somatic spike counts.

    python bench/spatial_swc.py --sim rheobase --duration 0.08 --reps 3
    python bench/spatial_swc.py --sim rheobase --cells 1000 --duration 0.01
    /path/to/brian2-venv/bin/python bench/spatial_swc.py --sim brian2 --target standalone

The default morphology is Brian2's own example cell (mp_ma_40984_gc2.CNG.swc, a 1-point soma
and 352 dendritic segments: 353 compartments). Brian2 standalone is compiled once and its
program run `--reps` times (its own loop timer); rheobase builds a fresh network per
repetition. A benchmark, not a test: nothing here asserts on times.
"""
import argparse
import json
import os
import time

import numpy as np

from spatial_common import cleanup, load_simulator, standalone_build_and_time, summary

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SWC = os.path.join(ROOT, "crates", "rheobase-morphology", "tests", "data", "swc",
                           "mp_ma_40984_gc2.CNG.swc")

EQS = """
Im = gL*(EL - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2
I : amp (point current)
stim : amp
gNa : siemens/meter**2
gK : siemens/meter**2
dm/dt = a_m*(1 - m) - b_m*m : 1
dh/dt = a_h*(1 - h) - b_h*h : 1
dn/dt = a_n*(1 - n) - b_n*n : 1
a_m = 1/exprel(-(v + 40*mV)/(10*mV))/ms : Hz
b_m = 4*exp(-(v + 65*mV)/(18*mV))/ms : Hz
a_h = 0.07*exp(-(v + 65*mV)/(20*mV))/ms : Hz
b_h = 1/(1 + exp(-(v + 35*mV)/(10*mV)))/ms : Hz
a_n = 0.1/exprel(-(v + 55*mV)/(10*mV))/ms : Hz
b_n = 0.125*exp(-(v + 65*mV)/(80*mV))/ms : Hz
"""


def build(sim, morpho, cells):
    sim.start_scope()  # each repetition from t = 0 (see spatial_axon.py)
    u = sim
    ns = dict(gL=0.1 * u.msiemens / u.cm**2, EL=-65 * u.mV, ENa=50 * u.mV, EK=-77 * u.mV)
    extra = {"cells": cells} if cells > 1 else {}
    neuron = sim.SpatialNeuron(morphology=morpho, model=EQS, method="exponential_euler",
                               Cm=1 * u.uF / u.cm**2, Ri=150 * u.ohm * u.cm, namespace=ns,
                               threshold="v > -20*mV", threshold_location=0,
                               refractory="v > -20*mV", **extra)
    neuron.v = -65 * u.mV
    neuron.m = 0.053
    neuron.h = 0.596
    neuron.n = 0.318
    n = morpho.total_compartments
    if cells == 1:
        neuron.gNa[0] = 120 * u.msiemens / u.cm**2
        neuron.gK[0] = 36 * u.msiemens / u.cm**2
        neuron.stim[0] = 0.2 * u.nA
    else:
        # Cell c: stimulus from 0 to 0.4 nA, sodium density from 100 to 140 mS/cm**2.
        somata = np.arange(cells) * n
        frac = np.linspace(0, 1, cells)
        neuron.gNa[somata] = (100 + 40 * frac) * u.msiemens / u.cm**2
        neuron.gK[somata] = 36 * u.msiemens / u.cm**2
        neuron.stim[somata] = 0.4 * frac * u.nA
    # A current step into the soma from 10 ms to 60 ms (run_regularly keeps it one run()).
    neuron.run_regularly("I = stim*int(t >= 10*ms)*int(t < 60*ms)", dt=25 * u.us)
    spikes = sim.SpikeMonitor(neuron)
    return sim.Network(neuron, spikes), spikes


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sim", choices=["rheobase", "brian2"], default="rheobase")
    p.add_argument("--target", choices=["cython", "numpy", "standalone"], default="standalone",
                   help="Brian2's code generation target")
    p.add_argument("--duration", type=float, default=0.08, help="simulated seconds")
    p.add_argument("--file", default=DEFAULT_SWC, help="the SWC morphology")
    p.add_argument("--cells", type=int, default=1, help="cells in one group (rheobase only)")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--outdir", help="Brian2 standalone project folder, kept for reuse "
                   "(default: a temporary one)")
    args = p.parse_args()
    if args.cells > 1 and args.sim != "rheobase":
        p.error("--cells > 1 needs --sim rheobase (Brian2 has one cell per SpatialNeuron)")

    start = time.perf_counter()
    sim, outdir = load_simulator(args.sim, args.target, args.outdir)
    import_s = time.perf_counter() - start
    sim.defaultclock.dt = 25 * sim.us
    morpho = sim.Morphology.from_file(args.file)
    standalone = args.sim == "brian2" and args.target == "standalone"
    build_s, times, cpu = [], [], []
    for _ in range(1 if standalone or args.sim == "brian2" else args.reps):
        t0 = time.perf_counter()
        net, spikes = build(sim, morpho, args.cells)
        t1, c1 = time.perf_counter(), time.process_time()
        net.run(args.duration * sim.second)
        times.append(time.perf_counter() - t1)
        cpu.append(time.process_time() - c1)
        build_s.append(t1 - t0)
    if standalone:
        times, cpu = standalone_build_and_time(sim, outdir, args.reps)
    n = morpho.total_compartments
    per_cell = [0] * args.cells
    for k in spikes.i[:]:
        per_cell[int(k) // n] += 1
    result = {
        "model": "swc_cell", "file": os.path.basename(args.file), "compartments": n,
        "cells": args.cells, "sim": args.sim,
        "target": args.target if args.sim == "brian2" else "jit",
        "duration_s": args.duration, "import_s": round(import_s, 3),
        "build_s": [round(b, 3) for b in build_s], **summary(times, cpu),
        "loop_per_cell_s": round(min(times) / args.cells, 6),
        "loop_cpu_per_cell_s": round(min(cpu) / args.cells, 6),
        "spikes_first_cells": per_cell[:5], "spikes_last_cells": per_cell[-5:],
        "spikes_total": sum(per_cell),
    }
    print(json.dumps(result))
    cleanup(outdir, keep=args.outdir is not None)


if __name__ == "__main__":
    main()
