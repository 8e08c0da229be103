"""Fit g_na and g_kd of a Traub-Miles Hodgkin-Huxley neuron to voltage traces.

The model and units follow brian2modelfitting's HH tutorial. The "recordings" are the
model's own traces under three current steps with 0.5 mV of Gaussian noise; the fit should
recover g_na = 20 uS and g_kd = 6 uS within 10 % from at most 2,000 evaluations, and within
2 % after refine(). The script is written as a brian2modelfitting user would write it; only
the import lines differ.

    python examples/fitting/hh_traces.py [--quick]   (or RHEOBASE_QUICK=1)
"""

import os
import sys
import time

import numpy as np
from rheobase import mV, ms, nA, nF, uS, volt
from rheobase.fitting import CMAES, MSEMetric, TraceFitter

quick = "--quick" in sys.argv or bool(os.environ.get("RHEOBASE_QUICK"))

# Membrane of 20,000 um^2: Cm = 1 uF/cm^2, gl = 0.1 mS/cm^2.
Cm = 0.2 * nF
gl = 0.02 * uS
El = -65 * mV
EK = -90 * mV
ENa = 50 * mV
VT = -63 * mV

model = """
dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*(13.*mV-v+VT)/(exp((13.*mV-v+VT)/(4.*mV))-1.)/ms*(1-m)-0.28*(mV**-1)*(v-VT-40.*mV)/(exp((v-VT-40.*mV)/(5.*mV))-1.)/ms*m : 1
dn/dt = 0.032*(mV**-1)*(15.*mV-v+VT)/(exp((15.*mV-v+VT)/(5.*mV))-1.)/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
g_na : siemens (constant)
g_kd : siemens (constant)
"""

dt = 0.02 * ms if quick else 0.01 * ms
n_steps = int(round(float((25 * ms if quick else 60 * ms) / dt)))
on, off = int(round(float(2 * ms / dt))), n_steps - int(round(float(3 * ms / dt)))
inp = np.zeros((3, n_steps))
for k, amplitude in enumerate([0.5, 1.0, 1.5]):
    inp[k, on:off] = amplitude
inp = inp * nA

truth = {"g_na": 20 * uS, "g_kd": 6 * uS}
common = dict(model=model, input_var="I", input=inp, output_var="v", dt=dt,
              method="exponential_euler", param_init={"v": -65 * mV})

# Synthetic recordings: the true model plus 0.5 mV of noise.
generator = TraceFitter(output=np.zeros((3, n_steps)) * volt, n_samples=1, **common)
clean = generator.generate(params=truth)
rng = np.random.default_rng(42)
recorded = clean + rng.normal(0, 0.5, clean.shape) * mV

n_samples, n_rounds = (20, 15) if quick else (50, 40)
fitter = TraceFitter(output=recorded, n_samples=n_samples, **common)
started = time.perf_counter()
best, error = fitter.fit(n_rounds=n_rounds, optimizer=CMAES(seed=1), metric=MSEMetric(),
                         callback=None, g_na=[2 * uS, 200 * uS, "log"],
                         g_kd=[0.6 * uS, 60 * uS, "log"])
elapsed = time.perf_counter() - started
print(f"global search: {n_rounds * n_samples} evaluations in {elapsed:.2f} s, "
      f"error {error:.3e} V^2 (noise floor {(0.5e-3) ** 2:.1e})")


def report(params):
    for name, value in truth.items():
        rel = abs(float(params[name] / value) - 1)
        print(f"  {name}: true {value}, fitted {params[name]}, off by {100 * rel:.2f} %")
    return max(abs(float(params[n] / v) - 1) for n, v in truth.items())


worst = report(best)
assert worst < 0.10, "global search missed by more than 10 %"

started = time.perf_counter()
refined, refined_error = fitter.refine(max_evaluations=150)
print(f"refine(): {time.perf_counter() - started:.2f} s, error {refined_error:.3e} V^2")
worst = report(refined)
assert worst < 0.02, "refinement missed by more than 2 %"

results = fitter.results()
print(f"{len(results)} parameter sets evaluated; best error {min(r['error'] for r in results):.3e}")
