"""A genetic-algorithm fit configured the way a PyGAD user configures ``pygad.GA``.

With PyGAD one writes a fitness function that simulates each solution; here the fitter
simulates the whole population as one group, and the GA takes PyGAD's keyword arguments:
``sol_per_pop`` candidates per generation, ``num_generations`` generations,
``num_parents_mating``, ``parent_selection_type``, ``crossover_type``, ``mutation_type``
with ``mutation_percent_genes``, ``keep_elitism`` and ``random_seed``. Genes are the
parameters scaled to [0, 1] over their ranges.

The model: a leaky integrate-and-fire neuron with unknown resting potential, resistance and
time constant, fitted to its own noisy voltage under three current steps.

    python examples/fitting/pygad_style_ga.py
"""

import numpy as np
from rheobase import Mohm, mV, ms, nA, volt
from rheobase.fitting import GeneticAlgorithm, MSEMetric, TraceFitter

model = """
dv/dt = (EL - v + R*I)/tau : volt
EL : volt (constant)
R : ohm (constant)
tau : second (constant)
"""
dt = 0.1 * ms
inp = np.zeros((3, 1500))
for k, amplitude in enumerate([0.1, 0.25, 0.4]):
    inp[k, 200:1200] = amplitude
inp = inp * nA
truth = {"EL": -65 * mV, "R": 80 * Mohm, "tau": 15 * ms}
common = dict(model=model, input_var="I", input=inp, output_var="v", dt=dt,
              param_init={"v": -65 * mV})
clean = TraceFitter(output=np.zeros((3, 1500)) * volt, n_samples=1, **common).generate(truth)
recorded = clean + np.random.default_rng(0).normal(0, 0.2, clean.shape) * mV

# The same settings one would pass to pygad.GA(...), less fitness_func and num_genes.
ga_settings = dict(
    num_generations=40,
    sol_per_pop=40,
    num_parents_mating=10,
    parent_selection_type="tournament",
    K_tournament=3,
    crossover_type="uniform",
    mutation_type="random",
    mutation_percent_genes=34,  # one gene of three
    random_mutation_min_val=-0.05,
    random_mutation_max_val=0.05,
    keep_elitism=2,
    random_seed=7,
)

fitter = TraceFitter(output=recorded, **common)
best, error = fitter.fit(optimizer=GeneticAlgorithm(**ga_settings), metric=MSEMetric(),
                         callback=None, EL=[-80 * mV, -50 * mV], R=[10 * Mohm, 500 * Mohm, "log"],
                         tau=[1 * ms, 100 * ms, "log"])
print(f"{len(fitter.results())} evaluations ({ga_settings['num_generations']} generations of "
      f"{ga_settings['sol_per_pop']}), error {error:.3e} V^2 (noise floor 4.0e-08)")
for name, value in truth.items():
    print(f"  {name}: true {value}, fitted {best[name]}")
    assert abs(float(best[name] / value) - 1) < 0.05

# The fitness history as PyGAD users know it (best fitness per generation, 1/error).
table = fitter.results(format="dict", use_units=False)
errors = np.asarray(table["error"]).reshape(ga_settings["num_generations"], -1)
best_per_generation = np.minimum.accumulate(errors.min(axis=1))
print("best fitness every 10 generations:", np.round(1 / best_per_generation[::10], 1))
