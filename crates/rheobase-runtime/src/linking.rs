//! Linked variables (Brian2's `(linked)` parameters set with `linked_var`): a variable of one
//! group that reads another group's variable, through an index. See
//! [`crate::variables::LinkSlot`] for how code reads it; here the link is checked and made.

use crate::error::{Result, RuntimeError};
use crate::network::{GroupId, NetworkCore};
use crate::state::{ArrayData, StoreId};
use crate::variables::Variable;
use rheobase_lang::VarType;
use std::ops::Range;

/// Which element of the target each element of the linked group reads (Brian2's `index=`).
#[derive(Clone, Debug, PartialEq)]
pub enum LinkIndex {
    /// Element `k` reads element `k` (the groups must have the same size), or the single value
    /// of a shared or one-element target.
    Auto,
    /// Element `k` reads element `index[k]` of the target (not for Synapses, whose size
    /// changes).
    Array(Vec<i64>),
    /// Element `k` reads the element given by this integer variable of the linked group.
    Variable(String),
}

/// The error for a linked variable used before it was linked.
pub(crate) fn not_linked(object: &str, name: &str) -> RuntimeError {
    RuntimeError::invalid(
        object,
        format!(
            "the linked variable '{name}' has not been linked; set it with \
             {object}.{name} = linked_var(group, 'variable') before running"
        ),
    )
}

fn set_indices(core: &mut NetworkCore, index: StoreId, values: impl Iterator<Item = i64>) {
    core.store.alias(index, index);
    if let ArrayData::I32(v) = core.store.get_mut(index) {
        for (slot, value) in v.iter_mut().zip(values) {
            *slot = value as i32;
        }
    }
}

