//! Physical dimensions: exponents of the 7 SI base quantities.

use crate::ratio::Ratio;
use std::fmt;

/// Index of each SI base quantity in [`Dimension`]'s exponent array (Brian2's order).
pub const BASE_SYMBOLS: [&str; 7] = ["m", "kg", "s", "A", "K", "mol", "cd"];

/// Exponents of metre, kilogram, second, ampere, kelvin, mole and candela.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Dimension([Ratio; 7]);

impl Dimension {
    pub const DIMENSIONLESS: Dimension = Dimension([Ratio::ZERO; 7]);

    pub const fn from_exponents(e: [Ratio; 7]) -> Dimension {
        Dimension(e)
    }

    /// Integer exponents in the order m, kg, s, A, K, mol, cd.
    pub const fn from_ints(e: [i32; 7]) -> Dimension {
        let mut r = [Ratio::ZERO; 7];
        let mut k = 0;
        while k < 7 {
            r[k] = Ratio::integer(e[k]);
            k += 1;
        }
        Dimension(r)
    }

    /// Which of the 7 base dimensions a name means, accepting Brian2's names for them
    /// (`length`, `metre`, `m`, `time`, `s`, `current`, `A`, `substance`, `mol`, ...).
    pub fn base_index(name: &str) -> Option<usize> {
        let index = match name {
            "Length" | "length" | "metre" | "metres" | "meter" | "meters" | "m" => 0,
            "Mass" | "mass" | "kilogram" | "kilograms" | "kg" => 1,
            "Time" | "time" | "second" | "seconds" | "s" => 2,
            "Electric Current" | "electric current" | "Current" | "current" | "ampere"
            | "amperes" | "A" => 3,
            "Temperature" | "temperature" | "kelvin" | "kelvins" | "K" => 4,
            "Quantity of Substance"
            | "Quantity of substance"
            | "quantity of substance"
            | "Substance"
            | "substance"
            | "mole"
            | "moles"
            | "mol" => 5,
            "Luminosity" | "luminosity" | "candle" | "candles" | "cd" => 6,
            _ => return None,
        };
        Some(index)
    }

    pub fn exponents(&self) -> &[Ratio; 7] {
        &self.0
    }

    pub fn is_dimensionless(&self) -> bool {
        self.0.iter().all(|e| e.is_zero())
    }

    pub fn mul(&self, o: &Dimension) -> Dimension {
        let mut r = self.0;
        for (a, b) in r.iter_mut().zip(o.0.iter()) {
            *a = *a + *b;
        }
        Dimension(r)
    }

    pub fn div(&self, o: &Dimension) -> Dimension {
        self.mul(&o.inv())
    }

    pub fn inv(&self) -> Dimension {
        let mut r = self.0;
        for a in r.iter_mut() {
            *a = -*a;
        }
        Dimension(r)
    }

    pub fn pow(&self, p: Ratio) -> Dimension {
        let mut r = self.0;
        for a in r.iter_mut() {
            *a = *a * p;
        }
        Dimension(r)
    }

    /// Raise to a float power; `None` when the exponent is not a simple fraction.
    pub fn powf(&self, p: f64) -> Option<Dimension> {
        if self.is_dimensionless() {
            return Some(*self);
        }
        Ratio::from_f64(p).map(|r| self.pow(r))
    }

    /// [`mul`](Self::mul) that returns `None` instead of panicking when an exponent
    /// overflows (user input such as `(mV**1e6)**1e6`).
    pub fn checked_mul(&self, o: &Dimension) -> Option<Dimension> {
        let mut r = self.0;
        for (a, b) in r.iter_mut().zip(o.0.iter()) {
            *a = a.checked_add(*b)?;
        }
        Some(Dimension(r))
    }

    /// [`pow`](Self::pow) that returns `None` when an exponent overflows.
    pub fn checked_pow(&self, p: Ratio) -> Option<Dimension> {
        let mut r = self.0;
        for a in r.iter_mut() {
            *a = a.checked_mul(p)?;
        }
        Some(Dimension(r))
    }

    pub fn sqrt(&self) -> Dimension {
        self.pow(Ratio::new(1, 2).expect("1/2"))
    }

    /// Base-unit form as Brian2 prints dimensions: `m^2 kg s^-3 A^-1`, `1` when dimensionless.
    pub fn base_string(&self) -> String {
        if self.is_dimensionless() {
            return "1".to_string();
        }
        let mut parts = Vec::new();
        for (sym, e) in BASE_SYMBOLS.iter().zip(self.0.iter()) {
            if e.is_zero() {
                continue;
            }
            if *e == Ratio::ONE {
                parts.push(sym.to_string());
            } else {
                parts.push(format!("{sym}^{e}"));
            }
        }
        parts.join(" ")
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algebra() {
        let volt = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);
        let amp = Dimension::from_ints([0, 0, 0, 1, 0, 0, 0]);
        let ohm = volt.div(&amp);
        assert_eq!(ohm.mul(&amp), volt);
        assert_eq!(volt.base_string(), "m^2 kg s^-3 A^-1");
        let s = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);
        assert_eq!(s.pow(Ratio::new(-1, 2).unwrap()).base_string(), "s^-0.5");
        assert!(volt.div(&volt).is_dimensionless());
        assert_eq!(Dimension::base_index("length"), Some(0));
        assert_eq!(Dimension::base_index("A"), Some(3));
        assert_eq!(Dimension::base_index("Quantity of substance"), Some(5));
        assert_eq!(Dimension::base_index("furlong"), None);
        assert_eq!(volt.checked_mul(&amp), Some(volt.mul(&amp)));
        assert_eq!(volt.checked_pow(Ratio::integer(2)), Some(volt.mul(&volt)));
        let huge = volt.pow(Ratio::integer(1 << 29));
        assert_eq!(huge.checked_pow(Ratio::integer(4)), None);
        assert_eq!(huge.checked_mul(&huge), None);
    }
}
