//! One simulated batch: every candidate times every input protocol as one `NeuronGroup`
//! (neuron `c * n_traces + k` is candidate `c` on protocol `k`, as in brian2modelfitting).
//! The input is a two-dimensional `TimedArray` (time x protocol) that the model reads as
//! `I = table(t, i % n_traces)`. The network is built once per batch size and stored after
//! initialisation; each round restores it, sets the candidates' parameters and runs, so
//! kernels compile only once. With several threads the candidates are split into slices,
//! one network each, run side by side (one synchronisation per round instead of one per
//! kernel call), unless the model draws random numbers.

use super::model::INPUT_TABLE;
use crate::error::Result;
use rheobase_runtime::interrupt::InterruptPoll;
use rheobase_runtime::{
    Network, NeuronGroup, NeuronGroupOptions, Record, SpikeMonitor, StateMonitor,
    StateMonitorOptions, TimedArray,
};
use rheobase_units::Dimension;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

const INITIAL_STATE: &str = "rheobase_fitting_initial";

/// What the fitter simulates, independent of the batch size.
#[derive(Clone, Debug)]
pub(crate) struct ModelSetup {
    /// The user's model with the input variable defined as a lookup in the input table.
    pub model: String,
    pub group_options: NeuronGroupOptions,
    pub input_var: String,
    /// `[protocol][step]`, SI units.
    pub inputs: Arc<Vec<Vec<f64>>>,
    pub input_dim: Dimension,
    pub dt: f64,
    /// Initial values (SI) set on every neuron before each run.
    pub param_init: Vec<(String, f64)>,
    pub seed: u64,
    pub threads: Option<usize>,
}

impl ModelSetup {
    pub fn n_traces(&self) -> usize {
        self.inputs.len()
    }

    pub fn n_steps(&self) -> usize {
        self.inputs.first().map_or(0, |v| v.len())
    }

    pub fn duration(&self) -> f64 {
        self.n_steps() as f64 * self.dt
    }
}

/// What a batch records.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Recording {
    Variable(String),
    Spikes,
}

pub(crate) struct Batch {
    pub n_candidates: usize,
    /// Contiguous slices of the candidates, each simulated by its own network; several only
    /// where that cannot change results (see [`parts_for`]), run side by side on threads.
    parts: Vec<Part>,
    recording: Recording,
    interrupt: Option<InterruptPoll>,
}

/// The candidates `candidates` of a batch, simulated by one network.
struct Part {
    candidates: Range<usize>,
    group: NeuronGroup,
    net: Network,
    state: Option<StateMonitor>,
    spikes: Option<SpikeMonitor>,
}

/// How many threads a fit uses: the `threads` option (`0`: one per core), else
/// `RHEOBASE_THREADS`, else one per core.
fn thread_count(setup: &ModelSetup) -> usize {
    let cores = || std::thread::available_parallelism().map_or(1, |n| n.get());
    let requested = setup.threads.or_else(|| {
        std::env::var("RHEOBASE_THREADS")
            .ok()
            .and_then(|v| v.trim().parse().ok())
    });
    match requested {
        Some(0) | None => cores(),
        Some(n) => n,
    }
}

/// Whether the model's code draws random numbers: then the numbers depend on each neuron's
/// index in the group, and the candidates must stay in one group for a fit to give the same
/// results with any number of threads.
fn uses_random_numbers(setup: &ModelSetup) -> bool {
    let o = &setup.group_options;
    let texts = [
        Some(setup.model.as_str()),
        o.threshold.as_deref(),
        o.reset.as_deref(),
    ];
    texts.into_iter().flatten().any(|text| {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|w| matches!(w, "rand" | "randn" | "poisson") || w.starts_with("xi"))
    })
}

/// The number of parts a batch of `n_candidates` is split into. Candidates do not interact,
/// so simulating them in separate groups gives the same numbers as one group, unless the
/// model draws random numbers (keyed by the neuron's index): those fits use one group and
/// let the network split its kernels instead.
fn parts_for(setup: &ModelSetup, n_candidates: usize, threads: usize) -> usize {
    if uses_random_numbers(setup) {
        1
    } else {
        threads.clamp(1, n_candidates.max(1))
    }
}

