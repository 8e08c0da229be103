//! The SWC morphology reader on arbitrary text: no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rheobase::fuzzing::swc(data));
