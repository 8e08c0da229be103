"""f-I curve of 1000 independent leaky integrate-and-fire neurons (Brian2 reference).

Exact (linear) integration, an absolute refractory period of 5 ms during which v is clamped
(`unless refractory`), input current and initial potential set by string expressions that
use the neuron index i and the group size N. 1 s at dt = 0.1 ms. Deterministic.
"""
from brian2 import NeuronGroup, SpikeMonitor, Network, second, ms, defaultclock
import _common

NAME = "lif_fi_curve"
N_NEURONS = 1000
DURATION = "1*second"
EQUATIONS = """dv/dt = (E_L - v)/tau_m + I/C_m : volt (unless refractory)
I : amp"""
THRESHOLD = "v > v_th"
RESET = "v = v_reset"
REFRACTORY = "5*ms"
METHOD = "exact"
PARAMETERS = [
    ("tau_m", "20*ms"),
    ("C_m", "200*pF"),
    ("E_L", "-70*mV"),
    ("v_th", "-50*mV"),
    ("v_reset", "-70*mV"),
]
INITIAL_VALUES = [("I", "2*nA*i/(N-1)"), ("v", "v_reset + (v_th - v_reset)*i/N")]


def main():
    args = _common.parse_args(NAME)
    ns = _common.eval_parameters(PARAMETERS)
    timer = _common.Timer()
    group = NeuronGroup(N_NEURONS, EQUATIONS, threshold=THRESHOLD, reset=RESET,
                        refractory=REFRACTORY, method=METHOD, namespace=ns)
    for var, expr in INITIAL_VALUES:
        setattr(group, var, expr)
    spikes = SpikeMonitor(group)
    net = Network(group, spikes)
    duration = _common.eval_parameters([("d", DURATION)])["d"]
    t_run = _common.Timer()
    net.run(duration, namespace=ns)
    wall_run = t_run.elapsed()
    dt = defaultclock.dt
    counts = spikes.count[:]
    data = {
        "model": NAME,
        "description": __doc__.strip(),
        "n_neurons": N_NEURONS,
        "duration": DURATION,
        "dt": "0.1*ms",
        "n_steps": int(round(float(duration / dt))),
        "equations": EQUATIONS,
        "threshold": THRESHOLD,
        "reset": RESET,
        "refractory": REFRACTORY,
        "method": METHOD,
        "parameters": _common.parameters_json(PARAMETERS, ns),
        "initial_values": [{"variable": v, "expression": e} for v, e in INITIAL_VALUES],
        "rates_hz_min_max": [float(counts.min() / float(duration)), float(counts.max() / float(duration))],
        **_common.spike_summary(spikes, N_NEURONS, dt),
        "provenance": _common.provenance(args, wall_run, timer.elapsed()),
    }
    _common.write_json(args.out, data)
    print(f"{NAME}: total spikes {data['total_spikes']}, rates {data['rates_hz_min_max']} Hz, "
          f"first firing neuron {int((counts > 0).argmax())}")


if __name__ == "__main__":
    main()
