//! A value in SI base units with its dimension.

use crate::dimension::Dimension;
use crate::error::DimensionMismatchError;

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

    fn same_dim(&self, o: &Quantity, op: &str) -> Result<(), DimensionMismatchError> {
        if self.dim == o.dim {
            Ok(())
        } else {
            Err(DimensionMismatchError::binary(op, self, o))
        }
    }

    pub fn try_add(&self, o: &Quantity) -> Result<Quantity, DimensionMismatchError> {
        self.same_dim(o, "add")?;
        Ok(Quantity::new(self.value + o.value, self.dim))
    }

    pub fn try_sub(&self, o: &Quantity) -> Result<Quantity, DimensionMismatchError> {
        self.same_dim(o, "subtract")?;
        Ok(Quantity::new(self.value - o.value, self.dim))
    }

    pub fn mul(&self, o: &Quantity) -> Quantity {
        Quantity::new(self.value * o.value, self.dim.mul(&o.dim))
    }

    pub fn div(&self, o: &Quantity) -> Quantity {
        Quantity::new(self.value / o.value, self.dim.div(&o.dim))
    }

    /// Raise to a dimensionless power; a dimensioned exponent or a non-fraction power of a
    /// dimensioned base is an error.
    pub fn try_pow(&self, p: &Quantity) -> Result<Quantity, DimensionMismatchError> {
        if !p.is_dimensionless() {
            return Err(DimensionMismatchError::new(
                "Cannot calculate exponentiation with a dimensioned exponent",
                vec![p.dim],
            ));
        }
        let dim = self.dim.powf(p.value).ok_or_else(|| {
            DimensionMismatchError::new("Exponent is not a simple fraction", vec![self.dim])
        })?;
        Ok(Quantity::new(self.value.powf(p.value), dim))
    }

    /// Compare (`<`, `==`, ...) after checking that both sides have the same dimension.
    pub fn try_cmp(
        &self,
        o: &Quantity,
        op: &str,
    ) -> Result<Option<std::cmp::Ordering>, DimensionMismatchError> {
        self.same_dim(o, op)?;
        Ok(self.value.partial_cmp(&o.value))
    }
}
