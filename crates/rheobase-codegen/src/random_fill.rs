//! Draws for a run of consecutive elements at once: the same numbers as [`crate::random`]
//! gives one element at a time, bit for bit, but the Philox blocks of several elements are
//! computed side by side ([`philox4x32_10_words`], which the compiler vectorises) and the
//! work that depends only on a distribution's parameters is done once per run.
//!
//! Element `first + k` goes to `out[k]`; `first + out.len()` must not exceed
//! [`random::MAX_ELEMENT`] (callers check the range once per kernel call).

use crate::philox::philox4x32_10_words;
use crate::random::{self, BinomialPlan, DrawPoint, PoissonPlan};

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
        for lane in 0..LANES.min(count - done) {
            let x = words[0][lane] | words[1][lane] << 32;
            let y = words[2][lane] | words[3][lane] << 32;
            sink(done + lane, x, y);
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
    if plan.inverts() {
        fill_uniform(key, step, first, site, out);
        for (k, slot) in out.iter_mut().enumerate() {
            let d = point(key, step, first + k as u64, site);
            let u = *slot;
            *slot = plan.draw(&d, || u);
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
    if plan.inverts() {
        fill_uniform(key, step, first, site, out);
        for (k, slot) in out.iter_mut().enumerate() {
            let d = point(key, step, first + k as u64, site);
            let u = *slot;
            *slot = plan.draw(&d, || u);
        }
    } else {
        for (k, slot) in out.iter_mut().enumerate() {
            let d = point(key, step, first + k as u64, site);
            *slot = plan.draw(&d, || random::uniform(&d));
        }
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
        for lambda in [0.0, 0.3, 9.5, 10.0, 40.0, -1.0, f64::NAN] {
            check(
                "poisson",
                |f, o| fill_poisson(KEY, step, f, 3, lambda, o),
                |d| random::poisson(d, lambda),
            );
        }
        for (n, p) in [
            (1000.0, 0.002),
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
