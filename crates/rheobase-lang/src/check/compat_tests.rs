//! The model strings of Brian2's own examples (which Brian2 2.9 accepts) must check here
//! too. Their external constants and functions are unknown to this test, so
//! `model::undefined_identifier` and `model::unknown_function` are expected; any other error is a false alarm of the checker (an expression with an
//! unknown name yields no dimension, so it cannot cause one).

use super::{check_equations_for, GroupKind, Scope};
use crate::parser::parse_equations;
use crate::span::SourceMap;

const EXAMPLES: &str = include_str!("../../tests/data/brian2_examples.txt");

fn equation_records() -> Vec<(&'static str, String)> {
    let mut out: Vec<(&str, String)> = Vec::new();
    let mut current: Option<(&str, String)> = None;
    for line in EXAMPLES.lines() {
        if let Some(header) = line.strip_prefix("=== ") {
            out.extend(current.take());
            if let Some(file) = header.strip_prefix("equations ") {
                current = Some((file, String::new()));
            }
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    out.extend(current);
    out
}

#[test]
fn brian2_example_models_check() {
    let records = equation_records();
    assert!(
        records.len() > 50,
        "data file incomplete: {}",
        records.len()
    );
    let mut failures = Vec::new();
    let mut clean = 0;
    for (file, text) in &records {
        let mut sources = SourceMap::new();
        let src = sources.add(*file, text.clone());
        let eqs = parse_equations(text, src).expect("the parser's own test covers these");
        let kinds = [
            GroupKind::NeuronGroup,
            GroupKind::Synapses,
            GroupKind::SpatialNeuron,
        ];
        let attempts: Vec<_> = kinds
            .iter()
            .map(|&k| check_equations_for(&eqs, &Scope::neuron_group(true), k))
            .collect();
        // The group kind is not recorded: take the one whose flags fit.
        let best = attempts
            .iter()
            .find(|r| match r {
                Ok(_) => true,
                Err(d) => d.iter().all(|d| d.code != "model::invalid_flag"),
            })
            .unwrap_or(&attempts[0]);
        match best {
            Ok(_) => clean += 1,
            Err(d) => {
                let unexpected: Vec<_> = d
                    .iter()
                    .filter(|d| {
                        // Names and functions (`TimedArray`s) from the script's namespace.
                        !matches!(
                            d.code,
                            "model::undefined_identifier" | "model::unknown_function"
                        )
                    })
                    .map(|d| d.render(&sources))
                    .collect();
                if !unexpected.is_empty() {
                    failures.push(unexpected.join("\n\n"));
                }
            }
        }
    }
    assert!(clean > 0, "no example model checked cleanly");
    assert!(
        failures.is_empty(),
        "{} of {} models rejected:\n\n{}",
        failures.len(),
        records.len(),
        failures.join("\n\n")
    );
}
