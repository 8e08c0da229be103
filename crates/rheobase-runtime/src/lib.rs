//! The runtime: networks, clocks and Brian2's schedule, neuron groups, monitors, and the
//! lowering of checked model code to kernel IR.
//!
//! ```text
//! let net = Network::new();
//! let g = NeuronGroup::new(&net, 100, "dv/dt = (1 - v)/(10*ms) : 1", NeuronGroupOptions {
//!     threshold: Some("v > 0.8".into()), reset: Some("v = 0".into()), ..Default::default() })?;
//! let spikes = SpikeMonitor::spikes(&g, Default::default())?;
//! net.run(0.1)?;
//! ```

pub mod backend;
pub mod clock;
pub mod error;
mod frontend;
pub mod group;
pub mod kernel;
pub mod lower;
pub mod monitor;
pub mod network;
pub mod neurongroup;
pub mod operations;
pub mod schedule;
pub mod spec;
pub mod state;
pub mod variables;

#[cfg(test)]
pub(crate) mod testing;

pub use backend::default_backend;
pub use clock::Clock;
pub use error::{Result, RuntimeError};
pub use group::Selection;
pub use monitor::{
    EventMonitor, EventMonitorOptions, PopulationRateMonitor, Record, SmoothingWindow,
    SpikeMonitor, StateMonitor, StateMonitorOptions,
};
pub use network::{Network, NetworkOperation, ProgressHook};
pub use neurongroup::{
    EventDefinition, NeuronGroup, NeuronGroupOptions, Refractory, RunRegularlyOptions, Subgroup,
};
pub use schedule::{Schedule, When};
pub use spec::{EventSpec, GroupSpec, RefractorySpec, VarSpec};
