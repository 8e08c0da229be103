//! Connection algorithms of `Synapses.connect`, as pure functions over index ranges.
//!
//! How conditions, probabilities and generator expressions are evaluated is not decided here:
//! the caller passes closures (or a [`GeneratorCallbacks`](super::generator::GeneratorCallbacks)) that the runtime will back with
//! compiled kernels. New synapses are pushed in creation order into a [`SynapseSink`]
//! (normally [`NewSynapses`]: sources as runs, targets as a `Vec<i32>`).
//!
//! Randomness comes from a [`UniformSource`]. The runtime is meant to plug in its Philox stream
//! keyed by (seed, object); [`SplitMix64`] is a small seeded generator for tests and for use
//! until then. Every algorithm draws a fixed sequence of numbers for a given input, so results
//! are reproducible from the seed.
//!
//! Brian2's semantics, followed here: a constant `p` without a condition is sampled by
//! geometric skipping (cost proportional to the synapses made); `p` with a condition samples
//! first and tests the condition on the sampled pairs only (Brian2 rewrites it as
//! `k for k in sample(N_post, p=p) if cond`). The generator syntax, built on the sampling
//! functions here, is in [`super::generator`].

use super::sources::Sources;
use crate::huge_pages::advise_huge_pages;
use thiserror::Error;

/// A stream of uniform numbers in `[0, 1)`.
///
/// The runtime implements it over its counter-based Philox generator so that connectivity is
/// keyed by (seed, object) like every other random number; [`SplitMix64`] serves meanwhile.
pub trait UniformSource {
    /// The next number, uniform in `[0, 1)`.
    fn uniform(&mut self) -> f64;

    /// `ln(1 - u)` of the next uniform `u` (the logarithm of a number in `(0, 1]`), as
    /// [`rheobase_codegen::vmath::log_f64`] computes it. Geometric skips take one per synapse
    /// made: a source that draws in batches can take the logarithms in batches too.
    fn log_of_complement(&mut self) -> f64 {
        rheobase_codegen::vmath::log_f64(1.0 - self.uniform())
    }
}

/// Steele, Lea and Flood's SplitMix64: a small, fast, seeded generator (not Philox; see
/// [`UniformSource`]).
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl UniformSource for SplitMix64 {
    fn uniform(&mut self) -> f64 {
        // The top 53 bits, scaled: every value is an exact multiple of 2^-53 in [0, 1).
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// Where new synapses go, in creation order.
pub trait SynapseSink {
    fn push(&mut self, pre: i32, post: i32);
    /// A hint that about `additional` synapses will follow.
    fn reserve(&mut self, _additional: usize) {}
    /// Whether the caller asked to stop (an interrupt); asked once per synapse made by the
    /// algorithms that test no condition (which would be asked instead).
    fn interrupted(&mut self) -> bool {
        false
    }
}

/// New synapses in creation order: the source and the target of each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewSynapses {
    pub pre: Sources,
    pub post: Vec<i32>,
}

impl NewSynapses {
    pub fn len(&self) -> usize {
        self.pre.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pre.is_empty()
    }
}

impl SynapseSink for NewSynapses {
    fn push(&mut self, pre: i32, post: i32) {
        self.pre.push(pre);
        self.post.push(post);
    }

    fn reserve(&mut self, additional: usize) {
        self.pre.reserve(additional);
        self.post.reserve(additional);
        advise_huge_pages(&self.post);
    }
}

/// Why a connect call failed. `text` is how the call was written (the generator string,
/// `i=[...], j=[...]`), so messages name the object's own text.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum ConnectError {
    #[error("connect({text}): index {name}={index} is outside the allowed range from 0 to {}{}",
        *.size as i64 - 1, if *.reads_target_variables { ", and the condition refers to a variable of that group" } else { "" })]
    IndexOutOfRange {
        /// `i` or `j`.
        name: &'static str,
        index: i64,
        size: usize,
        /// The index was checked because the condition reads variables of the group it indexes.
        reads_target_variables: bool,
        text: String,
    },
    #[error("connect({text}): requested sample size {size} is negative")]
    NegativeSampleSize { size: i64, text: String },
    #[error(
        "connect({text}): requested sample size {size} is bigger than the population size {population}"
    )]
    SampleTooLarge {
        size: i64,
        population: u64,
        text: String,
    },
    #[error("connect({text}): the step of range()/sample() must not be zero")]
    ZeroStep { text: String },
    #[error("connect({text}): the probability p={p} is not a number")]
    InvalidProbability { p: f64, text: String },
    #[error("connect({text}): the number of synapses n={n} for i={i}, j={j} is negative")]
    NegativeMultiplicity {
        n: i64,
        i: i64,
        j: i64,
        text: String,
    },
    #[error("connect({text}): cannot broadcast {pre} presynaptic indices, {post} postsynaptic indices and {n} values of n together")]
    LengthMismatch {
        pre: usize,
        post: usize,
        n: usize,
        text: String,
    },
    /// An error of the caller's evaluation (a failing kernel, a non-boolean condition).
    #[error("connect({text}): {message}")]
    Evaluation { message: String, text: String },
    /// The network's interrupt poll asked to stop; nothing was connected.
    #[error("connect({text})")]
    Interrupted { text: String },
}

