//! The target windows of a split delivery: where each thread's window of target indices
//! starts ([`balanced_cuts`]), and, for pathways whose events are whole rows with ascending
//! targets, where those cuts fall in each source's row ([`row_cuts`]), so that the delivered
//! list can be grouped by window ([`Rows::group_by_window`]) and each thread runs only its
//! part (`rheobase_codegen::Split::ByTargetParts`).

use super::store::SynapseStore;
use crate::kernel::RunnableKernel;
use crate::state::{ArrayData, ArrayStore};
use rheobase_codegen::Splittable;

/// The target index at which each thread's window of a split delivery starts (after the
/// first's, which starts at 0), balancing the synapses each window receives
/// ([`balanced_cuts`]). Kept across runs while the synapses and the thread count stay the
/// same.
pub(super) struct TargetCuts {
    /// The thread count they were made for.
    pub threads: usize,
    pub cuts: Vec<usize>,
    /// Where each cut falls in each source's row, when every row's targets ascend: the
    /// offset in source `s`'s row of its first synapse whose target is `cuts[k]` or more is
    /// `row_cuts[s * cuts.len() + k]`. With them each thread gets only its part of each
    /// spiking row, instead of reading every row to skip the other windows' synapses. Made
    /// for pathways with one delay, whose events come as whole rows.
    pub row_cuts: Option<Vec<u32>>,
    /// Whether the pathway had one delay when these were made (see `row_cuts`).
    pub one_delay: bool,
}

/// Where to cut a pathway's targets for threaded delivery into `parts` windows, if its
/// kernel writes only its synapses' own elements and targets gathered through one index
/// array; `None` if the kernel does not allow it. With `rows` (the pathway's synapses and
/// slot map) the cuts are also found in each row ([`row_cuts`], on `pool`).
pub(super) fn target_cuts(
    kernel: &RunnableKernel,
    store: &ArrayStore,
    parts: usize,
    rows: Option<(&SynapseStore, Option<&[i32]>)>,
    pool: &rayon::ThreadPool,
) -> Option<TargetCuts> {
    let Splittable::ByGather(gather) = kernel.splittable() else {
        return None;
    };
    let ArrayData::I32(targets) = store.get(kernel.store_of(gather)?) else {
        return None;
    };
    let cuts = balanced_cuts(targets.as_slice(), parts);
    if cuts.is_empty() {
        return None;
    }
    // Rows too short to share between the windows are not worth their cuts' memory (one
    // offset per source and cut, more than the rows themselves when rows are short).
    let long_rows = |csr: &SynapseStore| csr.len() >= MIN_ROW_PER_WINDOW * parts * csr.n_pre();
    let row_cuts = rows
        .filter(|(csr, _)| long_rows(csr))
        .and_then(|(csr, index_by_slot)| {
            pool.install(|| row_cuts(csr, index_by_slot, targets, &cuts))
        });
    Some(TargetCuts {
        threads: parts,
        cuts,
        row_cuts,
        one_delay: rows.is_some(),
    })
}

/// Least synapses per row and window, on average, for the rows to be cut
/// ([`TargetCuts::row_cuts`]).
const MIN_ROW_PER_WINDOW: usize = 4;

/// Sources whose rows one task of [`row_cuts`] looks at.
const SOURCES_PER_TASK: usize = 4096;

/// [`TargetCuts::row_cuts`]: where each of `cuts` falls in each source's row of `targets`
/// (by synapse index), or `None` if some row's targets do not ascend (or one is negative,
/// or a row is too long for the offsets).
fn row_cuts(
    csr: &SynapseStore,
    index_by_slot: Option<&[i32]>,
    targets: &[i32],
    cuts: &[usize],
) -> Option<Vec<u32>> {
    use rayon::prelude::*;
    let mut out = vec![0u32; csr.n_pre() * cuts.len()];
    let all_ascend = out
        .par_chunks_mut(SOURCES_PER_TASK * cuts.len())
        .enumerate()
        .all(|(task, offsets)| {
            let mut gathered = Vec::new();
            offsets
                .chunks_mut(cuts.len())
                .enumerate()
                .all(|(k, row_offsets)| {
                    let slots = csr.slots_of(task * SOURCES_PER_TASK + k);
                    let row = match index_by_slot {
                        None => targets.get(slots),
                        Some(map) => {
                            let indices = map.get(slots).unwrap_or(&[]);
                            gathered.clear();
                            gathered.extend(indices.iter().map_while(|&i| {
                                usize::try_from(i).ok().and_then(|i| targets.get(i))
                            }));
                            (gathered.len() == indices.len()).then_some(&gathered[..])
                        }
                    };
                    row.is_some_and(|row| cut_row(row, cuts, row_offsets))
                })
        });
    all_ascend.then_some(out)
}

