//! Help lines for diagnostics: "did you mean", and the fix for a dimension mismatch when an
//! obvious one exists (`numbers are dimensionless; write `1*volt``, `divide `I` by a
//! capacitance, e.g. `I/C``).

use super::dimname::dimension_name;
use super::expr::Typed;
use super::scope::Scope;
use super::value::checked_div;
use crate::ast::{Expr, ExprKind, UnOp};
use rheobase_units::Dimension;

/// A physical quantity's everyday name, for help lines.
fn quantity_word(dim: &Dimension) -> Option<&'static str> {
    Some(match dimension_name(dim).as_str() {
        "volt" => "voltage",
        "amp" => "current",
        "second" => "time",
        "farad" => "capacitance",
        "siemens" => "conductance",
        "ohm" => "resistance",
        "hertz" => "rate",
        "metre" => "length",
        _ => return None,
    })
}

/// The value of a literal number, possibly negated (`3`, `-2.5`).
fn literal_number(e: &Expr) -> Option<f64> {
    match &e.kind {
        ExprKind::Float(x) => Some(*x),
        ExprKind::Int(n) => Some(*n as f64),
        ExprKind::Unary(UnOp::Neg, a) => literal_number(a).map(|x| -x),
        ExprKind::Unary(UnOp::Pos, a) => literal_number(a),
        _ => None,
    }
}

fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

pub(super) fn mismatch_help(
    scope: &Scope,
    a: &Expr,
    ta: &Typed,
    b: &Expr,
    tb: &Typed,
) -> Option<String> {
    // A bare number next to a quantity: give it the quantity's unit.
    for (num, other) in [(b, ta), (a, tb)] {
        if let Some(x) = literal_number(num) {
            if !other.dim.is_dimensionless() {
                let unit = dimension_name(&other.dim);
                return Some(if unit.chars().all(|c| c.is_ascii_alphabetic()) {
                    format!(
                        "numbers are dimensionless; write `{}*{unit}`",
                        format_number(x)
                    )
                } else {
                    format!("numbers are dimensionless; multiply the number by a unit in {unit}")
                });
            }
        }
    }
    // The right operand is off by a factor that a named quantity in scope supplies.
    let ExprKind::Name(name) = &b.kind else {
        return None;
    };
    let extra = checked_div(&tb.dim, &ta.dim)?;
    for (verb, factor, op) in [("divide", extra, "/"), ("multiply", extra.inv(), "*")] {
        let word = quantity_word(&factor)
            .map(|w| format!("a {w}"))
            .unwrap_or_else(|| format!("a quantity in {}", dimension_name(&factor)));
        if let Some(example) = scope.names_with_dimension(&factor).first() {
            return Some(format!(
                "{verb} `{name}` by {word}, e.g. `{name}{op}{example}`"
            ));
        }
        if verb == "divide" && quantity_word(&factor).is_some() {
            return Some(format!(
                "{verb} `{name}` by {word} ({})",
                dimension_name(&factor)
            ));
        }
    }
    None
}

/// "divide the argument by a quantity in volt, e.g. `exp(v/v_T)`".
pub(super) fn dimensionless_help(
    scope: &Scope,
    func: &str,
    arg: &Expr,
    dim: &Dimension,
) -> Option<String> {
    let unit = dimension_name(dim);
    let own = match &arg.kind {
        ExprKind::Name(n) => Some(n.as_str()),
        _ => None,
    };
    let example = scope
        .names_with_dimension(dim)
        .into_iter()
        .find(|n| Some(n.as_str()) != own);
    Some(match (own, example) {
        (Some(n), Some(ex)) => {
            format!("divide the argument by a quantity in {unit}, e.g. `{func}({n}/{ex})`")
        }
        _ => format!("divide the argument by a quantity in {unit} to make it dimensionless"),
    })
}

pub(crate) fn did_you_mean(names: &[String]) -> Option<String> {
    match names {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        many => Some(format!(
            "did you mean one of {}?",
            many.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
