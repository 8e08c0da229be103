//! Loop fission for long element loops. A body with many `exp`-family calls (the HH model:
//! ten per neuron) needs more live vector values than the CPU has registers: gcc spilled a
//! third of the native tier's AVX2 loop to the stack, and Cranelift spills too. Cut into
//! pieces of a few calls each, run one after another over a block of elements, each piece
//! keeps its values in registers; the temporaries one piece hands to a later one go through
//! a block buffer per temporary. Both the native tier (`native::emit`) and the JIT's
//! two-lane loops (`jit::codegen`) cut the same way.
//!
//! Only kernels the vector check accepts ([`can_vectorize`]) are cut: they write arrays only
//! at `_idx`, read written arrays only there, never fail and draw only from block buffers, so
//! element `i`'s pieces see exactly what they would see run back to back: no piece of another
//! element reads or writes what they touch. The same operations run in the same order per
//! element, so the results are the same bits.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::ir::{Expr, Kernel, MathFn, Stmt, TempId};
use crate::jit::vector::can_vectorize;
use crate::opt::walk::{each_expr, Writes};

/// At most this many `exp`-family calls per piece (measured on the HH sweep: fewer makes
/// more buffer traffic, more brings the spills back).
const CALLS_PER_PIECE: usize = 3;

/// One piece of a cut loop body.
#[derive(Clone, Debug, PartialEq)]
pub struct Piece {
    /// The body's top-level statements it runs.
    pub stmts: Range<usize>,
    /// Temporaries it reads or sets that an earlier piece set: loaded from their buffers
    /// first (one set only under a condition keeps the earlier value otherwise).
    pub load: Vec<TempId>,
    /// Temporaries it sets that a later piece reads or sets: saved to their buffers last.
    pub save: Vec<TempId>,
    /// Empty for a piece of element loops. Otherwise the piece is these calls, one per
    /// statement of `stmts` (each `out = f(arg)`), applied to whole block buffers at once
    /// ([`crate::math_blocks`]).
    pub calls: Vec<BlockCall>,
}

impl Piece {
    /// The whole body of `len` statements as one piece.
    pub fn whole(len: usize) -> Piece {
        Piece {
            stmts: 0..len,
            load: Vec::new(),
            save: Vec::new(),
            calls: Vec::new(),
        }
    }
}

/// How many block buffers `pieces` need: one per temporary a piece hands on, or a block call
/// reads or sets. Each is a [`crate::block_draws::BLOCK`] doubles on the stack.
pub fn buffers_needed(pieces: &[Piece]) -> usize {
    let mut temps = BTreeSet::new();
    for piece in pieces {
        temps.extend(piece.save.iter().copied());
        temps.extend(piece.calls.iter().flat_map(|c| [c.arg, c.out]));
    }
    temps.len()
}

/// `out = f(arg)` over a whole block: `f` of the `exp` family, `arg` and `out` temporaries
/// held in block buffers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BlockCall {
    pub f: MathFn,
    pub arg: TempId,
    pub out: TempId,
}

/// The pieces of `kernel`'s element loop, or `None` when it stays one loop.
pub fn pieces(kernel: &Kernel) -> Option<Vec<Piece>> {
    let body = &kernel.body;
    let calls: Vec<usize> = body.iter().map(heavy_calls).collect();
    let per_piece = CALLS_PER_PIECE;
    if calls.iter().sum::<usize>() <= per_piece || !can_vectorize(kernel) {
        return None;
    }
    let mut ranges = Vec::new();
    let (mut start, mut in_piece) = (0, 0);
    for (k, &c) in calls.iter().enumerate() {
        if in_piece > 0 && in_piece + c > per_piece {
            ranges.push(start..k);
            (start, in_piece) = (k, 0);
        }
        in_piece += c;
    }
    ranges.push(start..body.len());
    if ranges.len() < 2 {
        return None;
    }
    Some(cut(
        body,
        ranges.into_iter().map(|r| (r, Vec::new())).collect(),
    ))
}

