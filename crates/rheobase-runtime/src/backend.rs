//! Which backend a network uses by default.

use rheobase_codegen::Backend;
use std::sync::Arc;

/// The default backend: the Cranelift JIT.
pub fn default_backend() -> Arc<dyn Backend> {
    rheobase_codegen::default_backend()
}

/// The JIT with kernels that may move to the native C tier (what [`crate::Network::new`]
/// uses; see [`crate::native_tier`]).
pub fn tiered_backend() -> Arc<dyn Backend> {
    rheobase_codegen::tiered_backend()
}

/// The reference interpreter (slow; the oracle).
pub fn interpreter() -> Arc<dyn Backend> {
    rheobase_codegen::interpreter()
}
