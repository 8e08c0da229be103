//! The runtime's error type: user errors as diagnostics against the object's own sources,
//! kernel failures, and internal bugs.

use rheobase_codegen::{CompileError, KernelError};
use rheobase_lang::{Diagnostic, Diagnostics, SourceMap};
use std::fmt;

/// Everything that can go wrong when building or running a network.
#[derive(Debug, Clone)]
pub enum RuntimeError {
    /// Problems in user text (model, threshold, reset, code strings), with the sources of the
    /// object they belong to so that they render with carets.
    Model {
        object: String,
        diagnostics: Diagnostics,
        sources: SourceMap,
    },
    /// A bad argument that is not about a code string (unknown variable, wrong length, ...).
    Invalid { object: String, message: String },
    /// Something the runtime does not support yet; never a silently wrong result.
    NotSupported { object: String, message: String },
    /// A kernel failed while running (an index out of bounds in a computed index, ...).
    Kernel(KernelError),
    /// Our own lowering produced IR that does not compile: a bug.
    Compile(CompileError),
    /// A broken internal invariant: a bug.
    Internal(String),
    /// A file that cannot be written or read, or is not what it should be (truncated,
    /// corrupted, another format version); `code` is one of the `io::*` codes.
    File {
        code: &'static str,
        path: String,
        message: String,
    },
    /// A request that would need more memory than is available or allowed; refused before
    /// allocating anything.
    OutOfMemory {
        object: String,
        /// What would be allocated, e.g. "10^12 candidate synapses".
        what: String,
        needed_bytes: u64,
        limit_bytes: u64,
        /// Where the limit comes from ("MemAvailable in /proc/meminfo", "the network's memory limit").
        limit_source: String,
    },
    /// The numerical watchdog found a value that is not finite; the run stopped there.
    NonFinite(Box<crate::watchdog::NonFiniteReport>),
    /// The interrupt poll ([`crate::Network::set_interrupt`]) stopped a long operation; the
    /// state is consistent (a run stopped after a whole step, `connect()` added nothing).
    Interrupted { object: String, what: String },
}

pub type Result<T, E = RuntimeError> = std::result::Result<T, E>;

impl RuntimeError {
    pub fn invalid(object: impl Into<String>, message: impl Into<String>) -> RuntimeError {
        RuntimeError::Invalid {
            object: object.into(),
            message: message.into(),
        }
    }

    pub fn not_supported(object: impl Into<String>, message: impl Into<String>) -> RuntimeError {
        RuntimeError::NotSupported {
            object: object.into(),
            message: message.into(),
        }
    }

    pub fn model(
        object: impl Into<String>,
        diagnostics: impl Into<Diagnostics>,
        sources: &SourceMap,
    ) -> RuntimeError {
        RuntimeError::Model {
            object: object.into(),
            diagnostics: diagnostics.into(),
            sources: sources.clone(),
        }
    }

    /// The diagnostics of a `Model` error (empty otherwise).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            RuntimeError::Model { diagnostics, .. } => &diagnostics.0,
            _ => &[],
        }
    }

    /// The stable code of the first diagnostic, or the error's category.
    pub fn code(&self) -> &'static str {
        match self {
            RuntimeError::Model { diagnostics, .. } => {
                diagnostics.0.first().map(|d| d.code).unwrap_or("model")
            }
            RuntimeError::Invalid { .. } => "runtime::invalid_argument",
            RuntimeError::NotSupported { .. } => "runtime::not_supported",
            RuntimeError::Kernel(_) => "runtime::kernel_failed",
            RuntimeError::Compile(_) | RuntimeError::Internal(_) => "internal",
            RuntimeError::File { code, .. } => code,
            RuntimeError::OutOfMemory { .. } => "runtime::out_of_memory",
            RuntimeError::NonFinite(_) => "runtime::non_finite_value",
            RuntimeError::Interrupted { .. } => "runtime::interrupted",
        }
    }
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuntimeError::Model {
                object,
                diagnostics,
                sources,
            } => {
                write!(f, "in '{object}':\n{}", diagnostics.render(sources))
            }
            RuntimeError::Invalid { object, message } => write!(f, "'{object}': {message}"),
            RuntimeError::NotSupported { object, message } => {
                write!(f, "'{object}': not yet supported: {message}")
            }
            RuntimeError::Kernel(e) => write!(f, "{e}"),
            RuntimeError::Compile(e) => write!(f, "{e}"),
            RuntimeError::Internal(m) => {
                write!(f, "internal error: {m} (this is a bug, please report it)")
            }
            RuntimeError::File {
                code,
                path,
                message,
            } => write!(f, "error[{code}]: {path}: {message}"),
            RuntimeError::OutOfMemory {
                object,
                what,
                needed_bytes,
                limit_bytes,
                limit_source,
            } => write!(
                f,
                "'{object}': {what} would need about {} of memory, more than the {} allowed \
                 ({limit_source}); nothing was allocated",
                human_bytes(*needed_bytes),
                human_bytes(*limit_bytes)
            ),
            RuntimeError::NonFinite(report) => write!(f, "{report}"),
            RuntimeError::Interrupted { object, what } => write!(
                f,
                "'{object}': {what} was interrupted; the state is consistent and can be inspected or run on"
            ),
        }
    }
}

impl std::error::Error for RuntimeError {}

/// A byte count for messages: `1.5 GiB`, `3.0 TiB`, `512 B`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

impl From<KernelError> for RuntimeError {
    fn from(e: KernelError) -> Self {
        RuntimeError::Kernel(e)
    }
}

impl From<CompileError> for RuntimeError {
    fn from(e: CompileError) -> Self {
        RuntimeError::Compile(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheobase_lang::Span;

    #[test]
    fn renders_caret_under_the_span() {
        let mut sources = SourceMap::new();
        let id = sources.add("neurongroup threshold", "v > Vt");
        let d = Diagnostic::error("model::undefined_identifier", "unknown name 'Vt'")
            .with_primary(Span::new(id, 4, 6), "not defined")
            .with_help("add it to the namespace");
        let e = RuntimeError::model("neurongroup", d, &sources);
        let text = e.to_string();
        assert!(text.contains("error[model::undefined_identifier]: unknown name 'Vt'"));
        assert!(text.contains("--> neurongroup threshold:1:5"));
        assert!(text.contains("1 | v > Vt"), "{text}");
        assert!(text.contains("^^ not defined"), "{text}");
        assert!(text.contains("= help: add it to the namespace"));
        assert_eq!(e.code(), "model::undefined_identifier");
    }
}
