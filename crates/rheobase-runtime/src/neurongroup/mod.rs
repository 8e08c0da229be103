//! `NeuronGroup`: Brian2's group of neurons, its subgroups, and its operations (state updater,
//! thresholder, resetter, custom events, `run_regularly`).
//!
//! Brian2's order within a step: the state updater (`groups` slot) first updates
//! `not_refractory` (`timestep(t - lastspike, dt) >= timestep(refractory, dt)`), then
//! integrates; the thresholder (`thresholds`) tests `threshold and not_refractory` and, for
//! the neurons that spike, sets `lastspike = t` and `not_refractory = False`; the resetter
//! (`resets`) runs the reset on them. Custom events are checked in `after_thresholds` and their
//! actions run in `after_resets`.

mod build;

pub(crate) use build::{dependency_order, lower_kernel};

use crate::clock::Clock;
use crate::error::{Result, RuntimeError};
use crate::frontend;
use crate::group::Selection;
use crate::kernel::stream_hash;
use crate::network::{EventId, GroupId, Network, ObjectEntry};
use crate::operations::{EventRunner, RangeRunner};
use crate::schedule::When;
use crate::spec::GroupSpec;
use rheobase_codegen::Iteration;
use rheobase_lang::{Equations, SourceMap};
use rheobase_units::{Dimension, Quantity};
use std::collections::HashMap;
use std::ops::Range;

/// Brian2's `refractory` argument.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Refractory {
    /// No refractoriness (`refractory=False`).
    #[default]
    None,
    /// A fixed period in seconds (`refractory=2*ms`).
    Duration(f64),
    /// A string: a duration expression (`'(1 + rand())*ms'`, `'tau_ref'`) or a boolean
    /// condition for staying refractory (`'v > -50*mV'`).
    Expression(String),
}

/// A custom event (Brian2's `events={'name': 'condition'}` with `run_on_event`).
#[derive(Clone, Debug, PartialEq)]
pub struct EventDefinition {
    pub name: String,
    pub condition: String,
    /// Statements run for the neurons where the condition holds (in `after_resets`).
    pub action: Option<String>,
}

/// Brian2's keyword arguments of `NeuronGroup`.
#[derive(Clone, Debug, Default)]
pub struct NeuronGroupOptions {
    /// `euler`, `rk4`, `exact`, ...; `None` chooses as Brian2 does (exact, euler, heun).
    pub method: Option<String>,
    pub threshold: Option<String>,
    pub reset: Option<String>,
    pub refractory: Refractory,
    pub events: Vec<EventDefinition>,
    /// External constants the model strings may use.
    pub namespace: HashMap<String, Quantity>,
    /// Table functions (TimedArrays) the code strings may call, by the name they use.
    pub functions: HashMap<String, crate::inputs::TimedArray>,
    pub dt: Option<f64>,
    pub clock: Option<Clock>,
    pub order: i32,
    /// A unique name; default `neurongroup`, `neurongroup_1`, ...
    pub name: Option<String>,
}

/// Options of `run_regularly`.
#[derive(Clone, Debug)]
pub struct RunRegularlyOptions {
    pub dt: Option<f64>,
    pub clock: Option<Clock>,
    pub when: String,
    pub order: i32,
    pub name: Option<String>,
}

impl Default for RunRegularlyOptions {
    fn default() -> Self {
        RunRegularlyOptions {
            dt: None,
            clock: None,
            when: "start".into(),
            order: 0,
            name: None,
        }
    }
}

/// A group of neurons, or a contiguous subgroup of one (`group.subgroup(10..20)`). Cloning
/// gives another handle to the same group.
#[derive(Clone, Debug)]
pub struct NeuronGroup {
    pub(crate) net: Network,
    pub(crate) id: GroupId,
    pub(crate) range: Range<usize>,
    pub(crate) name: String,
}

/// The time step a group made with these options runs at.
pub(crate) fn group_dt(net: &Network, options: &NeuronGroupOptions) -> f64 {
    options
        .dt
        .or(options.clock.as_ref().map(|c| c.dt))
        .unwrap_or_else(|| net.default_dt())
}

/// Brian2's `Subgroup`: the same handle type, restricted to a range of neurons.
pub type Subgroup = NeuronGroup;

/// A group's model as given, kept to check it again (see [`crate::namespace::Rechecks`]).
pub(crate) enum OwnedModel {
    Text(String),
    Equations(Equations, SourceMap),
}

