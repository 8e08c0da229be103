"""Brian2 2.9 reference for the `brunel` example: Brunel (2000) sparse network as in
Brian2's examples/frompapers/Brunel_2000.py (N_E = 10000, N_I = 2500, epsilon = 0.1,
J = 0.1 mV, D = 1.5 ms, external drive by PoissonInput with C_ext = 1000 inputs).
Stochastic: statistics over seeds. Writes brunel_g<g>_nu<nu>.json.

    /work/venv-b2/bin/python brunel.py --g 5 --nu 2 --duration 0.5 --seeds 1 2
"""
import argparse, json, os, time, datetime
import numpy as np
from brian2 import *

parser = argparse.ArgumentParser()
parser.add_argument("--g", type=float, default=5.0)
parser.add_argument("--nu", type=float, default=2.0, help="nu_ext / nu_thr")
parser.add_argument("--duration", type=float, default=0.5, help="seconds")
parser.add_argument("--target", default="cython", choices=["cython", "numpy"])
parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
args = parser.parse_args()
prefs.codegen.target = args.target

runs = []
for s in args.seeds:
    start_scope()
    seed(s)
    defaultclock.dt = 0.1*ms
    N_E = 10000
    gamma = 0.25
    N_I = round(gamma*N_E)
    N = N_E + N_I
    epsilon = 0.1
    C_E = epsilon*N_E
    C_ext = C_E
    tau = 20*ms
    theta = 20*mV
    V_r = 10*mV
    tau_rp = 2*ms
    J = 0.1*mV
    D = 1.5*ms
    g = args.g
    nu_thr = theta/(J*C_E*tau)
    neurons = NeuronGroup(N, "dv/dt = -v/tau : volt (unless refractory)",
                          threshold="v > theta", reset="v = V_r", refractory=tau_rp,
                          method="exact")
    exc = Synapses(neurons[:N_E], target=neurons, on_pre="v += J", delay=D)
    exc.connect(p=epsilon)
    inh = Synapses(neurons[N_E:], target=neurons, on_pre="v += -g*J", delay=D)
    inh.connect(p=epsilon)
    nu_ext = args.nu*nu_thr
    ext = PoissonInput(target=neurons, target_var="v", N=C_ext, rate=nu_ext, weight=J)
    rate = PopulationRateMonitor(neurons)
    spikes = SpikeMonitor(neurons, record=False)
    t0 = time.time()
    run(args.duration*second)
    wall = time.time() - t0
    r = np.asarray(rate.rate/Hz)
    # population rate in 1 ms bins (for the spread of the rate over time)
    r_ms = r[: len(r)//10*10].reshape(-1, 10).mean(axis=1)
    counts = np.asarray(spikes.count[:])
    runs.append({
        "seed": s, "wall_s": wall,
        "n_exc_synapses": int(len(exc)), "n_inh_synapses": int(len(inh)),
        "mean_rate_Hz": float(spikes.num_spikes/N/args.duration),
        "exc_rate_Hz": float(counts[:N_E].sum()/N_E/args.duration),
        "inh_rate_Hz": float(counts[N_E:].sum()/N_I/args.duration),
        "pop_rate_1ms_std_Hz": float(np.std(r_ms[100:])),
        "fraction_silent": float(np.mean(counts == 0)),
    })
    print(runs[-1], flush=True)

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, f"brunel_g{args.g:g}_nu{args.nu:g}.json"), "w") as f:
    json.dump({"brian2": "2.9.0", "g": args.g, "nu_ext_over_nu_thr": args.nu,
               "duration_s": args.duration, "dt_s": 1e-4, "target": args.target,
               "generated_utc": datetime.datetime.utcnow().isoformat(timespec="seconds"),
               "runs": runs}, f, indent=1)
