//! TOML model files read and built into a network: no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rheobase_cli::fuzzing::model_file(data));
