//! Random numbers derived from Philox blocks: the same (seed, stream, step, element, call site)
//! gives the same number in every backend and for every thread count.
//!
//! # Key and counter layout
//!
//! * Key (2 x 32 bits): [`stream_key`] = `fmix64(seed ^ fmix64(stream ^ GOLDEN))`, low word
//!   first. `fmix64` (the MurmurHash3 finaliser) is a bijection of u64, so for a fixed stream
//!   distinct seeds give distinct keys and for a fixed seed distinct streams give distinct keys;
//!   pairs differing in both collide only by chance (2^-64).
//! * Counter (4 x 32 bits) of block `b` of a draw:
//!   `[idx, site, step & 0xffff_ffff, (step >> 32) & 0xffff | b << 16]`
//!   with `idx < 2^32` ([`MAX_ELEMENT`]), `step < 2^48` ([`MAX_STEP`], 890 years at dt = 0.1 ms)
//!   and `b < 2^16` ([`MAX_BLOCKS`]). Callers check the first two limits (kernel calls fail with
//!   `BadCall` beyond them), so every (seed, stream, step, idx, site) owns 65536 counter blocks.
//!
//! # Distributions
//!
//! * uniform: the first 64-bit word of block 0, top 53 bits, times 2^-53: [0, 1).
//! * normal: Box-Muller on block 0: `u1 = (top53(w0) + 1) * 2^-53` in (0, 1] (so `log(u1)` is
//!   finite), `u2 = top53(w1) * 2^-53`; returns `sqrt(-2 ln u1) * cos(2 pi u2)`.
//! * poisson(lambda): inversion by sequential search with one uniform for lambda < 10; PTRS
//!   (Hoermann 1993, transformed rejection with squeeze, exact) for lambda >= 10, one block
//!   (two uniforms) per trial, blocks 0, 1, 2, ... in order.
//! * binomial(n, p): uses symmetry for p > 1/2; inversion with one uniform for n p < 10; BTRS
//!   (Hoermann 1993, exact transformed rejection) otherwise, one block per trial.
//!
//! Invalid parameters (lambda < 0 or non-finite; n not a non-negative integer; p outside
//! [0, 1]) give NaN, and so do lambda and n above 2^53, where f64 no longer holds every
//! integer. The rejection tests compare logarithms of size about `lambda ln lambda`, so their
//! rounding error grows in proportion to the mean: about 10^-4 (relative, in the acceptance
//! probability) at lambda = 10^10, negligible for the means of spiking-network models. Rejection loops stop after [`MAX_BLOCKS`] trials with NaN (probability below
//! 10^-60000). The inversion searches stop when the pmf term underflows, which can only move
//! draws whose uniform lies within rounding error (about 2^-52) of 1.

use crate::philox::philox4x32_10;

/// Steps must be below this for random draws (48 bits of the counter).
pub const MAX_STEP: u64 = 1 << 48;
/// Element indices must be below this for random draws (32 bits of the counter).
pub const MAX_ELEMENT: u64 = 1 << 32;
/// Counter blocks available to one draw.
pub const MAX_BLOCKS: u32 = 1 << 16;

/// 2^53: above it f64 does not hold every integer.
const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;
const TWO_POW_MINUS_53: f64 = 1.0 / (1u64 << 53) as f64;
/// Inversion below this mean (Poisson) or n p (binomial); transformed rejection above.
const INVERSION_LIMIT: f64 = 10.0;

/// MurmurHash3's 64-bit finaliser: a bijection with full avalanche.
fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// The Philox key of a (seed, stream) pair, packed as `k0 | k1 << 32`.
pub fn stream_key(seed: u64, stream: u64) -> u64 {
    fmix64(seed ^ fmix64(stream ^ 0x9E37_79B9_7F4A_7C15))
}

/// Where one random number comes from: key, step, element and call site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrawPoint {
    /// From [`stream_key`].
    pub key: u64,
    pub step: u64,
    pub idx: u64,
    pub site: u32,
}

