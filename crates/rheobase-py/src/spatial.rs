//! `rheobase._core.Morphology` and `SpatialNeuron`: handles on rheobase-morphology's tree and
//! the runtime's multicompartment neuron. Python addresses a section of a tree by its path
//! (`""` for the root, `"dend.L"`, `"LRL"`); values cross as SI floats.

use crate::dimension::PyDimension;
use crate::errors::runtime_err;
use crate::inputs::PyTimedArray;
use crate::runtime::{namespace_from, PyClock, PyNetwork, PyNeuronGroup, PyRefractory};
use pyo3::exceptions::{PyAttributeError, PyIndexError, PyOSError, PyValueError};
use pyo3::prelude::*;
use rheobase_morphology::{ErrorKind, Extent, Geometry, Morphology, MorphologyError, Point};
use rheobase_runtime::{EventDefinition, Refractory, SpatialNeuron, SpatialNeuronOptions};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

type Res<T> = PyResult<T>;

/// A morphology error as the exception Brian2 raises for it.
fn morph_err(e: MorphologyError) -> PyErr {
    let text = format!("{} [{}]", e, e.code());
    match e.kind {
        ErrorKind::UnknownSection => PyAttributeError::new_err(text),
        ErrorKind::IndexOutOfRange => PyIndexError::new_err(text),
        ErrorKind::Io => PyOSError::new_err(text),
        _ => PyValueError::new_err(text),
    }
}

fn runtime<T>(py: Python<'_>, r: rheobase_runtime::Result<T>) -> Res<T> {
    r.map_err(|e| runtime_err(py, &e))
}

/// A whole morphology tree, shared by every Python view on one of its sections.
#[pyclass(name = "Morphology", module = "rheobase._core", frozen)]
pub struct PyMorphology(Arc<Mutex<Morphology>>);

impl PyMorphology {
    fn new(m: Result<Morphology, MorphologyError>) -> Res<Self> {
        Ok(PyMorphology(Arc::new(Mutex::new(m.map_err(morph_err)?))))
    }

    fn lock(&self) -> MutexGuard<'_, Morphology> {
        // A panic cannot happen while the lock is held (no user code runs under it).
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn snapshot(&self) -> Morphology {
        self.lock().clone()
    }
}

/// The length of a Cylinder or Section, or its coordinates.
fn extent(lengths: Option<Vec<f64>>, points: Option<Vec<Point>>) -> Res<Extent> {
    match (lengths, points) {
        (Some(l), None) => Ok(Extent::Length(l)),
        (None, Some(p)) => Ok(Extent::Points(p)),
        (Some(_), Some(_)) => Err(PyValueError::new_err(
            "give either the length or the coordinates (x, y, z), not both",
        )),
        (None, None) => Err(PyValueError::new_err(
            "a Cylinder or Section needs a length or coordinates (x, y, z)",
        )),
    }
}

type Column = (String, Vec<f64>);

#[pymethods]
impl PyMorphology {
    /// Brian2's `Soma(diameter, x=None, y=None, z=None)`.
    #[staticmethod]
    #[pyo3(signature = (diameter, position=None))]
    fn soma(diameter: f64, position: Option<Point>) -> Res<Self> {
        match position {
            None => Self::new(Morphology::soma(diameter)),
            Some(p) => Self::new(Morphology::soma_at(diameter, p)),
        }
    }

    /// Brian2's `Cylinder(diameter, n, length=... | x, y, z)`.
    #[staticmethod]
    #[pyo3(signature = (diameter, n, length=None, points=None))]
    fn cylinder(
        diameter: f64,
        n: usize,
        length: Option<f64>,
        points: Option<Vec<Point>>,
    ) -> Res<Self> {
        Self::new(Morphology::cylinder(
            diameter,
            n,
            extent(length.map(|l| vec![l]), points)?,
        ))
    }

    /// Brian2's `Section(diameter=[n+1], n, length=[n] | x, y, z)`.
    #[staticmethod]
    #[pyo3(signature = (diameters, n, lengths=None, points=None))]
    fn section(
        diameters: Vec<f64>,
        n: usize,
        lengths: Option<Vec<f64>>,
        points: Option<Vec<Point>>,
    ) -> Res<Self> {
        Self::new(Morphology::section(diameters, n, extent(lengths, points)?))
    }

    #[staticmethod]
    #[pyo3(signature = (path, spherical_soma=true))]
    fn from_swc_file(path: &str, spherical_soma: bool) -> Res<Self> {
        Self::new(Morphology::from_swc_file_with(path, spherical_soma))
    }

