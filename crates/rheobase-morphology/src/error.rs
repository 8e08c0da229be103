//! Errors of morphology construction and SWC import, each with a stable code.

use std::fmt;

/// What went wrong; decides the stable code (see `docs/errors.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A bad argument to `Soma`, `Cylinder` or `Section` (non-positive diameter or length,
    /// wrong number of values, ...).
    InvalidGeometry,
    /// A section name or path that does not exist, or a name used twice.
    UnknownSection,
    /// A compartment index or a distance outside the section.
    IndexOutOfRange,
    /// An SWC line that is not 7 numbers.
    SwcMalformedLine,
    /// Two SWC samples with the same id.
    SwcDuplicateId,
    /// A parent id that is not defined on an earlier line.
    SwcMissingParent,
    /// More than one sample with parent -1.
    SwcSeveralRoots,
    /// A NeuroMorpho three-point soma whose points do not fit the convention.
    SwcInvalidSoma,
    /// An SWC text without samples.
    SwcEmpty,
    /// The file could not be read.
    Io,
}

/// An error building a morphology, with the SWC line it comes from when there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct MorphologyError {
    pub kind: ErrorKind,
    pub message: String,
    /// 1-based line number in the SWC text.
    pub line: Option<usize>,
}

pub type Result<T, E = MorphologyError> = std::result::Result<T, E>;

impl MorphologyError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> MorphologyError {
        MorphologyError {
            kind,
            message: message.into(),
            line: None,
        }
    }

    pub fn at_line(kind: ErrorKind, line: usize, message: impl Into<String>) -> MorphologyError {
        MorphologyError {
            kind,
            message: message.into(),
            line: Some(line),
        }
    }

    pub(crate) fn geometry(message: impl Into<String>) -> MorphologyError {
        MorphologyError::new(ErrorKind::InvalidGeometry, message)
    }

    /// The stable code, `area::name`.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ErrorKind::InvalidGeometry => "model::invalid_morphology",
            ErrorKind::UnknownSection => "model::unknown_section",
            ErrorKind::IndexOutOfRange => "model::compartment_out_of_range",
            ErrorKind::SwcMalformedLine => "io::swc_malformed_line",
            ErrorKind::SwcDuplicateId => "io::swc_duplicate_id",
            ErrorKind::SwcMissingParent => "io::swc_missing_parent",
            ErrorKind::SwcSeveralRoots => "io::swc_several_roots",
            ErrorKind::SwcInvalidSoma => "io::swc_invalid_soma",
            ErrorKind::SwcEmpty => "io::swc_empty",
            ErrorKind::Io => "io::read_failed",
        }
    }
}

impl fmt::Display for MorphologyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: ", self.code())?;
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for MorphologyError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_code_and_line() {
        let e = MorphologyError::at_line(ErrorKind::SwcDuplicateId, 7, "sample 4 is defined twice");
        assert_eq!(
            e.to_string(),
            "error[io::swc_duplicate_id]: line 7: sample 4 is defined twice"
        );
        assert_eq!(
            MorphologyError::geometry("x").code(),
            "model::invalid_morphology"
        );
    }
}
