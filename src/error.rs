//! Failures of the machine rather than of the author's input: a file that cannot be read or
//! written, an output folder versus refuses to touch. They stop the build; input problems are
//! [`crate::diagnostics::Diagnostic`]s instead, collected so that one run reports them all.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum Error {
    /// An I/O operation failed on a path.
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// The build found errors in the input; they have been reported already.
    Input { errors: usize },
    /// A refusal that protects the user's files, or bad usage of the tool.
    Refused(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(action: &'static str, path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io {
                action,
                path,
                source,
            } => write!(f, "could not {action} {}: {source}", path.display()),
            Error::Input { errors } => {
                write!(f, "build failed with {errors} error{}", plural(*errors))
            }
            Error::Refused(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// "s" when `n` is not 1, for messages like "3 errors".
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
