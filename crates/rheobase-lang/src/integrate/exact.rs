//! `exact` (Brian2's `linear`): closed-form solution of linear equations with constant
//! coefficients, `dx_i/dt = a_i x_i + Σ_j c_ij x_j + b_i`, where `a`, `c`, `b` read neither a
//! state variable nor `t`.
//!
//! Supported: systems that are triangular after reordering (each variable depends only on
//! itself and on variables solved before it: LIF, CUBA, alpha and bi-exponential synapses),
//! plus coupled pairs (a LIF with linear adaptation; see `coupled`) driven by constants and by
//! variables that are single exponentials (pure decays), as long as no other variable reads
//! the pair. Other coupled systems are refused with "not yet supported"; Brian2 solves them
//! with a symbolic matrix exponential.
//!
//! Method (variation of constants, Laplace view): over one step every variable is a sum of
//! terms `coef * E[Λ](s)`, where `E[Λ](s)` is the divided difference over the multiset of rates
//! `Λ` of `λ -> exp(λ s)`. A variable's own value contributes `x_i E[a_i]`, a constant input
//! `b_i E[a_i, 0]`, and an input `c_ij x_j(s)` contributes each term of `x_j` with `a_i` added
//! to its `Λ` (convolving with `exp(a_i s)` adds a node). Closed forms at `s = dt`:
//! - one distinct rate `μ` taken `m` times: `dt**(m-1)/(m-1)! * exp(μ dt)` (equal time constants
//!   that are the same expression give the `t*exp` form directly);
//! - two distinct rates: `dt*exp(μ dt)*exprel((ν-μ) dt)`, finite and exact even when `μ == ν`
//!   at run time (different parameters with equal values), and `dt*exprel(ν dt)` for `μ == 0`;
//! - more: the divided-difference recursion, guarded by
//!   `_select(abs((ν-μ)*dt) < 1e-5, <both nodes at their mean>, <recursion>)`; the guard's
//!   relative error is below about 1e-10.
//!
//! Rates are compared with [`crate::symbolic::same_value`].

use super::coupled::Block;
use super::system::Prepared;
use super::{AbstractStatement, Choice, Failure};
use crate::ast::{BinOp, Expr, ExprKind};
use crate::span::Span;
use crate::symbolic::functions::{is_random, SELECT};
use crate::symbolic::simplify::{add, call, div, float, is_number, mul, pow, sub, sum};
use crate::symbolic::substitute::calls;
use crate::symbolic::{is_zero, same_structure, same_value, split_linear};

/// Relative closeness of two rates (times dt) below which the recursion is replaced by its
/// confluent limit.
const CONFLUENT_GUARD: f64 = 1e-5;

pub(super) struct Linear {
    /// `a_i`, the coefficient of `x_i` in its own equation (may be the literal 0).
    pub(super) rate: Vec<Expr>,
    /// `(j, c_ij)` for the other variables with a non-zero coefficient.
    pub(super) inputs: Vec<Vec<(usize, Expr)>>,
    /// `b_i` when non-zero.
    pub(super) constant: Vec<Option<Expr>>,
}

/// How the variables are solved: triangular ones in `order`, coupled pairs in `blocks`.
struct Plan {
    order: Vec<usize>,
    blocks: Vec<(usize, usize)>,
}

type Term = (Expr, Vec<Expr>);

pub(super) fn integrate(p: &Prepared, choice: Choice) -> Result<Vec<AbstractStatement>, Failure> {
    if p.is_stochastic() {
        return Err(Failure::unsupported(
            "this method cannot integrate stochastic equations",
            p.first_noise_use(),
        )
        .labelled("noise used here"));
    }
    let lin = linear_system(p)?;
    match closed_form(p, &lin, choice)? {
        Some(statements) => Ok(statements),
        None => {
            if choice == Choice::Automatic {
                super::propagator::check_brian2_solvable(p, &lin)?;
            }
            Ok(super::propagator::statements(p, &lin))
        }
    }
}

