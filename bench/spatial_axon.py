"""The 1000-compartment Hodgkin-Huxley axon (issue 6 benchmark) under rheobase or Brian2.
Prints one JSON line: build and simulation-loop wall times, spikes and velocity.

    python bench/spatial_axon.py --sim rheobase --duration 0.1 --reps 3
    /path/to/brian2-venv/bin/python bench/spatial_axon.py --sim brian2 --target standalone
    /path/to/brian2-venv/bin/python bench/spatial_axon.py --sim brian2 --target cython

Brian2 standalone is compiled once and its program run `--reps` times (its own loop timer);
rheobase builds a fresh network per repetition.

A benchmark, not a test: nothing here asserts on times. Brian2 is a comparison only.
"""
import argparse
import json
import time

from spatial_common import cleanup, load_simulator, standalone_build_and_time, summary

EQS = """
Im = gL*(EL - v) + gNa_max*m**3*h*(ENa - v) + gK_max*n**4*(EK - v) : amp/meter**2
I : amp (point current)
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


def build(sim, compartments):
    # A fresh scope: in rheobase a Network() made later in the same scope would start at the
    # time the scope's earlier networks reached (Brian2 starts every Network at 0).
    sim.start_scope()
    u = sim
    morpho = sim.Cylinder(length=10 * u.cm, diameter=2 * 238 * u.um, n=compartments)
    ns = dict(gL=0.3 * u.msiemens / u.cm**2, EL=-54.4 * u.mV, ENa=50 * u.mV, EK=-77 * u.mV,
              gNa_max=120 * u.msiemens / u.cm**2, gK_max=36 * u.msiemens / u.cm**2)
    axon = sim.SpatialNeuron(morphology=morpho, model=EQS, method="exponential_euler",
                             Cm=1 * u.uF / u.cm**2, Ri=35.4 * u.ohm * u.cm, namespace=ns,
                             threshold="v > 0*mV", refractory="v > 0*mV")
    axon.v = -65 * u.mV
    axon.m = 0.0529
    axon.h = 0.5961
    axon.n = 0.3177
    # A pulse at x = 0 during the first 0.5 ms (run_regularly keeps it one run()).
    axon.run_regularly("I = 10*uA*int(t < 0.5*ms)*int(i == 0)", dt=0.01 * u.ms)
    spikes = sim.SpikeMonitor(axon)
    return sim.Network(axon, spikes), axon, spikes


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sim", choices=["rheobase", "brian2"], default="rheobase")
    p.add_argument("--target", choices=["cython", "numpy", "standalone"], default="standalone",
                   help="Brian2's code generation target")
    p.add_argument("--duration", type=float, default=0.1, help="simulated seconds")
    p.add_argument("--compartments", type=int, default=1000)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--outdir", help="Brian2 standalone project folder, kept for reuse "
                   "(default: a temporary one)")
    args = p.parse_args()

    start = time.perf_counter()
    sim, outdir = load_simulator(args.sim, args.target, args.outdir)
    import_s = time.perf_counter() - start
    sim.defaultclock.dt = 0.01 * sim.ms
    standalone = args.sim == "brian2" and args.target == "standalone"
    build_s, times, cpu = [], [], []
    for _ in range(1 if args.sim == "brian2" else args.reps):
        t0 = time.perf_counter()
        net, axon, spikes = build(sim, args.compartments)
        t1, c1 = time.perf_counter(), time.process_time()
        net.run(args.duration * sim.second)
        times.append(time.perf_counter() - t1)
        cpu.append(time.process_time() - c1)
        build_s.append(t1 - t0)
    if standalone:
        times, cpu = standalone_build_and_time(sim, outdir, args.reps)
    i = [int(k) for k in spikes.i[:]]
    t = [float(x) for x in spikes.t_[:]]
    first = {}
    for k, tk in zip(i, t):
        first.setdefault(k, tk)
    a, b = args.compartments // 4, 3 * args.compartments // 4
    velocity = None
    if a in first and b in first:
        x = [float(d) for d in axon.distance_[:]]
        velocity = (x[b] - x[a]) / (first[b] - first[a])
    print(json.dumps({
        "model": "hh_axon", "sim": args.sim,
        "target": args.target if args.sim == "brian2" else "jit",
        "compartments": args.compartments, "duration_s": args.duration,
        "import_s": round(import_s, 3), "build_s": [round(x, 3) for x in build_s],
        **summary(times, cpu), "spikes": len(i), "velocity_m_per_s": velocity,
    }))
    cleanup(outdir, keep=args.outdir is not None)


if __name__ == "__main__":
    main()
