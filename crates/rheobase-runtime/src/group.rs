//! What every group shares: its variables and sources in the network, and state access
//! (get and set by value, array, index, slice, string expression, condition).

use crate::clock::ClockId;
use crate::error::{Result, RuntimeError};
use crate::kernel::{stream_hash, KernelBuilder, TimeInfo};
use crate::lower::{Assignment, Lowerer};
use crate::network::{EventId, GroupId, NetworkCore};
use crate::state::{Compact, StoreId};
use crate::variables::{GroupResolver, SubexpressionMode, Variable, Variables};
use rheobase_codegen::{ElemType, Elements, Index, Iteration, Stmt};
use rheobase_lang::{ast, SourceMap};
use rheobase_units::Dimension;
use std::ops::Range;

/// A group's data inside its network.
#[derive(Clone, Debug)]
pub struct GroupData {
    pub name: String,
    pub n: usize,
    pub clock: ClockId,
    pub order: i32,
    pub variables: Variables,
    pub namespace: crate::namespace::Namespace,
    /// Checks of the group's code, run again when its namespace changes.
    pub rechecks: crate::namespace::Rechecks,
    /// Every user string of the group (model, threshold, reset, code given later).
    pub sources: SourceMap,
    /// Event name (`spike`, custom events) to the event space filled by its thresholder.
    pub events: Vec<(String, EventId)>,
    /// An F64 array of length `n` to evaluate expressions into (created on first use).
    pub scratch: Option<StoreId>,
    /// Whether the group has a refractory mechanism (`lastspike`, `not_refractory`).
    pub refractory: bool,
}

impl GroupData {
    pub fn event(&self, name: &str) -> Option<EventId> {
        self.events.iter().find(|(n, _)| n == name).map(|(_, e)| *e)
    }
}

/// Which elements of a group a state access covers.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    All,
    Index(usize),
    Slice(Range<usize>),
    Indices(Vec<usize>),
}

impl NetworkCore {
    pub(crate) fn group(&self, id: GroupId) -> &GroupData {
        &self.groups[id.0]
    }

    fn variable(&self, id: GroupId, name: &str) -> Result<Variable> {
        let g = self.group(id);
        g.variables.get(name).cloned().ok_or_else(|| {
            let known: Vec<&str> = g
                .variables
                .names()
                .filter(|n| !n.starts_with('_'))
                .collect();
            RuntimeError::invalid(
                &g.name,
                format!(
                    "no variable '{name}'; the variables are: {}",
                    known.join(", ")
                ),
            )
        })
    }

    /// The values of `name` for elements `range` of the group (one value if shared).
    pub(crate) fn get_values(
        &mut self,
        id: GroupId,
        range: Range<usize>,
        name: &str,
    ) -> Result<Vec<f64>> {
        if let Some(slot) = self.group(id).variables.link(name) {
            return self.linked_values(id, range, name, slot.clone());
        }
        match self.variable(id, name)? {
            Variable::Array {
                id: arr, shared, ..
            } => Ok(if shared {
                vec![self.store.value_f64(arr, 0)]
            } else {
                // A compact array is read without keeping its expansion.
                match self.store.compact(arr) {
                    Some(Compact::Uniform { .. }) => {
                        let value = self.store.value_f64(arr, range.start);
                        vec![value; range.len()]
                    }
                    Some(form) => {
                        let data = form.expand();
                        range.map(|k| data.get_f64(k)).collect()
                    }
                    None => {
                        let data = self.store.get(arr);
                        range.map(|k| data.get_f64(k)).collect()
                    }
                }
            }),
            // A constant-over-dt subexpression has its value of this step stored.
            Variable::Subexpression {
                stored: Some(arr),
                shared,
                ..
            } => {
                let data = self.store.get(arr);
                Ok(if shared {
                    vec![data.get_f64(0)]
                } else {
                    range.map(|k| data.get_f64(k)).collect()
                })
            }
            Variable::Subexpression { expr, shared, .. } => {
                let vals = self.eval_expr(id, range.clone(), &expr, None)?;
                Ok(if shared {
                    vals[..1.min(vals.len())].to_vec()
                } else {
                    vals
                })
            }
        }
    }

