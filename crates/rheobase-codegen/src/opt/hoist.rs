//! Hoisting of element-invariant work: a pure expression of the body that reads no element
//! (no `_idx`, no load at `_idx` or through an index), no temporary the body assigns and no
//! shared array the body stores to has the same value for every element, so it is computed
//! once at the end of the prologue into a new temporary (`exp(-dt/tau)` for a shared `tau`).
//! Equal expressions share one temporary. Evaluating such an expression when the loop runs
//! zero times, or when it sat in a branch not taken, is invisible: it cannot fail.

use std::collections::HashMap;

use crate::ir::{Expr, Index, Kernel, Stmt, TempId};

use super::key::key;
use super::walk::{children_mut, is_leaf, is_pure, stmt_exprs_mut, Writes};

pub fn hoist_invariants(kernel: &mut Kernel) {
    let body_writes = Writes::of(&kernel.body);
    let mut hoister = Hoister {
        writes: body_writes,
        hoisted: HashMap::new(),
        new_lets: Vec::new(),
        n_temps: kernel.n_temps,
    };
    hoister.stmts(&mut kernel.body);
    kernel.prologue.append(&mut hoister.new_lets);
    kernel.n_temps = hoister.n_temps;
}

struct Hoister {
    writes: Writes,
    hoisted: HashMap<Vec<u64>, TempId>,
    new_lets: Vec<Stmt>,
    n_temps: u32,
}

impl Hoister {
    fn stmts(&mut self, stmts: &mut [Stmt]) {
        for stmt in stmts {
            stmt_exprs_mut(stmt, &mut |e| self.expr(e));
            if let Stmt::If {
                then, otherwise, ..
            } = stmt
            {
                self.stmts(then);
                self.stmts(otherwise);
            }
        }
    }

    fn invariant(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Const(_) | Expr::Scalar(_) => true,
            Expr::Temp(t) => !self.writes.temps.contains(t),
            Expr::Load(a, Index::Shared) => !self.writes.arrays.contains(a),
            Expr::ElemIndex | Expr::Load(..) | Expr::Rand { .. } => false,
            Expr::Unary(_, a) => self.invariant(a),
            Expr::Binary(_, a, b) => self.invariant(a) && self.invariant(b),
            Expr::Call(_, args) => args.iter().all(|a| self.invariant(a)),
            Expr::Select(c, a, b) => self.invariant(c) && self.invariant(a) && self.invariant(b),
        }
    }

    /// Replaces the largest invariant subtrees of `expr` by temporaries.
    fn expr(&mut self, expr: &mut Expr) {
        if !is_leaf(expr) && is_pure(expr) && self.invariant(expr) {
            let k = key(expr);
            let temp = match self.hoisted.get(&k) {
                Some(&t) => t,
                None => {
                    let t = TempId(self.n_temps);
                    self.n_temps += 1;
                    self.new_lets.push(Stmt::Let(t, expr.clone()));
                    self.hoisted.insert(k, t);
                    t
                }
            };
            *expr = Expr::Temp(temp);
        } else {
            children_mut(expr, &mut |e| self.expr(e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ArrayDecl, ArrayId, BinaryOp, ElemType, Iteration, MathFn, ScalarId};

    fn kernel(body: Vec<Stmt>) -> Kernel {
        let decl = |name: &str| ArrayDecl::new(name, ElemType::F64, true);
        Kernel {
            name: "k".into(),
            arrays: vec![decl("v"), decl("tau")],
            scalars: vec!["dt".into()],
            iteration: Iteration::Range,
            prologue: vec![],
            body,
            n_temps: 1,
        }
    }

    fn decay() -> Expr {
        Expr::call(
            MathFn::Exp,
            vec![Expr::bin(
                BinaryOp::Div,
                Expr::un(crate::ir::UnaryOp::Neg, Expr::Scalar(ScalarId(0))),
                Expr::Load(ArrayId(1), Index::Shared),
            )],
        )
    }

    #[test]
    fn hoists_shared_invariants_once() {
        let v = Expr::Load(ArrayId(0), Index::Elem);
        let store = |value| Stmt::Store {
            array: ArrayId(0),
            index: Index::Elem,
            value,
        };
        let mut k = kernel(vec![
            store(Expr::bin(BinaryOp::Mul, v.clone(), decay())),
            store(Expr::bin(BinaryOp::Add, v.clone(), decay())),
        ]);
        hoist_invariants(&mut k);
        assert_eq!(k.prologue, vec![Stmt::Let(TempId(1), decay())]);
        assert_eq!(k.n_temps, 2);
        assert_eq!(
            k.body[1],
            store(Expr::bin(BinaryOp::Add, v, Expr::Temp(TempId(1))))
        );
    }

    #[test]
    fn leaves_expressions_over_written_state_alone() {
        let tau_store = Stmt::Store {
            array: ArrayId(1),
            index: Index::Shared,
            value: Expr::c(2.0),
        };
        let mut k = kernel(vec![tau_store.clone(), Stmt::Let(TempId(0), decay())]);
        hoist_invariants(&mut k);
        // `-dt` moves; the division by the `tau` the body writes stays.
        let minus_dt = Expr::un(crate::ir::UnaryOp::Neg, Expr::Scalar(ScalarId(0)));
        assert_eq!(k.prologue, vec![Stmt::Let(TempId(1), minus_dt)]);
        let kept = Expr::call(
            MathFn::Exp,
            vec![Expr::bin(
                BinaryOp::Div,
                Expr::Temp(TempId(1)),
                Expr::Load(ArrayId(1), Index::Shared),
            )],
        );
        assert_eq!(k.body, vec![tau_store, Stmt::Let(TempId(0), kept)]);
        // Nor is a temporary the body assigns read from the prologue.
        let mut k = kernel(vec![
            Stmt::Let(TempId(0), Expr::c(1.0)),
            Stmt::Let(
                TempId(0),
                Expr::call(MathFn::Exp, vec![Expr::Temp(TempId(0))]),
            ),
        ]);
        let before = k.clone();
        hoist_invariants(&mut k);
        assert_eq!(k, before);
    }
}
