"""The HH trace-fitting benchmark problem, shared by the rheobase and brian2modelfitting
scripts (plain numpy, no simulator): model text, constants, input, ranges and the target.

Traub-Miles HH (brian2modelfitting's tutorial model), membrane of 20,000 um^2; three current
steps of 0.5, 1 and 1.5 nA from 5 to 55 ms in 60 ms traces at dt = 0.01 ms; recordings are
the model's traces with g_na = 20 uS, g_kd = 6 uS plus 0.5 mV Gaussian noise (seed 42),
written once by hh_rheobase.py to DATA and read by both. The target is "the same error":
MSE <= TARGET_FACTOR * 0.5 mV^2 (the noise floor is 0.25 mV^2 = 2.5e-7 V^2).
"""

import os

import numpy as np

MODEL = """
dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*(13.*mV-v+VT)/(exp((13.*mV-v+VT)/(4.*mV))-1.)/ms*(1-m)-0.28*(mV**-1)*(v-VT-40.*mV)/(exp((v-VT-40.*mV)/(5.*mV))-1.)/ms*m : 1
dn/dt = 0.032*(mV**-1)*(15.*mV-v+VT)/(exp((15.*mV-v+VT)/(5.*mV))-1.)/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
g_na : siemens (constant)
g_kd : siemens (constant)
"""

DT_MS = 0.01
N_STEPS = 6000
AMPLITUDES_NA = (0.5, 1.0, 1.5)
NOISE_V = 0.5e-3
TRUE_G_NA_US = 20.0
TRUE_G_KD_US = 6.0
RANGES_US = {"g_na": (2.0, 200.0), "g_kd": (0.6, 60.0)}
N_SAMPLES = 50
MAX_ROUNDS = 40
TARGET_FACTOR = 1.2
TARGET_MSE = TARGET_FACTOR * NOISE_V ** 2
DATA = os.environ.get("HH_FIT_DATA", "/tmp/rheobase_hh_fit_data.npz")


def input_na():
    """Input currents in nA, shape (3, N_STEPS)."""
    inp = np.zeros((len(AMPLITUDES_NA), N_STEPS))
    for k, a in enumerate(AMPLITUDES_NA):
        inp[k, 500:5500] = a
    return inp


def add_noise(clean_volt):
    return clean_volt + np.random.default_rng(42).normal(0, NOISE_V, clean_volt.shape)
