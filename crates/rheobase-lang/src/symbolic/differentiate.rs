//! Symbolic derivatives of expressions with respect to one name.

use super::simplify::{add, call, div, float, mul, neg, pow, simplify, sub};
use super::substitute::depends_on;
use crate::ast::{BinOp, Expr, ExprKind, UnOp};
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// `d expr / d var`, simplified. Every node of the result carries the span of the node it was
/// derived from. Functions that are not differentiable (`floor`, `int`, `abs`, `sign`, `clip`,
/// comparisons, `%`, random functions, unknown functions) give `integrate::not_differentiable`
/// when their argument depends on `var` (and a zero derivative when it does not).
pub fn differentiate(expr: &Expr, var: &str) -> Result<Expr, Diagnostic> {
    d(expr, var).map(|e| simplify(&e))
}

fn not_differentiable(what: &str, span: Span, var: &str) -> Diagnostic {
    Diagnostic::error(
        "integrate::not_differentiable",
        format!("cannot differentiate {what} with respect to '{var}'"),
    )
    .with_primary(span, format!("{what} is not differentiable"))
}

fn d(e: &Expr, var: &str) -> Result<Expr, Diagnostic> {
    let s = e.span;
    if !depends_on(e, var) {
        return Ok(float(0.0, s));
    }
    Ok(match &e.kind {
        ExprKind::Name(_) => float(1.0, s),
        ExprKind::Float(_) | ExprKind::Int(_) | ExprKind::Bool(_) => float(0.0, s),
        ExprKind::Unary(UnOp::Neg, a) => neg(d(a, var)?, s),
        ExprKind::Unary(UnOp::Pos, a) => d(a, var)?,
        ExprKind::Unary(UnOp::Not, _) => return Err(not_differentiable("'not'", s, var)),
        ExprKind::Binary(op, a, b) => binary(*op, a, b, s, var)?,
        ExprKind::Call {
            name,
            name_span,
            args,
        } => {
            if args.len() != 1 {
                return Err(not_differentiable(&format!("'{name}'"), *name_span, var));
            }
            let u = &args[0];
            let du = d(u, var)?;
            let outer = function(name, u, s)
                .ok_or_else(|| not_differentiable(&format!("'{name}'"), *name_span, var))?;
            mul(outer, du, s)
        }
    })
}

fn binary(op: BinOp, a: &Expr, b: &Expr, s: Span, var: &str) -> Result<Expr, Diagnostic> {
    Ok(match op {
        BinOp::Add => add(d(a, var)?, d(b, var)?, s),
        BinOp::Sub => sub(d(a, var)?, d(b, var)?, s),
        BinOp::Mul => add(
            mul(d(a, var)?, b.clone(), s),
            mul(a.clone(), d(b, var)?, s),
            s,
        ),
        BinOp::Div => {
            let da = d(a, var)?;
            if !depends_on(b, var) {
                div(da, b.clone(), s)
            } else {
                let db = d(b, var)?;
                div(
                    sub(mul(da, b.clone(), s), mul(a.clone(), db, s), s),
                    mul(b.clone(), b.clone(), s),
                    s,
                )
            }
        }
        BinOp::Pow => {
            if !depends_on(b, var) {
                // b * a**(b - 1) * a'
                let exponent = sub(b.clone(), float(1.0, s), s);
                mul(
                    mul(b.clone(), pow(a.clone(), exponent, s), s),
                    d(a, var)?,
                    s,
                )
            } else {
                // a**b * (b' log(a) + b a'/a)
                let log_a = call("log", vec![a.clone()], s);
                let inner = add(
                    mul(d(b, var)?, log_a, s),
                    div(mul(b.clone(), d(a, var)?, s), a.clone(), s),
                    s,
                );
                mul(pow(a.clone(), b.clone(), s), inner, s)
            }
        }
        _ => {
            return Err(not_differentiable(
                &format!("the operator '{}'", op.symbol()),
                s,
                var,
            ))
        }
    })
}

/// The derivative of a one-argument function at `u` (to be multiplied by `u'`).
fn function(name: &str, u: &Expr, s: Span) -> Option<Expr> {
    let f1 = |f: &str| call(f, vec![u.clone()], s);
    let one = || float(1.0, s);
    let sq = |e: Expr| mul(e.clone(), e, s);
    Some(match name {
        "exp" | "expm1" => f1("exp"),
        "log" => div(one(), u.clone(), s),
        "log10" => div(
            one(),
            mul(u.clone(), float(std::f64::consts::LN_10, s), s),
            s,
        ),
        "log1p" => div(one(), add(one(), u.clone(), s), s),
        "sqrt" => div(one(), mul(float(2.0, s), f1("sqrt"), s), s),
        "sin" => f1("cos"),
        "cos" => neg(f1("sin"), s),
        "tan" => div(one(), sq(f1("cos")), s),
        "sinh" => f1("cosh"),
        "cosh" => f1("sinh"),
        "tanh" => sub(one(), sq(f1("tanh")), s),
        "arcsin" => div(one(), f1_sqrt(sub(one(), sq(u.clone()), s), s), s),
        "arccos" => neg(div(one(), f1_sqrt(sub(one(), sq(u.clone()), s), s), s), s),
        "arctan" => div(one(), add(one(), sq(u.clone()), s), s),
        "exprel" => exprel_derivative(u, s),
        _ => return None,
    })
}

