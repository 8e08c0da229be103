//! What the f-I curve examples (`lif_fi_curve`, `hh_fi_curve`) share: check that the model
//! an example states is the one its Brian2 reference script ran, simulate it, and compare the
//! spikes neuron by neuron (`#[path = "common/fi_curve.rs"] mod fi_curve;`, next to
//! `mod compare;`).

use crate::compare;
use rheobase::prelude::*;
use std::process::ExitCode;
use std::time::Instant;

/// The model as the example states it.
pub struct Model {
    pub name: &'static str,
    pub n: usize,
    pub equations: &'static str,
    pub threshold: &'static str,
    pub reset: Option<&'static str>,
    /// A duration or a condition (Brian2's string form).
    pub refractory: &'static str,
    pub method: &'static str,
    /// Evaluated in order into the group's namespace.
    pub parameters: &'static [(&'static str, &'static str)],
    /// Assigned in order, as in the Brian2 script.
    pub initial_values: &'static [(&'static str, &'static str)],
    /// Brian2's default time step, which both simulators use (seconds).
    pub dt_s: f64,
}

/// What the Brian2 script ran and what it gave (the generated `*_expected.rs` constants).
pub struct Reference {
    pub provenance: &'static str,
    pub run_wall_s: f64,
    pub equations: &'static str,
    pub threshold: &'static str,
    pub reset: Option<&'static str>,
    pub refractory: Option<&'static str>,
    pub method: &'static str,
    pub duration: &'static str,
    pub dt: &'static str,
    pub parameters: &'static [(&'static str, &'static str)],
    pub initial_values: &'static [(&'static str, &'static str)],
    pub n: usize,
    pub spike_counts: &'static [u32],
    pub first_spike_steps: &'static [Option<u32>],
}

/// The [`Reference`] of a module of generated constants: `fi_curve::reference!(brian2)`.
macro_rules! reference {
    ($brian2:ident) => {
        $crate::fi_curve::Reference {
            provenance: $brian2::PROVENANCE,
            run_wall_s: $brian2::BRIAN2_RUN_WALL_S,
            equations: $brian2::EQUATIONS,
            threshold: $brian2::THRESHOLD,
            reset: $brian2::RESET,
            refractory: $brian2::REFRACTORY,
            method: $brian2::METHOD,
            duration: $brian2::DURATION,
            dt: $brian2::DT,
            parameters: $brian2::PARAMETERS,
            initial_values: $brian2::INITIAL_VALUES,
            n: $brian2::N_NEURONS,
            spike_counts: &$brian2::SPIKE_COUNTS,
            first_spike_steps: &$brian2::FIRST_SPIKE_STEPS,
        }
    };
}
pub(crate) use reference;

/// Runs the comparison; `report` prints what the example adds about the counts. Succeeds
/// when the spikes agree within rounding (see `compare::Tolerance`).
pub fn main(model: &Model, reference: &Reference, report: impl Fn(&[u32])) -> ExitCode {
    match run(model, reference, report) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(
    model: &Model,
    reference: &Reference,
    report: impl Fn(&[u32]),
) -> Result<bool, Box<dyn std::error::Error>> {
    check_matches(model, reference)?;
    let net = Network::new();
    let g = NeuronGroup::new(
        &net,
        model.n,
        model.equations,
        NeuronGroupOptions {
            method: Some(model.method.into()),
            threshold: Some(model.threshold.into()),
            reset: model.reset.map(Into::into),
            refractory: Refractory::Expression(model.refractory.into()),
            namespace: namespace(model.parameters)?,
            dt: Some(model.dt_s),
            ..Default::default()
        },
    )?;
    for (var, expr) in model.initial_values {
        g.set_expr(var, expr)?;
    }
    let spikes = SpikeMonitor::spikes(&g, Default::default())?;

    let start = Instant::now();
    net.run(q(reference.duration)?.value)?;
    let wall = start.elapsed().as_secs_f64();

    let got = compare::SpikeSummary::from_monitor(model.n, &spikes.i(), &spikes.t(), model.dt_s)?;
    let cmp = compare::compare_spikes(
        model.name,
        reference.spike_counts,
        reference.first_spike_steps,
        &got,
        compare::Tolerance::default(),
    );
    print!("{}", cmp.report());
    report(&got.counts);
    println!(
        "run(): {wall:.3} s; Brian2 {:.3} s [{}]",
        reference.run_wall_s, reference.provenance
    );
    Ok(cmp.passed())
}

/// The example's strings are what the Brian2 script ran; stop early if they drift apart.
fn check_matches(model: &Model, reference: &Reference) -> Result<(), String> {
    let same = reference.dt == "0.1*ms"
        && (model.dt_s - 1e-4).abs() < 1e-18
        && reference.duration == "1*second"
        && model.equations == reference.equations
        && model.threshold == reference.threshold
        && model.reset == reference.reset
        && Some(model.refractory) == reference.refractory
        && model.method == reference.method
        && model.parameters == reference.parameters
        && model.initial_values == reference.initial_values
        && model.n == reference.n;
    if same {
        Ok(())
    } else {
        Err(format!(
            "model definition differs from reference/{}.json; regenerate it",
            model.name
        ))
    }
}
