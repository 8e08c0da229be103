//! Comparison of simulated spikes with Brian2's reference numbers, shared by the examples
//! (`#[path = "common/compare.rs"] mod compare;`). Pure Rust: it needs nothing of the engine.
//!
//! Deterministic models are compared spike by spike, with a tolerance for floating-point
//! rounding only: Brian2's own cython and numpy targets already differ by rounding, which can
//! move a threshold crossing by one step or add/remove one spike of a neuron sitting exactly at
//! its rheobase. Anything beyond that is a real disagreement.

// Shared by several examples; each uses only part of it.
#![allow(dead_code)]

use std::fmt::Write as _;

/// How far a simulation may stray from the reference and still agree with it.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    /// Largest allowed |count - reference count| for one neuron.
    pub max_count_diff: u32,
    /// Fraction of neurons (at least one neuron) whose count may differ at all.
    pub max_count_mismatch_fraction: f64,
    /// Largest allowed |step - reference step| of a first spike (or of any matched spike).
    pub max_step_diff: u32,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            max_count_diff: 1,
            max_count_mismatch_fraction: 0.01,
            max_step_diff: 1,
        }
    }
}

/// Per-neuron spike counts, first-spike steps and full trains (as step indices) from a spike
/// monitor's parallel arrays of neuron indices and spike times in seconds.
pub struct SpikeSummary {
    pub counts: Vec<u32>,
    pub first_steps: Vec<Option<u32>>,
    pub trains: Vec<Vec<u32>>,
}

impl SpikeSummary {
    /// Fails on an index outside the group or a time that is not on the dt grid, both of which
    /// mean the monitor's data are not what the comparison assumes.
    pub fn from_monitor(
        n: usize,
        indices: &[usize],
        times_s: &[f64],
        dt_s: f64,
    ) -> Result<Self, String> {
        if indices.len() != times_s.len() {
            return Err(format!(
                "{} indices but {} times",
                indices.len(),
                times_s.len()
            ));
        }
        let mut trains = vec![Vec::new(); n];
        for (&i, &t) in indices.iter().zip(times_s) {
            let steps = t / dt_s;
            let step = steps.round();
            if (steps - step).abs() > 1e-6 || step < 0.0 {
                return Err(format!(
                    "spike time {t} s of neuron {i} is not a multiple of dt = {dt_s} s"
                ));
            }
            let train = trains
                .get_mut(i)
                .ok_or_else(|| format!("neuron index {i} outside 0..{n}"))?;
            train.push(step as u32);
        }
        for train in &mut trains {
            train.sort_unstable();
        }
        Ok(SpikeSummary {
            counts: trains.iter().map(|t| t.len() as u32).collect(),
            first_steps: trains.iter().map(|t| t.first().copied()).collect(),
            trains,
        })
    }
}

/// The outcome of comparing one group (or one regime) with its reference.
#[derive(Debug, Default)]
pub struct Comparison {
    pub label: String,
    pub n: usize,
    pub total_expected: u64,
    pub total_got: u64,
    /// (neuron, expected, got) for every neuron whose count differs.
    pub count_mismatches: Vec<(usize, u32, u32)>,
    /// (neuron, expected, got) for every first spike that is not within tolerance.
    pub first_spike_mismatches: Vec<(usize, Option<u32>, Option<u32>)>,
    pub failures: Vec<String>,
}

impl Comparison {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// A few lines for the terminal: totals, exact matches and the first few disagreements.
    pub fn report(&self) -> String {
        let mut out = String::new();
        let exact = self.n - self.count_mismatches.len();
        let _ = writeln!(
            out,
            "{}: {} spikes (Brian2 {}), counts identical for {}/{} neurons: {}",
            self.label,
            self.total_got,
            self.total_expected,
            exact,
            self.n,
            if self.passed() { "OK" } else { "MISMATCH" }
        );
        for (i, want, got) in self.count_mismatches.iter().take(5) {
            let _ = writeln!(out, "  neuron {i}: {got} spikes, Brian2 {want}");
        }
        for (i, want, got) in self.first_spike_mismatches.iter().take(5) {
            let _ = writeln!(
                out,
                "  neuron {i}: first spike at step {got:?}, Brian2 {want:?}"
            );
        }
        for failure in &self.failures {
            let _ = writeln!(out, "  FAIL {failure}");
        }
        out
    }
}