/// The pieces of `body` for the given ranges of statements (in order, covering it), with
/// the temporaries each loads from and saves to block buffers.
pub(crate) fn cut(body: &[Stmt], ranges: Vec<(Range<usize>, Vec<BlockCall>)>) -> Vec<Piece> {
    let reads: Vec<BTreeSet<TempId>> = ranges
        .iter()
        .map(|(r, _)| temps_read(&body[r.clone()]))
        .collect();
    let sets: Vec<BTreeSet<TempId>> = ranges
        .iter()
        .map(|(r, _)| Writes::of(&body[r.clone()]).temps)
        .collect();
    // A temporary set only under a condition keeps its earlier value otherwise: count it
    // as read too.
    let touched: Vec<BTreeSet<TempId>> = reads.iter().zip(&sets).map(|(r, s)| r | s).collect();
    ranges
        .into_iter()
        .enumerate()
        .map(|(p, (range, calls))| {
            let set_before: BTreeSet<TempId> = sets[..p].iter().flatten().copied().collect();
            let touched_after: BTreeSet<TempId> =
                touched[p + 1..].iter().flatten().copied().collect();
            Piece {
                stmts: range,
                load: touched[p].intersection(&set_before).copied().collect(),
                save: sets[p].intersection(&touched_after).copied().collect(),
                calls,
            }
        })
        .collect()
}

/// Whether `f` is one of the `exp` family (what makes a loop body long).
pub(crate) fn is_heavy(f: MathFn) -> bool {
    matches!(
        f,
        MathFn::Exp | MathFn::Expm1 | MathFn::Exprel | MathFn::Log
    )
}

/// The `exp`-family calls of a statement (including nested ones).
fn heavy_calls(stmt: &Stmt) -> usize {
    let mut calls = 0;
    each_expr(std::slice::from_ref(stmt), &mut |e| {
        if matches!(e, Expr::Call(f, _) if is_heavy(*f)) {
            calls += 1;
        }
    });
    calls
}

/// The temporaries `stmts` read (including nested branches and indices).
fn temps_read(stmts: &[Stmt]) -> BTreeSet<TempId> {
    let mut read = BTreeSet::new();
    each_expr(stmts, &mut |e| {
        if let Expr::Temp(t) = e {
            read.insert(*t);
        }
    });
    read
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ArrayId, BinaryOp, Index};

    fn exp_of(e: Expr) -> Expr {
        Expr::call(MathFn::Exp, vec![e])
    }

    fn kernel(body: Vec<Stmt>) -> Kernel {
        Kernel::over_v(body, 4)
    }

    #[test]
    fn pieces_hold_a_few_calls_and_hand_on_what_later_ones_use() {
        let x = || Expr::Load(ArrayId(0), Index::Elem);
        let t = |k| Expr::Temp(TempId(k));
        let body = vec![
            Stmt::Let(TempId(0), exp_of(x())),
            Stmt::Let(TempId(1), exp_of(exp_of(t(0)))),
            // Piece 2 starts here: three calls would be four.
            Stmt::Let(TempId(2), exp_of(t(1))),
            Stmt::If {
                cond: Expr::bin(BinaryOp::Gt, x(), Expr::c(0.0)),
                then: vec![Stmt::Let(TempId(0), exp_of(x()))],
                otherwise: vec![],
            },
            Stmt::Let(TempId(3), exp_of(t(2))),
            // Piece 3: reads temporaries from pieces 1 and 2.
            Stmt::Store {
                array: ArrayId(0),
                index: Index::Elem,
                value: Expr::bin(BinaryOp::Add, exp_of(t(0)), t(3)),
            },
        ];
        let pieces = pieces(&kernel(body.clone())).expect("cut");
        let ids = |ts: &[u32]| ts.iter().map(|&k| TempId(k)).collect::<Vec<_>>();
        assert_eq!(
            pieces,
            [
                Piece {
                    stmts: 0..2,
                    load: vec![],
                    save: ids(&[0, 1]),
                    calls: vec![],
                },
                // Sets t0 only under a condition: loads it first.
                Piece {
                    stmts: 2..5,
                    load: ids(&[0, 1]),
                    save: ids(&[0, 3]),
                    calls: vec![],
                },
                Piece {
                    stmts: 5..6,
                    load: ids(&[0, 3]),
                    save: vec![],
                    calls: vec![],
                },
            ]
        );
        // Few calls, or a body the vector loop refuses (a gathered load): one loop.
        assert!(pieces_of(&body[..2]).is_none());
        let mut gathered = body;
        gathered.push(Stmt::Let(
            TempId(0),
            Expr::Load(ArrayId(0), Index::At(Box::new(Expr::c(0.0)))),
        ));
        assert!(pieces_of(&gathered).is_none());
    }

    fn pieces_of(body: &[Stmt]) -> Option<Vec<Piece>> {
        pieces(&kernel(body.to_vec()))
    }
}
