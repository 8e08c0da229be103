//! `rheobase._core.Network`, `NeuronGroup` and the monitors: thin handles on the runtime's
//! objects. Values cross as SI floats (lists); units and Brian2's API live in Python.

use crate::dimension::{intern, PyDimension};
use crate::equations::PyEquations;
use crate::errors::runtime_err;
use crate::inputs::PyTimedArray;
use crate::synapses::PySynapses;
use pyo3::prelude::*;
use rheobase_runtime::interrupt::InterruptPoll;
use rheobase_runtime::{
    Clock, EventDefinition, EventMonitor, EventMonitorOptions, LinkIndex, Network,
    NetworkOperation, NeuronGroup, NeuronGroupOptions, PopulationRateMonitor, ProgressHook, Record,
    Refractory, RunRegularlyOptions, RuntimeError, Selection, SmoothingWindow, StateMonitor,
    StateMonitorOptions, When,
};
use rheobase_units::Quantity;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

type Res<T> = PyResult<T>;

fn map<T>(py: Python<'_>, r: rheobase_runtime::Result<T>) -> Res<T> {
    r.map_err(|e| runtime_err(py, &e))
}

/// A clock that objects can share (Brian2's `Clock(dt)`); `dt` in seconds.
#[pyclass(name = "Clock", module = "rheobase._core", frozen)]
pub struct PyClock(pub(crate) Clock);

#[pymethods]
impl PyClock {
    #[new]
    #[pyo3(signature = (dt, name="clock".to_string()))]
    fn new(dt: f64, name: String) -> Self {
        PyClock(Clock::named(dt, name))
    }

    #[getter]
    fn name(&self) -> String {
        self.0.name().to_string()
    }
}

/// A Python exception raised inside a run (by a network operation, a progress report or
/// Ctrl+C), re-raised once the run has stopped.
static PENDING: Mutex<Option<PyErr>> = Mutex::new(None);

pub(crate) fn keep_pending(err: PyErr) {
    let mut slot = PENDING.lock().unwrap_or_else(|p| p.into_inner());
    slot.get_or_insert(err);
}

pub(crate) fn take_pending() -> Option<PyErr> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner()).take()
}

/// The interrupt poll of every network and fitter made from Python: Python's signal handlers
/// run (Ctrl+C raises `KeyboardInterrupt`), and an exception they raise stops the operation
/// and is kept to be raised when it has returned.
pub(crate) fn python_signals() -> InterruptPoll {
    Arc::new(|| {
        Python::attach(|py| match py.check_signals() {
            Ok(()) => false,
            Err(e) => {
                keep_pending(e);
                true
            }
        })
    })
}

/// A simulation; every group and monitor belongs to exactly one.
#[pyclass(name = "Network", module = "rheobase._core", frozen)]
pub struct PyNetwork(pub(crate) Network);

#[pymethods]
impl PyNetwork {
    #[new]
    fn new() -> Self {
        let net = Network::new();
        net.set_interrupt(Some(python_signals()));
        PyNetwork(net)
    }

    /// Current time in seconds.
    #[getter]
    fn t(&self) -> f64 {
        self.0.t()
    }

