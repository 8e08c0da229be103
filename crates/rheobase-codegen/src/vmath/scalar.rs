//! [`Lanes`] on one plain f64: the functions as the interpreter runs them.

use super::Lanes;

/// One f64 lane evaluated directly.
#[derive(Clone, Copy, Debug, Default)]
pub struct ScalarLanes;

impl Lanes for ScalarLanes {
    type F = f64;
    type I = i64;
    type M = bool;

    fn splat(&mut self, c: f64) -> f64 {
        c
    }
    fn splat_int(&mut self, c: i64) -> i64 {
        c
    }
    fn add(&mut self, a: f64, b: f64) -> f64 {
        a + b
    }
    fn sub(&mut self, a: f64, b: f64) -> f64 {
        a - b
    }
    fn mul(&mut self, a: f64, b: f64) -> f64 {
        a * b
    }
    fn div(&mut self, a: f64, b: f64) -> f64 {
        a / b
    }
    fn fma(&mut self, a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
    fn trunc(&mut self, a: f64) -> f64 {
        a.trunc()
    }
    fn lt(&mut self, a: f64, b: f64) -> bool {
        a < b
    }
    fn gt(&mut self, a: f64, b: f64) -> bool {
        a > b
    }
    fn eq(&mut self, a: f64, b: f64) -> bool {
        a == b
    }
    fn is_nan(&mut self, a: f64) -> bool {
        a.is_nan()
    }
    fn or(&mut self, a: bool, b: bool) -> bool {
        a || b
    }
    fn select(&mut self, m: bool, a: f64, b: f64) -> f64 {
        if m {
            a
        } else {
            b
        }
    }
    fn to_bits(&mut self, a: f64) -> i64 {
        a.to_bits() as i64
    }
    fn bits_to_float(&mut self, a: i64) -> f64 {
        f64::from_bits(a as u64)
    }
    fn iadd(&mut self, a: i64, b: i64) -> i64 {
        a.wrapping_add(b)
    }
    fn isub(&mut self, a: i64, b: i64) -> i64 {
        a.wrapping_sub(b)
    }
    fn iand(&mut self, a: i64, b: i64) -> i64 {
        a & b
    }
    fn shl(&mut self, a: i64, by: u8) -> i64 {
        a.wrapping_shl(u32::from(by))
    }
    fn ushr(&mut self, a: i64, by: u8) -> i64 {
        ((a as u64) >> by) as i64
    }
}
