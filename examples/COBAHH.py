"""COBAHH: benchmark 3 of Brette et al. (2007).

4000 Hodgkin-Huxley neurons with Traub & Miles kinetics (3200 excitatory, 800 inhibitory,
connection probability 2 %), exponentially decaying synaptic conductances, integrated with
exponential Euler. Prints the rate and saves three voltage traces to COBAHH.png.

    python examples/COBAHH.py        # RHEOBASE_QUICK=1 shortens the run (used by the tests)
"""
import os

from rheobase import *

duration = 50*ms if os.environ.get('RHEOBASE_QUICK') else 1*second
seed(1995)

area = 20000*umetre**2
Cm = (1*ufarad*cm**-2) * area
gl = (5e-5*siemens*cm**-2) * area
El = -60*mV
EK = -90*mV
ENa = 50*mV
g_na = (100*msiemens*cm**-2) * area
g_kd = (30*msiemens*cm**-2) * area
VT = -63*mV
taue = 5*ms
taui = 10*ms
Ee = 0*mV
Ei = -80*mV
we = 6*nS   # excitatory synaptic weight
wi = 67*nS  # inhibitory synaptic weight

eqs = Equations('''
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
         g_na*(m*m*m)*h*(v-ENa)-
         g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
''')

P = NeuronGroup(4000, model=eqs, threshold='v>-20*mV', refractory=3*ms,
                method='exponential_euler')
Pe = P[:3200]
Pi = P[3200:]
Ce = Synapses(Pe, P, on_pre='ge+=we')
Ci = Synapses(Pi, P, on_pre='gi+=wi')
Ce.connect(p=0.02)
Ci.connect(p=0.02)

P.v = 'El + (randn() * 5 - 5)*mV'
P.ge = '(randn() * 1.5 + 4) * 10.*nS'
P.gi = '(randn() * 12 + 20) * 10.*nS'

trace = StateMonitor(P, 'v', record=[1, 10, 100])
spikes = SpikeMonitor(P)

run(duration, report='text')

print(f'{spikes.num_spikes} spikes, mean rate {spikes.num_spikes/len(P)/duration/Hz:.2f} Hz')

figure(figsize=(8, 4))
for k in range(3):
    plot(trace.t/ms, trace[trace.record[k]].v/mV, label=f'neuron {trace.record[k]}')
xlabel('Time (ms)')
ylabel('v (mV)')
legend(loc='upper right')
tight_layout()
savefig(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'COBAHH.png'))
