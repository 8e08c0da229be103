//! `TimedArray`: a function of time (and optionally of a column index) given by a table of
//! values, usable in every code string of a group (`I = stimulus(t) : amp`,
//! `threshold='v > vt(t, i)'`).
//!
//! Brian2's binning: with the caller's time step `dt_c`, the table's time step is divided by
//! `K = max(2**ceil(log2(8*dt/dt_c)), 1)` and the row for time `t` is
//! `int((t/epsilon + 0.5)/K)` with `epsilon = dt/K`, clamped to the first and last row. So a
//! time on the caller's grid within a small fraction of `dt_c` below a row boundary already
//! reads the next row. A column outside a two-dimensional table gives NaN.

use crate::clock::DEFAULT_DT;
use crate::error::{Result, RuntimeError};
use crate::kernel::table_upsampling;
use crate::lower::TableFunction;
use crate::network::NetworkCore;
use rheobase_codegen::ElemType;
use rheobase_lang::FunctionSpec;
use rheobase_units::{Dimension, Quantity};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

static NEXT_UID: AtomicU64 = AtomicU64::new(1);

#[derive(Debug, PartialEq)]
struct Table {
    uid: u64,
    name: String,
    values: Vec<f64>,
    rows: usize,
    cols: Option<usize>,
    dim: Dimension,
    dt: f64,
}

/// Brian2's `TimedArray(values, dt)`. Cloning gives another handle to the same table (one
/// copy of the values per network, however many groups use it).
#[derive(Clone, Debug, PartialEq)]
pub struct TimedArray {
    table: Arc<Table>,
}

impl TimedArray {
    /// A one-dimensional table, called as `name(t)`: `values` in SI units of dimension `dim`,
    /// one every `dt` seconds.
    pub fn new(values: Vec<f64>, dim: Dimension, dt: f64) -> Result<TimedArray> {
        let rows = values.len();
        TimedArray::build(values, rows, None, dim, dt)
    }

    /// A two-dimensional table (time x column, row-major), called as `name(t, i)`.
    pub fn new_2d(
        values: Vec<f64>,
        rows: usize,
        cols: usize,
        dim: Dimension,
        dt: f64,
    ) -> Result<TimedArray> {
        if rows.checked_mul(cols) != Some(values.len()) {
            return Err(RuntimeError::invalid(
                "_timedarray",
                format!(
                    "a {rows} x {cols} TimedArray needs {} values, got {}",
                    rows.saturating_mul(cols),
                    values.len()
                ),
            ));
        }
        TimedArray::build(values, rows, Some(cols), dim, dt)
    }

    /// A two-dimensional table from its rows (one per time step, all of the same length).
    pub fn from_rows(rows: &[Vec<f64>], dim: Dimension, dt: f64) -> Result<TimedArray> {
        let cols = rows.first().map_or(0, |r| r.len());
        if let Some(k) = rows.iter().position(|r| r.len() != cols) {
            return Err(RuntimeError::invalid(
                "_timedarray",
                format!("row {k} has {} values, row 0 has {cols}", rows[k].len()),
            ));
        }
        TimedArray::new_2d(rows.concat(), rows.len(), cols, dim, dt)
    }

    fn build(
        values: Vec<f64>,
        rows: usize,
        cols: Option<usize>,
        dim: Dimension,
        dt: f64,
    ) -> Result<TimedArray> {
        let uid = NEXT_UID.fetch_add(1, Ordering::Relaxed);
        let name = format!("_timedarray_{uid}");
        if rows == 0 || cols == Some(0) {
            return Err(RuntimeError::invalid(
                name,
                "a TimedArray needs at least one value",
            ));
        }
        if !(dt > 0.0 && dt.is_finite()) {
            return Err(RuntimeError::invalid(
                name,
                format!("dt must be positive and finite, got {dt} s"),
            ));
        }
        Ok(TimedArray {
            table: Arc::new(Table {
                uid,
                name,
                values,
                rows,
                cols,
                dim,
                dt,
            }),
        })
    }

