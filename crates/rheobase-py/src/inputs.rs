//! `rheobase._core` inputs: `TimedArray`, and constructors of `PoissonGroup`,
//! `SpikeGeneratorGroup` (groups handled as `NeuronGroup`s) and `PoissonInput`.

use crate::dimension::PyDimension;
use crate::errors::runtime_err;
use crate::runtime::{namespace_from, PyClock, PyNetwork, PyNeuronGroup};
use pyo3::prelude::*;
use rheobase_runtime::{
    PoissonGroup, PoissonGroupOptions, PoissonInput, PoissonInputOptions, Rates,
    SpikeGeneratorGroup, SpikeGeneratorGroupOptions, TimedArray, Weight,
};
use rheobase_units::Quantity;
use std::collections::HashMap;

type Res<T> = PyResult<T>;

fn map<T>(py: Python<'_>, r: rheobase_runtime::Result<T>) -> Res<T> {
    r.map_err(|e| runtime_err(py, &e))
}

/// Brian2's `TimedArray`: values in SI units, one row every `dt` seconds.
#[pyclass(name = "TimedArray", module = "rheobase._core", frozen)]
pub struct PyTimedArray(pub(crate) TimedArray);

#[pymethods]
impl PyTimedArray {
    /// `values` row-major; `cols` is `None` for a one-dimensional table.
    #[new]
    #[pyo3(signature = (values, dim, dt, cols=None, name=None))]
    fn new(
        py: Python<'_>,
        values: Vec<f64>,
        dim: PyDimension,
        dt: f64,
        cols: Option<usize>,
        name: Option<String>,
    ) -> Res<Self> {
        let table = match cols {
            None => TimedArray::new(values, dim.0, dt),
            Some(c) => {
                let rows = values.len().checked_div(c).unwrap_or(0);
                TimedArray::new_2d(values, rows, c, dim.0, dt)
            }
        };
        let table = map(py, table)?;
        Ok(PyTimedArray(match name {
            Some(n) => table.with_name(n),
            None => table,
        }))
    }

    #[getter]
    fn name(&self) -> String {
        self.0.name().to_string()
    }

    /// The value at time `t` (seconds), and column `i` for a two-dimensional table.
    #[pyo3(signature = (t, i=None))]
    fn at(&self, py: Python<'_>, t: f64, i: Option<usize>) -> Res<f64> {
        match i {
            None => map(py, self.0.at(t)),
            Some(i) => map(py, self.0.at2(t, i)),
        }
    }
}

/// `rates` as Python passes them: one value, one per neuron, or an expression (Hz).
#[derive(FromPyObject)]
pub enum PyRates {
    Value(f64),
    Array(Vec<f64>),
    Expression(String),
}

/// Brian2's `PoissonGroup`; the result is handled as a `NeuronGroup`.
#[pyfunction]
#[pyo3(signature = (network, n, rates, dt=None, clock=None, when="thresholds".to_string(),
                    order=0, namespace=HashMap::new(), functions=HashMap::new(), name=None))]
#[allow(clippy::too_many_arguments)]
fn poisson_group(
    py: Python<'_>,
    network: &PyNetwork,
    n: usize,
    rates: PyRates,
    dt: Option<f64>,
    clock: Option<PyRef<'_, PyClock>>,
    when: String,
    order: i32,
    namespace: HashMap<String, (f64, PyDimension)>,
    functions: HashMap<String, PyRef<'_, PyTimedArray>>,
    name: Option<String>,
) -> Res<PyNeuronGroup> {
    let rates = match rates {
        PyRates::Value(v) => Rates::Value(v),
        PyRates::Array(v) => Rates::Array(v),
        PyRates::Expression(e) => Rates::Expression(e),
    };
    let options = PoissonGroupOptions {
        dt,
        clock: clock.map(|c| c.0.clone()),
        when,
        order,
        namespace: namespace_from(namespace),
        functions: functions
            .into_iter()
            .map(|(k, v)| (k, v.0.clone()))
            .collect(),
        name,
    };
    let group = map(py, PoissonGroup::new(&network.0, n, rates, options))?;
    Ok(PyNeuronGroup(group.group().clone()))
}

/// Brian2's `SpikeGeneratorGroup`.
#[pyclass(name = "SpikeGeneratorGroup", module = "rheobase._core", frozen)]
pub struct PySpikeGeneratorGroup(SpikeGeneratorGroup);

#[pymethods]
impl PySpikeGeneratorGroup {
    #[new]
    #[pyo3(signature = (network, n, indices, times, period=0.0, dt=None, clock=None,
                        when="thresholds".to_string(), order=0, sorted=false, name=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        network: &PyNetwork,
        n: usize,
        indices: Vec<i64>,
        times: Vec<f64>,
        period: f64,
        dt: Option<f64>,
        clock: Option<PyRef<'_, PyClock>>,
        when: String,
        order: i32,
        sorted: bool,
        name: Option<String>,
    ) -> Res<Self> {
        let options = SpikeGeneratorGroupOptions {
            period,
            dt,
            clock: clock.map(|c| c.0.clone()),
            when,
            order,
            sorted,
            name,
        };
        let group = SpikeGeneratorGroup::new(&network.0, n, &indices, &times, options);
        map(py, group).map(PySpikeGeneratorGroup)
    }

    /// The group handle, for state access, monitors and synapses.
    fn group(&self) -> PyNeuronGroup {
        PyNeuronGroup(std::ops::Deref::deref(&self.0).clone())
    }

    #[pyo3(signature = (indices, times, period=0.0, sorted=false))]
    fn set_spikes(
        &self,
        py: Python<'_>,
        indices: Vec<i64>,
        times: Vec<f64>,
        period: f64,
        sorted: bool,
    ) -> Res<()> {
        map(py, self.0.set_spikes(&indices, &times, period, sorted))
    }

    fn indices(&self) -> Vec<usize> {
        self.0.indices()
    }

    fn times(&self) -> Vec<f64> {
        self.0.times()
    }

    fn period(&self) -> f64 {
        self.0.period()
    }
}

/// `weight` of a `PoissonInput`: a value in SI units with its dimension, or an expression.
#[derive(FromPyObject)]
pub enum PyWeight {
    Expression(String),
    Value((f64, PyDimension)),
}

/// Brian2's `PoissonInput`.
#[pyclass(name = "PoissonInput", module = "rheobase._core", frozen)]
pub struct PyPoissonInput(PoissonInput);

#[pymethods]
impl PyPoissonInput {
    #[new]
    #[pyo3(signature = (target, target_var, n, rate, weight, when="synapses".to_string(),
                        order=0, name=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        target: &PyNeuronGroup,
        target_var: &str,
        n: u64,
        rate: f64,
        weight: PyWeight,
        when: String,
        order: i32,
        name: Option<String>,
    ) -> Res<Self> {
        let weight = match weight {
            PyWeight::Expression(e) => Weight::Expression(e),
            PyWeight::Value((v, d)) => Weight::Value(Quantity::new(v, d.0)),
        };
        let options = PoissonInputOptions { when, order, name };
        let input = PoissonInput::new(&target.0, target_var, n, rate, weight, options);
        map(py, input).map(PyPoissonInput)
    }

    #[getter]
    fn name(&self) -> String {
        self.0.name().to_string()
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTimedArray>()?;
    m.add_class::<PySpikeGeneratorGroup>()?;
    m.add_class::<PyPoissonInput>()?;
    m.add_function(wrap_pyfunction!(poisson_group, m)?)?;
    Ok(())
}
