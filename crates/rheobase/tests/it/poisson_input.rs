//! The acceptance script `poisson_input.py` (copied to `reference/`) through the Rust API:
//! PoissonInput into free membranes (Campbell's theorem) and into spiking LIF neurons.
//! Compared statistically with Brian2 2.9, with the acceptance tolerances (`specs.json`).
//!
//! Reference: `shared/acceptance/reference/poisson_input.json` (Brian2 2.9.0, seed 4242):
//! free mean 7.5675 mV (theory 7.5), free std 2.6762 mV (theory 2.6693), spiking rate
//! 24.49 Hz.

use rheobase::prelude::*;

const MS: f64 = 1e-3;
const MV: f64 = 1e-3;

#[test]
fn poisson_input_script_matches_brian2_statistically() {
    let net = Network::new();
    net.seed(4242);
    let mv = |x: f64| q(&format!("{x}*mV")).unwrap();
    let ns = namespace(&[("tau", "10*ms"), ("w_inh", "-0.5*mV")]).unwrap();
    let exact = |threshold: Option<&str>, refractory| NeuronGroupOptions {
        method: Some("exact".into()),
        threshold: threshold.map(String::from),
        reset: threshold.map(|_| "v = 0*mV".to_string()),
        refractory,
        namespace: ns.clone(),
        ..Default::default()
    };
    let free = NeuronGroup::new(
        &net,
        200,
        "dv/dt = -v/tau : volt",
        exact(None, Refractory::None),
    )
    .unwrap();
    PoissonInput::new(&free, "v", 1000, 5.0, mv(0.4), Default::default()).unwrap();
    PoissonInput::new(&free, "v", 250, 10.0, "w_inh", Default::default()).unwrap();
    let spiking = NeuronGroup::new(
        &net,
        200,
        "dv/dt = -v/tau : volt (unless refractory)",
        exact(Some("v > 15*mV"), Refractory::Duration(2.0 * MS)),
    )
    .unwrap();
    PoissonInput::new(&spiking, "v", 1000, 5.0, mv(0.4), Default::default()).unwrap();
    PoissonInput::new(&spiking, "v", 250, 10.0, mv(-0.25), Default::default()).unwrap();
    let spikes = SpikeMonitor::spikes(&spiking, Default::default()).unwrap();
    net.run(0.1).unwrap();
    let late = StateMonitor::new(
        &free,
        &["v"],
        Record::All,
        StateMonitorOptions {
            dt: Some(1.0 * MS),
            ..Default::default()
        },
    )
    .unwrap();
    net.run(0.4).unwrap();

    let samples: Vec<f64> = late.values("v").unwrap().concat();
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    let std = (samples.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    let rate = spikes.num_events() as f64 / (200.0 * 0.5);
    assert!(
        (mean / MV - 7.567512823795198).abs() < 0.4,
        "mean {}",
        mean / MV
    );
    assert!(
        (std / MV / 2.676228013181814 - 1.0).abs() < 0.06,
        "std {}",
        std / MV
    );
    assert!((rate / 24.49 - 1.0).abs() < 0.1, "rate {rate}");
}
