//! `PoissonGroup(N, rates)`: independent Poisson spike trains. Each step, neuron `i` spikes
//! when `rand() < rates*dt` (Brian2's thresholder, in the `thresholds` slot); `rates` is a
//! value, one value per neuron, or a string expression evaluated every step (it may depend
//! on `t`, `i` and TimedArrays).

use super::{add_group, check_dimension, rollback_group, GroupParts};
use crate::clock::Clock;
use crate::error::{Result, RuntimeError};
use crate::frontend;
use crate::kernel::{stream_hash, KernelBuilder};
use crate::lower::Lowerer;
use crate::network::{Network, ObjectEntry};
use crate::neurongroup::NeuronGroup;
use crate::operations::Thresholder;
use crate::schedule::When;
use crate::variables::{GroupResolver, Variable, Variables};
use rheobase_codegen::{ElemType, Iteration, Stmt};
use rheobase_lang::{check_expression, parse_expression, SourceMap, VarType};
use rheobase_units::{Dimension, Quantity};
use std::collections::HashMap;
use std::ops::Deref;

const HERTZ: Dimension = Dimension::from_ints([0, 0, -1, 0, 0, 0, 0]);

/// The `rates` argument of a [`PoissonGroup`], in Hz.
#[derive(Clone, Debug, PartialEq)]
pub enum Rates {
    /// One rate for every neuron.
    Value(f64),
    /// One rate per neuron.
    Array(Vec<f64>),
    /// An expression with the dimension of a rate, evaluated every step (`'10*Hz + t/second*Hz'`).
    Expression(String),
}

impl From<f64> for Rates {
    fn from(x: f64) -> Rates {
        Rates::Value(x)
    }
}

impl From<Vec<f64>> for Rates {
    fn from(v: Vec<f64>) -> Rates {
        Rates::Array(v)
    }
}

impl From<&str> for Rates {
    fn from(s: &str) -> Rates {
        Rates::Expression(s.to_string())
    }
}

/// Brian2's keyword arguments of `PoissonGroup`.
#[derive(Clone, Debug)]
pub struct PoissonGroupOptions {
    pub dt: Option<f64>,
    pub clock: Option<Clock>,
    /// Scheduling slot of the spike generation (default `thresholds`).
    pub when: String,
    pub order: i32,
    /// External constants a `rates` expression may use.
    pub namespace: HashMap<String, Quantity>,
    /// TimedArrays a `rates` expression may call.
    pub functions: HashMap<String, super::TimedArray>,
    /// A unique name; default `poissongroup`, `poissongroup_1`, ...
    pub name: Option<String>,
}

impl Default for PoissonGroupOptions {
    fn default() -> Self {
        PoissonGroupOptions {
            dt: None,
            clock: None,
            when: "thresholds".into(),
            order: 0,
            namespace: HashMap::new(),
            functions: HashMap::new(),
            name: None,
        }
    }
}

/// A group of `N` Poisson spike sources. It is a group like a `NeuronGroup` (it dereferences
/// to one): monitors and synapses take it as a source, `rates` can be read and (unless given
/// as an expression) set, and `subgroup` works.
#[derive(Clone, Debug)]
pub struct PoissonGroup {
    group: NeuronGroup,
}

impl Deref for PoissonGroup {
    type Target = NeuronGroup;
    fn deref(&self) -> &NeuronGroup {
        &self.group
    }
}

impl PoissonGroup {
    pub fn new(
        net: &Network,
        n: usize,
        rates: impl Into<Rates>,
        options: PoissonGroupOptions,
    ) -> Result<PoissonGroup> {
        let rates = rates.into();
        let mut core = net.lock();
        let name = core.unique_name(
            options.name.as_deref().unwrap_or("poissongroup"),
            options.name.is_some(),
        )?;
        let result = build(&mut core, n, &name, &rates, &options);
        match result {
            Ok(id) => {
                drop(core);
                Ok(PoissonGroup {
                    group: NeuronGroup::handle(net, id, 0..n, &name),
                })
            }
            Err(e) => {
                core.release_name(&name);
                Err(e)
            }
        }
    }

