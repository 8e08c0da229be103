//! One simulated batch: every candidate times every input protocol as one `NeuronGroup`
//! (neuron `c * n_traces + k` is candidate `c` on protocol `k`, as in brian2modelfitting).
//! The input is a two-dimensional `TimedArray` (time x protocol) that the model reads as
//! `I = table(t, i % n_traces)`. The network is built once per batch size and stored after
//! initialisation; each round restores it, sets the candidates' parameters and runs, so
//! kernels compile only once.

use super::model::INPUT_TABLE;
use crate::error::Result;
use rheobase_runtime::interrupt::InterruptPoll;
use rheobase_runtime::{
    Network, NeuronGroup, NeuronGroupOptions, Record, SpikeMonitor, StateMonitor,
    StateMonitorOptions, TimedArray,
};
use rheobase_units::Dimension;
use std::sync::Arc;

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
    group: NeuronGroup,
    net: Network,
    state: Option<StateMonitor>,
    spikes: Option<SpikeMonitor>,
    recording: Recording,
}

impl Batch {
    pub fn build(setup: &ModelSetup, n_candidates: usize, recording: Recording) -> Result<Batch> {
        let n_traces = setup.n_traces();
        let n = n_candidates * n_traces;
        let net = Network::new();
        net.set_default_dt(setup.dt)?;
        net.seed(setup.seed);
        if let Some(threads) = setup.threads {
            net.set_threads(threads)?;
        }
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
        let (state, spikes) = match &recording {
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
        Ok(Batch {
            n_candidates,
            group,
            net,
            state,
            spikes,
            recording,
        })
    }

    /// The poll that stops a simulation in progress (`runtime::interrupted`).
    pub fn set_interrupt(&self, poll: Option<InterruptPoll>) {
        self.net.set_interrupt(poll);
    }

    pub fn recording(&self) -> &Recording {
        &self.recording
    }

    /// Runs every candidate: `values[c][p]` is parameter `names[p]` of candidate `c` (SI).
    pub fn run(&self, setup: &ModelSetup, names: &[String], values: &[Vec<f64>]) -> Result<()> {
        self.net.restore(INITIAL_STATE)?;
        // `restore` consumes the snapshot; keep it for the next round.
        self.net.store(INITIAL_STATE);
        let n_traces = setup.n_traces();
        let n = self.n_candidates * n_traces;
        for (p, name) in names.iter().enumerate() {
            let column: Vec<f64> = (0..n).map(|k| values[k / n_traces][p]).collect();
            self.group.set_values(name, &column)?;
        }
        self.net.run(setup.duration())?;
        Ok(())
    }

    /// The recorded variable per neuron, `[neuron][step]`.
    pub fn traces(&self, var: &str) -> Vec<Vec<f64>> {
        self.state
            .as_ref()
            .and_then(|m| m.values(var))
            .unwrap_or_default()
    }

    /// Spike times per neuron.
    pub fn spike_trains(&self) -> Vec<Vec<f64>> {
        self.spikes
            .as_ref()
            .map(|m| m.spike_trains())
            .unwrap_or_default()
    }
}
