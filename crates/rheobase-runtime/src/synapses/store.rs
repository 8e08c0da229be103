//! Synapse storage: synapses sorted by source (stable) in CSR form, with per-synapse columns.
//!
//! A synapse lives in a *slot*; the slots of source `s` are `offsets[s]..offsets[s + 1]`, in
//! creation order. Only the target index is stored per synapse (`i32`); the source is implied
//! by the offsets, so index + `f64` weight + `u16` delay steps take 14 bytes per synapse.
//!
//! Brian2 numbers synapses in creation order (`S.i[k]`, `S.w[k]`). When all synapses were
//! created in source order (a single `connect` over `j`, or calls in increasing sources) the
//! synapse index *is* the slot and nothing more is stored; otherwise `slot_of_index` keeps the
//! mapping (4 more bytes per synapse), so user-visible indices stay Brian2's.

use super::connect::NewSynapses;
use super::sources::Sources;
use thiserror::Error;

#[derive(Clone, Debug, Error, PartialEq)]
pub enum StoreError {
    #[error("{which} index {index} is outside the allowed range from 0 to {}", *.size as i64 - 1)]
    IndexOutOfRange {
        which: &'static str,
        index: i64,
        size: usize,
    },
    #[error(
        "too many synapses: {total} (at most {} per Synapses object)",
        i32::MAX
    )]
    TooManySynapses { total: usize },
    #[error("pre and post index arrays differ in length ({pre} and {post})")]
    LengthMismatch { pre: usize, post: usize },
    #[error("no synaptic variable named `{name}`")]
    UnknownVariable { name: String },
    #[error("synaptic variable `{name}` defined twice")]
    DuplicateVariable { name: String },
    #[error("{given} values given for {expected} synapses")]
    WrongValueCount { given: usize, expected: usize },
}

/// The values of one per-synapse variable, by slot.
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    F64(Vec<f64>),
    I32(Vec<i32>),
    /// Small integers, e.g. delays in steps when they fit.
    U16(Vec<u16>),
}

impl Column {
    pub fn len(&self) -> usize {
        match self {
            Column::F64(v) => v.len(),
            Column::I32(v) => v.len(),
            Column::U16(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn element_bytes(&self) -> usize {
        match self {
            Column::F64(_) => 8,
            Column::I32(_) => 4,
            Column::U16(_) => 2,
        }
    }

    fn grow(&mut self, new_len: usize) {
        match self {
            Column::F64(v) => v.resize(new_len, 0.0),
            Column::I32(v) => v.resize(new_len, 0),
            Column::U16(v) => v.resize(new_len, 0),
        }
    }

    fn permute(&mut self, renumbering: &Renumbering) {
        match self {
            Column::F64(v) => renumbering.apply(v),
            Column::I32(v) => renumbering.apply(v),
            Column::U16(v) => renumbering.apply(v),
        }
    }
}

/// How slots moved when synapses were added: existing slot `s` is now `old_to_new[s]`; new
/// synapse `k` (in creation order) is in the slot `new_slots` gives. The runtime applies it
/// to every per-synapse array it keeps elsewhere and to pending spike-queue events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renumbering {
    /// `None`: existing synapses kept their slots.
    pub old_to_new: Option<Vec<u32>>,
    pub new_slots: NewSlots,
    pub new_len: usize,
}

/// Where new synapses went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewSlots {
    /// After the existing ones, in creation order: synapse `k` in slot `old_len + k` (the
    /// usual case, described without a slot per synapse: 400 MB at 10^8 synapses).
    Appended,
    /// Synapse `k` in slot `slots[k]`.
    Placed(Vec<u32>),
}

impl Renumbering {
    /// Move an array of per-slot values to the new slots; new synapses get the default value.
    pub fn apply<T: Copy + Default>(&self, values: &mut Vec<T>) {
        match &self.old_to_new {
            None => values.resize(self.new_len, T::default()),
            Some(old_to_new) => {
                let mut moved = vec![T::default(); self.new_len];
                for (old, &new) in old_to_new.iter().enumerate() {
                    moved[new as usize] = values[old];
                }
                *values = moved;
            }
        }
    }

