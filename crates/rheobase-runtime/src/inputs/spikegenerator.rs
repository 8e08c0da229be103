//! `SpikeGeneratorGroup(N, indices, times, period)`: spikes at given times, optionally
//! repeated every `period`.
//!
//! Brian2's rules: spikes are sorted by time, then index; at the start of each run they are
//! binned to the clock as `int((t + 1e-3*dt)/dt)` (so 2 ms with dt = 0.1 ms is step 20, and a
//! time a hair below a step boundary still lands on that step); two spikes of one neuron in
//! one bin are an error; spikes before the start of a run are skipped (with a warning); the
//! period must be a whole number of steps and longer than the last spike. Spikes are
//! emitted in the `thresholds` slot, into the group's `spike` event space (in increasing
//! index order within a step).

use super::{add_group, rollback_group, GroupParts};
use crate::clock::Clock;
use crate::error::{Result, RuntimeError};
use crate::network::{EventId, Network, ObjectEntry, ObjectId, Operation, StepContext};
use crate::neurongroup::NeuronGroup;
use crate::schedule::When;
use crate::state::StoreId;
use crate::variables::{Variable, Variables};
use rheobase_codegen::ElemType;
use rheobase_lang::{SourceMap, VarType};
use rheobase_units::Dimension;
use std::any::Any;
use std::collections::HashMap;
use std::ops::Deref;

const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);

/// Brian2's keyword arguments of `SpikeGeneratorGroup`.
#[derive(Clone, Debug)]
pub struct SpikeGeneratorGroupOptions {
    /// Repeat the spikes every `period` seconds; 0 (the default) repeats nothing.
    pub period: f64,
    pub dt: Option<f64>,
    pub clock: Option<Clock>,
    /// Scheduling slot of the spike emission (default `thresholds`).
    pub when: String,
    pub order: i32,
    /// The spikes are already sorted by time, then index (skips sorting).
    pub sorted: bool,
    /// A unique name; default `spikegeneratorgroup`, `spikegeneratorgroup_1`, ...
    pub name: Option<String>,
}

impl Default for SpikeGeneratorGroupOptions {
    fn default() -> Self {
        SpikeGeneratorGroupOptions {
            period: 0.0,
            dt: None,
            clock: None,
            when: "thresholds".into(),
            order: 0,
            sorted: false,
            name: None,
        }
    }
}

/// A group emitting spikes at given times. It dereferences to its `NeuronGroup` handle, so
/// monitors and synapses take it as a source.
#[derive(Clone, Debug)]
pub struct SpikeGeneratorGroup {
    group: NeuronGroup,
    op: ObjectId,
}

impl Deref for SpikeGeneratorGroup {
    type Target = NeuronGroup;
    fn deref(&self) -> &NeuronGroup {
        &self.group
    }
}

/// The spikes and the emission state (what `store`/`restore` keep).
#[derive(Clone, Debug, PartialEq)]
struct Spikes {
    /// Sorted by time, then index.
    indices: Vec<i32>,
    times: Vec<f64>,
    period: f64,
    /// Bins for `binned_dt` (valid while `changed` is false).
    timebins: Vec<i64>,
    period_bins: i64,
    binned_dt: Option<f64>,
    /// The spikes changed since the last run started (Brian2's `_spikes_changed`).
    changed: bool,
    /// The first spike not emitted yet.
    next: usize,
}

struct SpikeGenerator {
    group: String,
    event: EventId,
    spikes: Spikes,
}

/// Brian2's `timestep(t, dt)`.
fn timestep(t: f64, dt: f64) -> i64 {
    ((t + 1e-3 * dt) / dt) as i64
}

