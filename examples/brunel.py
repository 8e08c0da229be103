"""Sparse network of excitatory and inhibitory LIF neurons after Brunel (2000).

10,000 excitatory and 2,500 inhibitory neurons, each receiving 10 % of each population with
a 1.5 ms delay and an external Poisson drive (PoissonInput) at twice the threshold rate;
relative inhibition g = 5 (asynchronous irregular state). Saves a raster and the population
rate to brunel.png.

    python examples/brunel.py        # RHEOBASE_QUICK=1 shortens the run (used by the tests)
"""
import os

from rheobase import *

quick = bool(os.environ.get('RHEOBASE_QUICK'))
duration = 50*ms if quick else 500*ms
seed(2000)

N_E = 1000 if quick else 10000
N_I = N_E // 4
epsilon = 0.1
C_E = int(epsilon * N_E)
g = 5.0
nu_ratio = 2.0

tau = 20*ms
theta = 20*mV
V_r = 10*mV
tau_rp = 2*ms
J = 0.1*mV
D = 1.5*ms

nu_thr = theta / (J * C_E * tau)
nu_ext = nu_ratio * nu_thr

neurons = NeuronGroup(N_E + N_I, 'dv/dt = -v/tau : volt (unless refractory)',
                      threshold='v > theta', reset='v = V_r', refractory=tau_rp,
                      method='exact')
excitatory = neurons[:N_E]
inhibitory = neurons[N_E:]

exc_synapses = Synapses(excitatory, neurons, on_pre='v += J', delay=D)
exc_synapses.connect(p=epsilon)
inh_synapses = Synapses(inhibitory, neurons, on_pre='v += -g*J', delay=D)
inh_synapses.connect(p=epsilon)

external = PoissonInput(neurons, 'v', N=C_E, rate=nu_ext, weight=J)

spikes = SpikeMonitor(neurons)
rate = PopulationRateMonitor(neurons)

run(duration, report='text')

print(f'{len(exc_synapses) + len(inh_synapses)} synapses, mean rate '
      f'{spikes.num_spikes/len(neurons)/duration/Hz:.2f} Hz')

figure(figsize=(8, 6))
subplot(211)
shown = spikes.i < 500
plot(spikes.t[shown]/ms, spikes.i[shown], ',k')
ylabel('Neuron index')
subplot(212)
plot(rate.t/ms, rate.smooth_rate(width=1*ms)/Hz)
xlabel('Time (ms)')
ylabel('Rate (Hz)')
tight_layout()
savefig(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'brunel.png'))
