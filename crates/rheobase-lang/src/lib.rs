//! The rheobase model language: Brian2's equation, expression and statement strings.
//!
//! Pipeline: text -> [`parser`] (AST with [`span`]s) -> checking (names resolved, dimensions
//! checked) -> integrators (abstract update statements). Every error is a [`Diagnostic`] with a
//! stable code and spans into the user's own text.

pub mod ast;
pub mod check;
pub mod diagnostic;
pub mod equations;
pub mod functions;
pub mod integrate;
pub mod lexer;
pub mod parser;
pub mod print;
pub mod render;
#[cfg(test)]
mod snapshot_tests;
pub mod span;
pub mod symbolic;
pub mod unit_expr;

pub use ast::*;
pub use check::{
    check_condition, check_equations, check_equations_for, check_expression, check_statements,
    check_statements_detailed, GroupKind, Model, ModelVariable, Scope, ScopeVariable,
    StatementOptions, Typed, VarFlags, VarKind,
};
pub use diagnostic::{Diagnostic, Diagnostics, Label, Severity};
pub use equations::{Equations, Substitution};
pub use functions::{Builtin, FunctionSpec, UserFunction};
pub use parser::{
    parse_equations, parse_expression, parse_generator, parse_statements, validate_flags,
    FlagRules, GeneratorIterator, GeneratorSpec, SampleSize, NEURON_GROUP_FLAGS, SYNAPSES_FLAGS,
};
pub use span::{Source, SourceId, SourceMap, Span};
pub use unit_expr::parse_unit;