/// Checks the model and code strings of a group made with `options` again, with the
/// group's current namespace.
pub(crate) fn model_recheck(
    model: OwnedModel,
    options: &NeuronGroupOptions,
    dt: f64,
) -> crate::namespace::Recheck {
    let mut options = options.clone();
    options.namespace.clear();
    std::sync::Arc::new(move |core, id| {
        let g = core.group(id);
        let mut options = options.clone();
        options.namespace = g.namespace.values().clone();
        let input = match &model {
            OwnedModel::Text(text) => frontend::ModelInput::Text(text),
            OwnedModel::Equations(eqs, sources) => frontend::ModelInput::Equations(eqs, sources),
        };
        frontend::neuron_group(&g.name, input, &options, dt).map(|_| ())
    })
}

impl NeuronGroup {
    /// Creates `n` neurons with the given model equations in `net`.
    pub fn new(
        net: &Network,
        n: usize,
        model: &str,
        options: NeuronGroupOptions,
    ) -> Result<NeuronGroup> {
        let object = options.name.clone().unwrap_or_else(|| "neurongroup".into());
        if n == 0 {
            return Err(RuntimeError::invalid(
                object,
                "a NeuronGroup needs at least one neuron",
            ));
        }
        let dt = group_dt(net, &options);
        let spec =
            frontend::neuron_group(&object, frontend::ModelInput::Text(model), &options, dt)?;
        let recheck = model_recheck(OwnedModel::Text(model.to_string()), &options, dt);
        let group = NeuronGroup::from_spec(net, n, spec, options)?;
        net.lock().add_recheck(group.id, recheck);
        Ok(group)
    }

    /// Creates `n` neurons from equations parsed before (Brian2's `Equations` object); their
    /// spans point into `sources`.
    pub fn with_equations(
        net: &Network,
        n: usize,
        equations: &Equations,
        sources: &SourceMap,
        options: NeuronGroupOptions,
    ) -> Result<NeuronGroup> {
        let object = options.name.clone().unwrap_or_else(|| "neurongroup".into());
        if n == 0 {
            return Err(RuntimeError::invalid(
                object,
                "a NeuronGroup needs at least one neuron",
            ));
        }
        let input = frontend::ModelInput::Equations(equations, sources);
        let dt = group_dt(net, &options);
        let spec = frontend::neuron_group(&object, input, &options, dt)?;
        let model = OwnedModel::Equations(equations.clone(), sources.clone());
        let recheck = model_recheck(model, &options, dt);
        let group = NeuronGroup::from_spec(net, n, spec, options)?;
        net.lock().add_recheck(group.id, recheck);
        Ok(group)
    }

    /// The external constants the group's code reads (Brian2's namespace entries that it
    /// uses), with their current values.
    pub fn namespace(&self) -> Vec<(String, Quantity)> {
        self.net.lock().group(self.id).namespace.used()
    }

    /// Gives external constants new values, as Brian2 resolves them anew at every run
    /// (names the group does not use are ignored). The group's code is checked again with
    /// the new values, so a value of another dimension gives the error it would have given
    /// when the group was made. Returns whether a value changed.
    pub fn set_namespace(&self, values: &HashMap<String, Quantity>) -> Result<bool> {
        self.net.lock().set_namespace(self.id, values)
    }

    /// Adds external constants the group does not know yet, for code given later
    /// (`run_regularly`, `run_on_event`) that names constants defined after the group.
    pub fn extend_namespace(&self, values: &HashMap<String, Quantity>) {
        self.net.lock().groups[self.id.0].namespace.extend(values);
    }

    /// Creates a group from an already checked description (see [`GroupSpec`]).
    pub fn from_spec(
        net: &Network,
        n: usize,
        spec: GroupSpec,
        options: NeuronGroupOptions,
    ) -> Result<NeuronGroup> {
        let float_type = net.float_type();
        NeuronGroup::from_spec_stored(net, n, spec, options, float_type)
    }

