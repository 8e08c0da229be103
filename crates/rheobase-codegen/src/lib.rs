//! Code generation for rheobase: the kernel IR ([`ir`]), the [`Backend`] interface, the
//! reference interpreter ([`Interpreter`]), the Cranelift JIT ([`Jit`]) and the counter-based
//! random numbers ([`philox`], [`random`]) both use.

pub mod backend;
pub mod block_draws;
pub mod fission;
pub mod interp;
pub mod ir;
pub mod jit;
pub mod math_blocks;
pub mod mathfn;
pub mod native;
pub mod opt;
pub mod philox;
pub mod prefetch;
pub mod random;
pub mod random_fill;
pub mod sparse;
pub mod split;
pub mod validate;
pub mod vmath;

use std::sync::{Arc, OnceLock};

pub use backend::{
    ArrayArg, Backend, CompileError, CompiledKernel, Elements, KernelCall, KernelError, RngKey,
    Split,
};
pub use interp::Interpreter;
pub use ir::*;
pub use jit::{Jit, JitOptions};
pub use native::{NativeMode, TieredBackend};
pub use split::Splittable;

/// The backend to use unless told otherwise: the Cranelift JIT (one shared instance, so the
/// host ISA is detected and the Cranelift flags are set once per process). For measurements,
/// `RHEOBASE_JIT=plain` turns off both the IR optimisation and two-lane loops, `noopt` only
/// the first, `scalar` only the second (results are the same bits either way).
pub fn default_backend() -> Arc<dyn Backend> {
    static JIT: OnceLock<Arc<Jit>> = OnceLock::new();
    JIT.get_or_init(|| Arc::new(Jit::with_options(jit_options_from_env())))
        .clone()
}

/// The default backend with every kernel ready to move to the native C tier
/// ([`native::TieredBackend`]): what networks use. Kernels run on the JIT until the runtime
/// asks for native code ([`native::request_native`]).
pub fn tiered_backend() -> Arc<dyn Backend> {
    static TIERED: OnceLock<Arc<dyn Backend>> = OnceLock::new();
    TIERED
        .get_or_init(|| Arc::new(TieredBackend::new(default_backend())))
        .clone()
}

fn jit_options_from_env() -> JitOptions {
    let mut options = JitOptions::default();
    match std::env::var("RHEOBASE_JIT").as_deref() {
        Ok("plain") => {
            options.optimize = false;
            options.vectorize = false;
        }
        Ok("noopt") => options.optimize = false,
        Ok("scalar") => options.vectorize = false,
        _ => {}
    }
    options
}

/// The reference interpreter (slow; the oracle in tests).
pub fn interpreter() -> Arc<dyn Backend> {
    Arc::new(Interpreter)
}
