//! Input objects in networks, on the reference interpreter.

use super::*;
use crate::monitor::{Record, SpikeMonitor, StateMonitor};
use crate::network::Network;
use crate::neurongroup::{NeuronGroup, NeuronGroupOptions, Refractory};
use crate::testing::test_backend;
use rheobase_units::Dimension;

const MS: f64 = 1e-3;
const DT: f64 = 1e-4;
const NA: f64 = 1e-9;
const AMP: Dimension = Dimension::from_ints([0, 0, 0, 1, 0, 0, 0]);
const VOLT: Dimension = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);

fn net() -> Network {
    let net = Network::with_backend(test_backend());
    net.seed(11);
    net
}

fn step_current() -> TimedArray {
    let v = [0.0, 1.0, 2.0, 1.0, 0.0, 3.0, 0.5];
    TimedArray::new(v.iter().map(|x| x * NA).collect(), AMP, 5.0 * MS).unwrap()
}

fn with_functions(fs: &[(&str, &TimedArray)]) -> NeuronGroupOptions {
    NeuronGroupOptions {
        functions: fs
            .iter()
            .map(|(n, t)| (n.to_string(), (*t).clone()))
            .collect(),
        ..Default::default()
    }
}

#[test]
fn timed_array_values_in_a_model_follow_its_bins_and_clamp() {
    let net = net();
    let g = NeuronGroup::new(
        &net,
        1,
        "I = step_current(t) : amp",
        with_functions(&[("step_current", &step_current())]),
    )
    .unwrap();
    let mon = StateMonitor::new(&g, &["I"], Record::All, Default::default()).unwrap();
    net.run(40.0 * MS).unwrap();
    let trace = mon.trace("I", 0).unwrap();
    // One value per 5 ms row: steps 0..49 read row 0, 50..99 row 1, ...; past 35 ms the last.
    for (k, &x) in trace.iter().enumerate() {
        let row = (k / 50).min(6);
        let expected = [0.0, 1.0, 2.0, 1.0, 0.0, 3.0, 0.5][row] * NA;
        assert_eq!(x, expected, "step {k}");
    }
    // Evaluated outside a run, the same rule at the current time (40 ms: clamped).
    assert_eq!(g.eval("step_current(t)").unwrap(), vec![0.5 * NA]);
    assert_eq!(g.eval("step_current(7*ms)").unwrap(), vec![NA]);
}

#[test]
fn two_dimensional_timed_arrays_are_per_neuron() {
    let net = net();
    let ta = TimedArray::from_rows(
        &[vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]],
        Dimension::DIMENSIONLESS,
        0.1 * MS,
    )
    .unwrap();
    // Brian2's docstring example: v = ta2d(t, i%2) for 4 neurons, plus a column outside.
    let g = NeuronGroup::new(
        &net,
        4,
        "v = ta2d(t, i % 2) : 1\nw = ta2d(t, i) : 1",
        with_functions(&[("ta2d", &ta)]),
    )
    .unwrap();
    let mon = StateMonitor::new(&g, &["v", "w"], Record::All, Default::default()).unwrap();
    net.run(0.4 * MS).unwrap();
    assert_eq!(mon.trace("v", 0).unwrap(), vec![1.0, 3.0, 5.0, 5.0]);
    assert_eq!(mon.trace("v", 3).unwrap(), vec![2.0, 4.0, 6.0, 6.0]);
    assert_eq!(mon.trace("w", 1).unwrap(), vec![2.0, 4.0, 6.0, 6.0]);
    assert!(mon.trace("w", 2).unwrap().iter().all(|x| x.is_nan()));
}

