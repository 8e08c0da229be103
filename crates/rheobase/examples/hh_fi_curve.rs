//! f-I curve of 100 Hodgkin-Huxley neurons (Traub-Miles kinetics), checked against Brian2 2.9.
//!
//! The neuron of Brian2's COBAHH example without synapses (leak reversal -65 mV as in Brian2's
//! IF_curve_Hodgkin_Huxley example, so that the smallest currents stay silent), a constant
//! current set by a string expression, exponential Euler, 1 s at dt = 0.1 ms. Threshold and
//! refractoriness are the same condition `v > -40*mV`: one spike per upward crossing, no reset.
//! Deterministic: spike counts are compared neuron by neuron (rounding tolerance only).
//!
//!     cargo run --release -p rheobase --example hh_fi_curve
//!
//! Reference numbers: `reference/hh_fi_curve.py`, `.json`, `_expected.rs`; see
//! `reference/README.md`.

use std::process::ExitCode;

#[path = "common/compare.rs"]
mod compare;
#[path = "common/fi_curve.rs"]
mod fi_curve;

/// Brian2's numbers for this model, generated from `reference/hh_fi_curve.json`.
#[allow(dead_code)] // generated: not every constant is needed here
mod brian2 {
    include!("reference/hh_fi_curve_expected.rs");
}

const N: usize = 100;
const MODEL: &str =
    "dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
alpha_m = 0.32*(mV**-1)*(13*mV-v+VT)/(exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
beta_m = 0.28*(mV**-1)*(v-VT-40*mV)/(exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*(15*mV-v+VT)/(exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
I : amp";
const THRESHOLD: &str = "v > -40*mV";
const RESET: Option<&str> = None;
/// A condition, not a duration: refractory while v stays above -40 mV.
const REFRACTORY: &str = "v > -40*mV";
const METHOD: &str = "exponential_euler";
/// Evaluated in order into the group's namespace; later entries use `area`.
const PARAMETERS: &[(&str, &str)] = &[
    ("area", "20000*umetre**2"),
    ("Cm", "(1*ufarad*cm**-2) * area"),
    ("gl", "(5e-5*siemens*cm**-2) * area"),
    ("El", "-65*mV"),
    ("EK", "-90*mV"),
    ("ENa", "50*mV"),
    ("g_na", "(100*msiemens*cm**-2) * area"),
    ("g_kd", "(30*msiemens*cm**-2) * area"),
    ("VT", "-63*mV"),
];
/// m, n and h keep their default initial value 0, as in the Brian2 script.
const INITIAL_VALUES: &[(&str, &str)] = &[("v", "El"), ("I", "1*nA*i/(N-1)")];

fn main() -> ExitCode {
    let model = fi_curve::Model {
        name: "hh_fi_curve",
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
        println!("counts by neuron: {counts:?}");
    })
}
