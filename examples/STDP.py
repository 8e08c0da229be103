"""Spike-timing-dependent plasticity after Song, Miller & Abbott (2000).

1000 Poisson inputs at 15 Hz drive one conductance-based integrate-and-fire neuron through
synapses with additive STDP (traces as event-driven equations). Over the run the weights
split into a bimodal distribution near 0 and near gmax. Saves the final weights and their
histogram to STDP.png.

    python examples/STDP.py          # RHEOBASE_QUICK=1 shortens the run (used by the tests)
"""
import os

from rheobase import *

duration = 1*second if os.environ.get('RHEOBASE_QUICK') else 100*second
seed(2000)

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
weights = StateMonitor(S, 'w', record=[0, 1])
spikes = SpikeMonitor(neurons)

run(duration, report='text')

w = S.w / gmax
print(f'{spikes.num_spikes} output spikes; weights/gmax: {(w < 0.1).mean():.0%} below 0.1, '
      f'{(w > 0.9).mean():.0%} above 0.9')

figure(figsize=(6, 8))
subplot(311)
plot(S.w / gmax, '.k')
ylabel('Weight / gmax')
xlabel('Synapse index')
subplot(312)
hist(S.w / gmax, 20)
xlabel('Weight / gmax')
subplot(313)
plot(weights.t/second, weights.w.T/gmax)
xlabel('Time (s)')
ylabel('Weight / gmax')
tight_layout()
savefig(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'STDP.png'))
