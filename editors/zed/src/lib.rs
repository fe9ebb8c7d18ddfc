//! Starts `unspun lsp` (found on the PATH) for Markdown, plain text and HTML.

use zed_extension_api::{self as zed, LanguageServerId, Result, Worktree};

struct Unspun;

impl zed::Extension for Unspun {
    fn new() -> Self {
        Unspun
    }

    fn language_server_command(
        &mut self,
        _id: &LanguageServerId,
        worktree: &Worktree,
    ) -> Result<zed::Command> {
        let command = worktree
            .which("unspun")
            .ok_or("`unspun` is not on the PATH (see the README of unspun: Editors)")?;
        Ok(zed::Command {
            command,
            args: vec!["lsp".into()],
            env: Default::default(),
        })
    }
}

zed::register_extension!(Unspun);
