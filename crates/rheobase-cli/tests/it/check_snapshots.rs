//! Snapshots of `rheobase check` on the broken model files in `tests/broken/`: each message
//! names the file, the line and column, and puts its caret inside the equation or code string.

use super::{rheobase, text};
use std::path::Path;

fn check(file: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    let out = rheobase(&["check", file], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = text(&out);
    assert!(!shown.contains("panicked"), "{shown}");
    shown
}

#[test]
fn unknown_variable() {
    insta::assert_snapshot!(check("unknown_variable.toml"));
}

#[test]
fn dimension_mismatch() {
    insta::assert_snapshot!(check("dimension_mismatch.toml"));
}

#[test]
fn missing_unit() {
    insta::assert_snapshot!(check("missing_unit.toml"));
}

#[test]
fn malformed_toml() {
    insta::assert_snapshot!(check("malformed.toml"));
}

#[test]
fn unknown_key() {
    insta::assert_snapshot!(check("unknown_key.toml"));
}

#[test]
fn dimension_mismatch_in_synaptic_code() {
    insta::assert_snapshot!(check("synapse_code.toml"));
}