    /// As [`NeuronGroup::from_spec`], storing float variables as `float_type` whatever the
    /// network's setting (multicompartment neurons stay double precision).
    pub(crate) fn from_spec_stored(
        net: &Network,
        n: usize,
        spec: GroupSpec,
        options: NeuronGroupOptions,
        float_type: crate::variables::FloatType,
    ) -> Result<NeuronGroup> {
        let mut core = net.lock();
        // Every variable, lastspike/not_refractory, the scratch array and an event space,
        // 8 bytes each per neuron: refused before allocating if it cannot fit.
        let arrays = spec.variables.len() as f64 + 4.0;
        crate::resources::check_memory(
            core.memory_limit,
            options.name.as_deref().unwrap_or("neurongroup"),
            || format!("a NeuronGroup of {n} neurons"),
            crate::resources::product(&[n as f64, arrays, 8.0]),
        )?;
        let explicit = options.name.is_some();
        let name = core.unique_name(options.name.as_deref().unwrap_or("neurongroup"), explicit)?;
        let id = match build::build(&mut core, n, &name, spec, &options, float_type) {
            Ok(id) => id,
            Err(e) => {
                core.release_name(&name);
                return Err(e);
            }
        };
        drop(core);
        Ok(NeuronGroup {
            net: net.clone(),
            id,
            range: 0..n,
            name,
        })
    }

