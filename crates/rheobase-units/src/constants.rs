//! Physical constants of `brian2.units.constants`, with Brian2's values (CODATA 2014).

use crate::dimension::Dimension;
use crate::quantity::Quantity;

/// A named physical constant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Constant {
    pub name: &'static str,
    pub value: Quantity,
}

const fn constant(name: &'static str, si_value: f64, dim: [i32; 7]) -> Constant {
    Constant {
        name,
        value: Quantity::new(si_value, Dimension::from_ints(dim)),
    }
}

/// Brian2 computes `4 * pi * 1e-7` in this order; the result is not `4e-7 * pi`.
const MAGNETIC_CONSTANT: f64 = 4.0 * std::f64::consts::PI * 1e-7;

/// Every constant of `brian2.units.constants`.
pub const CONSTANTS: [Constant; 10] = [
    constant("avogadro_constant", 6.022140857e23, [0, 0, 0, 0, 0, -1, 0]),
    constant(
        "boltzmann_constant",
        1.38064852e-23,
        [2, 1, -2, 0, -1, 0, 0],
    ),
    constant(
        "electric_constant",
        8.854187817e-12,
        [-3, -1, 4, 2, 0, 0, 0],
    ),
    constant("electron_mass", 9.10938356e-31, [0, 1, 0, 0, 0, 0, 0]),
    constant("elementary_charge", 1.6021766208e-19, [0, 0, 1, 1, 0, 0, 0]),
    constant("faraday_constant", 96485.33289, [0, 0, 1, 1, 0, -1, 0]),
    constant("gas_constant", 8.3144598, [2, 1, -2, 0, -1, -1, 0]),
    constant(
        "magnetic_constant",
        MAGNETIC_CONSTANT,
        [1, 1, -2, -2, 0, 0, 0],
    ),
    constant("molar_mass_constant", 0.001, [0, 1, 0, 0, 0, -1, 0]),
    constant("zero_celsius", 273.15, [0, 0, 0, 0, 1, 0, 0]),
];

/// What Brian2 says when `celsius` is used (it defines `celsius` only to raise this).
pub const CELSIUS_ERROR: &str = "The unit 'celsius' is no longer supported to avoid \
ambiguities when mixed with absolute temperatures defined in Kelvin. Directly use 'kelvin' \
when you are only interested in temperature differences, and add the 'zero_celsius' constant \
from the brian2.units.constants module if you want to convert a temperature from Celsius to \
Kelvin.";

/// Look a constant up by its Brian2 name (`faraday_constant`).
pub fn lookup_constant(name: &str) -> Option<Constant> {
    CONSTANTS.iter().find(|c| c.name == name).copied()
}

/// Every constant, in Brian2's documentation order.
pub fn all_constants() -> impl Iterator<Item = Constant> {
    CONSTANTS.iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_as_brian2_prints_them() {
        // float(magnetic_constant) in Brian2 2.9.
        assert_eq!(
            lookup_constant("magnetic_constant").unwrap().value.value,
            1.2566370614359173e-06
        );
        let f = lookup_constant("faraday_constant").unwrap().value;
        assert_eq!(f.value, 96485.33289);
        assert_eq!(f.dim.base_string(), "s A mol^-1");
        assert_eq!(
            lookup_constant("gas_constant")
                .unwrap()
                .value
                .dim
                .base_string(),
            "m^2 kg s^-2 K^-1 mol^-1"
        );
        assert!(lookup_constant("celsius").is_none());
        assert_eq!(all_constants().count(), 10);
    }
}
