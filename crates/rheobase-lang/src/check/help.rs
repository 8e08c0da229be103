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
    factor_help(scope, b, &tb.dim, &ta.dim)
}

/// When `operand` (in `have`) would be right after dividing or multiplying by a quantity that
/// a name in scope has: "divide `I` by a capacitance, e.g. `I/C`".
pub(super) fn factor_help(
    scope: &Scope,
    operand: &Expr,
    have: &Dimension,
    want: &Dimension,
) -> Option<String> {
    let (text, wrapped) = operand_text(operand)?;
    let extra = checked_div(have, want)?;
    for (verb, factor, op) in [("divide", extra, "/"), ("multiply", extra.inv(), "*")] {
        let word = quantity_word(&factor)
            .map(|w| format!("a {w}"))
            .unwrap_or_else(|| format!("a quantity in {}", dimension_name(&factor)));
        let used = operand.names();
        let candidates = scope.names_with_dimension(&factor);
        if let Some(example) = candidates.iter().find(|n| !used.contains(&n.as_str())) {
            return Some(format!(
                "{verb} `{text}` by {word}, e.g. `{wrapped}{op}{example}`"
            ));
        }
        if verb == "divide" && (quantity_word(&factor).is_some() || !candidates.is_empty()) {
            return Some(format!(
                "{verb} `{text}` by {word} ({})",
                dimension_name(&factor)
            ));
        }
    }
    None
}

/// An operand as the user would write it, and the same wrapped in parentheses where an
/// operator after it would bind wrongly; `None` when too long to quote in a help line.
pub(super) fn operand_text(e: &Expr) -> Option<(String, String)> {
    let text = e.to_string();
    if text.len() > 40 {
        return None;
    }
    let simple = matches!(
        e.kind,
        ExprKind::Name(_) | ExprKind::Call { .. } | ExprKind::Float(_) | ExprKind::Int(_)
    );
    let wrapped = if simple {
        text.clone()
    } else {
        format!("({text})")
    };
    Some((text, wrapped))
}

/// "divide the argument by a quantity in volt, e.g. `exp(v/v_T)`".
pub(super) fn dimensionless_help(
    scope: &Scope,
    func: &str,
    arg: &Expr,
    dim: &Dimension,
) -> Option<String> {
    let unit = dimension_name(dim);
    let names = arg.names();
    let example = scope
        .names_with_dimension(dim)
        .into_iter()
        .find(|n| !names.contains(&n.as_str()));
    Some(match (operand_text(arg), example) {
        (Some((_, wrapped)), Some(ex)) => {
            format!("divide the argument by a quantity in {unit}, e.g. `{func}({wrapped}/{ex})`")
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
