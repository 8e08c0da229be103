//! Kernels whose body is one `if` that is rarely true (thresholds: `if v > vt and
//! not_refractory { emit; reset }`). The element loop of such a kernel cannot be vectorised
//! (the emit list grows in element order), yet most of its work is the test. Split in two
//! passes per block, the test runs for a whole block first (vectorisable: it is pure and
//! reads only its own element), then the branch body runs for the elements whose test held,
//! in order, skipping eight clear flags at a time.
//!
//! The split changes nothing visible when no element's branch can change another element's
//! test: the test may read an array at `_idx` only if the branch writes that array nowhere
//! but at `_idx`, and shared or clamped entries only of arrays the branch does not write; it
//! reads no temporary the body assigns, draws no random number except from block buffers
//! ([`crate::block_draws`], filled before the test) and cannot fail.

use std::collections::BTreeSet;

use crate::block_draws::BlockDraws;
use crate::ir::{ArrayId, Expr, Index, Iteration, Kernel, Stmt};
use crate::opt::walk::Writes;

/// The test and branch of `kernel` when it can run in two passes.
pub fn sparse_if(kernel: &Kernel) -> Option<(&Expr, &[Stmt])> {
    if kernel.iteration != Iteration::Range {
        return None;
    }
    let [Stmt::If {
        cond,
        then,
        otherwise,
    }] = kernel.body.as_slice()
    else {
        return None;
    };
    if !otherwise.is_empty() {
        return None;
    }
    let draws = BlockDraws::of(kernel);
    let writes = Writes::of(then);
    let mut written_elsewhere = BTreeSet::new();
    stores_off_element(then, &mut written_elsewhere);
    let independent = Reads {
        body_temps: &writes.temps,
        written: &writes.arrays,
        written_elsewhere: &written_elsewhere,
        draws: &draws,
    }
    .allowed(cond);
    independent.then_some((cond, then.as_slice()))
}

/// Arrays that `stmts` store to at any index other than `_idx`.
fn stores_off_element(stmts: &[Stmt], out: &mut BTreeSet<ArrayId>) {
    for stmt in stmts {
        match stmt {
            Stmt::Store { array, index, .. } if !matches!(index, Index::Elem) => {
                out.insert(*array);
            }
            Stmt::If {
                then, otherwise, ..
            } => {
                stores_off_element(then, out);
                stores_off_element(otherwise, out);
            }
            _ => {}
        }
    }
}

struct Reads<'a> {
    body_temps: &'a BTreeSet<crate::ir::TempId>,
    written: &'a BTreeSet<ArrayId>,
    written_elsewhere: &'a BTreeSet<ArrayId>,
    draws: &'a BlockDraws,
}

impl Reads<'_> {
    fn allowed(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Const(_) | Expr::Scalar(_) | Expr::ElemIndex => true,
            Expr::Temp(t) => !self.body_temps.contains(t),
            Expr::Load(a, Index::Elem) => !self.written_elsewhere.contains(a),
            Expr::Load(a, Index::Shared) => !self.written.contains(a),
            Expr::Load(a, Index::Clamped(at)) => !self.written.contains(a) && self.allowed(at),
            Expr::Load(_, Index::Gather(_) | Index::At(_)) => false,
            // Read from its block buffer (no parameters that vary per element).
            Expr::Rand { kind, site } => self.draws.buffer(kind, *site).is_some(),
            Expr::Unary(_, a) => self.allowed(a),
            Expr::Binary(_, a, b) => self.allowed(a) && self.allowed(b),
            Expr::Call(_, args) => args.iter().all(|a| self.allowed(a)),
            Expr::Select(c, a, b) => self.allowed(c) && self.allowed(a) && self.allowed(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ArrayDecl, BinaryOp, ElemType, ScalarId, TempId};

    fn kernel(body: Vec<Stmt>) -> Kernel {
        Kernel {
            name: "threshold".into(),
            arrays: vec![
                ArrayDecl::new("v", ElemType::F64, true),
                ArrayDecl::new("not_refractory", ElemType::Bool, true),
            ],
            scalars: vec!["vt".into()],
            iteration: Iteration::Range,
            prologue: vec![],
            body,
            n_temps: 1,
        }
    }

    fn test_v_above() -> Expr {
        Expr::bin(
            BinaryOp::Gt,
            Expr::Load(ArrayId(0), Index::Elem),
            Expr::Scalar(ScalarId(0)),
        )
    }

    fn reset(index: Index) -> Stmt {
        Stmt::Store {
            array: ArrayId(0),
            index,
            value: Expr::c(0.0),
        }
    }

    #[test]
    fn a_threshold_with_a_reset_of_its_own_element_splits() {
        let k = kernel(vec![Stmt::If {
            cond: test_v_above(),
            then: vec![Stmt::Emit, reset(Index::Elem)],
            otherwise: vec![],
        }]);
        assert!(sparse_if(&k).is_some());
    }

    #[test]
    fn a_branch_that_writes_what_other_tests_read_does_not() {
        // Element i's branch writes v[0], which element 0's test reads.
        let k = kernel(vec![Stmt::If {
            cond: test_v_above(),
            then: vec![Stmt::Emit, reset(Index::Shared)],
            otherwise: vec![],
        }]);
        assert!(sparse_if(&k).is_none());
    }

    #[test]
    fn per_element_draws_else_branches_and_bodies_with_more_do_not() {
        let draw = |kind| {
            kernel(vec![Stmt::If {
                cond: Expr::bin(BinaryOp::Lt, Expr::Rand { kind, site: 0 }, Expr::c(0.1)),
                then: vec![Stmt::Emit],
                otherwise: vec![],
            }])
        };
        // A PoissonGroup's test: the uniform comes from the block buffer.
        assert!(sparse_if(&draw(crate::ir::RandKind::Uniform)).is_some());
        let per_element =
            crate::ir::RandKind::Poisson(Box::new(Expr::Load(ArrayId(0), Index::Elem)));
        assert!(sparse_if(&draw(per_element)).is_none());
        let with_else = kernel(vec![Stmt::If {
            cond: test_v_above(),
            then: vec![Stmt::Emit],
            otherwise: vec![reset(Index::Elem)],
        }]);
        assert!(sparse_if(&with_else).is_none());
        let two = kernel(vec![
            Stmt::Let(TempId(0), Expr::c(1.0)),
            Stmt::If {
                cond: Expr::Temp(TempId(0)),
                then: vec![Stmt::Emit],
                otherwise: vec![],
            },
        ]);
        assert!(sparse_if(&two).is_none());
    }
}
