//! `TraceFitter`: fits a model variable's traces (usually the membrane potential) under one or
//! several input protocols.

use super::simulation::{PartRecording, Recording};
use super::{
    check_traces, split_parameters, Callback, EvaluatedParameters, FitOutcome, FitterCore,
    FitterOptions, Traces,
};
use crate::error::{FitError, Result};
use crate::metric::TraceMetric;
use crate::optimizer::{NelderMeadOptions, Optimizer};
use crate::space::ParameterRange;
use rheobase_units::display::dimension_unit_string;
use rheobase_units::Quantity;

pub struct TraceFitter {
    core: FitterCore,
    output_var: String,
    output: Vec<Vec<f64>>,
}

impl TraceFitter {
    /// `input` feeds `input_var` (one trace per protocol, sampled every `dt`); `output` holds
    /// the recorded `output_var`, one trace per protocol, of the same length. The model
    /// declares the parameters to fit as `name : unit (constant)`.
    pub fn new(
        model: &str,
        input_var: &str,
        input: Traces,
        output_var: &str,
        output: Traces,
        dt: f64,
        options: FitterOptions,
    ) -> Result<TraceFitter> {
        let core = FitterCore::new(model, input_var, &input, dt, &options)?;
        check_traces("output", &output.values)?;
        if output.values.len() != input.values.len() {
            return Err(FitError::Input(format!(
                "{} input traces but {} output traces",
                input.values.len(),
                output.values.len()
            )));
        }
        if output.values[0].len() != input.values[0].len() {
            return Err(FitError::Input(format!(
                "the input traces have {} samples but the output traces have {}",
                input.values[0].len(),
                output.values[0].len()
            )));
        }
        let Some(dim) = core.info().dimension_of(output_var) else {
            return Err(FitError::Input(format!(
                "the output variable '{output_var}' is not defined in the model"
            )));
        };
        if dim != output.dim {
            return Err(FitError::Input(format!(
                "the output has unit {} but the model declares '{output_var}' in {}",
                dimension_unit_string(&output.dim),
                dimension_unit_string(&dim)
            )));
        }
        Ok(TraceFitter {
            core,
            output_var: output_var.to_string(),
            output: output.values,
        })
    }

    /// Runs `n_rounds` rounds of `optimizer` over `ranges` and returns the best parameters.
    /// The callback sees each round and may stop the fit by returning `true`.
    pub fn fit(
        &mut self,
        n_rounds: usize,
        optimizer: &mut dyn Optimizer,
        metric: &dyn TraceMetric,
        ranges: Vec<ParameterRange>,
        callback: Option<Callback<'_>>,
    ) -> Result<FitOutcome> {
        metric
            .check(self.output[0].len())
            .map_err(FitError::Input)?;
        let space = self.core.space(ranges)?;
        let output_var = self.output_var.clone();
        let output = &self.output;
        self.core.fit(
            n_rounds,
            optimizer,
            &space,
            callback,
            &mut |core, names, values| errors(core, &output_var, output, metric, names, values),
        )
    }

    /// Local refinement (Nelder-Mead, batched) from `start`, usually the result of `fit`,
    /// within `ranges`.
    pub fn refine(
        &mut self,
        start: &[(String, Quantity)],
        metric: &dyn TraceMetric,
        ranges: Vec<ParameterRange>,
        options: &NelderMeadOptions,
    ) -> Result<FitOutcome> {
        metric
            .check(self.output[0].len())
            .map_err(FitError::Input)?;
        let space = self.core.space(ranges)?;
        let output_var = self.output_var.clone();
        let output = &self.output;
        self.core
            .refine(start, &space, options, &mut |core, names, values| {
                errors(core, &output_var, output, metric, names, values)
            })
    }

    /// Errors of externally chosen parameter sets (`values[c]` in the order of `names`, SI),
    /// for an optimizer that runs outside (ask/tell from Python). They join `results()`.
    pub fn evaluate(
        &mut self,
        names: &[String],
        values: &[Vec<f64>],
        metric: &dyn TraceMetric,
    ) -> Result<Vec<f64>> {
        metric
            .check(self.output[0].len())
            .map_err(FitError::Input)?;
        self.core.check_values(names, values)?;
        let e = errors(
            &mut self.core,
            &self.output_var,
            &self.output,
            metric,
            names,
            values,
        )?;
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

    /// Checks that each parameter is fittable and given in the model's unit (the values are
    /// not used), for callers that pass SI values to `evaluate`.
    pub fn check_parameter_units(&self, parameters: &[(String, Quantity)]) -> Result<()> {
        let (names, values) = split_parameters(parameters)?;
        self.core.check_values(&names, &[values])?;
        check_units(&self.core, parameters)
    }

    /// Every parameter set evaluated so far, with its error.
    pub fn results(&self) -> &[EvaluatedParameters] {
        self.core.results()
    }

    /// Simulates `parameters` on every input protocol and returns `variable` (default: the
    /// output variable), one trace per protocol.
    pub fn generate(
        &mut self,
        parameters: &[(String, Quantity)],
        variable: Option<&str>,
    ) -> Result<Vec<Vec<f64>>> {
        let (names, values) = split_parameters(parameters)?;
        self.core
            .check_values(&names, std::slice::from_ref(&values))?;
        check_units(&self.core, parameters)?;
        let var = variable.unwrap_or(&self.output_var).to_string();
        let batch = self
            .core
            .simulate(&names, &[values], Recording::Variable(var.clone()))?;
        Ok(batch.traces(&var))
    }
}

/// The parameters' units against the model's declarations.
pub(crate) fn check_units(core: &FitterCore, parameters: &[(String, Quantity)]) -> Result<()> {
    for (name, q) in parameters {
        if let Some(dim) = core.info().dimension_of(name) {
            if dim != q.dim {
                return Err(FitError::Input(format!(
                    "'{name}' is given in {} but the model declares {}",
                    dimension_unit_string(&q.dim),
                    dimension_unit_string(&dim)
                )));
            }
        }
    }
    Ok(())
}

fn errors(
    core: &mut FitterCore,
    output_var: &str,
    output: &[Vec<f64>],
    metric: &dyn TraceMetric,
    names: &[String],
    values: &[Vec<f64>],
) -> Result<Vec<f64>> {
    let dt = core.setup().dt;
    let recording = Recording::Variable(output_var.to_string());
    // Each part scores its own candidates from the monitor's time-major samples.
    let score = |part: PartRecording<'_>| -> Vec<f64> {
        match part.samples {
            Some((samples, n_neurons)) => metric.errors_time_major(samples, n_neurons, output, dt),
            None => vec![f64::NAN; part.candidates.len()],
        }
    };
    let per_part = core.simulate_then(names, values, recording, &score)?;
    Ok(per_part.into_iter().flatten().collect())
}
