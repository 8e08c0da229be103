"""CUBA: benchmark 2 of Brette et al. (2007), after Vogels & Abbott (2005).

4000 leaky integrate-and-fire neurons (3200 excitatory, 800 inhibitory) connected at random
with probability 2 %, synaptic currents written as voltages that decay exponentially.
Prints the rates and saves a raster plot and the population rate to CUBA.png.

    python examples/CUBA.py          # RHEOBASE_QUICK=1 shortens the run (used by the tests)
"""
import os

from rheobase import *

duration = 100*ms if os.environ.get('RHEOBASE_QUICK') else 1*second
seed(2007)

taum = 20*ms
taue = 5*ms
taui = 10*ms
Vt = -50*mV
Vr = -60*mV
El = -49*mV

eqs = '''
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
'''

P = NeuronGroup(4000, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms,
                method='exact')
P.v = 'Vr + rand() * (Vt - Vr)'
P.ge = 0*mV
P.gi = 0*mV

we = (60*0.27/10)*mV  # excitatory synaptic weight (voltage)
wi = (-20*4.5/10)*mV  # inhibitory synaptic weight
Ce = Synapses(P, P, on_pre='ge += we')
Ci = Synapses(P, P, on_pre='gi += wi')
Ce.connect('i<3200', p=0.02)
Ci.connect('i>=3200', p=0.02)

s_mon = SpikeMonitor(P)
r_mon = PopulationRateMonitor(P)

run(duration, report='text')

print(f'{len(Ce) + len(Ci)} synapses, {s_mon.num_spikes} spikes, '
      f'mean rate {s_mon.num_spikes/len(P)/duration/Hz:.2f} Hz')

figure(figsize=(8, 6))
subplot(211)
plot(s_mon.t/ms, s_mon.i, ',k')
ylabel('Neuron index')
subplot(212)
plot(r_mon.t/ms, r_mon.smooth_rate(width=5*ms)/Hz)
xlabel('Time (ms)')
ylabel('Rate (Hz)')
tight_layout()
savefig(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'CUBA.png'))
