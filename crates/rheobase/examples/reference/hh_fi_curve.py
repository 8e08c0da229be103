"""f-I curve of 100 independent Hodgkin-Huxley neurons with Traub-Miles kinetics (Brian2 reference).

The neuron model of Brian2's COBAHH example (Brette et al. 2007, benchmark 3) without the
synaptic conductances, plus a constant injected current I set by a string expression that uses
i and N. Exponential Euler integration; threshold and refractoriness are both the condition
'v > -40*mV' (a spike is counted when v first rises above -40 mV, and the neuron stays
refractory, i.e. cannot spike again, until v falls back below). No reset. 1 s at dt = 0.1 ms.
Deterministic.
"""
from brian2 import NeuronGroup, SpikeMonitor, Network, defaultclock
import _common

NAME = "hh_fi_curve"
N_NEURONS = 100
DURATION = "1*second"
EQUATIONS = """dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
alpha_m = 0.32*(mV**-1)*(13*mV-v+VT)/(exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
beta_m = 0.28*(mV**-1)*(v-VT-40*mV)/(exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*(15*mV-v+VT)/(exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
I : amp"""
THRESHOLD = "v > -40*mV"
RESET = None
REFRACTORY = "v > -40*mV"
METHOD = "exponential_euler"
PARAMETERS = [
    ("area", "20000*umetre**2"),
    ("Cm", "(1*ufarad*cm**-2) * area"),
    ("gl", "(5e-5*siemens*cm**-2) * area"),
    ("El", "-65*mV"),
    ("EK", "-90*mV"),
    ("ENa", "50*mV"),
    ("g_na", "(100*msiemens*cm**-2) * area"),
    ("g_kd", "(30*msiemens*cm**-2) * area"),
    ("VT", "-63*mV"),
]
# m, n, h start at 0 (NeuronGroup's default), as in Brian2's IF_curve_Hodgkin_Huxley example.
INITIAL_VALUES = [("v", "El"), ("I", "1*nA*i/(N-1)")]


def main():
    args = _common.parse_args(NAME)
    ns = _common.eval_parameters(PARAMETERS)
    timer = _common.Timer()
    group = NeuronGroup(N_NEURONS, EQUATIONS, threshold=THRESHOLD, refractory=REFRACTORY,
                        method=METHOD, namespace=ns)
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
        "final_v_mV_first_last": [float(group.v[0] / 1e-3), float(group.v[-1] / 1e-3)],
        **_common.spike_summary(spikes, N_NEURONS, dt),
        "provenance": _common.provenance(args, wall_run, timer.elapsed()),
    }
    _common.write_json(args.out, data)
    print(f"{NAME}: total spikes {data['total_spikes']}, counts {counts.tolist()}")


if __name__ == "__main__":
    main()