    /// The new slot of an existing slot.
    pub fn slot(&self, old: u32) -> u32 {
        match &self.old_to_new {
            None => old,
            Some(map) => map[old as usize],
        }
    }
}

/// Which neurons of one side a lookup selects (`S.w[3, :]`, `S.w[[1, 2], 5]`, `S.w[0:10:2, :]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    All,
    One(i32),
    Many(Vec<i32>),
    /// Python's slice `start:stop:step` (`step > 0`), already clipped to the group.
    Slice {
        start: i32,
        stop: i32,
        step: i32,
    },
}

impl Selection {
    fn mask(&self, size: usize) -> Option<Vec<bool>> {
        let mut mask = vec![false; size];
        let mut set = |k: i32| {
            if k >= 0 && (k as usize) < size {
                mask[k as usize] = true;
            }
        };
        match self {
            Selection::All => return None,
            Selection::One(k) => set(*k),
            Selection::Many(ks) => ks.iter().for_each(|&k| set(k)),
            Selection::Slice { start, stop, step } => {
                let mut k = *start;
                while k < *stop {
                    set(k);
                    k += (*step).max(1);
                }
            }
        }
        Some(mask)
    }
}

/// Synapses of one `Synapses` object, sorted by source.
#[derive(Clone, Debug)]
pub struct SynapseStore {
    n_pre: usize,
    n_post: usize,
    /// `n_pre + 1` entries; the slots of source `s` are `offsets[s]..offsets[s + 1]`.
    offsets: Vec<usize>,
    /// Target index of each slot.
    targets: Vec<i32>,
    /// Slot of each synapse index (Brian2's creation order); `None` while they coincide.
    slot_of_index: Option<Vec<u32>>,
    columns: Vec<(String, Column)>,
    /// False for an index that keeps only the offsets and the slot map (a pathway's: its
    /// targets are in the synapses' own arrays); `targets` then stays empty.
    keep_targets: bool,
}

impl SynapseStore {
    pub fn new(n_pre: usize, n_post: usize) -> SynapseStore {
        SynapseStore {
            n_pre,
            n_post,
            offsets: vec![0; n_pre + 1],
            targets: Vec::new(),
            slot_of_index: None,
            columns: Vec::new(),
            keep_targets: true,
        }
    }

    /// A store of the offsets and the slot map only: nothing per synapse while synapses
    /// come in source order. Methods that read targets ([`Self::targets`],
    /// [`Self::incoming_counts`], lookups, columns) are not for it.
    pub fn offsets_only(n_pre: usize, n_post: usize) -> SynapseStore {
        SynapseStore {
            keep_targets: false,
            ..SynapseStore::new(n_pre, n_post)
        }
    }

    pub fn n_pre(&self) -> usize {
        self.n_pre
    }

    pub fn n_post(&self) -> usize {
        self.n_post
    }

