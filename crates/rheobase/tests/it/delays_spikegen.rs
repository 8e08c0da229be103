//! The acceptance script `delays_spikegen.py` (copied to `reference/`) through the Rust API:
//! SpikeGeneratorGroups (one spike off the grid, one group repeating with a period) driving
//! targets through synapses with heterogeneous delays. Deterministic: spikes must match
//! Brian2 2.9 exactly (`shared/acceptance/reference/delays_spikegen.json`).

use rheobase::prelude::*;

const MS: f64 = 1e-3;

// Brian2 2.9 (delays_spikegen.json).
const TARGET_I: [usize; 13] = [0, 1, 2, 3, 4, 5, 1, 0, 2, 3, 4, 5, 1];
const TARGET_T: [f64; 13] = [
    0.0036, 0.0046, 0.0056, 0.0066, 0.0076, 0.0086, 0.0149, 0.0211, 0.0231, 0.0241, 0.0251, 0.0261,
    0.0286,
];
const V_LAST: [f64; 6] = [
    0.09427218653615488,
    0.08321777092451965,
    0.12496739250961499,
    0.19992956139987214,
    0.16876135979896534,
    0.2451322854172919,
];
const SLOW_LAST: [f64; 6] = [
    0.17096795864917214,
    0.25082623636425566,
    0.18297531027219796,
    0.1954487934645214,
    0.12704639585107277,
    0.12961290329283412,
];

#[test]
fn delays_spikegen_script_matches_brian2() {
    let net = Network::new();
    let stim_times: Vec<f64> = [1.0, 2.0, 2.5, 10.0, 12.3, 20.0, 20.0, 26.04]
        .iter()
        .map(|t| t * MS)
        .collect();
    let stimulus = SpikeGeneratorGroup::new(
        &net,
        4,
        &[0, 1, 2, 0, 3, 1, 2, 3],
        &stim_times,
        Default::default(),
    )
    .unwrap();
    let pacemaker = SpikeGeneratorGroup::new(
        &net,
        2,
        &[0, 1],
        &[1.0 * MS, 4.0 * MS],
        SpikeGeneratorGroupOptions {
            period: 10.0 * MS,
            ..Default::default()
        },
    )
    .unwrap();
    let targets = NeuronGroup::new(
        &net,
        6,
        "dv/dt = -v/(5*ms) : 1\ndslow/dt = -slow/(50*ms) : 1",
        NeuronGroupOptions {
            threshold: Some("v > 0.9".into()),
            reset: Some("v = 0; slow += 0.1".into()),
            method: Some("exact".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let on_pre = |code: &str| SynapsesOptions {
        on_pre: code.into(),
        ..Default::default()
    };
    let wiring = Synapses::new(&stimulus, &targets, "w : 1", on_pre("v += w")).unwrap();
    wiring.connect(Connect::default()).unwrap();
    wiring.set_expr("w", "0.3 + 0.1*i").unwrap();
    wiring.set_expr("delay", "j*ms + i*0.5*ms").unwrap();
    let background = Synapses::new(
        &stimulus,
        &targets,
        "",
        SynapsesOptions {
            delay: Delay::Scalar(3.0 * MS),
            ..on_pre("slow += 0.05")
        },
    )
    .unwrap();
    background.connect(Connect::j("i")).unwrap();
    let pacing = Synapses::new(&pacemaker, &targets, "", on_pre("v += 0.25")).unwrap();
    pacing.connect(Connect::condition("j % 2 == i")).unwrap();
    pacing.set_expr("delay", "j*0.3*ms").unwrap();
    let state =
        StateMonitor::new(&targets, &["v", "slow"], Record::All, Default::default()).unwrap();
    let target_spikes = SpikeMonitor::spikes(&targets, Default::default()).unwrap();
    let pacemaker_spikes = SpikeMonitor::spikes(&pacemaker, Default::default()).unwrap();
    net.run(40.0 * MS).unwrap();

    assert_eq!(pacemaker_spikes.num_events(), 8);
    assert_eq!(target_spikes.count(), vec![2, 3, 2, 2, 2, 2]);
    assert_eq!(target_spikes.i(), TARGET_I);
    for (a, b) in target_spikes.t().iter().zip(TARGET_T) {
        assert!((a - b).abs() < 1e-12, "{:?}", target_spikes.t());
    }
    // The last recorded values (t = 39.9 ms).
    for k in 0..6 {
        let v = *state.trace("v", k).unwrap().last().unwrap();
        let slow = *state.trace("slow", k).unwrap().last().unwrap();
        assert!((v - V_LAST[k]).abs() < 1e-12, "v[{k}] = {v}");
        assert!((slow - SLOW_LAST[k]).abs() < 1e-12, "slow[{k}] = {slow}");
    }
}
