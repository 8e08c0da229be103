//! Inputs kept from fuzzing the model-file reader (`fuzz/regressions/model_file/`), replayed
//! on the stable toolchain: each must be read and built (or refused) without a panic.

use std::path::Path;

#[test]
fn model_file_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/model_file");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no regression inputs for model_file");
    for file in files {
        let data = std::fs::read(&file).expect("a readable corpus file");
        let outcome = std::panic::catch_unwind(|| rheobase_cli::fuzzing::model_file(&data));
        assert!(outcome.is_ok(), "{} fails again", file.display());
    }
}
