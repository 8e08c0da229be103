//! The `rheobase` command line: model files in TOML (see docs/model-files.md), and the `run`,
//! `check`, `show` and `demo` commands. The binary is a thin shell over this library, which
//! the end-to-end tests also use to read the archives back.

pub mod build;
pub mod cli;
pub mod describe;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod model;
pub mod output;
pub mod plot;
pub mod run;

pub use error::CliError;
