//! The geometry of one section, as Brian2 defines it: a sphere (`Soma`), `n` equal cylinders
//! (`Cylinder`), or `n` truncated cones (`Section`). All values are SI (metre).
//!
//! Per compartment of a truncated cone with end diameters `d1`, `d2` and length `l`:
//! area `pi/2 (d1 + d2) sqrt((d1 - d2)^2/4 + l^2)` (no end disks), volume
//! `pi l (d1^2 + d1 d2 + d2^2)/12`, diameter `(d1 + d2)/2` (at the midpoint), and the axial
//! terms `r_length_1 = pi/2 d1 dm / l`, `r_length_2 = pi/2 dm d2 / l` (`dm` the midpoint
//! diameter): the conductance of each half is `r_length/Ri`. A soma is a point with the area
//! `pi d^2` and volume `pi d^3/6` of a sphere; its `r_length` is 1 m (almost no resistance).

use crate::error::{MorphologyError, Result};
use std::f64::consts::PI;

/// A point in space (metre).
pub type Point = [f64; 3];

/// The shape of a section and its compartments.
#[derive(Clone, Debug, PartialEq)]
pub enum Geometry {
    /// A sphere; its coordinates are absolute (not relative to a parent).
    Soma {
        diameter: f64,
        position: Option<Point>,
    },
    /// `n` cylinders of the same diameter. `points` are the `n+1` compartment boundaries,
    /// relative to the end of the parent section.
    Cylinder {
        diameter: f64,
        lengths: Vec<f64>,
        points: Option<Vec<Point>>,
    },
    /// `n` truncated cones: `n+1` diameters at the compartment boundaries.
    Section {
        diameters: Vec<f64>,
        lengths: Vec<f64>,
        points: Option<Vec<Point>>,
    },
}

/// How long a cylinder or section is: by lengths, or by the coordinates of its points.
#[derive(Clone, Debug, PartialEq)]
pub enum Extent {
    /// `Cylinder`: the total length (split into `n` equal compartments); `Section`: one
    /// value per compartment (or a single total length split equally).
    Length(Vec<f64>),
    /// `Cylinder`: start and end point; `Section`: `n+1` points. Relative to the parent's
    /// end point.
    Points(Vec<Point>),
}

fn check_positive(what: &str, values: &[f64]) -> Result<()> {
    for (k, &x) in values.iter().enumerate() {
        if !(x.is_finite() && x > 0.0) {
            let at = if values.len() > 1 {
                format!(" (value {k})")
            } else {
                String::new()
            };
            return Err(MorphologyError::geometry(format!(
                "the {what} must be positive and finite, got {x} m{at}"
            )));
        }
    }
    Ok(())
}

fn check_finite_points(points: &[Point]) -> Result<()> {
    if points.iter().flatten().any(|c| !c.is_finite()) {
        return Err(MorphologyError::geometry("coordinates must be finite"));
    }
    Ok(())
}

fn distance(a: Point, b: Point) -> f64 {
    ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2) + (b[2] - a[2]).powi(2)).sqrt()
}

/// Lengths of the segments between consecutive points.
pub(crate) fn segment_lengths(points: &[Point]) -> Vec<f64> {
    points.windows(2).map(|w| distance(w[0], w[1])).collect()
}

fn check_n(n: usize) -> Result<()> {
    if n == 0 {
        return Err(MorphologyError::geometry(
            "the number of compartments n has to be at least 1",
        ));
    }
    Ok(())
}

impl Geometry {
    pub fn soma(diameter: f64, position: Option<Point>) -> Result<Geometry> {
        check_positive("soma diameter", &[diameter])?;
        if let Some(p) = position {
            check_finite_points(&[p])?;
        }
        Ok(Geometry::Soma { diameter, position })
    }

    pub fn cylinder(diameter: f64, n: usize, extent: Extent) -> Result<Geometry> {
        check_n(n)?;
        check_positive("cylinder diameter", &[diameter])?;
        match extent {
            Extent::Length(total) => {
                if total.len() != 1 {
                    return Err(MorphologyError::geometry(format!(
                        "a Cylinder takes one total length, got {} values",
                        total.len()
                    )));
                }
                check_positive("cylinder length", &total)?;
                Ok(Geometry::Cylinder {
                    diameter,
                    lengths: vec![total[0] / n as f64; n],
                    points: None,
                })
            }
            Extent::Points(ends) => {
                if ends.len() != 2 {
                    return Err(MorphologyError::geometry(format!(
                        "a Cylinder takes 2 points (start and end), got {}",
                        ends.len()
                    )));
                }
                check_finite_points(&ends)?;
                let (a, b) = (ends[0], ends[1]);
                let points: Vec<Point> = (0..=n)
                    .map(|k| {
                        let f = k as f64 / n as f64;
                        [0, 1, 2].map(|c| a[c] + (b[c] - a[c]) * f)
                    })
                    .collect();
                let lengths = segment_lengths(&points);
                check_positive("cylinder length", &[distance(a, b)])?;
                Ok(Geometry::Cylinder {
                    diameter,
                    lengths,
                    points: Some(points),
                })
            }
        }
    }

