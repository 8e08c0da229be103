//! Block calls for the `exp` family in the JIT's two-lane loops. Cranelift has no 256-bit
//! vectors on x86, and its inline `exp` runs two lanes at a time; the same algorithm compiled
//! by rustc for AVX2 ([`crate::vmath::map_values`]) runs four, and about twice as fast per
//! value. So a vectorisable body has its `exp`-family calls taken out of the element loop:
//!
//! - each call in a top-level `Let` or `Store` becomes `arg = <argument>` followed by
//!   `out = f(arg)`, and the call is replaced by `out` (innermost calls first; the calls of
//!   one statement whose arguments hold no other call are taken together);
//! - the body is then cut (`fission::cut`): runs of such calls become one piece of block
//!   calls (`f` over the block's `arg` buffer into its `out` buffer), everything between
//!   them element loops that hand their temporaries on through block buffers.
//!
//! Only kernels the vector check accepts are planned ([`can_vectorize`]): every element's
//! statements see exactly what they would see run back to back (see [`fission`]), and the
//! arguments are pure expressions, so computing them earlier or for every element of the
//! block changes nothing. The functions give the bits of the inline code (the same
//! algorithm, `vmath`), so the results are the same bits as the element loop's. Calls
//! inside `if` statements stay inline.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::fission::{self, is_heavy, BlockCall, Piece};
use crate::ir::{ArrayId, Expr, Kernel, MathFn, Stmt, TempId};
use crate::jit::vector::can_vectorize;
use crate::opt::walk::{children_mut, each_expr, Writes};

/// A kernel rewritten with its `exp`-family calls as separate statements, and its pieces.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockPlan {
    pub kernel: Kernel,
    pub pieces: Vec<Piece>,
}

/// The plan for `kernel`, or `None` when it has no call to take out (or is not vectorised).
pub fn plan(kernel: &Kernel) -> Option<BlockPlan> {
    if !can_vectorize(kernel) {
        return None;
    }
    let mut hoist = Hoist {
        next_temp: kernel.n_temps,
        body: Vec::with_capacity(kernel.body.len()),
        calls: Vec::new(),
        outs: BTreeSet::new(),
    };
    for stmt in &kernel.body {
        let stmt = match stmt.clone() {
            Stmt::Let(t, value) => Stmt::Let(t, hoist.expr(value)),
            Stmt::Store {
                array,
                index,
                value,
            } => Stmt::Store {
                array,
                index,
                value: hoist.expr(value),
            },
            other => other,
        };
        hoist.body.push(stmt);
        hoist.calls.push(None);
    }
    if hoist.calls.iter().all(Option::is_none) {
        return None;
    }
    let (body, calls) = schedule(hoist.body, hoist.calls);
    let pieces = fission::cut(&body, ranges(&calls));
    let mut kernel = kernel.clone();
    kernel.body = body;
    kernel.n_temps = hoist.next_temp;
    Some(BlockPlan { kernel, pieces })
}

/// The rewritten body, statement by statement, and the call each statement is (if any).
struct Hoist {
    next_temp: u32,
    body: Vec<Stmt>,
    calls: Vec<Option<BlockCall>>,
    /// The temporaries block calls set.
    outs: BTreeSet<TempId>,
}

impl Hoist {
    fn temp(&mut self) -> TempId {
        let t = TempId(self.next_temp);
        self.next_temp += 1;
        t
    }

    /// Takes the calls out of `value` round by round (the innermost first) into statements
    /// before the one being rewritten; returns what is left of `value`.
    fn expr(&mut self, mut value: Expr) -> Expr {
        loop {
            let mut round = Vec::new();
            take_innermost(&mut value, &mut round, &mut || {
                let t = TempId(self.next_temp);
                self.next_temp += 1;
                t
            });
            if round.is_empty() {
                return value;
            }
            let args: Vec<TempId> = round
                .iter_mut()
                .map(|(_, argument, _)| match argument {
                    // The result of an earlier call is in a block buffer already.
                    Expr::Temp(t) if self.outs.contains(t) => *t,
                    _ => {
                        let arg = self.temp();
                        let argument = std::mem::replace(argument, Expr::Const(0.0));
                        self.body.push(Stmt::Let(arg, argument));
                        self.calls.push(None);
                        arg
                    }
                })
                .collect();
            for ((f, _, out), arg) in round.into_iter().zip(args) {
                self.body
                    .push(Stmt::Let(out, Expr::call(f, vec![Expr::Temp(arg)])));
                self.calls.push(Some(BlockCall { f, arg, out }));
                self.outs.insert(out);
            }
        }
    }
}

