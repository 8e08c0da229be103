"""The 1000-compartment Hodgkin-Huxley axon (issue 6 benchmark) under rheobase or Brian2.
Prints one JSON line: build and simulation-loop wall times, spikes and velocity.

    python bench/spatial_axon.py --sim rheobase --duration 0.1
    /path/to/brian2-venv/bin/python bench/spatial_axon.py --sim brian2 --target cython
    /path/to/brian2-venv/bin/python bench/spatial_axon.py --sim brian2 --target standalone

A benchmark, not a test: nothing here asserts on times. Brian2 is a comparison only.
"""
import argparse
import json
import shutil
import tempfile
import time

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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sim", choices=["rheobase", "brian2"], default="rheobase")
    p.add_argument("--target", choices=["cython", "numpy", "standalone"], default="cython",
                   help="Brian2's code generation target")
    p.add_argument("--duration", type=float, default=0.1, help="simulated seconds")
    p.add_argument("--compartments", type=int, default=1000)
    args = p.parse_args()

    start = time.perf_counter()
    if args.sim == "brian2":
        import brian2 as sim
        outdir = None
        if args.target == "standalone":
            outdir = tempfile.mkdtemp(prefix="b2-axon-")
            sim.set_device("cpp_standalone", directory=outdir, build_on_run=False)
        else:
            sim.prefs.codegen.target = args.target
    else:
        import rheobase as sim
    import_s = time.perf_counter() - start
    u = sim
    sim.defaultclock.dt = 0.01 * u.ms
    morpho = sim.Cylinder(length=10 * u.cm, diameter=2 * 238 * u.um, n=args.compartments)
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
    net = sim.Network(axon, spikes)
    build_s = time.perf_counter() - start - import_s
    t0 = time.perf_counter()
    net.run(args.duration * u.second)
    if args.sim == "brian2" and args.target == "standalone":
        t1 = time.perf_counter()
        sim.device.build(directory=outdir, compile=True, run=True)
        loop_s = None
        compile_and_run_s = time.perf_counter() - t1
    else:
        compile_and_run_s = None
    loop_s = time.perf_counter() - t0
    profile_loop = None
    if args.sim == "brian2" and args.target == "standalone":
        # The C++ program's own timing of the simulation loop.
        try:
            with open(f"{outdir}/results/last_run_info.txt") as f:
                profile_loop = float(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            profile_loop = None
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
        "sim": args.sim, "target": args.target if args.sim == "brian2" else "jit",
        "compartments": args.compartments, "duration_s": args.duration,
        "import_s": round(import_s, 3), "build_s": round(build_s, 3),
        "run_s": round(loop_s, 3), "standalone_loop_s": profile_loop,
        "standalone_compile_and_run_s": compile_and_run_s,
        "spikes": len(i), "velocity_m_per_s": velocity,
    }))
    if args.sim == "brian2" and args.target == "standalone":
        shutil.rmtree(outdir, ignore_errors=True)


if __name__ == "__main__":
    main()
