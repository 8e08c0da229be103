//! The rheobase model language: Brian2's equation, expression and statement strings.
//!
//! Pipeline: text -> [`parser`] (AST with [`span`]s) -> checking (names resolved, dimensions
//! checked) -> integrators (abstract update statements). Every error is a [`Diagnostic`] with a
//! stable code and spans into the user's own text.

pub mod ast;
pub mod diagnostic;
pub mod equations;
pub mod lexer;
pub mod parser;
pub mod print;
pub mod render;
#[cfg(test)]
mod snapshot_tests;
pub mod span;
pub mod unit_expr;

pub use ast::*;
pub use diagnostic::{Diagnostic, Diagnostics, Label, Severity};
pub use equations::{Equations, Substitution};
pub use parser::{
    parse_equations, parse_expression, parse_generator, parse_statements, validate_flags,
    FlagRules, GeneratorIterator, GeneratorSpec, SampleSize, NEURON_GROUP_FLAGS, SYNAPSES_FLAGS,
};
pub use span::{Source, SourceId, SourceMap, Span};
pub use unit_expr::parse_unit;
