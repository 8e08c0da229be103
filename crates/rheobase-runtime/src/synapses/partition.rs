//! Synapses partitioned by target range, so that threads never write the same target element.
//!
//! Partition `p` owns the targets `bounds[p]..bounds[p + 1]`; the cuts balance the number of
//! incoming synapses. Each partition keeps its own CSR over sources (a label for each slot of
//! each source whose target it owns, in slot order: the slot itself, or the synapse index a
//! pathway's kernel takes), so delivering a spike list is one copy of one source range per
//! partition, and the heterogeneous-delay events of a step are split keeping their order. A target therefore sees its events in the same order whatever the number of
//! partitions, and sums of floating-point numbers come out bit for bit the same.
//!
//! Optional: with one thread the runtime uses the store and the queue directly. The structure
//! costs 4 bytes per synapse plus `4 * (n_pre + 1)` per partition.

use super::queue::Delivery;
use super::store::SynapseStore;
use rayon::prelude::*;
use rheobase_codegen::prefetch::prefetch;

/// One partition's CSR over sources: the labels of the slots of source `s` that target this
/// partition, in slot order, are entries `offsets[s]..offsets[s + 1]` of `labels`.
#[derive(Clone, Debug)]
struct PartCsr {
    offsets: Vec<u32>,
    labels: Labels,
}

/// A partition's labels: one by one, or as runs of consecutive labels (`start`, length) when
/// that takes at most half the room. Runs are the usual case (a source's synapses made in
/// target order, labelled by slot), and reading no label per event keeps the delivery's
/// memory traffic that of a single thread.
#[derive(Clone, Debug)]
enum Labels {
    Each(Vec<i32>),
    Runs(Vec<(i32, u32)>),
}

impl PartCsr {
    /// Calls `f` with each label of `source`, in order.
    #[inline]
    fn for_each_label(&self, source: usize, mut f: impl FnMut(i32)) {
        let range = self.offsets[source] as usize..self.offsets[source + 1] as usize;
        match &self.labels {
            Labels::Each(labels) => labels[range].iter().for_each(|&l| f(l)),
            Labels::Runs(runs) => {
                for &(start, len) in &runs[range] {
                    (start..start + len as i32).for_each(&mut f);
                }
            }
        }
    }

    /// Asks for the cache line of the first label (or run) of `source`.
    #[inline]
    fn ask_labels(&self, source: usize) {
        let first = self.offsets[source] as usize;
        match &self.labels {
            Labels::Each(labels) => prefetch(labels, first),
            Labels::Runs(runs) => prefetch(runs, first),
        }
    }

    /// Appends the labels of `source` to `out`.
    fn extend_labels(&self, source: usize, out: &mut Vec<i32>) {
        let range = self.offsets[source] as usize..self.offsets[source + 1] as usize;
        match &self.labels {
            Labels::Each(labels) => out.extend_from_slice(&labels[range]),
            Labels::Runs(runs) => {
                for &(start, len) in &runs[range] {
                    out.extend(start..start + len as i32);
                }
            }
        }
    }

    /// The number of runs, if the labels are kept as runs.
    fn run_count(&self) -> usize {
        match &self.labels {
            Labels::Each(_) => 0,
            Labels::Runs(runs) => runs.len(),
        }
    }

    /// The same labels, kept one by one.
    fn expand(self) -> PartCsr {
        let mut labels = Vec::new();
        let mut offsets = Vec::with_capacity(self.offsets.len());
        for source in 0..self.offsets.len() - 1 {
            offsets.push(labels.len() as u32);
            self.extend_labels(source, &mut labels);
        }
        offsets.push(labels.len() as u32);
        PartCsr {
            offsets,
            labels: Labels::Each(labels),
        }
    }

    /// Stores the labels as runs if that takes at most half the room.
    fn compress(self) -> PartCsr {
        let Labels::Each(labels) = &self.labels else {
            return self;
        };
        let mut offsets = Vec::with_capacity(self.offsets.len());
        let mut runs: Vec<(i32, u32)> = Vec::new();
        for w in self.offsets.windows(2) {
            offsets.push(runs.len() as u32);
            let mut open = false;
            for &l in &labels[w[0] as usize..w[1] as usize] {
                match runs.last_mut() {
                    Some((start, len)) if open && *start + *len as i32 == l => *len += 1,
                    _ => runs.push((l, 1)),
                }
                open = true;
                if runs.len() * 2 > labels.len() {
                    return self;
                }
            }
        }
        offsets.push(runs.len() as u32);
        PartCsr {
            offsets,
            labels: Labels::Runs(runs),
        }
    }
}

