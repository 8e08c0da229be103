//! Brian2's `Equations`: an ordered set of equations, from one or several model strings.
//!
//! Each equation keeps spans into its own source, so an `Equations` built by concatenating
//! strings from several places still points every error at the right text.

use crate::ast::{BinOp, Equation, EquationKind, Expr, ExprKind};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::parser::{parse_equations, validate_flags, FlagRules};
use crate::span::{SourceId, Span};
use rheobase_units::{unit_entry, Quantity, Ratio};
use std::ops::Add;

/// What replaces a name in [`Equations::with_substitutions`] (Brian2's keyword arguments).
#[derive(Clone, Debug, PartialEq)]
pub enum Substitution {
    /// Rename the identifier (`tau='tau_m'`); renames model variables too.
    Name(String),
    /// Replace the identifier by an expression.
    Expr(Expr),
    /// Replace the identifier by a value (`tau=10*ms`), written in SI base units.
    Value(Quantity),
}

/// An ordered collection of equations with unique variable names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Equations {
    equations: Vec<Equation>,
}

/// Names with a special meaning in equations (Brian2's `check_identifier_reserved`).
const RESERVED: &[&str] = &["t", "dt", "t_in_timesteps", "xi", "i", "N"];

/// Python keywords, which Brian2 refuses as variable names.
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// SI base unit names in the order of a dimension's exponents.
const SI_BASE_NAMES: [&str; 7] = [
    "metre", "kilogram", "second", "amp", "kelvin", "mole", "candle",
];

impl Equations {
    /// Parse a model string and check its variable names, as `Equations(text)` does in Brian2.
    pub fn parse(text: &str, src: SourceId) -> Result<Equations, Diagnostics> {
        Equations::from_equations(parse_equations(text, src)?)
    }

    /// Parse a model string and apply substitutions, as `Equations(text, tau='tau_m')`.
    pub fn with_substitutions(
        text: &str,
        src: SourceId,
        substitutions: &[(&str, Substitution)],
    ) -> Result<Equations, Diagnostics> {
        Equations::parse(text, src)?.substitute(substitutions)
    }

