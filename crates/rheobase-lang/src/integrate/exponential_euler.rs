//! Brian2's `exponential_euler`: for equations that are conditionally linear (each
//! `dx/dt = A*x + B` with `A`, `B` free of `x` but possibly depending on the other variables),
//! integrate each variable exactly over the step with the others held at their old values.
//!
//! Brian2 writes the step as `x_new = -B/A + (x + B/A)*exp(A*dt)` (with `x*exp(A*dt)` when
//! `B == 0` and `x + dt*B` when `A == 0`). We emit the algebraically identical
//! `x_new = x + dt*f*exprel(A*dt)` with `f = A*x + B` the right-hand side as written: one
//! expression, no division by `A`, so a coefficient that is zero at run time (a conductance of
//! zero, say) gives `x + dt*B` instead of NaN. Results agree with Brian2's to rounding.

use super::system::Prepared;
use super::{AbstractStatement, Failure};
use crate::ast::Expr;
use crate::symbolic::simplify::{add, call, mul};
use crate::symbolic::{is_zero, split_linear};

pub(super) fn integrate(p: &Prepared) -> Result<Vec<AbstractStatement>, Failure> {
    if p.is_stochastic() {
        return Err(Failure::unsupported(
            "this method cannot integrate stochastic equations",
            p.first_noise_use(),
        )
        .labelled("noise used here"));
    }
    let mut statements = Vec::new();
    for eq in &p.eqs {
        let s = eq.rhs.span;
        let (a, _) = split_linear(&eq.f, &eq.var).map_err(|span| {
            Failure::unsupported(
                format!(
                    "the equation of '{}' is not linear in '{}' (only conditionally linear \
                     equations can be integrated with this method)",
                    eq.var, eq.var
                ),
                span,
            )
            .labelled("not linear in the variable")
        })?;
        let x = Expr::name(eq.var.clone(), s);
        let dt = Expr::name("dt", s);
        let step = mul(dt.clone(), eq.f.clone(), s);
        let value = if is_zero(&a) {
            add(x, step, s)
        } else {
            let growth = call("exprel", vec![mul(a, dt, s)], s);
            add(x, mul(step, growth, s), s)
        };
        statements.push(AbstractStatement::temp(format!("_{}", eq.var), value));
    }
    statements.extend(p.final_assignments());
    Ok(statements)
}
