//! Brian2-style text for quantities (`3. mV`, `3. * mvolt`) and dimensions (`V`,
//! `m^2 kg s^-3 A^-1`, `metre ** 2 * kilogram * ...`).

use crate::dimension::{Dimension, BASE_SYMBOLS};
use crate::display_register::{best_unit, unscaled_unit, UnitRegister};
use crate::error::DimensionMismatchError;
use crate::numfmt::{numpy_float_str_with_precision, python_float_repr, NUMPY_PRECISION};
use crate::quantity::Quantity;
use crate::ratio::Ratio;
use crate::registry::Unit;

/// The SI base units as Brian2 writes them in Python code.
const BASE_NAMES: [&str; 7] = [
    "metre", "kilogram", "second", "amp", "kelvin", "mole", "candle",
];

/// An exponent as Python prints Brian2's float exponents: `2`, `-0.5`, `0.3333333333333333`.
fn exponent_str(e: Ratio) -> String {
    if e.is_integer() {
        e.numer().to_string()
    } else {
        python_float_repr(e.to_f64())
    }
}

fn dimension_parts(dim: &Dimension, names: &[&str; 7], power: &str) -> Vec<String> {
    names
        .iter()
        .zip(dim.exponents())
        .filter(|(_, e)| !e.is_zero())
        .map(|(name, &e)| {
            if e == Ratio::ONE {
                name.to_string()
            } else {
                format!("{name}{power}{}", exponent_str(e))
            }
        })
        .collect()
}

/// Brian2's `str(dimension)`: `m^2 kg s^-3 A^-1`, `s^-0.5`, `1` when dimensionless.
pub fn dimension_str(dim: &Dimension) -> String {
    if dim.is_dimensionless() {
        return "1".into();
    }
    dimension_parts(dim, &BASE_SYMBOLS, "^").join(" ")
}

/// Brian2's `repr(dimension)`: `metre ** 2 * kilogram * second ** -3 * amp ** -1`.
pub fn dimension_repr(dim: &Dimension) -> String {
    if dim.is_dimensionless() {
        return "Dimension()".into();
    }
    dimension_parts(dim, &BASE_NAMES, " ** ").join(" * ")
}

/// How Brian2 names a dimension in error messages: the unscaled unit when it has one (`V`,
/// `S`, `mM`, `J/K`), else the base-unit form (`m^-4 kg^-1 s^3 A^2`), `1` when dimensionless.
pub fn dimension_unit_string(dim: &Dimension) -> String {
    dimension_unit_string_with(dim, None)
}

/// [`dimension_unit_string`] that also considers user-registered units.
pub fn dimension_unit_string_with(dim: &Dimension, user: Option<&UnitRegister>) -> String {
    if dim.is_dimensionless() {
        return "1".into();
    }
    unscaled_unit(dim, user).map_or_else(|| dimension_str(dim), |u| u.dispname.clone())
}

/// The number and unit text Brian2 uses for `str` (`python_code = false`) or `repr`.
fn best_unit_text(
    q: &Quantity,
    user: Option<&UnitRegister>,
    precision: usize,
    python_code: bool,
) -> String {
    if q.is_dimensionless() {
        // Brian2 turns dimensionless results into plain floats, printed by Python.
        return python_float_repr(q.value);
    }
    match best_unit(q.value, &q.dim, user) {
        Some(u) => {
            let number = numpy_float_str_with_precision(q.value / u.scale, precision);
            if python_code {
                format!("{number} * {}", u.name)
            } else {
                format!("{number} {}", u.dispname)
            }
        }
        None => {
            let number = numpy_float_str_with_precision(q.value, precision);
            if python_code {
                format!("{number} * {}", dimension_repr(&q.dim))
            } else {
                format!("{number} {}", dimension_str(&q.dim))
            }
        }
    }
}

/// `3. mV`, as Brian2's `str()` of a quantity (best unit, numpy's number format).
/// Dimensionless values print as Python floats (`3.0`), as Brian2 returns plain floats.
pub fn format_quantity(q: &Quantity) -> String {
    best_unit_text(q, None, NUMPY_PRECISION, false)
}

/// [`format_quantity`] that also considers user-registered units.
pub fn format_quantity_with(q: &Quantity, user: &UnitRegister) -> String {
    best_unit_text(q, Some(user), NUMPY_PRECISION, false)
}

/// `3. * mvolt`, as Brian2's `repr()` of a quantity.
pub fn repr_quantity(q: &Quantity) -> String {
    best_unit_text(q, None, NUMPY_PRECISION, true)
}

/// [`repr_quantity`] that also considers user-registered units.
pub fn repr_quantity_with(q: &Quantity, user: &UnitRegister) -> String {
    best_unit_text(q, Some(user), NUMPY_PRECISION, true)
}

