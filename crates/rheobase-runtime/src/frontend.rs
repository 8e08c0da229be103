//! The bridge to the model language: parse, check and integrate user strings into what the
//! runtime lowers. The one place that calls rheobase-lang's parser, checker and integrators.

use crate::error::{Result, RuntimeError};
use crate::lower::Assignment;
use crate::network::{GroupId, NetworkCore};
use crate::neurongroup::{NeuronGroupOptions, Refractory};
use crate::spec::{EventSpec, GroupSpec, RefractorySpec, VarSpec};
use crate::variables::{Variable, Variables};
use rheobase_lang::check::{
    check_condition, check_equations, check_expression, check_refractory, check_statements,
    check_statements_detailed, Model, Refractory as RefractoryKind, Scope, ScopeVariable,
    StatementOptions, VarKind,
};
use rheobase_lang::integrate::{choose_method, integrate, Method, Ode, OdeSystem};
use rheobase_lang::{
    ast, parse_equations, parse_expression, parse_statements, Diagnostic, Diagnostics,
    EquationKind, Equations, SourceMap,
};
use rheobase_units::Quantity;

use std::collections::HashMap;

/// `t`, `dt`, `t_in_timesteps`, `i`, `N`, noise, and the refractory variables.
fn builtins(scope: &mut Scope, refractory: bool) {
    scope.add_neuron_group_builtins(refractory);
}

fn namespace_scope(scope: &mut Scope, namespace: &HashMap<String, Quantity>) {
    for (name, q) in namespace {
        scope.add_constant(name.clone(), *q);
    }
}

struct Ctx<'a> {
    object: &'a str,
    sources: SourceMap,
    errors: Diagnostics,
}

impl Ctx<'_> {
    fn fail(&self) -> RuntimeError {
        RuntimeError::model(self.object, self.errors.clone(), &self.sources)
    }

    fn keep<T>(&mut self, r: std::result::Result<T, Diagnostics>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(d) => {
                self.errors.extend(d);
                None
            }
        }
    }

    fn expression(&mut self, what: &str, text: &str) -> Option<ast::Expr> {
        let src = self.sources.add(format!("{} {what}", self.object), text);
        self.keep(parse_expression(text, src))
    }

    /// Reset and event code: Brian2 forbids writes to shared variables there. Warnings (a
    /// float truncated into an integer, ...) are logged.
    fn reset_code(&mut self, stmts: &[ast::Statement], scope: &Scope) -> Option<Vec<Assignment>> {
        let checked = self.keep(check_statements_detailed(
            stmts,
            scope,
            &StatementOptions::RESET,
        ))?;
        if !checked.warnings.is_empty() {
            log::warn!("{}", checked.warnings.render(&self.sources));
        }
        Some(assignments(stmts))
    }

    fn statements(&mut self, what: &str, text: &str) -> Option<Vec<ast::Statement>> {
        let src = self.sources.add(format!("{} {what}", self.object), text);
        self.keep(parse_statements(text, src))
    }
}

fn assignments(stmts: &[ast::Statement]) -> Vec<Assignment> {
    stmts.iter().map(Assignment::from_statement).collect()
}

/// A group's model: a string, or equations parsed before (Brian2's `Equations` object) with
/// the sources their spans point into.
pub(crate) enum ModelInput<'a> {
    Text(&'a str),
    Equations(&'a Equations, &'a SourceMap),
}

