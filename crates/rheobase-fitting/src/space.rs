//! Parameter ranges with units, and the map between the optimizers' unit cube and parameter
//! values (in SI units): linear, or logarithmic for parameters spanning decades.

use crate::error::{FitError, Result};
use rheobase_units::{Dimension, Quantity};

/// How a range is searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Scale {
    #[default]
    Linear,
    /// Uniform in `ln(value)`; both bounds must be positive.
    Log,
}

/// One parameter to fit: `low <= value <= high`.
#[derive(Clone, Debug, PartialEq)]
pub struct ParameterRange {
    pub name: String,
    pub low: Quantity,
    pub high: Quantity,
    pub scale: Scale,
}

impl ParameterRange {
    pub fn linear(name: impl Into<String>, low: Quantity, high: Quantity) -> ParameterRange {
        ParameterRange {
            name: name.into(),
            low,
            high,
            scale: Scale::Linear,
        }
    }

    pub fn log(name: impl Into<String>, low: Quantity, high: Quantity) -> ParameterRange {
        ParameterRange {
            name: name.into(),
            low,
            high,
            scale: Scale::Log,
        }
    }

    pub fn dimension(&self) -> Dimension {
        self.low.dim
    }

    fn invalid(&self, message: impl Into<String>) -> FitError {
        FitError::Range {
            parameter: self.name.clone(),
            message: message.into(),
        }
    }

    /// Checks the range on its own (the fitter also checks the unit against the model).
    pub fn validate(&self) -> Result<()> {
        if self.low.dim != self.high.dim {
            return Err(self.invalid("the bounds have different units"));
        }
        let (lo, hi) = (self.low.value, self.high.value);
        if !(lo.is_finite() && hi.is_finite()) {
            return Err(self.invalid("the bounds must be finite"));
        }
        if lo >= hi {
            return Err(self.invalid(format!(
                "the range is empty: the lower bound ({lo}) must be below the upper bound ({hi})"
            )));
        }
        if self.scale == Scale::Log && lo <= 0.0 {
            return Err(self.invalid("a logarithmic range needs positive bounds"));
        }
        Ok(())
    }

    /// The value (SI) at cube coordinate `u` in `[0, 1]`.
    pub fn value_at(&self, u: f64) -> f64 {
        let (lo, hi) = (self.low.value, self.high.value);
        // The bounds exactly (exp(ln(x)) can miss x by an ulp).
        if u.is_nan() || u <= 0.0 {
            return lo;
        }
        if u >= 1.0 {
            return hi;
        }
        match self.scale {
            Scale::Linear => lo + u * (hi - lo),
            Scale::Log => (lo.ln() + u * (hi.ln() - lo.ln())).exp().clamp(lo, hi),
        }
    }

    /// The cube coordinate of `value` (SI), clamped to `[0, 1]`.
    pub fn coordinate_of(&self, value: f64) -> f64 {
        let (lo, hi) = (self.low.value, self.high.value);
        let u = match self.scale {
            Scale::Linear => (value - lo) / (hi - lo),
            Scale::Log => (value.max(f64::MIN_POSITIVE).ln() - lo.ln()) / (hi.ln() - lo.ln()),
        };
        u.clamp(0.0, 1.0)
    }
}

/// The parameters of a fit, in a fixed order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ParameterSpace {
    pub ranges: Vec<ParameterRange>,
}

impl ParameterSpace {
    /// Validates every range; names must be unique and there must be at least one.
    pub fn new(ranges: Vec<ParameterRange>) -> Result<ParameterSpace> {
        if ranges.is_empty() {
            return Err(FitError::Input(
                "no parameter to fit: give at least one parameter range".into(),
            ));
        }
        for (k, r) in ranges.iter().enumerate() {
            r.validate()?;
            if ranges[..k].iter().any(|o| o.name == r.name) {
                return Err(r.invalid("the parameter has two ranges"));
            }
        }
        Ok(ParameterSpace { ranges })
    }

    pub fn dims(&self) -> usize {
        self.ranges.len()
    }

    pub fn names(&self) -> Vec<&str> {
        self.ranges.iter().map(|r| r.name.as_str()).collect()
    }

    /// Parameter values (SI) of a cube point.
    pub fn values(&self, point: &[f64]) -> Vec<f64> {
        self.ranges
            .iter()
            .zip(point)
            .map(|(r, &u)| r.value_at(u))
            .collect()
    }

    /// The cube point of parameter values (SI).
    pub fn point(&self, values: &[f64]) -> Vec<f64> {
        self.ranges
            .iter()
            .zip(values)
            .map(|(r, &v)| r.coordinate_of(v))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheobase_units::lookup_unit;

    fn q(v: f64, unit: &str) -> Quantity {
        let u = lookup_unit(unit).unwrap();
        Quantity::new(v * u.scale, u.dim)
    }

    #[test]
    fn linear_and_log_maps_round_trip() {
        let lin = ParameterRange::linear("tau", q(1.0, "ms"), q(21.0, "ms"));
        assert!((lin.value_at(0.5) - 0.011).abs() < 1e-15);
        assert!((lin.coordinate_of(0.006) - 0.25).abs() < 1e-12);
        let log = ParameterRange::log("g", q(1.0, "nS"), q(100.0, "nS"));
        assert!((log.value_at(0.5) - 10e-9).abs() < 1e-20);
        assert!((log.coordinate_of(1e-8) - 0.5).abs() < 1e-12);
        assert_eq!(log.value_at(0.0), log.low.value);
        assert_eq!(log.value_at(1.0), log.high.value);
        assert_eq!(log.value_at(7.0), log.high.value);
    }

    #[test]
    fn bad_ranges_are_refused_with_the_range_code() {
        let cases = [
            ParameterRange::linear("a", q(2.0, "ms"), q(1.0, "ms")),
            ParameterRange::linear("a", q(1.0, "ms"), q(1.0, "ms")),
            ParameterRange::linear("a", q(1.0, "ms"), q(2.0, "mV")),
            ParameterRange::log("a", q(0.0, "nS"), q(2.0, "nS")),
            ParameterRange::linear("a", q(f64::NAN, "ms"), q(2.0, "ms")),
        ];
        for r in cases {
            let e = ParameterSpace::new(vec![r.clone()]).unwrap_err();
            assert_eq!(e.code(), "runtime::fit_invalid_range", "{r:?}");
        }
        let dup = vec![
            ParameterRange::linear("a", q(1.0, "ms"), q(2.0, "ms")),
            ParameterRange::linear("a", q(1.0, "ms"), q(3.0, "ms")),
        ];
        assert!(ParameterSpace::new(dup).is_err());
        assert_eq!(
            ParameterSpace::new(vec![]).unwrap_err().code(),
            "runtime::fit_input_mismatch"
        );
    }
}
