//! The scheduled operations of a `Synapses` object: synaptic pathways (spike queue and the
//! `synapses_pre`/`synapses_post` kernel over the synapses receiving an event), the state
//! updater over all synapses, and summed variable updaters.

use super::queue::{delay_steps, PathwayDelays, SpikeQueue};
use super::sources::Sources;
use super::store::SynapseStore;
use super::windows::{target_cuts, Rows, TargetCuts};
use crate::error::{Result, RuntimeError};
use crate::kernel::RunnableKernel;
use crate::network::{EventId, GroupId, Operation, StepContext};
use crate::state::{ArrayData, Compact, StoreId, MAX_TABLE_VALUES};
use rheobase_codegen::prefetch::prefetch;
use rheobase_codegen::Elements;
use std::any::Any;
use std::ops::Range;

/// Least estimated cost per event (see [`crate::threads::kernel_cost`]) of a delivery kernel
/// for its calls to be split over threads (BENCHMARKS.md, "Threads (issue 5)").
const MIN_SPLIT_DELIVERY_COST: usize = 8;

/// Whether a pathway is triggered by the source (`on_pre`) or the target (`on_post`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Pre,
    Post,
}

/// One synaptic pathway: spikes of its triggering group go through a spike queue (delays in
/// steps) and run the pathway's code once per synapse that receives an event. Events are
/// delivered in one sequential loop, so several synapses writing one target all take effect.
pub struct PathwayOp {
    pub name: String,
    pub role: Role,
    /// The triggering event space and the (sub)group range whose events count.
    pub event: EventId,
    pub trigger_range: Range<usize>,
    /// Synapses sorted by triggering neuron (relative to `trigger_range`): offsets and the
    /// slot map only ([`SynapseStore::offsets_only`]).
    pub csr: SynapseStore,
    /// Synapse index (Brian2's numbering) of each CSR slot; `None` while they coincide
    /// (synapses made in the order of the triggering group), which costs nothing per synapse.
    pub index_by_slot: Option<Vec<i32>>,
    /// The pathway's delay: one shared value, or one per synapse (by synapse index).
    pub delay: StoreId,
    pub delay_shared: bool,
    pub delays: PathwayDelays,
    pub queue: SpikeQueue,
    pub kernel: Option<RunnableKernel>,
    pub stream: u64,
    /// `dt` of the last run's clock, to rescale pending events when it changes.
    pub dt: Option<f64>,
    spikes: Vec<i32>,
    delivered: Vec<i32>,
    /// Where each window's part of `delivered` ends, when it is grouped by window.
    part_ends: Vec<usize>,
    /// Where threaded delivery cuts the targets: `None` until first needed (and again when
    /// the synapses change), `Some(None)` if the kernel does not allow it.
    split: Option<Option<TargetCuts>>,
}

