//! `rheobase._core.Synapses`: the runtime's synapses with the same state-access methods as
//! `NeuronGroup`, so that the Python `Group` machinery serves both.

use crate::dimension::PyDimension;
use crate::errors::runtime_err;
use crate::inputs::PyTimedArray;
use crate::runtime::{namespace_from, variable_info_tuple, PyClock, PyNeuronGroup};
use pyo3::prelude::*;
use rheobase_runtime::{
    Connect, ConnectIndices, Delay, NumberOrExpr, OnEvent, PathwayCode, Selection, Synapses,
    SynapsesOptions,
};
use std::collections::HashMap;

type Res<T> = PyResult<T>;

fn map<T>(py: Python<'_>, r: rheobase_runtime::Result<T>) -> Res<T> {
    r.map_err(|e| runtime_err(py, &e))
}

/// `on_pre`/`on_post` as Python passes them: code, or `{pathway: code}` as pairs.
#[derive(FromPyObject)]
pub enum PyPathwayCode {
    Code(String),
    Named(Vec<(String, String)>),
}

fn pathway_code(code: Option<PyPathwayCode>) -> PathwayCode {
    match code {
        None => PathwayCode::None,
        Some(PyPathwayCode::Code(c)) => PathwayCode::Code(c),
        Some(PyPathwayCode::Named(v)) => PathwayCode::Named(v),
    }
}

/// `delay`: one value in seconds, or `{pathway: seconds}` as pairs.
#[derive(FromPyObject)]
pub enum PyDelay {
    Scalar(f64),
    PerPathway(Vec<(String, f64)>),
}

/// `on_event`: one event for every pathway, or `{pathway: event}` as pairs.
#[derive(FromPyObject)]
pub enum PyOnEvent {
    All(String),
    PerPathway(Vec<(String, String)>),
}

/// `i`/`j` of `connect`: explicit indices or a generator expression.
#[derive(FromPyObject)]
pub enum PyIndices {
    Generator(String),
    Array(Vec<i64>),
}

fn indices(x: Option<PyIndices>) -> Option<ConnectIndices> {
    x.map(|x| match x {
        PyIndices::Generator(g) => ConnectIndices::Generator(g),
        PyIndices::Array(a) => ConnectIndices::Array(a),
    })
}

/// `p`/`n` of `connect`: a number or an expression.
#[derive(FromPyObject)]
pub enum PyNumberOrExpr {
    Number(f64),
    Expr(String),
}

fn number_or_expr(x: PyNumberOrExpr) -> NumberOrExpr {
    match x {
        PyNumberOrExpr::Number(v) => NumberOrExpr::Number(v),
        PyNumberOrExpr::Expr(e) => NumberOrExpr::Expr(e),
    }
}

