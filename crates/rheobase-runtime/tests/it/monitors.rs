//! Monitors with model strings.

use crate::{interpreted, options, DT};
use rheobase_runtime::{
    EventDefinition, EventMonitor, EventMonitorOptions, NeuronGroup, NeuronGroupOptions,
    PopulationRateMonitor, Record, SmoothingWindow, SpikeMonitor, StateMonitor,
    StateMonitorOptions,
};

#[test]
fn population_rate_is_one_over_dt_when_every_neuron_fires_every_step() {
    let net = interpreted();
    let g = NeuronGroup::new(&net, 10, "v : 1", options("True", "")).unwrap();
    let rate = PopulationRateMonitor::new(&g, None).unwrap();
    net.run(10.0 * DT).unwrap();
    assert_eq!(rate.rate(), vec![1.0 / DT; 10]);
    let smooth = rate.smooth_rate(SmoothingWindow::Flat(2.0 * DT)).unwrap();
    assert!((smooth[5] - 1.0 / DT).abs() < 1e-6);
    assert!(
        (smooth[0] - 2.0 / 3.0 / DT).abs() < 1e-6,
        "zero padded at the edges"
    );
}

#[test]
fn state_monitor_first_sample_is_the_initial_state() {
    let net = interpreted();
    let g = NeuronGroup::new(
        &net,
        3,
        "dv/dt = -v/(10*ms) : 1\nI = 2*v : 1",
        Default::default(),
    )
    .unwrap();
    g.set_values("v", &[1.0, 2.0, 3.0]).unwrap();
    let m = StateMonitor::new(
        &g,
        &["v", "I"],
        Record::Indices(vec![0, 2]),
        Default::default(),
    )
    .unwrap();
    net.run(5.0 * DT).unwrap();
    assert_eq!(m.t()[0], 0.0);
    assert_eq!(m.t().len(), 5);
    let v = m.values("v").unwrap();
    assert_eq!(v[0][0], 1.0);
    assert_eq!(v[1][0], 3.0);
    assert!(v[1][4] < 3.0);
    assert_eq!(m.values("I").unwrap()[1][0], 6.0);
}

