//! A group's external constants (Brian2's namespace: `tau`, `El`, ... of the user's code).
//!
//! Brian2 resolves external names at every `run()`, so a script may change `tau` between
//! runs. Here the checker sees each constant's value and dimension, and kernels read the
//! value from a shared cell at each call ([`crate::kernel::ScalarSource::External`]), so a
//! new value needs no compilation: [`crate::network::NetworkCore::set_namespace`] checks the
//! group's code again with the new values (a new dimension may not fit) and writes the cells.

use crate::error::Result;
use crate::network::{GroupId, NetworkCore};
use rheobase_units::Quantity;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

#[derive(Debug)]
struct Cell {
    bits: AtomicU64,
    /// Whether some kernel or check reads it (only those are resolved again at `run()`).
    used: AtomicBool,
}

/// The current value of one external constant, shared by the kernels that read it.
#[derive(Clone)]
pub struct ExternalConstant(Arc<Cell>);

impl ExternalConstant {
    pub fn new(value: f64) -> ExternalConstant {
        ExternalConstant(Arc::new(Cell {
            bits: AtomicU64::new(value.to_bits()),
            used: AtomicBool::new(false),
        }))
    }

    pub fn get(&self) -> f64 {
        f64::from_bits(self.0.bits.load(Ordering::Relaxed))
    }

    fn set(&self, value: f64) {
        self.0.bits.store(value.to_bits(), Ordering::Relaxed);
    }

    fn mark_used(&self) {
        self.0.used.store(true, Ordering::Relaxed);
    }

    fn used(&self) -> bool {
        self.0.used.load(Ordering::Relaxed)
    }
}

/// Two handles are equal when they share the cell.
impl PartialEq for ExternalConstant {
    fn eq(&self, other: &ExternalConstant) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for ExternalConstant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExternalConstant({})", self.get())
    }
}

/// The external constants a group's code may use: values with dimensions (what the checker
/// sees) and the cells kernels read. Derefs to the map of values.
#[derive(Clone, Debug, Default)]
pub struct Namespace {
    values: HashMap<String, Quantity>,
    cells: HashMap<String, ExternalConstant>,
}

impl Namespace {
    pub fn new(values: HashMap<String, Quantity>) -> Namespace {
        let cells = values
            .iter()
            .map(|(k, q)| (k.clone(), ExternalConstant::new(q.value)))
            .collect();
        Namespace { values, cells }
    }

    /// The cell of `name`, marked as used (lowering reads the constant from it).
    pub fn cell(&self, name: &str) -> Option<&ExternalConstant> {
        let cell = self.cells.get(name)?;
        cell.mark_used();
        Some(cell)
    }

    /// The constants some kernel reads, sorted by name, with their current values.
    pub fn used(&self) -> Vec<(String, Quantity)> {
        let mut out: Vec<(String, Quantity)> = self
            .cells
            .iter()
            .filter(|(_, c)| c.used())
            .map(|(k, _)| (k.clone(), self.values[k]))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// The values and dimensions the checker sees.
    pub fn values(&self) -> &HashMap<String, Quantity> {
        &self.values
    }

    /// Adds the entries of `values` it does not have yet (names of code given later).
    pub fn extend(&mut self, values: &HashMap<String, Quantity>) {
        for (k, q) in values {
            if !self.values.contains_key(k) {
                self.values.insert(k.clone(), *q);
                self.cells.insert(k.clone(), ExternalConstant::new(q.value));
            }
        }
    }
}

impl std::ops::Deref for Namespace {
    type Target = HashMap<String, Quantity>;

    fn deref(&self) -> &HashMap<String, Quantity> {
        &self.values
    }
}

impl From<HashMap<String, Quantity>> for Namespace {
    fn from(values: HashMap<String, Quantity>) -> Namespace {
        Namespace::new(values)
    }
}

/// Checks code of a group again with the group's current namespace (the model, a reset, a
/// `run_regularly`, ...), as it was checked when made; the result is discarded.
pub(crate) type Recheck = Arc<dyn Fn(&NetworkCore, GroupId) -> Result<()> + Send + Sync>;

/// The checks of all code of one group.
#[derive(Clone, Default)]
pub struct Rechecks(pub(crate) Vec<Recheck>);

impl std::fmt::Debug for Rechecks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rechecks({})", self.0.len())
    }
}

impl NetworkCore {
    pub(crate) fn add_recheck(&mut self, gid: GroupId, check: Recheck) {
        self.groups[gid.0].rechecks.0.push(check);
    }

    /// Gives the external constants of group `gid` new values (Brian2 resolves them at each
    /// run). Names the group does not know are ignored. When something changed, the group's
    /// code is checked again with the new values (a new dimension must fit the equations, as
    /// at creation); if that fails, nothing changes. Returns whether a value changed.
    pub(crate) fn set_namespace(
        &mut self,
        gid: GroupId,
        values: &HashMap<String, Quantity>,
    ) -> Result<bool> {
        let namespace = &self.groups[gid.0].namespace;
        let differs = |old: &Quantity, new: &Quantity| {
            old.value.to_bits() != new.value.to_bits() || old.dim != new.dim
        };
        let changed: Vec<(String, Quantity)> = values
            .iter()
            .filter(|(k, q)| namespace.values.get(*k).is_some_and(|old| differs(old, q)))
            .map(|(k, q)| (k.clone(), *q))
            .collect();
        if changed.is_empty() {
            return Ok(false);
        }
        let old = namespace.values.clone();
        for (k, q) in &changed {
            self.groups[gid.0].namespace.values.insert(k.clone(), *q);
        }
        // The checker reads values only for exponents (`v**n`), dimensions everywhere.
        let rechecks = self.groups[gid.0].rechecks.clone();
        for check in &rechecks.0 {
            if let Err(e) = check(self, gid) {
                self.groups[gid.0].namespace.values = old;
                return Err(e);
            }
        }
        let g = &self.groups[gid.0];
        for (k, q) in &changed {
            g.namespace.cells[k].set(q.value);
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheobase_units::Dimension;

    #[test]
    fn cells_are_shared_and_marked_when_used() {
        let mut values = HashMap::new();
        values.insert("tau".to_string(), Quantity::dimensionless(0.01));
        values.insert("unused".to_string(), Quantity::dimensionless(1.0));
        let ns = Namespace::new(values);
        assert!(ns.used().is_empty());
        let a = ns.cell("tau").unwrap().clone();
        let b = ns.cell("tau").unwrap().clone();
        assert_eq!(a, b);
        a.set(0.02);
        assert_eq!(b.get(), 0.02);
        assert_eq!(ns.used().len(), 1);
        assert_eq!(ns.used()[0].0, "tau");
        assert_eq!(ns["unused"].dim, Dimension::DIMENSIONLESS);
        assert!(ns.cell("nothing").is_none());
    }

    #[test]
    fn extending_keeps_what_is_there() {
        let one = |x| HashMap::from([("a".to_string(), Quantity::dimensionless(x))]);
        let mut ns = Namespace::new(one(1.0));
        let cell = ns.cell("a").unwrap().clone();
        let mut more = one(5.0);
        more.insert("b".into(), Quantity::dimensionless(2.0));
        ns.extend(&more);
        assert_eq!(ns["a"].value, 1.0);
        assert_eq!(ns.cell("a").unwrap(), &cell);
        assert_eq!(ns["b"].value, 2.0);
        assert_eq!(ns.cell("b").unwrap().get(), 2.0);
    }
}
