//! f-I curve of 1000 leaky integrate-and-fire neurons, checked against Brian2 2.9.
//!
//! Exact integration, a 5 ms refractory period with v clamped (`unless refractory`), input
//! current and initial potential set by string expressions of `i` and `N`, 1 s at dt = 0.1 ms.
//! Deterministic, so spike counts are compared neuron by neuron (tolerance: floating-point
//! rounding only, see `common/compare.rs`).
//!
//!     cargo run --release -p rheobase --example lif_fi_curve
//!
//! Reference numbers: `reference/lif_fi_curve.py` (Brian2 script), `lif_fi_curve.json` (its
//! output), `lif_fi_curve_expected.rs` (generated constants); see `reference/README.md`.

use std::process::ExitCode;
use std::time::Instant;

use rheobase::prelude::*;

#[path = "common/compare.rs"]
mod compare;

/// Brian2's numbers for this model, generated from `reference/lif_fi_curve.json`.
#[allow(dead_code)] // generated: not every constant is needed here
mod brian2 {
    include!("reference/lif_fi_curve_expected.rs");
}

const N: usize = 1000;
const MODEL: &str = "dv/dt = (E_L - v)/tau_m + I/C_m : volt (unless refractory)
I : amp";
const THRESHOLD: &str = "v > v_th";
const RESET: &str = "v = v_reset";
const REFRACTORY: &str = "5*ms";
const METHOD: &str = "exact";
/// Evaluated in order into the group's namespace.
const PARAMETERS: &[(&str, &str)] = &[
    ("tau_m", "20*ms"),
    ("C_m", "200*pF"),
    ("E_L", "-70*mV"),
    ("v_th", "-50*mV"),
    ("v_reset", "-70*mV"),
];
/// Assigned in this order, as in the Brian2 script.
const INITIAL_VALUES: &[(&str, &str)] = &[
    ("I", "2*nA*i/(N-1)"),
    ("v", "v_reset + (v_th - v_reset)*i/N"),
];
/// Brian2's default time step, which both simulators use here (seconds).
const DT_S: f64 = 1e-4;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<bool, Box<dyn std::error::Error>> {
    check_definition_matches_reference()?;
    let net = Network::new();
    let g = NeuronGroup::new(
        &net,
        N,
        MODEL,
        NeuronGroupOptions {
            method: Some(METHOD.into()),
            threshold: Some(THRESHOLD.into()),
            reset: Some(RESET.into()),
            refractory: Refractory::Expression(REFRACTORY.into()),
            namespace: namespace(PARAMETERS)?,
            dt: Some(DT_S),
            ..Default::default()
        },
    )?;
    for (var, expr) in INITIAL_VALUES {
        g.set_expr(var, expr)?;
    }
    let spikes = SpikeMonitor::spikes(&g, Default::default())?;

    let start = Instant::now();
    net.run(q(brian2::DURATION)?.value)?;
    let wall = start.elapsed().as_secs_f64();

    let got = compare::SpikeSummary::from_monitor(N, &spikes.i(), &spikes.t(), DT_S)?;
    let cmp = compare::compare_spikes(
        "lif_fi_curve",
        &brian2::SPIKE_COUNTS,
        &brian2::FIRST_SPIKE_STEPS,
        &got,
        compare::Tolerance::default(),
    );
    print!("{}", cmp.report());
    let max_rate = got.counts.iter().max().copied().unwrap_or(0);
    println!(
        "rates 0..{max_rate} Hz (Brian2 0..{} Hz)",
        brian2::SPIKE_COUNTS.iter().max().unwrap()
    );
    println!(
        "run(): {wall:.3} s; Brian2 {:.3} s [{}]",
        brian2::BRIAN2_RUN_WALL_S,
        brian2::PROVENANCE
    );
    Ok(cmp.passed())
}

/// The strings above are what the Brian2 script ran; stop early if they drift apart.
fn check_definition_matches_reference() -> Result<(), String> {
    let same = brian2::DT == "0.1*ms"
        && brian2::DURATION == "1*second"
        && MODEL == brian2::EQUATIONS
        && THRESHOLD == brian2::THRESHOLD
        && Some(RESET) == brian2::RESET
        && Some(REFRACTORY) == brian2::REFRACTORY
        && METHOD == brian2::METHOD
        && PARAMETERS == brian2::PARAMETERS
        && INITIAL_VALUES == brian2::INITIAL_VALUES
        && N == brian2::N_NEURONS;
    if same {
        Ok(())
    } else {
        Err("model definition differs from reference/lif_fi_curve.json; regenerate it".into())
    }
}
