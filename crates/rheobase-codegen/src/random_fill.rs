//! Draws for a run of consecutive elements at once: the same numbers as [`crate::random`]
//! gives one element at a time, bit for bit, but the Philox blocks of several elements are
//! computed side by side ([`philox4x32_10_words`], which the compiler vectorises) and the
//! work that depends only on a distribution's parameters is done once per run.
//!
//! Element `first + k` goes to `out[k]`; `first + out.len()` must not exceed
//! [`random::MAX_ELEMENT`] (callers check the range once per kernel call).

use crate::philox::philox4x32_10_words;
use crate::random::{self, BinomialPlan, DrawPoint, InversionTable, PoissonPlan};

/// Blocks computed side by side.
const LANES: usize = 16;

/// The first two words of block 0 of elements `first..first + count` (as one u64 each, the
/// layout of `DrawPoint::block`), passed to `sink(k, x, y)`.
fn first_blocks(
    key: u64,
    step: u64,
    first: u64,
    site: u32,
    count: usize,
    mut sink: impl FnMut(usize, u64, u64),
) {
    let key_words = [key as u32, (key >> 32) as u32];
    let high = (step >> 32) & 0xffff;
    let mut done = 0;
    while done < count {
        // Past the end the counters are computed and dropped (wrapping is harmless).
        let mut words = [
            std::array::from_fn(|lane| first.wrapping_add((done + lane) as u64) & 0xffff_ffff),
            [u64::from(site); LANES],
            [step & 0xffff_ffff; LANES],
            [high; LANES],
        ];
        philox4x32_10_words(&mut words, key_words);
        let [w0, w1, w2, w3] = &words;
        let lanes = w0.iter().zip(w1).zip(w2.iter().zip(w3));
        for (lane, ((a, b), (c, d))) in lanes.take(count - done).enumerate() {
            sink(done + lane, a | b << 32, c | d << 32);
        }
        done += LANES;
    }
}

fn point(key: u64, step: u64, idx: u64, site: u32) -> DrawPoint {
    DrawPoint {
        key,
        step,
        idx,
        site,
    }
}

/// `rand()` of each element.
pub fn fill_uniform(key: u64, step: u64, first: u64, site: u32, out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2 (checked just above), all `avx2::fill_uniform` requires.
        unsafe { avx2::fill_uniform(key, step, first, site, out) };
        return;
    }
    fill_uniform_portable(key, step, first, site, out);
}

fn fill_uniform_portable(key: u64, step: u64, first: u64, site: u32, out: &mut [f64]) {
    first_blocks(key, step, first, site, out.len(), |k, x, _| {
        out[k] = random::unit_closed_open(x);
    });
}

/// `randn()` of each element.
pub fn fill_normal(key: u64, step: u64, first: u64, site: u32, out: &mut [f64]) {
    first_blocks(key, step, first, site, out.len(), |k, x, y| {
        out[k] = random::normal_of_words(x, y);
    });
}

/// `poisson(lambda)` of each element, for one `lambda`.
pub fn fill_poisson(key: u64, step: u64, first: u64, site: u32, lambda: f64, out: &mut [f64]) {
    let plan = PoissonPlan::new(lambda);
    if let Some(mut table) = InversionTable::poisson(&plan) {
        fill_uniform(key, step, first, site, out);
        for slot in out.iter_mut() {
            *slot = table.draw(*slot);
        }
    } else {
        for (k, slot) in out.iter_mut().enumerate() {
            let d = point(key, step, first + k as u64, site);
            *slot = plan.draw(&d, || random::uniform(&d));
        }
    }
}

/// `binomial(n, p)` of each element, for one `n` and `p`.
pub fn fill_binomial(key: u64, step: u64, first: u64, site: u32, n: f64, p: f64, out: &mut [f64]) {
    let plan = BinomialPlan::new(n, p);
    if let Some(mut table) = InversionTable::binomial(&plan) {
        fill_uniform(key, step, first, site, out);
        for slot in out.iter_mut() {
            *slot = table.draw(*slot);
        }
    } else {
        for (k, slot) in out.iter_mut().enumerate() {
            let d = point(key, step, first + k as u64, site);
            *slot = plan.draw(&d, || random::uniform(&d));
        }
    }
}

