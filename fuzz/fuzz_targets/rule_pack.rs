//! Fuzz target `rule_pack`: see `tests/support/invariants.rs` for what it checks. Crashers found
//! here are kept in `tests/fuzz_regressions/rule_pack/` and replayed by `cargo test`.
#![no_main]

#[path = "../../tests/support/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::rule_pack(data));
