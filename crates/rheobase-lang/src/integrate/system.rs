//! The equations prepared for the methods: deterministic part and noise terms split apart.

use super::{AbstractStatement, Failure, OdeSystem};
use crate::ast::{Expr, ExprKind};
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::symbolic::functions::SELECT;
use crate::symbolic::simplify::{call, mul, simplify};
use crate::symbolic::substitute::{find_name, substitute_with};
use crate::symbolic::{is_zero, split_linear};

/// `xi` and `xi_<name>` are Brian2's noise symbols (unit second**-0.5).
pub fn is_noise_symbol(name: &str) -> bool {
    name == "xi" || name.starts_with("xi_")
}

/// One equation, split into `f + Σ g_k * xi_k`.
#[derive(Clone, Debug)]
pub(crate) struct Equation {
    pub var: String,
    /// Deterministic part (no refractory factor).
    pub f: Expr,
    /// `(index into Prepared::noise, g)` for each noise symbol with a non-zero factor.
    pub noise: Vec<(usize, Expr)>,
    pub unless_refractory: bool,
    /// The whole right-hand side as written (for pointing at it).
    pub rhs: Expr,
}

#[derive(Clone, Debug)]
pub(crate) struct Prepared<'a> {
    pub eqs: Vec<Equation>,
    /// The noise symbols used, sorted by name.
    pub noise: Vec<String>,
    pub step_constant_functions: &'a [String],
}

fn model_error(code: &'static str, message: String, span: Span, label: &str) -> Failure {
    Failure::Model(Diagnostic::error(code, message).with_primary(span, label.to_string()))
}

impl<'a> Prepared<'a> {
    pub fn new(sys: &'a OdeSystem) -> Result<Prepared<'a>, Failure> {
        let mut noise: Vec<String> = Vec::new();
        for (i, ode) in sys.odes.iter().enumerate() {
            if sys.odes[..i].iter().any(|o| o.var == ode.var) {
                return Err(model_error(
                    "integrate::duplicate_variable",
                    format!("'{}' has more than one differential equation", ode.var),
                    ode.span,
                    "second definition",
                ));
            }
            if is_noise_symbol(&ode.var) || matches!(ode.var.as_str(), "t" | "dt") {
                return Err(model_error(
                    "integrate::reserved_name",
                    format!(
                        "'{}' is a reserved name and cannot be a state variable",
                        ode.var
                    ),
                    ode.span,
                    "reserved name",
                ));
            }
            for name in ode.rhs.names() {
                if is_noise_symbol(name) && !noise.iter().any(|n| n == name) {
                    noise.push(name.to_string());
                }
            }
        }
        noise.sort();

        let mut eqs = Vec::with_capacity(sys.odes.len());
        for ode in &sys.odes {
            let mut rest = ode.rhs.clone();
            let mut terms = Vec::new();
            for (k, xi) in noise.iter().enumerate() {
                let (g, r) = split_linear(&rest, xi).map_err(|span| {
                    model_error(
                        "integrate::nonlinear_noise",
                        format!(
                            "the noise '{xi}' must appear linearly in the equation of '{}'",
                            ode.var
                        ),
                        span,
                        "noise used non-linearly here",
                    )
                })?;
                rest = r;
                if !is_zero(&g) {
                    terms.push((k, g));
                }
            }
            for (_, g) in &terms {
                if let Some(span) = find_name(g, &is_noise_symbol) {
                    return Err(model_error(
                        "integrate::nonlinear_noise",
                        format!(
                            "noise symbols are multiplied together in the equation of '{}'",
                            ode.var
                        ),
                        span,
                        "product of noise symbols",
                    ));
                }
            }
            eqs.push(Equation {
                var: ode.var.clone(),
                f: simplify(&rest),
                noise: terms,
                unless_refractory: ode.unless_refractory,
                rhs: ode.rhs.clone(),
            });
        }
        Ok(Prepared {
            eqs,
            noise,
            step_constant_functions: &sys.step_constant_functions,
        })
    }

    pub fn is_state(&self, name: &str) -> bool {
        self.eqs.iter().any(|e| e.var == name)
    }

    pub fn is_stochastic(&self) -> bool {
        !self.noise.is_empty()
    }

    /// Where the first noise symbol is used, for refusing stochastic equations.
    pub fn first_noise_use(&self) -> Span {
        self.eqs
            .iter()
            .find_map(|e| find_name(&e.rhs, &is_noise_symbol))
            .unwrap_or_default()
    }

    /// The first use of `t` in `expr`, ignoring uses inside step-constant function calls.
    pub fn time_use(&self, expr: &Expr) -> Option<Span> {
        match &expr.kind {
            ExprKind::Name(n) if n == "t" => Some(expr.span),
            ExprKind::Call { name, .. }
                if self.step_constant_functions.iter().any(|f| f == name) =>
            {
                None
            }
            ExprKind::Call { args, .. } => args.iter().find_map(|a| self.time_use(a)),
            ExprKind::Unary(_, a) => self.time_use(a),
            ExprKind::Binary(_, a, b) => self.time_use(a).or_else(|| self.time_use(b)),
            _ => None,
        }
    }

    /// The first use of a state variable in `expr`.
    pub fn state_use(&self, expr: &Expr) -> Option<Span> {
        find_name(expr, &|n| self.is_state(n))
    }

    /// The temporary holding the normal number of noise symbol `k` (`_xi`, `_xi_a`).
    pub fn noise_temp(&self, k: usize) -> String {
        format!("_{}", self.noise[k])
    }

    /// `_xi_a = randn()` for every noise symbol.
    pub fn noise_statements(&self) -> Vec<AbstractStatement> {
        (0..self.noise.len())
            .map(|k| {
                let span = self.first_noise_use();
                AbstractStatement::temp(self.noise_temp(k), call("randn", vec![], span))
            })
            .collect()
    }

    /// The Wiener increment of noise symbol `k`: `_xi_a*sqrt(dt)`.
    pub fn dw(&self, k: usize, span: Span) -> Expr {
        mul(
            Expr::name(self.noise_temp(k), span),
            call("sqrt", vec![Expr::name("dt", span)], span),
            span,
        )
    }

    /// `int(not_refractory)*(e)` for an `(unless refractory)` equation, `e` otherwise.
    pub fn refractory_factor(&self, i: usize, e: Expr) -> Expr {
        if self.eqs[i].unless_refractory {
            let span = e.span;
            mul(
                call("int", vec![Expr::name("not_refractory", span)], span),
                e,
                span,
            )
        } else {
            e
        }
    }

    /// Replaces each state variable `x_j` by `point(j)` and `t` by `time` (when given).
    pub fn at(&self, e: &Expr, point: &dyn Fn(usize) -> Expr, time: Option<&Expr>) -> Expr {
        simplify(&substitute_with(e, &mut |name, _| {
            if name == "t" {
                return time.cloned();
            }
            self.eqs.iter().position(|q| q.var == name).map(point)
        }))
    }

    /// The final assignments `v = _v` / `v = _select(not_refractory, _v, v)`.
    pub fn final_assignments(&self) -> Vec<AbstractStatement> {
        self.eqs
            .iter()
            .map(|e| {
                let span = e.rhs.span;
                let new = Expr::name(format!("_{}", e.var), span);
                let expr = if e.unless_refractory {
                    call(
                        SELECT,
                        vec![
                            Expr::name("not_refractory", span),
                            new,
                            Expr::name(e.var.clone(), span),
                        ],
                        span,
                    )
                } else {
                    new
                };
                AbstractStatement {
                    target: e.var.clone(),
                    expr,
                    is_temp: false,
                }
            })
            .collect()
    }
}
