//! Numeric checks of the integrators: the statements are run with a tiny evaluator on ODEs with
//! known solutions.

mod accuracy;
mod brian2;
mod fuzz;
mod rules;

use super::*;
use crate::ast::Expr;
use crate::span::SourceId;
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

pub(crate) fn system(odes: &[(&str, &str)]) -> OdeSystem {
    OdeSystem::new(odes.iter().map(|(v, r)| ode(v, r)).collect())
}

/// Runs one step of `statements` on `state`, with constant `params`; `randn()` returns `noise`.
pub(crate) fn step(
    statements: &[AbstractStatement],
    state: &mut HashMap<String, f64>,
    params: &HashMap<&str, f64>,
    noise: f64,
) {
    let mut temps: HashMap<String, f64> = HashMap::new();
    for st in statements {
        if let Some(system) = LinearSystem::of(st) {
            // What the runtime does at run start: evaluate A and b, then the propagator.
            let value = |e: &Expr| {
                let names = |n: &str| {
                    temps
                        .get(n)
                        .or_else(|| state.get(n))
                        .or_else(|| params.get(n))
                        .copied()
                };
                crate::symbolic::eval(e, &names).unwrap_or_else(|d| panic!("{d:?}"))
            };
            let a: Vec<f64> = system.matrix.iter().map(value).collect();
            let b: Vec<f64> = system.constant.iter().map(value).collect();
            let (p, q) = propagate(&a, &b, params["dt"]).expect("finite propagator");
            let (pn, qn) = system.entry_names();
            for (name, v) in pn.into_iter().zip(p).chain(qn.into_iter().zip(q)) {
                temps.insert(name, v);
            }
            continue;
        }
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
pub(crate) fn run(
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

pub(crate) fn show(statements: &[AbstractStatement]) -> String {
    statements.iter().map(|s| format!("{s}\n")).collect()
}