/// The closed-form solution, or `None` where only the numeric propagator can solve the system.
fn closed_form(
    p: &Prepared,
    lin: &Linear,
    choice: Choice,
) -> Result<Option<Vec<AbstractStatement>>, Failure> {
    let none_frozen = vec![false; p.eqs.len()];
    let Ok(plan) = plan(p, lin, &none_frozen) else {
        return Ok(None);
    };
    if choice == Choice::Automatic {
        if let Some(&i) = plan.order.iter().find(|&&i| is_number(&lin.rate[i], 0.0)) {
            return Err(Failure::unsupported(
                format!(
                    "'{}' does not decay (Brian2's exact solver needs an invertible matrix)",
                    p.eqs[i].var
                ),
                p.eqs[i].rhs.span,
            )
            .labelled("no decay term"));
        }
    }
    for &(i, j) in &plan.blocks {
        match Block::new(i, j, lin).check(p, choice) {
            Ok(()) => {}
            Err(_) if choice == Choice::Explicit => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    if check_depth(p, lin, &plan.order).is_err() {
        return Ok(None);
    }
    let mut propagators = Propagators::default();
    let normal = solve(p, lin, &plan, &none_frozen, &mut propagators);
    let frozen_flags: Vec<bool> = p.eqs.iter().map(|e| e.unless_refractory).collect();
    let frozen = if frozen_flags.iter().any(|f| *f) {
        let Ok(frozen_plan) = plan_frozen(p, lin, &frozen_flags) else {
            return Ok(None);
        };
        Some(solve(p, lin, &frozen_plan, &frozen_flags, &mut propagators))
    } else {
        None
    };

    let mut statements: Vec<AbstractStatement> = propagators
        .0
        .into_iter()
        .map(|(expr, name)| AbstractStatement::temp(name, expr))
        .collect();
    for (i, eq) in p.eqs.iter().enumerate() {
        let s = eq.rhs.span;
        let mut value = normal[i].clone();
        if let Some(frozen) = &frozen {
            // A variable that is not refractory itself but is driven by one: while refractory,
            // the driver is held constant (Brian2 multiplies its equation by not_refractory).
            if !eq.unless_refractory && !same_structure(&frozen[i], &value) {
                value = call(
                    SELECT,
                    vec![Expr::name("not_refractory", s), value, frozen[i].clone()],
                    s,
                );
            }
        }
        statements.push(AbstractStatement::temp(format!("_{}", eq.var), value));
    }
    statements.extend(p.final_assignments());
    Ok(Some(statements))
}

fn check_constant(p: &Prepared, e: &Expr, var: &str) -> Result<(), Failure> {
    if let Some(span) = p.state_use(e) {
        return Err(Failure::unsupported(
            format!(
                "the equation of '{var}' is not linear (a coefficient depends on a state variable)"
            ),
            span,
        )
        .labelled("depends on a state variable"));
    }
    if let Some(span) = p.time_use(e) {
        return Err(Failure::unsupported(
            format!("the equation of '{var}' depends on t (not constant over a time step)"),
            span,
        )
        .labelled("depends on t"));
    }
    if calls(e, &is_random) {
        return Err(Failure::unsupported(
            format!("the equation of '{var}' calls a random function"),
            e.span,
        )
        .labelled("random function"));
    }
    Ok(())
}

fn linear_system(p: &Prepared) -> Result<Linear, Failure> {
    let n = p.eqs.len();
    let mut lin = Linear {
        rate: Vec::with_capacity(n),
        inputs: vec![Vec::new(); n],
        constant: Vec::with_capacity(n),
    };
    for (i, eq) in p.eqs.iter().enumerate() {
        let mut rest = eq.f.clone();
        let mut coefficients = Vec::with_capacity(n);
        for other in &p.eqs {
            let (c, r) = split_linear(&rest, &other.var).map_err(|span| {
                Failure::unsupported(
                    format!(
                        "the equation of '{}' is not linear in '{}'",
                        eq.var, other.var
                    ),
                    span,
                )
                .labelled("not linear")
            })?;
            check_constant(p, &c, &eq.var)?;
            coefficients.push(c);
            rest = r;
        }
        check_constant(p, &rest, &eq.var)?;
        for (j, c) in coefficients.into_iter().enumerate() {
            if j == i {
                lin.rate
                    .push(if is_zero(&c) { float(0.0, c.span) } else { c });
            } else if !is_zero(&c) {
                lin.inputs[i].push((j, c));
            }
        }
        lin.constant.push((!is_zero(&rest)).then_some(rest));
    }
    Ok(lin)
}

/// The inputs of variable `i` that matter: none for a variable held constant.
fn inputs<'l>(lin: &'l Linear, frozen: &[bool], i: usize) -> &'l [(usize, Expr)] {
    if frozen[i] {
        &[]
    } else {
        &lin.inputs[i]
    }
}

