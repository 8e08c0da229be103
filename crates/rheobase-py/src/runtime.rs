//! `rheobase._core.Network`, `NeuronGroup` and the monitors: thin handles on the runtime's
//! objects. Values cross as SI floats (lists); units and Brian2's API live in Python.

use crate::dimension::{intern, PyDimension};
use crate::errors::runtime_err;
use pyo3::prelude::*;
use rheobase_runtime::{
    EventDefinition, EventMonitor, EventMonitorOptions, Network, NeuronGroup, NeuronGroupOptions,
    PopulationRateMonitor, Record, Refractory, RunRegularlyOptions, Selection, SmoothingWindow,
    StateMonitor, StateMonitorOptions, When,
};
use rheobase_units::Quantity;
use std::collections::HashMap;

type Res<T> = PyResult<T>;

fn map<T>(py: Python<'_>, r: rheobase_runtime::Result<T>) -> Res<T> {
    r.map_err(|e| runtime_err(py, &e))
}

/// A simulation; every group and monitor belongs to exactly one.
#[pyclass(name = "Network", module = "rheobase._core", frozen)]
pub struct PyNetwork(Network);

#[pymethods]
impl PyNetwork {
    #[new]
    fn new() -> Self {
        PyNetwork(Network::new())
    }

    /// Current time in seconds.
    #[getter]
    fn t(&self) -> f64 {
        self.0.t()
    }

    fn set_default_dt(&self, py: Python<'_>, dt: f64) -> Res<()> {
        map(py, self.0.set_default_dt(dt))
    }

    fn default_dt(&self) -> f64 {
        self.0.default_dt()
    }

    fn seed(&self, seed: u64) {
        self.0.seed(seed)
    }

    /// Runs for `duration` seconds with the GIL released.
    fn run(&self, py: Python<'_>, duration: f64) -> Res<()> {
        let net = self.0.clone();
        let result = py.detach(move || net.run(duration));
        map(py, result)
    }

    fn stop(&self) {
        self.0.stop()
    }

    fn store(&self, name: &str) {
        self.0.store(name)
    }

    fn restore(&self, py: Python<'_>, name: &str) -> Res<()> {
        map(py, self.0.restore(name))
    }

    /// Names of the scheduled objects, in the order they run within a step.
    fn object_names(&self) -> Vec<String> {
        self.0
            .scheduling_summary()
            .into_iter()
            .map(|(name, _, _)| name)
            .collect()
    }

    fn set_active(&self, py: Python<'_>, name: &str, active: bool) -> Res<()> {
        map(py, self.0.set_active(name, active))
    }
}

/// Options of `NeuronGroup`, as Python passes them.
#[derive(FromPyObject)]
pub enum PyRefractory {
    Duration(f64),
    Expression(String),
}

fn namespace_from(ns: HashMap<String, (f64, PyDimension)>) -> HashMap<String, Quantity> {
    ns.into_iter()
        .map(|(k, (v, d))| (k, Quantity::new(v, d.0)))
        .collect()
}

/// A neuron group or a contiguous subgroup.
#[pyclass(name = "NeuronGroup", module = "rheobase._core", frozen)]
pub struct PyNeuronGroup(NeuronGroup);

