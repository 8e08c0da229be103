//! `SpatialNeuron`: Brian2's multicompartment neuron. The morphology (rheobase-morphology) is
//! flattened into compartments; the model gives the membrane current `Im` per area
//! ([`model`] rewrites it into a NeuronGroup model); the group's state updater advances the
//! channels with the chosen method, and the cable solver ([`cable`], [`solver`]) then
//! advances `v` implicitly each step. Threshold, reset, refractoriness, events, monitors and
//! state access are the NeuronGroup's (a `SpatialNeuron` dereferences to its group).
//!
//! Beyond Brian2, `cells` > 1 simulates that many copies of the morphology in one group
//! (compartment `k` of cell `c` is element `c * compartments + k`), each with its own
//! parameters.

pub mod cable;
mod model;
mod solver;

use crate::error::{Result, RuntimeError};
use crate::frontend;
use crate::kernel::stream_hash;
use crate::lower::Assignment;
use crate::network::{Network, ObjectEntry};
use crate::neurongroup::{
    group_dt, lower_kernel, EventDefinition, NeuronGroup, NeuronGroupOptions, Refractory, Subgroup,
};
use crate::schedule::When;
use crate::variables::Variable;
use rheobase_codegen::{ElemType, Iteration};
use rheobase_lang::{ast, Span, VarType};
use rheobase_morphology::{FlatMorphology, Morphology};
use rheobase_units::{Dimension, Quantity};
use solver::{CableSolver, SolverArrays};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// Brian2's keyword arguments of `SpatialNeuron` (values SI).
#[derive(Clone, Debug)]
pub struct SpatialNeuronOptions {
    /// Specific membrane capacitance, farad/meter**2 (Brian2's default 0.9 uF/cm**2).
    pub cm: f64,
    /// Intracellular resistivity, ohm*meter (Brian2's default 150 ohm*cm).
    pub ri: f64,
    /// Method for the channels; `None` tries exact, exponential_euler, rk2, heun in turn.
    pub method: Option<String>,
    pub threshold: Option<String>,
    /// The compartment where the threshold applies (all compartments if `None`).
    pub threshold_location: Option<usize>,
    pub reset: Option<String>,
    pub refractory: Refractory,
    pub events: Vec<EventDefinition>,
    pub namespace: HashMap<String, Quantity>,
    /// `TimedArray`s the model strings may call.
    pub functions: HashMap<String, crate::inputs::TimedArray>,
    pub dt: Option<f64>,
    pub clock: Option<crate::clock::Clock>,
    pub order: i32,
    pub name: Option<String>,
    /// Number of identical cells (1 in Brian2).
    pub cells: usize,
}

impl Default for SpatialNeuronOptions {
    fn default() -> Self {
        SpatialNeuronOptions {
            cm: 0.9e-2,
            ri: 1.5,
            method: None,
            threshold: None,
            threshold_location: None,
            reset: None,
            refractory: Refractory::None,
            events: Vec::new(),
            namespace: HashMap::new(),
            functions: HashMap::new(),
            dt: None,
            clock: None,
            order: 0,
            name: None,
            cells: 1,
        }
    }
}

/// A multicompartment neuron (or `cells` copies of one). Dereferences to its [`NeuronGroup`]
/// for state access (`get`, `set_values`, `set_expr_where("g", "distance > 100*um", ...)`),
/// monitors and `run_regularly`.
#[derive(Clone, Debug)]
pub struct SpatialNeuron {
    group: NeuronGroup,
    morphology: Arc<Morphology>,
    flat: Arc<FlatMorphology>,
    cells: usize,
}

impl std::ops::Deref for SpatialNeuron {
    type Target = NeuronGroup;
    fn deref(&self) -> &NeuronGroup {
        &self.group
    }
}

/// A SpatialNeuron is a Synapses source or target like its group (its compartments are the
/// neurons `i`/`j` of the synapses).
impl crate::synapses::AsGroup for SpatialNeuron {
    fn group_ref(&self) -> crate::synapses::GroupRef {
        self.group.group_ref()
    }
}

