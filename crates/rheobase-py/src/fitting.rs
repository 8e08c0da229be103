//! `rheobase._core.Fitter`: the glue of `rheobase.fitting` (brian2modelfitting's API lives in
//! Python). Values cross as SI floats with dimensions; optimizers and metrics as small dicts
//! (`{"kind": "de", ...}`) that are turned into the Rust objects here.

use crate::dimension::{intern, PyDimension};
use crate::errors::runtime_err;
use crate::runtime::PyRefractory;
use pyo3::conversion::FromPyObjectOwned;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rheobase_fitting::optimizer::{
    CmaEs, CmaEsOptions, Crossover, DeStrategy, DifferentialEvolution,
    DifferentialEvolutionOptions, GeneticAlgorithm, GeneticAlgorithmOptions, Mutation,
    MutationGenes, NelderMeadOptions, ParentSelection, RandomSearch, SobolSearch,
};
use rheobase_fitting::{
    Feature, FeatureMetric, FitError, FitterOptions, GammaFactor, MseMetric, Optimizer,
    ParameterRange, RoundInfo, SpikeCountMetric, SpikeFitter, SpikeMetric, TraceFitter,
    TraceMetric, Traces,
};
use rheobase_runtime::Refractory;
use rheobase_units::Quantity;
use std::collections::HashMap;

type Res<T> = PyResult<T>;

fn fit_err(py: Python<'_>, e: FitError) -> PyErr {
    match e {
        FitError::Runtime(r) => runtime_err(py, &r),
        other => PyValueError::new_err(format!("[{}] {other}", other.code())),
    }
}

enum Kind {
    Trace(TraceFitter),
    Spike(SpikeFitter),
}

enum Metric {
    Trace(Box<dyn TraceMetric>),
    Spike(Box<dyn SpikeMetric>),
}

/// A value of a spec dict, or the default when the key is absent or None.
fn opt<'py, T: FromPyObjectOwned<'py>>(spec: &Bound<'py, PyDict>, key: &str, default: T) -> Res<T> {
    match spec.get_item(key)? {
        Some(v) if !v.is_none() => v.extract::<T>().map_err(|e| {
            let e: PyErr = e.into();
            PyValueError::new_err(format!("option '{key}': {e}"))
        }),
        _ => Ok(default),
    }
}

