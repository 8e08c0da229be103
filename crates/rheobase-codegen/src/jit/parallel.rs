//! Cutting one kernel call into pieces that may run at the same time (see [`crate::split`]
//! for when a kernel allows it): even chunks of a range or of a strictly increasing list for
//! element-wise kernels, or caller-filled lists whose gathered targets lie in disjoint ranges
//! (a synaptic pathway split by target partition; checked piece by piece as they run, in
//! `LoadedKernel::run_filled`).

use super::entry::Piece;
use crate::backend::{Elements, KernelCall, KernelError, Split};
use crate::ir::{ArrayId, Kernel};
use crate::split::Splittable;
use crate::validate::{self, KernelFacts};

/// Chunks start at multiples of this many elements from the start of the range, so the
/// two-lane loops see the same pairs as in one call (and stay aligned).
const CHUNK_ALIGN: usize = 8;

/// The pieces to run, or `None` when the call must run as a whole (the kernel or the call
/// does not allow the split). Every piece is checked with `validate::check_call`.
pub fn pieces<'a>(
    kernel: &Kernel,
    facts: &KernelFacts,
    split: Splittable,
    call: &mut KernelCall<'a>,
    how: Split<'a>,
) -> Result<Option<Vec<(Piece, usize)>>, KernelError> {
    match how {
        Split::Even(parts) => {
            if split != Splittable::Elementwise || parts <= 1 {
                return Ok(None);
            }
            let n = validate::check_call(kernel, facts, call)?;
            if n < 2 {
                return Ok(None);
            }
            let chunk = n.div_ceil(parts).next_multiple_of(CHUNK_ALIGN);
            match &call.elements {
                Elements::Range(r) => Ok(Some(
                    (r.start..r.end)
                        .step_by(chunk)
                        .map(|a| {
                            let b = (a + chunk).min(r.end);
                            (Piece::Range(a, b), b - a)
                        })
                        .collect(),
                )),
                Elements::List(list) => {
                    if !list.windows(2).all(|w| w[0] < w[1]) {
                        return Ok(None);
                    }
                    Ok(Some(
                        list.chunks(chunk)
                            .map(|c| (Piece::List(c.as_ptr(), c.len()), c.len()))
                            .collect(),
                    ))
                }
            }
        }
        // Fill calls run through `fill_gather` and `LoadedKernel::run_filled`.
        Split::Fill { .. } => Ok(None),
    }
}

