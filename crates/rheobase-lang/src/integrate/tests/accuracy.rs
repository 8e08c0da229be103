//! Convergence orders and exactness against known solutions.

use super::*;
use crate::integrate::choose_method;

fn convergence_ratio(method: Method) -> f64 {
    // x' = -x + sin(t) (time-dependent), y' = x - y*y/4 (non-linear, coupled)
    let sys = system(&[("x", "-x + sin(t)"), ("y", "x - y*y/4")]);
    let reference = run(&sys, Method::Rk4, &[("x", 1.0), ("y", 0.5)], &[], 1e-4, 1.0);
    let err = |dt: f64| {
        let s = run(&sys, method, &[("x", 1.0), ("y", 0.5)], &[], dt, 1.0);
        (s["x"] - reference["x"]).abs() + (s["y"] - reference["y"]).abs()
    };
    err(0.02) / err(0.01)
}

#[test]
fn convergence_orders() {
    let order = |m| convergence_ratio(m).log2();
    let euler = order(Method::Euler);
    let rk2 = order(Method::Rk2);
    let rk4 = order(Method::Rk4);
    let heun = order(Method::Heun);
    let milstein = order(Method::Milstein);
    assert!((euler - 1.0).abs() < 0.15, "euler {euler}");
    assert!((rk2 - 2.0).abs() < 0.15, "rk2 {rk2}");
    assert!((rk4 - 4.0).abs() < 0.25, "rk4 {rk4}");
    // Brian2's heun and milstein are forward Euler on deterministic equations.
    assert!((heun - 1.0).abs() < 0.15, "heun {heun}");
    assert!((milstein - 1.0).abs() < 0.15, "milstein {milstein}");
}

#[test]
fn rk4_matches_the_analytic_solution() {
    let sys = system(&[("x", "-x + sin(t)")]);
    let s = run(&sys, Method::Rk4, &[("x", 1.0)], &[], 1e-3, 1.0);
    let exact = (1f64.sin() - 1f64.cos()) / 2.0 + 1.5 * (-1f64).exp();
    assert!((s["x"] - exact).abs() < 1e-12);
}

const LIF_PARAMS: [(&str, f64); 4] = [("El", -0.07), ("R", 1e8), ("I", 2e-10), ("tau", 0.01)];

#[test]
fn exact_lif_is_exact() {
    let sys = system(&[("v", "(El - v + R*I)/tau")]);
    for method in [Method::Exact, Method::ExponentialEuler] {
        let s = run(&sys, method, &[("v", -0.065)], &LIF_PARAMS, 1e-4, 0.05);
        let vinf = -0.07 + 1e8 * 2e-10;
        let exact = vinf + (-0.065 - vinf) * (-0.05f64 / 0.01).exp();
        assert!(
            (s["v"] - exact).abs() < 1e-12,
            "{method}: {} vs {exact}",
            s["v"]
        );
    }
}

pub(super) fn cuba_exact(t: f64, taum: f64, taue: f64, taui: f64) -> f64 {
    let (el, v0, ge0, gi0) = (-0.049, -0.06, 0.01, -0.02);
    let input = |g0: f64, tau: f64| {
        if (tau - taum).abs() < 1e-15 {
            g0 / taum * t * (-t / taum).exp()
        } else {
            g0 / taum * ((-t / tau).exp() - (-t / taum).exp()) / (1.0 / taum - 1.0 / tau)
        }
    };
    el + (v0 - el) * (-t / taum).exp() + input(ge0, taue) + input(gi0, taui)
}

#[test]
fn exact_cuba_distinct_and_equal_time_constants() {
    let sys = system(&[
        ("v", "(ge + gi - (v - El))/taum"),
        ("ge", "-ge/taue"),
        ("gi", "-gi/taui"),
    ]);
    let init = [("v", -0.06), ("ge", 0.01), ("gi", -0.02)];
    // distinct, and equal values under different names (the exprel form covers both)
    for (taue, taui) in [(0.005, 0.01), (0.02, 0.02)] {
        let params = [
            ("El", -0.049),
            ("taum", 0.02),
            ("taue", taue),
            ("taui", taui),
        ];
        let s = run(&sys, Method::Exact, &init, &params, 1e-4, 0.03);
        let exact = cuba_exact(0.03, 0.02, taue, taui);
        assert!(
            (s["v"] - exact).abs() < 1e-12,
            "{taue},{taui}: {} vs {exact}",
            s["v"]
        );
        assert!((s["ge"] - 0.01 * (-0.03 / taue).exp()).abs() < 1e-14);
    }
    // the same symbol: the t*exp form
    let same = system(&[
        ("v", "(ge + gi - (v - El))/taum"),
        ("ge", "-ge/taum"),
        ("gi", "-gi/taum"),
    ]);
    let params = [("El", -0.049), ("taum", 0.02)];
    let statements = integrate(&same, Method::Exact).unwrap();
    // only the constant input El/taum needs exprel; the inputs with the same rate use t*exp
    let text = format!("{statements:?}");
    assert_eq!(
        text.matches("\"exprel\"").count(),
        1,
        "{}",
        show(&statements)
    );
    let s = run(&same, Method::Exact, &init, &params, 1e-4, 0.03);
    let exact = cuba_exact(0.03, 0.02, 0.02, 0.02);
    assert!((s["v"] - exact).abs() < 1e-12, "{} vs {exact}", s["v"]);
}

