//! A small symbolic layer on [`crate::ast::Expr`]: simplification, substitution,
//! differentiation, linearity and numeric evaluation. Every rewritten node keeps the span of the
//! node it came from, so diagnostics after rewriting still point at the user's text.

pub mod differentiate;
pub mod eval;
pub mod functions;
pub mod identity;
pub mod linear;
pub mod simplify;
pub mod substitute;

pub use differentiate::differentiate;
pub use eval::{eval, eval_const, eval_with};
pub use identity::{is_zero, same_structure, same_value};
pub use linear::{linear_coefficients, split_linear};
pub use simplify::simplify;
pub use substitute::{depends_on, substitute, substitute_with};
