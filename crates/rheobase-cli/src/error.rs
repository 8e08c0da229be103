//! What the program reports when it fails: diagnostics with carets into the model file, or
//! one plain message (a missing file, an output folder that cannot be written).

use rheobase::lang::{Diagnostics, SourceMap};
use std::fmt;

#[derive(Debug)]
pub enum CliError {
    /// Problems in a model file, each pointing at its line and column.
    Model {
        sources: SourceMap,
        diagnostics: Diagnostics,
    },
    /// Anything else.
    Message(String),
}

impl CliError {
    pub fn model(sources: SourceMap, diagnostics: Diagnostics) -> CliError {
        CliError::Model {
            sources,
            diagnostics,
        }
    }

    pub fn io(what: impl fmt::Display, e: std::io::Error) -> CliError {
        CliError::Message(format!("{what}: {e}"))
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Model {
                sources,
                diagnostics,
            } => write!(f, "{}", diagnostics.render(sources)),
            CliError::Message(m) => write!(f, "error: {m}"),
        }
    }
}

impl std::error::Error for CliError {}