impl DrawPoint {
    /// Block `b` of this draw as two 64-bit words.
    pub(crate) fn block(&self, b: u32) -> (u64, u64) {
        let counter = [
            self.idx as u32,
            self.site,
            self.step as u32,
            ((self.step >> 32) as u32 & 0xffff) | (b << 16),
        ];
        let key = [self.key as u32, (self.key >> 32) as u32];
        let w = philox4x32_10(counter, key);
        (
            u64::from(w[0]) | u64::from(w[1]) << 32,
            u64::from(w[2]) | u64::from(w[3]) << 32,
        )
    }

    /// Two uniforms on [0, 1) from block `b`.
    fn uniforms(&self, b: u32) -> (f64, f64) {
        let (x, y) = self.block(b);
        (unit_closed_open(x), unit_closed_open(y))
    }
}

/// Top 53 bits as a float in [0, 1).
pub(crate) fn unit_closed_open(x: u64) -> f64 {
    (x >> 11) as f64 * TWO_POW_MINUS_53
}

/// Top 53 bits as a float in (0, 1].
pub(crate) fn unit_open_closed(x: u64) -> f64 {
    ((x >> 11) + 1) as f64 * TWO_POW_MINUS_53
}

/// Uniform on [0, 1) with 53 random bits.
pub fn uniform(d: &DrawPoint) -> f64 {
    unit_closed_open(d.block(0).0)
}

/// Standard normal by Box-Muller.
pub fn normal(d: &DrawPoint) -> f64 {
    let (x, y) = d.block(0);
    normal_of_words(x, y)
}

/// Box-Muller on the two words of block 0.
pub(crate) fn normal_of_words(x: u64, y: u64) -> f64 {
    let radius = libm::sqrt(-2.0 * libm::log(unit_open_closed(x)));
    radius * libm::cos(std::f64::consts::TAU * unit_closed_open(y))
}

/// Poisson with mean `lambda` (as f64; NaN for an invalid mean).
pub fn poisson(d: &DrawPoint, lambda: f64) -> f64 {
    PoissonPlan::new(lambda).draw(d, || uniform(d))
}

/// The work of [`poisson`] that depends only on the mean, done once for many draws.
#[derive(Clone, Copy, Debug)]
pub enum PoissonPlan {
    Invalid,
    /// Inversion from `exp(-lambda)`.
    Inversion {
        lambda: f64,
        first_term: f64,
    },
    Ptrs(Ptrs),
}

/// The constants of PTRS for one mean.
#[derive(Clone, Copy, Debug)]
pub struct Ptrs {
    lambda: f64,
    loglam: f64,
    a: f64,
    b: f64,
    inv_alpha: f64,
    v_r: f64,
}

impl PoissonPlan {
    pub fn new(lambda: f64) -> PoissonPlan {
        if !(0.0..=MAX_EXACT_INTEGER).contains(&lambda) {
            return PoissonPlan::Invalid;
        }
        if lambda < INVERSION_LIMIT {
            return PoissonPlan::Inversion {
                lambda,
                first_term: libm::exp(-lambda),
            };
        }
        let slam = libm::sqrt(lambda);
        let b = 0.931 + 2.53 * slam;
        PoissonPlan::Ptrs(Ptrs {
            lambda,
            loglam: libm::log(lambda),
            a: -0.059 + 0.02483 * b,
            b,
            inv_alpha: 1.1239 + 1.1328 / (b - 3.4),
            v_r: 0.9277 - 3.6224 / (b - 2.0),
        })
    }

    /// The draw at `d`; `first_uniform` must give `uniform(d)` (called only when needed).
    pub fn draw(&self, d: &DrawPoint, first_uniform: impl FnOnce() -> f64) -> f64 {
        match *self {
            PoissonPlan::Invalid => f64::NAN,
            PoissonPlan::Inversion { lambda, first_term } => {
                poisson_inversion(first_uniform(), lambda, first_term)
            }
            PoissonPlan::Ptrs(ref c) => poisson_ptrs(d, c),
        }
    }
}

/// Smallest k with u < F(k), summing the pmf from `first_term = exp(-lambda)`.
fn poisson_inversion(u: f64, lambda: f64, first_term: f64) -> f64 {
    let mut k = 0.0;
    let mut term = first_term;
    let mut cdf = term;
    while u >= cdf && term > 0.0 {
        k += 1.0;
        term *= lambda / k;
        cdf += term;
    }
    k
}

