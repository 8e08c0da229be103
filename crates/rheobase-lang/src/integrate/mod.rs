//! Brian2's integration methods: differential equations -> abstract update statements.
//!
//! The statements of one step run in order. Their shape:
//! - one temporary per noise symbol first, `_xi = randn()` / `_xi_a = randn()` (one normal
//!   number per element and step, shared by every equation using that symbol); the Wiener
//!   increment is `_xi_a*sqrt(dt)` where `dt` is the builtin name;
//! - method temporaries whose names start with `__` (`__k_1_v`, `__x_support_v_xi`,
//!   `__propagator_0`, ...);
//! - one temporary `_v` per state variable holding its new value, computed from old values only;
//! - finally the state variables: `v = _v`, or `v = _select(not_refractory, _v, v)` for an
//!   equation flagged `(unless refractory)` (Brian2's conditional write: a refractory variable
//!   stays exactly unchanged).
//!
//! `(unless refractory)` for the numerical methods (euler, rk2, rk4, heun, milstein) also
//! multiplies the right-hand side by `int(not_refractory)`, as Brian2 does, so intermediate
//! stages see the variable frozen. `exact` and `exponential_euler` solve the unfactored
//! equations (no division by a coefficient that vanishes while refractory) and rely on the
//! final select; where another variable's exact update depends on a refractory one, it gets
//! `_select(not_refractory, <normal>, <with the refractory variables held constant>)`.
//!
//! Diagnostic codes: `integrate::unsupported_method` (the method cannot take these equations;
//! the label points at the offending term, the help names the methods that can),
//! `integrate::unknown_method`, `integrate::nonlinear_noise` (a noise symbol not appearing
//! linearly), `integrate::duplicate_variable`, `integrate::reserved_name` (a state variable
//! named `t`, `dt`, `xi` or `xi_*`).
//!
//! `_select(cond, a, b)` is a function call the runtime lowers to a select (see
//! [`crate::symbolic::functions::SELECT`]). The other functions emitted are Brian2's: `randn`,
//! `sqrt`, `int`, `exp`, `exprel`, `abs`, and for coupled pairs `cosh`, `cos`, `sinh`, `sin`;
//! conditions use `<` and `>`.

mod coupled;
mod exact;
mod explicit;
mod exponential_euler;
mod from_equations;
mod propagator;
mod system;

#[cfg(test)]
mod tests;

use crate::ast::Expr;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use std::fmt;
use std::str::FromStr;

pub use propagator::{entry_names, expm, propagate, LinearSystem};
pub use system::is_noise_symbol;

/// One differential equation `d var/dt = rhs`.
#[derive(Clone, Debug, PartialEq)]
pub struct Ode {
    pub var: String,
    /// Right-hand side with subexpressions already inlined by the caller.
    pub rhs: Expr,
    pub unless_refractory: bool,
    /// The equation's line, for diagnostics.
    pub span: Span,
}

/// The differential equations of one group. Names whose values may change during a step are
/// the state variables and `t`; every other name is constant over a step.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct OdeSystem {
    pub odes: Vec<Ode>,
    /// Functions whose value is constant over one step even when called with `t` (Brian2's
    /// "constant over dt" functions, e.g. a `TimedArray` whose dt is a multiple of the clock's).
    /// A call to one of them does not make `exact` refuse a time dependence.
    pub step_constant_functions: Vec<String>,
}

impl OdeSystem {
    pub fn new(odes: Vec<Ode>) -> OdeSystem {
        OdeSystem {
            odes,
            step_constant_functions: Vec::new(),
        }
    }
}

/// Brian2's state update methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Euler,
    Rk2,
    Rk4,
    Heun,
    Milstein,
    ExponentialEuler,
    /// Also called `linear` in Brian2.
    Exact,
}

impl Method {
    pub const ALL: [Method; 7] = [
        Method::Exact,
        Method::ExponentialEuler,
        Method::Euler,
        Method::Rk2,
        Method::Rk4,
        Method::Heun,
        Method::Milstein,
    ];

    /// Brian2's default choice, tried in order.
    pub const DEFAULT_ORDER: [Method; 3] = [Method::Exact, Method::Euler, Method::Heun];

    /// Brian2's name of the method.
    pub fn name(self) -> &'static str {
        match self {
            Method::Euler => "euler",
            Method::Rk2 => "rk2",
            Method::Rk4 => "rk4",
            Method::Heun => "heun",
            Method::Milstein => "milstein",
            Method::ExponentialEuler => "exponential_euler",
            Method::Exact => "exact",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Method {
    type Err = Diagnostic;

    /// Brian2's names, case-insensitive; `linear` is `exact`.
    fn from_str(s: &str) -> Result<Method, Diagnostic> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "euler" => Method::Euler,
            "rk2" => Method::Rk2,
            "rk4" => Method::Rk4,
            "heun" => Method::Heun,
            "milstein" => Method::Milstein,
            "exponential_euler" => Method::ExponentialEuler,
            "exact" | "linear" => Method::Exact,
            other => {
                let note = if other == "independent" {
                    " ('independent' is deprecated in Brian2 and not supported)"
                } else {
                    ""
                };
                return Err(Diagnostic::error(
                    "integrate::unknown_method",
                    format!("no state updater with the name '{s}' is known{note}"),
                )
                .with_help(
                    "use one of: exact (linear), exponential_euler, euler, rk2, rk4, heun, milstein",
                ));
            }
        })
    }
}

