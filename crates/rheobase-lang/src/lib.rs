//! The rheobase model language: Brian2's equation, expression and statement strings.
//!
//! Pipeline: text -> [`parser`] (AST with [`span`]s) -> checking (names resolved, dimensions
//! checked) -> integrators (abstract update statements). Every error is a [`Diagnostic`] with a
//! stable code and spans into the user's own text.

pub mod ast;
pub mod diagnostic;
pub mod integrate;
pub mod span;
pub mod symbolic;

pub use ast::*;
pub use diagnostic::{Diagnostic, Diagnostics, Label, Severity};
pub use span::{Source, SourceId, SourceMap, Span};
