//! State access on synapses: get and set by value, array, index, string expression and
//! condition, lookups by (presynaptic, postsynaptic) index, and monitors of synaptic variables.

use super::object::Synapses;
use crate::error::{Result, RuntimeError};
use crate::frontend;
use crate::group::Selection;
use crate::monitor::{Record, StateMonitor, StateMonitorOptions};
use std::ops::Range;

/// Which neurons of one side a lookup selects (`S.w[3, :]`, `S.w[[1, 2], 5]`).
#[derive(Clone, Debug, PartialEq)]
pub enum NeuronSelection {
    All,
    One(usize),
    Many(Vec<usize>),
    Slice(Range<usize>),
}

impl NeuronSelection {
    fn contains(&self, k: usize) -> bool {
        match self {
            NeuronSelection::All => true,
            NeuronSelection::One(x) => *x == k,
            NeuronSelection::Many(v) => v.contains(&k),
            NeuronSelection::Slice(r) => r.contains(&k),
        }
    }
}

impl Synapses {
    fn range(&self) -> Range<usize> {
        0..self.len()
    }

    /// Whether `name` is a `(linked)` variable.
    pub fn is_linked(&self, name: &str) -> bool {
        let core = self.net.lock();
        core.group(self.id).variables.link(name).is_some()
    }

    /// Links the `(linked)` variable `name` to variable `var` of `source` (Brian2's
    /// `S.name = linked_var(source, var, index='i')`); the index must be an integer variable
    /// of the synapses unless the target is shared or has one element.
    pub fn link(
        &self,
        name: &str,
        source: &impl super::AsGroup,
        var: &str,
        index: crate::linking::LinkIndex,
    ) -> Result<()> {
        let target = source.group_ref();
        if !std::sync::Arc::ptr_eq(&self.net.core, &target.net.core) {
            return Err(RuntimeError::invalid(
                self.name(),
                "cannot link to a group of another network",
            ));
        }
        self.net
            .lock()
            .link_variable(self.id, name, target.id, target.range, var, index)
    }

    /// Values of a synaptic variable or subexpression in SI units, by synapse index (one
    /// value if shared); also `i`, `j`, `N`, `delay` and the pre/post counts.
    pub fn get(&self, name: &str) -> Result<Vec<f64>> {
        let mut core = self.net.lock();
        let range = 0..core.group(self.id).n;
        if core.group(self.id).variables.get(name).is_none() {
            match name {
                "N_incoming" | "N_outgoing" | "t" | "dt" => {
                    let expr =
                        frontend::group_expression(&mut core, self.id, "expression", name, None)?;
                    return core.eval_expr(self.id, range, &expr, None);
                }
                _ => {}
            }
        }
        core.get_values(self.id, range, name)
    }

    /// The presynaptic index of every synapse (Brian2's `S.i[:]`).
    pub fn i(&self) -> Vec<usize> {
        self.get("i")
            .map(|v| v.into_iter().map(|x| x as usize).collect())
            .unwrap_or_default()
    }

    /// The postsynaptic index of every synapse (Brian2's `S.j[:]`).
    pub fn j(&self) -> Vec<usize> {
        self.get("j")
            .map(|v| v.into_iter().map(|x| x as usize).collect())
            .unwrap_or_default()
    }

    /// Synapse indices from presynaptic `pre` to postsynaptic `post` (Brian2's
    /// `S.w[pre, post]` indexing), in synapse order.
    pub fn indices(&self, pre: &NeuronSelection, post: &NeuronSelection) -> Vec<usize> {
        let (i, j) = (self.i(), self.j());
        (0..i.len())
            .filter(|&k| pre.contains(i[k]) && post.contains(j[k]))
            .collect()
    }

    /// The values of a variable for the synapses from `pre` to `post`.
    pub fn get_pairs(
        &self,
        name: &str,
        pre: &NeuronSelection,
        post: &NeuronSelection,
    ) -> Result<Vec<f64>> {
        let values = self.get(name)?;
        let idx = self.indices(pre, post);
        if values.len() == 1 && self.len() != 1 {
            return Ok(values);
        }
        Ok(idx.into_iter().map(|k| values[k]).collect())
    }

    /// Sets the synapses from `pre` to `post` to one value or one value each.
    pub fn set_pairs(
        &self,
        name: &str,
        pre: &NeuronSelection,
        post: &NeuronSelection,
        values: &[f64],
    ) -> Result<()> {
        let idx = self.indices(pre, post);
        self.set_selected(name, Selection::Indices(idx), values)
    }

