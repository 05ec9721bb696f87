//! Third-party component packages: their JavaScript and CSS served from the
//! binary and loaded by the page, like Dash's component libraries.

use bytes::Bytes;
use ferrodash_core::ComponentLibrary;
use sha2::{Digest, Sha256};

/// One file of a component package.
#[derive(Debug, Clone)]
pub(crate) struct PackageFile {
    pub(crate) path: String,
    pub(crate) bytes: Bytes,
    pub(crate) etag: String,
    pub(crate) token: String,
}

/// A component library's browser files, registered with
/// [`AppBuilder::package`](crate::AppBuilder::package).
///
/// ```
/// use ferrodash_server::ComponentPackage;
/// let gauges = ComponentPackage::new("dash_gauges", "1.2.0")
///     .script("dash_gauges.min.js", &b"window.dash_gauges = {};"[..])
///     .stylesheet("dash_gauges.css", &b".gauge{}"[..]);
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ComponentPackage {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) files: Vec<PackageFile>,
    pub(crate) scripts: Vec<String>,
    pub(crate) stylesheets: Vec<String>,
    pub(crate) library: Option<&'static ComponentLibrary>,
}

impl ComponentPackage {
    /// A package served under `_dash-component-suites/<name>/`.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            files: Vec::new(),
            scripts: Vec::new(),
            stylesheets: Vec::new(),
            library: None,
        }
    }

    /// Adds a file that is served but not loaded by the page (lazy chunks, source maps).
    pub fn file(mut self, path: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        let path = path.into();
        let bytes = bytes.into();
        let hash: [u8; 32] = Sha256::digest(&bytes).into();
        let token = hex::encode(&hash[..4]);
        let etag = format!("\"{}\"", hex::encode(&hash[..16]));
        self.files.retain(|f| f.path != path);
        self.files.push(PackageFile {
            path,
            bytes,
            etag,
            token,
        });
        self
    }

    /// Adds a script the page loads, in the order added.
    pub fn script(self, path: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        let path = path.into();
        let mut this = self.file(path.clone(), bytes);
        this.scripts.push(path);
        this
    }

    /// Adds a stylesheet the page loads, in the order added.
    pub fn stylesheet(self, path: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        let path = path.into();
        let mut this = self.file(path.clone(), bytes);
        this.stylesheets.push(path);
        this
    }

    /// The library's component metadata: lets the app check callback props
    /// against the components and tells the renderer which props hold components.
    pub fn library(mut self, library: &'static ComponentLibrary) -> Self {
        self.library = Some(library);
        self
    }

    pub(crate) fn get(&self, path: &str) -> Option<&PackageFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The fingerprinted URL of one of the package's files.
    pub(crate) fn href(&self, requests_prefix: &str, path: &str) -> String {
        let token = self.get(path).map_or("0", |f| f.token.as_str());
        format!(
            "{requests_prefix}_dash-component-suites/{}/{}",
            self.name,
            ferrodash_frontend::fingerprint(path, &self.version, token)
        )
    }
}
