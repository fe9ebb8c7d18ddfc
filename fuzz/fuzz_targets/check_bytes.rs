//! Fuzz target `check_bytes`: see `tests/support/invariants.rs` for what it checks. Crashers found
//! here are kept in `tests/fuzz_regressions/check_bytes/` and replayed by `cargo test`.
#![no_main]

#[path = "../../tests/support/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::check_bytes(data));
