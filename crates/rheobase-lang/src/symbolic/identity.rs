//! Deciding whether two expressions are the same function of their names.
//!
//! First structurally (spans ignored), then by evaluating both at a few fixed pseudo-random
//! points of mixed sign (a Schwartz–Zippel style test): expressions that agree at all of them to
//! 1e-12 are treated as identical. Callers use this only to pick a cheaper or better-conditioned
//! closed form; a wrong "different" answer costs nothing but accuracy near a removable
//! singularity, and a wrong "same" answer would need agreement at every test point.

use super::eval::eval;
use crate::ast::{Expr, ExprKind};

/// Structural equality, spans ignored.
pub fn same_structure(a: &Expr, b: &Expr) -> bool {
    match (&a.kind, &b.kind) {
        (ExprKind::Unary(o1, x1), ExprKind::Unary(o2, x2)) => o1 == o2 && same_structure(x1, x2),
        (ExprKind::Binary(o1, x1, y1), ExprKind::Binary(o2, x2, y2)) => {
            o1 == o2 && same_structure(x1, x2) && same_structure(y1, y2)
        }
        (
            ExprKind::Call {
                name: n1, args: a1, ..
            },
            ExprKind::Call {
                name: n2, args: a2, ..
            },
        ) => {
            n1 == n2 && a1.len() == a2.len() && a1.iter().zip(a2).all(|(x, y)| same_structure(x, y))
        }
        (k1, k2) => k1 == k2,
    }
}

/// A value in ±[0.5, 2.5) for a name at one test point, from a hash of both.
pub(crate) fn test_value(name: &str, point: u64) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ point.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for byte in name.bytes() {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 29;
    let unit = (h >> 11) as f64 / (1u64 << 53) as f64;
    let magnitude = 0.5 + 2.0 * unit;
    if h & 1 == 0 {
        magnitude
    } else {
        -magnitude
    }
}

/// Are `a` and `b` the same function of their names (see the module notes)?
pub fn same_value(a: &Expr, b: &Expr) -> bool {
    if same_structure(a, b) {
        return true;
    }
    (0..6).all(|point| {
        let names = |n: &str| Some(test_value(n, point));
        match (eval(a, &names), eval(b, &names)) {
            (Ok(x), Ok(y)) if x.is_finite() && y.is_finite() => {
                (x - y).abs() <= 1e-12 * x.abs().max(y.abs()).max(1e-300)
            }
            _ => false,
        }
    })
}

/// Is `e` zero for every value of its names?
pub fn is_zero(e: &Expr) -> bool {
    same_value(e, &Expr::float(0.0, e.span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{BinOp, UnOp};
    use crate::span::{SourceId, Span};

    fn n(s: &str, at: usize) -> Expr {
        Expr::name(s, Span::new(SourceId(0), at, at + 1))
    }

    #[test]
    fn equal_forms_of_one_rate() {
        let s = Span::default();
        let a = Expr::unary(
            UnOp::Neg,
            Expr::binary(BinOp::Div, Expr::float(1.0, s), n("tau", 0), s),
            s,
        );
        let b = Expr::binary(BinOp::Div, Expr::float(-1.0, s), n("tau", 7), s);
        assert!(same_value(&a, &b));
        let c = Expr::binary(BinOp::Div, Expr::float(-1.0, s), n("taue", 7), s);
        assert!(!same_value(&a, &c));
        // sqrt(x*x) is |x|, not x: the mixed-sign test points tell them apart.
        let sq = Expr::call(
            "sqrt",
            vec![Expr::binary(BinOp::Mul, n("x", 0), n("x", 0), s)],
            s,
        );
        assert!(!same_value(&sq, &n("x", 0)));
        assert!(is_zero(&Expr::binary(BinOp::Sub, n("x", 0), n("x", 3), s)));
        assert!(same_structure(&n("x", 0), &n("x", 5)));
    }
}
