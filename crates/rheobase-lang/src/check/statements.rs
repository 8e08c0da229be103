//! Checking code strings made of statements (`reset`, `on_pre`, ...), with Brian2's rules
//! (`check_units_statements`, `make_statements`, `array_read_write`):
//! - the target must be a writable variable; `x = expr` with an unknown `x` defines a
//!   temporary for the following lines (Brian2's "newly defined" variables);
//! - `=`, `+=`, `-=` need the target's dimension; `*=` and `/=` a dimensionless value
//!   (Brian2 checks `x *= y` as `x = x * y`);
//! - a shared variable may only be assigned values that are the same for every element,
//!   and all writes to shared variables come before writes to per-element ones;
//! - a boolean target needs a boolean value; a float value written to an integer target is
//!   truncated, as in Brian2, with a warning.

use super::dimname::dimension_name;
use super::expr::{check_expression, Typed};
use super::help::{did_you_mean, factor_help};
use super::scope::{is_noise_name, Resolved, Scope, ScopeVariable, VarKind};
use crate::ast::{AssignOp, Expr, ExprKind, Statement, VarType};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::span::Span;
use rheobase_units::Dimension;
use std::collections::BTreeMap;

/// A variable introduced by a statement `x = expr` whose `x` is not in scope.
#[derive(Clone, Debug, PartialEq)]
pub struct Temporary {
    pub name: String,
    pub typed: Typed,
    /// The statement that defines it.
    pub span: Span,
}

/// What checking a code string found besides errors.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckedStatements {
    /// Temporaries in order of definition.
    pub temporaries: Vec<Temporary>,
    /// Warnings (for example a float value truncated into an integer variable).
    pub warnings: Diagnostics,
}

/// Where statements run, which decides whether they may write shared variables: Brian2
/// allows that only in state-update code (`run_regularly`), not in resets or synaptic events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatementOptions {
    pub allow_shared_writes: bool,
    /// Names the code in messages (`"reset code"`).
    pub context: &'static str,
}

impl StatementOptions {
    pub const RUN_REGULARLY: StatementOptions = StatementOptions {
        allow_shared_writes: true,
        context: "run_regularly code",
    };
    pub const RESET: StatementOptions = StatementOptions {
        allow_shared_writes: false,
        context: "reset code",
    };
    pub const SYNAPTIC_EVENT: StatementOptions = StatementOptions {
        allow_shared_writes: false,
        context: "synaptic event code",
    };
}

/// Checks statements that may write shared variables (as `run_regularly` code); all errors
/// of all lines are reported together. Resets and synaptic events: use
/// [`check_statements_detailed`] with [`StatementOptions::RESET`] or `SYNAPTIC_EVENT`.
pub fn check_statements(stmts: &[Statement], scope: &Scope) -> Result<(), Diagnostics> {
    check_statements_detailed(stmts, scope, &StatementOptions::RUN_REGULARLY).map(|_| ())
}

/// Checks statements, returning the temporaries the code defines and warnings.
pub fn check_statements_detailed(
    stmts: &[Statement],
    scope: &Scope,
    options: &StatementOptions,
) -> Result<CheckedStatements, Diagnostics> {
    let mut errors = Diagnostics::new();
    let mut out = CheckedStatements::default();
    let mut local = scope.clone();
    let mut temporaries: BTreeMap<String, usize> = BTreeMap::new();
    let mut first_vector_write: Option<Span> = None;
    // Temporaries whose value had errors: later uses are not reported again as undefined.
    let mut failed: Vec<String> = Vec::new();

    for stmt in stmts {
        let value = check_expression(&stmt.value, &local);
        let target = resolve_target(stmt, &local, &temporaries, &mut errors);
        let value = match value {
            Ok(t) => t,
            Err(d) => {
                let undefined_failed = |d: &Diagnostic| {
                    d.code == "model::undefined_identifier"
                        && failed
                            .iter()
                            .any(|n| d.message == format!("undefined identifier `{n}`"))
                };
                errors
                    .0
                    .extend(d.0.into_iter().filter(|d| !undefined_failed(d)));
                if stmt.op == AssignOp::Set && local.resolve(&stmt.target).is_none() {
                    failed.push(stmt.target.clone());
                }
                continue;
            }
        };
        let Some(target) = target else {
            if stmt.op == AssignOp::Set && local.resolve(&stmt.target).is_none() {
                // A new temporary.
                temporaries.insert(stmt.target.clone(), out.temporaries.len());
                out.temporaries.push(Temporary {
                    name: stmt.target.clone(),
                    typed: value,
                    span: stmt.span,
                });
                let mut var = ScopeVariable::new(value.dim, value.vtype, VarKind::Builtin);
                var.shared = value.shared;
                local.add_variable(stmt.target.clone(), var);
            }
            continue;
        };
        if target.shared && !options.allow_shared_writes {
            errors.push(
                Diagnostic::error(
                    "model::shared_write_not_allowed",
                    format!(
                        "the shared variable `{}` cannot be written in {}",
                        stmt.target, options.context
                    ),
                )
                .with_primary(stmt.target_span, "shared variable")
                .with_help(
                    "shared variables can be set from `run_regularly` code or from outside a run",
                ),
            );
            continue;
        }
        check_assignment_dims(stmt, &target, &value, &local, &mut errors);
        check_assignment_types(stmt, &target, &value, &mut errors, &mut out.warnings);
        if target.shared && !value.shared {
            let mut d = Diagnostic::error(
                "model::shared_non_shared",
                format!(
                    "cannot assign a per-element value to the shared variable `{}`",
                    stmt.target
                ),
            )
            .with_secondary(stmt.target_span, "shared: one value for the whole group");
            for (name, span) in per_element_names(&stmt.value, &local) {
                d = d.with_primary(span, format!("`{name}` differs between elements"));
            }
            errors.push(d);
        }
        if !target.shared {
            first_vector_write.get_or_insert(stmt.span);
        } else if let Some(earlier) = first_vector_write {
            errors.push(
                Diagnostic::error(
                    "model::shared_write_order",
                    format!(
                        "the shared variable `{}` is written after a per-element variable; \
                         all writes to shared variables must come first",
                        stmt.target
                    ),
                )
                .with_primary(stmt.span, "write to a shared variable")
                .with_secondary(earlier, "first write to a per-element variable"),
            );
        }
    }
    if errors.has_errors() {
        Err(errors)
    } else {
        Ok(out)
    }
}

