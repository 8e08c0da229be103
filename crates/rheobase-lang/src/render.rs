//! Draws diagnostics as text with carets under the user's own code, without colours:
//!
//! ```text
//! error[units::dimension_mismatch]: cannot add volt/second and amp
//!   --> neurons.model:2:29
//!  2 | dv/dt = (El - v)/tau + I : volt
//!    |         ------------   ^ amp
//!    |         volt/second
//!    = help: divide the current by a capacitance, e.g. I/C
//! ```
//!
//! The primary label is underlined with `^`, the others with `-`. The rightmost label of a line
//! has its message after its underline; the others get one line each below, at their start
//! column. Labels in several sources get one section per source (`-->` then `:::`). Tabs are
//! drawn as four spaces. An empty span (such as the end of the input) is drawn as one caret
//! just past the preceding character.

use crate::diagnostic::{Diagnostic, Diagnostics, Label, Severity};
use crate::span::{Source, SourceId, SourceMap};
use std::fmt;

const TAB_WIDTH: usize = 4;

impl Diagnostic {
    /// The caret picture of this diagnostic, without a trailing newline.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = format!(
            "{}[{}]: {}",
            severity_word(self.severity),
            self.code,
            self.message
        );
        let located = self.locate(sources);
        let width = located
            .iter()
            .map(|l| (l.line + 1).to_string().len())
            .max()
            .unwrap_or(1);
        let mut source_order: Vec<SourceId> = Vec::new();
        // The section with the primary label comes first.
        let primary_first = located.iter().position(|l| l.primary).unwrap_or(0);
        if let Some(l) = located.get(primary_first) {
            source_order.push(l.src);
        }
        for l in &located {
            if !source_order.contains(&l.src) {
                source_order.push(l.src);
            }
        }
        for (section, src) in source_order.iter().enumerate() {
            let Some(source) = sources.get(*src) else {
                continue;
            };
            let labels: Vec<&Located> = located.iter().filter(|l| l.src == *src).collect();
            let anchor = labels
                .iter()
                .find(|l| l.primary)
                .copied()
                .unwrap_or(labels[0]);
            let arrow = if section == 0 { "-->" } else { ":::" };
            out.push_str(&format!(
                "\n{}{arrow} {}:{}:{}",
                " ".repeat(width + 1),
                source.name,
                anchor.line + 1,
                anchor.char_col + 1
            ));
            render_lines(&mut out, source, &labels, width);
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("\n{}= help: {help}", " ".repeat(width + 2)));
        }
        out
    }

    /// Labels resolved to line and column, one entry per line they touch.
    fn locate(&self, sources: &SourceMap) -> Vec<Located> {
        let mut out = Vec::new();
        for label in &self.labels {
            if let Some(source) = sources.get(label.span.src) {
                out.extend(locate_label(source, label));
            }
        }
        out
    }
}

impl Diagnostics {
    /// Every diagnostic's picture, separated by blank lines.
    pub fn render(&self, sources: &SourceMap) -> String {
        self.iter()
            .map(|d| d.render(sources))
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

impl fmt::Display for Diagnostic {
    /// One line: `error[syntax::unexpected_token]: expected an expression, found `)``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {}",
            severity_word(self.severity),
            self.code,
            self.message
        )
    }
}

impl fmt::Display for Diagnostics {
    /// One line per diagnostic.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, d) in self.iter().enumerate() {
            if k > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}
impl std::error::Error for Diagnostics {}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One label's part on one line, in display columns.
#[derive(Debug)]
struct Located {
    src: SourceId,
    line: usize,
    /// Character column of the start (for the `-->` line).
    char_col: usize,
    /// Display columns `start..end` (tabs expanded), `end > start`.
    start: usize,
    end: usize,
    /// Empty for the first lines of a label spanning several lines.
    message: String,
    primary: bool,
}

