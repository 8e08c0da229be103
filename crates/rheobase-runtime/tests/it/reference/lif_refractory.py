# Reference values for tests/it/brian2_reference.rs, printed by Brian2 2.9.0 (numpy target):
#   python3 -m venv venv && venv/bin/pip install brian2==2.9.0 "numpy<2.4"
#   venv/bin/python lif_refractory.py
from brian2 import *
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
G = NeuronGroup(5, '''dv/dt = (I - v)/(10*ms) : 1 (unless refractory)
dw/dt = -w/(50*ms) : 1
I : 1''', threshold='v > 1', reset='v = 0; w += 0.1', refractory=2.2*ms, method='exact')

G.I = [1.05, 1.3, 1.7, 2.0, 2.5]
S = SpikeMonitor(G)
M = StateMonitor(G, ['v', 'w'], record=[0, 4])
R = PopulationRateMonitor(G)
run(30*ms)
print("SPIKES", list(zip(S.i[:].tolist(), [int(round(t/defaultclock.dt)) for t in S.t[:]])))
print("V4", [float(x) for x in M.v[1][:12]])
print("W4", [float(x) for x in M.w[1][-3:]])
print("RATE", float(sum(R.rate[:]/Hz)))
