//! `NeuronGroup`: Brian2's group of neurons, its subgroups, and its operations (state updater,
//! thresholder, resetter, custom events, `run_regularly`).
//!
//! Brian2's order within a step: the state updater (`groups` slot) first updates
//! `not_refractory` (`timestep(t - lastspike, dt) >= timestep(refractory, dt)`), then
//! integrates; the thresholder (`thresholds`) tests `threshold and not_refractory` and, for
//! the neurons that spike, sets `lastspike = t` and `not_refractory = False`; the resetter
//! (`resets`) runs the reset on them. Custom events are checked in `after_thresholds` and their
//! actions run in `after_resets`.

use crate::clock::Clock;
use crate::error::{Result, RuntimeError};
use crate::frontend;
use crate::group::{GroupData, Selection};
use crate::kernel::{stream_hash, KernelBuilder, ScalarSource};
use crate::lower::{Assignment, Lowerer, Resolved};
use crate::network::{EventId, GroupId, Network, NetworkCore, ObjectEntry, ObjectId};
use crate::operations::{EventRunner, RangeRunner, Thresholder};
use crate::schedule::When;
use crate::spec::{GroupSpec, RefractorySpec};
use crate::state::StoreId;
use crate::variables::{elem_type, GroupResolver, SubexpressionMode, Variable, Variables};
use rheobase_codegen::{ElemType, Expr as IrExpr, Index, Iteration, Stmt};
use rheobase_lang::{ast, BinOp, EquationKind, Equations, SourceMap, Span, UnOp, VarType};
use rheobase_units::{Dimension, Quantity};
use std::collections::HashMap;
use std::ops::Range;

const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);

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
    name: String,
}