#[pymethods]
impl PyNeuronGroup {
    #[new]
    #[pyo3(signature = (network, n, model, method=None, threshold=None, reset=None,
                        refractory=None, events=Vec::new(), namespace=HashMap::new(),
                        dt=None, order=0, name=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        network: &PyNetwork,
        n: usize,
        model: &str,
        method: Option<String>,
        threshold: Option<String>,
        reset: Option<String>,
        refractory: Option<PyRefractory>,
        events: Vec<(String, String, Option<String>)>,
        namespace: HashMap<String, (f64, PyDimension)>,
        dt: Option<f64>,
        order: i32,
        name: Option<String>,
    ) -> Res<Self> {
        let refractory = match refractory {
            None => Refractory::None,
            Some(PyRefractory::Duration(d)) => Refractory::Duration(d),
            Some(PyRefractory::Expression(e)) => Refractory::Expression(e),
        };
        let options = NeuronGroupOptions {
            method,
            threshold,
            reset,
            refractory,
            events: events
                .into_iter()
                .map(|(name, condition, action)| EventDefinition {
                    name,
                    condition,
                    action,
                })
                .collect(),
            namespace: namespace_from(namespace),
            dt,
            clock: None,
            order,
            name,
            ..Default::default()
        };
        map(py, NeuronGroup::new(&network.0, n, model, options)).map(PyNeuronGroup)
    }

    #[getter]
    fn name(&self) -> String {
        self.0.name().to_string()
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    /// `(start, stop)` in the parent group.
    #[getter]
    fn range(&self) -> (usize, usize) {
        (self.0.range().start, self.0.range().end)
    }

    fn subgroup(&self, py: Python<'_>, start: usize, stop: usize) -> Res<Self> {
        map(py, self.0.subgroup(start..stop)).map(PyNeuronGroup)
    }

    fn variables(&self) -> Vec<String> {
        self.0.variables()
    }

    /// `(dimension, shared, read_only, is_subexpression, type name)` or `None`.
    #[allow(clippy::type_complexity)]
    fn variable_info(
        &self,
        py: Python<'_>,
        name: &str,
    ) -> Res<Option<(Py<PyDimension>, bool, bool, bool, String)>> {
        match self.0.variable_info(name) {
            None => Ok(None),
            Some(info) => Ok(Some((
                intern(py, info.dim)?,
                info.shared,
                info.read_only,
                info.is_subexpression,
                format!("{:?}", info.vtype).to_lowercase(),
            ))),
        }
    }

    fn get(&self, py: Python<'_>, name: &str) -> Res<Vec<f64>> {
        map(py, self.0.get(name))
    }

    fn get_where(&self, py: Python<'_>, name: &str, condition: &str) -> Res<Vec<f64>> {
        map(py, self.0.get_where(name, condition))
    }

    fn set_all(&self, py: Python<'_>, name: &str, values: Vec<f64>) -> Res<()> {
        map(py, self.0.set_values(name, &values))
    }

    fn set_indices(
        &self,
        py: Python<'_>,
        name: &str,
        indices: Vec<usize>,
        values: Vec<f64>,
    ) -> Res<()> {
        map(
            py,
            self.0
                .set_selected(name, Selection::Indices(indices), &values),
        )
    }

    fn set_expr(&self, py: Python<'_>, name: &str, code: &str) -> Res<()> {
        map(py, self.0.set_expr(name, code))
    }

    fn set_expr_where(&self, py: Python<'_>, name: &str, condition: &str, code: &str) -> Res<()> {
        map(py, self.0.set_expr_where(name, condition, code))
    }

    fn eval(&self, py: Python<'_>, code: &str) -> Res<Vec<f64>> {
        map(py, self.0.eval(code))
    }

    #[pyo3(signature = (code, dt=None, when="start".to_string(), order=0, name=None))]
    fn run_regularly(
        &self,
        py: Python<'_>,
        code: &str,
        dt: Option<f64>,
        when: String,
        order: i32,
        name: Option<String>,
    ) -> Res<String> {
        let options = RunRegularlyOptions {
            dt,
            clock: None,
            when,
            order,
            name,
        };
        map(py, self.0.run_regularly(code, options))
    }
}

/// Brian2's `EventMonitor` (and `SpikeMonitor`, the monitor of the `spike` event).
#[pyclass(name = "EventMonitor", module = "rheobase._core", frozen)]
pub struct PyEventMonitor(EventMonitor);

