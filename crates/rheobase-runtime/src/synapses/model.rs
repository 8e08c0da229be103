//! The front end of `Synapses`: parses, checks and integrates the model and the pathway code
//! into what the runtime lowers (clock-driven updates, event-driven updates over
//! `t - lastupdate`, summed variables, pathway statements).

use crate::error::{Result, RuntimeError};
use crate::lower::Assignment;
use crate::network::{GroupId, NetworkCore};
use crate::spec::VarSpec;
use rheobase_lang::check::{
    check_equations_for, check_statements, GroupKind, Scope, ScopeVariable, VarKind,
};
use rheobase_lang::integrate::{choose_method, integrate, LinearSystem, Method, Ode, OdeSystem};
use rheobase_lang::symbolic::substitute_with;
use rheobase_lang::{
    ast, parse_equations, parse_statements, BinOp, Diagnostic, Diagnostics, EquationKind,
    SourceMap, Span, VarType,
};
use rheobase_units::{Dimension, Quantity};
use std::collections::HashMap;

const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);

/// A `(summed)` subexpression: `target_side` variable `target` of the connected group gets
/// the sum of `expr` over its synapses.
#[derive(Clone, Debug)]
pub struct SummedSpec {
    pub name: String,
    pub target: String,
    pub post: bool,
    pub expr: ast::Expr,
    pub dim: Dimension,
    pub span: Span,
}

/// A checked `Synapses` model.
#[derive(Clone, Debug)]
pub struct SynapsesSpec {
    /// Parameters, clock- and event-driven variables, and (non-summed) subexpressions.
    pub variables: Vec<VarSpec>,
    pub state_update: Vec<Assignment>,
    /// Statements updating the event-driven variables from `lastupdate` to `t`.
    pub event_update: Vec<Assignment>,
    pub summed: Vec<SummedSpec>,
    pub scope: Scope,
    pub sources: SourceMap,
}

/// What the model check needs to know about the connected groups and the pathways.
pub(crate) struct Context<'a> {
    pub object: &'a str,
    pub source: GroupId,
    pub n_pre: usize,
    pub target: GroupId,
    pub n_post: usize,
    pub namespace: &'a HashMap<String, Quantity>,
    /// TimedArrays the code may call.
    pub functions: &'a HashMap<String, crate::inputs::TimedArray>,
    /// Names of per-pathway delay variables and whether they are shared.
    pub delays: Vec<(String, bool)>,
    pub method: Option<&'a str>,
    pub multisynaptic_index: Option<&'a str>,
}

fn model_err(cx: &Context<'_>, d: impl Into<Diagnostics>, sources: &SourceMap) -> RuntimeError {
    RuntimeError::model(cx.object, d, sources)
}

