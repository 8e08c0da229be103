//! Model files: reading the TOML, its schema, values with units, and where errors point.

pub mod data;
pub mod schema;
pub mod source;
pub mod values;

use crate::error::CliError;
use schema::Document;
use sha2::{Digest, Sha256};
use source::ModelSource;
use std::path::Path;

/// A parsed model file.
pub struct ModelFile {
    pub source: ModelSource,
    pub doc: Document,
    /// SHA-256 of the file's bytes, in hex.
    pub sha256: String,
    /// Where data files named in the model are looked up (the model file's folder).
    pub dir: std::path::PathBuf,
}

impl ModelFile {
    /// Reads and parses a model file; `name` is how diagnostics call it.
    pub fn load(path: &Path) -> Result<ModelFile, CliError> {
        let bytes = std::fs::read(path)
            .map_err(|e| CliError::Message(format!("cannot read {}: {e}", path.display())))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| CliError::Message(format!("{} is not UTF-8 text", path.display())))?;
        let mut model = ModelFile::parse(&path.display().to_string(), &text)?;
        if let Some(dir) = path.parent() {
            model.dir = dir.to_path_buf();
        }
        Ok(model)
    }

    /// Parses model text (the embedded demo, tests).
    pub fn parse(name: &str, text: &str) -> Result<ModelFile, CliError> {
        let source = ModelSource::new(name, text);
        let doc: Document = toml::from_str(text).map_err(|e| {
            let at = e.span().unwrap_or(0..0);
            // toml's messages end with a newline and sometimes repeat the position.
            let message = e.message().trim().to_string();
            let code = if is_schema_error(&message) {
                "io::model_file"
            } else {
                "io::toml_syntax"
            };
            let d = source.error(code, message, at, "here");
            CliError::model(source.sources.clone(), d.into())
        })?;
        let sha256 = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(ModelFile {
            source,
            doc,
            sha256,
            dir: std::path::PathBuf::from("."),
        })
    }
}

/// Whether a toml error is about the model format (the file is valid TOML).
fn is_schema_error(message: &str) -> bool {
    [
        "unknown field",
        "missing field",
        "invalid type",
        "invalid value",
        "unknown variant",
        "invalid length",
    ]
    .iter()
    .any(|m| message.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        match ModelFile::parse("m.toml", text) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("parsed"),
        }
    }

    #[test]
    fn malformed_toml_points_at_the_line() {
        let e = error_of("[groups.G]\nN = 10\nequations = \"dv/dt = -v/(10*ms) : 1\n");
        assert!(e.contains("error[io::toml_syntax]"), "{e}");
        assert!(e.contains("--> m.toml:3:"), "{e}");
    }

    #[test]
    fn unknown_keys_are_named() {
        let e = error_of(
            "[groups.G]\nN = 10\nequations = \"dv/dt = -v/(10*ms) : 1\"\nthreshhold = \"v > 1\"\n",
        );
        assert!(e.contains("error[io::model_file]"), "{e}");
        assert!(e.contains("threshhold"), "{e}");
        assert!(e.contains("--> m.toml:4:1"), "{e}");
    }

    #[test]
    fn the_hash_is_sha256_of_the_text() {
        let m = ModelFile::parse("m.toml", "").unwrap();
        assert_eq!(
            m.sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