    /// The same table under another name (Brian2's `name=` argument; used in messages).
    pub fn with_name(self, name: impl Into<String>) -> TimedArray {
        let t = &self.table;
        TimedArray {
            table: Arc::new(Table {
                uid: t.uid,
                name: name.into(),
                values: t.values.clone(),
                rows: t.rows,
                cols: t.cols,
                dim: t.dim,
                dt: t.dt,
            }),
        }
    }

    pub fn name(&self) -> &str {
        &self.table.name
    }

    /// The values in SI units, row-major (time, column).
    pub fn values(&self) -> &[f64] {
        &self.table.values
    }

    /// (rows, columns); columns is `None` for a one-dimensional table.
    pub fn shape(&self) -> (usize, Option<usize>) {
        (self.table.rows, self.table.cols)
    }

    pub fn dim(&self) -> Dimension {
        self.table.dim
    }

    /// Seconds between rows.
    pub fn dt(&self) -> f64 {
        self.table.dt
    }

    /// The row read at time `t` by code running with time step `caller_dt`.
    pub fn row(&self, t: f64, caller_dt: f64) -> usize {
        let k = table_upsampling(caller_dt, self.table.dt);
        let epsilon = self.table.dt / k;
        let row = ((t / epsilon + 0.5) / k).trunc();
        row.clamp(0.0, (self.table.rows - 1) as f64) as usize
    }

    /// `ta(t)` in SI units, binned for the default time step (as Brian2 does outside a
    /// run, with `defaultclock.dt`).
    pub fn at(&self, t: f64) -> Result<f64> {
        self.at_with_dt(t, DEFAULT_DT)
    }

    /// `ta(t)` as code with time step `caller_dt` reads it.
    pub fn at_with_dt(&self, t: f64, caller_dt: f64) -> Result<f64> {
        if self.table.cols.is_some() {
            return Err(RuntimeError::invalid(
                &self.table.name,
                "a two-dimensional TimedArray is called with a time and an index: use at2",
            ));
        }
        self.check_time(t, caller_dt)?;
        Ok(self.table.values[self.row(t, caller_dt)])
    }

    /// `ta(t)` with its unit.
    pub fn quantity_at(&self, t: f64) -> Result<Quantity> {
        Ok(Quantity::new(self.at(t)?, self.table.dim))
    }

    /// `ta(t, i)` in SI units for a two-dimensional table, binned for the default time step.
    pub fn at2(&self, t: f64, i: usize) -> Result<f64> {
        self.at2_with_dt(t, i, DEFAULT_DT)
    }

    /// `ta(t, i)` as code with time step `caller_dt` reads it.
    pub fn at2_with_dt(&self, t: f64, i: usize, caller_dt: f64) -> Result<f64> {
        let Some(cols) = self.table.cols else {
            return Err(RuntimeError::invalid(
                &self.table.name,
                "a one-dimensional TimedArray is called with a time only: use at",
            ));
        };
        self.check_time(t, caller_dt)?;
        if i >= cols {
            return Err(RuntimeError::invalid(
                &self.table.name,
                format!("index {i} is out of range for a TimedArray with {cols} columns"),
            ));
        }
        Ok(self.table.values[self.row(t, caller_dt) * cols + i])
    }

    fn check_time(&self, t: f64, caller_dt: f64) -> Result<()> {
        if t.is_nan() || !(caller_dt > 0.0 && caller_dt.is_finite()) {
            return Err(RuntimeError::invalid(
                &self.table.name,
                format!("cannot evaluate at t = {t} s with dt = {caller_dt} s"),
            ));
        }
        Ok(())
    }

    /// What the checker knows of `name(t)` / `name(t, i)`: a time (and a dimensionless
    /// index) in, a value of the table's dimension out.
    pub fn function_spec(&self, name: &str) -> FunctionSpec {
        crate::frontend::table_function_spec(name, self.table.cols.is_some(), self.table.dim)
    }

    /// Brian2's `is_locally_constant`: code on a clock with time step `caller_dt` sees one
    /// value per step (the table's dt is a whole multiple of it), so `exact` may treat a call
    /// with `t` as constant over the step.
    pub fn is_locally_constant(&self, caller_dt: f64) -> bool {
        if caller_dt > self.table.dt {
            return false;
        }
        let ratio = self.table.dt / caller_dt;
        ratio.floor() == ratio
    }