#[test]
fn timed_arrays_work_in_thresholds_resets_and_later_code() {
    let net = net();
    let gate = TimedArray::new(vec![0.0, 1.0], Dimension::DIMENSIONLESS, 1.0 * MS).unwrap();
    let level = TimedArray::new(vec![0.25, 0.75], Dimension::DIMENSIONLESS, 1.0 * MS).unwrap();
    let g = NeuronGroup::new(
        &net,
        2,
        "v : 1",
        NeuronGroupOptions {
            threshold: Some("gate(t) > 0.5".into()),
            reset: Some("v = level(t)".into()),
            ..with_functions(&[("gate", &gate), ("level", &level)])
        },
    )
    .unwrap();
    let spikes = SpikeMonitor::spikes(&g, Default::default()).unwrap();
    net.run(1.2 * MS).unwrap();
    assert_eq!(spikes.t().first().copied(), Some(10.0 * DT));
    assert_eq!(g.get("v").unwrap(), vec![0.75, 0.75]);
    // A function added later is visible to later code.
    g.add_function("late", &level).unwrap();
    g.set_expr("v", "late(0*ms)").unwrap();
    assert_eq!(g.get("v").unwrap(), vec![0.25, 0.25]);
    assert!(g.add_function("v", &level).is_err());
}

#[test]
fn timed_arrays_set_shared_variables_and_run_regularly() {
    for backend in [test_backend(), crate::backend::default_backend()] {
        shared_and_run_regularly_on(Network::with_backend(backend));
    }
}

fn shared_and_run_regularly_on(net: Network) {
    let level = TimedArray::new(vec![1.0, 2.0, 3.0], Dimension::DIMENSIONLESS, 1.0 * MS).unwrap();
    let g = NeuronGroup::new(
        &net,
        3,
        "s : 1 (shared)\nx : 1",
        with_functions(&[("level", &level)]),
    )
    .unwrap();
    // A shared target: computed once per call (in the kernel's prologue).
    g.run_regularly("s = level(t)", Default::default()).unwrap();
    g.run_regularly("x = level(t) * i", Default::default())
        .unwrap();
    net.run(1.5 * MS).unwrap();
    assert_eq!(g.get("s").unwrap(), vec![2.0]);
    assert_eq!(g.get("x").unwrap(), vec![0.0, 2.0, 4.0]);
}

#[test]
fn timed_array_calls_are_dimension_checked() {
    let net = net();
    let opts = || with_functions(&[("step_current", &step_current())]);
    let err = NeuronGroup::new(&net, 1, "v = step_current(t) : volt", opts()).unwrap_err();
    assert!(err.code().starts_with("units::"), "{err}");
    let err = NeuronGroup::new(&net, 1, "I = step_current(5) : amp", opts()).unwrap_err();
    assert!(err.code().starts_with("units::"), "{err}");
    let err = NeuronGroup::new(&net, 1, "I = step_current(t, 1) : amp", opts()).unwrap_err();
    assert!(err.to_string().contains("argument"), "{err}");
}

#[test]
fn exact_integration_accepts_step_constant_timed_arrays() {
    let net = net();
    // `exact` treats step_current(t) as constant over a step (5 ms is a multiple of 0.1 ms).
    let g = NeuronGroup::new(
        &net,
        1,
        "dv/dt = (-v + 20*Mohm*step_current(t))/(8*ms) : volt",
        NeuronGroupOptions {
            method: Some("exact".into()),
            ..with_functions(&[("step_current", &step_current())])
        },
    )
    .unwrap();
    net.run(10.0 * MS).unwrap();
    // 5 ms at 0, then 5 ms relaxing to 20 mV: v = 20 mV (1 - exp(-5/8)).
    let expected = 20e-3 * (1.0 - (-5.0f64 / 8.0).exp());
    assert!((g.get("v").unwrap()[0] - expected).abs() < 1e-12);
    assert_eq!(g.dimension("v").unwrap(), VOLT);
}

#[test]
fn spike_generator_spikes_are_recorded_at_their_times() {
    let net = net();
    let sg = SpikeGeneratorGroup::new(
        &net,
        3,
        &[0, 2, 1],
        &[2.0 * MS, 1.0 * MS, 2.0 * MS],
        Default::default(),
    )
    .unwrap();
    let spikes = SpikeMonitor::spikes(&sg, Default::default()).unwrap();
    net.run(3.0 * MS).unwrap();
    assert_eq!(spikes.i(), vec![2, 0, 1]);
    assert_eq!(spikes.t(), vec![1.0 * MS, 2.0 * MS, 2.0 * MS]);
    assert_eq!(spikes.t()[1], 20.0 * DT);
    assert_eq!(sg.indices(), vec![2, 0, 1]);
    assert_eq!(sg.times(), vec![1.0 * MS, 2.0 * MS, 2.0 * MS]);
}

