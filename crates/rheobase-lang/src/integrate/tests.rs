//! Numeric checks of the integrators: the statements are run with a tiny evaluator on ODEs with
//! known solutions.

use super::*;
use crate::ast::{BinOp, Expr, ExprKind};
use crate::span::{SourceId, Span};
use crate::symbolic::eval_with;
use std::collections::HashMap;

/// Parses an expression of a test (source 0).
pub(crate) fn expr(text: &str) -> Expr {
    crate::parser::parse_expression(text, SourceId(0)).unwrap_or_else(|d| panic!("{text}: {d:?}"))
}

pub(crate) fn ode(var: &str, rhs: &str) -> Ode {
    let rhs = expr(rhs);
    Ode {
        var: var.into(),
        span: rhs.span,
        rhs,
        unless_refractory: false,
    }
}

fn system(odes: &[(&str, &str)]) -> OdeSystem {
    OdeSystem::new(odes.iter().map(|(v, r)| ode(v, r)).collect())
}

/// Runs one step of `statements` on `state`, with constant `params`; `randn()` returns `noise`.
fn step(
    statements: &[AbstractStatement],
    state: &mut HashMap<String, f64>,
    params: &HashMap<&str, f64>,
    noise: f64,
) {
    let mut temps: HashMap<String, f64> = HashMap::new();
    for st in statements {
        let value = {
            let names = |n: &str| {
                temps
                    .get(n)
                    .or_else(|| state.get(n))
                    .or_else(|| params.get(n))
                    .copied()
            };
            eval_with(&st.expr, &names, &|f, _| (f == "randn").then_some(noise))
                .unwrap_or_else(|d| panic!("{}: {:?}", st.target, d))
        };
        if st.is_temp {
            temps.insert(st.target.clone(), value);
        } else {
            state.insert(st.target.clone(), value);
        }
    }
}

