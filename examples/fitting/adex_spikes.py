"""Fit an adaptive exponential integrate-and-fire neuron to spike trains.

"Recordings": spike trains of an AdEx neuron (Brette & Gerstner 2005, regular spiking, as in
Brian2's AdEx example) driven by six frozen noisy currents. SpikeFitter recovers the leak
conductance gL, the spike-triggered adaptation b and the adaptation time constant tauw with
the gamma factor (coincidence window 2 ms); the fitted model is then judged on a seventh
input it never saw: its gamma factor there must be at least 0.9.

    python examples/fitting/adex_spikes.py
"""

import time

import numpy as np
from rheobase import mV, ms, nA, nS, pF, second
from rheobase.fitting import DifferentialEvolution, GammaFactor, SpikeFitter

C = 281 * pF
EL = -70.6 * mV
VT = -50.4 * mV
DeltaT = 2 * mV
Vr = -70.6 * mV
a = 4 * nS

model = """
dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
dw/dt = (a*(vm - EL) - w)/tauw : amp
gL : siemens (constant)
b : amp (constant)
tauw : second (constant)
"""

dt = 0.1 * ms
n_steps = 5000  # 500 ms


def noisy_current(seed):
    """0.75 nA plus an Ornstein-Uhlenbeck fluctuation (sd 0.5 nA, 5 ms), after 10 ms."""
    rng = np.random.default_rng(seed)
    decay = np.exp(-float(dt / (5 * ms)))
    kicks = 0.5 * np.sqrt(1 - decay ** 2) * rng.normal(size=n_steps)
    x = np.zeros(n_steps)
    for k in range(1, n_steps):
        x[k] = decay * x[k - 1] + kicks[k]
    current = 0.75 + x
    current[:100] = 0
    return current


training = np.array([noisy_current(seed) for seed in range(1, 7)]) * nA
held_out = np.array([noisy_current(7)]) * nA
truth = {"gL": 30 * nS, "b": 0.0805 * nA, "tauw": 144 * ms}
common = dict(model=model, input_var="I", dt=dt, threshold="vm > VT + 5*DeltaT",
              reset="vm = Vr; w += b", param_init={"vm": EL})

generator = SpikeFitter(input=training, output=[[]] * 6, n_samples=1, **common)
recorded = generator.generate(params=truth)
print("recorded spike counts:", [len(s) for s in recorded])

fitter = SpikeFitter(input=training, output=recorded, n_samples=24, **common)
started = time.perf_counter()
best, error = fitter.fit(n_rounds=25, optimizer=DifferentialEvolution(strategy="best1bin",
                                                                      seed=5),
                         metric=GammaFactor(delta=0.5 * ms), callback=None,
                         gL=[5 * nS, 100 * nS, "log"], b=[0.01 * nA, 0.5 * nA, "log"],
                         tauw=[20 * ms, 500 * ms, "log"])
print(f"fit: {25 * 24} evaluations in {time.perf_counter() - started:.2f} s, "
      f"training error {error:.3f}")
for name, value in truth.items():
    print(f"  {name}: true {value}, fitted {best[name]}")

# Held-out input: 1 - error of GammaFactor without rate correction is the gamma factor.
target = SpikeFitter(input=held_out, output=[[]], n_samples=1, **common).generate(truth)
judge = SpikeFitter(input=held_out, output=target, n_samples=1, **common)
gamma = 1 - judge.evaluate(best, metric=GammaFactor(delta=2 * ms, rate_correction=False))[0]
print(f"held-out input: {len(target[0])} spikes, gamma factor of the fitted model {gamma:.3f}")
assert gamma >= 0.9
print("spike times (s):", np.round(np.asarray(target[0] / second), 4)[:5], "...")
