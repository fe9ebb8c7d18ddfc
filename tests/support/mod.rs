//! Helpers shared by the two test crates (`tests/library`, `tests/cli`).
#![allow(dead_code)]

pub mod cmd;
pub mod invariants;
