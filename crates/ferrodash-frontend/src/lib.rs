//! Dash 4.4.1's browser code, embedded in the binary and ready to serve.
//!
//! ferrodash speaks Dash's wire protocol so that Dash's own npm packages render the
//! app. This crate carries those packages: the build script takes them from an npm
//! install of `frontend/package.json` (exact versions, lockfile with integrity hashes)
//! and embeds exactly the files Dash registers under `_dash-component-suites/`.
//!
//! | what | details |
//! | --- | --- |
//! | files | the React stack (`deps/…`), dash-renderer (including the WebSocket worker), dcc, html and dash_table bundles with their lazy `async-*.js` chunks and shipped source maps, and plotly.js; see [`files`] |
//! | lookup | [`lookup`] by URL package (`dash` or `plotly`) and path without fingerprint |
//! | fingerprints | [`strip_fingerprint`] parses any Dash fingerprint (lazy chunks arrive with a foreign one); [`fingerprint`] builds one from [`StaticFile::fingerprint`], a content hash |
//! | caching | a strong [`StaticFile::etag`] (SHA-256 based) for unfingerprinted requests |
//! | compression | gzip (best) and brotli (quality 11 for served code, 9 for source maps and development builds) made at build time; a variant is present only when smaller |
//! | favicon | ferrodash's own icon for `_favicon.ico`, see [`favicon`] |
//! | versions | [`DASH_VERSION`], [`RENDERER_VERSION`], [`REACT_VERSION`], … |
//!
//! # Features
//!
//! Each feature embeds one more component package, from its wheel on PyPI
//! (pinned by version and SHA-256 in `frontend/component-packages.txt`): the
//! package's bundle and its lazy chunks, under `_dash-component-suites/<namespace>/`.
//! [`packages`] lists the ones compiled in, with the scripts each page loads.
//!
//! | feature | package | namespace |
//! | --- | --- | --- |
//! | `ag-grid` | dash-ag-grid | `dash_ag_grid` |
//! | `bootstrap` | dash-bootstrap-components, and Bootstrap's stylesheet (npm `bootstrap`, [`BOOTSTRAP_CSS_VERSION`]) as `css/bootstrap.min.css` | `dash_bootstrap_components` |
//! | `mantine` | dash-mantine-components | `dash_mantine_components` |
//!
//! The wheels come from the folder `FERRODASH_WHEELS` names (offline builds),
//! else from `frontend/wheels/`, where the build runs
//! `python3 -m pip download --require-hashes` when one is missing. A wheel whose
//! hash differs from its pin fails the build.
//!
//! # Building
//!
//! The build script needs the npm packages. It uses, in this order:
//!
//! 1. the folder named by the environment variable `FERRODASH_NODE_MODULES`, for
//!    offline builds: a `node_modules` folder installed from the committed lockfile
//!    (`npm ci --ignore-scripts`), used as it is;
//! 2. `frontend/node_modules` in the repository, running
//!    `npm ci --ignore-scripts --no-audit --no-fund` in `frontend/` first when files are
//!    missing or a package has the wrong version (this needs Node.js, npm and the npm
//!    registry).
//!
//! Compressing takes some seconds; the results are cached in `OUT_DIR` by content hash,
//! so a rerun only compresses files that changed.
//!
//! # Example
//!
//! ```
//! use ferrodash_frontend::{fingerprint, fingerprint_version, lookup, strip_fingerprint};
//!
//! // Writing the page: a fingerprinted script URL.
//! let file = lookup("dash", "dcc/dash_core_components.js").unwrap();
//! let version = fingerprint_version("dash", file.path).unwrap();
//! let url_path = fingerprint(file.path, version, file.fingerprint);
//!
//! // Serving it: strip whatever fingerprint arrives, then look the file up.
//! let (path, fingerprinted) = strip_fingerprint(&url_path);
//! assert!(fingerprinted);
//! assert_eq!(lookup("dash", &path).unwrap().etag, file.etag);
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(clippy::print_stdout, clippy::print_stderr)]

use std::fmt;

mod fingerprint;
mod versions;

pub use fingerprint::{fingerprint, fingerprint_version, strip_fingerprint};
pub use versions::{
    BABEL_POLYFILL_VERSION, BOOTSTRAP_CSS_VERSION, DASH_CORE_COMPONENTS_VERSION,
    DASH_HTML_COMPONENTS_VERSION, DASH_TABLE_VERSION, DASH_VERSION, PLOTLY_JS_VERSION,
    PLOTLY_PY_VERSION, PROP_TYPES_VERSION, REACT_DOM_VERSION, REACT_VERSION, RENDERER_VERSION,
};

