//! The native module `rheobase._core`: PyO3 glue between the Python package and the Rust
//! crates. It converts types and maps errors; the algebra, the registry and the text all live
//! in the engine crates.

use pyo3::prelude::*;

mod dimension;
mod equations;
mod errors;
mod fitting;
mod inputs;
mod runtime;
mod spatial;
mod synapses;
mod units;

pub use dimension::PyDimension;
pub use errors::{dimension_mismatch_err, dimension_mismatch_to_py};

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    dimension::register(m)?;
    units::register(m)?;
    errors::register(m)?;
    equations::register(m)?;
    runtime::register(m)?;
    fitting::register(m)?;
    synapses::register(m)?;
    inputs::register(m)?;
    spatial::register(m)?;
    Ok(())
}
