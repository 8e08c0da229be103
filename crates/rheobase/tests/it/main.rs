//! End-to-end tests of the public API (one test binary; one module per topic).

mod fuzz_corpus;
mod lif_fi_curve;
mod quantities;
