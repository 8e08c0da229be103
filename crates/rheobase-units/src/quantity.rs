//! A value in SI base units with its dimension, with Brian2's checked arithmetic.

use crate::dimension::Dimension;
use crate::error::DimensionMismatchError;
use crate::ratio::Ratio;
use std::cmp::Ordering;
use std::ops::Neg;

/// A scalar physical quantity: `value` is in SI base units (3 mV is `0.003` with volt's dimension).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantity {
    pub value: f64,
    pub dim: Dimension,
}

impl Quantity {
    pub const fn new(value: f64, dim: Dimension) -> Quantity {
        Quantity { value, dim }
    }

    pub const fn dimensionless(value: f64) -> Quantity {
        Quantity {
            value,
            dim: Dimension::DIMENSIONLESS,
        }
    }

    pub fn is_dimensionless(&self) -> bool {
        self.dim.is_dimensionless()
    }

    /// Brian2 lets a dimensionless zero stand for "zero of any dimension", so `3*mV + 0` and
    /// `v > 0` work. Returns the dimension of the result, or `None` on a mismatch.
    fn common_dim(&self, o: &Quantity) -> Option<Dimension> {
        if self.dim == o.dim {
            Some(self.dim)
        } else if self.is_dimensionless() && self.value == 0.0 {
            Some(o.dim)
        } else if o.is_dimensionless() && o.value == 0.0 {
            Some(self.dim)
        } else {
            None
        }
    }

    /// Apply a Brian2 ufunc that needs matching dimensions (`add`, `subtract`, `maximum`,
    /// `minimum`, `mod`); `op` names it in the error.
    pub fn try_binary(
        &self,
        o: &Quantity,
        op: &str,
        f: impl FnOnce(f64, f64) -> f64,
    ) -> Result<Quantity, DimensionMismatchError> {
        let dim = self
            .common_dim(o)
            .ok_or_else(|| DimensionMismatchError::binary(op, self, o))?;
        Ok(Quantity::new(f(self.value, o.value), dim))
    }

    /// `Cannot calculate 3. mV add 5. s, the units do not match (units are V and s).`
    pub fn try_add(&self, o: &Quantity) -> Result<Quantity, DimensionMismatchError> {
        self.try_binary(o, "add", |a, b| a + b)
    }

    pub fn try_sub(&self, o: &Quantity) -> Result<Quantity, DimensionMismatchError> {
        self.try_binary(o, "subtract", |a, b| a - b)
    }

    pub fn mul(&self, o: &Quantity) -> Quantity {
        Quantity::new(self.value * o.value, self.dim.mul(&o.dim))
    }

    pub fn div(&self, o: &Quantity) -> Quantity {
        Quantity::new(self.value / o.value, self.dim.div(&o.dim))
    }

    /// Raise to a dimensionless power (`x**p`). A dimensioned exponent is Brian2's error; a
    /// dimensioned base needs an exponent that is a simple fraction (`-0.5`, `1/3`), because
    /// dimension exponents are exact fractions here (Brian2 would accept `mV**pi`).
    pub fn try_pow(&self, p: &Quantity) -> Result<Quantity, DimensionMismatchError> {
        if !p.is_dimensionless() {
            return Err(DimensionMismatchError::dimensioned_exponent(p));
        }
        let dim = self.dim.powf(p.value).ok_or_else(|| {
            DimensionMismatchError::new(
                &format!(
                    "Cannot raise {} to the power {}: the exponent of a quantity with units \
                     must be a simple fraction",
                    crate::display::format_quantity(self),
                    crate::numfmt::python_float_repr(p.value)
                ),
                vec![self.dim],
            )
        })?;
        Ok(Quantity::new(self.value.powf(p.value), dim))
    }

    /// Raise to an exact rational power (`sqrt` is `1/2`).
    pub fn pow_ratio(&self, p: Ratio) -> Quantity {
        Quantity::new(self.value.powf(p.to_f64()), self.dim.pow(p))
    }

    pub fn sqrt(&self) -> Quantity {
        Quantity::new(self.value.sqrt(), self.dim.sqrt())
    }

    pub fn abs(&self) -> Quantity {
        Quantity::new(self.value.abs(), self.dim)
    }

    /// Compare (`op` is `<`, `<=`, `>`, `>=`, `==` or `!=`, used in the error) after checking
    /// dimensions. As in Brian2, a dimensionless zero or infinity compares with anything.
    /// `None` when a value is NaN.
    pub fn try_cmp(
        &self,
        o: &Quantity,
        op: &str,
    ) -> Result<Option<Ordering>, DimensionMismatchError> {
        let any_dim = o.is_dimensionless() && o.value.is_infinite();
        if !any_dim && self.common_dim(o).is_none() {
            return Err(DimensionMismatchError::comparison(op, self, o));
        }
        Ok(self.value.partial_cmp(&o.value))
    }

    /// Check a function argument that must be dimensionless (`exp`, `log`, `sin`, ...):
    /// `exp expects a dimensionless argument but got 3. mV (unit is V).`
    pub fn expect_dimensionless(&self, function: &str) -> Result<f64, DimensionMismatchError> {
        if self.is_dimensionless() {
            Ok(self.value)
        } else {
            Err(DimensionMismatchError::dimensionless_argument(
                function, self,
            ))
        }
    }
}

impl std::fmt::Display for Quantity {
    /// Brian2's `str`: `3. mV`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::display::format_quantity(self))
    }
}