/// Parses, checks and integrates a neuron group's model and code strings; `dt` is the
/// group's time step (for TimedArrays that are constant over a step).
pub(crate) fn neuron_group(
    object: &str,
    model: ModelInput<'_>,
    options: &NeuronGroupOptions,
    dt: f64,
) -> Result<GroupSpec> {
    let mut cx = Ctx {
        object,
        sources: SourceMap::new(),
        errors: Diagnostics::new(),
    };
    let refractory = options.refractory != Refractory::None;
    let equations: Vec<ast::Equation> = match model {
        ModelInput::Text(text) => {
            let model_src = cx.sources.add(format!("{object} model"), text);
            parse_equations(text, model_src)
                .map_err(|d| RuntimeError::model(object, d, &cx.sources))?
        }
        ModelInput::Equations(eqs, sources) => {
            cx.sources = sources.clone();
            eqs.as_slice().to_vec()
        }
    };
    let mut base = Scope::new();
    builtins(&mut base, refractory);
    namespace_scope(&mut base, &options.namespace);
    for (name, table) in &options.functions {
        base.add_function(name.clone(), table.function_spec(name));
    }
    let checked: Model = check_equations(&equations, &base)
        .map_err(|d| RuntimeError::model(object, d, &cx.sources))?;
    let scope = checked.scope(&base);

    let threshold = match &options.threshold {
        Some(text) => cx.expression("threshold", text).and_then(|e| {
            let ok = cx.keep(check_condition(&e, &scope, "threshold"));
            ok.map(|_| e)
        }),
        None => None,
    };
    let reset = match &options.reset {
        Some(text) => cx
            .statements("reset", text)
            .and_then(|s| cx.reset_code(&s, &scope))
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let refractory_spec = match &options.refractory {
        Refractory::None => RefractorySpec::None,
        Refractory::Duration(d) => RefractorySpec::Duration(*d),
        Refractory::Expression(text) => match cx.expression("refractory", text) {
            None => RefractorySpec::None,
            Some(e) => match cx.keep(check_refractory(&e, &scope)) {
                None => RefractorySpec::None,
                Some(RefractoryKind::Duration) => RefractorySpec::DurationExpr(e),
                Some(RefractoryKind::Condition) => RefractorySpec::Condition(e),
            },
        },
    };
    let mut events = Vec::new();
    for ev in &options.events {
        let cond = cx.expression(&format!("event '{}'", ev.name), &ev.condition);
        let cond = cond.and_then(|e| {
            cx.keep(check_condition(&e, &scope, "event condition"))
                .map(|_| e)
        });
        let actions = match &ev.action {
            Some(text) => cx
                .statements(&format!("event '{}' action", ev.name), text)
                .and_then(|s| cx.reset_code(&s, &scope))
                .unwrap_or_default(),
            None => Vec::new(),
        };
        if let Some(condition) = cond {
            events.push(EventSpec {
                name: ev.name.clone(),
                condition,
                actions,
            });
        }
    }

    let odes: Vec<Ode> = checked
        .state_vars()
        .filter_map(|v| {
            v.expr.as_ref().map(|rhs| Ode {
                var: v.name.clone(),
                rhs: checked.substitute_subexpressions(rhs),
                unless_refractory: refractory && v.flags.unless_refractory,
                span: v.span,
            })
        })
        .collect();
    let mut state_update = Vec::new();
    if !odes.is_empty() {
        let mut sys = OdeSystem::new(odes);
        sys.step_constant_functions = options
            .functions
            .iter()
            .filter(|(_, table)| table.is_locally_constant(dt))
            .map(|(name, _)| name.clone())
            .collect();
        let statements = match &options.method {
            Some(m) => match m.parse::<Method>() {
                Ok(method) => integrate(&sys, method),
                Err(d) => Err(d),
            },
            None => choose_method(&sys).map(|(_, s)| s),
        };
        match statements {
            Ok(stmts) => {
                state_update = stmts
                    .into_iter()
                    .map(|s| Assignment::set(s.target, s.expr, s.is_temp))
                    .collect()
            }
            Err(d) => cx.errors.push(d),
        }
    }
    if cx.errors.has_errors() {
        return Err(cx.fail());
    }
    let variables = checked
        .variables
        .iter()
        .map(|v| VarSpec {
            name: v.name.clone(),
            dim: v.dim,
            vtype: v.vtype,
            kind: v.kind,
            expr: (v.kind == EquationKind::Subexpression)
                .then(|| v.expr.clone())
                .flatten(),
            shared: v.flags.shared,
            constant: v.flags.constant,
            unless_refractory: v.flags.unless_refractory,
            constant_over_dt: v.flags.constant_over_dt,
            linked: v.flags.linked,
        })
        .collect();
    Ok(GroupSpec {
        variables,
        state_update,
        threshold,
        reset,
        refractory: refractory_spec,
        events,
        sources: cx.sources,
    })
}

/// The scope of code run on an existing group.
pub(crate) fn group_scope(
    variables: &Variables,
    namespace: &HashMap<String, Quantity>,
    refractory: bool,
) -> Scope {
    let mut scope = Scope::new();
    builtins(&mut scope, refractory);
    namespace_scope(&mut scope, namespace);
    for (name, var) in variables.iter() {
        let sv = match var {
            Variable::Array {
                dim,
                vtype,
                shared,
                read_only,
                ..
            } => {
                let mut v = ScopeVariable::new(*dim, *vtype, VarKind::Parameter);
                v.shared = *shared;
                v.writable = !*read_only;
                v
            }
            Variable::Subexpression {
                dim, vtype, shared, ..
            } => {
                let mut v = ScopeVariable::new(*dim, *vtype, VarKind::Subexpression).read_only();
                v.shared = *shared;
                v
            }
        };
        scope.add_variable(name, sv);
    }
    for (name, f, dim) in variables.functions() {
        scope.add_function(name, table_function_spec(name, f.cols.is_some(), dim));
    }
    scope
}

/// The scope of code run on an existing group, synapses included.
pub(crate) fn core_scope(core: &NetworkCore, id: GroupId) -> Scope {
    let g = core.group(id);
    let mut scope = group_scope(&g.variables, &g.namespace, g.refractory);
    crate::synapses::links::extend_scope(core, id, &mut scope);
    scope
}

/// What the checker knows of a table function: `name(t)` or `name(t, i)` with a result of
/// dimension `dim`.
pub(crate) fn table_function_spec(
    name: &str,
    two_dimensional: bool,
    dim: rheobase_units::Dimension,
) -> rheobase_lang::FunctionSpec {
    let second = rheobase_units::Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);
    let mut arg_dims = vec![Some(second)];
    if two_dimensional {
        arg_dims.push(Some(rheobase_units::Dimension::DIMENSIONLESS));
    }
    rheobase_lang::FunctionSpec::User(rheobase_lang::UserFunction {
        name: name.to_string(),
        arg_dims,
        return_dim: dim,
        return_type: rheobase_lang::VarType::Float,
        stateless: true,
    })
}