/// Integrates from t=0 to t=`end` with step `dt`, returning the final state.
fn run(
    sys: &OdeSystem,
    method: Method,
    init: &[(&str, f64)],
    params: &[(&'static str, f64)],
    dt: f64,
    end: f64,
) -> HashMap<String, f64> {
    let statements = integrate(sys, method).unwrap_or_else(|d| panic!("{d:?}"));
    let mut state: HashMap<String, f64> = init.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let mut params: HashMap<&str, f64> = params.iter().copied().collect();
    params.insert("dt", dt);
    let steps = (end / dt).round() as usize;
    for n in 0..steps {
        params.insert("t", n as f64 * dt);
        step(&statements, &mut state, &params, 0.0);
    }
    state
}

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

fn cuba_exact(t: f64, taum: f64, taue: f64, taui: f64) -> f64 {
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

fn refractory_system() -> OdeSystem {
    let mut sys = system(&[
        ("v", "(ge - v)/tau"),
        ("ge", "-ge/taue"),
        ("w", "(v - w)/tau"),
    ]);
    sys.odes[0].unless_refractory = true;
    sys
}

#[test]
fn refractory_variables_stay_exactly_unchanged() {
    let sys = refractory_system();
    let params_base = [("tau", 0.01), ("taue", 0.005)];
    for method in [
        Method::Exact,
        Method::ExponentialEuler,
        Method::Euler,
        Method::Rk2,
        Method::Rk4,
        Method::Heun,
        Method::Milstein,
    ] {
        let statements = integrate(&sys, method).unwrap();
        for not_refractory in [0.0, 1.0] {
            let mut state: HashMap<String, f64> = [("v", 0.123456789), ("ge", 0.5), ("w", 0.0)]
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect();
            let mut params: HashMap<&str, f64> = params_base.iter().copied().collect();
            params.insert("dt", 1e-4);
            params.insert("t", 0.0);
            params.insert("not_refractory", not_refractory);
            step(&statements, &mut state, &params, 0.0);
            if not_refractory == 0.0 {
                assert_eq!(state["v"], 0.123456789, "{method}");
                // w is driven by the frozen v
                let expected_w = 0.123456789 * (1.0 - (-1e-4f64 / 0.01).exp());
                assert!(
                    (state["w"] - expected_w).abs() < 1e-5,
                    "{method}: {}",
                    state["w"]
                );
            } else {
                assert_ne!(state["v"], 0.123456789, "{method}");
            }
            assert!(state["ge"] < 0.5);
        }
    }
    // exact: w's update is the exact one with v frozen while refractory
    let statements = integrate(&sys, Method::Exact).unwrap();
    let mut state: HashMap<String, f64> = [("v", 0.2), ("ge", 0.5), ("w", 0.1)]
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    let params: HashMap<&str, f64> = [
        ("tau", 0.01),
        ("taue", 0.005),
        ("dt", 1e-3),
        ("t", 0.0),
        ("not_refractory", 0.0),
    ]
    .into_iter()
    .collect();
    step(&statements, &mut state, &params, 0.0);
    let expected_w = 0.2 + (0.1 - 0.2) * (-0.1f64).exp();
    assert!((state["w"] - expected_w).abs() < 1e-15);
}

#[test]
fn noise_statement_shape() {
    let sys = system(&[
        ("v", "-v/tau + sigma*xi/sqrt(tau)"),
        ("w", "-w/tau + s2*xi"),
    ]);
    let st = integrate(&sys, Method::Euler).unwrap();
    assert_eq!(st[0].target, "_xi");
    assert!(st[0].is_temp);
    assert!(
        matches!(&st[0].expr.kind, ExprKind::Call { name, args, .. } if name == "randn" && args.is_empty())
    );
    assert_eq!(st.iter().filter(|s| s.target == "_xi").count(), 1);
    let targets: Vec<&str> = st.iter().map(|s| s.target.as_str()).collect();
    assert_eq!(targets, ["_xi", "_v", "_w", "v", "w"]);
    // with randn() == 0.5: v + dt*(-v/tau) + sigma/sqrt(tau)*0.5*sqrt(dt)
    let mut state: HashMap<String, f64> = [("v", 1.0), ("w", 0.0)]
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    let params: HashMap<&str, f64> = [
        ("tau", 0.01),
        ("sigma", 0.2),
        ("s2", 1.0),
        ("dt", 1e-4),
        ("t", 0.0),
    ]
    .into_iter()
    .collect();
    step(&st, &mut state, &params, 0.5);
    let expected = 1.0 - 1e-4 / 0.01 + 0.2 / 0.1 * 0.5 * 1e-2;
    assert!((state["v"] - expected).abs() < 1e-15);
    assert!((state["w"] - 0.5 * 1e-2).abs() < 1e-15);
}

#[test]
fn stochastic_methods_follow_brian2s_rules() {
    let additive = system(&[("v", "-v/tau + sigma*xi*tau**-0.5")]);
    let multiplicative = system(&[("v", "-v/tau + v*xi*s")]);
    let two_noises = system(&[("v", "-v/tau + a*xi_1 + b*xi_2")]);
    let shared = system(&[("v", "-v/tau + v*xi"), ("w", "-w/tau + w*xi")]);
    let ok = |s: &OdeSystem, m| integrate(s, m).is_ok();
    for m in [Method::Euler, Method::Heun, Method::Milstein] {
        assert!(ok(&additive, m), "{m}");
    }
    for m in [
        Method::Rk2,
        Method::Rk4,
        Method::Exact,
        Method::ExponentialEuler,
    ] {
        let err = integrate(&additive, m).unwrap_err();
        assert_eq!(err.code, "integrate::unsupported_method");
        assert_eq!(err.labels[0].span, Span::new(SourceId(0), 15, 17), "{m}");
        assert!(err
            .help
            .as_deref()
            .unwrap()
            .contains("euler, heun, milstein"));
    }
    assert!(!ok(&multiplicative, Method::Euler));
    assert!(ok(&multiplicative, Method::Heun));
    assert!(ok(&multiplicative, Method::Milstein));
    assert!(ok(&two_noises, Method::Heun));
    assert!(!ok(&two_noises, Method::Milstein));
    assert!(!ok(&shared, Method::Milstein));
    assert!(ok(&shared, Method::Heun));
    // noise must appear linearly
    let bad = system(&[("v", "-v/tau + xi*xi")]);
    assert_eq!(
        integrate(&bad, Method::Heun).unwrap_err().code,
        "integrate::nonlinear_noise"
    );
    let bad = system(&[("v", "-v/tau + exp(xi)")]);
    assert_eq!(
        integrate(&bad, Method::Heun).unwrap_err().code,
        "integrate::nonlinear_noise"
    );
}

#[test]
fn heun_and_milstein_with_fixed_noise() {
    // dv = a*v dt + b*v dW with dW fixed: compare with hand-computed steps.
    let sys = system(&[("v", "a*v + b*v*xi")]);
    let params: HashMap<&str, f64> = [("a", -1.0), ("b", 0.5), ("dt", 0.01), ("t", 0.0)]
        .into_iter()
        .collect();
    let (v, a, b, dt, z) = (2.0f64, -1.0, 0.5, 0.01f64, 0.7);
    let dw = z * dt.sqrt();
    let run_one = |m| {
        let st = integrate(&sys, m).unwrap();
        let mut state: HashMap<String, f64> = [("v".to_string(), v)].into_iter().collect();
        step(&st, &mut state, &params, z);
        state["v"]
    };
    let support = v + b * v * dw;
    let heun = v + dt * a * v + 0.5 * dw * (b * v + b * support);
    assert!((run_one(Method::Heun) - heun).abs() < 1e-14);
    let x_support = v + dt * a * v + dt.sqrt() * b * v;
    let k = (b * x_support - b * v) * dw * dw / (2.0 * dt.sqrt());
    let milstein = v + dt * a * v + b * v * dw + k;
    assert!((run_one(Method::Milstein) - milstein).abs() < 1e-14);
}

#[test]
fn exact_refusals_point_at_the_problem() {
    let cycle = system(&[("x", "y/tau"), ("y", "z/tau"), ("z", "-x/tau")]);
    let err = integrate(&cycle, Method::Exact).unwrap_err();
    assert!(err
        .message
        .contains("not yet supported: coupled linear system"));
    assert!(err.help.as_deref().unwrap().contains("rk4"));
    let driven_pair = system(&[("x", "(y + g)/tau"), ("y", "-x/tau"), ("g", "-g/tau")]);
    assert!(integrate(&driven_pair, Method::Exact).is_err());
    let singular_with_input = system(&[("x", "(y - x)/tau + 1/tau"), ("y", "(x - y)/tau")]);
    assert!(integrate(&singular_with_input, Method::Exact).is_err());
    let nonlinear = system(&[("v", "-v**2/tau")]);
    let err = integrate(&nonlinear, Method::Exact).unwrap_err();
    assert_eq!(err.labels[0].span, Span::new(SourceId(0), 1, 5));
    let timed = system(&[("v", "-v/tau + sin(t)")]);
    assert!(integrate(&timed, Method::Exact).is_err());
    let mut timed_array = system(&[("v", "-v/tau + stim(t)")]);
    timed_array.step_constant_functions.push("stim".into());
    assert!(integrate(&timed_array, Method::Exact).is_ok());
    let state_coef = system(&[("v", "-v*w/tau"), ("w", "-w/tau")]);
    assert!(integrate(&state_coef, Method::Exact).is_err());
}

#[test]
fn default_choice_follows_brian2() {
    let pick = |s: &OdeSystem| choose_method(s).unwrap().0;
    assert_eq!(pick(&system(&[("v", "-v/(10*ms)")])), Method::Exact);
    assert_eq!(pick(&system(&[("v", "-v**2/tau")])), Method::Euler);
    assert_eq!(pick(&system(&[("v", "-v/tau + sigma*xi")])), Method::Euler);
    assert_eq!(pick(&system(&[("v", "-v/tau + v*xi")])), Method::Heun);
    // Brian2's exact refuses a singular matrix (no decay), so euler is chosen ...
    let ramp = system(&[("v", "x/tau"), ("x", "-x/tau")]);
    assert_eq!(pick(&ramp), Method::Euler);
    assert_eq!(pick(&system(&[("v", "I/C")])), Method::Euler);
    // ... but asked for by name, exact solves it.
    assert!(integrate(&ramp, Method::Exact).is_ok());
    // A long chain is refused rather than expanded without bound.
    let chain: Vec<(String, String)> = (0..8)
        .map(|i| {
            let rhs = if i == 0 {
                "-x0/tau".to_string()
            } else {
                format!("(x{} - x{i})/tau", i - 1)
            };
            (format!("x{i}"), rhs)
        })
        .collect();
    let chain: Vec<(&str, &str)> = chain
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let err = integrate(&system(&chain), Method::Exact).unwrap_err();
    assert!(err.message.contains("not yet supported"));
    assert!(choose_method(&OdeSystem::default()).unwrap().1.is_empty());
}

#[test]
fn method_names() {
    assert_eq!("linear".parse::<Method>().unwrap(), Method::Exact);
    assert_eq!("RK4".parse::<Method>().unwrap(), Method::Rk4);
    assert_eq!(
        "exponential_euler".parse::<Method>().unwrap(),
        Method::ExponentialEuler
    );
    let err = "independent".parse::<Method>().unwrap_err();
    assert_eq!(err.code, "integrate::unknown_method");
    for m in Method::ALL {
        assert_eq!(m.name().parse::<Method>().unwrap(), m);
    }
}

#[test]
fn rk4_temporaries_use_brian2_names() {
    let st = integrate(&system(&[("v", "-v/tau")]), Method::Rk4).unwrap();
    let targets: Vec<&str> = st.iter().map(|s| s.target.as_str()).collect();
    assert_eq!(
        targets,
        ["__k_1_v", "__k_2_v", "__k_3_v", "__k_4_v", "_v", "v"]
    );
    assert!(st[..5].iter().all(|s| s.is_temp));
    assert!(!st[5].is_temp);
}

#[test]
fn malformed_systems_give_diagnostics() {
    let dup = system(&[("v", "-v"), ("v", "1")]);
    assert_eq!(
        integrate(&dup, Method::Euler).unwrap_err().code,
        "integrate::duplicate_variable"
    );
    let reserved = system(&[("xi", "1")]);
    assert_eq!(
        integrate(&reserved, Method::Euler).unwrap_err().code,
        "integrate::reserved_name"
    );
}

mod fuzz {
    use super::*;
    use crate::symbolic::simplify::tests::arb_expr;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn exact_cuba_step_matches_the_analytic_solution(
            taum in 1e-3f64..5e-2,
            taue in 1e-3f64..5e-2,
            taui in 1e-3f64..5e-2,
            same_e: bool,
            dt in 1e-5f64..1e-3,
        ) {
            let taue = if same_e { taum } else { taue };
            let sys = system(&[
                ("v", "(ge + gi - (v - El))/taum"),
                ("ge", "-ge/taue"),
                ("gi", "-gi/taui"),
            ]);
            let init = [("v", -0.06), ("ge", 0.01), ("gi", -0.02)];
            let params = [("El", -0.049), ("taum", taum), ("taue", taue), ("taui", taui)];
            let s = run(&sys, Method::Exact, &init, &params, dt, dt);
            let exact = cuba_exact(dt, taum, taue, taui);
            // the analytic formula itself cancels when the rates are close but not equal
            let close = (1.0 / taue - 1.0 / taum).abs() * dt < 1e-4 || (1.0 / taui - 1.0 / taum).abs() * dt < 1e-4;
            let tol = if close { 1e-9 } else { 1e-13 };
            prop_assert!((s["v"] - exact).abs() < tol, "{} vs {exact}", s["v"]);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn integrate_never_panics(a in arb_expr(), b in arb_expr(), c in arb_expr(), refr: bool) {
            let mut odes = vec![
                Ode { var: "x".into(), rhs: a, unless_refractory: refr, span: Span::default() },
                Ode { var: "y".into(), rhs: b, unless_refractory: false, span: Span::default() },
            ];
            // sometimes noise
            let noisy = Expr::binary(BinOp::Mul, c, Expr::name("xi", Span::default()), Span::default());
            odes.push(Ode { var: "z".into(), rhs: noisy, unless_refractory: false, span: Span::default() });
            let sys = OdeSystem::new(odes);
            for m in Method::ALL {
                let _ = integrate(&sys, m);
            }
            let _ = choose_method(&sys);
        }
    }
}

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

pub(crate) fn show(statements: &[AbstractStatement]) -> String {
    statements.iter().map(|s| format!("{s}\n")).collect()
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
