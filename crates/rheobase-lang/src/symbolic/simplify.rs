//! Light simplification that keeps the value: constant folding, neutral elements, sign moves.
//!
//! Every rule gives exactly the same f64 result as the original for finite operands (moving a
//! negation is exact in IEEE arithmetic; `x + 0`, `x*1`, `x/1`, `x**1` are exact up to the sign
//! of a zero). Two rules assume finite values: `0*x -> 0` and `0/x -> 0` are wrong when `x` is
//! infinite or NaN (or `x == 0` for the division); model equations never rely on that, and the
//! integrators need these rules to drop vanishing terms. Nothing is reordered or collected.
//!
//! The builders (`add`, `mul`, ...) apply the same rules to one new node, so code that builds
//! expressions (derivatives, integrators) gets tidy results without a separate pass.

use super::{eval, functions};
use crate::ast::{BinOp, Expr, ExprKind, UnOp};
use crate::span::Span;

/// Simplifies bottom-up. Each new node keeps the span of the node it replaces.
pub fn simplify(expr: &Expr) -> Expr {
    let kind = match &expr.kind {
        ExprKind::Unary(op, a) => ExprKind::Unary(*op, Box::new(simplify(a))),
        ExprKind::Binary(op, a, b) => {
            ExprKind::Binary(*op, Box::new(simplify(a)), Box::new(simplify(b)))
        }
        ExprKind::Call {
            name,
            name_span,
            args,
        } => ExprKind::Call {
            name: name.clone(),
            name_span: *name_span,
            args: args.iter().map(simplify).collect(),
        },
        other => other.clone(),
    };
    node(kind, expr.span)
}

/// A literal's value (booleans are 0 and 1).
pub fn number(e: &Expr) -> Option<f64> {
    match e.kind {
        ExprKind::Float(x) => Some(x),
        ExprKind::Int(i) => Some(i as f64),
        ExprKind::Bool(b) => Some(f64::from(u8::from(b))),
        _ => None,
    }
}

/// Is this literally the number `x` (after simplification)?
pub fn is_number(e: &Expr, x: f64) -> bool {
    number(e) == Some(x)
}

pub fn float(x: f64, span: Span) -> Expr {
    Expr::float(x, span)
}

pub fn add(a: Expr, b: Expr, span: Span) -> Expr {
    binary(BinOp::Add, a, b, span)
}

pub fn sub(a: Expr, b: Expr, span: Span) -> Expr {
    binary(BinOp::Sub, a, b, span)
}

pub fn mul(a: Expr, b: Expr, span: Span) -> Expr {
    binary(BinOp::Mul, a, b, span)
}

pub fn div(a: Expr, b: Expr, span: Span) -> Expr {
    binary(BinOp::Div, a, b, span)
}

pub fn pow(a: Expr, b: Expr, span: Span) -> Expr {
    binary(BinOp::Pow, a, b, span)
}

pub fn neg(a: Expr, span: Span) -> Expr {
    node(ExprKind::Unary(UnOp::Neg, Box::new(a)), span)
}

pub fn binary(op: BinOp, a: Expr, b: Expr, span: Span) -> Expr {
    node(ExprKind::Binary(op, Box::new(a), Box::new(b)), span)
}

/// A call of a known function, folded when its arguments are literals.
pub fn call(name: &str, args: Vec<Expr>, span: Span) -> Expr {
    node(
        ExprKind::Call {
            name: name.to_string(),
            name_span: span,
            args,
        },
        span,
    )
}

/// Sum of several terms (0 for none), left to right.
pub fn sum(terms: impl IntoIterator<Item = Expr>, span: Span) -> Expr {
    terms
        .into_iter()
        .reduce(|a, b| add(a, b, span))
        .unwrap_or_else(|| float(0.0, span))
}

/// Simplifies one node whose children are already simplified.
pub(crate) fn node(kind: ExprKind, span: Span) -> Expr {
    match kind {
        ExprKind::Unary(op, a) => unary_node(op, *a, span),
        ExprKind::Binary(op, a, b) => binary_node(op, *a, *b, span),
        ExprKind::Call {
            name,
            name_span,
            args,
        } => call_node(name, name_span, args, span),
        other => Expr::new(other, span),
    }
}

