//! Brian2-style display of quantities (`3. mV`) and dimensions (`V`, `m^2 kg s^-3 A^-1`).
//!
//! PLACEHOLDER until the units work lands: prints SI values with the base-unit string.
//! The units task replaces this with best-unit selection.

use crate::dimension::Dimension;
use crate::quantity::Quantity;

/// The name of a derived unit with this dimension (`V`, `S`), else the base-unit form.
pub fn dimension_unit_string(dim: &Dimension) -> String {
    dim.base_string()
}

/// `3. mV`, as Brian2's `str()` of a quantity.
pub fn format_quantity(q: &Quantity) -> String {
    if q.is_dimensionless() {
        format!("{}", q.value)
    } else {
        format!("{} {}", q.value, q.dim.base_string())
    }
}
