//! Byte ranges into the user's own text, and the texts they point into.

/// Identifies one user-supplied string (a model, a threshold, a reset, ...) in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct SourceId(pub u32);

/// A half-open byte range `start..end` in one source. Spans survive rewriting: a node created
/// by substitution or integration keeps the span of the user text it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub src: SourceId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(src: SourceId, start: usize, end: usize) -> Span {
        Span {
            src,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both (they must share a source; otherwise `self` is kept).
    pub fn to(self, other: Span) -> Span {
        if self.src != other.src {
            return self;
        }
        Span {
            src: self.src,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One user string and a name that says where it came from (`NeuronGroup 'neurons' model`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// All user strings a diagnostic may point into.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    sources: Vec<Source>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> SourceId {
        self.sources.push(Source {
            name: name.into(),
            text: text.into(),
        });
        SourceId((self.sources.len() - 1) as u32)
    }

    pub fn get(&self, id: SourceId) -> Option<&Source> {
        self.sources.get(id.0 as usize)
    }

    /// Every source, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = &Source> {
        self.sources.iter()
    }

    /// The text a span covers (empty if the span is stale).
    pub fn snippet(&self, span: Span) -> &str {
        self.get(span.src)
            .and_then(|s| s.text.get(span.range()))
            .unwrap_or("")
    }
}
