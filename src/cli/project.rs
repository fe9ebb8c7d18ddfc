//! Which configuration applies to which input, and the checker each configuration needs.

use super::input::Input;
use super::PackArgs;
use clap::Args;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use unspun::config::{self, Config};
use unspun::Checker;

/// Configuration-file options.
#[derive(Args, Debug, Clone)]
pub struct ConfigArgs {
    /// Use this configuration file instead of looking for `.unspun.toml` next to each input
    /// and in its parent folders.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long)]
    pub no_config: bool,
}

/// A configuration and the checker built for it.
pub struct Ctx {
    pub config: Config,
    pub checker: Checker,
}

/// A built context, or the messages of the errors that prevented it.
pub type Built = Result<Arc<Ctx>, Arc<Vec<String>>>;

/// Resolves and caches configurations and their checkers.
pub struct Resolver<'a> {
    args: &'a ConfigArgs,
    packs: &'a PackArgs,
    /// Folder -> configuration file found from it.
    found: HashMap<PathBuf, Option<PathBuf>>,
    /// Configuration file (None: defaults) -> context or the errors loading it.
    built: HashMap<Option<PathBuf>, Built>,
}

impl<'a> Resolver<'a> {
    pub fn new(args: &'a ConfigArgs, packs: &'a PackArgs) -> Self {
        Resolver {
            args,
            packs,
            found: HashMap::new(),
            built: HashMap::new(),
        }
    }

    /// The configuration file that applies to a path (a file or `-` with its name).
    pub fn config_file(&mut self, path: Option<&Path>) -> Option<PathBuf> {
        if self.args.no_config {
            return None;
        }
        if let Some(c) = &self.args.config {
            return Some(c.clone());
        }
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let dir = match path.and_then(Path::parent) {
            Some(p) if !p.as_os_str().is_empty() => cwd.join(p),
            _ => cwd.clone(),
        };
        self.found
            .entry(dir.clone())
            .or_insert_with(|| {
                // Shown relative to the current folder when it lies below it.
                config::discover(&dir)
                    .map(|f| f.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(f))
            })
            .clone()
    }

    /// The context of a configuration file (loaded and built once). Errors are messages
    /// naming file, line and key.
    pub fn ctx(&mut self, file: Option<PathBuf>) -> Built {
        if let Some(r) = self.built.get(&file) {
            return r.clone();
        }
        let r = self.build(file.as_deref()).map(Arc::new).map_err(Arc::new);
        self.built.insert(file, r.clone());
        r
    }

    fn build(&self, file: Option<&Path>) -> Result<Ctx, Vec<String>> {
        let config = match file {
            Some(f) => Config::load(f)
                .map_err(|es| es.iter().map(|e| e.to_string()).collect::<Vec<_>>())?,
            None => Config::default(),
        };
        let checker = config
            .configure(self.packs.builder())
            .build()
            .map_err(|es| es.iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
        config
            .validate(checker.rules())
            .map_err(|es| es.iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
        Ok(Ctx { config, checker })
    }

    /// The context for an input.
    pub fn for_input(&mut self, input: &Input, stdin_name: Option<&Path>) -> Built {
        let path = match input {
            Input::File(p) => Some(p.as_path()),
            Input::Stdin => stdin_name,
        };
        let f = self.config_file(path);
        self.ctx(f)
    }
}
