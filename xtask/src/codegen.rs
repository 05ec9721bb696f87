//! `cargo xtask codegen [--check]`: the typed builders of
//! `crates/ferrodash-components` from the metadata in the pinned `dash` wheel.
//!
//! Steps: open the wheel (downloaded once into `xtask-cache/` of Cargo's
//! target directory), parse each library's `metadata.json` ([`model`]), emit
//! Rust ([`emit`]), format it with `rustfmt --edition 2024`, then write the
//! files or compare them.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

mod children;
mod emit;
mod model;
mod naming;
mod summaries;
mod wheel;

/// Whether to write the generated files or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Write,
    Check,
}

/// What kind of module a library becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `html`: functions take children; `children` is always sent.
    Html,
    /// `dcc`: functions take the id.
    Core,
    /// `dash_table`: functions take the id.
    Table,
}

/// One component library of the wheel and the module generated from it.
#[derive(Debug)]
pub(crate) struct Library {
    pub(crate) module: &'static str,
    pub(crate) wheel_member: &'static str,
    pub(crate) namespace: &'static str,
    pub(crate) kind: Kind,
}

const LIBRARIES: [Library; 3] = [
    Library {
        module: "html",
        wheel_member: "dash/html/metadata.json",
        namespace: "dash_html_components",
        kind: Kind::Html,
    },
    Library {
        module: "dcc",
        wheel_member: "dash/dcc/metadata.json",
        namespace: "dash_core_components",
        kind: Kind::Core,
    },
    Library {
        module: "dash_table",
        wheel_member: "dash/dash_table/metadata.json",
        namespace: "dash_table",
        kind: Kind::Table,
    },
];

/// Where the generated files live, relative to the workspace root.
const OUTPUT_DIR: &str = "crates/ferrodash-components/src/generated";

pub(crate) fn run(root: &Path, mode: Mode) -> anyhow::Result<()> {
    let mut wheel = wheel::Wheel::open(root)?;
    let mut stale = Vec::new();
    for lib in &LIBRARIES {
        let metadata = wheel.read(lib.wheel_member)?;
        let components = model::parse_library(&metadata)
            .with_context(|| format!("parsing {}", lib.wheel_member))?;
        let source = emit::library(lib, &components)
            .with_context(|| format!("generating {}", lib.module))?;
        let formatted = rustfmt(root, &source)
            .with_context(|| format!("formatting the generated {}.rs", lib.module))?;
        let relative = format!("{OUTPUT_DIR}/{}.rs", lib.module);
        let path = root.join(&relative);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(formatted.as_str()) {
            eprintln!(
                "xtask: {relative} is up to date ({})",
                count(components.len())
            );
            continue;
        }
        match mode {
            Mode::Check => stale.push(relative),
            Mode::Write => {
                std::fs::create_dir_all(root.join(OUTPUT_DIR))?;
                std::fs::write(&path, formatted)
                    .with_context(|| format!("writing {}", path.display()))?;
                eprintln!("xtask: wrote {relative} ({})", count(components.len()));
            }
        }
    }
    if !stale.is_empty() {
        bail!(
            "generated code is stale (differs from what `cargo xtask codegen` produces): {}\n\
             run `cargo xtask codegen` and commit the result",
            stale.join(", ")
        );
    }
    Ok(())
}

/// Formats Rust source with `rustfmt --edition 2024` (`RUSTFMT` overrides the
/// binary), run from the workspace root so it uses the repository's settings.
fn rustfmt(root: &Path, source: &str) -> anyhow::Result<String> {
    let program = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut child = Command::new(&program)
        .args(["--edition", "2024"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("running {}", program.to_string_lossy()))?;
    let mut stdin = child.stdin.take().context("rustfmt has no stdin")?;
    let output = std::thread::scope(|scope| {
        let writer = scope.spawn(move || stdin.write_all(source.as_bytes()));
        let output = child.wait_with_output();
        let written = writer
            .join()
            .map_err(|_| anyhow::anyhow!("stdin writer panicked"))?;
        written.context("writing to rustfmt")?;
        output.context("waiting for rustfmt")
    })?;
    if !output.status.success() {
        bail!(
            "rustfmt failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    String::from_utf8(output.stdout).context("rustfmt wrote non-UTF-8")
}

fn count(components: usize) -> String {
    if components == 1 {
        String::from("1 component")
    } else {
        format!("{components} components")
    }
}
