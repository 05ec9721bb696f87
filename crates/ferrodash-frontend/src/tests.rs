//! Tests of the embedded table against the protocol's file list (§2.6, §3.4, §15.2).

use std::collections::BTreeSet;
use std::io::Read as _;

use sha2::{Digest, Sha256};

use crate::{favicon, files, fingerprint, fingerprint_version, lookup, strip_fingerprint};

/// dcc's lazy chunks per protocol §3.4.
const DCC_CHUNKS: [&str; 8] = [
    "datepicker",
    "dropdown",
    "graph",
    "highlight",
    "markdown",
    "mathjax",
    "slider",
    "upload",
];

/// dash_table's lazy chunks per protocol §3.4.
const TABLE_CHUNKS: [&str; 3] = ["export", "highlight", "table"];

/// Every file a page can load (protocol §2.6 and §15.2), as (package, path).
fn page_files() -> Vec<(&'static str, String)> {
    let mut files: Vec<(&str, String)> = [
        "deps/polyfill@7.12.1.min.js",
        "deps/react@18.3.1.min.js",
        "deps/react@18.3.1.js",
        "deps/react-dom@18.3.1.min.js",
        "deps/react-dom@18.3.1.js",
        "deps/prop-types@15.8.1.min.js",
        "deps/prop-types@15.8.1.js",
        "dash-renderer/build/dash_renderer.min.js",
        "dash-renderer/build/dash_renderer.dev.js",
        "dash-renderer/build/dash-ws-worker.js",
        "dcc/dash_core_components.js",
        "dcc/dash_core_components-shared.js",
        "dcc/proptypes.js",
        "html/dash_html_components.min.js",
        "dash_table/bundle.js",
    ]
    .into_iter()
    .map(|path| ("dash", path.to_owned()))
    .collect();
    files.extend(DCC_CHUNKS.map(|name| ("dash", format!("dcc/async-{name}.js"))));
    files.extend(TABLE_CHUNKS.map(|name| ("dash", format!("dash_table/async-{name}.js"))));
    files.push(("plotly", "package_data/plotly.min.js".to_owned()));
    files
}

