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


def test_results_as_list_dict_and_dataframe():
    fitter = make_fitter(synthetic_traces(), n_samples=5)
    fitter.fit(n_rounds=2, optimizer=CMAES(seed=2), callback=None,
               R=[10 * Mohm, 300 * Mohm], tau=[2 * ms, 40 * ms])
    rows = fitter.results()
    assert len(rows) == 10 and set(rows[0]) == {"R", "tau", "error"}
    assert rows[0]["tau"].dim == ms.dim
    table = fitter.results(format="dict")
    assert len(table["error"]) == 10 and table["R"].dim == Mohm.dim
    pd = pytest.importorskip("pandas")
    frame = fitter.results(format="dataframe")
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["R", "tau", "error"] and len(frame) == 10
    assert frame["error"].min() == min(r["error"] for r in rows)


def test_evaluate_drives_an_external_ask_tell_loop():
    """A hand-written pattern search asks for a 5 x 5 grid around its best point and halves
    the grid when the centre stays best; the fitter tells the errors, simulating each grid
    as one group."""
    fitter = make_fitter(synthetic_traces(), n_samples=1)
    centre, step = np.array([100.0, 20.0]), np.array([20.0, 4.0])  # Mohm, ms
    offsets = np.array([(i, j) for i in range(-2, 3) for j in range(-2, 3)], dtype=float)
    for _ in range(12):
        grid = np.abs(centre + offsets * step)  # ask
        errors = fitter.evaluate({"R": grid[:, 0] * Mohm, "tau": grid[:, 1] * ms})  # tell
        assert errors.shape == (25,)
        best = grid[np.argmin(errors)]
        if np.array_equal(best, centre):
            step = step / 2
        centre = best
    assert abs(centre[0] - 60) < 1 and abs(centre[1] - 12) < 0.2, centre
    assert len(fitter.results()) == 12 * 25
    # One dict, or a list of dicts, work too.
    single = fitter.evaluate({"R": 60 * Mohm, "tau": 12 * ms})
    assert single.shape == (1,) and single[0] < 1e-12
    listed = fitter.evaluate([{"R": 60 * Mohm, "tau": 12 * ms},
                              {"R": 30 * Mohm, "tau": 12 * ms}])
    assert listed[0] < listed[1]


def test_scipy_minimize_with_evaluate_as_objective():
    optimize = pytest.importorskip("scipy.optimize")
    fitter = make_fitter(synthetic_traces(), n_samples=1)

    def objective(x):
        return fitter.evaluate({"R": x[0] * Mohm, "tau": x[1] * ms})[0]

    result = optimize.minimize(objective, x0=[80.0, 15.0], method="Nelder-Mead",
                               options={"xatol": 1e-3, "fatol": 1e-14, "maxfev": 300})
    assert abs(result.x[0] - 60) < 0.5 and abs(result.x[1] - 12) < 0.1


def test_generate_and_refine_reuse_the_last_fit():
    target = synthetic_traces()
    fitter = make_fitter(target, n_samples=10)
    best, error = fitter.fit(n_rounds=4, optimizer=DifferentialEvolution(seed=3),
                             callback=None, R=[10 * Mohm, 300 * Mohm],
                             tau=[2 * ms, 40 * ms])
    refined, refined_error = fitter.refine(max_evaluations=80)
    assert refined_error <= error
    assert set(refined) == {"R", "tau"}
    traces = fitter.generate()  # the refined best
    assert traces.shape == (2, 600) and traces.dim == volt.dim
    assert np.sqrt(np.mean(np.asarray((traces - target) / mV) ** 2)) < 2.0
    v_at = fitter.generate(params={"R": 60 * Mohm, "tau": 12 * ms})
    assert np.allclose(np.asarray(v_at / mV), np.asarray(target / mV))


def test_pygad_style_settings_set_population_and_generations():
    fitter = make_fitter(synthetic_traces(), n_samples=3)
    ga = GeneticAlgorithm(num_generations=3, sol_per_pop=8, num_parents_mating=4,
                          parent_selection_type="rank", crossover_type="scattered",
                          mutation_type="random", mutation_percent_genes=50,
                          keep_elitism=2, random_seed=1)
    fitter.fit(optimizer=ga, callback=None, R=[10 * Mohm, 300 * Mohm], tau=[2 * ms, 40 * ms])
    assert len(fitter.results()) == 3 * 8 and fitter.n_samples == 8
    with pytest.raises(ValueError, match="mutation_type"):
        GeneticAlgorithm(mutation_type="swap")
    with pytest.raises(ValueError, match="parent_selection_type"):
        GeneticAlgorithm(parent_selection_type="best")
    with pytest.raises(TypeError):
        GeneticAlgorithm(gene_space=[0, 1])


