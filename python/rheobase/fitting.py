"""Model fitting with brian2modelfitting's names: ``TraceFitter``, ``SpikeFitter``,
``MSEMetric``, ``GammaFactor`` and optimizers (``DifferentialEvolution``, ``CMAES``,
``GeneticAlgorithm`` with PyGAD's options, ``RandomSearch``, ``SobolSearch``, and
``NevergradOptimizer(method='DE' | 'CMA')`` for scripts written for brian2modelfitting) and
``FeatureMetric`` (spike count, first-spike latency, mean rate, ISI CV, AP amplitude).

Each round simulates every candidate times every input trace as one group, in Rust
(``rheobase-fitting``). Parameters to fit are declared in the model as ``p : unit
(constant)`` and given to ``fit`` as ranges: ``tau=[1*ms, 50*ms]``, or
``R=[10*Mohm, 1*Gohm, 'log']`` for a logarithmic range. An optimizer written in Python with
brian2modelfitting's interface (``initialize``, ``ask``, ``tell``, ``recommend``) can drive
the evaluation instead, and ``fitter.evaluate(params)`` scores any parameter sets for an
external ask/tell loop (PyGAD, Nevergrad, scipy). See docs/fitting.md.
"""

import re
import time

import numpy as np

from rheobase import _core
from rheobase.core.namespace import caller_frame, resolve
from rheobase.units.dimensions import DIMENSIONLESS, get_dimensions
from rheobase.units.quantity import Quantity

__all__ = [
    "CMAES",
    "DifferentialEvolution",
    "FeatureMetric",
    "GammaFactor",
    "GeneticAlgorithm",
    "MSEMetric",
    "NevergradOptimizer",
    "RandomSearch",
    "SobolSearch",
    "SpikeCountMetric",
    "SpikeFitter",
    "TraceFitter",
]


def _si(value):
    """``(float array in SI units, Dimension)`` of a number, array or quantity."""
    dim = get_dimensions(value) if isinstance(value, Quantity) else DIMENSIONLESS
    return np.asarray(value, dtype=np.float64), dim


def _with_dim(value, dim):
    if dim is DIMENSIONLESS or dim.is_dimensionless:
        return value
    return Quantity(value, dim=dim)


def _seconds(value):
    return float(_si(value)[0])


# ---------------------------------------------------------------------------- metrics


class MSEMetric:
    """Mean squared error between traces (brian2modelfitting's ``MSEMetric``)."""

    def __init__(self, t_start=0.0, t_weights=None, normalization=1.0):
        if t_weights is not None and _seconds(t_start) != 0.0:
            raise ValueError("Cannot use both 't_weights' and 't_start'.")
        self.t_start = t_start
        self.t_weights = t_weights
        self.normalization = normalization

    def _spec(self):
        weights = None if self.t_weights is None else [float(w) for w in self.t_weights]
        return {"kind": "mse", "t_start": _seconds(self.t_start), "t_weights": weights,
                "normalization": float(_si(self.normalization)[0])}


class GammaFactor:
    """The coincidence factor as an error (brian2modelfitting's ``GammaFactor``):
    ``1 + 2|r_data - r_model|/r_data - Γ`` with ``rate_correction`` (default), else
    ``1 - Γ``; 0 for identical spike trains. ``time`` defaults to the input's duration."""

    def __init__(self, delta, time=None, rate_correction=True, t_start=0.0,
                 normalization=1.0):
        self.delta = delta
        self.time = time
        self.rate_correction = rate_correction
        self.t_start = t_start
        self.normalization = normalization

    def _spec(self):
        return {"kind": "gamma", "delta": _seconds(self.delta),
                "time": None if self.time is None else _seconds(self.time),
                "rate_correction": bool(self.rate_correction),
                "t_start": _seconds(self.t_start), "normalization": float(self.normalization)}


class SpikeCountMetric:
    """Relative spike-count difference, plus a timing term when ``tau`` is given."""

    def __init__(self, tau=None):
        self.tau = tau

    def _spec(self):
        return {"kind": "spike_count", "tau": None if self.tau is None else _seconds(self.tau)}


