//! `Synapses`: Brian2's synapses between two (sub)groups, their variables, pathways, state
//! updater and summed variables, built into the network.

use super::links::{foreign_names, SynapseLinks};
use super::model::{pathway_code, synapses_model, Context, SynapsesSpec};
use super::pathway::{PathwayOp, Role, SummedOp, SynapseRangeRunner};
use crate::clock::Clock;
use crate::error::{Result, RuntimeError};
use crate::group::GroupData;
use crate::kernel::{stream_hash, KernelBuilder};
use crate::lower::{Assignment, Lowerer};
use crate::network::{GroupId, Network, NetworkCore, ObjectEntry};
use crate::neurongroup::NeuronGroup;
use crate::schedule::When;
use crate::state::{Compact, StoreId};
use crate::variables::{elem_type, stored_type, GroupResolver, Variable, Variables};
use rheobase_codegen::{ElemType, Expr as IrExpr, Index, Iteration, Stmt};
use rheobase_lang::{Diagnostic, EquationKind, SourceMap, VarType};
use rheobase_units::{Dimension, Quantity};
use std::collections::HashMap;
use std::ops::Range;

const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);

/// A group whose neurons synapses can connect: its network, its group and the range of its
/// elements (a subgroup's). Groups that emit events (NeuronGroup, PoissonGroup,
/// SpikeGeneratorGroup) implement it.
pub trait AsGroup {
    fn group_ref(&self) -> GroupRef;
}

/// See [`AsGroup`].
#[derive(Clone, Debug)]
pub struct GroupRef {
    pub net: Network,
    pub id: GroupId,
    pub range: Range<usize>,
}

impl AsGroup for NeuronGroup {
    fn group_ref(&self) -> GroupRef {
        GroupRef {
            net: self.net.clone(),
            id: self.id,
            range: self.range.clone(),
        }
    }
}

impl AsGroup for crate::inputs::PoissonGroup {
    fn group_ref(&self) -> GroupRef {
        (**self).group_ref()
    }
}

impl AsGroup for crate::inputs::SpikeGeneratorGroup {
    fn group_ref(&self) -> GroupRef {
        (**self).group_ref()
    }
}

/// Synapses can be the target of other synapses (Brian2's neuromodulated plasticity: code
/// writes `x_post` of the synapses). Their current synapses count: connect them first.
impl AsGroup for Synapses {
    fn group_ref(&self) -> GroupRef {
        GroupRef {
            net: self.net.clone(),
            id: self.id,
            range: 0..self.len(),
        }
    }
}

/// The code of `on_pre` or `on_post`: one pathway (`pre`/`post`), or named pathways.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum PathwayCode {
    #[default]
    None,
    Code(String),
    /// Brian2's dict form: pathway name to code.
    Named(Vec<(String, String)>),
}

impl From<&str> for PathwayCode {
    fn from(code: &str) -> Self {
        PathwayCode::Code(code.to_string())
    }
}

impl From<String> for PathwayCode {
    fn from(code: String) -> Self {
        PathwayCode::Code(code)
    }
}

/// Brian2's `delay` argument.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Delay {
    /// Per-synapse delays (the `delay` variable, zero until set).
    #[default]
    PerSynapse,
    /// One delay in seconds for the `pre` pathway.
    Scalar(f64),
    /// A delay in seconds per named pathway; the others have per-synapse delays.
    PerPathway(Vec<(String, f64)>),
}

/// Brian2's `on_event` argument.
#[derive(Clone, Debug, PartialEq)]
pub enum OnEvent {
    /// Every pathway is triggered by this event (default `spike`).
    All(String),
    /// The event per pathway name; unnamed pathways use `spike`.
    PerPathway(Vec<(String, String)>),
}

impl Default for OnEvent {
    fn default() -> Self {
        OnEvent::All("spike".into())
    }
}

/// Brian2's keyword arguments of `Synapses`.
#[derive(Clone, Debug, Default)]
pub struct SynapsesOptions {
    pub on_pre: PathwayCode,
    pub on_post: PathwayCode,
    pub delay: Delay,
    pub on_event: OnEvent,
    /// Name of an integer variable numbering synapses of the same pair (0, 1, ...).
    pub multisynaptic_index: Option<String>,
    pub method: Option<String>,
    pub namespace: HashMap<String, Quantity>,
    /// Table functions (TimedArrays) the model and pathway code may call.
    pub functions: HashMap<String, crate::inputs::TimedArray>,
    pub dt: Option<f64>,
    pub clock: Option<Clock>,
    /// A unique name; default `synapses`, `synapses_1`, ...
    pub name: Option<String>,
    pub order: i32,
}

