"""The Brian2 side of the benchmark suite (bench/suite.py; issue 5): the same models as
crates/rheobase/examples/bench_suite.rs. Prints one JSON line. Runs only with Brian2 2.9
installed (bench/suite.py makes a venv for it); Brian2 is a comparison, never a dependency.

    python bench/suite_brian2.py --bench cuba --n 4000 --duration 1 --target standalone
"""
import argparse
import json
import math
import resource
import shutil
import tempfile
import time

START = time.perf_counter()
import brian2 as b2  # noqa: E402
from brian2 import (  # noqa: E402
    NeuronGroup, PoissonGroup, PoissonInput, SpikeMonitor, Synapses, Network,
    ms, mV, nA, nS, umetre, cm, ufarad, siemens, msiemens, Hz,
)

IMPORT_S = time.perf_counter() - START


def exc_inh(cells, n, p, exc, inh, ns):
    n_exc = n * 4 // 5
    out = []
    for source, code in ((cells[:n_exc], exc), (cells[n_exc:], inh)):
        s = Synapses(source, cells, on_pre=code, namespace=ns)
        s.connect(p=p)
        out.append(s)
    return out


LIF_CUBA = """dv/dt = (ge + gi - (v - E_rest))/tau_m : volt (unless refractory)
dge/dt = -ge/tau_exc : volt
dgi/dt = -gi/tau_inh : volt"""


def cuba(n, p):
    ns = dict(tau_m=20 * ms, tau_exc=5 * ms, tau_inh=10 * ms, V_threshold=-50 * mV,
              V_reset=-60 * mV, E_rest=-49 * mV, w_exc=(60 * 0.27 / 10) * mV,
              w_inh=(-20 * 4.5 / 10) * mV)
    cells = NeuronGroup(n, LIF_CUBA, threshold="v > V_threshold", reset="v = V_reset",
                        refractory=5 * ms, method="exact", namespace=ns)
    cells.v = "V_reset + rand()*(V_threshold - V_reset)"
    syn = exc_inh(cells, n, p, "ge += w_exc", "gi += w_inh", ns)
    mon = SpikeMonitor(cells)
    return [cells, mon] + syn, mon, n


def coba(n):
    ns = dict(tau_m=20 * ms, tau_exc=5 * ms, tau_inh=10 * ms, V_threshold=-50 * mV,
              V_reset=-60 * mV, E_rest=-60 * mV, E_exc=0 * mV, E_inh=-80 * mV,
              w_exc=6 * nS / (10 * nS), w_inh=67 * nS / (10 * nS))
    cells = NeuronGroup(n, """dv/dt = (ge*(E_exc - v) + gi*(E_inh - v) - (v - E_rest))/tau_m : volt (unless refractory)
dge/dt = -ge/tau_exc : 1
dgi/dt = -gi/tau_inh : 1""", threshold="v > V_threshold", reset="v = V_reset",
                        refractory=5 * ms, method="euler", namespace=ns)
    cells.v = "V_reset + rand()*(V_threshold - V_reset)"
    cells.ge = "(randn()*1.5 + 4)/10"
    cells.gi = "(randn()*12 + 20)/10"
    syn = exc_inh(cells, n, 0.02, "ge += w_exc", "gi += w_inh", ns)
    mon = SpikeMonitor(cells)
    return [cells, mon] + syn, mon, n


COBAHH = """dv/dt = (g_leak*(E_leak - v) + ge*(E_e - v) + gi*(E_i - v) - g_Na*m**3*h*(v - E_Na) - g_K*n**4*(v - E_K))/Cm : volt
dm/dt = a_m*(1 - m) - b_m*m : 1
dh/dt = a_h*(1 - h) - b_h*h : 1
dn/dt = a_n*(1 - n) - b_n*n : 1
dge/dt = -ge/tau_e : siemens
dgi/dt = -gi/tau_i : siemens
u = v - V_T : volt
a_m = 1.28/exprel((13*mV - u)/(4*mV))/ms : Hz
b_m = 1.4/exprel((u - 40*mV)/(5*mV))/ms : Hz
a_h = 0.128*exp((17*mV - u)/(18*mV))/ms : Hz
b_h = 4/(1 + exp((40*mV - u)/(5*mV)))/ms : Hz
a_n = 0.16/exprel((15*mV - u)/(5*mV))/ms : Hz
b_n = 0.5*exp((10*mV - u)/(40*mV))/ms : Hz"""


