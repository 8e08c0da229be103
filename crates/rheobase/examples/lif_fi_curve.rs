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

#[path = "common/compare.rs"]
mod compare;
#[path = "common/fi_curve.rs"]
mod fi_curve;

/// Brian2's numbers for this model, generated from `reference/lif_fi_curve.json`.
#[allow(dead_code)] // generated: not every constant is needed here
mod brian2 {
    include!("reference/lif_fi_curve_expected.rs");
}

const N: usize = 1000;
const MODEL: &str = "dv/dt = (E_L - v)/tau_m + I/C_m : volt (unless refractory)
I : amp";
const THRESHOLD: &str = "v > v_th";
const RESET: Option<&str> = Some("v = v_reset");
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

fn main() -> ExitCode {
    let model = fi_curve::Model {
        name: "lif_fi_curve",
        n: N,
        equations: MODEL,
        threshold: THRESHOLD,
        reset: RESET,
        refractory: REFRACTORY,
        method: METHOD,
        parameters: PARAMETERS,
        initial_values: INITIAL_VALUES,
        dt_s: 1e-4,
    };
    let reference = fi_curve::reference!(brian2);
    fi_curve::main(&model, &reference, |counts| {
        let max_rate = counts.iter().max().copied().unwrap_or(0);
        println!(
            "rates 0..{max_rate} Hz (Brian2 0..{} Hz)",
            brian2::SPIKE_COUNTS.iter().max().unwrap()
        );
    })
}
