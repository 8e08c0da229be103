//! Inputs kept from fuzzing (`fuzz/regressions/<target>/`: a sample of the corpus minimised by
//! `scripts/fuzz.sh`, plus every input that once failed) replayed as regression tests on the
//! stable toolchain: each must still run through its target without a panic or a disagreement
//! between backends.

use std::path::{Path, PathBuf};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the regression inputs {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8])) {
    let files = corpus(target);
    assert!(!files.is_empty(), "no regression inputs for {target}");
    for file in files {
        let data = std::fs::read(&file).expect("a readable corpus file");
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{} fails again", file.display());
    }
}

#[test]
fn parse_text_corpus() {
    replay("parse_text", rheobase::fuzzing::parse_text);
}

#[test]
fn model_pipeline_corpus() {
    replay("model_pipeline", rheobase::fuzzing::model_pipeline);
}