/// Brian2's `in_best_unit(q, precision)`: `1.235 mV` for precision 3.
pub fn in_best_unit(q: &Quantity, precision: Option<usize>) -> String {
    best_unit_text(q, None, precision.unwrap_or(NUMPY_PRECISION), false)
}

/// [`in_best_unit`] that also considers user-registered units; `python_code` gives the
/// `repr` form (`1.235 * mvolt`).
pub fn in_best_unit_with(
    q: &Quantity,
    precision: Option<usize>,
    python_code: bool,
    user: Option<&UnitRegister>,
) -> String {
    best_unit_text(q, user, precision.unwrap_or(NUMPY_PRECISION), python_code)
}

/// Brian2's `in_unit(q, unit, precision)`: `20. mV`, `0.02 V`; an error when the
/// dimensions differ.
pub fn in_unit(
    q: &Quantity,
    unit: &Unit,
    precision: Option<usize>,
) -> Result<String, DimensionMismatchError> {
    if q.dim != unit.dim {
        return Err(DimensionMismatchError::new(
            "Non-matching unit for method \"in_unit\"",
            vec![q.dim],
        ));
    }
    let number =
        numpy_float_str_with_precision(q.value / unit.scale, precision.unwrap_or(NUMPY_PRECISION));
    if unit.dim.is_dimensionless() {
        Ok(number)
    } else {
        Ok(format!("{number} {}", unit.dispname))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::lookup_unit;

    fn q(value: f64, unit: &str) -> Quantity {
        let u = lookup_unit(unit).unwrap();
        Quantity::new(value * u.scale, u.dim)
    }

    #[test]
    fn quantities_as_brian2_prints_them() {
        assert_eq!(format_quantity(&q(3.0, "mV")), "3. mV");
        assert_eq!(repr_quantity(&q(3.0, "mV")), "3. * mvolt");
        assert_eq!(format_quantity(&q(10.0, "nS")), "10. nS");
        assert_eq!(format_quantity(&q(0.5, "ms")), "0.5 ms");
        assert_eq!(format_quantity(&q(-70.0, "mV")), "-70. mV");
        assert_eq!(format_quantity(&q(3.0, "um2")), "3. um^2");
        assert_eq!(repr_quantity(&q(3.0, "um2")), "3. * umetre2");
        assert_eq!(format_quantity(&q(3.0, "liter")), "0.003 m^3");
        assert_eq!(format_quantity(&q(2.0, "mM")), "2. mM");
        assert_eq!(format_quantity(&Quantity::dimensionless(3.0)), "3.0");
    }

    #[test]
    fn quantities_without_a_unit_use_base_units() {
        let density = q(3.0, "nS").div(&q(1.0, "cm2"));
        assert_eq!(format_quantity(&density), "3.e-05 m^-4 kg^-1 s^3 A^2");
        let noise = Quantity::new(
            3.0,
            Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]).sqrt().inv(),
        );
        assert_eq!(format_quantity(&noise), "3. s^-0.5");
        assert_eq!(repr_quantity(&noise), "3. * second ** -0.5");
    }

    #[test]
    fn dimension_text() {
        let volt = lookup_unit("volt").unwrap().dim;
        assert_eq!(dimension_str(&volt), "m^2 kg s^-3 A^-1");
        assert_eq!(
            dimension_repr(&volt),
            "metre ** 2 * kilogram * second ** -3 * amp ** -1"
        );
        assert_eq!(dimension_unit_string(&volt), "V");
        assert_eq!(dimension_unit_string(&Dimension::DIMENSIONLESS), "1");
        assert_eq!(dimension_unit_string(&lookup_unit("mM").unwrap().dim), "mM");
        let third = Dimension::from_ints([1, 0, 0, 0, 0, 0, 0]).pow(Ratio::new(1, 3).unwrap());
        assert_eq!(dimension_str(&third), "m^0.3333333333333333");
    }

    #[test]
    fn in_unit_text() {
        let v = q(20.0, "mV");
        assert_eq!(
            in_unit(&v, &lookup_unit("mV").unwrap(), None).unwrap(),
            "20. mV"
        );
        assert_eq!(
            in_unit(&v, &lookup_unit("volt").unwrap(), None).unwrap(),
            "0.02 V"
        );
        let x = q(25.123456, "mV");
        assert_eq!(
            in_unit(&x, &lookup_unit("volt").unwrap(), None).unwrap(),
            "0.02512346 V"
        );
        assert_eq!(
            in_unit(&x, &lookup_unit("mV").unwrap(), Some(3)).unwrap(),
            "25.123 mV"
        );
        let err = in_unit(&v, &lookup_unit("second").unwrap(), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Non-matching unit for method \"in_unit\" (unit is V)."
        );
        assert_eq!(in_best_unit(&q(1.23456, "mV"), Some(2)), "1.23 mV");
        assert_eq!(
            in_best_unit_with(&q(1.23456, "mV"), Some(2), true, None),
            "1.23 * mvolt"
        );
    }
}
