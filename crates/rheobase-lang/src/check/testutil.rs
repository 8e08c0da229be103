//! Test helpers: text parsed with the language's parser (panicking on syntax errors), a
//! typical `NeuronGroup` scope, and rendering for snapshots.

use crate::ast::*;
use crate::parser::{parse_equations, parse_expression, parse_statements};
use crate::span::{SourceId, Span};
use rheobase_units::Dimension;

pub const VOLT: Dimension = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);
pub const AMP: Dimension = Dimension::from_ints([0, 0, 0, 1, 0, 0, 0]);
pub const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);
pub const SIEMENS: Dimension = Dimension::from_ints([-2, -1, 3, 2, 0, 0, 0]);
pub const FARAD: Dimension = Dimension::from_ints([-2, -1, 4, 2, 0, 0, 0]);
pub const DIMLESS: Dimension = Dimension::DIMENSIONLESS;

fn src() -> SourceId {
    SourceId(0)
}

/// An expression from text (source 0, byte offsets into `text`).
pub fn expr(text: &str) -> Expr {
    parse_expression(text, src()).unwrap_or_else(|d| panic!("{text}: {d:?}"))
}

/// Statements separated by newlines or `;`.
pub fn statements(text: &str) -> Vec<Statement> {
    parse_statements(text, src()).unwrap_or_else(|d| panic!("{text}: {d:?}"))
}

/// Model equations, one per line.
pub fn equations(text: &str) -> Vec<Equation> {
    parse_equations(text, src()).unwrap_or_else(|d| panic!("{text}: {d:?}"))
}

/// The text a span covers.
pub fn at(text: &str, span: Span) -> &str {
    &text[span.range()]
}

/// A `NeuronGroup` scope (with refractoriness) holding a few typical variables:
/// `v`, `El`, `vt` (volt; `vt` shared), `tau` (second), `I` (amp), `C` (farad), `g` (siemens),
/// `flag` (boolean), `count` (integer), `Iin` (amp subexpression), and `tau_c = 5 ms` in the
/// namespace.
pub fn neuron_scope() -> crate::check::Scope {
    use crate::check::{ScopeVariable, VarKind};
    let mut s = crate::check::Scope::neuron_group(true);
    let p = |d, t| ScopeVariable::new(d, t, VarKind::Parameter);
    s.add_variable(
        "v",
        ScopeVariable::new(VOLT, VarType::Float, VarKind::State),
    );
    s.add_variable("El", p(VOLT, VarType::Float));
    s.add_variable("vt", p(VOLT, VarType::Float).shared());
    s.add_variable("tau", p(SECOND, VarType::Float));
    s.add_variable("I", p(AMP, VarType::Float));
    s.add_variable("C", p(FARAD, VarType::Float));
    s.add_variable("g", p(SIEMENS, VarType::Float));
    s.add_variable("flag", p(DIMLESS, VarType::Boolean));
    s.add_variable("count", p(DIMLESS, VarType::Integer));
    s.add_variable(
        "Iin",
        ScopeVariable::new(AMP, VarType::Float, VarKind::Subexpression).read_only(),
    );
    s.add_constant("tau_c", rheobase_units::Quantity::new(0.005, SECOND));
    s
}

/// The codes of a failed check, in order.
pub fn codes(d: &crate::diagnostic::Diagnostics) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}
