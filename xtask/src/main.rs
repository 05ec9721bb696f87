//! Repository maintenance commands, run as `cargo xtask <command>`.
//!
//! Commands:
//!
//! * `codegen`: downloads the pinned `dash` wheel with pip (once, into
//!   `xtask-cache/` of Cargo's target directory), reads the component metadata
//!   it ships and writes the typed builders of
//!   `crates/ferrodash-components/src/generated/`.
//! * `codegen --check`: regenerates in memory and fails, naming the files, when
//!   the committed generated files differ from what the generator produces.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};

mod codegen;

const USAGE: &str = "usage: cargo xtask codegen [--check]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the whole context chain on one line, without a backtrace.
            eprintln!("xtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen::run(&workspace_root()?, codegen::Mode::Write),
        ["codegen", "--check"] => codegen::run(&workspace_root()?, codegen::Mode::Check),
        ["help" | "--help" | "-h"] => {
            eprintln!("{USAGE}");
            Ok(())
        }
        _ => bail!("{USAGE}"),
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> anyhow::Result<PathBuf> {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .context("xtask has no parent directory")
}
