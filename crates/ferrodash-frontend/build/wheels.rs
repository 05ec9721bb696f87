//! Component packages embedded from their pinned Python wheels (features
//! `ag-grid`, `bootstrap`, `mantine`).
//!
//! The wheels are what Dash itself serves these packages from: each holds
//! the package's browser bundle, its lazily loaded chunks and its component
//! modules, and two of the three are not published on npm at all. They are
//! pinned by version and SHA-256 in `frontend/component-packages.txt`.
//!
//! A wheel is taken from `FERRODASH_WHEELS` (a folder holding already
//! downloaded wheels, for offline builds), else from `frontend/wheels/`,
//! where `pip download --require-hashes` puts it when missing. Either way
//! its SHA-256 is checked against the pin before a byte is embedded.

// Without a package feature only the table is compiled, never read.
#![cfg_attr(
    not(any(feature = "ag-grid", feature = "bootstrap", feature = "mantine")),
    allow(dead_code, unused_imports)
)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sha2::{Digest as _, Sha256};

use crate::compress::{Effort, Input};
use crate::pins::{self, Pin};
use crate::{BuildError, Result};

/// Environment variable naming a folder of already-downloaded wheels.
const WHEELS_ENV: &str = "FERRODASH_WHEELS";

/// The pin file, relative to the repository root.
const PINS: &str = "frontend/component-packages.txt";

/// A component package of a wheel and how Dash serves it.
pub(crate) struct WheelPackage {
    /// The cargo feature that embeds it, as cargo spells it in
    /// `CARGO_FEATURE_<NAME>`.
    feature_env: &'static str,
    /// The distribution's name on PyPI.
    distribution: &'static str,
    /// The JavaScript namespace: the URL folder under
    /// `_dash-component-suites/`.
    pub(crate) namespace: &'static str,
    /// The wheel's folder served as that URL folder (trailing slash).
    root: &'static str,
    /// Scripts every page loads, relative to `root`, in order; the other
    /// `.js` files under `root` are lazy chunks, served when the bundle asks.
    pub(crate) scripts: &'static [&'static str],
}

/// Every package this crate can embed.
const PACKAGES: [WheelPackage; 3] = [
    WheelPackage {
        feature_env: "CARGO_FEATURE_AG_GRID",
        distribution: "dash-ag-grid",
        namespace: "dash_ag_grid",
        root: "dash_ag_grid/",
        scripts: &["dash_ag_grid.min.js"],
    },
    WheelPackage {
        feature_env: "CARGO_FEATURE_BOOTSTRAP",
        distribution: "dash-bootstrap-components",
        namespace: "dash_bootstrap_components",
        root: "dash_bootstrap_components/",
        scripts: &["_components/dash_bootstrap_components.min.js"],
    },
    WheelPackage {
        feature_env: "CARGO_FEATURE_MANTINE",
        distribution: "dash-mantine-components",
        namespace: "dash_mantine_components",
        root: "dash_mantine_components/",
        scripts: &["dash_mantine_components.js"],
    },
];

/// A package chosen by a feature, with its pinned version.
pub(crate) struct Enabled {
    pub(crate) package: &'static WheelPackage,
    pub(crate) version: String,
}

/// The packages whose features are on, their files added to `inputs`.
/// Returns them with the paths to watch for changes.
pub(crate) fn collect(repo_root: &Path, inputs: &mut Vec<Input>) -> Result<Vec<Enabled>> {
    let chosen: Vec<&'static WheelPackage> = PACKAGES
        .iter()
        .filter(|p| std::env::var_os(p.feature_env).is_some())
        .collect();
    if chosen.is_empty() {
        return Ok(Vec::new());
    }
    let pins_path = repo_root.join(PINS);
    println!("cargo:rerun-if-changed={}", pins_path.display());
    println!("cargo:rerun-if-env-changed={WHEELS_ENV}");
    let text = std::fs::read_to_string(&pins_path)
        .map_err(|e| BuildError::new(format!("cannot read {}: {e}", pins_path.display())))?;
    let pins =
        pins::parse(&text).map_err(|e| BuildError::new(format!("{}: {e}", pins_path.display())))?;
    let mut enabled = Vec::with_capacity(chosen.len());
    for package in chosen {
        let pin = pins
            .iter()
            .find(|p| p.name == package.distribution)
            .ok_or_else(|| {
                BuildError::new(format!("{PINS} does not pin {}", package.distribution))
            })?;
        let wheel = wheel_file(repo_root, pin)?;
        println!("cargo:rerun-if-changed={}", wheel.display());
        add_files(package, &wheel, inputs)?;
        enabled.push(Enabled {
            package,
            version: pin.version.clone(),
        });
    }
    Ok(enabled)
}

