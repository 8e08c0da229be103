//! Unit tests of neuron groups built from hand-written specs, run on the test evaluator.

use super::*;
use crate::lower::Assignment;
use crate::monitor::{
    EventMonitor, EventMonitorOptions, PopulationRateMonitor, Record, StateMonitor,
    StateMonitorOptions,
};
use crate::spec::VarSpec;
use crate::spec::{GroupSpec, RefractorySpec};
use crate::testing::ast_builders::*;
use crate::testing::test_backend;
use rheobase_lang::{ast, BinOp, EquationKind, Span};
use rheobase_units::Dimension;

const DT: f64 = 1e-4;

fn var(name: &str, kind: EquationKind) -> VarSpec {
    VarSpec::new(name, Dimension::DIMENSIONLESS, kind)
}

/// `v += step` each step, spikes at `v > 1`, reset `v = 0`.
fn counter(step: f64) -> GroupSpec {
    let mut spec = GroupSpec::new(vec![var("v", EquationKind::Differential)]);
    spec.state_update = vec![Assignment::set(
        "v",
        bin(BinOp::Add, name("v"), num(step)),
        false,
    )];
    spec.threshold = Some(bin(BinOp::Gt, name("v"), num(1.0)));
    spec.reset = vec![Assignment::set("v", num(0.0), false)];
    spec
}

fn net() -> Network {
    let net = Network::with_backend(test_backend());
    net.seed(7);
    net
}

#[test]
fn threshold_then_reset_in_the_same_step() {
    let net = net();
    let g = NeuronGroup::from_spec(&net, 1, counter(0.3), Default::default()).unwrap();
    let spikes = EventMonitor::spikes(&g, Default::default()).unwrap();
    let end = StateMonitor::new(
        &g,
        &["v"],
        Record::All,
        StateMonitorOptions {
            when: When::new("end", 0),
            ..Default::default()
        },
    )
    .unwrap();
    net.run(5.0 * DT).unwrap();
    assert_eq!(spikes.i(), vec![0]);
    assert_eq!(spikes.t(), vec![3.0 * DT]);
    let v = end.trace("v", 0).unwrap();
    assert!((v[2] - 0.9).abs() < 1e-12);
    assert_eq!(v[3], 0.0, "reset in the step of the spike: {v:?}");
    assert_eq!(g.spikes(), Vec::<usize>::new());
}

#[test]
fn refractoriness_holds_unless_refractory_variables_only() {
    let net = net();
    let mut v = var("v", EquationKind::Differential);
    v.unless_refractory = true;
    let mut spec = GroupSpec::new(vec![v, var("w", EquationKind::Differential)]);
    // What an integrator emits for `(unless refractory)`: the change times int(not_refractory).
    spec.state_update = vec![
        Assignment::set(
            "v",
            bin(
                BinOp::Add,
                name("v"),
                bin(
                    BinOp::Mul,
                    call("int", vec![name("not_refractory")]),
                    num(0.5),
                ),
            ),
            false,
        ),
        Assignment::set("w", bin(BinOp::Add, name("w"), num(1.0)), false),
    ];
    spec.threshold = Some(bin(BinOp::Gt, name("v"), num(0.9)));
    spec.reset = vec![Assignment::set("v", num(0.0), false)];
    spec.refractory = RefractorySpec::Duration(5.0 * DT);
    let g = NeuronGroup::from_spec(&net, 1, spec, Default::default()).unwrap();
    let m = StateMonitor::new(
        &g,
        &["v", "w", "not_refractory"],
        Record::All,
        StateMonitorOptions {
            when: When::new("end", 0),
            ..Default::default()
        },
    )
    .unwrap();
    let spikes = EventMonitor::spikes(&g, Default::default()).unwrap();
    net.run(9.0 * DT).unwrap();
    // v: 0.5, 1.0 (spike at step 1, reset), held at 0 for steps 2..5 (refractory for 5
    // steps from the spike), integrates again from step 6, spikes at step 7.
    assert_eq!(spikes.t(), vec![DT, 7.0 * DT]);
    let v = m.trace("v", 0).unwrap();
    assert_eq!(v, vec![0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0]);
    let w = m.trace("w", 0).unwrap();
    assert_eq!(w, (1..=9).map(f64::from).collect::<Vec<_>>());
    assert_eq!(g.get("lastspike").unwrap(), vec![7.0 * DT]);
}