fn unary_node(op: UnOp, a: Expr, span: Span) -> Expr {
    match (op, a.kind) {
        (UnOp::Pos, kind) => Expr::new(kind, a.span),
        (UnOp::Neg, ExprKind::Float(x)) => Expr::float(-x, span),
        (UnOp::Neg, ExprKind::Int(i)) if i != i64::MIN => Expr::new(ExprKind::Int(-i), span),
        (UnOp::Neg, ExprKind::Unary(UnOp::Neg, inner)) => *inner,
        (UnOp::Not, ExprKind::Bool(b)) => Expr::new(ExprKind::Bool(!b), span),
        (op, kind) => Expr::new(ExprKind::Unary(op, Box::new(Expr::new(kind, a.span))), span),
    }
}

fn as_int(e: &Expr) -> Option<i64> {
    match e.kind {
        ExprKind::Int(i) => Some(i),
        ExprKind::Bool(b) => Some(i64::from(b)),
        _ => None,
    }
}

/// Python's integer arithmetic where it stays an integer; `None` where it would not (or would
/// overflow or divide by zero).
fn fold_ints(op: BinOp, a: i64, b: i64) -> Option<i64> {
    match op {
        BinOp::Add => a.checked_add(b),
        BinOp::Sub => a.checked_sub(b),
        BinOp::Mul => a.checked_mul(b),
        BinOp::FloorDiv if b != 0 => {
            let q = a.checked_div(b)?;
            Some(if a % b != 0 && ((a < 0) != (b < 0)) {
                q - 1
            } else {
                q
            })
        }
        BinOp::Mod if b != 0 => {
            let r = a.checked_rem(b)?;
            Some(if r != 0 && ((r < 0) != (b < 0)) {
                r + b
            } else {
                r
            })
        }
        BinOp::Pow if (0..=u32::MAX as i64).contains(&b) => a.checked_pow(b as u32),
        _ => None,
    }
}

fn fold(op: BinOp, a: &Expr, b: &Expr, span: Span) -> Option<Expr> {
    let (x, y) = (number(a)?, number(b)?);
    if op.is_comparison() || op.is_logical() {
        return Some(Expr::new(
            ExprKind::Bool(eval::binary(op, x, y) != 0.0),
            span,
        ));
    }
    if let (Some(i), Some(j)) = (as_int(a), as_int(b)) {
        if let Some(k) = fold_ints(op, i, j) {
            return Some(Expr::new(ExprKind::Int(k), span));
        }
    }
    // Leave divisions by zero and overflows to run time, where they behave as generated code does.
    if matches!(op, BinOp::Div | BinOp::FloorDiv | BinOp::Mod) && y == 0.0 {
        return None;
    }
    let r = eval::binary(op, x, y);
    r.is_finite().then(|| Expr::float(r, span))
}

fn binary_node(op: BinOp, a: Expr, b: Expr, span: Span) -> Expr {
    if let Some(folded) = fold(op, &a, &b, span) {
        return folded;
    }
    let na = number(&a);
    let nb = number(&b);
    match op {
        BinOp::Add => {
            if na == Some(0.0) {
                return b;
            }
            if nb == Some(0.0) {
                return a;
            }
            if let ExprKind::Unary(UnOp::Neg, y) = b.kind {
                return binary_node(BinOp::Sub, a, *y, span);
            }
            if let ExprKind::Unary(UnOp::Neg, x) = a.kind {
                return binary_node(BinOp::Sub, b, *x, span);
            }
        }
        BinOp::Sub => {
            if nb == Some(0.0) {
                return a;
            }
            if na == Some(0.0) {
                return unary_node(UnOp::Neg, b, span);
            }
            if let ExprKind::Unary(UnOp::Neg, y) = b.kind {
                return binary_node(BinOp::Add, a, *y, span);
            }
        }
        BinOp::Mul => {
            if na == Some(0.0) {
                return a;
            }
            if nb == Some(0.0) {
                return b;
            }
            if na == Some(1.0) {
                return b;
            }
            if nb == Some(1.0) {
                return a;
            }
            if na == Some(-1.0) {
                return unary_node(UnOp::Neg, b, span);
            }
            if nb == Some(-1.0) {
                return unary_node(UnOp::Neg, a, span);
            }
            return move_negation(op, a, b, span);
        }
        BinOp::Div => {
            if nb == Some(1.0) {
                return a;
            }
            if nb == Some(-1.0) {
                return unary_node(UnOp::Neg, a, span);
            }
            if na == Some(0.0) {
                return a;
            }
            return move_negation(op, a, b, span);
        }
        BinOp::Pow => {
            if nb == Some(1.0) {
                return a;
            }
            if nb == Some(0.0) || na == Some(1.0) {
                return Expr::float(1.0, span);
            }
        }
        _ => {}
    }
    Expr::new(ExprKind::Binary(op, Box::new(a), Box::new(b)), span)
}

