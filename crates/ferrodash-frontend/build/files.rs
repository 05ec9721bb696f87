//! Which npm files are embedded, and under which `_dash-component-suites/` path.
//!
//! The set mirrors what Dash 4.4.1 registers (protocol §3.4 and §15.2). The lazy
//! `async-*.js` chunks and the `.map` files are discovered by listing the package
//! folders, so the table cannot drift from what the npm packages actually ship.

use std::path::{Path, PathBuf};

use crate::compress::Effort;
use crate::versions::{
    BABEL_POLYFILL_VERSION, BOOTSTRAP_CSS_VERSION, DASH_CORE_COMPONENTS_VERSION,
    DASH_HTML_COMPONENTS_VERSION, DASH_TABLE_VERSION, PLOTLY_JS_VERSION, PROP_TYPES_VERSION,
    REACT_DOM_VERSION, REACT_VERSION, RENDERER_VERSION,
};
use crate::{BuildError, Result};

/// npm packages the crate embeds from, with the version each must have.
const PACKAGES: [(&str, &str); 10] = [
    ("@babel/polyfill", BABEL_POLYFILL_VERSION),
    ("react", REACT_VERSION),
    ("react-dom", REACT_DOM_VERSION),
    ("prop-types", PROP_TYPES_VERSION),
    ("dash-renderer", RENDERER_VERSION),
    ("dash-core-components", DASH_CORE_COMPONENTS_VERSION),
    ("dash-html-components", DASH_HTML_COMPONENTS_VERSION),
    ("dash-table", DASH_TABLE_VERSION),
    ("plotly.js-dist-min", PLOTLY_JS_VERSION),
    ("bootstrap", BOOTSTRAP_CSS_VERSION),
];

/// A file at a fixed place in an npm package.
struct Fixed {
    /// URL package (`dash` or `plotly`).
    package: &'static str,
    /// Path under `_dash-component-suites/<package>/`, without fingerprint.
    path: String,
    /// npm package holding the file.
    npm: &'static str,
    /// Path of the file inside the npm package.
    file: &'static str,
    /// How hard to compress it.
    effort: Effort,
}

/// A folder of an npm package served as one URL folder of package `dash`.
struct Folder {
    /// URL folder under `_dash-component-suites/dash/`.
    url: &'static str,
    /// npm package holding the folder.
    npm: &'static str,
    /// Folder inside the npm package.
    dir: &'static str,
    /// Files Dash always registers from this folder.
    entry_points: &'static [(&'static str, Effort)],
    /// Whether the folder also has lazily loaded `async-*.js` webpack chunks.
    chunks: bool,
}

const FOLDERS: [Folder; 4] = [
    Folder {
        url: "dash-renderer/build",
        npm: "dash-renderer",
        dir: "build",
        entry_points: &[
            ("dash_renderer.min.js", Effort::Served),
            ("dash_renderer.dev.js", Effort::Debug),
            ("dash-ws-worker.js", Effort::Served),
        ],
        chunks: false,
    },
    Folder {
        url: "dcc",
        npm: "dash-core-components",
        dir: "dash_core_components",
        entry_points: &[
            ("dash_core_components.js", Effort::Served),
            ("dash_core_components-shared.js", Effort::Served),
            ("proptypes.js", Effort::Debug),
        ],
        chunks: true,
    },
    Folder {
        url: "html",
        npm: "dash-html-components",
        dir: "dash_html_components",
        entry_points: &[("dash_html_components.min.js", Effort::Served)],
        chunks: false,
    },
    Folder {
        url: "dash_table",
        npm: "dash-table",
        dir: "dash_table",
        entry_points: &[("bundle.js", Effort::Served)],
        chunks: true,
    },
];

/// Files served from fixed places: the React stack, plotly.js, and with the
/// `bootstrap` feature Bootstrap's stylesheet.
fn fixed() -> Vec<Fixed> {
    let dep = |path: String, npm, file, effort| Fixed {
        package: "dash",
        path,
        npm,
        file,
        effort,
    };
    let mut files = vec![
        dep(
            format!("deps/polyfill@{BABEL_POLYFILL_VERSION}.min.js"),
            "@babel/polyfill",
            "dist/polyfill.min.js",
            Effort::Served,
        ),
        dep(
            format!("deps/react@{REACT_VERSION}.min.js"),
            "react",
            "umd/react.production.min.js",
            Effort::Served,
        ),
        dep(
            format!("deps/react@{REACT_VERSION}.js"),
            "react",
            "umd/react.development.js",
            Effort::Debug,
        ),
        dep(
            format!("deps/react-dom@{REACT_DOM_VERSION}.min.js"),
            "react-dom",
            "umd/react-dom.production.min.js",
            Effort::Served,
        ),
        dep(
            format!("deps/react-dom@{REACT_DOM_VERSION}.js"),
            "react-dom",
            "umd/react-dom.development.js",
            Effort::Debug,
        ),
        dep(
            format!("deps/prop-types@{PROP_TYPES_VERSION}.min.js"),
            "prop-types",
            "prop-types.min.js",
            Effort::Served,
        ),
        dep(
            format!("deps/prop-types@{PROP_TYPES_VERSION}.js"),
            "prop-types",
            "prop-types.js",
            Effort::Debug,
        ),
        Fixed {
            package: "plotly",
            path: "package_data/plotly.min.js".to_owned(),
            npm: "plotly.js-dist-min",
            file: "plotly.min.js",
            effort: Effort::Served,
        },
    ];
    // Bootstrap's stylesheet, which dash-bootstrap-components' components
    // are drawn with (Dash apps load it from a CDN; here it is served).
    if cfg!(feature = "bootstrap") {
        files.push(Fixed {
            package: "dash_bootstrap_components",
            path: "css/bootstrap.min.css".to_owned(),
            npm: "bootstrap",
            file: "dist/css/bootstrap.min.css",
            effort: Effort::Served,
        });
    }
    files
}

