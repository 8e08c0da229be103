//! rheobase: a spiking neural network simulator. This crate is the Rust API: it re-exports the
//! engine's crates and offers a [`prelude`] and Brian2-style quantity helpers ([`q`],
//! [`namespace`]).

pub use rheobase_codegen as codegen;
pub use rheobase_lang as lang;
pub use rheobase_runtime as runtime;
pub use rheobase_units as units;

#[doc(hidden)]
pub mod fuzzing;
pub mod quantity_expr;

pub use quantity_expr::{namespace, q, QuantityExprError};

/// What a simulation script needs: `use rheobase::prelude::*;`.
pub mod prelude {
    pub use crate::quantity_expr::{namespace, q, QuantityExprError};
    pub use rheobase_codegen::Backend;
    pub use rheobase_runtime::{
        default_backend, interpreter, Clock, EventDefinition, EventMonitor, EventMonitorOptions,
        Network, NeuronGroup, NeuronGroupOptions, PopulationRateMonitor, Record, Refractory,
        Result, RunRegularlyOptions, RuntimeError, Selection, SmoothingWindow, SpikeMonitor,
        StateMonitor, StateMonitorOptions, Subgroup, When,
    };
    pub use rheobase_units::{lookup_unit, Dimension, DimensionMismatchError, Quantity, Unit};
}