/// Synapses counted for the cuts of a partition at most (about: of more, every k-th block
/// of [`COUNTED_BLOCK`], a cache line of 4-byte targets). A sample this size puts each cut
/// within a fraction of a percent of its share; counting more only costs time (2^20 took
/// 10 ms of a 0.1 s run at 100,000 neurons, each block a cache miss).
const MAX_COUNTED: usize = 1 << 16;

/// How the slots of a partition are labelled in its lists.
#[derive(Clone, Copy, Debug)]
pub enum SlotLabels<'a> {
    /// Each slot by itself: a stretch of slots is one run, whatever its length.
    Slots,
    /// Slot `s` by `map[s]`.
    Map(&'a [i32]),
}

impl SlotLabels<'_> {
    #[inline]
    fn of(&self, slot: usize) -> i32 {
        match self {
            SlotLabels::Slots => slot as i32,
            SlotLabels::Map(map) => map[slot],
        }
    }
}
const COUNTED_BLOCK: usize = 16;

/// Synapses split by target range.
#[derive(Clone, Debug)]
pub struct TargetPartition {
    /// `parts + 1` target bounds, from 0 to `n_post`.
    bounds: Vec<usize>,
    /// Partition of each target.
    part_of_target: Vec<u16>,
    parts: Vec<PartCsr>,
}

impl TargetPartition {
    /// Split into at most `parts` target ranges (at least one, at most `n_post`, at most
    /// 65,535) with about equal numbers of incoming synapses; each slot labelled by itself.
    pub fn new(store: &SynapseStore, parts: usize) -> TargetPartition {
        let targets = store.targets();
        let target = |slot: usize| targets[slot];
        let n_post = store.n_post();
        TargetPartition::with_targets(store, target, n_post, parts, SlotLabels::Slots, None)
    }

    /// The same, with each slot's target given by `target(slot)` (in `0..n_post`) rather than
    /// read from the store (whose targets a pathway does not keep), each slot labelled as
    /// `labels` says, and the lists built on `pool`'s threads when given (the same lists).
    pub fn with_targets(
        store: &SynapseStore,
        target: impl Fn(usize) -> i32 + Sync,
        n_post: usize,
        parts: usize,
        labels: SlotLabels<'_>,
        pool: Option<&rayon::ThreadPool>,
    ) -> TargetPartition {
        let parts = parts.clamp(1, n_post.clamp(1, u16::MAX as usize));
        // The cuts balance incoming synapses. Large stores count every k-th block of
        // synapses only: where the cuts fall changes the balance between threads, never a
        // result.
        let stride = (store.len() / MAX_COUNTED).max(1) * COUNTED_BLOCK;
        let mut incoming = vec![0u32; n_post];
        for block in (0..store.len()).step_by(stride) {
            for slot in block..(block + COUNTED_BLOCK).min(store.len()) {
                incoming[target(slot) as usize] += 1;
            }
        }
        let total = incoming.iter().map(|&c| c as usize).sum::<usize>().max(1);
        let mut bounds = vec![0usize];
        let mut seen = 0usize;
        for (t, &count) in incoming.iter().enumerate() {
            seen += count as usize;
            let cut = bounds.len();
            // Close partition `cut - 1` once it holds its share, leaving a target for each
            // partition still to come.
            if cut < parts && seen * parts >= cut * total && n_post - (t + 1) >= parts - cut {
                bounds.push(t + 1);
            }
        }
        while bounds.len() < parts {
            // Too few synapses to balance: cut the remaining targets evenly.
            let last = *bounds.last().unwrap();
            let remaining = parts + 1 - bounds.len();
            bounds.push(last + (n_post - last) / remaining);
        }
        bounds.push(n_post);
        let mut part_of_target = vec![0u16; n_post];
        for p in 0..parts {
            part_of_target[bounds[p]..bounds[p + 1]].fill(p as u16);
        }
        let parts_csr = build_runs(store, &target, &bounds, &part_of_target, labels, pool)
            .unwrap_or_else(|| build_parts(store, &target, &part_of_target, parts, labels));
        TargetPartition {
            bounds,
            part_of_target,
            parts: parts_csr,
        }
    }

