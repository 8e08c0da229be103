//! rheobase: a spiking neural network simulator. This crate is the Rust API: it re-exports the
//! engine's crates and offers a prelude.

pub use rheobase_codegen as codegen;
pub use rheobase_lang as lang;
pub use rheobase_runtime as runtime;
pub use rheobase_units as units;
