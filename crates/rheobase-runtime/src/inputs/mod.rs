//! Input objects (Brian2's `brian2.input`): `TimedArray` (a table of values as a function of
//! time), `PoissonGroup`, `SpikeGeneratorGroup` and `PoissonInput`.
//!
//! The groups are groups like a `NeuronGroup` (same variables, `spike` event space, state
//! access, subgroups), so monitors and synapses take them as sources; each dereferences to
//! the [`NeuronGroup`](crate::NeuronGroup) handle of its group.

mod poissongroup;
mod poissoninput;
mod spikegenerator;
mod timedarray;

#[cfg(test)]
mod tests;

pub use poissongroup::{PoissonGroup, PoissonGroupOptions, Rates};
pub use poissoninput::{PoissonInput, PoissonInputOptions, Weight};
pub use spikegenerator::{SpikeGeneratorGroup, SpikeGeneratorGroupOptions};
pub use timedarray::TimedArray;

use crate::clock::ClockId;
use crate::error::{Result, RuntimeError};
use crate::group::GroupData;
use crate::network::{EventId, GroupId, NetworkCore};
use crate::variables::Variables;
use rheobase_lang::{ast, Diagnostic, SourceMap};
use rheobase_units::{Dimension, Quantity};
use std::collections::HashMap;

/// What an input group is made of.
struct GroupParts<'a> {
    name: &'a str,
    n: usize,
    clock: ClockId,
    order: i32,
    variables: Variables,
    namespace: HashMap<String, Quantity>,
    sources: SourceMap,
}

/// Adds a group with a `spike` event space (and no refractoriness) to the network.
fn add_group(core: &mut NetworkCore, parts: GroupParts<'_>) -> (GroupId, EventId) {
    let event = core.add_event_space();
    let gid = GroupId(core.groups.len());
    core.groups.push(GroupData {
        name: parts.name.to_string(),
        n: parts.n,
        clock: parts.clock,
        order: parts.order,
        variables: parts.variables,
        namespace: parts.namespace.into(),
        rechecks: Default::default(),
        sources: parts.sources,
        events: vec![("spike".to_string(), event)],
        scratch: None,
        refractory: false,
    });
    (gid, event)
}

/// Removes a group whose construction failed (it is the last one added).
fn rollback_group(core: &mut NetworkCore, gid: GroupId, name: &str) {
    let prefix = format!("{name}_");
    core.objects.retain(|o| !o.name.starts_with(&prefix));
    if core.groups.len() == gid.0 + 1 {
        core.groups.pop();
    }
}

/// Checks an expression of `object` in the scope of group `gid` again (a PoissonGroup's
/// rates, a PoissonInput's weight), with the group's current namespace.
fn expression_recheck(
    object: &str,
    what: &'static str,
    text: &str,
    expected: Dimension,
) -> crate::namespace::Recheck {
    let (object, text) = (object.to_string(), text.to_string());
    std::sync::Arc::new(move |core: &NetworkCore, gid: GroupId| {
        let g = core.group(gid);
        let mut sources = SourceMap::new();
        let src = sources.add(format!("{object} {what}"), &text);
        let expr = rheobase_lang::parse_expression(&text, src)
            .map_err(|d| RuntimeError::model(&object, d, &sources))?;
        let scope = crate::frontend::group_scope(&g.variables, g.namespace.values(), g.refractory);
        let typed = rheobase_lang::check_expression(&expr, &scope)
            .map_err(|d| RuntimeError::model(&object, d, &sources))?;
        check_dimension(&object, &sources, &expr, typed.dim, expected, what)
    })
}

/// A `units::dimension_mismatch` error unless `found == expected`.
fn check_dimension(
    object: &str,
    sources: &SourceMap,
    expr: &ast::Expr,
    found: Dimension,
    expected: Dimension,
    what: &str,
) -> Result<()> {
    if found == expected {
        return Ok(());
    }
    let d = Diagnostic::error(
        "units::dimension_mismatch",
        format!(
            "the {what} must have dimension {}, but this has dimension {}",
            expected.base_string(),
            found.base_string()
        ),
    )
    .with_primary(expr.span, found.base_string());
    Err(RuntimeError::model(object, d, sources))
}
