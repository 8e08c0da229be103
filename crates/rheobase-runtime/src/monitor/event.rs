//! `EventMonitor` and `SpikeMonitor`: the index and time of every event of a (sub)group,
//! counts per neuron, and variables recorded at event time.

use super::{recorder, Recorder};
use crate::error::Result;
use crate::network::{EventId, Network, ObjectEntry, ObjectId, Operation, StepContext};
use crate::neurongroup::NeuronGroup;
use crate::schedule::When;
use rheobase_codegen::Elements;
use std::any::Any;
use std::ops::Range;

/// Options of `SpikeMonitor` / `EventMonitor`.
#[derive(Clone, Debug)]
pub struct EventMonitorOptions {
    /// Variables to record at each event.
    pub variables: Vec<String>,
    /// `false`: only count events per neuron (Brian2's `record=False`).
    pub record: bool,
    /// Default: right after the event's thresholder (its slot, order + 1).
    pub when: Option<When>,
    pub name: Option<String>,
}

impl Default for EventMonitorOptions {
    fn default() -> Self {
        EventMonitorOptions {
            variables: Vec::new(),
            record: true,
            when: None,
            name: None,
        }
    }
}

#[derive(Clone, Default)]
struct Recorded {
    i: Vec<usize>,
    t: Vec<f64>,
    count: Vec<u64>,
    values: Vec<Vec<f64>>,
}

struct EventMonitorOp {
    /// The monitor's name, for errors.
    name: String,
    event: EventId,
    range: Range<usize>,
    record: bool,
    recorder: Option<Recorder>,
    data: Recorded,
    selected: Vec<i32>,
}

impl EventMonitorOp {
    /// Before the recordings grow their buffers (they double, so this runs a few dozen times
    /// per run at most), checks the new size against the memory limit: a run whose spikes
    /// would not fit stops with an estimate instead of being killed by the operating system.
    fn check_growth(&self, own_limit: Option<u64>) -> Result<()> {
        let (len, capacity) = (self.data.t.len(), self.data.t.capacity());
        let needed = len + self.selected.len();
        if needed <= capacity {
            return Ok(());
        }
        let new_capacity = needed.max(capacity.saturating_mul(2));
        // `i` and `t`, plus one f64 per recorded variable.
        let per_event = 16 + 8 * self.data.values.len() as u64;
        crate::resources::check_memory(
            own_limit,
            &self.name,
            || {
                format!(
                    "recording {new_capacity} events (the monitor has {len}; record fewer neurons, \
                     record=False for counts only, or drain() it in shorter runs)"
                )
            },
            (new_capacity as u64).saturating_mul(per_event),
        )
    }
}

