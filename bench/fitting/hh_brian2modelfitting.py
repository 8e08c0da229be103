"""brian2modelfitting 0.4 (Brian2 2.9) side of the HH trace-fitting benchmark: the same
model, data (written by hh_rheobase.py), ranges, population and target as hh_rheobase.py,
with brian2modelfitting's default optimizer (Nevergrad DE) and with Nevergrad CMA. Run in a
separate venv (comparison only; never a rheobase dependency):

    /work/venv-b2-fit/bin/python bench/fitting/hh_brian2modelfitting.py [repeats]

The first run compiles Brian2's Cython code into its cache; later runs are warm.
"""

import sys
import time

import numpy as np
from brian2 import mV, ms, nA, nF, uS, volt
from brian2modelfitting import MSEMetric, NevergradOptimizer, TraceFitter
from hh_common import DATA, DT_MS, MAX_ROUNDS, MODEL, N_SAMPLES, RANGES_US, TARGET_MSE, input_na

Cm, gl, El, EK, ENa, VT = 0.2 * nF, 0.02 * uS, -65 * mV, -90 * mV, 50 * mV, -63 * mV
recorded = np.load(DATA)["recorded"]


def run(name, method):
    started = time.perf_counter()
    cpu_started = time.process_time()
    fitter = TraceFitter(model=MODEL, input_var="I", output_var="v",
                         input=input_na() * nA, output=recorded * volt, dt=DT_MS * ms,
                         n_samples=N_SAMPLES, method="exponential_euler",
                         param_init={"v": -65 * mV})
    reached = {}

    def callback(params, errors, best_params, best_error, index):
        best_error = float(np.asarray(best_error))  # a quantity in V^2
        print(f"  round {index}: {time.perf_counter() - started:.2f} s, best error "
              f"{best_error:.4e}", flush=True)
        if best_error <= TARGET_MSE and not reached:
            reached.update(time=time.perf_counter() - started, round=index + 1,
                           cpu=time.process_time() - cpu_started,
                           best=best_params, error=best_error)
            return True
        return False

    ranges = {n: [lo * uS, hi * uS] for n, (lo, hi) in RANGES_US.items()}
    best, error = fitter.fit(n_rounds=MAX_ROUNDS, optimizer=NevergradOptimizer(method),
                             metric=MSEMetric(), callback=callback, **ranges)
    total = time.perf_counter() - started
    if reached:
        b = reached["best"]
        print(f"{name}: target reached after {reached['round']} rounds "
              f"({reached['round'] * N_SAMPLES} evaluations) in {reached['time']:.2f} s "
              f"(CPU {reached['cpu']:.2f} s); "
              f"g_na {float(b['g_na'] / uS):.3f} uS, g_kd {float(b['g_kd'] / uS):.3f} uS, "
              f"error {reached['error']:.4e}")
        return reached["time"], total / max(reached["round"], 1)
    print(f"{name}: target NOT reached in {MAX_ROUNDS} rounds ({total:.2f} s), best error "
          f"{float(np.asarray(error)):.4e}; {total / MAX_ROUNDS:.2f} s per round")
    return None, total / MAX_ROUNDS


repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 2
for name, method in [("brian2modelfitting DE", "DE"), ("brian2modelfitting CMA", "CMA")]:
    results = [run(name, method) for _ in range(repeats)]
    done = [t for t, _ in results if t is not None]
    print(f"{name}: {np.median([r for _, r in results]):.2f} s per round (median)")
    if done:
        print(f"{name}: min {min(done):.2f} s, median {np.median(done):.2f} s "
              f"over {len(done)} runs")
