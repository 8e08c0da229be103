//! Errors of a fit: bad input found before any simulation runs, and failures of the runtime.

use rheobase_runtime::RuntimeError;
use std::fmt;

/// Everything that can go wrong when setting up or running a fit.
#[derive(Debug, Clone)]
pub enum FitError {
    /// Inputs and outputs that do not fit together (counts, lengths, units, empty data).
    Input(String),
    /// A parameter range that is empty, has the wrong unit, or is logarithmic over values
    /// that are not positive; a missing range.
    Range { parameter: String, message: String },
    /// A parameter to fit that the model does not declare as `name : unit (constant)`.
    Parameter { parameter: String, message: String },
    /// The simulation failed (bad model text gives its own diagnostics here).
    Runtime(RuntimeError),
}

impl FitError {
    /// The stable code (documented in docs/errors.md).
    pub fn code(&self) -> &'static str {
        match self {
            FitError::Input(_) => "runtime::fit_input_mismatch",
            FitError::Range { .. } => "runtime::fit_invalid_range",
            FitError::Parameter { .. } => "model::fit_parameter_not_constant",
            FitError::Runtime(e) => e.code(),
        }
    }
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FitError::Input(m) => write!(f, "fitter: {m}"),
            FitError::Range { parameter, message } => {
                write!(f, "fitter: range of '{parameter}': {message}")
            }
            FitError::Parameter { parameter, message } => {
                write!(f, "fitter: parameter '{parameter}': {message}")
            }
            FitError::Runtime(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FitError {}

impl From<RuntimeError> for FitError {
    fn from(e: RuntimeError) -> FitError {
        FitError::Runtime(e)
    }
}

pub type Result<T, E = FitError> = std::result::Result<T, E>;
