//! The scalar functions every backend uses, as `extern "C"` functions so that the interpreter
//! calls exactly the code the JIT calls (registered in `jit::symbols`). `exp`, `expm1`, `log`
//! and `exprel` are rheobase's own ([`crate::vmath`]), which the JIT emits inline with the same
//! operations; the other transcendental functions come from the `libm` crate (a port of musl),
//! which gives the same bits on every platform.
//!
//! Functions that are exact IEEE operations (sqrt, abs, floor, ceil, trunc) and the ones built
//! from comparisons (sign, min, max, clip) are defined here too and lowered to instructions by
//! the JIT.

use crate::ir::MathFn;
use crate::random::{self, DrawPoint};
use crate::random_fill;
use crate::vmath;

macro_rules! unary_libm {
    ($($name:ident => $f:path),* $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($f), "` with the C ABI.")]
            pub extern "C" fn $name(x: f64) -> f64 {
                $f(x)
            }
        )*
    };
}

unary_libm! {
    rb_exp => vmath::exp_f64,
    rb_log => vmath::log_f64,
    rb_log10 => libm::log10,
    rb_expm1 => vmath::expm1_f64,
    rb_log1p => libm::log1p,
    rb_sin => libm::sin,
    rb_cos => libm::cos,
    rb_tan => libm::tan,
    rb_sinh => libm::sinh,
    rb_cosh => libm::cosh,
    rb_tanh => libm::tanh,
    rb_asin => libm::asin,
    rb_acos => libm::acos,
    rb_atan => libm::atan,
}

/// `x ** y`.
pub extern "C" fn rb_pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// `(exp(x) - 1) / x`, 1 at 0 (see [`vmath::exprel`]).
pub extern "C" fn rb_exprel(x: f64) -> f64 {
    vmath::exprel_f64(x)
}

/// -1, 0 or 1; zeros (with their sign) and NaN are returned unchanged.
pub fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        x
    }
}

/// Minimum propagating NaN, with -0 < +0 (IEEE 754-2019 `minimum`, Cranelift's `fmin`).
pub fn min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a < b || (a == b && a.is_sign_negative()) {
        a
    } else {
        b
    }
}

/// Maximum propagating NaN, with -0 < +0 (IEEE 754-2019 `maximum`, Cranelift's `fmax`).
pub fn max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a > b || (a == b && a.is_sign_positive()) {
        a
    } else {
        b
    }
}

/// `clip(x, lo, hi) = min(max(x, lo), hi)`, as numpy.
pub fn clip(x: f64, lo: f64, hi: f64) -> f64 {
    min(max(x, lo), hi)
}

/// Evaluates a math function on already evaluated arguments (`args.len()` is its arity).
pub fn apply(f: MathFn, args: &[f64]) -> f64 {
    let x = args[0];
    match f {
        MathFn::Exp => rb_exp(x),
        MathFn::Log => rb_log(x),
        MathFn::Log10 => rb_log10(x),
        MathFn::Expm1 => rb_expm1(x),
        MathFn::Exprel => rb_exprel(x),
        MathFn::Log1p => rb_log1p(x),
        MathFn::Sqrt => x.sqrt(),
        MathFn::Sin => rb_sin(x),
        MathFn::Cos => rb_cos(x),
        MathFn::Tan => rb_tan(x),
        MathFn::Sinh => rb_sinh(x),
        MathFn::Cosh => rb_cosh(x),
        MathFn::Tanh => rb_tanh(x),
        MathFn::Asin => rb_asin(x),
        MathFn::Acos => rb_acos(x),
        MathFn::Atan => rb_atan(x),
        MathFn::Abs => x.abs(),
        MathFn::Sign => sign(x),
        MathFn::Floor => x.floor(),
        MathFn::Ceil => x.ceil(),
        MathFn::Trunc => x.trunc(),
        MathFn::Clip => clip(x, args[1], args[2]),
    }
}

fn draw_point(key: u64, step: u64, idx: u64, site: u32) -> DrawPoint {
    DrawPoint {
        key,
        step,
        idx,
        site,
    }
}

/// `rand()` at (key, step, idx, site).
pub extern "C" fn rb_rand_uniform(key: u64, step: u64, idx: u64, site: u32) -> f64 {
    random::uniform(&draw_point(key, step, idx, site))
}

/// `randn()` at (key, step, idx, site).
pub extern "C" fn rb_rand_normal(key: u64, step: u64, idx: u64, site: u32) -> f64 {
    random::normal(&draw_point(key, step, idx, site))
}

/// `poisson(lambda)` at (key, step, idx, site).
pub extern "C" fn rb_rand_poisson(key: u64, step: u64, idx: u64, site: u32, lambda: f64) -> f64 {
    random::poisson(&draw_point(key, step, idx, site), lambda)
}

/// `binomial(n, p)` at (key, step, idx, site).
pub extern "C" fn rb_rand_binomial(
    key: u64,
    step: u64,
    idx: u64,
    site: u32,
    n: f64,
    p: f64,
) -> f64 {
    random::binomial(&draw_point(key, step, idx, site), n, p)
}

/// The C signature of `rb_math_block`: `out[i] = f(x[i])` for `i < n`, `f` given by
/// [`math_block_code`].
pub type MathBlockFn = unsafe extern "C" fn(f: u32, x: *const f64, out: *mut f64, n: u64);