    /// Collect already parsed equations; names must be unique and valid.
    pub fn from_equations(equations: Vec<Equation>) -> Result<Equations, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let mut kept: Vec<Equation> = Vec::with_capacity(equations.len());
        for eq in equations {
            if let Some(first) = kept.iter().find(|e| e.name == eq.name) {
                diagnostics.push(crate::parser::duplicate_definition(first, &eq));
                continue;
            }
            if let Some(d) = check_variable_name(&eq.name, eq.name_span) {
                diagnostics.push(d);
            }
            kept.push(eq);
        }
        let eqs = Equations { equations: kept };
        diagnostics.extend(eqs.check_noise());
        if let Err(d) = eqs.subexpression_order() {
            diagnostics.push(d);
        }
        if diagnostics.is_empty() {
            Ok(eqs)
        } else {
            Err(diagnostics)
        }
    }

    /// `xi` may appear only in differential equations, and in only one of them (each further
    /// equation needs its own `xi_name`). As in Brian2 2.9, named noise `xi_name` is not
    /// restricted here (a `constant over dt` subexpression may use it).
    fn check_noise(&self) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        let mut first_xi: Option<&Equation> = None;
        for eq in &self.equations {
            let Some(expr) = &eq.expr else { continue };
            let mut noise_uses = Vec::new();
            expr.visit(&mut |e| {
                if let ExprKind::Name(n) = &e.kind {
                    if n == "xi" {
                        noise_uses.push((n.clone(), e.span));
                    }
                }
            });
            if eq.kind != EquationKind::Differential {
                if let Some((n, span)) = noise_uses.first() {
                    diagnostics.push(
                        Diagnostic::error(
                            "model::invalid_noise",
                            format!(
                                "`{n}` used in `{}`, which is not a differential equation",
                                eq.name
                            ),
                        )
                        .with_primary(*span, "noise term outside a differential equation")
                        .with_help("white noise `xi` may only appear in `dx/dt = ...` equations"),
                    );
                }
                continue;
            }
            if let Some((_, span)) = noise_uses.iter().find(|(n, _)| n == "xi") {
                match first_xi {
                    None => first_xi = Some(eq),
                    Some(first) => diagnostics.push(
                        Diagnostic::error(
                            "model::invalid_noise",
                            format!(
                                "`xi` is used in the equations of both `{}` and `{}`",
                                first.name, eq.name
                            ),
                        )
                        .with_primary(*span, "second use of `xi`")
                        .with_secondary(first.name_span, "already used for this variable")
                        .with_help(
                            "rename them `xi_1`, `xi_2`, ... for independent noise, or use the \
                             same `xi_name` in both for shared noise",
                        ),
                    ),
                }
            }
        }
        diagnostics
    }

    /// Replace identifiers, as Brian2's `Equations(text, **kwds)`: a [`Substitution::Name`]
    /// renames (model variables included), others replace the name by an expression or value.
    pub fn substitute(
        &self,
        substitutions: &[(&str, Substitution)],
    ) -> Result<Equations, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let mut result: Vec<Equation> = Vec::with_capacity(self.equations.len());
        for eq in &self.equations {
            let mut new_eq = eq.clone();
            if let Some((_, sub)) = substitutions.iter().find(|(k, _)| *k == eq.name) {
                match sub {
                    Substitution::Name(new_name) => {
                        let taken =
                            self.contains(new_name) || result.iter().any(|e| &e.name == new_name);
                        if taken {
                            diagnostics.push(
                                Diagnostic::error(
                                    "model::duplicate_definition",
                                    format!(
                                        "cannot rename `{}` to `{new_name}`: `{new_name}` is already defined",
                                        eq.name
                                    ),
                                )
                                .with_primary(eq.name_span, "renamed variable"),
                            );
                        } else if let Some(d) = check_variable_name(new_name, eq.name_span) {
                            diagnostics.push(d);
                        }
                        new_eq.name = new_name.clone();
                    }
                    _ => diagnostics.push(
                        Diagnostic::error(
                            "model::invalid_substitution",
                            format!("cannot replace model variable `{}` with a value", eq.name),
                        )
                        .with_primary(eq.name_span, "defined here")
                        .with_help("model variables can only be renamed, with a string"),
                    ),
                }
            }
            if let Some(expr) = &mut new_eq.expr {
                *expr = substitute_expr(expr, substitutions);
            }
            result.push(new_eq);
        }
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        Equations::from_equations(result)
    }

    /// Indices of the subexpressions in an order where each comes after the subexpressions it
    /// reads (definition order among independent ones). A cycle is
    /// `model::circular_subexpression`.
    fn subexpression_order(&self) -> Result<Vec<usize>, Diagnostic> {
        let subexpressions: Vec<usize> = (0..self.equations.len())
            .filter(|&k| self.equations[k].kind == EquationKind::Subexpression)
            .collect();
        let reads = |k: usize| -> Vec<usize> {
            let names = self.equations[k]
                .expr
                .as_ref()
                .map(Expr::names)
                .unwrap_or_default();
            subexpressions
                .iter()
                .copied()
                .filter(|&j| names.contains(&self.equations[j].name.as_str()))
                .collect()
        };
        let deps: Vec<(usize, Vec<usize>)> =
            subexpressions.iter().map(|&k| (k, reads(k))).collect();
        let mut placed: Vec<usize> = Vec::with_capacity(deps.len());
        while placed.len() < deps.len() {
            let next = deps
                .iter()
                .find(|(k, d)| !placed.contains(k) && d.iter().all(|j| placed.contains(j)));
            match next {
                Some((k, _)) => placed.push(*k),
                None => return Err(self.cycle_error(&deps, &placed)),
            }
        }
        Ok(placed)
    }

    /// Describe one dependency cycle among the subexpressions not yet placed.
    fn cycle_error(&self, deps: &[(usize, Vec<usize>)], placed: &[usize]) -> Diagnostic {
        let unplaced = |k: &usize| !placed.contains(k);
        let deps_of = |k: usize| -> &Vec<usize> {
            &deps
                .iter()
                .find(|(j, _)| *j == k)
                .expect("a subexpression")
                .1
        };
        // Walk unplaced dependencies until a node repeats: that node starts a cycle.
        let mut path: Vec<usize> = vec![deps.iter().map(|(k, _)| *k).find(unplaced).unwrap_or(0)];
        let start = loop {
            let last = *path.last().unwrap_or(&0);
            let next = deps_of(last).iter().copied().find(unplaced).unwrap_or(last);
            if let Some(pos) = path.iter().position(|&k| k == next) {
                break pos;
            }
            path.push(next);
        };
        let cycle = &path[start..];
        let names: Vec<&str> = cycle
            .iter()
            .map(|&k| self.equations[k].name.as_str())
            .collect();
        let mut text = names.join(" -> ");
        text.push_str(&format!(" -> {}", names[0]));
        let mut d = Diagnostic::error(
            "model::circular_subexpression",
            format!("subexpressions depend on each other in a cycle: {text}"),
        )
        .with_primary(self.equations[cycle[0]].name_span, "part of the cycle")
        .with_help("a subexpression cannot depend, directly or through others, on itself");
        for &k in &cycle[1..] {
            d = d.with_secondary(self.equations[k].name_span, "part of the cycle");
        }
        d
    }

    /// Brian2's `Equations.ordered`: subexpressions in dependency order, then differential
    /// equations, then parameters, each of the latter two sorted by name.
    pub fn ordered(&self) -> Vec<&Equation> {
        let mut out: Vec<&Equation> = self
            .subexpression_order()
            .unwrap_or_default()
            .into_iter()
            .map(|k| &self.equations[k])
            .collect();
        for kind in [EquationKind::Differential, EquationKind::Parameter] {
            let mut group: Vec<&Equation> =
                self.equations.iter().filter(|e| e.kind == kind).collect();
            group.sort_by(|a, b| a.name.cmp(&b.name));
            out.extend(group);
        }
        out
    }

    /// `eqs1 + eqs2`: all equations of both, in order; a name defined in both is an error.
    pub fn concat(&self, other: &Equations) -> Result<Equations, Diagnostics> {
        let mut all = self.equations.clone();
        all.extend(other.equations.iter().cloned());
        Equations::from_equations(all)
    }

    pub fn get(&self, name: &str) -> Option<&Equation> {
        self.equations.iter().find(|e| e.name == name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Equation> {
        self.equations.iter()
    }

    pub fn len(&self) -> usize {
        self.equations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.equations.is_empty()
    }

    pub fn as_slice(&self) -> &[Equation] {
        &self.equations
    }

    /// Every defined variable, in order of definition.
    pub fn names(&self) -> Vec<&str> {
        self.equations.iter().map(|e| e.name.as_str()).collect()
    }

    fn names_of(&self, kind: EquationKind) -> Vec<&str> {
        self.equations
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.name.as_str())
            .collect()
    }

    pub fn diff_eq_names(&self) -> Vec<&str> {
        self.names_of(EquationKind::Differential)
    }

    pub fn subexpr_names(&self) -> Vec<&str> {
        self.names_of(EquationKind::Subexpression)
    }

    pub fn parameter_names(&self) -> Vec<&str> {
        self.names_of(EquationKind::Parameter)
    }

    /// External names read by right-hand sides (not defined here, function names excluded), in
    /// order of first use: parameters of the surrounding namespace, units, constants, `t`, `xi`.
    pub fn identifiers(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for expr in self.equations.iter().filter_map(|e| e.expr.as_ref()) {
            for name in expr.names() {
                if !self.contains(name) && !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        out
    }

    /// Names of the functions called by right-hand sides, in order of first use.
    pub fn function_names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for expr in self.equations.iter().filter_map(|e| e.expr.as_ref()) {
            expr.visit(&mut |e| {
                if let ExprKind::Call { name, .. } = &e.kind {
                    if !out.contains(&name.as_str()) {
                        out.push(name.as_str());
                    }
                }
            });
        }
        out
    }

    /// Check every equation's flags against a group's rules (Brian2's `check_flags`).
    pub fn check_flags(&self, rules: &FlagRules) -> Result<(), Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        for eq in &self.equations {
            if let Err(d) = validate_flags(eq, rules) {
                diagnostics.extend(d);
            }
        }
        if diagnostics.is_empty() {
            Ok(())
        } else {
            Err(diagnostics)
        }
    }
}

