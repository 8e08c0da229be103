//! `PoissonInput(target, target_var, N, rate, weight)`: `N` independent Poisson inputs of
//! rate `rate` summed into a variable of a group, without synapses. Each step, every target
//! neuron gets `target_var += k*weight` with `k ~ Binomial(N, rate*dt)` drawn per neuron, in
//! the `synapses` slot (Brian2's `PoissonInput`). As in Brian2, writes to an
//! `(unless refractory)` variable skip refractory neurons.
//!
//! Brian2 draws from a normal approximation when `N*p > 5` and `N*(1-p) > 5`; the draw here
//! is always the exact binomial (same mean and variance, integer counts).

use super::check_dimension;
use crate::error::{Result, RuntimeError};
use crate::frontend;
use crate::kernel::{stream_hash, KernelBuilder, RunnableKernel};
use crate::lower::{Lowerer, Resolved, Resolver};
use crate::network::{Network, ObjectEntry, Operation, StepContext};
use crate::neurongroup::NeuronGroup;
use crate::schedule::When;
use crate::variables::GroupResolver;
use rheobase_codegen::{
    BinaryOp, ElemType, Elements, Expr as IrExpr, Index, Iteration, RandKind, Stmt,
};
use rheobase_lang::{ast, check_expression, parse_expression, Span};
use rheobase_units::Quantity;
use std::any::Any;
use std::ops::Range;

/// The `weight` argument of a [`PoissonInput`].
#[derive(Clone, Debug, PartialEq)]
pub enum Weight {
    /// A quantity with the dimension of the target variable.
    Value(Quantity),
    /// An expression in the target group's context (`'w_inh'`, `'0.1*mV*(1 + i)'`).
    Expression(String),
}

impl From<Quantity> for Weight {
    fn from(q: Quantity) -> Weight {
        Weight::Value(q)
    }
}

impl From<&str> for Weight {
    fn from(s: &str) -> Weight {
        Weight::Expression(s.to_string())
    }
}

/// Brian2's keyword arguments of `PoissonInput`.
#[derive(Clone, Debug)]
pub struct PoissonInputOptions {
    /// Default `synapses`.
    pub when: String,
    pub order: i32,
    /// A unique name; default `poissoninput`, `poissoninput_1`, ...
    pub name: Option<String>,
}

impl Default for PoissonInputOptions {
    fn default() -> Self {
        PoissonInputOptions {
            when: "synapses".into(),
            order: 0,
            name: None,
        }
    }
}

/// Poisson input into a variable of a group or subgroup.
#[derive(Clone, Debug)]
pub struct PoissonInput {
    net: Network,
    name: String,
    n: u64,
    rate: f64,
    target_var: String,
    weight: Weight,
}

struct PoissonInputRunner {
    object: String,
    kernel: RunnableKernel,
    range: Range<usize>,
    stream: u64,
    /// The target's dt when the input was made (`rate*dt` is fixed then, as in Brian2).
    dt: f64,
}

