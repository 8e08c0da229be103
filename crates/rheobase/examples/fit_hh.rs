//! Fits the sodium and potassium conductances of a Traub-Miles Hodgkin-Huxley neuron (the
//! model of brian2modelfitting's HH tutorial) to voltage traces it produced under three
//! current steps, with 0.5 mV of Gaussian recording noise. A global search (CMA-ES or
//! differential evolution, at most 2,000 candidate evaluations) is followed by a batched
//! Nelder-Mead refinement; the table shows how close each stage gets to the true values.
//!
//!     cargo run --release -p rheobase --example fit_hh [-- cmaes|de]
//!
//! The test `hh_fit_recovers_g_na_and_g_kd_then_refines_within_2_percent` in
//! rheobase-fitting runs the same fit on shorter traces; examples/fitting/hh_traces.py is the
//! Python version, and bench/fitting compares it with brian2modelfitting.

use rheobase::fitting::optimizer::{
    CmaEs, CmaEsOptions, DifferentialEvolution, DifferentialEvolutionOptions, NelderMeadOptions,
    SearchRng,
};
use rheobase::fitting::{
    FitterOptions, MseMetric, Optimizer, ParameterRange, RoundInfo, TraceFitter, Traces,
};
use rheobase::prelude::*;
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

const MODEL: &str = "dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*(13.*mV-v+VT)/(exp((13.*mV-v+VT)/(4.*mV))-1.)/ms*(1-m)-0.28*(mV**-1)*(v-VT-40.*mV)/(exp((v-VT-40.*mV)/(5.*mV))-1.)/ms*m : 1
dn/dt = 0.032*(mV**-1)*(15.*mV-v+VT)/(exp((15.*mV-v+VT)/(5.*mV))-1.)/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
g_na : siemens (constant)
g_kd : siemens (constant)";

const DT: f64 = 0.01e-3;
const STEPS: usize = 6000; // 60 ms: steps from 5 ms to 55 ms
const N_SAMPLES: usize = 50;
const N_ROUNDS: usize = 40; // 2,000 evaluations
const NOISE: f64 = 0.5e-3;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let which = std::env::args().nth(1).unwrap_or_else(|| "cmaes".into());
    let mut optimizer: Box<dyn Optimizer> = match which.as_str() {
        "de" => Box::new(DifferentialEvolution::new(DifferentialEvolutionOptions {
            seed: 1,
            ..Default::default()
        })),
        _ => Box::new(CmaEs::new(CmaEsOptions {
            seed: 1,
            ..Default::default()
        })),
    };
    // A membrane of 20,000 um^2: 1 uF/cm^2 -> 0.2 nF, 100 mS/cm^2 -> 20 uS.
    let namespace: HashMap<String, Quantity> = [
        ("Cm", "0.2*nF"),
        ("gl", "0.02*uS"),
        ("El", "-65*mV"),
        ("EK", "-90*mV"),
        ("ENa", "50*mV"),
        ("VT", "-63*mV"),
    ]
    .into_iter()
    .map(|(n, v)| Ok((n.to_string(), q(v)?)))
    .collect::<Result<_, Box<dyn std::error::Error>>>()?;
    let input: Vec<Vec<f64>> = [0.5e-9, 1.0e-9, 1.5e-9]
        .iter()
        .map(|&a| {
            (0..STEPS)
                .map(|k| if (500..5500).contains(&k) { a } else { 0.0 })
                .collect()
        })
        .collect();
    let (amp, volt) = (q("amp")?.dim, q("volt")?.dim);
    let truth = vec![
        ("g_na".to_string(), q("20*uS")?),
        ("g_kd".to_string(), q("6*uS")?),
    ];
    let options = |n| FitterOptions {
        n_samples: n,
        method: Some("exponential_euler".into()),
        param_init: vec![("v".into(), q("-65*mV").expect("valid"))],
        namespace: namespace.clone(),
        ..Default::default()
    };

    let placeholder = Traces::new(vec![vec![0.0; STEPS]; 3], volt);
    let mut generator = TraceFitter::new(
        MODEL,
        "I",
        Traces::new(input.clone(), amp),
        "v",
        placeholder,
        DT,
        options(1),
    )?;
    let mut noise = SearchRng::new(42);
    let recorded: Vec<Vec<f64>> = generator
        .generate(&truth, None)?
        .into_iter()
        .map(|t| t.into_iter().map(|v| v + NOISE * noise.normal()).collect())
        .collect();

    let mut fitter = TraceFitter::new(
        MODEL,
        "I",
        Traces::new(input, amp),
        "v",
        Traces::new(recorded, volt),
        DT,
        options(N_SAMPLES),
    )?;
    let ranges = vec![
        ParameterRange::log("g_na", q("2*uS")?, q("200*uS")?),
        ParameterRange::log("g_kd", q("0.6*uS")?, q("60*uS")?),
    ];
    println!(
        "fitting g_na, g_kd with {}: {N_ROUNDS} rounds of {N_SAMPLES} candidates x 3 traces \
         ({} neurons, {STEPS} steps of {} ms)",
        optimizer.name(),
        N_SAMPLES * 3,
        DT * 1e3
    );
    let mut callback = |r: &RoundInfo| {
        if r.round % 5 == 4 {
            println!(
                "round {:2}: best error {:.4e} V^2, {:6.1} ms/round, {:6.0} evaluations/s",
                r.round,
                r.best_error,
                r.round_time.as_secs_f64() * 1e3,
                r.evaluations_per_second
            );
        }
        false
    };
    let metric = MseMetric::default();
    let started = Instant::now();
    let best = fitter.fit(
        N_ROUNDS,
        optimizer.as_mut(),
        &metric,
        ranges.clone(),
        Some(&mut callback),
    )?;
    println!(
        "\nglobal search: {} evaluations in {:.2} s; error {:.4e} V^2 (noise floor {:.1e})",
        best.evaluations,
        started.elapsed().as_secs_f64(),
        best.error,
        NOISE * NOISE
    );
    print_table(&best.parameters, &truth);

    let started = Instant::now();
    let refine_options = NelderMeadOptions {
        max_evaluations: 150,
        initial_step: 0.02,
        ..Default::default()
    };
    let refined = fitter.refine(&best.parameters, &metric, ranges, &refine_options)?;
    println!(
        "\nNelder-Mead refinement: {} evaluations in {:.2} s; error {:.4e} V^2",
        refined.evaluations,
        started.elapsed().as_secs_f64(),
        refined.error
    );
    print_table(&refined.parameters, &truth);
    Ok(())
}

fn print_table(fitted: &[(String, Quantity)], truth: &[(String, Quantity)]) {
    println!(
        "{:>6} {:>10} {:>10} {:>9}",
        "param", "true", "fitted", "rel err"
    );
    for (name, true_value) in truth {
        let Some((_, fitted)) = fitted.iter().find(|(n, _)| n == name) else {
            continue;
        };
        println!(
            "{:>6} {:>8.3}uS {:>8.3}uS {:>8.3}%",
            name,
            true_value.value * 1e6,
            fitted.value * 1e6,
            100.0 * (fitted.value / true_value.value - 1.0).abs()
        );
    }
}