impl Add for Equations {
    type Output = Result<Equations, Diagnostics>;

    fn add(self, other: Equations) -> Result<Equations, Diagnostics> {
        self.concat(&other)
    }
}

impl<'a> IntoIterator for &'a Equations {
    type Item = &'a Equation;
    type IntoIter = std::slice::Iter<'a, Equation>;

    fn into_iter(self) -> Self::IntoIter {
        self.equations.iter()
    }
}

/// Brian2's identifier checks that need no namespace: a valid, non-keyword name that does not
/// start with `_`, is not reserved (`t`, `dt`, `xi`, `i`, `N`, `xi_*`) and is not a unit.
fn check_variable_name(name: &str, span: Span) -> Option<Diagnostic> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let problem = if !valid {
        format!("`{name}` is not a valid variable name")
    } else if PYTHON_KEYWORDS.contains(&name) {
        format!("`{name}` is a Python keyword and cannot be a variable name")
    } else if name.starts_with('_') {
        format!(
            "variable `{name}` starts with an underscore, which is reserved for internal variables"
        )
    } else if RESERVED.contains(&name) || name.starts_with("xi_") {
        format!("`{name}` has a special meaning in equations and cannot be a variable name")
    } else if unit_entry(name).is_some_and(|u| u.in_equations) {
        format!("`{name}` is the name of a unit and cannot be a variable name")
    } else {
        return None;
    };
    Some(Diagnostic::error("model::invalid_name", problem).with_primary(span, "invalid name"))
}

