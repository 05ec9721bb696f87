//! The pinned `dash` wheel: downloaded once with pip, checked against its hash,
//! read with the `zip` crate.

use std::io::{Cursor, Read as _};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use sha2::{Digest as _, Sha256};

/// The Dash release whose metadata the builders are generated from.
pub(crate) const DASH_VERSION: &str = "4.4.1";
const WHEEL_FILE: &str = "dash-4.4.1-py3-none-any.whl";
/// SHA-256 of `WHEEL_FILE` as published on PyPI. A different file is refused, so
/// the generated code always comes from the same bytes.
const WHEEL_SHA256: &str = "72120a91b10ee4d73f9446efd5d6a4ec218086feed7b1b479d2259844d1f658f";

/// The opened wheel.
pub(crate) struct Wheel {
    path: PathBuf,
    archive: zip::ZipArchive<Cursor<Vec<u8>>>,
}

impl Wheel {
    /// Opens the cached wheel, downloading it first when the cache is empty.
    pub(crate) fn open(workspace_root: &Path) -> anyhow::Result<Self> {
        let cache = target_dir(workspace_root)
            .join("xtask-cache")
            .join(format!("dash-{DASH_VERSION}"));
        let path = cache.join(WHEEL_FILE);
        if !path.is_file() {
            download(&cache)?;
            if !path.is_file() {
                bail!("pip finished but {} is not there", path.display());
            }
        }
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let digest = hex::encode(Sha256::digest(&bytes));
        if digest != WHEEL_SHA256 {
            bail!(
                "{} has SHA-256 {digest}, expected {WHEEL_SHA256}; delete it and run again",
                path.display()
            );
        }
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .with_context(|| format!("{} is not a zip archive", path.display()))?;
        Ok(Self { path, archive })
    }

    /// The text of one file of the wheel, e.g. `dash/dcc/metadata.json`.
    pub(crate) fn read(&mut self, member: &str) -> anyhow::Result<String> {
        let mut file = self
            .archive
            .by_name(member)
            .with_context(|| format!("{member} is not in {}", self.path.display()))?;
        let mut text = String::new();
        file.read_to_string(&mut text)
            .with_context(|| format!("reading {member} from {}", self.path.display()))?;
        Ok(text)
    }
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set (CI keeps one between
/// runs), else `target/` in the workspace.
fn target_dir(workspace_root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir().map_or(dir.clone(), |cwd| cwd.join(&dir))
            }
        }
        _ => workspace_root.join("target"),
    }
}

/// Runs `python3 -m pip download dash==<version>` into `dir` (`PYTHON`
/// overrides the interpreter).
fn download(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    eprintln!(
        "xtask: downloading the dash {DASH_VERSION} wheel with pip into {}",
        dir.display()
    );
    let status = Command::new(&python)
        .args([
            "-m",
            "pip",
            "download",
            "--disable-pip-version-check",
            "--no-deps",
        ])
        .arg("--only-binary=:all:")
        .arg(format!("dash=={DASH_VERSION}"))
        .arg("-d")
        .arg(dir)
        .status()
        .with_context(|| format!("running {} -m pip", python.to_string_lossy()))?;
    if !status.success() {
        bail!("pip download of dash {DASH_VERSION} failed ({status})");
    }
    Ok(())
}
