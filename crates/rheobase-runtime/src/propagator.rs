//! Numeric propagators of `exact` (see `rheobase_lang::integrate::LinearSystem`): the
//! integrator declares a linear system `dx/dt = A x + b` with a `_linear_system(...)`
//! statement and writes the update with the entries of `P = exp(A dt)` and `q`. Here those
//! statements are taken out of the state update; the entries become per-element arrays of the
//! group, filled at the start of every run (so after parameters or `dt` changed) by an
//! operation that evaluates `A` and `b` with a kernel and computes the matrix exponential per
//! element (once for a run of elements with the same coefficients).
//!
//! Like Brian2's `(constant)` assumption of `exact`, coefficients are read once per run: a
//! parameter changed during a run (by `run_regularly`) takes effect at the next run.

use crate::error::{Result, RuntimeError};
use crate::kernel::RunnableKernel;
use crate::lower::Assignment;
use crate::network::{GroupId, NetworkCore, Operation, StepContext};
use crate::state::{ArrayData, StoreId};
use crate::variables::Variable;
use rheobase_codegen::ElemType;
use rheobase_lang::ast::{Expr, ExprKind};
use rheobase_lang::integrate::{propagate, AbstractStatement, LinearSystem};
use rheobase_units::Dimension;
use std::any::Any;

/// One system's arrays: coefficients (`A` row-major, then `b`) and entries (`P`, then `q`).
struct SystemArrays {
    n: usize,
    coefficients: Vec<StoreId>,
    entries: Vec<StoreId>,
}

/// The `_linear_system` statements of a state update, split off.
pub(crate) struct Split {
    /// The state update without them.
    pub statements: Vec<Assignment>,
    /// `(name, A row-major then b)` per system.
    systems: Vec<(String, Vec<Expr>)>,
}

/// Takes the `_linear_system(...)` statements out of `statements`.
pub(crate) fn split(statements: Vec<Assignment>) -> Split {
    let mut systems = Vec::new();
    let mut rest = Vec::with_capacity(statements.len());
    for a in statements {
        let declared = AbstractStatement {
            target: a.target.clone(),
            expr: a.value.clone(),
            is_temp: a.is_temp,
        };
        if LinearSystem::of(&declared).is_some() {
            if let ExprKind::Call { args, .. } = a.value.kind {
                systems.push((a.target, args));
                continue;
            }
        }
        rest.push(a);
    }
    Split {
        statements: rest,
        systems,
    }
}

impl Split {
    pub(crate) fn is_empty(&self) -> bool {
        self.systems.is_empty()
    }
}

/// A propagator array as a (hidden, since its name starts with `_`) group variable.
fn hidden_variable(id: StoreId, read_only: bool) -> Variable {
    Variable::Array {
        id,
        dim: Dimension::DIMENSIONLESS,
        vtype: rheobase_lang::VarType::Float,
        shared: false,
        read_only,
        constant: true,
        write_guard: None,
    }
}

/// The arrays of a group's linear systems and the code that fills the coefficients.
pub(crate) struct Registered {
    /// `__linear_<k>_coefficient_<m> = <A or b entry>`, to be lowered over the group.
    pub coefficient_code: Vec<Assignment>,
    systems: Vec<SystemArrays>,
}

impl Registered {
    /// Every array added (one value per element of the group).
    pub(crate) fn arrays(&self) -> impl Iterator<Item = StoreId> + '_ {
        self.systems
            .iter()
            .flat_map(|s| s.coefficients.iter().chain(&s.entries).copied())
    }
}