/// Brian2's `Subgroup`: the same handle type, restricted to a range of neurons.
pub type Subgroup = NeuronGroup;

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
        let spec = frontend::neuron_group(&object, frontend::ModelInput::Text(model), &options)?;
        NeuronGroup::from_spec(net, n, spec, options)
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
        let spec = frontend::neuron_group(&object, input, &options)?;
        NeuronGroup::from_spec(net, n, spec, options)
    }

    /// Creates a group from an already checked description (see [`GroupSpec`]).
    pub fn from_spec(
        net: &Network,
        n: usize,
        spec: GroupSpec,
        options: NeuronGroupOptions,
    ) -> Result<NeuronGroup> {
        let mut core = net.lock();
        let explicit = options.name.is_some();
        let name = core.unique_name(options.name.as_deref().unwrap_or("neurongroup"), explicit)?;
        let id = match build(&mut core, n, &name, spec, &options) {
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

    pub fn name(&self) -> &str {
        &self.name
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
        core.group(self.id).variables.get(name).map(|v| v.info())
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
        let runnable = kernel.compile(core.backend.as_ref())?;
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
        Ok(name)
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

/// Lowers statements for a (sub)group into a kernel.
pub(crate) fn lower_kernel(
    core: &NetworkCore,
    id: GroupId,
    range: Range<usize>,
    kernel_name: &str,
    iteration: Iteration,
    statements: &[Assignment],
    conditional_writes: bool,
) -> Result<crate::kernel::BoundKernel> {
    let g = core.group(id);
    let resolver = GroupResolver::new(&g.variables, &g.namespace, range.start, range.len());
    let mut b = KernelBuilder::new(kernel_name, iteration);
    {
        let mut l = Lowerer::new(&mut b, &resolver);
        l.conditional_writes = conditional_writes;
        l.statements(statements)
            .map_err(|d| RuntimeError::model(&g.name, d, &g.sources))?;
    }
    Ok(b.finish())
}

fn span_of(e: &ast::Expr) -> Span {
    e.span
}

/// `not_refractory = ...` for the state updater, per Brian2 2.9.
fn refractory_statement(spec: &RefractorySpec) -> Option<Assignment> {
    let timestep = |x: ast::Expr, span: Span| {
        ast::Expr::call("timestep", vec![x, ast::Expr::name("dt", span)], span)
    };
    let value = match spec {
        RefractorySpec::None => return None,
        RefractorySpec::Duration(d) => {
            let span = Span::default();
            duration_condition(ast::Expr::float(*d, span), span, &timestep)
        }
        RefractorySpec::DurationExpr(e) => duration_condition(e.clone(), span_of(e), &timestep),
        RefractorySpec::Condition(c) => ast::Expr::unary(UnOp::Not, c.clone(), c.span),
    };
    Some(Assignment::set("not_refractory", value, false))
}

fn duration_condition(
    refractory: ast::Expr,
    span: Span,
    timestep: &dyn Fn(ast::Expr, Span) -> ast::Expr,
) -> ast::Expr {
    let since = ast::Expr::binary(
        BinOp::Sub,
        ast::Expr::name("t", span),
        ast::Expr::name("lastspike", span),
        span,
    );
    ast::Expr::binary(
        BinOp::Ge,
        timestep(since, span),
        timestep(refractory, span),
        span,
    )
}

/// Creates the group's arrays and operations in the network.
fn build(
    core: &mut NetworkCore,
    n: usize,
    name: &str,
    spec: GroupSpec,
    options: &NeuronGroupOptions,
) -> Result<GroupId> {
    let clock = core.clock_id(options.clock.as_ref(), options.dt)?;
    let refractory = spec.refractory != RefractorySpec::None;
    let mut variables = Variables::default();
    let mut guarded = Vec::new();
    let not_refractory = refractory.then(|| {
        let lastspike = core
            .store
            .add(format!("{name}.lastspike"), ElemType::F64, n);
        let nr = core
            .store
            .add(format!("{name}.not_refractory"), ElemType::Bool, n);
        // Brian2: lastspike = -1e4 s, not_refractory = True
        if let crate::state::ArrayData::F64(v) = core.store.get_mut(lastspike) {
            v.fill(-1e4);
        }
        if let crate::state::ArrayData::Bool(v) = core.store.get_mut(nr) {
            v.fill(true);
        }
        variables.insert(
            "lastspike",
            Variable::Array {
                id: lastspike,
                dim: SECOND,
                vtype: VarType::Float,
                shared: false,
                read_only: false,
                constant: false,
                write_guard: None,
            },
        );
        variables.insert(
            "not_refractory",
            Variable::Array {
                id: nr,
                dim: Dimension::DIMENSIONLESS,
                vtype: VarType::Boolean,
                shared: false,
                read_only: false,
                constant: false,
                write_guard: None,
            },
        );
        nr
    });
    let mut constant_over_dt = Vec::new();
    for v in &spec.variables {
        let var = match v.kind {
            EquationKind::Differential | EquationKind::Parameter => {
                let len = if v.shared { 1 } else { n };
                let id = core
                    .store
                    .add(format!("{name}.{}", v.name), elem_type(v.vtype), len);
                let guard = if v.unless_refractory {
                    guarded.push(v.name.clone());
                    not_refractory
                } else {
                    None
                };
                Variable::Array {
                    id,
                    dim: v.dim,
                    vtype: v.vtype,
                    shared: v.shared,
                    read_only: false,
                    constant: v.constant,
                    write_guard: guard,
                }
            }
            EquationKind::Subexpression => {
                let Some(expr) = v.expr.clone() else {
                    return Err(RuntimeError::Internal(format!(
                        "subexpression '{}' has no definition",
                        v.name
                    )));
                };
                let stored: Option<StoreId> = v.constant_over_dt.then(|| {
                    let len = if v.shared { 1 } else { n };
                    core.store
                        .add(format!("{name}.{}", v.name), elem_type(v.vtype), len)
                });
                if v.constant_over_dt {
                    constant_over_dt.push(Assignment::set(v.name.clone(), expr.clone(), false));
                }
                Variable::Subexpression {
                    expr,
                    dim: v.dim,
                    vtype: v.vtype,
                    shared: v.shared,
                    stored,
                }
            }
        };
        variables.insert(v.name.clone(), var);
    }
    let gid = GroupId(core.groups.len());
    let mut events = Vec::new();
    if spec.threshold.is_some() {
        events.push(("spike".to_string(), core.add_event_space()));
    }
    for e in &spec.events {
        events.push((e.name.clone(), core.add_event_space()));
    }
    core.groups.push(GroupData {
        name: name.to_string(),
        n,
        clock,
        order: options.order,
        variables,
        namespace: options.namespace.clone(),
        sources: spec.sources.clone(),
        events,
        scratch: None,
        refractory,
    });
    let result = add_operations(core, gid, n, name, &spec, options, constant_over_dt);
    if result.is_err() {
        // Leave no half-built group behind.
        core.objects
            .retain(|o| !o.name.starts_with(&format!("{name}_")));
        core.groups.pop();
    }
    result.map(|_| gid)
}

fn add_op(
    core: &mut NetworkCore,
    gid: GroupId,
    name: String,
    kernel: crate::kernel::BoundKernel,
    when: &str,
    order: i32,
    make: impl FnOnce(crate::kernel::RunnableKernel, u64) -> Box<dyn crate::network::Operation>,
) -> Result<ObjectId> {
    let stream = stream_hash(&[&name, &kernel.kernel.name]);
    let runnable = kernel.compile(core.backend.as_ref())?;
    let clock = core.group(gid).clock;
    core.add_object(ObjectEntry {
        name,
        when: When::new(when, order),
        clock,
        active: true,
        op: make(runnable, stream),
    })
}

fn add_operations(
    core: &mut NetworkCore,
    gid: GroupId,
    n: usize,
    name: &str,
    spec: &GroupSpec,
    options: &NeuronGroupOptions,
    constant_over_dt: Vec<Assignment>,
) -> Result<()> {
    let order = options.order;
    if !constant_over_dt.is_empty() {
        let g = core.group(gid);
        let mut resolver = GroupResolver::new(&g.variables, &g.namespace, 0, n);
        resolver.subexpressions = SubexpressionMode::Inline;
        // The stored arrays are the targets here, so they resolve as writable arrays.
        for a in &constant_over_dt {
            if let Some(Variable::Subexpression {
                stored: Some(id),
                vtype,
                shared,
                ..
            }) = g.variables.get(&a.target)
            {
                resolver.extra.insert(
                    a.target.clone(),
                    Resolved::Array(crate::lower::ArrayVar {
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
        let ordered = dependency_order(&g.variables, constant_over_dt);
        let mut b = KernelBuilder::new("subexpression_update", Iteration::Range);
        {
            let mut l = Lowerer::new(&mut b, &resolver);
            // Each reads those it depends on from their stored arrays, already updated.
            l.statements(&ordered)
                .map_err(|d| RuntimeError::model(name, d, &g.sources))?;
        }
        let kernel = b.finish();
        add_op(
            core,
            gid,
            format!("{name}_subexpression_update"),
            kernel,
            "before_start",
            order,
            |k, stream| {
                Box::new(RangeRunner {
                    kernel: k,
                    range: 0..n,
                    stream,
                })
            },
        )?;
    }

    let mut update: Vec<Assignment> = refractory_statement(&spec.refractory).into_iter().collect();
    update.extend(spec.state_update.iter().cloned());
    if !update.is_empty() {
        let kernel = lower_kernel(
            core,
            gid,
            0..n,
            "state_update",
            Iteration::Range,
            &update,
            false,
        )?;
        add_op(
            core,
            gid,
            format!("{name}_stateupdater"),
            kernel,
            "groups",
            order,
            |k, stream| {
                Box::new(RangeRunner {
                    kernel: k,
                    range: 0..n,
                    stream,
                })
            },
        )?;
    }

    if let Some(threshold) = &spec.threshold {
        let event = core.group(gid).event("spike").expect("spike event space");
        let refractory = spec.refractory != RefractorySpec::None;
        let kernel = threshold_kernel(core, gid, n, threshold, refractory)?;
        add_op(
            core,
            gid,
            format!("{name}_spike_thresholder"),
            kernel,
            "thresholds",
            order,
            |k, stream| {
                Box::new(Thresholder {
                    kernel: k,
                    range: 0..n,
                    event,
                    stream,
                })
            },
        )?;
        if !spec.reset.is_empty() {
            let kernel = lower_kernel(
                core,
                gid,
                0..n,
                "reset",
                Iteration::List,
                &spec.reset,
                false,
            )?;
            add_op(
                core,
                gid,
                format!("{name}_spike_resetter"),
                kernel,
                "resets",
                order,
                |k, stream| {
                    Box::new(EventRunner {
                        kernel: k,
                        event,
                        stream,
                    })
                },
            )?;
        }
    }

    for e in &spec.events {
        let event = core.group(gid).event(&e.name).expect("event space");
        let kernel = threshold_kernel(core, gid, n, &e.condition, false)?;
        add_op(
            core,
            gid,
            format!("{name}_{}_thresholder", e.name),
            kernel,
            "after_thresholds",
            order,
            |k, stream| {
                Box::new(Thresholder {
                    kernel: k,
                    range: 0..n,
                    event,
                    stream,
                })
            },
        )?;
        if !e.actions.is_empty() {
            let kernel =
                lower_kernel(core, gid, 0..n, "reset", Iteration::List, &e.actions, false)?;
            add_op(
                core,
                gid,
                format!("{name}_{}_resetter", e.name),
                kernel,
                "after_resets",
                order,
                |k, stream| {
                    Box::new(EventRunner {
                        kernel: k,
                        event,
                        stream,
                    })
                },
            )?;
        }
    }
    Ok(())
}

/// Orders `x = expr` updates of stored subexpressions so that each comes after the stored
/// subexpressions it reads (directly or through other subexpressions).
fn dependency_order(variables: &Variables, updates: Vec<Assignment>) -> Vec<Assignment> {
    fn reads(variables: &Variables, e: &ast::Expr, out: &mut Vec<String>, depth: usize) {
        for n in e.names() {
            match variables.get(n) {
                Some(Variable::Subexpression {
                    stored: Some(_), ..
                }) => out.push(n.to_string()),
                Some(Variable::Subexpression { expr, .. }) if depth < 64 => {
                    reads(variables, expr, out, depth + 1)
                }
                _ => {}
            }
        }
    }
    let mut pending: Vec<(Assignment, Vec<String>)> = updates
        .into_iter()
        .map(|a| {
            let mut deps = Vec::new();
            reads(variables, &a.value, &mut deps, 0);
            deps.retain(|d| *d != a.target);
            (a, deps)
        })
        .collect();
    let mut out: Vec<Assignment> = Vec::new();
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|(_, deps)| {
                deps.iter().all(|d| {
                    out.iter().any(|a| &a.target == d)
                        || !pending.iter().any(|(p, _)| &p.target == d)
                })
            })
            // A cycle was rejected by the checker; keep the given order if one slips through.
            .unwrap_or(0);
        out.push(pending.remove(ready).0);
    }
    out
}

/// `if cond (and not_refractory): emit; lastspike = t; not_refractory = False`.
fn threshold_kernel(
    core: &NetworkCore,
    gid: GroupId,
    n: usize,
    condition: &ast::Expr,
    refractory: bool,
) -> Result<crate::kernel::BoundKernel> {
    let g = core.group(gid);
    let resolver = GroupResolver::new(&g.variables, &g.namespace, 0, n);
    let mut b = KernelBuilder::new("threshold", Iteration::Range);
    let cond = {
        let mut l = Lowerer::new(&mut b, &resolver);
        l.vector_expr(condition)
            .map_err(|d| RuntimeError::model(&g.name, d, &g.sources))?
    };
    let mut then = vec![Stmt::Emit];
    let cond = if refractory {
        let array = |name: &str| match g.variables.get(name) {
            Some(Variable::Array { id, .. }) => Ok(*id),
            _ => Err(RuntimeError::Internal(format!(
                "refractory group without '{name}'"
            ))),
        };
        let nr = b.array(
            array("not_refractory")?,
            "not_refractory",
            ElemType::Bool,
            true,
        );
        let ls = b.array(array("lastspike")?, "lastspike", ElemType::F64, true);
        let t = b.scalar("t", ScalarSource::Time);
        then.push(Stmt::Store {
            array: nr,
            index: Index::Elem,
            value: IrExpr::c(0.0),
        });
        then.push(Stmt::Store {
            array: ls,
            index: Index::Elem,
            value: IrExpr::Scalar(t),
        });
        IrExpr::bin(
            rheobase_codegen::BinaryOp::And,
            cond,
            IrExpr::Load(nr, Index::Elem),
        )
    } else {
        cond
    };
    b.body.push(Stmt::If {
        cond,
        then,
        otherwise: vec![],
    });
    Ok(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::{
        EventMonitor, EventMonitorOptions, PopulationRateMonitor, Record, StateMonitor,
        StateMonitorOptions,
    };
    use crate::spec::VarSpec;
    use crate::testing::ast_builders::*;
    use crate::testing::mini_backend;

    const DT: f64 = 1e-4;

    fn var(name: &str, kind: EquationKind) -> VarSpec {
        VarSpec::new(name, Dimension::DIMENSIONLESS, kind)
    }

    /// `v += step` each step, spikes at `v > 1`, reset `v = 0`.
    fn counter(step: f64) -> GroupSpec {
        let mut spec = GroupSpec::new(vec![var("v", EquationKind::Differential)]);
        spec.state_update = vec![Assignment::set(
            "v",
            bin(BinOp::Add, name("v"), num(step)),
            false,
        )];
        spec.threshold = Some(bin(BinOp::Gt, name("v"), num(1.0)));
        spec.reset = vec![Assignment::set("v", num(0.0), false)];
        spec
    }

    fn net() -> Network {
        let net = Network::with_backend(mini_backend());
        net.seed(7);
        net
    }

    #[test]
    fn threshold_then_reset_in_the_same_step() {
        let net = net();
        let g = NeuronGroup::from_spec(&net, 1, counter(0.3), Default::default()).unwrap();
        let spikes = EventMonitor::spikes(&g, Default::default()).unwrap();
        let end = StateMonitor::new(
            &g,
            &["v"],
            Record::All,
            StateMonitorOptions {
                when: When::new("end", 0),
                ..Default::default()
            },
        )
        .unwrap();
        net.run(5.0 * DT).unwrap();
        assert_eq!(spikes.i(), vec![0]);
        assert_eq!(spikes.t(), vec![3.0 * DT]);
        let v = end.trace("v", 0).unwrap();
        assert!((v[2] - 0.9).abs() < 1e-12);
        assert_eq!(v[3], 0.0, "reset in the step of the spike: {v:?}");
        assert_eq!(g.spikes(), Vec::<usize>::new());
    }

    #[test]
    fn refractoriness_holds_unless_refractory_variables_only() {
        let net = net();
        let mut v = var("v", EquationKind::Differential);
        v.unless_refractory = true;
        let mut spec = GroupSpec::new(vec![v, var("w", EquationKind::Differential)]);
        // What an integrator emits for `(unless refractory)`: the change times int(not_refractory).
        spec.state_update = vec![
            Assignment::set(
                "v",
                bin(
                    BinOp::Add,
                    name("v"),
                    bin(
                        BinOp::Mul,
                        call("int", vec![name("not_refractory")]),
                        num(0.5),
                    ),
                ),
                false,
            ),
            Assignment::set("w", bin(BinOp::Add, name("w"), num(1.0)), false),
        ];
        spec.threshold = Some(bin(BinOp::Gt, name("v"), num(0.9)));
        spec.reset = vec![Assignment::set("v", num(0.0), false)];
        spec.refractory = RefractorySpec::Duration(5.0 * DT);
        let g = NeuronGroup::from_spec(&net, 1, spec, Default::default()).unwrap();
        let m = StateMonitor::new(
            &g,
            &["v", "w", "not_refractory"],
            Record::All,
            StateMonitorOptions {
                when: When::new("end", 0),
                ..Default::default()
            },
        )
        .unwrap();
        let spikes = EventMonitor::spikes(&g, Default::default()).unwrap();
        net.run(9.0 * DT).unwrap();
        // v: 0.5, 1.0 (spike at step 1, reset), held at 0 for steps 2..5 (refractory for 5
        // steps from the spike), integrates again from step 6, spikes at step 7.
        assert_eq!(spikes.t(), vec![DT, 7.0 * DT]);
        let v = m.trace("v", 0).unwrap();
        assert_eq!(v, vec![0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0]);
        let w = m.trace("w", 0).unwrap();
        assert_eq!(w, (1..=9).map(f64::from).collect::<Vec<_>>());
        assert_eq!(g.get("lastspike").unwrap(), vec![7.0 * DT]);
    }

    #[test]
    fn rate_monitor_reads_one_over_dt_when_all_fire_every_step() {
        let net = net();
        let mut spec = GroupSpec::new(vec![var("v", EquationKind::Parameter)]);
        spec.threshold = Some(ast::Expr::new(ast::ExprKind::Bool(true), Span::default()));
        let g = NeuronGroup::from_spec(&net, 4, spec, Default::default()).unwrap();
        let sub = g.subgroup(1..3).unwrap();
        let rate = PopulationRateMonitor::new(&g, None).unwrap();
        let sub_rate = PopulationRateMonitor::new(&sub, None).unwrap();
        net.run(3.0 * DT).unwrap();
        assert_eq!(rate.rate(), vec![1.0 / DT; 3]);
        assert_eq!(sub_rate.rate(), vec![1.0 / DT; 3]);
        let smooth = rate.smooth_rate(crate::SmoothingWindow::Flat(DT)).unwrap();
        assert_eq!(smooth, vec![1.0 / DT; 3]);
    }

    #[test]
    fn subgroups_see_relative_indices() {
        let net = net();
        let spec = GroupSpec::new(vec![var("x", EquationKind::Parameter)]);
        let g = NeuronGroup::from_spec(&net, 10, spec, Default::default()).unwrap();
        let sub = g.subgroup(4..7).unwrap();
        net.lock()
            .assign_expr(
                sub.id,
                sub.range(),
                "x",
                &bin(BinOp::Add, name("i"), name("N")),
                None,
            )
            .unwrap();
        assert_eq!(
            g.get("x").unwrap(),
            vec![0.0, 0.0, 0.0, 0.0, 3.0, 4.0, 5.0, 0.0, 0.0, 0.0]
        );
        assert_eq!(sub.get("x").unwrap(), vec![3.0, 4.0, 5.0]);
        net.lock()
            .assign_expr(
                g.id,
                g.range(),
                "x",
                &num(-1.0),
                Some(&bin(BinOp::Gt, name("i"), num(7.0))),
            )
            .unwrap();
        assert_eq!(g.get("x").unwrap()[7..], [0.0, -1.0, -1.0]);
        sub.set_at("x", 0, 9.0).unwrap();
        assert_eq!(g.get_at("x", 4).unwrap(), 9.0);
        assert!(sub.set_at("x", 3, 1.0).is_err());
        assert!(g.subgroup(5..11).is_err());
    }

    fn noisy(net: &Network) -> (NeuronGroup, StateMonitor) {
        let mut spec = counter(0.0);
        spec.state_update = vec![Assignment::set(
            "v",
            bin(
                BinOp::Add,
                name("v"),
                bin(BinOp::Mul, num(0.3), call("rand", vec![])),
            ),
            false,
        )];
        let g = NeuronGroup::from_spec(net, 5, spec, Default::default()).unwrap();
        let m = StateMonitor::new(&g, &["v"], Record::All, Default::default()).unwrap();
        (g, m)
    }

    #[test]
    fn store_restore_replays_identically() {
        let net = net();
        let (g, m) = noisy(&net);
        let spikes = EventMonitor::spikes(&g, EventMonitorOptions::default()).unwrap();
        net.run(10.0 * DT).unwrap();
        net.store("mid");
        net.run(20.0 * DT).unwrap();
        let (v1, n1, t1) = (g.get("v").unwrap(), spikes.num_events(), m.t());
        net.restore("mid").unwrap();
        assert!((net.t() - 10.0 * DT).abs() < 1e-15);
        net.run(20.0 * DT).unwrap();
        assert_eq!(g.get("v").unwrap(), v1);
        assert_eq!(spikes.num_events(), n1);
        assert_eq!(m.t(), t1);
        assert!(net.restore("nothing").is_err());
    }

    #[test]
    fn two_runs_equal_one_run() {
        let a = net();
        let (ga, ma) = noisy(&a);
        a.run(7.0 * DT).unwrap();
        a.run(13.0 * DT).unwrap();
        let b = net();
        let (gb, mb) = noisy(&b);
        b.run(20.0 * DT).unwrap();
        assert_eq!(ga.get("v").unwrap(), gb.get("v").unwrap());
        assert_eq!(ma.values("v"), mb.values("v"));
        assert_eq!(ma.t().len(), 20);
    }

    #[test]
    fn state_monitor_starts_with_the_initial_state() {
        let net = net();
        let g = NeuronGroup::from_spec(&net, 2, counter(0.25), Default::default()).unwrap();
        g.set_values("v", &[0.1, 0.2]).unwrap();
        let m =
            StateMonitor::new(&g, &["v"], Record::Indices(vec![1]), Default::default()).unwrap();
        net.run(2.0 * DT).unwrap();
        assert_eq!(m.t(), vec![0.0, DT]);
        assert_eq!(m.trace("v", 0).unwrap(), vec![0.2, 0.45]);
    }

    #[test]
    fn schedule_orders_objects_like_brian2() {
        let net = net();
        let g = NeuronGroup::from_spec(&net, 1, counter(0.3), Default::default()).unwrap();
        EventMonitor::spikes(&g, Default::default()).unwrap();
        StateMonitor::new(&g, &["v"], Record::All, Default::default()).unwrap();
        PopulationRateMonitor::new(&g, None).unwrap();
        let names: Vec<String> = net.scheduling_summary().into_iter().map(|s| s.0).collect();
        assert_eq!(
            names,
            vec![
                "statemonitor",
                "neurongroup_stateupdater",
                "neurongroup_spike_thresholder",
                "spikemonitor",
                "neurongroup_spike_resetter",
                "ratemonitor"
            ]
        );
    }

    #[test]
    fn constant_over_dt_subexpressions_are_drawn_once_per_step_in_dependency_order() {
        let net = net();
        let sub = |n: &str, e: ast::Expr, stored: bool| {
            let mut v = var(n, EquationKind::Subexpression);
            v.expr = Some(e);
            v.constant_over_dt = stored;
            v
        };
        let mut spec = GroupSpec::new(vec![
            sub("plus", bin(BinOp::Add, name("twice"), num(1.0)), true),
            sub("twice", bin(BinOp::Mul, num(2.0), name("noise")), false),
            sub("noise", call("rand", vec![]), true),
            var("a", EquationKind::Parameter),
            var("b", EquationKind::Parameter),
        ]);
        spec.state_update = vec![
            Assignment::set("a", name("noise"), false),
            Assignment::set("b", name("plus"), false),
        ];
        let g = NeuronGroup::from_spec(&net, 3, spec, Default::default()).unwrap();
        net.run(2.0 * DT).unwrap();
        let (a, b) = (g.get("a").unwrap(), g.get("b").unwrap());
        for k in 0..3 {
            assert_eq!(b[k], 2.0 * a[k] + 1.0);
        }
        assert_eq!(g.get("noise").unwrap(), a);
        assert_ne!(a[0], a[1]);
    }

    #[test]
    fn state_access_errors_are_values() {
        let net = net();
        let g = NeuronGroup::from_spec(&net, 3, counter(0.3), Default::default()).unwrap();
        assert!(g.get("nope").is_err());
        assert!(g.set_values("v", &[1.0, 2.0]).is_err());
        let err = g.set("nope", 1.0).unwrap_err();
        assert!(err.to_string().contains("no variable 'nope'"), "{err}");
        assert!(net.run(-1.0).is_err());
    }
}
