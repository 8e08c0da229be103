//! Compartments of a section by position along it (Brian2's `morpho.dend[10*um]` and
//! `morpho.dend[10*um:50*um]`), with Brian2's rounding at compartment boundaries: a position
//! within `1e-12` of the section length of a boundary counts as that boundary.

use crate::error::{ErrorKind, MorphologyError, Result};
use crate::tree::Morphology;
use std::ops::Range;

/// Number of values in `sorted` strictly below `x` (numpy's `searchsorted`, left side).
fn search_left(sorted: &[f64], x: f64) -> usize {
    sorted.partition_point(|&v| v < x)
}

fn nearest(sorted: &[f64], x: f64) -> (usize, f64) {
    sorted
        .iter()
        .enumerate()
        .map(|(k, &v)| (k, (v - x).abs()))
        .fold(
            (0, f64::INFINITY),
            |best, c| if c.1 < best.1 { c } else { best },
        )
}

impl Morphology {
    /// The compartment (index within this section) that contains position `x` (metre from
    /// the section's start).
    pub fn compartment_at(&self, x: f64) -> Result<usize> {
        let mut bounds = vec![0.0];
        let mut acc = 0.0;
        for l in self.geometry().lengths() {
            acc += l;
            bounds.push(acc);
        }
        let total = acc;
        if !x.is_finite() || x < 0.0 || x > (1.0 + 1e-12) * total {
            return Err(MorphologyError::new(
                ErrorKind::IndexOutOfRange,
                format!("invalid position {x} m, has to be in the interval [0 m, {total} m]"),
            ));
        }
        let (k, diff) = nearest(&bounds, x);
        let i = if diff < 1e-12 * total {
            k
        } else {
            search_left(&bounds, x) - 1
        };
        Ok(i.min(self.n() - 1))
    }

    /// The compartments (indices within this section) between two positions, either end
    /// open (`None`), as Brian2's `morpho.dend[start:stop]`.
    pub fn compartments_between(
        &self,
        start: Option<f64>,
        stop: Option<f64>,
    ) -> Result<Range<usize>> {
        let mut ends = Vec::with_capacity(self.n());
        let mut acc = 0.0;
        for l in self.geometry().lengths() {
            acc += l;
            ends.push(acc);
        }
        let total = acc;
        for x in [start, stop].into_iter().flatten() {
            if !x.is_finite() {
                return Err(MorphologyError::new(
                    ErrorKind::IndexOutOfRange,
                    format!("invalid position {x} m"),
                ));
            }
        }
        let boundary = |x: f64, after: usize| {
            let (k, diff) = nearest(&ends, x);
            if diff < 1e-12 * total {
                k + 1
            } else {
                search_left(&ends, x) + after
            }
        };
        let i = start.map_or(0, |x| boundary(x, 0)).min(self.n());
        let j = stop.map_or(self.n(), |x| boundary(x, 1)).min(self.n());
        if i >= j {
            return Err(MorphologyError::new(
                ErrorKind::IndexOutOfRange,
                format!(
                    "no compartment between {} and {} (section of {total} m)",
                    start.map_or("the start".into(), |x| format!("{x} m")),
                    stop.map_or("the end".into(), |x| format!("{x} m"))
                ),
            ));
        }
        Ok(i..j)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Extent;

    fn cable() -> Morphology {
        Morphology::cylinder(1e-6, 10, Extent::Length(vec![100e-6])).unwrap()
    }

    #[test]
    fn position_to_compartment() {
        let c = cable();
        assert_eq!(c.compartment_at(0.0).unwrap(), 0);
        assert_eq!(c.compartment_at(15e-6).unwrap(), 1);
        assert_eq!(c.compartment_at(20e-6).unwrap(), 2);
        assert_eq!(c.compartment_at(100e-6).unwrap(), 9);
        assert!(c.compartment_at(101e-6).is_err());
        assert!(c.compartment_at(-1e-6).is_err());
    }

    #[test]
    fn ranges_follow_brian2() {
        let c = cable();
        assert_eq!(
            c.compartments_between(Some(10e-6), Some(50e-6)).unwrap(),
            1..5
        );
        assert_eq!(
            c.compartments_between(Some(15e-6), Some(45e-6)).unwrap(),
            1..5
        );
        assert_eq!(c.compartments_between(None, Some(20e-6)).unwrap(), 0..2);
        assert_eq!(c.compartments_between(Some(95e-6), None).unwrap(), 9..10);
        assert!(c.compartments_between(Some(100e-6), None).is_err());
    }
}