fn optimizer_from(spec: &Bound<'_, PyDict>) -> Res<Box<dyn Optimizer>> {
    let kind: String = opt(spec, "kind", String::new())?;
    let seed: u64 = opt(spec, "seed", 0)?;
    Ok(match kind.as_str() {
        "de" => {
            let strategy = match opt(spec, "strategy", "rand1bin".to_string())?.as_str() {
                "rand1bin" => DeStrategy::Rand1Bin,
                "best1bin" => DeStrategy::Best1Bin,
                s => return Err(PyValueError::new_err(format!("unknown DE strategy '{s}'"))),
            };
            Box::new(DifferentialEvolution::new(DifferentialEvolutionOptions {
                strategy,
                differential_weight: opt(spec, "F", 0.7)?,
                crossover_probability: opt(spec, "CR", 0.9)?,
                seed,
            }))
        }
        "cmaes" => Box::new(CmaEs::new(CmaEsOptions {
            sigma0: opt(spec, "sigma0", 0.3)?,
            mean0: None,
            seed,
        })),
        "ga" => {
            let parent_selection =
                match opt(spec, "parent_selection_type", "sss".to_string())?.as_str() {
                    "sss" => ParentSelection::SteadyState,
                    "rws" => ParentSelection::Roulette,
                    "tournament" => ParentSelection::Tournament {
                        k: opt(spec, "K_tournament", 3)?,
                    },
                    "rank" => ParentSelection::Rank,
                    "random" => ParentSelection::Random,
                    s => {
                        return Err(PyValueError::new_err(format!(
                        "unknown parent_selection_type '{s}' (sss, rws, tournament, rank, random)"
                    )))
                    }
                };
            let crossover = match opt(spec, "crossover_type", "single_point".to_string())?.as_str()
            {
                "single_point" => Crossover::SinglePoint,
                "two_points" => Crossover::TwoPoints,
                "uniform" | "scattered" => Crossover::Uniform,
                "none" => Crossover::None,
                s => {
                    return Err(PyValueError::new_err(format!(
                        "unknown crossover_type '{s}' (single_point, two_points, uniform)"
                    )))
                }
            };
            let mutation = match opt(spec, "mutation_type", "random".to_string())?.as_str() {
                "random" => {
                    let probability: Option<f64> = opt(spec, "mutation_probability", None)?;
                    let genes = match probability {
                        Some(p) => MutationGenes::Probability(p),
                        None => MutationGenes::Percent(opt(spec, "mutation_percent_genes", 10.0)?),
                    };
                    Mutation::Random {
                        genes,
                        by_replacement: opt(spec, "mutation_by_replacement", false)?,
                        min_val: opt(spec, "random_mutation_min_val", -0.1)?,
                        max_val: opt(spec, "random_mutation_max_val", 0.1)?,
                    }
                }
                "none" => Mutation::None,
                s => {
                    return Err(PyValueError::new_err(format!(
                        "unknown mutation_type '{s}' (random or None)"
                    )))
                }
            };
            Box::new(GeneticAlgorithm::new(GeneticAlgorithmOptions {
                num_parents_mating: opt(spec, "num_parents_mating", 4)?,
                parent_selection,
                crossover,
                crossover_probability: opt(spec, "crossover_probability", None)?,
                mutation,
                keep_elitism: opt(spec, "keep_elitism", 1)?,
                seed,
            }))
        }
        "random" => Box::new(RandomSearch::new(seed)),
        "sobol" => Box::new(SobolSearch::new(opt(spec, "seed", None)?)),
        k => {
            return Err(PyValueError::new_err(format!(
                "unknown optimizer kind '{k}'"
            )))
        }
    })
}

fn metric_from(spec: &Bound<'_, PyDict>) -> Res<Metric> {
    let kind: String = opt(spec, "kind", String::new())?;
    Ok(match kind.as_str() {
        "mse" => Metric::Trace(Box::new(MseMetric {
            t_start: opt(spec, "t_start", 0.0)?,
            t_weights: opt(spec, "t_weights", None)?,
            normalization: opt(spec, "normalization", 1.0)?,
        })),
        "gamma" => Metric::Spike(Box::new(GammaFactor {
            delta: opt(spec, "delta", 0.0)?,
            time: opt(spec, "time", None)?,
            rate_correction: opt(spec, "rate_correction", true)?,
            t_start: opt(spec, "t_start", 0.0)?,
            normalization: opt(spec, "normalization", 1.0)?,
        })),
        "spike_count" => Metric::Spike(Box::new(SpikeCountMetric {
            tau: opt(spec, "tau", None)?,
        })),
        "feature" | "spike_feature" => {
            let mut features = Vec::new();
            for (name, weight) in opt::<Vec<(String, f64)>>(spec, "features", Vec::new())? {
                let feature = Feature::from_name(&name).ok_or_else(|| {
                    let known: Vec<&str> = Feature::ALL.iter().map(|f| f.name()).collect();
                    PyValueError::new_err(format!(
                        "unknown feature '{name}' (known: {})",
                        known.join(", ")
                    ))
                })?;
                features.push((feature, weight));
            }
            let metric = FeatureMetric {
                features,
                threshold: opt(spec, "threshold", 0.0)?,
                onset_slope: opt(spec, "onset_slope", 12.0)?,
                t_start: opt(spec, "t_start", 0.0)?,
            };
            if kind == "feature" {
                Metric::Trace(Box::new(metric))
            } else {
                Metric::Spike(Box::new(metric))
            }
        }
        k => return Err(PyValueError::new_err(format!("unknown metric kind '{k}'"))),
    })
}

