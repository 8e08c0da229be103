//! End-to-end tests of the public API (one test binary; one module per topic).

mod delays_spikegen;
mod fuzz_corpus;
mod input_rules;
mod lif_fi_curve;
mod poisson_input;
mod quantities;
mod reproducibility;
mod timed_array;
