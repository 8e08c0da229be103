//! Linked variables: `(linked)` parameters reading another group's variable.

use crate::{interpreted, jitted};
use rheobase_runtime::{
    LinkIndex, NeuronGroup, NeuronGroupOptions, Record, SpikeMonitor, StateMonitor,
};

#[test]
fn a_linked_variable_reads_the_current_value_of_its_target() {
    for net in [interpreted(), jitted()] {
        // a ramp in volt
        let source = NeuronGroup::new(
            &net,
            3,
            "dv/dt = (1*volt)/second : volt",
            NeuronGroupOptions::default(),
        )
        .unwrap();
        source.set_values("v", &[0.0, 1.0, 2.0]).unwrap();
        let linked = NeuronGroup::new(
            &net,
            3,
            "x : volt (linked)\ny = 2*x : volt",
            NeuronGroupOptions {
                // the thresholder runs after the source's state update in the same step
                threshold: Some("x > 2.00005*volt".into()),
                ..Default::default()
            },
        )
        .unwrap();
        linked.link("x", &source, "v", LinkIndex::Auto).unwrap();
        let spikes = SpikeMonitor::spikes(&linked, Default::default()).unwrap();
        let m = StateMonitor::new(&linked, &["x"], Record::All, Default::default()).unwrap();
        net.run(1e-3).unwrap();
        assert_eq!(linked.get("x").unwrap(), source.get("v").unwrap());
        let y = linked.get("y").unwrap();
        assert!((y[2] - 2.0 * (2.0 + 1e-3)).abs() < 1e-12, "{y:?}");
        // neuron 2 crosses 2.00005 V in the first step (v = 2.0001 after it)
        assert_eq!(spikes.i()[0], 2);
        assert_eq!(spikes.t()[0], 0.0);
        // the monitor records at `start`, before the source's update
        assert_eq!(m.trace("x", 0).unwrap()[0], 0.0);
    }
}

#[test]
fn index_arrays_variables_and_shared_targets() {
    let net = jitted();
    let source = NeuronGroup::new(
        &net,
        4,
        "v : 1\ns : 1 (shared)",
        NeuronGroupOptions::default(),
    )
    .unwrap();
    source.set_values("v", &[10.0, 11.0, 12.0, 13.0]).unwrap();
    source.set("s", 5.0).unwrap();
    let g = NeuronGroup::new(
        &net,
        6,
        "x : 1 (linked)\nz : 1 (linked)\nw : 1 (linked)\nk : integer",
        NeuronGroupOptions::default(),
    )
    .unwrap();
    g.link("x", &source, "v", LinkIndex::Array(vec![3, 2, 1, 0, 0, 1]))
        .unwrap();
    g.link("z", &source, "s", LinkIndex::Auto).unwrap();
    g.set_values("k", &[1.0, 1.0, 2.0, 2.0, 3.0, 3.0]).unwrap();
    g.link("w", &source, "v", LinkIndex::Variable("k".into()))
        .unwrap();
    assert_eq!(
        g.get("x").unwrap(),
        vec![13.0, 12.0, 11.0, 10.0, 10.0, 11.0]
    );
    assert_eq!(g.get("z").unwrap(), vec![5.0; 6]);
    assert_eq!(
        g.get("w").unwrap(),
        vec![11.0, 11.0, 12.0, 12.0, 13.0, 13.0]
    );
    // the index variable is read where it is used
    g.set_values("k", &[0.0; 6]).unwrap();
    assert_eq!(g.get("w").unwrap(), vec![10.0; 6]);
    // a subgroup as the target
    let h = NeuronGroup::new(&net, 2, "x : 1 (linked)", NeuronGroupOptions::default()).unwrap();
    h.link("x", &source.subgroup(2..4).unwrap(), "v", LinkIndex::Auto)
        .unwrap();
    assert_eq!(h.get("x").unwrap(), vec![12.0, 13.0]);
}

#[test]
fn linked_variables_follow_brian2s_rules() {
    let net = jitted();
    let source =
        NeuronGroup::new(&net, 4, "v : volt\nn : 1", NeuronGroupOptions::default()).unwrap();
    let g = NeuronGroup::new(
        &net,
        3,
        "x : volt (linked)\np : volt",
        NeuronGroupOptions {
            reset: None,
            ..Default::default()
        },
    )
    .unwrap();
    // not linked: reading and running are errors
    assert!(g
        .get("x")
        .unwrap_err()
        .to_string()
        .contains("not been linked"));
    let err = net.run(1e-4).unwrap_err();
    assert!(err.to_string().contains("not been linked"), "{err}");
    // size mismatch without an index
    let err = g.link("x", &source, "v", LinkIndex::Auto).unwrap_err();
    assert!(err
        .to_string()
        .contains("size of the target group does not match"));
    // units
    let err = g
        .link("x", &source, "n", LinkIndex::Array(vec![0, 1, 2]))
        .unwrap_err();
    assert!(err.to_string().contains("Unit of variable 'x'"), "{err}");
    // a bad index array
    let err = g
        .link("x", &source, "v", LinkIndex::Array(vec![0, 4, 1]))
        .unwrap_err();
    assert!(err.to_string().contains("outside of the valid range"));
    let err = g
        .link("x", &source, "v", LinkIndex::Array(vec![0, 1]))
        .unwrap_err();
    assert!(err.to_string().contains("length 3"));
    // only (linked) variables can be linked
    let err = g.link("p", &source, "v", LinkIndex::Auto).unwrap_err();
    assert!(err.to_string().contains("(linked)"));
    g.link("x", &source, "v", LinkIndex::Array(vec![0, 1, 1]))
        .unwrap();
    // writes are refused, by value and in code
    assert!(g.set("x", 1.0).unwrap_err().to_string().contains("linked"));
    assert!(g.set_expr("x", "1*volt").is_err());
    let bad_reset = NeuronGroup::new(
        &net,
        3,
        "x : volt (linked)",
        NeuronGroupOptions {
            threshold: Some("True".into()),
            reset: Some("x = 0*volt".into()),
            ..Default::default()
        },
    );
    assert!(bad_reset.is_err());
    net.run(1e-4).unwrap();
}

#[test]
fn synapses_link_through_an_index_variable() {
    use rheobase_runtime::{Connect, Synapses};
    let net = jitted();
    let g = NeuronGroup::new(
        &net,
        3,
        "v : 1\ns : 1 (shared)",
        NeuronGroupOptions::default(),
    )
    .unwrap();
    g.set_values("v", &[1.0, 2.0, 3.0]).unwrap();
    g.set("s", 7.0).unwrap();
    let s = Synapses::new(
        &g,
        &g,
        "x : 1 (linked)\ny : 1 (linked)\nw = 10*x + y : 1",
        Default::default(),
    )
    .unwrap();
    let err = s.link("x", &g, "v", LinkIndex::Auto).unwrap_err();
    assert!(err.to_string().contains("without an index"), "{err}");
    let err = s
        .link("x", &g, "v", LinkIndex::Array(vec![0, 1]))
        .unwrap_err();
    assert!(err.to_string().contains("dynamic size"), "{err}");
    s.link("x", &g, "v", LinkIndex::Variable("i".into()))
        .unwrap();
    s.link("y", &g, "s", LinkIndex::Auto).unwrap();
    // connected after linking: the links cover the new synapses
    s.connect(Connect::j("i")).unwrap();
    assert_eq!(s.get("w").unwrap(), vec![17.0, 27.0, 37.0]);
    net.run(1e-4).unwrap();
}