/// The target of synapses: a (sub)group, or other synapses (whose variables the code
/// reaches with the `_post` suffix).
#[derive(FromPyObject)]
pub enum PySynapseTarget<'py> {
    Group(PyRef<'py, PyNeuronGroup>),
    Synapses(PyRef<'py, PySynapses>),
}

/// Brian2's `Synapses` between two (sub)groups.
#[pyclass(name = "Synapses", module = "rheobase._core", frozen)]
pub struct PySynapses(Synapses);

#[pymethods]
impl PySynapses {
    #[new]
    #[pyo3(signature = (source, target, model, on_pre=None, on_post=None, delay=None,
                        on_event=None, multisynaptic_index=None, method=None,
                        namespace=HashMap::new(), dt=None, clock=None, order=0, name=None,
                        functions=HashMap::new()))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        source: &PyNeuronGroup,
        target: PySynapseTarget<'_>,
        model: &str,
        on_pre: Option<PyPathwayCode>,
        on_post: Option<PyPathwayCode>,
        delay: Option<PyDelay>,
        on_event: Option<PyOnEvent>,
        multisynaptic_index: Option<String>,
        method: Option<String>,
        namespace: HashMap<String, (f64, PyDimension)>,
        dt: Option<f64>,
        clock: Option<PyRef<'_, PyClock>>,
        order: i32,
        name: Option<String>,
        functions: HashMap<String, PyRef<'_, PyTimedArray>>,
    ) -> Res<Self> {
        let options = SynapsesOptions {
            on_pre: pathway_code(on_pre),
            on_post: pathway_code(on_post),
            delay: match delay {
                None => Delay::PerSynapse,
                Some(PyDelay::Scalar(d)) => Delay::Scalar(d),
                Some(PyDelay::PerPathway(v)) => Delay::PerPathway(v),
            },
            on_event: match on_event {
                None => OnEvent::default(),
                Some(PyOnEvent::All(e)) => OnEvent::All(e),
                Some(PyOnEvent::PerPathway(v)) => OnEvent::PerPathway(v),
            },
            multisynaptic_index,
            method,
            namespace: namespace_from(namespace),
            dt,
            clock: clock.map(|c| c.0.clone()),
            name,
            order,
            functions: functions
                .into_iter()
                .map(|(k, v)| (k, v.0.clone()))
                .collect(),
        };
        let synapses = match target {
            PySynapseTarget::Group(g) => Synapses::new(&source.0, &g.0, model, options),
            PySynapseTarget::Synapses(t) => Synapses::new(&source.0, &t.0, model, options),
        };
        map(py, synapses).map(PySynapses)
    }

    /// Brian2's `connect(condition=None, i=None, j=None, p=1, n=1, skip_if_invalid=False)`.
    #[pyo3(signature = (condition=None, i=None, j=None, p=PyNumberOrExpr::Number(1.0),
                        n=PyNumberOrExpr::Number(1.0), skip_if_invalid=false,
                        namespace=HashMap::new()))]
    #[allow(clippy::too_many_arguments)]
    fn connect(
        &self,
        py: Python<'_>,
        condition: Option<String>,
        i: Option<PyIndices>,
        j: Option<PyIndices>,
        p: PyNumberOrExpr,
        n: PyNumberOrExpr,
        skip_if_invalid: bool,
        namespace: HashMap<String, (f64, PyDimension)>,
    ) -> Res<()> {
        let args = Connect {
            condition,
            i: indices(i),
            j: indices(j),
            p: number_or_expr(p),
            n: number_or_expr(n),
            skip_if_invalid,
            namespace: namespace_from(namespace),
        };
        let syn = self.0.clone();
        crate::runtime::take_pending();
        let result = py.detach(move || syn.connect(args));
        // Ctrl+C while connecting: the KeyboardInterrupt the poll kept, nothing connected.
        if let Some(e) = crate::runtime::take_pending() {
            return Err(e);
        }
        map(py, result)
    }

    #[getter]
    fn name(&self) -> String {
        self.0.name().to_string()
    }

    /// `[(name, value, dimension)]`: the external constants the synapses' code reads.
    fn namespace(&self, py: Python<'_>) -> PyResult<Vec<(String, f64, Py<PyDimension>)>> {
        crate::runtime::namespace_tuples(py, self.0.namespace())
    }

    /// New values of external constants; the code is checked again when one changed.
    fn set_namespace(
        &self,
        py: Python<'_>,
        values: HashMap<String, (f64, PyDimension)>,
    ) -> PyResult<bool> {
        map(py, self.0.set_namespace(&namespace_from(values)))
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    fn pathways(&self) -> Vec<String> {
        self.0.pathways()
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

    /// See `NeuronGroup.link`; the index must be a variable name here.
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
            self.0.link(
                name,
                &source.0,
                var,
                crate::runtime::link_index(index, index_var),
            ),
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
}

impl PySynapses {
    pub(crate) fn inner(&self) -> &Synapses {
        &self.0
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySynapses>()?;
    Ok(())
}
