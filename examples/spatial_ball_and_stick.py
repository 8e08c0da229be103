"""A ball-and-stick neuron with synapses onto its dendrite: HH channels in the soma, a
passive dendrite of 100 compartments, and 50 Poisson inputs, each onto one dendritic
compartment between 100 um and 300 um from the soma. Each input opens an exponentially
decaying conductance (`gs += w` on the compartment), and a second pathway sums a synaptic
current from its synapses into the compartments it targets (`(summed)`). Saves the soma
voltage, the voltage at a synapse, and the input raster to spatial_ball_and_stick.png.

    python examples/spatial_ball_and_stick.py     # RHEOBASE_QUICK=1 shortens the run
"""
import os

from rheobase import *

seed(4321)
defaultclock.dt = 0.025*ms
duration = 100*ms if os.environ.get('RHEOBASE_QUICK') else 500*ms

morpho = Soma(diameter=30*um)
morpho.dend = Cylinder(diameter=1.5*um, length=500*um, n=100)

EL = -65*mV
ENa = 50*mV
EK = -77*mV
Es = 0*mV
gL = 0.1*msiemens/cm**2
taus = 2*ms
eqs = '''
Im = gL*(EL - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2
Is = gs*(Es - v) + I_summed : amp (point current)
dgs/dt = -gs/taus : siemens
I_summed : amp
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
                       Cm=1*uF/cm**2, Ri=100*ohm*cm,
                       threshold='v > -20*mV', threshold_location=0, refractory='v > -20*mV')
neuron.v = EL
neuron.m = 0.053
neuron.h = 0.596
neuron.n = 0.318
neuron.main.gNa = 120*msiemens/cm**2
neuron.main.gK = 36*msiemens/cm**2

# Pathway 1: conductance jumps on the targeted compartment.
targets = neuron.dend[100*um:300*um]
inputs = PoissonGroup(50, rates=20*Hz)
S = Synapses(inputs, neuron, on_pre='gs += 1*nS')
S.connect(i=arange(50), j=targets.start + arange(50) % len(targets))

# Pathway 2: a synaptic current per synapse, summed into its compartment.
drive = PoissonGroup(20, rates=10*Hz)
S2 = Synapses(drive, neuron, model='''dI_syn/dt = -I_syn/(5*ms) : amp (clock-driven)
                                      I_summed_post = I_syn : amp (summed)''',
              on_pre='I_syn += 20*pA')
S2.connect(i=arange(20), j=targets.start + (arange(20)*7) % len(targets))

probe = int(targets.start + 10)
voltage = StateMonitor(neuron, 'v', record=[0, probe])
soma_spikes = SpikeMonitor(neuron)
input_spikes = SpikeMonitor(inputs)

run(duration, report='text')
print(f'{len(S) + len(S2)} synapses onto {len(targets)} dendritic compartments; '
      f'{input_spikes.num_spikes} input spikes, {soma_spikes.num_spikes} somatic spikes')

figure(figsize=(8, 6))
subplot(211)
plot(voltage.t/ms, voltage.v[0]/mV, label='soma')
plot(voltage.t/ms, voltage.v[1]/mV, label=f'dendrite, {neuron.distance[probe]/um:.0f} um')
ylabel('v (mV)')
legend()
subplot(212)
plot(input_spikes.t/ms, input_spikes.i, '.k', ms=2)
xlabel('Time (ms)')
ylabel('Input')
tight_layout()
savefig(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'spatial_ball_and_stick.png'))