const METHODS: [&str; 4] = ["exact", "exponential_euler", "rk2", "heun"];

/// Compartments a cable cannot hold: no area or no axial conductance.
fn check_geometry(object: &str, flat: &FlatMorphology) -> Result<()> {
    for section in &flat.sections {
        for k in section.compartments.clone() {
            let bad = if !(flat.area[k] > 0.0 && flat.area[k].is_finite()) {
                Some(format!("has area {} m^2", flat.area[k]))
            } else if !(flat.r_length_1[k].is_finite() && flat.r_length_2[k].is_finite())
                || flat.r_length_1[k] <= 0.0
                || flat.r_length_2[k] <= 0.0
            {
                Some(format!("has length {} m", flat.length[k]))
            } else {
                None
            };
            if let Some(problem) = bad {
                let name = if section.path.is_empty() {
                    "the root section".to_string()
                } else {
                    format!("section '{}'", section.path)
                };
                return Err(RuntimeError::invalid(
                    object,
                    format!(
                        "compartment {k} ({name}, compartment {} of it) {problem}; a SpatialNeuron \
                         needs compartments of positive length and diameter",
                        k - section.compartments.start
                    ),
                ));
            }
        }
    }
    Ok(())
}

impl SpatialNeuron {
    /// Brian2's `SpatialNeuron(morphology, model, Cm, Ri, method, threshold, ...)`.
    pub fn new(
        net: &Network,
        morphology: &Morphology,
        model: &str,
        options: SpatialNeuronOptions,
    ) -> Result<SpatialNeuron> {
        let object = options
            .name
            .clone()
            .unwrap_or_else(|| "spatialneuron".into());
        if options.cells == 0 {
            return Err(RuntimeError::invalid(
                &object,
                "a SpatialNeuron needs at least one cell",
            ));
        }
        let flat = morphology.flatten();
        check_geometry(&object, &flat)?;
        for (what, x) in [("Cm", options.cm), ("Ri", options.ri)] {
            if !(x.is_finite() && x > 0.0) {
                return Err(RuntimeError::invalid(
                    &object,
                    format!("{what} must be positive, got {x}"),
                ));
            }
        }
        let compartments = flat.len();
        if let Some(loc) = options.threshold_location {
            if loc >= compartments {
                return Err(RuntimeError::invalid(
                    &object,
                    format!("threshold_location {loc} is outside the morphology ({compartments} compartments)"),
                ));
            }
        }
        let rewritten = model::rewrite(&object, model, flat.point.is_some())?;
        let threshold = match (&options.threshold, options.threshold_location) {
            (Some(t), Some(loc)) if options.cells > 1 => {
                Some(format!("({t}) and (i % {compartments} == {loc})"))
            }
            (Some(t), Some(loc)) => Some(format!("({t}) and (i == {loc})")),
            (t, _) => t.clone(),
        };
        let mut group_options = NeuronGroupOptions {
            method: options.method.clone(),
            threshold,
            reset: options.reset.clone(),
            refractory: options.refractory.clone(),
            events: options.events.clone(),
            namespace: options.namespace.clone(),
            functions: options.functions.clone(),
            dt: options.dt,
            clock: options.clock.clone(),
            order: options.order,
            name: options.name.clone(),
        };
        let dt = group_dt(net, &group_options);
        let input = || frontend::ModelInput::Equations(&rewritten.equations, &rewritten.sources);
        let spec = match &options.method {
            Some(_) => frontend::neuron_group(&object, input(), &group_options, dt)?,
            None => {
                let mut last = None;
                let mut found = None;
                for m in METHODS {
                    group_options.method = Some(m.to_string());
                    match frontend::neuron_group(&object, input(), &group_options, dt) {
                        Ok(spec) => {
                            found = Some(spec);
                            break;
                        }
                        Err(e) if e.code().starts_with("integrate::") => last = Some(e),
                        Err(e) => return Err(e),
                    }
                }
                match found {
                    Some(spec) => spec,
                    None => return Err(last.expect("at least one method was tried")),
                }
            }
        };
        let n = compartments * options.cells;
        let model = crate::neurongroup::OwnedModel::Equations(
            rewritten.equations.clone(),
            rewritten.sources.clone(),
        );
        let recheck = crate::neurongroup::model_recheck(model, &group_options, dt);
        // The cable solver works on f64 arrays.
        let group = NeuronGroup::from_spec_stored(
            net,
            n,
            spec,
            group_options,
            crate::variables::FloatType::F64,
        )?;
        net.lock().add_recheck(group.id, recheck);
        let neuron = SpatialNeuron {
            group,
            morphology: Arc::new(morphology.clone()),
            flat: Arc::new(flat),
            cells: options.cells,
        };
        neuron.set_geometry(&options)?;
        neuron.add_solver(options.order)?;
        Ok(neuron)
    }

