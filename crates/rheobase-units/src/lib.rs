//! Physical units for rheobase: dimensions with rational exponents, quantities with checked
//! arithmetic, every unit name Brian2 knows, and Brian2-style display.
//!
//! Public contract used by the other crates (keep these names stable):
//! - [`Ratio`], [`Dimension`] (`mul`, `div`, `pow`, `is_dimensionless`, `base_string`)
//! - [`Quantity`] `{ value (SI), dim }` with `try_add`, `try_sub`, `mul`, `div`, `try_pow`, `try_cmp`
//! - [`lookup_unit`]`(name) -> Option<Unit { name, dispname, scale, dim, kind }>` for every
//!   unit name and constant ([`UnitKind`] tells them apart; [`lookup_constant`] finds
//!   constants only); [`all_units`], [`star_exported_units`], [`all_constants`] list them
//! - [`format_quantity`], [`repr_quantity`], [`in_unit`], [`dimension_unit_string`],
//!   [`dimension_str`] for Brian2-style text
//! - [`DimensionMismatchError`] with Brian2's message

pub mod constants;
pub mod dimension;
pub mod display;
pub mod display_register;
pub mod error;
pub mod numfmt;
pub mod prefix;
pub mod quantity;
pub mod ratio;
pub mod registry;
mod unit_table;

pub use constants::{all_constants, lookup_constant, Constant, CELSIUS_ERROR};
pub use dimension::Dimension;
pub use display::{
    dimension_repr, dimension_str, dimension_unit_string, format_quantity, format_quantity_with,
    in_best_unit, in_best_unit_with, in_unit, repr_quantity, repr_quantity_with,
};
pub use display_register::{best_unit, best_unit_for_values, DisplayUnit, UnitRegister};
pub use error::DimensionMismatchError;
pub use quantity::Quantity;
pub use ratio::Ratio;
pub use registry::{all_units, lookup_unit, star_exported_units, unit_entry, Unit, UnitKind};
pub use unit_table::UnitEntry;
