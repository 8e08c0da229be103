//! Whether a kernel's elements are independent, so that a call may be split into pieces run
//! on several threads with the same results, bit for bit, as one sequential call.
//!
//! A call split into pieces runs the prologue once per piece and starts each piece's
//! temporaries afresh, and pieces run at the same time. That is the same computation as one
//! call when
//! - the prologue stores nothing and emits nothing (running it again changes nothing);
//! - every temporary the body reads was assigned earlier in the same run of the body, or is
//!   never assigned in the body (a prologue value), so no value flows between elements;
//! - every array the body writes is touched (loaded or stored) only at one kind of index:
//!   either `array[_idx]` for all its accesses or `array[g[_idx]]` through one gather array
//!   `g` for all of them (synaptic targets), and `g` itself is not written.
//!
//! Then a piece touches written arrays only at its own elements or at the gather targets of
//! its own elements, so pieces with disjoint elements and disjoint gather targets never touch
//! the same written location, and each location sees its writes in the sequential order.

use crate::ir::{ArrayId, Expr, Index, Kernel, RandKind, Stmt, TempId};
use std::collections::{HashMap, HashSet};

/// How a kernel's calls may be split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Splittable {
    /// Not at all: run it in one piece.
    No,
    /// Written arrays are touched only at `_idx`: any pieces with distinct elements.
    Elementwise,
    /// Some written arrays are touched only through this gather array: pieces whose elements
    /// gather disjoint target sets (and are distinct).
    ByGather(ArrayId),
}

/// Decides how calls of `kernel` may be split (see the module documentation).
pub fn splittable(kernel: &Kernel) -> Splittable {
    let mut scan = Scan::default();
    scan.stmts(&kernel.prologue);
    if scan.stores > 0 || scan.emits > 0 {
        return Splittable::No;
    }
    let mut scan = Scan::default();
    let mut assigned = HashSet::new();
    scan.stmts_with_temps(&kernel.body, &mut assigned);
    if scan.temp_read_before_write {
        return Splittable::No;
    }
    let mut gather: Option<ArrayId> = None;
    for kind in scan.written.values() {
        match kind {
            Access::Mixed => return Splittable::No,
            Access::Elem => {}
            Access::Gather(g) => {
                if scan.written.contains_key(g) || gather.is_some_and(|h| h != *g) {
                    return Splittable::No;
                }
                gather = Some(*g);
            }
        }
    }
    match gather {
        Some(g) => Splittable::ByGather(g),
        None => Splittable::Elementwise,
    }
}

/// How the accesses to one array look so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    Elem,
    Gather(ArrayId),
    Mixed,
}

#[derive(Default)]
struct Scan {
    stores: usize,
    emits: usize,
    /// Accesses of each array, for the arrays that are stored to (filled after the walk).
    accesses: HashMap<ArrayId, Access>,
    written: HashMap<ArrayId, Access>,
    temps_assigned_in_body: HashSet<TempId>,
    temp_reads: Vec<(TempId, bool)>,
    temp_read_before_write: bool,
}

