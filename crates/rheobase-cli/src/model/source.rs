//! The model file as a diagnostic source: errors about TOML values point at their line and
//! column, and errors the engine finds inside an equation or code string are moved from the
//! engine's copy of the string into the file, so that the caret lands in the file itself.

use rheobase::lang::{Diagnostic, Diagnostics, Label, SourceId, SourceMap, Span};
use rheobase::runtime::RuntimeError;
use std::ops::Range;

/// The text of a model file, registered as source 0 of a [`SourceMap`].
#[derive(Clone, Debug)]
pub struct ModelSource {
    pub sources: SourceMap,
    pub file: SourceId,
    /// Strings handed to the engine, with where their value starts in the file (`None` when
    /// the TOML string has escapes, so that offsets in the value are not offsets in the file).
    strings: Vec<(String, Option<usize>)>,
}

impl ModelSource {
    pub fn new(name: &str, text: &str) -> ModelSource {
        let mut sources = SourceMap::new();
        let file = sources.add(name, text);
        ModelSource {
            sources,
            file,
            strings: Vec::new(),
        }
    }

    pub fn text(&self) -> &str {
        self.sources
            .get(self.file)
            .map(|s| s.text.as_str())
            .unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.sources
            .get(self.file)
            .map(|s| s.name.as_str())
            .unwrap_or("")
    }

    pub fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    /// An error at a range of the file.
    pub fn error(
        &self,
        code: &'static str,
        message: impl Into<String>,
        at: Range<usize>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(code, message).with_primary(self.span(at), label)
    }

    /// Remembers that the TOML string token at `token` (quotes included) holds `value`, which
    /// is about to be handed to the engine.
    pub fn register_string(&mut self, value: &str, token: Range<usize>) {
        let start = value_offset(self.text(), token, value);
        self.strings.push((value.to_string(), start));
    }

    /// A runtime error as diagnostics against the file. `at` is the TOML item it concerns,
    /// used when the error does not point into a string of the file.
    pub fn runtime_error(
        &self,
        error: &RuntimeError,
        at: Range<usize>,
    ) -> (SourceMap, Diagnostics) {
        let mut sources = self.sources.clone();
        match error {
            RuntimeError::Model {
                diagnostics,
                sources: engine,
                ..
            } => {
                let mut out = Diagnostics::new();
                for d in diagnostics.iter() {
                    let mut d = d.clone();
                    d.labels = d
                        .labels
                        .iter()
                        .map(|l| self.move_label(l, engine, &mut sources))
                        .collect();
                    if d.labels.is_empty() {
                        d = d.with_primary(self.span(at.clone()), "in this item");
                    }
                    out.push(d);
                }
                (sources, out)
            }
            other => {
                let message = match other {
                    RuntimeError::Invalid { message, .. } => message.clone(),
                    RuntimeError::NotSupported { message, .. } => {
                        format!("not yet supported: {message}")
                    }
                    e => e.to_string(),
                };
                let d = Diagnostic::error(other.code(), message)
                    .with_primary(self.span(at), "in this item");
                (sources, d.into())
            }
        }
    }

    /// A label into the engine's copy of a string, moved into the file when the string is
    /// one of the file's (else the engine's source is copied into `sources`).
    fn move_label(&self, label: &Label, engine: &SourceMap, sources: &mut SourceMap) -> Label {
        let Some(src) = engine.get(label.span.src) else {
            return label.clone();
        };
        let found = self
            .strings
            .iter()
            .find(|(value, start)| value == &src.text && start.is_some());
        let span = match found {
            Some((_, Some(start))) => Span::new(
                self.file,
                start + label.span.start as usize,
                start + label.span.end as usize,
            ),
            _ => {
                let id = sources.add(src.name.clone(), src.text.clone());
                Span {
                    src: id,
                    ..label.span
                }
            }
        };
        Label {
            span,
            message: label.message.clone(),
            primary: label.primary,
        }
    }
}

/// Where `value` starts in the file, given its string token (`"..."`, `'...'`, `"""..."""`
/// or `'''...'''`): TOML drops a newline right after a triple-quote opening.
fn value_offset(text: &str, token: Range<usize>, value: &str) -> Option<usize> {
    let raw = text.get(token.clone())?;
    let quote = if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
        3
    } else if raw.starts_with('\'') || raw.starts_with('"') {
        1
    } else {
        return None;
    };
    if raw.len() < 2 * quote {
        return None;
    }
    let mut inner_start = quote;
    let inner = &raw[quote..raw.len() - quote];
    let inner = if quote == 3 {
        if let Some(rest) = inner.strip_prefix("\r\n") {
            inner_start += 2;
            rest
        } else if let Some(rest) = inner.strip_prefix('\n') {
            inner_start += 1;
            rest
        } else {
            inner
        }
    } else {
        inner
    };
    (inner == value).then_some(token.start + inner_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_offsets_follow_toml_string_forms() {
        let text = "a = \"v > 1\"\nb = '''\ndv/dt = -v/tau : 1\n'''\nc = \"x\\ty\"";
        let a = text.find('"').unwrap();
        assert_eq!(value_offset(text, a..a + 7, "v > 1"), Some(a + 1));
        let b = text.find("'''").unwrap();
        let b_end = text.rfind("'''").unwrap() + 3;
        let v = "dv/dt = -v/tau : 1\n";
        assert_eq!(value_offset(text, b..b_end, v), Some(b + 4));
        let c = text.rfind("\"x").unwrap();
        assert_eq!(value_offset(text, c..text.len(), "x\ty"), None);
    }

    #[test]
    fn engine_labels_move_into_the_file() {
        let text = "threshold = \"v > Vt\"\n";
        let mut src = ModelSource::new("m.toml", text);
        src.register_string("v > Vt", 12..20);
        let mut engine = SourceMap::new();
        let id = engine.add("G threshold", "v > Vt");
        let d = Diagnostic::error("model::undefined_identifier", "unknown name 'Vt'")
            .with_primary(Span::new(id, 4, 6), "not defined");
        let e = RuntimeError::model("G", d, &engine);
        let (sources, diags) = src.runtime_error(&e, 0..5);
        let shown = diags.render(&sources);
        assert!(shown.contains("--> m.toml:1:18"), "{shown}");
        assert!(shown.contains("^^ not defined"), "{shown}");
    }

    #[test]
    fn unknown_strings_keep_the_engine_source() {
        let src = ModelSource::new("m.toml", "x = 1\n");
        let mut engine = SourceMap::new();
        let id = engine.add("G reset", "v = q");
        let d = Diagnostic::error("model::undefined_identifier", "unknown name 'q'")
            .with_primary(Span::new(id, 4, 5), "here");
        let (sources, diags) = src.runtime_error(&RuntimeError::model("G", d, &engine), 0..1);
        assert!(diags.render(&sources).contains("--> G reset:1:5"));
        let plain = RuntimeError::invalid("G", "bad index");
        let (sources, diags) = src.runtime_error(&plain, 0..1);
        let shown = diags.render(&sources);
        assert!(
            shown.contains("error[runtime::invalid_argument]: bad index"),
            "{shown}"
        );
        assert!(shown.contains("--> m.toml:1:1"), "{shown}");
    }
}
