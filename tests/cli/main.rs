//! Tests of the `unspun` binary end to end, in one crate (see `tests/library/main.rs` for why
//! there are only two). Run one module with `cargo test --release --test cli score_cli::`.

#[path = "../support/lsp_client.rs"]
mod lsp_client;
#[path = "../support/mod.rs"]
mod support;

mod ci_filters;
mod cli;
mod cluster;
mod entry_points;
mod eval_clean;
mod eval_cli;
mod hostile_cli;
mod lsp;
mod score_cli;
mod serve_api;
mod serve_languagetool;
mod serve_limits;
mod walk;