/// Uniforms eight Philox blocks at a time in AVX2 lanes, which the portable code cannot use
/// without `-C target-cpu` (about three times faster than its SSE2 vectorisation). Each 32-bit
/// word sits in a 64-bit lane; `vpmuludq` multiplies the low halves only, so the high halves
/// may hold anything until the words are masked at the end. The same operations as the native
/// tier's `rb_uniforms` (`native/prelude.rs`).
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use crate::philox::{KEY_BUMP, MULTIPLIER, ROUNDS};

    /// [`super::fill_uniform`] on a CPU with AVX2.
    #[target_feature(enable = "avx2")]
    pub fn fill_uniform(key: u64, step: u64, first: u64, site: u32, out: &mut [f64]) {
        let m0 = _mm256_set1_epi64x(i64::from(MULTIPLIER[0]));
        let m1 = _mm256_set1_epi64x(i64::from(MULTIPLIER[1]));
        let (mut k0, mut k1) = (key as u32, (key >> 32) as u32);
        let mut keys = [(_mm256_setzero_si256(), _mm256_setzero_si256()); ROUNDS];
        for round_keys in keys.iter_mut() {
            *round_keys = (
                _mm256_set1_epi64x(i64::from(k0)),
                _mm256_set1_epi64x(i64::from(k1)),
            );
            k0 = k0.wrapping_add(KEY_BUMP[0]);
            k1 = k1.wrapping_add(KEY_BUMP[1]);
        }
        let site_v = _mm256_set1_epi64x(i64::from(site));
        let step_low = _mm256_set1_epi64x((step & 0xffff_ffff) as i64);
        let step_high = _mm256_set1_epi64x(((step >> 32) & 0xffff) as i64);
        let low32 = _mm256_set1_epi64x(0xffff_ffff);
        let magic = _mm256_set1_epi64x(0x4330_0000_0000_0000);
        let lanes = _mm256_setr_epi64x(0, 1, 2, 3);
        let two52 = _mm256_set1_pd(4_503_599_627_370_496.0);
        let two21 = _mm256_set1_pd(2_097_152.0);
        let scale = _mm256_set1_pd(1.0 / 9_007_199_254_740_992.0);
        let mut chunks = out.chunks_exact_mut(8);
        let mut done = first;
        for chunk in &mut chunks {
            let mut c0 = [0, 4]
                .map(|v| _mm256_add_epi64(_mm256_set1_epi64x(done.wrapping_add(v) as i64), lanes));
            let mut c1 = [site_v; 2];
            let mut c2 = [step_low; 2];
            let mut c3 = [step_high; 2];
            for &(k0, k1) in &keys {
                for v in 0..2 {
                    let p0 = _mm256_mul_epu32(c0[v], m0);
                    let p1 = _mm256_mul_epu32(c2[v], m1);
                    c0[v] =
                        _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1[v]), k0);
                    c2[v] =
                        _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3[v]), k1);
                    c1[v] = p1;
                    c3[v] = p0;
                }
            }
            for v in 0..2 {
                // (w0 | w1 << 32) >> 11 = w1 * 2^21 + (w0 >> 11), both parts exact doubles.
                let w1 = _mm256_or_si256(_mm256_and_si256(c1[v], low32), magic);
                let w0 =
                    _mm256_or_si256(_mm256_srli_epi64(_mm256_and_si256(c0[v], low32), 11), magic);
                let high = _mm256_sub_pd(_mm256_castsi256_pd(w1), two52);
                let low = _mm256_sub_pd(_mm256_castsi256_pd(w0), two52);
                let u = _mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(high, two21), low), scale);
                let (a, b) = (_mm256_castpd256_pd128(u), _mm256_extractf128_pd(u, 1));
                chunk[4 * v] = _mm_cvtsd_f64(a);
                chunk[4 * v + 1] = _mm_cvtsd_f64(_mm_unpackhi_pd(a, a));
                chunk[4 * v + 2] = _mm_cvtsd_f64(b);
                chunk[4 * v + 3] = _mm_cvtsd_f64(_mm_unpackhi_pd(b, b));
            }
            done = done.wrapping_add(8);
        }
        super::fill_uniform_portable(key, step, done, site, chunks.into_remainder());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: u64 = 0x0123_4567_89ab_cdef;

    fn same_bits(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    fn check(name: &str, fill: impl Fn(u64, &mut [f64]), one: impl Fn(&DrawPoint) -> f64) {
        for (first, count) in [
            (0, 0),
            (0, 1),
            (5, 2),
            (7, 3),
            (0, 9),
            (100, 17),
            (3, 3000),
            ((1 << 32) - 20, 20),
        ] {
            let mut out = vec![f64::NAN; count];
            fill(first, &mut out);
            for (k, &got) in out.iter().enumerate() {
                let want = one(&point(KEY, 12_345, first + k as u64, 3));
                assert!(
                    same_bits(got, want),
                    "{name} at {first}+{k}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn runs_give_the_draws_of_single_elements() {
        let step = 12_345;
        check(
            "uniform",
            |f, o| fill_uniform(KEY, step, f, 3, o),
            random::uniform,
        );
        check(
            "normal",
            |f, o| fill_normal(KEY, step, f, 3, o),
            random::normal,
        );
        for lambda in [0.0, 1e-300, 0.3, 9.5, 9.999, 10.0, 40.0, -1.0, f64::NAN] {
            check(
                "poisson",
                |f, o| fill_poisson(KEY, step, f, 3, lambda, o),
                |d| random::poisson(d, lambda),
            );
        }
        for (n, p) in [
            (1000.0, 0.002),
            (7.0, 1.0),
            (3.0, 0.5),
            (1e9, 9e-9),
            (1.0, 0.999),
            (10.0, 0.9),
            (100.0, 0.3),
            (5.5, 0.1),
            (3.0, 2.0),
            (0.0, 0.5),
        ] {
            check(
                "binomial",
                |f, o| fill_binomial(KEY, step, f, 3, n, p, o),
                |d| random::binomial(d, n, p),
            );
        }
    }

    #[test]
    fn the_portable_uniforms_are_the_vector_ones() {
        let mut a = vec![0.0; 45];
        let mut b = vec![1.0; 45];
        fill_uniform(KEY, 77, 3, 2, &mut a);
        fill_uniform_portable(KEY, 77, 3, 2, &mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn high_steps_use_the_same_counter_layout() {
        let step = (1 << 40) + 17;
        let mut out = [0.0; 3];
        fill_uniform(KEY, step, 4, 9, &mut out);
        for (k, &u) in out.iter().enumerate() {
            assert_eq!(
                u.to_bits(),
                random::uniform(&point(KEY, step, 4 + k as u64, 9)).to_bits()
            );
        }
    }
}
