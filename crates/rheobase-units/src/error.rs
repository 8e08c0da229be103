//! The error raised when dimensions disagree; its text follows Brian2's.

use crate::dimension::Dimension;
use crate::display::{dimension_unit_string, format_quantity};
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
    /// Brian2's message: the description, then `(unit is V).`, `(units are V and s).` or
    /// `(units are (V) (s) (A)).` depending on how many dimensions are involved.
    pub fn new(description: &str, dims: Vec<Dimension>) -> DimensionMismatchError {
        let units: Vec<String> = dims.iter().map(dimension_unit_string).collect();
        let message = match units.as_slice() {
            [] => description.to_string(),
            [one] => format!("{description} (unit is {one})."),
            [a, b] => format!("{description} (units are {a} and {b})."),
            many => format!(
                "{description} (units are {}).",
                many.iter()
                    .map(|u| format!("({u})"))
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
    /// `op` is Brian2's ufunc name: `add`, `subtract`, `maximum`, `minimum`, `mod`.
    pub fn binary(op: &str, a: &Quantity, b: &Quantity) -> DimensionMismatchError {
        Self::binary_text(op, &format_quantity(a), a.dim, &format_quantity(b), b.dim)
    }

    /// [`binary`](Self::binary) with operands already written out, for callers that print
    /// them differently (a Python int `5`, an array `[1. 2.] s`).
    pub fn binary_text(
        op: &str,
        a: &str,
        a_dim: Dimension,
        b: &str,
        b_dim: Dimension,
    ) -> DimensionMismatchError {
        let description = format!("Cannot calculate {a} {op} {b}, the units do not match");
        Self::new(&description, vec![a_dim, b_dim])
    }

    /// `Cannot perform comparison 3. mV < 5. s, units do not match (units are V and s).`
    pub fn comparison(op: &str, a: &Quantity, b: &Quantity) -> DimensionMismatchError {
        Self::comparison_text(op, &format_quantity(a), a.dim, &format_quantity(b), b.dim)
    }

    /// [`comparison`](Self::comparison) with operands already written out.
    pub fn comparison_text(
        op: &str,
        a: &str,
        a_dim: Dimension,
        b: &str,
        b_dim: Dimension,
    ) -> DimensionMismatchError {
        let description = format!("Cannot perform comparison {a} {op} {b}, units do not match");
        Self::new(&description, vec![a_dim, b_dim])
    }

    /// `exp expects a dimensionless argument but got 3. mV (unit is V).`
    pub fn dimensionless_argument(function: &str, arg: &Quantity) -> DimensionMismatchError {
        Self::dimensionless_argument_text(function, &format_quantity(arg), arg.dim)
    }

    /// [`dimensionless_argument`](Self::dimensionless_argument) with the argument written out.
    pub fn dimensionless_argument_text(
        function: &str,
        arg: &str,
        dim: Dimension,
    ) -> DimensionMismatchError {
        let description = format!("{function} expects a dimensionless argument but got {arg}");
        Self::new(&description, vec![dim])
    }

    /// `Both arguments for "arctan2" should be dimensionless but first argument was 3. mV
    /// (unit is V).` `position` is 0 for the first argument, 1 for the second.
    pub fn dimensionless_arguments(
        function: &str,
        position: usize,
        arg: &Quantity,
    ) -> DimensionMismatchError {
        Self::dimensionless_arguments_text(function, position, &format_quantity(arg), arg.dim)
    }

    /// [`dimensionless_arguments`](Self::dimensionless_arguments) with the argument written out.
    pub fn dimensionless_arguments_text(
        function: &str,
        position: usize,
        arg: &str,
        dim: Dimension,
    ) -> DimensionMismatchError {
        let which = if position == 0 { "first" } else { "second" };
        let description = format!(
            "Both arguments for \"{function}\" should be dimensionless but {which} argument was {arg}"
        );
        Self::new(&description, vec![dim])
    }

    /// `The exponent for a power operation has to be dimensionless but was 2. mV (unit is V).`
    pub fn dimensioned_exponent(exponent: &Quantity) -> DimensionMismatchError {
        Self::dimensioned_exponent_text(&format_quantity(exponent), exponent.dim)
    }

    /// [`dimensioned_exponent`](Self::dimensioned_exponent) with the exponent written out.
    pub fn dimensioned_exponent_text(exponent: &str, dim: Dimension) -> DimensionMismatchError {
        let description = format!(
            "The exponent for a power operation has to be dimensionless but was {exponent}"
        );
        Self::new(&description, vec![dim])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_forms() {
        let volt = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);
        let second = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);
        assert_eq!(
            DimensionMismatchError::new("Oops", vec![]).to_string(),
            "Oops"
        );
        assert_eq!(
            DimensionMismatchError::new("Oops", vec![volt]).to_string(),
            "Oops (unit is V)."
        );
        assert_eq!(
            DimensionMismatchError::new("Oops", vec![volt, second]).to_string(),
            "Oops (units are V and s)."
        );
        assert_eq!(
            DimensionMismatchError::new("Oops", vec![volt, second, Dimension::DIMENSIONLESS])
                .to_string(),
            "Oops (units are (V) (s) (1))."
        );
    }

    #[test]
    fn two_argument_functions() {
        let mv = Quantity::new(0.003, Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]));
        let s = Quantity::new(2.0, Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]));
        assert_eq!(
            DimensionMismatchError::dimensionless_arguments("arctan2", 0, &mv).to_string(),
            "Both arguments for \"arctan2\" should be dimensionless but first argument was \
             3. mV (unit is V)."
        );
        assert_eq!(
            DimensionMismatchError::dimensionless_arguments("hypot", 1, &s).to_string(),
            "Both arguments for \"hypot\" should be dimensionless but second argument was \
             2. s (unit is s)."
        );
        assert_eq!(
            DimensionMismatchError::binary("fmod", &mv, &s).to_string(),
            "Cannot calculate 3. mV fmod 2. s, the units do not match (units are V and s)."
        );
    }

    #[test]
    fn operands_written_by_the_caller() {
        let volt = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);
        let e = DimensionMismatchError::binary_text(
            "add",
            "3. mV",
            volt,
            "5",
            Dimension::DIMENSIONLESS,
        );
        assert_eq!(
            e.to_string(),
            "Cannot calculate 3. mV add 5, the units do not match (units are V and 1)."
        );
        assert_eq!(e.dims, vec![volt, Dimension::DIMENSIONLESS]);
        let second = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);
        assert_eq!(
            DimensionMismatchError::comparison_text("<", "[1. 2.] mV", volt, "2", second)
                .to_string(),
            "Cannot perform comparison [1. 2.] mV < 2, units do not match (units are V and s)."
        );
        assert_eq!(
            DimensionMismatchError::dimensionless_argument_text("log", "[1. 2.] mV", volt)
                .to_string(),
            "log expects a dimensionless argument but got [1. 2.] mV (unit is V)."
        );
        assert_eq!(
            DimensionMismatchError::dimensionless_arguments_text("hypot", 0, "[3.] mV", volt)
                .to_string(),
            "Both arguments for \"hypot\" should be dimensionless but first argument was \
             [3.] mV (unit is V)."
        );
        assert_eq!(
            DimensionMismatchError::dimensioned_exponent_text("[2.] mV", volt).to_string(),
            "The exponent for a power operation has to be dimensionless but was [2.] mV \
             (unit is V)."
        );
    }
}
