//! Adaptive exponential integrate-and-fire neurons in three firing regimes, checked against
//! Brian2 2.9.
//!
//! Brette & Gerstner (2005) parameters as in Brian2's example Brette_Gerstner_2005.py: one
//! NeuronGroup of 10 neurons per regime (regular spiking = adapting, bursting, fast spiking =
//! tonic), each with its own namespace, a constant current from 0.25 to 2.5 nA set by a string
//! expression, RK4, 1 s at dt = 0.1 ms. Deterministic: counts, first spikes and whole spike
//! trains are compared with Brian2's (rounding tolerance only).
//!
//!     cargo run --release -p rheobase --example adex
//!
//! Reference numbers: `reference/adex.py`, `.json`, `_expected.rs`; see `reference/README.md`.

use std::process::ExitCode;
use std::time::Instant;

use rheobase::prelude::*;

#[path = "common/compare.rs"]
mod compare;

/// Brian2's numbers for this model, generated from `reference/adex.json`.
#[allow(dead_code)] // generated: not every constant is needed here
mod brian2 {
    include!("reference/adex_expected.rs");
}

const N_PER_REGIME: usize = 10;
const MODEL: &str = "dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
dw/dt = (a*(vm - EL) - w)/tauw : amp
I : amp";
const THRESHOLD: &str = "vm > Vcut";
const RESET: &str = "vm = Vr; w += b";
const METHOD: &str = "rk4";
/// Shared by the three regimes; evaluated first, in order.
const SHARED_PARAMETERS: &[(&str, &str)] = &[
    ("C", "281*pF"),
    ("gL", "30*nS"),
    ("EL", "-70.6*mV"),
    ("VT", "-50.4*mV"),
    ("DeltaT", "2*mV"),
    ("Vcut", "VT + 5*DeltaT"),
];
/// (regime, its own parameters, evaluated after the shared ones).
const REGIMES: &[(&str, &[(&str, &str)])] = &[
    (
        "regular_spiking",
        &[
            ("tauw", "144*ms"),
            ("a", "4*nS"),
            ("b", "0.0805*nA"),
            ("Vr", "-70.6*mV"),
        ],
    ),
    (
        "bursting",
        &[
            ("tauw", "20*ms"),
            ("a", "4*nS"),
            ("b", "0.5*nA"),
            ("Vr", "VT + 5*mV"),
        ],
    ),
    (
        "fast_spiking",
        &[
            ("tauw", "144*ms"),
            ("a", "2*C/(144*ms)"),
            ("b", "0*nA"),
            ("Vr", "-70.6*mV"),
        ],
    ),
];
/// w keeps its default initial value 0, as in the Brian2 script.
const INITIAL_VALUES: &[(&str, &str)] = &[("vm", "EL"), ("I", "0.25*nA + 2.25*nA*i/(N-1)")];
/// Brian2's default time step, which both simulators use here (seconds).
const DT_S: f64 = 1e-4;
/// Share of Brian2's spikes that must have a spike of ours within one step.
const MIN_TRAIN_AGREEMENT: f64 = 0.99;

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
    let mut monitors = Vec::new();
    for (name, params) in REGIMES {
        let g = NeuronGroup::new(
            &net,
            N_PER_REGIME,
            MODEL,
            NeuronGroupOptions {
                name: Some((*name).into()),
                method: Some(METHOD.into()),
                threshold: Some(THRESHOLD.into()),
                reset: Some(RESET.into()),
                namespace: namespace(&[SHARED_PARAMETERS, params].concat())?,
                dt: Some(DT_S),
                ..Default::default()
            },
        )?;
        for (var, expr) in INITIAL_VALUES {
            g.set_expr(var, expr)?;
        }
        monitors.push(SpikeMonitor::spikes(&g, Default::default())?);
    }

    let start = Instant::now();
    net.run(q(brian2::DURATION)?.value)?;
    let wall = start.elapsed().as_secs_f64();

    let mut all_passed = true;
    for (regime, spikes) in brian2::REGIMES.iter().zip(&monitors) {
        let got =
            compare::SpikeSummary::from_monitor(N_PER_REGIME, &spikes.i(), &spikes.t(), DT_S)?;
        let cmp = compare::compare_spikes(
            regime.name,
            regime.spike_counts,
            regime.first_spike_steps,
            &got,
            compare::Tolerance::default(),
        );
        let agreement = compare::train_agreement(regime.spike_steps, &got.trains, 1);
        print!("{}", cmp.report());
        println!(
            "  {:.1}% of Brian2's spikes matched within one step",
            100.0 * agreement
        );
        all_passed &= cmp.passed() && agreement >= MIN_TRAIN_AGREEMENT;
    }
    println!(
        "run(): {wall:.3} s; Brian2 {:.3} s [{}]",
        brian2::BRIAN2_RUN_WALL_S,
        brian2::PROVENANCE
    );
    Ok(all_passed)
}

/// The strings above are what the Brian2 script ran; stop early if they drift apart.
fn check_definition_matches_reference() -> Result<(), String> {
    let regimes_same = REGIMES.len() == brian2::REGIMES.len()
        && REGIMES
            .iter()
            .zip(&brian2::REGIMES)
            .all(|((name, params), r)| *name == r.name && *params == r.parameters);
    let same = brian2::DT == "0.1*ms"
        && brian2::DURATION == "1*second"
        && regimes_same
        && MODEL == brian2::EQUATIONS
        && THRESHOLD == brian2::THRESHOLD
        && Some(RESET) == brian2::RESET
        && brian2::REFRACTORY.is_none()
        && METHOD == brian2::METHOD
        && SHARED_PARAMETERS == brian2::SHARED_PARAMETERS
        && INITIAL_VALUES == brian2::INITIAL_VALUES
        && N_PER_REGIME * REGIMES.len() == brian2::N_NEURONS;
    if same {
        Ok(())
    } else {
        Err("model definition differs from reference/adex.json; regenerate it".into())
    }
}
