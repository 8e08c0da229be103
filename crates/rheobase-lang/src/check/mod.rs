//! Name resolution and dimension checking: expressions, statements and whole models.
//!
//! - [`Scope`]: the names a code string may use (model variables, builtins such as `t`,
//!   constants, units, functions), resolved in Brian2's order.
//! - [`check_expression`], [`check_condition`]: the dimension and type of an expression.
//! - [`check_statements`]: statements of reset and event code.
//! - [`check_equations`]: a model's equations into a checked [`Model`].

mod dimname;
mod equations;
mod expr;
mod flags;
mod help;
mod model;
mod scope;
mod statements;
mod value;

#[cfg(test)]
mod testutil;

pub use dimname::dimension_name;
pub use equations::{check_equations, check_equations_for};
pub use expr::{check_condition, check_differential_rhs, check_expression, Typed};
pub use flags::{allowed_flags, normalise_flag, validate_flags, GroupKind, VarFlags};
pub use model::{Model, ModelVariable};
pub use scope::{
    default_unit, is_noise_name, noise_dimension, shadowing_warnings, Constant, ConstantOrigin,
    Resolved, Scope, ScopeVariable, VarKind,
};
pub use statements::{check_statements, check_statements_detailed, CheckedStatements, Temporary};
pub use value::const_value;