/// A negative float literal as a negation of its magnitude (exact), so signs have one place.
fn split_sign(e: Expr) -> Expr {
    match e.kind {
        ExprKind::Float(x) if x < 0.0 => Expr::new(
            ExprKind::Unary(UnOp::Neg, Box::new(Expr::float(-x, e.span))),
            e.span,
        ),
        kind => Expr::new(kind, e.span),
    }
}

/// `(-x)*y -> -(x*y)`, `x/(-y) -> -(x/y)`, `(-2)*y -> -(2*y)`: exact, and gives one canonical
/// place for signs.
fn move_negation(op: BinOp, a: Expr, b: Expr, span: Span) -> Expr {
    let (a, b) = (split_sign(a), split_sign(b));
    match (a.kind, b.kind) {
        (ExprKind::Unary(UnOp::Neg, x), ExprKind::Unary(UnOp::Neg, y)) => {
            binary_node(op, *x, *y, span)
        }
        (ExprKind::Unary(UnOp::Neg, x), bk) => unary_node(
            UnOp::Neg,
            binary_node(op, *x, Expr::new(bk, b.span), span),
            span,
        ),
        (ak, ExprKind::Unary(UnOp::Neg, y)) => unary_node(
            UnOp::Neg,
            binary_node(op, Expr::new(ak, a.span), *y, span),
            span,
        ),
        (ak, bk) => Expr::new(
            ExprKind::Binary(
                op,
                Box::new(Expr::new(ak, a.span)),
                Box::new(Expr::new(bk, b.span)),
            ),
            span,
        ),
    }
}

