//! Building a neuron group in a network: its arrays, variables and scheduled operations.

use super::NeuronGroupOptions;
use crate::error::{Result, RuntimeError};
use crate::group::GroupData;
use crate::kernel::{stream_hash, KernelBuilder, ScalarSource};
use crate::lower::{Assignment, Lowerer, Resolved};
use crate::network::{GroupId, NetworkCore, ObjectEntry, ObjectId};
use crate::operations::{EventRunner, RangeRunner, Thresholder};
use crate::schedule::When;
use crate::spec::{GroupSpec, RefractorySpec};
use crate::state::StoreId;
use crate::variables::{
    elem_type, stored_type, FloatType, GroupResolver, SubexpressionMode, Variable, Variables,
};
use rheobase_codegen::{ElemType, Expr as IrExpr, Index, Iteration, Stmt};
use rheobase_lang::{ast, BinOp, EquationKind, Span, UnOp, VarType};
use rheobase_units::Dimension;
use std::ops::Range;

const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);

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
pub(crate) fn build(
    core: &mut NetworkCore,
    n: usize,
    name: &str,
    spec: GroupSpec,
    options: &NeuronGroupOptions,
    float_type: FloatType,
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
            EquationKind::Parameter if v.linked => {
                // A placeholder until `linked_var` makes it an alias of the target's array.
                let placeholder = core.store.add(
                    format!("{name}.{}", v.name),
                    stored_type(v.vtype, float_type),
                    0,
                );
                let index = core
                    .store
                    .add(format!("{name}._{}_index", v.name), ElemType::I32, n);
                variables.insert_link(
                    v.name.clone(),
                    crate::variables::LinkSlot {
                        placeholder,
                        index,
                        target: None,
                    },
                );
                Variable::Array {
                    id: placeholder,
                    dim: v.dim,
                    vtype: v.vtype,
                    shared: false,
                    read_only: true,
                    constant: true,
                    write_guard: None,
                }
            }
            EquationKind::Differential | EquationKind::Parameter => {
                let len = if v.shared { 1 } else { n };
                let id = core.store.add(
                    format!("{name}.{}", v.name),
                    stored_type(v.vtype, float_type),
                    len,
                );
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
                    core.store.add(
                        format!("{name}.{}", v.name),
                        stored_type(v.vtype, float_type),
                        len,
                    )
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
    for (fname, table) in &options.functions {
        let f = table.register(core);
        variables.insert_function(fname.clone(), f, table.dim());
    }
    let gid = GroupId(core.groups.len());
    for v in &spec.variables {
        if v.kind == EquationKind::Differential {
            core.differential.insert((gid, v.name.clone()));
        }
    }
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
        namespace: options.namespace.clone().into(),
        rechecks: Default::default(),
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
    let runnable = kernel.compile(core.backend.as_ref(), &core.store)?;
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
    let linear = crate::propagator::split(spec.state_update.clone());
    if !linear.is_empty() {
        let registered = crate::propagator::register(core, gid, n, &linear)?;
        let kernel = lower_kernel(
            core,
            gid,
            0..n,
            "linear_coefficients",
            Iteration::Range,
            &registered.coefficient_code,
            false,
        )?
        .compile(core.backend.as_ref(), &core.store)?;
        let op = crate::propagator::operation(core, gid, registered, kernel);
        let clock = core.group(gid).clock;
        core.add_object(ObjectEntry {
            name: format!("{name}_linear_propagator"),
            when: When::new("before_start", order),
            clock,
            active: true,
            op: Box::new(op),
        })?;
    }
    update.extend(linear.statements);
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
pub(crate) fn dependency_order(variables: &Variables, updates: Vec<Assignment>) -> Vec<Assignment> {
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