def cobahh(n, per_neuron):
    scale = 80.0 / per_neuron
    area = 20000 * umetre**2
    ns = dict(area=area, Cm=1 * ufarad * cm**-2 * area, g_leak=5e-5 * siemens * cm**-2 * area,
              E_leak=-60 * mV, E_K=-90 * mV, E_Na=50 * mV,
              g_Na=100 * msiemens * cm**-2 * area, g_K=30 * msiemens * cm**-2 * area,
              V_T=-63 * mV, tau_e=5 * ms, tau_i=10 * ms, E_e=0 * mV, E_i=-80 * mV,
              w_e=6 * scale * nS, w_i=67 * scale * nS)
    cells = NeuronGroup(n, COBAHH, threshold="v > -20*mV", refractory=3 * ms,
                        method="exponential_euler", namespace=ns)
    cells.v = "E_leak + (randn()*5 - 5)*mV"
    cells.ge = "(randn()*1.5 + 4)*10*nS"
    cells.gi = "(randn()*12 + 20)*10*nS"
    syn = exc_inh(cells, n, min(per_neuron / n, 1.0), "ge += w_e", "gi += w_i", ns)
    mon = SpikeMonitor(cells)
    return [cells, mon] + syn, mon, n


HH_SWEEP = """dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)-0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
I : amp (constant)
g_na : siemens (constant)"""


def hh_sweep(n):
    side = max(1, round(math.sqrt(n)))
    area = 20000 * umetre**2
    ns = dict(area=area, Cm=(1 * ufarad * cm**-2) * area, gl=(5e-5 * siemens * cm**-2) * area,
              El=-65 * mV, EK=-90 * mV, ENa=50 * mV, g_kd=(30 * msiemens * cm**-2) * area,
              VT=-63 * mV, side=side)
    cells = NeuronGroup(side * side, HH_SWEEP, threshold="v > -20*mV", refractory="v > -20*mV",
                        method="exponential_euler", namespace=ns)
    cells.v = ns["El"]
    cells.I = "(i % side) * 2*nA / side"
    cells.g_na = "(50 + 100*(i // side) / side) * msiemens*cm**-2 * area"
    mon = SpikeMonitor(cells, record=False)
    return [cells, mon], mon, side * side


def stdp(n):
    ns = dict(taum=10 * ms, taupre=20 * ms, taupost=20 * ms, Ee=0 * mV, vt=-54 * mV,
              vr=-60 * mV, El=-74 * mV, taue=5 * ms, gmax=0.01)
    ns.update(dApre=0.01 * ns["gmax"], dApost=-0.01 * 1.05 * ns["gmax"])
    inputs = PoissonGroup(n, rates=15 * Hz)
    neuron = NeuronGroup(1, """dv/dt = (ge * (Ee-v) + El - v) / taum : volt
dge/dt = -ge / taue : 1""", threshold="v>vt", reset="v = vr", method="euler", namespace=ns)
    syn = Synapses(inputs, neuron, """w : 1
dApre/dt = -Apre / taupre : 1 (event-driven)
dApost/dt = -Apost / taupost : 1 (event-driven)""",
                   on_pre="ge += w\nApre += dApre\nw = clip(w + Apost, 0, gmax)",
                   on_post="Apost += dApost\nw = clip(w + Apre, 0, gmax)", namespace=ns)
    syn.connect()
    syn.w = "rand() * gmax"
    mon = SpikeMonitor(inputs, record=False)
    return [inputs, neuron, syn, mon], mon, n


