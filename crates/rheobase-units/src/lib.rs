//! Physical units for rheobase: dimensions with rational exponents, quantities with checked
//! arithmetic, every unit name Brian2 knows, and Brian2-style display.
//!
//! Public contract used by the other crates (keep these names stable):
//! - [`Ratio`], [`Dimension`] (`mul`, `div`, `pow`, `is_dimensionless`, `base_string`)
//! - [`Quantity`] `{ value (SI), dim }` with `try_add`, `try_sub`, `mul`, `div`, `try_pow`, `try_cmp`
//! - [`lookup_unit`]`(name) -> Option<Unit { name, scale, dim }>` for every unit name and constant
//! - [`format_quantity`], [`dimension_unit_string`] for Brian2-style text
//! - [`DimensionMismatchError`] with Brian2's message

pub mod dimension;
pub mod display;
pub mod error;
pub mod quantity;
pub mod ratio;
pub mod registry;

pub use dimension::Dimension;
pub use display::{dimension_unit_string, format_quantity};
pub use error::DimensionMismatchError;
pub use quantity::Quantity;
pub use ratio::Ratio;
pub use registry::{lookup_unit, Unit};
