//! What can go wrong writing a new project.

use std::path::PathBuf;

/// Why `ferrodash new` wrote nothing, or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NewError {
    /// The project's name cannot be a Cargo package's name.
    #[error("`{name}` cannot name a project: {problem}")]
    InvalidName {
        /// The name given.
        name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The folder exists and holds files: nothing is overwritten.
    #[error("`{}` already exists and is not empty; choose a new folder", .0.display())]
    NotEmpty(PathBuf),
    /// A folder or file could not be made or written.
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
}
