//! Delays in steps and the spike queue of one synaptic pathway.
//!
//! Brian2's semantics (its C++ `CSpikeQueue`, used by the Cython and standalone targets):
//! - a delay becomes `(int)(delay / dt + 0.5)` steps, i.e. rounded half up (Brian2's numpy
//!   target uses `numpy.round`, half to even; we follow the C++ queue);
//! - spikes found in a step are pushed, then the events due in that step are delivered, then
//!   the queue advances: a zero delay acts in the same step, a delay of `d` steps `d` steps later;
//! - the delays of a pathway are homogeneous when all round to the same number of steps.
//!
//! The queue is a ring of `max_delay + 1` slots indexed by delay. With a homogeneous delay a
//! slot holds whole spike lists (the spiking sources, expanded through the CSR offsets on
//! delivery); with heterogeneous delays each synapse's event goes into its own future slot.

use super::store::{Renumbering, SynapseStore};
use thiserror::Error;

#[derive(Clone, Debug, Error, PartialEq)]
pub enum DelayError {
    #[error("delay {delay} s of synapse {synapse} is negative")]
    Negative { delay: f64, synapse: usize },
    #[error("delay of synapse {synapse} is not a number ({delay})")]
    NotFinite { delay: f64, synapse: usize },
    #[error("delay {delay} s of synapse {synapse} is {steps} steps of dt = {dt} s, more than the queue allows ({})", u32::MAX)]
    TooLong {
        delay: f64,
        synapse: usize,
        steps: f64,
        dt: f64,
    },
    #[error("dt must be positive, got {dt}")]
    BadDt { dt: f64 },
    #[error("{given} delays given for {expected} synapses")]
    WrongCount { given: usize, expected: usize },
}

/// A delay in seconds as whole steps of `dt`, rounded as Brian2's C++ spike queue does.
pub fn delay_steps(delay: f64, dt: f64, synapse: usize) -> Result<u32, DelayError> {
    if dt.is_nan() || dt <= 0.0 {
        return Err(DelayError::BadDt { dt });
    }
    if !delay.is_finite() {
        return Err(DelayError::NotFinite { delay, synapse });
    }
    if delay < 0.0 {
        return Err(DelayError::Negative { delay, synapse });
    }
    let steps = (delay / dt + 0.5).floor();
    if steps > u32::MAX as f64 {
        return Err(DelayError::TooLong {
            delay,
            synapse,
            steps,
            dt,
        });
    }
    Ok(steps as u32)
}