/// Writes where each of `cuts` falls in `row` into `offsets`; false if the row's targets do
/// not ascend, one is negative or the row is too long.
fn cut_row(row: &[i32], cuts: &[usize], offsets: &mut [u32]) -> bool {
    // Without early exits, so that the loop runs several targets at a time.
    let ascends = row.windows(2).fold(true, |ok, w| ok & (w[0] <= w[1]));
    if !ascends || row.first().is_some_and(|&t| t < 0) || u32::try_from(row.len()).is_err() {
        return false;
    }
    for (offset, &cut) in offsets.iter_mut().zip(cuts) {
        *offset = row.partition_point(|&t| (t as usize) < cut) as u32;
    }
    true
}

/// A pathway's rows with the cuts of a split delivery.
pub(super) struct Rows<'a> {
    pub csr: &'a SynapseStore,
    pub index_by_slot: Option<&'a [i32]>,
    pub cuts: &'a [usize],
    pub row_cuts: &'a [u32],
}

impl Rows<'_> {
    /// Appends the synapse indices of the rows of `sources` (spiking, in delivery order) to
    /// `out` grouped by the window their targets lie in, each part in delivery order (each
    /// source's part of its row, sources in spike order), and the ends of the parts but the
    /// last to `ends` ([`rheobase_codegen::Split::ByTargetParts`]).
    pub fn group_by_window(&self, sources: &[u32], out: &mut Vec<i32>, ends: &mut Vec<usize>) {
        let windows = self.cuts.len() + 1;
        for window in 0..windows {
            for &source in sources {
                let slots = self.csr.slots_of(source as usize);
                let cut = |k: usize| self.row_cuts[source as usize * self.cuts.len() + k];
                let start = if window == 0 {
                    0
                } else {
                    cut(window - 1) as usize
                };
                let end = if window + 1 == windows {
                    slots.len()
                } else {
                    cut(window) as usize
                };
                let part = slots.start + start..slots.start + end;
                match self.index_by_slot {
                    None => out.extend(part.start as i32..part.end as i32),
                    Some(map) => out.extend_from_slice(&map[part]),
                }
            }
            if window + 1 < windows {
                ends.push(out.len());
            }
        }
    }
}

/// Target values seen at most for the cuts (of more, every k-th block of [`SAMPLED_BLOCK`],
/// a cache line of 4-byte targets).
const MAX_SAMPLED: usize = 1 << 16;
const SAMPLED_BLOCK: usize = 16;

