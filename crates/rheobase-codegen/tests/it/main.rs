//! Differential tests: every kernel runs through the interpreter (the oracle) and the JIT, and
//! the results must agree bit for bit (NaN equal to NaN). One test binary for the crate.

mod fuzz;
mod harness;
mod kernels;
