//! `exp`, `expm1`, `log` and `exprel` over any [`Lanes`]. Every line is one IEEE operation
//! (or a select) so that each backend runs exactly this sequence.

use super::Lanes;

/// `1.5 * 2^52`: adding it rounds an f64 of magnitude below 2^51 to an integer (ties to even)
/// held in the low mantissa bits, which turns floats into integers and back without the
/// conversion instructions SSE lacks for i64 lanes.
const SHIFT: f64 = 6755399441055744.0;
const LN2_HI: f64 = f64::from_bits(0x3fe62e42fee00000);
const LN2_LO: f64 = f64::from_bits(0x3dea39ef35793c76);
const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// `exp` overflows above this and `expm1` too; `exp` is 0 below `EXP_UNDERFLOW`.
const EXP_OVERFLOW: f64 = f64::from_bits(0x40862e42fefa39ef);
const EXP_UNDERFLOW: f64 = f64::from_bits(0xc0874910d52d3051);
/// Below this `expm1(x)` rounds to -1 (`exp(x) < 2^-54`).
const EXPM1_MINUS_ONE: f64 = -40.0;
/// `exprel` is infinite above this (it overflows from about 716.4).
const EXPREL_OVERFLOW: f64 = 720.0;

/// `1/n!` for n = 0..=16, each correctly rounded (n! is exact in f64 up to 22!).
const INV_FACTORIAL: [f64; 17] = inv_factorials();

const fn inv_factorials() -> [f64; 17] {
    let mut out = [1.0; 17];
    let mut factorial = 1.0;
    let mut n = 1;
    while n < 17 {
        factorial *= n as f64;
        out[n] = 1.0 / factorial;
        n += 1;
    }
    out
}

/// `exprel` works with `2^(k - 16)`, `2^-16` and `x 2^-16` in place of `2^k`, 1 and `x`.
const EXPREL_LOWERING: i64 = 16;
const TWO_POW_MINUS_LOWERING: f64 = 1.0 / 65536.0;
/// `(2^-60)^2`: below `|x| = 2^-60`, `exprel(x)` rounds to 1.
const TINY_SQUARE: f64 = 1.0 / 1329227995784915872903807060280344576.0;

// fdlibm's constants (public domain, as in musl), given by their bits.
// ... for log's kernel.
const LG: [f64; 7] = [
    f64::from_bits(0x3fe5555555555593),
    f64::from_bits(0x3fd999999997fa04),
    f64::from_bits(0x3fd2492494229359),
    f64::from_bits(0x3fcc71c51d8e78af),
    f64::from_bits(0x3fc7466496cb03de),
    f64::from_bits(0x3fc39a09d078c69f),
    f64::from_bits(0x3fc2f112df3e5244),
];

/// `c[0] + z*(c[1] + z*(c[2] + ...))`.
#[inline(always)]
fn horner<L: Lanes>(l: &mut L, z: L::F, c: &[f64]) -> L::F {
    let (last, rest) = c.split_last().expect("coefficients");
    let mut acc = l.splat(*last);
    for &coef in rest.iter().rev() {
        let t = l.mul(z, acc);
        let k = l.splat(coef);
        acc = l.add(k, t);
    }
    acc
}

/// `c[0] + z*c[1] + z^2*c[2] + ...` by Estrin's scheme: pairs `c[2i] + z*c[2i+1]`, then
/// pairs of those with `z^2`, then `z^4`, ... A chain of about `2 log2(n)` operations instead of
/// Horner's `n`, so that the element loop is not bound by one long dependency chain. `z2` is
/// `z*z`.
#[inline(always)]
fn estrin<L: Lanes>(l: &mut L, z: L::F, z2: L::F, c: &[f64]) -> L::F {
    // Fixed-size arrays and loops with constant trip counts (the lengths are constants after
    // inlining): no allocation and no bounds checks, so that the Rust loops over
    // `ScalarLanes` (`map_values`) unroll fully and run four lanes at a time.
    const TERMS: usize = 8;
    const LEVELS: usize = 3;
    assert!(
        !c.is_empty() && c.len() <= 2 * TERMS,
        "Estrin's scheme takes 1 to 16 coefficients"
    );
    let first = l.splat(c[0]);
    let mut terms = [first; TERMS];
    for (k, term) in terms.iter_mut().enumerate() {
        if 2 * k + 1 < c.len() {
            let a = l.splat(c[2 * k]);
            let b = l.splat(c[2 * k + 1]);
            *term = l.fma(b, z, a);
        } else if 2 * k < c.len() {
            *term = l.splat(c[2 * k]);
        }
    }
    let mut len = c.len().div_ceil(2);
    let mut power = z2;
    for _ in 0..LEVELS {
        if len <= 1 {
            break;
        }
        for k in 0..TERMS / 2 {
            if 2 * k + 1 < len {
                terms[k] = l.fma(terms[2 * k + 1], power, terms[2 * k]);
            } else if 2 * k < len {
                terms[k] = terms[2 * k];
            }
        }
        len = len.div_ceil(2);
        if len > 1 {
            power = l.mul(power, power);
        }
    }
    terms[0]
}

