"""Probe Brian2's semantics and print the exact strings quoted in docs/brian2-notes.md.

Run: /work/venv-b2/bin/python docs/brian2_notes_probe.py > docs/brian2_notes_probe.out
(Brian2 2.9.0 is a comparison tool only, never a rheobase dependency.)
"""
import brian2
import numpy as np
from brian2 import *  # noqa: F401,F403  (the probe speaks Brian2's own namespace)
from brian2.core.functions import timestep

prefs.codegen.target = "numpy"
print("brian2", brian2.__version__, "numpy", np.__version__)


def section(title):
    print(f"\n## {title}")


section("1. schedule")
G = NeuronGroup(2, "dv/dt = (1.2 - v)/(10*ms) : 1 (unless refractory)", threshold="v > 1",
                reset="v = 0", refractory=2*ms, method="exact")
S = Synapses(G, G, on_pre="v += 0")
S.connect(i=0, j=1)
net = Network(G, S, SpikeMonitor(G), StateMonitor(G, "v", record=0), PopulationRateMonitor(G))
print("Network.schedule =", net.schedule)
net.run(0*ms)
print(net.scheduling_summary())

section("2. abstract code of state update / threshold / reset")
print("[refractory=2*ms, (unless refractory), exact]")
print(G.state_updater.abstract_code)
print("threshold:", G.thresholder["spike"].abstract_code.strip())
print("reset:", G.resetter["spike"].abstract_code.strip())
H = NeuronGroup(1, "dv/dt = -v/(10*ms) : volt", threshold="v > -40*mV",
                refractory="v > -40*mV", method="exponential_euler")
Network(H).run(0*ms)
print("[refractory='v > -40*mV' (a condition), no (unless refractory)]")
print(H.state_updater.abstract_code)
print("threshold:", H.thresholder["spike"].abstract_code.strip())
L = NeuronGroup(1, "dv/dt = -v/(10*ms) : volt (unless refractory)", threshold="v > -40*mV",
                reset="v = -70*mV", refractory="5*ms", method="exact")
Network(L).run(0*ms)
print("[refractory='5*ms' (a string), (unless refractory)]")
print(L.state_updater.abstract_code)
print("lastspike initial value:", repr(L.lastspike[0]), " not_refractory initial:", L.not_refractory[0])
print("timestep(0.3*ms, 0.1*ms) =", timestep(0.3*ms, 0.1*ms), "; timestep(0.29995*ms, 0.1*ms) =",
      timestep(0.29995*ms, 0.1*ms), "; timestep(0.29985*ms, 0.1*ms) =", timestep(0.29985*ms, 0.1*ms))

section("3. one neuron, dv/dt = 1/ms (euler), threshold v > 0.95, reset v = 0, refractory 0.5 ms")
start_scope()
G = NeuronGroup(1, "dv/dt = 1/(1*ms) : 1 (unless refractory)", threshold="v > 0.95",
                reset="v = 0", refractory="0.5*ms", method="euler")
st = StateMonitor(G, ["v", "not_refractory", "lastspike"], record=0)
st_thr = StateMonitor(G, "v", record=0, when="after_thresholds")
st_end = StateMonitor(G, "v", record=0, when="end")
sm = SpikeMonitor(G)
run(2*ms)
print("spike times:", repr(sm.t[:]), " as float s:", [float(x) for x in sm.t_[:]],
      " steps:", [int(round(x / defaultclock.dt_)) for x in sm.t_[:]])
print("step | t (repr) | t_ float | v at start | v after_thresholds | v at end | not_refractory at start | lastspike")
for k in range(20):
    print(f"{k:2d} | {st.t[k]!r} | {st.t_[k]!r} | {st.v[0][k]:.3f} | {st_thr.v[0][k]:.3f} | "
          f"{st_end.v[0][k]:.3f} | {st.not_refractory[0][k]} | {st.lastspike[0][k]!r}")
print("t_ of the monitor equals k*dt exactly:", bool(np.all(st.t_[:] == np.arange(len(st.t_)) * 0.1e-3)))
print("defaultclock.t after run(2*ms):", repr(defaultclock.t[:]), float(defaultclock.t[:]))

section("4. str / repr of quantities and dimensions")
for text in ["3*mV", "1*ms", "0.1*ms", "1.5*nA", "10*nS", "3.3333*mV", "-70*mV", "1e-15*amp",
             "20*ms", "0*mV", "1*second", "200*pF", "5*Mohm", "2*nA/(1e6)", "3*mV/ms",
             "1*volt*amp", "0.3*ms", "(1*ufarad*cm**-2) * (20000*umetre**2)", "np.array([1, 2.5])*mV",
             "3*mV/(1*mV)", "1*Hz", "1*metre**-2",
             "mV/3", "123456789*mV", "1e-20*amp", "1e20*volt", "np.nan*mV", "70.00000001*mV",
             "2*nS*mV", "0.5*ms", "1*ms/3", "1e-4*second", "-0.0*mV", "5*ms - 5*ms", "1000*ms",
             "60*second", "np.array([0.1, 0.2])*ms", "10*nS/(1*nS)"]:
        q = eval(text)
        print(f"{text:40s} str={str(q)!r:28s} repr={repr(q)!r}")
