//! The pins of `frontend/component-packages.txt`, read with the parser the
//! `ferrodash-frontend` build script uses (one parser for both).

use std::path::Path;

use anyhow::Context as _;

#[path = "../../../crates/ferrodash-frontend/build/pins.rs"]
mod shared;

pub(crate) use shared::Pin;

/// The pins of the file at `path`.
pub(crate) fn read(path: &Path) -> anyhow::Result<Vec<Pin>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    shared::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}
