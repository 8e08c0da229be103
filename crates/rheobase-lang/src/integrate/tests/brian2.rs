//! Agreement with Brian2 2.9.0 (values from `tests/data/brian2_integrators.py`) and the shape of
//! the emitted statements (snapshots).

use super::rules::refractory_system;
use super::*;
use std::collections::HashMap;

/// Values printed by `tests/data/brian2_integrators.py` (Brian2 2.9.0, numpy target).
#[test]
fn brian2_reference_values() {
    let close = |got: f64, want: f64| (got - want).abs() <= 1e-13 * want.abs().max(1e-3);
    let run_steps = |sys: &OdeSystem,
                     m,
                     init: &[(&str, f64)],
                     params: &[(&'static str, f64)],
                     refractory: Option<f64>,
                     steps: usize| {
        let st = integrate(sys, m).unwrap();
        let mut state: HashMap<String, f64> =
            init.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let mut p: HashMap<&str, f64> = params.iter().copied().collect();
        p.insert("dt", 1e-4);
        p.insert("not_refractory", refractory.unwrap_or(1.0));
        for n in 0..steps {
            p.insert("t", n as f64 * 1e-4);
            step(&st, &mut state, &p, 0.0);
        }
        state
    };
    let sys = refractory_system();
    let params = [("tau", 0.01), ("taue", 0.005)];
    let init = [("v", 0.2), ("ge", 0.5), ("w", 0.1)];
    let s = run_steps(&sys, Method::Exact, &init, &params, Some(0.0), 1);
    assert_eq!(s["v"], 0.2);
    assert!(
        close(s["ge"], 0.4900993366533776) && close(s["w"], 0.10099501662508317),
        "{s:?}"
    );
    let s = run_steps(&sys, Method::Exact, &init, &params, Some(1.0), 1);
    assert!(
        close(s["v"], 0.20293554697104002) && close(s["w"], 0.10100975198995463),
        "{s:?}"
    );
    let s = run_steps(&sys, Method::Rk4, &init, &params, Some(0.0), 1);
    assert_eq!(s["v"], 0.2);
    assert!(
        close(s["ge"], 0.49009933666666666) && close(s["w"], 0.100995016625),
        "{s:?}"
    );

    let hh = system(&[
        ("m", "alpha*(1-m) - beta*m"),
        ("v", "(ge*(Ee - v) - m*v)/tau"),
        ("ge", "-ge/taue"),
    ]);
    let params = [
        ("alpha", 300.0),
        ("beta", 100.0),
        ("tau", 0.01),
        ("taue", 0.005),
        ("Ee", 1.0),
    ];
    let init = [("m", 0.1), ("v", 0.3), ("ge", 0.2)];
    let s = run_steps(&hh, Method::ExponentialEuler, &init, &params, None, 3);
    assert!(
        close(s["m"], 0.17350171613384757)
            && close(s["v"], 0.30297556158191846)
            && close(s["ge"], 0.1883529067168497),
        "{s:?}"
    );
    let s = run_steps(&hh, Method::Rk2, &init, &params, None, 3);
    assert!(
        close(s["m"], 0.1734827055872)
            && close(s["v"], 0.30282203370992156)
            && close(s["ge"], 0.18835367152160004),
        "{s:?}"
    );

    let alpha = system(&[("v", "(g - v)/taum"), ("g", "(h - g)/tau"), ("h", "-h/tau")]);
    let s = run_steps(
        &alpha,
        Method::Exact,
        &[("v", 0.3), ("g", -0.2), ("h", 1.0)],
        &[("taum", 0.01), ("tau", 0.004)],
        None,
        5,
    );
    assert!(
        close(s["v"], 0.27903255134170263)
            && close(s["g"], -0.06618726769384464)
            && close(s["h"], 0.8824969025845952),
        "{s:?}"
    );
}

#[test]
fn statement_shapes() {
    let cuba = system(&[
        ("v", "(ge + gi - (v - El))/taum"),
        ("ge", "-ge/taue"),
        ("gi", "-gi/taui"),
    ]);
    let mut cuba = cuba;
    cuba.odes[0].unless_refractory = true;
    insta::assert_snapshot!(
        "cuba_exact",
        show(&integrate(&cuba, Method::Exact).unwrap())
    );
    let lif = system(&[("v", "(El - v + R*I)/tau + sigma*xi*tau**-0.5")]);
    insta::assert_snapshot!(
        "lif_noise_euler",
        show(&integrate(&lif, Method::Euler).unwrap())
    );
    let hh = system(&[
        ("m", "alpha*(1-m) - beta*m"),
        ("v", "(g*(E - v) - m*v)/tau"),
    ]);
    insta::assert_snapshot!(
        "gating_exponential_euler",
        show(&integrate(&hh, Method::ExponentialEuler).unwrap())
    );
    let rk = system(&[("v", "(w - v)/tau"), ("w", "-w/tau + sin(t)")]);
    insta::assert_snapshot!("rk2", show(&integrate(&rk, Method::Rk2).unwrap()));
    let mult = system(&[("v", "-v/tau + v*xi*s")]);
    insta::assert_snapshot!("heun", show(&integrate(&mult, Method::Heun).unwrap()));
    insta::assert_snapshot!(
        "milstein",
        show(&integrate(&mult, Method::Milstein).unwrap())
    );
}

fn adaptive_lif() -> OdeSystem {
    let mut sys = system(&[("v", "(El - v - w)/tau"), ("w", "(a*(v - El) - w)/tauw")]);
    sys.odes[0].unless_refractory = true;
    sys
}

#[test]
fn exact_coupled_pairs() {
    let sys = adaptive_lif();
    let init = [("v", -0.05), ("w", 0.01)];
    // real, complex and (nearly) repeated eigenvalues: q = ((1/tauw - 1/tau)/2)**2 - a/(tau*tauw)
    for (tau, tauw, a) in [
        (0.01, 0.1, 0.5),
        (0.01, 0.1, 30.0),
        (0.02, 0.02, 1e-12),
        (0.02, 0.02, 0.0),
    ] {
        let params = [
            ("El", -0.07),
            ("tau", tau),
            ("tauw", tauw),
            ("a", a),
            ("not_refractory", 1.0),
        ];
        let exact = run(&sys, Method::Exact, &init, &params, 1e-3, 0.02);
        let fine = run(&sys, Method::Rk4, &init, &params, 1e-6, 0.02);
        for var in ["v", "w"] {
            assert!(
                (exact[var] - fine[var]).abs() < 1e-12,
                "{tau} {tauw} {a} {var}: {} vs {}",
                exact[var],
                fine[var]
            );
        }
    }
    // An undamped oscillator (no input): exact with cos/sin when asked for ...
    let osc = system(&[("x", "y/tau"), ("y", "-x/tau")]);
    let s = run(
        &osc,
        Method::Exact,
        &[("x", 1.0), ("y", 0.0)],
        &[("tau", 0.5)],
        0.01,
        1.0,
    );
    assert!((s["x"] - 2f64.cos()).abs() < 1e-12 && (s["y"] + 2f64.sin()).abs() < 1e-12);
    // ... refused by the automatic choice, as Brian2 refuses complex eigenvalues.
    assert_eq!(choose_method(&osc).unwrap().0, Method::Euler);
    assert_eq!(choose_method(&sys).unwrap().0, Method::Exact);
    // a singular pair without input is fine when asked for
    let exchange = system(&[("x", "(y - x)/tau"), ("y", "(x - y)/tau")]);
    let s = run(
        &exchange,
        Method::Exact,
        &[("x", 1.0), ("y", 0.0)],
        &[("tau", 0.5)],
        0.01,
        1.0,
    );
    assert!((s["x"] - (0.5 + 0.5 * (-4f64).exp())).abs() < 1e-12);
    assert_eq!(choose_method(&exchange).unwrap().0, Method::Euler);
}

/// Values printed by `tests/data/brian2_integrators.py` (adaptive LIF, Brian2 2.9.0).
#[test]
fn brian2_reference_coupled_pair() {
    let sys = adaptive_lif();
    let statements = integrate(&sys, Method::Exact).unwrap();
    for (refractory, w0, want_v, want_w) in [
        (1.0, 0.01, -0.050886627348903715, 0.009999332371640132),
        (0.0, 0.02, -0.05, 0.01997004495503372),
    ] {
        let mut state: HashMap<String, f64> = [("v".to_string(), -0.05), ("w".to_string(), w0)]
            .into_iter()
            .collect();
        let params: HashMap<&str, f64> = [
            ("El", -0.07),
            ("tau", 0.01),
            ("tauw", 0.1),
            ("a", 0.5),
            ("dt", 1e-4),
            ("t", 0.0),
            ("not_refractory", refractory),
        ]
        .into_iter()
        .collect();
        for _ in 0..3 {
            step(&statements, &mut state, &params, 0.0);
        }
        assert!((state["v"] - want_v).abs() < 1e-15, "{state:?}");
        assert!((state["w"] - want_w).abs() < 1e-15, "{state:?}");
    }
}

#[test]
fn two_noise_symbols_shape() {
    let sys = system(&[
        ("v", "-v/tau + a*v*xi_1 + b*xi_2"),
        ("w", "-w/tau + c*xi_1"),
    ]);
    insta::assert_snapshot!(
        "heun_two_noises",
        show(&integrate(&sys, Method::Heun).unwrap())
    );
}
