"""Brian2 2.9 reference for the `stdp` example: Song, Miller & Abbott (2000) as in Brian2's
examples/synapses/STDP.py (1000 Poisson inputs at 15 Hz onto one conductance-based LIF
neuron, additive pair-based STDP with event-driven traces, weights bounded to [0, gmax]).
Stochastic: statistics over seeds. Writes stdp_<duration>s.json.

    /work/venv-b2/bin/python stdp.py --duration 10 --seeds 1 2 3
    /work/venv-b2/bin/python stdp.py --duration 100 --seeds 1
"""
import argparse, json, os, time, datetime
import numpy as np
from brian2 import *

parser = argparse.ArgumentParser()
parser.add_argument("--duration", type=float, default=10.0, help="seconds")
parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
args = parser.parse_args()
prefs.codegen.target = "cython"

runs = []
for s in args.seeds:
    start_scope()
    seed(s)
    defaultclock.dt = 0.1*ms
    N = 1000
    taum = 10*ms
    taupre = 20*ms
    taupost = taupre
    Ee = 0*mV
    vt = -54*mV
    vr = -60*mV
    El = -74*mV
    taue = 5*ms
    F = 15*Hz
    gmax = .01
    dApre = .01
    dApost = -dApre * taupre / taupost * 1.05
    dApost *= gmax
    dApre *= gmax
    eqs_neurons = '''
    dv/dt = (ge * (Ee-v) + El - v) / taum : volt
    dge/dt = -ge / taue : 1
    '''
    poisson_input = PoissonGroup(N, rates=F)
    neurons = NeuronGroup(1, eqs_neurons, threshold='v>vt', reset='v = vr', method='euler')
    S = Synapses(poisson_input, neurons,
                 '''w : 1
                    dApre/dt = -Apre / taupre : 1 (event-driven)
                    dApost/dt = -Apost / taupost : 1 (event-driven)''',
                 on_pre='''ge += w
                        Apre += dApre
                        w = clip(w + Apost, 0, gmax)''',
                 on_post='''Apost += dApost
                         w = clip(w + Apre, 0, gmax)''')
    S.connect()
    S.w = 'rand() * gmax'
    out = SpikeMonitor(neurons)
    inp = SpikeMonitor(poisson_input, record=False)
    t0 = time.time()
    run(args.duration*second)
    wall = time.time() - t0
    w = S.w[:] / gmax
    runs.append({
        "seed": s, "wall_s": wall,
        "input_rate_Hz": float(inp.num_spikes / N / args.duration),
        "output_rate_Hz": float(out.num_spikes / args.duration),
        "w_mean": float(np.mean(w)), "w_std": float(np.std(w)),
        "fraction_below_0.1": float(np.mean(w < 0.1)),
        "fraction_above_0.9": float(np.mean(w > 0.9)),
        "histogram_10_bins": np.histogram(w, bins=10, range=(0, 1))[0].tolist(),
    })
    print(runs[-1], flush=True)

out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"stdp_{args.duration:g}s.json")
with open(out_path, "w") as f:
    json.dump({"brian2": brian2.__version__ if False else "2.9.0", "duration_s": args.duration,
               "generated_utc": datetime.datetime.utcnow().isoformat(timespec="seconds"),
               "target": "cython", "dt_s": 1e-4, "runs": runs}, f, indent=1)
