//! Numeric evaluation of an expression in f64 (booleans are 1 and 0), with Python's meaning of
//! `/`, `//`, `%` and `**`. Used for constant folding, for checks, and by the integrator tests.

use super::functions;
use crate::ast::{BinOp, Expr, ExprKind, UnOp};
use crate::diagnostic::Diagnostic;

/// Values of the names an expression reads.
pub type NameValues<'a> = &'a dyn Fn(&str) -> Option<f64>;
/// Values of functions the evaluator does not know itself (`randn`, user functions), tried first.
pub type CallValues<'a> = &'a dyn Fn(&str, &[f64]) -> Option<f64>;

/// Evaluates `expr` with the names given by `names` and the known pure functions.
pub fn eval(expr: &Expr, names: NameValues) -> Result<f64, Diagnostic> {
    eval_with(expr, names, &|_, _| None)
}

/// Evaluates an expression that reads no variable: literals, `pi`, `e`, `inf`, pure functions.
pub fn eval_const(expr: &Expr) -> Result<f64, Diagnostic> {
    eval(expr, &|_| None)
}

/// The numeric constants Brian2 defines by default.
pub fn constant_value(name: &str) -> Option<f64> {
    match name {
        "pi" => Some(std::f64::consts::PI),
        "e" => Some(std::f64::consts::E),
        "inf" => Some(f64::INFINITY),
        _ => None,
    }
}

/// Like [`eval`], with `calls` consulted before the built-in functions.
pub fn eval_with(expr: &Expr, names: NameValues, calls: CallValues) -> Result<f64, Diagnostic> {
    Ok(match &expr.kind {
        ExprKind::Float(x) => *x,
        ExprKind::Int(i) => *i as f64,
        ExprKind::Bool(b) => f64::from(u8::from(*b)),
        ExprKind::Name(n) => names(n).or_else(|| constant_value(n)).ok_or_else(|| {
            Diagnostic::error(
                "model::undefined_identifier",
                format!("'{n}' has no value here"),
            )
            .with_primary(expr.span, "not a constant")
        })?,
        ExprKind::Unary(op, a) => {
            let a = eval_with(a, names, calls)?;
            match op {
                UnOp::Neg => -a,
                UnOp::Pos => a,
                UnOp::Not => truth(a == 0.0),
            }
        }
        ExprKind::Binary(op, a, b) => {
            let a = eval_with(a, names, calls)?;
            let b = eval_with(b, names, calls)?;
            binary(*op, a, b)
        }
        ExprKind::Call {
            name,
            name_span,
            args,
        } => {
            let values = args
                .iter()
                .map(|a| eval_with(a, names, calls))
                .collect::<Result<Vec<_>, _>>()?;
            calls(name, &values)
                .or_else(|| functions::apply(name, &values))
                .ok_or_else(|| {
                    let why = match functions::arity(name) {
                        None => "unknown function".to_string(),
                        Some(_) if functions::is_random(name) => {
                            "random function has no fixed value".to_string()
                        }
                        Some(n) => format!("takes {n} argument(s), got {}", values.len()),
                    };
                    Diagnostic::error(
                        "model::cannot_evaluate",
                        format!("cannot evaluate '{name}(...)'"),
                    )
                    .with_primary(*name_span, why)
                })?
        }
    })
}

fn truth(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// One binary operation with Python's float semantics (division by zero gives inf/NaN, as the
/// generated code does, instead of raising).
pub fn binary(op: BinOp, a: f64, b: f64) -> f64 {
    match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        BinOp::FloorDiv => (a / b).floor(),
        BinOp::Mod => a - b * (a / b).floor(),
        BinOp::Pow => a.powf(b),
        BinOp::Lt => truth(a < b),
        BinOp::Le => truth(a <= b),
        BinOp::Gt => truth(a > b),
        BinOp::Ge => truth(a >= b),
        BinOp::Eq => truth(a == b),
        BinOp::Ne => truth(a != b),
        BinOp::And => truth(a != 0.0 && b != 0.0),
        BinOp::Or => truth(a != 0.0 || b != 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn f(x: f64) -> Expr {
        Expr::float(x, Span::default())
    }

    #[test]
    fn python_semantics_of_operators() {
        assert_eq!(binary(BinOp::Mod, -7.0, 3.0), 2.0);
        assert_eq!(binary(BinOp::FloorDiv, -7.0, 2.0), -4.0);
        assert_eq!(binary(BinOp::Pow, 2.0, 10.0), 1024.0);
        assert_eq!(binary(BinOp::And, 1.0, 0.0), 0.0);
    }

    #[test]
    fn names_and_constants() {
        let s = Span::default();
        let e = Expr::binary(BinOp::Mul, Expr::name("x", s), Expr::name("pi", s), s);
        assert_eq!(
            eval(&e, &|n| (n == "x").then_some(2.0)).unwrap(),
            2.0 * std::f64::consts::PI
        );
        let err = eval_const(&e).unwrap_err();
        assert_eq!(err.code, "model::undefined_identifier");
    }

    #[test]
    fn calls_and_errors() {
        let s = Span::default();
        assert_eq!(
            eval_const(&Expr::call("exprel", vec![f(0.0)], s)).unwrap(),
            1.0
        );
        let r = Expr::call("rand", vec![], s);
        assert_eq!(eval_const(&r).unwrap_err().code, "model::cannot_evaluate");
        assert_eq!(
            eval_with(&r, &|_| None, &|n, _| (n == "rand").then_some(0.25)).unwrap(),
            0.25
        );
        let bad = Expr::call("exp", vec![f(1.0), f(2.0)], s);
        assert!(eval_const(&bad).is_err());
    }
}