    pub fn len(&self) -> usize {
        self.parts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The targets partition `part` owns.
    pub fn targets_of(&self, part: usize) -> std::ops::Range<usize> {
        self.bounds[part]..self.bounds[part + 1]
    }

    pub fn part_of_target(&self, target: usize) -> usize {
        self.part_of_target[target] as usize
    }

    /// Calls `f` with the label of each slot of `source` whose target partition `part` owns,
    /// in slot order.
    #[inline]
    pub fn for_each_label(&self, part: usize, source: usize, f: impl FnMut(i32)) {
        self.parts[part].for_each_label(source, f);
    }

    /// Split a per-target array into the disjoint pieces each partition may write.
    pub fn split_targets_mut<'a, T>(&self, mut values: &'a mut [T]) -> Vec<&'a mut [T]> {
        let mut pieces = Vec::with_capacity(self.len());
        for p in 0..self.len() {
            let (head, tail) = values.split_at_mut(self.bounds[p + 1] - self.bounds[p]);
            pieces.push(head);
            values = tail;
        }
        pieces
    }

    /// The partition of each of `n_slots` slots (`target` as given to
    /// [`Self::with_targets`]).
    pub fn part_of_slots(&self, n_slots: usize, target: impl Fn(usize) -> i32) -> Vec<u16> {
        (0..n_slots)
            .map(|slot| self.part_of_target[target(slot) as usize])
            .collect()
    }

    /// Appends to `out` the labels of partition `part`'s slots receiving an event now, in
    /// delivery order (`part_of_slot` from [`Self::part_of_slots`], needed only when the
    /// delivery has single events; `label` gives the labels [`Self::with_targets`] was given). Each
    /// partition's list may be filled on its own thread.
    pub fn fill_part(
        &self,
        part: usize,
        delivery: &Delivery,
        part_of_slot: &[u16],
        label: impl Fn(usize) -> i32,
        out: &mut Vec<i32>,
    ) {
        out.extend(
            delivery
                .synapses
                .iter()
                .filter(|&&slot| part_of_slot[slot as usize] as usize == part)
                .map(|&slot| label(slot as usize)),
        );
        let csr = &self.parts[part];
        // Each source's labels are found through its offset: ask for all the offsets, then
        // all the label rows, before reading any, so that the misses overlap instead of
        // coming two per spiking source one after another.
        for &source in delivery.sources {
            prefetch(&csr.offsets, source as usize);
        }
        for &source in delivery.sources {
            csr.ask_labels(source as usize);
        }
        for &source in delivery.sources {
            csr.extend_labels(source as usize, out);
        }
    }
}

/// Each partition's labels as runs, or `None` once some partition's runs take more than
/// half the room its labels would (then [`build_parts`] keeps each label). A source whose
/// slots are in target order (the usual case) has each partition's slots as one stretch of
/// its row, found by binary search, and slots labelled by themselves make it one run without
/// reading each label; other rows look up each slot's partition. A partition whose runs end
/// up taking more than half its labels' room keeps each label, as [`PartCsr::compress`]
/// decides.
///
/// Sources are taken in chunks, on `pool`'s threads when given: the build reads every
/// slot's target once (tens of milliseconds at 10^7 synapses, all in the first step that
/// delivers), and the chunks are independent.
fn build_runs(
    store: &SynapseStore,
    target: impl Fn(usize) -> i32 + Sync,
    bounds: &[usize],
    part_of_target: &[u16],
    labels: SlotLabels<'_>,
    pool: Option<&rayon::ThreadPool>,
) -> Option<Vec<PartCsr>> {
    let n_pre = store.n_pre();
    let parts = bounds.len() - 1;
    let threads = pool.map_or(1, |p| p.current_num_threads());
    // A few chunks per thread, so a thread that starts late takes fewer.
    let chunk = n_pre.div_ceil(4 * threads).max(1024);
    let chunks: Vec<std::ops::Range<usize>> = (0..n_pre)
        .step_by(chunk)
        .map(|s| s..(s + chunk).min(n_pre))
        .collect();
    let build = |sources: &std::ops::Range<usize>| {
        runs_of_sources(
            store,
            &target,
            bounds,
            part_of_target,
            labels,
            sources.clone(),
        )
    };
    let built: Option<Vec<Vec<ChunkRuns>>> = match pool {
        Some(pool) if chunks.len() > 1 => {
            pool.install(|| chunks.par_iter().with_max_len(1).map(build).collect())
        }
        _ => chunks.iter().map(build).collect(),
    };
    let built = built?;
    let mut out = Vec::with_capacity(parts);
    for part in 0..parts {
        let mut offsets = Vec::with_capacity(n_pre + 1);
        let mut runs = Vec::with_capacity(built.iter().map(|c| c[part].runs.len()).sum());
        let mut size = 0;
        for chunk in &built {
            let c = &chunk[part];
            let base = runs.len() as u32;
            offsets.extend(c.offsets.iter().map(|&o| base + o));
            runs.extend_from_slice(&c.runs);
            size += c.size;
        }
        offsets.push(runs.len() as u32);
        let csr = PartCsr {
            offsets,
            labels: Labels::Runs(runs),
        };
        out.push(if csr.run_count() * 2 > size {
            csr.expand()
        } else {
            csr
        });
    }
    Some(out)
}

