"""rheobase side of the HH trace-fitting benchmark (see hh_common.py and BENCHMARKS.md).

Writes the shared recordings, then fits with CMA-ES and with differential evolution, each
for up to MAX_ROUNDS rounds of N_SAMPLES, and prints the wall time until the best error
first reached TARGET_MSE (model building and kernel compilation included).

    python bench/fitting/hh_rheobase.py [repeats]
"""

import sys
import time

import numpy as np
from hh_common import (DATA, DT_MS, MAX_ROUNDS, MODEL, N_SAMPLES, N_STEPS, RANGES_US,
                       TARGET_MSE, TRUE_G_KD_US, TRUE_G_NA_US, add_noise, input_na)
from rheobase import mV, ms, nA, nF, uS, volt
from rheobase.fitting import CMAES, DifferentialEvolution, MSEMetric, TraceFitter

Cm, gl, El, EK, ENa, VT = 0.2 * nF, 0.02 * uS, -65 * mV, -90 * mV, 50 * mV, -63 * mV
common = dict(model=MODEL, input_var="I", input=input_na() * nA, output_var="v",
              dt=DT_MS * ms, method="exponential_euler", param_init={"v": -65 * mV})

generator = TraceFitter(output=np.zeros((3, N_STEPS)) * volt, n_samples=1, **common)
clean = np.asarray(generator.generate(params={"g_na": TRUE_G_NA_US * uS,
                                              "g_kd": TRUE_G_KD_US * uS}) / volt)
recorded = add_noise(clean)
np.savez(DATA, recorded=recorded)
floor = float(np.mean((recorded - clean) ** 2))
print(f"data written to {DATA}; MSE of the true model {floor:.4e} V^2, target {TARGET_MSE:.4e}")


def run(name, optimizer):
    started = time.perf_counter()
    cpu_started = time.process_time()
    fitter = TraceFitter(output=recorded * volt, n_samples=N_SAMPLES, **common)
    reached = {}

    def callback(_params, _errors, best, best_error, index):
        if best_error <= TARGET_MSE and not reached:
            reached.update(time=time.perf_counter() - started, round=index + 1,
                           cpu=time.process_time() - cpu_started,
                           best=best, error=best_error)
            return True
        return False

    # Linear ranges, as brian2modelfitting searches them.
    ranges = {n: [lo * uS, hi * uS] for n, (lo, hi) in RANGES_US.items()}
    best, error = fitter.fit(n_rounds=MAX_ROUNDS, optimizer=optimizer, metric=MSEMetric(),
                             callback=callback, **ranges)
    total = time.perf_counter() - started
    if reached:
        b = reached["best"]
        print(f"{name}: target reached after {reached['round']} rounds "
              f"({reached['round'] * N_SAMPLES} evaluations) in {reached['time']:.2f} s "
              f"(CPU {reached['cpu']:.2f} s); "
              f"g_na {float(b['g_na'] / uS):.3f} uS, g_kd {float(b['g_kd'] / uS):.3f} uS, "
              f"error {reached['error']:.4e}")
        return reached["time"]
    print(f"{name}: target NOT reached in {MAX_ROUNDS} rounds ({total:.2f} s), "
          f"best error {error:.4e}")
    return None


repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
configs = [("rheobase DE best1bin", lambda: DifferentialEvolution("best1bin", seed=1)),
           ("rheobase DE rand1bin", lambda: DifferentialEvolution(seed=1)),
           ("rheobase CMA-ES", lambda: CMAES(seed=1))]
only = sys.argv[2] if len(sys.argv) > 2 else None
for name, make in [c for c in configs if only is None or only in c[0]]:
    times = [run(name, make()) for _ in range(repeats)]
    done = [t for t in times if t is not None]
    if done:
        print(f"{name}: min {min(done):.2f} s, median {np.median(done):.2f} s "
              f"over {len(done)} runs")