fn parameters_py(
    py: Python<'_>,
    parameters: &[(String, Quantity)],
) -> Res<Vec<(String, f64, Py<PyDimension>)>> {
    parameters
        .iter()
        .map(|(n, q)| Ok((n.clone(), q.value, intern(py, q.dim)?)))
        .collect()
}

fn ranges_from(ranges: Vec<(String, f64, f64, PyDimension, bool)>) -> Vec<ParameterRange> {
    ranges
        .into_iter()
        .map(|(name, lo, hi, dim, log)| {
            let (lo, hi) = (Quantity::new(lo, dim.0), Quantity::new(hi, dim.0));
            if log {
                ParameterRange::log(name, lo, hi)
            } else {
                ParameterRange::linear(name, lo, hi)
            }
        })
        .collect()
}

/// A `TraceFitter` or `SpikeFitter`.
#[pyclass(name = "Fitter", module = "rheobase._core")]
pub struct PyFitter(Option<Kind>);

impl PyFitter {
    fn kind(&mut self) -> Res<&mut Kind> {
        self.0
            .as_mut()
            .ok_or_else(|| PyValueError::new_err("the fitter is busy (called from its callback?)"))
    }
}

#[pymethods]
impl PyFitter {
    /// `output_var=None` makes a `SpikeFitter` (output: spike times per trace, seconds).
    #[new]
    #[pyo3(signature = (model, input_var, input, input_dim, output_var, output, output_dim, dt,
                        n_samples=30, method=None, threshold=None, reset=None, refractory=None,
                        param_init=HashMap::new(), namespace=HashMap::new(), seed=0,
                        threads=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        model: &str,
        input_var: &str,
        input: Vec<Vec<f64>>,
        input_dim: PyDimension,
        output_var: Option<String>,
        output: Vec<Vec<f64>>,
        output_dim: PyDimension,
        dt: f64,
        n_samples: usize,
        method: Option<String>,
        threshold: Option<String>,
        reset: Option<String>,
        refractory: Option<PyRefractory>,
        param_init: HashMap<String, (f64, PyDimension)>,
        namespace: HashMap<String, (f64, PyDimension)>,
        seed: u64,
        threads: Option<usize>,
    ) -> Res<Self> {
        let quantities = |m: HashMap<String, (f64, PyDimension)>| {
            m.into_iter()
                .map(|(k, (v, d))| (k, Quantity::new(v, d.0)))
                .collect::<Vec<_>>()
        };
        let options = FitterOptions {
            n_samples,
            method,
            threshold,
            reset,
            refractory: match refractory {
                None => Refractory::None,
                Some(PyRefractory::Duration(d)) => Refractory::Duration(d),
                Some(PyRefractory::Expression(e)) => Refractory::Expression(e),
            },
            param_init: quantities(param_init),
            namespace: quantities(namespace).into_iter().collect(),
            seed,
            progress: false,
            threads,
        };
        let input = Traces::new(input, input_dim.0);
        let kind = match output_var {
            Some(var) => TraceFitter::new(
                model,
                input_var,
                input,
                &var,
                Traces::new(output, output_dim.0),
                dt,
                options,
            )
            .map(Kind::Trace),
            None => SpikeFitter::new(model, input_var, input, output, dt, options).map(Kind::Spike),
        };
        let mut kind = kind.map_err(|e| fit_err(py, e))?;
        // Ctrl+C stops a fit within a simulation, keeping the rounds completed before.
        let poll = Some(crate::runtime::python_signals());
        match &mut kind {
            Kind::Trace(f) => f.set_interrupt(poll),
            Kind::Spike(f) => f.set_interrupt(poll),
        }
        Ok(PyFitter(Some(kind)))
    }

    /// Runs the fit; `ranges` are `(name, low, high, dim, log)`. The callback gets a dict per
    /// round and stops the fit by returning a true value. Returns
    /// `(parameters [(name, value, dim)], error, rounds, evaluations)`.
    #[pyo3(signature = (n_rounds, optimizer, metric, ranges, callback=None))]
    #[allow(clippy::type_complexity)]
    fn fit(
        &mut self,
        py: Python<'_>,
        n_rounds: usize,
        optimizer: &Bound<'_, PyDict>,
        metric: &Bound<'_, PyDict>,
        ranges: Vec<(String, f64, f64, PyDimension, bool)>,
        callback: Option<Py<PyAny>>,
    ) -> Res<(Vec<(String, f64, Py<PyDimension>)>, f64, usize, usize)> {
        let mut optimizer = optimizer_from(optimizer)?;
        let metric = metric_from(metric)?;
        let ranges = ranges_from(ranges);
        let mut kind = self.0.take().ok_or_else(|| {
            PyValueError::new_err("the fitter is busy (called from its callback?)")
        })?;
        let mut callback_error: Option<PyErr> = None;
        let outcome = py.detach(|| {
            let mut hook = |info: &RoundInfo| -> bool {
                let Some(cb) = callback.as_ref() else {
                    return false;
                };
                Python::attach(|py| {
                    let call = || -> PyResult<bool> {
                        let d = PyDict::new(py);
                        d.set_item("round", info.round)?;
                        d.set_item("best_error", info.best_error)?;
                        d.set_item("round_best_error", info.round_best_error)?;
                        d.set_item("evaluations", info.evaluations)?;
                        d.set_item("round_time", info.round_time.as_secs_f64())?;
                        d.set_item("evaluations_per_second", info.evaluations_per_second)?;
                        d.set_item("best_parameters", parameters_py(py, &info.best_parameters)?)?;
                        cb.call1(py, (d,))?.bind(py).is_truthy()
                    };
                    match call() {
                        Ok(stop) => stop,
                        Err(e) => {
                            callback_error = Some(e);
                            true
                        }
                    }
                })
            };
            let result = match (&mut kind, &metric) {
                (Kind::Trace(f), Metric::Trace(m)) => f.fit(
                    n_rounds,
                    optimizer.as_mut(),
                    m.as_ref(),
                    ranges,
                    Some(&mut hook),
                ),
                (Kind::Spike(f), Metric::Spike(m)) => f.fit(
                    n_rounds,
                    optimizer.as_mut(),
                    m.as_ref(),
                    ranges,
                    Some(&mut hook),
                ),
                _ => Err(FitError::Input(
                    "this metric does not fit this fitter (trace metrics for TraceFitter, \
                     spike metrics for SpikeFitter)"
                        .into(),
                )),
            };
            (result, kind)
        });
        let (result, kind) = outcome;
        self.0 = Some(kind);
        if let Some(e) = callback_error {
            return Err(e);
        }
        let outcome = result.map_err(|e| fit_err(py, e))?;
        Ok((
            parameters_py(py, &outcome.parameters)?,
            outcome.error,
            outcome.rounds,
            outcome.evaluations,
        ))
    }

    /// Nelder-Mead refinement (TraceFitter only) from `start` `[(name, value, dim)]` within
    /// `ranges`. Returns what `fit` returns.
    #[allow(clippy::type_complexity)]
    fn refine(
        &mut self,
        py: Python<'_>,
        start: Vec<(String, f64, PyDimension)>,
        metric: &Bound<'_, PyDict>,
        ranges: Vec<(String, f64, f64, PyDimension, bool)>,
        max_evaluations: usize,
    ) -> Res<(Vec<(String, f64, Py<PyDimension>)>, f64, usize, usize)> {
        let metric = metric_from(metric)?;
        let start: Vec<(String, Quantity)> = start
            .into_iter()
            .map(|(n, v, d)| (n, Quantity::new(v, d.0)))
            .collect();
        let ranges = ranges_from(ranges);
        let options = NelderMeadOptions {
            max_evaluations,
            ..Default::default()
        };
        let kind = self.kind()?;
        let result = py.detach(|| match (kind, &metric) {
            (Kind::Trace(f), Metric::Trace(m)) => f.refine(&start, m.as_ref(), ranges, &options),
            _ => Err(FitError::Input(
                "refine needs a TraceFitter and a trace metric".into(),
            )),
        });
        let outcome = result.map_err(|e| fit_err(py, e))?;
        Ok((
            parameters_py(py, &outcome.parameters)?,
            outcome.error,
            outcome.rounds,
            outcome.evaluations,
        ))
    }

    /// Errors of parameter sets chosen outside (an ask/tell optimizer in Python).
    fn evaluate(
        &mut self,
        py: Python<'_>,
        names: Vec<String>,
        values: Vec<Vec<f64>>,
        metric: &Bound<'_, PyDict>,
    ) -> Res<Vec<f64>> {
        let metric = metric_from(metric)?;
        let kind = self.kind()?;
        let result = py.detach(|| match (kind, &metric) {
            (Kind::Trace(f), Metric::Trace(m)) => f.evaluate(&names, &values, m.as_ref()),
            (Kind::Spike(f), Metric::Spike(m)) => f.evaluate(&names, &values, m.as_ref()),
            _ => Err(FitError::Input(
                "this metric does not fit this fitter".into(),
            )),
        });
        result.map_err(|e| fit_err(py, e))
    }

    /// Candidates per round of later fits.
    fn set_n_samples(&mut self, py: Python<'_>, n_samples: usize) -> Res<()> {
        let result = match self.kind()? {
            Kind::Trace(f) => f.set_n_samples(n_samples),
            Kind::Spike(f) => f.set_n_samples(n_samples),
        };
        result.map_err(|e| fit_err(py, e))
    }

    /// Checks parameters `[(name, value, dim)]`: fittable, in the model's units.
    fn check_units(
        &mut self,
        py: Python<'_>,
        parameters: Vec<(String, f64, PyDimension)>,
    ) -> Res<()> {
        let parameters: Vec<(String, Quantity)> = parameters
            .into_iter()
            .map(|(n, v, d)| (n, Quantity::new(v, d.0)))
            .collect();
        let result = match self.kind()? {
            Kind::Trace(f) => f.check_parameter_units(&parameters),
            Kind::Spike(f) => f.check_parameter_units(&parameters),
        };
        result.map_err(|e| fit_err(py, e))
    }

    /// Every evaluated set: `(parameters [(name, value, dim)], error, round)`.
    #[allow(clippy::type_complexity)]
    fn results(
        &mut self,
        py: Python<'_>,
    ) -> Res<Vec<(Vec<(String, f64, Py<PyDimension>)>, f64, usize)>> {
        let results = match self.kind()? {
            Kind::Trace(f) => f.results().to_vec(),
            Kind::Spike(f) => f.results().to_vec(),
        };
        results
            .iter()
            .map(|r| Ok((parameters_py(py, &r.parameters)?, r.error, r.round)))
            .collect()
    }

    /// Traces of `variable` (TraceFitter) or spike trains (SpikeFitter) for one parameter set
    /// given as `(name, value, dim)`.
    #[pyo3(signature = (parameters, variable=None))]
    fn generate(
        &mut self,
        py: Python<'_>,
        parameters: Vec<(String, f64, PyDimension)>,
        variable: Option<String>,
    ) -> Res<Vec<Vec<f64>>> {
        let parameters: Vec<(String, Quantity)> = parameters
            .into_iter()
            .map(|(n, v, d)| (n, Quantity::new(v, d.0)))
            .collect();
        let kind = self.kind()?;
        let result = py.detach(|| match kind {
            Kind::Trace(f) => f.generate(&parameters, variable.as_deref()),
            Kind::Spike(f) => f.generate(&parameters),
        });
        result.map_err(|e| fit_err(py, e))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFitter>()?;
    Ok(())
}
