//! [`Lanes`] on one plain f64: the functions as the interpreter runs them.

use super::Lanes;

/// One f64 lane evaluated directly.
#[derive(Clone, Copy, Debug, Default)]
pub struct ScalarLanes;

impl Lanes for ScalarLanes {
    type F = f64;
    type I = i64;
    type M = bool;

    #[inline(always)]
    fn splat(&mut self, c: f64) -> f64 {
        c
    }
    #[inline(always)]
    fn splat_int(&mut self, c: i64) -> i64 {
        c
    }
    #[inline(always)]
    fn add(&mut self, a: f64, b: f64) -> f64 {
        a + b
    }
    #[inline(always)]
    fn sub(&mut self, a: f64, b: f64) -> f64 {
        a - b
    }
    #[inline(always)]
    fn mul(&mut self, a: f64, b: f64) -> f64 {
        a * b
    }
    #[inline(always)]
    fn div(&mut self, a: f64, b: f64) -> f64 {
        a / b
    }
    #[inline(always)]
    fn fma(&mut self, a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
    #[inline(always)]
    fn trunc(&mut self, a: f64) -> f64 {
        a.trunc()
    }
    #[inline(always)]
    fn lt(&mut self, a: f64, b: f64) -> bool {
        a < b
    }
    #[inline(always)]
    fn gt(&mut self, a: f64, b: f64) -> bool {
        a > b
    }
    #[inline(always)]
    fn eq(&mut self, a: f64, b: f64) -> bool {
        a == b
    }
    #[inline(always)]
    fn is_nan(&mut self, a: f64) -> bool {
        a.is_nan()
    }
    #[inline(always)]
    fn or(&mut self, a: bool, b: bool) -> bool {
        a || b
    }
    #[inline(always)]
    fn select(&mut self, m: bool, a: f64, b: f64) -> f64 {
        if m {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    fn to_bits(&mut self, a: f64) -> i64 {
        a.to_bits() as i64
    }
    #[inline(always)]
    fn bits_to_float(&mut self, a: i64) -> f64 {
        f64::from_bits(a as u64)
    }
    #[inline(always)]
    fn iadd(&mut self, a: i64, b: i64) -> i64 {
        a.wrapping_add(b)
    }
    #[inline(always)]
    fn isub(&mut self, a: i64, b: i64) -> i64 {
        a.wrapping_sub(b)
    }
    #[inline(always)]
    fn iand(&mut self, a: i64, b: i64) -> i64 {
        a & b
    }
    #[inline(always)]
    fn shl(&mut self, a: i64, by: u8) -> i64 {
        a.wrapping_shl(u32::from(by))
    }
    #[inline(always)]
    fn ushr(&mut self, a: i64, by: u8) -> i64 {
        ((a as u64) >> by) as i64
    }
}
