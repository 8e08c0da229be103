//! `rheobase._core.Dimension`: the Rust [`Dimension`] as an immutable, hashable Python value.

use pyo3::exceptions::{PyOverflowError, PyValueError};
use pyo3::prelude::*;
use rheobase_units::{dimension_repr, dimension_str, Dimension, Ratio};

/// Exponents of metre, kilogram, second, ampere, kelvin, mole and candela.
#[pyclass(
    name = "Dimension",
    module = "rheobase._core",
    frozen,
    eq,
    hash,
    from_py_object
)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PyDimension(pub Dimension);

fn overflow() -> PyErr {
    PyOverflowError::new_err("dimension exponent too large")
}

/// A float exponent as an exact fraction (denominators up to 1000).
pub fn exponent_ratio(p: f64) -> PyResult<Ratio> {
    Ratio::from_f64(p).ok_or_else(|| {
        PyValueError::new_err(format!(
            "cannot raise a dimension to the power {p}: the exponent must be a simple fraction"
        ))
    })
}

#[pymethods]
impl PyDimension {
    /// `Dimension([m, kg, s, A, K, mol, cd])`; exponents may be simple fractions (`-0.5`).
    #[new]
    #[pyo3(signature = (exponents = None))]
    fn new(exponents: Option<Vec<f64>>) -> PyResult<Self> {
        let Some(exponents) = exponents else {
            return Ok(PyDimension(Dimension::DIMENSIONLESS));
        };
        if exponents.len() != 7 {
            return Err(PyValueError::new_err(format!(
                "a dimension has 7 exponents (m, kg, s, A, K, mol, cd), got {}",
                exponents.len()
            )));
        }
        let mut ratios = [Ratio::ZERO; 7];
        for (r, &e) in ratios.iter_mut().zip(&exponents) {
            *r = exponent_ratio(e)?;
        }
        Ok(PyDimension(Dimension::from_exponents(ratios)))
    }

    /// The 7 exponents as floats, in the order m, kg, s, A, K, mol, cd (Brian2's `_dims`).
    #[getter]
    fn exponents(&self) -> [f64; 7] {
        self.0.exponents().map(|e| e.to_f64())
    }

    /// The dimension itself, so `x.dim` works for quantities, units and dimensions alike.
    #[getter]
    fn dim(&self) -> PyDimension {
        *self
    }

    #[getter]
    fn is_dimensionless(&self) -> bool {
        self.0.is_dimensionless()
    }

    fn __mul__(&self, other: &PyDimension) -> PyResult<PyDimension> {
        self.0
            .checked_mul(&other.0)
            .map(PyDimension)
            .ok_or_else(overflow)
    }

    fn __truediv__(&self, other: &PyDimension) -> PyResult<PyDimension> {
        self.0
            .checked_mul(&other.0.inv())
            .map(PyDimension)
            .ok_or_else(overflow)
    }

    fn __pow__(&self, exponent: f64, modulo: Option<Py<PyAny>>) -> PyResult<PyDimension> {
        if modulo.is_some() {
            return Err(PyValueError::new_err("a dimension has no modular power"));
        }
        if self.0.is_dimensionless() {
            return Ok(*self);
        }
        self.0
            .checked_pow(exponent_ratio(exponent)?)
            .map(PyDimension)
            .ok_or_else(overflow)
    }

    /// Brian2's `str`: `m^2 kg s^-3 A^-1`, `1` when dimensionless.
    fn __str__(&self) -> String {
        dimension_str(&self.0)
    }

    /// Brian2's `repr`: `metre ** 2 * kilogram * second ** -3 * amp ** -1`, `Dimension()`.
    fn __repr__(&self) -> String {
        dimension_repr(&self.0)
    }

    fn __reduce__(&self, py: Python<'_>) -> PyResult<(Py<PyAny>, ([f64; 7],))> {
        let cls = py.get_type::<PyDimension>().into_any().unbind();
        Ok((cls, (self.exponents(),)))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDimension>()?;
    m.add("DIMENSIONLESS", PyDimension(Dimension::DIMENSIONLESS))?;
    Ok(())
}
