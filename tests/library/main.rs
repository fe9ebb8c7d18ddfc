//! Tests of the library through its public API (and a few through the binary), in one crate:
//! each test crate is a link of the library with its embedded tables, so they are grouped in
//! two (this one and `tests/cli`). Run one module with
//! `cargo test --release --test library seeds::`.

#[path = "../support/mod.rs"]
mod support;

mod compare;
mod document_first;
mod fuzz_regressions;
mod hostile_inputs;
mod lang;
mod lint;
mod properties;
mod quotes;
mod rule_examples;
mod rule_packs;
mod sarif;
mod seeds;
