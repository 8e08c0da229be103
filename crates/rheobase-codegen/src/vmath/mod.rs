//! The exponential and logarithm family (`exp`, `expm1`, `log`, `exprel`) written once,
//! branch-free, over an abstract lane type ([`Lanes`]), so that one description gives the
//! scalar Rust functions the interpreter (and constant folding) calls, the Cranelift IR the
//! JIT emits inline (scalar or two lanes at a time) and the C of the native tier. All execute
//! the same IEEE operations in the same order (no reassociation; fused multiply-adds only
//! where the algorithm says so, and those are correctly rounded everywhere: a hardware
//! instruction or libm's `fma`), so they agree bit for bit.
//!
//! `exp`, `expm1` and `exprel` reduce by `ln 2` with a two-part constant (`expm1` and
//! `exprel` carry the rounding error of the reduced argument too), then sum the Taylor series of `e^r - 1` by
//! Estrin's scheme with fused multiply-adds: short dependency chains and no division, so that
//! a long element loop (the HH model calls them ten times per neuron) runs at the vector
//! units' throughput. `expm1`/`exprel` reduce with `k = trunc(x / ln 2)` so that
//! `(2^k - 1) + 2^k (e^r - 1)` never cancels. `log` is fdlibm's (Sun's public-domain
//! polynomial, as in musl). Branches are computed side by side and chosen with selects, and
//! `2^k` is applied as two exact halves where results overflow or become subnormal. Accuracy
//! (tested against libm below): at most 2 ulp everywhere, including subnormal inputs and
//! results (`exp`, `expm1` and `log` within 1 ulp on the test inputs); infinities and NaN as
//! IEEE and libm.

mod algorithms;
mod scalar;

pub use algorithms::{exp, expm1, exprel, log};
pub use scalar::ScalarLanes;

/// Arithmetic on one or more f64 lanes, as one backend sees it. `F` holds f64 lanes, `I` the
/// same number of i64 lanes, `M` a lane mask (the result of a comparison).
pub trait Lanes {
    type F: Copy;
    type I: Copy;
    type M: Copy;

    fn splat(&mut self, c: f64) -> Self::F;
    fn splat_int(&mut self, c: i64) -> Self::I;
    fn add(&mut self, a: Self::F, b: Self::F) -> Self::F;
    fn sub(&mut self, a: Self::F, b: Self::F) -> Self::F;
    fn mul(&mut self, a: Self::F, b: Self::F) -> Self::F;
    fn div(&mut self, a: Self::F, b: Self::F) -> Self::F;
    /// `a * b + c` with one rounding (fused multiply-add, correctly rounded on every backend).
    fn fma(&mut self, a: Self::F, b: Self::F, c: Self::F) -> Self::F;
    /// Rounds toward zero to an integral value.
    fn trunc(&mut self, a: Self::F) -> Self::F;
    /// Ordered comparisons (false when either side is NaN).
    fn lt(&mut self, a: Self::F, b: Self::F) -> Self::M;
    fn gt(&mut self, a: Self::F, b: Self::F) -> Self::M;
    fn eq(&mut self, a: Self::F, b: Self::F) -> Self::M;
    /// True where `a` is NaN.
    fn is_nan(&mut self, a: Self::F) -> Self::M;
    fn or(&mut self, a: Self::M, b: Self::M) -> Self::M;
    /// `m ? a : b` per lane.
    fn select(&mut self, m: Self::M, a: Self::F, b: Self::F) -> Self::F;
    fn to_bits(&mut self, a: Self::F) -> Self::I;
    fn bits_to_float(&mut self, a: Self::I) -> Self::F;
    /// Wrapping integer addition and subtraction.
    fn iadd(&mut self, a: Self::I, b: Self::I) -> Self::I;
    fn isub(&mut self, a: Self::I, b: Self::I) -> Self::I;
    fn iand(&mut self, a: Self::I, b: Self::I) -> Self::I;
    fn shl(&mut self, a: Self::I, by: u8) -> Self::I;
    /// Logical (unsigned) right shift.
    fn ushr(&mut self, a: Self::I, by: u8) -> Self::I;
}