    /// A handle to (part of) a group made by another constructor (input groups).
    pub(crate) fn handle(net: &Network, id: GroupId, range: Range<usize>, name: &str) -> Self {
        NeuronGroup {
            net: net.clone(),
            id,
            range,
            name: name.to_string(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Makes a TimedArray callable as `name(...)` in code given to this group from now on
    /// (`set_expr`, `run_regularly`, conditions; for the model, use
    /// [`NeuronGroupOptions::functions`]).
    pub fn add_function(&self, name: &str, table: &crate::inputs::TimedArray) -> Result<()> {
        let mut core = self.net.lock();
        let f = table.register(&mut core);
        let g = &mut core.groups[self.id.0];
        if g.variables.get(name).is_some() {
            return Err(RuntimeError::invalid(
                &self.name,
                format!("'{name}' is a variable of the group and cannot name a function"),
            ));
        }
        g.variables.insert_function(name, f, table.dim());
        Ok(())
    }

    pub fn network(&self) -> &Network {
        &self.net
    }

    /// Number of neurons (of the subgroup, for a subgroup).
    pub fn len(&self) -> usize {
        self.range.len()
    }

    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }

    /// The neurons of the parent group this handle covers.
    pub fn range(&self) -> Range<usize> {
        self.range.clone()
    }

    pub fn is_subgroup(&self) -> bool {
        self.range.len() != self.net.lock().group(self.id).n
    }

    /// The contiguous subgroup `range` (relative to this group), Brian2's `G[10:20]`.
    pub fn subgroup(&self, range: Range<usize>) -> Result<Subgroup> {
        if range.start >= range.end || range.end > self.len() {
            return Err(RuntimeError::invalid(
                &self.name,
                format!(
                    "subgroup {}..{} is empty or outside the group of {} neurons",
                    range.start,
                    range.end,
                    self.len()
                ),
            ));
        }
        let start = self.range.start + range.start;
        Ok(NeuronGroup {
            net: self.net.clone(),
            id: self.id,
            range: start..self.range.start + range.end,
            name: format!("{}_subgroup", self.name),
        })
    }

    /// Names of the group's variables (internal ones, starting with `_`, left out).
    pub fn variables(&self) -> Vec<String> {
        let core = self.net.lock();
        core.group(self.id)
            .variables
            .names()
            .filter(|n| !n.starts_with('_'))
            .map(String::from)
            .collect()
    }

    pub fn dimension(&self, name: &str) -> Result<Dimension> {
        self.net.lock().dimension(self.id, name)
    }

    /// Dimension, type and flags of a variable (`None` if there is no such variable).
    pub fn variable_info(&self, name: &str) -> Option<crate::variables::VariableInfo> {
        let core = self.net.lock();
        core.group(self.id)
            .variables
            .get(name)
            .map(|v| v.info_in(&core.store))
    }

    /// The values of a variable or subexpression in SI units (one value if shared); also the
    /// builtins `i`, `t`, `dt` and `N`.
    pub fn get(&self, name: &str) -> Result<Vec<f64>> {
        let mut core = self.net.lock();
        if core.group(self.id).variables.get(name).is_none() {
            let builtin = |v: f64| Ok(vec![v]);
            let time = core.time_of(core.group(self.id).clock);
            match name {
                "i" => return Ok((0..self.len()).map(|k| k as f64).collect()),
                "N" => return builtin(self.len() as f64),
                "t" => return builtin(time.t),
                "dt" => return builtin(time.dt),
                _ => {}
            }
        }
        core.get_values(self.id, self.range.clone(), name)
    }

    /// One neuron's value (index relative to this (sub)group).
    pub fn get_at(&self, name: &str, index: usize) -> Result<f64> {
        let values = self.get(name)?;
        if values.len() == 1 {
            return Ok(values[0]);
        }
        values.get(index).copied().ok_or_else(|| {
            RuntimeError::invalid(
                &self.name,
                format!("index {index} is out of range for {} neurons", self.len()),
            )
        })
    }

    /// Whether `name` is a `(linked)` variable.
    pub fn is_linked(&self, name: &str) -> bool {
        let core = self.net.lock();
        core.group(self.id).variables.link(name).is_some()
    }

    /// Links the `(linked)` variable `name` to variable `var` of `source` (Brian2's
    /// `G.name = linked_var(source, var, index=...)`): reads of `name` then read `var`.
    pub fn link(
        &self,
        name: &str,
        source: &impl crate::synapses::AsGroup,
        var: &str,
        index: crate::linking::LinkIndex,
    ) -> Result<()> {
        let target = source.group_ref();
        if !std::sync::Arc::ptr_eq(&self.net.core, &target.net.core) {
            return Err(RuntimeError::invalid(
                &self.name,
                "cannot link to a group of another network",
            ));
        }
        if self.range != (0..self.net.lock().group(self.id).n) {
            return Err(RuntimeError::not_supported(
                &self.name,
                "linking a variable through a subgroup (link it on the whole group)",
            ));
        }
        self.net
            .lock()
            .link_variable(self.id, name, target.id, target.range, var, index)
    }

    /// Sets every neuron's value (SI units).
    pub fn set(&self, name: &str, value: f64) -> Result<()> {
        self.set_selected(name, Selection::All, &[value])
    }

    /// Sets all values from an array with one value per neuron.
    pub fn set_values(&self, name: &str, values: &[f64]) -> Result<()> {
        self.set_selected(name, Selection::All, values)
    }

    /// Sets one neuron's value.
    pub fn set_at(&self, name: &str, index: usize, value: f64) -> Result<()> {
        self.set_selected(name, Selection::Index(index), &[value])
    }

    /// Sets the neurons of a slice to one value or one value each.
    pub fn set_slice(&self, name: &str, slice: Range<usize>, values: &[f64]) -> Result<()> {
        self.set_selected(name, Selection::Slice(slice), values)
    }

    /// Sets selected neurons to one value or one value each.
    pub fn set_selected(&self, name: &str, selection: Selection, values: &[f64]) -> Result<()> {
        self.net
            .lock()
            .set_values(self.id, self.range.clone(), name, &selection, values)
    }

    /// Sets a variable from a string expression evaluated per neuron; it may use `i`, `N`,
    /// other variables, subexpressions, the namespace and `rand()`.
    pub fn set_expr(&self, name: &str, code: &str) -> Result<()> {
        let mut core = self.net.lock();
        let expr = frontend::group_expression(&mut core, self.id, "value", code, Some(name))?;
        core.assign_expr(self.id, self.range.clone(), name, &expr, None)
    }

    /// Sets a variable from an expression where a condition holds (Brian2's
    /// `G.v['i > 5'] = '...'`).
    pub fn set_expr_where(&self, name: &str, condition: &str, code: &str) -> Result<()> {
        let mut core = self.net.lock();
        let cond = frontend::group_condition(&mut core, self.id, "condition", condition)?;
        let expr = frontend::group_expression(&mut core, self.id, "value", code, Some(name))?;
        core.assign_expr(self.id, self.range.clone(), name, &expr, Some(&cond))
    }

    /// The values of a variable for the neurons where a condition holds (Brian2's
    /// `G.v['v > 0*mV']`), in index order.
    pub fn get_where(&self, name: &str, condition: &str) -> Result<Vec<f64>> {
        let values = self.get(name)?;
        let mask = {
            let mut core = self.net.lock();
            let cond = frontend::group_condition(&mut core, self.id, "condition", condition)?;
            core.eval_expr(self.id, self.range.clone(), &cond, None)?
        };
        if values.len() != mask.len() {
            return Err(RuntimeError::invalid(
                &self.name,
                format!("'{name}' is shared: index it as a whole"),
            ));
        }
        Ok(values
            .into_iter()
            .zip(mask)
            .filter(|(_, m)| *m != 0.0)
            .map(|(v, _)| v)
            .collect())
    }

    /// Evaluates an expression for every neuron (SI units).
    pub fn eval(&self, code: &str) -> Result<Vec<f64>> {
        let mut core = self.net.lock();
        let expr = frontend::group_expression(&mut core, self.id, "expression", code, None)?;
        core.eval_expr(self.id, self.range.clone(), &expr, None)
    }

    /// The indices (relative to this (sub)group) that spiked in the last step.
    pub fn spikes(&self) -> Vec<usize> {
        self.events("spike")
    }

    /// The indices (relative to this (sub)group) for which an event happened in the last step.
    pub fn events(&self, event: &str) -> Vec<usize> {
        let core = self.net.lock();
        let Some(e) = core.group(self.id).event(event) else {
            return Vec::new();
        };
        core.events[e.0]
            .iter()
            .map(|&k| k as usize)
            .filter(|k| self.range.contains(k))
            .map(|k| k - self.range.start)
            .collect()
    }

    /// Runs code on every neuron of this (sub)group at regular intervals (Brian2's
    /// `run_regularly`, default slot `start`). Writes to `(unless refractory)` variables skip
    /// refractory neurons, as in Brian2. Returns the operation's name.
    pub fn run_regularly(&self, code: &str, options: RunRegularlyOptions) -> Result<String> {
        let mut core = self.net.lock();
        let statements = frontend::group_statements(&mut core, self.id, "run_regularly", code)?;

        let base = format!("{}_run_regularly", core.group(self.id).name);
        let name = core.unique_name(
            options.name.as_deref().unwrap_or(&base),
            options.name.is_some(),
        )?;
        let clock = core.clock_id(options.clock.as_ref(), options.dt)?;
        let kernel = lower_kernel(
            &core,
            self.id,
            self.range.clone(),
            "run_regularly",
            Iteration::Range,
            &statements,
            true,
        )?;
        let runnable = kernel.compile(core.backend.as_ref(), &core.store)?;
        core.add_object(ObjectEntry {
            name: name.clone(),
            when: When::new(options.when, options.order),
            clock,
            active: true,
            op: Box::new(RangeRunner {
                kernel: runnable,
                range: self.range.clone(),
                stream: stream_hash(&[&name, "run_regularly"]),
            }),
        })?;
        core.add_recheck(self.id, frontend::statements_recheck("run_regularly", code));
        Ok(name)
    }

    /// Runs code on the neurons where `event` happened in this step (Brian2's
    /// `run_on_event`, default slot `after_resets`, order: the group's). Returns the
    /// operation's name, `<group>_<event>_resetter`.
    pub fn run_on_event(
        &self,
        event: &str,
        code: &str,
        when: &str,
        order: Option<i32>,
    ) -> Result<String> {
        if self.is_subgroup() {
            return Err(RuntimeError::not_supported(
                &self.name,
                "run_on_event on a subgroup; call it on the whole group",
            ));
        }
        let event_id = self.event_id(event)?;
        let mut core = self.net.lock();
        let what = format!("event '{event}' action");
        let statements = frontend::group_statements(&mut core, self.id, &what, code)?;

        let (base, default_order, clock) = {
            let g = core.group(self.id);
            (format!("{}_{event}_resetter", g.name), g.order, g.clock)
        };
        let name = core.unique_name(&base, true)?;
        let kernel = lower_kernel(
            &core,
            self.id,
            self.range.clone(),
            "reset",
            Iteration::List,
            &statements,
            false,
        )?;
        let runnable = kernel.compile(core.backend.as_ref(), &core.store)?;
        core.add_object(ObjectEntry {
            name: name.clone(),
            when: When::new(when, order.unwrap_or(default_order)),
            clock,
            active: true,
            op: Box::new(EventRunner {
                kernel: runnable,
                event: event_id,
                stream: stream_hash(&[&name, "reset"]),
            }),
        })?;
        core.add_recheck(self.id, frontend::statements_recheck(&what, code));
        Ok(name)
    }

    /// Checks an event's condition in another slot (Brian2's `set_event_schedule`; default
    /// order: the group's).
    pub fn set_event_schedule(&self, event: &str, when: &str, order: Option<i32>) -> Result<()> {
        self.event_id(event)?;
        let (group, default_order) = {
            let core = self.net.lock();
            let g = core.group(self.id);
            (g.name.clone(), g.order)
        };
        self.net.set_when(
            &format!("{group}_{event}_thresholder"),
            When::new(when, order.unwrap_or(default_order)),
        )
    }

    pub(crate) fn event_id(&self, event: &str) -> Result<EventId> {
        self.net.lock().group(self.id).event(event).ok_or_else(|| {
            let mut msg = format!("the group has no event '{event}'");
            if event == "spike" {
                msg.push_str("; did you forget to define a threshold?");
            }
            RuntimeError::invalid(&self.name, msg)
        })
    }
}

#[cfg(test)]
mod tests;
