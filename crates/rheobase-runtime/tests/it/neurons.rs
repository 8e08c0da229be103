//! Threshold, reset, refractoriness and state access with model strings.

use crate::{interpreted, options, DT};
use rheobase_runtime::{
    NeuronGroup, NeuronGroupOptions, Record, Refractory, SpikeMonitor, StateMonitor,
    StateMonitorOptions, When,
};

#[test]
fn spike_times_of_constant_rate_neurons_fall_on_exact_steps() {
    let net = interpreted();
    // neuron k integrates at rate (k+1)/(10 dt): it crosses 1 after 10/(k+1) steps
    let g = NeuronGroup::new(
        &net,
        3,
        "dv/dt = rate : 1\nrate : Hz",
        options("v > 1 - 1e-9", "v = 0"),
    )
    .unwrap();
    g.set_expr("rate", "(i + 1) / (10 * 0.1*ms)").unwrap();
    let spikes = SpikeMonitor::spikes(&g, Default::default()).unwrap();
    net.run(20.0 * DT).unwrap();
    let trains = spikes.spike_trains();
    let steps = |ts: &Vec<f64>| {
        ts.iter()
            .map(|t| (t / DT).round() as i64)
            .collect::<Vec<_>>()
    };
    assert_eq!(steps(&trains[0]), vec![9, 19]);
    assert_eq!(steps(&trains[1]), vec![4, 9, 14, 19]);
}

#[test]
fn threshold_then_reset_in_the_same_step() {
    let net = interpreted();
    let g = NeuronGroup::new(&net, 1, "dv/dt = 3000*Hz : 1", options("v > 1", "v = 0")).unwrap();
    let spikes = SpikeMonitor::spikes(&g, Default::default()).unwrap();
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
    assert!((spikes.t()[0] - 3.0 * DT).abs() < 1e-15);
    let v = end.trace("v", 0).unwrap();
    assert_eq!(v[3], 0.0);
}

#[test]
fn refractoriness_holds_v_for_exactly_the_period_while_w_integrates() {
    let net = interpreted();
    let model = "dv/dt = 5000*Hz : 1 (unless refractory)\ndw/dt = 1000*Hz : 1";
    let g = NeuronGroup::new(
        &net,
        1,
        model,
        NeuronGroupOptions {
            refractory: Refractory::Duration(5.0 * DT),
            method: Some("euler".into()),
            ..options("v > 0.9", "v = 0")
        },
    )
    .unwrap();
    let m = StateMonitor::new(
        &g,
        &["v", "w"],
        Record::All,
        StateMonitorOptions {
            when: When::new("end", 0),
            ..Default::default()
        },
    )
    .unwrap();
    net.run(9.0 * DT).unwrap();
    let v = m.trace("v", 0).unwrap();
    let expected = [0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0];
    for (a, b) in v.iter().zip(expected) {
        assert!((a - b).abs() < 1e-12, "{v:?}");
    }
    let w = m.trace("w", 0).unwrap();
    assert!((w[8] - 0.9).abs() < 1e-12, "{w:?}");
}

#[test]
fn boolean_refractory_condition_keeps_neurons_refractory_while_it_holds() {
    let net = interpreted();
    let g = NeuronGroup::new(
        &net,
        1,
        "dv/dt = 5000*Hz : 1 (unless refractory)\nblock : 1",
        NeuronGroupOptions {
            refractory: Refractory::Expression("block > 0.5".into()),
            ..options("v > 0.9", "v = 0; block = 1")
        },
    )
    .unwrap();
    net.run(6.0 * DT).unwrap();
    assert_eq!(g.get("v").unwrap(), vec![0.0]);
    g.set("block", 0.0).unwrap();
    net.run(1.0 * DT).unwrap();
    assert!((g.get("v").unwrap()[0] - 0.5).abs() < 1e-12);
}

#[test]
fn subgroup_code_uses_relative_indices() {
    let net = interpreted();
    let g = NeuronGroup::new(&net, 20, "x : 1\ny : 1", NeuronGroupOptions::default()).unwrap();
    let sub = g.subgroup(10..20).unwrap();
    sub.set_expr("x", "i + 0.5*N").unwrap();
    let x = g.get("x").unwrap();
    assert_eq!(x[9], 0.0);
    assert_eq!(x[10], 5.0);
    assert_eq!(x[19], 14.0);
    sub.run_regularly("y = i", Default::default()).unwrap();
    net.run(DT).unwrap();
    assert_eq!(
        sub.get("y").unwrap(),
        (0..10).map(f64::from).collect::<Vec<_>>()
    );
    g.set_expr_where("y", "i >= 18", "-1").unwrap();
    assert_eq!(g.get("y").unwrap()[17..], [7.0, -1.0, -1.0]);
    assert_eq!(g.get_where("i", "y < 0").unwrap(), vec![18.0, 19.0]);
    assert_eq!(sub.get_where("x", "i < 2").unwrap(), vec![5.0, 6.0]);
    assert_eq!(sub.eval("x - i").unwrap(), vec![5.0; 10]);
}