/// The scalar entry points: compiled a second time for FMA where the CPU has it, since
/// without it every fused multiply-add of the algorithms is a call into libm (about 50 ns
/// per `exp` instead of about 5). The same bits either way.
macro_rules! scalar_entry {
    ($(#[$doc:meta])* $name:ident, $fma_name:ident, $algorithm:ident) => {
        $(#[$doc])*
        pub fn $name(x: f64) -> f64 {
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("fma") {
                // SAFETY: the CPU has FMA (checked just above).
                return unsafe { $fma_name(x) };
            }
            $algorithm(&mut ScalarLanes, x)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "fma")]
        fn $fma_name(x: f64) -> f64 {
            $algorithm(&mut ScalarLanes, x)
        }
    };
}

scalar_entry!(
    /// `e^x` on one f64.
    exp_f64, exp_f64_fma, exp
);
scalar_entry!(
    /// `e^x - 1` on one f64.
    expm1_f64, expm1_f64_fma, expm1
);
scalar_entry!(
    /// `ln x` on one f64.
    log_f64, log_f64_fma, log
);
scalar_entry!(
    /// `(e^x - 1) / x` (1 at 0) on one f64.
    exprel_f64, exprel_f64_fma, exprel
);

/// `ln` of each value, in place: the same bits as [`log_f64`] on each, computed several
/// lanes at a time where the CPU allows (connect takes a logarithm per synapse made).
pub fn log_in_place(values: &mut [f64]) {
    let (at, n) = (values.as_mut_ptr(), values.len());
    // SAFETY: `at` is valid for reading and writing `n` values; in and out are the same.
    unsafe { map_values(MathOf::Log, at, at, n) }
}

/// One of the functions the block forms below apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathOf {
    Exp,
    Expm1,
    Exprel,
    Log,
}

/// `out[i] = f(x[i])` for each of the `n` values: the same bits as the scalar functions
/// ([`exp_f64`], ...) on each, computed four lanes at a time where the CPU has AVX2 and FMA
/// (the algorithms' fused multiply-adds are correctly rounded either way). The JIT calls
/// this for whole blocks of elements, where Cranelift's own code would run two lanes at a
/// time; `x` and `out` may be the same buffer.
///
/// # Safety
/// `x` must be valid for reading and `out` for writing `n` values (they may be equal, but
/// must not overlap otherwise).
pub unsafe fn map_values(f: MathOf, x: *const f64, out: *mut f64, n: usize) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has AVX2 and FMA (checked just above); the pointers are the
        // caller's, valid for `n` values.
        unsafe { map_avx2(f, x, out, n) };
        return;
    }
    // SAFETY: the caller's promise, passed on.
    unsafe { map_each(f, x, out, n) }
}

/// The loop, one element at a time in source: inlined into [`map_avx2`], the compiler runs
/// it four lanes at a time. One loop per function so that each is a plain counted loop.
#[inline(always)]
unsafe fn map_each(f: MathOf, x: *const f64, out: *mut f64, n: usize) {
    macro_rules! each {
        ($f:path) => {
            for i in 0..n {
                // SAFETY: `i < n`, within both buffers (the caller's promise).
                unsafe { *out.add(i) = $f(&mut ScalarLanes, *x.add(i)) };
            }
        };
    }
    match f {
        MathOf::Exp => each!(exp),
        MathOf::Expm1 => each!(expm1),
        MathOf::Exprel => each!(exprel),
        MathOf::Log => each!(log),
    }
}