/// Plain float variables are copied from their arrays (no kernel), others computed by the
/// monitor's kernel; a subgroup's consecutive neurons and scattered indices, an integer
/// variable and a subexpression all record what the model holds. Runs from a restored
/// state record the same samples again (the buffers are reused).
#[test]
fn state_monitor_direct_copies_match_the_model_across_restores() {
    let net = interpreted();
    let g = NeuronGroup::new(
        &net,
        6,
        "dv/dt = -v/(10*ms) : 1\nw = 2*v : 1\nk : integer\nc : 1 (shared)",
        Default::default(),
    )
    .unwrap();
    g.set_values("v", &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
    g.set_values("k", &[7.0, 8.0, 9.0, 10.0, 11.0, 12.0])
        .unwrap();
    g.set("c", 0.5).unwrap();
    let sub = g.subgroup(2..5).unwrap();
    let vars = ["v", "w", "k", "c"];
    let middle = StateMonitor::new(&sub, &vars, Record::All, Default::default()).unwrap();
    let scattered = StateMonitor::new(
        &g,
        &vars,
        Record::Indices(vec![5, 0, 3]),
        Default::default(),
    )
    .unwrap();
    net.store("start");
    net.run(4.0 * DT).unwrap();
    let first = (middle.values("v").unwrap(), scattered.values("v").unwrap());
    for (m, neurons) in [(&middle, vec![2, 3, 4]), (&scattered, vec![5, 0, 3])] {
        let (v, w) = (m.values("v").unwrap(), m.values("w").unwrap());
        let (k, c) = (m.values("k").unwrap(), m.values("c").unwrap());
        for (j, &neuron) in neurons.iter().enumerate() {
            assert_eq!(v[j][0], (neuron + 1) as f64);
            assert!(v[j][3] < v[j][0]);
            for t in 0..4 {
                assert_eq!(w[j][t], 2.0 * v[j][t]);
                assert_eq!(k[j][t], (neuron + 7) as f64);
                assert_eq!(c[j][t], 0.5);
            }
        }
    }
    for _ in 0..2 {
        net.restore("start").unwrap();
        net.run(4.0 * DT).unwrap();
        assert_eq!(middle.values("v").unwrap(), first.0);
        assert_eq!(scattered.values("v").unwrap(), first.1);
    }
    let row_major = middle.with_recorded("v", |samples, n| (samples.to_vec(), n));
    let (samples, n) = row_major.unwrap();
    assert_eq!(n, 3);
    assert_eq!(samples[n + 1], first.0[1][1]);
    assert!(middle.with_recorded("nothing", |_, _| ()).is_none());
}

/// `values` turns the samples (one row per time) into one trace per recorded neuron, in
/// tiles of eight columns: 19 neurons leave a partial tile.
#[test]
fn state_monitor_values_are_one_trace_per_neuron() {
    let net = interpreted();
    let n = 19;
    let g = NeuronGroup::new(&net, n, "dv/dt = 1000*Hz : 1", Default::default()).unwrap();
    let start: Vec<f64> = (0..n).map(|i| 10.0 * i as f64).collect();
    g.set_values("v", &start).unwrap();
    let m = StateMonitor::new(&g, &["v"], Record::All, Default::default()).unwrap();
    net.run(4.0 * DT).unwrap();
    let v = m.values("v").unwrap();
    assert_eq!(v.len(), n);
    for (i, trace) in v.iter().enumerate() {
        assert_eq!(trace.len(), 4);
        for (step, &x) in trace.iter().enumerate() {
            let expected = start[i] + step as f64 * 1000.0 * DT;
            assert!((x - expected).abs() < 1e-9, "neuron {i} step {step}: {x}");
        }
    }
}

#[test]
fn state_monitor_with_its_own_dt() {
    let net = interpreted();
    let g = NeuronGroup::new(&net, 1, "dv/dt = 1000*Hz : 1", Default::default()).unwrap();
    let m = StateMonitor::new(
        &g,
        &["v"],
        Record::All,
        StateMonitorOptions {
            dt: Some(3.0 * DT),
            ..Default::default()
        },
    )
    .unwrap();
    net.run(10.0 * DT).unwrap();
    let steps: Vec<i64> = m.t().iter().map(|t| (t / DT).round() as i64).collect();
    assert_eq!(steps, vec![0, 3, 6, 9]);
    let v = m.trace("v", 0).unwrap();
    assert!((v[1] - 0.3).abs() < 1e-12);
}

#[test]
fn spike_monitor_records_variables_and_counts() {
    let net = interpreted();
    let g = NeuronGroup::new(
        &net,
        4,
        "dv/dt = (i+1)*1000*Hz : 1\nk : 1",
        options("v > 0.45", "v = 0\nk += 1"),
    )
    .unwrap();
    let recorded = SpikeMonitor::spikes(
        &g,
        EventMonitorOptions {
            variables: vec!["v".into(), "k".into()],
            ..Default::default()
        },
    )
    .unwrap();
    let counting = SpikeMonitor::spikes(
        &g,
        EventMonitorOptions {
            record: false,
            ..Default::default()
        },
    )
    .unwrap();
    net.run(10.0 * DT).unwrap();
    assert_eq!(recorded.count(), counting.count());
    assert!(counting.i().is_empty());
    let k = g.get("k").unwrap();
    assert_eq!(
        recorded.count(),
        k.iter().map(|&x| x as u64).collect::<Vec<_>>()
    );
    // recorded at threshold time: before the reset
    assert!(recorded.values("v").unwrap().iter().all(|&v| v > 0.45));
    let sub = g.subgroup(2..4).unwrap();
    let sub_mon = SpikeMonitor::spikes(&sub, Default::default()).unwrap();
    net.run(10.0 * DT).unwrap();
    assert!(sub_mon.i().iter().all(|&i| i < 2));
    assert!(sub_mon.num_events() > 0);
}

#[test]
fn event_monitor_sees_custom_events_and_their_actions_run() {
    let net = interpreted();
    let g = NeuronGroup::new(
        &net,
        2,
        "dv/dt = (i+1)*1000*Hz : 1\nhits : 1",
        NeuronGroupOptions {
            events: vec![EventDefinition {
                name: "high".into(),
                condition: "v > 0.5".into(),
                action: Some("hits += 1".into()),
            }],
            ..Default::default()
        },
    )
    .unwrap();
    let m = EventMonitor::event(&g, "high", Default::default()).unwrap();
    net.run(10.0 * DT).unwrap();
    // v crosses 0.5 after 5 steps (neuron 0) or 2 steps (neuron 1) and stays above
    assert_eq!(m.count(), vec![5, 8]);
    assert_eq!(g.get("hits").unwrap(), vec![5.0, 8.0]);
    assert!(EventMonitor::event(&g, "nothing", Default::default()).is_err());
    g.set_event_schedule("high", "before_groups", None).unwrap();
    assert!(g.set_event_schedule("high", "whenever", None).is_err());
    assert!(g.set_event_schedule("nothing", "start", None).is_err());
}