#[test]
fn set_expr_sees_subexpressions_and_namespace() {
    let net = interpreted();
    let g = NeuronGroup::new(
        &net,
        4,
        "v : volt\ndouble_v = 2*v : volt",
        NeuronGroupOptions {
            namespace: crate::namespace(&[(
                "El",
                rheobase_units::Quantity::new(
                    -0.07,
                    rheobase_units::lookup_unit("volt").unwrap().dim,
                ),
            )]),
            ..Default::default()
        },
    )
    .unwrap();
    g.set_expr("v", "El + i*mV").unwrap();
    let d = g.get("double_v").unwrap();
    assert!((d[1] - 2.0 * (-0.069)).abs() < 1e-12);
    let info = g.variable_info("double_v").unwrap();
    assert!(info.read_only && info.is_subexpression);
    assert_eq!(info.dim, g.dimension("v").unwrap());
    assert!(g.variable_info("w").is_none());
    let err = g.set_expr("v", "3*second").unwrap_err();
    assert_eq!(err.code(), "units::dimension_mismatch", "{err}");
}

#[test]
fn model_errors_render_against_the_group_sources() {
    let net = interpreted();
    let err =
        NeuronGroup::new(&net, 2, "dv/dt = -v/tau : 1", NeuronGroupOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("tau"), "{text}");
    assert!(text.contains("neurongroup"), "{text}");
}

#[test]
fn groups_from_equations_objects_report_errors_in_their_sources() {
    use rheobase_lang::{Equations, SourceMap, Substitution};
    let net = interpreted();
    let mut sources = SourceMap::new();
    let src = sources.add("model.eqs", "dv/dt = -v/tau : 1");
    let eqs = Equations::with_substitutions(
        "dv/dt = -v/tau : 1",
        src,
        &[("tau", Substitution::Name("tau_m".into()))],
    )
    .unwrap();
    let err = NeuronGroup::with_equations(&net, 2, &eqs, &sources, NeuronGroupOptions::default())
        .unwrap_err();
    assert!(err.to_string().contains("model.eqs"), "{err}");
    let eqs = eqs
        .concat(&Equations::parse("tau_m : second", src).unwrap())
        .unwrap();
    let g = NeuronGroup::with_equations(&net, 2, &eqs, &sources, NeuronGroupOptions::default())
        .unwrap();
    g.set("tau_m", 0.01).unwrap();
    g.set("v", 1.0).unwrap();
    net.run(10.0 * DT).unwrap();
    assert!((g.get("v").unwrap()[0] - (-0.1f64).exp()).abs() < 1e-9);
}

#[test]
fn brian2_rules_for_reset_and_refractory_strings_are_enforced() {
    let net = interpreted();
    let model = "dv/dt = 1000*Hz : 1\ngain : 1 (shared)";
    let err = NeuronGroup::new(&net, 2, model, options("v > 1", "gain = 0.5")).unwrap_err();
    assert!(err.code().starts_with("model::"), "{err}");
    let err = NeuronGroup::new(
        &net,
        2,
        model,
        NeuronGroupOptions {
            refractory: Refractory::Expression("3*volt".into()),
            ..options("v > 1", "v = 0")
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "model::invalid_refractory", "{err}");
    // a failed group leaves its name free
    let g = NeuronGroup::new(&net, 2, model, options("v > 1", "v = 0")).unwrap();
    assert_eq!(g.name(), "neurongroup");
}

/// Brian2 2.9: `G.v = 'x + 0.7'` leaves refractory neurons' `(unless refractory)` variables
/// alone, `G.v = 0.9` does not.
#[test]
fn code_but_not_values_respects_unless_refractory() {
    let net = interpreted();
    let g = NeuronGroup::new(
        &net,
        2,
        "dv/dt = 1000*Hz : 1 (unless refractory)\nx : 1",
        NeuronGroupOptions {
            refractory: Refractory::Duration(5e-3),
            ..options("v > 0.25", "v = 0")
        },
    )
    .unwrap();
    g.set_values("v", &[0.3, 0.0]).unwrap();
    net.run(2.0 * DT).unwrap();
    assert_eq!(g.get("not_refractory").unwrap(), vec![0.0, 1.0]);
    g.set_expr("v", "x + 0.7").unwrap();
    assert_eq!(g.get("v").unwrap(), vec![0.0, 0.7]);
    g.set("v", 0.9).unwrap();
    assert_eq!(g.get("v").unwrap(), vec![0.9, 0.9]);
}

/// Brian2 2.9 gives `[0, 0]`: `run_regularly` code does not write refractory neurons' `v`.
#[test]
fn run_regularly_respects_unless_refractory() {
    let net = interpreted();
    let g = NeuronGroup::new(
        &net,
        2,
        "dv/dt = 1000*Hz : 1 (unless refractory)\nx : 1",
        NeuronGroupOptions {
            refractory: Refractory::Duration(5e-3),
            ..options("v > 0.25", "v = 0")
        },
    )
    .unwrap();
    g.set_values("v", &[0.3, 0.0]).unwrap();
    g.run_regularly(
        "v = 0.2",
        rheobase_runtime::RunRegularlyOptions {
            when: "end".into(),
            ..Default::default()
        },
    )
    .unwrap();
    net.run(2.0 * DT).unwrap();
    assert_eq!(g.get("v").unwrap(), vec![0.0, 0.0]);
}
