//! The scheduled operation that advances `v` of a SpatialNeuron each step (Brian2's
//! `spatialstateupdater`): it evaluates the linearised membrane current (`gtot__private`,
//! `I0__private`) with the gating variables just updated by the state updater, solves the
//! cable equation implicitly for every cell, and records the capacitive current `Ic`.

use super::cable::CableTree;
use crate::error::{Result, RuntimeError};
use crate::kernel::RunnableKernel;
use crate::network::{Operation, StepContext};
use crate::state::{ArrayData, StoreId};
use rheobase_codegen::Elements;
use rheobase_morphology::FlatMorphology;
use std::any::Any;
use std::sync::Arc;

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
    pub v_previous: Vec<f64>,
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
        self.kernel
            .call(cx.store, Elements::Range(0..total), cx.time, rng, None)?;
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
        }
        let tree = &mut self.tree.as_mut().expect("built above").1;
        let dt = cx.time.dt;
        let n = self.flat.len();
        self.v_previous.clear();
        self.v_previous.extend_from_slice(v);
        for cell in 0..self.cells {
            let r = cell * n..(cell + 1) * n;
            tree.step(
                &mut v[r.clone()],
                &cm[r.clone()],
                &area[r.clone()],
                &gtot[r.clone()],
                &i0[r.clone()],
                dt,
            );
        }
        for k in 0..total {
            ic[k] = cm[k] * (v[k] - self.v_previous[k]) / dt;
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
