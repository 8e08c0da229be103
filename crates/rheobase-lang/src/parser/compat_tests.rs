//! Every model, reset, event, threshold and condition string of Brian2's own examples that
//! Brian2 2.9 accepts must parse here too. The strings are collected by
//! `tests/data/gen_brian2_examples.py` (see its docstring to regenerate them).

use crate::equations::Equations;
use crate::parser::{parse_expression, parse_statements};
use crate::span::SourceMap;

const EXAMPLES: &str = include_str!("../../tests/data/brian2_examples.txt");

/// `(kind, example file, text)` for each record of the data file.
fn records() -> Vec<(&'static str, &'static str, String)> {
    let mut out: Vec<(&str, &str, String)> = Vec::new();
    for line in EXAMPLES.lines() {
        if let Some(header) = line.strip_prefix("=== ") {
            let (kind, file) = header.split_once(' ').unwrap_or((header, ""));
            out.push((kind, file, String::new()));
        } else if let Some(last) = out.last_mut() {
            last.2.push_str(line);
            last.2.push('\n');
        }
    }
    out
}

#[test]
fn brian2_example_strings_parse() {
    let records = records();
    assert!(
        records.len() > 200,
        "data file incomplete: {}",
        records.len()
    );
    let mut failures = Vec::new();
    for (kind, file, text) in &records {
        let mut sources = SourceMap::new();
        let src = sources.add(format!("{file} ({kind})"), text.clone());
        let result = match *kind {
            "equations" => Equations::parse(text, src).err(),
            "statements" => parse_statements(text, src).err(),
            "expression" => parse_expression(text, src).err(),
            other => panic!("unknown record kind {other}"),
        };
        if let Some(d) = result {
            failures.push(d.render(&sources));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} strings rejected:\n\n{}",
        failures.len(),
        records.len(),
        failures.join("\n\n")
    );
}
