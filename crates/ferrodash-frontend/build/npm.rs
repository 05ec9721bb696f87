//! Finding (and, when needed, installing) the npm packages the crate embeds.

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::files;
use crate::{BuildError, Result};

/// Environment variable naming an already-installed `node_modules` folder.
const NODE_MODULES_ENV: &str = "FERRODASH_NODE_MODULES";

/// Returns a `node_modules` folder holding every file the crate embeds, in the
/// versions `src/versions.rs` names.
///
/// * `FERRODASH_NODE_MODULES` set: that folder, used as it is (offline builds). A
///   relative value is resolved against the repository root.
/// * Otherwise `<repo>/frontend/node_modules`; when files are missing or a package has
///   another version, `npm ci --ignore-scripts` is run in `<repo>/frontend` first.
pub(crate) fn node_modules(repo_root: &Path) -> Result<PathBuf> {
    println!("cargo:rerun-if-env-changed={NODE_MODULES_ENV}");
    if let Some(value) = std::env::var_os(NODE_MODULES_ENV).filter(|v| !v.is_empty()) {
        let dir = repo_root.join(value);
        files::check_installed(&dir).map_err(|problem| {
            BuildError::new(format!(
                "{NODE_MODULES_ENV}={} cannot be used: {problem}\n\
                 Point it at a node_modules folder installed from frontend/package-lock.json \
                 (`npm ci --ignore-scripts` in a copy of frontend/), or unset it so the \
                 build runs npm itself.",
                dir.display()
            ))
        })?;
        return Ok(dir);
    }

    let frontend = repo_root.join("frontend");
    let package_json = frontend.join("package.json");
    let lockfile = frontend.join("package-lock.json");
    println!("cargo:rerun-if-changed={}", package_json.display());
    println!("cargo:rerun-if-changed={}", lockfile.display());
    let dir = frontend.join("node_modules");
    if files::check_installed(&dir).is_ok() {
        return Ok(dir);
    }

    // Two cargo invocations with different target directories (say `cargo build` and
    // an IDE's `cargo check`) may both get here; let one of them install.
    let lock = File::open(&lockfile).map_err(|e| {
        BuildError::new(format!(
            "cannot open {}: {e}\nThe crate needs the committed frontend/package.json and \
             package-lock.json, or {NODE_MODULES_ENV} pointing at an installed node_modules.",
            lockfile.display()
        ))
    })?;
    lock.lock()
        .map_err(|e| BuildError::new(format!("cannot lock {}: {e}", lockfile.display())))?;
    if files::check_installed(&dir).is_ok() {
        return Ok(dir);
    }
    npm_ci(&frontend)?;
    files::check_installed(&dir).map_err(|problem| {
        BuildError::new(format!(
            "`npm ci` in {} succeeded but node_modules is still unusable: {problem}\n\
             Do frontend/package.json and src/versions.rs name the same versions?",
            frontend.display()
        ))
    })?;
    Ok(dir)
}

/// Runs `npm ci --ignore-scripts --no-audit --no-fund` in `frontend`.
fn npm_ci(frontend: &Path) -> Result<()> {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let args = ["ci", "--ignore-scripts", "--no-audit", "--no-fund"];
    // npm's output is captured: a build script's stdout is read by cargo as directives.
    let output = Command::new(npm)
        .args(args)
        .current_dir(frontend)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                "npm was not found on PATH".to_owned()
            } else {
                format!("cannot start npm: {e}")
            };
            BuildError::new(format!(
                "{why}.\nferrodash-frontend embeds Dash's browser packages, which come from \
                 npm. Install Node.js with npm (then the build runs `npm ci` in {}), or set \
                 {NODE_MODULES_ENV} to an already-installed node_modules folder.",
                frontend.display()
            ))
        })?;
    if output.status.success() {
        return Ok(());
    }
    let mut message = format!(
        "`{npm} {}` in {} failed ({}).",
        args.join(" "),
        frontend.display(),
        output.status
    );
    for (name, stream, lines) in [
        ("stderr", &output.stderr, 30),
        ("stdout", &output.stdout, 10),
    ] {
        let text = String::from_utf8_lossy(stream);
        if !text.trim().is_empty() {
            let _ = write!(
                message,
                "\n--- npm {name} (last lines) ---\n{}",
                last_lines(&text, lines)
            );
        }
    }
    let _ = write!(
        message,
        "\nWithout access to the npm registry, set {NODE_MODULES_ENV} to an \
         already-installed node_modules folder."
    );
    Err(BuildError::new(message))
}

/// The last `n` lines of `text`.
fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(n);
    lines.get(from..).unwrap_or_default().join("\n")
}
