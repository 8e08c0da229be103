//! The scheduled operation that advances `v` of a SpatialNeuron each step (Brian2's
//! `spatialstateupdater`): it evaluates the linearised membrane current (`gtot__private`,
//! `I0__private`) with the gating variables just updated by the state updater, solves the
//! cable equation implicitly for every cell, and records the capacitive current `Ic`.
//! The cells of a group are independent systems: with several threads they are solved in
//! chunks of whole cells at once (each cell's arithmetic is the same, so are the bits).

use super::cable::{CableScratch, CableTree};
use crate::error::{Result, RuntimeError};
use crate::kernel::RunnableKernel;
use crate::network::{Operation, StepContext};
use crate::state::{ArrayData, StoreId};
use rayon::prelude::*;
use rheobase_codegen::Elements;
use rheobase_morphology::FlatMorphology;
use std::any::Any;
use std::sync::Arc;

/// Estimated work of solving one compartment (about nanoseconds: the elimination and back
/// substitution, see [`crate::threads::kernel_cost`]).
const SOLVE_COST: usize = 12;

/// Store arrays the solver reads and writes.
pub(crate) struct SolverArrays {
    pub v: StoreId,
    pub cm: StoreId,
    pub area: StoreId,
    pub gtot: StoreId,
    pub i0: StoreId,
    pub ic: StoreId,
    pub ri: StoreId,
}

pub(crate) struct CableSolver {
    pub kernel: RunnableKernel,
    pub arrays: SolverArrays,
    pub flat: Arc<FlatMorphology>,
    pub cells: usize,
    pub stream: u64,
    /// Built on the first step (and again if `Ri` changed).
    pub tree: Option<(f64, CableTree)>,
    /// One working space per piece of a step.
    pub scratch: Vec<CellScratch>,
}

/// Working space for solving cells one after the other.
#[derive(Default)]
pub(crate) struct CellScratch {
    cable: CableScratch,
    v_old: Vec<f64>,
}

/// Solves consecutive cells: the slices hold whole cells of `n` compartments each.
#[allow(clippy::too_many_arguments)]
fn solve_cells(
    tree: &CableTree,
    scratch: &mut CellScratch,
    dt: f64,
    v: &mut [f64],
    ic: &mut [f64],
    cm: &[f64],
    area: &[f64],
    gtot: &[f64],
    i0: &[f64],
) {
    let n = tree.compartments();
    for start in (0..v.len()).step_by(n) {
        let r = start..start + n;
        let v = &mut v[r.clone()];
        scratch.v_old.clear();
        scratch.v_old.extend_from_slice(v);
        let cm = &cm[r.clone()];
        tree.step(
            &mut scratch.cable,
            v,
            cm,
            &area[r.clone()],
            &gtot[r.clone()],
            &i0[r.clone()],
            dt,
        );
        for (k, ic) in ic[r].iter_mut().enumerate() {
            *ic = cm[k] * (v[k] - scratch.v_old[k]) / dt;
        }
    }
}

fn f64s(a: &mut ArrayData) -> Result<&mut Vec<f64>> {
    match a {
        ArrayData::F64(v) => Ok(v),
        _ => Err(RuntimeError::Internal(
            "a SpatialNeuron array is not f64".into(),
        )),
    }
}

impl Operation for CableSolver {
    fn run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        let total = self.flat.len() * self.cells;
        let rng = cx.rng(self.stream);
        self.kernel.call_threaded(
            cx.store,
            Elements::Range(0..total),
            cx.time,
            rng,
            None,
            cx.threads,
        )?;
        let a = &self.arrays;
        let ids = [a.v, a.cm, a.area, a.gtot, a.i0, a.ic, a.ri];
        let mut arrays = cx.store.borrow_many_mut(&ids).ok_or_else(|| {
            RuntimeError::Internal("SpatialNeuron arrays are missing or bound twice".into())
        })?;
        let [v, cm, area, gtot, i0, ic, ri] = &mut arrays[..] else {
            return Err(RuntimeError::Internal(
                "SpatialNeuron arrays: wrong count".into(),
            ));
        };
        let (v, cm, area) = (f64s(v)?, f64s(cm)?, f64s(area)?);
        let (gtot, i0, ic, ri) = (f64s(gtot)?, f64s(i0)?, f64s(ic)?, f64s(ri)?);
        let ri = ri[0];
        if !self.tree.as_ref().is_some_and(|(r, _)| *r == ri) {
            if !(ri.is_finite() && ri > 0.0) {
                return Err(RuntimeError::invalid(
                    "spatialneuron",
                    format!("the intracellular resistivity Ri must be positive, got {ri} ohm*m"),
                ));
            }
            self.tree = Some((ri, CableTree::new(&self.flat, ri)));
            self.scratch.clear();
        }
        let tree = &self.tree.as_ref().expect("built above").1;
        let dt = cx.time.dt;
        let n = self.flat.len();
        let pieces = cx.threads.pieces_for(total.saturating_mul(SOLVE_COST));
        let pieces = pieces.min(self.cells);
        while self.scratch.len() < pieces {
            self.scratch.push(CellScratch {
                cable: tree.scratch(),
                v_old: Vec::with_capacity(n),
            });
        }
        match cx.threads.pool() {
            Some(pool) if pieces > 1 => {
                let chunk = self.cells.div_ceil(pieces) * n;
                pool.install(|| {
                    v.par_chunks_mut(chunk)
                        .zip(ic.par_chunks_mut(chunk))
                        .zip(self.scratch.par_iter_mut())
                        .enumerate()
                        .for_each(|(piece, ((v, ic), scratch))| {
                            let r = piece * chunk..piece * chunk + v.len();
                            solve_cells(
                                tree,
                                scratch,
                                dt,
                                v,
                                ic,
                                &cm[r.clone()],
                                &area[r.clone()],
                                &gtot[r.clone()],
                                &i0[r],
                            );
                        })
                });
            }
            _ => solve_cells(tree, &mut self.scratch[0], dt, v, ic, cm, area, gtot, i0),
        }
        Ok(())
    }

    fn kernels(&self) -> Vec<&rheobase_codegen::Kernel> {
        vec![self.kernel.kernel()]
    }
    fn bound_kernels(&self) -> Vec<&crate::kernel::RunnableKernel> {
        vec![&self.kernel]
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
