//! Cutting one kernel call into pieces that may run at the same time (see [`crate::split`]
//! for when a kernel allows it): even chunks of a range or of a strictly increasing list for
//! element-wise kernels, or the whole list once per window of targets for kernels split by a
//! gather array (a synaptic pathway; the code tests each element's target against its
//! piece's window).

use super::entry::Piece;
use crate::backend::{Elements, KernelCall, KernelError, Split};
use crate::ir::Kernel;
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
        Split::ByTarget(cuts) | Split::ByTargetParts(cuts, _) => {
            let Splittable::ByGather(_) = split else {
                return Ok(None);
            };
            let ascending = cuts.windows(2).all(|w| w[0] <= w[1]);
            if cuts.is_empty() || !ascending || facts.max_emits_per_element != 0 {
                return Ok(None);
            }
            let n = validate::check_call(kernel, facts, call)?;
            let Elements::List(list) = &call.elements else {
                return Ok(None);
            };
            let Split::ByTargetParts(_, ends) = how else {
                return Ok(Some(
                    target_windows(cuts)
                        .flatten()
                        .map(|window| (Piece::Window(list.as_ptr(), list.len(), window), n))
                        .collect(),
                ));
            };
            let fits = ends.len() == cuts.len()
                && ends.windows(2).all(|w| w[0] <= w[1])
                && ends.last().is_some_and(|&end| end <= list.len());
            if !fits {
                return Ok(None);
            }
            let starts = std::iter::once(0).chain(ends.iter().copied());
            let stops = ends.iter().copied().chain([list.len()]);
            let mut pieces = Vec::with_capacity(ends.len() + 1);
            for ((start, stop), window) in starts.zip(stops).zip(target_windows(cuts)) {
                let part = &list[start..stop];
                match window {
                    _ if part.is_empty() => {}
                    Some(window) => {
                        pieces.push((Piece::Window(part.as_ptr(), part.len(), window), part.len()))
                    }
                    None => return Ok(None),
                }
            }
            Ok(Some(pieces))
        }
    }
}