/// Adds the arrays of the systems to group `gid` as hidden variables (`len` elements): the
/// coefficients (written by the coefficient code) and the entries (read by the state update).
pub(crate) fn register(
    core: &mut NetworkCore,
    gid: GroupId,
    len: usize,
    split: &Split,
) -> Result<Registered> {
    let group_name = core.group(gid).name.clone();
    let mut systems = Vec::new();
    let mut coefficient_code = Vec::new();
    let add = |core: &mut NetworkCore, name: &str, read_only: bool| {
        let id = core
            .store
            .add(format!("{group_name}.{name}"), ElemType::F64, len);
        core.groups[gid.0]
            .variables
            .insert(name.to_string(), hidden_variable(id, read_only));
        id
    };
    for (name, args) in &split.systems {
        let Some(n) = (1..=64).find(|n| n * n + n == args.len()) else {
            return Err(RuntimeError::Internal(format!(
                "malformed linear system '{name}'"
            )));
        };
        let (p_names, q_names) = rheobase_lang::integrate::entry_names(name, n);
        let entries = p_names
            .iter()
            .chain(&q_names)
            .map(|entry| add(core, entry, true))
            .collect();
        let mut coefficients = Vec::new();
        for (k, value) in args.iter().enumerate() {
            let target = format!("{name}_coefficient_{k}");
            coefficients.push(add(core, &target, false));
            coefficient_code.push(Assignment::set(target, value.clone(), false));
        }
        systems.push(SystemArrays {
            n,
            coefficients,
            entries,
        });
    }
    Ok(Registered {
        coefficient_code,
        systems,
    })
}

/// The operation filling the entries of `registered` for group `gid`, with the compiled
/// coefficient code.
pub(crate) fn operation(
    core: &NetworkCore,
    gid: GroupId,
    registered: Registered,
    kernel: RunnableKernel,
) -> PropagatorOp {
    let name = core.group(gid).name.clone();
    PropagatorOp {
        kernel,
        group_id: gid,
        systems: registered.systems,
        stream: crate::kernel::stream_hash(&[&name, "linear_coefficients"]),
        group: name,
    }
}

/// Fills the propagator entries at the start of each run; does nothing per step.
pub(crate) struct PropagatorOp {
    kernel: RunnableKernel,
    group_id: GroupId,
    systems: Vec<SystemArrays>,
    group: String,
    stream: u64,
}

fn values(store: &crate::state::ArrayStore, id: StoreId) -> Result<&[f64]> {
    match store.get(id) {
        ArrayData::F64(v) => Ok(v),
        _ => Err(RuntimeError::Internal("propagator array is not f64".into())),
    }
}

impl PropagatorOp {
    fn fill(&self, cx: &mut StepContext<'_>, len: usize) -> Result<()> {
        let dt = cx.time.dt;
        for system in &self.systems {
            let n = system.n;
            let mut out = vec![Vec::with_capacity(len); n * n + n];
            let mut last: Option<(Vec<f64>, Vec<f64>, Vec<f64>)> = None;
            let mut row = vec![0.0; n * n + n];
            for e in 0..len {
                for (k, id) in system.coefficients.iter().enumerate() {
                    row[k] = values(cx.store, *id)?[e];
                }
                let reuse = matches!(&last, Some((r, _, _)) if r == &row);
                if !reuse {
                    let (a, b) = row.split_at(n * n);
                    let Some((p, q)) = propagate(a, b, dt) else {
                        return Err(RuntimeError::invalid(
                            &self.group,
                            format!(
                                "exact integration: the propagator of the linear equations is \
                                 not finite for element {e} (coefficients {a:?}, inputs {b:?}, \
                                 dt = {dt} s); use a smaller dt or another method"
                            ),
                        ));
                    };
                    last = Some((row.clone(), p, q));
                }
                let (_, p, q) = last.as_ref().expect("set above");
                for (k, v) in p.iter().chain(q).enumerate() {
                    out[k].push(*v);
                }
            }
            for (id, column) in system.entries.iter().zip(out) {
                if let ArrayData::F64(v) = cx.store.get_mut(*id) {
                    v[..column.len()].copy_from_slice(&column);
                }
            }
        }
        Ok(())
    }
}

impl Operation for PropagatorOp {
    fn run(&mut self, _cx: &mut StepContext<'_>) -> Result<()> {
        Ok(())
    }

    fn before_run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        // synapses change their number when connected
        let len = cx.groups[self.group_id.0].n;
        let rng = cx.rng(self.stream);
        self.kernel.call(
            cx.store,
            rheobase_codegen::Elements::Range(0..len),
            cx.time,
            rng,
            None,
        )?;
        self.fill(cx, len)
    }

    fn kernels(&self) -> Vec<&rheobase_codegen::Kernel> {
        vec![self.kernel.kernel()]
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
