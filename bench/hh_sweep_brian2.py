"""HH parameter sweep (issue 5) under Brian2, for bench/run.py. Prints one JSON line.

Traub-Miles Hodgkin-Huxley neurons with exponential Euler; `I` and `g_na` are constants
swept over a side x side grid; threshold and refractoriness are both `v > -20*mV`.
Run with the venv that has Brian2 2.9:
    python bench/hh_sweep_brian2.py --side 300 --duration 1 --target standalone --threads 1
"""
import argparse
import json
import os
import resource
import shutil
import tempfile
import time

start = time.perf_counter()
import brian2 as b2  # noqa: E402
from brian2 import NeuronGroup, SpikeMonitor, ms, mV, nA, umetre, cm, ufarad, siemens, msiemens  # noqa: E402

IMPORT_S = time.perf_counter() - start

EQS = """
dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)-0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
I : amp (constant)
g_na : siemens (constant)
"""


def process_cpu():
    """CPU seconds of this process and its finished children (compilers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--side", type=int, default=300)
    p.add_argument("--duration", type=float, default=1.0, help="seconds of biological time")
    p.add_argument("--target", choices=["standalone", "cython", "numpy"], default="standalone")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--cache", choices=["cold", "warm"], default="warm",
                   help="cython: 'cold' uses a fresh, empty Cython cache directory")
    args = p.parse_args()

    t0 = time.perf_counter()
    build_dir = None
    cold_cache = None
    if args.target == "standalone":
        build_dir = tempfile.mkdtemp(prefix="b2_hh_sweep_")
        b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
        # 0 is plain single-threaded C++ (1 would compile in OpenMP with one thread).
        b2.prefs.devices.cpp_standalone.openmp_threads = args.threads if args.threads > 1 else 0
    else:
        b2.prefs.codegen.target = args.target
        if args.target == "cython" and args.cache == "cold":
            cold_cache = tempfile.mkdtemp(prefix="b2_cython_cache_")
            b2.prefs.codegen.runtime.cython.cache_dir = cold_cache
    ns = dict(
        area=20000 * umetre**2,
    )
    area = ns["area"]
    ns.update(
        Cm=(1 * ufarad * cm**-2) * area,
        gl=(5e-5 * siemens * cm**-2) * area,
        El=-65 * mV,
        EK=-90 * mV,
        ENa=50 * mV,
        g_kd=(30 * msiemens * cm**-2) * area,
        VT=-63 * mV,
        side=args.side,
    )
    n_neurons = args.side * args.side
    group = NeuronGroup(n_neurons, EQS, threshold="v > -20*mV", refractory="v > -20*mV",
                        method="exponential_euler", namespace=ns)
    group.v = ns["El"]
    group.I = "(i % side) * 2*nA / side"
    group.g_na = "(50 + 100*(i // side) / side) * msiemens*cm**-2 * area"
    spikes = SpikeMonitor(group, record=False)
    net = b2.Network(group, spikes)
    setup_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    cpu1 = process_cpu()
    net.run(args.duration * b2.second)
    compile_s = None
    if args.target == "standalone":
        b2.device.build(directory=build_dir, compile=True, run=False)
        compile_s = time.perf_counter() - t1
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        b2.device.run(directory=build_dir, with_output=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU time of the simulation binary (its setup is small next to the loop).
        loop_cpu_s = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
        loop_s = b2.device._last_run_time
    else:
        # Runtime mode: code generation, compilation (cold cache) and the loop are one call.
        loop_s = time.perf_counter() - t1
        loop_cpu_s = (process_cpu() - cpu1)
    n_spikes = int(spikes.num_spikes)
    total_s = time.perf_counter() - start
    steps = round(args.duration / 1e-4)
    print(json.dumps(dict(
        simulator="brian2", version=b2.__version__, benchmark="hh_sweep",
        mode=args.target + ("" if args.target == "standalone" else "-" + args.cache),
        threads=args.threads, N=n_neurons, duration_s=args.duration,
        times=dict(import_s=IMPORT_S, setup_s=setup_s, compile_s=compile_s, loop_s=loop_s,
                   loop_cpu_s=loop_cpu_s, total_s=total_s),
        ns_per_neuron_step=loop_s * 1e9 / (n_neurons * steps),
        cpu_ns_per_neuron_step=loop_cpu_s * 1e9 / (n_neurons * steps),
        spikes=n_spikes, rate_hz=n_spikes / (n_neurons * args.duration),
    )))
    if build_dir:
        shutil.rmtree(build_dir, ignore_errors=True)
    if cold_cache:
        shutil.rmtree(cold_cache, ignore_errors=True)


if __name__ == "__main__":
    main()
