//! rheobase: a spiking neural network simulator. This crate is the Rust API: it re-exports the
//! engine's crates and offers a [`prelude`] and Brian2-style quantity helpers ([`q`],
//! [`namespace`]).

pub use rheobase_codegen as codegen;
pub use rheobase_fitting as fitting;
pub use rheobase_lang as lang;
pub use rheobase_morphology as morphology;
pub use rheobase_runtime as runtime;
pub use rheobase_units as units;

#[doc(hidden)]
pub mod fuzzing;
pub mod quantity_expr;

pub use quantity_expr::{namespace, q, q_with, QuantityExprError};

/// What a simulation script needs: `use rheobase::prelude::*;`.
pub mod prelude {
    pub use crate::quantity_expr::{namespace, q, QuantityExprError};
    pub use rheobase_codegen::Backend;
    pub use rheobase_morphology::{Extent, Morphology};
    pub use rheobase_runtime::{
        default_backend, interpreter, Clock, EventDefinition, EventMonitor, EventMonitorOptions,
        FloatType, Network, NeuronGroup, NeuronGroupOptions, PoissonGroup, PoissonGroupOptions,
        PoissonInput, PoissonInputOptions, PopulationRateMonitor, Rates, Record, Refractory,
        Result, RunRegularlyOptions, RuntimeError, Selection, SmoothingWindow, SpatialNeuron,
        SpatialNeuronOptions, SpikeGeneratorGroup, SpikeGeneratorGroupOptions, SpikeMonitor,
        StateMonitor, StateMonitorOptions, Subgroup, TimedArray, Weight, When,
    };
    pub use rheobase_runtime::{
        AsGroup, Connect, ConnectIndices, Delay, NeuronSelection, NumberOrExpr, OnEvent,
        PathwayCode, Synapses, SynapsesOptions,
    };
    pub use rheobase_units::{lookup_unit, Dimension, DimensionMismatchError, Quantity, Unit};
}
