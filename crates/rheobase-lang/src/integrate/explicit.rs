//! Brian2's explicit methods: euler, rk2, rk4 and the stochastic heun and milstein, written out
//! from Brian2's state updater descriptions (`f` is the deterministic part of an equation, `g`
//! the factor of one noise symbol, `dW = _xi*sqrt(dt)`):
//!
//! - euler:    `x_new = x + dt*f(x,t) + g(x,t)*dW` (additive noise only)
//! - rk2:      `k = dt*f(x,t)`; `x_new = x + dt*f(x + k/2, t + dt/2)`
//! - rk4:      the classical four stages
//! - heun:     `x_support = x + g(x,t)*dW`; `g_support = g(x_support, t+dt)`;
//!   `x_new = x + dt*f(x,t) + 0.5*dW*(g(x,t) + g_support)` (Stratonovich). Its deterministic
//!   part is forward Euler, so heun is first order on equations without noise, as in Brian2.
//! - milstein: derivative-free Milstein for diagonal noise, `x_support = x + dt*f + sqrt(dt)*g`;
//!   `g_support = g(x_support, t)`; `k = (g_support - g)*dW**2/(2*sqrt(dt))`;
//!   `x_new = x + dt*f + g*dW + k`. Like Brian2's, it uses `dW**2` (not `dW**2 - dt`), which is
//!   the Stratonovich form; Brian2 interprets multiplicative noise in the Stratonovich sense.

use super::system::Prepared;
use super::{AbstractStatement, Failure};
use crate::ast::Expr;
use crate::span::Span;
use crate::symbolic::depends_on;
use crate::symbolic::simplify::{add, div, float, mul, sub, sum};

fn name(n: String, span: Span) -> Expr {
    Expr::name(n, span)
}

fn dt(span: Span) -> Expr {
    Expr::name("dt", span)
}

/// The deterministic part of equation `i` (with the refractory factor) at a point and time.
fn f_at(p: &Prepared, i: usize, point: &dyn Fn(usize) -> Expr, time: Option<&Expr>) -> Expr {
    p.at(&p.refractory_factor(i, p.eqs[i].f.clone()), point, time)
}

/// The factor of noise term `j` of equation `i` (with the refractory factor).
fn g_at(
    p: &Prepared,
    i: usize,
    j: usize,
    point: &dyn Fn(usize) -> Expr,
    time: Option<&Expr>,
) -> Expr {
    p.at(
        &p.refractory_factor(i, p.eqs[i].noise[j].1.clone()),
        point,
        time,
    )
}

fn old<'p>(p: &'p Prepared<'p>) -> impl Fn(usize) -> Expr + 'p {
    move |j| name(p.eqs[j].var.clone(), p.eqs[j].rhs.span)
}

fn refuse_noise(p: &Prepared) -> Result<(), Failure> {
    if p.is_stochastic() {
        return Err(Failure::unsupported(
            "this method cannot integrate stochastic equations",
            p.first_noise_use(),
        )
        .labelled("noise used here"));
    }
    Ok(())
}

fn finish(
    p: &Prepared,
    mut statements: Vec<AbstractStatement>,
    new_values: Vec<Expr>,
) -> Vec<AbstractStatement> {
    for (eq, value) in p.eqs.iter().zip(new_values) {
        statements.push(AbstractStatement::temp(format!("_{}", eq.var), value));
    }
    statements.extend(p.final_assignments());
    statements
}

/// Forward Euler (Euler–Maruyama for additive noise).
pub(super) fn euler(p: &Prepared) -> Result<Vec<AbstractStatement>, Failure> {
    for eq in &p.eqs {
        for (_, g) in &eq.noise {
            if let Some(span) = p.state_use(g).or_else(|| p.time_use(g)) {
                return Err(Failure::unsupported(
                    "multiplicative noise (the noise factor depends on a state variable or on t)",
                    span,
                )
                .labelled("the noise factor depends on this"));
            }
        }
    }
    let statements = p.noise_statements();
    let x = old(p);
    let new_values = (0..p.eqs.len())
        .map(|i| {
            let s = p.eqs[i].rhs.span;
            let mut terms = vec![x(i), mul(dt(s), f_at(p, i, &x, None), s)];
            for j in 0..p.eqs[i].noise.len() {
                let k = p.eqs[i].noise[j].0;
                terms.push(mul(g_at(p, i, j, &x, None), p.dw(k, s), s));
            }
            sum(terms, s)
        })
        .collect();
    Ok(finish(p, statements, new_values))
}

