//! What the runtime keeps about one `Synapses` object beside its group data, and how its code
//! sees the connected groups: `x_pre` and `x_post` (and unsuffixed names of the postsynaptic
//! group) are the variables of the source and target read through the synapse's index arrays,
//! `N_incoming`/`N_outgoing` are per-neuron counts read the same way, `N_pre`/`N_post` sizes.

use crate::lower::{ArrayVar, Resolved};
use crate::network::{GroupId, NetworkCore, ObjectId};
use crate::state::StoreId;
use crate::variables::{elem_type, Variable, Variables};
use rheobase_lang::check::{Scope, ScopeVariable, VarKind};
use rheobase_lang::symbolic::substitute_with;
use rheobase_lang::{ast, VarType};
use rheobase_units::{Dimension, Quantity};
use std::collections::HashMap;
use std::ops::Range;

/// A `Synapses` object's links to its source and target and its per-synapse bookkeeping.
#[derive(Clone, Debug)]
pub struct SynapseLinks {
    pub source: GroupId,
    /// The source (sub)group's neurons in the source group's arrays.
    pub source_range: Range<usize>,
    pub target: GroupId,
    pub target_range: Range<usize>,
    /// Absolute index of each synapse's pre- and postsynaptic neuron in its group's arrays
    /// (`I32`, synapse-indexed). The same arrays as `i`/`j` when the groups are not subgroups.
    pub pre_abs: StoreId,
    pub post_abs: StoreId,
    /// `i` and `j`: indices relative to the source and target (sub)groups.
    pub i: StoreId,
    pub j: StoreId,
    /// `N`: the number of synapses (shared, `I32`).
    pub n_var: StoreId,
    /// Synapses per neuron of the whole target / source group (read through `post_abs` and
    /// `pre_abs` as `N_incoming` and `N_outgoing`).
    pub n_incoming: StoreId,
    pub n_outgoing: StoreId,
    /// Every array with one value per synapse (resized when synapses are added).
    pub per_synapse: Vec<StoreId>,
    /// The pathways (`synapses_pre`, `synapses_post`, named ones), in creation order.
    pub pathways: Vec<ObjectId>,
    /// Brian2's `multisynaptic_index` variable, if asked for.
    pub multisynaptic: Option<StoreId>,
    /// `connect` calls so far (each draws from its own random stream).
    pub connect_calls: u64,
    /// The summed variables this object writes: group, variable and the neurons summed into.
    pub summed: Vec<(GroupId, String, Range<usize>)>,
}

impl SynapseLinks {
    pub fn n_pre(&self) -> usize {
        self.source_range.len()
    }

    pub fn n_post(&self) -> usize {
        self.target_range.len()
    }
}

/// Which side of a synapse a name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Pre,
    Post,
}

impl Side {
    pub fn suffix(self) -> &'static str {
        match self {
            Side::Pre => "_pre",
            Side::Post => "_post",
        }
    }

    /// The synapse's name for the side's neuron index in its whole group (a group's own `i`
    /// counts from the start of the group, not of the subgroup connected).
    fn index_name(self) -> &'static str {
        match self {
            Side::Pre => "_synaptic_pre",
            Side::Post => "_synaptic_post",
        }
    }
}

/// A subexpression of a connected group, its names renamed as synaptic code sees them
/// (`v` to `v_post`, `i` to the neuron's index in its group, `N` to the group's size `n`).
pub fn rename_foreign(expr: &ast::Expr, group: &Variables, side: Side, n: usize) -> ast::Expr {
    substitute_with(expr, &mut |name, span| {
        if group.get(name).is_some() {
            Some(ast::Expr::name(format!("{name}{}", side.suffix()), span))
        } else if name == "i" {
            Some(ast::Expr::name(side.index_name(), span))
        } else if name == "N" {
            Some(ast::Expr::float(n as f64, span))
        } else {
            None
        }
    })
}

/// How code indexed by synapses (or by candidate pairs) sees a variable of a connected group,
/// read through the index array `via`.
fn foreign(
    name: &str,
    var: &Variable,
    via: StoreId,
    group: &Variables,
    side: Side,
    n: usize,
) -> Resolved {
    // Brian2 gates synaptic writes to `(unless refractory)` variables by `not_refractory`.
    let array = |id: StoreId, vtype: VarType, shared: bool, writable: bool, guard| {
        let var = ArrayVar {
            id,
            name: name.to_string(),
            ty: elem_type(vtype),
            shared,
            writable,
            write_guard: guard,
        };
        if shared {
            Resolved::Array(var)
        } else {
            Resolved::Gathered { var, via }
        }
    };
    match var {
        Variable::Array {
            id,
            vtype,
            shared,
            read_only,
            write_guard,
            ..
        } => array(*id, *vtype, *shared, !*read_only, *write_guard),
        Variable::Subexpression {
            stored: Some(id),
            vtype,
            shared,
            ..
        } => array(*id, *vtype, *shared, false, None),
        Variable::Subexpression { expr, shared, .. } => Resolved::Subexpression {
            expr: rename_foreign(expr, group, side, n),
            shared: *shared,
        },
    }
}

fn is_private(name: &str) -> bool {
    name.starts_with('_') || name.contains('.')
}