/// Compares counts and first-spike steps with the reference under `tol`.
pub fn compare_spikes(
    label: &str,
    expected_counts: &[u32],
    expected_first: &[Option<u32>],
    got: &SpikeSummary,
    tol: Tolerance,
) -> Comparison {
    let n = expected_counts.len();
    let mut c = Comparison {
        label: label.to_string(),
        n,
        ..Comparison::default()
    };
    if got.counts.len() != n || expected_first.len() != n {
        c.failures.push(format!(
            "group has {} neurons, reference {}",
            got.counts.len(),
            n
        ));
        return c;
    }
    c.total_expected = expected_counts.iter().map(|&k| u64::from(k)).sum();
    c.total_got = got.counts.iter().map(|&k| u64::from(k)).sum();
    for (i, (&want, &have)) in expected_counts.iter().zip(&got.counts).enumerate() {
        if want != have {
            c.count_mismatches.push((i, want, have));
            if want.abs_diff(have) > tol.max_count_diff {
                c.failures
                    .push(format!("neuron {i}: {have} spikes, Brian2 {want}"));
            }
        }
    }
    let allowed = ((tol.max_count_mismatch_fraction * n as f64).ceil() as usize).max(1);
    if c.count_mismatches.len() > allowed {
        c.failures.push(format!(
            "{} neurons have a different spike count (at most {allowed} allowed)",
            c.count_mismatches.len()
        ));
    }
    for (i, (&want, &have)) in expected_first.iter().zip(&got.first_steps).enumerate() {
        let within = match (want, have) {
            (Some(a), Some(b)) => a.abs_diff(b) <= tol.max_step_diff,
            (None, None) => true,
            // Silent in one and not the other: only a neuron at its rheobase, whose count
            // mismatch (0 against a few) is already judged above.
            (None, Some(_)) | (Some(_), None) => {
                expected_counts[i].abs_diff(got.counts[i]) <= tol.max_count_diff
            }
        };
        if !within {
            c.first_spike_mismatches.push((i, want, have));
            c.failures.push(format!(
                "neuron {i}: first spike at step {have:?}, Brian2 {want:?}"
            ));
        }
    }
    c
}

/// Fraction of the reference spikes that have a simulated spike of the same neuron within
/// `max_step_diff` steps (each simulated spike matched at most once, in time order).
pub fn train_agreement(expected: &[&[u32]], got: &[Vec<u32>], max_step_diff: u32) -> f64 {
    let mut matched = 0usize;
    let mut total = 0usize;
    for (want, have) in expected.iter().zip(got) {
        total += want.len();
        let mut next = 0;
        for &step in want.iter() {
            while next < have.len() && have[next] + max_step_diff < step {
                next += 1;
            }
            if next < have.len() && have[next].abs_diff(step) <= max_step_diff {
                matched += 1;
                next += 1;
            }
        }
    }
    if total == 0 {
        1.0
    } else {
        matched as f64 / total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(counts: &[u32], first: &[Option<u32>]) -> SpikeSummary {
        SpikeSummary {
            counts: counts.to_vec(),
            first_steps: first.to_vec(),
            trains: vec![],
        }
    }

    #[test]
    fn summary_from_monitor_groups_by_neuron_and_sorts() {
        let s = SpikeSummary::from_monitor(3, &[2, 0, 2], &[0.0005, 0.0009, 0.0001], 1e-4).unwrap();
        assert_eq!(s.counts, vec![1, 0, 2]);
        assert_eq!(s.first_steps, vec![Some(9), None, Some(1)]);
        assert_eq!(s.trains[2], vec![1, 5]);
    }

    #[test]
    fn summary_rejects_bad_monitor_data() {
        assert!(SpikeSummary::from_monitor(2, &[5], &[0.0], 1e-4).is_err());
        assert!(SpikeSummary::from_monitor(2, &[0], &[0.00015], 1e-4).is_err());
        assert!(SpikeSummary::from_monitor(2, &[0, 1], &[0.0], 1e-4).is_err());
    }

    #[test]
    fn identical_spikes_pass() {
        let c = compare_spikes(
            "x",
            &[0, 3],
            &[None, Some(7)],
            &summary(&[0, 3], &[None, Some(7)]),
            Tolerance::default(),
        );
        assert!(c.passed(), "{}", c.report());
        assert_eq!(c.total_got, 3);
    }

    #[test]
    fn one_step_and_one_spike_of_rounding_pass_but_more_fails() {
        let want = [0u32, 3, 10];
        let first = [None, Some(7), Some(2)];
        let ok = compare_spikes(
            "x",
            &want,
            &first,
            &summary(&[1, 3, 10], &[Some(900), Some(8), Some(2)]),
            Tolerance::default(),
        );
        assert!(ok.passed(), "{}", ok.report());
        let far = compare_spikes(
            "x",
            &want,
            &first,
            &summary(&[0, 3, 10], &[None, Some(9), Some(2)]),
            Tolerance::default(),
        );
        assert!(!far.passed());
        let many = compare_spikes(
            "x",
            &want,
            &first,
            &summary(&[0, 5, 10], &[None, Some(7), Some(2)]),
            Tolerance::default(),
        );
        assert!(!many.passed());
    }

    #[test]
    fn too_many_neurons_off_by_one_fail() {
        let want = vec![5u32; 200];
        let first = vec![Some(3); 200];
        let mut counts = want.clone();
        counts[0] = 6;
        counts[1] = 6;
        let two = compare_spikes(
            "x",
            &want,
            &first,
            &summary(&counts, &first),
            Tolerance::default(),
        );
        assert!(two.passed(), "{}", two.report());
        counts[2] = 4;
        let three = compare_spikes(
            "x",
            &want,
            &first,
            &summary(&counts, &first),
            Tolerance::default(),
        );
        assert!(!three.passed());
    }

    #[test]
    fn train_agreement_counts_spikes_within_a_step() {
        let want: [&[u32]; 2] = [&[10, 20, 30], &[5]];
        let got = vec![vec![11, 20, 40], vec![5]];
        assert!((train_agreement(&want, &got, 1) - 0.75).abs() < 1e-12);
        assert_eq!(train_agreement(&want, &[vec![10, 20, 30], vec![5]], 0), 1.0);
    }
}
