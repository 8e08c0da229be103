//! `SpikeFitter`: fits spike times under one or several input protocols.

use super::simulation::Recording;
use super::trace::check_units;
use super::{
    check_traces, split_parameters, Callback, EvaluatedParameters, FitOutcome, FitterCore,
    FitterOptions, Traces,
};
use crate::error::{FitError, Result};
use crate::metric::SpikeMetric;
use crate::optimizer::Optimizer;
use crate::space::ParameterRange;
use rheobase_units::Quantity;

pub struct SpikeFitter {
    core: FitterCore,
    output: Vec<Vec<f64>>,
}

impl SpikeFitter {
    /// `output` holds the recorded spike times (seconds), one train per input protocol. The
    /// options must give a `threshold` (and usually a `reset`).
    pub fn new(
        model: &str,
        input_var: &str,
        input: Traces,
        output: Vec<Vec<f64>>,
        dt: f64,
        options: FitterOptions,
    ) -> Result<SpikeFitter> {
        if options.threshold.is_none() {
            return Err(FitError::Input(
                "a SpikeFitter needs a threshold condition".into(),
            ));
        }
        let core = FitterCore::new(model, input_var, &input, dt, &options)?;
        check_traces("input", &input.values)?;
        if output.len() != input.values.len() {
            return Err(FitError::Input(format!(
                "{} input traces but {} spike trains",
                input.values.len(),
                output.len()
            )));
        }
        let duration = core.setup().duration();
        let mut sorted = output;
        for (k, train) in sorted.iter_mut().enumerate() {
            if train
                .iter()
                .any(|&t| !(t.is_finite() && (0.0..=duration).contains(&t)))
            {
                return Err(FitError::Input(format!(
                    "spike train {k} has times outside the input's duration (0 to {duration} s)"
                )));
            }
            train.sort_by(f64::total_cmp);
        }
        Ok(SpikeFitter {
            core,
            output: sorted,
        })
    }

    /// Runs `n_rounds` rounds of `optimizer` over `ranges` and returns the best parameters.
    pub fn fit(
        &mut self,
        n_rounds: usize,
        optimizer: &mut dyn Optimizer,
        metric: &dyn SpikeMetric,
        ranges: Vec<ParameterRange>,
        callback: Option<Callback<'_>>,
    ) -> Result<FitOutcome> {
        metric.check().map_err(FitError::Input)?;
        let space = self.core.space(ranges)?;
        let output = &self.output;
        self.core.fit(
            n_rounds,
            optimizer,
            &space,
            callback,
            &mut |core, names, values| errors(core, output, metric, names, values),
        )
    }

    /// Errors of externally chosen parameter sets (see `TraceFitter::evaluate`).
    pub fn evaluate(
        &mut self,
        names: &[String],
        values: &[Vec<f64>],
        metric: &dyn SpikeMetric,
    ) -> Result<Vec<f64>> {
        metric.check().map_err(FitError::Input)?;
        self.core.check_values(names, values)?;
        let e = errors(&mut self.core, &self.output, metric, names, values)?;
        self.core.record(names, values, &e);
        Ok(e)
    }

    /// Installs the poll that stops a fit, `evaluate` or `refine` in the middle of a
    /// simulation: it is called about every 50 ms, and when it returns `true` the call ends
    /// with `runtime::interrupted`, keeping the results of the rounds completed before.
    pub fn set_interrupt(&mut self, poll: Option<rheobase_runtime::interrupt::InterruptPoll>) {
        self.core.set_interrupt(poll);
    }

    /// Changes the number of candidates simulated per round of later fits (PyGAD's
    /// `sol_per_pop`).
    pub fn set_n_samples(&mut self, n_samples: usize) -> Result<()> {
        self.core.set_n_samples(n_samples)
    }

    /// See `TraceFitter::check_parameter_units`.
    pub fn check_parameter_units(&self, parameters: &[(String, Quantity)]) -> Result<()> {
        let (names, values) = split_parameters(parameters)?;
        self.core.check_values(&names, &[values])?;
        check_units(&self.core, parameters)
    }

    pub fn results(&self) -> &[EvaluatedParameters] {
        self.core.results()
    }

    /// Spike times of `parameters` on every input protocol.
    pub fn generate(&mut self, parameters: &[(String, Quantity)]) -> Result<Vec<Vec<f64>>> {
        let (names, values) = split_parameters(parameters)?;
        self.core
            .check_values(&names, std::slice::from_ref(&values))?;
        check_units(&self.core, parameters)?;
        let batch = self.core.simulate(&names, &[values], Recording::Spikes)?;
        Ok(batch.spike_trains())
    }
}

fn errors(
    core: &mut FitterCore,
    output: &[Vec<f64>],
    metric: &dyn SpikeMetric,
    names: &[String],
    values: &[Vec<f64>],
) -> Result<Vec<f64>> {
    let n_traces = core.setup().n_traces();
    let dt = core.setup().dt;
    let duration = core.setup().duration();
    let batch = core.simulate(names, values, Recording::Spikes)?;
    let trains = batch.spike_trains();
    Ok((0..values.len())
        .map(|c| {
            metric.error(
                &trains[c * n_traces..(c + 1) * n_traces],
                output,
                dt,
                duration,
            )
        })
        .collect())
}
