//! Build script of `ferrodash-frontend`.
//!
//! 1. Finds an installed copy of the npm packages listed in `frontend/package.json`
//!    (`FERRODASH_NODE_MODULES`, else `frontend/node_modules`, running `npm ci` when
//!    that is missing or stale).
//! 2. Collects the files Dash 4.4.1 registers under `_dash-component-suites/`
//!    (`files.rs`), the component packages whose features are on, from their
//!    pinned wheels (`wheels.rs`), plus a favicon drawn here (`favicon.rs`).
//! 3. Hashes and precompresses every file into `OUT_DIR/embed/` (`compress.rs`).
//! 4. Writes `OUT_DIR/static_files.rs`, the table `src/lib.rs` includes (`codegen.rs`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

mod codegen;
mod compress;
mod favicon;
mod files;
mod npm;
mod pins;
#[allow(dead_code, unreachable_pub)]
#[path = "../src/versions.rs"]
mod versions;
mod wheels;

/// Failure of the build script, printed verbatim by cargo.
pub(crate) struct BuildError(String);

impl BuildError {
    /// An error with the given explanation.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

// `main` returning `Err` prints the `Debug` form; keep it readable.
impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ferrodash-frontend: {}", self.0)
    }
}

/// Shorthand for build-script results.
pub(crate) type Result<T> = std::result::Result<T, BuildError>;

fn main() -> Result<()> {
    let started = Instant::now();
    let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env("OUT_DIR")?);
    let repo_root = manifest_dir
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| BuildError::new("cannot find the repository root above the crate"))?
        .to_path_buf();

    let node_modules = npm::node_modules(&repo_root)?;

    let sources = files::collect(&node_modules)?;
    for watched in files::watched_paths(&node_modules, &sources) {
        println!("cargo:rerun-if-changed={}", watched.display());
    }

    let mut inputs = Vec::with_capacity(sources.len() + 1);
    for source in &sources {
        let bytes = std::fs::read(&source.file)
            .map_err(|e| BuildError::new(format!("cannot read {}: {e}", source.file.display())))?;
        inputs.push(compress::Input {
            package: source.package,
            path: source.path.clone(),
            bytes,
            effort: source.effort,
        });
    }
    let packages = wheels::collect(&repo_root, &mut inputs)?;
    // The table is searched by (package, path): the packages' files join
    // Dash's in order.
    inputs.sort_by(|a, b| (a.package, &a.path).cmp(&(b.package, &b.path)));
    inputs.push(compress::Input {
        package: "",
        path: favicon::PATH.to_owned(),
        bytes: favicon::ico(),
        effort: compress::Effort::Served,
    });

    let (embedded, timing) = compress::run(&out_dir.join("embed"), inputs)?;
    codegen::write(&out_dir.join("static_files.rs"), &embedded, &packages)?;
    compress::write_summary(
        &out_dir.join("build-summary.txt"),
        &embedded,
        &timing,
        started.elapsed(),
    )?;
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=src/versions.rs");
    Ok(())
}

/// Reads an environment variable cargo sets for build scripts.
fn env(name: &str) -> Result<String> {
    std::env::var(name).map_err(|_| BuildError::new(format!("cargo did not set {name}")))
}