impl Scan {
    /// Counts stores and emits (for the prologue).
    fn stmts(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            match stmt {
                Stmt::Store { .. } => self.stores += 1,
                Stmt::Emit => self.emits += 1,
                Stmt::If {
                    then, otherwise, ..
                } => {
                    self.stmts(then);
                    self.stmts(otherwise);
                }
                Stmt::Let(..) => {}
            }
        }
    }

    /// Walks the body, tracking the temporaries surely assigned so far in this run of it.
    fn stmts_with_temps(&mut self, stmts: &[Stmt], assigned: &mut HashSet<TempId>) {
        self.collect_assigned(stmts);
        self.walk(stmts, assigned);
        // A read of a temporary that the body assigns somewhere, but not surely before the
        // read, may see the previous element's value.
        self.temp_read_before_write = self
            .temp_reads
            .iter()
            .any(|(t, sure)| !sure && self.temps_assigned_in_body.contains(t));
        let accesses = std::mem::take(&mut self.accesses);
        for (array, access) in accesses {
            if self.written.contains_key(&array) {
                self.written.insert(array, access);
            }
        }
    }

    fn collect_assigned(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            match stmt {
                Stmt::Let(t, _) => {
                    self.temps_assigned_in_body.insert(*t);
                }
                Stmt::If {
                    then, otherwise, ..
                } => {
                    self.collect_assigned(then);
                    self.collect_assigned(otherwise);
                }
                Stmt::Store { array, .. } => {
                    self.written.insert(*array, Access::Elem);
                }
                Stmt::Emit => {}
            }
        }
    }

    fn walk(&mut self, stmts: &[Stmt], assigned: &mut HashSet<TempId>) {
        for stmt in stmts {
            match stmt {
                Stmt::Let(t, value) => {
                    self.expr(value, assigned);
                    assigned.insert(*t);
                }
                Stmt::Store {
                    array,
                    index,
                    value,
                } => {
                    self.access(*array, index, assigned);
                    self.expr(value, assigned);
                }
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    self.expr(cond, assigned);
                    let mut a = assigned.clone();
                    let mut b = assigned.clone();
                    self.walk(then, &mut a);
                    self.walk(otherwise, &mut b);
                    *assigned = a.intersection(&b).copied().collect();
                }
                Stmt::Emit => {}
            }
        }
    }

    fn access(&mut self, array: ArrayId, index: &Index, assigned: &HashSet<TempId>) {
        let kind = match index {
            Index::Elem => Access::Elem,
            Index::Gather(g) => Access::Gather(*g),
            Index::Shared => Access::Mixed,
            Index::At(at) | Index::Clamped(at) => {
                self.expr(at, assigned);
                Access::Mixed
            }
        };
        let entry = self.accesses.entry(array).or_insert(kind);
        if *entry != kind {
            *entry = Access::Mixed;
        }
    }

    fn expr(&mut self, expr: &Expr, assigned: &HashSet<TempId>) {
        match expr {
            Expr::Const(_) | Expr::Scalar(_) | Expr::ElemIndex => {}
            Expr::Temp(t) => self.temp_reads.push((*t, assigned.contains(t))),
            Expr::Load(array, index) => self.access(*array, index, assigned),
            Expr::Unary(_, a) => self.expr(a, assigned),
            Expr::Binary(_, a, b) => {
                self.expr(a, assigned);
                self.expr(b, assigned);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| self.expr(a, assigned)),
            Expr::Select(c, a, b) => {
                self.expr(c, assigned);
                self.expr(a, assigned);
                self.expr(b, assigned);
            }
            Expr::Rand { kind, .. } => match kind {
                RandKind::Uniform | RandKind::Normal => {}
                RandKind::Poisson(lambda) => self.expr(lambda, assigned),
                RandKind::Binomial(n, p) => {
                    self.expr(n, assigned);
                    self.expr(p, assigned);
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ArrayDecl, BinaryOp, ElemType, Iteration};

    fn kernel(prologue: Vec<Stmt>, body: Vec<Stmt>) -> Kernel {
        let decl = |name: &str, ty| ArrayDecl::new(name, ty, true);
        Kernel {
            name: "k".into(),
            arrays: vec![
                decl("v", ElemType::F64),
                decl("w", ElemType::F64),
                decl("post", ElemType::I32),
            ],
            scalars: vec![],
            iteration: Iteration::Range,
            prologue,
            body,
            n_temps: 2,
        }
    }

    fn store(array: u32, index: Index, value: Expr) -> Stmt {
        Stmt::Store {
            array: ArrayId(array),
            index,
            value,
        }
    }

    fn load(array: u32, index: Index) -> Expr {
        Expr::Load(ArrayId(array), index)
    }

    #[test]
    fn state_updates_are_elementwise() {
        let body = vec![
            Stmt::Let(TempId(0), load(0, Index::Elem)),
            store(
                0,
                Index::Elem,
                Expr::bin(BinaryOp::Add, Expr::Temp(TempId(0)), Expr::Temp(TempId(1))),
            ),
            Stmt::Emit,
        ];
        // Temp 1 is a prologue value, never assigned in the body.
        let prologue = vec![Stmt::Let(TempId(1), Expr::c(2.0))];
        assert_eq!(splittable(&kernel(prologue, body)), Splittable::Elementwise);
    }

    #[test]
    fn synaptic_targets_split_by_their_gather_array() {
        let post = Index::Gather(ArrayId(2));
        let body = vec![
            store(
                0,
                post.clone(),
                Expr::bin(BinaryOp::Add, load(0, post.clone()), load(1, Index::Elem)),
            ),
            store(1, Index::Elem, Expr::c(0.0)),
        ];
        assert_eq!(
            splittable(&kernel(vec![], body)),
            Splittable::ByGather(ArrayId(2))
        );
    }

    #[test]
    fn shared_writes_mixed_indices_and_carried_temps_are_not_split() {
        let cases = vec![
            (vec![], vec![store(0, Index::Shared, Expr::c(1.0))]),
            (
                vec![],
                vec![store(0, Index::Elem, load(0, Index::Gather(ArrayId(2))))],
            ),
            (
                vec![],
                vec![
                    store(0, Index::Elem, Expr::Temp(TempId(0))),
                    Stmt::Let(TempId(0), load(0, Index::Elem)),
                ],
            ),
            (
                vec![],
                vec![
                    Stmt::If {
                        cond: load(1, Index::Elem),
                        then: vec![Stmt::Let(TempId(0), Expr::c(1.0))],
                        otherwise: vec![],
                    },
                    store(0, Index::Elem, Expr::Temp(TempId(0))),
                ],
            ),
            (vec![store(1, Index::Shared, Expr::c(1.0))], vec![]),
            (
                vec![],
                vec![store(2, Index::Elem, Expr::c(1.0)), {
                    store(0, Index::Gather(ArrayId(2)), Expr::c(1.0))
                }],
            ),
        ];
        for (k, (prologue, body)) in cases.into_iter().enumerate() {
            assert_eq!(
                splittable(&kernel(prologue, body)),
                Splittable::No,
                "case {k}"
            );
        }
    }
}
