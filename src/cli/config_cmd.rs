//! `unspun config`: which configuration file applies, and (`--dump`) the effective settings.

use super::{exit_code, CmdResult, Out, SessionArgs};
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ConfigCmdArgs {
    /// The file (or folder) whose configuration to show [default: the current folder].
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Print the effective configuration for PATH as TOML.
    #[arg(long)]
    pub dump: bool,
    #[command(flatten)]
    pub session: SessionArgs,
}

pub fn run(args: ConfigCmdArgs) -> CmdResult {
    let session = args.session.session();
    // A folder stands for a file inside it.
    let probe = args
        .path
        .as_ref()
        .map(|p| if p.is_dir() { p.join("_") } else { p.clone() });
    let file = session.config_file(probe.as_deref());
    let profile = session.profile(probe.as_deref())?;
    let mut out = Out::stdout();
    if args.dump {
        let eff = profile
            .config()
            .effective(probe.as_deref().unwrap_or(std::path::Path::new("_")));
        let mut s = match &file {
            Some(f) => format!("# effective configuration from {}\n", f.display()),
            None => "# no configuration file: defaults\n".to_string(),
        };
        s.push_str(&eff.to_toml());
        out.write(s)?;
    } else {
        let s = match &file {
            Some(f) => format!("{}\n", f.display()),
            None => "no configuration file (defaults)\n".to_string(),
        };
        out.write(s)?;
    }
    out.finish()?;
    Ok(exit_code(false, false))
}
