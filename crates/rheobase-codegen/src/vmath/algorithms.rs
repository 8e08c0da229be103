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
/// Above this `exprel` is computed from `exp`'s parts, since `expm1` would overflow first.
const EXPREL_FROM_EXP: f64 = 709.0;
/// `exprel` is infinite above this (it overflows from about 716.4).
const EXPREL_OVERFLOW: f64 = 720.0;

// Constants are given by their bits: they are fdlibm's, to the last bit.
// fdlibm's Remez coefficients for exp's rational kernel.
const P: [f64; 5] = [
    f64::from_bits(0x3fc555555555553e),
    f64::from_bits(0xbf66c16c16bebd93),
    f64::from_bits(0x3f11566aaf25de2c),
    f64::from_bits(0xbebbbd41c5d26bf1),
    f64::from_bits(0x3e66376972bea4d0),
];
// ... for expm1's kernel.
const Q: [f64; 5] = [
    f64::from_bits(0xbfa11111111110f4),
    f64::from_bits(0x3f5a01a019fe5585),
    f64::from_bits(0xbf14ce199eaadbb7),
    f64::from_bits(0x3ed0cfca86e65239),
    f64::from_bits(0xbe8afdb76e09c32d),
];
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

/// The integer in the low bits of `t = k + SHIFT`, as i64 lanes.
fn int_of_shifted<L: Lanes>(l: &mut L, t: L::F) -> L::I {
    let bits = l.to_bits(t);
    let base = l.splat_int(SHIFT.to_bits() as i64);
    l.isub(bits, base)
}

/// `2^k` for an integer `k` in the normal exponent range (-1022..=1023).
fn pow2<L: Lanes>(l: &mut L, k: L::I) -> L::F {
    let bias = l.splat_int(1023);
    let e = l.iadd(k, bias);
    let bits = l.shl(e, 52);
    l.bits_to_float(bits)
}

/// Two powers of two whose product is `2^kf` (`kf` integral, |kf| <= 2046), each normal, so
/// that `y * s1 * s2` is `y * 2^kf` with one rounding even when the result overflows or is
/// subnormal.
fn pow2_halves<L: Lanes>(l: &mut L, kf: L::F) -> (L::F, L::F) {
    let half = l.splat(0.5);
    let shift = l.splat(SHIFT);
    let h = l.mul(kf, half);
    let t1 = l.add(h, shift);
    let k1 = int_of_shifted(l, t1);
    let k1f = l.sub(t1, shift);
    let k2f = l.sub(kf, k1f);
    let t2 = l.add(k2f, shift);
    let k2 = int_of_shifted(l, t2);
    (pow2(l, k1), pow2(l, k2))
}

/// `x = k ln2 + (hi - lo)` with `k = round(x / ln2)`: returns `(k, hi, lo, hi - lo)`.
fn reduce<L: Lanes>(l: &mut L, x: L::F) -> (L::F, L::F, L::F, L::F) {
    let inv_ln2 = l.splat(INV_LN2);
    let shift = l.splat(SHIFT);
    let ln2_hi = l.splat(LN2_HI);
    let ln2_lo = l.splat(LN2_LO);
    let scaled = l.mul(x, inv_ln2);
    let t = l.add(scaled, shift);
    let kf = l.sub(t, shift);
    let khi = l.mul(kf, ln2_hi);
    let hi = l.sub(x, khi);
    let lo = l.mul(kf, ln2_lo);
    let r = l.sub(hi, lo);
    (kf, hi, lo, r)
}

