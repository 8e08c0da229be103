//! `Synapses` and its building blocks.
//!
//! Wired into the network: [`object`] (the `Synapses` handle, its variables, pathways, state
//! updater and summed variables), [`model`] (parse, check, integrate the model and pathway
//! code), [`links`] (how synaptic code sees the connected groups), [`connecting`]
//! (`connect` in all Brian2 forms), [`access`] (state access), [`pathway`] (the scheduled
//! operations).
//!
//! Building blocks, independent of how code is compiled and run:
//! - [`connect`]: the connection algorithms (conditions, probabilities, `n`, arrays,
//!   generators), as pure functions over index ranges and caller-supplied evaluation;
//! - [`generator`]: the generator syntax: its evaluation, and its plan from a parsed string;
//! - [`store`]: synapses sorted by source in CSR form (each pathway keeps one, sorted by its
//!   triggering group, as its propagation index);
//! - [`queue`]: delays rounded to steps and the spike queue (a ring buffer indexed by delay);
//! - [`sources`]: the source indices of new synapses, kept as runs while connect makes them;
//! - `windows`: the target windows of deliveries split over threads.
//!
//! Synaptic variables live in the network's array store indexed by Brian2's synapse index
//! (creation order), so kernels bind them like any group's variables.

pub mod access;
pub mod connect;
pub mod connecting;
pub mod generator;
pub mod links;
pub mod model;
pub mod object;
pub mod pathway;
pub mod queue;
pub mod sources;
pub mod store;
mod windows;

#[cfg(test)]
mod bench;

pub use access::NeuronSelection;
pub use connecting::{Connect, ConnectIndices, NumberOrExpr};
pub use links::SynapseLinks;
pub use object::{AsGroup, Delay, GroupRef, OnEvent, PathwayCode, Synapses, SynapsesOptions};
