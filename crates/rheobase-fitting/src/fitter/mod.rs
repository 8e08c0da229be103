//! `TraceFitter` and `SpikeFitter`: the shared set-up checks, the round loop and the record
//! of every evaluated parameter set.
//!
//! A fit round asks the optimizer for `n_samples` points, maps them to parameter values,
//! simulates them all at once (see [`simulation`]) and tells the optimizer the metric's
//! errors. An external optimizer can drive the same evaluation with `evaluate`.

mod model;
mod simulation;
mod spike;
mod trace;

pub use spike::SpikeFitter;
pub use trace::TraceFitter;

use crate::error::{FitError, Result};
use crate::optimizer::Optimizer;
use crate::space::{ParameterRange, ParameterSpace};
use model::ModelInfo;
use rheobase_runtime::interrupt::InterruptPoll;
use rheobase_runtime::Refractory;
use rheobase_units::{Dimension, Quantity};
use simulation::{Batch, ModelSetup, PartRecording, Recording};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Recorded or input data: one array per protocol, sampled every `dt`, in SI units of `dim`.
#[derive(Clone, Debug, PartialEq)]
pub struct Traces {
    pub values: Vec<Vec<f64>>,
    pub dim: Dimension,
}

impl Traces {
    pub fn new(values: Vec<Vec<f64>>, dim: Dimension) -> Traces {
        Traces { values, dim }
    }
}

/// The keyword arguments of brian2modelfitting's fitters besides the data.
#[derive(Clone, Debug)]
pub struct FitterOptions {
    /// Candidates simulated per round (`n_samples`).
    pub n_samples: usize,
    /// Integration method; `None` chooses as Brian2 does.
    pub method: Option<String>,
    pub threshold: Option<String>,
    pub reset: Option<String>,
    pub refractory: Refractory,
    /// Initial values of state variables (`param_init`), e.g. `v = -70 mV`.
    pub param_init: Vec<(String, Quantity)>,
    /// External constants the model may use.
    pub namespace: HashMap<String, Quantity>,
    /// Seed of the simulation's random numbers (noise in the model).
    pub seed: u64,
    /// Print one line per round to stderr (best error, evaluations per second).
    pub progress: bool,
    /// Threads that simulate a round (`0`: one per core); `None`: the `RHEOBASE_THREADS`
    /// environment variable, else one per core. Results do not depend on it: the candidates
    /// are split into groups simulated side by side, or, for models that draw random
    /// numbers, the one group's kernels are split.
    pub threads: Option<usize>,
}

impl Default for FitterOptions {
    fn default() -> Self {
        FitterOptions {
            n_samples: 30,
            method: None,
            threshold: None,
            reset: None,
            refractory: Refractory::None,
            param_init: Vec::new(),
            namespace: HashMap::new(),
            seed: 0,
            progress: false,
            threads: None,
        }
    }
}

/// One evaluated parameter set.
#[derive(Clone, Debug, PartialEq)]
pub struct EvaluatedParameters {
    pub parameters: Vec<(String, Quantity)>,
    pub error: f64,
    /// The round of `fit` that evaluated it (counted over all fits of this fitter).
    pub round: usize,
}

/// What the callback sees after each round.
#[derive(Clone, Debug)]
pub struct RoundInfo {
    pub round: usize,
    pub best_error: f64,
    pub best_parameters: Vec<(String, Quantity)>,
    pub round_best_error: f64,
    pub evaluations: usize,
    pub round_time: Duration,
    pub evaluations_per_second: f64,
}

/// The result of `fit`.
#[derive(Clone, Debug, PartialEq)]
pub struct FitOutcome {
    pub parameters: Vec<(String, Quantity)>,
    pub error: f64,
    pub rounds: usize,
    pub evaluations: usize,
}

/// Simulates and scores candidates given as SI values in the order of the names.
pub(crate) type Evaluate<'a> =
    &'a mut dyn FnMut(&mut FitterCore, &[String], &[Vec<f64>]) -> Result<Vec<f64>>;

/// Called after each round; return `true` to stop the fit.
pub type Callback<'a> = &'a mut dyn FnMut(&RoundInfo) -> bool;