/// The target variable, or `None` when it is new (reported later as a temporary) or
/// an error was reported.
fn resolve_target(
    stmt: &Statement,
    scope: &Scope,
    temporaries: &BTreeMap<String, usize>,
    errors: &mut Diagnostics,
) -> Option<ScopeVariable> {
    let name = &stmt.target;
    let span = stmt.target_span;
    let read_only = |why: String| {
        Diagnostic::error(
            "model::read_only_assignment",
            format!("cannot assign to `{name}`: {why}"),
        )
        .with_primary(span, "read-only")
    };
    match scope.resolve(name) {
        Some(Resolved::Variable(v)) if temporaries.contains_key(name) => Some(v.clone()),
        Some(Resolved::Variable(v)) if v.writable => Some(v.clone()),
        Some(Resolved::Variable(v)) => {
            let why = match v.kind {
                VarKind::Subexpression => "it is a subexpression, defined by its equation".into(),
                VarKind::Builtin => "it is provided by the simulator and read-only".into(),
                VarKind::State | VarKind::Parameter => "it is read-only".into(),
            };
            errors.push(read_only(why));
            None
        }
        Some(Resolved::Constant(..)) => {
            errors.push(read_only("it is a constant".into()));
            None
        }
        Some(Resolved::Function(_)) => {
            errors.push(read_only("it is a function".into()));
            None
        }
        Some(Resolved::Noise) => {
            errors.push(
                Diagnostic::error(
                    "model::noise_not_allowed",
                    format!("cannot assign to the white noise `{name}`"),
                )
                .with_primary(span, "noise"),
            );
            None
        }
        None if is_noise_name(name) && stmt.op == AssignOp::Set => {
            errors.push(
                Diagnostic::error(
                    "model::noise_not_allowed",
                    format!("`{name}` is reserved for white noise"),
                )
                .with_primary(span, "reserved name"),
            );
            None
        }
        None if stmt.op == AssignOp::Set => None,
        None => {
            let mut d = Diagnostic::error(
                "model::undefined_identifier",
                format!("undefined identifier `{name}`"),
            )
            .with_primary(span, "not defined");
            if let Some(h) = did_you_mean(&scope.similar_names(name, false)) {
                d = d.with_help(h);
            }
            errors.push(d);
            None
        }
    }
}

fn op_symbol(op: AssignOp) -> &'static str {
    match op {
        AssignOp::Set => "=",
        AssignOp::Add => "+=",
        AssignOp::Sub => "-=",
        AssignOp::Mul => "*=",
        AssignOp::Div => "/=",
    }
}

