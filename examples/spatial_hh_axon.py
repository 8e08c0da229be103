"""A Hodgkin-Huxley axon of 1000 compartments (SpatialNeuron): a current pulse at one end
starts a spike that travels along the axon. Prints the propagation velocity (from the spike
times at 1/4 and 3/4 of the length) and saves the voltage along the axon at a few times to
spatial_hh_axon.png.

    python examples/spatial_hh_axon.py       # RHEOBASE_QUICK=1 shortens the run
"""
import os

from rheobase import *

defaultclock.dt = 0.01*ms
duration = 10*ms if os.environ.get('RHEOBASE_QUICK') else 25*ms

# The squid giant axon of Hodgkin & Huxley (1952), resting at -65 mV.
morpho = Cylinder(length=10*cm, diameter=2*238*um, n=1000, type='axon')
gL = 0.3*msiemens/cm**2
EL = -54.4*mV
ENa = 50*mV
EK = -77*mV
gNa_max = 120*msiemens/cm**2
gK_max = 36*msiemens/cm**2

eqs = '''
Im = gL*(EL - v) + gNa_max*m**3*h*(ENa - v) + gK_max*n**4*(EK - v) : amp/meter**2
I : amp (point current)
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
axon = SpatialNeuron(morphology=morpho, model=eqs, method='exponential_euler',
                     Cm=1*uF/cm**2, Ri=35.4*ohm*cm,
                     threshold='v > 0*mV', refractory='v > 0*mV')
axon.v = -65*mV
axon.m = 0.0529
axon.h = 0.5961
axon.n = 0.3177

spikes = SpikeMonitor(axon)
profile = StateMonitor(axon, 'v', record=True, dt=0.5*ms)

run(1*ms)
axon.I[0] = 10*uA   # a short pulse at x = 0
run(0.5*ms)
axon.I[0] = 0*amp
run(duration - 1.5*ms, report='text')

x = axon.distance[:]
first = {}
for i, t in zip(spikes.i, spikes.t):
    first.setdefault(int(i), t)
a, b = 250, 750
if a in first and b in first:
    velocity = (x[b] - x[a])/(first[b] - first[a])
    print(f'propagation velocity: {velocity/(meter/second):.2f} m/s '
          f'({len(first)} of {len(axon)} compartments fired)')
else:
    print(f'the spike did not reach compartment {b} within {duration/ms:g} ms')

figure(figsize=(8, 4))
for k in range(0, len(profile.t), max(1, len(profile.t)//6)):
    plot(x/cm, profile.v[:, k]/mV, label=f't = {profile.t[k]/ms:.1f} ms')
xlabel('Distance along the axon (cm)')
ylabel('v (mV)')
legend(loc='upper right', fontsize='small')
tight_layout()
savefig(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'spatial_hh_axon.png'))