    /// The number of synapses.
    pub fn len(&self) -> usize {
        self.offsets[self.n_pre]
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `n_pre + 1` CSR offsets into the slots.
    pub fn offsets(&self) -> &[usize] {
        &self.offsets
    }

    /// Target index by slot (empty for [`Self::offsets_only`]).
    pub fn targets(&self) -> &[i32] {
        &self.targets
    }

    /// The slots of source `pre`.
    pub fn slots_of(&self, pre: usize) -> std::ops::Range<usize> {
        self.offsets[pre]..self.offsets[pre + 1]
    }

    /// The source of a slot (binary search over the offsets).
    pub fn source_of_slot(&self, slot: usize) -> i32 {
        (self.offsets.partition_point(|&o| o <= slot) - 1) as i32
    }

    /// Source index by slot, expanded from the offsets (4 bytes per synapse: build it only for
    /// kernels that read presynaptic variables per synapse).
    pub fn sources_by_slot(&self) -> Vec<i32> {
        let mut sources = Vec::with_capacity(self.len());
        for pre in 0..self.n_pre {
            let count = self.offsets[pre + 1] - self.offsets[pre];
            sources.extend(std::iter::repeat_n(pre as i32, count));
        }
        sources
    }

    /// True when synapse indices and slots coincide.
    pub fn index_is_slot(&self) -> bool {
        self.slot_of_index.is_none()
    }

    /// The slot of synapse index `index` (Brian2's numbering).
    pub fn slot_of_index(&self, index: usize) -> usize {
        match &self.slot_of_index {
            None => index,
            Some(map) => map[index] as usize,
        }
    }

    /// The synapse index of every slot (the inverse of [`Self::slot_of_index`]).
    pub fn index_by_slot(&self) -> Vec<u32> {
        let mut inverse = vec![0u32; self.len()];
        match &self.slot_of_index {
            None => inverse
                .iter_mut()
                .enumerate()
                .for_each(|(k, x)| *x = k as u32),
            Some(map) => {
                for (index, &slot) in map.iter().enumerate() {
                    inverse[slot as usize] = index as u32;
                }
            }
        }
        inverse
    }

    /// `S.i[:]`: the source of each synapse, in synapse-index order.
    pub fn pre_by_index(&self) -> Vec<i32> {
        let sources = self.sources_by_slot();
        self.gather_by_index(&sources)
    }

    /// `S.j[:]`: the target of each synapse, in synapse-index order.
    pub fn post_by_index(&self) -> Vec<i32> {
        self.gather_by_index(&self.targets)
    }

    /// Per-slot values reordered by synapse index.
    pub fn gather_by_index<T: Copy>(&self, by_slot: &[T]) -> Vec<T> {
        match &self.slot_of_index {
            None => by_slot.to_vec(),
            Some(map) => map.iter().map(|&slot| by_slot[slot as usize]).collect(),
        }
    }

    /// Add synapses given in creation order; they get the next synapse indices. Existing
    /// synapses may move to other slots: the returned [`Renumbering`] says where (columns of
    /// this store are moved already; new synapses get zeros).
    pub fn add(&mut self, new: &NewSynapses) -> Result<Renumbering, StoreError> {
        self.add_sources(&new.pre, &new.post)
    }

    /// [`Self::add`], taking the arrays: into an empty store, synapses already in source order
    /// keep the `post` array as the targets (no copy, which matters at 10^8 synapses).
    pub fn add_owned(&mut self, new: NewSynapses) -> Result<Renumbering, StoreError> {
        if !(self.is_empty() && self.columns.is_empty() && new.pre.is_sorted()) {
            return self.add_sources(&new.pre, &new.post);
        }
        self.check(new.pre.len(), new.pre.runs(), &new.post)?;
        crate::state::append_to_runs(&mut self.offsets, new.pre.runs());
        if self.keep_targets {
            self.targets = new.post;
        }
        Ok(Renumbering {
            old_to_new: None,
            new_slots: NewSlots::Appended,
            new_len: self.len(),
        })
    }

    /// Checks `n_pre` sources, given as (source, count) runs, against `post`.
    fn check(
        &self,
        n_pre: usize,
        mut pre_runs: impl Iterator<Item = (i32, usize)>,
        post: &[i32],
    ) -> Result<(), StoreError> {
        if n_pre != post.len() {
            return Err(StoreError::LengthMismatch {
                pre: n_pre,
                post: post.len(),
            });
        }
        let outside = |x: i32, size: usize| x < 0 || x as usize >= size;
        if let Some((bad, _)) = pre_runs.find(|&(x, _)| outside(x, self.n_pre)) {
            return Err(StoreError::IndexOutOfRange {
                which: "pre",
                index: bad as i64,
                size: self.n_pre,
            });
        }
        if let Some(&bad) = post.iter().find(|&&x| outside(x, self.n_post)) {
            return Err(StoreError::IndexOutOfRange {
                which: "post",
                index: bad as i64,
                size: self.n_post,
            });
        }
        let total = self.len() + n_pre;
        if total > i32::MAX as usize {
            return Err(StoreError::TooManySynapses { total });
        }
        Ok(())
    }

    /// Whether sources that never decrease, the first being `first`, go after every
    /// existing synapse.
    fn appends_after(&self, first: Option<i32>) -> bool {
        let last_used_source = self.last_source_with_synapses();
        first.is_none_or(|first| last_used_source.is_none_or(|last| first >= last))
    }

    /// [`Self::add`] with the sources as runs: synapses that come after the existing ones in
    /// source order are appended from the runs, without listing the source of each.
    pub fn add_sources(&mut self, pre: &Sources, post: &[i32]) -> Result<Renumbering, StoreError> {
        if !(pre.is_sorted() && self.appends_after(pre.first())) {
            return self.add_pairs(&pre.to_vec(), post);
        }
        self.check(pre.len(), pre.runs(), post)?;
        let old_len = self.len();
        let renumbering = self.append_sorted(pre.runs(), post);
        self.finish_add(old_len, renumbering)
    }

    pub fn add_pairs(&mut self, pre: &[i32], post: &[i32]) -> Result<Renumbering, StoreError> {
        self.check(pre.len(), runs_of(pre), post)?;
        let old_len = self.len();
        let renumbering = if pre.is_sorted() && self.appends_after(pre.first().copied()) {
            self.append_sorted(runs_of(pre), post)
        } else {
            self.merge_unsorted(pre, post)
        };
        self.finish_add(old_len, renumbering)
    }

    /// Moves the columns and the index map along a renumbering.
    fn finish_add(
        &mut self,
        old_len: usize,
        renumbering: Renumbering,
    ) -> Result<Renumbering, StoreError> {
        for (_, column) in &mut self.columns {
            column.permute(&renumbering);
        }
        self.update_index_map(old_len, &renumbering);
        Ok(renumbering)
    }

    fn last_source_with_synapses(&self) -> Option<i32> {
        if self.is_empty() {
            return None;
        }
        Some(self.source_of_slot(self.len() - 1))
    }

    /// New synapses all at or after the last used source, in source order: they go at the end.
    fn append_sorted(
        &mut self,
        pre_runs: impl IntoIterator<Item = (i32, usize)>,
        post: &[i32],
    ) -> Renumbering {
        if self.keep_targets {
            self.targets.extend_from_slice(post);
        }
        crate::state::append_to_runs(&mut self.offsets, pre_runs);
        Renumbering {
            old_to_new: None,
            new_slots: NewSlots::Appended,
            new_len: self.len(),
        }
    }

    /// A stable counting sort of old and new synapses by source: old ones of a source first,
    /// then new ones in creation order.
    fn merge_unsorted(&mut self, pre: &[i32], post: &[i32]) -> Renumbering {
        let old_len = self.len();
        let mut new_counts = vec![0usize; self.n_pre];
        pre.iter().for_each(|&s| new_counts[s as usize] += 1);
        let mut offsets = vec![0usize; self.n_pre + 1];
        for s in 0..self.n_pre {
            let old_count = self.offsets[s + 1] - self.offsets[s];
            offsets[s + 1] = offsets[s] + old_count + new_counts[s];
        }
        let total = offsets[self.n_pre];
        let keep = self.keep_targets;
        let mut targets = vec![0i32; if keep { total } else { 0 }];
        let mut old_to_new = vec![0u32; old_len];
        // Next free slot of each source for new synapses.
        let mut next = vec![0usize; self.n_pre];
        for s in 0..self.n_pre {
            let old = self.offsets[s]..self.offsets[s + 1];
            let start = offsets[s];
            for (r, slot) in old.clone().enumerate() {
                old_to_new[slot] = (start + r) as u32;
                if keep {
                    targets[start + r] = self.targets[slot];
                }
            }
            next[s] = start + old.len();
        }
        let mut new_slots = Vec::with_capacity(pre.len());
        for (&s, &t) in pre.iter().zip(post) {
            let slot = next[s as usize];
            next[s as usize] += 1;
            if keep {
                targets[slot] = t;
            }
            new_slots.push(slot as u32);
        }
        self.offsets = offsets;
        self.targets = targets;
        Renumbering {
            old_to_new: Some(old_to_new),
            new_slots: NewSlots::Placed(new_slots),
            new_len: total,
        }
    }

    fn update_index_map(&mut self, old_len: usize, renumbering: &Renumbering) {
        let extend = |map: &mut Vec<u32>| match &renumbering.new_slots {
            NewSlots::Appended => map.extend(old_len as u32..renumbering.new_len as u32),
            NewSlots::Placed(slots) => map.extend_from_slice(slots),
        };
        let Some(old_to_new) = &renumbering.old_to_new else {
            if let Some(map) = &mut self.slot_of_index {
                extend(map);
            }
            return;
        };
        let mut map: Vec<u32> = match self.slot_of_index.take() {
            None => old_to_new.clone(),
            Some(map) => map.iter().map(|&slot| old_to_new[slot as usize]).collect(),
        };
        debug_assert_eq!(map.len(), old_len);
        extend(&mut map);
        let identity = map.iter().enumerate().all(|(k, &slot)| k == slot as usize);
        self.slot_of_index = if identity { None } else { Some(map) };
    }

    /// Add a per-synapse variable, zero for every existing synapse.
    pub fn add_column(&mut self, name: &str, mut column: Column) -> Result<(), StoreError> {
        if self.columns.iter().any(|(n, _)| n == name) {
            return Err(StoreError::DuplicateVariable {
                name: name.to_string(),
            });
        }
        column.grow(self.len());
        self.columns.push((name.to_string(), column));
        Ok(())
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns
            .iter_mut()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c)
    }

