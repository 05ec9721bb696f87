//! Pinned wheels (`dash`, and the component packages of
//! `frontend/component-packages.txt`): downloaded once with pip, checked
//! against their hashes, read with the `zip` crate.

use std::io::{Cursor, Read as _};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use sha2::{Digest as _, Sha256};

/// The Dash release whose metadata the html, dcc and table builders come from.
pub(crate) const DASH_VERSION: &str = "4.4.1";

pub(crate) use super::pins::Pin;

impl Pin {
    /// The pinned `dash` wheel itself.
    pub(crate) fn dash() -> Self {
        Self {
            name: "dash".into(),
            version: DASH_VERSION.into(),
            sha256: "72120a91b10ee4d73f9446efd5d6a4ec218086feed7b1b479d2259844d1f658f".into(),
        }
    }
}

/// The opened wheel.
pub(crate) struct Wheel {
    path: PathBuf,
    archive: zip::ZipArchive<Cursor<Vec<u8>>>,
}

impl Wheel {
    /// Opens the cached wheel, downloading it first when the cache is empty.
    pub(crate) fn open(workspace_root: &Path, pin: &Pin) -> anyhow::Result<Self> {
        let cache = target_dir(workspace_root)
            .join("xtask-cache")
            .join(format!("{}-{}", pin.name, pin.version));
        let path = cache.join(pin.file_name());
        if !path.is_file() {
            download(&cache, pin)?;
            if !path.is_file() {
                bail!("pip finished but {} is not there", path.display());
            }
        }
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let digest = hex::encode(Sha256::digest(&bytes));
        if digest != pin.sha256 {
            bail!(
                "{} has SHA-256 {digest}, expected {}; delete it and run again",
                path.display(),
                pin.sha256
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

    /// The names of the wheel's files directly in `folder` (`pkg/`) whose
    /// names end with `suffix`, sorted.
    pub(crate) fn files_in(&self, folder: &str, suffix: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .archive
            .file_names()
            .filter_map(Result::ok)
            .filter(|name| {
                name.strip_prefix(folder)
                    .is_some_and(|rest| !rest.contains('/') && rest.ends_with(suffix))
            })
            .map(|name| name.into_owned())
            .collect();
        names.sort();
        names
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

/// Runs `python3 -m pip download <name>==<version>` into `dir` (`PYTHON`
/// overrides the interpreter); the hash is checked by the caller.
fn download(dir: &Path, pin: &Pin) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    eprintln!(
        "xtask: downloading the {} {} wheel with pip into {}",
        pin.name,
        pin.version,
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
        .arg(format!("{}=={}", pin.name, pin.version))
        .arg("-d")
        .arg(dir)
        .status()
        .with_context(|| format!("running {} -m pip", python.to_string_lossy()))?;
    if !status.success() {
        bail!(
            "pip download of {} {} failed ({status})",
            pin.name,
            pin.version
        );
    }
    Ok(())
}