impl PathwayOp {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        name: String,
        role: Role,
        event: EventId,
        trigger_range: Range<usize>,
        n_other: usize,
        delay: StoreId,
        delay_shared: bool,
        kernel: Option<RunnableKernel>,
        stream: u64,
    ) -> PathwayOp {
        PathwayOp {
            name,
            role,
            event,
            csr: SynapseStore::offsets_only(trigger_range.len(), n_other),
            trigger_range,
            index_by_slot: None,
            delay,
            delay_shared,
            delays: PathwayDelays::Homogeneous(0),
            queue: SpikeQueue::new(),
            kernel,
            stream,
            dt: None,
            spikes: Vec::new(),
            delivered: Vec::new(),
            part_ends: Vec::new(),
            split: None,
        }
    }

    /// Adds synapses (indices relative to the source and the target group, in creation
    /// order); pending events keep reaching only the synapses that existed when they were
    /// emitted.
    pub fn add_synapses(&mut self, pre: &Sources, post: &[i32]) -> Result<()> {
        self.split = None;
        self.queue.materialize(&self.csr);
        let added = match self.role {
            Role::Pre => self.csr.add_sources(pre, post),
            Role::Post => self.csr.add_pairs(post, &pre.to_vec()),
        };
        let renumbering = added.map_err(|e| RuntimeError::invalid(&self.name, e.to_string()))?;
        self.queue.remap(&renumbering);
        self.index_by_slot = (!self.csr.index_is_slot()).then(|| {
            self.csr
                .index_by_slot()
                .into_iter()
                .map(|k| k as i32)
                .collect()
        });
        Ok(())
    }

    /// The synapse index of a CSR slot.
    fn index_of(&self, slot: usize) -> i32 {
        index_of_slot(self.index_by_slot.as_deref(), slot)
    }

    /// Appends the synapse indices of a run of slots.
    fn extend_indices(&self, out: &mut Vec<i32>, slots: Range<usize>) {
        match &self.index_by_slot {
            None => out.extend(slots.start as i32..slots.end as i32),
            Some(map) => out.extend_from_slice(&map[slots]),
        }
    }

    /// The synapse indices receiving an event in the current step, in delivery order.
    pub fn delivered(&self) -> Vec<i32> {
        let mut out = Vec::new();
        self.queue
            .current()
            .for_each_slot(&self.csr, |slot| out.push(self.index_of(slot)));
        out
    }

    /// Whether every synapse has the same delay in steps (events come as whole rows).
    fn has_one_delay(&self) -> bool {
        matches!(self.delays, PathwayDelays::Homogeneous(_))
    }

    /// Reads the delays (in seconds) into steps of `dt`, checking them.
    fn read_delays(&mut self, store: &crate::state::ArrayStore, dt: f64) -> Result<()> {
        let slots = self.csr.len();
        let delays = match store.compact(self.delay) {
            // One value (a per-synapse delay set as a whole is kept as one value).
            _ if self.delay_shared => {
                PathwayDelays::from_seconds(&[store.value_f64(self.delay, 0)], dt, slots)
            }
            Some(Compact::Uniform { .. }) if slots == 0 => {
                PathwayDelays::from_seconds(&[], dt, slots)
            }
            Some(Compact::Uniform { .. }) => {
                PathwayDelays::from_seconds(&[store.value_f64(self.delay, 0)], dt, slots)
            }
            Some(Compact::Table { values, codes }) => (0..slots)
                .map(|slot| {
                    let value = values[codes.get(self.index_of(slot) as usize)];
                    delay_steps(value, dt, slot)
                })
                .collect::<std::result::Result<Vec<u32>, _>>()
                .map(PathwayDelays::from_steps),
            _ => {
                let ArrayData::F64(by_index) = store.get(self.delay) else {
                    return Err(RuntimeError::Internal("delays are not f64".into()));
                };
                (0..slots)
                    .map(|slot| delay_steps(by_index[self.index_of(slot) as usize], dt, slot))
                    .collect::<std::result::Result<Vec<u32>, _>>()
                    .map(PathwayDelays::from_steps)
            }
        };
        self.delays = delays.map_err(|e| {
            // Errors count slots; name the synapse index instead.
            let message = match e {
                super::queue::DelayError::Negative { delay, synapse } => format!(
                    "the delay of synapse {} is negative ({delay} s)",
                    self.synapse_of(synapse)
                ),
                super::queue::DelayError::NotFinite { delay, synapse } => format!(
                    "the delay of synapse {} is not a finite number ({delay})",
                    self.synapse_of(synapse)
                ),
                other => other.to_string(),
            };
            RuntimeError::invalid(&self.name, message)
        })?;
        Ok(())
    }

    fn synapse_of(&self, slot: usize) -> String {
        if self.delay_shared {
            "(all)".into()
        } else {
            if slot < self.csr.len() {
                self.index_of(slot).to_string()
            } else {
                String::new()
            }
        }
    }
}

/// What `store`/`restore` keeps of a pathway: its pending events and its synapses.
#[derive(Clone)]
struct SavedPathway {
    queue: SpikeQueue,
    csr: SynapseStore,
    index_by_slot: Option<Vec<i32>>,
}