class FeatureMetric:
    """Feature-based error (brian2modelfitting's ``FeatureMetric``, with a small native
    feature set instead of eFEL): ``sum_f weight_f * d_f`` averaged over input traces, where
    ``d_f`` is a normalised difference of feature ``f`` between model and data.

    Features: ``'spike_count'`` (``|n_m - n_d| / max(n_d, 1)``), ``'first_spike_latency'``
    (difference / duration), ``'mean_rate'`` (``|r_m - r_d| / max(r_d, 1/duration)``),
    ``'isi_cv'`` (absolute difference of the interspike-interval CVs) and ``'ap_amplitude'``
    (relative difference of the mean peak-minus-onset voltage; traces only). A feature
    defined on one side only counts 1, on neither side 0.

    ``features``: a list of names (weight 1) or a dict name -> weight. On voltage traces a
    spike is an upward crossing of ``threshold`` (default 0 mV); the AP onset is the last
    sample before it where the slope is below ``onset_slope`` (default 12 V/s, eFEL's).
    Works for ``TraceFitter`` and (without ``'ap_amplitude'``) ``SpikeFitter``."""

    def __init__(self, features=("spike_count", "first_spike_latency", "mean_rate",
                                 "isi_cv", "ap_amplitude"),
                 threshold=0.0, onset_slope=12.0, t_start=0.0):
        if isinstance(features, str):
            features = [features]
        if isinstance(features, dict):
            self.features = [(str(n), float(w)) for n, w in features.items()]
        else:
            self.features = [(str(n), 1.0) for n in features]
        self.threshold = threshold
        self.onset_slope = onset_slope
        self.t_start = t_start

    def _spec(self):
        return {"kind": "feature", "features": self.features,
                "threshold": float(_si(self.threshold)[0]),
                "onset_slope": float(_si(self.onset_slope)[0]),
                "t_start": _seconds(self.t_start)}


# ---------------------------------------------------------------------------- optimizers


class _BuiltinOptimizer:
    def __init__(self, kind, **options):
        self._options = dict(options, kind=kind)

    def _spec(self):
        return dict(self._options)


class DifferentialEvolution(_BuiltinOptimizer):
    """``strategy`` 'rand1bin' or 'best1bin'; ``F`` differential weight, ``CR`` crossover."""

    def __init__(self, strategy="rand1bin", F=0.7, CR=0.9, seed=0):
        super().__init__("de", strategy=strategy, F=float(F), CR=float(CR), seed=int(seed))


class CMAES(_BuiltinOptimizer):
    """CMA-ES with full covariance; ``sigma0`` is the initial step as a fraction of the
    ranges."""

    def __init__(self, sigma0=0.3, seed=0):
        super().__init__("cmaes", sigma0=float(sigma0), seed=int(seed))


