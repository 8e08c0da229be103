//! Conditions: thresholds, `connect` conditions and refractoriness, which must be boolean
//! (Brian2's `is_boolean_expression`), or for refractoriness a duration.

use super::dimname::dimension_name;
use super::expr::{check_expression, describe_value, Typed};
use super::scope::Scope;
use crate::ast::{BinOp, Expr, ExprKind, VarType};
use crate::diagnostic::{Diagnostic, Diagnostics};
use rheobase_units::Dimension;

const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);

/// Checks a condition that must be boolean (a threshold, a refractory condition, a
/// `connect` condition); `what` names it in the message (`"threshold condition"`).
pub fn check_condition(expr: &Expr, scope: &Scope, what: &str) -> Result<Typed, Diagnostics> {
    let typed = check_expression(expr, scope)?;
    if typed.vtype == VarType::Boolean {
        return Ok(typed);
    }
    let found = describe_value(&typed);
    let mut d = Diagnostic::error(
        "model::not_boolean",
        format!("the {what} must be a boolean expression, but it is {found}"),
    )
    .with_primary(expr.span, found);
    if let ExprKind::Binary(BinOp::Sub, a, b) = &expr.kind {
        d = d.with_help(format!("did you mean `{a} > {b}`?"));
    } else if !typed.dim.is_dimensionless() {
        d = d.with_help(format!(
            "compare it with a value in {}, e.g. `{expr} > ...`",
            dimension_name(&typed.dim)
        ));
    }
    Err(d.into())
}

/// What a `refractory` expression means (Brian2's `Thresholder`/`NeuronGroup` rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refractory {
    /// A duration (`5*ms`, `tau_ref`): refractory until `timestep(t - lastspike, dt) >=
    /// timestep(refractory, dt)`.
    Duration,
    /// A boolean condition: the neuron stays refractory while it holds.
    Condition,
}

/// Checks a `refractory` expression: a time or a boolean condition.
pub fn check_refractory(expr: &Expr, scope: &Scope) -> Result<Refractory, Diagnostics> {
    let typed = check_expression(expr, scope)?;
    if typed.dim == SECOND {
        return Ok(Refractory::Duration);
    }
    if typed.vtype == VarType::Boolean {
        return Ok(Refractory::Condition);
    }
    let found = describe_value(&typed);
    Err(Diagnostic::error(
        "model::invalid_refractory",
        format!("the refractory period must be a time or a boolean condition, but it is {found}"),
    )
    .with_primary(expr.span, found)
    .with_help("give a duration such as `5*ms`, or a condition such as `v > -50*mV`")
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::*;

    #[test]
    fn threshold_conditions() {
        let s = neuron_scope();
        assert!(check_condition(&expr("v > vt"), &s, "threshold condition").is_ok());
        let text = "v - vt";
        let d = check_condition(&expr(text), &s, "threshold condition").unwrap_err();
        assert_eq!(codes(&d), ["model::not_boolean"]);
        assert_eq!(
            d.0[0].message,
            "the threshold condition must be a boolean expression, but it is a value in volt"
        );
        assert_eq!(d.0[0].help.as_deref(), Some("did you mean `v > vt`?"));
        let d = check_condition(&expr("v*2"), &s, "threshold condition").unwrap_err();
        assert_eq!(
            d.0[0].help.as_deref(),
            Some("compare it with a value in volt, e.g. `v*2 > ...`")
        );
        let d = check_condition(&expr("v > I"), &s, "threshold condition").unwrap_err();
        assert_eq!(codes(&d), ["units::dimension_mismatch"]);
    }

    #[test]
    fn refractoriness() {
        let s = neuron_scope();
        assert_eq!(
            check_refractory(&expr("5*ms"), &s),
            Ok(Refractory::Duration)
        );
        assert_eq!(check_refractory(&expr("tau"), &s), Ok(Refractory::Duration));
        assert_eq!(
            check_refractory(&expr("v > vt"), &s),
            Ok(Refractory::Condition)
        );
        let d = check_refractory(&expr("v"), &s).unwrap_err();
        assert_eq!(codes(&d), ["model::invalid_refractory"]);
        let d = check_refractory(&expr("5"), &s).unwrap_err();
        assert_eq!(codes(&d), ["model::invalid_refractory"]);
    }
}