    #[staticmethod]
    #[pyo3(signature = (text, spherical_soma=true))]
    fn from_swc_str(text: &str, spherical_soma: bool) -> Res<Self> {
        Self::new(Morphology::from_swc_str_with(text, spherical_soma))
    }

    /// Attaches a copy of `child`'s whole tree below section `path` under `name`.
    fn add_child(&self, path: &str, name: &str, child: &PyMorphology) -> Res<()> {
        let copy = child.snapshot();
        let mut tree = self.lock();
        let parent = tree.get_mut(path).map_err(morph_err)?;
        parent.add_child(name, copy).map_err(morph_err)
    }

    /// Sets the section type (`soma`, `axon`, `dend`, ...) of the section at `path`.
    fn set_type(&self, path: &str, section_type: &str) -> Res<()> {
        let mut tree = self.lock();
        let m = tree.get_mut(path).map_err(morph_err)?;
        *m = m.clone().with_type(section_type);
        Ok(())
    }

    fn remove_child(&self, path: &str, name: &str) -> Res<()> {
        let mut tree = self.lock();
        let parent = tree.get_mut(path).map_err(morph_err)?;
        parent.remove_child(name).map(|_| ()).map_err(morph_err)
    }

    /// The subtree at `path` as a new, independent tree.
    fn copy(&self, path: &str) -> Res<Self> {
        let tree = self.lock();
        let m = tree.get(path).map_err(morph_err)?.clone();
        Ok(PyMorphology(Arc::new(Mutex::new(m))))
    }

    /// Whether `path` names a section.
    fn exists(&self, path: &str) -> bool {
        self.lock().get(path).is_ok()
    }

    /// The path of each child of `path` with every name it answers to, in order.
    fn children(&self, path: &str) -> Res<Vec<Vec<String>>> {
        let tree = self.lock();
        let m = tree.get(path).map_err(morph_err)?;
        Ok((0..m.children_count())
            .map(|k| m.child_names(k).into_iter().map(String::from).collect())
            .collect())
    }

    /// `(n, total_compartments, total_sections, kind, type)` of the section at `path`, kind
    /// one of `soma`, `cylinder`, `section`.
    fn info(&self, path: &str) -> Res<(usize, usize, usize, &'static str, Option<String>)> {
        let tree = self.lock();
        let m = tree.get(path).map_err(morph_err)?;
        let kind = match m.geometry() {
            Geometry::Soma { .. } => "soma",
            Geometry::Cylinder { .. } => "cylinder",
            Geometry::Section { .. } => "section",
        };
        Ok((
            m.n(),
            m.total_compartments(),
            m.total_sections(),
            kind,
            m.section_type().map(String::from),
        ))
    }

    fn topology(&self, path: &str) -> Res<String> {
        Ok(self.lock().get(path).map_err(morph_err)?.topology())
    }

    /// Per-compartment geometry of the section at `path` (its own compartments, not its
    /// children's), positions in the whole tree: `length diameter start_diameter
    /// end_diameter area volume distance end_distance r_length_1 r_length_2` and, when the
    /// tree has coordinates, `x y z start_x ... end_z`.
    fn geometry(&self, path: &str) -> Res<Vec<Column>> {
        let tree = self.lock();
        let m = tree.get(path).map_err(morph_err)?;
        let flat = tree.flatten();
        let range = flat
            .section(&tree, path)
            .map_err(morph_err)?
            .compartments
            .clone();
        let g = m.geometry();
        let slice = |v: &[f64]| v[range.clone()].to_vec();
        let end_distance: Vec<f64> = range
            .clone()
            .map(|k| flat.distance[k] + 0.5 * flat.length[k])
            .collect();
        let mut out: Vec<Column> = vec![
            ("length".into(), slice(&flat.length)),
            ("diameter".into(), slice(&flat.diameter)),
            ("start_diameter".into(), g.start_diameter()),
            ("end_diameter".into(), g.end_diameter()),
            ("area".into(), slice(&flat.area)),
            ("volume".into(), slice(&flat.volume)),
            ("distance".into(), slice(&flat.distance)),
            ("end_distance".into(), end_distance),
            ("r_length_1".into(), slice(&flat.r_length_1)),
            ("r_length_2".into(), slice(&flat.r_length_2)),
        ];
        for (prefix, points) in [
            ("", &flat.point),
            ("start_", &flat.start_point),
            ("end_", &flat.end_point),
        ] {
            if let Some(p) = points {
                for (axis, name) in ["x", "y", "z"].into_iter().enumerate() {
                    let values = range.clone().map(|k| p[k][axis]).collect();
                    out.push((format!("{prefix}{name}"), values));
                }
            }
        }
        Ok(out)
    }