/// The names synaptic code resolves beyond the object's own variables, reading the connected
/// groups through `pre` and `post` (absolute index arrays, one entry per element of the code).
pub(crate) fn foreign_names(
    core: &NetworkCore,
    links: &SynapseLinks,
    own: &Variables,
    pre: StoreId,
    post: StoreId,
) -> HashMap<String, Resolved> {
    let mut out = HashMap::new();
    for (side, gid, via) in [
        (Side::Pre, links.source, pre),
        (Side::Post, links.target, post),
    ] {
        let g = core.group(gid);
        for (name, var) in g.variables.iter() {
            if is_private(name) {
                continue;
            }
            let resolved = foreign(name, var, via, &g.variables, side, g.n);
            if side == Side::Post && own.get(name).is_none() {
                out.insert(name.to_string(), resolved.clone());
            }
            out.insert(format!("{name}{}", side.suffix()), resolved);
        }
    }
    let count = |id: StoreId| ArrayVar {
        id,
        name: "N_count".into(),
        ty: rheobase_codegen::ElemType::I32,
        shared: false,
        writable: false,
        write_guard: None,
    };
    out.insert(
        "N_incoming".into(),
        Resolved::Gathered {
            var: count(links.n_incoming),
            via: post,
        },
    );
    out.insert(
        "N_outgoing".into(),
        Resolved::Gathered {
            var: count(links.n_outgoing),
            via: pre,
        },
    );
    out.insert("N_pre".into(), Resolved::Const(links.n_pre() as f64));
    out.insert("N_post".into(), Resolved::Const(links.n_post() as f64));
    out
}

/// The names a synaptic group's code may use beyond its own variables, for kernels over its
/// synapses (empty for other groups).
pub(crate) fn extra_names(core: &NetworkCore, id: GroupId) -> HashMap<String, Resolved> {
    match core.synapses.get(&id) {
        Some(links) => foreign_names(
            core,
            links,
            &core.group(id).variables,
            links.pre_abs,
            links.post_abs,
        ),
        None => HashMap::new(),
    }
}

/// A scope entry for a variable of a group.
pub(crate) fn scope_variable(var: &Variable) -> ScopeVariable {
    match var {
        Variable::Array {
            dim,
            vtype,
            shared,
            read_only,
            ..
        } => {
            let mut v = ScopeVariable::new(*dim, *vtype, VarKind::Parameter);
            v.shared = *shared;
            v.writable = !*read_only;
            v
        }
        Variable::Subexpression {
            dim, vtype, shared, ..
        } => {
            let mut v = ScopeVariable::new(*dim, *vtype, VarKind::Subexpression).read_only();
            v.shared = *shared;
            v
        }
    }
}

/// Adds the connected groups' names (`x_pre`, `x_post`, unsuffixed postsynaptic names not
/// shadowed by `own`), `N_pre`, `N_post`, `N_incoming`, `N_outgoing` and `j` to a scope.
pub(crate) fn extend_scope_with_groups(
    core: &NetworkCore,
    source: GroupId,
    n_pre: usize,
    target: GroupId,
    n_post: usize,
    own: &dyn Fn(&str) -> bool,
    scope: &mut Scope,
) {
    for (side, gid) in [(Side::Pre, source), (Side::Post, target)] {
        let g = core.group(gid);
        for (name, var) in g.variables.iter() {
            if is_private(name) {
                continue;
            }
            let sv = scope_variable(var);
            if side == Side::Post && !own(name) {
                scope.add_variable(name, sv.clone());
            }
            let suffixed = format!("{name}{}", side.suffix());
            if !own(&suffixed) {
                scope.add_variable(suffixed, sv);
            }
        }
    }
    let index = ScopeVariable::new(Dimension::DIMENSIONLESS, VarType::Integer, VarKind::Builtin)
        .read_only();
    for name in ["j", "N_incoming", "N_outgoing"] {
        scope.add_variable(name, index.clone());
    }
    for (name, n) in [("N_pre", n_pre), ("N_post", n_post)] {
        scope.add_typed_constant(name, Quantity::dimensionless(n as f64), VarType::Integer);
    }
}

/// [`extend_scope_with_groups`] for an existing `Synapses` group (nothing for other groups).
pub(crate) fn extend_scope(core: &NetworkCore, id: GroupId, scope: &mut Scope) {
    if let Some(links) = core.synapses.get(&id) {
        let own = &core.group(id).variables;
        extend_scope_with_groups(
            core,
            links.source,
            links.n_pre(),
            links.target,
            links.n_post(),
            &|n| own.get(n).is_some(),
            scope,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheobase_lang::{parse_expression, SourceMap};

    #[test]
    fn foreign_subexpressions_are_renamed_for_their_side() {
        let mut group = Variables::default();
        group.insert(
            "v",
            Variable::Array {
                id: StoreId(0),
                dim: Dimension::DIMENSIONLESS,
                vtype: VarType::Float,
                shared: false,
                read_only: false,
                constant: false,
                write_guard: None,
            },
        );
        let mut sources = SourceMap::new();
        let src = sources.add("test", "v*i/N + tau");
        let e = parse_expression("v*i/N + tau", src).unwrap();
        let post = rename_foreign(&e, &group, Side::Post, 7);
        let mut names = post.names();
        names.sort();
        assert_eq!(names, vec!["_synaptic_post", "tau", "v_post"]);
        assert!(format!("{post:?}").contains("7.0"));
        let pre = rename_foreign(&e, &group, Side::Pre, 7);
        let mut names = pre.names();
        names.sort();
        assert_eq!(names, vec!["_synaptic_pre", "tau", "v_pre"]);
    }
}