/// Synapses between a source and a target (sub)group. Cloning gives another handle.
#[derive(Clone, Debug)]
pub struct Synapses {
    pub(crate) net: Network,
    pub(crate) id: GroupId,
    name: String,
}

struct PathwayDef {
    name: String,
    object: String,
    role: Role,
    code: String,
    event: String,
    /// `Some(seconds)`: one delay for the pathway.
    delay: Option<f64>,
    delay_var: String,
}

fn pathway_defs(name: &str, options: &SynapsesOptions) -> Result<Vec<PathwayDef>> {
    let mut defs = Vec::new();
    for (role, code) in [(Role::Pre, &options.on_pre), (Role::Post, &options.on_post)] {
        let default = match role {
            Role::Pre => "pre",
            Role::Post => "post",
        };
        let entries: Vec<(String, String)> = match code {
            PathwayCode::None => Vec::new(),
            PathwayCode::Code(c) => vec![(default.to_string(), c.clone())],
            PathwayCode::Named(v) => v.clone(),
        };
        for (pname, code) in entries {
            if defs.iter().any(|d: &PathwayDef| d.name == pname) {
                return Err(RuntimeError::invalid(
                    name,
                    format!("the pathway '{pname}' is defined twice"),
                ));
            }
            let event = match &options.on_event {
                OnEvent::All(e) => e.clone(),
                OnEvent::PerPathway(v) => v
                    .iter()
                    .find(|(p, _)| *p == pname)
                    .map(|(_, e)| e.clone())
                    .unwrap_or_else(|| "spike".into()),
            };
            let delay = match &options.delay {
                Delay::PerSynapse => None,
                Delay::Scalar(d) => (pname == "pre").then_some(*d),
                Delay::PerPathway(v) => v.iter().find(|(p, _)| *p == pname).map(|(_, d)| *d),
            };
            let delay_var = if pname == "pre" {
                "delay".to_string()
            } else {
                format!("{pname}.delay")
            };
            defs.push(PathwayDef {
                object: format!("{name}_{pname}"),
                name: pname,
                role,
                code,
                event,
                delay,
                delay_var,
            });
        }
    }
    let known = |p: &str| defs.iter().any(|d| d.name == p);
    match &options.delay {
        Delay::Scalar(_) if !known("pre") => {
            return Err(RuntimeError::invalid(
                name,
                "a delay is given but there is no 'pre' pathway",
            ))
        }
        Delay::PerPathway(v) => {
            if let Some((p, _)) = v.iter().find(|(p, _)| !known(p)) {
                return Err(RuntimeError::invalid(
                    name,
                    format!("cannot set the delay for pathway '{p}': unknown pathway"),
                ));
            }
        }
        _ => {}
    }
    for d in &defs {
        if let Some(x) = d.delay {
            if !(x >= 0.0 && x.is_finite()) {
                return Err(RuntimeError::invalid(
                    name,
                    format!(
                        "the delay of pathway '{}' must be a non-negative time, got {x} s",
                        d.name
                    ),
                ));
            }
        }
    }
    Ok(defs)
}