    pub fn section(diameters: Vec<f64>, n: usize, extent: Extent) -> Result<Geometry> {
        check_n(n)?;
        if diameters.len() != n + 1 {
            return Err(MorphologyError::geometry(format!(
                "a Section of {n} compartments takes {} diameters, got {}",
                n + 1,
                diameters.len()
            )));
        }
        check_positive("section diameter", &diameters)?;
        let geometry = Geometry::section_unchecked(diameters, n, extent)?;
        check_positive("compartment length", geometry.lengths())?;
        Ok(geometry)
    }

    /// A section whose lengths may be zero (two identical SWC points); the diameters and
    /// counts are still checked.
    pub(crate) fn section_unchecked(
        diameters: Vec<f64>,
        n: usize,
        extent: Extent,
    ) -> Result<Geometry> {
        let (lengths, points) = match extent {
            Extent::Length(lengths) => {
                let lengths = match lengths.len() {
                    len if len == n => lengths,
                    1 => vec![lengths[0] / n as f64; n],
                    len => {
                        return Err(MorphologyError::geometry(format!(
                            "a Section of {n} compartments takes {n} lengths, got {len}"
                        )))
                    }
                };
                (lengths, None)
            }
            Extent::Points(points) => {
                if points.len() != n + 1 {
                    return Err(MorphologyError::geometry(format!(
                        "a Section of {n} compartments takes {} points, got {}",
                        n + 1,
                        points.len()
                    )));
                }
                check_finite_points(&points)?;
                (segment_lengths(&points), Some(points))
            }
        };
        if lengths.iter().any(|l| !l.is_finite() || *l < 0.0) {
            return Err(MorphologyError::geometry(
                "compartment lengths must be finite and not negative",
            ));
        }
        Ok(Geometry::Section {
            diameters,
            lengths,
            points,
        })
    }

    /// Number of compartments.
    pub fn n(&self) -> usize {
        match self {
            Geometry::Soma { .. } => 1,
            Geometry::Cylinder { lengths, .. } | Geometry::Section { lengths, .. } => lengths.len(),
        }
    }

    pub fn is_soma(&self) -> bool {
        matches!(self, Geometry::Soma { .. })
    }

    /// Compartment lengths (a soma's "length" is its diameter).
    pub fn lengths(&self) -> &[f64] {
        match self {
            Geometry::Soma { diameter, .. } => std::slice::from_ref(diameter),
            Geometry::Cylinder { lengths, .. } | Geometry::Section { lengths, .. } => lengths,
        }
    }

    /// Diameters at the start and end of compartment `k`.
    fn ends(&self, k: usize) -> (f64, f64) {
        match self {
            Geometry::Soma { diameter, .. } | Geometry::Cylinder { diameter, .. } => {
                (*diameter, *diameter)
            }
            Geometry::Section { diameters, .. } => (diameters[k], diameters[k + 1]),
        }
    }

    fn per_compartment(&self, f: impl Fn(f64, f64, f64) -> f64) -> Vec<f64> {
        let lengths = self.lengths();
        (0..self.n())
            .map(|k| {
                let (d1, d2) = self.ends(k);
                f(d1, d2, lengths[k])
            })
            .collect()
    }

    /// Diameter at each compartment's midpoint.
    pub fn diameter(&self) -> Vec<f64> {
        self.per_compartment(|d1, d2, _| 0.5 * (d1 + d2))
    }

    pub fn start_diameter(&self) -> Vec<f64> {
        self.per_compartment(|d1, _, _| d1)
    }

    pub fn end_diameter(&self) -> Vec<f64> {
        self.per_compartment(|_, d2, _| d2)
    }

    /// Membrane area of each compartment.
    pub fn area(&self) -> Vec<f64> {
        match self {
            Geometry::Soma { diameter, .. } => vec![PI * diameter * diameter],
            Geometry::Cylinder {
                diameter, lengths, ..
            } => lengths.iter().map(|l| PI * diameter * l).collect(),
            Geometry::Section { .. } => self.per_compartment(|d1, d2, l| {
                PI / 2.0 * (d1 + d2) * ((d1 - d2).powi(2) / 4.0 + l * l).sqrt()
            }),
        }
    }

