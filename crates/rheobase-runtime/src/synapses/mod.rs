//! Building blocks of `Synapses`, independent of how code is compiled and run:
//!
//! - [`connect`]: the connection algorithms (conditions, probabilities, `n`, arrays,
//!   generators), as pure functions over index ranges and caller-supplied evaluation;
//! - [`generator`]: the generator syntax: its evaluation, and its plan from a parsed string;
//! - [`store`]: synapses sorted by source in CSR form, per-synapse variables, Brian2's synapse
//!   indices, lookups and counts;
//! - [`queue`]: delays rounded to steps and the spike queue (a ring buffer indexed by delay);
//! - [`partition`]: synapses split by target range, so that threads never write the same target.
//!
//! The runtime wires them to `NeuronGroup`, the schedule and the compiled pathway kernels.

pub mod connect;
pub mod generator;
pub mod partition;
pub mod queue;
pub mod store;

#[cfg(test)]
mod bench;