class GeneticAlgorithm(_BuiltinOptimizer):
    """A genetic algorithm with PyGAD's option names (``pygad.GA``'s keyword arguments).

    ``sol_per_pop`` (population size) sets the fitter's candidates per round and
    ``num_generations`` the default ``n_rounds`` of ``fit``; genes are the parameters, scaled
    to [0, 1] over their ranges (log ranges in log space), so ``random_mutation_min_val``
    and ``random_mutation_max_val`` are fractions of the ranges. Parent selection
    ``'sss'``, ``'rws'``, ``'tournament'`` (``K_tournament``), ``'rank'``, ``'random'``;
    crossover ``'single_point'``, ``'two_points'``, ``'uniform'``/``'scattered'`` or None;
    mutation ``'random'`` or None, with ``mutation_percent_genes`` or
    ``mutation_probability``; ``keep_elitism`` best solutions survive each generation. PyGAD
    maximises a fitness; the fitter minimises the metric's error, and roulette selection uses
    ``1 / error`` as the fitness. Other PyGAD options (``gene_space``, ``fitness_func``,
    adaptive/swap/inversion/scramble mutation, ``keep_parents``) are not supported: unknown
    keywords raise TypeError and unknown selection/crossover/mutation types ValueError."""

    _SELECTIONS = ("sss", "rws", "tournament", "rank", "random")
    _CROSSOVERS = ("single_point", "two_points", "uniform", "scattered", None)
    _MUTATIONS = ("random", None)

    def __init__(self, num_parents_mating=4, parent_selection_type="sss", K_tournament=3,
                 crossover_type="single_point", crossover_probability=None,
                 mutation_type="random", mutation_percent_genes=10,
                 mutation_probability=None, mutation_by_replacement=False,
                 random_mutation_min_val=-0.1, random_mutation_max_val=0.1, keep_elitism=1,
                 random_seed=0, sol_per_pop=None, num_generations=None):
        self.sol_per_pop = None if sol_per_pop is None else int(sol_per_pop)
        self.num_generations = None if num_generations is None else int(num_generations)
        if self.sol_per_pop is not None and self.sol_per_pop < 1:
            raise ValueError("sol_per_pop must be at least 1")
        if int(num_parents_mating) < 1:
            raise ValueError("num_parents_mating must be at least 1")
        for value, allowed, what in ((parent_selection_type, self._SELECTIONS,
                                      "parent_selection_type"),
                                     (crossover_type, self._CROSSOVERS, "crossover_type"),
                                     (mutation_type, self._MUTATIONS, "mutation_type")):
            if value not in allowed:
                raise ValueError(f"{what}={value!r} is not supported (one of {allowed})")
        super().__init__(
            "ga", num_parents_mating=int(num_parents_mating),
            parent_selection_type=parent_selection_type, K_tournament=int(K_tournament),
            crossover_type="none" if crossover_type is None else crossover_type,
            crossover_probability=crossover_probability,
            mutation_type="none" if mutation_type is None else mutation_type,
            mutation_percent_genes=float(mutation_percent_genes),
            mutation_probability=mutation_probability,
            mutation_by_replacement=bool(mutation_by_replacement),
            random_mutation_min_val=float(random_mutation_min_val),
            random_mutation_max_val=float(random_mutation_max_val),
            keep_elitism=int(keep_elitism), seed=int(random_seed or 0))


class RandomSearch(_BuiltinOptimizer):
    def __init__(self, seed=0):
        super().__init__("random", seed=int(seed))


class SobolSearch(_BuiltinOptimizer):
    """Sobol' points (Joe-Kuo directions); a seed applies a random digital shift."""

    def __init__(self, seed=None):
        super().__init__("sobol", seed=seed)


def NevergradOptimizer(method="DE", seed=0, **kwds):
    """brian2modelfitting's default optimizer name, mapped to the built-in ones ('DE',
    'CMA'); other Nevergrad methods are not built in."""
    if method == "DE":
        return DifferentialEvolution(seed=seed)
    if method == "CMA":
        return CMAES(seed=seed)
    raise NotImplementedError(
        f"Nevergrad method {method!r} is not built into rheobase; use 'DE' or 'CMA', one of "
        "rheobase.fitting's optimizers, or an optimizer object with ask/tell")


# ---------------------------------------------------------------------------- fitters

_DECLARED = re.compile(r"^\s*(?:d(\w+)/dt|(\w+))\s*[:=]", re.MULTILINE)


def _namespace(frame, texts, model):
    """Constants visible to the user's code, less the model's own names."""
    declared = {a or b for a, b in _DECLARED.findall(model)}
    words = set(re.findall(r"[A-Za-z_]\w*", " ".join(t for t in texts if t)))
    return {k: v for k, v in resolve(frame).items() if k in words and k not in declared}


def _traces(value, what):
    arr, dim = _si(value)
    if arr.ndim == 1:
        arr = arr[np.newaxis, :]
    if arr.ndim != 2:
        raise ValueError(f"{what} must be a 2D array (traces x time steps)")
    return arr.tolist(), dim


def _parameters(values):
    return [(name, float(_si(v)[0]), _si(v)[1]) for name, v in values.items()]