#[test]
fn exact_alpha_chain_matches_fine_rk4() {
    // depth-2 chain: h -> g -> v, with equal and with distinct rates
    for (tau_h, tau_g, taum) in [
        ("tau", "tau", "taum"),
        ("tau", "tau2", "taum"),
        ("tau", "tau2", "tau3"),
    ] {
        let sys = system(&[
            ("v", &format!("(g - v)/{taum}")),
            ("g", &format!("(h - g)/{tau_g}")),
            ("h", &format!("-h/{tau_h}")),
        ]);
        let init = [("v", 0.3), ("g", -0.2), ("h", 1.0)];
        for values in [
            [0.005, 0.002, 0.01],
            [0.004, 0.004, 0.004],
            [0.004, 0.00400000001, 0.004],
        ] {
            let params = [
                ("tau", values[0]),
                ("tau2", values[1]),
                ("taum", values[2]),
                ("tau3", values[2]),
            ];
            let exact = run(&sys, Method::Exact, &init, &params, 1e-3, 0.02);
            let fine = run(&sys, Method::Rk4, &init, &params, 1e-6, 0.02);
            for var in ["v", "g", "h"] {
                assert!(
                    (exact[var] - fine[var]).abs() < 1e-10,
                    "{tau_h} {tau_g} {taum} {values:?} {var}: {} vs {}",
                    exact[var],
                    fine[var]
                );
            }
        }
    }
}

#[test]
fn exact_handles_zero_rates_and_constant_inputs() {
    // x' = b (no decay), y' = x (ramp), z' = a*z with a parameter that is 0 at run time.
    let sys = system(&[("x", "b"), ("y", "x"), ("z", "a*z + c")]);
    let s = run(
        &sys,
        Method::Exact,
        &[("x", 1.0), ("y", 0.0), ("z", 2.0)],
        &[("b", 0.5), ("a", 0.0), ("c", 3.0)],
        0.1,
        1.0,
    );
    assert!((s["x"] - 1.5).abs() < 1e-12);
    assert!((s["y"] - 1.25).abs() < 1e-12);
    assert!((s["z"] - 5.0).abs() < 1e-12);
}

#[test]
fn exponential_euler_is_exact_on_conditionally_linear_gating() {
    // HH-style gating with v held constant: exact for exponential_euler
    let sys = system(&[("m", "alpha*(1 - m) - beta*m"), ("w", "g*(E - w)")]);
    let params = [("alpha", 3.0), ("beta", 1.0), ("g", 0.0), ("E", 1.0)];
    let s = run(
        &sys,
        Method::ExponentialEuler,
        &[("m", 0.1), ("w", 0.5)],
        &params,
        0.1,
        1.0,
    );
    let exact = 0.75 + (0.1 - 0.75) * (-4.0f64).exp();
    assert!((s["m"] - exact).abs() < 1e-13);
    // A coefficient that is zero at run time gives no NaN.
    assert_eq!(s["w"], 0.5);
    // Non-linear in itself: refused, pointing at the term.
    let bad = system(&[("v", "v*v - w"), ("w", "v")]);
    let err = integrate(&bad, Method::ExponentialEuler).unwrap_err();
    assert_eq!(err.code, "integrate::unsupported_method");
}

#[test]
fn exact_driven_coupled_pair() {
    // adaptive LIF driven by an exponentially decaying current
    let mut sys = system(&[
        ("v", "(El - v - w + ge)/tau"),
        ("w", "(a*(v - El) - w)/tauw"),
        ("ge", "-ge/taue"),
    ]);
    sys.odes[0].unless_refractory = true;
    let init = [("v", -0.05), ("w", 0.01), ("ge", 0.03)];
    // real, complex, nearly repeated eigenvalues, and resonance (taue equal to an eigenvalue's)
    for (tau, tauw, a, taue) in [
        (0.01, 0.1, 0.5, 0.005),
        (0.01, 0.1, 30.0, 0.005),
        (0.02, 0.02, 1e-13, 0.005),
        (0.02, 0.02, 0.0, 0.02),
        (0.01, 0.1, 0.0, 0.01),
    ] {
        for not_refractory in [1.0, 0.0] {
            let params = [
                ("El", -0.07),
                ("tau", tau),
                ("tauw", tauw),
                ("a", a),
                ("taue", taue),
                ("not_refractory", not_refractory),
            ];
            let exact = run(&sys, Method::Exact, &init, &params, 1e-3, 0.01);
            let fine = run(&sys, Method::Rk4, &init, &params, 1e-6, 0.01);
            for var in ["v", "w", "ge"] {
                assert!(
                    (exact[var] - fine[var]).abs() < 1e-12,
                    "{tau} {tauw} {a} {taue} nr={not_refractory} {var}: {} vs {}",
                    exact[var],
                    fine[var]
                );
            }
        }
    }
    assert_eq!(choose_method(&sys).unwrap().0, Method::Exact);
}

