//! `StateMonitor`: variables of chosen neurons over time. Like Brian2 it records in the `start`
//! slot by default, so its first sample is the state before the first step.

use super::{recorder, Recorder};
use crate::clock::Clock;
use crate::error::{Result, RuntimeError};
use crate::network::{Network, ObjectEntry, ObjectId, Operation, StepContext};
use crate::neurongroup::NeuronGroup;
use crate::schedule::When;
use crate::state::{ArrayData, StoreId};
use crate::variables::Variable;
use rheobase_codegen::Elements;
use rheobase_lang::VarType;
use std::any::Any;
use std::ops::Range;

/// Which neurons a `StateMonitor` records.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    /// Every neuron of the source (Brian2's `record=True`).
    All,
    /// These neurons (indices relative to the source).
    Indices(Vec<usize>),
}

/// Options of `StateMonitor`.
#[derive(Clone, Debug)]
pub struct StateMonitorOptions {
    /// Default: the source's clock.
    pub dt: Option<f64>,
    pub clock: Option<Clock>,
    pub when: When,
    pub name: Option<String>,
}

impl Default for StateMonitorOptions {
    fn default() -> Self {
        StateMonitorOptions {
            dt: None,
            clock: None,
            when: When::new("start", 0),
            name: None,
        }
    }
}

#[derive(Clone, Default)]
struct Samples {
    t: Vec<f64>,
    /// Per variable: samples in time order, each with one value per recorded neuron.
    values: Vec<Vec<f64>>,
}

struct StateMonitorOp {
    indices: Vec<i32>,
    /// For Synapses, whose number changes when they are connected: the group and the record
    /// request, resolved to `indices` at the start of each run.
    dynamic: Option<(crate::network::GroupId, Record)>,
    name: String,
    recorder: Recorder,
    /// Per variable, the store array to copy from directly when the variable is a float
    /// array of the group's own (not shared, linked or a subexpression): its value is what
    /// the recording kernel would compute. The kernel runs only for the others.
    direct: Vec<Option<StoreId>>,
    /// `indices` as a range, when they are consecutive: then direct variables are copied
    /// as one slice.
    contiguous: Option<Range<usize>>,
    data: Samples,
}

/// `indices` as a range when they are consecutive and increasing.
fn as_range(indices: &[i32]) -> Option<Range<usize>> {
    let first = *indices.first()?;
    let consecutive = indices
        .iter()
        .enumerate()
        .all(|(k, &x)| i64::from(x) == i64::from(first) + k as i64);
    (consecutive && first >= 0).then(|| first as usize..first as usize + indices.len())
}

/// The store array of a variable that a monitor may read without its kernel.
fn direct_source(variables: &crate::variables::Variables, name: &str) -> Option<StoreId> {
    if variables.link(name).is_some() {
        return None;
    }
    match variables.get(name)? {
        Variable::Array {
            id,
            vtype: VarType::Float,
            shared: false,
            ..
        } => Some(*id),
        _ => None,
    }
}