fn check_assignment_dims(
    stmt: &Statement,
    target: &ScopeVariable,
    value: &Typed,
    scope: &Scope,
    errors: &mut Diagnostics,
) {
    let (want, got) = (dimension_name(&target.dim), dimension_name(&value.dim));
    let name = &stmt.target;
    let d = match stmt.op {
        AssignOp::Set | AssignOp::Add | AssignOp::Sub if value.dim != target.dim => {
            let verb = match stmt.op {
                AssignOp::Set => format!("cannot assign a value in {got} to `{name}`"),
                AssignOp::Add => format!("cannot add a value in {got} to `{name}`"),
                _ => format!("cannot subtract a value in {got} from `{name}`"),
            };
            Diagnostic::error(
                "units::assignment_dimension",
                format!("{verb}, which is in {want}"),
            )
            .with_secondary(stmt.target_span, want.clone())
            .with_primary(stmt.value.span, got)
        }
        AssignOp::Mul | AssignOp::Div if !value.dim.is_dimensionless() => Diagnostic::error(
            "units::assignment_dimension",
            format!(
                "`{}` needs a dimensionless value, but it is in {got} (it would change the \
                 units of `{name}`)",
                op_symbol(stmt.op)
            ),
        )
        .with_primary(stmt.value.span, got),
        _ => return,
    };
    let d = match literal(&stmt.value) {
        Some(text)
            if !target.dim.is_dimensionless()
                && value.dim == Dimension::DIMENSIONLESS
                && stmt.op != AssignOp::Mul
                && stmt.op != AssignOp::Div =>
        {
            d.with_help(format!("numbers are dimensionless; write `{text}*{want}`"))
        }
        _ if matches!(stmt.op, AssignOp::Set | AssignOp::Add | AssignOp::Sub) => {
            match factor_help(scope, &stmt.value, &value.dim, &target.dim) {
                Some(h) => d.with_help(h),
                None => d,
            }
        }
        _ => d,
    };
    errors.push(d);
}

fn literal(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Int(n) => Some(n.to_string()),
        ExprKind::Float(x) => Some(x.to_string()),
        _ => None,
    }
}

fn check_assignment_types(
    stmt: &Statement,
    target: &ScopeVariable,
    value: &Typed,
    errors: &mut Diagnostics,
    warnings: &mut Diagnostics,
) {
    let name = &stmt.target;
    match target.vtype {
        VarType::Boolean if stmt.op != AssignOp::Set => errors.push(
            Diagnostic::error(
                "model::type_mismatch",
                format!(
                    "`{}` cannot be applied to the boolean `{name}`",
                    op_symbol(stmt.op)
                ),
            )
            .with_primary(stmt.span, "arithmetic on a boolean"),
        ),
        VarType::Boolean if value.vtype != VarType::Boolean => {
            // Brian2 accepts this (any non-zero value is true); say so.
            let mut d = Diagnostic::error(
                "model::not_boolean",
                format!("`{name}` is boolean, but the assigned value is not; non-zero values are stored as true"),
            )
            .with_primary(stmt.value.span, "not a boolean")
            .with_help("assign a comparison or `True`/`False`");
            d.severity = Severity::Warning;
            warnings.push(d);
        }
        VarType::Integer if value.vtype == VarType::Float || matches!(stmt.op, AssignOp::Div) => {
            let mut d = Diagnostic::error(
                "model::float_to_integer",
                format!("a float value is stored in the integer variable `{name}` and truncated"),
            )
            .with_primary(stmt.value.span, "float value");
            d.severity = Severity::Warning;
            warnings.push(d.with_help("use `int(...)` to make the conversion explicit"));
        }
        _ => {}
    }
}