/// Compares `exact` with rk4 at a tiny step, refractory or not.
fn exact_against_rk4(sys: &OdeSystem, init: &[(&str, f64)], params: &[(&'static str, f64)]) {
    for not_refractory in [1.0, 0.0] {
        let mut params = params.to_vec();
        params.push(("not_refractory", not_refractory));
        let exact = run(sys, Method::Exact, init, &params, 1e-3, 0.01);
        let fine = run(sys, Method::Rk4, init, &params, 1e-6, 0.01);
        for (var, _) in init {
            assert!(
                (exact[*var] - fine[*var]).abs() < 1e-12,
                "nr={not_refractory} {var}: {} vs {}",
                exact[*var],
                fine[*var]
            );
        }
    }
}

#[test]
fn exact_numeric_propagator_for_chains_driving_a_pair() {
    // driven by a variable that is not a single exponential: the numeric propagator
    let mut chain = system(&[
        ("v", "(El - v - w + g)/tau"),
        ("w", "(a*(v - El) - w)/tauw"),
        ("g", "(h - g)/taue"),
        ("h", "-h/taue"),
    ]);
    chain.odes[0].unless_refractory = true;
    let init = [("v", -0.05), ("w", 0.01), ("g", 0.03), ("h", 0.02)];
    let params = [
        ("El", -0.07),
        ("tau", 0.01),
        ("tauw", 0.1),
        ("a", 3.0),
        ("taue", 0.005),
    ];
    exact_against_rk4(&chain, &init, &params);
    assert_eq!(choose_method(&chain).unwrap().0, Method::Exact);
}

#[test]
fn exact_three_coupled_variables_match_the_analytic_solution() {
    // dx/dt = M x/tau with M = [[-2, 1, 0], [1, -2, 1], [0, 1, -2]] + a constant input:
    // eigenvalues (-2 - sqrt2, -2, -2 + sqrt2)/tau, eigenvectors (1, -sqrt2, 1)/2,
    // (1, 0, -1)/sqrt2, (1, sqrt2, 1)/2; fixed point x* = -M^-1 b tau.
    let sys = system(&[
        ("x", "(-2*x + y + b)/tau"),
        ("y", "(x - 2*y + z)/tau"),
        ("z", "(y - 2*z)/tau"),
    ]);
    let (tau, b, dt, end) = (0.01, 0.4, 1e-4, 0.03);
    let x0 = [0.3, -0.2, 0.5];
    let s2 = 2f64.sqrt();
    let vectors = [
        [0.5, -s2 / 2.0, 0.5],
        [1.0 / s2, 0.0, -1.0 / s2],
        [0.5, s2 / 2.0, 0.5],
    ];
    let rates = [-2.0 - s2, -2.0, -2.0 + s2].map(|l| l / tau);
    // M^-1 = -[[3, 2, 1], [2, 4, 2], [1, 2, 3]]/4, so x* = [3, 2, 1] b/4
    let fixed = [0.75 * b, 0.5 * b, 0.25 * b];
    let mut exact = fixed;
    for (v, l) in vectors.iter().zip(rates) {
        let along: f64 = (0..3).map(|k| v[k] * (x0[k] - fixed[k])).sum();
        for k in 0..3 {
            exact[k] += v[k] * along * (l * end).exp();
        }
    }
    let init = [("x", x0[0]), ("y", x0[1]), ("z", x0[2])];
    let s = run(
        &sys,
        Method::Exact,
        &init,
        &[("tau", tau), ("b", b)],
        dt,
        end,
    );
    for (k, var) in ["x", "y", "z"].iter().enumerate() {
        assert!(
            (s[*var] - exact[k]).abs() < 1e-12,
            "{var}: {} vs {}",
            s[*var],
            exact[k]
        );
    }
    assert_eq!(choose_method(&sys).unwrap().0, Method::Exact);
    // the same with complex eigenvalues, refractory, against rk4
    let mut oscillating = system(&[
        ("v", "(-v + w - u + I)/tau"),
        ("w", "(-v - w)/tauw"),
        ("u", "(v + w - u)/tauu"),
    ]);
    oscillating.odes[0].unless_refractory = true;
    exact_against_rk4(
        &oscillating,
        &[("v", 0.02), ("w", -0.01), ("u", 0.03)],
        &[("tau", 0.004), ("tauw", 0.02), ("tauu", 0.007), ("I", 0.1)],
    );
}