pub(super) fn check_probability(p: f64, text: &str) -> Result<(), ConnectError> {
    if p.is_nan() {
        return Err(ConnectError::InvalidProbability {
            p,
            text: text.to_string(),
        });
    }
    Ok(())
}

/// Below this probability, skipping (one logarithm per hit) beats one draw per candidate.
const SKIPPING_THRESHOLD: f64 = 0.25;

/// Visit, in increasing order, each position of `0..count` chosen independently with
/// probability `p` (`p <= 0`: none, `p >= 1`: all). Small `p` uses geometric skipping, so the
/// cost is proportional to the positions chosen, not to `count`.
pub fn bernoulli_positions<E>(
    count: u64,
    p: f64,
    rng: &mut (impl UniformSource + ?Sized),
    mut visit: impl FnMut(u64) -> Result<(), E>,
) -> Result<(), E> {
    if count == 0 || p.is_nan() || p <= 0.0 {
        return Ok(());
    }
    if p >= 1.0 {
        for position in 0..count {
            visit(position)?;
        }
        return Ok(());
    }
    if p >= SKIPPING_THRESHOLD {
        for position in 0..count {
            if rng.uniform() < p {
                visit(position)?;
            }
        }
        return Ok(());
    }
    // The gap before the next hit is geometric: P(gap >= g) = (1-p)^g, so
    // gap = floor(ln(V) / ln(1-p)) with V uniform in (0, 1].
    // A multiplication by the inverse is cheaper than a division per hit.
    let inv_log_q = 1.0 / (-p).ln_1p();
    let mut position = 0u64;
    // Counts of pairs are products of two group sizes, far below 2^63: signed conversions
    // (one instruction each way, unlike unsigned ones on x86-64) are exact here.
    debug_assert!(count < 1 << 62);
    loop {
        // Non-negative, so truncation is the floor (and avoids a libm call per hit).
        let gap = rng.log_of_complement() * inv_log_q;
        if gap >= (count - position) as i64 as f64 {
            return Ok(());
        }
        position += gap as i64 as u64;
        visit(position)?;
        position += 1;
        if position >= count {
            return Ok(());
        }
    }
}

/// `size` distinct positions of `0..count`, in increasing order, every subset equally likely.
/// Requires `size <= count`.
pub fn sample_without_replacement(
    count: u64,
    size: u64,
    rng: &mut (impl UniformSource + ?Sized),
) -> Vec<u64> {
    debug_assert!(size <= count);
    if size == count {
        return (0..count).collect();
    }
    if size.saturating_mul(8) >= count {
        // Knuth's selection sampling (Algorithm S): one pass, output already sorted.
        let mut chosen = Vec::with_capacity(size as usize);
        for t in 0..count {
            let needed = size - chosen.len() as u64;
            if needed == 0 {
                break;
            }
            if ((count - t) as f64) * rng.uniform() < needed as f64 {
                chosen.push(t);
            }
        }
        return chosen;
    }
    // Floyd's algorithm: `size` draws, whatever `count` is.
    let mut chosen = std::collections::HashSet::with_capacity(size as usize);
    for upper in count - size..count {
        let t = ((upper + 1) as f64 * rng.uniform()) as u64;
        let t = t.min(upper);
        if !chosen.insert(t) {
            chosen.insert(upper);
        }
    }
    let mut chosen: Vec<u64> = chosen.into_iter().collect();
    chosen.sort_unstable();
    chosen
}

#[inline]
pub(super) fn push_repeated(sink: &mut (impl SynapseSink + ?Sized), pre: i32, post: i32, n: u32) {
    for _ in 0..n {
        sink.push(pre, post);
    }
}

