"""A neuron loaded from an SWC file: Hodgkin-Huxley channels at the soma, passive
dendrites. A current step into the soma makes it fire; the spikes spread passively into the
dendrites. Saves the soma trace and the trace at the most distant dendritic tip to
spatial_swc_neuron.png.

    python examples/spatial_swc_neuron.py [file.swc]
"""
import os
import sys

from rheobase import *

here = os.path.dirname(os.path.abspath(__file__))
# A dentate granule cell from NeuroMorpho.Org (rheobase-morphology's test data).
default = os.path.join(here, '..', 'crates', 'rheobase-morphology', 'tests', 'data', 'swc',
                       'mp_ma_40984_gc2.CNG.swc')
filename = sys.argv[1] if len(sys.argv) > 1 else default
# Without the repository around (the example copied elsewhere), a small cell written here:
# id, type (1 soma, 3 dendrite, 2 axon), x, y, z (um), radius (um), parent.
SMALL_CELL = """
1 1 0 0 0 10 -1
2 3 0 10 0 1.5 1
3 3 0 60 0 1.2 2
4 3 -30 120 0 0.8 3
5 3 -50 180 0 0.6 4
6 3 30 120 0 0.8 3
7 3 50 190 5 0.6 6
8 3 0 -10 0 1.5 1
9 3 0 -70 0 1.0 8
10 3 40 -130 0 0.6 9
11 2 10 0 0 0.5 1
12 2 80 0 0 0.5 11
"""

defaultclock.dt = 0.025*ms
if os.path.exists(filename):
    morpho = Morphology.from_file(filename)
else:
    filename = 'a small cell (the SWC text in this script)'
    morpho = Morphology.from_swc_text(SMALL_CELL)
print(f'{filename}: {morpho.total_sections} sections, {morpho.total_compartments} compartments')

EL = -65*mV
ENa = 50*mV
EK = -77*mV
gL = 0.1*msiemens/cm**2
eqs = '''
Im = gL*(EL - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2
I : amp (point current)
gNa : siemens/meter**2
gK : siemens/meter**2
dm/dt = a_m*(1 - m) - b_m*m : 1
dh/dt = a_h*(1 - h) - b_h*h : 1
dn/dt = a_n*(1 - n) - b_n*n : 1
a_m = 1/exprel(-(v + 40*mV)/(10*mV))/ms : Hz
b_m = 4*exp(-(v + 65*mV)/(18*mV))/ms : Hz
a_h = 0.07*exp(-(v + 65*mV)/(20*mV))/ms : Hz
b_h = 1/(1 + exp(-(v + 35*mV)/(10*mV)))/ms : Hz
a_n = 0.1/exprel(-(v + 55*mV)/(10*mV))/ms : Hz
b_n = 0.125*exp(-(v + 65*mV)/(80*mV))/ms : Hz
'''
neuron = SpatialNeuron(morphology=morpho, model=eqs, method='exponential_euler',
                       Cm=1*uF/cm**2, Ri=150*ohm*cm,
                       threshold='v > -20*mV', threshold_location=0, refractory='v > -20*mV')
neuron.v = EL
neuron.m = 0.053
neuron.h = 0.596
neuron.n = 0.318
neuron.main.gNa = 120*msiemens/cm**2
neuron.main.gK = 36*msiemens/cm**2

tip = int(argmax(neuron.distance[:]))
trace = StateMonitor(neuron, 'v', record=[0, tip])
spikes = SpikeMonitor(neuron)

run(10*ms)
neuron.I[0] = 0.2*nA
run(50*ms)
neuron.I[0] = 0*nA
run(20*ms)
print(f'{spikes.num_spikes} spikes at the soma; distal tip (compartment {tip}) at '
      f'{neuron.distance[tip]/um:.1f} um from the soma')

figure(figsize=(8, 4))
plot(trace.t/ms, trace.v[0]/mV, label='soma')
plot(trace.t/ms, trace.v[1]/mV, label=f'distal tip ({neuron.distance[tip]/um:.0f} um)')
xlabel('Time (ms)')
ylabel('v (mV)')
legend()
tight_layout()
savefig(os.path.join(here, 'spatial_swc_neuron.png'))
