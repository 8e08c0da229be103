//! Small exact rational numbers for dimension exponents (`second**-0.5` needs halves).

use std::fmt;
use std::ops::{Add, Mul, Neg, Sub};

/// A reduced fraction `num/den` with `den > 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Ratio {
    num: i32,
    den: i32,
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl Ratio {
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// `num/den` reduced; `None` when `den == 0` or the result does not fit in `i32`.
    pub fn new(num: i64, den: i64) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den);
        let sign = if den < 0 { -1 } else { 1 };
        let (n, d) = (sign * num / g, sign * den / g);
        Some(Ratio {
            num: i32::try_from(n).ok()?,
            den: i32::try_from(d).ok()?,
        })
    }

    pub const fn integer(n: i32) -> Ratio {
        Ratio { num: n, den: 1 }
    }

    pub fn numer(self) -> i32 {
        self.num
    }

    pub fn denom(self) -> i32 {
        self.den
    }

    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    pub fn is_integer(self) -> bool {
        self.den == 1
    }

    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// The exact fraction for a float exponent such as `0.5` or `-1.5` (denominators up to 1000).
    pub fn from_f64(x: f64) -> Option<Ratio> {
        if !x.is_finite() {
            return None;
        }
        for den in 1..=1000i64 {
            let num = (x * den as f64).round();
            if (num / den as f64 - x).abs() < 1e-12 && num.abs() < i32::MAX as f64 {
                return Ratio::new(num as i64, den);
            }
        }
        None
    }

    pub fn checked_add(self, o: Ratio) -> Option<Ratio> {
        Ratio::new(
            self.num as i64 * o.den as i64 + o.num as i64 * self.den as i64,
            self.den as i64 * o.den as i64,
        )
    }

    pub fn checked_mul(self, o: Ratio) -> Option<Ratio> {
        Ratio::new(
            self.num as i64 * o.num as i64,
            self.den as i64 * o.den as i64,
        )
    }
}

impl Add for Ratio {
    type Output = Ratio;
    /// Panics only on i32 overflow of reduced exponents, which no physical unit reaches.
    fn add(self, o: Ratio) -> Ratio {
        self.checked_add(o).expect("dimension exponent overflow")
    }
}

impl Sub for Ratio {
    type Output = Ratio;
    fn sub(self, o: Ratio) -> Ratio {
        self + (-o)
    }
}

impl Neg for Ratio {
    type Output = Ratio;
    fn neg(self) -> Ratio {
        Ratio {
            num: -self.num,
            den: self.den,
        }
    }
}

impl Mul for Ratio {
    type Output = Ratio;
    fn mul(self, o: Ratio) -> Ratio {
        self.checked_mul(o).expect("dimension exponent overflow")
    }
}

impl fmt::Display for Ratio {
    /// Integers print plainly (`-2`), fractions as decimals where exact (`-0.5`) else `p/q`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else if matches!(self.den, 2 | 4 | 5 | 8 | 10) {
            write!(f, "{}", self.to_f64())
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduces_and_normalises_sign() {
        assert_eq!(Ratio::new(2, -4), Ratio::new(-1, 2));
        assert_eq!(Ratio::new(0, 5), Some(Ratio::ZERO));
        assert_eq!(Ratio::new(1, 0), None);
    }

    #[test]
    fn from_float() {
        assert_eq!(Ratio::from_f64(-0.5), Ratio::new(-1, 2));
        assert_eq!(Ratio::from_f64(1.0 / 3.0), Ratio::new(1, 3));
        assert_eq!(Ratio::from_f64(f64::NAN), None);
    }

    #[test]
    fn arithmetic() {
        let h = Ratio::new(1, 2).unwrap();
        assert_eq!(h + h, Ratio::ONE);
        assert_eq!(h * Ratio::integer(-3), Ratio::new(-3, 2).unwrap());
        assert_eq!(format!("{}", Ratio::new(-1, 2).unwrap()), "-0.5");
    }
}
