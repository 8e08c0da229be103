//! Code generation for rheobase: the kernel IR ([`ir`]), the [`Backend`] interface, the
//! reference interpreter and the Cranelift JIT.

pub mod backend;
pub mod ir;

pub use backend::{
    ArrayArg, Backend, CompileError, CompiledKernel, Elements, KernelCall, KernelError, RngKey,
};
pub use ir::*;