    /// Moves the network to time `t` (seconds) for its next run.
    fn set_t(&self, py: Python<'_>, t: f64) -> Res<()> {
        map(py, self.0.set_t(t))
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

    /// Runs kernels and synaptic propagation on `n` threads (0: one per core); the results
    /// are the same bits for every count.
    fn set_threads(&self, py: Python<'_>, n: usize) -> Res<()> {
        map(py, self.0.set_threads(n))
    }

    #[getter]
    fn threads(&self) -> usize {
        self.0.threads()
    }

    /// How groups made from now on store float variables: `"float64"` or `"float32"`
    /// (Brian2's `prefs.core.default_float_dtype`; arithmetic stays double precision).
    fn set_float_type(&self, name: &str) -> Res<()> {
        let float_type = match name {
            "float64" => rheobase_runtime::FloatType::F64,
            "float32" => rheobase_runtime::FloatType::F32,
            other => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "float type must be 'float64' or 'float32', got {other:?}"
                )))
            }
        };
        self.0.set_float_type(float_type);
        Ok(())
    }

    #[getter]
    fn float_type(&self) -> &'static str {
        match self.0.float_type() {
            rheobase_runtime::FloatType::F64 => "float64",
            rheobase_runtime::FloatType::F32 => "float32",
        }
    }

    /// Runs for `duration` seconds with the GIL released. `report(elapsed, completed)` is
    /// called at the start, every `report_period` seconds of wall time and at the end. Ctrl+C
    /// stops the run after the current step (state intact) and raises `KeyboardInterrupt`
    /// (the network's interrupt poll, [`python_signals`]).
    #[pyo3(signature = (duration, report=None, report_period=10.0))]
    fn run(
        &self,
        py: Python<'_>,
        duration: f64,
        report: Option<Py<PyAny>>,
        report_period: f64,
    ) -> Res<()> {
        take_pending();
        let net = self.0.clone();
        let stopper = self.0.clone();
        let start = Instant::now();
        let mut next_report = report_period;
        let hook: ProgressHook = Box::new(move |completed: f64| {
            Python::attach(|py| {
                let Some(report) = &report else { return };
                let elapsed = start.elapsed().as_secs_f64();
                let due = completed == 0.0 || completed >= 1.0 || elapsed >= next_report;
                if due {
                    if completed > 0.0 && completed < 1.0 {
                        next_report = elapsed + report_period;
                    }
                    if let Err(e) = report.call1(py, (elapsed, completed)) {
                        keep_pending(e);
                        stopper.stop();
                    }
                }
            })
        });
        let result = py.detach(move || net.run_with_progress(duration, Some(hook)));
        if let Some(e) = take_pending() {
            return Err(e);
        }
        map(py, result)
    }

    /// Calls `function(t)` (t in seconds) every step of `clock` (default: the default clock)
    /// in slot `when`; an exception stops the run and is raised by `run`.
    #[pyo3(signature = (function, when="start".to_string(), order=0, clock=None))]
    fn network_operation(
        &self,
        py: Python<'_>,
        function: Py<PyAny>,
        when: String,
        order: i32,
        clock: Option<&PyClock>,
    ) -> Res<()> {
        let op: NetworkOperation = Box::new(move |_net, t| {
            Python::attach(|py| match function.call1(py, (t,)) {
                Ok(_) => Ok(()),
                Err(e) => {
                    keep_pending(e);
                    Err(RuntimeError::invalid(
                        "network_operation",
                        "the function raised an exception",
                    ))
                }
            })
        });
        let result = self
            .0
            .network_operation(When::new(when, order), clock.map(|c| &c.0), op);
        map(py, result)
    }

    fn set_clock_dt(&self, py: Python<'_>, clock: &PyClock, dt: f64) -> Res<()> {
        map(py, self.0.set_clock_dt(&clock.0, dt))
    }

    fn stop(&self) {
        self.0.stop()
    }

    fn store(&self, name: &str) {
        self.0.store(name)
    }

    /// Brian2's `restore(name)`; the random state comes back only with `random_state`.
    #[pyo3(signature = (name, random_state = true))]
    fn restore(&self, py: Python<'_>, name: &str, random_state: bool) -> Res<()> {
        if random_state {
            map(py, self.0.restore(name))
        } else {
            map(py, self.0.keeping_random_state(|n| n.restore(name)))
        }
    }

    /// Brian2's `store(name, filename)`: the state into a checked file (written atomically).
    fn store_to_file(&self, py: Python<'_>, name: &str, filename: std::path::PathBuf) -> Res<()> {
        map(py, self.0.store_to_file(name, &filename))
    }

    /// Brian2's `restore(name, filename)`: refuses truncated, corrupted or foreign files.
    fn restore_from_file(
        &self,
        py: Python<'_>,
        name: &str,
        filename: std::path::PathBuf,
        random_state: bool,
    ) -> Res<()> {
        if random_state {
            map(py, self.0.restore_from_file(name, &filename))
        } else {
            let restore = |n: &Network| n.restore_from_file(name, &filename);
            map(py, self.0.keeping_random_state(restore))
        }
    }

    /// The numerical watchdog (`prefs.core.watchdog`): stop at the first NaN or infinity.
    fn set_watchdog(&self, on: bool) {
        self.0.set_watchdog(on)
    }

    /// `prefs.codegen.native`: when kernels move to the native C tier, `"auto"`, `"always"`
    /// or `"never"`.
    fn set_native(&self, mode: &str) -> PyResult<()> {
        let parsed = rheobase_runtime::NativeMode::parse(mode).ok_or_else(|| {
            pyo3::exceptions::PyValueError::new_err(format!(
                "native mode {mode:?}: expected 'auto', 'always' or 'never'"
            ))
        })?;
        self.0.set_native(parsed);
        Ok(())
    }

    /// `(object, kernel, runs native code now)` for each kernel the network runs each step.
    fn native_kernels(&self) -> Vec<(String, String, bool)> {
        self.0.native_kernels()
    }

    /// `prefs.core.memory_limit` in bytes; `None`: what the system has available.
    #[pyo3(signature = (bytes=None))]
    fn set_memory_limit(&self, bytes: Option<u64>) {
        self.0.set_memory_limit(bytes)
    }

    /// Turns time measurement per object on (and clears it) or off.
    fn set_profiling(&self, on: bool) {
        self.0.set_profiling(on)
    }

    /// `(object, seconds)` spent in each object since profiling was turned on, longest first.
    fn profiling_info(&self) -> Vec<(String, f64)> {
        self.0
            .profiling_info()
            .into_iter()
            .map(|(name, d)| (name, d.as_secs_f64()))
            .collect()
    }

    /// `(object, slot, order)` of every scheduled object, in the order they run.
    fn scheduling_summary(&self) -> Vec<(String, String, i32)> {
        self.0.scheduling_summary()
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

pub(crate) fn namespace_from(ns: HashMap<String, (f64, PyDimension)>) -> HashMap<String, Quantity> {
    ns.into_iter()
        .map(|(k, (v, d))| (k, Quantity::new(v, d.0)))
        .collect()
}

/// A group's model as Python passes it: a string or an `Equations` object.
#[derive(FromPyObject)]
pub enum PyModel<'py> {
    Text(String),
    Equations(PyRef<'py, PyEquations>),
}

/// A neuron group or a contiguous subgroup.
/// Brian2's `index=` of `linked_var`: an array, a variable name, or nothing.
pub(crate) fn link_index(index: Option<Vec<i64>>, index_var: Option<String>) -> LinkIndex {
    match (index, index_var) {
        (Some(values), _) => LinkIndex::Array(values),
        (None, Some(var)) => LinkIndex::Variable(var),
        (None, None) => LinkIndex::Auto,
    }
}

#[pyclass(name = "NeuronGroup", module = "rheobase._core", frozen)]
pub struct PyNeuronGroup(pub(crate) NeuronGroup);

#[pymethods]
impl PyNeuronGroup {
    #[new]
    #[pyo3(signature = (network, n, model, method=None, threshold=None, reset=None,
                        refractory=None, events=Vec::new(), namespace=HashMap::new(),
                        dt=None, order=0, name=None, clock=None, functions=HashMap::new()))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        network: &PyNetwork,
        n: usize,
        model: PyModel<'_>,
        method: Option<String>,
        threshold: Option<String>,
        reset: Option<String>,
        refractory: Option<PyRefractory>,
        events: Vec<(String, String, Option<String>)>,
        namespace: HashMap<String, (f64, PyDimension)>,
        dt: Option<f64>,
        order: i32,
        name: Option<String>,
        clock: Option<PyRef<'_, PyClock>>,
        functions: HashMap<String, PyRef<'_, PyTimedArray>>,
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
            clock: clock.map(|c| c.0.clone()),
            order,
            name,
            functions: functions
                .into_iter()
                .map(|(k, v)| (k, v.0.clone()))
                .collect(),
        };
        let group = match model {
            PyModel::Text(text) => NeuronGroup::new(&network.0, n, &text, options),
            PyModel::Equations(eqs) => {
                NeuronGroup::with_equations(&network.0, n, &eqs.equations, &eqs.sources, options)
            }
        };
        map(py, group).map(PyNeuronGroup)
    }

    #[getter]
    fn name(&self) -> String {
        self.0.name().to_string()
    }

    /// `[(name, value, dimension)]`: the external constants the group's code reads.
    fn namespace(&self, py: Python<'_>) -> Res<Vec<(String, f64, Py<PyDimension>)>> {
        namespace_tuples(py, self.0.namespace())
    }

    /// New values of external constants (Brian2 resolves them at every run); the group's
    /// code is checked again when one changed. Returns whether one changed.
    fn set_namespace(
        &self,
        py: Python<'_>,
        values: HashMap<String, (f64, PyDimension)>,
    ) -> Res<bool> {
        map(py, self.0.set_namespace(&namespace_from(values)))
    }

    /// Adds external constants the group does not know yet (for code given later).
    fn extend_namespace(&self, values: HashMap<String, (f64, PyDimension)>) {
        self.0.extend_namespace(&namespace_from(values));
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
        variable_info_tuple(py, self.0.variable_info(name))
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

    /// Links the `(linked)` variable `name` to `var` of `source`; `index` is an array of
    /// indices into `source` or the name of an integer variable of this group.
    /// Whether `name` is a `(linked)` variable.
    fn is_linked_variable(&self, name: &str) -> bool {
        self.0.is_linked(name)
    }

    #[pyo3(signature = (name, source, var, index=None, index_var=None))]
    fn link(
        &self,
        py: Python<'_>,
        name: &str,
        source: &PyNeuronGroup,
        var: &str,
        index: Option<Vec<i64>>,
        index_var: Option<String>,
    ) -> Res<()> {
        map(
            py,
            self.0
                .link(name, &source.0, var, link_index(index, index_var)),
        )
    }

    fn set_expr_where(&self, py: Python<'_>, name: &str, condition: &str, code: &str) -> Res<()> {
        map(py, self.0.set_expr_where(name, condition, code))
    }

    fn eval(&self, py: Python<'_>, code: &str) -> Res<Vec<f64>> {
        map(py, self.0.eval(code))
    }

    /// Makes a TimedArray callable as `name(...)` in code given to this group from now on.
    fn add_function(&self, py: Python<'_>, name: &str, table: &PyTimedArray) -> Res<()> {
        map(py, self.0.add_function(name, &table.0))
    }

    #[pyo3(signature = (code, dt=None, when="start".to_string(), order=0, name=None,
                        clock=None))]
    #[allow(clippy::too_many_arguments)]
    fn run_regularly(
        &self,
        py: Python<'_>,
        code: &str,
        dt: Option<f64>,
        when: String,
        order: i32,
        name: Option<String>,
        clock: Option<PyRef<'_, PyClock>>,
    ) -> Res<String> {
        let options = RunRegularlyOptions {
            dt,
            clock: clock.map(|c| c.0.clone()),
            when,
            order,
            name,
        };
        map(py, self.0.run_regularly(code, options))
    }

    /// Brian2's `run_on_event(event, code, when='after_resets', order=None)`.
    #[pyo3(signature = (event, code, when="after_resets".to_string(), order=None))]
    fn run_on_event(
        &self,
        py: Python<'_>,
        event: &str,
        code: &str,
        when: String,
        order: Option<i32>,
    ) -> Res<String> {
        map(py, self.0.run_on_event(event, code, &when, order))
    }

    fn set_event_schedule(
        &self,
        py: Python<'_>,
        event: &str,
        when: &str,
        order: Option<i32>,
    ) -> Res<()> {
        map(py, self.0.set_event_schedule(event, when, order))
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

/// What a state monitor records from: a group or synapses.
#[derive(FromPyObject)]
pub enum PyMonitorSource<'py> {
    Group(PyRef<'py, PyNeuronGroup>),
    Synapses(PyRef<'py, PySynapses>),
}

/// Brian2's `StateMonitor`.
#[pyclass(name = "StateMonitor", module = "rheobase._core", frozen)]
pub struct PyStateMonitor(StateMonitor);

#[pymethods]
impl PyStateMonitor {
    #[new]
    #[pyo3(signature = (source, variables, record=None, dt=None, when="start".to_string(),
                        order=0, name=None, clock=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        source: PyMonitorSource<'_>,
        variables: Vec<String>,
        record: Option<Vec<usize>>,
        dt: Option<f64>,
        when: String,
        order: i32,
        name: Option<String>,
        clock: Option<PyRef<'_, PyClock>>,
    ) -> Res<Self> {
        let vars: Vec<&str> = variables.iter().map(String::as_str).collect();
        let record = record.map_or(Record::All, Record::Indices);
        let options = StateMonitorOptions {
            dt,
            clock: clock.map(|c| c.0.clone()),
            when: When::new(when, order),
            name,
        };
        let monitor = match source {
            PyMonitorSource::Group(g) => StateMonitor::new(&g.0, &vars, record, options),
            PyMonitorSource::Synapses(s) => s.inner().state_monitor(&vars, record, options),
        };
        map(py, monitor).map(PyStateMonitor)
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
    m.add_class::<PyClock>()?;
    m.add_class::<PyNetwork>()?;
    m.add_class::<PyNeuronGroup>()?;
    m.add_class::<PyEventMonitor>()?;
    m.add_class::<PyStateMonitor>()?;
    m.add_class::<PyRateMonitor>()?;
    Ok(())
}

/// `[(name, value, dimension)]` of the external constants an object's code reads.
pub(crate) fn namespace_tuples(
    py: Python<'_>,
    used: Vec<(String, Quantity)>,
) -> Res<Vec<(String, f64, Py<PyDimension>)>> {
    used.into_iter()
        .map(|(k, q)| Ok((k, q.value, intern(py, q.dim)?)))
        .collect()
}

/// What Python's groups know of a variable: `(dimension, shared, read_only, is_subexpression,
/// type name)`, or `None` for an unknown name (shared by every group-like class).
#[allow(clippy::type_complexity)]
pub(crate) fn variable_info_tuple(
    py: Python<'_>,
    info: Option<rheobase_runtime::VariableInfo>,
) -> Res<Option<(Py<PyDimension>, bool, bool, bool, String)>> {
    match info {
        None => Ok(None),
        Some(info) => Ok(Some((
            intern(py, info.dim)?,
            info.shared,
            info.read_only,
            info.is_subexpression,
            if info.single_precision {
                "float32".to_string()
            } else {
                format!("{:?}", info.vtype).to_lowercase()
            },
        ))),
    }
}
