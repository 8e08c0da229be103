//! Monitors written to disk while the network runs: recorded data is drained from the
//! monitors every few steps into raw column files, so memory stays bounded however long the
//! run; at the end each monitor's columns become one `.npz` archive.

use super::columns::Column;
use super::npy::Dtype;
use super::npz::{self, Entry};
use crate::build::{BuiltMonitor, MonitorKind};
use rheobase::runtime::{EventMonitor, PopulationRateMonitor, StateMonitor};
use std::io;
use std::path::{Path, PathBuf};

/// Elements (all arrays together) a drain interval should hold at most.
pub const CHUNK_ELEMENTS: usize = 4 << 20;

enum Sink {
    Events {
        monitor: EventMonitor,
        i: Column,
        t: Column,
        values: Vec<(String, Column)>,
    },
    State {
        monitor: StateMonitor,
        n_recorded: usize,
        indices: Vec<usize>,
        t: Column,
        values: Vec<(String, Column)>,
    },
    Rate {
        monitor: PopulationRateMonitor,
        t: Column,
        rate: Column,
        sum: f64,
    },
}

/// One monitor's output while it is being written.
pub struct MonitorStream {
    pub name: String,
    sink: Sink,
    /// The most elements one drain took out of the monitor: what it held in memory at most.
    peak: usize,
}

/// What a finished monitor holds, for `summary.json` and plots.
pub struct Finished {
    pub name: String,
    pub file: PathBuf,
    pub summary: serde_json::Value,
}

impl MonitorStream {
    /// Column files for `monitor` in `dir` (the run's temporary folder).
    pub fn create(dir: &Path, monitor: &BuiltMonitor) -> io::Result<MonitorStream> {
        let column = |array: &str, dtype| {
            Column::create(&dir.join(format!("{}.{array}.raw", monitor.name)), dtype)
        };
        let sink = match &monitor.kind {
            MonitorKind::Spike {
                monitor: m,
                variables,
                ..
            } => Sink::Events {
                monitor: m.clone(),
                i: column("i", Dtype::I64)?,
                t: column("t", Dtype::F64)?,
                values: variables
                    .iter()
                    .map(|v| -> io::Result<(String, Column)> {
                        Ok((v.clone(), column(v, Dtype::F64)?))
                    })
                    .collect::<io::Result<_>>()?,
            },
            MonitorKind::State {
                monitor: m,
                variables,
                indices,
            } => Sink::State {
                monitor: m.clone(),
                n_recorded: indices.len(),
                indices: indices.clone(),
                t: column("t", Dtype::F64)?,
                values: variables
                    .iter()
                    .map(|v| -> io::Result<(String, Column)> {
                        Ok((v.clone(), column(v, Dtype::F64)?))
                    })
                    .collect::<io::Result<_>>()?,
            },
            MonitorKind::Rate { monitor: m } => Sink::Rate {
                monitor: m.clone(),
                t: column("t", Dtype::F64)?,
                rate: column("rate", Dtype::F64)?,
                sum: 0.0,
            },
        };
        Ok(MonitorStream {
            name: monitor.name.clone(),
            sink,
            peak: 0,
        })
    }

    /// Elements this monitor adds per step at most (events are not known in advance).
    pub fn elements_per_step(&self) -> usize {
        match &self.sink {
            Sink::Events { .. } => 0,
            Sink::State {
                n_recorded, values, ..
            } => 1 + n_recorded * values.len(),
            Sink::Rate { .. } => 2,
        }
    }

    /// The most elements (all arrays together) the monitor held between two drains.
    pub fn peak_elements(&self) -> usize {
        self.peak
    }

    /// Moves what the monitor recorded since the last drain into the column files.
    pub fn drain(&mut self) -> io::Result<()> {
        let drained = match &mut self.sink {
            Sink::Events {
                monitor,
                i,
                t,
                values,
            } => {
                let r = monitor.drain();
                i.push_i64(r.i.iter().map(|&k| k as i64))?;
                t.push_f64(&r.t)?;
                for ((_, col), v) in values.iter_mut().zip(&r.values) {
                    col.push_f64(v)?;
                }
                r.i.len() * (2 + values.len())
            }
            Sink::State {
                monitor, t, values, ..
            } => {
                let s = monitor.drain();
                t.push_f64(&s.t)?;
                for ((_, col), v) in values.iter_mut().zip(&s.values) {
                    col.push_f64(v)?;
                }
                s.t.len() + s.values.iter().map(Vec::len).sum::<usize>()
            }
            Sink::Rate {
                monitor,
                t,
                rate,
                sum,
            } => {
                let (times, rates) = monitor.drain();
                *sum += rates.iter().sum::<f64>();
                t.push_f64(&times)?;
                rate.push_f64(&rates)?;
                times.len() + rates.len()
            }
        };
        self.peak = self.peak.max(drained);
        Ok(())
    }

    /// The last drain and flush; the columns can then be read (plots) and archived.
    pub fn close(&mut self) -> io::Result<()> {
        self.drain()?;
        for c in self.columns_mut() {
            c.flush()?;
        }
        Ok(())
    }

