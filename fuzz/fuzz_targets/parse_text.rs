//! Every parser entry point on arbitrary text must return (with or without diagnostics).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rheobase::fuzzing::parse_text(data));