/// Brian2's `_check_args`: validates and sorts the spikes.
fn checked_spikes(
    object: &str,
    n: usize,
    indices: &[i64],
    times: &[f64],
    period: f64,
    sorted: bool,
    dt: f64,
) -> Result<(Vec<i32>, Vec<f64>)> {
    let invalid = |m: String| Err(RuntimeError::invalid(object, m));
    if indices.len() != times.len() {
        return invalid(format!(
            "the indices and times must have the same length, but {} != {}",
            indices.len(),
            times.len()
        ));
    }
    if period.is_nan() || period < 0.0 {
        return invalid(format!("the period cannot be negative (got {period} s)"));
    }
    if let Some(bad) = times.iter().find(|t| !t.is_finite()) {
        return invalid(format!("spike times must be finite (got {bad} s)"));
    }
    if times.iter().any(|&t| t < 0.0) {
        return invalid("spike times cannot be negative".into());
    }
    if let Some(bad) = indices.iter().find(|&&k| k < 0 || k as u64 >= n as u64) {
        return invalid(format!(
            "index {bad} is out of range: indices have to lie in the interval [0, {n}["
        ));
    }
    if !times.is_empty() && period != 0.0 {
        let period_bins = (period / dt).round_ties_even();
        let max_time = times.iter().copied().fold(f64::MIN, f64::max);
        if timestep(max_time, dt) as f64 >= period_bins {
            return invalid(format!(
                "the period ({period} s) has to be greater than the maximum of the spike times ({max_time} s)"
            ));
        }
    }
    let mut order: Vec<usize> = (0..times.len()).collect();
    let before = |a: usize, b: usize| (times[a], indices[a]) <= (times[b], indices[b]);
    if sorted && (1..times.len()).any(|k| !before(k - 1, k)) {
        return invalid("the spikes are not sorted by time, then index (sorted = true)".into());
    }
    if !sorted {
        order.sort_by(|&a, &b| {
            times[a]
                .total_cmp(&times[b])
                .then(indices[a].cmp(&indices[b]))
        });
    }
    Ok((
        order.iter().map(|&k| indices[k] as i32).collect(),
        order.iter().map(|&k| times[k]).collect(),
    ))
}

impl Spikes {
    fn new(indices: Vec<i32>, times: Vec<f64>, period: f64) -> Spikes {
        Spikes {
            indices,
            times,
            period,
            timebins: Vec::new(),
            period_bins: 0,
            binned_dt: None,
            changed: true,
            next: 0,
        }
    }

    /// Brian2's `before_run`.
    fn prepare(&mut self, object: &str, t: f64, dt: f64) -> Result<()> {
        let period = self.period;
        if period != 0.0 && period.is_finite() && period < dt {
            return Err(RuntimeError::invalid(
                object,
                format!("the period ({period} s) is smaller than the time step ({dt} s)"),
            ));
        }
        if self.changed {
            let now = timestep(t, dt);
            let past = self.times.iter().rposition(|&s| timestep(s, dt) < now);
            self.next = past.map_or(0, |k| {
                log::warn!(
                    "'{object}' has spike times before the start of the current run (t = {t} s); they are ignored"
                );
                k + 1
            });
        }
        if self.binned_dt != Some(dt) || self.changed {
            let bins: Vec<i64> = self.times.iter().map(|&s| timestep(s, dt)).collect();
            let mut keys: Vec<(i64, i32)> = bins
                .iter()
                .copied()
                .zip(self.indices.iter().copied())
                .collect();
            keys.sort_unstable();
            if let Some(w) = keys.windows(2).find(|w| w[0] == w[1]) {
                return Err(RuntimeError::invalid(
                    object,
                    format!(
                        "using a dt of {dt} s, neuron {} spikes more than once in time step {}",
                        w[0].1, w[0].0
                    ),
                ));
            }
            let mut period_bins = (period / dt).round_ties_even();
            if period_bins > f64::from(i32::MAX) {
                log::warn!(
                    "'{object}': periods longer than {} time steps are not supported; the period is taken as infinite",
                    i32::MAX
                );
                period_bins = 0.0;
            } else if (period_bins * dt - period).abs() > period * f64::EPSILON {
                return Err(RuntimeError::not_supported(
                    object,
                    format!(
                        "the period ({period} s) is not a whole multiple of the time step ({dt} s)"
                    ),
                ));
            }
            self.timebins = bins;
            self.period_bins = period_bins as i64;
            self.binned_dt = Some(dt);
            self.changed = false;
        }
        Ok(())
    }

    /// The neurons that spike in step `step`, in increasing order (Brian2's `spikegenerator`
    /// template).
    fn emit(&mut self, step: u64, out: &mut Vec<i32>) {
        let mut bin = step as i64;
        if self.period_bins > 0 {
            bin %= self.period_bins;
            if self.next > 0 && self.timebins[self.next - 1] >= bin {
                self.next = 0;
            }
        }
        while self.next < self.timebins.len() && self.timebins[self.next] <= bin {
            out.push(self.indices[self.next]);
            self.next += 1;
        }
        out.sort_unstable();
    }
}

