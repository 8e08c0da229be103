//! Dimension and type checking of one expression, with Brian2's rules
//! (`brian2/parsing/expressions.py`, `brian2/parsing/bast.py`):
//! `+ - %` and comparisons need equal dimensions (a plain number is dimensionless, so `v + 1`
//! with `v` in volt is an error); `* /` combine dimensions; `//` needs dimensionless operands;
//! `**` needs a dimensionless exponent, which must be a constant number when the base has a
//! dimension; `and`, `or`, `not` need booleans; function arguments follow the function table.
//!
//! Every error in the expression is reported, not only the first: a sub-expression with an
//! error yields no type, which silences the errors it would otherwise cause further up.

use super::dimname::dimension_name;
use super::help::{did_you_mean, dimensionless_help, mismatch_help};
use super::scope::{noise_dimension, Resolved, Scope};
use super::value::{checked_div, checked_mul, checked_pow, const_value};
use crate::ast::{BinOp, Expr, ExprKind, UnOp, VarType};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::functions::{ArgRule, FunctionSpec, ReturnDim};
use crate::span::Span;
use rheobase_units::{Dimension, Ratio};

/// The dimension and value type of a checked expression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Typed {
    pub dim: Dimension,
    pub vtype: VarType,
    /// Reads no per-element variable: the same value for the whole group.
    pub shared: bool,
}

impl Typed {
    pub fn new(dim: Dimension, vtype: VarType, shared: bool) -> Typed {
        Typed { dim, vtype, shared }
    }
}

/// Where white noise may appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NoiseRule {
    /// Thresholds, statements, `constant over dt` subexpressions.
    Forbidden,
    /// Subexpressions (which are substituted into differential equations): named noise
    /// `xi_*` and noisy subexpressions, not plain `xi` (Brian2 2.9's rule).
    NamedOnly,
    /// Differential equations.
    Allowed,
}

/// Checks an expression that may not use white noise (a threshold, the right-hand side of
/// a statement, ...), nor subexpressions that contain it.
pub fn check_expression(expr: &Expr, scope: &Scope) -> Result<Typed, Diagnostics> {
    check_expression_in(expr, scope, NoiseRule::Forbidden)
}

/// Checks the right-hand side of a differential equation, where `xi` and `xi_*` are allowed.
pub fn check_differential_rhs(expr: &Expr, scope: &Scope) -> Result<Typed, Diagnostics> {
    check_expression_in(expr, scope, NoiseRule::Allowed)
}

pub(crate) fn check_expression_in(
    expr: &Expr,
    scope: &Scope,
    allow_noise: NoiseRule,
) -> Result<Typed, Diagnostics> {
    let mut c = ExprChecker {
        scope,
        allow_noise,
        diags: Diagnostics::new(),
    };
    let typed = c.check(expr);
    match typed {
        Some(t) if c.diags.is_empty() => Ok(t),
        _ => Err(c.diags),
    }
}

/// "a value in volt", "an integer", "a dimensionless value".
pub(super) fn describe_value(t: &Typed) -> String {
    match t.vtype {
        VarType::Boolean => "a boolean".to_string(),
        VarType::Integer => "an integer".to_string(),
        VarType::Float if t.dim.is_dimensionless() => "a dimensionless value".to_string(),
        VarType::Float => format!("a value in {}", dimension_name(&t.dim)),
    }
}

fn arith_type(a: VarType, b: VarType) -> VarType {
    if a == VarType::Float || b == VarType::Float {
        VarType::Float
    } else {
        VarType::Integer
    }
}

struct ExprChecker<'a> {
    scope: &'a Scope,
    allow_noise: NoiseRule,
    diags: Diagnostics,
}