/// What both fitters share: the checked model, the simulation set-up, the batch and results.
pub(crate) struct FitterCore {
    info: ModelInfo,
    setup: ModelSetup,
    batch: Option<Batch>,
    results: Vec<EvaluatedParameters>,
    rounds_done: usize,
    n_samples: usize,
    progress: bool,
    /// Polled during each simulation (see `rheobase_runtime::interrupt`).
    interrupt: Option<InterruptPoll>,
}

impl FitterCore {
    pub fn new(
        model: &str,
        input_var: &str,
        input: &Traces,
        dt: f64,
        options: &FitterOptions,
    ) -> Result<FitterCore> {
        if !(dt > 0.0 && dt.is_finite()) {
            return Err(FitError::Input(format!(
                "dt must be positive and finite, got {dt}"
            )));
        }
        if options.n_samples == 0 {
            return Err(FitError::Input("n_samples must be at least 1".into()));
        }
        check_traces("input", &input.values)?;
        let info = ModelInfo::parse(model)?;
        let model_text = info.with_input(input_var, input.dim, input.values.len())?;
        let mut param_init = Vec::new();
        for (name, value) in &options.param_init {
            let dim = info.dimension_of(name).ok_or_else(|| {
                FitError::Input(format!(
                    "param_init sets '{name}', which the model does not define"
                ))
            })?;
            if dim != value.dim {
                return Err(FitError::Input(format!(
                    "param_init gives '{name}' a value of the wrong unit (the model declares {})",
                    rheobase_units::display::dimension_unit_string(&dim)
                )));
            }
            param_init.push((name.clone(), value.value));
        }
        let setup = ModelSetup {
            model: model_text,
            group_options: rheobase_runtime::NeuronGroupOptions {
                method: options.method.clone(),
                threshold: options.threshold.clone(),
                reset: options.reset.clone(),
                refractory: options.refractory.clone(),
                namespace: options.namespace.clone(),
                name: Some("fitted".into()),
                ..Default::default()
            },
            input_var: input_var.to_string(),
            inputs: std::sync::Arc::new(input.values.clone()),
            input_dim: input.dim,
            dt,
            param_init,
            seed: options.seed,
            threads: options.threads,
        };
        Ok(FitterCore {
            info,
            setup,
            batch: None,
            results: Vec::new(),
            rounds_done: 0,
            n_samples: options.n_samples,
            progress: options.progress,
            interrupt: None,
        })
    }

    pub fn set_interrupt(&mut self, poll: Option<InterruptPoll>) {
        self.interrupt = poll;
    }

