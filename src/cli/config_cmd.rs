//! `unspun config`: which configuration file applies, and (`--dump`) the effective settings.

use super::project::{ConfigArgs, Resolver};
use super::{write_out, PackArgs, EXIT_CLEAN, EXIT_ERROR};
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
    pub config: ConfigArgs,
    #[command(flatten)]
    pub packs: PackArgs,
}

pub fn run(args: ConfigCmdArgs) -> i32 {
    let mut resolver = Resolver::new(&args.config, &args.packs);
    // A folder stands for a file inside it.
    let probe = args
        .path
        .as_ref()
        .map(|p| if p.is_dir() { p.join("_") } else { p.clone() });
    let file = resolver.config_file(probe.as_deref());
    let ctx = match resolver.ctx(file.clone()) {
        Ok(c) => c,
        Err(errs) => {
            for e in errs.iter() {
                eprintln!("error: {e}");
            }
            return EXIT_ERROR;
        }
    };
    let mut out = std::io::stdout().lock();
    if args.dump {
        let eff = ctx
            .config
            .effective(probe.as_deref().unwrap_or(std::path::Path::new("_")));
        let mut s = match &file {
            Some(f) => format!("# effective configuration from {}\n", f.display()),
            None => "# no configuration file: defaults\n".to_string(),
        };
        s.push_str(&eff.to_toml());
        write_out(&mut out, &s);
    } else {
        let s = match &file {
            Some(f) => format!("{}\n", f.display()),
            None => "no configuration file (defaults)\n".to_string(),
        };
        write_out(&mut out, &s);
    }
    EXIT_CLEAN
}