impl Operation for PoissonInputRunner {
    fn before_run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        if cx.time.dt != self.dt {
            return Err(RuntimeError::not_supported(
                &self.object,
                format!(
                    "the target's dt changed from {} s to {} s after the PoissonInput was created",
                    self.dt, cx.time.dt
                ),
            ));
        }
        Ok(())
    }

    fn run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        let rng = cx.rng(self.stream);
        // Each neuron's draw is keyed by its index, so a split gives the same bits. But it
        // is split only where every call is (large networks): measured on the Brunel
        // network (12,500 targets, about 130 us per call on one thread) splitting made the
        // loop 1.8 s -> 2.5 s on two threads, since the other worker sleeps between steps
        // and waking it each step costs more than half the call saves, and the cost model
        // (30 units a draw) would split it there (BENCHMARKS.md, stop 21).
        let elements = Elements::Range(self.range.clone());
        if cx.threads.split_all() {
            let threads = cx.threads;
            self.kernel
                .call_threaded(cx.store, elements, cx.time, rng, None, threads)?;
        } else {
            self.kernel.call(cx.store, elements, cx.time, rng, None)?;
        }
        Ok(())
    }

    fn kernels(&self) -> Vec<&rheobase_codegen::Kernel> {
        vec![self.kernel.kernel()]
    }
    fn bound_kernels(&self) -> Vec<&crate::kernel::RunnableKernel> {
        vec![&self.kernel]
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

impl PoissonInput {
    /// `n` inputs of `rate` Hz each into `target_var` of `target`, each adding `weight`.
    pub fn new(
        target: &NeuronGroup,
        target_var: &str,
        n: u64,
        rate: f64,
        weight: impl Into<Weight>,
        options: PoissonInputOptions,
    ) -> Result<PoissonInput> {
        let weight = weight.into();
        let net = target.network().clone();
        let mut core = net.lock();
        let name = core.unique_name(
            options.name.as_deref().unwrap_or("poissoninput"),
            options.name.is_some(),
        )?;
        let result = build(
            &mut core, target, target_var, n, rate, &weight, &options, &name,
        );
        if let Err(e) = result {
            core.release_name(&name);
            return Err(e);
        }
        drop(core);
        Ok(PoissonInput {
            net,
            name,
            n,
            rate,
            target_var: target_var.to_string(),
            weight,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn network(&self) -> &Network {
        &self.net
    }

    /// The number of inputs (`N`).
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The rate of each input, in Hz.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    pub fn target_var(&self) -> &str {
        &self.target_var
    }

    pub fn weight(&self) -> &Weight {
        &self.weight
    }
}

#[allow(clippy::too_many_arguments)]
fn build(
    core: &mut crate::network::NetworkCore,
    target: &NeuronGroup,
    target_var: &str,
    n: u64,
    rate: f64,
    weight: &Weight,
    options: &PoissonInputOptions,
    name: &str,
) -> Result<()> {
    let gid = target.id;
    let g = core.group(gid);
    let Some(var) = g.variables.get(target_var) else {
        return Err(RuntimeError::invalid(
            name,
            format!("'{target_var}' is not a variable of '{}'", g.name),
        ));
    };
    let target_dim = var.dim();
    let dt = core.clocks[g.clock.0].dt;
    let p = rate * dt;
    if !(rate >= 0.0 && p <= 1.0) {
        return Err(RuntimeError::invalid(
            name,
            format!(
                "the rate must be at least 0 and at most 1/dt = {} Hz, got {rate} Hz",
                1.0 / dt
            ),
        ));
    }
    if n > (1u64 << 53) {
        return Err(RuntimeError::invalid(name, format!("N = {n} is too large")));
    }
    let weight_expr = match weight {
        Weight::Value(q) => {
            if q.dim != target_dim {
                let d = rheobase_lang::Diagnostic::error(
                    "units::dimension_mismatch",
                    format!(
                        "the weight has dimension {}, but the target variable '{target_var}' has dimension {}",
                        q.dim.base_string(),
                        target_dim.base_string()
                    ),
                );
                return Err(RuntimeError::model(
                    name,
                    d,
                    &rheobase_lang::SourceMap::new(),
                ));
            }
            ast::Expr::float(q.value, Span::default())
        }
        Weight::Expression(text) => {
            let src = core.add_source(gid, &format!("{name} weight"), text);
            let g = core.group(gid);
            let expr = parse_expression(text, src)
                .map_err(|d| RuntimeError::model(name, d, &g.sources))?;
            let scope = frontend::group_scope(&g.variables, &g.namespace, g.refractory);
            let typed = check_expression(&expr, &scope)
                .map_err(|d| RuntimeError::model(name, d, &g.sources))?;
            check_dimension(name, &g.sources, &expr, typed.dim, target_dim, "weight")?;
            expr
        }
    };
    let g = core.group(gid);
    let range = target.range();
    let resolver = GroupResolver::new(&g.variables, &g.namespace, range.start, range.len());
    let target_array = match resolver.resolve(target_var) {
        Some(Resolved::Array(a)) if a.writable && !a.shared => a,
        _ => {
            return Err(RuntimeError::invalid(
                name,
                format!("'{target_var}' is not a per-neuron variable that can be written"),
            ))
        }
    };
    let mut b = KernelBuilder::new("poissoninput", Iteration::Range);
    {
        let mut l = Lowerer::new(&mut b, &resolver);
        let w = l
            .vector_expr(&weight_expr)
            .map_err(|d| RuntimeError::model(name, d, &g.sources))?;
        let b = l.builder();
        let count = IrExpr::Rand {
            kind: RandKind::Binomial(Box::new(IrExpr::c(n as f64)), Box::new(IrExpr::c(p))),
            site: b.rand_site(),
        };
        let arr = b.array(target_array.id, target_var, target_array.ty, true);
        let mut stmt = Stmt::Store {
            array: arr,
            index: Index::Elem,
            value: IrExpr::bin(
                BinaryOp::Add,
                IrExpr::Load(arr, Index::Elem),
                IrExpr::bin(BinaryOp::Mul, count, w),
            ),
        };
        if let Some(guard) = target_array.write_guard {
            let nr = b.array(guard, "not_refractory", ElemType::Bool, false);
            stmt = Stmt::If {
                cond: IrExpr::Load(nr, Index::Elem),
                then: vec![stmt],
                otherwise: vec![],
            };
        }
        b.body.push(stmt);
    }
    let kernel = b.finish().compile(core.backend.as_ref(), &core.store)?;
    let clock = core.group(gid).clock;
    core.add_object(ObjectEntry {
        name: name.to_string(),
        when: When::new(options.when.clone(), options.order),
        clock,
        active: true,
        op: Box::new(PoissonInputRunner {
            object: name.to_string(),
            kernel,
            range,
            stream: stream_hash(&[name, "poissoninput"]),
            dt,
        }),
    })?;
    if let Weight::Expression(text) = weight {
        let recheck = super::expression_recheck(name, "weight", text, target_dim);
        core.add_recheck(gid, recheck);
    }
    Ok(())
}
