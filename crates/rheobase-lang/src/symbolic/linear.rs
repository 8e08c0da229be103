//! Linearity in one variable: `expr == A*var + B` with `A`, `B` free of `var`.
//!
//! Works structurally on the tree (no expansion): sums, differences, negation, products and
//! quotients where the other factor (divisor) is free of `var`, and `var**1`. So
//! `(El - v + R*I)/tau`, `g*(E - v)`, `-v/tau`, `a*(b*v + c)` and their sums are linear in `v`;
//! `v**2`, `exp(v)`, `v*v`, `1/v` are not. Unlike sympy's `expand`/`collect`, an expression whose
//! non-linear parts cancel only after expansion (`v*(1+v) - v**2`) is reported as non-linear.

use super::simplify::{add, div, float, is_number, mul, neg, simplify, sub};
use super::substitute::depends_on;
use crate::ast::{BinOp, Expr, ExprKind, UnOp};
use crate::span::Span;

/// `(A, B)` with `expr == A*var + B` (both simplified, both free of `var`), or `None`.
pub fn linear_coefficients(expr: &Expr, var: &str) -> Option<(Expr, Expr)> {
    split_linear(expr, var).ok()
}

/// Like [`linear_coefficients`]; on failure, the span of the innermost node that makes the
/// expression non-linear in `var` (for pointing a diagnostic at it).
pub fn split_linear(expr: &Expr, var: &str) -> Result<(Expr, Expr), Span> {
    let (a, b) = split(expr, var)?;
    Ok((simplify(&a), simplify(&b)))
}

fn split(e: &Expr, var: &str) -> Result<(Expr, Expr), Span> {
    let s = e.span;
    if !depends_on(e, var) {
        return Ok((float(0.0, s), e.clone()));
    }
    match &e.kind {
        ExprKind::Name(_) => Ok((float(1.0, s), float(0.0, s))),
        ExprKind::Unary(UnOp::Neg, a) => {
            let (aa, ab) = split(a, var)?;
            Ok((neg(aa, s), neg(ab, s)))
        }
        ExprKind::Unary(UnOp::Pos, a) => split(a, var),
        ExprKind::Binary(op, a, b) => match op {
            BinOp::Add | BinOp::Sub => {
                let (aa, ab) = split(a, var)?;
                let (ba, bb) = split(b, var)?;
                Ok(if *op == BinOp::Add {
                    (add(aa, ba, s), add(ab, bb, s))
                } else {
                    (sub(aa, ba, s), sub(ab, bb, s))
                })
            }
            BinOp::Mul if !depends_on(a, var) => {
                let (ba, bb) = split(b, var)?;
                Ok((mul((**a).clone(), ba, s), mul((**a).clone(), bb, s)))
            }
            BinOp::Mul if !depends_on(b, var) => {
                let (aa, ab) = split(a, var)?;
                Ok((mul(aa, (**b).clone(), s), mul(ab, (**b).clone(), s)))
            }
            BinOp::Div if !depends_on(b, var) => {
                let (aa, ab) = split(a, var)?;
                Ok((div(aa, (**b).clone(), s), div(ab, (**b).clone(), s)))
            }
            BinOp::Pow if is_number(&simplify(b), 1.0) => split(a, var),
            _ => Err(s),
        },
        _ => Err(s),
    }
}

/// Rebuilds `A*var + B` (for checks and tests).
pub fn rebuild(a: &Expr, var: &str, b: &Expr, span: Span) -> Expr {
    add(mul(a.clone(), Expr::name(var, span), span), b.clone(), span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::eval::eval;
    use proptest::prelude::*;

    fn sp() -> Span {
        Span::default()
    }
    fn n(s: &str) -> Expr {
        Expr::name(s, sp())
    }
    fn b(op: BinOp, x: Expr, y: Expr) -> Expr {
        Expr::binary(op, x, y, sp())
    }
    fn value(e: &Expr, v: f64) -> f64 {
        eval(e, &|name| match name {
            "v" => Some(v),
            "w" => Some(0.7),
            other => Some(1.0 + other.len() as f64 * 0.37),
        })
        .unwrap()
    }
    fn check_linear(e: &Expr) {
        let (a, c) = linear_coefficients(e, "v").expect("linear");
        assert!(!depends_on(&a, "v") && !depends_on(&c, "v"));
        for v in [-1.3, 0.0, 2.5] {
            let r = rebuild(&a, "v", &c, sp());
            assert!((value(&r, v) - value(e, v)).abs() < 1e-12);
        }
    }

    fn parse(text: &str) -> Expr {
        crate::parser::parse_expression(text, crate::span::SourceId(0)).unwrap()
    }

    #[test]
    fn brian2_shapes_are_linear() {
        let lif = parse("(El - v + R*I)/tau");
        check_linear(&lif);
        let (a, _) = linear_coefficients(&lif, "v").unwrap();
        assert!((value(&a, 0.0) + 1.0 / value(&n("tau"), 0.0)).abs() < 1e-15);
        for text in [
            "g*(E - v)",
            "-v/tau",
            "a*(b*v + c)",
            "v*w",
            "(El - v)/tau + g*(E - v)/C - 3*v + a*(b*v + c)",
            "int(not_refractory)*((v0 - v)/tau)",
            "v**1 + exp(w)",
        ] {
            check_linear(&parse(text));
        }
    }

    #[test]
    fn non_linear_shapes_are_refused() {
        for text in [
            "v**2",
            "exp(v)",
            "v*v",
            "a/v",
            "sqrt(v)",
            "v*(1 + v)",
            "(v > 0)*v",
        ] {
            assert!(linear_coefficients(&parse(text), "v").is_none(), "{text}");
        }
        // the error points at the innermost non-linear node
        let e = parse("v + 2*exp(v)");
        assert_eq!(
            split_linear(&e, "v").unwrap_err(),
            Span::new(crate::span::SourceId(0), 6, 12)
        );
    }

    fn arb_linear() -> impl Strategy<Value = Expr> {
        let free = prop_oneof![
            Just(n("a")),
            Just(n("bb")),
            (-3.0f64..3.0).prop_map(|x| Expr::float(x, sp())),
            Just(Expr::call("exp", vec![n("a")], sp())),
        ];
        let leaf = prop_oneof![Just(n("v")), free.clone()];
        leaf.prop_recursive(4, 30, 2, move |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(x, y)| b(BinOp::Add, x, y)),
                (inner.clone(), inner.clone()).prop_map(|(x, y)| b(BinOp::Sub, x, y)),
                (free.clone(), inner.clone()).prop_map(|(x, y)| b(BinOp::Mul, x, y)),
                (inner.clone(), free.clone()).prop_map(|(x, y)| b(BinOp::Mul, x, y)),
                inner.clone().prop_map(|x| b(BinOp::Div, x, n("tau"))),
                inner.prop_map(|x| Expr::unary(UnOp::Neg, x, sp())),
            ]
        })
    }

    proptest! {
        #[test]
        fn linear_coefficients_rebuild_the_expression(e in arb_linear(), v in -3.0f64..3.0) {
            let (a, c) = linear_coefficients(&e, "v").expect("generated expressions are linear");
            prop_assert!(!depends_on(&a, "v") && !depends_on(&c, "v"));
            let r = rebuild(&a, "v", &c, sp());
            let (x, y) = (value(&e, v), value(&r, v));
            prop_assert!((x - y).abs() <= 1e-9 * x.abs().max(1.0), "{x} vs {y}");
        }
    }
}
