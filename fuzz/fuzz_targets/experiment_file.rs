#![no_main]
// See checks.rs: the target's body, shared with tests/fuzz_regressions.rs.
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::experiment_file(data));