/// (a) Every pair `(i, j)` for which `condition(i, j)` holds, `n` synapses each, in the order
/// of `i` then `j` (Brian2's order). Costs `n_pre * n_post` condition evaluations.
pub fn connect_all_pairs(
    n_pre: usize,
    n_post: usize,
    n: u32,
    mut condition: impl FnMut(i32, i32) -> Result<bool, ConnectError>,
    sink: &mut (impl SynapseSink + ?Sized),
) -> Result<(), ConnectError> {
    for i in 0..n_pre as i32 {
        for j in 0..n_post as i32 {
            if condition(i, j)? {
                push_repeated(sink, i, j, n);
            }
        }
    }
    Ok(())
}

/// (b) Each pair independently with probability `p`, `n` synapses each, without a condition.
/// Geometric skipping over the `n_pre * n_post` pairs: the cost is proportional to the number
/// of synapses made.
pub fn connect_probability(
    n_pre: usize,
    n_post: usize,
    p: f64,
    n: u32,
    rng: &mut (impl UniformSource + ?Sized),
    sink: &mut (impl SynapseSink + ?Sized),
    text: &str,
) -> Result<(), ConnectError> {
    check_probability(p, text)?;
    if n_post == 0 {
        return Ok(());
    }
    let pairs = n_pre as u64 * n_post as u64;
    let expected = (pairs as f64 * p.clamp(0.0, 1.0) * n as f64) as usize;
    sink.reserve(expected + expected / 64 + 16);
    let n_post = n_post as u64;
    // The row changes at most once per row: divide only then.
    let (mut row, mut row_start) = (0u64, 0u64);
    bernoulli_positions(pairs, p, rng, |position| {
        if position - row_start >= n_post {
            row = position / n_post;
            row_start = row * n_post;
        }
        push_repeated(sink, row as i32, (position - row_start) as i32, n);
        if sink.interrupted() {
            return Err(ConnectError::Interrupted {
                text: text.to_string(),
            });
        }
        Ok::<(), ConnectError>(())
    })
}

/// (c) Pairs that are sampled with probability `p` and then satisfy `condition`: Brian2's
/// `k for k in sample(N_post, p=p) if condition`. The condition is evaluated only for the
/// sampled pairs (which is what makes it cheap); a condition that draws random numbers itself
/// sees them in that order.
#[allow(clippy::too_many_arguments)]
pub fn connect_probability_with_condition(
    n_pre: usize,
    n_post: usize,
    p: f64,
    n: u32,
    mut condition: impl FnMut(i32, i32) -> Result<bool, ConnectError>,
    rng: &mut (impl UniformSource + ?Sized),
    sink: &mut (impl SynapseSink + ?Sized),
    text: &str,
) -> Result<(), ConnectError> {
    check_probability(p, text)?;
    if n_post == 0 {
        return Ok(());
    }
    let n_post = n_post as u64;
    bernoulli_positions(n_pre as u64 * n_post, p, rng, |position| {
        let (i, j) = ((position / n_post) as i32, (position % n_post) as i32);
        if condition(i, j)? {
            push_repeated(sink, i, j, n);
        }
        Ok(())
    })
}

/// (e) Explicit index arrays, broadcast against each other and against `n` as numpy does
/// (equal lengths, or length 1), each pair kept with probability `p`, then repeated `n` times.
/// Every index is range-checked first; nothing is added when one is out of range.
#[allow(clippy::too_many_arguments)]
pub fn connect_arrays(
    pre: &[i64],
    post: &[i64],
    n: &[i64],
    p: f64,
    n_pre: usize,
    n_post: usize,
    rng: &mut (impl UniformSource + ?Sized),
    sink: &mut (impl SynapseSink + ?Sized),
    text: &str,
) -> Result<(), ConnectError> {
    check_probability(p, text)?;
    let len = broadcast_len(&[pre.len(), post.len(), n.len()]).ok_or_else(|| {
        ConnectError::LengthMismatch {
            pre: pre.len(),
            post: post.len(),
            n: n.len(),
            text: text.to_string(),
        }
    })?;
    let at = |values: &[i64], k: usize| values[if values.len() == 1 { 0 } else { k }];
    for (values, name, size) in [(pre, "i", n_pre), (post, "j", n_post)] {
        if let Some(&bad) = values.iter().find(|&&x| x < 0 || x >= size as i64) {
            return Err(ConnectError::IndexOutOfRange {
                name,
                index: bad,
                size,
                reads_target_variables: false,
                text: text.to_string(),
            });
        }
    }
    for k in 0..len {
        let (i, j, count) = (at(pre, k), at(post, k), at(n, k));
        if count < 0 {
            return Err(ConnectError::NegativeMultiplicity {
                n: count,
                i,
                j,
                text: text.to_string(),
            });
        }
    }
    for k in 0..len {
        if p < 1.0 && rng.uniform() >= p {
            continue;
        }
        push_repeated(sink, at(pre, k) as i32, at(post, k) as i32, at(n, k) as u32);
    }
    Ok(())
}

