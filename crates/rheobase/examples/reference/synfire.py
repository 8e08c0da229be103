"""Brian2 2.9 reference for the `synfire` example: the synfire chain of Diesmann et al.
(1999) as in Brian2's examples/frompapers/Diesmann_et_al_1999.py (10 groups of 100 noisy
neurons, all-to-all feed-forward, driven by a SpikeGeneratorGroup volley of 85 spikes with
times 50 ms + N(0, 1 ms)). Stochastic: statistics over seeds. Writes synfire.json.

    /work/venv-b2/bin/python synfire.py --seeds 1 2 3 4 5
"""
import argparse, json, os, time, datetime
import numpy as np
from brian2 import *

parser = argparse.ArgumentParser()
parser.add_argument("--target", default="cython", choices=["cython", "numpy"])
parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
args = parser.parse_args()
prefs.codegen.target = args.target

runs = []
for s in args.seeds:
    start_scope()
    seed(s)
    np.random.seed(s)
    defaultclock.dt = 0.1*ms
    duration = 100*ms
    Vr = -70*mV
    Vt = -55*mV
    taum = 10*ms
    taupsp = 0.325*ms
    weight = 4.86*mV
    eqs = Equations('''
    dV/dt = (-(V-Vr)+x)*(1./taum) : volt
    dx/dt = (-x+y)*(1./taupsp) : volt
    dy/dt = -y*(1./taupsp)+25.27*mV/ms+
            (39.24*mV/ms**0.5)*xi : volt
    ''')
    n_groups = 10
    group_size = 100
    P = NeuronGroup(N=n_groups*group_size, model=eqs, threshold='V>Vt', reset='V=Vr',
                    refractory=1*ms, method='euler')
    Pinput = SpikeGeneratorGroup(85, np.arange(85), np.random.randn(85)*1*ms + 50*ms)
    S = Synapses(P, P, on_pre='y+=weight')
    S.connect(j='k for k in range((int(i/group_size)+1)*group_size, '
                '(int(i/group_size)+2)*group_size) if i<N_pre-group_size')
    Sinput = Synapses(Pinput, P[:group_size], on_pre='y+=weight')
    Sinput.connect()
    M = SpikeMonitor(P)
    P.V = 'Vr + rand() * (Vt - Vr)'
    t0 = time.time()
    run(duration)
    wall = time.time() - t0
    i = np.asarray(M.i[:]); t = np.asarray(M.t[:]/ms)
    groups = i // group_size
    # The volley: spikes after the input (t > 45 ms); background firing before it.
    per_group = []
    for k in range(n_groups):
        sel = (groups == k) & (t > 45)
        med = float(np.median(t[sel])) if sel.any() else None
        # the volley proper: spikes within 3 ms of the group's median time
        win = sel & (np.abs(t - med) <= 3) if sel.any() else sel
        per_group.append({"count": int(sel.sum()),
                          "mean_t_ms": float(t[sel].mean()) if sel.any() else None,
                          "std_t_ms": float(t[sel].std()) if sel.any() else None,
                          "median_t_ms": med,
                          "volley_count": int(win.sum()),
                          "volley_std_ms": float(t[win].std()) if win.any() else None})
    runs.append({"seed": s, "wall_s": wall, "n_synapses": int(len(S)),
                 "total_spikes": int(len(i)),
                 "background_rate_Hz": float(np.sum(t < 45)/1000/0.045),
                 "groups": per_group})
    print(runs[-1], flush=True)

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "synfire.json"), "w") as f:
    json.dump({"brian2": "2.9.0", "dt_s": 1e-4, "target": args.target,
               "generated_utc": datetime.datetime.utcnow().isoformat(timespec="seconds"),
               "runs": runs}, f, indent=1)
