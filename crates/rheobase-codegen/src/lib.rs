//! Code generation for rheobase: the kernel IR ([`ir`]), the [`Backend`] interface, the
//! reference interpreter ([`Interpreter`]), the Cranelift JIT ([`Jit`]) and the counter-based
//! random numbers ([`philox`], [`random`]) both use.

pub mod backend;
pub mod interp;
pub mod ir;
pub mod jit;
pub mod mathfn;
pub mod opt;
pub mod philox;
pub mod random;
pub mod validate;
pub mod vmath;

use std::sync::{Arc, OnceLock};

pub use backend::{
    ArrayArg, Backend, CompileError, CompiledKernel, Elements, KernelCall, KernelError, RngKey,
};
pub use interp::Interpreter;
pub use ir::*;
pub use jit::{Jit, JitOptions};

/// The backend to use unless told otherwise: the Cranelift JIT (one shared instance, so the
/// host ISA is detected and the Cranelift flags are set once per process).
pub fn default_backend() -> Arc<dyn Backend> {
    static JIT: OnceLock<Arc<Jit>> = OnceLock::new();
    JIT.get_or_init(|| Arc::new(Jit::new())).clone()
}

/// The reference interpreter (slow; the oracle in tests).
pub fn interpreter() -> Arc<dyn Backend> {
    Arc::new(Interpreter)
}
