//! Fits a leaky integrate-and-fire model to voltage traces that the model itself produced
//! (with a little recording noise added), prints recovered vs true parameters and the time
//! per round, then refines the best fit with Nelder-Mead. Each round simulates all
//! candidates times all three current steps as one NeuronGroup.
//!
//!     cargo run --release -p rheobase --example fit_lif [-- de|cmaes|ga|sobol]

use rheobase::fitting::optimizer::{
    CmaEs, CmaEsOptions, Crossover, DifferentialEvolution, DifferentialEvolutionOptions,
    GeneticAlgorithm, GeneticAlgorithmOptions, NelderMeadOptions, ParentSelection, SearchRng,
    SobolSearch,
};
use rheobase::fitting::{
    FitterOptions, MseMetric, Optimizer, ParameterRange, RoundInfo, TraceFitter, Traces,
};
use rheobase::prelude::*;
use std::process::ExitCode;
use std::time::Instant;

const MODEL: &str = "dv/dt = (EL - v + R*I)/tau : volt
EL : volt (constant)
R : ohm (constant)
tau : second (constant)";

const DT: f64 = 0.1e-3;
const STEPS: usize = 2000; // 200 ms
const N_SAMPLES: usize = 60;
const N_ROUNDS: usize = 30;

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
        "ga" => Box::new(GeneticAlgorithm::new(GeneticAlgorithmOptions {
            num_parents_mating: 20,
            parent_selection: ParentSelection::Tournament { k: 3 },
            crossover: Crossover::Uniform,
            keep_elitism: 2,
            seed: 1,
            ..Default::default()
        })),
        "sobol" => Box::new(SobolSearch::new(Some(1))),
        _ => Box::new(CmaEs::new(CmaEsOptions {
            seed: 1,
            ..Default::default()
        })),
    };

    // Three current steps, 20 ms to 150 ms.
    let amplitudes = [0.1e-9, 0.25e-9, 0.4e-9];
    let input: Vec<Vec<f64>> = amplitudes
        .iter()
        .map(|&a| {
            (0..STEPS)
                .map(|k| if (200..1500).contains(&k) { a } else { 0.0 })
                .collect()
        })
        .collect();
    let amp = q("amp")?.dim;
    let volt = q("volt")?.dim;
    let truth = vec![
        ("EL".to_string(), q("-65*mV")?),
        ("R".to_string(), q("80*Mohm")?),
        ("tau".to_string(), q("15*ms")?),
    ];
    let options = |n| FitterOptions {
        n_samples: n,
        param_init: vec![("v".into(), q("-65*mV").expect("valid"))],
        ..Default::default()
    };

    // Synthetic recordings: the model's own traces plus 0.2 mV of Gaussian noise.
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
        .map(|trace| {
            trace
                .into_iter()
                .map(|v| v + 0.2e-3 * noise.normal())
                .collect()
        })
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
        ParameterRange::linear("EL", q("-80*mV")?, q("-50*mV")?),
        ParameterRange::log("R", q("10*Mohm")?, q("500*Mohm")?),
        ParameterRange::log("tau", q("1*ms")?, q("100*ms")?),
    ];
    let refine_ranges = ranges.clone();
    println!(
        "fitting {} parameters with {}: {N_ROUNDS} rounds of {N_SAMPLES} candidates x 3 traces \
         ({} neurons, {} steps each)",
        ranges.len(),
        optimizer.name(),
        N_SAMPLES * 3,
        STEPS
    );
    let mut callback = |r: &RoundInfo| {
        println!(
            "round {:2}: best error {:.4e} V^2, {:6.1} ms/round, {:7.0} evaluations/s",
            r.round,
            r.best_error,
            r.round_time.as_secs_f64() * 1e3,
            r.evaluations_per_second
        );
        false
    };
    let started = Instant::now();
    let best = fitter.fit(
        N_ROUNDS,
        optimizer.as_mut(),
        &MseMetric::default(),
        ranges,
        Some(&mut callback),
    )?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "\n{} evaluations in {:.2} s ({:.1} ms per round); final error {:.4e} V^2 \
         (noise floor {:.1e})",
        best.evaluations,
        elapsed,
        elapsed * 1e3 / best.rounds as f64,
        best.error,
        0.2e-3f64.powi(2)
    );
    print_table(&best.parameters, &truth);

    let started = Instant::now();
    let options = NelderMeadOptions {
        max_evaluations: 200,
        ..Default::default()
    };
    let refined = fitter.refine(
        &best.parameters,
        &MseMetric::default(),
        refine_ranges,
        &options,
    )?;
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
        "{:>6} {:>14} {:>14} {:>9}",
        "param", "true", "fitted", "rel err"
    );
    for ((name, fitted), (_, true_value)) in fitted.iter().zip(truth) {
        println!(
            "{:>6} {:>14.6e} {:>14.6e} {:>8.3}%",
            name,
            true_value.value,
            fitted.value,
            100.0 * (fitted.value / true_value.value - 1.0).abs()
        );
    }
}