/// Two powers of two whose product is `2^k` (|k| <= 2046), each normal, so that
/// `y * s1 * s2` is `y * 2^k` with one rounding even when the result overflows or is
/// subnormal. `t` is `k + SHIFT` (its low bits hold `k`), `kf` is `k` as a float. The
/// halves are `k1 = round(k / 2)` and `k - k1`, their biased exponents worked out on the
/// bits directly.
#[inline(always)]
fn pow2_halves<L: Lanes>(l: &mut L, t: L::F, kf: L::F) -> (L::F, L::F) {
    let half = l.splat(0.5);
    let shift = l.splat(SHIFT);
    let h = l.mul(kf, half);
    let t1 = l.add(h, shift);
    let t_bits = l.to_bits(t);
    let t1_bits = l.to_bits(t1);
    // k1 + 1023 = bits(t1) - bits(SHIFT) + 1023.
    let unbias = l.splat_int(SHIFT.to_bits() as i64 - 1023);
    let e1 = l.isub(t1_bits, unbias);
    // (k - k1) + 1023 = bits(t) - bits(t1) + 1023.
    let bias = l.splat_int(1023);
    let k2 = l.isub(t_bits, t1_bits);
    let e2 = l.iadd(k2, bias);
    let s1 = l.shl(e1, 52);
    let s2 = l.shl(e2, 52);
    (l.bits_to_float(s1), l.bits_to_float(s2))
}

/// `2^(k + offset)` for an integral `kf` held as a float, where `k + offset` is in the normal
/// exponent range (-1022..=1023); other `k` give garbage that callers select away.
#[inline(always)]
fn pow2_of_integral<L: Lanes, const N: usize>(l: &mut L, kf: L::F, offsets: [i64; N]) -> [L::F; N] {
    let shift = l.splat(SHIFT);
    let t = l.add(kf, shift);
    let bits = l.to_bits(t);
    offsets.map(|offset| {
        // k + offset + 1023 = bits(t) - bits(SHIFT) + offset + 1023, in one subtraction.
        let unbias = l.splat_int(SHIFT.to_bits() as i64 - 1023 - offset);
        let e = l.isub(bits, unbias);
        let shifted = l.shl(e, 52);
        l.bits_to_float(shifted)
    })
}

/// Splits `x = kf ln2 + r + c` for an integral `kf` near `x / ln2`: `r` is `hi - lo` rounded,
/// `c` the rounding error of that subtraction (`hi = x - kf ln2_hi` is exact: `ln2_hi` has 32
/// significant bits).
#[inline(always)]
fn reduce<L: Lanes>(l: &mut L, x: L::F, kf: L::F) -> (L::F, L::F) {
    let minus_ln2_hi = l.splat(-LN2_HI);
    let ln2_lo = l.splat(LN2_LO);
    let hi = l.fma(kf, minus_ln2_hi, x);
    let lo = l.mul(kf, ln2_lo);
    let r = l.sub(hi, lo);
    let hi_r = l.sub(hi, r);
    let c = l.sub(hi_r, lo);
    (r, c)
}

/// `e^(r + c) - 1` for small `c`, as `r + (r^2 q(r) + c)` with `q` the Taylor series of
/// `(e^r - 1 - r) / r^2` whose coefficients are `coefficients` (`1/2!, 1/3!, ...`).
#[inline(always)]
fn expm1_kernel<L: Lanes>(l: &mut L, r: L::F, c: L::F, coefficients: &[f64]) -> L::F {
    let r2 = l.mul(r, r);
    let q = estrin(l, r, r2, coefficients);
    let tail = l.fma(r2, q, c);
    l.add(r, tail)
}