/// Names in `expr` that are per-element variables, with their spans.
fn per_element_names<'e>(expr: &'e Expr, scope: &Scope) -> Vec<(&'e str, Span)> {
    let mut out = Vec::new();
    expr.visit(&mut |e| {
        if let ExprKind::Name(n) = &e.kind {
            let per_element = match scope.resolve(n) {
                Some(Resolved::Variable(v)) => !v.shared,
                Some(Resolved::Noise) => true,
                _ => false,
            };
            if per_element {
                out.push((n.as_str(), e.span));
            }
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::*;

    fn err(text: &str) -> Diagnostics {
        match check_statements(&statements(text), &neuron_scope()) {
            Ok(()) => panic!("{text} passed"),
            Err(d) => d,
        }
    }

    #[test]
    fn resets_that_pass() {
        let s = neuron_scope();
        let text = "v = El; I += 0.5*nA; tau *= 2; count += 1; flag = v > vt; vt = vt + 1*mV";
        assert_eq!(
            check_statements(&statements(text), &s),
            Err(err_shared_order(text))
        );
        let text = "vt = vt + 1*mV; v = El; I += 0.5*nA; tau *= 2; count += 1; flag = v > vt";
        assert_eq!(check_statements(&statements(text), &s), Ok(()));
    }

    fn err_shared_order(text: &str) -> Diagnostics {
        let d = check_statements(&statements(text), &neuron_scope()).unwrap_err();
        assert_eq!(codes(&d), ["model::shared_write_order"]);
        d
    }

    #[test]
    fn assignment_of_the_wrong_dimension() {
        let text = "v = I";
        let d = err(text);
        assert_eq!(codes(&d), ["units::assignment_dimension"]);
        assert_eq!(
            d.0[0].message,
            "cannot assign a value in amp to `v`, which is in volt"
        );
        let l: Vec<_> = d.0[0]
            .labels
            .iter()
            .map(|l| (l.primary, at(text, l.span)))
            .collect();
        assert_eq!(l, [(false, "v"), (true, "I")]);
        let d = err("v = 0");
        assert_eq!(
            d.0[0].help.as_deref(),
            Some("numbers are dimensionless; write `0*volt`")
        );
        assert_eq!(codes(&err("v += 1*nA")), ["units::assignment_dimension"]);
        let d = err("v *= mV");
        assert!(d.0[0]
            .message
            .starts_with("`*=` needs a dimensionless value, but it is in volt"));
    }

    #[test]
    fn read_only_targets() {
        let text = "Iin = 1*nA";
        let d = err(text);
        assert_eq!(codes(&d), ["model::read_only_assignment"]);
        assert_eq!(
            d.0[0].message,
            "cannot assign to `Iin`: it is a subexpression, defined by its equation"
        );
        assert_eq!(at(text, d.0[0].labels[0].span), "Iin");
        assert_eq!(codes(&err("t = 0*ms")), ["model::read_only_assignment"]);
        assert_eq!(codes(&err("tau_c = 1*ms")), ["model::read_only_assignment"]);
        assert_eq!(codes(&err("mV = 1*mV")), ["model::read_only_assignment"]);
        assert_eq!(codes(&err("xi = 1")), ["model::noise_not_allowed"]);
        assert_eq!(codes(&err("v = El + xi*mV")), ["model::noise_not_allowed"]);
    }

    #[test]
    fn temporaries() {
        let s = neuron_scope();
        let text = "dv = El - v; v += dv; n_t = count*2";
        let out =
            check_statements_detailed(&statements(text), &s, &StatementOptions::RESET).unwrap();
        let names: Vec<_> = out
            .temporaries
            .iter()
            .map(|t| (t.name.as_str(), t.typed.dim))
            .collect();
        assert_eq!(names, [("dv", VOLT), ("n_t", DIMLESS)]);
        assert_eq!(out.temporaries[1].typed.vtype, VarType::Integer);
        // An augmented assignment needs an existing variable.
        let d = err("vv += 1*mV");
        assert_eq!(codes(&d), ["model::undefined_identifier"]);
        assert_eq!(
            d.0[0].help.as_deref(),
            Some("did you mean one of `v`, `vt`?")
        );
        // A temporary whose value failed is not reported again where it is used.
        let d = err("x = v + I; v = x");
        assert_eq!(codes(&d), ["units::dimension_mismatch"]);
    }

    #[test]
    fn shared_targets_need_shared_values() {
        let text = "vt = v";
        let d = err(text);
        assert_eq!(codes(&d), ["model::shared_non_shared"]);
        let prim: Vec<_> = d.0[0]
            .labels
            .iter()
            .filter(|l| l.primary)
            .map(|l| at(text, l.span))
            .collect();
        assert_eq!(prim, ["v"]);
        assert_eq!(
            check_statements(&statements("vt = vt*2 + rand()*mV"), &neuron_scope()),
            Ok(())
        );
    }

    #[test]
    fn shared_writes_only_where_brian2_allows_them() {
        let text = "vt = 2*mV";
        let st = statements(text);
        assert_eq!(check_statements(&st, &neuron_scope()), Ok(()));
        let d =
            check_statements_detailed(&st, &neuron_scope(), &StatementOptions::RESET).unwrap_err();
        assert_eq!(codes(&d), ["model::shared_write_not_allowed"]);
        assert_eq!(
            d.0[0].message,
            "the shared variable `vt` cannot be written in reset code"
        );
    }

    #[test]
    fn types() {
        let out = check_statements_detailed(
            &statements("flag = 1"),
            &neuron_scope(),
            &StatementOptions::RESET,
        )
        .unwrap();
        assert_eq!(codes(&out.warnings), ["model::not_boolean"]);
        assert_eq!(codes(&err("flag += True")), ["model::type_mismatch"]);
        let out = check_statements_detailed(
            &statements("count = v/mV"),
            &neuron_scope(),
            &StatementOptions::RESET,
        )
        .unwrap();
        assert_eq!(codes(&out.warnings), ["model::float_to_integer"]);
        assert_eq!(out.warnings.0[0].severity, Severity::Warning);
        let out = check_statements_detailed(
            &statements("count = int(v/mV)"),
            &neuron_scope(),
            &StatementOptions::RESET,
        )
        .unwrap();
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn all_lines_are_checked() {
        let d = err("v = I\nw = 3\ng += 1");
        assert_eq!(
            codes(&d),
            ["units::assignment_dimension", "units::assignment_dimension"]
        );
    }
}
