//! Constant folding: operations whose operands are all constants are evaluated at compile
//! time with the very functions the backends use at run time ([`crate::interp::binary`],
//! [`crate::mathfn::apply`]), so folding never changes a bit. A `Select` on a constant
//! condition keeps only the chosen side when the other cannot fail.

use std::collections::HashMap;

use crate::interp;
use crate::ir::{Expr, Kernel, Stmt, TempId, UnaryOp};
use crate::mathfn;

use super::walk::{children_mut, is_pure, stmt_exprs_mut};

pub fn fold_kernel(kernel: &mut Kernel) {
    fold_stmts(&mut kernel.prologue);
    propagate_constant_temps(kernel);
    fold_stmts(&mut kernel.prologue);
    fold_stmts(&mut kernel.body);
}

/// A temporary that the prologue sets to a constant at its top level, and that nothing else
/// assigns, holds that constant from there on: later statements read the constant itself.
/// The lowering hoists each occurrence of a constant subexpression (`VT + 13*mV`) into its
/// own temporary, so without this, equal rate functions of a model read different
/// temporaries and `cse` cannot merge them.
pub fn propagate_constant_temps(kernel: &mut Kernel) {
    let mut assignments: HashMap<TempId, usize> = HashMap::new();
    count_lets(&kernel.prologue, &mut assignments);
    count_lets(&kernel.body, &mut assignments);
    let mut known: HashMap<TempId, f64> = HashMap::new();
    for stmt in kernel.prologue.iter_mut() {
        substitute_stmt(stmt, &known);
        if let Stmt::Let(t, Expr::Const(c)) = stmt {
            if assignments.get(t) == Some(&1) {
                known.insert(*t, *c);
            }
        }
    }
    for stmt in kernel.body.iter_mut() {
        substitute_stmt(stmt, &known);
    }
}

fn count_lets(stmts: &[Stmt], counts: &mut HashMap<TempId, usize>) {
    for stmt in stmts {
        match stmt {
            Stmt::Let(t, _) => *counts.entry(*t).or_insert(0) += 1,
            Stmt::If {
                then, otherwise, ..
            } => {
                count_lets(then, counts);
                count_lets(otherwise, counts);
            }
            Stmt::Store { .. } | Stmt::Emit => {}
        }
    }
}

fn substitute_stmt(stmt: &mut Stmt, known: &HashMap<TempId, f64>) {
    if known.is_empty() {
        return;
    }
    stmt_exprs_mut(stmt, &mut |e| substitute_expr(e, known));
    if let Stmt::If {
        then, otherwise, ..
    } = stmt
    {
        for s in then.iter_mut().chain(otherwise.iter_mut()) {
            substitute_stmt(s, known);
        }
    }
}

fn substitute_expr(expr: &mut Expr, known: &HashMap<TempId, f64>) {
    if let Expr::Temp(t) = expr {
        if let Some(&c) = known.get(t) {
            *expr = Expr::Const(c);
        }
        return;
    }
    children_mut(expr, &mut |e| substitute_expr(e, known));
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

    /// Two prologue temporaries holding the same constant: after propagation, the two rate
    /// expressions that read them are equal and `cse` computes `exp` once.
    #[test]
    fn constant_temporaries_are_propagated_so_equal_rates_merge() {
        use crate::ir::{ArrayDecl, ElemType, Iteration};
        let rate = |t: u32| {
            Expr::call(
                MathFn::Exp,
                vec![Expr::bin(
                    BinaryOp::Mul,
                    Expr::Load(ArrayId(0), Index::Elem),
                    Expr::Temp(TempId(t)),
                )],
            )
        };
        let kernel = Kernel {
            name: "k".into(),
            arrays: vec![ArrayDecl {
                name: "v".into(),
                ty: ElemType::F64,
                writable: true,
            }],
            scalars: vec![],
            iteration: Iteration::Range,
            prologue: vec![
                Stmt::Let(
                    TempId(0),
                    Expr::bin(BinaryOp::Add, Expr::c(1.0), Expr::c(1.0)),
                ),
                Stmt::Let(TempId(1), Expr::c(2.0)),
                // Assigned twice: not a constant.
                Stmt::Let(TempId(2), Expr::c(2.0)),
                Stmt::Let(TempId(2), Expr::c(3.0)),
            ],
            body: vec![Stmt::Store {
                array: ArrayId(0),
                index: Index::Elem,
                value: Expr::bin(
                    BinaryOp::Add,
                    Expr::bin(BinaryOp::Add, rate(0), rate(1)),
                    rate(2),
                ),
            }],
            n_temps: 3,
        };
        let optimized = crate::opt::optimize(&kernel);
        let text = format!("{:?}", optimized.body);
        assert_eq!(text.matches("Exp").count(), 2, "{optimized:#?}");
        assert!(text.contains("Temp(TempId(2))"), "{text}");
    }

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
