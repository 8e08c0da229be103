//! The native tier: kernels emitted as C ([`emit`]), compiled by the system C compiler with
//! `-O3 -march=native` but without FMA contraction or reassociation ([`compile`]), cached on
//! disk by content hash, and loaded in process ([`library`]). Results are the JIT's bits:
//! `exp`, `expm1`, `log` and `exprel` are the [`crate::vmath`] algorithms written out as C
//! ([`clanes`]), `rand()` is Philox written in C ([`prelude`]; block buffers of draws as in
//! [`crate::block_draws`]), other library functions and random draws call the same Rust
//! functions the JIT calls, and gcc may vectorise the element loops (four lanes with AVX2).
//!
//! [`NativeCompiler`] compiles synchronously (tests, `always` mode); [`tiered`] holds the
//! kernels that start on the JIT and switch when their native code is ready.

mod clanes;
pub mod compile;
mod emit;
mod library;
mod prelude;
pub mod tiered;

use std::path::PathBuf;
use std::sync::Arc;

use crate::backend::{Backend, CompileError, CompiledKernel};
use crate::ir::Kernel;
use crate::{opt, validate};
use compile::{CompileFailure, Toolchain};

pub use tiered::{request_native, NativeSlot, TieredBackend, TieredKernel};

/// The environment variable that sets [`NativeMode`]: `auto`, `always` or `never`.
pub const NATIVE_ENV: &str = "RHEOBASE_NATIVE";

/// When kernels move to the native tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum NativeMode {
    /// When a run's estimated work pays for compiling (compiled in the background; the JIT
    /// runs until the native code is ready).
    #[default]
    Auto,
    /// Every kernel of every run, compiled before the run starts.
    Always,
    /// Never: the JIT only.
    Never,
}

impl NativeMode {
    /// `auto`, `always` or `never` (also `on`/`off`, `1`/`0`, any case).
    pub fn parse(text: &str) -> Option<NativeMode> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" | "" => Some(NativeMode::Auto),
            "always" | "on" | "1" | "true" | "yes" => Some(NativeMode::Always),
            "never" | "off" | "0" | "false" | "no" => Some(NativeMode::Never),
            _ => None,
        }
    }

    /// The mode [`NATIVE_ENV`] sets ([`NativeMode::Auto`] when unset; an unknown value is
    /// logged and ignored).
    pub fn from_env() -> NativeMode {
        match std::env::var(NATIVE_ENV) {
            Ok(text) => NativeMode::parse(&text).unwrap_or_else(|| {
                log::warn!("{NATIVE_ENV}={text:?} is not auto, always or never; using auto");
                NativeMode::Auto
            }),
            Err(_) => NativeMode::Auto,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            NativeMode::Auto => "auto",
            NativeMode::Always => "always",
            NativeMode::Never => "never",
        }
    }
}

/// Why kernels could not be compiled to native code (they stay on the JIT).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum NativeError {
    #[error(transparent)]
    Compile(#[from] CompileFailure),
    #[error("loading the compiled kernels: {0}")]
    Load(String),
    #[error(transparent)]
    Kernel(#[from] CompileError),
}

/// Compiled kernels and where they came from.
pub struct NativeBatch {
    /// In the order of the kernels given.
    pub kernels: Vec<Arc<dyn CompiledKernel>>,
    /// Whether the library was already in the cache (no compiler run).
    pub from_cache: bool,
}

/// Compiles kernels to native code, synchronously, all given kernels in one translation unit.
#[derive(Clone, Debug)]
pub struct NativeCompiler {
    toolchain: Toolchain,
}

impl NativeCompiler {
    /// The compiler and cache directory the environment names (see [`compile`]).
    pub fn from_env() -> NativeCompiler {
        NativeCompiler {
            toolchain: Toolchain::from_env().clone(),
        }
    }

    /// `program` as the C compiler, libraries cached in `cache_dir`.
    pub fn with_compiler(program: &str, cache_dir: PathBuf) -> NativeCompiler {
        NativeCompiler {
            toolchain: Toolchain::new(program, Some(cache_dir)),
        }
    }

    /// Whether a compiler was found (else every compile fails with [`NativeError::Compile`]).
    pub fn available(&self) -> Result<(), NativeError> {
        self.toolchain
            .compiler
            .as_ref()
            .map(drop)
            .map_err(|e| e.clone().into())
    }

    /// The C translation unit for `kernels` (validated and optimised as the JIT does), with
    /// the entry point names `rb_kernel_<k>`.
    pub fn source(kernels: &[&Kernel]) -> Result<String, NativeError> {
        let mut source = String::from(prelude::PRELUDE);
        source.push_str(&clanes::vmath_functions());
        for (k, kernel) in kernels.iter().enumerate() {
            validate::check_kernel(kernel)?;
            let code = opt::optimize(kernel);
            emit::emit_kernel(&code, &format!("rb_kernel_{k}"), &mut source);
        }
        Ok(source)
    }

    /// Compiles `kernels` into one library (or finds it in the cache) and loads them.
    pub fn compile(&self, kernels: &[&Kernel]) -> Result<NativeBatch, NativeError> {
        let source = Self::source(kernels)?;
        let (path, from_cache) = self.toolchain.library_for(&source)?;
        let library = library::NativeLibrary::open(&path).map_err(NativeError::Load)?;
        let mut compiled = Vec::with_capacity(kernels.len());
        for (k, kernel) in kernels.iter().enumerate() {
            let facts = validate::check_kernel(kernel)?;
            let code = opt::optimize(kernel);
            // SAFETY: `rb_kernel_<k>` was emitted from `code`, the optimised `kernel`, into
            // this library by `source` (the cache key is the source itself).
            let loaded =
                unsafe { library.kernel(&format!("rb_kernel_{k}")) }.map_err(NativeError::Load)?;
            compiled.push(crate::jit::wrap_loaded(kernel, facts, &code, loaded));
        }
        Ok(NativeBatch {
            kernels: compiled,
            from_cache,
        })
    }
}

/// A backend that compiles each kernel to native code on its own, synchronously (tests and
/// measurements; the runtime uses [`TieredBackend`]). Fails where the compiler does.
pub struct NativeBackend {
    compiler: NativeCompiler,
}

impl NativeBackend {
    pub fn new(compiler: NativeCompiler) -> NativeBackend {
        NativeBackend { compiler }
    }
}

impl Backend for NativeBackend {
    fn name(&self) -> &'static str {
        "native"
    }

    fn compile(&self, kernel: &Kernel) -> Result<Arc<dyn CompiledKernel>, CompileError> {
        let batch = self.compiler.compile(&[kernel]).map_err(|e| CompileError {
            kernel: kernel.name.clone(),
            reason: e.to_string(),
        })?;
        Ok(batch.kernels.into_iter().next().expect("one kernel"))
    }
}

#[cfg(test)]
mod draw_tests;
#[cfg(test)]
mod tests;
