//! The runtime: networks, clocks and Brian2's schedule, neuron groups, monitors, and the
//! lowering of checked model code to kernel IR.
//!
//! ```text
//! let net = Network::new();                       // JIT; Network::with_backend(interpreter())
//! net.seed(42);
//! let g = NeuronGroup::new(&net, 100, "dv/dt = (1.1 - v)/(10*ms) : 1 (unless refractory)",
//!     NeuronGroupOptions { threshold: Some("v > 1".into()), reset: Some("v = 0".into()),
//!                          refractory: Refractory::Duration(2e-3), ..Default::default() })?;
//! g.set_expr("v", "rand()")?;
//! let spikes = SpikeMonitor::spikes(&g, Default::default())?;
//! let trace = StateMonitor::new(&g, &["v"], Record::Indices(vec![0]), Default::default())?;
//! let rate = PopulationRateMonitor::new(&g.subgroup(0..50)?, None)?;
//! net.run(0.1)?;                                  // seconds; runs continue from the last state
//! println!("{:?} {:?}", spikes.i(), trace.trace("v", 0));
//! ```
//!
//! Layout: [`state`] (one arena of typed arrays per network), [`lower`] and [`kernel`] (checked
//! code to kernel IR bound to arrays), [`frontend`](self) (parse, check, integrate), [`group`] and
//! [`neurongroup`] (variables, state access, operations), [`inputs`] (TimedArray, PoissonGroup,
//! SpikeGeneratorGroup, PoissonInput), [`monitor`], [`network`], [`clock`], [`schedule`].

pub mod backend;
pub mod clock;
pub mod error;
mod frontend;
pub mod group;
pub mod huge_pages;
pub mod inputs;
pub mod interrupt;
pub mod kernel;
pub mod linking;
pub mod lower;
pub mod monitor;
pub mod namespace;
pub mod native_tier;
pub mod network;
pub mod neurongroup;
pub mod operations;
mod propagator;
pub mod resources;
pub mod safe_file;
pub mod saved;
pub mod schedule;
pub mod spatial;
pub mod spec;
pub mod state;
pub mod state_file;
pub mod synapses;
pub mod threads;
pub mod variables;
pub mod watchdog;

#[cfg(test)]
pub(crate) mod testing;

pub use backend::{default_backend, interpreter, tiered_backend};
pub use clock::Clock;
pub use error::{Result, RuntimeError};
pub use group::Selection;
pub use inputs::{
    PoissonGroup, PoissonGroupOptions, PoissonInput, PoissonInputOptions, Rates,
    SpikeGeneratorGroup, SpikeGeneratorGroupOptions, TimedArray, Weight,
};
pub use linking::LinkIndex;
pub use monitor::{
    EventMonitor, EventMonitorOptions, EventRecords, PopulationRateMonitor, Record,
    SmoothingWindow, SpikeMonitor, StateMonitor, StateMonitorOptions, StateSamples,
};
pub use network::{Network, NetworkOperation, ProgressHook};
pub use neurongroup::{
    EventDefinition, NeuronGroup, NeuronGroupOptions, Refractory, RunRegularlyOptions, Subgroup,
};
pub use rheobase_codegen::NativeMode;
pub use saved::SavedState;
pub use schedule::{Schedule, When};
pub use spatial::{SpatialNeuron, SpatialNeuronOptions};
pub use spec::{EventSpec, GroupSpec, RefractorySpec, VarSpec};
pub use state_file::{read_state_file, write_state_file, STATE_FORMAT_VERSION};
pub use synapses::{
    AsGroup, Connect, ConnectIndices, Delay, GroupRef, NeuronSelection, NumberOrExpr, OnEvent,
    PathwayCode, Synapses, SynapsesOptions,
};
pub use variables::{FloatType, VariableInfo};
pub use watchdog::NonFiniteReport;