/// The path of the pinned wheel, checked against its hash; downloaded first
/// when it is not there.
fn wheel_file(repo_root: &Path, pin: &Pin) -> Result<PathBuf> {
    let (dir, may_download) = match std::env::var_os(WHEELS_ENV).filter(|v| !v.is_empty()) {
        Some(dir) => (repo_root.join(dir), false),
        None => (repo_root.join("frontend").join("wheels"), true),
    };
    let path = dir.join(pin.file_name());
    if !path.is_file() {
        if !may_download {
            return Err(BuildError::new(format!(
                "{WHEELS_ENV} is set but {} is not there; download it with\n  \
                 python3 -m pip download --no-deps --only-binary=:all: --require-hashes \
                 -r {PINS} -d {}",
                path.display(),
                dir.display()
            )));
        }
        download(repo_root, &dir, pin)?;
    }
    let bytes = std::fs::read(&path)
        .map_err(|e| BuildError::new(format!("cannot read {}: {e}", path.display())))?;
    let digest = hex(&Sha256::digest(&bytes));
    if digest != pin.sha256 {
        return Err(BuildError::new(format!(
            "{} has SHA-256 {digest}, but {PINS} pins {}; delete the file and build again",
            path.display(),
            pin.sha256
        )));
    }
    Ok(path)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `pip download` of one pinned wheel, its hash required, into `dir`.
fn download(repo_root: &Path, dir: &Path, pin: &Pin) -> Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| BuildError::new(format!("cannot create {}: {e}", dir.display())))?;
    // Two builds may get here at once; let one of them download.
    let lock_path = dir.join(".lock");
    let lock = File::create(&lock_path)
        .map_err(|e| BuildError::new(format!("cannot create {}: {e}", lock_path.display())))?;
    lock.lock()
        .map_err(|e| BuildError::new(format!("cannot lock {}: {e}", lock_path.display())))?;
    if dir.join(pin.file_name()).is_file() {
        return Ok(());
    }
    let requirement = dir.join(format!("{}.txt", pin.name));
    std::fs::write(
        &requirement,
        format!(
            "{}=={} --hash=sha256:{}\n",
            pin.name, pin.version, pin.sha256
        ),
    )
    .map_err(|e| BuildError::new(format!("cannot write {}: {e}", requirement.display())))?;
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    println!("cargo:rerun-if-env-changed=PYTHON");
    // pip's output is captured: a build script's stdout is read by cargo.
    let output = Command::new(&python)
        .args([
            "-m",
            "pip",
            "download",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "--require-hashes",
            "-r",
        ])
        .arg(&requirement)
        .arg("-d")
        .arg(dir)
        .current_dir(repo_root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            BuildError::new(format!(
                "cannot start {} for pip: {e}\nThe {} feature embeds {} from its wheel on \
                 PyPI: install Python 3 with pip, or set {WHEELS_ENV} to a folder holding {}.",
                python.to_string_lossy(),
                pin.name,
                pin.name,
                pin.file_name()
            ))
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        return Err(BuildError::new(format!(
            "pip download of {}=={} failed ({}):\n{}\nWithout access to PyPI, set \
             {WHEELS_ENV} to a folder holding {}.",
            pin.name,
            pin.version,
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
            pin.file_name()
        )));
    }
    Ok(())
}

/// Without a package feature there is no zip reader, and nothing to add.
#[cfg(not(any(feature = "ag-grid", feature = "bootstrap", feature = "mantine")))]
fn add_files(package: &'static WheelPackage, _: &Path, _: &mut Vec<Input>) -> Result<()> {
    Err(BuildError::new(format!(
        "{} was asked for without its feature",
        package.distribution
    )))
}

/// Adds every `.js` and `.css` file under the package's root folder of the
/// wheel (source maps left out: tens of megabytes nobody loads in
/// production).
#[cfg(any(feature = "ag-grid", feature = "bootstrap", feature = "mantine"))]
fn add_files(package: &'static WheelPackage, wheel: &Path, inputs: &mut Vec<Input>) -> Result<()> {
    use std::io::Read as _;

    let file = File::open(wheel)
        .map_err(|e| BuildError::new(format!("cannot open {}: {e}", wheel.display())))?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| BuildError::new(format!("{} is not a wheel: {e}", wheel.display())))?;
    let mut found = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| BuildError::new(format!("{}: {e}", wheel.display())))?;
        let name = entry
            .name()
            .map_err(|e| BuildError::new(format!("{}: {e}", wheel.display())))?;
        let Some(path) = name.strip_prefix(package.root).map(str::to_owned) else {
            continue;
        };
        if !(path.ends_with(".js") || path.ends_with(".css")) || path.contains("..") {
            continue;
        }
        let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| BuildError::new(format!("{}: {path}: {e}", wheel.display())))?;
        found.push(path.clone());
        inputs.push(Input {
            package: package.namespace,
            path,
            bytes,
            effort: Effort::Served,
        });
    }
    for script in package.scripts {
        if !found.iter().any(|p| p == script) {
            return Err(BuildError::new(format!(
                "{} has no {}{script}; is it the pinned version?",
                wheel.display(),
                package.root
            )));
        }
    }
    Ok(())
}