    pub fn set_n_samples(&mut self, n_samples: usize) -> Result<()> {
        if n_samples == 0 {
            return Err(FitError::Input("n_samples must be at least 1".into()));
        }
        self.n_samples = n_samples;
        Ok(())
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    pub fn setup(&self) -> &ModelSetup {
        &self.setup
    }

    /// Checks ranges against the model: declared `(constant)` parameters of the right unit.
    pub fn space(&self, ranges: Vec<ParameterRange>) -> Result<ParameterSpace> {
        let space = ParameterSpace::new(ranges)?;
        for r in &space.ranges {
            self.info
                .check_fit_parameter(&r.name, &self.setup.input_var)?;
            let dim = self.info.dimension_of(&r.name).unwrap_or(r.dimension());
            if dim != r.dimension() {
                return Err(FitError::Range {
                    parameter: r.name.clone(),
                    message: format!(
                        "the bounds are in {} but the model declares {}",
                        rheobase_units::display::dimension_unit_string(&r.dimension()),
                        rheobase_units::display::dimension_unit_string(&dim)
                    ),
                });
            }
        }
        Ok(space)
    }

    /// Simulates candidates (`values[c]` in the order of `names`, SI) with a batch of the
    /// right size, rebuilt when the size or what is recorded changes.
    pub fn simulate(
        &mut self,
        names: &[String],
        values: &[Vec<f64>],
        recording: Recording,
    ) -> Result<&Batch> {
        self.prepare_batch(values.len(), recording)?;
        let batch = self.batch.as_ref().expect("prepared");
        batch.run(&self.setup, names, values)?;
        Ok(batch)
    }

    /// Simulates as [`FitterCore::simulate`] does, then scores each part of the batch on
    /// the thread that simulated it (see [`Batch::run_then`]).
    pub fn simulate_then<R: Send>(
        &mut self,
        names: &[String],
        values: &[Vec<f64>],
        recording: Recording,
        score: &(dyn Fn(PartRecording<'_>) -> R + Sync),
    ) -> Result<Vec<R>> {
        self.prepare_batch(values.len(), recording)?;
        let batch = self.batch.as_ref().expect("prepared");
        batch.run_then(&self.setup, names, values, score)
    }

    /// Makes the batch one for `n` candidates recording `recording` (built when there is
    /// none yet of that kind), with the fitter's interrupt poll.
    fn prepare_batch(&mut self, n: usize, recording: Recording) -> Result<()> {
        let reuse = self
            .batch
            .as_ref()
            .is_some_and(|b| b.n_candidates == n && *b.recording() == recording);
        if !reuse {
            self.batch = None;
            self.batch = Some(Batch::build(&self.setup, n, recording)?);
        }
        let batch = self.batch.as_mut().expect("built above");
        batch.set_interrupt(self.interrupt.clone());
        Ok(())
    }

    /// Checks externally chosen parameter values (for `evaluate` and `generate`): every name
    /// a fittable parameter, every set complete.
    pub fn check_values(&self, names: &[String], values: &[Vec<f64>]) -> Result<()> {
        if values.is_empty() {
            return Err(FitError::Input("no parameter set to evaluate".into()));
        }
        for name in names {
            self.info.check_fit_parameter(name, &self.setup.input_var)?;
        }
        if let Some(bad) = values.iter().find(|v| v.len() != names.len()) {
            return Err(FitError::Input(format!(
                "a parameter set has {} values for {} names",
                bad.len(),
                names.len()
            )));
        }
        Ok(())
    }

    pub fn quantities(&self, names: &[String], values: &[f64]) -> Vec<(String, Quantity)> {
        names
            .iter()
            .zip(values)
            .map(|(n, &v)| {
                let dim = self
                    .info
                    .dimension_of(n)
                    .unwrap_or(Dimension::DIMENSIONLESS);
                (n.clone(), Quantity::new(v, dim))
            })
            .collect()
    }

    pub fn record(&mut self, names: &[String], values: &[Vec<f64>], errors: &[f64]) {
        for (v, &e) in values.iter().zip(errors) {
            let parameters = self.quantities(names, v);
            self.results.push(EvaluatedParameters {
                parameters,
                error: e,
                round: self.rounds_done,
            });
        }
    }

    pub fn results(&self) -> &[EvaluatedParameters] {
        &self.results
    }

    /// The round loop. `evaluate` simulates and scores candidates given as SI values.
    pub fn fit(
        &mut self,
        n_rounds: usize,
        optimizer: &mut dyn Optimizer,
        space: &ParameterSpace,
        mut callback: Option<Callback<'_>>,
        evaluate: Evaluate<'_>,
    ) -> Result<FitOutcome> {
        let names: Vec<String> = space.names().iter().map(|s| s.to_string()).collect();
        optimizer.start(space.dims());
        let mut best: Option<(f64, Vec<f64>)> = None;
        let mut evaluations = 0;
        let mut rounds = 0;
        for _ in 0..n_rounds {
            let started = Instant::now();
            let points = optimizer.ask(self.n_samples);
            let values: Vec<Vec<f64>> = points.iter().map(|p| space.values(p)).collect();
            let errors = evaluate(self, &names, &values)?;
            optimizer.tell(&errors);
            self.record(&names, &values, &errors);
            self.rounds_done += 1;
            rounds += 1;
            evaluations += values.len();
            let mut round_best = f64::NAN;
            for (v, &e) in values.iter().zip(&errors) {
                if crate::optimizer::error_order(e, round_best).is_lt() {
                    round_best = e;
                }
                if best
                    .as_ref()
                    .is_none_or(|(b, _)| crate::optimizer::error_order(e, *b).is_lt())
                {
                    best = Some((e, v.clone()));
                }
            }
            let (best_error, best_values) = best.clone().expect("at least one evaluation");
            let round_time = started.elapsed();
            let info = RoundInfo {
                round: self.rounds_done - 1,
                best_error,
                best_parameters: self.quantities(&names, &best_values),
                round_best_error: round_best,
                evaluations,
                round_time,
                evaluations_per_second: values.len() as f64 / round_time.as_secs_f64().max(1e-9),
            };
            if self.progress {
                eprintln!(
                    "round {}: best error {:.6e} (this round {:.6e}), {:.0} evaluations/s",
                    info.round, info.best_error, info.round_best_error, info.evaluations_per_second
                );
            }
            if let Some(cb) = callback.as_mut() {
                if cb(&info) {
                    break;
                }
            }
        }
        let Some((error, values)) = best else {
            return Err(FitError::Input("n_rounds must be at least 1".into()));
        };
        Ok(FitOutcome {
            parameters: self.quantities(&names, &values),
            error,
            rounds,
            evaluations,
        })
    }
}

impl FitterCore {
    /// Nelder-Mead refinement from `start` (every parameter of `space`, in any order) within
    /// the ranges; the evaluations join `results()` as one more round.
    pub fn refine(
        &mut self,
        start: &[(String, Quantity)],
        space: &ParameterSpace,
        options: &crate::optimizer::NelderMeadOptions,
        evaluate: Evaluate<'_>,
    ) -> Result<FitOutcome> {
        let names: Vec<String> = space.names().iter().map(|s| s.to_string()).collect();
        let mut values = Vec::with_capacity(names.len());
        for r in &space.ranges {
            let Some((_, q)) = start.iter().find(|(n, _)| *n == r.name) else {
                return Err(FitError::Input(format!(
                    "the starting point has no value for '{}'",
                    r.name
                )));
            };
            if q.dim != r.dimension() {
                return Err(FitError::Range {
                    parameter: r.name.clone(),
                    message: "the starting value and the range have different units".into(),
                });
            }
            values.push(q.value);
        }
        let point = space.point(&values);
        let (best, error, evaluations) =
            crate::optimizer::nelder_mead(&point, options, |points: &[Vec<f64>], real| {
                let values: Vec<Vec<f64>> = points.iter().map(|p| space.values(p)).collect();
                let errors = evaluate(self, &names, &values)?;
                self.record(&names, &values[..real], &errors[..real]);
                Ok::<_, FitError>(errors)
            })?;
        self.rounds_done += 1;
        Ok(FitOutcome {
            parameters: self.quantities(&names, &space.values(&best)),
            error,
            rounds: 1,
            evaluations,
        })
    }
}

/// Checks that data has at least one protocol, all of the same non-zero length, all finite.
pub(crate) fn check_traces(what: &str, traces: &[Vec<f64>]) -> Result<()> {
    let Some(first) = traces.first() else {
        return Err(FitError::Input(format!("the {what} has no trace")));
    };
    if first.is_empty() {
        return Err(FitError::Input(format!("the {what} traces are empty")));
    }
    if let Some((k, t)) = traces
        .iter()
        .enumerate()
        .find(|(_, t)| t.len() != first.len())
    {
        return Err(FitError::Input(format!(
            "the {what} traces have different lengths: trace 0 has {} samples, trace {k} has {}",
            first.len(),
            t.len()
        )));
    }
    if traces.iter().flatten().any(|v| !v.is_finite()) {
        return Err(FitError::Input(format!(
            "the {what} contains NaN or infinite values"
        )));
    }
    Ok(())
}

/// Names and values of `parameters`, checked for duplicates.
pub(crate) fn split_parameters(
    parameters: &[(String, Quantity)],
) -> Result<(Vec<String>, Vec<f64>)> {
    let mut names = Vec::new();
    let mut values = Vec::new();
    for (n, q) in parameters {
        if names.contains(n) {
            return Err(FitError::Input(format!("parameter '{n}' is given twice")));
        }
        names.push(n.clone());
        values.push(q.value);
    }
    Ok((names, values))
}