class _Fitter:
    def __init__(self, model, input_var, input, output_var, output, output_dim, dt,
                 n_samples, method, threshold, reset, refractory, param_init, seed, level,
                 threads=None):
        if isinstance(input, dict):
            (input_var, input), = input.items()
        model = str(model)
        inputs, input_dim = _traces(input, "input")
        refr = refractory
        if refr is False or refr is None:
            refr = None
        elif not isinstance(refr, str):
            refr = _seconds(refr)
        init = {k: (float(_si(v)[0]), _si(v)[1]) for k, v in (param_init or {}).items()}
        frame = caller_frame(level)
        namespace = _namespace(frame, [model, threshold, reset, refr if isinstance(refr, str)
                                       else None], model)
        self.dt = dt
        self.n_samples = n_samples
        self.input_var = input_var
        self.best_params = None
        self.best_error = None
        self._core = _core.Fitter(model, input_var, inputs, input_dim, output_var, output,
                                  output_dim, _seconds(dt), n_samples=int(n_samples),
                                  method=method, threshold=threshold, reset=reset,
                                  refractory=refr, param_init=init, namespace=namespace,
                                  seed=int(seed),
                                  threads=None if threads is None else int(threads))

    def _default_metric(self):
        raise NotImplementedError

    def fit(self, n_rounds=None, optimizer=None, metric=None, callback="text", **params):
        """Runs ``n_rounds`` rounds (default 1, or a GeneticAlgorithm's ``num_generations``)
        and returns ``(best_params, error)`` with units. ``callback``: 'text' (one line per
        round), 'progressbar' (same), None, or a function called as ``callback(parameters,
        errors, best_parameters, best_error, index)`` that stops the fit by returning True.
        ``optimizer`` is one of this module's, or any object with brian2modelfitting's
        optimizer interface (``initialize``, ``ask``, ``tell``, ``recommend``)."""
        metric = metric if metric is not None else self._default_metric()
        optimizer = optimizer if optimizer is not None else DifferentialEvolution()
        if n_rounds is None:
            n_rounds = getattr(optimizer, "num_generations", None) or 1
        ranges = self._ranges(params)
        self._metric_spec(metric)
        population = getattr(optimizer, "sol_per_pop", None)
        if population is not None and population != self.n_samples:
            self._core.set_n_samples(population)
            self.n_samples = population
        self._last_ranges = params
        self._last_metric = metric
        if not hasattr(optimizer, "_spec"):
            return self._fit_external(n_rounds, optimizer, metric, callback, ranges)
        hook = self._hook(callback)
        parameters, error, _, _ = self._core.fit(int(n_rounds), optimizer._spec(),
                                                 self._metric_spec(metric), ranges, hook)
        self.best_params = {n: _with_dim(v, d) for n, v, d in parameters}
        self.best_error = error
        return self.best_params, error

    def _metric_spec(self, metric):
        if not hasattr(metric, "_spec"):
            raise TypeError(f"{metric!r} is not a rheobase.fitting metric (MSEMetric, "
                            "GammaFactor, FeatureMetric, SpikeCountMetric)")
        return metric._spec()

    def evaluate(self, params, metric=None):
        """Errors of parameter sets chosen elsewhere (the "tell" half of an external ask/tell
        loop, or an objective for scipy): ``params`` is one dict ``{name: value}``, a list of
        such dicts, or a dict of equal-length arrays. All sets are simulated together as one
        group; they join ``results()``. Returns an array of errors (one per set)."""
        metric = metric if metric is not None else self._default_metric()
        if isinstance(params, dict):
            columns = {n: np.atleast_1d(np.asarray(_si(v)[0], dtype=np.float64))
                       for n, v in params.items()}
            sizes = {len(c) for c in columns.values()}
            if len(sizes) > 1:
                raise ValueError("the parameter arrays have different lengths")
            dims = {n: _si(v)[1] for n, v in params.items()}
            names = list(params)
            count = sizes.pop() if sizes else 0
            sets = [[float(columns[n][k]) for n in names] for k in range(count)]
        else:
            params = list(params)
            if not params:
                raise ValueError("no parameter set to evaluate")
            names = list(params[0])
            dims = {n: _si(params[0][n])[1] for n in names}
            sets = []
            for p in params:
                if set(p) != set(names):
                    raise ValueError("every parameter set must name the same parameters")
                sets.append([float(_si(p[n])[0]) for n in names])
        self._core.check_units([(n, 0.0, dims[n]) for n in names])
        errors = self._core.evaluate(names, sets, self._metric_spec(metric))
        return np.asarray(errors)

    @staticmethod
    def _ranges(params):
        if not params:
            raise ValueError("[runtime::fit_input_mismatch] fitter: no parameter to fit: give "
                             "ranges as keyword arguments, e.g. tau=[1*ms, 50*ms]")
        ranges = []
        for name, bounds in params.items():
            bounds = list(bounds)
            log = len(bounds) == 3 and bounds[2] == "log"
            if len(bounds) != 2 and not log:
                raise ValueError(f"the range of {name!r} must be [min, max] or "
                                 "[min, max, 'log']")
            lo, dim = _si(bounds[0])
            hi, dim_hi = _si(bounds[1])
            if dim != dim_hi:
                raise ValueError(f"the bounds of {name!r} have different units")
            ranges.append((name, float(lo), float(hi), dim, log))
        return ranges

    def _hook(self, callback):
        if callback is None:
            return None
        if callback in ("text", "progressbar"):
            def text(info):
                best = ", ".join(f"{n}={_with_dim(v, d)}" for n, v, d in
                                 info["best_parameters"])
                print(f"Round {info['round']}: Best parameters {best}\n"
                      f"Best error: {info['best_error']} "
                      f"({info['evaluations_per_second']:.0f} evaluations/s)")
                return False
            return text

        def call(info):
            best = {n: _with_dim(v, d) for n, v, d in info["best_parameters"]}
            return bool(callback(None, None, best, info["best_error"], info["round"]))
        return call

    def _fit_external(self, n_rounds, optimizer, metric, callback, ranges):
        """Drives an optimizer object with brian2modelfitting's interface."""
        names = [r[0] for r in ranges]
        bounds = {name: [lo, hi] for name, lo, hi, _, _ in ranges}
        dims = {name: dim for name, _, _, dim, _ in ranges}
        optimizer.initialize(names, popsize=self.n_samples, rounds=n_rounds, **bounds)
        best = (np.inf, None)
        for index in range(n_rounds):
            started = time.perf_counter()
            candidates = optimizer.ask(n_samples=self.n_samples)
            values = [[float(x) for x in c] for c in candidates]
            errors = self._core.evaluate(names, values, self._metric_spec(metric))
            optimizer.tell(candidates, np.asarray(errors))
            for v, e in zip(values, errors):
                if e < best[0]:
                    best = (e, v)
            best_params = {n: _with_dim(x, dims[n]) for n, x in zip(names, best[1])}
            if callback == "text":
                print(f"Round {index}: Best parameters {best_params}\nBest error: {best[0]} "
                      f"({len(values) / (time.perf_counter() - started):.0f} evaluations/s)")
            elif callable(callback):
                params = [dict(zip(names, v)) for v in values]
                if callback(params, errors, best_params, best[0], index):
                    break
        self.best_params = best_params
        self.best_error = best[0]
        return best_params, best[0]

    def results(self, format="list", use_units=True):
        """Every evaluated parameter set with its error: a list of dicts, a dict of arrays
        (``format='dict'``) or a pandas DataFrame (``format='dataframe'``; values in SI
        units)."""
        rows = self._core.results()
        if format == "list":
            out = []
            for parameters, error, _ in rows:
                row = {n: (_with_dim(v, d) if use_units else v) for n, v, d in parameters}
                row["error"] = error
                out.append(row)
            return out
        columns = {}
        for parameters, error, _ in rows:
            for n, v, d in parameters:
                columns.setdefault(n, ([], d))[0].append(v)
            columns.setdefault("error", ([], DIMENSIONLESS))[0].append(error)
        if format == "dict":
            return {n: (_with_dim(np.array(v), d) if use_units else np.array(v))
                    for n, (v, d) in columns.items()}
        if format == "dataframe":
            try:
                import pandas as pd
            except ImportError as e:
                raise ImportError("results(format='dataframe') needs pandas; use "
                                  "format='list' or 'dict' without it") from e
            return pd.DataFrame({n: np.array(v) for n, (v, _) in columns.items()})
        raise ValueError(f"unknown format {format!r} (list, dict, dataframe)")

    def _params(self, params):
        params = params if params is not None else self.best_params
        if params is None:
            raise ValueError("no parameters: give params=... or call fit() first")
        return _parameters(params)


