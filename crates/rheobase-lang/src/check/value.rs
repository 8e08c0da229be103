//! Constant values of expressions (for the exponent of `**`) and dimension arithmetic that
//! reports overflow instead of panicking on absurd exponents (`v**2000000000`).

use super::scope::{Resolved, Scope};
use crate::ast::{BinOp, Expr, ExprKind, UnOp};
use rheobase_units::{Dimension, Quantity, Ratio};

pub(crate) fn checked_mul(a: &Dimension, b: &Dimension) -> Option<Dimension> {
    let mut e = *a.exponents();
    for (x, y) in e.iter_mut().zip(b.exponents()) {
        *x = x.checked_add(*y)?;
    }
    Some(Dimension::from_exponents(e))
}

pub(crate) fn checked_div(a: &Dimension, b: &Dimension) -> Option<Dimension> {
    checked_pow(b, Ratio::integer(-1)).and_then(|inv| checked_mul(a, &inv))
}

pub(crate) fn checked_pow(a: &Dimension, p: Ratio) -> Option<Dimension> {
    let mut e = *a.exponents();
    for x in e.iter_mut() {
        *x = x.checked_mul(p)?;
    }
    Some(Dimension::from_exponents(e))
}

/// The value of an expression made only of numbers, unit names and namespace constants
/// (Brian2's `_get_value_from_expression`), used for the exponent of `**`.
pub fn const_value(expr: &Expr, scope: &Scope) -> Option<Quantity> {
    match &expr.kind {
        ExprKind::Float(x) => Some(Quantity::dimensionless(*x)),
        ExprKind::Int(n) => Some(Quantity::dimensionless(*n as f64)),
        ExprKind::Bool(_) | ExprKind::Call { .. } => None,
        ExprKind::Name(n) => match scope.resolve(n)? {
            Resolved::Constant(c, _) => Some(c.value),
            _ => None,
        },
        ExprKind::Unary(op, a) => {
            let v = const_value(a, scope)?;
            match op {
                UnOp::Neg => Some(Quantity::new(-v.value, v.dim)),
                UnOp::Pos => Some(v),
                UnOp::Not => None,
            }
        }
        ExprKind::Binary(op, a, b) => {
            let (x, y) = (const_value(a, scope)?, const_value(b, scope)?);
            match op {
                BinOp::Add => x.try_add(&y).ok(),
                BinOp::Sub => x.try_sub(&y).ok(),
                BinOp::Mul => Some(Quantity::new(
                    x.value * y.value,
                    checked_mul(&x.dim, &y.dim)?,
                )),
                BinOp::Div => Some(Quantity::new(
                    x.value / y.value,
                    checked_div(&x.dim, &y.dim)?,
                )),
                BinOp::Pow if y.is_dimensionless() => {
                    let dim = if x.is_dimensionless() {
                        x.dim
                    } else {
                        checked_pow(&x.dim, Ratio::from_f64(y.value)?)?
                    };
                    Some(Quantity::new(x.value.powf(y.value), dim))
                }
                BinOp::FloorDiv if x.is_dimensionless() && y.is_dimensionless() => {
                    Some(Quantity::dimensionless((x.value / y.value).floor()))
                }
                BinOp::Mod if x.dim == y.dim => {
                    let r = x.value % y.value;
                    // Python's modulo takes the sign of the divisor.
                    let r = if r != 0.0 && (r < 0.0) != (y.value < 0.0) {
                        r + y.value
                    } else {
                        r
                    };
                    Some(Quantity::new(r, x.dim))
                }
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::*;

    #[test]
    fn constant_values() {
        let s = neuron_scope();
        let q = const_value(&expr("-(1 + 2)/4"), &s).unwrap();
        assert_eq!(q.value, -0.75);
        assert_eq!(const_value(&expr("3*mV"), &s).map(|q| q.dim), Some(VOLT));
        assert_eq!(const_value(&expr("-7 % 3"), &s).unwrap().value, 2.0);
        assert_eq!(const_value(&expr("tau_c/ms"), &s).unwrap().value, 5.0);
        assert_eq!(const_value(&expr("v"), &s), None);
        assert_eq!(const_value(&expr("exp(1)"), &s), None);
    }
}
