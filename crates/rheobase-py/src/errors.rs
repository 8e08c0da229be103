//! Errors from the engine as Python exceptions. `DimensionMismatchError` is a Python class
//! (`rheobase.units.dimensions`), so users can raise and catch it as in Brian2; its
//! message is always made here, from the Rust error.

use crate::dimension::{intern, PyDimension};
use pyo3::exceptions::{PyNotImplementedError, PyRuntimeError, PySyntaxError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyTuple, PyType};
use rheobase_runtime::RuntimeError;
use rheobase_units::DimensionMismatchError;

/// The Python class, looked up once.
fn mismatch_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    CLASS.import(py, "rheobase.units.dimensions", "DimensionMismatchError")
}

/// A Rust [`DimensionMismatchError`] as an instance of the Python exception class
/// (`DimensionMismatchError(description, *dims)`), ready to be raised.
pub fn dimension_mismatch_to_py(
    py: Python<'_>,
    err: &DimensionMismatchError,
) -> PyResult<Py<PyAny>> {
    let mut args: Vec<Py<PyAny>> = vec![err
        .description
        .clone()
        .into_pyobject(py)?
        .into_any()
        .unbind()];
    for d in &err.dims {
        args.push(intern(py, *d)?.into_any());
    }
    let args = PyTuple::new(py, args)?;
    Ok(mismatch_class(py)?.call1(args)?.unbind())
}

/// A Rust [`DimensionMismatchError`] as a `PyErr`, for glue functions that return `PyResult`.
pub fn dimension_mismatch_err(py: Python<'_>, err: &DimensionMismatchError) -> PyErr {
    match dimension_mismatch_to_py(py, err) {
        Ok(instance) => PyErr::from_value(instance.into_bound(py)),
        Err(e) => e,
    }
}

fn dims(dims: Vec<PyDimension>) -> Vec<rheobase_units::Dimension> {
    dims.into_iter().map(|d| d.0).collect()
}

/// Brian2's message for a description and the dimensions involved:
/// `Oops (unit is V).`, `Oops (units are V and s).`
#[pyfunction]
fn mismatch_message(description: &str, dimensions: Vec<PyDimension>) -> String {
    DimensionMismatchError::new(description, dims(dimensions)).message
}

/// `Cannot calculate 3. mV add 5. s, the units do not match (units are V and s).`
#[pyfunction]
fn binary_error(
    py: Python<'_>,
    op: &str,
    a: &str,
    a_dim: PyDimension,
    b: &str,
    b_dim: PyDimension,
) -> PyResult<Py<PyAny>> {
    let err = DimensionMismatchError::binary_text(op, a, a_dim.0, b, b_dim.0);
    dimension_mismatch_to_py(py, &err)
}

/// `Cannot perform comparison 3. mV < 2. A, units do not match (units are V and A).`
#[pyfunction]
fn comparison_error(
    py: Python<'_>,
    op: &str,
    a: &str,
    a_dim: PyDimension,
    b: &str,
    b_dim: PyDimension,
) -> PyResult<Py<PyAny>> {
    let err = DimensionMismatchError::comparison_text(op, a, a_dim.0, b, b_dim.0);
    dimension_mismatch_to_py(py, &err)
}

/// `exp expects a dimensionless argument but got 3. mV (unit is V).`
#[pyfunction]
fn dimensionless_argument_error(
    py: Python<'_>,
    function: &str,
    arg: &str,
    dim: PyDimension,
) -> PyResult<Py<PyAny>> {
    let err = DimensionMismatchError::dimensionless_argument_text(function, arg, dim.0);
    dimension_mismatch_to_py(py, &err)
}

/// `Both arguments for "arctan2" should be dimensionless but first argument was 3. mV ...`
#[pyfunction]
fn dimensionless_arguments_error(
    py: Python<'_>,
    function: &str,
    position: usize,
    arg: &str,
    dim: PyDimension,
) -> PyResult<Py<PyAny>> {
    let err = DimensionMismatchError::dimensionless_arguments_text(function, position, arg, dim.0);
    dimension_mismatch_to_py(py, &err)
}

/// `The exponent for a power operation has to be dimensionless but was 2. mV (unit is V).`
#[pyfunction]
fn dimensioned_exponent_error(
    py: Python<'_>,
    exponent: &str,
    dim: PyDimension,
) -> PyResult<Py<PyAny>> {
    let err = DimensionMismatchError::dimensioned_exponent_text(exponent, dim.0);
    dimension_mismatch_to_py(py, &err)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(mismatch_message, m)?)?;
    m.add_function(wrap_pyfunction!(binary_error, m)?)?;
    m.add_function(wrap_pyfunction!(comparison_error, m)?)?;
    m.add_function(wrap_pyfunction!(dimensionless_argument_error, m)?)?;
    m.add_function(wrap_pyfunction!(dimensionless_arguments_error, m)?)?;
    m.add_function(wrap_pyfunction!(dimensioned_exponent_error, m)?)?;
    Ok(())
}

/// A runtime error as the Python exception Brian2 raises for it: dimension problems as
/// `DimensionMismatchError`, syntax problems as `SyntaxError`, other problems in user code
/// as `BrianObjectException`, each with the caret-rendered diagnostics as its message; bad
/// arguments as `ValueError`, missing features as `NotImplementedError`.
pub fn runtime_err(py: Python<'_>, err: &RuntimeError) -> PyErr {
    let mut text = err.to_string();
    if err.code() == "model::undefined_identifier" {
        // Brian2 resolves names only at run(); the engine needs them when the object is made.
        text.push_str(
            "\nnote: rheobase looks up external names (constants such as `tau`) when an \
             object is made: define them before it or pass them in `namespace=` (Brian2 also \
             accepts names defined after the object, before `run()`)",
        );
    }
    let raise = |module: &str, class: &str| -> PyErr {
        let made = py
            .import(module)
            .and_then(|m| m.getattr(class))
            .and_then(|c| c.call1((text.clone(),)));
        match made {
            Ok(instance) => PyErr::from_value(instance),
            Err(e) => e,
        }
    };
    match err {
        RuntimeError::Model { .. } => {
            let code = err.code();
            if code.starts_with("units::") {
                raise("rheobase.units.dimensions", "DimensionMismatchError")
            } else if code.starts_with("syntax::") {
                PySyntaxError::new_err(text)
            } else {
                raise("rheobase.core.base", "BrianObjectException")
            }
        }
        RuntimeError::Invalid { .. } => PyValueError::new_err(text),
        RuntimeError::NotSupported { .. } => PyNotImplementedError::new_err(text),
        RuntimeError::Kernel(_) | RuntimeError::Compile(_) | RuntimeError::Internal(_) => {
            PyRuntimeError::new_err(text)
        }
        RuntimeError::File { .. } => pyo3::exceptions::PyOSError::new_err(text),
        RuntimeError::OutOfMemory { .. } => pyo3::exceptions::PyMemoryError::new_err(text),
        RuntimeError::NonFinite(_) => pyo3::exceptions::PyFloatingPointError::new_err(text),
        // Normally replaced by the exception the signal handler raised (see `python_signals`).
        RuntimeError::Interrupted { .. } => crate::runtime::take_pending()
            .unwrap_or_else(|| pyo3::exceptions::PyKeyboardInterrupt::new_err(text)),
    }
}
