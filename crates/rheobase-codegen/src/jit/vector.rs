//! Whether a kernel's element loop may run two elements at a time (`F64X2` lanes, with a
//! scalar loop for the last odd element).
//!
//! Two lanes run each statement for elements `i` and `i + 1` before the next statement, so the
//! body must not let one element see another's effects or depend on order: no `Emit` (the
//! output is in element order), no random draws other than those read from block buffers
//! ([`crate::block_draws`]), no gathers or computed indices, no stores
//! to or loads from shared entries the body stores to, and every temporary the body assigns
//! must be assigned before the body reads it (a temporary otherwise carries a value from the
//! previous element). Branches are if-converted (both sides run, selects keep old values),
//! so a temporary a branch assigns must have been assigned before the `If`. Lists of
//! elements run scalar (their elements need not be contiguous).

use std::collections::BTreeSet;

use crate::block_draws::BlockDraws;
use crate::ir::{Expr, Index, Iteration, Kernel, Stmt, TempId};
use crate::opt::walk::Writes;

/// True when the JIT may emit the two-lane loop for `kernel`.
pub fn can_vectorize(kernel: &Kernel) -> bool {
    if kernel.iteration != Iteration::Range {
        return false;
    }
    let writes = Writes::of(&kernel.body);
    let mut check = Check {
        writes: &writes,
        draws: BlockDraws::of(kernel),
        assigned: BTreeSet::new(),
    };
    kernel.body.iter().all(|s| check.stmt(s))
}

struct Check<'w> {
    writes: &'w Writes,
    draws: BlockDraws,
    assigned: BTreeSet<TempId>,
}

impl Check<'_> {
    fn stmt(&mut self, stmt: &Stmt) -> bool {
        match stmt {
            Stmt::Let(t, value) => {
                let ok = self.expr(value);
                self.assigned.insert(*t);
                ok
            }
            Stmt::Store { index, value, .. } => matches!(index, Index::Elem) && self.expr(value),
            Stmt::If {
                cond,
                then,
                otherwise,
            } => self.expr(cond) && self.branch(then) && self.branch(otherwise),
            Stmt::Emit => false,
        }
    }

    /// Statements of an if-converted branch: they may only reassign temporaries that
    /// already hold this element's value.
    fn branch(&self, stmts: &[Stmt]) -> bool {
        stmts.iter().all(|stmt| match stmt {
            Stmt::Let(t, value) => self.assigned.contains(t) && self.expr(value),
            Stmt::Store { index, value, .. } => matches!(index, Index::Elem) && self.expr(value),
            Stmt::If {
                cond,
                then,
                otherwise,
            } => self.expr(cond) && self.branch(then) && self.branch(otherwise),
            Stmt::Emit => false,
        })
    }

    fn expr(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Const(_) | Expr::Scalar(_) | Expr::ElemIndex => true,
            Expr::Temp(t) => !self.writes.temps.contains(t) || self.assigned.contains(t),
            Expr::Load(_, Index::Elem) => true,
            Expr::Load(a, Index::Shared) => !self.writes.arrays.contains(a),
            Expr::Load(_, Index::Gather(_) | Index::At(_)) => false,
            // Read from the block buffer (its parameters are constants or scalars).
            Expr::Rand { kind, site } => self.draws.buffer(kind, *site).is_some(),
            // Never fails, so the lanes' order does not show; the array must hold its values
            // for the whole loop.
            Expr::Load(a, Index::Clamped(at)) => !self.writes.arrays.contains(a) && self.expr(at),
            Expr::Unary(_, a) => self.expr(a),
            Expr::Binary(_, a, b) => self.expr(a) && self.expr(b),
            Expr::Call(_, args) => args.iter().all(|a| self.expr(a)),
            Expr::Select(c, a, b) => self.expr(c) && self.expr(a) && self.expr(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ArrayId, BinaryOp};

    fn kernel(body: Vec<Stmt>) -> Kernel {
        Kernel::over_v(body, 1)
    }

    fn v() -> Expr {
        Expr::Load(ArrayId(0), Index::Elem)
    }

    fn store(value: Expr) -> Stmt {
        Stmt::Store {
            array: ArrayId(0),
            index: Index::Elem,
            value,
        }
    }

    #[test]
    fn element_wise_updates_vectorize() {
        let t = Expr::Temp(TempId(0));
        let k = kernel(vec![
            Stmt::Let(TempId(0), Expr::bin(BinaryOp::Mul, v(), Expr::c(2.0))),
            store(Expr::bin(BinaryOp::Add, t, Expr::ElemIndex)),
        ]);
        assert!(can_vectorize(&k));
        // `unless refractory`: a guarded store is if-converted.
        let guarded = kernel(vec![
            Stmt::Let(TempId(0), v()),
            Stmt::If {
                cond: Expr::bin(BinaryOp::Gt, v(), Expr::c(0.0)),
                then: vec![store(Expr::c(1.0)), Stmt::Let(TempId(0), Expr::c(2.0))],
                otherwise: vec![],
            },
        ]);
        assert!(can_vectorize(&guarded));
    }

    #[test]
    fn order_dependent_bodies_stay_scalar() {
        let t = Expr::Temp(TempId(0));
        // Reads the previous element's temporary.
        let carried = kernel(vec![store(t.clone()), Stmt::Let(TempId(0), v())]);
        assert!(!can_vectorize(&carried));
        assert!(!can_vectorize(&kernel(vec![Stmt::Emit])));
        // A branch may not be the first to assign a temporary.
        let first_in_branch = kernel(vec![Stmt::If {
            cond: v(),
            then: vec![Stmt::Let(TempId(0), v())],
            otherwise: vec![],
        }]);
        assert!(!can_vectorize(&first_in_branch));
        let shared = kernel(vec![Stmt::Store {
            array: ArrayId(0),
            index: Index::Shared,
            value: v(),
        }]);
        assert!(!can_vectorize(&shared));
        let mut list = kernel(vec![store(v())]);
        list.iteration = Iteration::List;
        assert!(!can_vectorize(&list));
    }

    #[test]
    fn draws_from_block_buffers_vectorize() {
        use crate::ir::RandKind;
        let uniform = Expr::Rand {
            kind: RandKind::Uniform,
            site: 0,
        };
        assert!(can_vectorize(&kernel(vec![store(uniform.clone())])));
        let per_element = Expr::Rand {
            kind: RandKind::Poisson(Box::new(v())),
            site: 1,
        };
        assert!(!can_vectorize(&kernel(vec![store(per_element)])));
        let mut list = kernel(vec![store(uniform)]);
        list.iteration = Iteration::List;
        assert!(!can_vectorize(&list));
    }
}
