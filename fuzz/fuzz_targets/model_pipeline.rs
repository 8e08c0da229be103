//! Random well-formed models through checking, integration, lowering and a short run on the
//! interpreter and the JIT: no panic, and both backends agree bit for bit.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rheobase::fuzzing::model_pipeline(data));