print("str(get_dimensions(volt)) =", repr(str(get_dimensions(volt))))
print("repr(get_dimensions(volt)) =", repr(repr(get_dimensions(volt))))
print("str(get_dimensions(amp)) =", repr(str(get_dimensions(amp))))
print("str(get_dimensions(siemens)) =", repr(str(get_dimensions(siemens))))
print("str(get_dimensions(1)) =", repr(str(get_dimensions(1))), " repr:", repr(repr(get_dimensions(1))))
print("str(get_dimensions(second**-0.5)) =", repr(str(get_dimensions(second**-0.5))))
print("str(get_unit(get_dimensions(volt))) =", repr(str(get_unit(get_dimensions(volt)))))

section("5. DimensionMismatchError messages")
for text in ["3*mV + 5*second", "3*mV + 5", "3*mV < 2*amp", "exp(3*mV)", "3*mV - 2*nA",
             "3*mV == 2*amp", "np.sqrt(3*mV) + 1*mV", "(3*mV)**(2*mV)", "log(2*mV)"]:
    try:
        r = eval(text)
        print(f"{text}: no error, result {r!r}")
    except Exception as e:  # noqa: BLE001 - we want the exact class and text
        print(f"{text}: {type(e).__name__}; str={str(e)!r}; args={e.args!r}")

section("6. model-level errors (NeuronGroup creation / run)")
cases = [
    ("dv/dt = -v : volt", {}),
    ("dv/dt = (E_L - v)/tau : volt", {"E_L": -70*mV, "tau": 10*nA}),
    ("dv/dt = -v/tau_unknown : volt", {}),
]
for eqs, ns in cases:
    start_scope()
    try:
        g = NeuronGroup(1, eqs, method="euler", namespace=ns)
        run(0.1*ms)
        print(f"{eqs!r}: no error")
    except Exception as e:  # noqa: BLE001
        print(f"{eqs!r} ns={ns}: {type(e).__name__}: {str(e)!r}")
        if e.__cause__ is not None:
            print(f"    caused by {type(e.__cause__).__name__}: {str(e.__cause__)!r}")

section("7. rk4 accepted for AdEx (no noise)")
start_scope()
A = NeuronGroup(1, """dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
dw/dt = (a*(vm - EL) - w)/tauw : amp
I : amp""", threshold="vm > VT + 5*DeltaT", reset="vm = Vr; w += b", method="rk4",
                namespace=dict(C=281*pF, gL=30*nS, EL=-70.6*mV, VT=-50.4*mV, DeltaT=2*mV,
                               tauw=144*ms, a=4*nS, b=0.0805*nA, Vr=-70.6*mV))
Network(A).run(0*ms)
print("rk4 state update (first lines):")
print("\n".join(A.state_updater.abstract_code.splitlines()[:3]), "...")

section("8. order of objects sharing a slot (same when, same order)")
start_scope()
gb = NeuronGroup(1, "v : 1", threshold="v > 1", name="b_group")
ga = NeuronGroup(1, "v : 1", threshold="v > 1", name="a_group")
gc = NeuronGroup(1, "v : 1", threshold="v > 1", name="c_group", order=-1)
n8 = Network(gb, ga, gc)
n8.run(0*ms)
print(n8.scheduling_summary())

section("9. abstract code for the three reference models")
start_scope()
lif = NeuronGroup(3, """dv/dt = (E_L - v)/tau_m + I/C_m : volt (unless refractory)
I : amp""", threshold="v > v_th", reset="v = v_reset", refractory="5*ms", method="exact",
                  namespace=dict(tau_m=20*ms, C_m=200*pF, E_L=-70*mV, v_th=-50*mV, v_reset=-70*mV))
Network(lif).run(0*ms)
print("[lif_fi_curve, exact]")
print(lif.state_updater.abstract_code)
hh_ns = dict(Cm=200*pF, gl=10*nS, El=-65*mV, EK=-90*mV, ENa=50*mV, g_na=20*uS, g_kd=6*uS, VT=-63*mV)
hh = NeuronGroup(1, """dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
alpha_m = 0.32*(mV**-1)*(13*mV-v+VT)/(exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
beta_m = 0.28*(mV**-1)*(v-VT-40*mV)/(exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*(15*mV-v+VT)/(exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
I : amp""", threshold="v > -40*mV", refractory="v > -40*mV", method="exponential_euler",
                 namespace=hh_ns)
Network(hh).run(0*ms)
print("[hh_fi_curve, exponential_euler]")
print(hh.state_updater.abstract_code)

section("10. clock time: k*dt, not an accumulated sum")
start_scope()
G = NeuronGroup(1, "v : 1")
st = StateMonitor(G, "v", record=0)
run(1*second)
t = st.t_[:]
k = np.arange(len(t))
accumulated = np.concatenate([[0.0], np.cumsum(np.full(len(t) - 1, 1e-4))])
print(len(t), "samples; equal to k*dt:", bool(np.all(t == k * 1e-4)),
      "; equal to an accumulated sum:", bool(np.all(t == accumulated)),
      f"({int(np.sum(t != accumulated))} differ)")
