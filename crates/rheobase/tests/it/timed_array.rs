//! The acceptance script `timed_array.py` (copied to `reference/`) run through the Rust API:
//! a 1-D TimedArray in the model, a 2-D one per neuron (also in a subexpression), and a third
//! in the threshold. Deterministic, so spikes must match Brian2 2.9 exactly.
//!
//! Reference: `shared/acceptance/reference/timed_array.json`, Brian2 2.9.0 (numpy 2.3.5),
//! made by running `reference/timed_array.py` with the acceptance harness.

use rheobase::prelude::*;
use std::sync::Arc;

const MS: f64 = 1e-3;
const NA: f64 = 1e-9;

// Brian2 2.9 (timed_array.json); V_LAST is the last recorded value (t = 59.9 ms).
const SPIKES_I: [usize; 6] = [2, 3, 0, 0, 1, 3];
const SPIKES_T: [f64; 6] = [0.0119, 0.0129, 0.0134, 0.0375, 0.0375, 0.0375];
const SPIKE_COUNTS: [u64; 4] = [2, 1, 1, 2];
const V_LAST: [f64; 4] = [
    0.02347572642095196,
    0.023487434232324165,
    0.010711438210058597,
    0.016441203962626917,
];
const V_MEAN: [f64; 4] = [
    0.016765619606134187,
    0.019174755718049115,
    0.012161290273025333,
    0.015221241374132862,
];
const DRIVE_MEAN: [f64; 4] = [
    0.6666666666666666,
    0.6666666666666666,
    0.017669002147935334,
    0.5,
];

fn tables() -> (TimedArray, TimedArray, TimedArray) {
    let amp = q("amp").unwrap().dim;
    let step: Vec<f64> = [0.0, 1.0, 2.0, 1.0, 0.0, 3.0, 0.5]
        .iter()
        .map(|x| x * NA)
        .collect();
    let step_current = TimedArray::new(step, amp, 5.0 * MS).unwrap();
    let pattern: Vec<Vec<f64>> = (0..20)
        .map(|k| {
            let k = k as f64;
            vec![
                (k % 5.0) / 4.0,
                if k >= 10.0 { 1.0 } else { 0.0 },
                (k / 3.0).sin(),
                0.5,
            ]
        })
        .collect();
    let per_neuron = TimedArray::from_rows(&pattern, Dimension::DIMENSIONLESS, 2.0 * MS).unwrap();
    let gate = TimedArray::new(
        vec![1.0, 1.0, 0.0, 1.0],
        Dimension::DIMENSIONLESS,
        12.5 * MS,
    )
    .unwrap();
    (step_current, per_neuron, gate)
}

struct Outcome {
    spikes: SpikeMonitor,
    recorder: StateMonitor,
}

fn run_on(backend: Arc<dyn Backend>) -> Outcome {
    let (step_current, per_neuron, gate) = tables();
    let net = Network::with_backend(backend);
    let cells = NeuronGroup::new(
        &net,
        4,
        "dv/dt = (-v + R*step_current(t) + 15*mV*per_neuron(t, i))/tau : volt
         drive = per_neuron(t, i) : 1",
        NeuronGroupOptions {
            threshold: Some("v > 25*mV and gate(t) > 0.5".into()),
            reset: Some("v = 0*mV".into()),
            method: Some("euler".into()),
            namespace: namespace(&[("R", "20*Mohm"), ("tau", "8*ms")]).unwrap(),
            functions: [
                ("step_current".to_string(), step_current),
                ("per_neuron".to_string(), per_neuron),
                ("gate".to_string(), gate),
            ]
            .into(),
            ..Default::default()
        },
    )
    .unwrap();
    let recorder =
        StateMonitor::new(&cells, &["v", "drive"], Record::All, Default::default()).unwrap();
    let spikes = SpikeMonitor::spikes(&cells, Default::default()).unwrap();
    net.run(60.0 * MS).unwrap();
    Outcome { spikes, recorder }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn timed_array_script_matches_brian2() {
    let (step_current, _, _) = tables();
    assert_eq!(step_current.at(7.0 * MS).unwrap() / NA, 1.0);
    assert_eq!(step_current.at(100.0 * MS).unwrap() / NA, 0.5);
    for backend in [default_backend(), interpreter()] {
        let out = run_on(backend);
        assert_eq!(out.spikes.count(), SPIKE_COUNTS);
        assert_eq!(out.spikes.i(), SPIKES_I);
        let t = out.spikes.t();
        for (a, b) in t.iter().zip(SPIKES_T) {
            assert!((a - b).abs() < 1e-12, "{t:?}");
        }
        for k in 0..4 {
            let trace = out.recorder.trace("v", k).unwrap();
            assert_eq!(trace.len(), 600);
            let last = trace[599];
            assert!(
                (last - V_LAST[k]).abs() < 1e-12,
                "v[{k}] at 59.9 ms = {last}"
            );
            let vm = mean(&trace);
            assert!((vm - V_MEAN[k]).abs() < 1e-12, "mean v[{k}] = {vm}");
            let dm = mean(&out.recorder.trace("drive", k).unwrap());
            assert!((dm - DRIVE_MEAN[k]).abs() < 1e-12, "mean drive[{k}] = {dm}");
        }
    }
}