    /// An `f64` variable by slot.
    pub fn f64_column(&self, name: &str) -> Result<&[f64], StoreError> {
        match self.column(name) {
            Some(Column::F64(v)) => Ok(v),
            _ => Err(StoreError::UnknownVariable {
                name: name.to_string(),
            }),
        }
    }

    pub fn f64_column_mut(&mut self, name: &str) -> Result<&mut Vec<f64>, StoreError> {
        match self.column_mut(name) {
            Some(Column::F64(v)) => Ok(v),
            _ => Err(StoreError::UnknownVariable {
                name: name.to_string(),
            }),
        }
    }

    /// Assign an `f64` variable from values in synapse-index order (`S.w = array`).
    pub fn set_f64_by_index(&mut self, name: &str, values: &[f64]) -> Result<(), StoreError> {
        let expected = self.len();
        if values.len() != expected {
            return Err(StoreError::WrongValueCount {
                given: values.len(),
                expected,
            });
        }
        let map = self.slot_of_index.clone();
        let column = self.f64_column_mut(name)?;
        match map {
            None => column.copy_from_slice(values),
            Some(map) => {
                for (index, &slot) in map.iter().enumerate() {
                    column[slot as usize] = values[index];
                }
            }
        }
        Ok(())
    }

    /// Read an `f64` variable in synapse-index order (`S.w[:]`).
    pub fn f64_by_index(&self, name: &str) -> Result<Vec<f64>, StoreError> {
        Ok(self.gather_by_index(self.f64_column(name)?))
    }

