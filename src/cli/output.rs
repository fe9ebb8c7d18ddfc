//! The one writer of every command's output, and the error that ends a command.
//!
//! [`Out`] writes to standard output, or to `-o FILE` through a temporary file that is renamed
//! over FILE once the command has written everything ([`Out::finish`]); a command that fails
//! before that drops its `Out`, which removes the temporary file, so FILE is whole or as it
//! was. Errors travel up as [`Error`] to `cli::run`, which prints them and exits with 1; a
//! closed standard output (`| head`) is not an error: the command ends quietly with 0.

use super::atomic::Output;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

/// Why a command stopped.
#[derive(Debug)]
pub enum Error {
    /// Messages to print (`error: ` before each line), exit code 1.
    Message(String),
    /// Standard output was closed by its reader: stop quietly, exit code 0.
    Closed,
}

impl Error {
    /// An error with this message.
    pub fn msg(m: impl Into<String>) -> Error {
        Error::Message(m.into())
    }

    /// Print it (if there is anything to say) and give the exit code.
    pub fn report(self) -> ExitCode {
        match self {
            Error::Message(m) => {
                let mut err = io::stderr().lock();
                for line in m.lines() {
                    let _ = writeln!(err, "error: {line}");
                }
                ExitCode::from(super::EXIT_ERROR)
            }
            Error::Closed => ExitCode::from(super::EXIT_CLEAN),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Message(m) => f.write_str(m),
            Error::Closed => f.write_str("standard output closed"),
        }
    }
}

impl From<unspun::SetupError> for Error {
    fn from(e: unspun::SetupError) -> Error {
        Error::Message(e.to_string())
    }
}

impl From<std::sync::Arc<unspun::SetupError>> for Error {
    fn from(e: std::sync::Arc<unspun::SetupError>) -> Error {
        Error::Message(e.to_string())
    }
}

/// Where a command's output goes: standard output or `-o FILE`, written whole or not at all.
pub struct Out {
    inner: Output,
}

impl Out {
    /// Standard output (`None`) or a temporary file that becomes `path` on [`Out::finish`].
    pub fn open(path: Option<&Path>) -> Result<Out, Error> {
        Output::open(path)
            .map(|inner| Out { inner })
            .map_err(Error::Message)
    }

    /// Standard output.
    pub fn stdout() -> Out {
        Out {
            inner: Output::open(None).expect("standard output opens"),
        }
    }

    /// What the output is, for messages.
    fn target(&self) -> String {
        match &self.inner {
            Output::Stdout(_) => "standard output".to_string(),
            Output::File(f) => f.path().display().to_string(),
            Output::Stream(_, p) => p.display().to_string(),
        }
    }

    /// The error of a failed write: a closed pipe on standard output (or on a named pipe
    /// given to `-o`) ends the command quietly.
    fn failed(&self, e: io::Error) -> Error {
        match (&self.inner, e.kind()) {
            (Output::Stdout(_) | Output::Stream(..), io::ErrorKind::BrokenPipe) => Error::Closed,
            _ => Error::Message(format!("cannot write {}: {e}", self.target())),
        }
    }

    /// Write text or bytes.
    pub fn write(&mut self, data: impl AsRef<[u8]>) -> Result<(), Error> {
        self.inner
            .write_all(data.as_ref())
            .map_err(|e| self.failed(e))
    }

    /// Flush what is buffered (before a message on standard error, to keep them in order).
    pub fn flush(&mut self) -> Result<(), Error> {
        self.inner.flush().map_err(|e| self.failed(e))
    }

    /// Flush, and put `-o FILE` in place.
    pub fn finish(self) -> Result<(), Error> {
        let target = self.target();
        let stdout = matches!(self.inner, Output::Stdout(_));
        self.inner.finish().map_err(|e| {
            if stdout && e.kind() == io::ErrorKind::BrokenPipe {
                Error::Closed
            } else {
                Error::Message(format!("cannot write {target}: {e}"))
            }
        })
    }
}