    /// The values a linked variable reads: `target[index[k]]`.
    fn linked_values(
        &self,
        id: GroupId,
        range: Range<usize>,
        name: &str,
        slot: crate::variables::LinkSlot,
    ) -> Result<Vec<f64>> {
        if slot.target.is_none() {
            return Err(crate::linking::not_linked(&self.group(id).name, name));
        }
        let (data, index) = (self.store.get(slot.placeholder), self.store.get(slot.index));
        range
            .map(|k| {
                let at = index.get_f64(k) as usize;
                if at < data.len() {
                    Ok(data.get_f64(at))
                } else {
                    Err(RuntimeError::invalid(
                        &self.group(id).name,
                        format!("the link of '{name}' points outside its target (index {at})"),
                    ))
                }
            })
            .collect()
    }

    /// Checks that `name` can be set by the user and returns its array.
    fn settable(&self, id: GroupId, name: &str) -> Result<(StoreId, bool)> {
        if self.group(id).variables.link(name).is_some() {
            return Err(RuntimeError::invalid(
                &self.group(id).name,
                format!(
                    "'{name}' is a linked variable and cannot be set; link it to another \
                     group's variable with linked_var"
                ),
            ));
        }
        match self.variable(id, name)? {
            Variable::Array {
                id: arr,
                shared,
                read_only,
                ..
            } => {
                if read_only {
                    Err(RuntimeError::invalid(
                        &self.group(id).name,
                        format!("variable '{name}' is read-only"),
                    ))
                } else {
                    Ok((arr, shared))
                }
            }
            Variable::Subexpression { .. } => Err(RuntimeError::invalid(
                &self.group(id).name,
                format!("'{name}' is a subexpression and cannot be set"),
            )),
        }
    }

    /// Sets elements of `name` (relative to `range.start`) to values (one value for all, or
    /// one per selected element).
    pub(crate) fn set_values(
        &mut self,
        id: GroupId,
        range: Range<usize>,
        name: &str,
        selection: &Selection,
        values: &[f64],
    ) -> Result<()> {
        let (arr, shared) = self.settable(id, name)?;
        let group_name = self.group(id).name.clone();
        let len = range.len();
        let targets: Vec<usize> = if shared {
            if *selection != Selection::All {
                return Err(RuntimeError::invalid(
                    &group_name,
                    format!("'{name}' is shared: set it as a whole, not by index"),
                ));
            }
            vec![0]
        } else {
            let rel: Vec<usize> = match selection {
                Selection::All => (0..len).collect(),
                Selection::Index(k) => vec![*k],
                Selection::Slice(r) => r.clone().collect(),
                Selection::Indices(v) => v.clone(),
            };
            if let Some(bad) = rel.iter().find(|&&k| k >= len) {
                return Err(RuntimeError::invalid(
                    &group_name,
                    format!("index {bad} is out of range for '{name}' with {len} elements"),
                ));
            }
            rel.into_iter().map(|k| range.start + k).collect()
        };
        if values.len() != 1 && values.len() != targets.len() {
            return Err(RuntimeError::invalid(
                &group_name,
                format!(
                    "cannot set {} elements of '{name}' from {} values",
                    targets.len(),
                    values.len()
                ),
            ));
        }
        if !shared && values.len() == 1 && range == (0..self.store.len_of(arr)) {
            if let Selection::All = selection {
                // One value for the whole array is kept as one value.
                self.store.fill(arr, values[0]);
                return Ok(());
            }
        }
        let data = self.store.get_mut(arr);
        for (k, &target) in targets.iter().enumerate() {
            let v = if values.len() == 1 {
                values[0]
            } else {
                values[k]
            };
            data.set_f64(target, v);
        }
        Ok(())
    }

    fn scratch(&mut self, id: GroupId) -> StoreId {
        if let Some(s) = self.groups[id.0].scratch {
            return s;
        }
        let name = format!("{}._scratch", self.groups[id.0].name);
        let n = self.groups[id.0].n;
        let s = self.store.add(name, ElemType::F64, n);
        self.groups[id.0].scratch = Some(s);
        s
    }