impl Operation for SpikeGenerator {
    fn before_run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        self.spikes.prepare(&self.group, cx.time.t, cx.time.dt)
    }

    fn run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        if self.spikes.changed || self.spikes.binned_dt != Some(cx.time.dt) {
            // Spikes set from inside a run (a network operation): bin them now.
            self.spikes.prepare(&self.group, cx.time.t, cx.time.dt)?;
        }
        let space = &mut cx.events[self.event.0];
        space.clear();
        self.spikes.emit(cx.time.step, space);
        Ok(())
    }

    fn save(&self) -> Option<Box<dyn Any + Send>> {
        Some(Box::new(self.spikes.clone()))
    }

    fn restore(&mut self, saved: &(dyn Any + Send)) {
        if let Some(s) = saved.downcast_ref::<Spikes>() {
            self.spikes = s.clone();
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

impl SpikeGeneratorGroup {
    /// `n` neurons; neuron `indices[k]` spikes at `times[k]` (seconds).
    pub fn new(
        net: &Network,
        n: usize,
        indices: &[i64],
        times: &[f64],
        options: SpikeGeneratorGroupOptions,
    ) -> Result<SpikeGeneratorGroup> {
        let mut core = net.lock();
        let name = core.unique_name(
            options.name.as_deref().unwrap_or("spikegeneratorgroup"),
            options.name.is_some(),
        )?;
        let built = (|| {
            if n == 0 {
                return Err(RuntimeError::invalid(
                    &name,
                    "a SpikeGeneratorGroup needs at least one neuron",
                ));
            }
            let clock = core.clock_id(options.clock.as_ref(), options.dt)?;
            let dt = core.clocks[clock.0].dt;
            let (idx, t) =
                checked_spikes(&name, n, indices, times, options.period, options.sorted, dt)?;
            let period_array = core.store.add(format!("{name}.period"), ElemType::F64, 1);
            core.store.get_mut(period_array).set_f64(0, options.period);
            let mut variables = Variables::default();
            variables.insert(
                "period",
                Variable::Array {
                    id: period_array,
                    dim: SECOND,
                    vtype: VarType::Float,
                    shared: true,
                    read_only: true,
                    constant: true,
                    write_guard: None,
                },
            );
            let (gid, event) = add_group(
                &mut core,
                GroupParts {
                    name: &name,
                    n,
                    clock,
                    order: options.order,
                    variables,
                    namespace: HashMap::new(),
                    sources: SourceMap::new(),
                },
            );
            let added = core.add_object(ObjectEntry {
                name: format!("{name}_spike_thresholder"),
                when: When::new(options.when.clone(), options.order),
                clock,
                active: true,
                op: Box::new(SpikeGenerator {
                    group: name.clone(),
                    event,
                    spikes: Spikes::new(idx, t, options.period),
                }),
            });
            match added {
                Ok(op) => Ok((gid, op)),
                Err(e) => {
                    rollback_group(&mut core, gid, &name);
                    Err(e)
                }
            }
        })();
        match built {
            Ok((gid, op)) => {
                drop(core);
                Ok(SpikeGeneratorGroup {
                    group: NeuronGroup::handle(net, gid, 0..n, &name),
                    op,
                })
            }
            Err(e) => {
                core.release_name(&name);
                Err(e)
            }
        }
    }

    /// Replaces the spikes (Brian2's `set_spikes`); they take effect from the next step run.
    pub fn set_spikes(
        &self,
        indices: &[i64],
        times: &[f64],
        period: f64,
        sorted: bool,
    ) -> Result<()> {
        let n = self.group.len();
        let name = self.group.name().to_string();
        let mut core = self.group.net.lock();
        let clock = core.group(self.group.id).clock;
        let dt = core.clocks[clock.0].dt;
        let (idx, t) = checked_spikes(&name, n, indices, times, period, sorted, dt)?;
        let period_array = self.period_array(&core)?;
        core.store.get_mut(period_array).set_f64(0, period);
        let op = self.generator(&mut core)?;
        op.spikes = Spikes::new(idx, t, period);
        Ok(())
    }

    /// The spiking neuron of each spike, sorted by time, then index.
    pub fn indices(&self) -> Vec<usize> {
        self.with_spikes(|s| s.indices.iter().map(|&k| k as usize).collect())
    }

    /// The spike times in seconds, sorted.
    pub fn times(&self) -> Vec<f64> {
        self.with_spikes(|s| s.times.clone())
    }

    /// The period in seconds (0: no repetition).
    pub fn period(&self) -> f64 {
        self.with_spikes(|s| s.period)
    }

    fn with_spikes<R>(&self, f: impl FnOnce(&Spikes) -> R) -> R {
        self.group
            .net
            .with_object(self.op, |g: &SpikeGenerator| f(&g.spikes))
    }

    fn period_array(&self, core: &crate::network::NetworkCore) -> Result<StoreId> {
        match core.group(self.group.id).variables.get("period") {
            Some(Variable::Array { id, .. }) => Ok(*id),
            _ => Err(RuntimeError::Internal(
                "SpikeGeneratorGroup without 'period'".into(),
            )),
        }
    }

    fn generator<'c>(
        &self,
        core: &'c mut crate::network::NetworkCore,
    ) -> Result<&'c mut SpikeGenerator> {
        core.objects[self.op.0]
            .op
            .as_any_mut()
            .downcast_mut::<SpikeGenerator>()
            .ok_or_else(|| RuntimeError::Internal("SpikeGeneratorGroup operation".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DT: f64 = 1e-4;

    #[test]
    fn spikes_are_checked_and_sorted() {
        let (i, t) =
            checked_spikes("g", 3, &[2, 0, 1], &[2e-3, 1e-3, 1e-3], 0.0, false, DT).unwrap();
        assert_eq!(i, vec![0, 1, 2]);
        assert_eq!(t, vec![1e-3, 1e-3, 2e-3]);
        let bad = |idx: &[i64], t: &[f64], period: f64| {
            checked_spikes("g", 3, idx, t, period, false, DT)
                .unwrap_err()
                .to_string()
        };
        assert!(bad(&[3], &[0.0], 0.0).contains("[0, 3["));
        assert!(bad(&[-1], &[0.0], 0.0).contains("out of range"));
        assert!(bad(&[0], &[-1e-3], 0.0).contains("negative"));
        assert!(bad(&[0, 1], &[0.0], 0.0).contains("same length"));
        assert!(bad(&[0], &[5e-3], 5e-3).contains("greater than the maximum"));
        assert!(bad(&[0], &[0.0], -1.0).contains("negative"));
        let unsorted = checked_spikes("g", 3, &[0, 1], &[2e-3, 1e-3], 0.0, true, DT);
        assert!(unsorted.unwrap_err().to_string().contains("not sorted"));
    }

    #[test]
    fn binning_follows_brian2_and_rejects_double_spikes() {
        // 2 ms is step 20; 2.5 ms - 1e-9 s rounds up to step 25 (shift of 1e-3 dt).
        let mut s = Spikes::new(vec![0, 1], vec![2e-3, 2.5e-3 - 1e-9], 0.0);
        s.prepare("g", 0.0, DT).unwrap();
        assert_eq!(s.timebins, vec![20, 25]);
        let mut d = Spikes::new(vec![0, 0], vec![1e-3, 1.05e-3], 0.0);
        let err = d.prepare("g", 0.0, DT).unwrap_err().to_string();
        assert!(err.contains("neuron 0 spikes more than once"), "{err}");
        // Not adjacent after sorting by time: still found.
        let mut d = Spikes::new(vec![0, 1, 0], vec![1e-3, 1.02e-3, 1.05e-3], 0.0);
        assert!(d.prepare("g", 0.0, DT).is_err());
    }

    #[test]
    fn periods_repeat_and_past_spikes_are_skipped() {
        let mut s = Spikes::new(vec![0, 1], vec![1e-4, 4e-4], 1e-3);
        s.prepare("g", 0.0, DT).unwrap();
        let mut fired = Vec::new();
        for step in 0..30u64 {
            let mut out = Vec::new();
            s.emit(step, &mut out);
            fired.extend(out.iter().map(|&k| (step, k)));
        }
        assert_eq!(
            fired,
            vec![(1, 0), (4, 1), (11, 0), (14, 1), (21, 0), (24, 1)]
        );
        let mut late = Spikes::new(vec![0, 1], vec![1e-4, 4e-4], 0.0);
        late.prepare("g", 3e-4, DT).unwrap();
        assert_eq!(late.next, 1);
        let mut bad = Spikes::new(vec![0], vec![0.0], 0.25e-3);
        assert!(bad.prepare("g", 0.0, DT).is_err());
    }
}