/// One file to embed.
#[derive(Debug)]
pub(crate) struct Source {
    /// URL package (`dash` or `plotly`).
    pub(crate) package: &'static str,
    /// Path under `_dash-component-suites/<package>/`, without fingerprint.
    pub(crate) path: String,
    /// Where the file is on disk.
    pub(crate) file: PathBuf,
    /// How hard to compress it.
    pub(crate) effort: Effort,
}

/// Checks that `node_modules` has every package in the expected version and every
/// file Dash always registers. Returns the first problem found.
pub(crate) fn check_installed(node_modules: &Path) -> std::result::Result<(), String> {
    if !node_modules.is_dir() {
        return Err(format!("{} is not a folder", node_modules.display()));
    }
    for (npm, expected) in PACKAGES {
        let manifest = node_modules.join(npm).join("package.json");
        let version = installed_version(&manifest)?;
        if version != expected {
            return Err(format!(
                "{npm} is installed in version {version}, but version {expected} is needed"
            ));
        }
    }
    let fixed = fixed();
    let fixed_files = fixed.iter().map(|f| node_modules.join(f.npm).join(f.file));
    let entry_points = FOLDERS.iter().flat_map(|folder| {
        folder
            .entry_points
            .iter()
            .map(|(name, _)| node_modules.join(folder.npm).join(folder.dir).join(name))
    });
    for file in fixed_files.chain(entry_points) {
        if !file.is_file() {
            return Err(format!("{} is missing", file.display()));
        }
    }
    Ok(())
}

/// Reads the `version` field of an npm `package.json`.
fn installed_version(manifest: &Path) -> std::result::Result<String, String> {
    let text =
        std::fs::read(manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let json: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|e| format!("{} is not valid JSON: {e}", manifest.display()))?;
    json.get("version")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("{} has no version", manifest.display()))
}

/// Lists every file to embed, sorted by URL package and path.
pub(crate) fn collect(node_modules: &Path) -> Result<Vec<Source>> {
    let mut sources: Vec<Source> = fixed()
        .into_iter()
        .map(|f| Source {
            package: f.package,
            path: f.path,
            file: node_modules.join(f.npm).join(f.file),
            effort: f.effort,
        })
        .collect();
    for folder in &FOLDERS {
        let dir = node_modules.join(folder.npm).join(folder.dir);
        let mut scripts: Vec<(String, Effort)> = folder
            .entry_points
            .iter()
            .map(|(name, effort)| ((*name).to_owned(), *effort))
            .collect();
        if folder.chunks {
            let chunks = async_chunks(&dir)?;
            if chunks.is_empty() {
                return Err(BuildError::new(format!(
                    "{} has no async-*.js chunks; is this the right package version?",
                    dir.display()
                )));
            }
            scripts.extend(chunks.into_iter().map(|name| (name, Effort::Served)));
        }
        for (name, effort) in scripts {
            let map = format!("{name}.map");
            if dir.join(&map).is_file() {
                sources.push(Source {
                    package: "dash",
                    path: format!("{}/{map}", folder.url),
                    file: dir.join(&map),
                    effort: Effort::Debug,
                });
            }
            sources.push(Source {
                package: "dash",
                path: format!("{}/{name}", folder.url),
                file: dir.join(&name),
                effort,
            });
        }
    }
    sources.sort_by(|a, b| (a.package, &a.path).cmp(&(b.package, &b.path)));
    if let Some(repeated) = sources.windows(2).find_map(|pair| match pair {
        [a, b] if (a.package, &a.path) == (b.package, &b.path) => Some(a),
        _ => None,
    }) {
        return Err(BuildError::new(format!(
            "two files would be served as {}/{}",
            repeated.package, repeated.path
        )));
    }
    Ok(sources)
}

/// Names of the `async-*.js` webpack chunks in `dir`, sorted.
fn async_chunks(dir: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| BuildError::new(format!("cannot list {}: {e}", dir.display())))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| BuildError::new(format!("cannot list {}: {e}", dir.display())))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name.starts_with("async-") && name.ends_with(".js") && entry.path().is_file() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Paths whose change must rerun the build script: every embedded file, the folders
/// that are listed (a new chunk or map appears there), and each package manifest.
pub(crate) fn watched_paths(node_modules: &Path, sources: &[Source]) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = sources.iter().map(|s| s.file.clone()).collect();
    paths.extend(
        FOLDERS
            .iter()
            .map(|folder| node_modules.join(folder.npm).join(folder.dir)),
    );
    paths.extend(
        PACKAGES
            .iter()
            .map(|(npm, _)| node_modules.join(npm).join("package.json")),
    );
    paths
}