class TraceFitter(_Fitter):
    """Fits traces of ``output_var`` (brian2modelfitting's ``TraceFitter``)."""

    def __init__(self, model, input_var=None, input=None, output_var=None, output=None,
                 dt=None, n_samples=30, method=None, reset=None, refractory=False,
                 threshold=None, param_init=None, seed=0, level=0, threads=None):
        if isinstance(output, dict):
            (output_var, output), = output.items()
        if dt is None:
            raise ValueError("dt is required")
        outputs, output_dim = _traces(output, "output")
        self.output_var = output_var
        self.output_dim = output_dim
        super().__init__(model, input_var, input, output_var, outputs, output_dim, dt,
                         n_samples, method, threshold, reset, refractory, param_init, seed,
                         level + 1, threads)

    def _default_metric(self):
        return MSEMetric()

    def generate(self, params=None, output_var=None, level=0):
        """The traces of ``output_var`` (default: the fitted one) for ``params`` (default:
        the best fit), one row per input trace."""
        traces = self._core.generate(self._params(params), output_var)
        dim = self.output_dim if output_var in (None, self.output_var) else None
        arr = np.array(traces)
        return _with_dim(arr, dim) if dim is not None else arr

    def refine(self, params=None, metric=None, max_evaluations=200, **ranges):
        """Nelder-Mead refinement from ``params`` (default: the best fit) within ``ranges``
        (default: those of the last ``fit``; given as for ``fit``), with ``metric``
        (default: the last fit's). Evaluations are batched (reflection, expansion and both
        contractions simulated together) and join ``results()``. Returns ``(best_params,
        error)``; brian2modelfitting's ``refine`` uses lmfit's least squares instead."""
        if metric is None:
            metric = getattr(self, "_last_metric", None) or MSEMetric()
        if not ranges:
            ranges = getattr(self, "_last_ranges", None) or {}
        parameters, error, _, _ = self._core.refine(self._params(params),
                                                    self._metric_spec(metric),
                                                    self._ranges(ranges),
                                                    int(max_evaluations))
        self.best_params = {n: _with_dim(v, d) for n, v, d in parameters}
        self.best_error = error
        return self.best_params, error

    def generate_traces(self, params=None, param_init=None, level=0):
        return self.generate(params=params)


