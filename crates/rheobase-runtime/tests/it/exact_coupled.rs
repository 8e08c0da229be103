//! `exact` on coupled linear systems solved by a numeric propagator matrix (3+ coupled
//! variables): against the analytic solution, with per-neuron coefficients, a change of dt
//! between runs, and both backends.

use crate::{interpreted, jitted};
use rheobase_runtime::{Network, NeuronGroup, NeuronGroupOptions};

/// `dx/dt = M x/tau + b` with `M = [[-2, 1, 0], [1, -2, 1], [0, 1, -2]]`, `b = (B/tau, 0, 0)`.
const MODEL: &str = "dx/dt = (-2*x + y + B)/tau : 1
dy/dt = (x - 2*y + z)/tau : 1
dz/dt = (y - 2*z)/tau : 1
tau : second
B : 1";

/// The analytic solution at time `t` (eigen-decomposition of the symmetric matrix).
fn analytic(x0: [f64; 3], tau: f64, b: f64, t: f64) -> [f64; 3] {
    let s2 = 2f64.sqrt();
    let vectors = [
        [0.5, -s2 / 2.0, 0.5],
        [1.0 / s2, 0.0, -1.0 / s2],
        [0.5, s2 / 2.0, 0.5],
    ];
    let rates = [-2.0 - s2, -2.0, -2.0 + s2].map(|l| l / tau);
    let fixed = [0.75 * b, 0.5 * b, 0.25 * b];
    let mut out = fixed;
    for (v, l) in vectors.iter().zip(rates) {
        let along: f64 = (0..3).map(|k| v[k] * (x0[k] - fixed[k])).sum();
        for k in 0..3 {
            out[k] += v[k] * along * (l * t).exp();
        }
    }
    out
}

fn group(net: &Network, method: Option<&str>) -> NeuronGroup {
    let g = NeuronGroup::new(
        net,
        4,
        MODEL,
        NeuronGroupOptions {
            method: method.map(str::to_string),
            ..Default::default()
        },
    )
    .unwrap();
    g.set_expr("tau", "(5 + 5*i)*ms").unwrap();
    g.set_values("B", &[0.0, 0.4, 0.4, -1.0]).unwrap();
    g.set_values("x", &[0.3, 0.3, 0.3, -1.0]).unwrap();
    g.set_values("y", &[-0.2, -0.2, 0.1, 0.5]).unwrap();
    g.set_values("z", &[0.5, 0.5, 0.0, 2.0]).unwrap();
    g
}

fn check(g: &NeuronGroup, t: f64) {
    let (x, y, z) = (
        g.get("x").unwrap(),
        g.get("y").unwrap(),
        g.get("z").unwrap(),
    );
    let b = g.get("B").unwrap();
    let x0 = [
        [0.3, -0.2, 0.5],
        [0.3, -0.2, 0.5],
        [0.3, 0.1, 0.0],
        [-1.0, 0.5, 2.0],
    ];
    for k in 0..4 {
        let tau = (5.0 + 5.0 * k as f64) * 1e-3;
        let want = analytic(x0[k], tau, b[k], t);
        for (got, want) in [x[k], y[k], z[k]].into_iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "neuron {k}: {got} vs {want}");
        }
    }
}

#[test]
fn three_coupled_variables_per_neuron_match_the_analytic_solution() {
    for net in [interpreted(), jitted()] {
        // chosen automatically, as Brian2 does for an invertible matrix
        let g = group(&net, None);
        net.run(20e-3).unwrap();
        check(&g, 20e-3);
        // a new dt between runs gives a new propagator
        net.set_default_dt(2.5e-5).unwrap();
        net.run(5e-3).unwrap();
        check(&g, 25e-3);
    }
}

#[test]
fn parameters_changed_between_runs_are_used() {
    let net = jitted();
    let g = group(&net, Some("linear"));
    net.run(1e-3).unwrap();
    let state: Vec<Vec<f64>> = ["x", "y", "z"].iter().map(|v| g.get(v).unwrap()).collect();
    g.set("tau", 7e-3).unwrap();
    g.set("B", 0.1).unwrap();
    net.run(2e-3).unwrap();
    let x = g.get("x").unwrap();
    for k in 0..4 {
        let start = [state[0][k], state[1][k], state[2][k]];
        let want = analytic(start, 7e-3, 0.1, 2e-3);
        assert!((x[k] - want[0]).abs() < 1e-12, "{} vs {}", x[k], want[0]);
    }
}

#[test]
fn a_propagator_that_overflows_is_an_error() {
    let net = jitted();
    let g = group(&net, Some("exact"));
    g.set("tau", -1e-9).unwrap();
    let err = net.run(1e-3).unwrap_err();
    assert!(err.to_string().contains("not finite"), "{err}");
}

/// `reference/exact_coupled3.py` (Brian2 2.9, numpy target; it chooses `exact`).
#[test]
fn three_coupled_variables_match_brian2() {
    let net = jitted();
    let g = NeuronGroup::new(
        &net,
        2,
        "dx/dt = (-2*x + y)/ms : 1
dy/dt = (x - 2*y + z)/ms : 1
dz/dt = (y - 2*z + 1)/ms : 1",
        NeuronGroupOptions::default(),
    )
    .unwrap();
    g.set_values("x", &[0.3, -1.0]).unwrap();
    g.set_values("y", &[-0.2, 0.5]).unwrap();
    g.set_values("z", &[0.5, 2.0]).unwrap();
    net.run(1e-3).unwrap();
    let brian2 = [
        ("x", [0.11119640285106211, 0.08083089595423404]),
        ("y", [0.25661461491840826, 0.49999999999999983]),
        ("z", [0.5705958178800781, 0.9191691040457655]),
    ];
    for (var, want) in brian2 {
        for (got, want) in g.get(var).unwrap().into_iter().zip(want) {
            assert!((got - want).abs() < 1e-13, "{var}: {got} vs {want}");
        }
    }
}

#[test]
fn clock_driven_synaptic_variables_use_the_propagator() {
    use rheobase_runtime::{Connect, Synapses};
    let net = jitted();
    let a = NeuronGroup::new(&net, 2, "tau : second", NeuronGroupOptions::default()).unwrap();
    let b = NeuronGroup::new(&net, 2, "", NeuronGroupOptions::default()).unwrap();
    let s = Synapses::new(
        &a,
        &b,
        "dx/dt = (-2*x + y + B)/tau_pre : 1 (clock-driven)
dy/dt = (x - 2*y + z)/tau_pre : 1 (clock-driven)
dz/dt = (y - 2*z)/tau_pre : 1 (clock-driven)
B : 1",
        Default::default(),
    )
    .unwrap();
    // connected after the propagator arrays were made: they grow with the synapses
    s.connect(Connect::default()).unwrap();
    a.set_values("tau", &[5e-3, 10e-3]).unwrap();
    s.set_values("B", &[0.0, 0.4, -1.0, 0.2]).unwrap();
    s.set("x", 0.3).unwrap();
    s.set("y", -0.2).unwrap();
    s.set("z", 0.5).unwrap();
    net.run(10e-3).unwrap();
    let x = s.get("x").unwrap();
    let bs = s.get("B").unwrap();
    for k in 0..4 {
        let tau = [5e-3, 10e-3][k / 2];
        let want = analytic([0.3, -0.2, 0.5], tau, bs[k], 10e-3);
        assert!(
            (x[k] - want[0]).abs() < 1e-12,
            "synapse {k}: {} vs {}",
            x[k],
            want[0]
        );
    }
}