/// `e^x`: `k = round(x / ln2)`, so `|r| <= ln2 / 2` and the series through `r^13 / 13!` is
/// within 0.05 ulp; `(1 + (e^r - 1)) 2^k` with `2^k` applied as two exact halves so that
/// results overflow and become subnormal in one rounding. `r = (x - k ln2_hi) - k ln2_lo`
/// with two fused multiply-adds (the first exact) and no correction term: the one rounding
/// of `r` adds at most a quarter ulp (0.98 ulp at worst against 200-bit `mpmath` over
/// 200,000 arguments, 1 ulp against glibc over 2 * 10^7).
#[inline(always)]
pub fn exp<L: Lanes>(l: &mut L, x: L::F) -> L::F {
    let inv_ln2 = l.splat(INV_LN2);
    let shift = l.splat(SHIFT);
    let t = l.fma(x, inv_ln2, shift);
    let kf = l.sub(t, shift);
    let minus_ln2_hi = l.splat(-LN2_HI);
    let minus_ln2_lo = l.splat(-LN2_LO);
    let hi = l.fma(kf, minus_ln2_hi, x);
    let r = l.fma(kf, minus_ln2_lo, hi);
    let r2 = l.mul(r, r);
    let q = estrin(l, r, r2, &INV_FACTORIAL[2..=13]);
    let p = l.fma(r2, q, r);
    let one = l.splat(1.0);
    let y = l.add(one, p);
    let (s1, s2) = pow2_halves(l, t, kf);
    let ys1 = l.mul(y, s1);
    let v = l.mul(ys1, s2);
    let over_limit = l.splat(EXP_OVERFLOW);
    let under_limit = l.splat(EXP_UNDERFLOW);
    let over = l.gt(x, over_limit);
    let under = l.lt(x, under_limit);
    let inf = l.splat(f64::INFINITY);
    let zero = l.splat(0.0);
    let v = l.select(over, inf, v);
    l.select(under, zero, v)
}

/// The shared start of `expm1` and `exprel`: `k = trunc(x / ln2)`, so `r` has the sign of `x`
/// and `2^k (1 + p) - 1 = (2^k - 1) + 2^k p` never cancels; `|r| < ln2` needs the series
/// through `r^16 / 16!` (within 0.1 ulp). Returns `(kf, p = e^r - 1)`. With `max_k`, `k` is
/// clamped there (`x / ln2` just below 1024 can round up to it).
#[inline(always)]
fn expm1_reduced<L: Lanes>(l: &mut L, x: L::F, max_k: Option<f64>) -> (L::F, L::F) {
    let inv_ln2 = l.splat(INV_LN2);
    let scaled = l.mul(x, inv_ln2);
    let mut kf = l.trunc(scaled);
    if let Some(max_k) = max_k {
        let max = l.splat(max_k);
        let above = l.gt(kf, max);
        kf = l.select(above, max, kf);
    }
    let (r, c) = reduce(l, x, kf);
    let p = expm1_kernel(l, r, c, &INV_FACTORIAL[2..=16]);
    (kf, p)
}

/// `e^x - 1`, accurate near 0: `fma(2^k, p, 2^k - 1)`, one rounding after the kernel.
#[inline(always)]
pub fn expm1<L: Lanes>(l: &mut L, x: L::F) -> L::F {
    let (kf, p) = expm1_reduced(l, x, Some(1023.0));
    let [t] = pow2_of_integral(l, kf, [0]);
    let one = l.splat(1.0);
    let t_minus_one = l.sub(t, one);
    let v = l.fma(t, p, t_minus_one);
    // Out of range (2^k is garbage there), zeros (keeps the sign of -0) and NaN.
    let over_limit = l.splat(EXP_OVERFLOW);
    let over = l.gt(x, over_limit);
    let inf = l.splat(f64::INFINITY);
    let v = l.select(over, inf, v);
    let low_limit = l.splat(EXPM1_MINUS_ONE);
    let low = l.lt(x, low_limit);
    let minus_one = l.splat(-1.0);
    let v = l.select(low, minus_one, v);
    let zero = l.splat(0.0);
    let is_zero = l.eq(x, zero);
    let nan = l.is_nan(x);
    let keep_x = l.or(is_zero, nan);
    l.select(keep_x, x, v)
}