/// PTRS: W. Hoermann, "The transformed rejection method for generating Poisson random
/// variables", Insurance: Mathematics and Economics 12 (1993).
fn poisson_ptrs(d: &DrawPoint, c: &Ptrs) -> f64 {
    let Ptrs {
        lambda,
        loglam,
        a,
        b,
        inv_alpha,
        v_r,
    } = *c;
    for block in 0..MAX_BLOCKS {
        let (u, v) = d.uniforms(block);
        let u = u - 0.5;
        let us = 0.5 - u.abs();
        let k = libm::floor((2.0 * a / us + b) * u + lambda + 0.43);
        if us >= 0.07 && v <= v_r {
            return k;
        }
        if k < 0.0 || (us < 0.013 && v > us) {
            continue;
        }
        // log(0) = -inf accepts, as it should (v = 0 lies under every density).
        let lhs = libm::log(v) + libm::log(inv_alpha) - libm::log(a / (us * us) + b);
        if lhs <= -lambda + k * loglam - libm::lgamma(k + 1.0) {
            return k;
        }
    }
    f64::NAN
}

/// Binomial(n, p) (as f64; NaN for invalid parameters).
pub fn binomial(d: &DrawPoint, n: f64, p: f64) -> f64 {
    BinomialPlan::new(n, p).draw(d, || uniform(d))
}

/// The work of [`binomial`] that depends only on `n` and `p`, done once for many draws.
#[derive(Clone, Copy, Debug)]
pub struct BinomialPlan {
    n: f64,
    /// `min(p, 1 - p)`; NaN marks invalid parameters.
    p: f64,
    /// Whether `p > 1/2` (the draw is `n` minus one with `1 - p`).
    flipped: bool,
    /// `(1 - p)^n` for inversion, `None` for BTRS.
    first_term: Option<f64>,
}

impl BinomialPlan {
    pub fn new(n: f64, p: f64) -> BinomialPlan {
        let n_valid = (0.0..=MAX_EXACT_INTEGER).contains(&n) && n == libm::trunc(n);
        if !n_valid || !(0.0..=1.0).contains(&p) {
            return BinomialPlan {
                n,
                p: f64::NAN,
                flipped: false,
                first_term: None,
            };
        }
        let flipped = p > 0.5;
        let p = if flipped { 1.0 - p } else { p };
        // With p <= 1/2 and n p < 10, q^n >= e^-14 cannot underflow.
        let first_term = (n * p < INVERSION_LIMIT).then(|| libm::exp(n * libm::log1p(-p)));
        BinomialPlan {
            n,
            p,
            flipped,
            first_term,
        }
    }

    /// The draw at `d`; `first_uniform` must give `uniform(d)` (called only when needed).
    pub fn draw(&self, d: &DrawPoint, first_uniform: impl FnOnce() -> f64) -> f64 {
        if self.p.is_nan() {
            return f64::NAN;
        }
        let k = match self.first_term {
            Some(first_term) => binomial_inversion(first_uniform(), self.n, self.p, first_term),
            None => binomial_btrs(d, self.n, self.p),
        };
        if self.flipped {
            self.n - k
        } else {
            k
        }
    }
}

/// Smallest k with u < F(k), summing the pmf from `first_term = (1 - p)^n`.
fn binomial_inversion(u: f64, n: f64, p: f64, first_term: f64) -> f64 {
    let ratio = p / (1.0 - p);
    let mut k = 0.0;
    let mut term = first_term;
    let mut cdf = term;
    while u >= cdf && k < n && term > 0.0 {
        term *= (n - k) / (k + 1.0) * ratio;
        k += 1.0;
        cdf += term;
    }
    k
}

/// The inversion search of a Poisson or binomial plan for many uniforms: the cumulative
/// sums do not depend on the uniform, so they are computed once, as far as some draw needs
/// them, with the very operations of [`poisson_inversion`] and [`binomial_inversion`] in the
/// same order (the same bits), and each draw is a search without divisions.
#[derive(Clone, Debug)]
pub(crate) struct InversionTable {
    /// After `j` steps: the sum `F(j)`, and whether the search stops there whatever the
    /// uniform (the term underflowed, or `k` reached `n`).
    sums: Vec<(f64, bool)>,
    /// The first [`FAST_STEPS`] sums, `+inf` from the first stop on: non-decreasing, so the
    /// number of them at most `u` is the draw when it is below `FAST_STEPS` (counted without
    /// branches; a search loop mispredicts its exit about once per draw).
    fast: [f64; FAST_STEPS],
    k: f64,
    term: f64,
    cdf: f64,
    kind: TableKind,
}

