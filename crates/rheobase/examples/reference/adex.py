"""Adaptive exponential integrate-and-fire neurons in three firing regimes (Brian2 reference).

Brette & Gerstner (2005) parameters as in Brian2's example frompapers/Brette_Gerstner_2005.py:
shared membrane parameters and three electrophysiological behaviours, each one NeuronGroup of
10 neurons with its own namespace:
  regular_spiking  tauw=144 ms, a=4 nS,         b=0.0805 nA, Vr=-70.6 mV   (adapting)
  bursting         tauw=20 ms,  a=4 nS,         b=0.5 nA,    Vr=VT+5 mV
  fast_spiking     tauw=144 ms, a=2*C/(144 ms), b=0 nA,      Vr=-70.6 mV   (tonic)
The constant current I is set by a string expression using i and N. RK4 integration (the
model has no noise, so Brian2 accepts rk4), threshold vm > Vcut with Vcut = VT + 5*DeltaT,
reset 'vm = Vr; w += b', no refractory period. 1 s at dt = 0.1 ms. Deterministic.
"""
from brian2 import NeuronGroup, SpikeMonitor, Network, defaultclock, second
import numpy as np
import _common

NAME = "adex"
N_PER_REGIME = 10
DURATION = "1*second"
EQUATIONS = """dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
dw/dt = (a*(vm - EL) - w)/tauw : amp
I : amp"""
THRESHOLD = "vm > Vcut"
RESET = "vm = Vr; w += b"
REFRACTORY = None
METHOD = "rk4"
SHARED_PARAMETERS = [
    ("C", "281*pF"),
    ("gL", "30*nS"),
    ("EL", "-70.6*mV"),
    ("VT", "-50.4*mV"),
    ("DeltaT", "2*mV"),
    ("Vcut", "VT + 5*DeltaT"),
]
REGIMES = [
    ("regular_spiking", [("tauw", "144*ms"), ("a", "4*nS"), ("b", "0.0805*nA"), ("Vr", "-70.6*mV")]),
    ("bursting", [("tauw", "20*ms"), ("a", "4*nS"), ("b", "0.5*nA"), ("Vr", "VT + 5*mV")]),
    ("fast_spiking", [("tauw", "144*ms"), ("a", "2*C/(144*ms)"), ("b", "0*nA"), ("Vr", "-70.6*mV")]),
]
# w starts at 0 (NeuronGroup's default).
INITIAL_VALUES = [("vm", "EL"), ("I", "0.25*nA + 2.25*nA*i/(N-1)")]


def main():
    args = _common.parse_args(NAME)
    timer = _common.Timer()
    groups, monitors, namespaces = [], [], []
    for regime, params in REGIMES:
        ns = _common.eval_parameters(SHARED_PARAMETERS + params)
        group = NeuronGroup(N_PER_REGIME, EQUATIONS, threshold=THRESHOLD, reset=RESET,
                            method=METHOD, namespace=ns, name=regime)
        for var, expr in INITIAL_VALUES:
            setattr(group, var, expr)
        groups.append(group)
        monitors.append(SpikeMonitor(group))
        namespaces.append(ns)
    net = Network(*groups, *monitors)
    duration = _common.eval_parameters([("d", DURATION)])["d"]
    t_run = _common.Timer()
    net.run(duration)
    wall_run = t_run.elapsed()
    dt = defaultclock.dt
    regimes = []
    for (regime, params), ns, mon in zip(REGIMES, namespaces, monitors):
        trains = mon.spike_trains()
        regimes.append({
            "name": regime,
            "n_neurons": N_PER_REGIME,
            "parameters": _common.parameters_json(params, ns),
            **_common.spike_summary(mon, N_PER_REGIME, dt),
            "spike_steps": [[int(round(float(t / dt))) for t in trains[k]] for k in range(N_PER_REGIME)],
        })
    data = {
        "model": NAME,
        "description": __doc__.strip(),
        "n_neurons": N_PER_REGIME * len(REGIMES),
        "duration": DURATION,
        "dt": "0.1*ms",
        "n_steps": int(round(float(duration / dt))),
        "equations": EQUATIONS,
        "threshold": THRESHOLD,
        "reset": RESET,
        "refractory": REFRACTORY,
        "method": METHOD,
        "shared_parameters": _common.parameters_json(SHARED_PARAMETERS, namespaces[0]),
        "initial_values": [{"variable": v, "expression": e} for v, e in INITIAL_VALUES],
        "regimes": regimes,
        "total_spikes": sum(r["total_spikes"] for r in regimes),
        "provenance": _common.provenance(args, wall_run, timer.elapsed()),
    }
    _common.write_json(args.out, data)
    for r in regimes:
        print(f"{NAME} {r['name']}: counts {r['spike_counts']}, first steps {r['first_spike_steps']}")


if __name__ == "__main__":
    main()
