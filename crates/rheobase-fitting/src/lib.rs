//! Model fitting: find the parameters of a neuron model that reproduce recorded traces or
//! spike trains (brian2modelfitting's `TraceFitter` and `SpikeFitter`).
//!
//! - [`optimizer`]: ask/tell optimizers on the unit cube (differential evolution, CMA-ES, a
//!   PyGAD-style genetic algorithm, random and Sobol' sampling), seeded and reproducible.
//! - [`space`]: parameter ranges with units, linear or logarithmic, mapped to the cube.
//! - [`metric`]: errors between simulated and recorded data (MSE, gamma factor, spike counts).
//! - [`feature`]: feature-based errors (spike count, first-spike latency, mean rate, ISI CV,
//!   action-potential amplitude).
//! - [`fitter`]: the fitters; each round simulates every candidate against every input
//!   protocol as one `NeuronGroup` of `n_candidates * n_traces` neurons.

pub mod error;
pub mod feature;
pub mod fitter;
pub mod metric;
pub mod optimizer;
pub mod space;

pub use error::FitError;
pub use feature::{Feature, FeatureMetric, Features};
pub use fitter::{
    Callback, EvaluatedParameters, FitOutcome, FitterOptions, RoundInfo, SpikeFitter, TraceFitter,
    Traces,
};
pub use metric::{GammaFactor, MseMetric, SpikeCountMetric, SpikeMetric, TraceMetric};
pub use optimizer::Optimizer;
pub use space::{ParameterRange, ParameterSpace, Scale};