    /// The group handle (for APIs that want a `NeuronGroup` by value).
    pub fn group(&self) -> &NeuronGroup {
        &self.group
    }
}

fn build(
    core: &mut crate::network::NetworkCore,
    n: usize,
    name: &str,
    rates: &Rates,
    options: &PoissonGroupOptions,
) -> Result<crate::network::GroupId> {
    if n == 0 {
        return Err(RuntimeError::invalid(
            name,
            "a PoissonGroup needs at least one neuron",
        ));
    }
    let clock = core.clock_id(options.clock.as_ref(), options.dt)?;
    let mut variables = Variables::default();
    for (fname, table) in &options.functions {
        let f = table.register(core);
        variables.insert_function(fname.clone(), f, table.dim());
    }
    let mut sources = SourceMap::new();
    let rates_var = match rates {
        Rates::Expression(text) => {
            let src = sources.add(format!("{name} rates"), text);
            let expr =
                parse_expression(text, src).map_err(|d| RuntimeError::model(name, d, &sources))?;
            let scope = frontend::group_scope(&variables, &options.namespace, false);
            let typed = check_expression(&expr, &scope)
                .map_err(|d| RuntimeError::model(name, d, &sources))?;
            check_dimension(name, &sources, &expr, typed.dim, HERTZ, "rates")?;
            Variable::Subexpression {
                expr,
                dim: HERTZ,
                vtype: VarType::Float,
                shared: false,
                stored: None,
            }
        }
        Rates::Value(_) | Rates::Array(_) => {
            let values = match rates {
                Rates::Value(x) => vec![*x; n],
                Rates::Array(v) if v.len() == n => v.clone(),
                Rates::Array(v) => {
                    return Err(RuntimeError::invalid(
                        name,
                        format!("got {} rates for {n} neurons", v.len()),
                    ))
                }
                Rates::Expression(_) => unreachable!("handled above"),
            };
            let id = core.store.add(format!("{name}.rates"), ElemType::F64, n);
            if let crate::state::ArrayData::F64(v) = core.store.get_mut(id) {
                v.copy_from_slice(&values);
            }
            Variable::Array {
                id,
                dim: HERTZ,
                vtype: VarType::Float,
                shared: false,
                read_only: false,
                constant: false,
                write_guard: None,
            }
        }
    };
    variables.insert("rates", rates_var);
    let threshold_text = "rand() < rates*dt";
    let src = sources.add(format!("{name} threshold"), threshold_text);
    let condition = parse_expression(threshold_text, src)
        .map_err(|d| RuntimeError::model(name, d, &sources))?;
    let (gid, event) = add_group(
        core,
        GroupParts {
            name,
            n,
            clock,
            order: options.order,
            variables,
            namespace: options.namespace.clone(),
            sources,
        },
    );
    let result = (|| {
        let g = core.group(gid);
        let resolver = GroupResolver::new(&g.variables, &g.namespace, 0, n);
        let mut b = KernelBuilder::new("threshold", Iteration::Range);
        {
            let mut l = Lowerer::new(&mut b, &resolver);
            let cond = l
                .vector_expr(&condition)
                .map_err(|d| RuntimeError::model(name, d, &g.sources))?;
            l.builder().body.push(Stmt::If {
                cond,
                then: vec![Stmt::Emit],
                otherwise: vec![],
            });
        }
        let runnable = b.finish().compile(core.backend.as_ref(), &core.store)?;
        let object = format!("{name}_spike_thresholder");
        core.add_object(ObjectEntry {
            name: object.clone(),
            when: When::new(options.when.clone(), options.order),
            clock,
            active: true,
            op: Box::new(Thresholder {
                kernel: runnable,
                range: 0..n,
                event,
                stream: stream_hash(&[&object, "threshold"]),
            }),
        })
    })();
    match result {
        Ok(_) => {
            if let Rates::Expression(text) = rates {
                core.add_recheck(gid, super::expression_recheck(name, "rates", text, HERTZ));
            }
            Ok(gid)
        }
        Err(e) => {
            rollback_group(core, gid, name);
            Err(e)
        }
    }
}