/// Source maps that Dash registers and the npm packages ship (protocol §3.4).
fn shipped_maps() -> Vec<String> {
    let mut maps: Vec<String> = [
        "dcc/dash_core_components.js.map",
        "dcc/dash_core_components-shared.js.map",
        "html/dash_html_components.min.js.map",
        "dash_table/bundle.js.map",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    maps.extend(
        DCC_CHUNKS
            .iter()
            .filter(|name| **name != "mathjax")
            .map(|name| format!("dcc/async-{name}.js.map")),
    );
    maps.extend(TABLE_CHUNKS.map(|name| format!("dash_table/async-{name}.js.map")));
    maps
}

#[test]
fn every_page_file_is_embedded() {
    for (package, path) in page_files() {
        let file = lookup(package, &path).unwrap_or_else(|| panic!("{package}/{path} missing"));
        assert_eq!(file.path, path);
        assert!(!file.raw.is_empty(), "{path} is empty");
        assert_eq!(
            file.content_type, "text/javascript; charset=utf-8",
            "{path}"
        );
    }
}

#[test]
fn shipped_maps_are_embedded() {
    for path in shipped_maps() {
        let file = lookup("dash", &path).unwrap_or_else(|| panic!("{path} missing"));
        assert_eq!(file.content_type, "application/json", "{path}");
        assert_eq!(file.raw.first(), Some(&b'{'), "{path} is not JSON");
    }
}

#[test]
fn table_is_exactly_the_protocol_set() {
    let expected: BTreeSet<(&str, String)> = page_files()
        .into_iter()
        .chain(shipped_maps().into_iter().map(|path| ("dash", path)))
        .collect();
    let actual: BTreeSet<(&str, String)> = files()
        .filter(|(package, _)| matches!(*package, "dash" | "plotly"))
        .map(|(package, file)| (package, file.path.to_owned()))
        .collect();
    assert_eq!(actual, expected);
}

/// Every other file belongs to a compiled-in component package, each of
/// whose page files is there; without the features there are none.
#[test]
fn component_packages_are_complete() {
    let namespaces: Vec<&str> = crate::packages().iter().map(|p| p.namespace).collect();
    for (package, file) in files() {
        if !matches!(package, "dash" | "plotly") {
            assert!(namespaces.contains(&package), "{package}/{}", file.path);
        }
    }
    let mut expected = Vec::new();
    if cfg!(feature = "ag-grid") {
        expected.push("dash_ag_grid");
    }
    if cfg!(feature = "bootstrap") {
        expected.push("dash_bootstrap_components");
    }
    if cfg!(feature = "mantine") {
        expected.push("dash_mantine_components");
    }
    assert_eq!(namespaces, expected);
    for package in crate::packages() {
        assert!(!package.scripts.is_empty(), "{}", package.namespace);
        for path in package.scripts.iter().chain(package.stylesheets) {
            let file = lookup(package.namespace, path)
                .unwrap_or_else(|| panic!("{}/{path} missing", package.namespace));
            assert!(file.brotli.is_some(), "{path} is served compressed");
        }
    }
    if cfg!(feature = "bootstrap") {
        let bootstrap = crate::packages()
            .iter()
            .find(|p| p.namespace == "dash_bootstrap_components")
            .unwrap();
        assert_eq!(bootstrap.stylesheets, ["css/bootstrap.min.css"]);
    }
}

#[test]
fn discovered_chunks_match_protocol() {
    let chunks = |prefix: &str| -> BTreeSet<String> {
        files()
            .filter_map(|(_, file)| file.path.strip_prefix(prefix))
            .filter_map(|rest| rest.strip_suffix(".js"))
            .filter_map(|rest| rest.strip_prefix("async-"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(chunks("dcc/"), DCC_CHUNKS.map(str::to_owned).into());
    assert_eq!(
        chunks("dash_table/"),
        TABLE_CHUNKS.map(str::to_owned).into()
    );
}

#[test]
fn bundles_ask_for_the_embedded_chunks() {
    // The webpack runtimes name their chunks in the bundle; each name must resolve.
    for (bundle, folder, chunks) in [
        ("dcc/dash_core_components.js", "dcc", &DCC_CHUNKS[..]),
        ("dash_table/bundle.js", "dash_table", &TABLE_CHUNKS[..]),
    ] {
        let code = lookup("dash", bundle).unwrap().raw;
        for chunk in chunks {
            let needle = format!("\"async-{chunk}\"");
            assert!(
                code.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{bundle} does not mention {needle}"
            );
            assert!(lookup("dash", &format!("{folder}/async-{chunk}.js")).is_some());
        }
    }
}

#[test]
fn not_registered_or_not_shipped_is_none() {
    for (package, path) in [
        ("dash", "dcc/async-nothing.js"),
        ("dash", "dcc/async-mathjax.js.map"),
        ("dash", "dash-renderer/build/dash_renderer.min.js.map"),
        ("dash", "dash-renderer/build/dash_renderer.dev.js.map"),
        ("dash", "deps/react@16.14.0.min.js"),
        ("dash", "dcc/dash_core_components.v4_4_1m1700000000.js"),
        ("dash", "package_data/plotly.min.js"),
        ("plotly", "dcc/dash_core_components.js"),
        ("dash_table", "bundle.js"),
        ("", "_favicon.ico"),
        ("dash", "_favicon.ico"),
        ("dash", ""),
        ("dash", "/dcc/dash_core_components.js"),
        ("dash", "dcc/../dcc/dash_core_components.js"),
    ] {
        assert!(lookup(package, path).is_none(), "{package}/{path}");
    }
}

#[test]
fn fingerprinted_requests_resolve() {
    for (package, file) in files() {
        let version = fingerprint_version(package, file.path).unwrap();
        let url_path = fingerprint(file.path, version, file.fingerprint);
        let (path, fingerprinted) = strip_fingerprint(&url_path);
        assert!(fingerprinted, "{url_path}");
        assert!(std::ptr::eq(lookup(package, &path).unwrap(), file));
    }
    // The page's React URL from the protocol's example, and a chunk with dcc's own
    // baked fingerprint.
    for url_path in [
        "deps/react@18.v4_4_1m1700000000.3.1.min.js",
        "dcc/async-graph.v4_4_1m1784647828.js",
    ] {
        let (path, fingerprinted) = strip_fingerprint(url_path);
        assert!(fingerprinted);
        assert!(lookup("dash", &path).is_some(), "{url_path}");
    }
}

#[test]
fn etags_and_fingerprints_come_from_sha256() {
    for (_, file) in files().chain(std::iter::once(("", favicon()))) {
        let digest = Sha256::digest(file.raw);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(file.etag, format!("\"{}\"", &hex[..32]), "{}", file.path);
        assert_eq!(file.fingerprint, &hex[..8], "{}", file.path);
    }
}

#[test]
fn compressed_variants_decompress_to_raw() {
    for (_, file) in files().chain(std::iter::once(("", favicon()))) {
        if let Some(gzip) = file.gzip {
            assert!(gzip.len() < file.raw.len(), "{}", file.path);
            let mut out = Vec::with_capacity(file.raw.len());
            flate2::read::GzDecoder::new(gzip)
                .read_to_end(&mut out)
                .unwrap();
            assert!(out == file.raw, "gzip of {} differs", file.path);
        }
        if let Some(brotli) = file.brotli {
            assert!(brotli.len() < file.raw.len(), "{}", file.path);
            let mut out = Vec::with_capacity(file.raw.len());
            brotli::Decompressor::new(brotli, 64 * 1024)
                .read_to_end(&mut out)
                .unwrap();
            assert!(out == file.raw, "brotli of {} differs", file.path);
        }
    }
}

#[test]
fn script_files_are_compressed() {
    for (_, file) in files() {
        assert!(file.gzip.is_some(), "{} has no gzip", file.path);
        assert!(file.brotli.is_some(), "{} has no brotli", file.path);
    }
}

#[test]
fn favicon_is_an_ico() {
    let icon = favicon();
    assert_eq!(icon.path, "_favicon.ico");
    assert_eq!(icon.content_type, "image/x-icon");
    // ICONDIR: reserved 0, type 1 (icon), 1 image; entry: 32×32, 32 bits per pixel.
    assert_eq!(&icon.raw[..6], &[0, 0, 1, 0, 1, 0]);
    assert_eq!(&icon.raw[6..8], &[32, 32]);
    assert_eq!(&icon.raw[12..14], &[32, 0]);
    let size = u32::from_le_bytes(icon.raw[14..18].try_into().unwrap());
    let offset = u32::from_le_bytes(icon.raw[18..22].try_into().unwrap());
    assert_eq!((offset + size) as usize, icon.raw.len());
    // BITMAPINFOHEADER: 40 bytes, 32 wide, 64 high (colours and mask).
    assert_eq!(&icon.raw[22..26], &40_u32.to_le_bytes());
    assert_eq!(&icon.raw[26..30], &32_u32.to_le_bytes());
    assert_eq!(&icon.raw[30..34], &64_u32.to_le_bytes());
}

#[test]
fn versions_match_frontend_package_json() {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../../frontend/package.json");
    let text = std::fs::read_to_string(manifest).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let dependencies = json["dependencies"].as_object().unwrap();
    let expected = [
        ("@babel/polyfill", crate::BABEL_POLYFILL_VERSION),
        ("dash-core-components", crate::DASH_CORE_COMPONENTS_VERSION),
        ("dash-html-components", crate::DASH_HTML_COMPONENTS_VERSION),
        ("dash-renderer", crate::RENDERER_VERSION),
        ("dash-table", crate::DASH_TABLE_VERSION),
        ("plotly.js-dist-min", crate::PLOTLY_JS_VERSION),
        ("prop-types", crate::PROP_TYPES_VERSION),
        ("react", crate::REACT_VERSION),
        ("react-dom", crate::REACT_DOM_VERSION),
        ("bootstrap", crate::BOOTSTRAP_CSS_VERSION),
    ];
    assert_eq!(dependencies.len(), expected.len());
    for (name, version) in expected {
        assert_eq!(dependencies[name].as_str(), Some(version), "{name}");
    }
}

#[test]
fn debug_shows_lengths_not_bytes() {
    let shown = format!(
        "{:?}",
        lookup("plotly", "package_data/plotly.min.js").unwrap()
    );
    assert!(shown.contains("raw_len"), "{shown}");
    assert!(shown.len() < 400, "{shown}");
}
