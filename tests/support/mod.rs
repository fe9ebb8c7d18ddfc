//! Helpers shared by the two test crates (`tests/library`, `tests/cli`).
#![allow(dead_code)]

pub mod cmd;
pub mod hostile;
pub mod invariants;
pub mod serve;