const FAST_STEPS: usize = 8;

#[derive(Clone, Copy, Debug)]
enum TableKind {
    Poisson { lambda: f64 },
    Binomial { n: f64, ratio: f64, flipped: bool },
}

impl InversionTable {
    /// The table of `plan`, if it draws by inversion.
    pub(crate) fn poisson(plan: &PoissonPlan) -> Option<InversionTable> {
        let PoissonPlan::Inversion { lambda, first_term } = *plan else {
            return None;
        };
        Some(Self::start(first_term, TableKind::Poisson { lambda }))
    }

    /// The table of `plan`, if it draws by inversion.
    pub(crate) fn binomial(plan: &BinomialPlan) -> Option<InversionTable> {
        let first_term = plan.first_term.filter(|_| !plan.p.is_nan())?;
        let kind = TableKind::Binomial {
            n: plan.n,
            ratio: plan.p / (1.0 - plan.p),
            flipped: plan.flipped,
        };
        Some(Self::start(first_term, kind))
    }

    fn start(first_term: f64, kind: TableKind) -> InversionTable {
        let mut table = InversionTable {
            sums: Vec::new(),
            fast: [f64::INFINITY; FAST_STEPS],
            k: 0.0,
            term: first_term,
            cdf: first_term,
            kind,
        };
        table.record();
        while table.sums.len() < FAST_STEPS && !table.sums[table.sums.len() - 1].1 {
            table.step();
        }
        for (fast, &(cdf, stops)) in table.fast.iter_mut().zip(&table.sums) {
            if stops {
                break;
            }
            *fast = cdf;
        }
        table
    }

    /// Appends the state after the steps so far.
    fn record(&mut self) {
        let goes_on = match self.kind {
            TableKind::Poisson { .. } => self.term > 0.0,
            TableKind::Binomial { n, .. } => self.k < n && self.term > 0.0,
        };
        self.sums.push((self.cdf, !goes_on));
    }

    fn step(&mut self) {
        match self.kind {
            TableKind::Poisson { lambda } => {
                self.k += 1.0;
                self.term *= lambda / self.k;
            }
            TableKind::Binomial { n, ratio, .. } => {
                self.term *= (n - self.k) / (self.k + 1.0) * ratio;
                self.k += 1.0;
            }
        }
        self.cdf += self.term;
        self.record();
    }

    /// The draw for uniform `u`: what the plan's `draw` gives when its uniform is `u`.
    pub(crate) fn draw(&mut self, u: f64) -> f64 {
        let mut j = self
            .fast
            .iter()
            .map(|&cdf| usize::from(u >= cdf))
            .sum::<usize>();
        if j == FAST_STEPS {
            // Every one of the first sums is at most `u` and none stopped: search on.
            loop {
                if j == self.sums.len() {
                    self.step();
                }
                let (cdf, stops) = self.sums[j];
                if u < cdf || stops {
                    break;
                }
                j += 1;
            }
        }
        let k = j as f64;
        match self.kind {
            TableKind::Binomial {
                n, flipped: true, ..
            } => n - k,
            _ => k,
        }
    }
}

/// `ln k! - (ln sqrt(2 pi) + (k + 1/2) ln(k + 1) - (k + 1))`, the tail of Stirling's series.
fn stirling_tail(k: f64) -> f64 {
    const HALF_LN_TWO_PI: f64 = 0.918_938_533_204_672_8;
    if k < 10.0 {
        return libm::lgamma(k + 1.0)
            - (HALF_LN_TWO_PI + (k + 0.5) * libm::log(k + 1.0) - (k + 1.0));
    }
    let kp1 = k + 1.0;
    let kp1sq = kp1 * kp1;
    (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / kp1sq) / kp1sq) / kp1
}

