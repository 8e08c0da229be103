//! Quantities written as in Brian2 scripts: `q("10*ms")`, `q("(1*ufarad*cm**-2) * area")`
//! through [`namespace`], evaluated with Brian2's unit names and checked dimensions.

use rheobase_lang::{parse_expression, BinOp, Expr, ExprKind, SourceMap, UnOp};
use rheobase_units::{lookup_unit, Quantity};
use std::collections::HashMap;
use std::fmt;

/// A quantity expression that does not parse, names an unknown unit, or mixes dimensions.
#[derive(Clone, Debug, PartialEq)]
pub struct QuantityExprError {
    pub text: String,
    pub message: String,
}

impl fmt::Display for QuantityExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "in `{}`: {}", self.text, self.message)
    }
}

impl std::error::Error for QuantityExprError {}

/// Evaluates a constant expression of numbers and units (`"10*ms"`, `"-70*mV"`, `"2*nA"`).
pub fn q(text: &str) -> Result<Quantity, QuantityExprError> {
    eval_in(text, &HashMap::new())
}

/// Evaluates a constant expression that may also use the given names (`"2*tau"` with `tau`
/// in `names`), as the command line's model files do for their constants.
pub fn q_with(
    text: &str,
    names: &HashMap<String, Quantity>,
) -> Result<Quantity, QuantityExprError> {
    eval_in(text, names)
}

/// Evaluates `(name, expression)` pairs in order into a namespace for
/// [`NeuronGroupOptions::namespace`](rheobase_runtime::NeuronGroupOptions); later expressions
/// may use earlier names (Brian2's `area = 20000*umetre**2; Cm = 1*ufarad*cm**-2 * area`).
pub fn namespace(entries: &[(&str, &str)]) -> Result<HashMap<String, Quantity>, QuantityExprError> {
    let mut ns = HashMap::new();
    for (name, text) in entries {
        let value = eval_in(text, &ns)?;
        ns.insert((*name).to_string(), value);
    }
    Ok(ns)
}

fn eval_in(text: &str, names: &HashMap<String, Quantity>) -> Result<Quantity, QuantityExprError> {
    let fail = |message: String| QuantityExprError {
        text: text.to_string(),
        message,
    };
    let mut sources = SourceMap::new();
    let src = sources.add("<quantity>", text);
    let expr = parse_expression(text, src).map_err(|d| {
        let first = d.iter().next().map(|d| d.message.clone());
        fail(first.unwrap_or_else(|| "does not parse".into()))
    })?;
    eval(&expr, names).map_err(fail)
}

fn eval(expr: &Expr, names: &HashMap<String, Quantity>) -> Result<Quantity, String> {
    match &expr.kind {
        ExprKind::Float(x) => Ok(Quantity::dimensionless(*x)),
        ExprKind::Int(i) => Ok(Quantity::dimensionless(*i as f64)),
        ExprKind::Name(n) => names
            .get(n)
            .copied()
            .or_else(|| lookup_unit(n).map(|u| Quantity::new(u.scale, u.dim)))
            .ok_or_else(|| format!("unknown name `{n}` (not a unit, constant or earlier entry)")),
        ExprKind::Unary(UnOp::Neg, a) => Ok(-eval(a, names)?),
        ExprKind::Unary(UnOp::Pos, a) => eval(a, names),
        ExprKind::Binary(op, a, b) => {
            let (a, b) = (eval(a, names)?, eval(b, names)?);
            let mismatch = |e: rheobase_units::DimensionMismatchError| e.to_string();
            match op {
                BinOp::Add => a.try_add(&b).map_err(mismatch),
                BinOp::Sub => a.try_sub(&b).map_err(mismatch),
                BinOp::Mul => Ok(a.mul(&b)),
                BinOp::Div => Ok(a.div(&b)),
                BinOp::Pow => a.try_pow(&b).map_err(mismatch),
                _ => Err(format!("`{}` is not allowed in a quantity", op.symbol())),
            }
        }
        _ => Err("only numbers, units, names, + - * / ** and parentheses are allowed".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheobase_units::Dimension;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1e-300)
    }

    #[test]
    fn units_scale_and_carry_dimension() {
        let t = q("10*ms").unwrap();
        assert!(close(t.value, 0.01));
        assert_eq!(t.dim, q("second").unwrap().dim);
        let v = q("-70*mV").unwrap();
        assert!(close(v.value, -0.07));
        assert_eq!(v.dim, lookup_unit("volt").unwrap().dim);
        assert!(q("3").unwrap().dim == Dimension::DIMENSIONLESS);
    }

    #[test]
    fn namespace_entries_use_earlier_ones() {
        let ns = namespace(&[
            ("area", "20000*umetre**2"),
            ("Cm", "(1*ufarad*cm**-2) * area"),
        ])
        .unwrap();
        assert!(close(ns["area"].value, 2e-8));
        assert!(close(ns["Cm"].value, 2e-10));
        assert_eq!(ns["Cm"].dim, lookup_unit("farad").unwrap().dim);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(q("10*ms + 1*mV").is_err()); // dimension mismatch
        assert!(q("10*parsec_").is_err());
        assert!(q("10 *").is_err());
        assert!(q("v > 1").is_err());
        assert!(q("1*mV**ms").is_err());
    }
}
