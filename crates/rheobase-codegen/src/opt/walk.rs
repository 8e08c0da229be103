//! Small helpers shared by the passes: which expressions may be moved, and what a list of
//! statements writes.

use std::collections::BTreeSet;

use crate::ir::{ArrayId, Expr, Index, RandKind, Stmt, TempId};

/// True when evaluating `expr` can neither fail nor draw a random number, so that it may be
/// evaluated earlier, later, more or fewer times without any visible difference. Loads at
/// `_idx` and at index 0 are checked once per call before any element runs, so they count as
/// pure; gathers and computed indices are checked as they run and do not.
pub fn is_pure(expr: &Expr) -> bool {
    match expr {
        Expr::Const(_) | Expr::Scalar(_) | Expr::Temp(_) | Expr::ElemIndex => true,
        Expr::Load(_, Index::Elem | Index::Shared) => true,
        Expr::Load(_, Index::Gather(_) | Index::At(_)) => false,
        Expr::Load(_, Index::Clamped(at)) => is_pure(at),
        Expr::Unary(_, a) => is_pure(a),
        Expr::Binary(_, a, b) => is_pure(a) && is_pure(b),
        Expr::Call(_, args) => args.iter().all(is_pure),
        Expr::Select(c, a, b) => is_pure(c) && is_pure(a) && is_pure(b),
        Expr::Rand { .. } => false,
    }
}

/// True for expressions that are a single value already (nothing to share or hoist).
pub fn is_leaf(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Const(_) | Expr::Scalar(_) | Expr::Temp(_) | Expr::ElemIndex | Expr::Load(..)
    )
}

/// The temporaries and arrays that `stmts` (including nested branches) may write.
#[derive(Default, Debug)]
pub struct Writes {
    pub temps: BTreeSet<TempId>,
    pub arrays: BTreeSet<ArrayId>,
}

impl Writes {
    pub fn of(stmts: &[Stmt]) -> Writes {
        let mut w = Writes::default();
        w.add(stmts);
        w
    }

    fn add(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            match stmt {
                Stmt::Let(t, _) => {
                    self.temps.insert(*t);
                }
                Stmt::Store { array, .. } => {
                    self.arrays.insert(*array);
                }
                Stmt::If {
                    then, otherwise, ..
                } => {
                    self.add(then);
                    self.add(otherwise);
                }
                Stmt::Emit => {}
            }
        }
    }
}

/// Calls `f` on every expression directly held by `stmt` (not on nested statements), in
/// evaluation order: a store's computed index before its value.
pub fn stmt_exprs_mut(stmt: &mut Stmt, f: &mut impl FnMut(&mut Expr)) {
    match stmt {
        Stmt::Let(_, value) => f(value),
        Stmt::Store { index, value, .. } => {
            if let Index::At(at) | Index::Clamped(at) = index {
                f(at);
            }
            f(value);
        }
        Stmt::If { cond, .. } => f(cond),
        Stmt::Emit => {}
    }
}

/// Calls `f` on the direct children of `expr`, in evaluation order.
pub fn children_mut(expr: &mut Expr, f: &mut impl FnMut(&mut Expr)) {
    match expr {
        Expr::Const(_) | Expr::Scalar(_) | Expr::Temp(_) | Expr::ElemIndex => {}
        Expr::Load(_, index) => {
            if let Index::At(at) | Index::Clamped(at) = index {
                f(at);
            }
        }
        Expr::Unary(_, a) => f(a),
        Expr::Binary(_, a, b) => {
            f(a);
            f(b);
        }
        Expr::Call(_, args) => args.iter_mut().for_each(f),
        Expr::Select(c, a, b) => {
            f(c);
            f(a);
            f(b);
        }
        Expr::Rand { kind, .. } => match kind {
            RandKind::Uniform | RandKind::Normal => {}
            RandKind::Poisson(lambda) => f(lambda),
            RandKind::Binomial(n, p) => {
                f(n);
                f(p);
            }
        },
    }
}

/// [`children_mut`] for reading: calls `f` on the direct children of `expr`, in evaluation
/// order (a load's computed index and a draw's parameters included).
pub fn children(expr: &Expr, f: &mut impl FnMut(&Expr)) {
    match expr {
        Expr::Const(_) | Expr::Scalar(_) | Expr::Temp(_) | Expr::ElemIndex => {}
        Expr::Load(_, index) => {
            if let Index::At(at) | Index::Clamped(at) = index {
                f(at);
            }
        }
        Expr::Unary(_, a) => f(a),
        Expr::Binary(_, a, b) => {
            f(a);
            f(b);
        }
        Expr::Call(_, args) => args.iter().for_each(f),
        Expr::Select(c, a, b) => {
            f(c);
            f(a);
            f(b);
        }
        Expr::Rand { kind, .. } => match kind {
            RandKind::Uniform | RandKind::Normal => {}
            RandKind::Poisson(lambda) => f(lambda),
            RandKind::Binomial(n, p) => {
                f(n);
                f(p);
            }
        },
    }
}

/// Calls `f` on every expression of `stmts` and all their subexpressions: nested branches,
/// computed indices and draw parameters included.
pub fn each_expr(stmts: &[Stmt], f: &mut impl FnMut(&Expr)) {
    fn visit(e: &Expr, f: &mut impl FnMut(&Expr)) {
        f(e);
        children(e, &mut |c| visit(c, f));
    }
    for stmt in stmts {
        match stmt {
            Stmt::Let(_, value) => visit(value, f),
            Stmt::Store { index, value, .. } => {
                if let Index::At(at) | Index::Clamped(at) = index {
                    visit(at, f);
                }
                visit(value, f);
            }
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                visit(cond, f);
                each_expr(then, f);
                each_expr(otherwise, f);
            }
            Stmt::Emit => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{BinaryOp, MathFn};

    #[test]
    fn purity_excludes_checked_indices_and_random_draws() {
        let v = Expr::Load(ArrayId(0), Index::Elem);
        assert!(is_pure(&Expr::call(MathFn::Exp, vec![v.clone()])));
        assert!(!is_pure(&Expr::Load(ArrayId(0), Index::Gather(ArrayId(1)))));
        assert!(!is_pure(&Expr::bin(
            BinaryOp::Add,
            v,
            Expr::Rand {
                kind: RandKind::Uniform,
                site: 0
            }
        )));
    }

    #[test]
    fn writes_include_nested_branches() {
        let stmts = vec![Stmt::If {
            cond: Expr::c(1.0),
            then: vec![Stmt::Let(TempId(2), Expr::c(0.0))],
            otherwise: vec![Stmt::Store {
                array: ArrayId(1),
                index: Index::Elem,
                value: Expr::c(0.0),
            }],
        }];
        let w = Writes::of(&stmts);
        assert_eq!(w.temps.into_iter().collect::<Vec<_>>(), vec![TempId(2)]);
        assert_eq!(w.arrays.into_iter().collect::<Vec<_>>(), vec![ArrayId(1)]);
    }
}