/// An order in which every variable comes after the variables it depends on, with coupled
/// pairs that neither take input from nor give input to other variables set apart.
fn plan(p: &Prepared, lin: &Linear, frozen: &[bool]) -> Result<Plan, Failure> {
    let n = p.eqs.len();
    let mut done = vec![false; n];
    let mut plan = Plan {
        order: Vec::with_capacity(n),
        blocks: Vec::new(),
    };
    let reads = |i: usize, j: usize| inputs(lin, frozen, i).iter().any(|(k, _)| *k == j);
    // A variable that may drive a coupled pair: one whose solution is a single exponential
    // (a pure decay, or held constant), solved before the pair.
    let single_exponential =
        |k: usize| inputs(lin, frozen, k).is_empty() && (frozen[k] || lin.constant[k].is_none());
    while done.iter().any(|d| !d) {
        let next =
            (0..n).find(|&i| !done[i] && inputs(lin, frozen, i).iter().all(|(j, _)| done[*j]));
        if let Some(i) = next {
            done[i] = true;
            plan.order.push(i);
            continue;
        }
        let drives = |k: usize| done[k] && single_exponential(k);
        let isolated_pair = (0..n)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .find(|&(i, j)| {
                i < j
                    && !done[i]
                    && !done[j]
                    && reads(i, j)
                    && reads(j, i)
                    && inputs(lin, frozen, i)
                        .iter()
                        .all(|(k, _)| *k == j || drives(*k))
                    && inputs(lin, frozen, j)
                        .iter()
                        .all(|(k, _)| *k == i || drives(*k))
                    && (0..n).all(|k| k == i || k == j || (!reads(k, i) && !reads(k, j)))
            });
        if let Some((i, j)) = isolated_pair {
            done[i] = true;
            done[j] = true;
            plan.blocks.push((i, j));
            continue;
        }
        let i = (0..n).find(|&i| !done[i]).unwrap_or(0);
        let (j, c) = inputs(lin, frozen, i)
            .iter()
            .find(|(j, _)| !done[*j])
            .cloned()
            .unwrap_or((i, p.eqs[i].rhs.clone()));
        return Err(Failure::unsupported(
            format!(
                "not yet supported: coupled linear system ('{}' and '{}' depend on each other, \
                 and more than two variables are coupled, or the pair drives other variables \
                 or is driven by one that is not a single exponential); use rk4 or \
                 exponential_euler",
                p.eqs[i].var, p.eqs[j].var
            ),
            c.span,
        )
        .labelled("coupling term"));
    }
    Ok(plan)
}

/// The plan with the refractory variables held constant.
fn plan_frozen(p: &Prepared, lin: &Linear, frozen: &[bool]) -> Result<Plan, Failure> {
    let plan = plan(p, lin, frozen)?;
    for &(i, j) in &plan.blocks {
        Block::new(i, j, lin).check(p, Choice::Explicit)?;
    }
    Ok(plan)
}