/// Parses, checks and integrates a `Synapses` model.
pub(crate) fn synapses_model(
    core: &NetworkCore,
    cx: &Context<'_>,
    model: &str,
) -> Result<SynapsesSpec> {
    let mut sources = SourceMap::new();
    let src = sources.add(format!("{} model", cx.object), model);
    let equations = parse_equations(model, src).map_err(|d| model_err(cx, d, &sources))?;
    let own: Vec<String> = equations.iter().map(|e| e.name.clone()).collect();
    let mut base = Scope::new();
    base.add_synapse_builtins();
    for (name, q) in cx.namespace {
        base.add_constant(name.clone(), *q);
    }
    for (name, table) in cx.functions {
        base.add_function(name.clone(), table.function_spec(name));
    }
    super::links::extend_scope_with_groups(
        core,
        cx.source,
        cx.n_pre,
        cx.target,
        cx.n_post,
        &|n| own.iter().any(|o| o == n),
        &mut base,
    );
    let has_event_driven = equations.iter().any(|e| e.has_flag("event-driven"));
    if has_event_driven {
        base.add_variable(
            "lastupdate",
            ScopeVariable::new(SECOND, VarType::Float, VarKind::Builtin).read_only(),
        );
    }
    for (name, shared) in &cx.delays {
        let mut v = ScopeVariable::new(SECOND, VarType::Float, VarKind::Parameter);
        v.shared = *shared;
        base.add_variable(name.clone(), v);
    }
    if let Some(m) = cx.multisynaptic_index {
        base.add_variable(
            m,
            ScopeVariable::new(Dimension::DIMENSIONLESS, VarType::Integer, VarKind::Builtin)
                .read_only(),
        );
    }
    let checked = check_equations_for(&equations, &base, GroupKind::Synapses)
        .map_err(|d| model_err(cx, d, &sources))?;
    let scope = checked.scope(&base);
    let mut errors = Diagnostics::new();
    let mut clock_odes = Vec::new();
    let mut event_odes = Vec::new();
    let mut summed = Vec::new();
    let mut variables = Vec::new();
    for v in &checked.variables {
        if v.flags.constant_over_dt {
            return Err(RuntimeError::not_supported(
                cx.object,
                format!(
                    "'(constant over dt)' subexpressions ('{}') in Synapses",
                    v.name
                ),
            ));
        }
        if v.flags.summed {
            let (target, post) = if let Some(t) = v.name.strip_suffix("_post") {
                (t, true)
            } else if let Some(t) = v.name.strip_suffix("_pre") {
                (t, false)
            } else {
                errors.push(
                    Diagnostic::error(
                        "model::invalid_summed_variable",
                        format!(
                            "the summed variable '{}' must name its target with '_pre' or '_post'",
                            v.name
                        ),
                    )
                    .with_primary(v.span, "summed into which group?"),
                );
                continue;
            };
            if let Some(expr) = &v.expr {
                summed.push(SummedSpec {
                    name: v.name.clone(),
                    target: target.to_string(),
                    post,
                    expr: checked.substitute_subexpressions(expr),
                    dim: v.dim,
                    span: v.span,
                });
            }
            continue;
        }
        if v.kind == EquationKind::Differential {
            if let Some(rhs) = &v.expr {
                let ode = Ode {
                    var: v.name.clone(),
                    rhs: checked.substitute_subexpressions(rhs),
                    unless_refractory: false,
                    span: v.span,
                };
                if v.flags.event_driven {
                    event_odes.push(ode);
                } else {
                    if !v.flags.clock_driven {
                        log::warn!(
                            "{}: the differential equation of '{}' has no flag; it is \
                             integrated at every time step ('clock-driven')",
                            cx.object,
                            v.name
                        );
                    }
                    clock_odes.push(ode);
                }
            }
        }
        variables.push(VarSpec {
            name: v.name.clone(),
            dim: v.dim,
            vtype: v.vtype,
            kind: v.kind,
            expr: (v.kind == EquationKind::Subexpression)
                .then(|| v.expr.clone())
                .flatten(),
            shared: v.flags.shared,
            constant: v.flags.constant,
            unless_refractory: false,
            constant_over_dt: false,
            linked: v.flags.linked,
        });
    }
    let mut state_update = Vec::new();
    if !clock_odes.is_empty() {
        let sys = OdeSystem::new(clock_odes);
        let statements = match cx.method {
            Some(m) => m
                .parse::<Method>()
                .and_then(|method| integrate(&sys, method)),
            None => choose_method(&sys).map(|(_, s)| s),
        };
        match statements {
            Ok(s) => {
                state_update = s
                    .into_iter()
                    .map(|s| Assignment::set(s.target, s.expr, s.is_temp))
                    .collect()
            }
            Err(d) => errors.push(d),
        }
    }
    let mut event_update = Vec::new();
    if !event_odes.is_empty() {
        let span = event_odes[0].span;
        let sys = OdeSystem::new(event_odes);
        match integrate(&sys, Method::Exact) {
            Ok(s) if s.iter().any(|s| LinearSystem::of(s).is_some()) => errors.push(
                Diagnostic::error(
                    "integrate::event_driven_not_linear",
                    "not yet supported: coupled event-driven equations without a closed-form \
                     solution (they would need a propagator matrix per synapse over \
                     't - lastupdate')",
                )
                .with_primary(span, "coupled event-driven equations")
                .with_help("mark these equations (clock-driven) instead"),
            ),
            Ok(s) => {
                event_update = s
                    .into_iter()
                    .map(|s| Assignment::set(s.target, over_lastupdate(&s.expr), s.is_temp))
                    .collect()
            }
            Err(d) => {
                let mut e = Diagnostic::error(
                    "integrate::event_driven_not_linear",
                    format!(
                        "event-driven equations must be linear, so that they can be solved \
                         exactly from 'lastupdate' to 't': {}",
                        d.message
                    ),
                )
                .with_help("mark the equation (clock-driven) instead, or make it linear");
                e.labels = d.labels.clone();
                if e.labels.is_empty() {
                    e = e.with_primary(span, "not linear");
                }
                errors.push(e);
            }
        }
    }
    if !errors.is_empty() {
        return Err(model_err(cx, errors, &sources));
    }
    Ok(SynapsesSpec {
        variables,
        state_update,
        event_update,
        summed,
        scope,
        sources,
    })
}

/// `dt` of an exact update replaced by the time since the last update, `t - lastupdate`.
fn over_lastupdate(e: &ast::Expr) -> ast::Expr {
    substitute_with(e, &mut |n, span| {
        (n == "dt").then(|| {
            ast::Expr::binary(
                BinOp::Sub,
                ast::Expr::name("t", span),
                ast::Expr::name("lastupdate", span),
                span,
            )
        })
    })
}

/// Parses and checks the code of one pathway.
pub fn pathway_code(
    object: &str,
    what: &str,
    code: &str,
    scope: &Scope,
    sources: &mut SourceMap,
) -> Result<Vec<Assignment>> {
    let src = sources.add(format!("{object} {what}"), code);
    let stmts = parse_statements(code, src).map_err(|d| RuntimeError::model(object, d, sources))?;
    check_statements(&stmts, scope).map_err(|d| RuntimeError::model(object, d, sources))?;
    Ok(stmts.iter().map(Assignment::from_statement).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheobase_lang::parse_expression;

    #[test]
    fn exact_updates_run_over_the_time_since_the_last_update() {
        let mut sources = SourceMap::new();
        let src = sources.add("t", "x*exp(-dt/tau)");
        let e = parse_expression("x*exp(-dt/tau)", src).unwrap();
        let updated = over_lastupdate(&e);
        let mut names = updated.names();
        names.sort();
        assert_eq!(names, vec!["lastupdate", "t", "tau", "x"]);
    }

    #[test]
    fn pathway_code_is_checked_against_the_scope() {
        let mut scope = Scope::new();
        scope.add_synapse_builtins();
        scope.add_variable(
            "w",
            ScopeVariable::new(Dimension::DIMENSIONLESS, VarType::Float, VarKind::Parameter),
        );
        let mut sources = SourceMap::new();
        assert_eq!(
            pathway_code("s", "on_pre", "w += 1", &scope, &mut sources)
                .unwrap()
                .len(),
            1
        );
        let err = pathway_code("s", "on_pre", "w += 1*mV", &scope, &mut sources).unwrap_err();
        assert_eq!(err.code(), "units::assignment_dimension");
        assert!(err.to_string().contains("s on_pre"), "{err}");
    }
}
