//! Binning rules of SpikeGeneratorGroup and TimedArray compared exactly with Brian2 2.9
//! (values printed by `reference/input_rules.py`).

use rheobase::prelude::*;

const MS: f64 = 1e-3;
const DT: f64 = 1e-4;

#[test]
fn spike_generator_bins_periods_and_new_spikes_as_brian2() {
    let net = Network::new();
    let sg = SpikeGeneratorGroup::new(
        &net,
        3,
        &[2, 0, 1, 0, 2],
        &[0.34999999 * MS, 0.1 * MS, 0.1 * MS, 1.0 * MS, 2.0 * MS],
        SpikeGeneratorGroupOptions {
            period: 3.0 * MS,
            ..Default::default()
        },
    )
    .unwrap();
    let mon = SpikeMonitor::spikes(&sg, Default::default()).unwrap();
    net.run(7.0 * MS).unwrap();
    sg.set_spikes(&[1, 0, 2], &[7.5 * MS, 6.0 * MS, 8.0 * MS], 0.0, false)
        .unwrap();
    net.run(2.0 * MS).unwrap();
    // Brian2 2.9:
    let i = [0, 1, 2, 0, 2, 0, 1, 2, 0, 2, 0, 1, 2, 1, 2];
    let steps = [1, 1, 3, 10, 20, 31, 31, 33, 40, 50, 61, 61, 63, 75, 80];
    assert_eq!(mon.i(), i);
    let got: Vec<i64> = mon.t().iter().map(|t| (t / DT).round() as i64).collect();
    assert_eq!(got, steps);
}

#[test]
fn timed_array_bins_for_an_unaligned_dt_as_brian2() {
    let net = Network::new();
    let one = Dimension::DIMENSIONLESS;
    let ta = TimedArray::new(vec![0.0, 1.0, 2.0, 3.0, 4.0], one, 0.25 * MS).unwrap();
    let ta2 = TimedArray::from_rows(&[vec![1.0, 2.0], vec![3.0, 4.0]], one, 0.3 * MS).unwrap();
    let g = NeuronGroup::new(
        &net,
        3,
        "x = ta(t) : 1\ny = ta2(t, i % 2) : 1",
        NeuronGroupOptions {
            functions: [("ta".to_string(), ta), ("ta2".to_string(), ta2)].into(),
            ..Default::default()
        },
    )
    .unwrap();
    let st = StateMonitor::new(&g, &["x", "y"], Record::All, Default::default()).unwrap();
    net.run(1.5 * MS).unwrap();
    // Brian2 2.9:
    let x = [0., 0., 0., 1., 1., 2., 2., 2., 3., 3., 4., 4., 4., 4., 4.];
    let mut y0 = vec![3.0; 15];
    y0[..3].fill(1.0);
    let y1: Vec<f64> = y0.iter().map(|v| v + 1.0).collect();
    assert_eq!(st.trace("x", 0).unwrap(), x);
    assert_eq!(st.trace("y", 0).unwrap(), y0);
    assert_eq!(st.trace("y", 1).unwrap(), y1);
    assert_eq!(st.trace("y", 2).unwrap(), y0);
}