    /// Runs a one-off kernel over `range` of the group, with subexpressions inlined.
    fn run_oneoff(
        &mut self,
        id: GroupId,
        range: Range<usize>,
        kernel_name: &str,
        build: impl FnOnce(&mut Lowerer<'_>, Option<StoreId>) -> Result<(), rheobase_lang::Diagnostics>,
        scratch: Option<StoreId>,
    ) -> Result<()> {
        let g = self.group(id);
        let mut resolver = GroupResolver::new(&g.variables, &g.namespace, range.start, range.len());
        resolver.subexpressions = SubexpressionMode::Inline;
        resolver.constants_now = true;
        resolver.extra = crate::synapses::links::extra_names(self, id);
        let mut b = KernelBuilder::new(kernel_name, Iteration::Range);
        {
            let mut l = Lowerer::new(&mut b, &resolver);
            build(&mut l, scratch).map_err(|d| RuntimeError::model(&g.name, d, &g.sources))?;
        }
        let stream = stream_hash(&[&g.name, kernel_name]);
        let clock = g.clock;
        let runnable = b.finish().compile(self.backend.as_ref(), &self.store)?;
        let time: TimeInfo = self.time_of(clock);
        let rng = self.offline_rng(stream);
        runnable.call(&mut self.store, Elements::Range(range), time, rng, None)?;
        Ok(())
    }

    /// Evaluates an expression for every element of `range` (optionally only where `cond`
    /// holds; elsewhere the result is NaN).
    pub(crate) fn eval_expr(
        &mut self,
        id: GroupId,
        range: Range<usize>,
        expr: &ast::Expr,
        cond: Option<&ast::Expr>,
    ) -> Result<Vec<f64>> {
        let scratch = self.scratch(id);
        {
            let data = self.store.get_mut(scratch);
            for k in range.clone() {
                data.set_f64(k, f64::NAN);
            }
        }
        self.run_oneoff(
            id,
            range.clone(),
            "state_get",
            |l, scratch| {
                let scratch = scratch.expect("scratch array");
                let value = l
                    .vector_expr(expr)
                    .map_err(rheobase_lang::Diagnostics::from)?;
                let arr = l.builder().array(scratch, "_scratch", ElemType::F64, true);
                let store = Stmt::Store {
                    array: arr,
                    index: Index::Elem,
                    value,
                };
                let stmt = match cond {
                    Some(c) => Stmt::If {
                        cond: l.vector_expr(c).map_err(rheobase_lang::Diagnostics::from)?,
                        then: vec![store],
                        otherwise: vec![],
                    },
                    None => store,
                };
                l.builder().body.push(stmt);
                Ok(())
            },
            Some(scratch),
        )?;
        let values = {
            let data = self.store.get(scratch);
            range.map(|k| data.get_f64(k)).collect()
        };
        // The scratch array (a synapse group's grows with it) holds nothing between calls.
        self.store.fill(scratch, 0.0);
        Ok(values)
    }

    /// `name = expr` for every element of `range` (where `cond` holds, if given).
    pub(crate) fn assign_expr(
        &mut self,
        id: GroupId,
        range: Range<usize>,
        name: &str,
        expr: &ast::Expr,
        cond: Option<&ast::Expr>,
    ) -> Result<()> {
        let (_, shared) = self.settable(id, name)?;
        if shared && cond.is_some() {
            return Err(RuntimeError::invalid(
                &self.group(id).name,
                format!("'{name}' is shared: it cannot be set under a condition"),
            ));
        }
        let assignment = Assignment::set(name, expr.clone(), false);
        self.run_oneoff(
            id,
            range,
            "group_variable_set",
            |l, _| {
                // As in Brian2, code (unlike values) skips `(unless refractory)` variables of
                // refractory neurons.
                l.conditional_writes = true;
                match cond {
                    None => l.statements(std::slice::from_ref(&assignment)),
                    Some(c) => {
                        let c = l.vector_expr(c).map_err(rheobase_lang::Diagnostics::from)?;
                        let before = l.builder().body.len();
                        l.statements(std::slice::from_ref(&assignment))?;
                        let then: Vec<Stmt> = l.builder().body.drain(before..).collect();
                        l.builder().body.push(Stmt::If {
                            cond: c,
                            then,
                            otherwise: vec![],
                        });
                        Ok(())
                    }
                }
            },
            None,
        )
    }

    /// Adds a user string to the group's sources (for diagnostics of later code).
    #[allow(dead_code)] // used by the front end once the checker is merged
    pub(crate) fn add_source(
        &mut self,
        id: GroupId,
        what: &str,
        text: &str,
    ) -> rheobase_lang::SourceId {
        let g = &mut self.groups[id.0];
        let name = format!("{} {what}", g.name);
        g.sources.add(name, text)
    }

    pub(crate) fn dimension(&self, id: GroupId, name: &str) -> Result<Dimension> {
        Ok(self.variable(id, name)?.dim())
    }
}
