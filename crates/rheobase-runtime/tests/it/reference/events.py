# Reference values for tests/it/brian2_reference.rs, printed by Brian2 2.9.0 (numpy target):
#   python3 -m venv venv && venv/bin/pip install brian2==2.9.0 "numpy<2.4"
#   venv/bin/python events.py
from brian2 import *
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
G = NeuronGroup(6, '''dv/dt = (1.2 + 0.1*i - v)/(5*ms) : 1
hits : 1
kick : 1''', threshold='v > 1', reset='v = 0', events={'high': 'v > 0.8'})
G.run_on_event('high', 'hits += 1')
G.run_regularly('kick += v', dt=0.5*ms)
sub = G[2:5]
E = EventMonitor(sub, 'high')
S = SpikeMonitor(G, variables=['hits'])
M = StateMonitor(G, ['v', 'kick'], record=[1], dt=0.3*ms)
R = PopulationRateMonitor(G)
run(20*ms)
print("EVENTS", E.count[:].tolist(), E.i[:5].tolist(), [int(round(t/defaultclock.dt)) for t in E.t[:5]])
print("SPIKES", S.i[:8].tolist(), [int(round(t/defaultclock.dt)) for t in S.t[:8]], S.hits[:8].tolist())
print("M", len(M.t[:]), [float(x) for x in M.v[0][:4]], float(M.kick[0][-1]))
print("SMOOTH", [float(x) for x in R.smooth_rate('gaussian', 0.2*ms)[40:50]/Hz])
print("FLAT", [float(x) for x in R.smooth_rate('flat', 0.5*ms)[40:50]/Hz])
