//! The unit registry and Brian2-style text, as Python functions of `rheobase._core`.
//!
//! Values cross as floats in SI units with a [`PyDimension`]; arrays cross as lists of floats
//! (only for choosing a display unit, so a copy is fine).

use crate::dimension::{intern, PyDimension};
use crate::errors::dimension_mismatch_to_py;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rheobase_units::display_register::unscaled_unit;
use rheobase_units::{
    all_constants, all_units, best_unit_for_values, in_best_unit_with, unit_entry,
    DimensionMismatchError, DisplayUnit, Quantity, UnitRegister,
};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// Units made by arithmetic on units (`nS/cm**2`): Brian2 registers each one, so later
/// quantities of that dimension print in it (its "user" register).
fn user_register() -> MutexGuard<'static, UnitRegister> {
    static REGISTER: OnceLock<Mutex<UnitRegister>> = OnceLock::new();
    REGISTER
        .get_or_init(|| Mutex::new(UnitRegister::new()))
        .lock()
        // The register is only ever extended; a panic elsewhere cannot leave it half-written.
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One row of the unit table: (name, repr name, str name, power of ten, scale, dimension,
/// exported by `from brian2 import *`).
type UnitRow = (
    &'static str,
    &'static str,
    &'static str,
    i32,
    f64,
    Py<PyDimension>,
    bool,
);

/// Every unit name Brian2 defines (2095), in the registry's order.
#[pyfunction]
fn unit_table(py: Python<'_>) -> PyResult<Vec<UnitRow>> {
    all_units()
        .filter_map(|(name, _)| unit_entry(name))
        .map(|e| {
            Ok((
                e.name.as_str(),
                e.canonical.as_str(),
                e.dispname.as_str(),
                e.exponent,
                e.scale,
                intern(py, e.dim)?,
                e.star_export,
            ))
        })
        .collect()
}

/// The physical constants of `brian2.units.constants`: (name, SI value, dimension).
#[pyfunction]
fn constant_table(py: Python<'_>) -> PyResult<Vec<(&'static str, f64, Py<PyDimension>)>> {
    all_constants()
        .map(|c| Ok((c.name, c.value.value, intern(py, c.value.dim)?)))
        .collect()
}

/// Register a unit made by arithmetic on units, as Brian2's `register_new_unit`.
#[pyfunction]
fn register_unit(name: String, dispname: String, scale: f64, dim: PyDimension) {
    user_register().add(DisplayUnit {
        name,
        dispname,
        scale,
        dim: dim.0,
    });
}

/// The unit Brian2 prints these SI values in: (repr name, str name, scale), or `None` when
/// no unit has this dimension (print in base units).
#[pyfunction]
fn best_unit(values: Vec<f64>, dim: PyDimension) -> Option<(String, String, f64)> {
    let user = user_register();
    best_unit_for_values(&values, &dim.0, Some(&user))
        .map(|u| (u.name.clone(), u.dispname.clone(), u.scale))
}

/// Brian2's `get_unit`: the registered unit of this dimension with scale 1, as
/// (repr name, str name), or `None`.
#[pyfunction]
fn unscaled_unit_names(dim: PyDimension) -> Option<(String, String)> {
    let user = user_register();
    unscaled_unit(&dim.0, Some(&user)).map(|u| (u.name.clone(), u.dispname.clone()))
}

/// Brian2's `in_best_unit` of a scalar quantity, `python_code` for the `repr` form.
#[pyfunction]
#[pyo3(signature = (value, dim, precision = None, python_code = false))]
fn in_best_unit(
    value: f64,
    dim: PyDimension,
    precision: Option<usize>,
    python_code: bool,
) -> String {
    let user = user_register();
    in_best_unit_with(
        &Quantity::new(value, dim.0),
        precision,
        python_code,
        Some(&user),
    )
}

/// Raise an error unless an exponent is a simple fraction (dimension exponents are exact).
#[pyfunction]
fn check_exponent(exponent: f64) -> PyResult<()> {
    crate::dimension::exponent_ratio(exponent).map(|_| ())
}

/// Brian2's text for a dimension in error messages: `V`, `m^-4 kg^-1 s^3 A^2`, `1`.
#[pyfunction]
fn dimension_unit_string(dim: PyDimension) -> String {
    rheobase_units::display::dimension_unit_string_with(&dim.0, Some(&user_register()))
}

/// Validate a precision argument (numpy accepts non-negative integers only).
#[pyfunction]
fn check_precision(precision: i64) -> PyResult<usize> {
    usize::try_from(precision)
        .map_err(|_| PyValueError::new_err("precision must be a non-negative integer"))
}

/// The in_unit error: `Non-matching unit for method "in_unit" (unit is S).`
#[pyfunction]
fn in_unit_error(py: Python<'_>, kind: &str, dim: PyDimension) -> PyResult<Py<PyAny>> {
    let description = format!("Non-matching unit for {kind} \"in_unit\"");
    dimension_mismatch_to_py(py, &DimensionMismatchError::new(&description, vec![dim.0]))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(unit_table, m)?)?;
    m.add_function(wrap_pyfunction!(constant_table, m)?)?;
    m.add_function(wrap_pyfunction!(register_unit, m)?)?;
    m.add_function(wrap_pyfunction!(best_unit, m)?)?;
    m.add_function(wrap_pyfunction!(unscaled_unit_names, m)?)?;
    m.add_function(wrap_pyfunction!(in_best_unit, m)?)?;
    m.add_function(wrap_pyfunction!(check_exponent, m)?)?;
    m.add_function(wrap_pyfunction!(dimension_unit_string, m)?)?;
    m.add_function(wrap_pyfunction!(check_precision, m)?)?;
    m.add_function(wrap_pyfunction!(in_unit_error, m)?)?;
    Ok(())
}