/// One abstract statement `target = expr`. Temporaries (`is_temp`) start with `_`.
#[derive(Clone, Debug, PartialEq)]
pub struct AbstractStatement {
    pub target: String,
    pub expr: Expr,
    pub is_temp: bool,
}

impl AbstractStatement {
    pub(crate) fn temp(target: impl Into<String>, expr: Expr) -> AbstractStatement {
        AbstractStatement {
            target: target.into(),
            expr,
            is_temp: true,
        }
    }
}

impl fmt::Display for AbstractStatement {
    /// `target = expr`, as Brian2 prints abstract code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.target, self.expr)
    }
}

/// Why a method cannot take a system (becomes `integrate::unsupported_method`), or a problem
/// with the equations themselves (returned as is).
#[derive(Clone, Debug)]
pub(crate) enum Failure {
    Unsupported {
        reason: String,
        /// A short note under the offending term.
        label: &'static str,
        span: Span,
    },
    Model(Diagnostic),
}

impl Failure {
    pub(crate) fn unsupported(reason: impl Into<String>, span: Span) -> Failure {
        Failure::Unsupported {
            reason: reason.into(),
            label: "cannot be integrated with this method",
            span,
        }
    }

    /// Replaces the note under the offending term.
    pub(crate) fn labelled(self, note: &'static str) -> Failure {
        match self {
            Failure::Unsupported { reason, span, .. } => Failure::Unsupported {
                reason,
                label: note,
                span,
            },
            other => other,
        }
    }
}

/// How strictly `exact` follows Brian2 (see [`choose_method`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Choice {
    /// The method was asked for by name: solve whatever we can solve exactly.
    Explicit,
    /// Automatic choice: refuse what Brian2's `exact` refuses, so the same method is picked.
    Automatic,
}

fn integrate_inner(
    sys: &OdeSystem,
    method: Method,
    choice: Choice,
) -> Result<Vec<AbstractStatement>, Failure> {
    let prepared = system::Prepared::new(sys)?;
    match method {
        Method::Euler => explicit::euler(&prepared),
        Method::Rk2 => explicit::rk2(&prepared),
        Method::Rk4 => explicit::rk4(&prepared),
        Method::Heun => explicit::heun(&prepared),
        Method::Milstein => explicit::milstein(&prepared),
        Method::ExponentialEuler => exponential_euler::integrate(&prepared),
        Method::Exact => exact::integrate(&prepared, choice),
    }
}

/// The statements of one integration step of `sys` with `method` (see the module notes for
/// their shape). A method that cannot take the system gives `integrate::unsupported_method`,
/// pointing at the offending term and naming the methods that could.
pub fn integrate(sys: &OdeSystem, method: Method) -> Result<Vec<AbstractStatement>, Diagnostic> {
    match integrate_inner(sys, method, Choice::Explicit) {
        Ok(statements) => Ok(statements),
        Err(Failure::Model(d)) => Err(d),
        Err(Failure::Unsupported {
            reason,
            label,
            span,
        }) => {
            let others: Vec<&str> = Method::ALL
                .iter()
                .filter(|m| **m != method && integrate_inner(sys, **m, Choice::Explicit).is_ok())
                .map(|m| m.name())
                .collect();
            let help = if others.is_empty() {
                "no integration method can take these equations".to_string()
            } else {
                format!(
                    "methods that can integrate these equations: {}",
                    others.join(", ")
                )
            };
            Err(Diagnostic::error(
                "integrate::unsupported_method",
                format!("cannot integrate with '{method}': {reason}"),
            )
            .with_primary(span, label)
            .with_help(help))
        }
    }
}

/// Brian2's automatic choice: the first of exact, euler, heun that can take the system.
///
/// Here `exact` refuses, as Brian2's does, systems whose matrix is singular (a variable without
/// decay, like `dv/dt = I/C`), so that the same method is picked; asked for by name, `exact`
/// solves those too.
pub fn choose_method(sys: &OdeSystem) -> Result<(Method, Vec<AbstractStatement>), Diagnostic> {
    let mut last = None;
    for method in Method::DEFAULT_ORDER {
        match integrate_inner(sys, method, Choice::Automatic) {
            Ok(statements) => {
                log::info!("No numerical integration method specified, using method '{method}'.");
                return Ok((method, statements));
            }
            Err(Failure::Model(d)) => return Err(d),
            Err(Failure::Unsupported { reason, span, .. }) => last = Some((reason, span)),
        }
    }
    let (reason, span) = last.unwrap_or_default();
    Err(Diagnostic::error(
        "integrate::unsupported_method",
        "no state updater that is suitable for the given equations has been found",
    )
    .with_primary(span, format!("heun: {reason}"))
    .with_help("tried exact, euler and heun; give a method explicitly, e.g. method='milstein'"))
}
