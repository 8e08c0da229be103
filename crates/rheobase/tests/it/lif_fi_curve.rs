//! The `lif_fi_curve` example's model over 200 ms: the JIT and the interpreter must agree spike
//! for spike, and the f-I curve must have the shape the model dictates.

use rheobase::prelude::*;
use std::sync::Arc;

const N: usize = 200;
const MODEL: &str = "dv/dt = (E_L - v)/tau_m + I/C_m : volt (unless refractory)
I : amp";
const PARAMETERS: &[(&str, &str)] = &[
    ("tau_m", "20*ms"),
    ("C_m", "200*pF"),
    ("E_L", "-70*mV"),
    ("v_th", "-50*mV"),
    ("v_reset", "-70*mV"),
];

/// Spike indices and times of the model run for 200 ms on `backend`.
fn run_on(backend: Arc<dyn Backend>) -> (Vec<usize>, Vec<f64>, Vec<u64>) {
    let net = Network::with_backend(backend);
    let g = NeuronGroup::new(
        &net,
        N,
        MODEL,
        NeuronGroupOptions {
            method: Some("exact".into()),
            threshold: Some("v > v_th".into()),
            reset: Some("v = v_reset".into()),
            refractory: Refractory::Expression("5*ms".into()),
            namespace: namespace(PARAMETERS).unwrap(),
            ..Default::default()
        },
    )
    .unwrap();
    g.set_expr("I", "2*nA*i/(N-1)").unwrap();
    g.set_expr("v", "v_reset + (v_th - v_reset)*i/N").unwrap();
    let spikes = SpikeMonitor::spikes(&g, Default::default()).unwrap();
    net.run(0.2).unwrap();
    (spikes.i(), spikes.t(), spikes.count())
}

#[test]
fn jit_and_interpreter_agree_spike_for_spike() {
    let jit = run_on(default_backend());
    let interp = run_on(interpreter());
    assert!(
        jit.0.len() > 1000,
        "too few spikes to compare: {}",
        jit.0.len()
    );
    assert_eq!(jit.0, interp.0);
    // Spike times are step indices times dt: identical bit for bit.
    assert_eq!(jit.1, interp.1);
    assert_eq!(jit.2, interp.2);
}

#[test]
fn counts_are_monotone_in_current_and_zero_below_rheobase() {
    let (_, _, counts) = run_on(default_backend());
    assert!(
        counts.windows(2).all(|w| w[0] <= w[1]),
        "counts not monotone in I: {counts:?}"
    );
    // Rheobase: I*R = v_th - E_L, R = tau_m/C_m = 1e8 ohm, so I = 0.2 nA; neuron i gets
    // 2 nA * i/(N-1). Below it v tends to E_L + I*R < v_th, and it starts below threshold
    // (v_reset + 20 mV * i/N), so it never fires.
    for (i, &c) in counts.iter().enumerate() {
        let current = 2e-9 * i as f64 / (N - 1) as f64;
        if current < 0.2e-9 {
            assert_eq!(c, 0, "neuron {i} (I = {current:e} A) fired below rheobase");
        }
    }
    // Far above rheobase, 200 ms contain many spikes; the strongest input fires most.
    // Period with refractoriness: 5 ms + tau_m*ln(I R/(I R - 20 mV)) = 5 + 20*ln(2/1.8) ms.
    let period = 5e-3 + 20e-3 * (2.0f64 / 1.8).ln();
    let expected = (0.2 / period) as u64;
    let top = counts[N - 1];
    assert!(
        top.abs_diff(expected) <= 1,
        "top neuron fired {top}, theory {expected}"
    );
}