    /// `N_outgoing` by presynaptic neuron.
    pub fn outgoing_counts(&self) -> Vec<i32> {
        self.offsets
            .windows(2)
            .map(|w| (w[1] - w[0]) as i32)
            .collect()
    }

    /// `N_incoming` by postsynaptic neuron.
    pub fn incoming_counts(&self) -> Vec<i32> {
        let mut counts = vec![0i32; self.n_post];
        self.targets.iter().for_each(|&t| counts[t as usize] += 1);
        counts
    }

    /// Brian2's `multisynaptic_index` by slot: among the synapses of one (pre, post) pair, in
    /// creation order, 0, 1, 2, ...
    pub fn multisynaptic_index(&self) -> Vec<i32> {
        let mut index = vec![0i32; self.len()];
        // count[t] is valid for the current source only when stamp[t] == source + 1.
        let mut count = vec![0i32; self.n_post];
        let mut stamp = vec![0u32; self.n_post];
        for pre in 0..self.n_pre {
            let mark = pre as u32 + 1;
            for slot in self.slots_of(pre) {
                let t = self.targets[slot] as usize;
                if stamp[t] != mark {
                    stamp[t] = mark;
                    count[t] = 0;
                }
                index[slot] = count[t];
                count[t] += 1;
            }
        }
        index
    }