impl Synapses {
    /// Creates synapses from `source` to `target` (groups or subgroups) with the given model
    /// (parameters, `(clock-driven)` and `(event-driven)` equations, subexpressions and
    /// `(summed)` variables). No synapse exists until [`Synapses::connect`].
    pub fn new(
        source: &impl AsGroup,
        target: &impl AsGroup,
        model: &str,
        options: SynapsesOptions,
    ) -> Result<Synapses> {
        let (source, target) = (source.group_ref(), target.group_ref());
        if !std::sync::Arc::ptr_eq(&source.net.core, &target.net.core) {
            return Err(RuntimeError::invalid(
                options.name.as_deref().unwrap_or("synapses"),
                "the source and the target belong to different networks",
            ));
        }
        let net = source.net.clone();
        let mut core = net.lock();
        let explicit = options.name.is_some();
        let name = core.unique_name(options.name.as_deref().unwrap_or("synapses"), explicit)?;
        let n_groups = core.groups.len();
        let n_objects = core.objects.len();
        match build(&mut core, &name, &source, &target, model, &options) {
            Ok(id) => {
                let recheck = model_recheck(&source, &target, model, &options);
                core.add_recheck(id, recheck);
                drop(core);
                Ok(Synapses { net, id, name })
            }
            Err(e) => {
                let added: Vec<String> = core.objects[n_objects..]
                    .iter()
                    .map(|o| o.name.clone())
                    .collect();
                for object in added {
                    core.release_name(&object);
                }
                core.objects.truncate(n_objects);
                core.synapses.remove(&GroupId(n_groups));
                core.groups.truncate(n_groups);
                core.release_name(&name);
                Err(e)
            }
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn network(&self) -> &Network {
        &self.net
    }

    /// The external constants the model and pathway code read, with their current values
    /// (see [`crate::NeuronGroup::namespace`]).
    pub fn namespace(&self) -> Vec<(String, Quantity)> {
        self.net.lock().group(self.id).namespace.used()
    }

    /// Gives external constants new values (see [`crate::NeuronGroup::set_namespace`]).
    pub fn set_namespace(&self, values: &HashMap<String, Quantity>) -> Result<bool> {
        self.net.lock().set_namespace(self.id, values)
    }

    /// The number of synapses.
    pub fn len(&self) -> usize {
        self.net.lock().group(self.id).n
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A handle over the current synapses for code shared with neuron groups (monitors).
    pub(crate) fn as_group_handle(&self) -> NeuronGroup {
        NeuronGroup {
            net: self.net.clone(),
            id: self.id,
            range: 0..self.len(),
            name: self.name.clone(),
        }
    }

    /// Names of the synapses' variables (internal ones left out).
    pub fn variables(&self) -> Vec<String> {
        let core = self.net.lock();
        core.group(self.id)
            .variables
            .names()
            .filter(|n| !n.starts_with('_'))
            .map(String::from)
            .collect()
    }

    pub fn variable_info(&self, name: &str) -> Option<crate::variables::VariableInfo> {
        let core = self.net.lock();
        core.group(self.id)
            .variables
            .get(name)
            .map(|v| v.info_in(&core.store))
    }

    /// The names of the pathways (`pre`, `post`, named ones).
    pub fn pathways(&self) -> Vec<String> {
        let core = self.net.lock();
        let links = &core.synapses[&self.id];
        links
            .pathways
            .iter()
            .map(|&o| core.objects[o.0].name[self.name.len() + 1..].to_string())
            .collect()
    }
}

#[allow(clippy::too_many_arguments)]
fn add_array(
    core: &mut NetworkCore,
    variables: &mut Variables,
    per_synapse: &mut Vec<StoreId>,
    name: &str,
    object: &str,
    dim: Dimension,
    vtype: VarType,
    shared: bool,
    read_only: bool,
) -> StoreId {
    let id = core.store.add(
        format!("{object}.{name}"),
        elem_type(vtype),
        usize::from(shared),
    );
    if !shared {
        per_synapse.push(id);
        if !read_only {
            // Model variables, delays and `lastupdate` take memory once they differ.
            core.store.set_compact(id, Compact::zeros(elem_type(vtype)));
        }
    }
    variables.insert(
        name,
        Variable::Array {
            id,
            dim,
            vtype,
            shared,
            read_only,
            constant: false,
            write_guard: None,
        },
    );
    id
}

/// Checks the model and the pathway code of synapses made with `options` again, with the
/// synapses' current namespace. Keeps group ids, not handles (which would keep the network
/// alive from inside itself).
fn model_recheck(
    source: &GroupRef,
    target: &GroupRef,
    model: &str,
    options: &SynapsesOptions,
) -> crate::namespace::Recheck {
    let (source_id, n_pre) = (source.id, source.range.len());
    let (target_id, n_post) = (target.id, target.range.len());
    let model = model.to_string();
    let mut options = options.clone();
    options.namespace.clear();
    std::sync::Arc::new(move |core: &NetworkCore, id: GroupId| {
        let g = core.group(id);
        let defs = pathway_defs(&g.name, &options)?;
        let cx = Context {
            object: &g.name,
            source: source_id,
            n_pre,
            target: target_id,
            n_post,
            namespace: g.namespace.values(),
            functions: &options.functions,
            delays: defs
                .iter()
                .map(|d| (d.delay_var.clone(), d.delay.is_some()))
                .collect(),
            method: options.method.as_deref(),
            multisynaptic_index: options.multisynaptic_index.as_deref(),
        };
        let mut spec = synapses_model(core, &cx, &model)?;
        for d in &defs {
            let what = format!("on_{}", d.name);
            pathway_code(&g.name, &what, &d.code, &spec.scope, &mut spec.sources)?;
        }
        Ok(())
    })
}

fn build(
    core: &mut NetworkCore,
    name: &str,
    source: &super::object::GroupRef,
    target: &GroupRef,
    model: &str,
    options: &SynapsesOptions,
) -> Result<GroupId> {
    let defs = pathway_defs(name, options)?;
    let clock = core.clock_id(options.clock.as_ref(), options.dt)?;
    let cx = Context {
        object: name,
        source: source.id,
        n_pre: source.range.len(),
        target: target.id,
        n_post: target.range.len(),
        namespace: &options.namespace,
        functions: &options.functions,
        delays: defs
            .iter()
            .map(|d| (d.delay_var.clone(), d.delay.is_some()))
            .collect(),
        method: options.method.as_deref(),
        multisynaptic_index: options.multisynaptic_index.as_deref(),
    };
    let spec = synapses_model(core, &cx, model)?;
    let SynapsesSpec {
        variables: var_specs,
        state_update,
        event_update,
        summed,
        scope,
        mut sources,
    } = spec;

    // Arrays: indices, counts, model variables, lastupdate, delays.
    let mut variables = Variables::default();
    for (fname, table) in &options.functions {
        let f = table.register(core);
        variables.insert_function(fname.clone(), f, table.dim());
    }
    let mut per_synapse = Vec::new();
    let int = VarType::Integer;
    let dimless = Dimension::DIMENSIONLESS;
    let pre_abs = add_array(
        core,
        &mut variables,
        &mut per_synapse,
        "_synaptic_pre",
        name,
        dimless,
        int,
        false,
        true,
    );
    let post_abs = add_array(
        core,
        &mut variables,
        &mut per_synapse,
        "_synaptic_post",
        name,
        dimless,
        int,
        false,
        true,
    );
    // Synapses made in source order need no stored source index (see `Compact::Runs`).
    core.store.set_compact(
        pre_abs,
        Compact::empty_runs(source.range.start as i32, source.range.len()),
    );
    let alias = |variables: &mut Variables, alias: &str, id: StoreId| {
        variables.insert(
            alias,
            Variable::Array {
                id,
                dim: dimless,
                vtype: int,
                shared: false,
                read_only: true,
                constant: false,
                write_guard: None,
            },
        );
    };
    let i = if source.range.start == 0 {
        alias(&mut variables, "i", pre_abs);
        pre_abs
    } else {
        let i = add_array(
            core,
            &mut variables,
            &mut per_synapse,
            "i",
            name,
            dimless,
            int,
            false,
            true,
        );
        core.store
            .set_compact(i, Compact::empty_runs(0, source.range.len()));
        i
    };
    let j = if target.range.start == 0 {
        alias(&mut variables, "j", post_abs);
        post_abs
    } else {
        add_array(
            core,
            &mut variables,
            &mut per_synapse,
            "j",
            name,
            dimless,
            int,
            false,
            true,
        )
    };
    let n_var = add_array(
        core,
        &mut variables,
        &mut per_synapse,
        "N",
        name,
        dimless,
        int,
        true,
        true,
    );
    let n_incoming = core.store.add(
        format!("{name}._N_incoming"),
        ElemType::I32,
        core.group(target.id).n,
    );
    let n_outgoing = core.store.add(
        format!("{name}._N_outgoing"),
        ElemType::I32,
        core.group(source.id).n,
    );
    let mut constant_over_dt = Vec::new();
    for v in &var_specs {
        match v.kind {
            EquationKind::Parameter if v.linked => {
                // See `crate::variables::LinkSlot`: the placeholder has no values of its own.
                let placeholder = core.store.add(
                    format!("{name}.{}", v.name),
                    stored_type(v.vtype, core.float_type),
                    0,
                );
                let index = core
                    .store
                    .add(format!("{name}._{}_index", v.name), ElemType::I32, 0);
                per_synapse.push(index);
                variables.insert_link(
                    v.name.clone(),
                    crate::variables::LinkSlot {
                        placeholder,
                        index,
                        target: None,
                    },
                );
                variables.insert(
                    v.name.clone(),
                    Variable::Array {
                        id: placeholder,
                        dim: v.dim,
                        vtype: v.vtype,
                        shared: false,
                        read_only: true,
                        constant: true,
                        write_guard: None,
                    },
                );
            }
            EquationKind::Differential | EquationKind::Parameter => {
                let id = add_array(
                    core,
                    &mut variables,
                    &mut per_synapse,
                    &v.name,
                    name,
                    v.dim,
                    v.vtype,
                    v.shared,
                    false,
                );
                let ty = stored_type(v.vtype, core.float_type);
                if ty != elem_type(v.vtype) {
                    core.store.set_elem_type(id, ty);
                }
            }
            EquationKind::Subexpression => {
                let Some(expr) = v.expr.clone() else {
                    return Err(RuntimeError::Internal(format!(
                        "subexpression '{}' has no definition",
                        v.name
                    )));
                };
                // `(constant over dt)`: evaluated once per step into a per-synapse array.
                let stored = v.constant_over_dt.then(|| {
                    let len = usize::from(v.shared);
                    let id = core.store.add(
                        format!("{name}.{}", v.name),
                        stored_type(v.vtype, core.float_type),
                        len,
                    );
                    if !v.shared {
                        per_synapse.push(id);
                    }
                    constant_over_dt.push(Assignment::set(v.name.clone(), expr.clone(), false));
                    id
                });
                variables.insert(
                    v.name.clone(),
                    Variable::Subexpression {
                        expr,
                        dim: v.dim,
                        vtype: v.vtype,
                        shared: v.shared,
                        stored,
                    },
                );
            }
        }
    }
    if !event_update.is_empty() {
        add_array(
            core,
            &mut variables,
            &mut per_synapse,
            "lastupdate",
            name,
            SECOND,
            VarType::Float,
            false,
            false,
        );
    }
    let mut delay_arrays = Vec::new();
    for d in &defs {
        let id = add_array(
            core,
            &mut variables,
            &mut per_synapse,
            &d.delay_var,
            name,
            SECOND,
            VarType::Float,
            d.delay.is_some(),
            false,
        );
        if let Some(x) = d.delay {
            core.store.get_mut(id).set_f64(0, x);
        }
        delay_arrays.push(id);
    }
    let multisynaptic = options.multisynaptic_index.as_ref().map(|m| {
        add_array(
            core,
            &mut variables,
            &mut per_synapse,
            m,
            name,
            dimless,
            int,
            false,
            true,
        )
    });

    let gid = GroupId(core.groups.len());
    core.groups.push(GroupData {
        name: name.to_string(),
        n: 0,
        clock,
        order: options.order,
        variables,
        namespace: options.namespace.clone().into(),
        rechecks: Default::default(),
        sources: sources.clone(),
        events: Vec::new(),
        scratch: None,
        refractory: false,
    });
    let links = SynapseLinks {
        source: source.id,
        source_range: source.range.clone(),
        target: target.id,
        target_range: target.range.clone(),
        pre_abs,
        post_abs,
        i,
        j,
        n_var,
        n_incoming,
        n_outgoing,
        per_synapse,
        pathways: Vec::new(),
        multisynaptic,
        connect_calls: 0,
        summed: Vec::new(),
    };
    core.synapses.insert(gid, links);

    // Pathways.
    let mut pathways = Vec::new();
    for (d, &delay) in defs.iter().zip(&delay_arrays) {
        let mut code = event_update.clone();
        code.extend(pathway_code(
            name,
            &format!("on_{}", d.name),
            &d.code,
            &scope,
            &mut sources,
        )?);
        if !event_update.is_empty() {
            code.push(Assignment::set(
                "lastupdate",
                rheobase_lang::ast::Expr::name("t", Default::default()),
                false,
            ));
        }
        let kernel_name = match d.role {
            Role::Pre => "synapses_pre",
            Role::Post => "synapses_post",
        };
        let kernel = if code.is_empty() {
            None
        } else {
            let k = lower_synaptic(core, gid, kernel_name, Iteration::List, &code, &sources)?;
            Some(k.compile(core.backend.as_ref(), &core.store)?)
        };
        let (trigger, other) = match d.role {
            Role::Pre => (source, target),
            Role::Post => (target, source),
        };
        let event = core.group(trigger.id).event(&d.event).ok_or_else(|| {
            RuntimeError::invalid(
                name,
                format!(
                    "'{}' has no event '{}' to trigger the pathway '{}' (give it a threshold or define the event)",
                    core.group(trigger.id).name,
                    d.event,
                    d.name
                ),
            )
        })?;
        let op = PathwayOp::new(
            d.object.clone(),
            d.role,
            event,
            trigger.range.clone(),
            other.range.len(),
            delay,
            d.delay.is_some(),
            kernel,
            stream_hash(&[&d.object, kernel_name]),
        );
        let trigger_clock = core.group(trigger.id).clock;
        let object = core.unique_name(&d.object, true)?;
        let id = core.add_object(ObjectEntry {
            name: object,
            when: When::new(
                "synapses",
                match d.role {
                    Role::Pre => -1,
                    Role::Post => 1,
                },
            ),
            clock: trigger_clock,
            active: true,
            op: Box::new(op),
        })?;
        pathways.push(id);
    }
    core.synapses.get_mut(&gid).expect("links").pathways = pathways;

    if !constant_over_dt.is_empty() {
        add_subexpression_update(
            core,
            gid,
            name,
            constant_over_dt,
            clock,
            options.order,
            &sources,
        )?;
    }
    let linear = crate::propagator::split(state_update);
    let state_update = linear.statements.clone();
    if !linear.is_empty() {
        let n_now = core.group(gid).n;
        let registered = crate::propagator::register(core, gid, n_now, &linear)?;
        let arrays: Vec<StoreId> = registered.arrays().collect();
        core.synapses
            .get_mut(&gid)
            .expect("links")
            .per_synapse
            .extend(arrays);
        let kernel = lower_synaptic(
            core,
            gid,
            "linear_coefficients",
            Iteration::Range,
            &registered.coefficient_code,
            &sources,
        )?
        .compile(core.backend.as_ref(), &core.store)?;
        let op = crate::propagator::operation(core, gid, registered, kernel);
        let object = core.unique_name(&format!("{name}_linear_propagator"), true)?;
        core.add_object(ObjectEntry {
            name: object,
            when: When::new("before_start", options.order),
            clock,
            active: true,
            op: Box::new(op),
        })?;
    }
    if !state_update.is_empty() {
        let kernel = lower_synaptic(
            core,
            gid,
            "state_update",
            Iteration::Range,
            &state_update,
            &sources,
        )?
        .compile(core.backend.as_ref(), &core.store)?;
        let object = core.unique_name(&format!("{name}_stateupdater"), true)?;
        core.add_object(ObjectEntry {
            name: object.clone(),
            when: When::new("groups", options.order),
            clock,
            active: true,
            op: Box::new(SynapseRangeRunner {
                kernel,
                group: gid,
                stream: stream_hash(&[&object, "state_update"]),
            }),
        })?;
    }

    for s in &summed {
        add_summed(core, gid, name, s, clock, &sources)?;
    }
    core.groups[gid.0].sources = sources;
    Ok(gid)
}

/// Lowers code over synapses (a range of all of them, or a list of those receiving events).
fn lower_synaptic(
    core: &NetworkCore,
    gid: GroupId,
    kernel_name: &str,
    iteration: Iteration,
    code: &[Assignment],
    sources: &SourceMap,
) -> Result<crate::kernel::BoundKernel> {
    let g = core.group(gid);
    let links = &core.synapses[&gid];
    let mut resolver = GroupResolver::new(&g.variables, &g.namespace, 0, 0);
    resolver.extra = foreign_names(core, links, &g.variables, links.pre_abs, links.post_abs);
    let mut b = KernelBuilder::new(kernel_name, iteration);
    {
        let mut l = Lowerer::new(&mut b, &resolver);
        l.statements(code)
            .map_err(|d| RuntimeError::model(&g.name, d, sources))?;
    }
    Ok(b.finish())
}

/// Brian2's `subexpression_update` for `(constant over dt)` subexpressions of synapses: at
/// `before_start` each step, in dependency order, with the stored arrays as targets.
fn add_subexpression_update(
    core: &mut NetworkCore,
    gid: GroupId,
    name: &str,
    updates: Vec<Assignment>,
    clock: crate::clock::ClockId,
    order: i32,
    sources: &SourceMap,
) -> Result<()> {
    let g = core.group(gid);
    let links = &core.synapses[&gid];
    let mut resolver = GroupResolver::new(&g.variables, &g.namespace, 0, 0);
    resolver.extra = foreign_names(core, links, &g.variables, links.pre_abs, links.post_abs);
    resolver.subexpressions = crate::variables::SubexpressionMode::Inline;
    for a in &updates {
        if let Some(Variable::Subexpression {
            stored: Some(id),
            vtype,
            shared,
            ..
        }) = g.variables.get(&a.target)
        {
            resolver.extra.insert(
                a.target.clone(),
                crate::lower::Resolved::Array(crate::lower::ArrayVar {
                    id: *id,
                    name: a.target.clone(),
                    ty: elem_type(*vtype),
                    shared: *shared,
                    writable: true,
                    write_guard: None,
                }),
            );
        }
    }
    let ordered = crate::neurongroup::dependency_order(&g.variables, updates);
    let mut b = KernelBuilder::new("subexpression_update", Iteration::Range);
    {
        let mut l = Lowerer::new(&mut b, &resolver);
        l.statements(&ordered)
            .map_err(|d| RuntimeError::model(&g.name, d, sources))?;
    }
    let kernel = b.finish().compile(core.backend.as_ref(), &core.store)?;
    let object = core.unique_name(&format!("{name}_subexpression_update"), true)?;
    core.add_object(ObjectEntry {
        name: object.clone(),
        when: When::new("before_start", order),
        clock,
        active: true,
        op: Box::new(SynapseRangeRunner {
            kernel,
            group: gid,
            stream: stream_hash(&[&object, "subexpression_update"]),
        }),
    })?;
    Ok(())
}

fn add_summed(
    core: &mut NetworkCore,
    gid: GroupId,
    name: &str,
    s: &super::model::SummedSpec,
    clock: crate::clock::ClockId,
    sources: &SourceMap,
) -> Result<()> {
    let links = core.synapses[&gid].clone();
    let (tgid, range, via) = if s.post {
        (links.target, links.target_range.clone(), links.post_abs)
    } else {
        (links.source, links.source_range.clone(), links.pre_abs)
    };
    let tg = core.group(tgid);
    let fail = |msg: String, label: &str| {
        RuntimeError::model(
            name,
            Diagnostic::error("model::invalid_summed_variable", msg).with_primary(s.span, label),
            sources,
        )
    };
    let (arr, vtype) = match tg.variables.get(&s.target) {
        Some(Variable::Array {
            id,
            shared: false,
            read_only: false,
            dim,
            vtype,
            ..
        }) if !core.differential.contains(&(tgid, s.target.clone())) => {
            if *dim != s.dim {
                return Err(fail(
                    format!(
                        "the summed variable '{}' has dimension {}, but its target '{}' of '{}' has dimension {}",
                        s.name,
                        s.dim.base_string(),
                        s.target,
                        tg.name,
                        dim.base_string()
                    ),
                    "dimensions differ",
                ));
            }
            (*id, *vtype)
        }
        Some(_) => {
            return Err(fail(
                format!(
                    "the target '{}' of the summed variable '{}' must be a parameter of '{}' (not a state variable, subexpression, shared or read-only variable)",
                    s.target, s.name, tg.name
                ),
                "target is not a parameter",
            ))
        }
        None => {
            return Err(fail(
                format!("'{}' has no variable '{}' to sum into", tg.name, s.target),
                "unknown target",
            ))
        }
    };
    for (other, l) in &core.synapses {
        if *other == gid {
            continue;
        }
        if let Some((_, _, r)) = l.summed.iter().find(|(g, v, r)| {
            *g == tgid && *v == s.target && r.start < range.end && range.start < r.end
        }) {
            let _ = r;
            return Err(fail(
                format!(
                    "'{}' of '{}' is already the target of a summed variable of '{}'; a variable can be summed into by one Synapses object only",
                    s.target,
                    tg.name,
                    core.group(*other).name
                ),
                "summed into twice",
            ));
        }
    }
    let target_order = tg.order;
    let tname = tg.name.clone();
    let kernel = {
        let g = core.group(gid);
        let mut resolver = GroupResolver::new(&g.variables, &g.namespace, 0, 0);
        resolver.extra = foreign_names(core, &links, &g.variables, links.pre_abs, links.post_abs);
        let mut b = KernelBuilder::new("summed_variable", Iteration::Range);
        {
            let mut l = Lowerer::new(&mut b, &resolver);
            let value = l
                .vector_expr(&s.expr)
                .map_err(|d| RuntimeError::model(name, d, sources))?;
            let target = l.builder().array(arr, &s.target, elem_type(vtype), true);
            let idx = l
                .builder()
                .array(via, "_synaptic_index", ElemType::I32, false);
            let index = Index::Gather(idx);
            l.builder().body.push(Stmt::Store {
                array: target,
                index: index.clone(),
                value: IrExpr::bin(
                    rheobase_codegen::BinaryOp::Add,
                    IrExpr::Load(target, index),
                    value,
                ),
            });
        }
        b.finish().compile(core.backend.as_ref(), &core.store)?
    };
    let object = core.unique_name(
        &format!("{name}_summed_variable_{}_{tname}", s.target),
        true,
    )?;
    core.add_object(ObjectEntry {
        name: object.clone(),
        when: When::new("groups", target_order - 1),
        clock,
        active: true,
        op: Box::new(SummedOp {
            kernel,
            group: gid,
            target: arr,
            zero: range.clone(),
            stream: stream_hash(&[&object, "summed_variable"]),
        }),
    })?;
    core.synapses
        .get_mut(&gid)
        .expect("links")
        .summed
        .push((tgid, s.target.clone(), range));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neurongroup::NeuronGroupOptions;
    use crate::state::Compact;
    use crate::synapses::connecting::Connect;

    /// `n` neurons of which neuron 0 spikes in the first step, and synapses among them that
    /// add 1 to the target's `x`.
    fn first_neuron_spikes_once(n: usize) -> (Network, NeuronGroup, Synapses) {
        let net = Network::new();
        let g = NeuronGroup::new(
            &net,
            n,
            "x : 1",
            NeuronGroupOptions {
                threshold: Some("i == 0 and t < 0.5*dt".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let s = Synapses::new(
            &g,
            &g,
            "",
            SynapsesOptions {
                on_pre: "x_post += 1".into(),
                ..Default::default()
            },
        )
        .unwrap();
        (net, g, s)
    }

    fn pathway_index_by_slot(s: &Synapses) -> Option<Vec<i32>> {
        let core = s.net.lock();
        let o = core.synapses[&s.id].pathways[0];
        let op = core.objects[o.0].op.as_any();
        op.downcast_ref::<PathwayOp>()
            .expect("pathway")
            .index_by_slot
            .clone()
    }

    fn is_compact(s: &Synapses, name: &str) -> bool {
        let core = s.net.lock();
        let Some(Variable::Array { id, .. }) = core.group(s.id).variables.get(name) else {
            panic!("no array {name}");
        };
        core.store.compact(*id).is_some()
    }

    #[test]
    fn synapses_in_source_order_store_no_source_index_and_unset_variables_no_values() {
        let net = Network::new();
        let g = NeuronGroup::new(
            &net,
            20,
            "v : 1",
            NeuronGroupOptions {
                threshold: Some("v > 1".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let s = Synapses::new(
            &g,
            &g,
            "w : 1",
            SynapsesOptions {
                on_pre: "v_post += w".into(),
                ..Default::default()
            },
        )
        .unwrap();
        s.connect(Connect::p(0.3)).unwrap();
        s.connect(Connect::arrays(vec![19], vec![0])).unwrap();
        assert!(is_compact(&s, "_synaptic_pre"));
        assert!(is_compact(&s, "w"));
        assert!(is_compact(&s, "delay"));
        assert_eq!(pathway_index_by_slot(&s), None);
        let i = s.get("i").unwrap();
        assert_eq!(i.len(), s.len());
        assert!(i.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*i.last().unwrap(), 19.0);
        assert!(
            is_compact(&s, "_synaptic_pre"),
            "reading i keeps it compact"
        );
        // One value for all synapses stays one value; a per-synapse value does not.
        s.set("delay", 2e-4).unwrap();
        assert!(is_compact(&s, "delay"));
        assert_eq!(s.get("delay").unwrap(), vec![2e-4; s.len()]);
        s.set_expr("w", "0.5 + j").unwrap();
        assert!(!is_compact(&s, "w"));
        net.run(1e-4).unwrap();
        assert!(
            is_compact(&s, "_synaptic_pre"),
            "the pathway does not read i"
        );

        // A synapse from an earlier source: the source index is stored, numbering unchanged.
        let n = s.len();
        s.connect(Connect::arrays(vec![0], vec![5])).unwrap();
        assert!(!is_compact(&s, "_synaptic_pre"));
        let i2 = s.get("i").unwrap();
        assert_eq!(i2[..n], i[..]);
        assert_eq!(i2[n], 0.0);
        let map = pathway_index_by_slot(&s).expect("a slot map");
        // Source 0's synapses are delivered in creation order: the new one after the others.
        let old_from_0 = i.iter().filter(|&&x| x == 0.0).count();
        assert_eq!(map[old_from_0], n as i32);
    }

    #[test]
    fn uniform_per_synapse_delays_delay_delivery() {
        let (net, g, s) = first_neuron_spikes_once(2);
        s.connect(Connect::arrays(vec![0], vec![1])).unwrap();
        s.set("delay", 3e-4).unwrap();
        {
            let core = net.lock();
            let Some(Variable::Array { id, .. }) = core.group(s.id).variables.get("delay") else {
                panic!("no delay");
            };
            assert!(matches!(
                core.store.compact(*id),
                Some(Compact::Uniform { .. })
            ));
        }
        net.run(3e-4).unwrap();
        assert_eq!(g.get("x").unwrap(), vec![0.0, 0.0]);
        net.run(1e-4).unwrap();
        assert_eq!(g.get("x").unwrap(), vec![0.0, 1.0]);
    }

    #[test]
    fn per_synapse_delays_with_few_values_are_kept_as_a_table_and_read_back_exactly() {
        let (net, g, s) = first_neuron_spikes_once(4);
        s.connect(Connect::arrays(vec![0, 0, 0], vec![1, 2, 3]))
            .unwrap();
        let delays = [2.04e-4, 0.96e-4, 2.04e-4];
        s.set_values("delay", &delays).unwrap();
        assert!(!is_compact(&s, "delay"));
        net.run(2e-4).unwrap();
        assert!(is_compact(&s, "delay"));
        assert_eq!(s.get("delay").unwrap(), delays.to_vec());
        assert_eq!(g.get("x").unwrap(), vec![0.0, 0.0, 1.0, 0.0]);
        net.run(1e-4).unwrap();
        assert_eq!(g.get("x").unwrap(), vec![0.0, 1.0, 1.0, 1.0]);
    }
}