/// `(e^x - 1) / x`, 1 at 0: `expm1(x) / x` computed as
/// `(2^(k - 16) (1 + p) - 2^-16) / (x 2^-16)`. Numerator and denominator are scaled by the
/// same power of two, exactly (neither is near the subnormal range where it matters), so
/// the quotient has the bits of `(2^k (1 + p) - 1) / x` wherever that is finite; and above
/// 709, where `2^k` would overflow while the quotient is finite up to about 716.4, the
/// scaled form still holds (the `- 2^-16` vanishes in rounding there).
///
/// One division, and no select between two computed values comes before it: gcc's
/// if-conversion would otherwise push the division into both arms and divide twice. The
/// selects that remain choose constants (`x < -40`, where `expm1` is -1, clamps the
/// argument; past 720 the result is infinite; below `|x| = 2^-60` it is 1).
#[inline(always)]
pub fn exprel<L: Lanes>(l: &mut L, x: L::F) -> L::F {
    let low_limit = l.splat(EXPM1_MINUS_ONE);
    let low = l.lt(x, low_limit);
    let x_clamped = l.select(low, low_limit, x);
    let (kf, p) = expm1_reduced(l, x_clamped, None);
    // Everything scaled by 2^-16 (exactly: no result here is near the subnormal range), so
    // that 2^k stays finite up to the overflow of the quotient (k <= 1033).
    let [t] = pow2_of_integral(l, kf, [-EXPREL_LOWERING]);
    let unit = l.splat(TWO_POW_MINUS_LOWERING);
    let t_minus_unit = l.sub(t, unit);
    let numerator = l.fma(t, p, t_minus_unit);
    let x_scaled = l.mul(x, unit);
    let v = l.div(numerator, x_scaled);
    // Past 716.4 the quotient overflows; past this its parts are no longer valid.
    let overflow_limit = l.splat(EXPREL_OVERFLOW);
    let overflows = l.gt(x, overflow_limit);
    let inf = l.splat(f64::INFINITY);
    let v = l.select(overflows, inf, v);
    // |x| < 2^-60 (x^2 < 2^-120; NaN and infinities fail the test): the quotient rounds to
    // 1, and below 2^-1006 the scaled numerator and `x` would lose bits as subnormals.
    let square = l.mul(x, x);
    let tiny_square = l.splat(TINY_SQUARE);
    let tiny = l.lt(square, tiny_square);
    let one = l.splat(1.0);
    l.select(tiny, one, v)
}

/// Natural logarithm.
#[inline(always)]
pub fn log<L: Lanes>(l: &mut L, x: L::F) -> L::F {
    // Subnormals are scaled by 2^54 first.
    let min_normal = l.splat(f64::MIN_POSITIVE);
    let is_sub = l.lt(x, min_normal);
    let two54 = l.splat(18014398509481984.0);
    let scaled = l.mul(x, two54);
    let xs = l.select(is_sub, scaled, x);
    let bias_sub = l.splat(-1077.0);
    let bias_normal = l.splat(-1023.0);
    let bias = l.select(is_sub, bias_sub, bias_normal);
    // x = 2^k m with m in [sqrt(2)/2, sqrt(2)).
    let ix = l.to_bits(xs);
    let offset = l.splat_int((0x3ff0_0000_i64 - 0x3fe6_a09e) << 32);
    let ix = l.iadd(ix, offset);
    let exponent = l.ushr(ix, 52);
    let shift_bits = l.splat_int(SHIFT.to_bits() as i64);
    let shifted = l.iadd(exponent, shift_bits);
    let shifted_f = l.bits_to_float(shifted);
    let shift = l.splat(SHIFT);
    let raw_k = l.sub(shifted_f, shift);
    let kf = l.add(raw_k, bias);
    let mantissa_mask = l.splat_int(0x000f_ffff_ffff_ffff);
    let low = l.iand(ix, mantissa_mask);
    let m_base = l.splat_int(0x3fe6_a09e_i64 << 32);
    let m_bits = l.iadd(low, m_base);
    let m = l.bits_to_float(m_bits);
    // log(m) = f - hfsq + s (hfsq + R(z)),  f = m - 1, s = f / (2 + f).
    let one = l.splat(1.0);
    let half = l.splat(0.5);
    let two = l.splat(2.0);
    let f = l.sub(m, one);
    let half_f = l.mul(half, f);
    let hfsq = l.mul(half_f, f);
    let two_f = l.add(two, f);
    let s = l.div(f, two_f);
    let z = l.mul(s, s);
    let w = l.mul(z, z);
    let odd = horner(l, w, &[LG[1], LG[3], LG[5]]);
    let t1 = l.mul(w, odd);
    let even = horner(l, w, &[LG[0], LG[2], LG[4], LG[6]]);
    let t2 = l.mul(z, even);
    let big_r = l.add(t2, t1);
    let hr = l.add(hfsq, big_r);
    let shr = l.mul(s, hr);
    let ln2_lo = l.splat(LN2_LO);
    let ln2_hi = l.splat(LN2_HI);
    let klo = l.mul(kf, ln2_lo);
    let a = l.add(shr, klo);
    let b = l.sub(a, hfsq);
    let c = l.add(b, f);
    let khi = l.mul(kf, ln2_hi);
    let v = l.add(c, khi);
    // Zero, negative, infinite and NaN arguments.
    let zero = l.splat(0.0);
    let is_zero = l.eq(x, zero);
    let neg_inf = l.splat(f64::NEG_INFINITY);
    let v = l.select(is_zero, neg_inf, v);
    let is_neg = l.lt(x, zero);
    let nan = l.splat(f64::NAN);
    let v = l.select(is_neg, nan, v);
    let inf = l.splat(f64::INFINITY);
    let is_inf = l.eq(x, inf);
    let v = l.select(is_inf, inf, v);
    let is_nan = l.is_nan(x);
    l.select(is_nan, x, v)
}
