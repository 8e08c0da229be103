//! End-to-end tests of the runtime: model strings through parser, checker, integrator,
//! lowering and both backends. One test binary (see STYLE.md).

mod backends;
mod brian2_reference;
mod exact_coupled;
mod linked;
mod monitors;
mod namespace;
mod native;
mod network;
mod neurons;
mod precision;
mod spatial;
mod synapses;
mod threads;

use rheobase_runtime::{Network, NeuronGroupOptions};
use rheobase_units::Quantity;
use std::collections::HashMap;

pub const DT: f64 = 1e-4;

/// A network on the interpreter (the oracle) with a fixed seed.
pub fn interpreted() -> Network {
    let net = Network::with_backend(rheobase_codegen::interpreter());
    net.seed(11);
    net
}

/// A network on the default backend (the JIT) with a fixed seed.
pub fn jitted() -> Network {
    let net = Network::new();
    net.seed(11);
    net
}

pub fn options(threshold: &str, reset: &str) -> NeuronGroupOptions {
    NeuronGroupOptions {
        threshold: Some(threshold.into()),
        reset: Some(reset.into()),
        ..Default::default()
    }
}

pub fn namespace(entries: &[(&str, Quantity)]) -> HashMap<String, Quantity> {
    entries.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}
