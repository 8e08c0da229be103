//! Entry point of the `model_file` fuzz target (`fuzz/`) and of its regression test
//! (`tests/fuzz_corpus.rs`): arbitrary bytes as a TOML model file, read and built into a
//! network. Errors are expected (and must render); panics are bugs.

use crate::build::{build, Overrides};
use crate::model::ModelFile;

/// Reads and builds the bytes as a model file; nothing runs (a run's length is the file's).
pub fn model_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let model = match ModelFile::parse("fuzz.toml", text) {
        Ok(model) => model,
        Err(e) => {
            std::hint::black_box(e.to_string());
            return;
        }
    };
    let overrides = Overrides {
        seed: Some(1),
        ..Overrides::default()
    };
    match build(&model, &overrides) {
        Ok(built) => std::hint::black_box(built.groups.len()),
        Err(e) => std::hint::black_box(e.to_string().len()),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_model_files_do_not_panic() {
        for text in [
            "",
            "[[",
            "[simulation]\ndt = \"-1 ms\"\n",
            "[groups.g]\nN = 0\nmodel = \"dv/dt = -v/(10*ms) : 1\"\n",
            "[groups.g]\nN = -3\nmodel = \"dv/dt = -v/(10*ms) : 1\"\n",
            "[groups.g]\nN = 5\nmodel = \"dv/dt = \"\n",
        ] {
            model_file(text.as_bytes());
        }
    }
}