    fn repeated(&self, values: &[f64]) -> Vec<f64> {
        let mut out = Vec::with_capacity(values.len() * self.cells);
        for _ in 0..self.cells {
            out.extend_from_slice(values);
        }
        out
    }

    fn set_geometry(&self, options: &SpatialNeuronOptions) -> Result<()> {
        let f = &self.flat;
        let g = &self.group;
        for (name, values) in [
            ("length", &f.length),
            ("distance", &f.distance),
            ("area", &f.area),
            ("volume", &f.volume),
            ("diameter", &f.diameter),
            ("r_length_1", &f.r_length_1),
            ("r_length_2", &f.r_length_2),
        ] {
            g.set_values(name, &self.repeated(values))?;
        }
        if let Some(points) = &f.point {
            for (axis, name) in ["x", "y", "z"].into_iter().enumerate() {
                let values: Vec<f64> = points.iter().map(|p| p[axis]).collect();
                g.set_values(name, &self.repeated(&values))?;
            }
        }
        g.set("Cm", options.cm)?;
        g.set("Ri", options.ri)
    }

    fn add_solver(&self, order: i32) -> Result<()> {
        let net = self.group.network().clone();
        let mut core = net.lock();
        let id = self.group.id;
        let name = core.group(id).name.clone();
        let n = core.group(id).n;
        let internal = |core: &mut crate::network::NetworkCore, var: &str, dim: Dimension| {
            let store_id = core.store.add(format!("{name}.{var}"), ElemType::F64, n);
            core.groups[id.0].variables.insert(
                var,
                Variable::Array {
                    id: store_id,
                    dim,
                    vtype: VarType::Float,
                    shared: false,
                    read_only: false,
                    constant: false,
                    write_guard: None,
                },
            );
            store_id
        };
        let gtot = internal(
            &mut core,
            "_gtot",
            Dimension::from_ints([-4, -1, 3, 2, 0, 0, 0]),
        );
        let i0 = internal(
            &mut core,
            "_I0",
            Dimension::from_ints([-2, 0, 0, 1, 0, 0, 0]),
        );
        let statements = [
            Assignment::set(
                "_gtot",
                ast::Expr::name("gtot__private", Span::default()),
                false,
            ),
            Assignment::set(
                "_I0",
                ast::Expr::name("I0__private", Span::default()),
                false,
            ),
        ];
        let kernel = lower_kernel(
            &core,
            id,
            0..n,
            "spatialstateupdate",
            Iteration::Range,
            &statements,
            false,
        )?
        .compile(core.backend.as_ref(), &core.store)?;
        let array =
            |core: &crate::network::NetworkCore, var: &str| match core.group(id).variables.get(var)
            {
                Some(Variable::Array { id, .. }) => Ok(*id),
                _ => Err(RuntimeError::Internal(format!(
                    "SpatialNeuron has no array '{var}'"
                ))),
            };
        let arrays = SolverArrays {
            v: array(&core, "v")?,
            cm: array(&core, "Cm")?,
            area: array(&core, "area")?,
            gtot,
            i0,
            ic: array(&core, "Ic")?,
            ri: array(&core, "Ri")?,
        };
        let clock = core.group(id).clock;
        let object = format!("{name}_spatialstateupdater");
        let object = core.unique_name(&object, false)?;
        core.add_object(ObjectEntry {
            name: object.clone(),
            // After the group's state updater (same slot, next order), as in Brian2.
            when: When::new("groups", order + 1),
            clock,
            active: true,
            op: Box::new(CableSolver {
                kernel,
                arrays,
                flat: self.flat.clone(),
                cells: self.cells,
                stream: stream_hash(&[&object, "spatialstateupdate"]),
                tree: None,
                scratch: Vec::new(),
            }),
        })?;
        Ok(())
    }

