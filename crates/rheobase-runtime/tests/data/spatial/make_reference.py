"""Records Brian2 2.9 SpatialNeuron traces for rheobase-runtime's spatial tests.

Run with Brian2 2.9 (/work/venv-b2/bin/python make_reference.py) from this folder. Brian2's
numpy target needs scipy for SpatialNeuron, so this uses the Cython target. Writes
`passive_cable.txt` and `hh_ball_and_stick.txt`: a header line naming the columns, then one
row per time step (SI units).
"""
import os

import numpy as np
from brian2 import (
    Cylinder, SpatialNeuron, Soma, StateMonitor, SpikeMonitor, defaultclock, prefs, run,
    start_scope, amp, cm, mV, ms, nA, ohm, siemens, uF, um, volt, exprel,
)

prefs.codegen.target = "cython"
HERE = os.path.dirname(__file__) or "."


def save(name, t, columns):
    names = ["t"] + list(columns)
    data = np.column_stack([t] + [columns[k] for k in columns])
    np.savetxt(os.path.join(HERE, name), data, header=" ".join(names), fmt="%.17g")


def passive_cable():
    start_scope()
    defaultclock.dt = 0.025 * ms
    morpho = Soma(20 * um)
    morpho.dend = Cylinder(diameter=1 * um, length=200 * um, n=20)
    eqs = """
    Im = gL*(EL - v) : amp/meter**2
    I : amp (point current)
    gL : siemens/meter**2
    EL : volt
    """
    neuron = SpatialNeuron(morpho, eqs, Cm=1 * uF / cm**2, Ri=100 * ohm * cm, method="exact")
    neuron.gL = 1e-4 * siemens / cm**2
    neuron.EL = -70 * mV
    neuron.v = -70 * mV
    neuron.I[0] = 0.1 * nA
    mon = StateMonitor(neuron, "v", record=[0, 10, 20])
    run(10 * ms)
    save("passive_cable.txt", mon.t / ms * 1e-3, {f"v{k}": mon.v[j] / volt for j, k in enumerate([0, 10, 20])})


def hh_ball_and_stick():
    start_scope()
    defaultclock.dt = 0.01 * ms
    morpho = Soma(30 * um)
    morpho.dend = Cylinder(diameter=1 * um, length=300 * um, n=30)
    El = 10.613 * mV
    ENa = 115 * mV
    EK = -12 * mV
    gl = 0.3e-3 * siemens / cm**2
    gNa0 = 120e-3 * siemens / cm**2
    gK = 36e-3 * siemens / cm**2
    eqs = """
    Im = gl * (El-v) + gNa * m**3 * h * (ENa-v) + gK * n**4 * (EK-v) : amp/meter**2
    I : amp (point current)
    dm/dt = alpham * (1-m) - betam * m : 1
    dn/dt = alphan * (1-n) - betan * n : 1
    dh/dt = alphah * (1-h) - betah * h : 1
    alpham = (0.1/mV) * 10*mV/exprel((-v+25*mV)/(10*mV))/ms : Hz
    betam = 4 * exp(-v/(18*mV))/ms : Hz
    alphah = 0.07 * exp(-v/(20*mV))/ms : Hz
    betah = 1/(exp((-v+30*mV) / (10*mV)) + 1)/ms : Hz
    alphan = (0.01/mV) * 10*mV/exprel((-v+10*mV)/(10*mV))/ms : Hz
    betan = 0.125*exp(-v/(80*mV))/ms : Hz
    gNa : siemens/meter**2
    """
    neuron = SpatialNeuron(morpho, eqs, Cm=1 * uF / cm**2, Ri=100 * ohm * cm,
                           method="exponential_euler", threshold="v > 50*mV",
                           threshold_location=0, refractory="v > 50*mV")
    neuron.v = 0 * mV
    neuron.h = 1
    neuron.m = 0
    neuron.n = 0.5
    neuron.gNa = gNa0
    neuron.I[0] = 0.2 * nA
    mon = StateMonitor(neuron, "v", record=[0, 15, 30])
    spikes = SpikeMonitor(neuron)
    run(20 * ms)
    save("hh_ball_and_stick.txt", mon.t / ms * 1e-3, {f"v{k}": mon.v[j] / volt for j, k in enumerate([0, 15, 30])})
    np.savetxt(os.path.join(HERE, "hh_ball_and_stick_spikes.txt"), np.asarray(spikes.t / ms * 1e-3), fmt="%.17g",
               header="spike times (s) at compartment 0")


if __name__ == "__main__":
    passive_cable()
    hh_ball_and_stick()