    /// Synapse indices (Brian2's numbering, ascending) of the synapses from the selected sources
    /// to the selected targets: `S.w[3, 5]`, `S.w[:, 5]`, `S.w[[1, 2], :]`. `multisynaptic`
    /// additionally selects by multisynaptic index (`S.w[3, 5, 1]`).
    pub fn lookup(&self, pre: &Selection, post: &Selection, multisynaptic: &Selection) -> Vec<u32> {
        let post_mask = post.mask(self.n_post);
        let pre_mask = pre.mask(self.n_pre);
        let multi = match multisynaptic {
            Selection::All => None,
            selection => Some((self.multisynaptic_index(), selection.mask(self.len()))),
        };
        let keeps_multi = |slot: usize| match &multi {
            None => true,
            Some((index, Some(mask))) => {
                let m = index[slot] as usize;
                m < mask.len() && mask[m]
            }
            Some((_, None)) => true,
        };
        let mut slots = Vec::new();
        for s in 0..self.n_pre {
            if pre_mask.as_ref().is_some_and(|m| !m[s]) {
                continue;
            }
            for slot in self.slots_of(s) {
                let t = self.targets[slot] as usize;
                if post_mask.as_ref().is_none_or(|m| m[t]) && keeps_multi(slot) {
                    slots.push(slot as u32);
                }
            }
        }
        let mut indices: Vec<u32> = match &self.slot_of_index {
            None => slots,
            Some(_) => {
                let inverse = self.index_by_slot();
                slots.iter().map(|&s| inverse[s as usize]).collect()
            }
        };
        indices.sort_unstable();
        indices
    }

    /// Bytes held per synapse by the structure and all columns (offsets spread over synapses).
    pub fn bytes_per_synapse(&self) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        let per_synapse: usize = 4
            + self.slot_of_index.as_ref().map_or(0, |_| 4)
            + self
                .columns
                .iter()
                .map(|(_, c)| c.element_bytes())
                .sum::<usize>();
        let fixed = self.offsets.len() * std::mem::size_of::<usize>();
        per_synapse as f64 + fixed as f64 / self.len() as f64
    }
}