def test_feature_metric_on_traces_and_spikes():
    from rheobase.fitting import FeatureMetric

    model = """dv/dt = (-70*mV - v + 50*Mohm*I)/(10*ms) : volt
vt : volt (constant)"""
    inp = np.zeros((2, 2000))
    inp[0, 100:] = 0.5
    inp[1, 100:] = 0.9
    kwds = {"model": model, "input_var": "I", "input": inp * nA, "dt": DT,
            "threshold": "v > vt", "reset": "v = -70*mV", "refractory": 2 * ms,
            "param_init": {"v": -70 * mV}}
    spikes = SpikeFitter(output=[[], []], n_samples=1, **kwds).generate({"vt": -52 * mV})
    fitter = SpikeFitter(output=spikes, n_samples=10, **kwds)
    metric = FeatureMetric(["spike_count", "first_spike_latency", "isi_cv"])
    errors = fitter.evaluate([{"vt": -52 * mV}, {"vt": -45 * mV}], metric=metric)
    assert errors[0] == 0 and errors[1] > 0.1
    best, _ = fitter.fit(n_rounds=6, optimizer=DifferentialEvolution(seed=2), metric=metric,
                         callback=None, vt=[-65 * mV, -40 * mV])
    assert abs(float((best["vt"] - (-52 * mV)) / mV)) < 1.0
    with pytest.raises(ValueError, match="ap_amplitude"):
        fitter.evaluate({"vt": -52 * mV}, metric=FeatureMetric(["ap_amplitude"]))
    with pytest.raises(ValueError, match="unknown feature"):
        fitter.evaluate({"vt": -52 * mV}, metric=FeatureMetric(["sag"]))
    # On traces: a passive model never crosses 0 mV, so every spike feature agrees.
    trace_fitter = make_fitter(synthetic_traces(), n_samples=2)
    e = trace_fitter.evaluate({"R": 60 * Mohm, "tau": 12 * ms},
                              metric=FeatureMetric(threshold=0 * mV))
    assert e[0] == 0


def test_bad_input_fails_before_any_simulation():
    target = synthetic_traces()
    # Mismatched trace lengths and units.
    with pytest.raises(ValueError, match="samples"):
        make_fitter(target[:, :500])
    with pytest.raises(ValueError, match="unit"):
        make_fitter(np.asarray(target) * nA)
    with pytest.raises(ValueError, match="input traces but"):
        make_fitter(target[:1])
    fitter = make_fitter(target, n_samples=4)
    # Empty range, range in the wrong unit, no range at all.
    with pytest.raises(ValueError, match="empty"):
        fitter.fit(n_rounds=1, callback=None, tau=[5 * ms, 5 * ms])
    with pytest.raises(ValueError, match="model declares"):
        fitter.fit(n_rounds=1, callback=None, tau=[2 * mV, 40 * mV])
    with pytest.raises(ValueError, match="no parameter to fit"):
        fitter.fit(n_rounds=1, callback=None)
    # Parameters not declared (constant), or not declared at all.
    loose = TraceFitter(model=MODEL.replace("R : ohm (constant)", "R : ohm"), input_var="I",
                        input=current_steps([0.2, 0.5]), output_var="v", output=target,
                        dt=DT, n_samples=4, param_init={"v": -70 * mV})
    with pytest.raises(ValueError, match=r"not declared \(constant\)"):
        loose.fit(n_rounds=1, callback=None, R=[10 * Mohm, 300 * Mohm])
    with pytest.raises(ValueError, match="does not declare"):
        fitter.fit(n_rounds=1, callback=None, C=[1 * Mohm, 2 * Mohm])
    with pytest.raises(ValueError, match="is given in"):
        fitter.evaluate({"R": 60 * ms, "tau": 12 * ms})
    assert fitter.results() == [] and loose.results() == []


def test_star_import_and_lazy_package_import():
    namespace = {}
    exec("from rheobase.fitting import *", namespace)
    import rheobase.fitting as fitting
    assert set(fitting.__all__) <= set(namespace)
    assert {"TraceFitter", "SpikeFitter", "FeatureMetric", "GeneticAlgorithm"} <= set(namespace)


def test_threads_do_not_change_errors():
    target = synthetic_traces()
    sets = [{"R": r * Mohm, "tau": 12 * ms} for r in (40, 60, 80)]
    one = make_fitter(target).evaluate(sets)
    two = TraceFitter(model=MODEL, input_var="I", input=current_steps([0.2, 0.5]),
                      output_var="v", output=target, dt=DT, param_init={"v": -70 * mV},
                      threads=2).evaluate(sets)
    assert np.array_equal(one, two)


@pytest.mark.parametrize("script", ["hh_traces.py", "adex_spikes.py", "pygad_style_ga.py"])
def test_fitting_examples_run(script):
    """examples/fitting/ reach their stated accuracy (each asserts it), in quick mode."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "fitting" / script
    env = dict(os.environ, RHEOBASE_QUICK="1")
    done = subprocess.run([sys.executable, str(path)], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_ctrl_c_stops_a_fit_within_a_round_keeping_earlier_rounds():
    import os
    import signal
    import threading
    import time

    model = """dv/dt = (-70*mV - v + 50*Mohm*I)/(10*ms) : volt
vt : volt (constant)"""
    # A round simulates 100 neurons for 10^6 steps: seconds even in a release build.
    inp = np.full((2, 1_000_000), 0.7)
    fitter = SpikeFitter(model=model, input_var="I", input=inp * nA, dt=DT,
                         output=[[0.1], [0.1]] * second, n_samples=50,
                         threshold="v > vt", reset="v = -70*mV",
                         param_init={"v": -70 * mV})
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        fitter.fit(n_rounds=100, optimizer=DifferentialEvolution(seed=1),
                   metric=GammaFactor(delta=1 * ms), callback=None,
                   vt=[-65 * mV, -40 * mV])
    timer.cancel()
    assert time.perf_counter() - start < 3.0
    # No round finished, nothing was recorded as evaluated.
    assert fitter.results(format="list") == []
