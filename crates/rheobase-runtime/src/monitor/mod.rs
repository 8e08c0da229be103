//! Monitors: events and spikes (`EventMonitor`, `SpikeMonitor`), state variables over time
//! (`StateMonitor`) and population rates (`PopulationRateMonitor`).

mod event;
mod rate;
mod state;

pub use event::{EventMonitor, EventMonitorOptions, SpikeMonitor};
pub use rate::{PopulationRateMonitor, SmoothingWindow};
pub use state::{Record, StateMonitor, StateMonitorOptions};

use crate::error::{Result, RuntimeError};
use crate::kernel::{KernelBuilder, RunnableKernel};
use crate::lower::Lowerer;
use crate::network::{GroupId, NetworkCore};
use crate::state::StoreId;
use crate::variables::{GroupResolver, SubexpressionMode};
use rheobase_codegen::{ElemType, Index, Iteration, Stmt};
use rheobase_lang::ast;

/// A `monitor_record` kernel: for each listed element, evaluates each variable (state
/// variables, shared variables, subexpressions) into its own scratch array of the group's size,
/// at the element's position.
pub(crate) struct Recorder {
    pub kernel: RunnableKernel,
    pub scratch: Vec<StoreId>,
}

pub(crate) fn recorder(
    core: &mut NetworkCore,
    gid: GroupId,
    monitor: &str,
    variables: &[String],
) -> Result<Recorder> {
    let n = core.group(gid).n;
    let mut scratch = Vec::new();
    for v in variables {
        if core.group(gid).variables.get(v).is_none() {
            let g = core.group(gid);
            return Err(RuntimeError::invalid(
                monitor,
                format!("'{}' has no variable '{v}' to record", g.name),
            ));
        }
        scratch.push(
            core.store
                .add(format!("{monitor}._record_{v}"), ElemType::F64, n),
        );
    }
    let g = core.group(gid);
    let mut resolver = GroupResolver::new(&g.variables, &g.namespace, 0, n);
    // Constant-over-dt subexpressions are read as stored, others computed at record time.
    resolver.subexpressions = SubexpressionMode::ReadStored;
    resolver.extra = crate::synapses::links::extra_names(core, gid);
    let mut b = KernelBuilder::new("monitor_record", Iteration::List);
    {
        let mut l = Lowerer::new(&mut b, &resolver);
        for (v, &s) in variables.iter().zip(&scratch) {
            let value = l
                .vector_expr(&ast::Expr::name(v.clone(), Default::default()))
                .map_err(|d| RuntimeError::model(monitor, d, &g.sources))?;
            let arr = l
                .builder()
                .array(s, &format!("_record_{v}"), ElemType::F64, true);
            l.builder().body.push(Stmt::Store {
                array: arr,
                index: Index::Elem,
                value,
            });
        }
    }
    let kernel = b.finish().compile(core.backend.as_ref())?;
    Ok(Recorder { kernel, scratch })
}