#[pymethods]
impl PyEventMonitor {
    #[new]
    #[pyo3(signature = (source, event="spike".to_string(), variables=Vec::new(), record=true,
                        when=None, order=0, name=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        source: &PyNeuronGroup,
        event: String,
        variables: Vec<String>,
        record: bool,
        when: Option<String>,
        order: i32,
        name: Option<String>,
    ) -> Res<Self> {
        let options = EventMonitorOptions {
            variables,
            record,
            when: when.map(|w| When::new(w, order)),
            name,
        };
        let monitor = if event == "spike" {
            EventMonitor::spikes(&source.0, options)
        } else {
            EventMonitor::event(&source.0, &event, options)
        };
        map(py, monitor).map(PyEventMonitor)
    }

    #[getter]
    fn name(&self) -> String {
        self.0.name().to_string()
    }

    fn i(&self) -> Vec<usize> {
        self.0.i()
    }

    fn t(&self) -> Vec<f64> {
        self.0.t()
    }

    fn count(&self) -> Vec<u64> {
        self.0.count()
    }

    fn num_events(&self) -> u64 {
        self.0.num_events()
    }

    fn values(&self, variable: &str) -> Option<Vec<f64>> {
        self.0.values(variable)
    }

    fn event_trains(&self) -> Vec<Vec<f64>> {
        self.0.event_trains()
    }
}

/// Brian2's `StateMonitor`.
#[pyclass(name = "StateMonitor", module = "rheobase._core", frozen)]
pub struct PyStateMonitor(StateMonitor);

#[pymethods]
impl PyStateMonitor {
    #[new]
    #[pyo3(signature = (source, variables, record=None, dt=None, when="start".to_string(),
                        order=0, name=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        source: &PyNeuronGroup,
        variables: Vec<String>,
        record: Option<Vec<usize>>,
        dt: Option<f64>,
        when: String,
        order: i32,
        name: Option<String>,
    ) -> Res<Self> {
        let vars: Vec<&str> = variables.iter().map(String::as_str).collect();
        let record = record.map_or(Record::All, Record::Indices);
        let options = StateMonitorOptions {
            dt,
            clock: None,
            when: When::new(when, order),
            name,
        };
        map(py, StateMonitor::new(&source.0, &vars, record, options)).map(PyStateMonitor)
    }

    #[getter]
    fn name(&self) -> String {
        self.0.name().to_string()
    }

    fn t(&self) -> Vec<f64> {
        self.0.t()
    }

    /// One row per recorded neuron.
    fn values(&self, variable: &str) -> Option<Vec<Vec<f64>>> {
        self.0.values(variable)
    }
}

/// Brian2's `PopulationRateMonitor`.
#[pyclass(name = "PopulationRateMonitor", module = "rheobase._core", frozen)]
pub struct PyRateMonitor(PopulationRateMonitor);

#[pymethods]
impl PyRateMonitor {
    #[new]
    #[pyo3(signature = (source, name=None))]
    fn new(py: Python<'_>, source: &PyNeuronGroup, name: Option<String>) -> Res<Self> {
        map(py, PopulationRateMonitor::new(&source.0, name.as_deref())).map(PyRateMonitor)
    }

    #[getter]
    fn name(&self) -> String {
        self.0.name().to_string()
    }

    fn t(&self) -> Vec<f64> {
        self.0.t()
    }

    fn rate(&self) -> Vec<f64> {
        self.0.rate()
    }

    /// `window` is `"gaussian"` or `"flat"`, `width` in seconds.
    fn smooth_rate(&self, py: Python<'_>, window: &str, width: f64) -> Res<Vec<f64>> {
        let window = match window {
            "gaussian" => SmoothingWindow::Gaussian(width),
            "flat" => SmoothingWindow::Flat(width),
            other => {
                return Err(pyo3::exceptions::PyNotImplementedError::new_err(format!(
                    "unknown window '{other}': use 'gaussian' or 'flat'"
                )))
            }
        };
        map(py, self.0.smooth_rate(window))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyNetwork>()?;
    m.add_class::<PyNeuronGroup>()?;
    m.add_class::<PyEventMonitor>()?;
    m.add_class::<PyStateMonitor>()?;
    m.add_class::<PyRateMonitor>()?;
    Ok(())
}
