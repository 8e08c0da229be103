//! Code generation for rheobase: the kernel IR ([`ir`]), the [`Backend`] interface, the
//! reference interpreter ([`Interpreter`]), the Cranelift JIT ([`Jit`]) and the counter-based
//! random numbers ([`philox`], [`random`]) both use.

pub mod backend;
pub mod interp;
pub mod ir;
pub mod jit;
pub mod mathfn;
pub mod philox;
pub mod random;
pub mod validate;

use std::sync::Arc;

pub use backend::{
    ArrayArg, Backend, CompileError, CompiledKernel, Elements, KernelCall, KernelError, RngKey,
};
pub use interp::Interpreter;
pub use ir::*;
pub use jit::Jit;

/// The backend to use unless told otherwise: the Cranelift JIT.
pub fn default_backend() -> Arc<dyn Backend> {
    Arc::new(Jit::new())
}

/// The reference interpreter (slow; the oracle in tests).
pub fn interpreter() -> Arc<dyn Backend> {
    Arc::new(Interpreter)
}