/// The longest chain of rates in one term that we expand symbolically (the closed forms grow
/// exponentially with it).
const MAX_CHAIN: usize = 6;

/// Refuses chains too deep for the symbolic closed form.
fn check_depth(p: &Prepared, lin: &Linear, order: &[usize]) -> Result<(), Failure> {
    let mut depth = vec![0usize; p.eqs.len()];
    for &i in order {
        let inputs = lin.inputs[i]
            .iter()
            .map(|(j, _)| depth[*j])
            .max()
            .unwrap_or(0);
        let constant = usize::from(lin.constant[i].is_some());
        depth[i] = 1 + inputs.max(constant);
        if depth[i] > MAX_CHAIN {
            return Err(Failure::unsupported(
                format!(
                    "not yet supported: a chain of more than {MAX_CHAIN} linear equations \
                     driving each other"
                ),
                p.eqs[i].rhs.span,
            )
            .labelled("end of the chain"));
        }
    }
    Ok(())
}

/// The new value of every variable; variables flagged in `frozen` are held constant.
fn solve(
    p: &Prepared,
    lin: &Linear,
    plan: &Plan,
    frozen: &[bool],
    propagators: &mut Propagators,
) -> Vec<Expr> {
    let n = p.eqs.len();
    let mut terms: Vec<Vec<Term>> = vec![Vec::new(); n];
    let mut block_values: Vec<Option<Expr>> = vec![None; n];
    for &i in &plan.order {
        let s = p.eqs[i].rhs.span;
        let x = Expr::name(p.eqs[i].var.clone(), s);
        if frozen[i] {
            terms[i] = vec![(x, vec![float(0.0, s)])];
            continue;
        }
        let a = lin.rate[i].clone();
        let mut own = vec![(x, vec![a.clone()])];
        if let Some(b) = &lin.constant[i] {
            push_term(&mut own, (b.clone(), vec![a.clone(), float(0.0, s)]));
        }
        for (j, c) in &lin.inputs[i] {
            for (coef, nodes) in &terms[*j] {
                let mut nodes = nodes.clone();
                nodes.push(a.clone());
                push_term(&mut own, (mul(c.clone(), coef.clone(), s), nodes));
            }
        }
        terms[i] = own;
    }
    // Pairs last: they read only single-exponential variables solved above (see `plan`).
    for &(i, j) in &plan.blocks {
        let mut drive = Vec::new();
        for (side, k) in [(0, i), (1, j)] {
            for (m, c) in inputs(lin, frozen, k) {
                if *m == i || *m == j {
                    continue;
                }
                for (coef, nodes) in &terms[*m] {
                    let span = c.span;
                    let rate = nodes.first().cloned().unwrap_or_else(|| float(0.0, span));
                    drive.push((side, mul(c.clone(), coef.clone(), span), rate));
                }
            }
        }
        let (new_i, new_j) = Block::new(i, j, lin).solve(p, &drive, propagators);
        block_values[i] = Some(new_i);
        block_values[j] = Some(new_j);
    }
    (0..n)
        .map(|i| {
            if let Some(value) = block_values[i].take() {
                return value;
            }
            let s = p.eqs[i].rhs.span;
            sum(
                terms[i].iter().map(|(coef, nodes)| {
                    mul(coef.clone(), propagators.temp(propagator(nodes, s)), s)
                }),
                s,
            )
        })
        .collect()
}

/// The propagator factors (`exp(a*dt)`, `dt*exprel(a*dt)`, ...) as shared temporaries
/// `__propagator_<n>`: each is computed once per step, and as it reads no state variable the
/// runtime may hoist it out of the element loop when its parameters are shared.
#[derive(Default)]
pub(super) struct Propagators(Vec<(Expr, String)>);