/// numpy's broadcasting of 1-D lengths: all equal, or 1. `None` if they do not fit; an empty
/// array broadcasts to length 0.
fn broadcast_len(lengths: &[usize]) -> Option<usize> {
    let mut len = 1;
    for &l in lengths {
        if l == 1 {
            continue;
        }
        if len != 1 && l != len {
            return None;
        }
        len = l;
    }
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn all_pairs(n_pre: usize, n_post: usize, cond: impl Fn(i32, i32) -> bool) -> NewSynapses {
        let mut out = NewSynapses::default();
        connect_all_pairs(n_pre, n_post, 1, |i, j| Ok(cond(i, j)), &mut out).unwrap();
        out
    }

    #[test]
    fn splitmix_is_deterministic_and_uniform() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        let xs: Vec<f64> = (0..10_000).map(|_| a.uniform()).collect();
        assert!(xs.iter().all(|&x| (0.0..1.0).contains(&x)));
        assert_eq!(xs[..5], (0..5).map(|_| b.uniform()).collect::<Vec<_>>()[..]);
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        // Standard error of the mean is 1/sqrt(12 * 10^4) = 0.0029.
        assert!((mean - 0.5).abs() < 0.015, "{mean}");
    }

    #[test]
    fn all_pairs_with_condition() {
        let out = all_pairs(16, 16, |i, j| i != j);
        assert_eq!(out.len(), 240);
        assert!(out.pre.to_vec().iter().zip(&out.post).all(|(i, j)| i != j));
        assert!(out.pre.to_vec().windows(2).all(|w| w[0] <= w[1]));
        let mut twice = NewSynapses::default();
        connect_all_pairs(3, 2, 2, |_, _| Ok(true), &mut twice).unwrap();
        assert_eq!(twice.pre.to_vec(), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
        assert_eq!(twice.post, [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]);
    }

    #[test]
    fn probability_extremes() {
        let mut rng = SplitMix64::new(1);
        let mut out = NewSynapses::default();
        connect_probability(5, 7, 1.0, 1, &mut rng, &mut out, "p=1").unwrap();
        assert_eq!(out.len(), 35);
        let mut out = NewSynapses::default();
        connect_probability(5, 7, 0.0, 1, &mut rng, &mut out, "p=0").unwrap();
        assert!(out.is_empty());
        let err = connect_probability(5, 7, f64::NAN, 1, &mut rng, &mut out, "p=nan");
        assert!(matches!(err, Err(ConnectError::InvalidProbability { .. })));
    }

    /// Binomial bounds: |count - Np| < 5 sd.
    fn assert_binomial(count: usize, trials: f64, p: f64) {
        let mean = trials * p;
        let sd = (trials * p * (1.0 - p)).sqrt();
        assert!(
            (count as f64 - mean).abs() < 5.0 * sd,
            "{count} synapses, expected {mean} +- {sd}"
        );
    }

    #[test]
    fn constant_probability_4000_squared_is_binomial_and_cheap() {
        let (n, p) = (4000usize, 0.02);
        let mut rng = SplitMix64::new(2026);
        let mut out = NewSynapses::default();
        let t0 = Instant::now();
        connect_probability(n, n, p, 1, &mut rng, &mut out, "p=0.02").unwrap();
        let elapsed = t0.elapsed();
        println!(
            "connect 4000 x 4000, p = 0.02: {} synapses in {:.2} ms (debug build)",
            out.len(),
            elapsed.as_secs_f64() * 1e3
        );
        assert_binomial(out.len(), (n * n) as f64, p);
        // Sorted by (i, j), no duplicate pair.
        assert!(out
            .pre
            .to_vec()
            .iter()
            .zip(&out.post)
            .collect::<Vec<_>>()
            .windows(2)
            .all(|w| w[0] < w[1]));
        // Every row gets about N p targets: the per-row counts are binomial too.
        let mut per_row = vec![0usize; n];
        out.pre
            .to_vec()
            .iter()
            .for_each(|&i| per_row[i as usize] += 1);
        let mean = per_row.iter().sum::<usize>() as f64 / n as f64;
        assert!((mean - 80.0).abs() < 1.0, "{mean}");
        // The same seed gives the same synapses.
        let mut again = NewSynapses::default();
        connect_probability(n, n, p, 1, &mut SplitMix64::new(2026), &mut again, "").unwrap();
        assert_eq!(again, out);
    }

    #[test]
    fn skipping_and_direct_sampling_agree_statistically() {
        for p in [0.01, 0.2, 0.3, 0.9] {
            let mut count = 0u64;
            let mut by_position = vec![0u32; 100];
            let mut rng = SplitMix64::new(11);
            for _ in 0..2000 {
                bernoulli_positions(100, p, &mut rng, |k| {
                    count += 1;
                    by_position[k as usize] += 1;
                    Ok::<(), ()>(())
                })
                .unwrap();
            }
            assert_binomial(count as usize, 200_000.0, p);
            // No position is favoured: the first and last deciles get similar shares.
            let first: u32 = by_position[..10].iter().sum();
            let last: u32 = by_position[90..].iter().sum();
            assert_binomial(first as usize, 20_000.0, p);
            assert_binomial(last as usize, 20_000.0, p);
        }
    }

    #[test]
    fn probability_with_condition_filters_sampled_pairs() {
        let mut out = NewSynapses::default();
        let mut evaluated = 0usize;
        connect_probability_with_condition(
            400,
            400,
            0.1,
            1,
            |i, j| {
                evaluated += 1;
                Ok(i != j)
            },
            &mut SplitMix64::new(3),
            &mut out,
            "'i != j', p=0.1",
        )
        .unwrap();
        assert!(out.pre.to_vec().iter().zip(&out.post).all(|(i, j)| i != j));
        assert_binomial(out.len(), 400.0 * 399.0, 0.1);
        // Only the sampled pairs were tested, not all 160,000.
        assert_binomial(evaluated, 160_000.0, 0.1);
    }

    #[test]
    fn arrays_are_broadcast_checked_and_repeated() {
        let mut rng = SplitMix64::new(0);
        let mut out = NewSynapses::default();
        connect_arrays(&[1, 2], &[2, 1], &[1], 1.0, 3, 3, &mut rng, &mut out, "").unwrap();
        assert_eq!(
            (out.pre.to_vec().clone(), out.post.clone()),
            (vec![1, 2], vec![2, 1])
        );
        let mut out = NewSynapses::default();
        connect_arrays(&[0], &[0, 1, 2], &[2], 1.0, 3, 3, &mut rng, &mut out, "").unwrap();
        assert_eq!(out.pre.to_vec(), [0; 6]);
        assert_eq!(out.post, [0, 0, 1, 1, 2, 2]);
        let err = connect_arrays(
            &[0, 5],
            &[1, 1],
            &[1],
            1.0,
            3,
            3,
            &mut rng,
            &mut out,
            "i=[0, 5], j=[1, 1]",
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("i=5"), "{message}");
        assert!(message.contains("i=[0, 5], j=[1, 1]"), "{message}");
        assert!(message.contains("0 to 2"), "{message}");
        let err = connect_arrays(&[0, 1], &[0, 1, 2], &[1], 1.0, 3, 3, &mut rng, &mut out, "");
        assert!(matches!(err, Err(ConnectError::LengthMismatch { .. })));
        let err = connect_arrays(&[0], &[0], &[-1], 1.0, 3, 3, &mut rng, &mut out, "");
        assert!(matches!(
            err,
            Err(ConnectError::NegativeMultiplicity { .. })
        ));
    }

    #[test]
    fn fixed_size_samples_are_distinct_sorted_and_uniform() {
        let mut rng = SplitMix64::new(5);
        let mut hits = [0u32; 50];
        for size in [0u64, 1, 3, 10, 40, 50] {
            for _ in 0..200 {
                let s = sample_without_replacement(50, size, &mut rng);
                assert_eq!(s.len() as u64, size);
                assert!(s.windows(2).all(|w| w[0] < w[1]));
                assert!(s.iter().all(|&x| x < 50));
                if size == 3 {
                    s.iter().for_each(|&x| hits[x as usize] += 1);
                }
            }
        }
        // 600 draws over 50 values: 12 each on average.
        assert!(hits.iter().all(|&h| h < 40), "{hits:?}");
    }
}
