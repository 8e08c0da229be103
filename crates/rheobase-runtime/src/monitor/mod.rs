//! Monitors: events and spikes (`EventMonitor`, `SpikeMonitor`), state variables over time
//! (`StateMonitor`) and population rates (`PopulationRateMonitor`).

mod event;
mod rate;
mod state;

pub use event::{EventMonitor, EventMonitorOptions, EventRecords, SpikeMonitor};
pub use rate::{PopulationRateMonitor, SmoothingWindow};
pub use state::{Record, StateMonitor, StateMonitorOptions, StateSamples};

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
    // Synapses: the scratch arrays grow with the synapses when they are connected.
    if let Some(links) = core.synapses.get_mut(&gid) {
        links.per_synapse.extend(scratch.iter().copied());
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
    let kernel = b.finish().compile(core.backend.as_ref(), &core.store)?;
    Ok(Recorder { kernel, scratch })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::Assignment;
    use crate::network::Network;
    use crate::neurongroup::NeuronGroup;
    use crate::spec::{GroupSpec, VarSpec};
    use crate::testing::ast_builders::*;
    use crate::testing::test_backend;
    use rheobase_lang::{BinOp, EquationKind};
    use rheobase_units::Dimension;

    const DT: f64 = 1e-4;

    /// Two neurons with `v += 0.3` each step, spiking at `v > 1` and reset to 0.
    fn counters(net: &Network) -> NeuronGroup {
        let v = VarSpec::new("v", Dimension::DIMENSIONLESS, EquationKind::Differential);
        let mut spec = GroupSpec::new(vec![v]);
        spec.state_update = vec![Assignment::set(
            "v",
            bin(BinOp::Add, name("v"), num(0.3)),
            false,
        )];
        spec.threshold = Some(bin(BinOp::Gt, name("v"), num(1.0)));
        spec.reset = vec![Assignment::set("v", num(0.0), false)];
        NeuronGroup::from_spec(net, 2, spec, Default::default()).unwrap()
    }

    #[test]
    fn drained_recordings_add_up_to_one_undrained_run() {
        let net = Network::with_backend(test_backend());
        let g = counters(&net);
        let spikes = EventMonitor::spikes(&g, Default::default()).unwrap();
        let state = StateMonitor::new(&g, &["v"], Record::All, Default::default()).unwrap();
        let rate = PopulationRateMonitor::new(&g, None).unwrap();
        net.run(5.0 * DT).unwrap();
        let first = spikes.drain();
        let first_state = state.drain();
        let (first_t, first_rate) = rate.drain();
        assert_eq!(first.i, vec![0, 1]);
        assert_eq!(first.t, vec![3.0 * DT; 2]);
        assert_eq!(first_state.t.len(), 5);
        assert_eq!(first_state.values[0].len(), 10);
        assert_eq!((first_t.len(), first_rate.len()), (5, 5));
        assert!(spikes.i().is_empty() && state.t().is_empty() && rate.t().is_empty());
        net.run(4.0 * DT).unwrap();
        let second = spikes.drain();
        assert_eq!(second.t, vec![7.0 * DT; 2]);
        // Counts are not drained.
        assert_eq!(spikes.count(), vec![2, 2]);
        assert_eq!(state.drain().t.len(), 4);
        assert_eq!(state.n_recorded(), 2);
    }
}