    pub fn volume(&self) -> Vec<f64> {
        match self {
            Geometry::Soma { diameter, .. } => vec![PI * diameter.powi(3) / 6.0],
            Geometry::Cylinder {
                diameter, lengths, ..
            } => lengths
                .iter()
                .map(|l| PI * (diameter / 2.0).powi(2) * l)
                .collect(),
            Geometry::Section { .. } => {
                self.per_compartment(|d1, d2, l| PI * l * (d1 * d1 + d1 * d2 + d2 * d2) / 12.0)
            }
        }
    }

    /// Geometric factor of the axial conductance from the start to the midpoint.
    pub fn r_length_1(&self) -> Vec<f64> {
        match self {
            Geometry::Soma { .. } => vec![1.0],
            Geometry::Cylinder {
                diameter, lengths, ..
            } => lengths
                .iter()
                .map(|l| PI / 2.0 * diameter * diameter / l)
                .collect(),
            Geometry::Section { .. } => {
                self.per_compartment(|d1, d2, l| PI / 2.0 * (d1 * 0.5 * (d1 + d2)) / l)
            }
        }
    }

    /// Geometric factor of the axial conductance from the midpoint to the end.
    pub fn r_length_2(&self) -> Vec<f64> {
        match self {
            Geometry::Soma { .. } => vec![1.0],
            Geometry::Cylinder {
                diameter, lengths, ..
            } => lengths
                .iter()
                .map(|l| PI / 2.0 * diameter * diameter / l)
                .collect(),
            Geometry::Section { .. } => {
                self.per_compartment(|d1, d2, l| PI / 2.0 * (0.5 * (d1 + d2) * d2) / l)
            }
        }
    }

    /// The `n+1` boundary points relative to the parent's end (sections), or the soma's
    /// absolute position; `None` without coordinates.
    pub fn points(&self) -> Option<&[Point]> {
        match self {
            Geometry::Soma { position, .. } => position.as_ref().map(std::slice::from_ref),
            Geometry::Cylinder { points, .. } | Geometry::Section { points, .. } => {
                points.as_deref()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
    }

    #[test]
    fn cylinder_splits_its_length() {
        let c = Geometry::cylinder(2e-6, 4, Extent::Length(vec![100e-6])).unwrap();
        assert_eq!(c.n(), 4);
        assert!(c.lengths().iter().all(|&l| close(l, 25e-6)));
        assert!(close(c.area()[0], PI * 2e-6 * 25e-6));
        assert!(close(c.r_length_1()[0], PI / 2.0 * 4e-12 / 25e-6));
    }

    #[test]
    fn cone_matches_cylinder_when_diameters_are_equal() {
        let s = Geometry::section(vec![2e-6; 3], 2, Extent::Length(vec![10e-6, 10e-6])).unwrap();
        let c = Geometry::cylinder(2e-6, 2, Extent::Length(vec![20e-6])).unwrap();
        for (a, b) in s.area().iter().zip(c.area()) {
            assert!(close(*a, b));
        }
        for (a, b) in s.volume().iter().zip(c.volume()) {
            assert!(close(*a, b));
        }
    }

    #[test]
    fn truncated_cone_formulas() {
        let s = Geometry::section(vec![4e-6, 2e-6], 1, Extent::Length(vec![10e-6])).unwrap();
        let (d1, d2, l) = (4e-6, 2e-6, 10e-6);
        assert!(close(s.diameter()[0], 3e-6));
        assert!(close(
            s.area()[0],
            PI / 2.0 * (d1 + d2) * (((d1 - d2) * (d1 - d2)) / 4.0 + l * l).sqrt()
        ));
        assert!(close(
            s.volume()[0],
            PI * l * (d1 * d1 + d1 * d2 + d2 * d2) / 12.0
        ));
        assert!(close(s.r_length_1()[0], PI / 2.0 * d1 * 3e-6 / l));
        assert!(close(s.r_length_2()[0], PI / 2.0 * 3e-6 * d2 / l));
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(Geometry::soma(0.0, None).is_err());
        assert!(Geometry::soma(f64::NAN, None).is_err());
        assert!(Geometry::cylinder(1e-6, 0, Extent::Length(vec![1e-6])).is_err());
        assert!(Geometry::cylinder(1e-6, 2, Extent::Length(vec![0.0])).is_err());
        assert!(Geometry::section(vec![1e-6; 2], 2, Extent::Length(vec![1e-6])).is_err());
        let same = Extent::Points(vec![[0.0; 3], [0.0; 3]]);
        let e = Geometry::cylinder(1e-6, 1, same).unwrap_err();
        assert!(e.message.contains("length"), "{e}");
    }

    #[test]
    fn cylinder_points_are_interpolated() {
        let c =
            Geometry::cylinder(1e-6, 2, Extent::Points(vec![[0.0; 3], [0.0, 2e-6, 0.0]])).unwrap();
        assert_eq!(c.points().unwrap()[1], [0.0, 1e-6, 0.0]);
        assert!(close(c.lengths()[1], 1e-6));
    }
}