impl Operation for EventMonitorOp {
    fn run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        let events = &cx.events[self.event.0];
        self.selected.clear();
        self.selected.extend(
            events
                .iter()
                .copied()
                .filter(|&k| self.range.contains(&(k as usize))),
        );
        if self.selected.is_empty() {
            return Ok(());
        }
        // Before anything is counted, so that a refused step leaves counts and recordings
        // in agreement.
        if self.record {
            self.check_growth(cx.memory_limit)?;
        }
        let start = self.range.start;
        for &k in &self.selected {
            self.data.count[k as usize - start] += 1;
        }
        if !self.record {
            return Ok(());
        }
        for &k in &self.selected {
            self.data.i.push(k as usize - start);
            self.data.t.push(cx.time.t);
        }
        if let Some(rec) = &self.recorder {
            let rng = cx.rng(0);
            rec.kernel
                .call(cx.store, Elements::List(&self.selected), cx.time, rng, None)?;
            for (values, &s) in self.data.values.iter_mut().zip(&rec.scratch) {
                let data = cx.store.get(s);
                values.extend(self.selected.iter().map(|&k| data.get_f64(k as usize)));
            }
        }
        Ok(())
    }

    fn save(&self) -> Option<Box<dyn Any + Send>> {
        Some(Box::new(self.data.clone()))
    }

    fn restore(&mut self, saved: &(dyn Any + Send)) {
        if let Some(d) = saved.downcast_ref::<Recorded>() {
            self.data = d.clone();
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Events taken out of an [`EventMonitor`] by [`EventMonitor::drain`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventRecords {
    /// Neuron indices relative to the source.
    pub i: Vec<usize>,
    /// Times in seconds.
    pub t: Vec<f64>,
    /// One vector per recorded variable (SI units), aligned with `i` and `t`.
    pub values: Vec<Vec<f64>>,
}

/// Records the events (by default spikes) of a (sub)group.
#[derive(Clone, Debug)]
pub struct EventMonitor {
    net: Network,
    object: ObjectId,
    name: String,
    variables: Vec<String>,
}

/// Brian2's `SpikeMonitor`: an [`EventMonitor`] of the `spike` event.
pub type SpikeMonitor = EventMonitor;

impl EventMonitor {
    /// Brian2's `SpikeMonitor(source)`.
    pub fn spikes(source: &NeuronGroup, options: EventMonitorOptions) -> Result<SpikeMonitor> {
        EventMonitor::new(source, "spike", options, "spikemonitor")
    }

    /// Brian2's `EventMonitor(source, event)`.
    pub fn event(
        source: &NeuronGroup,
        event: &str,
        options: EventMonitorOptions,
    ) -> Result<EventMonitor> {
        EventMonitor::new(source, event, options, "eventmonitor")
    }

    fn new(
        source: &NeuronGroup,
        event: &str,
        options: EventMonitorOptions,
        default_name: &str,
    ) -> Result<EventMonitor> {
        let event_id = source.event_id(event)?;
        let net = source.network().clone();
        let mut core = net.lock();
        let name = core.unique_name(
            options.name.as_deref().unwrap_or(default_name),
            options.name.is_some(),
        )?;
        let gid = source.id;
        let group = core.group(gid);
        let clock = group.clock;
        // Brian2: right after the event's thresholder. A subgroup has no thresholder of its
        // own, so Brian2 uses the subgroup's slot, `thresholds` with order + 1: a custom event
        // (checked in `after_thresholds`) is then recorded one step late. We do the same.
        let is_subgroup = source.range().len() != group.n;
        let when = options.when.clone().unwrap_or_else(|| {
            let thresholder = format!("{}_{event}_thresholder", group.name);
            match core.objects.iter().find(|o| o.name == thresholder) {
                Some(o) if !is_subgroup => When::new(o.when.when.clone(), o.when.order + 1),
                _ => When::new("thresholds", group.order + 1),
            }
        });
        let recorder = if options.variables.is_empty() || !options.record {
            None
        } else {
            Some(recorder(&mut core, gid, &name, &options.variables)?)
        };
        let range = source.range();
        let op = EventMonitorOp {
            name: name.clone(),
            event: event_id,
            range: range.clone(),
            record: options.record,
            recorder,
            data: Recorded {
                count: vec![0; range.len()],
                values: vec![Vec::new(); options.variables.len()],
                ..Recorded::default()
            },
            selected: Vec::new(),
        };
        let object = core.add_object(ObjectEntry {
            name: name.clone(),
            when,
            clock,
            active: true,
            op: Box::new(op),
        })?;
        drop(core);
        Ok(EventMonitor {
            net,
            object,
            name,
            variables: options.variables,
        })
    }

    fn with<R>(&self, f: impl FnOnce(&EventMonitorOp) -> R) -> R {
        self.net.with_object::<EventMonitorOp, R>(self.object, f)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Neuron indices of the events, in order of recording (relative to the source).
    pub fn i(&self) -> Vec<usize> {
        self.with(|m| m.data.i.clone())
    }

    /// Times of the events in seconds.
    pub fn t(&self) -> Vec<f64> {
        self.with(|m| m.data.t.clone())
    }

    /// Events per neuron.
    pub fn count(&self) -> Vec<u64> {
        self.with(|m| m.data.count.clone())
    }

    /// Total number of events.
    pub fn num_events(&self) -> u64 {
        self.with(|m| m.data.count.iter().sum())
    }

    /// A recorded variable at each event (SI units), aligned with `i()` and `t()`.
    pub fn values(&self, variable: &str) -> Option<Vec<f64>> {
        let k = self.variables.iter().position(|v| v == variable)?;
        Some(self.with(|m| m.data.values[k].clone()))
    }

    /// Event times per neuron (Brian2's `spike_trains()`).
    pub fn event_trains(&self) -> Vec<Vec<f64>> {
        self.with(|m| {
            let mut trains = vec![Vec::new(); m.data.count.len()];
            for (&i, &t) in m.data.i.iter().zip(&m.data.t) {
                trains[i].push(t);
            }
            trains
        })
    }

    /// Brian2's `spike_trains()`.
    pub fn spike_trains(&self) -> Vec<Vec<f64>> {
        self.event_trains()
    }

    /// Takes out the events recorded so far, so that a long run can be written to disk in
    /// pieces with bounded memory. Counts per neuron are kept; `i()`, `t()` and `values()`
    /// then hold only the events recorded after the drain.
    pub fn drain(&self) -> EventRecords {
        self.net
            .with_object_mut::<EventMonitorOp, _>(self.object, |m| {
                let n_vars = m.data.values.len();
                EventRecords {
                    i: std::mem::take(&mut m.data.i),
                    t: std::mem::take(&mut m.data.t),
                    values: std::mem::replace(&mut m.data.values, vec![Vec::new(); n_vars]),
                }
            })
    }
}