    pub fn group(&self) -> &NeuronGroup {
        &self.group
    }

    pub fn morphology(&self) -> &Morphology {
        &self.morphology
    }

    pub fn flat_morphology(&self) -> &FlatMorphology {
        &self.flat
    }

    /// Compartments per cell.
    pub fn compartments(&self) -> usize {
        self.flat.len()
    }

    pub fn cells(&self) -> usize {
        self.cells
    }

    /// The compartments of cell `cell` (`cell * compartments ..`): per-cell state access,
    /// monitors and synapses when the group holds several cells.
    pub fn cell(&self, cell: usize) -> Result<Subgroup> {
        if cell >= self.cells {
            return Err(RuntimeError::invalid(
                self.group.name(),
                format!("cell {cell} is outside the group ({} cells)", self.cells),
            ));
        }
        let n = self.flat.len();
        self.group.subgroup(cell * n..(cell + 1) * n)
    }

    fn morph_err(&self, e: rheobase_morphology::MorphologyError) -> RuntimeError {
        RuntimeError::invalid(self.group.name(), e.to_string())
    }

    fn sub(&self, range: Range<usize>) -> Result<Subgroup> {
        if self.cells != 1 {
            return Err(RuntimeError::not_supported(
                self.group.name(),
                "subgroups by section of a SpatialNeuron with several cells are not yet supported; \
                 use compartment indices (cell * compartments + k)",
            ));
        }
        self.group.subgroup(range)
    }

    /// The section at `path` and everything below it (Brian2's `neuron.dend`, `neuron.LR`).
    pub fn section(&self, path: &str) -> Result<Subgroup> {
        let s = self
            .flat
            .section(&self.morphology, path)
            .map_err(|e| self.morph_err(e))?;
        self.sub(s.subtree.clone())
    }

    /// The root section without its children (Brian2's `neuron.main`).
    pub fn main(&self) -> Result<Subgroup> {
        self.sub(self.flat.sections[0].compartments.clone())
    }

    /// The compartments of section `path` between two distances from the section's start
    /// (Brian2's `neuron.dend[10*um:50*um]`, which does not include the children).
    pub fn section_between(
        &self,
        path: &str,
        start: Option<f64>,
        stop: Option<f64>,
    ) -> Result<Subgroup> {
        let s = self
            .flat
            .section(&self.morphology, path)
            .map_err(|e| self.morph_err(e))?;
        let m = self.morphology.get(path).map_err(|e| self.morph_err(e))?;
        let r = m
            .compartments_between(start, stop)
            .map_err(|e| self.morph_err(e))?;
        let base = s.compartments.start;
        self.sub(base + r.start..base + r.end)
    }

    /// The compartment index (in the whole neuron) at distance `x` along section `path`
    /// (Brian2's `morpho.dend[25*um]`, e.g. for `threshold_location` or monitors).
    pub fn compartment_at(&self, path: &str, x: f64) -> Result<usize> {
        let s = self
            .flat
            .section(&self.morphology, path)
            .map_err(|e| self.morph_err(e))?;
        let m = self.morphology.get(path).map_err(|e| self.morph_err(e))?;
        let k = m.compartment_at(x).map_err(|e| self.morph_err(e))?;
        Ok(s.compartments.start + k)
    }
}

#[cfg(test)]
mod cells_tests;
#[cfg(test)]
mod rallpack_tests;
#[cfg(test)]
mod tests;
