//! Name resolution and dimension checking: expressions, statements and whole models.
//!
//! - [`Scope`]: the names a code string may use (model variables, builtins such as `t`,
//!   constants, units, functions), resolved in Brian2's order.
//! - [`check_expression`], [`check_differential_rhs`]: the dimension and type of an
//!   expression; [`check_condition`] (thresholds) and [`check_refractory`].
//! - [`check_statements`], [`check_statements_detailed`] (with [`StatementOptions`] for
//!   resets and synaptic events): statements, with their temporaries.
//! - [`check_equations`], [`check_equations_for`] (per [`GroupKind`]): a model's equations
//!   into a checked [`Model`] (inlining of subexpressions, dependency order, scope).
//! - [`crate::functions`]: the table of default functions; user functions (`TimedArray`) go
//!   in a [`Scope`] with [`Scope::add_function`].
//!
//! # Diagnostic codes
//!
//! | code | meaning |
//! |---|---|
//! | `model::undefined_identifier` | a name found nowhere (help: close names) |
//! | `model::unknown_function` | a call to a name that is not a function anywhere |
//! | `model::not_a_function` | a variable or constant called like a function |
//! | `model::function_as_variable` | a function used without a call |
//! | `model::wrong_argument_count` | a call with the wrong number of arguments |
//! | `model::not_boolean` | `and`/`or` on non-booleans, `not` on floats; a non-boolean threshold; (warning) a number stored in a boolean |
//! | `model::type_mismatch` | `-`/`+` on a boolean; `+=` and friends on a boolean |
//! | `model::noise_not_allowed` | `xi` outside a differential equation |
//! | `model::invalid_noise` | the same `xi` name in two differential equations |
//! | `model::read_only_assignment` | a statement writing a constant, unit, subexpression, `t`, ... |
//! | `model::shared_non_shared` | a shared variable or subexpression given per-element values |
//! | `model::shared_write_not_allowed` | a shared variable written in a reset or synaptic event |
//! | `model::shared_write_order` | a write to a shared variable after a per-element write |
//! | `model::float_to_integer` | (warning) a float stored in an integer variable |
//! | `model::ambiguous_name` | (warning) a namespace name shadowed by a variable, unit or default |
//! | `model::circular_definition` | subexpressions defined in terms of each other |
//! | `model::stateful_subexpression` | a subexpression calling `rand()` & co. without `(constant over dt)` |
//! | `model::invalid_flag` | a flag not allowed here, repeated, or excluded by another (the parser's `validate_flags`) |
//! | `model::invalid_name` | a reserved, unit, constant or function name used as a variable |
//! | `model::invalid_type` | a differential equation for a boolean or integer variable |
//! | `model::duplicate_definition` | a variable defined twice |
//! | `model::invalid_refractory` | a refractory period that is neither a time nor a condition |
//! | `units::dimension_mismatch` | operands of `+ - %`, comparisons or `//` with incompatible units |
//! | `units::dimensioned_exponent` | `x ** y` with `y` not dimensionless |
//! | `units::invalid_exponent` | a quantity with units raised to a non-constant or irrational power |
//! | `units::function_argument` | a function argument with the wrong units (`exp(v)`) |
//! | `units::equation_dimension` | an equation's right side not in the unit it must have |
//! | `units::assignment_dimension` | a statement's value not in the target's unit |

mod conditions;
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
mod compat_tests;
#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod testutil;

pub use conditions::{check_condition, check_refractory, Refractory};
pub use dimname::dimension_name;
pub use equations::{check_equations, check_equations_for};
pub use expr::{check_differential_rhs, check_expression, Typed};
pub use flags::{
    allowed_flags, normalise_flag, var_flags, GroupKind, VarFlags, SPATIAL_NEURON_FLAGS,
};
pub use model::{Model, ModelVariable};
pub use scope::{
    default_unit, is_noise_name, noise_dimension, shadowing_warnings, Constant, ConstantOrigin,
    Resolved, Scope, ScopeVariable, VarKind,
};
pub use statements::{
    check_statements, check_statements_detailed, CheckedStatements, StatementOptions, Temporary,
};
pub use value::const_value;