impl Operation for PathwayOp {
    fn before_run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        let dt = cx.time.dt;
        if let Some(old) = self.dt {
            if old != dt {
                self.queue.rescale(old, dt);
            }
        }
        self.dt = Some(dt);
        if !self.delay_shared {
            // Per-synapse delays with few distinct values take 1 or 2 bytes per synapse.
            cx.store.tabulate(self.delay, MAX_TABLE_VALUES);
        }
        self.read_delays(cx.store, dt)?;
        self.queue.prepare(&self.delays, &self.csr);
        // Cuts in rows are made for one delay only: remade when the delays change kind.
        if let Some(Some(cuts)) = &self.split {
            if cuts.one_delay != self.has_one_delay() {
                self.split = None;
            }
        }
        Ok(())
    }

    fn run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        let range = self.trigger_range.clone();
        self.spikes.clear();
        self.spikes.extend(
            cx.events[self.event.0]
                .iter()
                .filter(|&&k| range.contains(&(k as usize)))
                .map(|&k| k - range.start as i32),
        );
        if !self.spikes.is_empty() && !self.csr.is_empty() {
            self.queue.push(&self.spikes, &self.csr, &self.delays);
        }
        let current = self.queue.current();
        if !current.is_empty() {
            if let Some(kernel) = &self.kernel {
                if let Some(Some(TargetCuts {
                    row_cuts: Some(row_cuts),
                    cuts,
                    ..
                })) = &self.split
                {
                    // Each spiking source's cuts sit on a line of their own: asked for
                    // before the rows, so that the misses overlap.
                    for &source in current.sources {
                        prefetch(row_cuts, source as usize * cuts.len());
                    }
                }
                if self.index_by_slot.is_none() {
                    // Synapse indices are slots: each spiking source's synapses are one row
                    // of every per-synapse array. Asked for first, so that the misses overlap
                    // with the work below.
                    let csr = &self.csr;
                    let rows = current.sources.iter().map(|&s| csr.slots_of(s as usize));
                    kernel.ask_rows(cx.store, rows);
                }
                let rng = cx.rng(self.stream);
                // Cheap deliveries (`v_post += w`) are bound by memory latency, and on the
                // measured machine two threads delivering them took longer than one
                // (BENCHMARKS.md, stop 16): split only those with work per event, unless
                // every call is to be split (large networks, where it keeps the other
                // workers awake for the next split call, and `Network::set_split_work(1)`).
                let worth_splitting =
                    kernel.cost() >= MIN_SPLIT_DELIVERY_COST || cx.threads.split_all();
                let csr = &self.csr;
                let events = current.synapses.len()
                    + (current.sources.iter())
                        .map(|&s| csr.slots_of(s as usize).len())
                        .sum::<usize>();
                let (pieces, timer) = kernel.pieces(cx.threads, events);
                let pool = cx.threads.pool().filter(|_| pieces > 1 && worth_splitting);
                if let Some(pool) = pool {
                    let threads = cx.threads.count();
                    let fresh = matches!(&self.split,
                        Some(cuts) if cuts.as_ref().is_none_or(|c| c.threads == threads));
                    if !fresh {
                        // Per-synapse delays deliver single synapses, not rows.
                        let one_delay = self.has_one_delay();
                        let rows = one_delay.then_some((&self.csr, self.index_by_slot.as_deref()));
                        self.split = Some(target_cuts(kernel, cx.store, threads, rows, pool));
                    }
                }
                let split = pool.zip(self.split.as_ref().and_then(Option::as_ref));
                // Synapse indices in delivery order: single events, then whole spike lists
                // (each source's slots are contiguous, so their indices are one copy); or,
                // where the events are whole rows whose cuts are known, grouped by target
                // window.
                let mut delivered = std::mem::take(&mut self.delivered);
                delivered.clear();
                self.part_ends.clear();
                let grouped = split
                    .and_then(|(_, cuts)| Some((cuts, cuts.row_cuts.as_deref()?)))
                    .filter(|_| current.synapses.is_empty());
                match grouped {
                    Some((cuts, row_cuts)) => {
                        let rows = Rows {
                            csr: &self.csr,
                            index_by_slot: self.index_by_slot.as_deref(),
                            cuts: &cuts.cuts,
                            row_cuts,
                        };
                        rows.group_by_window(current.sources, &mut delivered, &mut self.part_ends);
                    }
                    None => {
                        delivered.extend(
                            current
                                .synapses
                                .iter()
                                .map(|&slot| self.index_of(slot as usize)),
                        );
                        for &source in current.sources {
                            self.extend_indices(&mut delivered, self.csr.slots_of(source as usize));
                        }
                    }
                }
                self.delivered = delivered;
                let ran_in = match split {
                    // Each thread runs the events of its own window of targets.
                    Some((pool, split)) => {
                        let parts = grouped.map(|_| self.part_ends.as_slice());
                        let (list, cuts) = (&self.delivered, (&split.cuts[..], parts));
                        kernel.call_by_target(cx.store, list, cuts, cx.time, rng, pool)?;
                        pieces
                    }
                    None => {
                        let list = Elements::List(&self.delivered);
                        kernel.call(cx.store, list, cx.time, rng, None)?;
                        1
                    }
                };
                if let Some(timer) = timer {
                    kernel.record(events, ran_in, timer);
                }
            }
        }
        self.queue.advance();
        Ok(())
    }

    fn save(&self) -> Option<Box<dyn Any + Send>> {
        Some(Box::new(SavedPathway {
            queue: self.queue.clone(),
            csr: self.csr.clone(),
            index_by_slot: self.index_by_slot.clone(),
        }))
    }

    fn queue_state(&self) -> Option<crate::saved::QueueState> {
        Some(self.queue.pending())
    }

    fn check_queue_state(&self, pending: &crate::saved::QueueState) -> Result<()> {
        SpikeQueue::check_pending(pending, &self.csr).map_err(|what| {
            RuntimeError::invalid(&self.name, format!("a stored spike names {what}"))
        })
    }

    fn load_queue_state(&mut self, pending: &crate::saved::QueueState) {
        self.queue.load_pending(pending);
    }

    fn restore(&mut self, saved: &(dyn Any + Send)) {
        if let Some(s) = saved.downcast_ref::<SavedPathway>() {
            // Synapses connected since the store are dropped with their arrays.
            self.split = None;
            self.queue = s.queue.clone();
            self.csr = s.csr.clone();
            self.index_by_slot = s.index_by_slot.clone();
        }
    }

    fn kernels(&self) -> Vec<&rheobase_codegen::Kernel> {
        self.kernel.iter().map(|k| k.kernel()).collect()
    }
    fn bound_kernels(&self) -> Vec<&crate::kernel::RunnableKernel> {
        self.kernel.iter().collect()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// The synapse index of a CSR slot ([`PathwayOp::index_by_slot`]).
fn index_of_slot(index_by_slot: Option<&[i32]>, slot: usize) -> i32 {
    match index_by_slot {
        None => slot as i32,
        Some(map) => map[slot],
    }
}

/// Runs a kernel over all synapses of a `Synapses` group (their number is read each step).
pub struct SynapseRangeRunner {
    pub kernel: RunnableKernel,
    pub group: GroupId,
    pub stream: u64,
}

impl Operation for SynapseRangeRunner {
    fn run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        let n = cx.groups[self.group.0].n;
        if n == 0 {
            return Ok(());
        }
        let rng = cx.rng(self.stream);
        self.kernel.call_threaded(
            cx.store,
            Elements::Range(0..n),
            cx.time,
            rng,
            None,
            cx.threads,
        )?;
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

/// Brian2's summed variable updater: sets the target variable of the target (sub)group to
/// zero, then adds each synapse's value to its neuron's entry.
pub struct SummedOp {
    pub kernel: RunnableKernel,
    pub group: GroupId,
    pub target: StoreId,
    pub zero: Range<usize>,
    pub stream: u64,
}

impl Operation for SummedOp {
    fn run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        match cx.store.get_mut(self.target) {
            ArrayData::F64(v) => v[self.zero.clone()].fill(0.0),
            ArrayData::F32(v) => v[self.zero.clone()].fill(0.0),
            ArrayData::I32(v) => v[self.zero.clone()].fill(0),
            ArrayData::Bool(v) => v[self.zero.clone()].fill(false),
        }
        let n = cx.groups[self.group.0].n;
        if n == 0 {
            return Ok(());
        }
        let rng = cx.rng(self.stream);
        self.kernel
            .call(cx.store, Elements::Range(0..n), cx.time, rng, None)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_lists_synapse_indices_of_spiking_sources_in_creation_order() {
        let mut op = PathwayOp::new(
            "s_pre".into(),
            Role::Pre,
            EventId(0),
            0..3,
            2,
            StoreId(0),
            true,
            None,
            0,
        );
        // synapses 0..3 from sources 2, 0, 2; then 3 from source 0
        op.add_synapses(&vec![2, 0, 2].into(), &[0, 1, 1]).unwrap();
        op.add_synapses(&vec![0].into(), &[0]).unwrap();
        assert_eq!(op.index_by_slot, Some(vec![1, 3, 0, 2]));
        op.delays = PathwayDelays::Homogeneous(1);
        op.queue.push(&[2, 0], &op.csr, &op.delays);
        assert!(op.delivered().is_empty());
        op.queue.advance();
        assert_eq!(op.delivered(), vec![0, 2, 1, 3]);
    }

    #[test]
    fn events_pending_across_a_connect_reach_only_the_old_synapses() {
        let mut op = PathwayOp::new(
            "s_pre".into(),
            Role::Pre,
            EventId(0),
            0..2,
            2,
            StoreId(0),
            true,
            None,
            0,
        );
        op.add_synapses(&vec![1].into(), &[0]).unwrap();
        op.delays = PathwayDelays::Homogeneous(2);
        op.queue.push(&[1], &op.csr, &op.delays);
        op.add_synapses(&vec![0, 1].into(), &[1, 1]).unwrap();
        op.queue.advance();
        op.queue.advance();
        assert_eq!(op.delivered(), vec![0]);
    }
}