/// Replaces each `exp`-family call of `e` whose argument holds no such call by a fresh
/// temporary, collecting `(f, argument, temporary)`. Returns whether `e` held such a call
/// before (a call above one taken now waits for a later round: its argument needs the
/// result).
fn take_innermost(
    e: &mut Expr,
    round: &mut Vec<(MathFn, Expr, TempId)>,
    fresh: &mut impl FnMut() -> TempId,
) -> bool {
    let mut below = false;
    children_mut(e, &mut |child| below |= take_innermost(child, round, fresh));
    match e {
        Expr::Call(f, args) if is_heavy(*f) && args.len() == 1 => {
            if !below {
                let f = *f;
                let argument = args.pop().expect("one argument");
                let out = fresh();
                *e = Expr::Temp(out);
                round.push((f, argument, out));
            }
            true
        }
        _ => below,
    }
}

/// What one statement reads and writes, for ordering.
struct Access {
    reads: BTreeSet<TempId>,
    writes: BTreeSet<TempId>,
    loads: BTreeSet<ArrayId>,
    stores: BTreeSet<ArrayId>,
    /// `if` and `Emit` keep their place: nothing moves across them.
    barrier: bool,
}

impl Access {
    fn of(stmt: &Stmt) -> Access {
        let (mut reads, mut loads) = (BTreeSet::new(), BTreeSet::new());
        each_expr(std::slice::from_ref(stmt), &mut |e| match e {
            Expr::Temp(t) => {
                reads.insert(*t);
            }
            Expr::Load(a, _) => {
                loads.insert(*a);
            }
            _ => {}
        });
        let writes = Writes::of(std::slice::from_ref(stmt));
        Access {
            reads,
            writes: writes.temps,
            loads,
            stores: writes.arrays,
            barrier: matches!(stmt, Stmt::If { .. } | Stmt::Emit),
        }
    }

    /// Whether `later` must stay after `self`.
    fn orders(&self, later: &Access) -> bool {
        fn meets<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> bool {
            !a.is_disjoint(b)
        }
        self.barrier
            || later.barrier
            || meets(&self.writes, &later.reads)
            || meets(&self.writes, &later.writes)
            || meets(&self.reads, &later.writes)
            || meets(&self.stores, &later.loads)
            || meets(&self.stores, &later.stores)
            || meets(&self.loads, &later.stores)
    }
}

/// Reorders the statements so that calls share as few batches as their dependencies allow:
/// a call's level is one more than that of any call it depends on (directly or through
/// other statements); the statements of level `L` run before the calls of level `L`, in
/// their original order. Every statement keeps its place relative to each one it depends
/// on or that depends on it, so each element computes the same values.
fn schedule(body: Vec<Stmt>, calls: Vec<Option<BlockCall>>) -> (Vec<Stmt>, Vec<Option<BlockCall>>) {
    let access: Vec<Access> = body.iter().map(Access::of).collect();
    let mut level = vec![0usize; body.len()];
    for j in 0..body.len() {
        level[j] = (0..j)
            .filter(|&i| access[i].orders(&access[j]))
            .map(|i| level[i] + usize::from(calls[i].is_some()))
            .max()
            .unwrap_or(0);
    }
    let mut order: Vec<usize> = (0..body.len()).collect();
    order.sort_by_key(|&k| (level[k], calls[k].is_some(), k));
    let mut body: Vec<Option<Stmt>> = body.into_iter().map(Some).collect();
    order
        .into_iter()
        .map(|k| (body[k].take().expect("each statement once"), calls[k]))
        .unzip()
}