/// The gather array of a [`Split::Fill`] call that may run in parallel pieces: the kernel
/// splits by that gather, emits nothing (pieces write no shared output) and the target
/// ranges are at least two and disjoint; `None` runs the pieces in sequence.
pub fn fill_gather(
    facts: &KernelFacts,
    split: Splittable,
    targets: &[std::ops::Range<usize>],
) -> Option<ArrayId> {
    let Splittable::ByGather(gather) = split else {
        return None;
    };
    let disjoint = targets.windows(2).all(|w| w[0].end <= w[1].start);
    (facts.max_emits_per_element == 0 && targets.len() >= 2 && disjoint).then_some(gather)
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::backend::{ArrayArg, Backend, Elements, KernelCall, RngKey, Split};
    use crate::ir::{ArrayDecl, ArrayId, BinaryOp, ElemType, Expr, Index, Iteration, Kernel, Stmt};
    use crate::jit::Jit;

    /// `v[i] += rand(); if v[i] > 0.5: emit`
    fn noisy_threshold() -> Kernel {
        let v = || Expr::Load(ArrayId(0), Index::Elem);
        Kernel {
            name: "k".into(),
            arrays: vec![ArrayDecl::new("v", ElemType::F64, true)],
            scalars: vec![],
            iteration: Iteration::Range,
            prologue: vec![],
            body: vec![
                Stmt::Store {
                    array: ArrayId(0),
                    index: Index::Elem,
                    value: Expr::bin(
                        BinaryOp::Add,
                        v(),
                        Expr::Rand {
                            kind: crate::ir::RandKind::Uniform,
                            site: 0,
                        },
                    ),
                },
                Stmt::If {
                    cond: Expr::bin(BinaryOp::Gt, v(), Expr::c(0.5)),
                    then: vec![Stmt::Emit],
                    otherwise: vec![],
                },
            ],
            n_temps: 0,
        }
    }

    #[test]
    fn even_pieces_give_the_same_stores_and_emits_in_order() {
        let compiled = Jit::new().compile(&noisy_threshold()).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let run = |parts: Option<usize>| {
            let mut v = vec![0.0; 1001];
            let mut out = vec![-1];
            let mut call = KernelCall {
                arrays: vec![ArrayArg::F64(&mut v)],
                scalars: &[],
                elements: Elements::Range(3..1000),
                rng: RngKey::default(),
                emitted: Some(&mut out),
            };
            let n = match parts {
                None => compiled.run(&mut call),
                Some(p) => compiled.run_split(&mut call, Split::Even(p), &pool),
            }
            .unwrap();
            assert_eq!(n + 1, out.len());
            (v, out)
        };
        let (v, out) = run(None);
        assert!(out.len() > 100);
        for parts in [2, 3, 7, 500] {
            let (v2, out2) = run(Some(parts));
            assert_eq!(out, out2, "{parts} parts");
            assert!(v.iter().zip(&v2).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }

    /// `target[post[_idx]] += w[_idx]` over lists of synapses (a CUBA-style delivery).
    pub(crate) fn gather_add() -> Kernel {
        Kernel {
            name: "pre".into(),
            arrays: vec![
                ArrayDecl::new("target", ElemType::F64, true),
                ArrayDecl::new("post", ElemType::I32, false),
                ArrayDecl::new("w", ElemType::F64, false),
            ],
            scalars: vec![],
            iteration: Iteration::List,
            prologue: vec![],
            body: vec![Stmt::Store {
                array: ArrayId(0),
                index: Index::Gather(ArrayId(1)),
                value: Expr::bin(
                    BinaryOp::Add,
                    Expr::Load(ArrayId(0), Index::Gather(ArrayId(1))),
                    Expr::Load(ArrayId(2), Index::Elem),
                ),
            }],
            n_temps: 0,
        }
    }

    /// Runs [`gather_add`] split by `fill` over `targets`: `[target, w]` and `post`.
    fn run_filled(
        compiled: &dyn crate::backend::CompiledKernel,
        [target, w]: [&mut Vec<f64>; 2],
        post: &mut [i32],
        fill: &crate::backend::ListFill<'_>,
        targets: &[std::ops::Range<usize>],
        pool: &rayon::ThreadPool,
    ) -> Result<usize, crate::backend::KernelError> {
        let mut call = KernelCall {
            arrays: vec![ArrayArg::F64(target), ArrayArg::I32(post), ArrayArg::F64(w)],
            scalars: &[],
            elements: Elements::List(&[]),
            rng: RngKey::default(),
            emitted: None,
        };
        compiled.run_split(&mut call, Split::Fill { fill, targets }, pool)
    }

    #[test]
    fn filled_lists_run_in_parallel_and_strays_one_after_another() {
        let kernel = gather_add();
        let compiled = Jit::new().compile(&kernel).unwrap();
        assert_eq!(
            compiled.splittable(),
            crate::split::Splittable::ByGather(ArrayId(1))
        );
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let mut post = vec![0, 1, 2, 3, 0, 3];
        let mut w = vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0];
        let lists = [vec![0, 1, 4], vec![2, 3, 5]];
        let fill = |k: usize, list: &mut Vec<i32>| list.extend_from_slice(&lists[k]);
        let facts = crate::validate::check_kernel(&kernel).unwrap();
        // Disjoint ranges that hold each list's targets; then ranges that do not (piece 0
        // gathers target 1, outside 0..1), which must give the same sums.
        for (targets, in_range) in [(vec![0..2, 2..4], true), (vec![0..1, 1..4], false)] {
            let gather = super::fill_gather(&facts, compiled.splittable(), &targets);
            assert_eq!(gather, Some(ArrayId(1)));
            let strays = lists[0]
                .iter()
                .any(|&e| !targets[0].contains(&(post[e as usize] as usize)));
            assert_eq!(strays, !in_range);
            let mut target = vec![0.0; 4];
            run_filled(
                &*compiled,
                [&mut target, &mut w],
                &mut post,
                &fill,
                &targets,
                &pool,
            )
            .unwrap();
            assert_eq!(target, vec![17.0, 2.0, 4.0, 40.0]);
        }
        // Overlapping ranges: no parallel run at all.
        assert_eq!(
            super::fill_gather(&facts, compiled.splittable(), &[0..3, 2..4]),
            None
        );
    }

    #[test]
    fn filled_lists_out_of_bounds_are_errors_not_reads() {
        let kernel = gather_add();
        let compiled = Jit::new().compile(&kernel).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let mut post = vec![0, 1, 2, 3];
        let mut w = vec![1.0; 4];
        let mut target = vec![0.0; 4];
        for bad in [4, -1] {
            let fill = |k: usize, list: &mut Vec<i32>| list.extend([k as i32, bad]);
            let targets = [0..2, 2..4];
            let err = run_filled(
                &*compiled,
                [&mut target, &mut w],
                &mut post,
                &fill,
                &targets,
                &pool,
            )
            .unwrap_err();
            assert!(
                matches!(err, crate::backend::KernelError::IndexOutOfBounds { index, .. } if index == bad.into()),
                "{err:?}"
            );
        }
    }
}