impl ExprChecker<'_> {
    fn error(&mut self, d: Diagnostic) -> Option<Typed> {
        self.diags.push(d);
        None
    }

    fn check(&mut self, e: &Expr) -> Option<Typed> {
        let dimless = Dimension::DIMENSIONLESS;
        match &e.kind {
            ExprKind::Float(_) => Some(Typed::new(dimless, VarType::Float, true)),
            ExprKind::Int(_) => Some(Typed::new(dimless, VarType::Integer, true)),
            ExprKind::Bool(_) => Some(Typed::new(dimless, VarType::Boolean, true)),
            ExprKind::Name(n) => self.check_name(n, e.span),
            ExprKind::Unary(op, a) => self.check_unary(*op, a, e.span),
            ExprKind::Binary(op, a, b) => self.check_binary(*op, a, b, e.span),
            ExprKind::Call {
                name,
                name_span,
                args,
            } => self.check_call(name, *name_span, args, e.span),
        }
    }

    fn check_name(&mut self, name: &str, span: Span) -> Option<Typed> {
        match self.scope.resolve(name) {
            Some(Resolved::Variable(v)) if v.noisy && self.allow_noise == NoiseRule::Forbidden => {
                self.error(
                    Diagnostic::error(
                        "model::noise_not_allowed",
                        format!(
                            "`{name}` contains white noise, which is only allowed in \
                             differential equations"
                        ),
                    )
                    .with_primary(span, "defined with a noise term"),
                )
            }
            Some(Resolved::Variable(v)) => Some(Typed::new(v.dim, v.vtype, v.shared)),
            Some(Resolved::Constant(c, _)) => Some(Typed::new(c.value.dim, c.vtype, true)),
            Some(Resolved::Noise)
                if self.allow_noise == NoiseRule::Allowed
                    || (self.allow_noise == NoiseRule::NamedOnly && name != "xi") =>
            {
                Some(Typed::new(noise_dimension(), VarType::Float, false))
            }
            Some(Resolved::Noise) if self.allow_noise == NoiseRule::NamedOnly => self.error(
                Diagnostic::error(
                    "model::noise_not_allowed",
                    "white noise `xi` is only allowed in differential equations",
                )
                .with_primary(span, "noise used here")
                .with_help(
                    "use a named noise such as `xi_1` in subexpressions, or move the noise \
                     term into the differential equation",
                ),
            ),
            Some(Resolved::Noise) => self.error(
                Diagnostic::error(
                    "model::noise_not_allowed",
                    format!("white noise `{name}` is only allowed in differential equations"),
                )
                .with_primary(span, "noise used here")
                .with_help(
                    "move the noise term into the differential equation that uses this value",
                ),
            ),
            Some(Resolved::Function(_)) => self.error(
                Diagnostic::error(
                    "model::function_as_variable",
                    format!("`{name}` is a function, but it is used like a variable"),
                )
                .with_primary(span, "a function")
                .with_help(format!("call it with arguments, e.g. `{name}(...)`")),
            ),
            None => {
                let mut d = Diagnostic::error(
                    "model::undefined_identifier",
                    format!("undefined identifier `{name}`"),
                )
                .with_primary(span, "not defined");
                if name == "lastspike" || name == "not_refractory" {
                    d = d.with_help(format!(
                        "`{name}` only exists in groups with refractoriness (set `refractory`)"
                    ));
                } else if let Some(h) = did_you_mean(&self.scope.similar_names(name, false)) {
                    d = d.with_help(h);
                }
                self.error(d)
            }
        }
    }

    fn check_unary(&mut self, op: UnOp, a: &Expr, span: Span) -> Option<Typed> {
        let t = self.check(a)?;
        match op {
            // Brian2 also accepts `not` on integers (true when zero).
            UnOp::Not if t.vtype == VarType::Float => self.error(
                Diagnostic::error(
                    "model::not_boolean",
                    format!(
                        "`not` needs a boolean operand, but it is {}",
                        describe_value(&t)
                    ),
                )
                .with_primary(a.span, describe_value(&t)),
            ),
            UnOp::Not => Some(Typed::new(t.dim, VarType::Boolean, t.shared)),
            UnOp::Neg | UnOp::Pos if t.vtype == VarType::Boolean => self.error(
                Diagnostic::error(
                    "model::type_mismatch",
                    format!(
                        "unary `{}` cannot be applied to a boolean",
                        if op == UnOp::Neg { "-" } else { "+" }
                    ),
                )
                .with_primary(span, "boolean operand"),
            ),
            UnOp::Neg | UnOp::Pos => Some(t),
        }
    }

    fn check_binary(&mut self, op: BinOp, a: &Expr, b: &Expr, span: Span) -> Option<Typed> {
        let ta = self.check(a);
        let tb = self.check(b);
        let (ta, tb) = (ta?, tb?);
        let shared = ta.shared && tb.shared;
        let dimless = Dimension::DIMENSIONLESS;
        match op {
            BinOp::Add | BinOp::Sub | BinOp::Mod => {
                if ta.dim != tb.dim {
                    let msg = match op {
                        BinOp::Add => "cannot add {L} and {R}",
                        BinOp::Sub => "cannot subtract {R} from {L}",
                        _ => "cannot take {L} modulo {R}",
                    };
                    return self.mismatch(msg, a, &ta, b, &tb);
                }
                Some(Typed::new(ta.dim, arith_type(ta.vtype, tb.vtype), shared))
            }
            BinOp::Mul | BinOp::Div => {
                let dim = if op == BinOp::Mul {
                    checked_mul(&ta.dim, &tb.dim)
                } else {
                    checked_div(&ta.dim, &tb.dim)
                };
                let Some(dim) = dim else {
                    return self.error(exponent_overflow(span));
                };
                let vtype = if op == BinOp::Div {
                    VarType::Float
                } else {
                    arith_type(ta.vtype, tb.vtype)
                };
                Some(Typed::new(dim, vtype, shared))
            }
            BinOp::FloorDiv => {
                if !ta.dim.is_dimensionless() || !tb.dim.is_dimensionless() {
                    let mut d = Diagnostic::error(
                        "units::dimension_mismatch",
                        format!(
                            "floor division `//` needs dimensionless operands, not {} and {}",
                            dimension_name(&ta.dim),
                            dimension_name(&tb.dim)
                        ),
                    );
                    for (x, t) in [(a, &ta), (b, &tb)] {
                        if !t.dim.is_dimensionless() {
                            d = d.with_primary(x.span, dimension_name(&t.dim));
                        }
                    }
                    return self.error(d.with_help(
                        "divide both operands by a unit first, e.g. `(t/ms) // (period/ms)`",
                    ));
                }
                Some(Typed::new(dimless, arith_type(ta.vtype, tb.vtype), shared))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne => {
                if ta.dim != tb.dim {
                    return self.mismatch("cannot compare {L} with {R}", a, &ta, b, &tb);
                }
                Some(Typed::new(dimless, VarType::Boolean, shared))
            }
            BinOp::And | BinOp::Or => {
                let mut ok = true;
                for (x, t) in [(a, &ta), (b, &tb)] {
                    if t.vtype != VarType::Boolean {
                        ok = false;
                        self.diags.push(
                            Diagnostic::error(
                                "model::not_boolean",
                                format!(
                                    "`{}` needs boolean operands, but this one is {}",
                                    op.symbol(),
                                    describe_value(t)
                                ),
                            )
                            .with_primary(x.span, describe_value(t)),
                        );
                    }
                }
                ok.then(|| Typed::new(dimless, VarType::Boolean, shared))
            }
            BinOp::Pow => self.check_pow(a, ta, b, tb),
        }
    }

    fn check_pow(&mut self, base: &Expr, tb: Typed, exp: &Expr, te: Typed) -> Option<Typed> {
        let shared = tb.shared && te.shared;
        if !te.dim.is_dimensionless() {
            return self.error(
                Diagnostic::error(
                    "units::dimensioned_exponent",
                    format!(
                        "the exponent of `**` must be dimensionless, but it is in {}",
                        dimension_name(&te.dim)
                    ),
                )
                .with_primary(exp.span, dimension_name(&te.dim)),
            );
        }
        if tb.dim.is_dimensionless() {
            return Some(Typed::new(tb.dim, VarType::Float, shared));
        }
        let base_name = dimension_name(&tb.dim);
        let Some(value) = const_value(exp, self.scope) else {
            return self.error(
                Diagnostic::error(
                    "units::invalid_exponent",
                    format!(
                        "a quantity in {base_name} can only be raised to a constant number, \
                         so that the result has known units"
                    ),
                )
                .with_primary(exp.span, "not a constant number")
                .with_secondary(base.span, base_name),
            );
        };
        let Some(p) = Ratio::from_f64(value.value) else {
            return self.error(
                Diagnostic::error(
                    "units::invalid_exponent",
                    format!(
                        "cannot raise a quantity in {base_name} to the power {}: the \
                         exponent must be a simple fraction",
                        value.value
                    ),
                )
                .with_primary(exp.span, format!("= {}", value.value))
                .with_secondary(base.span, base_name),
            );
        };
        match checked_pow(&tb.dim, p) {
            Some(dim) => Some(Typed::new(dim, VarType::Float, shared)),
            None => self.error(exponent_overflow(exp.span)),
        }
    }

    /// Reports operands whose dimensions must agree but do not.
    fn mismatch(
        &mut self,
        template: &str,
        a: &Expr,
        ta: &Typed,
        b: &Expr,
        tb: &Typed,
    ) -> Option<Typed> {
        let (la, lb) = (dimension_name(&ta.dim), dimension_name(&tb.dim));
        let msg = template.replace("{L}", &la).replace("{R}", &lb);
        let mut d = Diagnostic::error("units::dimension_mismatch", msg)
            .with_secondary(a.span, la)
            .with_primary(b.span, lb);
        if let Some(h) = mismatch_help(self.scope, a, ta, b, tb) {
            d = d.with_help(h);
        }
        self.error(d)
    }

    fn check_call(
        &mut self,
        name: &str,
        name_span: Span,
        args: &[Expr],
        span: Span,
    ) -> Option<Typed> {
        let typed_args: Vec<Option<Typed>> = args.iter().map(|a| self.check(a)).collect();
        let spec: FunctionSpec = match self.scope.resolve(name) {
            Some(Resolved::Function(f)) => f.into_owned(),
            Some(_) => {
                return self.error(
                    Diagnostic::error(
                        "model::not_a_function",
                        format!("`{name}` is not a function, but it is called like one"),
                    )
                    .with_primary(name_span, "not a function"),
                )
            }
            None => {
                let mut d = Diagnostic::error(
                    "model::unknown_function",
                    format!("unknown function `{name}`"),
                )
                .with_primary(name_span, "not a known function");
                if let Some(h) = did_you_mean(&self.scope.similar_names(name, true)) {
                    d = d.with_help(h);
                }
                return self.error(d);
            }
        };
        if args.len() != spec.arity() {
            let n = spec.arity();
            let plural = if n == 1 { "" } else { "s" };
            return self.error(
                Diagnostic::error(
                    "model::wrong_argument_count",
                    format!(
                        "`{name}` takes {n} argument{plural}, but {} {} given",
                        args.len(),
                        if args.len() == 1 { "was" } else { "were" }
                    ),
                )
                .with_primary(span, format!("expected {n} argument{plural}")),
            );
        }
        let typed_args: Vec<Typed> = typed_args.into_iter().collect::<Option<_>>()?;
        let mut ok = true;
        for (k, (arg, t)) in args.iter().zip(&typed_args).enumerate() {
            let (expected, what) = match spec.arg_rule(k) {
                ArgRule::Any => continue,
                ArgRule::Dimensionless => (Dimension::DIMENSIONLESS, None),
                ArgRule::Dim(d) => (d, None),
                ArgRule::SameAs(j) => (typed_args[j].dim, Some(j)),
            };
            if t.dim == expected {
                continue;
            }
            ok = false;
            let got = dimension_name(&t.dim);
            let want = dimension_name(&expected);
            let mut d = match what {
                Some(j) => Diagnostic::error(
                    "units::function_argument",
                    format!(
                        "argument {} of `{name}` must have the same unit as argument {}, \
                         but it is in {got} and argument {} in {want}",
                        k + 1,
                        j + 1,
                        j + 1
                    ),
                )
                .with_primary(arg.span, got)
                .with_secondary(args[j].span, want),
                None if expected.is_dimensionless() => Diagnostic::error(
                    "units::function_argument",
                    format!("`{name}` needs a dimensionless argument, but it is in {got}"),
                )
                .with_primary(arg.span, got),
                None => Diagnostic::error(
                    "units::function_argument",
                    format!(
                        "argument {} of `{name}` must be in {want}, but it is in {got}",
                        k + 1
                    ),
                )
                .with_primary(arg.span, got),
            };
            if expected.is_dimensionless() {
                if let Some(h) = dimensionless_help(self.scope, name, arg, &t.dim) {
                    d = d.with_help(h);
                }
            }
            self.diags.push(d);
        }
        if !ok {
            return None;
        }
        let dim = match spec.return_dim() {
            ReturnDim::Dimensionless => Dimension::DIMENSIONLESS,
            ReturnDim::Fixed(d) => d,
            ReturnDim::SameAsArg(k) => typed_args[k].dim,
            ReturnDim::SqrtOfArg(k) => match checked_pow(&typed_args[k].dim, Ratio::new(1, 2)?) {
                Some(d) => d,
                None => return self.error(exponent_overflow(span)),
            },
        };
        let types: Vec<VarType> = typed_args.iter().map(|t| t.vtype).collect();
        let vtype = spec.result_type(&types);
        let shared = typed_args.iter().all(|t| t.shared);
        Some(Typed::new(dim, vtype, shared))
    }
}

