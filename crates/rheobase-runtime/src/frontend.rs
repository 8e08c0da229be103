//! The bridge to the model language: parse, check and integrate user strings into what the
//! runtime lowers. The one place that calls rheobase-lang's parser, checker and integrators.

use crate::error::{Result, RuntimeError};
use crate::lower::Assignment;
use crate::network::{GroupId, NetworkCore};
use crate::neurongroup::NeuronGroupOptions;
use crate::spec::GroupSpec;
use rheobase_lang::ast;

const PENDING: &str =
    "parsing model strings (the parser and checker are not merged into this build yet)";

/// Parses, checks and integrates a neuron group's model and code strings.
pub(crate) fn neuron_group(
    object: &str,
    _n: usize,
    _model: &str,
    _options: &NeuronGroupOptions,
) -> Result<GroupSpec> {
    Err(RuntimeError::not_supported(object, PENDING))
}

/// An expression in the group's scope (its value assigned to `target`, if given).
pub(crate) fn group_expression(
    core: &mut NetworkCore,
    id: GroupId,
    _what: &str,
    _code: &str,
    _target: Option<&str>,
) -> Result<ast::Expr> {
    Err(RuntimeError::not_supported(&core.group(id).name, PENDING))
}

/// A boolean condition in the group's scope.
pub(crate) fn group_condition(
    core: &mut NetworkCore,
    id: GroupId,
    _what: &str,
    _code: &str,
) -> Result<ast::Expr> {
    Err(RuntimeError::not_supported(&core.group(id).name, PENDING))
}

/// Statements in the group's scope.
pub(crate) fn group_statements(
    core: &mut NetworkCore,
    id: GroupId,
    _what: &str,
    _code: &str,
) -> Result<Vec<Assignment>> {
    Err(RuntimeError::not_supported(&core.group(id).name, PENDING))
}