fn call_node(name: String, name_span: Span, args: Vec<Expr>, span: Span) -> Expr {
    if name == functions::SELECT && args.len() == 3 {
        if let Some(c) = number(&args[0]) {
            let mut args = args;
            return if c != 0.0 {
                args.swap_remove(1)
            } else {
                args.swap_remove(2)
            };
        }
    }
    let values: Option<Vec<f64>> = args.iter().map(number).collect();
    if let Some(values) = values {
        if let Some(r) = functions::apply(&name, &values) {
            if name == "int" && r.abs() < 9.0e15 {
                return Expr::new(ExprKind::Int(r as i64), span);
            }
            if r.is_finite() {
                return Expr::float(r, span);
            }
        }
    }
    Expr::new(
        ExprKind::Call {
            name,
            name_span,
            args,
        },
        span,
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::symbolic::eval::eval;
    use proptest::prelude::*;

    fn sp(i: usize) -> Span {
        Span::new(crate::span::SourceId(0), i, i + 1)
    }
    fn n(s: &str) -> Expr {
        Expr::name(s, sp(0))
    }
    fn f(x: f64) -> Expr {
        Expr::float(x, sp(0))
    }
    fn b(op: BinOp, a: Expr, c: Expr) -> Expr {
        Expr::binary(op, a, c, sp(9))
    }

    #[test]
    fn neutral_elements_and_folding() {
        let e = b(
            BinOp::Add,
            b(BinOp::Mul, n("x"), f(1.0)),
            b(BinOp::Mul, f(2.0), f(3.0)),
        );
        let s = simplify(&e);
        assert_eq!(
            s,
            Expr::binary(BinOp::Add, n("x"), Expr::float(6.0, sp(9)), sp(9))
        );
        let z = simplify(&b(BinOp::Add, b(BinOp::Mul, n("y"), f(0.0)), n("x")));
        assert_eq!(z, n("x"));
    }

    #[test]
    fn double_negation_and_sign_moves() {
        let s = Span::default();
        let e = Expr::unary(UnOp::Neg, Expr::unary(UnOp::Neg, n("x"), s), s);
        assert_eq!(simplify(&e), n("x"));
        let e = b(BinOp::Div, Expr::unary(UnOp::Neg, n("v"), s), n("tau"));
        let s2 = simplify(&e);
        assert!(matches!(s2.kind, ExprKind::Unary(UnOp::Neg, _)));
        let e = b(BinOp::Sub, n("a"), Expr::unary(UnOp::Neg, n("c"), s));
        assert_eq!(simplify(&e), b(BinOp::Add, n("a"), n("c")));
    }

    #[test]
    fn integer_folding_follows_python() {
        let i = |k| Expr::new(ExprKind::Int(k), sp(0));
        assert_eq!(
            simplify(&b(BinOp::FloorDiv, i(-7), i(2))).kind,
            ExprKind::Int(-4)
        );
        assert_eq!(simplify(&b(BinOp::Mod, i(-7), i(3))).kind, ExprKind::Int(2));
        assert_eq!(
            simplify(&b(BinOp::Div, i(1), i(2))).kind,
            ExprKind::Float(0.5)
        );
        // Division by zero is left for run time.
        assert!(matches!(
            simplify(&b(BinOp::Div, i(1), i(0))).kind,
            ExprKind::Binary(..)
        ));
        assert_eq!(
            simplify(&b(BinOp::Lt, i(1), i(2))).kind,
            ExprKind::Bool(true)
        );
    }

    #[test]
    fn select_with_constant_condition_picks_a_branch() {
        let e = call(
            functions::SELECT,
            vec![Expr::new(ExprKind::Bool(false), sp(0)), n("a"), n("b")],
            sp(0),
        );
        assert_eq!(e, n("b"));
        assert_eq!(call("exp", vec![f(0.0)], sp(0)), f(1.0));
    }

    /// Random expression trees over x, y, z and small literals.
    pub(crate) fn arb_expr() -> impl Strategy<Value = Expr> {
        let leaf = prop_oneof![
            prop_oneof![Just("x"), Just("y"), Just("z")].prop_map(n),
            prop_oneof![Just(0.0), Just(1.0), Just(-1.0), Just(2.0), Just(0.5)].prop_map(f),
            (-3i64..4).prop_map(|k| Expr::new(ExprKind::Int(k), sp(1))),
        ];
        leaf.prop_recursive(5, 40, 3, |inner| {
            prop_oneof![
                (
                    prop_oneof![
                        Just(BinOp::Add),
                        Just(BinOp::Sub),
                        Just(BinOp::Mul),
                        Just(BinOp::Div),
                        Just(BinOp::Pow),
                    ],
                    inner.clone(),
                    inner.clone()
                )
                    .prop_map(|(op, a, c)| Expr::binary(op, a, c, sp(2))),
                inner.clone().prop_map(|a| Expr::unary(UnOp::Neg, a, sp(3))),
                (
                    prop_oneof![Just("exp"), Just("sin"), Just("sqrt"), Just("exprel")],
                    inner
                )
                    .prop_map(|(name, a)| Expr::call(name, vec![a], sp(4))),
            ]
        })
    }

    /// Evaluates only when every intermediate value is finite (the documented domain).
    pub(crate) fn eval_finite(e: &Expr, vals: &[f64; 3]) -> Option<f64> {
        let names = |s: &str| match s {
            "x" => Some(vals[0]),
            "y" => Some(vals[1]),
            "z" => Some(vals[2]),
            _ => None,
        };
        let mut ok = true;
        e.visit(&mut |node| {
            if ok {
                ok = eval(node, &names).map(f64::is_finite).unwrap_or(false);
            }
        });
        if ok {
            eval(e, &names).ok()
        } else {
            None
        }
    }

    proptest! {
        #[test]
        fn simplify_keeps_the_value(e in arb_expr(), x in -2.0f64..2.0, y in -2.0f64..2.0, z in 0.1f64..3.0) {
            let vals = [x, y, z];
            if let Some(before) = eval_finite(&e, &vals) {
                let s = simplify(&e);
                let after = eval_finite(&s, &vals).expect("simplified expression evaluates");
                prop_assert!(
                    before == after || (before - after).abs() <= 1e-12 * before.abs().max(1.0),
                    "{before} vs {after}"
                );
            }
        }
    }
}