impl Operation for StateMonitorOp {
    fn before_run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        let Some((gid, record)) = &self.dynamic else {
            return Ok(());
        };
        let n = cx.groups[gid.0].n;
        let indices: Vec<i32> = match record {
            Record::All => (0..n as i32).collect(),
            Record::Indices(v) => {
                if let Some(bad) = v.iter().find(|&&k| k >= n) {
                    return Err(RuntimeError::invalid(
                        &self.name,
                        format!("cannot record synapse {bad}: there are {n} synapses"),
                    ));
                }
                v.iter().map(|&k| k as i32).collect()
            }
        };
        if !self.data.t.is_empty() && indices.len() != self.indices.len() {
            return Err(RuntimeError::invalid(
                &self.name,
                format!(
                    "the recorded synapses changed from {} to {} since the last run \
                     (record=True records the synapses there are at the first run)",
                    self.indices.len(),
                    indices.len()
                ),
            ));
        }
        if self.data.t.is_empty() {
            self.contiguous = as_range(&indices);
            self.indices = indices;
        }
        Ok(())
    }

    fn run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        if self.direct.iter().any(Option::is_none) {
            let rng = cx.rng(0);
            self.recorder.kernel.call(
                cx.store,
                Elements::List(&self.indices),
                cx.time,
                rng,
                None,
            )?;
        }
        self.data.t.push(cx.time.t);
        let sources = self.direct.iter().zip(&self.recorder.scratch);
        for (values, (direct, &scratch)) in self.data.values.iter_mut().zip(sources) {
            let data = cx.store.get(direct.unwrap_or(scratch));
            let slice = match (data, &self.contiguous) {
                (ArrayData::F64(a), Some(range)) => a.get(range.clone()),
                _ => None,
            };
            match slice {
                Some(slice) => values.extend_from_slice(slice),
                None => {
                    // The kernel checked the indices against the arrays; read ones it skips
                    // are checked here (`get_f64` would panic).
                    if direct.is_some() && self.indices.iter().any(|&k| k as usize >= data.len()) {
                        return Err(RuntimeError::Internal(format!(
                            "'{}' records an element beyond its source's arrays",
                            self.name
                        )));
                    }
                    values.extend(self.indices.iter().map(|&k| data.get_f64(k as usize)));
                }
            }
        }
        Ok(())
    }

    fn save(&self) -> Option<Box<dyn Any + Send>> {
        Some(Box::new(self.data.clone()))
    }

    fn bytes_per_step(&self) -> u64 {
        8 * (1 + self.indices.len() as u64 * self.data.values.len() as u64)
    }

    fn restore(&mut self, saved: &(dyn Any + Send)) {
        if let Some(d) = saved.downcast_ref::<Samples>() {
            // `clone_from` keeps the buffers: a store/restore loop (model fitting) records
            // each run into the memory of the one before.
            self.data.t.clone_from(&d.t);
            self.data.values.clone_from(&d.values);
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Samples taken out of a [`StateMonitor`] by [`StateMonitor::drain`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StateSamples {
    /// Sample times in seconds.
    pub t: Vec<f64>,
    /// One vector per variable (SI units), in time order with one value per recorded neuron
    /// for each sample: `values[v][k * n_recorded + j]` is neuron `j` at `t[k]`.
    pub values: Vec<Vec<f64>>,
}

/// Records variables (state variables, parameters, subexpressions) of a (sub)group over time.
#[derive(Clone, Debug)]
pub struct StateMonitor {
    net: Network,
    object: ObjectId,
    name: String,
    variables: Vec<String>,
}

impl StateMonitor {
    pub fn new(
        source: &NeuronGroup,
        variables: &[&str],
        record: Record,
        options: StateMonitorOptions,
    ) -> Result<StateMonitor> {
        let net = source.network().clone();
        let mut core = net.lock();
        let name = core.unique_name(
            options.name.as_deref().unwrap_or("statemonitor"),
            options.name.is_some(),
        )?;
        let range = source.range();
        let dynamic = core
            .synapses
            .contains_key(&source.id)
            .then(|| (source.id, record.clone()));
        let relative: Vec<usize> = match record {
            Record::All => (0..range.len()).collect(),
            Record::Indices(v) => v,
        };
        if let Some(bad) = relative
            .iter()
            .find(|&&k| k >= range.len() && dynamic.is_none())
        {
            return Err(RuntimeError::invalid(
                &name,
                format!(
                    "cannot record neuron {bad}: the source has {} neurons",
                    range.len()
                ),
            ));
        }
        let variables: Vec<String> = variables.iter().map(|s| s.to_string()).collect();
        let recorder = recorder(&mut core, source.id, &name, &variables)?;
        let clock = match (&options.clock, options.dt) {
            (None, None) => core.group(source.id).clock,
            (c, dt) => core.clock_id(c.as_ref(), dt)?,
        };
        let indices: Vec<i32> = relative
            .iter()
            .filter(|&&k| k < range.len())
            .map(|&k| (range.start + k) as i32)
            .collect();
        let group_variables = &core.group(source.id).variables;
        let direct = variables
            .iter()
            .map(|v| direct_source(group_variables, v))
            .collect();
        let op = StateMonitorOp {
            contiguous: as_range(&indices),
            indices,
            dynamic,
            name: name.clone(),
            recorder,
            direct,
            data: Samples {
                t: Vec::new(),
                values: vec![Vec::new(); variables.len()],
            },
        };
        let object = core.add_object(ObjectEntry {
            name: name.clone(),
            when: options.when,
            clock,
            active: true,
            op: Box::new(op),
        })?;
        drop(core);
        Ok(StateMonitor {
            net,
            object,
            name,
            variables,
        })
    }

    fn with<R>(&self, f: impl FnOnce(&StateMonitorOp) -> R) -> R {
        self.net.with_object::<StateMonitorOp, R>(self.object, f)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sample times in seconds.
    pub fn t(&self) -> Vec<f64> {
        self.with(|m| m.data.t.clone())
    }

    /// A variable's samples as `[recorded neuron][time]` (Brian2's `M.v`), in SI units.
    pub fn values(&self, variable: &str) -> Option<Vec<Vec<f64>>> {
        let k = self.variables.iter().position(|v| v == variable)?;
        let n = self.n_recorded();
        Some(self.with(|m| {
            let flat = &m.data.values[k];
            if n == 0 {
                return Vec::new();
            }
            // Eight columns at a time, row by row (one row per sample time): each row's
            // eight values are about one cache line, and only eight output vectors are
            // written at once (a column at a time reads a whole line per value; all columns
            // at once write to more pages than the TLB holds).
            let mut out: Vec<Vec<f64>> =
                (0..n).map(|_| Vec::with_capacity(flat.len() / n)).collect();
            for (tile, columns) in out.chunks_mut(8).enumerate() {
                let first = tile * 8;
                for row in flat.chunks_exact(n) {
                    for (column, &x) in columns.iter_mut().zip(&row[first..]) {
                        column.push(x);
                    }
                }
            }
            out
        }))
    }

    /// Calls `f` with a variable's samples as recorded, without copying them:
    /// `samples[k * n_recorded + j]` is recorded neuron `j` at `t()[k]` (the layout of
    /// [`StateSamples`]), and `n_recorded`. The network stays locked while `f` runs.
    pub fn with_recorded<R>(
        &self,
        variable: &str,
        f: impl FnOnce(&[f64], usize) -> R,
    ) -> Option<R> {
        let k = self.variables.iter().position(|v| v == variable)?;
        Some(self.with(|m| f(&m.data.values[k], m.indices.len())))
    }

    /// How many neurons are recorded.
    pub fn n_recorded(&self) -> usize {
        self.with(|m| m.indices.len())
    }

    /// Takes out the samples recorded so far (see [`StateSamples`] for their layout), so that
    /// a long run can be written to disk in pieces with bounded memory; `t()` and `values()`
    /// then hold only the samples recorded after the drain.
    pub fn drain(&self) -> StateSamples {
        self.net
            .with_object_mut::<StateMonitorOp, _>(self.object, |m| {
                let n_vars = m.data.values.len();
                StateSamples {
                    t: std::mem::take(&mut m.data.t),
                    values: std::mem::replace(&mut m.data.values, vec![Vec::new(); n_vars]),
                }
            })
    }

    /// One recorded neuron's trace (`k` counts the recorded neurons).
    pub fn trace(&self, variable: &str, k: usize) -> Option<Vec<f64>> {
        self.values(variable)?.into_iter().nth(k)
    }
}
