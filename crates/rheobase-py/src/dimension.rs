//! `rheobase._core.Dimension`: the Rust [`Dimension`] as an immutable, hashable Python value.

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use rheobase_units::{dimension_repr, dimension_str, Dimension, Ratio};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

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

/// The one Python object for each dimension, so that `dim is DIMENSIONLESS` works as in
/// Brian2 (which creates each dimension once). Every dimension handed to Python goes through
/// here, except objects made by calling `Dimension(...)` directly.
pub fn intern(py: Python<'_>, dim: Dimension) -> PyResult<Py<PyDimension>> {
    static CACHE: OnceLock<Mutex<HashMap<Dimension, Py<PyDimension>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let lock = || {
        cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    if let Some(existing) = lock().get(&dim) {
        return Ok(existing.clone_ref(py));
    }
    // Made outside the lock: allocating may run Python code that needs it.
    let created = Py::new(py, PyDimension(dim))?;
    Ok(lock()
        .entry(dim)
        .or_insert_with(|| created.clone_ref(py))
        .clone_ref(py))
}

fn immutable() -> PyErr {
    PyTypeError::new_err("Dimension object is immutable")
}

fn exponents_from(exponents: &[f64]) -> PyResult<Dimension> {
    if exponents.len() != 7 {
        return Err(PyValueError::new_err(format!(
            "a dimension has 7 exponents (m, kg, s, A, K, mol, cd), got {}",
            exponents.len()
        )));
    }
    let mut ratios = [Ratio::ZERO; 7];
    for (r, &e) in ratios.iter_mut().zip(exponents) {
        *r = exponent_ratio(e)?;
    }
    Ok(Dimension::from_exponents(ratios))
}

/// Which of the 7 exponents a base-dimension name means (`length` is 0), or `None`.
#[pyfunction]
fn base_index(name: &str) -> Option<usize> {
    Dimension::base_index(name)
}

/// Brian2's `get_or_create_dimension`: the shared object for these 7 exponents.
#[pyfunction]
fn get_or_create_dimension(py: Python<'_>, exponents: Vec<f64>) -> PyResult<Py<PyDimension>> {
    intern(py, exponents_from(&exponents)?)
}

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
    /// Equal to, but not the same object as, `get_or_create_dimension`'s.
    #[new]
    #[pyo3(signature = (exponents = None))]
    fn new(exponents: Option<Vec<f64>>) -> PyResult<Self> {
        match exponents {
            None => Ok(PyDimension(Dimension::DIMENSIONLESS)),
            Some(e) => exponents_from(&e).map(PyDimension),
        }
    }

    /// The 7 exponents as floats, in the order m, kg, s, A, K, mol, cd.
    #[getter]
    fn exponents(&self) -> [f64; 7] {
        self.0.exponents().map(|e| e.to_f64())
    }

    /// The exponent of one base dimension, by any of Brian2's names for it
    /// (`get_dimension("length")`, `get_dimension("s")`).
    fn get_dimension(&self, name: &str) -> PyResult<f64> {
        let index = Dimension::base_index(name)
            .ok_or_else(|| PyValueError::new_err(format!("unknown base dimension {name:?}")))?;
        Ok(self.0.exponents()[index].to_f64())
    }

    /// Brian2's name for [`exponents`](Self::exponents).
    #[getter]
    fn _dims(&self) -> [f64; 7] {
        self.exponents()
    }

    /// The dimension itself, so `x.dim` works for quantities, units and dimensions alike.
    #[getter]
    fn dim(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[getter]
    fn is_dimensionless(&self) -> bool {
        self.0.is_dimensionless()
    }

    fn __mul__(&self, py: Python<'_>, other: &PyDimension) -> PyResult<Py<PyDimension>> {
        intern(py, self.0.checked_mul(&other.0).ok_or_else(overflow)?)
    }

    fn __truediv__(&self, py: Python<'_>, other: &PyDimension) -> PyResult<Py<PyDimension>> {
        intern(py, self.0.checked_mul(&other.0.inv()).ok_or_else(overflow)?)
    }

    fn __pow__(
        &self,
        py: Python<'_>,
        exponent: f64,
        modulo: Option<Py<PyAny>>,
    ) -> PyResult<Py<PyDimension>> {
        if modulo.is_some() {
            return Err(PyValueError::new_err("a dimension has no modular power"));
        }
        if self.0.is_dimensionless() {
            return intern(py, self.0);
        }
        let ratio = exponent_ratio(exponent)?;
        intern(py, self.0.checked_pow(ratio).ok_or_else(overflow)?)
    }

    fn __imul__(&self, _other: Py<PyAny>) -> PyResult<()> {
        Err(immutable())
    }

    fn __itruediv__(&self, _other: Py<PyAny>) -> PyResult<()> {
        Err(immutable())
    }

    fn __ipow__(&self, _other: Py<PyAny>, _modulo: Option<Py<PyAny>>) -> PyResult<()> {
        Err(immutable())
    }

    /// Brian2's `str`: `m^2 kg s^-3 A^-1`, `1` when dimensionless.
    fn __str__(&self) -> String {
        dimension_str(&self.0)
    }

    /// Brian2's `repr`: `metre ** 2 * kilogram * second ** -3 * amp ** -1`, `Dimension()`.
    fn __repr__(&self) -> String {
        dimension_repr(&self.0)
    }

    /// Unpickling gives back the shared object.
    fn __reduce__(&self, py: Python<'_>) -> PyResult<(Py<PyAny>, ([f64; 7],))> {
        let module = py.import("rheobase._core")?;
        let create = module.getattr("get_or_create_dimension")?.unbind();
        Ok((create, (self.exponents(),)))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDimension>()?;
    m.add("DIMENSIONLESS", intern(m.py(), Dimension::DIMENSIONLESS)?)?;
    m.add_function(wrap_pyfunction!(get_or_create_dimension, m)?)?;
    m.add_function(wrap_pyfunction!(base_index, m)?)?;
    Ok(())
}