/// `parts - 1` ascending cuts that give each window `cuts[k - 1]..cuts[k]` about the same
/// number of `targets` (quantiles of a sample of them; empty if there is none). Where the
/// cuts fall changes how the work is shared, never a result.
fn balanced_cuts(targets: &[i32], parts: usize) -> Vec<usize> {
    let stride = (targets.len() / MAX_SAMPLED).max(1) * SAMPLED_BLOCK;
    let mut sample: Vec<usize> = (0..targets.len())
        .step_by(stride)
        .flat_map(|block| &targets[block..(block + SAMPLED_BLOCK).min(targets.len())])
        .filter_map(|&t| usize::try_from(t).ok())
        .collect();
    if sample.is_empty() || parts < 2 {
        return Vec::new();
    }
    sample.sort_unstable();
    (1..parts)
        .map(|k| sample[k * sample.len() / parts])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::EventId;
    use crate::state::StoreId;
    use crate::synapses::pathway::{PathwayOp, Role};

    /// Cuts fall at quantiles of the targets (ascending, one fewer than the windows),
    /// whether all targets are sampled or only blocks of them; negative ones are left out.
    #[test]
    fn cuts_balance_the_targets_windows_receive() {
        let few: Vec<i32> = (0..1000).map(|k| k % 100).collect();
        assert_eq!(balanced_cuts(&few, 2), vec![50]);
        assert_eq!(balanced_cuts(&few, 4), vec![25, 50, 75]);
        // Most synapses onto the first ten targets: the first window stays narrow.
        let skewed: Vec<i32> = (0..1000)
            .map(|k| if k % 10 == 0 { k / 10 } else { k % 10 })
            .collect();
        let cuts = balanced_cuts(&skewed, 2);
        assert!(cuts[0] < 10, "{cuts:?}");
        // Sampled in blocks: a large array's quantiles still come out close.
        let many: Vec<i32> = (0..3_000_000u64)
            .map(|k| (k * 7919 % 1000) as i32)
            .collect();
        let cuts = balanced_cuts(&many, 2);
        assert!((450..=550).contains(&cuts[0]), "{cuts:?}");
        assert!(balanced_cuts(&[], 2).is_empty());
        assert!(balanced_cuts(&[-1, -2], 2).is_empty());
        assert!(balanced_cuts(&few, 1).is_empty());
    }

    /// A pathway over `sources` sources whose synapses (in source order) target `targets`.
    fn pathway_with_rows(sources: usize, pre: Vec<i32>, post: &[i32]) -> PathwayOp {
        let mut op = PathwayOp::new(
            "s_pre".into(),
            Role::Pre,
            EventId(0),
            0..sources,
            100,
            StoreId(0),
            true,
            None,
            0,
        );
        op.add_synapses(&pre.into(), post).unwrap();
        op
    }

    /// Each cut falls at the first synapse of a row whose target reaches it; rows whose
    /// targets do not ascend (or negative targets) leave no row cuts.
    #[test]
    fn rows_are_cut_where_their_targets_reach_each_cut() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        // Rows: source 0 -> [1, 4, 4, 9], source 1 -> [], source 2 -> [5, 6].
        let targets = [1, 4, 4, 9, 5, 6];
        let op = pathway_with_rows(3, vec![0, 0, 0, 0, 2, 2], &targets);
        let cut = |targets: &[i32], cuts: &[usize]| {
            pool.install(|| row_cuts(&op.csr, None, targets, cuts))
        };
        assert_eq!(cut(&targets, &[4]), Some(vec![1, 0, 0]));
        assert_eq!(cut(&targets, &[4, 6]), Some(vec![1, 3, 0, 0, 0, 1]));
        assert_eq!(cut(&targets, &[0, 100]), Some(vec![0, 4, 0, 0, 0, 2]));
        assert_eq!(cut(&[1, 4, 3, 9, 5, 6], &[4]), None);
        assert_eq!(cut(&[-1, 4, 4, 9, 5, 6], &[4]), None);
        // Through a slot map: the rows' targets are read at their synapse indices.
        let map = [5, 4, 3, 2, 1, 0];
        let reversed = [6, 5, 9, 4, 4, 1];
        let mapped = pool.install(|| row_cuts(&op.csr, Some(&map), &reversed, &[4]));
        assert_eq!(mapped, Some(vec![1, 0, 0]));
    }

    /// Grouped by window, each part keeps delivery order: each spiking source's part of its
    /// row, sources in spike order.
    #[test]
    fn delivered_synapses_group_by_window_in_delivery_order() {
        // Rows: source 0 -> slots 0..4 (targets 1, 4, 4, 9), source 1 -> slots 4..6 (5, 6).
        let targets = [1, 4, 4, 9, 5, 6];
        let op = pathway_with_rows(2, vec![0, 0, 0, 0, 1, 1], &targets);
        let cuts = [5];
        let row_cuts = [3, 0];
        let rows = Rows {
            csr: &op.csr,
            index_by_slot: None,
            cuts: &cuts,
            row_cuts: &row_cuts,
        };
        let (mut out, mut ends) = (Vec::new(), Vec::new());
        rows.group_by_window(&[1, 0], &mut out, &mut ends);
        // Window ..5: source 0's slots 0..3; window 5..: source 1's slots 4..6, then source
        // 0's slot 3.
        assert_eq!(out, [0, 1, 2, 4, 5, 3]);
        assert_eq!(ends, [3]);
    }
}