impl Neg for Quantity {
    type Output = Quantity;
    fn neg(self) -> Quantity {
        Quantity::new(-self.value, self.dim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::lookup_unit;

    fn q(value: f64, unit: &str) -> Quantity {
        let u = lookup_unit(unit).unwrap();
        Quantity::new(value * u.scale, u.dim)
    }

    fn err(r: Result<impl std::fmt::Debug, DimensionMismatchError>) -> String {
        r.unwrap_err().to_string()
    }

    // Messages below are what Brian2 2.9 raises for the same Python expressions.
    #[test]
    fn add_and_subtract() {
        assert_eq!(
            err(q(3.0, "mV").try_add(&q(5.0, "second"))),
            "Cannot calculate 3. mV add 5. s, the units do not match (units are V and s)."
        );
        assert_eq!(
            err(q(3.0, "mV").try_sub(&q(5.0, "second"))),
            "Cannot calculate 3. mV subtract 5. s, the units do not match (units are V and s)."
        );
        assert_eq!(
            err(q(3.0, "mV").try_add(&Quantity::dimensionless(5.0))),
            "Cannot calculate 3. mV add 5.0, the units do not match (units are V and 1)."
        );
        assert_eq!(
            err(Quantity::dimensionless(3.0).try_add(&q(5.0, "second"))),
            "Cannot calculate 3.0 add 5. s, the units do not match (units are 1 and s)."
        );
        assert_eq!(
            err(q(2.0, "mM").try_add(&q(3.0, "mV"))),
            "Cannot calculate 2. mM add 3. mV, the units do not match (units are mM and V)."
        );
        let wb = q(3.0, "mV").mul(&q(1.0, "second"));
        assert_eq!(
            err(wb.try_add(&q(2.0, "joule"))),
            "Cannot calculate 3. mWb add 2. J, the units do not match (units are Wb and J)."
        );
        let kg_mol = q(3.0, "kilogram").mul(&q(1.0, "mole"));
        assert_eq!(
            err(kg_mol.try_add(&q(1.0, "mV"))),
            "Cannot calculate 3. kg mol add 1. mV, the units do not match (units are kg mol and V)."
        );
        let sum = q(3.0, "mV").try_add(&q(2.0, "volt")).unwrap();
        assert!((sum.value - 2.003).abs() < 1e-15);
        assert_eq!(sum.dim, q(1.0, "volt").dim);
    }

    #[test]
    fn zero_has_any_dimension() {
        let v = q(3.0, "mV");
        assert_eq!(v.try_add(&Quantity::dimensionless(0.0)).unwrap(), v);
        assert_eq!(Quantity::dimensionless(0.0).try_add(&v).unwrap(), v);
        assert!(v.try_add(&q(0.0, "second")).is_err());
        assert_eq!(
            v.try_cmp(&Quantity::dimensionless(0.0), ">").unwrap(),
            Some(Ordering::Greater)
        );
        assert_eq!(
            v.try_cmp(&Quantity::dimensionless(f64::INFINITY), "<")
                .unwrap(),
            Some(Ordering::Less)
        );
    }

    #[test]
    fn comparisons() {
        assert_eq!(
            err(q(3.0, "mV").try_cmp(&q(5.0, "second"), "<")),
            "Cannot perform comparison 3. mV < 5. s, units do not match (units are V and s)."
        );
        assert_eq!(
            err(q(3.0, "mV").try_cmp(&q(5.0, "second"), "==")),
            "Cannot perform comparison 3. mV == 5. s, units do not match (units are V and s)."
        );
        assert_eq!(
            err(q(3.0, "mV").try_cmp(&q(-f64::INFINITY, "second"), "<")),
            "Cannot perform comparison 3. mV < -inf Ys, units do not match (units are V and s)."
        );
        assert_eq!(
            q(3.0, "mV").try_cmp(&q(1.0, "volt"), "<").unwrap(),
            Some(Ordering::Less)
        );
    }

    #[test]
    fn powers_and_functions() {
        let v = q(3.0, "mV");
        assert_eq!(
            err(v.try_pow(&q(2.0, "mV"))),
            "The exponent for a power operation has to be dimensionless but was 2. mV (unit is V)."
        );
        assert_eq!(
            err(v.expect_dimensionless("exp")),
            "exp expects a dimensionless argument but got 3. mV (unit is V)."
        );
        assert_eq!(
            Quantity::dimensionless(0.5).expect_dimensionless("exp"),
            Ok(0.5)
        );
        let squared = v.try_pow(&Quantity::dimensionless(2.0)).unwrap();
        assert_eq!(crate::format_quantity(&squared), "9. mV^2");
        let root = v.sqrt();
        assert_eq!(root.dim, v.dim.pow(Ratio::new(1, 2).unwrap()));
        assert_eq!(
            crate::repr_quantity(&root),
            "0.05477226 * metre * kilogram ** 0.5 * second ** -1.5 * amp ** -0.5"
        );
        assert!(v
            .try_pow(&Quantity::dimensionless(std::f64::consts::PI))
            .is_err());
        assert_eq!(
            Quantity::dimensionless(2.0)
                .try_pow(&Quantity::dimensionless(0.5))
                .unwrap()
                .value,
            2f64.sqrt()
        );
        assert_eq!(-v, q(-3.0, "mV"));
        assert_eq!(format!("{}", -v), "-3. mV");
        assert_eq!((-v).abs(), v);
    }
}
