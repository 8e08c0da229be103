//! Which backend a network uses by default.

use rheobase_codegen::{Backend, CompileError, CompiledKernel, Kernel};
use std::sync::Arc;

/// The default backend: the Cranelift JIT.
pub fn default_backend() -> Arc<dyn Backend> {
    Arc::new(NoBackend)
}

/// Stands in until rheobase-codegen's backends are merged: every compile fails with a clear
/// message instead of running anything.
struct NoBackend;

impl Backend for NoBackend {
    fn name(&self) -> &'static str {
        "none"
    }

    fn compile(&self, kernel: &Kernel) -> Result<Arc<dyn CompiledKernel>, CompileError> {
        Err(CompileError {
            kernel: kernel.name.clone(),
            reason: "no code generation backend is available in this build yet".into(),
        })
    }
}