/// Equal consecutive values as (value, count).
fn runs_of(values: &[i32]) -> impl Iterator<Item = (i32, usize)> + '_ {
    values
        .chunk_by(|a, b| a == b)
        .map(|run| (run[0], run.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(n_pre: usize, n_post: usize, pre: &[i32], post: &[i32]) -> SynapseStore {
        let mut store = SynapseStore::new(n_pre, n_post);
        store.add_pairs(pre, post).unwrap();
        store
    }

    #[test]
    fn sorted_input_is_appended_with_csr_offsets() {
        let store = store_with(4, 3, &[0, 0, 2, 2, 2, 3], &[1, 2, 0, 0, 1, 2]);
        assert_eq!(store.offsets(), [0, 2, 2, 5, 6]);
        assert_eq!(store.targets(), [1, 2, 0, 0, 1, 2]);
        assert!(store.index_is_slot());
        assert_eq!(store.slots_of(2), 2..5);
        assert_eq!(store.outgoing_counts(), [2, 0, 3, 1]);
        assert_eq!(store.incoming_counts(), [2, 2, 2]);
        assert_eq!(store.sources_by_slot(), [0, 0, 2, 2, 2, 3]);
        assert_eq!(store.source_of_slot(4), 2);
        assert_eq!(store.source_of_slot(5), 3);
        assert_eq!(store.multisynaptic_index(), [0, 0, 0, 1, 0, 0]);
    }

    #[test]
    fn unsorted_input_is_stably_sorted_and_keeps_brian2_indices() {
        // Creation order: (2,0) (0,1) (2,1) (1,1) (0,0)
        let mut store = store_with(3, 2, &[2, 0, 2, 1, 0], &[0, 1, 1, 1, 0]);
        assert_eq!(store.offsets(), [0, 2, 3, 5]);
        assert_eq!(store.targets(), [1, 0, 1, 0, 1]);
        assert!(!store.index_is_slot());
        assert_eq!(store.pre_by_index(), [2, 0, 2, 1, 0]);
        assert_eq!(store.post_by_index(), [0, 1, 1, 1, 0]);
        // A value set by synapse index reads back by synapse index.
        store.add_column("w", Column::F64(Vec::new())).unwrap();
        store
            .set_f64_by_index("w", &[10.0, 11.0, 12.0, 13.0, 14.0])
            .unwrap();
        assert_eq!(
            store.f64_column("w").unwrap(),
            [11.0, 14.0, 13.0, 10.0, 12.0]
        );
        // A second connect call adds synapses 5 and 6 and moves the columns along.
        let renumbering = store.add_pairs(&[1, 0], &[0, 0]).unwrap();
        assert_eq!(store.pre_by_index(), [2, 0, 2, 1, 0, 1, 0]);
        assert_eq!(store.post_by_index(), [0, 1, 1, 1, 0, 0, 0]);
        assert_eq!(
            store.f64_by_index("w").unwrap(),
            [10.0, 11.0, 12.0, 13.0, 14.0, 0.0, 0.0]
        );
        assert_eq!(renumbering.new_len, 7);
        assert_eq!(renumbering.slot(0), 0);
        // Old slot 2 (1 -> 1) moves behind the new synapse (0 -> 0) of source 0.
        assert_eq!(renumbering.slot(2), 3);
        let sorted = store.sources_by_slot();
        assert!(sorted.windows(2).all(|w| w[0] <= w[1]));
        // (0,0) twice: created as synapses 4 and 6, multisynaptic index 0 and 1.
        let multi = store.gather_by_index(&store.multisynaptic_index());
        assert_eq!(multi, [0, 0, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn owned_sorted_input_moves_the_targets() {
        let mut store = SynapseStore::new(3, 3);
        let new = NewSynapses {
            pre: vec![0, 2, 2].into(),
            post: vec![1, 0, 2],
        };
        store.add_owned(new).unwrap();
        assert_eq!(store.offsets(), [0, 1, 1, 3]);
        assert_eq!(store.targets(), [1, 0, 2]);
        // Unsorted or into a non-empty store: the general path.
        store
            .add_owned(NewSynapses {
                pre: vec![1, 0].into(),
                post: vec![1, 1],
            })
            .unwrap();
        assert_eq!(store.pre_by_index(), [0, 2, 2, 1, 0]);
        let bad = NewSynapses {
            pre: vec![0].into(),
            post: vec![7],
        };
        assert!(SynapseStore::new(3, 3).add_owned(bad).is_err());
    }

    #[test]
    fn sources_as_runs_give_what_the_same_pairs_give() {
        let batches: [(&[i32], &[i32]); 4] = [
            (&[0, 0, 0, 2], &[1, 2, 0, 1]),
            (&[2, 3, 3], &[2, 0, 1]),
            // Before the last used source: the general path.
            (&[1, 1], &[0, 2]),
            (&[], &[]),
        ];
        let (mut by_runs, mut by_pairs) = (SynapseStore::new(4, 3), SynapseStore::new(4, 3));
        for (pre, post) in batches {
            let mut runs = Sources::default();
            pre.iter().for_each(|&s| runs.push(s));
            let a = by_runs.add_sources(&runs, post).unwrap();
            let b = by_pairs.add_pairs(pre, post).unwrap();
            assert_eq!((a.old_to_new, a.new_len), (b.old_to_new, b.new_len));
            assert_eq!(by_runs.offsets(), by_pairs.offsets());
            assert_eq!(by_runs.targets(), by_pairs.targets());
            assert_eq!(by_runs.pre_by_index(), by_pairs.pre_by_index());
        }
        let mut bad = Sources::default();
        bad.push_many(4, 2);
        let err = by_runs.add_sources(&bad, &[0, 0]).unwrap_err();
        assert!(err.to_string().contains('4'), "{err}");
        assert!(by_runs.add_sources(&bad, &[0]).is_err());
    }

    #[test]
    fn appending_after_a_reordering_extends_the_index_map() {
        // Synapse 0 (source 1) is stored after synapse 1 (source 0): an index map.
        let mut store = store_with(3, 2, &[1, 0], &[0, 1]);
        assert!(!store.index_is_slot());
        let renumbering = store.add_pairs(&[2, 2], &[1, 0]).unwrap();
        assert_eq!(renumbering.new_slots, NewSlots::Appended);
        assert_eq!(store.pre_by_index(), [1, 0, 2, 2]);
        assert_eq!(store.index_by_slot(), [1, 0, 2, 3]);
    }

    #[test]
    fn appending_later_sources_needs_no_index_map() {
        let mut store = store_with(4, 2, &[0, 1], &[0, 1]);
        let renumbering = store.add_pairs(&[1, 3], &[0, 0]).unwrap();
        assert!(renumbering.old_to_new.is_none());
        assert_eq!(renumbering.new_slots, NewSlots::Appended);
        assert_eq!(renumbering.new_len, 4);
        assert!(store.index_is_slot());
        assert_eq!(store.offsets(), [0, 1, 3, 3, 4]);
    }

    #[test]
    fn lookups_by_pre_post_and_multisynaptic_index() {
        // Creation order: (3,5) (1,5) (3,5) (3,2) (0,5)
        let store = store_with(4, 6, &[3, 1, 3, 3, 0], &[5, 5, 5, 2, 5]);
        assert_eq!(
            store.lookup(&Selection::One(3), &Selection::One(5), &Selection::All),
            [0, 2]
        );
        assert_eq!(
            store.lookup(&Selection::All, &Selection::One(5), &Selection::All),
            [0, 1, 2, 4]
        );
        assert_eq!(
            store.lookup(&Selection::One(3), &Selection::All, &Selection::All),
            [0, 2, 3]
        );
        assert_eq!(
            store.lookup(&Selection::One(3), &Selection::One(5), &Selection::One(1)),
            [2]
        );
        assert_eq!(
            store.lookup(
                &Selection::Slice {
                    start: 0,
                    stop: 4,
                    step: 2
                },
                &Selection::Many(vec![5, 2]),
                &Selection::All
            ),
            [4]
        );
        assert!(store
            .lookup(&Selection::One(2), &Selection::All, &Selection::All)
            .is_empty());
    }

    #[test]
    fn bad_input_is_an_error() {
        let mut store = SynapseStore::new(2, 2);
        assert!(matches!(
            store.add_pairs(&[0, 2], &[0, 0]),
            Err(StoreError::IndexOutOfRange {
                which: "pre",
                index: 2,
                ..
            })
        ));
        assert!(matches!(
            store.add_pairs(&[0], &[-1]),
            Err(StoreError::IndexOutOfRange { which: "post", .. })
        ));
        assert!(store.add_pairs(&[0], &[0, 1]).is_err());
        assert!(store.is_empty());
        store.add_column("w", Column::F64(vec![])).unwrap();
        assert!(store.add_column("w", Column::F64(vec![])).is_err());
        assert!(store.set_f64_by_index("w", &[1.0]).is_err());
        assert!(store.f64_column("v").is_err());
    }

    #[test]
    fn weight_and_small_delay_fit_in_sixteen_bytes() {
        let pre: Vec<i32> = (0..1000).flat_map(|i| [i; 50]).collect();
        let post: Vec<i32> = (0..50_000).map(|k| k % 1000).collect();
        let mut store = store_with(1000, 1000, &pre, &post);
        store.add_column("w", Column::F64(vec![])).unwrap();
        store.add_column("delay", Column::U16(vec![])).unwrap();
        let bytes = store.bytes_per_synapse();
        assert!(bytes < 16.0, "{bytes}");
    }
}
