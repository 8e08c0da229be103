//! The error raised when dimensions disagree; its text follows Brian2's.

use crate::dimension::Dimension;
use crate::quantity::Quantity;

/// Brian2's `DimensionMismatchError`: a description and the dimensions involved.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct DimensionMismatchError {
    pub description: String,
    pub dims: Vec<Dimension>,
    /// The full message, as Brian2 formats it.
    pub message: String,
}

impl DimensionMismatchError {
    pub fn new(description: &str, dims: Vec<Dimension>) -> DimensionMismatchError {
        let message = match dims.len() {
            0 => description.to_string(),
            1 => format!(
                "{description}, dimensions were ({}).",
                crate::display::dimension_unit_string(&dims[0])
            ),
            _ => format!(
                "{description}, dimensions were {}.",
                dims.iter()
                    .map(|d| format!("({})", crate::display::dimension_unit_string(d)))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        };
        DimensionMismatchError {
            description: description.to_string(),
            dims,
            message,
        }
    }

    /// `Cannot calculate 3. mV add 5. s, the units do not match (units are V and s).`
    pub fn binary(op: &str, a: &Quantity, b: &Quantity) -> DimensionMismatchError {
        let description = format!(
            "Cannot calculate {} {op} {}, the units do not match",
            crate::display::format_quantity(a),
            crate::display::format_quantity(b)
        );
        let message = format!(
            "{description} (units are {} and {}).",
            crate::display::dimension_unit_string(&a.dim),
            crate::display::dimension_unit_string(&b.dim)
        );
        DimensionMismatchError {
            description,
            dims: vec![a.dim, b.dim],
            message,
        }
    }
}