    /// Sets each synapse's value from a dense `N_pre x N_post` matrix in row-major order
    /// (Brian2's `S.w[:] = W[S.i[:], S.j[:]]`); pairs without a synapse are ignored.
    pub fn set_dense(&self, name: &str, matrix: &[f64]) -> Result<()> {
        let (n_pre, n_post) = {
            let core = self.net.lock();
            let l = &core.synapses[&self.id];
            (l.n_pre(), l.n_post())
        };
        if matrix.len() != n_pre * n_post {
            return Err(RuntimeError::invalid(
                self.name(),
                format!(
                    "a dense matrix for '{name}' needs {n_pre} x {n_post} = {} values, got {}",
                    n_pre * n_post,
                    matrix.len()
                ),
            ));
        }
        let values: Vec<f64> = self
            .i()
            .into_iter()
            .zip(self.j())
            .map(|(i, j)| matrix[i * n_post + j])
            .collect();
        if values.is_empty() {
            return Ok(());
        }
        self.set_values(name, &values)
    }

    /// Sets every synapse's value (SI units).
    pub fn set(&self, name: &str, value: f64) -> Result<()> {
        self.set_selected(name, Selection::All, &[value])
    }

    /// Sets all values from an array with one value per synapse.
    pub fn set_values(&self, name: &str, values: &[f64]) -> Result<()> {
        self.set_selected(name, Selection::All, values)
    }

    /// Sets selected synapses (by synapse index) to one value or one value each.
    pub fn set_selected(&self, name: &str, selection: Selection, values: &[f64]) -> Result<()> {
        let range = self.range();
        self.net
            .lock()
            .set_values(self.id, range, name, &selection, values)
    }

    /// Sets a variable from a string expression evaluated per synapse; it may use `i`, `j`,
    /// the synapses' variables, `x_pre`/`x_post`, the namespace and `rand()`
    /// (`S.set_expr("w", "rand()*w_max")`, `S.set_expr("delay", "1*ms + j*0.5*ms")`).
    pub fn set_expr(&self, name: &str, code: &str) -> Result<()> {
        let range = self.range();
        let mut core = self.net.lock();
        let expr = frontend::group_expression(&mut core, self.id, "value", code, Some(name))?;
        core.assign_expr(self.id, range, name, &expr, None)
    }

    /// Sets a variable from an expression where a condition holds (Brian2's
    /// `S.w['i > j'] = '...'`).
    pub fn set_expr_where(&self, name: &str, condition: &str, code: &str) -> Result<()> {
        let range = self.range();
        let mut core = self.net.lock();
        let cond = frontend::group_condition(&mut core, self.id, "condition", condition)?;
        let expr = frontend::group_expression(&mut core, self.id, "value", code, Some(name))?;
        core.assign_expr(self.id, range, name, &expr, Some(&cond))
    }

    /// The values of a variable for the synapses where a condition holds, in synapse order.
    pub fn get_where(&self, name: &str, condition: &str) -> Result<Vec<f64>> {
        let values = self.get(name)?;
        let range = self.range();
        let mask = {
            let mut core = self.net.lock();
            let cond = frontend::group_condition(&mut core, self.id, "condition", condition)?;
            core.eval_expr(self.id, range, &cond, None)?
        };
        if values.len() != mask.len() {
            return Err(RuntimeError::invalid(
                self.name(),
                format!("'{name}' is shared: index it as a whole"),
            ));
        }
        Ok(values
            .into_iter()
            .zip(mask)
            .filter(|(_, m)| *m != 0.0)
            .map(|(v, _)| v)
            .collect())
    }

    /// Evaluates an expression for every synapse (SI units).
    pub fn eval(&self, code: &str) -> Result<Vec<f64>> {
        let range = self.range();
        let mut core = self.net.lock();
        let expr = frontend::group_expression(&mut core, self.id, "expression", code, None)?;
        core.eval_expr(self.id, range, &expr, None)
    }

    /// Records synaptic variables over time (Brian2's `StateMonitor(S, 'w', record=[0, 1])`);
    /// record indices are synapse indices, so connect first.
    pub fn state_monitor(
        &self,
        variables: &[&str],
        record: Record,
        options: StateMonitorOptions,
    ) -> Result<StateMonitor> {
        StateMonitor::new(&self.as_group_handle(), variables, record, options)
    }
}