impl Part {
    fn build(
        setup: &ModelSetup,
        candidates: Range<usize>,
        recording: &Recording,
        threads: usize,
    ) -> Result<Part> {
        let n = candidates.len() * setup.n_traces();
        let net = Network::new();
        net.set_default_dt(setup.dt)?;
        net.seed(setup.seed);
        net.set_threads(threads)?;
        let rows: Vec<Vec<f64>> = (0..setup.n_steps())
            .map(|step| setup.inputs.iter().map(|trace| trace[step]).collect())
            .collect();
        let table = TimedArray::from_rows(&rows, setup.input_dim, setup.dt)?;
        let mut options = setup.group_options.clone();
        options.functions.insert(INPUT_TABLE.to_string(), table);
        let group = NeuronGroup::new(&net, n, &setup.model, options)?;
        for (name, value) in &setup.param_init {
            group.set(name, *value)?;
        }
        let (state, spikes) = match recording {
            Recording::Variable(var) => {
                let options = StateMonitorOptions::default();
                let m = StateMonitor::new(&group, &[var.as_str()], Record::All, options)?;
                (Some(m), None)
            }
            Recording::Spikes => (
                None,
                Some(SpikeMonitor::spikes(&group, Default::default())?),
            ),
        };
        net.store(INITIAL_STATE);
        Ok(Part {
            candidates,
            group,
            net,
            state,
            spikes,
        })
    }

    /// Runs this part's candidates (rows of `values`).
    fn run(&self, setup: &ModelSetup, names: &[String], values: &[Vec<f64>]) -> Result<()> {
        // `restore` keeps the snapshot for the next round.
        self.net.restore(INITIAL_STATE)?;
        let n_traces = setup.n_traces();
        let values = &values[self.candidates.clone()];
        let n = values.len() * n_traces;
        for (p, name) in names.iter().enumerate() {
            let column: Vec<f64> = (0..n).map(|k| values[k / n_traces][p]).collect();
            self.group.set_values(name, &column)?;
        }
        self.net.run(setup.duration())?;
        Ok(())
    }
}

/// What a part hands to the function that scores it after its run.
pub(crate) struct PartRecording<'a> {
    /// The batch's candidates this part simulated.
    pub candidates: Range<usize>,
    /// The recorded variable as the monitor keeps it (time-major, see
    /// `StateMonitor::with_recorded`) and the number of neurons per sample; `None` when
    /// the batch records spikes.
    pub samples: Option<(&'a [f64], usize)>,
}