/// Per-synapse delays in steps, by slot, in the narrowest type that holds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DelayColumn {
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl DelayColumn {
    pub fn get(&self, slot: usize) -> u32 {
        match self {
            DelayColumn::U16(v) => v[slot] as u32,
            DelayColumn::U32(v) => v[slot],
        }
    }

    pub fn len(&self) -> usize {
        match self {
            DelayColumn::U16(v) => v.len(),
            DelayColumn::U32(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The delays of one pathway, in steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathwayDelays {
    /// One delay for every synapse (a scalar `delay`, or per-synapse values that round alike).
    Homogeneous(u32),
    /// Per synapse, by slot.
    PerSynapse { steps: DelayColumn, max: u32 },
}

impl PathwayDelays {
    /// Delays in seconds, one for the whole pathway or one per slot (`slots` synapses); values
    /// that all round to the same step count become [`PathwayDelays::Homogeneous`], as in
    /// Brian2. `synapse` numbers in errors are slots.
    pub fn from_seconds(
        delays: &[f64],
        dt: f64,
        slots: usize,
    ) -> Result<PathwayDelays, DelayError> {
        if delays.len() == 1 {
            return Ok(PathwayDelays::Homogeneous(delay_steps(delays[0], dt, 0)?));
        }
        if delays.len() != slots {
            return Err(DelayError::WrongCount {
                given: delays.len(),
                expected: slots,
            });
        }
        let steps = delays
            .iter()
            .enumerate()
            .map(|(k, &d)| delay_steps(d, dt, k))
            .collect::<Result<Vec<u32>, _>>()?;
        Ok(PathwayDelays::from_steps(steps))
    }

    /// Per-slot delays already in steps.
    pub fn from_steps(steps: Vec<u32>) -> PathwayDelays {
        let (min, max) = steps
            .iter()
            .fold((u32::MAX, 0), |(lo, hi), &s| (lo.min(s), hi.max(s)));
        if steps.is_empty() {
            return PathwayDelays::Homogeneous(0);
        }
        if min == max {
            return PathwayDelays::Homogeneous(min);
        }
        let steps = if max <= u16::MAX as u32 {
            DelayColumn::U16(steps.iter().map(|&s| s as u16).collect())
        } else {
            DelayColumn::U32(steps)
        };
        PathwayDelays::PerSynapse { steps, max }
    }

    pub fn max_steps(&self) -> u32 {
        match self {
            PathwayDelays::Homogeneous(d) => *d,
            PathwayDelays::PerSynapse { max, .. } => *max,
        }
    }

    pub fn is_homogeneous(&self) -> bool {
        matches!(self, PathwayDelays::Homogeneous(_))
    }
}

/// Events due in one step.
#[derive(Default, Clone, Debug, PartialEq, Eq)]
struct Slot {
    /// Synapse slots, each an event (heterogeneous delays, or materialised spike lists).
    synapses: Vec<u32>,
    /// Spiking sources whose synapses all receive the event (homogeneous delay).
    sources: Vec<u32>,
}

impl Slot {
    fn is_empty(&self) -> bool {
        self.synapses.is_empty() && self.sources.is_empty()
    }

    fn clear(&mut self) {
        self.synapses.clear();
        self.sources.clear();
    }
}

/// The events due in the current step: explicit synapse slots first (they are always the
/// older pushes), then whole spike lists of sources.
#[derive(Clone, Copy, Debug)]
pub struct Delivery<'a> {
    pub synapses: &'a [u32],
    pub sources: &'a [u32],
}

impl Delivery<'_> {
    /// Every synapse slot receiving an event, in Brian2's order (push order; a source's
    /// synapses in creation order).
    pub fn for_each_slot(&self, store: &SynapseStore, mut f: impl FnMut(usize)) {
        self.synapses.iter().for_each(|&s| f(s as usize));
        for &source in self.sources {
            store.slots_of(source as usize).for_each(&mut f);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.synapses.is_empty() && self.sources.is_empty()
    }
}

/// The spike queue of one pathway: a ring buffer of future events indexed by delay in steps.
#[derive(Clone, Debug)]
pub struct SpikeQueue {
    ring: Vec<Slot>,
    /// Index of the current step's slot.
    offset: usize,
}

impl Default for SpikeQueue {
    fn default() -> Self {
        SpikeQueue::new()
    }
}

impl SpikeQueue {
    pub fn new() -> SpikeQueue {
        SpikeQueue {
            ring: vec![Slot::default()],
            offset: 0,
        }
    }

    /// Number of slots (always more than the longest delay prepared for).
    pub fn ring_len(&self) -> usize {
        self.ring.len()
    }

    /// Before each run: make room for the longest delay, keeping pending events where they are.
    /// With heterogeneous delays, pending spike lists are turned into synapse events so that
    /// they stay older than the events pushed from now on.
    pub fn prepare(&mut self, delays: &PathwayDelays, store: &SynapseStore) {
        self.ensure_delay(delays.max_steps());
        if !delays.is_homogeneous() {
            self.materialize(store);
        }
    }

    /// Grow the ring to hold a delay of `steps` (pending events keep their due steps).
    pub fn ensure_delay(&mut self, steps: u32) {
        let needed = steps as usize + 1;
        if needed <= self.ring.len() {
            return;
        }
        self.ring.rotate_left(self.offset);
        self.offset = 0;
        self.ring.resize_with(needed, Slot::default);
    }

    /// Replace pending spike lists by one event per synapse of `store`. Call it with the store
    /// as it is *before* synapses are added, then [`Self::remap`] with the renumbering: spikes
    /// emitted before a `connect` then reach only the synapses that existed, as in Brian2.
    pub fn materialize(&mut self, store: &SynapseStore) {
        for slot in &mut self.ring {
            for &source in &slot.sources {
                slot.synapses
                    .extend(store.slots_of(source as usize).map(|s| s as u32));
            }
            slot.sources.clear();
        }
    }

    /// Follow synapses to their new slots after the store was re-sorted. Pending spike lists
    /// must have been materialised first.
    pub fn remap(&mut self, renumbering: &Renumbering) {
        debug_assert!(self.ring.iter().all(|s| s.sources.is_empty()));
        if renumbering.old_to_new.is_none() {
            return;
        }
        for slot in &mut self.ring {
            slot.synapses
                .iter_mut()
                .for_each(|s| *s = renumbering.slot(*s));
        }
    }

    /// Push this step's spikes (indices of spiking sources, relative to the source group).
    pub fn push(&mut self, spikes: &[i32], store: &SynapseStore, delays: &PathwayDelays) {
        if spikes.is_empty() {
            return;
        }
        self.ensure_delay(delays.max_steps());
        let len = self.ring.len();
        match delays {
            PathwayDelays::Homogeneous(d) => {
                let slot = &mut self.ring[(self.offset + *d as usize) % len];
                slot.sources.extend(
                    spikes
                        .iter()
                        .filter(|&&s| !store.slots_of(s as usize).is_empty())
                        .map(|&s| s as u32),
                );
            }
            PathwayDelays::PerSynapse { steps, .. } => {
                for &source in spikes {
                    for synapse in store.slots_of(source as usize) {
                        let due = (self.offset + steps.get(synapse) as usize) % len;
                        self.ring[due].synapses.push(synapse as u32);
                    }
                }
            }
        }
    }

    /// The events due now.
    pub fn current(&self) -> Delivery<'_> {
        let slot = &self.ring[self.offset];
        Delivery {
            synapses: &slot.synapses,
            sources: &slot.sources,
        }
    }

    /// Drop the current step's events and move to the next step.
    pub fn advance(&mut self) {
        self.ring[self.offset].clear();
        self.offset = (self.offset + 1) % self.ring.len();
    }

    /// Number of pending synapse events (spike lists counted by their synapses).
    pub fn pending_events(&self, store: &SynapseStore) -> usize {
        self.ring
            .iter()
            .map(|slot| {
                slot.synapses.len()
                    + slot
                        .sources
                        .iter()
                        .map(|&s| store.slots_of(s as usize).len())
                        .sum::<usize>()
            })
            .sum()
    }

    pub fn clear(&mut self) {
        self.ring.iter_mut().for_each(Slot::clear);
    }

    /// The pending events as plain values (for a state file): per future step with events,
    /// `(steps from now, synapse slots, spiking sources)`.
    pub fn pending(&self) -> crate::saved::QueueState {
        let len = self.ring.len();
        (0..len)
            .filter_map(|k| {
                let slot = &self.ring[(self.offset + k) % len];
                (!slot.is_empty()).then(|| (k as u32, slot.synapses.clone(), slot.sources.clone()))
            })
            .collect()
    }

    /// Whether [`Self::load_pending`] accepts `pending` for `store` (slots and sources in
    /// range); the error names the first that is not.
    pub fn check_pending(
        pending: &crate::saved::QueueState,
        store: &SynapseStore,
    ) -> Result<(), String> {
        for (_, synapses, sources) in pending {
            if let Some(s) = synapses.iter().find(|&&s| s as usize >= store.len()) {
                return Err(format!("synapse slot {s} of {}", store.len()));
            }
            if let Some(s) = sources.iter().find(|&&s| s as usize >= store.n_pre()) {
                return Err(format!("source {s} of {}", store.n_pre()));
            }
        }
        Ok(())
    }

    /// Replaces the pending events by those of [`Self::pending`] (checked by
    /// [`Self::check_pending`] first).
    pub fn load_pending(&mut self, pending: &crate::saved::QueueState) {
        self.clear();
        if let Some(max) = pending.iter().map(|(k, _, _)| *k).max() {
            self.ensure_delay(max);
        }
        let len = self.ring.len();
        for (k, synapses, sources) in pending {
            let slot = &mut self.ring[(self.offset + *k as usize) % len];
            slot.synapses.extend_from_slice(synapses);
            slot.sources.extend_from_slice(sources);
        }
    }

    /// `dt` changed between runs: move pending events to the step nearest their due time in
    /// the new `dt` (Brian2's conversion, `(int)(k * old_dt / new_dt + 0.5)`), merging events
    /// that fall into one step instead of dropping any.
    pub fn rescale(&mut self, old_dt: f64, new_dt: f64) {
        if old_dt == new_dt || self.ring.iter().all(Slot::is_empty) {
            return;
        }
        let factor = old_dt / new_dt;
        let old_len = self.ring.len();
        let new_len = (old_len as f64 * factor) as usize + 1;
        let mut ring = vec![Slot::default(); new_len.max(1)];
        for k in 0..old_len {
            let old = std::mem::take(&mut self.ring[(self.offset + k) % old_len]);
            let due = ((k as f64 * factor + 0.5) as usize).min(ring.len() - 1);
            ring[due].synapses.extend(old.synapses);
            ring[due].sources.extend(old.sources);
        }
        self.ring = ring;
        self.offset = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 3 sources: 0 -> {0, 1}, 1 -> {}, 2 -> {2}; targets as slot numbers for clarity.
    fn store() -> SynapseStore {
        let mut store = SynapseStore::new(3, 3);
        store.add_pairs(&[0, 0, 2], &[0, 1, 2]).unwrap();
        store
    }

    fn delivered(queue: &SpikeQueue, store: &SynapseStore) -> Vec<usize> {
        let mut slots = Vec::new();
        queue.current().for_each_slot(store, |s| slots.push(s));
        slots
    }

    /// Run `steps` steps pushing `spikes_at(step)` and return the synapses delivered per step.
    fn run(
        queue: &mut SpikeQueue,
        store: &SynapseStore,
        delays: &PathwayDelays,
        steps: usize,
        spikes_at: impl Fn(usize) -> Vec<i32>,
    ) -> Vec<Vec<usize>> {
        queue.prepare(delays, store);
        (0..steps)
            .map(|step| {
                queue.push(&spikes_at(step), store, delays);
                let now = delivered(queue, store);
                queue.advance();
                now
            })
            .collect()
    }

    #[test]
    fn rounding_follows_brian2_cpp_queue() {
        let dt = 0.1e-3;
        assert_eq!(delay_steps(0.0, dt, 0), Ok(0));
        assert_eq!(delay_steps(1.5e-3, dt, 0), Ok(15));
        assert_eq!(delay_steps(0.149e-3, dt, 0), Ok(1));
        assert_eq!(delay_steps(0.04e-3, dt, 0), Ok(0));
        // Exact halves (dt = 0.5 s keeps the quotients exact) round up, not to even.
        assert_eq!(delay_steps(0.75, 0.5, 0), Ok(2));
        assert_eq!(delay_steps(1.25, 0.5, 0), Ok(3));
        assert_eq!(delay_steps(0.25, 0.5, 0), Ok(1));
        assert!(matches!(
            delay_steps(-1e-3, dt, 4),
            Err(DelayError::Negative { synapse: 4, .. })
        ));
        assert!(delay_steps(f64::NAN, dt, 0).is_err());
        assert!(delay_steps(1.0, 0.0, 0).is_err());
        assert!(delay_steps(1e10, 1e-9, 0).is_err());
    }

    #[test]
    fn delays_become_homogeneous_when_they_round_alike() {
        let dt = 1e-4;
        assert_eq!(
            PathwayDelays::from_seconds(&[1.5e-3], dt, 3),
            Ok(PathwayDelays::Homogeneous(15))
        );
        assert_eq!(
            PathwayDelays::from_seconds(&[1.0e-3, 1.04e-3, 0.96e-3], dt, 3),
            Ok(PathwayDelays::Homogeneous(10))
        );
        let het = PathwayDelays::from_seconds(&[0.0, 1e-3, 2e-4], dt, 3).unwrap();
        assert_eq!(
            het,
            PathwayDelays::PerSynapse {
                steps: DelayColumn::U16(vec![0, 10, 2]),
                max: 10
            }
        );
        let long = PathwayDelays::from_steps(vec![0, 100_000]);
        assert!(matches!(
            long,
            PathwayDelays::PerSynapse {
                steps: DelayColumn::U32(_),
                ..
            }
        ));
        assert!(PathwayDelays::from_seconds(&[0.0, 1.0], dt, 3).is_err());
    }

    #[test]
    fn zero_delay_acts_in_the_same_step() {
        let store = store();
        let mut queue = SpikeQueue::new();
        let out = run(&mut queue, &store, &PathwayDelays::Homogeneous(0), 3, |t| {
            if t == 1 {
                vec![0, 2]
            } else {
                vec![]
            }
        });
        assert_eq!(out, vec![vec![], vec![0, 1, 2], vec![]]);
    }

    #[test]
    fn homogeneous_delay_delivers_whole_spike_lists_later() {
        let store = store();
        let mut queue = SpikeQueue::new();
        let out = run(
            &mut queue,
            &store,
            &PathwayDelays::Homogeneous(3),
            8,
            |t| match t {
                0 => vec![2],
                1 => vec![0, 1],
                2 => vec![0],
                _ => vec![],
            },
        );
        assert_eq!(queue.ring_len(), 4);
        assert_eq!(
            out,
            vec![
                vec![],
                vec![],
                vec![],
                vec![2],
                vec![0, 1],
                vec![0, 1],
                vec![],
                vec![]
            ]
        );
    }

    #[test]
    fn heterogeneous_delays_send_each_synapse_to_its_own_step() {
        let store = store();
        let delays = PathwayDelays::from_steps(vec![2, 0, 1]);
        let mut queue = SpikeQueue::new();
        let out = run(&mut queue, &store, &delays, 5, |t| match t {
            0 => vec![0, 2],
            1 => vec![0],
            _ => vec![],
        });
        assert_eq!(
            out,
            vec![vec![1], vec![2, 1], vec![0], vec![0], vec![]],
            "synapse 1 has no delay, 2 one step, 0 two steps"
        );
        assert_eq!(queue.pending_events(&store), 0);
    }

    #[test]
    fn longer_delays_between_runs_keep_pending_events() {
        let store = store();
        let mut queue = SpikeQueue::new();
        let first = PathwayDelays::Homogeneous(2);
        run(&mut queue, &store, &first, 1, |_| vec![0]);
        // One step done; the spike is due in one more step. Now the delay becomes 5 steps.
        let second = PathwayDelays::Homogeneous(5);
        let out = run(&mut queue, &store, &second, 7, |t| {
            if t == 0 {
                vec![2]
            } else {
                vec![]
            }
        });
        assert_eq!(queue.ring_len(), 6);
        assert_eq!(
            out,
            vec![vec![], vec![0, 1], vec![], vec![], vec![], vec![2], vec![]]
        );
    }

    #[test]
    fn switching_to_heterogeneous_delays_keeps_the_order_of_events() {
        let store = store();
        let mut queue = SpikeQueue::new();
        run(
            &mut queue,
            &store,
            &PathwayDelays::Homogeneous(1),
            1,
            |_| vec![0],
        );
        let het = PathwayDelays::from_steps(vec![0, 0, 1]);
        let out = run(&mut queue, &store, &het, 2, |t| {
            if t == 0 {
                vec![0, 2]
            } else {
                vec![]
            }
        });
        // The old spike of source 0 (synapses 0, 1) comes before the new events.
        assert_eq!(out, vec![vec![0, 1, 0, 1], vec![2]]);
    }

    #[test]
    fn connect_between_runs_remaps_pending_events() {
        let mut store = store();
        let mut queue = SpikeQueue::new();
        let delays = PathwayDelays::Homogeneous(2);
        run(&mut queue, &store, &delays, 1, |_| vec![2]);
        // The spike is due in one more step. Adding synapses from sources 2 and 0 moves
        // synapse slot 2 (2 -> 2) to slot 3.
        queue.materialize(&store);
        let renumbering = store.add_pairs(&[2, 0], &[0, 2]).unwrap();
        queue.remap(&renumbering);
        let out = run(&mut queue, &store, &delays, 2, |_| vec![]);
        assert_eq!(store.targets()[3], 2);
        // Only the synapse that existed when the spike was emitted receives it.
        assert_eq!(out, vec![vec![], vec![3]]);
    }

    #[test]
    fn rescaling_dt_moves_events_to_the_nearest_step() {
        let store = store();
        let mut queue = SpikeQueue::new();
        let delays = PathwayDelays::from_steps(vec![4, 4, 2]);
        queue.prepare(&delays, &store);
        queue.push(&[0, 2], &store, &delays);
        // dt doubles: 4 steps become 2, 2 steps become 1.
        queue.rescale(1e-4, 2e-4);
        let mut out = Vec::new();
        for _ in 0..3 {
            out.push(delivered(&queue, &store));
            queue.advance();
        }
        assert_eq!(out, vec![vec![], vec![2], vec![0, 1]]);
    }
}