    fn columns_mut(&mut self) -> Vec<&mut Column> {
        match &mut self.sink {
            Sink::Events { i, t, values, .. } => {
                let mut v = vec![i, t];
                v.extend(values.iter_mut().map(|(_, c)| c));
                v
            }
            Sink::State { t, values, .. } => {
                let mut v = vec![t];
                v.extend(values.iter_mut().map(|(_, c)| c));
                v
            }
            Sink::Rate { t, rate, .. } => vec![t, rate],
        }
    }

    /// A column by array name (`i`, `t`, `rate` or a variable), for plots.
    pub fn column(&self, array: &str) -> Option<&Column> {
        match &self.sink {
            Sink::Events { i, t, values, .. } => match array {
                "i" => Some(i),
                "t" => Some(t),
                v => values.iter().find(|(n, _)| n == v).map(|(_, c)| c),
            },
            Sink::State { t, values, .. } => match array {
                "t" => Some(t),
                v => values.iter().find(|(n, _)| n == v).map(|(_, c)| c),
            },
            Sink::Rate { t, rate, .. } => match array {
                "t" => Some(t),
                "rate" => Some(rate),
                _ => None,
            },
        }
    }

    /// Recorded neurons of a state monitor (empty for the others).
    pub fn recorded(&self) -> &[usize] {
        match &self.sink {
            Sink::State { indices, .. } => indices,
            _ => &[],
        }
    }

    /// Writes `<name>.npz` into `dir`, removes the column files, and summarises.
    /// `source_n` is the source's size and `duration` the simulated time in seconds.
    pub fn finish(self, dir: &Path, source_n: usize, duration: f64) -> io::Result<Finished> {
        let file = dir.join(format!("{}.npz", self.name));
        let rate_of = |count: f64| {
            if duration > 0.0 && source_n > 0 {
                count / (source_n as f64 * duration)
            } else {
                0.0
            }
        };
        let (summary, columns): (serde_json::Value, Vec<PathBuf>) = match &self.sink {
            Sink::Events {
                monitor,
                i,
                t,
                values,
            } => {
                let count: Vec<i64> = monitor.count().iter().map(|&c| c as i64).collect();
                let total: i64 = count.iter().sum();
                let mut entries = vec![
                    ("i", one_d(i)),
                    ("t", one_d(t)),
                    ("count", Entry::I64(count)),
                ];
                for (name, col) in values {
                    entries.push((name.as_str(), one_d(col)));
                }
                npz::write(&file, &entries)?;
                let summary = serde_json::json!({
                    "type": "events",
                    "num_events": total,
                    "recorded": i.len(),
                    "mean_rate_hz": rate_of(total as f64),
                });
                let mut cols = vec![i.path().to_path_buf(), t.path().to_path_buf()];
                cols.extend(values.iter().map(|(_, c)| c.path().to_path_buf()));
                (summary, cols)
            }
            Sink::State {
                n_recorded,
                indices,
                t,
                values,
                ..
            } => {
                let mut entries = vec![
                    ("t", one_d(t)),
                    (
                        "record",
                        Entry::I64(indices.iter().map(|&k| k as i64).collect()),
                    ),
                ];
                for (name, col) in values {
                    // Streamed time step by time step: [neuron, time] in Fortran order.
                    entries.push((
                        name.as_str(),
                        Entry::Column {
                            column: col,
                            shape: vec![*n_recorded, t.len()],
                            fortran_order: true,
                        },
                    ));
                }
                npz::write(&file, &entries)?;
                let summary = serde_json::json!({
                    "type": "state",
                    "samples": t.len(),
                    "recorded_neurons": n_recorded,
                });
                let mut cols = vec![t.path().to_path_buf()];
                cols.extend(values.iter().map(|(_, c)| c.path().to_path_buf()));
                (summary, cols)
            }
            Sink::Rate { t, rate, sum, .. } => {
                npz::write(&file, &[("t", one_d(t)), ("rate", one_d(rate))])?;
                let mean = if rate.is_empty() {
                    0.0
                } else {
                    sum / rate.len() as f64
                };
                let summary = serde_json::json!({
                    "type": "rate",
                    "samples": t.len(),
                    "mean_rate_hz": mean,
                });
                (
                    summary,
                    vec![t.path().to_path_buf(), rate.path().to_path_buf()],
                )
            }
        };
        let mut summary = summary;
        summary["peak_buffer_elements"] = self.peak.into();
        for c in columns {
            std::fs::remove_file(c)?;
        }
        Ok(Finished {
            name: self.name,
            file,
            summary,
        })
    }
}

fn one_d(column: &Column) -> Entry<'_> {
    Entry::Column {
        column,
        shape: vec![column.len()],
        fortran_order: false,
    }
}

/// Default-clock steps between drains so that one interval holds about `chunk` elements
/// ([`CHUNK_ELEMENTS`] by default) of the monitors whose size per step is known; event
/// monitors are drained at least every 10,000 steps.
pub fn drain_interval(streams: &[MonitorStream], steps_per_default_step: f64, chunk: usize) -> u64 {
    let per_step: f64 = streams
        .iter()
        .map(|s| s.elements_per_step() as f64 * steps_per_default_step.max(1.0))
        .sum();
    if per_step <= 0.0 {
        return 10_000;
    }
    ((chunk as f64 / per_step) as u64).clamp(1, 10_000)
}
