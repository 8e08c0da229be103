//! The runtime: networks, clocks, groups, monitors.

pub mod synapses;