/// Midpoint method.
pub(super) fn rk2(p: &Prepared) -> Result<Vec<AbstractStatement>, Failure> {
    refuse_noise(p)?;
    let x = old(p);
    let k = |i: usize| format!("__k_{}", p.eqs[i].var);
    let mut statements = Vec::new();
    for i in 0..p.eqs.len() {
        let s = p.eqs[i].rhs.span;
        statements.push(AbstractStatement::temp(
            k(i),
            mul(dt(s), f_at(p, i, &x, None), s),
        ));
    }
    let half = |i: usize| {
        let s = p.eqs[i].rhs.span;
        add(x(i), div(name(k(i), s), float(2.0, s), s), s)
    };
    let new_values = (0..p.eqs.len())
        .map(|i| {
            let s = p.eqs[i].rhs.span;
            let t_half = add(Expr::name("t", s), div(dt(s), float(2.0, s), s), s);
            add(x(i), mul(dt(s), f_at(p, i, &half, Some(&t_half)), s), s)
        })
        .collect();
    Ok(finish(p, statements, new_values))
}

/// The classical fourth-order Runge–Kutta method.
pub(super) fn rk4(p: &Prepared) -> Result<Vec<AbstractStatement>, Failure> {
    refuse_noise(p)?;
    let x = old(p);
    let k = |stage: usize, i: usize| format!("__k_{stage}_{}", p.eqs[i].var);
    let mut statements = Vec::new();
    // (stage, fraction of the previous k added to x, fraction of dt added to t)
    for (stage, frac) in [(1, 0.0), (2, 0.5), (3, 0.5), (4, 1.0)] {
        let point = |j: usize| {
            let s = p.eqs[j].rhs.span;
            if stage == 1 {
                x(j)
            } else {
                add(x(j), mul(float(frac, s), name(k(stage - 1, j), s), s), s)
            }
        };
        for i in 0..p.eqs.len() {
            let s = p.eqs[i].rhs.span;
            let time =
                (stage > 1).then(|| add(Expr::name("t", s), mul(float(frac, s), dt(s), s), s));
            statements.push(AbstractStatement::temp(
                k(stage, i),
                mul(dt(s), f_at(p, i, &point, time.as_ref()), s),
            ));
        }
    }
    let new_values = (0..p.eqs.len())
        .map(|i| {
            let s = p.eqs[i].rhs.span;
            let weighted = sum(
                [
                    name(k(1, i), s),
                    mul(float(2.0, s), name(k(2, i), s), s),
                    mul(float(2.0, s), name(k(3, i), s), s),
                    name(k(4, i), s),
                ],
                s,
            );
            add(x(i), div(weighted, float(6.0, s), s), s)
        })
        .collect();
    Ok(finish(p, statements, new_values))
}

/// Index into `p.eqs[i].noise` of noise symbol `k`, if equation `i` uses it.
fn noise_term(p: &Prepared, i: usize, k: usize) -> Option<usize> {
    p.eqs[i].noise.iter().position(|(kk, _)| *kk == k)
}

fn support_name(p: &Prepared, what: &str, i: usize, k: usize) -> String {
    format!("__{what}_{}_{}", p.eqs[i].var, p.noise[k])
}

/// Stochastic Heun (Stratonovich), any noise.
pub(super) fn heun(p: &Prepared) -> Result<Vec<AbstractStatement>, Failure> {
    let x = old(p);
    let mut statements = p.noise_statements();
    let n = p.eqs.len();
    for k in 0..p.noise.len() {
        for i in 0..n {
            if let Some(j) = noise_term(p, i, k) {
                let s = p.eqs[i].rhs.span;
                let value = add(x(i), mul(g_at(p, i, j, &x, None), p.dw(k, s), s), s);
                statements.push(AbstractStatement::temp(
                    support_name(p, "x_support", i, k),
                    value,
                ));
            }
        }
    }
    for k in 0..p.noise.len() {
        let support = |m: usize| match noise_term(p, m, k) {
            Some(_) => name(support_name(p, "x_support", m, k), p.eqs[m].rhs.span),
            None => x(m),
        };
        for i in 0..n {
            if let Some(j) = noise_term(p, i, k) {
                let s = p.eqs[i].rhs.span;
                let t_next = add(Expr::name("t", s), dt(s), s);
                statements.push(AbstractStatement::temp(
                    support_name(p, "g_support", i, k),
                    g_at(p, i, j, &support, Some(&t_next)),
                ));
            }
        }
    }
    let new_values = (0..n)
        .map(|i| {
            let s = p.eqs[i].rhs.span;
            let mut terms = vec![x(i), mul(dt(s), f_at(p, i, &x, None), s)];
            for (j, &(k, _)) in p.eqs[i].noise.iter().enumerate() {
                let g_both = add(
                    g_at(p, i, j, &x, None),
                    name(support_name(p, "g_support", i, k), s),
                    s,
                );
                terms.push(mul(mul(float(0.5, s), p.dw(k, s), s), g_both, s));
            }
            sum(terms, s)
        })
        .collect();
    Ok(finish(p, statements, new_values))
}

