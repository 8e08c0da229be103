//! Neuron morphologies as Brian2 2.9 defines them (`brian2.spatialneuron.morphology`).
//!
//! A [`Morphology`] is a tree of unbranched sections: a [`Geometry::Soma`] (a sphere), a
//! [`Geometry::Cylinder`] or a [`Geometry::Section`] of truncated cones, each cut into
//! compartments. Children are found by name (`morpho.get("dend.L")`, `"LRL"`, `"1"`).
//! [`FlatMorphology`] lists every compartment in Brian2's order with its length, diameter,
//! area, volume, distance from the root, axial factors `r_length_1/2` and coordinates; a
//! cable solver needs nothing else. [`swc`] reads SWC files as Brian2 does (one compartment
//! per SWC segment), with errors that name the line at fault.
//!
//! All values are SI: metre, square metre, cubic metre.
//!
//! ```
//! use rheobase_morphology::{Extent, Morphology};
//! let mut cell = Morphology::soma(30e-6)?;
//! cell.add_child("dend", Morphology::cylinder(1e-6, 10, Extent::Length(vec![500e-6]))?)?;
//! assert_eq!(cell.total_compartments(), 11);
//! let flat = cell.flatten();
//! assert!((flat.distance[10] - 475e-6).abs() < 1e-15);
//! # Ok::<(), rheobase_morphology::MorphologyError>(())
//! ```

pub mod error;
pub mod flat;
pub mod geometry;
pub mod slicing;
pub mod swc;
pub mod tree;

pub use error::{ErrorKind, MorphologyError, Result};
pub use flat::{FlatMorphology, FlatSection};
pub use geometry::{Extent, Geometry, Point};
pub use swc::SwcSample;
pub use tree::Morphology;