/// The statement ranges of the pieces: runs of calls and the runs between them.
fn ranges(calls: &[Option<BlockCall>]) -> Vec<(Range<usize>, Vec<BlockCall>)> {
    let mut out: Vec<(Range<usize>, Vec<BlockCall>)> = Vec::new();
    for (k, call) in calls.iter().enumerate() {
        let extends = match out.last() {
            Some((_, run)) => run.is_empty() == call.is_none(),
            None => false,
        };
        if !extends {
            out.push((k..k, Vec::new()));
        }
        let (range, run) = out.last_mut().expect("just pushed");
        range.end = k + 1;
        run.extend(call);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ArrayId, BinaryOp, Index};

    #[test]
    fn calls_become_block_calls_innermost_first() {
        let v = || Expr::Load(ArrayId(0), Index::Elem);
        let exp = |e| Expr::call(MathFn::Exp, vec![e]);
        let t = |k| Expr::Temp(TempId(k));
        // t0 = exp(v) + exprel(exp(2 v)); v = t0 * 3; v = exp(v)
        let body = vec![
            Stmt::Let(
                TempId(0),
                Expr::bin(
                    BinaryOp::Add,
                    exp(v()),
                    Expr::call(
                        MathFn::Exprel,
                        vec![exp(Expr::bin(BinaryOp::Mul, Expr::c(2.0), v()))],
                    ),
                ),
            ),
            Stmt::Store {
                array: ArrayId(0),
                index: Index::Elem,
                value: Expr::bin(BinaryOp::Mul, t(0), Expr::c(3.0)),
            },
            Stmt::Store {
                array: ArrayId(0),
                index: Index::Elem,
                value: exp(v()),
            },
        ];
        let plan = plan(&Kernel::over_v(body, 1)).expect("planned");
        let call = |f, arg, out| BlockCall {
            f,
            arg: TempId(arg),
            out: TempId(out),
        };
        let body = &plan.kernel.body;
        // Round one: exp(v) -> t1 (argument t3), exp(2 v) -> t2 (argument t4); round two:
        // exprel(t2) -> t5, straight from t2's buffer; then the statement; then the last
        // store's call exp(v) -> t6 (argument t7).
        assert_eq!(body[0], Stmt::Let(TempId(3), v()));
        assert_eq!(
            body[2],
            Stmt::Let(TempId(1), Expr::call(MathFn::Exp, vec![t(3)]))
        );
        assert_eq!(
            body[4],
            Stmt::Let(TempId(5), Expr::call(MathFn::Exprel, vec![t(2)]))
        );
        assert_eq!(
            body[5],
            Stmt::Let(TempId(0), Expr::bin(BinaryOp::Add, t(1), t(5)))
        );
        assert_eq!(plan.kernel.n_temps, 8);
        let shape: Vec<(Range<usize>, Vec<BlockCall>)> = plan
            .pieces
            .iter()
            .map(|p| (p.stmts.clone(), p.calls.clone()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (0..2, vec![]),
                (
                    2..5,
                    vec![
                        call(MathFn::Exp, 3, 1),
                        call(MathFn::Exp, 4, 2),
                        call(MathFn::Exprel, 2, 5)
                    ]
                ),
                (5..8, vec![]),
                (8..9, vec![call(MathFn::Exp, 7, 6)]),
                (9..10, vec![]),
            ]
        );
        // Arguments go to the calls through buffers, results to the statements after them.
        assert_eq!(plan.pieces[0].save, vec![TempId(3), TempId(4)]);
        assert_eq!(plan.pieces[1].save, vec![TempId(1), TempId(5)]);
        assert_eq!(plan.pieces[2].load, vec![TempId(1), TempId(5)]);
    }

    #[test]
    fn independent_calls_share_a_batch_and_stores_keep_their_order() {
        let load = |a| Expr::Load(ArrayId(a), Index::Elem);
        let t = |k| Expr::Temp(TempId(k));
        let exp = |e| Expr::call(MathFn::Exp, vec![e]);
        let store = |a, value| Stmt::Store {
            array: ArrayId(a),
            index: Index::Elem,
            value,
        };
        // t0 = exp(v); w = t0; t1 = exp(t0 + v); t2 = exp(w); v = t1 + t2
        // exp(w) reads the array written by the store before it: it waits for that store,
        // which waits for the first call. exp(t0 + v) needs that call too: the two share
        // the second batch.
        let body = vec![
            Stmt::Let(TempId(0), exp(load(0))),
            store(1, t(0)),
            Stmt::Let(TempId(1), exp(Expr::bin(BinaryOp::Add, t(0), load(0)))),
            Stmt::Let(TempId(2), exp(load(1))),
            store(0, Expr::bin(BinaryOp::Add, t(1), t(2))),
        ];
        let mut kernel = Kernel::over_v(body, 3);
        kernel.arrays.push(kernel.arrays[0].clone());
        kernel.arrays[1].name = "w".into();
        let plan = plan(&kernel).expect("planned");
        let batches: Vec<usize> = plan
            .pieces
            .iter()
            .filter(|p| !p.calls.is_empty())
            .map(|p| p.calls.len())
            .collect();
        assert_eq!(batches, vec![1, 2]);
        // The store to w comes after the first batch and before the argument reading w.
        let body = &plan.kernel.body;
        let at = |pred: &dyn Fn(&Stmt) -> bool| body.iter().position(pred).expect("present");
        let store_w = at(&|s| {
            matches!(
                s,
                Stmt::Store {
                    array: ArrayId(1),
                    ..
                }
            )
        });
        let reads_w = at(&|s| matches!(s, Stmt::Let(_, e) if *e == load(1)));
        assert!(plan.pieces[1].stmts.end <= store_w && store_w < reads_w);
        assert!(matches!(
            body.last(),
            Some(Stmt::Store {
                array: ArrayId(0),
                ..
            })
        ));
    }

    #[test]
    fn bodies_without_calls_or_vector_loops_are_not_planned() {
        let v = || Expr::Load(ArrayId(0), Index::Elem);
        let store = |value| Stmt::Store {
            array: ArrayId(0),
            index: Index::Elem,
            value,
        };
        assert!(plan(&Kernel::over_v(vec![store(v())], 0)).is_none());
        // A call under a condition stays inline.
        let guarded = Stmt::If {
            cond: Expr::bin(BinaryOp::Gt, v(), Expr::c(0.0)),
            then: vec![store(Expr::call(MathFn::Exp, vec![v()]))],
            otherwise: vec![],
        };
        assert!(plan(&Kernel::over_v(vec![guarded], 0)).is_none());
        // A gathered load: no vector loop.
        let gathered = Expr::Load(ArrayId(0), Index::At(Box::new(Expr::c(0.0))));
        let body = vec![store(Expr::call(MathFn::Exp, vec![gathered]))];
        assert!(plan(&Kernel::over_v(body, 0)).is_none());
    }
}