class SpikeFitter(_Fitter):
    """Fits spike times (brian2modelfitting's ``SpikeFitter``); ``output`` is a list of spike
    time arrays, one per input trace."""

    def __init__(self, model, input_var=None, input=None, output=None, dt=None, n_samples=30,
                 method=None, reset=None, refractory=False, threshold=None, param_init=None,
                 seed=0, level=0, threads=None):
        if dt is None:
            raise ValueError("dt is required")
        if threshold is None:
            raise ValueError("a SpikeFitter needs a threshold")
        trains = [np.asarray(_si(t)[0], dtype=np.float64).ravel().tolist() for t in output]
        super().__init__(model, input_var, input, None, trains, DIMENSIONLESS, dt, n_samples,
                         method, threshold, reset, refractory, param_init, seed, level + 1,
                         threads)

    def _default_metric(self):
        return GammaFactor(delta=self.dt)

    def _metric_spec(self, metric):
        spec = super()._metric_spec(metric)
        if spec.get("kind") == "feature":
            spec["kind"] = "spike_feature"
        return spec

    def generate(self, params=None, output_var=None, level=0):
        """Spike times (with units) per input trace for ``params`` (default: the best)."""
        from rheobase.units.allunits import second
        return [np.array(t) * second for t in self._core.generate(self._params(params))]

    def generate_spikes(self, params=None, param_init=None, level=0):
        return self.generate(params=params)