/// Byte offsets at which each line starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Which line holds byte `offset`, and the line's byte range without its newline.
fn line_of(text: &str, starts: &[usize], offset: usize) -> (usize, usize, usize) {
    let line = starts.partition_point(|&s| s <= offset).saturating_sub(1);
    let start = starts[line];
    let end = starts.get(line + 1).map(|&s| s - 1).unwrap_or(text.len());
    let end = if text[start..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    (line, start, end)
}

/// Display width of `text`: a tab is [`TAB_WIDTH`] columns, as in the printed line.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| if c == '\t' { TAB_WIDTH } else { 1 })
        .sum()
}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn locate_label(source: &Source, label: &Label) -> Vec<Located> {
    let text = source.text.as_str();
    let starts = line_starts(text);
    let mut start = clamp_to_char_boundary(text, label.span.start as usize);
    let mut end = clamp_to_char_boundary(text, label.span.end as usize).max(start);
    // A point at the very end of a text ending in a newline belongs just past the last line's
    // last character, not on the empty line after it.
    if start == end && start == text.len() && text.ends_with('\n') && !text.is_empty() {
        start -= 1;
        if text[..start].ends_with('\r') {
            start -= 1;
        }
        end = start;
    }
    // Trailing newlines inside a span do not draw on the next line.
    while end > start && text[..end].ends_with('\n') {
        end -= 1;
    }
    let (first_line, _, _) = line_of(text, &starts, start);
    let (last_line, _, _) = line_of(text, &starts, end.saturating_sub(usize::from(end > start)));
    let mut parts = Vec::new();
    for line in first_line..=last_line.max(first_line) {
        let (_, ls, le) = line_of(text, &starts, starts[line]);
        let s = if line == first_line {
            start
        } else {
            ls + leading_ws(&text[ls..le])
        };
        let e = if line == last_line.max(first_line) {
            end.min(le).max(s)
        } else {
            le
        };
        let col_start = display_width(&text[ls..s]);
        let col_end = if e > s {
            col_start + display_width(&text[s..e])
        } else {
            col_start + 1
        };
        parts.push(Located {
            src: label.span.src,
            line,
            char_col: text[ls..s].chars().count(),
            start: col_start,
            end: col_end,
            message: if line == last_line.max(first_line) {
                label.message.clone()
            } else {
                String::new()
            },
            primary: label.primary,
        });
    }
    parts
}

