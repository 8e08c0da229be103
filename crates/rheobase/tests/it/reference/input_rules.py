"""Brian2 2.9 reference for tests/it/input_rules.rs: SpikeGeneratorGroup binning, periods and
set_spikes with spikes in the past; TimedArray binning with a dt that is not a multiple of the
group's (0.25 ms table, 0.1 ms clock), clamping, and a 2-D table. (A column outside a 2-D
table is NaN in Brian2's C++/Cython code and an IndexError with numpy; not compared here.)
Run: /work/venv-b2/bin/python input_rules.py (prints the values pasted into the test)."""
from brian2 import *
prefs.codegen.target = 'numpy'

sg = SpikeGeneratorGroup(3, [2, 0, 1, 0, 2], [0.34999999, 0.1, 0.1, 1.0, 2.0]*ms, period=3*ms)
mon = SpikeMonitor(sg)
run(7*ms)
sg.set_spikes([1, 0, 2], [7.5, 6.0, 8.0]*ms)
run(2*ms)
print('spike_i', list(mon.i[:]))
print('spike_t_steps', [int(round(t/(0.1*ms))) for t in mon.t[:]])

start_scope()
ta = TimedArray([0.0, 1.0, 2.0, 3.0, 4.0], dt=0.25*ms)
ta2 = TimedArray([[1.0, 2.0], [3.0, 4.0]], dt=0.3*ms)
g = NeuronGroup(3, '''x = ta(t) : 1
                      y = ta2(t, i % 2) : 1''')
st = StateMonitor(g, ['x', 'y'], record=True)
run(1.5*ms)
print('x', list(st.x[0]))
print('y0', list(st.y[0]))
print('y1', list(st.y[1]))
print('y2', list(st.y[2]))
