//! Constant folding: operations whose operands are all constants are evaluated at compile
//! time with the very functions the backends use at run time ([`crate::interp::binary`],
//! [`crate::mathfn::apply`]), so folding never changes a bit. A `Select` on a constant
//! condition keeps only the chosen side when the other cannot fail.

use crate::interp;
use crate::ir::{Expr, Kernel, Stmt, UnaryOp};
use crate::mathfn;

use super::walk::{children_mut, is_pure, stmt_exprs_mut};

pub fn fold_kernel(kernel: &mut Kernel) {
    fold_stmts(&mut kernel.prologue);
    fold_stmts(&mut kernel.body);
}

fn fold_stmts(stmts: &mut [Stmt]) {
    for stmt in stmts {
        stmt_exprs_mut(stmt, &mut fold_expr);
        if let Stmt::If {
            then, otherwise, ..
        } = stmt
        {
            fold_stmts(then);
            fold_stmts(otherwise);
        }
    }
}

/// Folds `expr` in place, children first.
pub fn fold_expr(expr: &mut Expr) {
    children_mut(expr, &mut fold_expr);
    let folded = match expr {
        Expr::Unary(op, a) => match **a {
            Expr::Const(x) => Some(match op {
                UnaryOp::Neg => -x,
                UnaryOp::Not => {
                    if x == 0.0 {
                        1.0
                    } else {
                        0.0
                    }
                }
            }),
            _ => None,
        },
        Expr::Binary(op, a, b) => match (&**a, &**b) {
            (Expr::Const(x), Expr::Const(y)) => Some(interp::binary(*op, *x, *y)),
            _ => None,
        },
        Expr::Call(f, args) => {
            let values: Option<Vec<f64>> = args
                .iter()
                .map(|a| match a {
                    Expr::Const(x) => Some(*x),
                    _ => None,
                })
                .collect();
            values.map(|v| mathfn::apply(*f, &v))
        }
        Expr::Select(c, a, b) => {
            if let Expr::Const(c) = **c {
                let (keep, drop) = if c != 0.0 { (a, b) } else { (b, a) };
                if is_pure(drop) {
                    *expr = std::mem::replace(&mut **keep, Expr::Const(0.0));
                }
            }
            None
        }
        _ => None,
    };
    if let Some(value) = folded {
        *expr = Expr::Const(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ArrayId, BinaryOp, Index, MathFn};

    #[test]
    fn folds_constant_trees_with_the_runtime_functions() {
        let mut e = Expr::bin(
            BinaryOp::Mul,
            Expr::call(MathFn::Exp, vec![Expr::c(-0.5)]),
            Expr::un(UnaryOp::Neg, Expr::c(2.0)),
        );
        fold_expr(&mut e);
        assert_eq!(e, Expr::c(mathfn::apply(MathFn::Exp, &[-0.5]) * -2.0));
        let mut p = Expr::bin(BinaryOp::Pow, Expr::c(2.0), Expr::c(0.5));
        fold_expr(&mut p);
        assert_eq!(p, Expr::c(mathfn::rb_pow(2.0, 0.5)));
    }

    #[test]
    fn keeps_non_constant_operands_and_failing_select_sides() {
        let v = Expr::Load(ArrayId(0), Index::Elem);
        let mut e = Expr::bin(BinaryOp::Add, v.clone(), Expr::c(1.0));
        fold_expr(&mut e);
        assert_eq!(e, Expr::bin(BinaryOp::Add, v.clone(), Expr::c(1.0)));
        let mut s = Expr::select(Expr::c(1.0), v.clone(), Expr::c(3.0));
        fold_expr(&mut s);
        assert_eq!(s, v);
        let gather = Expr::Load(ArrayId(0), Index::Gather(ArrayId(1)));
        let mut kept = Expr::select(Expr::c(1.0), v.clone(), gather.clone());
        fold_expr(&mut kept);
        assert_eq!(kept, Expr::select(Expr::c(1.0), v, gather));
    }
}