impl NetworkCore {
    /// Links variable `name` of group `gid` to variable `var` of the elements `range` of
    /// group `source`, with Brian2's checks (a `(linked)` variable, same units and type,
    /// matching sizes or a valid index).
    pub(crate) fn link_variable(
        &mut self,
        gid: GroupId,
        name: &str,
        source: GroupId,
        range: Range<usize>,
        var: &str,
        index: LinkIndex,
    ) -> Result<()> {
        let object = self.group(gid).name.clone();
        let n = self.group(gid).n;
        let is_synapses = self.synapses.contains_key(&gid);
        let Some(slot) = self.group(gid).variables.link(name).cloned() else {
            return Err(RuntimeError::invalid(
                &object,
                if self.group(gid).variables.get(name).is_some() {
                    format!(
                        "cannot link variable '{name}', it has to be marked as a linked \
                         variable with '(linked)' in the model equations"
                    )
                } else {
                    format!("no variable '{name}' to link")
                },
            ));
        };
        let Some(Variable::Array { dim, vtype, .. }) = self.group(gid).variables.get(name).cloned()
        else {
            return Err(RuntimeError::Internal(format!(
                "linked '{name}' without an array"
            )));
        };
        let source_name = self.group(source).name.clone();
        if self.synapses.contains_key(&source) {
            return Err(RuntimeError::not_supported(
                &object,
                format!(
                    "linking to variable '{var}' of Synapses '{source_name}': can only link \
                     to state variables of fixed size (as in Brian2)"
                ),
            ));
        }
        if self.group(source).variables.link(var).is_some() {
            return Err(RuntimeError::not_supported(
                &object,
                format!("linking '{name}' to '{source_name}.{var}', itself a linked variable"),
            ));
        }
        let (target, target_dim, target_type, shared) = match self.group(source).variables.get(var)
        {
            Some(Variable::Array {
                id,
                dim,
                vtype,
                shared,
                ..
            }) => (*id, *dim, *vtype, *shared),
            Some(Variable::Subexpression { .. }) => {
                return Err(RuntimeError::not_supported(
                    &object,
                    format!(
                        "linking '{name}' to the subexpression '{source_name}.{var}' (link \
                             to a state variable or parameter)"
                    ),
                ))
            }
            None => {
                return Err(RuntimeError::invalid(
                    &object,
                    format!("cannot link '{name}': '{source_name}' has no variable '{var}'"),
                ))
            }
        };
        if target_dim != dim {
            return Err(RuntimeError::invalid(
                &object,
                format!(
                    "Unit of variable '{name}' does not match its link target '{var}' \
                     ({dim} vs {target_dim})"
                ),
            ));
        }
        if target_type != vtype {
            return Err(RuntimeError::invalid(
                &object,
                format!(
                    "the type of variable '{name}' ({vtype:?}) does not match its link \
                     target '{var}' ({target_type:?})"
                ),
            ));
        }
        let target_len = if shared { 1 } else { range.len() };
        let base = if shared { 0 } else { range.start as i64 };
        match index {
            LinkIndex::Auto if is_synapses && !(shared || target_len == 1) => {
                return Err(RuntimeError::invalid(
                    &object,
                    format!(
                        "Cannot link variable '{name}' of Synapses to '{var}' without an index: \
                         give the name of an integer variable of the synapses as the index \
                         (e.g. index='i'), since their number changes"
                    ),
                ));
            }
            LinkIndex::Auto => {
                if shared || (target_len == 1 && n != 1) {
                    set_indices(self, slot.index, std::iter::repeat(base));
                } else if target_len != n {
                    return Err(RuntimeError::invalid(
                        &object,
                        format!(
                            "Cannot link variable '{name}' to '{var}', the size of the target \
                             group does not match ({n} != {target_len}). You can provide an \
                             indexing scheme with the 'index' keyword to link groups with \
                             different sizes"
                        ),
                    ));
                } else {
                    set_indices(self, slot.index, (0..n as i64).map(|k| base + k));
                }
            }
            LinkIndex::Array(values) => {
                if is_synapses {
                    return Err(RuntimeError::invalid(
                        &object,
                        "Cannot link a variable with an index array for a class with dynamic \
                         size – use a variable name instead.",
                    ));
                }
                if values.len() != n {
                    return Err(RuntimeError::invalid(
                        &object,
                        format!(
                            "Index array for linked variable '{name}' has to be a \
                             one-dimensional array of length {n}, but has length {}",
                            values.len()
                        ),
                    ));
                }
                if values.iter().any(|&k| k < 0 || k >= target_len as i64) {
                    return Err(RuntimeError::invalid(
                        &object,
                        format!(
                            "Index array for linked variable {name} contains values outside \
                             of the valid range [0, {target_len}["
                        ),
                    ));
                }
                let values: Vec<i64> = values
                    .iter()
                    .map(|&k| if shared { 0 } else { base + k })
                    .collect();
                set_indices(self, slot.index, values.into_iter());
            }
            LinkIndex::Variable(index_var) => {
                let by = match self.group(gid).variables.get(&index_var) {
                    Some(Variable::Array {
                        id,
                        vtype: VarType::Integer,
                        shared: false,
                        ..
                    }) => *id,
                    Some(_) => {
                        return Err(RuntimeError::invalid(
                            &object,
                            format!("Index variable '{index_var}' should be an integer parameter."),
                        ))
                    }
                    None => {
                        return Err(RuntimeError::invalid(
                            &object,
                            format!("Index variable '{index_var}' not found."),
                        ))
                    }
                };
                if base != 0 || shared {
                    return Err(RuntimeError::not_supported(
                        &object,
                        format!(
                            "an index variable for a link to a subgroup or a shared variable \
                             ('{name}' to '{source_name}.{var}')"
                        ),
                    ));
                }
                self.store.alias(slot.index, by);
            }
        }
        self.store.alias(slot.placeholder, target);
        if let Some(s) = self.groups[gid.0].variables.link_mut(name) {
            s.target = Some(format!("{source_name}.{var}"));
        }
        log::debug!("Setting {object}.{name} as a link to {source_name}.{var}");
        Ok(())
    }

    /// Refuses a run while a linked variable of any group is not linked.
    pub(crate) fn check_links(&self) -> Result<()> {
        for g in &self.groups {
            if let Some((name, _)) = g.variables.links().find(|(_, s)| s.target.is_none()) {
                return Err(not_linked(&g.name, name));
            }
        }
        Ok(())
    }
}