#[test]
fn spike_generator_repeats_with_its_period_and_accepts_new_spikes() {
    let net = net();
    let sg = SpikeGeneratorGroup::new(
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
    let spikes = SpikeMonitor::spikes(&sg, Default::default()).unwrap();
    net.run(25.0 * MS).unwrap();
    assert_eq!(spikes.count(), vec![3, 3]);
    assert_eq!(sg.get("period").unwrap(), vec![10.0 * MS]);
    // New spikes for the next run; those before its start are skipped.
    sg.set_spikes(&[1, 0], &[20.0 * MS, 26.0 * MS], 0.0, false)
        .unwrap();
    net.run(5.0 * MS).unwrap();
    let t = spikes.t();
    assert_eq!(t.last().copied(), Some(26.0 * MS));
    assert_eq!(spikes.count(), vec![4, 3]);
}

#[test]
fn spike_generator_errors_name_the_group() {
    let net = net();
    let err = SpikeGeneratorGroup::new(&net, 2, &[0, 2], &[0.0, 1.0 * MS], Default::default())
        .unwrap_err();
    assert!(err.to_string().contains("'spikegeneratorgroup'"), "{err}");
    // Two spikes of neuron 0 in one step: an error when the run starts, as in Brian2.
    let sg =
        SpikeGeneratorGroup::new(&net, 1, &[0, 0], &[0.0, 0.05 * MS], Default::default()).unwrap();
    let err = net.run(0.0).unwrap_err();
    assert!(err.to_string().contains("more than once"), "{err}");
    assert!(err.to_string().contains(sg.name()), "{err}");
}

#[test]
fn spike_generators_replay_after_restore() {
    let net = net();
    let sg = SpikeGeneratorGroup::new(&net, 1, &[0, 0], &[1.0 * MS, 3.0 * MS], Default::default())
        .unwrap();
    let spikes = SpikeMonitor::spikes(&sg, Default::default()).unwrap();
    net.store("start");
    net.run(2.0 * MS).unwrap();
    net.restore("start").unwrap();
    net.run(4.0 * MS).unwrap();
    assert_eq!(spikes.t(), vec![1.0 * MS, 3.0 * MS]);
}

#[test]
fn poisson_group_rates_are_within_statistical_bounds() {
    let net = net();
    let rates: Vec<f64> = (0..100).map(|k| if k < 50 { 20.0 } else { 80.0 }).collect();
    let pg = PoissonGroup::new(&net, 100, rates, Default::default()).unwrap();
    let low = SpikeMonitor::spikes(&pg.subgroup(0..50).unwrap(), Default::default()).unwrap();
    let high = SpikeMonitor::spikes(&pg.subgroup(50..100).unwrap(), Default::default()).unwrap();
    net.run(0.5).unwrap();
    // Binomial counts: 50 * 5000 steps * p; bounds of 5 standard deviations.
    for (mon, rate) in [(&low, 20.0), (&high, 80.0)] {
        let p = rate * DT;
        let n = 50.0 * 5000.0;
        let (mean, sd) = (n * p, (n * p * (1.0 - p)).sqrt());
        let count = mon.num_events() as f64;
        assert!((count - mean).abs() < 5.0 * sd, "{count} vs {mean} +- {sd}");
    }
    assert_eq!(pg.get("rates").unwrap()[0], 20.0);
}

#[test]
fn poisson_group_string_rates_depend_on_time_and_seed() {
    let run = |seed: u64| {
        let net = Network::with_backend(test_backend());
        net.seed(seed);
        let ramp = TimedArray::new(
            vec![0.0, 200.0],
            Dimension::from_ints([0, 0, -1, 0, 0, 0, 0]),
            50.0 * MS,
        )
        .unwrap();
        let pg = PoissonGroup::new(
            &net,
            50,
            "ramp(t) + 0*Hz*i",
            PoissonGroupOptions {
                functions: [("ramp".to_string(), ramp)].into(),
                ..Default::default()
            },
        )
        .unwrap();
        let mon = SpikeMonitor::spikes(&pg, Default::default()).unwrap();
        net.run(0.1).unwrap();
        mon.t()
    };
    let t = run(3);
    // No spikes while the rate is 0; 50 * 500 * 0.02 = 500 expected after.
    assert!(t.iter().all(|&s| s >= 50.0 * MS - 1e-12));
    assert!((t.len() as f64 - 500.0).abs() < 5.0 * (500.0f64 * 0.98).sqrt());
    assert_eq!(t, run(3));
    assert_ne!(t, run(4));
}

#[test]
fn poisson_group_rejects_bad_rates() {
    let net = net();
    let err = PoissonGroup::new(&net, 3, vec![1.0, 2.0], Default::default()).unwrap_err();
    assert!(err.to_string().contains("2 rates for 3 neurons"), "{err}");
    let err = PoissonGroup::new(&net, 3, "5*mV", Default::default()).unwrap_err();
    assert_eq!(err.code(), "units::dimension_mismatch");
    assert!(PoissonGroup::new(&net, 0, 1.0, Default::default()).is_err());
}

#[test]
fn poisson_input_mean_drive_is_within_bounds() {
    let net = net();
    let g = NeuronGroup::new(&net, 100, "v : volt", Default::default()).unwrap();
    let w = rheobase_units::Quantity::new(0.1e-3, VOLT);
    PoissonInput::new(&g, "v", 1000, 5.0, w, Default::default()).unwrap();
    net.run(0.1).unwrap();
    // Per neuron: 1000 steps of Binomial(1000, 5e-4): mean 500 inputs, variance ~500.
    let v = g.get("v").unwrap();
    let counts: Vec<f64> = v.iter().map(|x| x / 0.1e-3).collect();
    let mean = counts.iter().sum::<f64>() / 100.0;
    let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / 99.0;
    assert!(
        (mean - 500.0).abs() < 5.0 * (500.0f64 / 100.0).sqrt(),
        "{mean}"
    );
    assert!((var / 499.75 - 1.0).abs() < 0.5, "{var}");
    assert!(counts.iter().all(|c| (c - c.round()).abs() < 1e-6));
}

#[test]
fn poisson_input_targets_subgroups_and_skips_refractory_neurons() {
    let net = net();
    let g = NeuronGroup::new(
        &net,
        4,
        "dv/dt = 0*volt/second : volt (unless refractory)\nw_in : volt",
        NeuronGroupOptions {
            threshold: Some("i == 3".into()),
            refractory: Refractory::Duration(1.0),
            ..Default::default()
        },
    )
    .unwrap();
    g.set_values("w_in", &[1.0, 2.0, 3.0, 4.0]).unwrap();
    let sub = g.subgroup(1..4).unwrap();
    // All inputs fire every step (rate*dt = 1): each step adds 10*w_in.
    PoissonInput::new(&sub, "v", 10, 1.0 / DT, "w_in", Default::default()).unwrap();
    net.run(3.0 * DT).unwrap();
    // Neuron 3 spikes in step 0 (thresholds come before the synapses slot) and is refractory
    // from then on, so it never gets input; neuron 0 is outside the subgroup.
    assert_eq!(g.get("v").unwrap(), vec![0.0, 60.0, 90.0, 0.0]);
}

#[test]
fn poisson_input_errors() {
    let net = net();
    let g = NeuronGroup::new(&net, 2, "v : volt\nx : 1 (shared)", Default::default()).unwrap();
    let mv = rheobase_units::Quantity::new(1e-3, VOLT);
    let err = PoissonInput::new(&g, "nothing", 1, 1.0, mv, Default::default()).unwrap_err();
    assert!(
        err.to_string().contains("'nothing' is not a variable"),
        "{err}"
    );
    let one = rheobase_units::Quantity::dimensionless(1.0);
    let err = PoissonInput::new(&g, "v", 1, 1.0, one, Default::default()).unwrap_err();
    assert_eq!(err.code(), "units::dimension_mismatch");
    let err = PoissonInput::new(&g, "v", 1, 1.0, "2*second", Default::default()).unwrap_err();
    assert_eq!(err.code(), "units::dimension_mismatch");
    let err = PoissonInput::new(&g, "v", 1, 1e5, mv, Default::default()).unwrap_err();
    assert!(err.to_string().contains("at most"), "{err}");
    let err = PoissonInput::new(&g, "x", 1, 1.0, one, Default::default()).unwrap_err();
    assert!(err.to_string().contains("per-neuron"), "{err}");
    // dt changed after creation: refused when the run starts, as in Brian2.
    PoissonInput::new(&g, "v", 1, 1.0, mv, Default::default()).unwrap();
    net.set_default_dt(0.05e-3).unwrap();
    assert_eq!(net.run(1e-3).unwrap_err().code(), "runtime::not_supported");
}

#[test]
fn spike_generator_spike_at_2ms_raises_the_target_at_2ms_through_synapses() {
    use crate::synapses::{Connect, Synapses, SynapsesOptions};
    let net = net();
    let sg = SpikeGeneratorGroup::new(&net, 1, &[0], &[2.0 * MS], Default::default()).unwrap();
    let target = NeuronGroup::new(&net, 1, "v : 1", Default::default()).unwrap();
    // The weight comes from a TimedArray: 1 before 1.5 ms, 3 after (pathway code sees it).
    let gain = TimedArray::new(vec![1.0, 3.0], Dimension::DIMENSIONLESS, 1.5 * MS).unwrap();
    let s = Synapses::new(
        &sg,
        &target,
        "",
        SynapsesOptions {
            on_pre: "v += gain(t)".into(),
            functions: [("gain".to_string(), gain)].into(),
            ..Default::default()
        },
    )
    .unwrap();
    s.connect(Connect::default()).unwrap();
    let trace = StateMonitor::new(
        &target,
        &["v"],
        Record::All,
        crate::monitor::StateMonitorOptions {
            when: crate::schedule::When::new("end", 0),
            ..Default::default()
        },
    )
    .unwrap();
    net.run(3.0 * MS).unwrap();
    let v = trace.trace("v", 0).unwrap();
    assert_eq!(v[19], 0.0);
    assert_eq!(v[20], 3.0, "raised in the step of t = 2 ms");
    assert_eq!(v[29], 3.0);
}

/// Compared with Brian2 2.9 (the script below, run with /work/venv-b2): neuron 0 spikes in
/// step 1 and then ignores both synaptic and PoissonInput drive.
#[test]
fn synaptic_and_poisson_input_skip_refractory_neurons() {
    // from brian2 import *; prefs.codegen.target = 'numpy'
    // G = NeuronGroup(2, 'dv/dt = 0*volt/second : volt (unless refractory)',
    //     threshold='t > 0*ms and t < 0.15*ms and i == 0', reset='', refractory=1*second)
    // sg = SpikeGeneratorGroup(1, [0, 0], [0.5, 0.7]*ms)
    // S = Synapses(sg, G, on_pre='v += 1*mV'); S.connect()
    // P = PoissonInput(G, 'v', N=10, rate=1/defaultclock.dt, weight=1*mV)
    // run(1*ms); print(G.v[:])   # [10. 102.] mV
    use crate::synapses::{Connect, Synapses, SynapsesOptions};
    let net = net();
    let g = NeuronGroup::new(
        &net,
        2,
        "dv/dt = 0*volt/second : volt (unless refractory)",
        NeuronGroupOptions {
            threshold: Some("t > 0*ms and t < 0.15*ms and i == 0".into()),
            refractory: Refractory::Duration(1.0),
            ..Default::default()
        },
    )
    .unwrap();
    let sg = SpikeGeneratorGroup::new(&net, 1, &[0, 0], &[0.5 * MS, 0.7 * MS], Default::default())
        .unwrap();
    let s = Synapses::new(
        &sg,
        &g,
        "",
        SynapsesOptions {
            on_pre: "v += 1*mV".into(),
            ..Default::default()
        },
    )
    .unwrap();
    s.connect(Connect::default()).unwrap();
    let mv = rheobase_units::Quantity::new(1e-3, VOLT);
    PoissonInput::new(&g, "v", 10, 1.0 / DT, mv, Default::default()).unwrap();
    net.run(1.0 * MS).unwrap();
    let v = g.get("v").unwrap();
    assert!(
        (v[0] - 10e-3).abs() < 1e-12 && (v[1] - 102e-3).abs() < 1e-12,
        "{v:?}"
    );
}