fn exponent_overflow(span: Span) -> Diagnostic {
    Diagnostic::error(
        "units::invalid_exponent",
        "the units of this expression have exponents too large to represent",
    )
    .with_primary(span, "exponent out of range")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::*;

    fn ok(text: &str) -> Typed {
        check_expression(&expr(text), &neuron_scope()).unwrap_or_else(|d| panic!("{text}: {d:?}"))
    }

    fn err(text: &str) -> Diagnostics {
        match check_expression(&expr(text), &neuron_scope()) {
            Ok(t) => panic!("{text} passed as {t:?}"),
            Err(d) => d,
        }
    }

    /// (primary?, covered text, message) of each label.
    fn labels<'t>(text: &'t str, d: &Diagnostic) -> Vec<(bool, &'t str, String)> {
        d.labels
            .iter()
            .map(|l| (l.primary, at(text, l.span), l.message.clone()))
            .collect()
    }

    #[test]
    fn arithmetic_dimensions() {
        assert_eq!(ok("(El - v)/tau").dim, VOLT.div(&SECOND));
        assert_eq!(ok("g*(El - v)").dim, AMP);
        assert_eq!(ok("I/C").dim, VOLT.div(&SECOND));
        assert_eq!(ok("v**2").dim, VOLT.mul(&VOLT));
        assert_eq!(ok("sqrt(v**2)").dim, VOLT);
        assert_eq!(ok("tau**-0.5").dim, noise_dimension());
        assert_eq!(ok("v**(1/2)").dim, VOLT.sqrt());
        assert_eq!(ok("3*mV").dim, VOLT);
        assert_eq!(ok("2**count").dim, DIMLESS);
        assert_eq!(ok("v % mV").dim, VOLT);
        assert_eq!(ok("clip(v, El, 0*mV)").dim, VOLT);
        assert_eq!(ok("abs(v)").dim, VOLT);
        assert_eq!(ok("floor(t/dt)").dim, DIMLESS);
        assert_eq!(ok("exp(-t/tau_c) * pi").dim, DIMLESS);
    }

    #[test]
    fn value_types_and_sharing() {
        assert_eq!(ok("count + 1").vtype, VarType::Integer);
        assert_eq!(ok("count / 2").vtype, VarType::Float);
        assert_eq!(ok("count // 2").vtype, VarType::Integer);
        assert_eq!(ok("v > vt and not flag").vtype, VarType::Boolean);
        assert_eq!(ok("int(v/mV)").vtype, VarType::Integer);
        assert_eq!(ok("abs(count)").vtype, VarType::Integer);
        assert_eq!(ok("timestep(t - lastspike, dt)").vtype, VarType::Integer);
        assert_eq!(ok("poisson(5)").vtype, VarType::Integer);
        assert!(ok("t/dt + N").shared);
        assert!(!ok("v + vt").shared);
        assert!(ok("vt*2").shared);
    }

    #[test]
    fn sum_of_different_dimensions_points_at_both_operands() {
        let text = "(El - v)/tau + I";
        let d = err(text);
        assert_eq!(codes(&d), ["units::dimension_mismatch"]);
        assert_eq!(d.0[0].message, "cannot add volt/second and amp");
        assert_eq!(
            labels(text, &d.0[0]),
            [
                (false, "(El - v)/tau", "volt/second".to_string()),
                (true, "I", "amp".to_string())
            ]
        );
        assert_eq!(
            d.0[0].help.as_deref(),
            Some("divide `I` by a capacitance, e.g. `I/C`")
        );
    }

    #[test]
    fn plain_numbers_are_dimensionless() {
        let d = err("v + 1");
        assert_eq!(d.0[0].message, "cannot add volt and 1");
        assert_eq!(
            d.0[0].help.as_deref(),
            Some("numbers are dimensionless; write `1*volt`")
        );
        let d = err("v > 0");
        assert_eq!(d.0[0].message, "cannot compare volt with 1");
        let text = "t // ms";
        let d = err(text);
        assert_eq!(codes(&d), ["units::dimension_mismatch"]);
        assert_eq!(labels(text, &d.0[0]).len(), 2);
    }

    #[test]
    fn every_error_is_reported() {
        let d = err("(v + I) * exp(v) + undefined_thing");
        assert_eq!(
            codes(&d),
            [
                "units::dimension_mismatch",
                "units::function_argument",
                "model::undefined_identifier"
            ]
        );
    }

    #[test]
    fn comparing_volt_with_amp() {
        let text = "v > I";
        let d = err(text);
        assert_eq!(d.0[0].message, "cannot compare volt with amp");
        assert_eq!(labels(text, &d.0[0])[1], (true, "I", "amp".to_string()));
    }

    #[test]
    fn exp_of_a_voltage() {
        let text = "exp(v)";
        let d = err(text);
        assert_eq!(codes(&d), ["units::function_argument"]);
        assert_eq!(
            d.0[0].message,
            "`exp` needs a dimensionless argument, but it is in volt"
        );
        assert_eq!(labels(text, &d.0[0]), [(true, "v", "volt".to_string())]);
        assert_eq!(
            d.0[0].help.as_deref(),
            Some("divide the argument by a quantity in volt, e.g. `exp(v/El)`")
        );
        let d = err("clip(v, 0*mV, I)");
        assert!(d.0[0]
            .message
            .contains("argument 3 of `clip` must have the same unit as argument 1"));
        let d = err("timestep(v, dt)");
        assert_eq!(
            d.0[0].message,
            "argument 1 of `timestep` must be in second, but it is in volt"
        );
    }

    #[test]
    fn exponents() {
        let text = "2**v";
        let d = err(text);
        assert_eq!(codes(&d), ["units::dimensioned_exponent"]);
        assert_eq!(labels(text, &d.0[0]), [(true, "v", "volt".to_string())]);
        let text = "v**count";
        let d = err(text);
        assert_eq!(codes(&d), ["units::invalid_exponent"]);
        assert_eq!(
            labels(text, &d.0[0]),
            [
                (true, "count", "not a constant number".to_string()),
                (false, "v", "volt".to_string())
            ]
        );
        assert_eq!(codes(&err("v**pi")), ["units::invalid_exponent"]);
        // Exponents too large for the dimension's integers give an error, not a panic.
        assert_eq!(codes(&err("v**2000000000")), ["units::invalid_exponent"]);
        assert_eq!(
            codes(&err("(v**500000000)*(v**500000000)")),
            ["units::invalid_exponent"]
        );
    }

    #[test]
    fn arity_and_unknown_functions() {
        let text = "exp(v/mV, 2)";
        let d = err(text);
        assert_eq!(codes(&d), ["model::wrong_argument_count"]);
        assert_eq!(d.0[0].message, "`exp` takes 1 argument, but 2 were given");
        assert_eq!(
            labels(text, &d.0[0]),
            [(true, text, "expected 1 argument".to_string())]
        );
        assert_eq!(
            err("rand(1)").0[0].message,
            "`rand` takes 0 arguments, but 1 was given"
        );
        let d = err("epx(v/mV)");
        assert_eq!(codes(&d), ["model::unknown_function"]);
        assert_eq!(d.0[0].help.as_deref(), Some("did you mean `exp`?"));
        assert_eq!(codes(&err("v(1)")), ["model::not_a_function"]);
        assert_eq!(codes(&err("exp + 1")), ["model::function_as_variable"]);
    }

    #[test]
    fn undefined_identifier_suggests_close_names() {
        let text = "tua + tau";
        let d = err(text);
        assert_eq!(codes(&d), ["model::undefined_identifier"]);
        assert_eq!(d.0[0].message, "undefined identifier `tua`");
        assert_eq!(
            labels(text, &d.0[0]),
            [(true, "tua", "not defined".to_string())]
        );
        assert_eq!(d.0[0].help.as_deref(), Some("did you mean `tau`?"));
        let d = check_expression(&expr("lastspike"), &Scope::neuron_group(false)).unwrap_err();
        assert!(d.0[0].help.as_deref().unwrap().contains("refractoriness"));
    }

    #[test]
    fn booleans() {
        let d = err("v > vt and count");
        assert_eq!(codes(&d), ["model::not_boolean"]);
        assert_eq!(
            d.0[0].message,
            "`and` needs boolean operands, but this one is an integer"
        );
        assert_eq!(codes(&err("not v")), ["model::not_boolean"]);
        assert_eq!(ok("not count").vtype, VarType::Boolean);
        assert_eq!(codes(&err("-flag")), ["model::type_mismatch"]);
    }

    #[test]
    fn noise_only_where_allowed() {
        let text = "v/tau + xi";
        let d = err(text);
        assert_eq!(codes(&d), ["model::noise_not_allowed"]);
        assert_eq!(at(text, d.0[0].labels[0].span), "xi");
        let t =
            check_differential_rhs(&expr("-v/tau + vt*xi_1/tau**0.5"), &neuron_scope()).unwrap();
        assert_eq!(t.dim, VOLT.div(&SECOND));
        assert!(!t.shared);
    }
}