/// `expr` with every substituted name replaced. New nodes keep the replaced name's span.
fn substitute_expr(expr: &Expr, substitutions: &[(&str, Substitution)]) -> Expr {
    let find = |n: &str| substitutions.iter().find(|(k, _)| *k == n).map(|(_, s)| s);
    match &expr.kind {
        ExprKind::Name(n) => match find(n) {
            Some(Substitution::Name(new)) => Expr::name(new.clone(), expr.span),
            Some(Substitution::Expr(e)) => e.clone(),
            Some(Substitution::Value(q)) => quantity_expr(q, expr.span),
            None => expr.clone(),
        },
        ExprKind::Unary(op, a) => Expr::unary(*op, substitute_expr(a, substitutions), expr.span),
        ExprKind::Binary(op, a, b) => Expr::binary(
            *op,
            substitute_expr(a, substitutions),
            substitute_expr(b, substitutions),
            expr.span,
        ),
        ExprKind::Call {
            name,
            name_span,
            args,
        } => {
            // Brian2 substitutes by whole-word text replacement, so renames reach function
            // names too.
            let name = match find(name) {
                Some(Substitution::Name(new)) => new.clone(),
                _ => name.clone(),
            };
            Expr::new(
                ExprKind::Call {
                    name,
                    name_span: *name_span,
                    args: args
                        .iter()
                        .map(|a| substitute_expr(a, substitutions))
                        .collect(),
                },
                expr.span,
            )
        }
        _ => expr.clone(),
    }
}