impl Batch {
    pub fn build(setup: &ModelSetup, n_candidates: usize, recording: Recording) -> Result<Batch> {
        let threads = thread_count(setup);
        let n_parts = parts_for(setup, n_candidates, threads);
        // One part: the network's own threads; several: one thread each.
        let part_threads = if n_parts == 1 { threads } else { 1 };
        let build = |k: usize| {
            let candidates = (k * n_candidates / n_parts)..((k + 1) * n_candidates / n_parts);
            Part::build(setup, candidates, &recording, part_threads)
        };
        // Several parts are built side by side too (each compiles its own kernels).
        let parts = if n_parts == 1 {
            vec![build(0)?]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..n_parts)
                    .map(|k| {
                        let build = &build;
                        scope.spawn(move || build(k))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    })
                    .collect::<Result<Vec<_>>>()
            })?
        };
        Ok(Batch {
            n_candidates,
            parts,
            recording,
            interrupt: None,
        })
    }

    /// The poll that stops a simulation in progress (`runtime::interrupted`).
    pub fn set_interrupt(&mut self, poll: Option<InterruptPoll>) {
        self.interrupt = poll;
    }

    pub fn recording(&self) -> &Recording {
        &self.recording
    }

    /// Runs every candidate: `values[c][p]` is parameter `names[p]` of candidate `c` (SI).
    pub fn run(&self, setup: &ModelSetup, names: &[String], values: &[Vec<f64>]) -> Result<()> {
        self.run_then(setup, names, values, &|_| ()).map(|_| ())
    }

    /// Runs every candidate, then calls `score` on each part's recording on the thread
    /// that simulated it (a fit's metric runs in parallel, on data still in that core's
    /// cache, with no copy). Returns what `score` returned, part by part in candidate order.
    pub fn run_then<R: Send>(
        &self,
        setup: &ModelSetup,
        names: &[String],
        values: &[Vec<f64>],
        score: &(dyn Fn(PartRecording<'_>) -> R + Sync),
    ) -> Result<Vec<R>> {
        let run_part = |part: &Part| -> Result<R> {
            part.run(setup, names, values)?;
            let var = match &self.recording {
                Recording::Variable(var) => Some(var.as_str()),
                Recording::Spikes => None,
            };
            let candidates = part.candidates.clone();
            let unrecorded = || {
                score(PartRecording {
                    candidates: candidates.clone(),
                    samples: None,
                })
            };
            Ok(match (var, &part.state) {
                (Some(var), Some(monitor)) => monitor
                    .with_recorded(var, |samples, n| {
                        score(PartRecording {
                            candidates: candidates.clone(),
                            samples: Some((samples, n)),
                        })
                    })
                    .unwrap_or_else(unrecorded),
                _ => unrecorded(),
            })
        };
        if let [part] = self.parts.as_slice() {
            part.net.set_interrupt(self.interrupt.clone());
            return Ok(vec![run_part(part)?]);
        }
        // The parts run on their own threads; this thread waits for them and calls the
        // user's poll (Python's must run on the thread that started the fit), raising a flag
        // that the parts' polls read.
        let stop = Arc::new(AtomicBool::new(false));
        for part in &self.parts {
            let stop = stop.clone();
            part.net
                .set_interrupt(Some(Arc::new(move || stop.load(Ordering::Relaxed))));
        }
        let (done, finished) = mpsc::channel();
        std::thread::scope(|scope| {
            for (k, part) in self.parts.iter().enumerate() {
                let done = done.clone();
                let run_part = &run_part;
                scope.spawn(move || {
                    // The receiver outlives every part: the scope joins them first.
                    let _ = done.send((k, run_part(part)));
                });
            }
            drop(done);
            let mut outcome = Ok(());
            let mut scores: Vec<Option<R>> = (0..self.parts.len()).map(|_| None).collect();
            let mut waiting = self.parts.len();
            while waiting > 0 {
                match finished.recv_timeout(POLL_PERIOD) {
                    Ok((k, result)) => {
                        waiting -= 1;
                        match result {
                            Ok(score) => scores[k] = Some(score),
                            Err(e) => {
                                // An interruption is only the echo of another part's error.
                                if outcome.is_ok() || is_interruption(&outcome) {
                                    outcome = Err(e);
                                }
                                stop.store(true, Ordering::Relaxed);
                            }
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if self.interrupt.as_ref().is_some_and(|poll| poll()) {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
            outcome?;
            scores
                .into_iter()
                .map(|s| {
                    s.ok_or_else(|| {
                        crate::error::FitError::Runtime(rheobase_runtime::RuntimeError::Internal(
                            "a part of the batch ended without a result".into(),
                        ))
                    })
                })
                .collect()
        })
    }

    /// The recorded variable per neuron, `[neuron][step]`.
    pub fn traces(&self, var: &str) -> Vec<Vec<f64>> {
        self.parts
            .iter()
            .flat_map(|p| {
                p.state
                    .as_ref()
                    .and_then(|m| m.values(var))
                    .unwrap_or_default()
            })
            .collect()
    }

    /// Spike times per neuron.
    pub fn spike_trains(&self) -> Vec<Vec<f64>> {
        self.parts
            .iter()
            .flat_map(|p| {
                p.spikes
                    .as_ref()
                    .map(|m| m.spike_trains())
                    .unwrap_or_default()
            })
            .collect()
    }
}

/// How often a waiting fit calls the user's interrupt poll.
const POLL_PERIOD: Duration = Duration::from_millis(50);

fn is_interruption<T>(outcome: &Result<T>) -> bool {
    matches!(outcome, Err(e) if e.code() == "runtime::interrupted")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(model: &str, threshold: Option<&str>) -> ModelSetup {
        ModelSetup {
            model: model.into(),
            group_options: NeuronGroupOptions {
                threshold: threshold.map(String::from),
                ..Default::default()
            },
            input_var: "I".into(),
            inputs: Arc::new(vec![vec![0.0; 10]]),
            input_dim: Dimension::DIMENSIONLESS,
            dt: 1e-4,
            param_init: Vec::new(),
            seed: 0,
            threads: Some(4),
        }
    }

    #[test]
    fn models_that_draw_random_numbers_stay_in_one_group() {
        let plain = setup("dv/dt = (I - v)/(10*ms) : 1", Some("v > 1"));
        assert_eq!(parts_for(&plain, 10, 4), 4);
        assert_eq!(parts_for(&plain, 3, 4), 3);
        assert_eq!(parts_for(&plain, 10, 1), 1);
        let noisy = setup("dv/dt = (I - v)/(10*ms) + xi/sqrt(10*ms) : 1", None);
        assert_eq!(parts_for(&noisy, 10, 4), 1);
        let random_threshold = setup("dv/dt = (I - v)/(10*ms) : 1", Some("rand() < v"));
        assert_eq!(parts_for(&random_threshold, 10, 4), 1);
        // Names that merely contain the words do not count.
        let named = setup("dv/dt = (I - v)/tau_rand : 1\ntau_rand : second", None);
        assert_eq!(parts_for(&named, 10, 4), 4);
    }
}