impl Propagators {
    pub(super) fn temp(&mut self, e: Expr) -> Expr {
        if matches!(
            e.kind,
            ExprKind::Name(_) | ExprKind::Float(_) | ExprKind::Int(_)
        ) {
            return e;
        }
        let span = e.span;
        if let Some((_, name)) = self.0.iter().find(|(x, _)| same_structure(x, &e)) {
            return Expr::name(name.clone(), span);
        }
        let name = format!("__propagator_{}", self.0.len());
        self.0.push((e, name.clone()));
        Expr::name(name, span)
    }
}

fn same_multiset(a: &[Expr], b: &[Expr]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    a.iter().all(
        |x| match (0..b.len()).find(|&k| !used[k] && same_value(x, &b[k])) {
            Some(k) => {
                used[k] = true;
                true
            }
            None => false,
        },
    )
}

/// Adds a term, merging it with one that has the same rates.
fn push_term(terms: &mut Vec<Term>, (coef, nodes): Term) {
    if let Some(existing) = terms.iter_mut().find(|(_, n)| same_multiset(n, &nodes)) {
        let span = existing.0.span;
        existing.0 = add(existing.0.clone(), coef, span);
    } else {
        terms.push((coef, nodes));
    }
}

fn is_zero_rate(e: &Expr) -> bool {
    is_number(e, 0.0) || is_zero(e)
}

/// `E[nodes](dt)`: the divided difference of `λ -> exp(λ dt)` over the rates.
fn propagator(nodes: &[Expr], s: Span) -> Expr {
    let mut groups: Vec<(Expr, usize)> = Vec::new();
    for node in nodes {
        match groups.iter_mut().find(|(g, _)| same_value(g, node)) {
            Some(group) => group.1 += 1,
            None => groups.push((node.clone(), 1)),
        }
    }
    // A zero rate first: it makes the closed forms cheaper.
    groups.sort_by_key(|(g, _)| !is_zero_rate(g));
    divided_difference(&groups, s)
}

fn dt(s: Span) -> Expr {
    Expr::name("dt", s)
}

fn divided_difference(groups: &[(Expr, usize)], s: Span) -> Expr {
    match groups {
        [] => float(0.0, s),
        [(mu, m)] => {
            let k = m - 1;
            let factorial: f64 = (1..=k).map(|j| j as f64).product();
            let power = div(pow(dt(s), float(k as f64, s), s), float(factorial, s), s);
            if is_zero_rate(mu) {
                power
            } else {
                mul(power, call("exp", vec![mul(mu.clone(), dt(s), s)], s), s)
            }
        }
        [(mu, 1), (nu, 1)] => {
            let relative = mul(sub(nu.clone(), mu.clone(), s), dt(s), s);
            let ramp = mul(dt(s), call("exprel", vec![relative], s), s);
            if is_zero_rate(mu) {
                ramp
            } else {
                mul(call("exp", vec![mul(mu.clone(), dt(s), s)], s), ramp, s)
            }
        }
        _ => {
            let (first, last) = (groups[0].0.clone(), groups[1].0.clone());
            let without = |g: usize| -> Vec<(Expr, usize)> {
                let mut out = groups.to_vec();
                out[g].1 -= 1;
                out.retain(|(_, m)| *m > 0);
                out
            };
            let recursion = div(
                sub(
                    divided_difference(&without(0), s),
                    divided_difference(&without(1), s),
                    s,
                ),
                sub(last.clone(), first.clone(), s),
                s,
            );
            let mean = div(add(first.clone(), last.clone(), s), float(2.0, s), s);
            let mut merged = vec![(mean, groups[0].1 + groups[1].1)];
            merged.extend(groups[2..].iter().cloned());
            let confluent = divided_difference(&merged, s);
            let close = Expr::binary(
                BinOp::Lt,
                call("abs", vec![mul(sub(last, first, s), dt(s), s)], s),
                float(CONFLUENT_GUARD, s),
                s,
            );
            call(SELECT, vec![close, confluent, recursion], s)
        }
    }
}