    /// The table in `core`'s store (added on first use, shared by every group after).
    pub(crate) fn register(&self, core: &mut NetworkCore) -> TableFunction {
        let values = match core.tables.get(&self.table.uid) {
            Some(&id) => id,
            None => {
                let id = core.store.add(
                    format!("{}.values", self.table.name),
                    ElemType::F64,
                    self.table.values.len(),
                );
                if let crate::state::ArrayData::F64(v) = core.store.get_mut(id) {
                    v.copy_from_slice(&self.table.values);
                }
                core.tables.insert(self.table.uid, id);
                id
            }
        };
        TableFunction {
            values,
            rows: self.table.rows,
            cols: self.table.cols,
            dt: self.table.dt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = 1e-9;
    const MS: f64 = 1e-3;
    const AMP: Dimension = Dimension::from_ints([0, 0, 0, 1, 0, 0, 0]);

    fn step_current() -> TimedArray {
        let v = [0.0, 1.0, 2.0, 1.0, 0.0, 3.0, 0.5];
        TimedArray::new(v.iter().map(|x| x * NA).collect(), AMP, 5.0 * MS).unwrap()
    }

    #[test]
    fn bins_and_clamps_as_brian2() {
        // Brian2 2.9: step_current(7*ms) = 1 nA, step_current(100*ms) = 0.5 nA
        // (shared/acceptance/reference/timed_array.json).
        let ta = step_current();
        assert_eq!(ta.at(7.0 * MS).unwrap(), NA);
        assert_eq!(ta.at(100.0 * MS).unwrap(), 0.5 * NA);
        assert_eq!(ta.at(-3.0 * MS).unwrap(), 0.0);
        // A hair below a row boundary reads the next row; a full step below does not.
        assert_eq!(ta.at(5.0 * MS - 1e-9).unwrap(), NA);
        assert_eq!(ta.at(4.9 * MS).unwrap(), 0.0);
        assert_eq!(
            ta.quantity_at(12.0 * MS).unwrap(),
            Quantity::new(2.0 * NA, AMP)
        );
        assert!(ta.at2(0.0, 0).is_err());
        assert!(ta.at(f64::NAN).is_err());
    }

    #[test]
    fn two_dimensional_tables_index_rows_by_time() {
        let ta = TimedArray::from_rows(
            &[vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]],
            Dimension::DIMENSIONLESS,
            0.1 * MS,
        )
        .unwrap();
        assert_eq!(ta.at2(0.0, 1).unwrap(), 2.0);
        assert_eq!(ta.at2(0.1 * MS, 0).unwrap(), 3.0);
        assert_eq!(ta.at2(1.0, 1).unwrap(), 6.0);
        assert!(ta.at2(0.0, 2).is_err());
        assert!(ta.at(0.0).is_err());
        assert!(TimedArray::from_rows(&[vec![1.0], vec![]], AMP, 1.0).is_err());
        assert!(TimedArray::new_2d(vec![1.0; 5], 2, 3, AMP, 1.0).is_err());
    }

    #[test]
    fn rejects_empty_tables_and_bad_dt() {
        assert!(TimedArray::new(vec![], AMP, 1.0).is_err());
        assert!(TimedArray::new(vec![1.0], AMP, 0.0).is_err());
        assert!(TimedArray::new(vec![1.0], AMP, f64::INFINITY).is_err());
    }

    #[test]
    fn upsampling_and_local_constancy_follow_brian2() {
        // _find_K(0.1 ms, 5 ms) = 2**ceil(log2(400)) = 512; a finer table gives 1.
        assert_eq!(table_upsampling(0.1 * MS, 5.0 * MS), 512.0);
        assert_eq!(table_upsampling(0.1 * MS, 0.001 * MS), 1.0);
        let ta = step_current();
        assert!(ta.is_locally_constant(0.1 * MS));
        assert!(!ta.is_locally_constant(0.3 * MS));
        assert!(!ta.is_locally_constant(10.0 * MS));
    }
}