/// The windows `(lo, span)` of [`Split::ByTarget`] cuts: `0..cuts[0]`, ..., and from the last
/// cut to `u64::MAX` (inclusive); `None` for an empty one.
fn target_windows(cuts: &[usize]) -> impl Iterator<Item = Option<(u64, u64)>> + '_ {
    let starts = std::iter::once(0).chain(cuts.iter().map(|&c| c as u64));
    let ends = cuts.iter().map(|&c| Some(c as u64)).chain([None]);
    starts.zip(ends).map(|(lo, end)| match end {
        Some(end) if end <= lo => None,
        Some(end) => Some((lo, end - lo - 1)),
        None => Some((lo, u64::MAX - lo)),
    })
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

    /// Runs [`gather_add`] over `list`, split by target at `cuts` (whole when empty):
    /// `[target, w]` and `post`.
    pub(crate) fn run_by_target(
        compiled: &dyn crate::backend::CompiledKernel,
        [target, w]: [&mut Vec<f64>; 2],
        post: &mut [i32],
        list: &[i32],
        cuts: &[usize],
        pool: &rayon::ThreadPool,
    ) -> Result<usize, crate::backend::KernelError> {
        run_by_target_parts(compiled, [target, w], post, list, (cuts, None), pool)
    }

    /// [`run_by_target`] with the list grouped by window where `parts` gives the ends of its
    /// parts ([`Split::ByTargetParts`]).
    pub(crate) fn run_by_target_parts(
        compiled: &dyn crate::backend::CompiledKernel,
        [target, w]: [&mut Vec<f64>; 2],
        post: &mut [i32],
        list: &[i32],
        (cuts, parts): (&[usize], Option<&[usize]>),
        pool: &rayon::ThreadPool,
    ) -> Result<usize, crate::backend::KernelError> {
        let mut call = KernelCall {
            arrays: vec![ArrayArg::F64(target), ArrayArg::I32(post), ArrayArg::F64(w)],
            scalars: &[],
            elements: Elements::List(list),
            rng: RngKey::default(),
            emitted: None,
        };
        if cuts.is_empty() {
            return compiled.run(&mut call);
        }
        let how = match parts {
            Some(ends) => Split::ByTargetParts(cuts, ends),
            None => Split::ByTarget(cuts),
        };
        compiled.run_split(&mut call, how, pool)
    }

    /// `list` grouped by the window of `cuts` each element's target lies in (list order
    /// kept inside each part), and the ends of the parts but the last.
    fn grouped(list: &[i32], post: &[i32], cuts: &[usize]) -> (Vec<i32>, Vec<usize>) {
        let window = |e: i32| {
            let target = post[e as usize] as i64 as u64;
            cuts.iter().filter(|&&c| target >= c as u64).count()
        };
        let mut out = Vec::new();
        let mut ends = Vec::new();
        for k in 0..=cuts.len() {
            out.extend(list.iter().filter(|&&e| window(e) == k));
            if k < cuts.len() {
                ends.push(out.len());
            }
        }
        (out, ends)
    }

    /// Events whose order changes a floating-point sum: a list with repeats, split at every
    /// kind of cut (inside, at the ends, empty windows, past the targets), gives the whole
    /// call's bits.
    pub(crate) fn check_split_by_target(compiled: &dyn crate::backend::CompiledKernel) {
        assert_eq!(
            compiled.splittable(),
            crate::split::Splittable::ByGather(ArrayId(1))
        );
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let mut post = vec![0, 1, 2, 3, 0, 3, 2, 1];
        let mut w = vec![1e16, 1.0, 0.1, 3.0, -1e16, 0.7, 1e-3, 2.5];
        let list = [0, 1, 2, 3, 4, 5, 6, 7, 0, 5, 3, 4, 1, 7];
        let mut whole = vec![0.25; 4];
        run_by_target(compiled, [&mut whole, &mut w], &mut post, &list, &[], &pool).unwrap();
        let cut_sets: [&[usize]; 7] = [&[2], &[1], &[0], &[4], &[1, 3], &[3, 3], &[1, 2, 3, 9]];
        for cuts in cut_sets {
            // The list as it is, each piece skipping other windows' elements; and grouped by
            // window, each piece running only its part.
            let (grouped, ends) = grouped(&list, &post, cuts);
            let ways = [(&list[..], None), (&grouped[..], Some(ends.as_slice()))];
            for (list, parts) in ways {
                let mut split = vec![0.25; 4];
                let how = (cuts, parts);
                run_by_target_parts(compiled, [&mut split, &mut w], &mut post, list, how, &pool)
                    .unwrap();
                let same = split
                    .iter()
                    .zip(&whole)
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(
                    same,
                    "cuts {cuts:?}, parts {parts:?}: {split:?} against {whole:?}"
                );
            }
        }
        // An element in another window's part is skipped, never run by two pieces (synapse 3,
        // target 3, in the part of window 0..2); a part for an empty window makes the call
        // run whole.
        let cases: [(&[usize], &[usize], [f64; 4]); 2] = [
            (&[2], &[2], [0.0, 1.0, 0.1, 0.0]),
            (&[2, 2], &[1, 2], [0.0, 1.0, 0.1, 3.0]),
        ];
        for (cuts, ends, expected) in cases {
            let mut target = vec![0.0; 4];
            let (list, how) = (&[1, 3, 2], (cuts, Some(ends)));
            run_by_target_parts(compiled, [&mut target, &mut w], &mut post, list, how, &pool)
                .unwrap();
            assert_eq!(target, expected, "cuts {cuts:?}, part ends {ends:?}");
        }
        // Targets out of bounds fail in the piece whose window holds them (the last for
        // negative ones, as huge unsigned indices), as in a whole call.
        for bad in [4, -1] {
            let mut post = vec![0, 1, bad, 3];
            let mut target = vec![0.0; 4];
            let err = run_by_target(
                compiled,
                [&mut target, &mut w],
                &mut post,
                &[0, 2, 3],
                &[2],
                &pool,
            )
            .unwrap_err();
            assert!(
                matches!(err, crate::backend::KernelError::IndexOutOfBounds { index, .. } if index == bad.into()),
                "{err:?}"
            );
        }
    }

    #[test]
    fn lists_split_by_target_give_the_whole_calls_bits() {
        let compiled = Jit::new().compile(&gather_add()).unwrap();
        check_split_by_target(&*compiled);
    }

    #[test]
    fn target_windows_cover_every_index_once() {
        let windows: Vec<_> = super::target_windows(&[2, 2, 5]).collect();
        assert_eq!(
            windows,
            vec![Some((0, 1)), None, Some((2, 2)), Some((5, u64::MAX - 5))]
        );
        let windows: Vec<_> = super::target_windows(&[0]).collect();
        assert_eq!(windows, vec![None, Some((0, u64::MAX))]);
    }
}
