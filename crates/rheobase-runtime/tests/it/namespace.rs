//! External constants given new values between runs (`set_namespace`, Brian2's resolution of
//! names at every `run()`), on both backends, and the network's time set from outside.

use super::{interpreted, jitted, namespace};
use rheobase_runtime::{
    Connect, Network, NeuronGroup, NeuronGroupOptions, PathwayCode, PoissonGroup,
    PoissonGroupOptions, PoissonInput, Rates, RunRegularlyOptions, Synapses, SynapsesOptions,
    Weight,
};
use rheobase_units::{Dimension, Quantity};

const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);
const VOLT: Dimension = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);

fn ms(x: f64) -> Quantity {
    Quantity::new(x * 1e-3, SECOND)
}

/// `dv/dt = (1 - v)/tau` from `v = 0`: `1 - exp(-t/tau)` (exact integration).
fn relaxing(net: &Network, tau: Quantity) -> NeuronGroup {
    NeuronGroup::new(
        net,
        1,
        "dv/dt = (1 - v)/tau : 1\nunused_here : 1",
        NeuronGroupOptions {
            method: Some("exact".into()),
            namespace: namespace(&[("tau", tau), ("not_in_the_model", ms(1.0))]),
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn a_new_value_is_used_by_the_next_run_on_both_backends() {
    for net in [interpreted(), jitted()] {
        let g = relaxing(&net, ms(10.0));
        net.store("start");
        for tau in [5.0, 10.0, 20.0] {
            net.restore("start").unwrap();
            g.set_namespace(&namespace(&[("tau", ms(tau))])).unwrap();
            net.run(0.02).unwrap();
            let expected = 1.0 - (-20.0 / tau).exp();
            let v = g.get("v").unwrap()[0];
            assert!(
                (v - expected).abs() < 1e-12,
                "tau = {tau} ms: {v} != {expected}"
            );
        }
    }
}

#[test]
fn only_constants_the_code_reads_are_listed_and_unchanged_values_change_nothing() {
    let net = interpreted();
    let g = relaxing(&net, ms(10.0));
    assert_eq!(g.namespace(), vec![("tau".to_string(), ms(10.0))]);
    let same = namespace(&[("tau", ms(10.0)), ("not_in_the_model", ms(1.0))]);
    assert!(!g.set_namespace(&same).unwrap());
    assert!(g.set_namespace(&namespace(&[("tau", ms(5.0))])).unwrap());
    assert_eq!(g.namespace(), vec![("tau".to_string(), ms(5.0))]);
}

#[test]
fn a_value_of_another_dimension_is_refused_as_at_creation_and_changes_nothing() {
    let net = interpreted();
    let g = relaxing(&net, ms(10.0));
    let err = g
        .set_namespace(&namespace(&[("tau", Quantity::new(5e-3, VOLT))]))
        .unwrap_err();
    assert!(err.code().starts_with("units::"), "{}", err.code());
    assert_eq!(g.namespace(), vec![("tau".to_string(), ms(10.0))]);
    net.run(0.01).unwrap();
    assert!((g.get("v").unwrap()[0] - (1.0 - (-1.0f64).exp())).abs() < 1e-12);
}

#[test]
fn dimensions_that_change_together_and_still_fit_are_accepted() {
    let net = interpreted();
    let g = NeuronGroup::new(
        &net,
        1,
        "dv/dt = (a/b)/second : 1",
        NeuronGroupOptions {
            method: Some("euler".into()),
            namespace: namespace(&[("a", ms(2.0)), ("b", ms(1.0))]),
            ..Default::default()
        },
    )
    .unwrap();
    let volts = |x| Quantity::new(x, VOLT);
    g.set_namespace(&namespace(&[("a", volts(3.0)), ("b", volts(1.0))]))
        .unwrap();
    net.run(0.001).unwrap();
    assert!((g.get("v").unwrap()[0] - 3e-3).abs() < 1e-12);
}

#[test]
fn thresholds_resets_and_run_regularly_read_the_new_values() {
    let net = jitted();
    let g = NeuronGroup::new(
        &net,
        1,
        "dv/dt = rate : 1\nx : 1",
        NeuronGroupOptions {
            method: Some("euler".into()),
            threshold: Some("v > v_th".into()),
            reset: Some("v = v_reset".into()),
            namespace: namespace(&[
                (
                    "rate",
                    Quantity::new(1000.0, Dimension::from_ints([0, 0, -1, 0, 0, 0, 0])),
                ),
                ("v_th", Quantity::dimensionless(0.5)),
                ("v_reset", Quantity::dimensionless(0.0)),
                ("x0", Quantity::dimensionless(1.0)),
            ]),
            ..Default::default()
        },
    )
    .unwrap();
    g.run_regularly("x = x0", RunRegularlyOptions::default())
        .unwrap();
    net.run(0.0001).unwrap();
    assert_eq!(g.get("x").unwrap(), vec![1.0]);
    let values = namespace(&[
        ("v_th", Quantity::dimensionless(100.0)),
        ("v_reset", Quantity::dimensionless(0.25)),
        ("x0", Quantity::dimensionless(7.0)),
    ]);
    g.set_namespace(&values).unwrap();
    g.set("v", 0.0).unwrap();
    net.run(0.001).unwrap(); // 10 steps of 0.1: no spike below 100
    assert!((g.get("v").unwrap()[0] - 1.0).abs() < 1e-9);
    assert_eq!(g.get("x").unwrap(), vec![7.0]);
    // run_regularly code is checked again too: x0 must stay dimensionless
    let err = g.set_namespace(&namespace(&[("x0", ms(1.0))])).unwrap_err();
    assert!(err.code().starts_with("units::"), "{}", err.code());
}

#[test]
fn synapses_poisson_groups_and_poisson_inputs_read_the_new_values() {
    let net = jitted();
    let source = NeuronGroup::new(
        &net,
        1,
        "v : 1",
        NeuronGroupOptions {
            threshold: Some("True".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let target = NeuronGroup::new(
        &net,
        1,
        "v : 1\nu : 1",
        NeuronGroupOptions {
            namespace: namespace(&[("u_weight", Quantity::dimensionless(1.0))]),
            ..Default::default()
        },
    )
    .unwrap();
    let s = Synapses::new(
        &source,
        &target,
        "",
        SynapsesOptions {
            on_pre: PathwayCode::from("v_post += w0"),
            namespace: namespace(&[("w0", Quantity::dimensionless(1.0))]),
            ..Default::default()
        },
    )
    .unwrap();
    s.connect(Connect::default()).unwrap();
    PoissonInput::new(
        &target,
        "u",
        1,
        0.0,
        Weight::from("u_weight"),
        Default::default(),
    )
    .unwrap();
    let hertz = |x| Quantity::new(x, Dimension::from_ints([0, 0, -1, 0, 0, 0, 0]));
    let poisson = PoissonGroup::new(
        &net,
        100,
        Rates::Expression("r0".into()),
        PoissonGroupOptions {
            namespace: namespace(&[("r0", hertz(0.0))]),
            ..Default::default()
        },
    )
    .unwrap();
    let spikes = rheobase_runtime::SpikeMonitor::spikes(&poisson, Default::default()).unwrap();
    net.run(0.001).unwrap();
    assert_eq!(target.get("v").unwrap(), vec![10.0]);
    assert!(spikes.i().is_empty());
    s.set_namespace(&namespace(&[("w0", Quantity::dimensionless(2.0))]))
        .unwrap();
    poisson
        .set_namespace(&namespace(&[("r0", hertz(1e4))]))
        .unwrap();
    net.run(0.001).unwrap();
    assert_eq!(target.get("v").unwrap(), vec![30.0]);
    assert_eq!(spikes.i().len(), 1000); // rand() < r0*dt = 1 always
    assert_eq!(
        s.namespace(),
        vec![("w0".to_string(), Quantity::dimensionless(2.0))]
    );
    // the weight of the PoissonInput is checked in the target's scope
    let err = target
        .set_namespace(&namespace(&[("u_weight", ms(1.0))]))
        .unwrap_err();
    assert!(err.code().starts_with("units::"), "{}", err.code());
    let err = s.set_namespace(&namespace(&[("w0", ms(1.0))])).unwrap_err();
    assert!(err.code().starts_with("units::"), "{}", err.code());
}

#[test]
fn the_time_can_be_set_for_the_next_run() {
    let net = interpreted();
    let g = NeuronGroup::new(&net, 1, "v : 1", Default::default()).unwrap();
    net.run(0.003).unwrap();
    assert!((g.get("t").unwrap()[0] - 0.003).abs() < 1e-12);
    net.set_t(0.0).unwrap();
    assert_eq!(net.t(), 0.0);
    assert_eq!(g.get("t").unwrap(), vec![0.0]);
    net.run(0.001).unwrap();
    assert!((net.t() - 0.001).abs() < 1e-12);
    net.set_t(0.01).unwrap();
    net.run(0.001).unwrap();
    assert!((net.t() - 0.011).abs() < 1e-12);
    assert!(net.set_t(-1.0).is_err());
    assert!(net.set_t(f64::NAN).is_err());
}