/// One partition's runs over a chunk of sources: each source's first run (relative to this
/// chunk), the runs, and the number of labels they hold.
struct ChunkRuns {
    offsets: Vec<u32>,
    runs: Vec<(i32, u32)>,
    size: usize,
}

/// [`build_runs`] over the sources `sources`, or `None` once runs stop paying.
fn runs_of_sources(
    store: &SynapseStore,
    target: impl Fn(usize) -> i32,
    bounds: &[usize],
    part_of_target: &[u16],
    labels: SlotLabels<'_>,
    sources: std::ops::Range<usize>,
) -> Option<Vec<ChunkRuns>> {
    let label = |slot: usize| labels.of(slot);
    let parts = bounds.len() - 1;
    let mut out: Vec<ChunkRuns> = (0..parts)
        .map(|_| ChunkRuns {
            offsets: Vec::with_capacity(sources.len()),
            runs: Vec::new(),
            size: 0,
        })
        .collect();
    // Runs are worth it while they take at most half the room (a little slack at the start).
    let worth = |runs: usize, labels: usize| runs <= 64 || runs * 2 <= labels;
    for source in sources {
        for c in out.iter_mut() {
            c.offsets.push(c.runs.len() as u32);
        }
        let slots = store.slots_of(source);
        // One read of each target, no early exit: the loop stays short and branch-free.
        let mut sorted = true;
        let mut previous = i32::MIN;
        for slot in slots.clone() {
            let t = target(slot);
            sorted &= previous <= t;
            previous = t;
        }
        if sorted {
            // Each partition gets one stretch of this row, so its runs start afresh.
            let mut from = slots.start;
            for (part, c) in out.iter_mut().enumerate() {
                let end = bounds[part + 1];
                let (mut lo, mut hi) = (from, slots.end);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if (target(mid) as usize) < end {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                let mut slot = from;
                if matches!(labels, SlotLabels::Slots) && lo > from {
                    c.runs.push((from as i32, (lo - from) as u32));
                    slot = lo;
                }
                while slot < lo {
                    let start = label(slot);
                    let mut len = 1;
                    while slot + len < lo && label(slot + len) == start.wrapping_add(len as i32) {
                        len += 1;
                    }
                    c.runs.push((start, len as u32));
                    slot += len;
                }
                c.size += lo - from;
                if !worth(c.runs.len(), c.size) {
                    return None;
                }
                from = lo;
            }
        } else {
            for slot in slots {
                let c = &mut out[part_of_target[target(slot) as usize] as usize];
                let l = label(slot);
                let open = c.runs.len() > *c.offsets.last().unwrap() as usize;
                c.size += 1;
                match c.runs.last_mut() {
                    Some((start, len)) if open && start.wrapping_add(*len as i32) == l => *len += 1,
                    _ => {
                        c.runs.push((l, 1));
                        if !worth(c.runs.len(), c.size) {
                            return None;
                        }
                    }
                }
            }
        }
    }
    Some(out)
}

fn build_parts(
    store: &SynapseStore,
    target: impl Fn(usize) -> i32,
    part_of_target: &[u16],
    parts: usize,
    labels: SlotLabels<'_>,
) -> Vec<PartCsr> {
    let n_pre = store.n_pre();
    let mut offsets: Vec<Vec<u32>> = vec![Vec::with_capacity(n_pre + 1); parts];
    let mut part_labels: Vec<Vec<i32>> = vec![Vec::new(); parts];
    for source in 0..n_pre {
        for (o, l) in offsets.iter_mut().zip(&part_labels) {
            o.push(l.len() as u32);
        }
        for slot in store.slots_of(source) {
            let part = part_of_target[target(slot) as usize] as usize;
            part_labels[part].push(labels.of(slot));
        }
    }
    offsets
        .into_iter()
        .zip(part_labels)
        .map(|(mut offsets, labels)| {
            offsets.push(labels.len() as u32);
            PartCsr {
                offsets,
                labels: Labels::Each(labels),
            }
            .compress()
        })
        .collect()
}

/// CUBA-style propagation without partitions: `target[j] += weight` for every delivered
/// synapse, in delivery order. The reference for [`propagate_add_partitioned`].
pub fn propagate_add(
    store: &SynapseStore,
    delivery: &Delivery,
    weights: &[f64],
    target: &mut [f64],
) {
    let targets = store.targets();
    delivery.for_each_slot(store, |slot| {
        target[targets[slot] as usize] += weights[slot];
    });
}

/// The same, one rayon task per partition; each writes only its own target range, so the
/// result does not depend on the number of partitions or threads. Each task walks its own
/// CSR for spike lists and picks its events out of the explicit synapse list, so nothing is
/// copied per step. Worth it only when a step delivers many events (the fork-join costs
/// microseconds); the runtime decides by a size threshold.
pub fn propagate_add_partitioned(
    partition: &TargetPartition,
    store: &SynapseStore,
    delivery: &Delivery,
    weights: &[f64],
    target: &mut [f64],
) {
    let targets = store.targets();
    let pieces = partition.split_targets_mut(target);
    pieces
        .into_par_iter()
        .enumerate()
        .for_each(|(part, piece)| {
            let owned = partition.targets_of(part);
            for &slot in delivery.synapses {
                let t = targets[slot as usize] as usize;
                if owned.contains(&t) {
                    piece[t - owned.start] += weights[slot as usize];
                }
            }
            for &source in delivery.sources {
                partition.for_each_label(part, source as usize, |slot| {
                    piece[targets[slot as usize] as usize - owned.start] += weights[slot as usize];
                });
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synapses::connect::{connect_probability, NewSynapses, SplitMix64, UniformSource};
    use crate::synapses::queue::{PathwayDelays, SpikeQueue};

    fn random_store(n_pre: usize, n_post: usize, p: f64, seed: u64) -> SynapseStore {
        let mut new = NewSynapses::default();
        let mut rng = SplitMix64::new(seed);
        connect_probability(n_pre, n_post, p, 1, &mut rng, &mut new, "").unwrap();
        // A few repeated pairs, created out of source order, for good measure.
        for k in 0..50 {
            new.pre.push((k * 7 % n_pre) as i32);
            new.post.push((k * 3 % n_post) as i32);
        }
        let mut store = SynapseStore::new(n_pre, n_post);
        store.add(&new).unwrap();
        store
    }

    #[test]
    fn bounds_cover_all_targets_and_balance_synapses() {
        let store = random_store(300, 200, 0.1, 1);
        for parts in [1, 2, 3, 7, 16, 200, 1000] {
            let partition = TargetPartition::new(&store, parts);
            assert_eq!(partition.len(), parts.min(200));
            assert_eq!(partition.targets_of(0).start, 0);
            assert_eq!(partition.targets_of(partition.len() - 1).end, 200);
            for p in 0..partition.len() {
                let range = partition.targets_of(p);
                assert!(!range.is_empty(), "{parts} parts: {p} empty");
                assert!(range.clone().all(|t| partition.part_of_target(t) == p));
            }
            // Every synapse is in exactly the partition owning its target.
            let mut count = 0;
            for p in 0..partition.len() {
                for s in 0..300 {
                    let mut slots = Vec::new();
                    partition.for_each_label(p, s, |slot| slots.push(slot));
                    for slot in slots {
                        assert_eq!(store.source_of_slot(slot as usize), s as i32);
                        assert!(partition
                            .targets_of(p)
                            .contains(&(store.targets()[slot as usize] as usize)));
                        count += 1;
                    }
                }
            }
            assert_eq!(count, store.len());
        }
        let partition = TargetPartition::new(&store, 4);
        let sizes: Vec<usize> = (0..4)
            .map(|p| {
                let mut n = 0;
                (0..300).for_each(|s| partition.for_each_label(p, s, |_| n += 1));
                n
            })
            .collect();
        let share = store.len() / 4;
        assert!(
            sizes.iter().all(|&n| n.abs_diff(share) < share / 10),
            "{sizes:?}"
        );
    }

    #[test]
    fn partitioned_propagation_equals_unpartitioned() {
        let (n_pre, n_post) = (400, 300);
        let store = random_store(n_pre, n_post, 0.05, 7);
        let mut rng = SplitMix64::new(99);
        // Weights of mixed magnitude, so that the order of additions would show.
        let weights: Vec<f64> = (0..store.len())
            .map(|_| (rng.uniform() - 0.5) * 10f64.powi((rng.uniform() * 12.0) as i32 - 6))
            .collect();
        let delay_steps: Vec<u32> = (0..store.len())
            .map(|_| (rng.uniform() * 4.0) as u32)
            .collect();
        for delays in [
            PathwayDelays::Homogeneous(2),
            PathwayDelays::from_steps(delay_steps),
        ] {
            let spikes: Vec<Vec<i32>> = (0..30)
                .map(|_| (0..n_pre as i32).filter(|_| rng.uniform() < 0.1).collect())
                .collect();
            let simulate = |parts: Option<usize>| {
                let partition = parts.map(|p| TargetPartition::new(&store, p));
                let mut queue = SpikeQueue::new();
                queue.prepare(&delays, &store);
                let mut target = vec![0.0; n_post];
                for step_spikes in &spikes {
                    queue.push(step_spikes, &store, &delays);
                    let delivery = queue.current();
                    if let Some(partition) = &partition {
                        // The gathered lists hold the delivered events, each once, each in
                        // the partition owning its target.
                        let part_of_slot =
                            partition.part_of_slots(store.len(), |s| store.targets()[s]);
                        let gathered: Vec<Vec<i32>> = (0..partition.len())
                            .map(|part| {
                                let mut list = Vec::new();
                                let label = |slot| slot as i32;
                                partition.fill_part(
                                    part,
                                    &delivery,
                                    &part_of_slot,
                                    label,
                                    &mut list,
                                );
                                list
                            })
                            .collect();
                        let mut expected = Vec::new();
                        delivery.for_each_slot(&store, |s| expected.push(s as i32));
                        let mut all: Vec<i32> = gathered.concat();
                        all.sort_unstable();
                        expected.sort_unstable();
                        assert_eq!(all, expected);
                        for (part, list) in gathered.iter().enumerate() {
                            let owned = partition.targets_of(part);
                            assert!(list
                                .iter()
                                .all(|&s| owned.contains(&(store.targets()[s as usize] as usize))));
                        }
                    }
                    match &partition {
                        None => propagate_add(&store, &delivery, &weights, &mut target),
                        Some(partition) => propagate_add_partitioned(
                            partition,
                            &store,
                            &delivery,
                            &weights,
                            &mut target,
                        ),
                    }
                    queue.advance();
                }
                target
            };
            let reference = simulate(None);
            assert!(reference.iter().any(|&x| x != 0.0));
            for parts in [1, 2, 3, 8, 300] {
                let result = simulate(Some(parts));
                let same = reference
                    .iter()
                    .zip(&result)
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same, "{parts} partitions, {delays:?} differ");
            }
        }
    }

    #[test]
    fn labels_are_runs_only_when_that_halves_their_room() {
        // Source 0: 3, 4, 5, 9; source 1: nothing; source 2: 10, 11.
        let offsets = vec![0, 4, 4, 6];
        let consecutive = vec![3, 4, 5, 9, 10, 11];
        let scattered = vec![8, 2, 7, 1, 5, 3];
        for (labels, runs) in [(consecutive, true), (scattered, false)] {
            let csr = PartCsr {
                offsets: offsets.clone(),
                labels: Labels::Each(labels.clone()),
            }
            .compress();
            assert_eq!(matches!(csr.labels, Labels::Runs(_)), runs, "{labels:?}");
            for (source, range) in [(0, 0..4), (1, 4..4), (2, 4..6)] {
                let mut each = Vec::new();
                csr.for_each_label(source, |l| each.push(l));
                let mut extended = vec![-1];
                csr.extend_labels(source, &mut extended);
                assert_eq!(each, labels[range.clone()]);
                assert_eq!(extended[1..], labels[range]);
            }
        }
    }

    #[test]
    fn partitions_list_each_sources_labels_of_their_targets_in_slot_order() {
        // Rows in target order (most), plus pairs added out of order, so both ways of
        // building runs are taken.
        let store = random_store(200, 150, 0.2, 3);
        let targets = store.targets();
        let target = |slot: usize| targets[slot];
        let gappy: Vec<i32> = (0..store.len()).map(|s| (s + s / 7) as i32).collect();
        let scattered: Vec<i32> = (0..store.len())
            .map(|s| ((s * 7919) % store.len()) as i32)
            .collect();
        let labels = [
            (SlotLabels::Slots, true),
            (SlotLabels::Map(&gappy), true),
            (SlotLabels::Map(&scattered), false),
        ];
        for (labels, as_runs) in labels {
            let label = |slot: usize| labels.of(slot);
            for parts in [1, 3, 7] {
                let partition =
                    TargetPartition::with_targets(&store, target, 150, parts, labels, None);
                for part in 0..parts {
                    let owned = partition.targets_of(part);
                    let kept_as_runs = matches!(partition.parts[part].labels, Labels::Runs(_));
                    assert_eq!(kept_as_runs, as_runs, "{parts} parts");
                    for source in 0..200 {
                        let expected: Vec<i32> = store
                            .slots_of(source)
                            .filter(|&slot| owned.contains(&(targets[slot] as usize)))
                            .map(label)
                            .collect();
                        let mut listed = Vec::new();
                        partition.for_each_label(part, source, |l| listed.push(l));
                        assert_eq!(listed, expected, "{parts} parts, part {part}");
                    }
                }
            }
        }
        let unsorted = (0..200).any(|s| {
            let row = &targets[store.slots_of(s)];
            row.windows(2).any(|w| w[0] > w[1])
        });
        assert!(unsorted, "the store should have a row out of target order");
    }

    /// Built in chunks of sources on a pool's threads, the lists are the same as built in one
    /// piece, with runs and with single labels.
    #[test]
    fn partitions_built_on_threads_list_the_same_labels() {
        let store = random_store(5000, 300, 0.01, 4);
        let targets = store.targets();
        let target = |slot: usize| targets[slot];
        let scattered: Vec<i32> = (0..store.len())
            .map(|s| ((s * 7919) % store.len()) as i32)
            .collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        for labels in [SlotLabels::Slots, SlotLabels::Map(&scattered)] {
            let alone = TargetPartition::with_targets(&store, target, 300, 3, labels, None);
            let threaded =
                TargetPartition::with_targets(&store, target, 300, 3, labels, Some(&pool));
            assert_eq!(alone.bounds, threaded.bounds);
            for part in 0..3 {
                let same_kind = matches!(
                    (&alone.parts[part].labels, &threaded.parts[part].labels),
                    (Labels::Runs(_), Labels::Runs(_)) | (Labels::Each(_), Labels::Each(_))
                );
                assert!(same_kind, "part {part}");
                for source in 0..5000 {
                    let (mut a, mut b) = (Vec::new(), Vec::new());
                    alone.for_each_label(part, source, |l| a.push(l));
                    threaded.for_each_label(part, source, |l| b.push(l));
                    assert_eq!(a, b, "part {part}, source {source}");
                }
            }
        }
    }

    #[test]
    fn empty_and_tiny_stores() {
        let store = SynapseStore::new(3, 0);
        let partition = TargetPartition::new(&store, 4);
        assert_eq!(partition.len(), 1);
        let store = SynapseStore::new(3, 2);
        let partition = TargetPartition::new(&store, 4);
        assert_eq!(partition.len(), 2);
        assert_eq!(partition.targets_of(1), 1..2);
    }
}
