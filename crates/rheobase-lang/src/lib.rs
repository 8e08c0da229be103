//! The rheobase model language: Brian2's equation, expression and statement strings.
//!
//! Pipeline: text -> [`parser`] (AST with [`span`]s) -> checking (names resolved, dimensions
//! checked) -> integrators (abstract update statements). Every error is a [`Diagnostic`] with a
//! stable code and spans into the user's own text.

pub mod ast;
pub mod check;
pub mod diagnostic;
pub mod functions;
pub mod span;

pub use ast::*;
pub use check::{
    check_condition, check_equations, check_expression, check_statements, Model, ModelVariable,
    Scope, ScopeVariable, Typed, VarFlags, VarKind,
};
pub use diagnostic::{Diagnostic, Diagnostics, Label, Severity};
pub use functions::{Builtin, FunctionSpec, UserFunction};
pub use span::{Source, SourceId, SourceMap, Span};
