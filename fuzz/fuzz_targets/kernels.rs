//! Random kernels on the interpreter and every JIT variant: no panic, the same bits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rheobase::fuzzing::kernels(data));
