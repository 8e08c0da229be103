//! The quantity helpers through the prelude, as scripts use them.

use rheobase::prelude::*;

#[test]
fn q_reads_brian2_quantities() {
    let tau = q("20*ms").unwrap();
    assert!((tau.value - 0.02).abs() < 1e-15);
    assert_eq!(tau.dim, lookup_unit("second").unwrap().dim);
    let err = q("20*ms + 1*mV").unwrap_err();
    assert!(err.to_string().contains("20*ms + 1*mV"), "{err}");
}

#[test]
fn namespace_feeds_a_neuron_group() {
    let net = Network::new();
    let g = NeuronGroup::new(
        &net,
        3,
        "dv/dt = (E_L - v)/tau : volt",
        NeuronGroupOptions {
            namespace: namespace(&[("tau", "10*ms"), ("E_L", "-70*mV")]).unwrap(),
            ..Default::default()
        },
    )
    .unwrap();
    g.set_expr("v", "E_L").unwrap();
    let e_l = q("-70*mV").unwrap().value;
    assert_eq!(g.get("v").unwrap(), vec![e_l; 3]);
}