/// [`map_each`] compiled for AVX2 with FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn map_avx2(f: MathOf, x: *const f64, out: *mut f64, n: usize) {
    // SAFETY: the caller's promise, passed on.
    unsafe { map_each(f, x, out, n) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place (0 for two NaNs, huge for one).
    fn ulps(a: f64, b: f64) -> u64 {
        if a.is_nan() || b.is_nan() {
            return if a.is_nan() && b.is_nan() {
                0
            } else {
                u64::MAX
            };
        }
        let ordered = |x: f64| {
            let bits = x.to_bits() as i64;
            if bits < 0 {
                i64::MIN - bits
            } else {
                bits
            }
        };
        ordered(a).abs_diff(ordered(b))
    }

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
        }
    }

    fn edges() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            f64::from_bits(1),
            -f64::from_bits(1),
            f64::from_bits(0x000f_ffff_ffff_ffff),
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            1e-300,
            -1e-300,
            0.5 * std::f64::consts::LN_2,
            -0.5 * std::f64::consts::LN_2,
            1.5 * std::f64::consts::LN_2,
            -0.25,
            709.0,
            709.78,
            709.782712893384,
            709.7827128933841,
            710.0,
            716.0,
            716.5,
            -708.39,
            -708.4,
            -720.0,
            -745.0,
            -745.1332191019411,
            -745.1332191019412,
            -745.2,
            -37.4,
            -40.0,
            -56.0 * std::f64::consts::LN_2,
            20.0 * std::f64::consts::LN_2,
            56.0 * std::f64::consts::LN_2,
            std::f64::consts::SQRT_2,
            std::f64::consts::FRAC_1_SQRT_2,
        ];
        // Around every power of two in ln2 steps, where the reduction switches k.
        for k in -60..60 {
            let x = f64::from(k) * std::f64::consts::LN_2 + 0.5 * std::f64::consts::LN_2;
            v.extend([x, x.next_up(), x.next_down()]);
        }
        v
    }

    fn check(name: &str, f: fn(f64) -> f64, reference: fn(f64) -> f64, inputs: &[f64]) {
        check_within(2, name, f, reference, inputs)
    }

    fn check_within(
        tolerance: u64,
        name: &str,
        f: fn(f64) -> f64,
        reference: fn(f64) -> f64,
        inputs: &[f64],
    ) {
        let mut worst = (0u64, 0.0);
        for &x in inputs {
            let d = ulps(f(x), reference(x));
            if d > worst.0 {
                worst = (d, x);
            }
        }
        assert!(
            worst.0 <= tolerance,
            "{name}: {} ulp at x = {:e} ({:?}): got {:e}, libm {:e}",
            worst.0,
            worst.1,
            worst.1.to_bits(),
            f(worst.1),
            reference(worst.1)
        );
    }

    fn random_inputs(seed: u64, lo: f64, hi: f64, n: usize) -> Vec<f64> {
        let mut rng = Rng(seed);
        let mut v: Vec<f64> = (0..n).map(|_| rng.uniform(lo, hi)).collect();
        // Random bit patterns reach every exponent, subnormals included.
        v.extend((0..n / 4).map(|_| f64::from_bits(rng.next())));
        v.extend(edges());
        v
    }

    fn exprel_reference(x: f64) -> f64 {
        if x == 0.0 {
            1.0
        } else if x == f64::INFINITY {
            x
        } else if x > 700.0 {
            // e^x / x without overflow: e^(x/2) (e^(x/2) / x), itself up to 2 ulp off.
            let h = libm::exp(x / 2.0);
            h * (h / x)
        } else {
            libm::expm1(x) / x
        }
    }

    #[test]
    fn exp_is_within_2_ulp_of_libm() {
        let inputs = random_inputs(1, -750.0, 712.0, 40_000);
        check("exp", exp_f64, libm::exp, &inputs);
        check(
            "exp",
            exp_f64,
            libm::exp,
            &random_inputs(2, -2.0, 2.0, 20_000),
        );
        assert_eq!(exp_f64(0.0), 1.0);
        assert_eq!(exp_f64(-0.0), 1.0);
        assert_eq!(exp_f64(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp_f64(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp_f64(710.0), f64::INFINITY);
        assert!(exp_f64(f64::NAN).is_nan());
        assert!(exp_f64(-740.0) > 0.0 && exp_f64(-740.0) < f64::MIN_POSITIVE);
    }

    #[test]
    fn expm1_is_within_2_ulp_of_libm() {
        let inputs = random_inputs(3, -50.0, 712.0, 40_000);
        check("expm1", expm1_f64, libm::expm1, &inputs);
        check(
            "expm1",
            expm1_f64,
            libm::expm1,
            &random_inputs(4, -3.0, 3.0, 40_000),
        );
        check(
            "expm1",
            expm1_f64,
            libm::expm1,
            &random_inputs(5, -1e-5, 1e-5, 10_000),
        );
        assert!(expm1_f64(-0.0).is_sign_negative() && expm1_f64(-0.0) == 0.0);
        assert_eq!(expm1_f64(f64::NEG_INFINITY), -1.0);
        assert_eq!(expm1_f64(f64::INFINITY), f64::INFINITY);
        assert_eq!(expm1_f64(f64::from_bits(1)), f64::from_bits(1));
    }

    #[test]
    fn log_is_within_2_ulp_of_libm() {
        let inputs = random_inputs(6, 0.0, 1e6, 40_000);
        check("log", log_f64, libm::log, &inputs);
        check(
            "log",
            log_f64,
            libm::log,
            &random_inputs(7, 0.5, 2.0, 40_000),
        );
        assert_eq!(log_f64(1.0), 0.0);
        assert!(log_f64(1.0).is_sign_positive());
        assert_eq!(log_f64(0.0), f64::NEG_INFINITY);
        assert_eq!(log_f64(-0.0), f64::NEG_INFINITY);
        assert!(log_f64(-1.0).is_nan());
        assert_eq!(log_f64(f64::INFINITY), f64::INFINITY);
        assert!((log_f64(f64::from_bits(1)) - -744.4400719213812).abs() < 1e-12);
    }

    #[test]
    fn block_forms_and_scalar_entries_give_the_bits_of_the_algorithm() {
        let mut inputs = edges();
        inputs.extend(random_inputs(11, -750.0, 750.0, 1001));
        inputs.extend(random_inputs(12, -2.0, 2.0, 1001));
        inputs.extend(random_inputs(13, 0.0, 1e300, 1001));
        type Algorithm = fn(&mut ScalarLanes, f64) -> f64;
        type Case = (MathOf, Algorithm, fn(f64) -> f64);
        let cases: [Case; 4] = [
            (MathOf::Exp, exp, exp_f64),
            (MathOf::Expm1, expm1, expm1_f64),
            (MathOf::Exprel, exprel, exprel_f64),
            (MathOf::Log, log, log_f64),
        ];
        for (f, algorithm, scalar) in cases {
            // The algorithm as compiled without FMA instructions (libm's `fma`).
            let expected: Vec<u64> = inputs
                .iter()
                .map(|&x| algorithm(&mut ScalarLanes, x).to_bits())
                .collect();
            let entries: Vec<u64> = inputs.iter().map(|&x| scalar(x).to_bits()).collect();
            assert_eq!(entries, expected, "{f:?}, scalar entry");
            let mut out = vec![0.0; inputs.len()];
            // SAFETY: both buffers hold `inputs.len()` values.
            unsafe { map_values(f, inputs.as_ptr(), out.as_mut_ptr(), inputs.len()) };
            let block: Vec<u64> = out.iter().map(|y| y.to_bits()).collect();
            assert_eq!(block, expected, "{f:?}, block form");
            // Any length, so that every lane position ends a batch; in place too.
            for len in 0..9 {
                let mut part = inputs[..len].to_vec();
                let at = part.as_mut_ptr();
                // SAFETY: `part` holds `len` values; in and out are the same buffer.
                unsafe { map_values(f, at, at, len) };
                let part: Vec<u64> = part.iter().map(|y| y.to_bits()).collect();
                assert_eq!(part, expected[..len], "{f:?}, {len} values in place");
            }
        }
        let mut logs = inputs.clone();
        log_in_place(&mut logs);
        for (x, y) in inputs.iter().zip(&logs) {
            assert_eq!(y.to_bits(), log_f64(*x).to_bits(), "log({x:e})");
        }
    }

    #[test]
    fn exprel_is_within_2_ulp_of_its_definition() {
        let mut inputs = random_inputs(8, -50.0, 700.0, 40_000);
        inputs.retain(|x| !(*x > 700.0 && x.is_finite()));
        check("exprel", exprel_f64, exprel_reference, &inputs);
        // Above 700 the reference is itself a product of roundings: 4 ulp between the two.
        let mut rng = Rng(10);
        let big: Vec<f64> = (0..5_000).map(|_| rng.uniform(700.0, 717.0)).collect();
        check_within(4, "exprel", exprel_f64, exprel_reference, &big);
        check(
            "exprel",
            exprel_f64,
            exprel_reference,
            &random_inputs(9, -3.0, 3.0, 20_000),
        );
        assert_eq!(exprel_f64(0.0), 1.0);
        assert_eq!(exprel_f64(-0.0), 1.0);
        assert_eq!(exprel_f64(f64::from_bits(1)), 1.0);
        assert_eq!(exprel_f64(f64::INFINITY), f64::INFINITY);
        assert_eq!(exprel_f64(f64::NEG_INFINITY), 0.0);
        assert!(exprel_f64(710.0).is_finite());
        assert_eq!(exprel_f64(800.0), f64::INFINITY);
        assert!(exprel_f64(f64::NAN).is_nan());
    }
}
