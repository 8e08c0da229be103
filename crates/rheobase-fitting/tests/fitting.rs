//! End-to-end fits: recover known parameters from data the model itself produced.

use rheobase_fitting::optimizer::{
    CmaEs, CmaEsOptions, DeStrategy, DifferentialEvolution, DifferentialEvolutionOptions,
};
use rheobase_fitting::{
    FitterOptions, GammaFactor, MseMetric, ParameterRange, SpikeFitter, TraceFitter, Traces,
};
use rheobase_runtime::Refractory;
use rheobase_units::{lookup_unit, Quantity};

#[path = "fitting/adex.rs"]
mod adex;
#[path = "fitting/hh.rs"]
mod hh;

pub(crate) fn q(v: f64, unit: &str) -> Quantity {
    let u = lookup_unit(unit).unwrap();
    Quantity::new(v * u.scale, u.dim)
}

const DT: f64 = 1e-4;

const LIF: &str = "dv/dt = (-70*mV - v + R*I)/tau : volt
R : ohm (constant)
tau : second (constant)";

/// Current steps of the given amplitudes (nA) from 10 ms to 50 ms in a 60 ms trace.
fn steps(amplitudes: &[f64], n: usize) -> Traces {
    let values = amplitudes
        .iter()
        .map(|&a| {
            (0..n)
                .map(|k| {
                    if (100..500).contains(&k) {
                        a * 1e-9
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    Traces::new(values, q(1.0, "amp").dim)
}

fn lif_options(n_samples: usize) -> FitterOptions {
    FitterOptions {
        n_samples,
        param_init: vec![("v".into(), q(-70.0, "mV"))],
        ..Default::default()
    }
}

fn lif_fitter(output: Vec<Vec<f64>>, n_samples: usize) -> TraceFitter {
    TraceFitter::new(
        LIF,
        "I",
        steps(&[0.2, 0.5], 600),
        "v",
        Traces::new(output, q(1.0, "volt").dim),
        DT,
        lif_options(n_samples),
    )
    .unwrap()
}

#[test]
fn trace_fitter_recovers_lif_resistance_and_time_constant() {
    let truth = vec![
        ("R".to_string(), q(60.0, "Mohm")),
        ("tau".to_string(), q(12.0, "ms")),
    ];
    let mut generator = lif_fitter(vec![vec![0.0; 600]; 2], 1);
    let target = generator.generate(&truth, None).unwrap();
    assert_eq!(target.len(), 2);
    // The larger step depolarises by R*I*(1 - exp(-40 ms/12 ms)) ~ 29 mV.
    let peak = target[1].iter().copied().fold(f64::MIN, f64::max);
    assert!((peak - (-0.070 + 0.030 * (1.0 - (-40.0f64 / 12.0).exp()))).abs() < 5e-4);

    let mut fitter = lif_fitter(target, 20);
    let mut optimizer = CmaEs::new(CmaEsOptions {
        seed: 3,
        ..Default::default()
    });
    let ranges = vec![
        ParameterRange::log("R", q(10.0, "Mohm"), q(300.0, "Mohm")),
        ParameterRange::linear("tau", q(2.0, "ms"), q(40.0, "ms")),
    ];
    let mut rounds = 0;
    let mut callback = |_: &rheobase_fitting::RoundInfo| {
        rounds += 1;
        false
    };
    let metric = MseMetric::default();
    let best = fitter
        .fit(25, &mut optimizer, &metric, ranges, Some(&mut callback))
        .unwrap();
    assert_eq!(rounds, 25);
    let r = best.parameters[0].1.value;
    let tau = best.parameters[1].1.value;
    assert!((r / 60e6 - 1.0).abs() < 0.01, "R = {r}");
    assert!((tau / 12e-3 - 1.0).abs() < 0.01, "tau = {tau}");
    assert_eq!(fitter.results().len(), 25 * 20);
    let min = fitter
        .results()
        .iter()
        .map(|r| r.error)
        .fold(f64::INFINITY, f64::min);
    assert_eq!(min, best.error);

    // Nelder-Mead refinement from a point 20 % off.
    let start = vec![
        ("tau".to_string(), q(14.4, "ms")),
        ("R".to_string(), q(48.0, "Mohm")),
    ];
    let ranges = vec![
        ParameterRange::log("R", q(10.0, "Mohm"), q(300.0, "Mohm")),
        ParameterRange::linear("tau", q(2.0, "ms"), q(40.0, "ms")),
    ];
    let options = rheobase_fitting::optimizer::NelderMeadOptions {
        max_evaluations: 150,
        ..Default::default()
    };
    let refined = fitter.refine(&start, &metric, ranges, &options).unwrap();
    let r = refined.parameters[0].1.value;
    let tau = refined.parameters[1].1.value;
    assert!((r / 60e6 - 1.0).abs() < 0.005, "refined R = {r}");
    assert!((tau / 12e-3 - 1.0).abs() < 0.005, "refined tau = {tau}");
    assert!(refined.evaluations <= 154);
    assert_eq!(fitter.results().len(), 25 * 20 + refined.evaluations);
}

#[test]
fn spike_fitter_recovers_threshold_and_adaptation() {
    let model = "dv/dt = (-70*mV - v + 50*Mohm*I)/(10*ms) : volt
dw/dt = -w/(50*ms) : volt
vt : volt (constant)
a : volt (constant)";
    let options = |n| FitterOptions {
        n_samples: n,
        threshold: Some("v > vt + w".into()),
        reset: Some("v = -70*mV; w += a".into()),
        refractory: Refractory::Duration(2e-3),
        param_init: vec![("v".into(), q(-70.0, "mV"))],
        ..Default::default()
    };
    let n = 2000;
    let input = || {
        let values = [0.42, 0.6, 0.9]
            .iter()
            .map(|&a| {
                (0..n)
                    .map(|k| if k >= 100 { a * 1e-9 } else { 0.0 })
                    .collect()
            })
            .collect();
        Traces::new(values, q(1.0, "amp").dim)
    };
    let truth = vec![
        ("vt".to_string(), q(-52.0, "mV")),
        ("a".to_string(), q(3.0, "mV")),
    ];
    let mut generator =
        SpikeFitter::new(model, "I", input(), vec![vec![]; 3], DT, options(1)).unwrap();
    let target = generator.generate(&truth).unwrap();
    assert!(target.iter().all(|t| t.len() >= 5), "{target:?}");

    let mut fitter = SpikeFitter::new(model, "I", input(), target, DT, options(30)).unwrap();
    let mut optimizer = DifferentialEvolution::new(DifferentialEvolutionOptions {
        strategy: DeStrategy::Rand1Bin,
        seed: 1,
        ..Default::default()
    });
    let ranges = vec![
        ParameterRange::linear("vt", q(-65.0, "mV"), q(-40.0, "mV")),
        ParameterRange::linear("a", q(0.0, "mV"), q(10.0, "mV")),
    ];
    let best = fitter
        .fit(30, &mut optimizer, &GammaFactor::new(1e-3), ranges, None)
        .unwrap();
    let vt = best.parameters[0].1.value;
    let a = best.parameters[1].1.value;
    assert!(best.error < 0.1, "error {}", best.error);
    assert!((vt - -0.052).abs() < 0.5e-3, "vt = {vt}");
    assert!((a - 0.003).abs() < 0.5e-3, "a = {a}");
}

#[test]
fn bad_input_is_refused_before_simulating() {
    let volt = q(1.0, "volt").dim;
    let amp = q(1.0, "amp").dim;
    let ok_in = || steps(&[0.2, 0.5], 600);
    let code = |r: Result<TraceFitter, rheobase_fitting::FitError>| r.err().unwrap().code();
    // Mismatched lengths, counts and units.
    let short = Traces::new(vec![vec![0.0; 500]; 2], volt);
    assert_eq!(
        code(TraceFitter::new(
            LIF,
            "I",
            ok_in(),
            "v",
            short,
            DT,
            lif_options(4)
        )),
        "runtime::fit_input_mismatch"
    );
    let one = Traces::new(vec![vec![0.0; 600]], volt);
    assert_eq!(
        code(TraceFitter::new(
            LIF,
            "I",
            ok_in(),
            "v",
            one,
            DT,
            lif_options(4)
        )),
        "runtime::fit_input_mismatch"
    );
    let wrong_unit = Traces::new(vec![vec![0.0; 600]; 2], amp);
    assert_eq!(
        code(TraceFitter::new(
            LIF,
            "I",
            ok_in(),
            "v",
            wrong_unit,
            DT,
            lif_options(4)
        )),
        "runtime::fit_input_mismatch"
    );
    let ragged = Traces::new(vec![vec![0.0; 600], vec![0.0; 599]], amp);
    let out = Traces::new(vec![vec![0.0; 600]; 2], volt);
    assert_eq!(
        code(TraceFitter::new(
            LIF,
            "I",
            ragged,
            "v",
            out,
            DT,
            lif_options(4)
        )),
        "runtime::fit_input_mismatch"
    );
    // Ranges: wrong unit, empty, parameter not constant.
    let mut fitter = lif_fitter(vec![vec![0.0; 600]; 2], 4);
    let mut opt = CmaEs::new(Default::default());
    let metric = MseMetric::default();
    let mut fit = |ranges| {
        fitter
            .fit(1, &mut opt, &metric, ranges, None)
            .unwrap_err()
            .code()
    };
    assert_eq!(
        fit(vec![ParameterRange::linear(
            "tau",
            q(1.0, "mV"),
            q(2.0, "mV")
        )]),
        "runtime::fit_invalid_range"
    );
    assert_eq!(
        fit(vec![ParameterRange::linear(
            "tau",
            q(5.0, "ms"),
            q(2.0, "ms")
        )]),
        "runtime::fit_invalid_range"
    );
    assert_eq!(
        fit(vec![ParameterRange::linear(
            "v",
            q(-80.0, "mV"),
            q(-60.0, "mV")
        )]),
        "model::fit_parameter_not_constant"
    );
    assert!(fitter.results().is_empty());
}

#[test]
fn seeded_fits_repeat_exactly_and_a_callback_can_stop_them() {
    use rheobase_fitting::optimizer::{
        Crossover, GeneticAlgorithm, GeneticAlgorithmOptions, ParentSelection,
    };
    let mut generator = lif_fitter(vec![vec![0.0; 600]; 2], 1);
    let truth = vec![
        ("R".to_string(), q(60.0, "Mohm")),
        ("tau".to_string(), q(12.0, "ms")),
    ];
    let target = generator.generate(&truth, None).unwrap();
    let run = |stop_after: usize| {
        let mut fitter = lif_fitter(target.clone(), 8);
        let mut ga = GeneticAlgorithm::new(GeneticAlgorithmOptions {
            num_parents_mating: 4,
            parent_selection: ParentSelection::Rank,
            crossover: Crossover::TwoPoints,
            seed: 7,
            ..Default::default()
        });
        let ranges = vec![
            ParameterRange::linear("R", q(10.0, "Mohm"), q(300.0, "Mohm")),
            ParameterRange::linear("tau", q(2.0, "ms"), q(40.0, "ms")),
        ];
        let mut stop = |info: &rheobase_fitting::RoundInfo| info.round + 1 >= stop_after;
        let best = fitter
            .fit(10, &mut ga, &MseMetric::default(), ranges, Some(&mut stop))
            .unwrap();
        (best, fitter.results().to_vec())
    };
    let (a, results_a) = run(3);
    let (b, results_b) = run(3);
    assert_eq!(a, b);
    assert_eq!(results_a, results_b);
    assert_eq!((a.rounds, a.evaluations, results_a.len()), (3, 24, 24));
    assert_eq!(results_a.last().unwrap().round, 2);

    // The thread count does not change the errors (one group, or 2 and 3 groups side by side).
    let names = vec!["R".to_string(), "tau".to_string()];
    let values: Vec<Vec<f64>> = (0..8)
        .map(|k| vec![(40.0 + 5.0 * k as f64) * 1e6, 12e-3])
        .collect();
    let errors = |threads| {
        let mut fitter = TraceFitter::new(
            LIF,
            "I",
            steps(&[0.2, 0.5], 600),
            "v",
            Traces::new(target.clone(), q(1.0, "volt").dim),
            DT,
            FitterOptions {
                threads,
                ..lif_options(8)
            },
        )
        .unwrap();
        fitter
            .evaluate(&names, &values, &MseMetric::default())
            .unwrap()
    };
    let one = errors(Some(1));
    assert_eq!(one, errors(Some(2)));
    assert_eq!(one, errors(Some(3)));
    assert_eq!(one, errors(None));
}
