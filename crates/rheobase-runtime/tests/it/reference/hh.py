# Reference values for tests/it/brian2_reference.rs, printed by Brian2 2.9.0 (numpy target):
#   python3 -m venv venv && venv/bin/pip install brian2==2.9.0 "numpy<2.4"
#   venv/bin/python hh.py
from brian2 import *
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.05*ms
area = 20000*umetre**2
Cm = 1*ufarad*cm**-2 * area
gl = 5e-5*siemens*cm**-2 * area
El = -65*mV
EK = -90*mV
ENa = 50*mV
g_na = 100*msiemens*cm**-2 * area
g_kd = 30*msiemens*cm**-2 * area
VT = -63*mV
eqs = '''
dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)-0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
I : amp
'''
G = NeuronGroup(4, eqs, threshold='v > -20*mV', refractory='v > -20*mV', method='exponential_euler')
G.v = El
G.I = '(0.2 + 0.3*i)*nA'
S = SpikeMonitor(G)
M = StateMonitor(G, 'v', record=[3])
run(40*ms)
print("SPIKES", list(zip(S.i[:].tolist(), [int(round(t/defaultclock.dt)) for t in S.t[:]])))
print("V3", [float(x) for x in M.v[0][::100]])
