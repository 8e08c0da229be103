//! Brian2's rules: refractoriness, noise, refusals, names, automatic choice.

use super::*;
use crate::ast::ExprKind;
use crate::span::{SourceId, Span};
use std::collections::HashMap;

pub(super) fn refractory_system() -> OdeSystem {
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
    // Coupled systems without a closed form here get the numeric propagator.
    let numeric = |sys: &OdeSystem| {
        integrate(sys, Method::Exact)
            .unwrap()
            .iter()
            .any(|st| LinearSystem::of(st).is_some())
    };
    let cycle = system(&[("x", "y/tau"), ("y", "z/tau"), ("z", "-x/tau")]);
    assert!(numeric(&cycle));
    let driven_pair = system(&[("x", "(y + g)/tau"), ("y", "-x/tau"), ("g", "-g/tau")]);
    assert!(!numeric(&driven_pair));
    let driving_pair = system(&[("x", "y/tau"), ("y", "-x/tau"), ("z", "(x - z)/tau")]);
    assert!(numeric(&driving_pair));
    let singular_with_input = system(&[("x", "(y - x)/tau + 1/tau"), ("y", "(x - y)/tau")]);
    assert!(numeric(&singular_with_input));
    // ... which Brian2's automatic choice refuses for a singular matrix.
    assert_eq!(choose_method(&cycle).unwrap().0, Method::Exact);
    assert_eq!(
        choose_method(&singular_with_input).unwrap().0,
        Method::Euler
    );
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
    // A long chain is solved by the numeric propagator.
    let chain = integrate(&system(&chain), Method::Exact).unwrap();
    assert!(chain.iter().any(|st| LinearSystem::of(st).is_some()));
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

/// The rendered errors a user sees when a method cannot take the model.
#[test]
fn rendered_refusals() {
    let render = |model: &str, method: Method| {
        let mut sources = crate::span::SourceMap::new();
        let src = sources.add("NeuronGroup 'neurons' model", model);
        let eqs = crate::equations::Equations::parse(model, src).unwrap();
        let sys = OdeSystem::from_equations(&eqs, true);
        let d = integrate(&sys, method).unwrap_err();
        format!("{model}\n---\n{}", d.render(&sources))
    };
    insta::assert_snapshot!(
        "rk4_refuses_noise",
        render("dv/dt = -v/tau + sigma*xi*tau**-0.5 : 1", Method::Rk4)
    );
    insta::assert_snapshot!(
        "euler_refuses_multiplicative_noise",
        render("dv/dt = -v/tau + v*xi*tau**-0.5 : 1", Method::Euler)
    );
    insta::assert_snapshot!(
        "exact_refuses_nonlinear",
        render("dv/dt = (v**2 - v)/tau : 1", Method::Exact)
    );
    insta::assert_snapshot!(
        "exponential_euler_refuses_nonlinear",
        render("dv/dt = exp(v)/tau : 1", Method::ExponentialEuler)
    );
}