/// The code `rb_math_block` takes for `f`, or `None` for functions it does not apply.
pub fn math_block_code(f: MathFn) -> Option<u32> {
    Some(match f {
        MathFn::Exp => 0,
        MathFn::Expm1 => 1,
        MathFn::Exprel => 2,
        MathFn::Log => 3,
        _ => return None,
    })
}

/// `rb_math_block`: see [`MathBlockFn`]; an unknown code leaves `out` as it is.
///
/// # Safety
/// `x` must be readable and `out` writable for `n` doubles; they are the same buffer or do
/// not overlap.
pub unsafe extern "C" fn rb_math_block(f: u32, x: *const f64, out: *mut f64, n: u64) {
    let f = match f {
        0 => vmath::MathOf::Exp,
        1 => vmath::MathOf::Expm1,
        2 => vmath::MathOf::Exprel,
        3 => vmath::MathOf::Log,
        _ => return,
    };
    // SAFETY: the caller (JIT code) passes two block buffers of at least `n` doubles.
    unsafe { vmath::map_values(f, x, out, n as usize) }
}

/// The C signature of the `rb_fill_*` functions: the draws at `site` of elements
/// `first..first + count` into `out[0..count]` (see [`crate::random_fill`]), with the
/// distribution's parameters in `a` and `b` (unused ones ignored).
pub type FillFn = unsafe extern "C" fn(
    key: u64,
    step: u64,
    first: u64,
    count: u64,
    site: u32,
    a: f64,
    b: f64,
    out: *mut f64,
);

macro_rules! fill_fns {
    ($($name:ident => |$key:ident, $step:ident, $first:ident, $site:ident, $a:ident, $b:ident, $out:ident| $body:expr),* $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($name), "`: see [`FillFn`].")]
            ///
            /// # Safety
            /// `out` must point to `count` writable doubles that nothing else accesses during
            /// the call.
            pub unsafe extern "C" fn $name(
                $key: u64,
                $step: u64,
                $first: u64,
                count: u64,
                $site: u32,
                $a: f64,
                $b: f64,
                out: *mut f64,
            ) {
                if count == 0 {
                    return;
                }
                // SAFETY: the caller (JIT or native kernel code) passes a buffer of `count`
                // doubles it owns for the duration of the call (its stack block buffer).
                let $out = unsafe { std::slice::from_raw_parts_mut(out, count as usize) };
                $body
            }
        )*
    };
}

fill_fns! {
    rb_fill_uniform => |key, step, first, site, _a, _b, out|
        random_fill::fill_uniform(key, step, first, site, out),
    rb_fill_normal => |key, step, first, site, _a, _b, out|
        random_fill::fill_normal(key, step, first, site, out),
    rb_fill_poisson => |key, step, first, site, lambda, _b, out|
        random_fill::fill_poisson(key, step, first, site, lambda, out),
    rb_fill_binomial => |key, step, first, site, n, p, out|
        random_fill::fill_binomial(key, step, first, site, n, p, out),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exprel_is_continuous_at_zero_and_finite_where_it_should_be() {
        assert_eq!(rb_exprel(0.0), 1.0);
        assert_eq!(rb_exprel(-0.0), 1.0);
        assert_eq!(rb_exprel(1e-300), 1.0);
        assert_eq!(rb_exprel(f64::from_bits(1)), 1.0);
        assert!((rb_exprel(1e-8) - (1.0 + 0.5e-8)).abs() < 4e-16);
        assert!((rb_exprel(1.0) - (std::f64::consts::E - 1.0)).abs() < 1e-15);
        // exp(710) / 710 is finite although expm1(710) overflows.
        let big = rb_exprel(710.0);
        assert!(big.is_finite());
        assert!((big / (libm::exp(355.0) * (libm::exp(355.0) / 710.0)) - 1.0).abs() < 1e-12);
        assert_eq!(rb_exprel(800.0), f64::INFINITY);
        assert_eq!(rb_exprel(f64::INFINITY), f64::INFINITY);
        assert_eq!(rb_exprel(f64::NEG_INFINITY), 0.0);
        assert!((rb_exprel(-50.0) - 1.0 / 50.0).abs() < 1e-17);
        assert!(rb_exprel(f64::NAN).is_nan());
    }

    #[test]
    fn sign_min_max_clip_handle_nan_and_zeros() {
        assert_eq!(sign(3.0), 1.0);
        assert_eq!(sign(-0.5), -1.0);
        assert!(sign(-0.0).is_sign_negative() && sign(-0.0) == 0.0);
        assert!(sign(f64::NAN).is_nan());
        assert!(min(1.0, f64::NAN).is_nan() && max(f64::NAN, 1.0).is_nan());
        assert!(min(0.0, -0.0).is_sign_negative() && min(-0.0, 0.0).is_sign_negative());
        assert!(max(0.0, -0.0).is_sign_positive() && max(-0.0, 0.0).is_sign_positive());
        assert_eq!(clip(5.0, 0.0, 2.0), 2.0);
        assert_eq!(clip(-5.0, 0.0, 2.0), 0.0);
        assert_eq!(clip(1.5, 0.0, 2.0), 1.5);
    }

    #[test]
    fn transcendental_functions_match_std_closely() {
        for x in [0.1, 0.5, 1.0, 2.5, 10.0] {
            assert!((rb_exp(x) - x.exp()).abs() <= 1e-15 * x.exp());
            assert!((rb_log(x) - x.ln()).abs() <= 1e-15);
            assert!((rb_pow(x, 1.7) - x.powf(1.7)).abs() <= 1e-15 * x.powf(1.7));
        }
    }
}