fn f1_sqrt(e: Expr, s: Span) -> Expr {
    call("sqrt", vec![e], s)
}

/// `exprel'(u) = (exp(u) - exprel(u))/u`, replaced by its Taylor series
/// `1/2 + u/3 + u²/8 + u³/30` where `|u| < 1e-3` (the exact form cancels there; the series error
/// is below `u⁴/144`).
pub(crate) fn exprel_derivative(u: &Expr, s: Span) -> Expr {
    let exact = div(
        sub(
            call("exp", vec![u.clone()], s),
            call("exprel", vec![u.clone()], s),
            s,
        ),
        u.clone(),
        s,
    );
    let series = add(
        float(0.5, s),
        mul(
            u.clone(),
            add(
                float(1.0 / 3.0, s),
                mul(
                    u.clone(),
                    add(float(0.125, s), div(u.clone(), float(30.0, s), s), s),
                    s,
                ),
                s,
            ),
            s,
        ),
        s,
    );
    let small = Expr::binary(
        BinOp::Lt,
        call("abs", vec![u.clone()], s),
        float(1e-3, s),
        s,
    );
    call(super::functions::SELECT, vec![small, series, exact], s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::eval::eval;
    use crate::symbolic::simplify::tests::{arb_expr, eval_finite};
    use proptest::prelude::*;

    fn n(s: &str) -> Expr {
        Expr::name(s, Span::default())
    }

    #[test]
    fn simple_derivatives() {
        let s = Span::default();
        let e = Expr::binary(BinOp::Div, Expr::unary(UnOp::Neg, n("v"), s), n("tau"), s);
        let de = differentiate(&e, "v").unwrap();
        let val = eval(&de, &|x| (x == "tau").then_some(4.0)).unwrap();
        assert_eq!(val, -0.25);
        assert_eq!(
            differentiate(&n("w"), "v").unwrap().kind,
            ExprKind::Float(0.0)
        );
    }

    #[test]
    fn non_differentiable_functions_are_errors() {
        let s = Span::new(crate::span::SourceId(0), 3, 8);
        let e = Expr::call("floor", vec![n("v")], s);
        let err = differentiate(&e, "v").unwrap_err();
        assert_eq!(err.code, "integrate::not_differentiable");
        assert_eq!(err.labels[0].span, s);
        // ... but fine when the argument does not depend on the variable.
        assert!(differentiate(&e, "w").is_ok());
        let r = Expr::binary(BinOp::Mul, Expr::call("rand", vec![], s), n("v"), s);
        assert!(differentiate(&r, "v").is_ok());
        let c = Expr::binary(BinOp::Lt, n("v"), n("w"), s);
        assert!(differentiate(&c, "v").is_err());
    }

    #[test]
    fn exprel_derivative_is_smooth_at_zero() {
        let s = Span::default();
        let e = Expr::call("exprel", vec![n("x")], s);
        let de = differentiate(&e, "x").unwrap();
        for x in [0.0, 1e-9, -5e-4, 1e-3, 0.7, -2.0] {
            let got = eval(&de, &|_| Some(x)).unwrap();
            let h = 1e-5;
            let fd = (crate::symbolic::functions::exprel(x + h)
                - crate::symbolic::functions::exprel(x - h))
                / (2.0 * h);
            assert!((got - fd).abs() < 1e-9, "x={x}: {got} vs {fd}");
        }
    }

    proptest! {
        #[test]
        fn derivative_matches_finite_difference(e in arb_expr(), x in -1.5f64..1.5, y in -1.5f64..1.5, z in 0.2f64..2.0) {
            let de = differentiate(&e, "x").unwrap();
            let h = 1e-6;
            let lo = eval_finite(&e, &[x - h, y, z]);
            let hi = eval_finite(&e, &[x + h, y, z]);
            let mid = eval_finite(&de, &[x, y, z]);
            let hi2 = eval_finite(&e, &[x + 2.0 * h, y, z]);
            let lo2 = eval_finite(&e, &[x - 2.0 * h, y, z]);
            if let (Some(lo), Some(hi), Some(mid), Some(lo2), Some(hi2)) = (lo, hi, mid, lo2, hi2) {
                let fd = (hi - lo) / (2.0 * h);
                let fd2 = (hi2 - lo2) / (4.0 * h);
                // Skip points where the function is not smooth at the scale of h (the two
                // difference quotients disagree), e.g. near a pole or a sqrt of ~0.
                let scale = fd.abs().max(1.0);
                if (fd - fd2).abs() < 1e-5 * scale && mid.abs() < 1e6 {
                    prop_assert!((mid - fd).abs() < 1e-4 * scale, "{e:?}: {mid} vs {fd}");
                }
            }
        }
    }
}