/// `e^x`.
pub fn exp<L: Lanes>(l: &mut L, x: L::F) -> L::F {
    let (kf, hi, lo, r) = reduce(l, x);
    // y = 1 - ((lo - r*c/(2 - c)) - hi) with c = r - r^2 P(r^2).
    let z = l.mul(r, r);
    let p = horner(l, z, &P);
    let zp = l.mul(z, p);
    let c = l.sub(r, zp);
    let rc = l.mul(r, c);
    let two = l.splat(2.0);
    let two_minus_c = l.sub(two, c);
    let q = l.div(rc, two_minus_c);
    let lo_q = l.sub(lo, q);
    let d = l.sub(lo_q, hi);
    let one = l.splat(1.0);
    let y = l.sub(one, d);
    let (s1, s2) = pow2_halves(l, kf);
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

/// What `expm1` computes on the way: the result, and `e^x` as `y * s1 * s2` (valid beyond
/// `expm1`'s overflow, up to |x| of about 1400).
struct Expm1Parts<F> {
    value: F,
    y: F,
    s1: F,
    s2: F,
}

fn expm1_parts<L: Lanes>(l: &mut L, x: L::F) -> Expm1Parts<L::F> {
    let (kf, hi, lo, r) = reduce(l, x);
    // The rounding error of r = hi - lo, carried as a correction.
    let hi_r = l.sub(hi, r);
    let c = l.sub(hi_r, lo);
    let half = l.splat(0.5);
    let one = l.splat(1.0);
    let hfx = l.mul(half, r);
    let hxs = l.mul(r, hfx);
    let q = horner(l, hxs, &Q);
    let hq = l.mul(hxs, q);
    let r1 = l.add(one, hq);
    let three = l.splat(3.0);
    let r1h = l.mul(r1, hfx);
    let t = l.sub(three, r1h);
    let six = l.splat(6.0);
    let rt = l.mul(r, t);
    let den = l.sub(six, rt);
    let num = l.sub(r1, t);
    let ratio = l.div(num, den);
    let e0 = l.mul(hxs, ratio);
    // k = 0: r - (r*e0 - hxs).
    let re0 = l.mul(r, e0);
    let re0_h = l.sub(re0, hxs);
    let at_k0 = l.sub(r, re0_h);
    // Otherwise e = r*(e0 - c) - c - hxs, and expm1(r) = r - e.
    let e0c = l.sub(e0, c);
    let re = l.mul(r, e0c);
    let e1 = l.sub(re, c);
    let e = l.sub(e1, hxs);
    let r_e = l.sub(r, e);
    // k = -1: (r - e)/2 - 1/2.
    let half_re = l.mul(half, r_e);
    let at_km1 = l.sub(half_re, half);
    // k = 1: 1 + 2(r - e), or -2(e - (r + 1/2)) for r < -1/4.
    let two = l.splat(2.0);
    let minus_two = l.splat(-2.0);
    let two_re = l.mul(two, r_e);
    let at_k1_hi = l.add(one, two_re);
    let r_half = l.add(r, half);
    let e_rh = l.sub(e, r_half);
    let at_k1_lo = l.mul(minus_two, e_rh);
    let quarter = l.splat(-0.25);
    let r_low = l.lt(r, quarter);
    let at_k1 = l.select(r_low, at_k1_lo, at_k1_hi);
    // |k| large: e^x - 1 with e^x = (1 - (e - r)) 2^k.
    let (s1, s2) = pow2_halves(l, kf);
    let e_r = l.sub(e, r);
    let y = l.sub(one, e_r);
    let ys1 = l.mul(y, s1);
    let ypow = l.mul(ys1, s2);
    let at_big = l.sub(ypow, one);
    // 2 <= k < 20: ((1 - 2^-k) - (e - r)) 2^k;  20 <= k <= 56: ((r - (e + 2^-k)) + 1) 2^k.
    let shift = l.splat(SHIFT);
    let tk = l.add(kf, shift);
    let k = int_of_shifted(l, tk);
    let zero_i = l.splat_int(0);
    let minus_k = l.isub(zero_i, k);
    let two_mk = pow2(l, minus_k);
    let one_m = l.sub(one, two_mk);
    let mid = l.sub(one_m, e_r);
    let mid1 = l.mul(mid, s1);
    let at_mid = l.mul(mid1, s2);
    let e_t = l.add(e, two_mk);
    let r_et = l.sub(r, e_t);
    let high = l.add(r_et, one);
    let high1 = l.mul(high, s1);
    let at_high = l.mul(high1, s2);
    // Choose by k.
    let twenty = l.splat(20.0);
    let fifty_six = l.splat(56.0);
    let minus_1_5 = l.splat(-1.5);
    let zero = l.splat(0.0);
    let minus_one = l.splat(-1.0);
    let k_mid = l.lt(kf, twenty);
    let v = l.select(k_mid, at_mid, at_high);
    let k_above = l.gt(kf, fifty_six);
    let k_below = l.lt(kf, minus_1_5);
    let k_big = l.or(k_above, k_below);
    let v = l.select(k_big, at_big, v);
    let k_is_1 = l.eq(kf, one);
    let v = l.select(k_is_1, at_k1, v);
    let k_is_m1 = l.eq(kf, minus_one);
    let v = l.select(k_is_m1, at_km1, v);
    let k_is_0 = l.eq(kf, zero);
    let v = l.select(k_is_0, at_k0, v);
    // Out of range and NaN.
    let over_limit = l.splat(EXP_OVERFLOW);
    let over = l.gt(x, over_limit);
    let inf = l.splat(f64::INFINITY);
    let v = l.select(over, inf, v);
    let low_limit = l.splat(EXPM1_MINUS_ONE);
    let low = l.lt(x, low_limit);
    let v = l.select(low, minus_one, v);
    let nan = l.is_nan(x);
    let value = l.select(nan, x, v);
    Expm1Parts { value, y, s1, s2 }
}

/// `e^x - 1`, accurate near 0.
pub fn expm1<L: Lanes>(l: &mut L, x: L::F) -> L::F {
    expm1_parts(l, x).value
}

/// `(e^x - 1) / x`, 1 at 0: `expm1(x) / x`, and above 709 (where `expm1` overflows while the
/// quotient is finite up to about 716) `e^x / x` as `(y / x) 2^k` from the same reduction.
pub fn exprel<L: Lanes>(l: &mut L, x: L::F) -> L::F {
    let parts = expm1_parts(l, x);
    let small = l.div(parts.value, x);
    let yx = l.div(parts.y, x);
    let yxs1 = l.mul(yx, parts.s1);
    let big = l.mul(yxs1, parts.s2);
    let limit = l.splat(EXPREL_FROM_EXP);
    let is_big = l.gt(x, limit);
    let v = l.select(is_big, big, small);
    // Past 716.4 the quotient overflows; past this its parts are no longer valid.
    let overflow_limit = l.splat(EXPREL_OVERFLOW);
    let overflows = l.gt(x, overflow_limit);
    let inf = l.splat(f64::INFINITY);
    let v = l.select(overflows, inf, v);
    let zero = l.splat(0.0);
    let one = l.splat(1.0);
    let is_zero = l.eq(x, zero);
    l.select(is_zero, one, v)
}

/// Natural logarithm.
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