fn group_err(core: &NetworkCore, id: GroupId, d: Diagnostics) -> RuntimeError {
    let g = core.group(id);
    RuntimeError::model(&g.name, d, &g.sources)
}

/// An expression in the group's scope (its value assigned to `target`, if given).
pub(crate) fn group_expression(
    core: &mut NetworkCore,
    id: GroupId,
    what: &str,
    code: &str,
    target: Option<&str>,
) -> Result<ast::Expr> {
    let src = core.add_source(id, what, code);
    let expr = parse_expression(code, src).map_err(|d| group_err(core, id, d))?;
    let scope = core_scope(core, id);
    let typed = check_expression(&expr, &scope).map_err(|d| group_err(core, id, d))?;
    if let Some(target) = target {
        let dim = core.dimension(id, target)?;
        if typed.dim != dim {
            let d = Diagnostic::error(
                "units::dimension_mismatch",
                format!(
                    "the value for '{target}' has dimension {}, but '{target}' has dimension {}",
                    typed.dim.base_string(),
                    dim.base_string()
                ),
            )
            .with_primary(expr.span, typed.dim.base_string());
            return Err(group_err(core, id, d.into()));
        }
    }
    Ok(expr)
}

/// A boolean condition in the group's scope.
pub(crate) fn group_condition(
    core: &mut NetworkCore,
    id: GroupId,
    what: &str,
    code: &str,
) -> Result<ast::Expr> {
    let src = core.add_source(id, what, code);
    let expr = parse_expression(code, src).map_err(|d| group_err(core, id, d))?;
    let scope = core_scope(core, id);
    check_condition(&expr, &scope, what).map_err(|d| group_err(core, id, d))?;
    Ok(expr)
}

/// Checks `code` (statements given later: `run_regularly`, an event's action) again in the
/// group's scope, in sources of its own (see [`crate::namespace::Rechecks`]).
pub(crate) fn statements_recheck(what: &str, code: &str) -> crate::namespace::Recheck {
    let (what, code) = (what.to_string(), code.to_string());
    std::sync::Arc::new(move |core: &NetworkCore, id: GroupId| {
        let mut sources = SourceMap::new();
        let src = sources.add(&what, &code);
        let err = |d| RuntimeError::model(&core.group(id).name, d, &sources);
        let stmts = parse_statements(&code, src).map_err(&err)?;
        check_statements(&stmts, &core_scope(core, id)).map_err(&err)?;
        Ok(())
    })
}

/// Statements in the group's scope.
pub(crate) fn group_statements(
    core: &mut NetworkCore,
    id: GroupId,
    what: &str,
    code: &str,
) -> Result<Vec<Assignment>> {
    let src = core.add_source(id, what, code);
    let stmts = parse_statements(code, src).map_err(|d| group_err(core, id, d))?;
    let scope = core_scope(core, id);
    check_statements(&stmts, &scope).map_err(|d| group_err(core, id, d))?;
    Ok(assignments(&stmts))
}