    /// The compartment of section `path` at distance `x` from its start.
    fn compartment_at(&self, path: &str, x: f64) -> Res<usize> {
        let tree = self.lock();
        tree.get(path)
            .map_err(morph_err)?
            .compartment_at(x)
            .map_err(morph_err)
    }

    /// The compartments of section `path` between two distances, `(start, stop)`.
    #[pyo3(signature = (path, start=None, stop=None))]
    fn compartments_between(
        &self,
        path: &str,
        start: Option<f64>,
        stop: Option<f64>,
    ) -> Res<(usize, usize)> {
        let tree = self.lock();
        let r = tree
            .get(path)
            .map_err(morph_err)?
            .compartments_between(start, stop)
            .map_err(morph_err)?;
        Ok((r.start, r.end))
    }

    /// `(first compartment, end of section, end of subtree)` of `path` in the flattened tree.
    fn flat_range(&self, path: &str) -> Res<(usize, usize, usize)> {
        let tree = self.lock();
        let flat = tree.flatten();
        let s = flat.section(&tree, path).map_err(morph_err)?;
        Ok((s.compartments.start, s.compartments.end, s.subtree.end))
    }
}

/// A multicompartment neuron; its group (state, subgroups, monitors) is `group()`.
#[pyclass(name = "SpatialNeuron", module = "rheobase._core", frozen)]
pub struct PySpatialNeuron(SpatialNeuron);

#[pymethods]
impl PySpatialNeuron {
    #[new]
    #[pyo3(signature = (network, morphology, model, cm, ri, method=None, threshold=None,
                        threshold_location=None, reset=None, refractory=None,
                        events=Vec::new(), namespace=HashMap::new(), dt=None, order=0,
                        name=None, clock=None, functions=HashMap::new(), cells=1))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        network: &PyNetwork,
        morphology: &PyMorphology,
        model: &str,
        cm: f64,
        ri: f64,
        method: Option<String>,
        threshold: Option<String>,
        threshold_location: Option<usize>,
        reset: Option<String>,
        refractory: Option<PyRefractory>,
        events: Vec<(String, String, Option<String>)>,
        namespace: HashMap<String, (f64, PyDimension)>,
        dt: Option<f64>,
        order: i32,
        name: Option<String>,
        clock: Option<PyRef<'_, PyClock>>,
        functions: HashMap<String, PyRef<'_, PyTimedArray>>,
        cells: usize,
    ) -> Res<Self> {
        let refractory = match refractory {
            None => Refractory::None,
            Some(PyRefractory::Duration(d)) => Refractory::Duration(d),
            Some(PyRefractory::Expression(e)) => Refractory::Expression(e),
        };
        let options = SpatialNeuronOptions {
            cm,
            ri,
            method,
            threshold,
            threshold_location,
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
            functions: functions
                .into_iter()
                .map(|(k, v)| (k, v.0.clone()))
                .collect(),
            dt,
            clock: clock.map(|c| c.0.clone()),
            order,
            name,
            cells,
        };
        let tree = morphology.snapshot();
        runtime(py, SpatialNeuron::new(&network.0, &tree, model, options)).map(PySpatialNeuron)
    }

    /// The whole neuron as a group.
    fn group(&self) -> PyNeuronGroup {
        PyNeuronGroup(self.0.group().clone())
    }

    /// The section at `path` and everything below it.
    fn section(&self, py: Python<'_>, path: &str) -> Res<PyNeuronGroup> {
        runtime(py, self.0.section(path)).map(PyNeuronGroup)
    }

    /// The root section without its children (`neuron.main`).
    fn main(&self, py: Python<'_>) -> Res<PyNeuronGroup> {
        runtime(py, self.0.main()).map(PyNeuronGroup)
    }

    /// Compartments of section `path` between two distances from its start.
    #[pyo3(signature = (path, start=None, stop=None))]
    fn section_between(
        &self,
        py: Python<'_>,
        path: &str,
        start: Option<f64>,
        stop: Option<f64>,
    ) -> Res<PyNeuronGroup> {
        runtime(py, self.0.section_between(path, start, stop)).map(PyNeuronGroup)
    }

    fn compartment_at(&self, py: Python<'_>, path: &str, x: f64) -> Res<usize> {
        runtime(py, self.0.compartment_at(path, x))
    }

    /// Compartments per cell.
    fn compartments(&self) -> usize {
        self.0.compartments()
    }

    fn cells(&self) -> usize {
        self.0.cells()
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyMorphology>()?;
    m.add_class::<PySpatialNeuron>()?;
    Ok(())
}