#[test]
fn rate_monitor_reads_one_over_dt_when_all_fire_every_step() {
    let net = net();
    let mut spec = GroupSpec::new(vec![var("v", EquationKind::Parameter)]);
    spec.threshold = Some(ast::Expr::new(ast::ExprKind::Bool(true), Span::default()));
    let g = NeuronGroup::from_spec(&net, 4, spec, Default::default()).unwrap();
    let sub = g.subgroup(1..3).unwrap();
    let rate = PopulationRateMonitor::new(&g, None).unwrap();
    let sub_rate = PopulationRateMonitor::new(&sub, None).unwrap();
    net.run(3.0 * DT).unwrap();
    assert_eq!(rate.rate(), vec![1.0 / DT; 3]);
    assert_eq!(sub_rate.rate(), vec![1.0 / DT; 3]);
    let smooth = rate.smooth_rate(crate::SmoothingWindow::Flat(DT)).unwrap();
    assert_eq!(smooth, vec![1.0 / DT; 3]);
}

#[test]
fn subgroups_see_relative_indices() {
    let net = net();
    let spec = GroupSpec::new(vec![var("x", EquationKind::Parameter)]);
    let g = NeuronGroup::from_spec(&net, 10, spec, Default::default()).unwrap();
    let sub = g.subgroup(4..7).unwrap();
    net.lock()
        .assign_expr(
            sub.id,
            sub.range(),
            "x",
            &bin(BinOp::Add, name("i"), name("N")),
            None,
        )
        .unwrap();
    assert_eq!(
        g.get("x").unwrap(),
        vec![0.0, 0.0, 0.0, 0.0, 3.0, 4.0, 5.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(sub.get("x").unwrap(), vec![3.0, 4.0, 5.0]);
    net.lock()
        .assign_expr(
            g.id,
            g.range(),
            "x",
            &num(-1.0),
            Some(&bin(BinOp::Gt, name("i"), num(7.0))),
        )
        .unwrap();
    assert_eq!(g.get("x").unwrap()[7..], [0.0, -1.0, -1.0]);
    sub.set_at("x", 0, 9.0).unwrap();
    assert_eq!(g.get_at("x", 4).unwrap(), 9.0);
    assert!(sub.set_at("x", 3, 1.0).is_err());
    assert!(g.subgroup(5..11).is_err());
}

fn noisy(net: &Network) -> (NeuronGroup, StateMonitor) {
    let mut spec = counter(0.0);
    spec.state_update = vec![Assignment::set(
        "v",
        bin(
            BinOp::Add,
            name("v"),
            bin(BinOp::Mul, num(0.3), call("rand", vec![])),
        ),
        false,
    )];
    let g = NeuronGroup::from_spec(net, 5, spec, Default::default()).unwrap();
    let m = StateMonitor::new(&g, &["v"], Record::All, Default::default()).unwrap();
    (g, m)
}

#[test]
fn store_restore_replays_identically() {
    let net = net();
    let (g, m) = noisy(&net);
    let spikes = EventMonitor::spikes(&g, EventMonitorOptions::default()).unwrap();
    net.run(10.0 * DT).unwrap();
    net.store("mid");
    net.run(20.0 * DT).unwrap();
    let (v1, n1, t1) = (g.get("v").unwrap(), spikes.num_events(), m.t());
    net.restore("mid").unwrap();
    assert!((net.t() - 10.0 * DT).abs() < 1e-15);
    net.run(20.0 * DT).unwrap();
    assert_eq!(g.get("v").unwrap(), v1);
    assert_eq!(spikes.num_events(), n1);
    assert_eq!(m.t(), t1);
    assert!(net.restore("nothing").is_err());
}

#[test]
fn restore_after_objects_were_added_follows_brian2() {
    let net = net();
    let (g, _m) = noisy(&net);
    net.run(10.0 * DT).unwrap();
    net.store("mid");
    let v_mid = g.get("v").unwrap();
    // Stateless additions (code on an existing group, scratch arrays for string
    // assignments) do not prevent a restore.
    g.set_expr("v", "v + 1").unwrap();
    g.run_regularly("v = v * 1", Default::default()).unwrap();
    net.run(5.0 * DT).unwrap();
    net.restore("mid").unwrap();
    assert_eq!(g.get("v").unwrap(), v_mid);
    // A group or a monitor made since has no stored state: Brian2's KeyError.
    let options = NeuronGroupOptions {
        name: Some("late".into()),
        ..Default::default()
    };
    let late = NeuronGroup::from_spec(&net, 2, counter(0.5), options).unwrap();
    let err = net.restore("mid").unwrap_err();
    assert!(
        err.to_string()
            .contains("Stored state does not have a stored state for 'late'"),
        "{err}"
    );
    net.store("with_late");
    let _monitor = EventMonitor::spikes(&late, EventMonitorOptions::default()).unwrap();
    let err = net.restore("with_late").unwrap_err();
    assert!(err.to_string().contains("spikemonitor"), "{err}");
}

#[test]
fn two_runs_equal_one_run() {
    let a = net();
    let (ga, ma) = noisy(&a);
    a.run(7.0 * DT).unwrap();
    a.run(13.0 * DT).unwrap();
    let b = net();
    let (gb, mb) = noisy(&b);
    b.run(20.0 * DT).unwrap();
    assert_eq!(ga.get("v").unwrap(), gb.get("v").unwrap());
    assert_eq!(ma.values("v"), mb.values("v"));
    assert_eq!(ma.t().len(), 20);
}

#[test]
fn state_monitor_starts_with_the_initial_state() {
    let net = net();
    let g = NeuronGroup::from_spec(&net, 2, counter(0.25), Default::default()).unwrap();
    g.set_values("v", &[0.1, 0.2]).unwrap();
    let m = StateMonitor::new(&g, &["v"], Record::Indices(vec![1]), Default::default()).unwrap();
    net.run(2.0 * DT).unwrap();
    assert_eq!(m.t(), vec![0.0, DT]);
    assert_eq!(m.trace("v", 0).unwrap(), vec![0.2, 0.45]);
}

#[test]
fn schedule_orders_objects_like_brian2() {
    let net = net();
    let g = NeuronGroup::from_spec(&net, 1, counter(0.3), Default::default()).unwrap();
    EventMonitor::spikes(&g, Default::default()).unwrap();
    StateMonitor::new(&g, &["v"], Record::All, Default::default()).unwrap();
    PopulationRateMonitor::new(&g, None).unwrap();
    let names: Vec<String> = net.scheduling_summary().into_iter().map(|s| s.0).collect();
    assert_eq!(
        names,
        vec![
            "statemonitor",
            "neurongroup_stateupdater",
            "neurongroup_spike_thresholder",
            "spikemonitor",
            "neurongroup_spike_resetter",
            "ratemonitor"
        ]
    );
}

#[test]
fn constant_over_dt_subexpressions_are_drawn_once_per_step_in_dependency_order() {
    let net = net();
    let sub = |n: &str, e: ast::Expr, stored: bool| {
        let mut v = var(n, EquationKind::Subexpression);
        v.expr = Some(e);
        v.constant_over_dt = stored;
        v
    };
    let mut spec = GroupSpec::new(vec![
        sub("plus", bin(BinOp::Add, name("twice"), num(1.0)), true),
        sub("twice", bin(BinOp::Mul, num(2.0), name("noise")), false),
        sub("noise", call("rand", vec![]), true),
        var("a", EquationKind::Parameter),
        var("b", EquationKind::Parameter),
    ]);
    spec.state_update = vec![
        Assignment::set("a", name("noise"), false),
        Assignment::set("b", name("plus"), false),
    ];
    let g = NeuronGroup::from_spec(&net, 3, spec, Default::default()).unwrap();
    net.run(2.0 * DT).unwrap();
    let (a, b) = (g.get("a").unwrap(), g.get("b").unwrap());
    for k in 0..3 {
        assert_eq!(b[k], 2.0 * a[k] + 1.0);
    }
    assert_eq!(g.get("noise").unwrap(), a);
    assert_ne!(a[0], a[1]);
}

#[test]
fn state_access_errors_are_values() {
    let net = net();
    let g = NeuronGroup::from_spec(&net, 3, counter(0.3), Default::default()).unwrap();
    assert!(g.get("nope").is_err());
    assert!(g.set_values("v", &[1.0, 2.0]).is_err());
    let err = g.set("nope", 1.0).unwrap_err();
    assert!(err.to_string().contains("no variable 'nope'"), "{err}");
    assert!(net.run(-1.0).is_err());
}

#[test]
fn run_on_event_acts_on_the_neurons_of_the_event() {
    let net = net();
    let options = NeuronGroupOptions {
        events: vec![EventDefinition {
            name: "high".into(),
            condition: "v > 0.5".into(),
            action: None,
        }],
        ..Default::default()
    };
    let g = NeuronGroup::new(&net, 2, "v : 1\nhits : 1", options).unwrap();
    g.set_values("v", &[1.0, 0.0]).unwrap();
    let name = g
        .run_on_event("high", "hits += 1", "after_resets", None)
        .unwrap();
    assert_eq!(name, "neurongroup_high_resetter");
    net.run(3.0 * DT).unwrap();
    assert_eq!(g.get("hits").unwrap(), vec![3.0, 0.0]);
    assert!(g
        .run_on_event("nope", "hits += 1", "after_resets", None)
        .is_err());
    assert!(g
        .run_on_event("high", "hits += 1", "after_resets", None)
        .is_err());
}

#[test]
fn a_user_clock_changes_dt_between_runs() {
    let net = net();
    let clock = Clock::new(DT);
    let g = NeuronGroup::from_spec(
        &net,
        1,
        counter(0.1),
        NeuronGroupOptions {
            clock: Some(clock.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    net.run(2.0 * DT).unwrap();
    net.set_clock_dt(&clock, DT / 2.0).unwrap();
    net.run(2.0 * DT).unwrap();
    assert!((g.get("v").unwrap()[0] - 0.6).abs() < 1e-12);
    assert!(net.set_clock_dt(&clock, -1.0).is_err());
}
