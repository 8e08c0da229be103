"""rheobase.fitting: brian2modelfitting's TraceFitter and SpikeFitter on the Rust engine."""

import numpy as np
import pytest
from rheobase import Mohm, ms, mV, nA, second, volt
from rheobase.fitting import (
    CMAES,
    DifferentialEvolution,
    GammaFactor,
    GeneticAlgorithm,
    MSEMetric,
    SobolSearch,
    SpikeFitter,
    TraceFitter,
)

DT = 0.1 * ms
MODEL = """dv/dt = (EL - v + R*I)/tau : volt
R : ohm (constant)
tau : second (constant)"""
EL = -70 * mV


def current_steps(amplitudes, n=600):
    inp = np.zeros((len(amplitudes), n))
    for k, a in enumerate(amplitudes):
        inp[k, 100:500] = a
    return inp * nA


def make_fitter(output, n_samples=20):
    return TraceFitter(model=MODEL, input_var="I", input=current_steps([0.2, 0.5]),
                       output_var="v", output=output, dt=DT, n_samples=n_samples,
                       param_init={"v": -70 * mV})


def synthetic_traces():
    gen = make_fitter(np.zeros((2, 600)) * volt, n_samples=1)
    return gen.generate(params={"R": 60 * Mohm, "tau": 12 * ms})


def test_trace_fitter_recovers_parameters_with_units():
    target = synthetic_traces()
    assert target.shape == (2, 600)
    fitter = make_fitter(target)
    seen = []

    def callback(params, errors, best_params, best_error, index):
        seen.append((index, best_error))
        return False

    best, error = fitter.fit(n_rounds=25, optimizer=CMAES(seed=3), metric=MSEMetric(),
                             callback=callback, R=[10 * Mohm, 300 * Mohm, "log"],
                             tau=[2 * ms, 40 * ms])
    assert len(seen) == 25
    assert abs(float(best["R"] / (60 * Mohm)) - 1) < 0.01
    assert abs(float(best["tau"] / (12 * ms)) - 1) < 0.01
    assert best["tau"].dim == ms.dim
    results = fitter.results(format="list")
    assert len(results) == 25 * 20
    assert min(r["error"] for r in results) == error
    as_dict = fitter.results(format="dict")
    assert len(as_dict["error"]) == 25 * 20
    regenerated = fitter.generate()
    assert np.max(np.abs(np.asarray(regenerated - target))) < 1e-3
    refined, refined_error = fitter.refine(params={"R": 48 * Mohm, "tau": 14.4 * ms},
                                           max_evaluations=150,
                                           R=[10 * Mohm, 300 * Mohm, "log"],
                                           tau=[2 * ms, 40 * ms])
    assert abs(float(refined["tau"] / (12 * ms)) - 1) < 0.005
    assert refined_error < 1e-6


def test_fits_are_reproducible_with_a_seed():
    target = synthetic_traces()
    runs = []
    for _ in range(2):
        fitter = make_fitter(target, n_samples=10)
        runs.append(fitter.fit(n_rounds=3, optimizer=GeneticAlgorithm(
            num_parents_mating=4, parent_selection_type="tournament",
            crossover_type="two_points", mutation_probability=0.3, random_seed=5),
            callback=None, R=[10 * Mohm, 300 * Mohm], tau=[2 * ms, 40 * ms]))
    assert runs[0][1] == runs[1][1]
    assert runs[0][0]["R"] == runs[1][0]["R"]


def test_external_ask_tell_optimizer():
    class Grid:
        """brian2modelfitting's optimizer interface, as a user might write one."""

        def initialize(self, parameter_names, popsize, rounds, **bounds):
            self.names = parameter_names
            self.bounds = bounds
            self.told = []

        def ask(self, n_samples):
            rng = np.random.default_rng(len(self.told))
            return [[rng.uniform(*self.bounds[n]) for n in self.names]
                    for _ in range(n_samples)]

        def tell(self, parameters, errors):
            self.told.append(np.asarray(errors))

        def recommend(self):
            return None

    target = synthetic_traces()
    fitter = make_fitter(target, n_samples=8)
    opt = Grid()
    _best, error = fitter.fit(n_rounds=2, optimizer=opt, callback=None,
                             R=[10 * Mohm, 300 * Mohm], tau=[2 * ms, 40 * ms])
    assert len(opt.told) == 2 and len(opt.told[0]) == 8
    assert error == min(min(t) for t in opt.told)
    assert len(fitter.results()) == 16


def test_spike_fitter_recovers_a_threshold():
    model = """dv/dt = (-70*mV - v + 50*Mohm*I)/(10*ms) : volt
vt : volt (constant)"""
    inp = np.zeros((2, 2000))
    inp[0, 100:] = 0.5
    inp[1, 100:] = 0.9
    kwds = {"model": model, "input_var": "I", "input": inp * nA, "dt": DT,
            "threshold": "v > vt", "reset": "v = -70*mV", "refractory": 2 * ms,
            "param_init": {"v": -70 * mV}}
    gen = SpikeFitter(output=[[], []], n_samples=1, **kwds)
    spikes = gen.generate(params={"vt": -52 * mV})
    assert all(len(s) > 3 for s in spikes)
    assert spikes[0].dim == second.dim
    fitter = SpikeFitter(output=spikes, n_samples=20, **kwds)
    best, error = fitter.fit(n_rounds=10, optimizer=DifferentialEvolution(seed=1),
                             metric=GammaFactor(delta=1 * ms), callback=None,
                             vt=[-65 * mV, -40 * mV])
    assert abs(float((best["vt"] - (-52 * mV)) / mV)) < 0.5
    assert error < 0.1


def test_bad_input_is_refused():
    target = synthetic_traces()
    with pytest.raises(ValueError, match="fit_input_mismatch"):
        make_fitter(target[:, :500])
    with pytest.raises(ValueError, match="fit_input_mismatch"):
        make_fitter(np.asarray(target) * nA / volt)
    fitter = make_fitter(target, n_samples=4)
    with pytest.raises(ValueError, match="fit_invalid_range"):
        fitter.fit(n_rounds=1, callback=None, tau=[2 * mV, 40 * mV])
    with pytest.raises(ValueError, match="fit_invalid_range"):
        fitter.fit(n_rounds=1, callback=None, tau=[40 * ms, 2 * ms])
    with pytest.raises(ValueError, match="fit_parameter_not_constant"):
        fitter.fit(n_rounds=1, callback=None, v=[-80 * mV, -60 * mV])
    with pytest.raises(ValueError, match="metric"):
        fitter.fit(n_rounds=1, callback=None, metric=GammaFactor(delta=1 * ms),
                   tau=[2 * ms, 40 * ms])
    assert fitter.results() == []
    # Sobol sampling runs and reports text progress.
    fitter.fit(n_rounds=1, optimizer=SobolSearch(), callback="text", tau=[2 * ms, 40 * ms],
               R=[10 * Mohm, 300 * Mohm])
