"""f-I curve of a Hodgkin-Huxley neuron (Traub & Miles kinetics).

100 neurons, each with its own constant injected current from 0 to 2 nA, integrated with
exponential Euler; a neuron counts as refractory while v > -40 mV. Prints the threshold
current (rheobase) and saves the firing rate against the current to hh_fi_curve.png.

    python examples/hh_fi_curve.py   # RHEOBASE_QUICK=1 shortens the run (used by the tests)
"""
import os

from rheobase import *

duration = 200*ms if os.environ.get('RHEOBASE_QUICK') else 2*second

num_neurons = 100
area = 20000*umetre**2
Cm = 1*ufarad*cm**-2 * area
gl = 5e-5*siemens*cm**-2 * area
El = -65*mV
EK = -90*mV
ENa = 50*mV
g_na = 100*msiemens*cm**-2 * area
g_kd = 30*msiemens*cm**-2 * area
VT = -63*mV

eqs = Equations('''
dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)-0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
I : amp (constant)
''')

group = NeuronGroup(num_neurons, eqs, threshold='v > -40*mV', refractory='v > -40*mV',
                    method='exponential_euler')
group.v = El
group.I = '2*nA * i / num_neurons'

monitor = SpikeMonitor(group)

run(duration, report='text')

rates = monitor.count / duration
firing = (rates > 0*Hz).nonzero()[0]
if len(firing):
    print(f'rheobase current: {group.I[firing[0]]}, '
          f'rate at {group.I[-1]}: {rates[-1]}')
else:
    print('no neuron fired')

figure(figsize=(6, 4))
plot(group.I/nA, rates/Hz)
xlabel('I (nA)')
ylabel('Firing rate (Hz)')
tight_layout()
savefig(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'hh_fi_curve.png'))