fn leading_ws(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The source lines that carry labels, each followed by its underline and message lines.
fn render_lines(out: &mut String, source: &Source, labels: &[&Located], width: usize) {
    let text = source.text.as_str();
    let starts = line_starts(text);
    let mut lines: Vec<usize> = labels.iter().map(|l| l.line).collect();
    lines.sort_unstable();
    lines.dedup();
    let blank_gutter = format!("{} |", " ".repeat(width + 1));
    let mut previous: Option<usize> = None;
    for line in lines {
        if previous.is_some_and(|p| line > p + 1) {
            out.push_str("\n...");
        }
        previous = Some(line);
        let (_, ls, le) = line_of(text, &starts, starts[line]);
        let shown = text[ls..le].replace('\t', &" ".repeat(TAB_WIDTH));
        out.push_str(&format!("\n {:>width$} | {}", line + 1, shown.trim_end()));
        let mut on_line: Vec<&&Located> = labels.iter().filter(|l| l.line == line).collect();
        on_line.sort_by_key(|l| (l.start, l.end));
        let mut underline: Vec<char> = Vec::new();
        for l in &on_line {
            if underline.len() < l.end {
                underline.resize(l.end, ' ');
            }
            let mark = if l.primary { '^' } else { '-' };
            for c in &mut underline[l.start..l.end] {
                // A primary caret is never hidden by a secondary dash.
                if *c != '^' {
                    *c = mark;
                }
            }
        }
        let mut first_row: String = underline.iter().collect();
        let first_row_trimmed_len = first_row.trim_end().len();
        first_row.truncate(first_row_trimmed_len);
        // The rightmost label's message goes after the underline; others below, right to left.
        let with_message: Vec<&&&Located> =
            on_line.iter().filter(|l| !l.message.is_empty()).collect();
        let inline = with_message.last().filter(|l| l.end >= first_row.len());
        if let Some(l) = inline {
            first_row.push(' ');
            first_row.push_str(&l.message);
        }
        out.push_str(&format!("\n{blank_gutter} {first_row}"));
        for l in with_message.iter().rev() {
            if inline.is_some_and(|i| std::ptr::eq(**i, **l)) {
                continue;
            }
            out.push_str(&format!(
                "\n{blank_gutter} {}{}",
                " ".repeat(l.start),
                l.message
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn sources(name: &str, text: &str) -> (SourceMap, SourceId) {
        let mut map = SourceMap::new();
        let id = map.add(name, text);
        (map, id)
    }

    #[test]
    fn style_md_example() {
        let (map, id) = sources(
            "neurons.model",
            "v : volt\ndv/dt = (El - v)/tau + I : volt\n",
        );
        let line2 = 9;
        let d = Diagnostic::error(
            "units::dimension_mismatch",
            "cannot add volt/second and amp",
        )
        .with_secondary(Span::new(id, line2 + 8, line2 + 20), "volt/second")
        .with_primary(Span::new(id, line2 + 23, line2 + 24), "amp")
        .with_help("divide the current by a capacitance, e.g. I/C");
        assert_eq!(
            d.render(&map),
            "error[units::dimension_mismatch]: cannot add volt/second and amp\n\
             \x20 --> neurons.model:2:24\n\
             \x202 | dv/dt = (El - v)/tau + I : volt\n\
             \x20  |         ------------   ^ amp\n\
             \x20  |         volt/second\n\
             \x20  = help: divide the current by a capacitance, e.g. I/C"
        );
    }

    #[test]
    fn display_is_one_line() {
        let d = Diagnostic::error("syntax::unexpected_token", "unexpected `)`");
        assert_eq!(
            d.to_string(),
            "error[syntax::unexpected_token]: unexpected `)`"
        );
    }

    #[test]
    fn end_of_input_points_past_last_char() {
        let (map, id) = sources("reset", "v = 1 +\n");
        let d = Diagnostic::error("syntax::x", "m").with_primary(Span::new(id, 8, 8), "here");
        assert_eq!(
            d.render(&map),
            "error[syntax::x]: m\n  --> reset:1:8\n 1 | v = 1 +\n   |        ^ here"
        );
    }

    #[test]
    fn tabs_expand_and_labels_on_two_lines() {
        let (map, id) = sources("m", "a\n\tb = c\nx\ny\nz\nw\nv\nu\nt\ns\nfinal");
        let text = map.get(id).unwrap().text.clone();
        let b = text.find('b').unwrap();
        let fin = text.find("final").unwrap();
        let d = Diagnostic::error("model::x", "m")
            .with_primary(Span::new(id, b, b + 1), "first")
            .with_secondary(Span::new(id, fin, fin + 5), "second");
        assert_eq!(
            d.render(&map),
            "error[model::x]: m\n   --> m:2:2\n  2 |     b = c\n    |     ^ first\n...\n 11 | final\n    | ----- second"
        );
    }

    #[test]
    fn label_over_several_lines() {
        let text = "dv/dt = (a +\n         b) : volt";
        let (map, id) = sources("m", text);
        let d =
            Diagnostic::error("units::x", "m").with_primary(Span::new(id, 8, 24), "volt/second");
        assert_eq!(
            d.render(&map),
            "error[units::x]: m\n  --> m:1:9\n 1 | dv/dt = (a +\n   |         ^^^^\n 2 |          b) : volt\n   |          ^^ volt/second"
        );
    }

    #[test]
    fn missing_source_and_stale_span_do_not_panic() {
        let (map, id) = sources("m", "abc");
        let d = Diagnostic::error("syntax::x", "m")
            .with_primary(Span::new(id, 10, 20), "past the end")
            .with_secondary(Span::new(SourceId(9), 0, 1), "unknown source")
            .with_help("h");
        assert_eq!(
            d.render(&map),
            "error[syntax::x]: m\n  --> m:1:4\n 1 | abc\n   |    ^ past the end\n   = help: h"
        );
        let bare = Diagnostic::error("io::x", "no labels");
        assert_eq!(bare.render(&map), "error[io::x]: no labels");
    }

    #[test]
    fn several_diagnostics_are_separated_by_a_blank_line() {
        let (map, id) = sources("m", "ab");
        let ds = Diagnostics(vec![
            Diagnostic::error("syntax::x", "first").with_primary(Span::new(id, 0, 1), "a"),
            Diagnostic::error("syntax::y", "second").with_primary(Span::new(id, 1, 2), "b"),
        ]);
        assert_eq!(
            ds.render(&map),
            "error[syntax::x]: first\n  --> m:1:1\n 1 | ab\n   | ^ a\n\n\
             error[syntax::y]: second\n  --> m:1:2\n 1 | ab\n   |  ^ b"
        );
        assert_eq!(
            ds.to_string(),
            "error[syntax::x]: first\nerror[syntax::y]: second"
        );
    }

    #[test]
    fn labels_in_two_sources() {
        let mut map = SourceMap::new();
        let a = map.add("model", "x : volt");
        let b = map.add("reset", "x = 1");
        let d = Diagnostic::error("units::x", "m")
            .with_primary(Span::new(b, 0, 5), "here")
            .with_secondary(Span::new(a, 4, 8), "declared");
        assert_eq!(
            d.render(&map),
            "error[units::x]: m\n  --> reset:1:1\n 1 | x = 1\n   | ^^^^^ here\n  ::: model:1:5\n 1 | x : volt\n   |     ---- declared"
        );
    }
}