/// A quantity as an expression in SI base units: `0.01*second`, `2.0*metre**2/second`.
fn quantity_expr(q: &Quantity, span: Span) -> Expr {
    let mut expr = Expr::float(q.value, span);
    for (name, e) in SI_BASE_NAMES.iter().zip(q.dim.exponents()) {
        if e.is_zero() {
            continue;
        }
        let (op, e) = if e.numer() < 0 {
            (BinOp::Div, -*e)
        } else {
            (BinOp::Mul, *e)
        };
        let unit = Expr::name(*name, span);
        let factor = if e == Ratio::ONE {
            unit
        } else if e.is_integer() {
            let power = Expr::new(ExprKind::Int(e.numer() as i64), span);
            Expr::binary(BinOp::Pow, unit, power, span)
        } else {
            Expr::binary(BinOp::Pow, unit, Expr::float(e.to_f64(), span), span)
        };
        expr = Expr::binary(op, expr, factor, span);
    }
    expr
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::NEURON_GROUP_FLAGS;
    use crate::span::SourceMap;
    use rheobase_units::Dimension;

    fn eqs(text: &str) -> Equations {
        Equations::parse(text, SourceId(0)).unwrap_or_else(|d| panic!("{d:#?}"))
    }

    fn codes(r: Result<Equations, Diagnostics>) -> Vec<&'static str> {
        r.unwrap_err().iter().map(|d| d.code).collect()
    }

    const MODEL: &str =
        "dv/dt = (gl*(El - v) + I)/C + sigma*xi*second**-0.5 : volt (unless refractory)\n\
                         I = g*(E - v) : amp\n\
                         dg/dt = -g/tau : siemens\n\
                         C : farad (constant)\n\
                         E : volt";

    #[test]
    fn names_by_kind_in_order() {
        let e = eqs(MODEL);
        assert_eq!(e.names(), vec!["v", "I", "g", "C", "E"]);
        assert_eq!(e.diff_eq_names(), vec!["v", "g"]);
        assert_eq!(e.subexpr_names(), vec!["I"]);
        assert_eq!(e.parameter_names(), vec!["C", "E"]);
        assert_eq!(
            e.identifiers(),
            vec!["gl", "El", "sigma", "xi", "second", "tau"]
        );
        assert_eq!(e.get("g").unwrap().kind, EquationKind::Differential);
        assert_eq!(e.iter().count(), 5);
        assert_eq!((&e).into_iter().next().unwrap().name, "v");
        assert!(e.check_flags(&NEURON_GROUP_FLAGS).is_ok());
    }

    #[test]
    fn functions_are_listed_apart() {
        let e = eqs("dv/dt = exp(-v/tau)/tau + sin(2*pi*f*t)/tau : 1");
        assert_eq!(e.function_names(), vec!["exp", "sin"]);
        assert_eq!(e.identifiers(), vec!["tau", "pi", "f", "t"]);
    }

    #[test]
    fn concatenation_keeps_each_source() {
        let mut map = SourceMap::new();
        let a_text = "dv/dt = -v/tau : volt";
        let b_text = "tau : second";
        let a = map.add("a", a_text);
        let b = map.add("b", b_text);
        let both =
            (Equations::parse(a_text, a).unwrap() + Equations::parse(b_text, b).unwrap()).unwrap();
        assert_eq!(both.names(), vec!["v", "tau"]);
        assert_eq!(both.get("tau").unwrap().name_span.src, b);
        assert_eq!(map.snippet(both.get("tau").unwrap().name_span), "tau");

        let again = Equations::parse("v : volt", SourceId(7)).unwrap();
        let err = both.concat(&again).unwrap_err();
        assert_eq!(err.0[0].code, "model::duplicate_definition");
        assert_eq!(err.0[0].labels[0].span.src, SourceId(7));
        assert_eq!(err.0[0].labels[1].span.src, a);
    }

    #[test]
    fn substitution_renames_and_replaces() {
        let e = Equations::with_substitutions(
            "dv/dt = -v/tau : volt",
            SourceId(0),
            &[
                ("tau", Substitution::Name("tau_m".into())),
                ("v", Substitution::Name("vm".into())),
            ],
        )
        .unwrap();
        assert_eq!(e.names(), vec!["vm"]);
        assert_eq!(
            e.get("vm").unwrap().expr.as_ref().unwrap().to_string(),
            "-vm/tau_m"
        );

        // Brian2's own example: `Equations('dv/dt = -v/tau : volt', tau='tau_m', v='V')`.
        let e = Equations::with_substitutions(
            "dv/dt = -v/tau : volt",
            SourceId(0),
            &[
                ("tau", Substitution::Name("tau_m".into())),
                ("v", Substitution::Name("V".into())),
            ],
        )
        .unwrap();
        assert_eq!(e.to_string(), "dV/dt = -V/tau_m : volt");

        let ten_ms = Quantity::new(0.01, Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]));
        let e = Equations::with_substitutions(
            "dv/dt = -v/tau : volt",
            SourceId(0),
            &[("tau", Substitution::Value(ten_ms))],
        )
        .unwrap();
        let rhs = e.get("v").unwrap().expr.as_ref().unwrap();
        assert_eq!(rhs.to_string(), "-v/(0.01*second)");
        // The new nodes point at the replaced name.
        let ExprKind::Binary(_, _, tau) = &rhs.kind else {
            panic!()
        };
        assert_eq!(tau.span.range(), 11..14);

        let area = Quantity::new(2.0, Dimension::from_ints([2, 0, -1, 0, 0, 0, 0]));
        assert_eq!(
            quantity_expr(&area, Span::default()).to_string(),
            "2.0*metre**2/second"
        );
    }

    #[test]
    fn substitution_errors() {
        let sub = |k: &'static str, s: Substitution| {
            Equations::with_substitutions("dv/dt = -v/tau : 1\nw : 1", SourceId(0), &[(k, s)])
        };
        assert_eq!(
            codes(sub("v", Substitution::Value(Quantity::dimensionless(3.0)))),
            vec!["model::invalid_substitution"]
        );
        assert_eq!(
            codes(sub("v", Substitution::Name("w".into()))),
            vec!["model::duplicate_definition"]
        );
        assert_eq!(
            codes(sub("v", Substitution::Name("_v".into()))),
            vec!["model::invalid_name"]
        );
        assert_eq!(
            codes(sub("v", Substitution::Name("t".into()))),
            vec!["model::invalid_name"]
        );
        assert_eq!(
            codes(sub("v", Substitution::Name("bad name".into()))),
            vec!["model::invalid_name"]
        );
        assert!(sub("unused", Substitution::Name("x".into())).is_ok());
    }

    #[test]
    fn name_checks() {
        assert_eq!(
            codes(Equations::parse("dt/dt = -t/tau : 1", SourceId(0))),
            vec!["model::invalid_name"]
        );
        assert_eq!(
            codes(Equations::parse("dxi/dt = 1/tau : 1", SourceId(0))),
            vec!["model::invalid_name"]
        );
        assert_eq!(
            codes(Equations::parse("for : 1", SourceId(0))),
            vec!["model::invalid_name"]
        );
        assert_eq!(
            codes(Equations::parse("d_x/dt = 1/tau : 1", SourceId(0))),
            vec!["model::invalid_name"]
        );
        assert_eq!(
            codes(Equations::parse("volt : 1", SourceId(0))),
            vec!["model::invalid_name"]
        );
        assert_eq!(
            codes(Equations::parse("ddt/dt = 1/tau : 1", SourceId(0))),
            vec!["model::invalid_name"]
        );
        assert!(Equations::parse("ddx/dt = 1/tau : 1", SourceId(0)).is_ok());
    }

    #[test]
    fn subexpressions_are_ordered_by_dependency() {
        let e = eqs("dv/dt = (a - v)/tau : 1\nb = 2*c : 1\na = b + c : 1\nc = 3 : 1\ntau : second\ndu/dt = -u/tau : 1");
        let order: Vec<&str> = e.ordered().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(order, vec!["c", "b", "a", "u", "v", "tau"]);
    }

    #[test]
    fn circular_subexpressions() {
        let err = Equations::parse(
            "dv/dt = -(v + w)/tau : 1\nw = 2*x : 1\nx = 3*w : 1",
            SourceId(0),
        )
        .unwrap_err();
        assert_eq!(err.0[0].code, "model::circular_subexpression");
        assert_eq!(
            err.0[0].message,
            "subexpressions depend on each other in a cycle: w -> x -> w"
        );
        let own = Equations::parse("x = x + 1 : 1", SourceId(0)).unwrap_err();
        assert_eq!(
            own.0[0].message,
            "subexpressions depend on each other in a cycle: x -> x"
        );
    }

    #[test]
    fn noise_rules() {
        assert_eq!(
            codes(Equations::parse("x = xi : 1", SourceId(0))),
            vec!["model::invalid_noise"]
        );
        assert_eq!(
            codes(Equations::parse(
                "dv/dt = xi/sqrt(tau) : 1\ndw/dt = xi/sqrt(tau) : 1",
                SourceId(0)
            )),
            vec!["model::invalid_noise"]
        );
        assert!(
            Equations::parse("x = xi_pop*sqrt(dt) : 1 (constant over dt)", SourceId(0)).is_ok()
        );
        assert!(Equations::parse(
            "dv/dt = xi_1/sqrt(tau) : 1\ndw/dt = xi_2/sqrt(tau) : 1",
            SourceId(0)
        )
        .is_ok());
    }
}
