//! The `ferrodash` command's library.
//!
//! `ferrodash new <DIR>` writes a runnable app into a new folder: a page with
//! a callback over a SQL bind, a second page, Bootstrap's theme in light and
//! dark, tests in process and in a real browser, a Dockerfile and a README.
//!
//! ```no_run
//! use ferrodash_cli::{ProjectName, Source, new_project};
//!
//! let name = ProjectName::parse("sales-board")?;
//! let source = Source::Git { url: "https://github.com/ferrodash/ferrodash".to_owned(), rev: None };
//! let written = new_project("sales-board".as_ref(), &name, &source)?;
//! println!("{} files", written.len());
//! # Ok::<(), ferrodash_cli::NewError>(())
//! ```

mod error;
mod name;
mod source;
mod template;

pub use error::NewError;
pub use name::ProjectName;
pub use source::Source;
pub use template::{TemplateFile, new_project, render};