/// An embedded file with everything needed to answer a request for it.
#[derive(Clone, Copy)]
pub struct StaticFile {
    /// Path under `_dash-component-suites/<package>/`, without fingerprint, such as
    /// `dcc/async-graph.js`; `_favicon.ico` for the [`favicon`].
    pub path: &'static str,
    /// The file's bytes.
    pub raw: &'static [u8],
    /// gzip-compressed bytes (for `Content-Encoding: gzip`), when smaller than `raw`.
    pub gzip: Option<&'static [u8]>,
    /// brotli-compressed bytes (for `Content-Encoding: br`), when smaller than `raw`.
    pub brotli: Option<&'static [u8]>,
    /// Strong entity tag, quotes included: the first 16 bytes of the SHA-256 of `raw`,
    /// in hex. The same for every encoding: compare `If-None-Match` against it and
    /// answer `304` on a match.
    pub etag: &'static str,
    /// `Content-Type` header value, from the extension: `.js` is
    /// `text/javascript; charset=utf-8`, `.map` `application/json`, `.ico`
    /// `image/x-icon`.
    pub content_type: &'static str,
    /// Cache-busting token derived from the content (8 hex digits of the SHA-256 of
    /// `raw`), to use with [`fingerprint`] where Dash uses the file's mtime.
    pub fingerprint: &'static str,
}

impl fmt::Debug for StaticFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Lengths instead of megabytes of bytes.
        f.debug_struct("StaticFile")
            .field("path", &self.path)
            .field("raw_len", &self.raw.len())
            .field("gzip_len", &self.gzip.map(<[u8]>::len))
            .field("brotli_len", &self.brotli.map(<[u8]>::len))
            .field("etag", &self.etag)
            .field("content_type", &self.content_type)
            .field("fingerprint", &self.fingerprint)
            .finish()
    }
}

/// A generated table entry: a file and its URL package.
struct SuiteFile {
    /// URL package: `dash` or `plotly`.
    package: &'static str,
    /// The file.
    file: StaticFile,
}

// Defines `static FILES: [SuiteFile; N]` (sorted by package, then path) and
// `static FAVICON: StaticFile`.
include!(concat!(env!("OUT_DIR"), "/static_files.rs"));

/// Looks a file up by URL package (`"dash"` or `"plotly"`) and its path with any
/// fingerprint **already stripped** (see [`strip_fingerprint`]), such as
/// `("dash", "dcc/async-graph.js")` or `("plotly", "package_data/plotly.min.js")`.
///
/// Returns `None` for anything Dash 4.4.1 does not register or the npm packages do not
/// ship (for example `dash-renderer/build/dash_renderer.min.js.map`, which Dash
/// registers but does not ship either). Answer those with 404.
#[must_use]
pub fn lookup(package: &str, path: &str) -> Option<&'static StaticFile> {
    FILES
        .binary_search_by(|entry| (entry.package, entry.file.path).cmp(&(package, path)))
        .ok()
        .and_then(|index| FILES.get(index))
        .map(|entry| &entry.file)
}

/// ferrodash's favicon (a 32×32 ICO of its own design), served at `_favicon.ico`
/// when the app's assets have no `favicon.ico`.
#[must_use]
pub fn favicon() -> &'static StaticFile {
    &FAVICON
}

/// A component package embedded from its wheel (see the crate's features).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedPackage {
    /// The JavaScript namespace, also the URL folder under
    /// `_dash-component-suites/` and the [`lookup`] package.
    pub namespace: &'static str,
    /// The package's version, for fingerprints.
    pub version: &'static str,
    /// The scripts every page loads, in order; the package's other files are
    /// lazy chunks its bundle fetches when needed.
    pub scripts: &'static [&'static str],
    /// The stylesheets every page loads, in order.
    pub stylesheets: &'static [&'static str],
}

/// The component packages compiled in, in the order their features are
/// listed: AG Grid, Bootstrap, Mantine.
#[must_use]
pub fn packages() -> &'static [EmbeddedPackage] {
    &PACKAGES
}

/// Every embedded suite file with its URL package, sorted by package, then path.
/// The [`favicon`] is not included.
pub fn files() -> impl Iterator<Item = (&'static str, &'static StaticFile)> {
    FILES.iter().map(|entry| (entry.package, &entry.file))
}

#[cfg(test)]
mod tests;