/// Derivative-free Milstein, diagonal noise only (each equation at most one noise symbol, each
/// noise symbol in at most one equation).
pub(super) fn milstein(p: &Prepared) -> Result<Vec<AbstractStatement>, Failure> {
    for (i, eq) in p.eqs.iter().enumerate() {
        if eq.noise.len() > 1 {
            return Err(Failure::unsupported(
                "non-diagonal noise (this equation uses more than one noise symbol)",
                eq.rhs.span,
            )
            .labelled("more than one noise symbol"));
        }
        if let Some(&(k, _)) = eq.noise.first() {
            if let Some(other) = (0..p.eqs.len()).find(|&m| m != i && noise_term(p, m, k).is_some())
            {
                return Err(Failure::unsupported(
                    format!(
                        "non-diagonal noise ('{}' is used by the equations of '{}' and '{}')",
                        p.noise[k], eq.var, p.eqs[other].var
                    ),
                    p.eqs[other].rhs.span,
                )
                .labelled("also uses the noise symbol"));
            }
        }
    }
    let x = old(p);
    let n = p.eqs.len();
    let mut statements = p.noise_statements();
    let mut new_values = Vec::with_capacity(n);
    for i in 0..n {
        let s = p.eqs[i].rhs.span;
        let deterministic = vec![x(i), mul(dt(s), f_at(p, i, &x, None), s)];
        let Some(&(k, _)) = p.eqs[i].noise.first() else {
            new_values.push(sum(deterministic, s));
            continue;
        };
        // The supporting values of the variables g reads: x + dt*f (+ sqrt(dt)*g for x itself).
        let g = p.eqs[i].noise[0].1.clone();
        for m in 0..n {
            if !depends_on(&g, &p.eqs[m].var) {
                continue;
            }
            let sm = p.eqs[m].rhs.span;
            let mut value = vec![x(m), mul(dt(sm), f_at(p, m, &x, None), sm)];
            if m == i {
                let sqrt_dt = crate::symbolic::simplify::call("sqrt", vec![dt(sm)], sm);
                value.push(mul(sqrt_dt, g_at(p, i, 0, &x, None), sm));
            }
            statements.push(AbstractStatement::temp(
                support_name(p, "x_support", m, k),
                sum(value, sm),
            ));
        }
        let support = |m: usize| {
            if depends_on(&g, &p.eqs[m].var) {
                name(support_name(p, "x_support", m, k), p.eqs[m].rhs.span)
            } else {
                x(m)
            }
        };
        statements.push(AbstractStatement::temp(
            support_name(p, "g_support", i, k),
            g_at(p, i, 0, &support, None),
        ));
        // (g_support - g) * dW**2 / (2*sqrt(dt)) == 0.5*sqrt(dt)*_xi*_xi*(g_support - g)
        let xi = name(p.noise_temp(k), s);
        let sqrt_dt = crate::symbolic::simplify::call("sqrt", vec![dt(s)], s);
        let correction = mul(
            mul(mul(float(0.5, s), sqrt_dt, s), mul(xi.clone(), xi, s), s),
            sub(
                name(support_name(p, "g_support", i, k), s),
                g_at(p, i, 0, &x, None),
                s,
            ),
            s,
        );
        statements.push(AbstractStatement::temp(
            support_name(p, "k", i, k),
            correction,
        ));
        let mut terms = deterministic;
        terms.push(mul(g_at(p, i, 0, &x, None), p.dw(k, s), s));
        terms.push(name(support_name(p, "k", i, k), s));
        new_values.push(sum(terms, s));
    }
    Ok(finish(p, statements, new_values))
}