def brunel(n):
    ns = dict(tau=20 * ms, theta=20 * mV, V_r=10 * mV, J=0.1 * mV, g=5)
    n_e = n * 4 // 5
    cells = NeuronGroup(n, "dv/dt = -v/tau : volt (unless refractory)", threshold="v > theta",
                        reset="v = V_r", refractory=2 * ms, method="exact", namespace=ns)
    syn = []
    for source, code in ((cells[:n_e], "v += J"), (cells[n_e:], "v += -g*J")):
        s = Synapses(source, cells, on_pre=code, delay=1.5 * ms, namespace=ns)
        s.connect(p=0.1)
        syn.append(s)
    c_ext = int(0.1 * n_e)
    nu_thr = 20e-3 / (0.1e-3 * c_ext * 20e-3)
    ext = PoissonInput(cells, "v", c_ext, 2.0 * nu_thr * Hz, weight=0.1 * mV)
    mon = SpikeMonitor(cells, record=False)
    return [cells, ext, mon] + syn, mon, n


DEFAULT_N = dict(hh_sweep=90_000, stdp=1000, brunel=12_500, scaling=100_000)


def process_cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bench", required=True)
    p.add_argument("--n", type=int)
    p.add_argument("--duration", type=float, default=1.0)
    p.add_argument("--target", choices=["standalone", "cython", "numpy"], default="standalone")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--cache", choices=["cold", "warm"], default="warm")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    n = args.n or DEFAULT_N.get(args.bench, 4000)

    t0 = time.perf_counter()
    build_dir = cold_cache = None
    if args.target == "standalone":
        build_dir = tempfile.mkdtemp(prefix=f"b2_{args.bench}_")
        b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
        # 0 is plain single-threaded C++ (1 would compile with OpenMP and one thread).
        b2.prefs.devices.cpp_standalone.openmp_threads = args.threads if args.threads > 1 else 0
    else:
        b2.prefs.codegen.target = args.target
        if args.target == "cython" and args.cache == "cold":
            cold_cache = tempfile.mkdtemp(prefix="b2_cython_cache_")
            b2.prefs.codegen.runtime.cython.cache_dir = cold_cache
    b2.seed(args.seed)
    builders = dict(cuba=lambda: cuba(n, 0.02), coba=lambda: coba(n),
                    cobahh=lambda: cobahh(n, 80.0), cobahh1000=lambda: cobahh(n, 1000.0),
                    hh_sweep=lambda: hh_sweep(n), stdp=lambda: stdp(n), brunel=lambda: brunel(n),
                    scaling=lambda: cuba(n, min(100.0 / n, 1.0)))
    objects, mon, rate_over = builders[args.bench]()
    net = Network(*objects)
    synapses = None if args.target == "standalone" else sum(
        len(o) for o in objects if isinstance(o, Synapses))
    setup_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    cpu1 = process_cpu()
    net.run(args.duration * b2.second)
    compile_s = None
    if args.target == "standalone":
        b2.device.build(directory=build_dir, compile=True, run=False)
        compile_s = time.perf_counter() - t1
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        b2.device.run(directory=build_dir, with_output=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        loop_cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        loop_s = b2.device._last_run_time
        synapses = sum(len(o) for o in objects if isinstance(o, Synapses))
    else:
        # Runtime mode: code generation, compilation (cold cache) and the loop are one call.
        loop_s = time.perf_counter() - t1
        loop_cpu_s = process_cpu() - cpu1
    spikes = int(mon.num_spikes)
    total_s = time.perf_counter() - START
    steps = round(args.duration / 1e-4)
    print(json.dumps(dict(
        simulator="brian2", version=b2.__version__, benchmark=args.bench,
        mode=args.target + ("" if args.target == "standalone" else "-" + args.cache),
        threads=args.threads, N=rate_over, duration_s=args.duration, synapses=synapses,
        times=dict(import_s=IMPORT_S, setup_s=setup_s, compile_s=compile_s, loop_s=loop_s,
                   loop_cpu_s=loop_cpu_s, total_s=total_s),
        spikes=spikes, rate_hz=spikes / (rate_over * args.duration),
        ns_per_neuron_step=loop_s * 1e9 / (rate_over * steps),
    )))
    for d in (build_dir, cold_cache):
        if d:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
