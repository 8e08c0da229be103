//! The HH acceptance fit: voltage traces of a Traub-Miles Hodgkin-Huxley neuron (the
//! model of brian2modelfitting's HH tutorial) under three current steps, with 0.5 mV of
//! recording noise; recover `g_na` and `g_kd` within 10 % from a global search of at most
//! 2,000 evaluations, and within 2 % after Nelder-Mead refinement.
//!
//! Kept short for debug builds (25 ms traces at dt = 0.02 ms, three steps that each fire a
//! few spikes); `examples/fit_hh.rs` runs the same fit on longer traces.

use super::q;
use rheobase_fitting::optimizer::{CmaEs, CmaEsOptions, NelderMeadOptions, SearchRng};
use rheobase_fitting::{FitterOptions, MseMetric, ParameterRange, TraceFitter, Traces};
use rheobase_units::Quantity;
use std::collections::HashMap;

const HH: &str = "dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*(13.*mV-v+VT)/(exp((13.*mV-v+VT)/(4.*mV))-1.)/ms*(1-m)-0.28*(mV**-1)*(v-VT-40.*mV)/(exp((v-VT-40.*mV)/(5.*mV))-1.)/ms*m : 1
dn/dt = 0.032*(mV**-1)*(15.*mV-v+VT)/(exp((15.*mV-v+VT)/(5.*mV))-1.)/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
g_na : siemens (constant)
g_kd : siemens (constant)";

const DT: f64 = 0.02e-3;
const STEPS: usize = 1250; // 25 ms

/// Membrane area 20,000 um^2 as in the tutorial: g_na = 100 mS/cm^2 -> 20 uS.
fn namespace() -> HashMap<String, Quantity> {
    [
        ("Cm", q(0.2, "nF")),
        ("gl", q(0.02, "uS")),
        ("El", q(-65.0, "mV")),
        ("EK", q(-90.0, "mV")),
        ("ENa", q(50.0, "mV")),
        ("VT", q(-63.0, "mV")),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v))
    .collect()
}

/// Steps of 0.5, 1 and 1.5 nA from 2 ms to 22 ms.
fn input() -> Traces {
    let values = [0.5e-9, 1.0e-9, 1.5e-9]
        .iter()
        .map(|&a| {
            (0..STEPS)
                .map(|k| if (100..1100).contains(&k) { a } else { 0.0 })
                .collect()
        })
        .collect();
    Traces::new(values, q(1.0, "amp").dim)
}

fn fitter(output: Vec<Vec<f64>>, n_samples: usize) -> TraceFitter {
    TraceFitter::new(
        HH,
        "I",
        input(),
        "v",
        Traces::new(output, q(1.0, "volt").dim),
        DT,
        FitterOptions {
            n_samples,
            method: Some("exponential_euler".into()),
            param_init: vec![("v".into(), q(-65.0, "mV"))],
            namespace: namespace(),
            ..Default::default()
        },
    )
    .unwrap()
}

fn ranges() -> Vec<ParameterRange> {
    vec![
        ParameterRange::log("g_na", q(2.0, "uS"), q(200.0, "uS")),
        ParameterRange::log("g_kd", q(0.6, "uS"), q(60.0, "uS")),
    ]
}

fn relative_error(fitted: &[(String, Quantity)], name: &str, truth: f64) -> f64 {
    let (_, value) = fitted.iter().find(|(n, _)| n == name).unwrap();
    (value.value / truth - 1.0).abs()
}

#[test]
fn hh_fit_recovers_g_na_and_g_kd_then_refines_within_2_percent() {
    let (g_na, g_kd) = (20e-6, 6e-6);
    let truth = vec![
        (
            "g_na".to_string(),
            Quantity::new(g_na, q(1.0, "siemens").dim),
        ),
        (
            "g_kd".to_string(),
            Quantity::new(g_kd, q(1.0, "siemens").dim),
        ),
    ];
    let mut generator = fitter(vec![vec![0.0; STEPS]; 3], 1);
    let clean = generator.generate(&truth, None).unwrap();
    // Every step fires: a real spiking fit, not a passive one.
    for trace in &clean {
        let spikes = trace
            .windows(2)
            .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
            .count();
        assert!(spikes >= 1, "a step did not fire");
    }
    let mut noise = SearchRng::new(7);
    let recorded: Vec<Vec<f64>> = clean
        .iter()
        .map(|t| t.iter().map(|v| v + 0.5e-3 * noise.normal()).collect())
        .collect();

    let mut fitter = fitter(recorded, 20);
    let mut cmaes = CmaEs::new(CmaEsOptions {
        seed: 11,
        ..Default::default()
    });
    let metric = MseMetric::default();
    let best = fitter.fit(15, &mut cmaes, &metric, ranges(), None).unwrap();
    assert!(best.evaluations <= 2000);
    let (na, kd) = (
        relative_error(&best.parameters, "g_na", g_na),
        relative_error(&best.parameters, "g_kd", g_kd),
    );
    assert!(
        na < 0.10 && kd < 0.10,
        "global: g_na off {na}, g_kd off {kd}"
    );

    let options = NelderMeadOptions {
        max_evaluations: 120,
        initial_step: 0.02,
        ..Default::default()
    };
    let refined = fitter
        .refine(&best.parameters, &metric, ranges(), &options)
        .unwrap();
    assert!(refined.error <= best.error);
    let (na, kd) = (
        relative_error(&refined.parameters, "g_na", g_na),
        relative_error(&refined.parameters, "g_kd", g_kd),
    );
    assert!(
        na < 0.02 && kd < 0.02,
        "refined: g_na off {na}, g_kd off {kd}"
    );
    // The error reached the noise floor (0.5 mV)^2.
    assert!(refined.error < 1.5 * 0.5e-3f64.powi(2), "{}", refined.error);
}