/// BTRS: W. Hoermann, "The generation of binomial random variates", J. Statist. Comput.
/// Simul. 46 (1993). Requires p <= 1/2 and n p >= 10.
fn binomial_btrs(d: &DrawPoint, n: f64, p: f64) -> f64 {
    let q = 1.0 - p;
    let spq = libm::sqrt(n * p * q);
    let b = 1.15 + 2.53 * spq;
    let a = -0.0873 + 0.0248 * b + 0.01 * p;
    let c = n * p + 0.5;
    let alpha = (2.83 + 5.1 / b) * spq;
    let v_r = 0.92 - 4.2 / b;
    let r = p / q;
    let m = libm::floor((n + 1.0) * p);
    for block in 0..MAX_BLOCKS {
        let (u, v) = d.uniforms(block);
        let u = u - 0.5;
        let us = 0.5 - u.abs();
        let k = libm::floor((2.0 * a / us + b) * u + c);
        if k < 0.0 || k > n {
            continue;
        }
        if us >= 0.07 && v <= v_r {
            return k;
        }
        let v = libm::log(v * alpha / (a / (us * us) + b));
        // log(f(k) / f(m)) for the binomial pmf f, via Stirling's series.
        let bound = (m + 0.5) * libm::log((m + 1.0) / (r * (n - m + 1.0)))
            + (n + 1.0) * libm::log((n - m + 1.0) / (n - k + 1.0))
            + (k + 0.5) * libm::log(r * (n - k + 1.0) / (k + 1.0))
            + stirling_tail(m)
            + stirling_tail(n - m)
            - stirling_tail(k)
            - stirling_tail(n - k);
        if v <= bound {
            return k;
        }
    }
    f64::NAN
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAWS: u64 = 100_000;

    fn point(idx: u64, site: u32) -> DrawPoint {
        DrawPoint {
            key: stream_key(42, 7),
            step: 3,
            idx,
            site,
        }
    }

    fn moments(f: impl Fn(&DrawPoint) -> f64) -> (f64, f64) {
        let xs: Vec<f64> = (0..DRAWS).map(|i| f(&point(i, 1))).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        (mean, var)
    }

    /// Mean within 5 standard errors, variance within 5 % (plenty for 10^5 draws).
    fn assert_moments(name: &str, (mean, var): (f64, f64), want_mean: f64, want_var: f64) {
        let se = (want_var / DRAWS as f64).sqrt();
        assert!(
            (mean - want_mean).abs() < 5.0 * se,
            "{name}: mean {mean} vs {want_mean}"
        );
        assert!(
            (var - want_var).abs() < 0.05 * want_var,
            "{name}: variance {var} vs {want_var}"
        );
    }

    #[test]
    fn uniform_is_in_unit_interval_with_right_moments() {
        let m = moments(|d| {
            let u = uniform(d);
            assert!((0.0..1.0).contains(&u));
            u
        });
        assert_moments("uniform", m, 0.5, 1.0 / 12.0);
    }

    #[test]
    fn normal_has_zero_mean_unit_variance_and_is_finite() {
        let m = moments(|d| {
            let x = normal(d);
            assert!(x.is_finite());
            x
        });
        assert_moments("normal", m, 0.0, 1.0);
    }

    #[test]
    fn normal_of_the_extreme_uniforms_is_finite() {
        assert_eq!(unit_open_closed(0), TWO_POW_MINUS_53);
        assert_eq!(unit_open_closed(u64::MAX), 1.0);
        assert!(libm::sqrt(-2.0 * libm::log(unit_open_closed(0))).is_finite());
    }

    #[test]
    fn poisson_moments_small_and_large_means() {
        for lambda in [0.01, 0.5, 3.0, 9.9, 10.0, 25.0, 1000.0, 1e6] {
            let m = moments(|d| poisson(d, lambda));
            assert_moments(&format!("poisson({lambda})"), m, lambda, lambda);
        }
    }

    #[test]
    fn poisson_pmf_matches_for_ptrs() {
        // Chi-square-like check of the frequencies near the mode for lambda = 15.
        let lambda = 15.0_f64;
        let mut counts = [0u64; 40];
        for i in 0..DRAWS {
            let k = poisson(&point(i, 2), lambda) as usize;
            if k < counts.len() {
                counts[k] += 1;
            }
        }
        for (k, &c) in counts.iter().enumerate().skip(8).take(15) {
            let kf = k as f64;
            let pmf = (-lambda + kf * lambda.ln() - libm::lgamma(kf + 1.0)).exp();
            let expected = pmf * DRAWS as f64;
            assert!(
                (c as f64 - expected).abs() < 5.0 * expected.sqrt(),
                "k = {k}: {c} vs {expected}"
            );
        }
    }

    #[test]
    fn binomial_moments_across_methods() {
        for (n, p) in [
            (10.0, 0.3),
            (1000.0, 0.001),
            (50.0, 0.9),
            (100.0, 0.2),
            (10_000.0, 0.5),
            (1e7, 0.01),
            (7.0, 1.0),
            (7.0, 0.0),
        ] {
            let m = moments(|d| {
                let k = binomial(d, n, p);
                assert!((0.0..=n).contains(&k) && k == k.trunc());
                k
            });
            let var = n * p * (1.0 - p);
            if var == 0.0 {
                assert_eq!(m, (n * p, 0.0));
            } else {
                assert_moments(&format!("binomial({n}, {p})"), m, n * p, var);
            }
        }
    }

    #[test]
    fn binomial_pmf_matches_for_btrs() {
        let (n, p) = (60.0_f64, 0.3_f64);
        let mut counts = [0u64; 61];
        for i in 0..DRAWS {
            counts[binomial(&point(i, 3), n, p) as usize] += 1;
        }
        for (k, &c) in counts.iter().enumerate().skip(10).take(16) {
            let kf = k as f64;
            let ln_pmf =
                libm::lgamma(n + 1.0) - libm::lgamma(kf + 1.0) - libm::lgamma(n - kf + 1.0)
                    + kf * p.ln()
                    + (n - kf) * (1.0 - p).ln();
            let expected = ln_pmf.exp() * DRAWS as f64;
            assert!(
                (c as f64 - expected).abs() < 5.0 * expected.sqrt(),
                "k = {k}: {c} vs {expected}"
            );
        }
    }

    #[test]
    fn invalid_parameters_give_nan() {
        let d = point(0, 0);
        assert!(poisson(&d, -1.0).is_nan());
        assert!(poisson(&d, f64::NAN).is_nan());
        assert!(poisson(&d, f64::INFINITY).is_nan());
        assert_eq!(poisson(&d, 0.0), 0.0);
        assert!(binomial(&d, 2.5, 0.5).is_nan());
        assert!(binomial(&d, -1.0, 0.5).is_nan());
        assert!(binomial(&d, 10.0, 1.5).is_nan());
        assert!(binomial(&d, 10.0, f64::NAN).is_nan());
        assert!(binomial(&d, 1e17, 0.5).is_nan());
        assert!(poisson(&d, 1e17).is_nan());
        assert!(poisson(&d, 1e12).is_finite());
    }

    #[test]
    fn draws_are_deterministic_and_depend_on_every_coordinate() {
        let base = point(5, 9);
        assert_eq!(uniform(&base).to_bits(), uniform(&point(5, 9)).to_bits());
        assert_eq!(normal(&base).to_bits(), normal(&base).to_bits());
        assert_eq!(poisson(&base, 50.0), poisson(&base, 50.0));
        let variants = [
            DrawPoint { idx: 6, ..base },
            DrawPoint { site: 10, ..base },
            DrawPoint { step: 4, ..base },
            DrawPoint {
                step: 3 + (1 << 32),
                ..base
            },
            DrawPoint {
                key: stream_key(43, 7),
                ..base
            },
            DrawPoint {
                key: stream_key(42, 8),
                ..base
            },
        ];
        for v in variants {
            assert_ne!(uniform(&v), uniform(&base), "{v:?}");
        }
    }

    #[test]
    fn successive_blocks_are_distinct_counters() {
        let d = point(1, 1);
        assert_ne!(d.block(0), d.block(1));
        let high_step = DrawPoint {
            step: MAX_STEP - 1,
            ..d
        };
        assert_ne!(high_step.block(0), high_step.block(1));
    }
}
