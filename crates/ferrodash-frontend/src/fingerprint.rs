//! Dash's cache-busting fingerprints in component-suite file names (protocol §3.2).
//!
//! Dash serves `dcc/dash_core_components.js` as
//! `dcc/dash_core_components.v4_4_1m1700000000.js`: the package version and a number
//! inserted after the first dot of the file name. ferrodash puts a content hash where
//! Dash puts the file's mtime; the shape is the same, so Dash's own bundles and our
//! URLs go through the same parser.

use std::borrow::Cow;

use crate::versions::{DASH_TABLE_VERSION, DASH_VERSION, PLOTLY_PY_VERSION};

/// Removes a Dash fingerprint from the last segment of a component-suite path.
///
/// The last segment is split on `.`; when there are more than two parts and the
/// second matches `^v[\w-]+m[0-9a-fA-F]+$`, that part is dropped. Any well-formed
/// fingerprint is accepted, not only ours: the dcc and dash_table bundles ask for
/// their lazy chunks with a fingerprint baked in at their build (such as
/// `async-graph.v4_4_1m1784647828.js`).
///
/// Returns the path without fingerprint (borrowed when nothing was removed) and whether
/// a fingerprint was found, which decides the caching headers (protocol §3.3).
///
/// ```
/// use ferrodash_frontend::strip_fingerprint;
///
/// let (path, fingerprinted) = strip_fingerprint("deps/react@18.v4_4_1m1a2b3c4d.3.1.min.js");
/// assert_eq!((&*path, fingerprinted), ("deps/react@18.3.1.min.js", true));
///
/// let (path, fingerprinted) = strip_fingerprint("package_data/plotly.min.js");
/// assert_eq!((&*path, fingerprinted), ("package_data/plotly.min.js", false));
/// ```
#[must_use]
pub fn strip_fingerprint(path: &str) -> (Cow<'_, str>, bool) {
    let name_start = path.rfind('/').map_or(0, |slash| slash + 1);
    let name = &path[name_start..];
    let mut parts = name.split('.');
    let stem = parts.next().unwrap_or_default();
    let (Some(token), Some(_)) = (parts.next(), parts.next()) else {
        return (Cow::Borrowed(path), false);
    };
    if !is_fingerprint_token(token) {
        return (Cow::Borrowed(path), false);
    }
    // Cut ".<token>" out: it starts at the first dot of the file name.
    let cut_start = name_start + stem.len();
    let cut_end = cut_start + 1 + token.len();
    let mut stripped = String::with_capacity(path.len() - (cut_end - cut_start));
    stripped.push_str(&path[..cut_start]);
    stripped.push_str(&path[cut_end..]);
    (Cow::Owned(stripped), true)
}

/// Whether `part` matches `^v[\w-]+m[0-9a-fA-F]+$` (`\w` as in Python 3: Unicode
/// letters and digits, and `_`).
fn is_fingerprint_token(part: &str) -> bool {
    let Some(rest) = part.strip_prefix('v') else {
        return false;
    };
    if !rest
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return false;
    }
    // Hex digits never include `m`, so only the last `m` can start the hex tail.
    let Some(m) = rest.rfind('m') else {
        return false;
    };
    let hex = &rest[m + 1..];
    m > 0 && !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Inserts a Dash fingerprint into `path` (protocol §3.2).
///
/// The file name is split at its **first** dot into stem and rest, giving
/// `stem.v<version>m<token>.rest`, where every character of `version` outside
/// `[A-Za-z0-9_-]` becomes `_`. The first dot may sit inside a version number:
/// `deps/react@18.3.1.min.js` becomes `deps/react@18.v4_4_1m<token>.3.1.min.js`.
///
/// `token` should be hex (such as [`StaticFile::fingerprint`](crate::StaticFile)) so
/// that [`strip_fingerprint`] recognises the result. A file name without a dot cannot
/// carry a fingerprint and is returned unchanged.
///
/// ```
/// use ferrodash_frontend::fingerprint;
///
/// assert_eq!(
///     fingerprint("dcc/dash_core_components.js", "4.4.1", "1a2b3c4d"),
///     "dcc/dash_core_components.v4_4_1m1a2b3c4d.js",
/// );
/// ```
#[must_use]
pub fn fingerprint(path: &str, version: &str, token: &str) -> String {
    let name_start = path.rfind('/').map_or(0, |slash| slash + 1);
    let Some((stem, rest)) = path[name_start..].split_once('.') else {
        return path.to_owned();
    };
    let version: String = version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}{stem}.v{version}m{token}.{rest}", &path[..name_start])
}

/// The version Dash writes into the fingerprint of a suite file.
///
/// [`DASH_VERSION`] for everything in package `dash` except `dash_table/…`, which uses
/// [`DASH_TABLE_VERSION`]; [`PLOTLY_PY_VERSION`] for package `plotly` (used only when
/// plotly.js is loaded eagerly; normally it is requested without fingerprint);
/// a compiled-in component package's own version for its namespace
/// ([`crate::packages`]). `None` for other packages.
///
/// ```
/// use ferrodash_frontend::fingerprint_version;
///
/// assert_eq!(fingerprint_version("dash", "dash_table/bundle.js"), Some("7.4.1"));
/// assert_eq!(fingerprint_version("dash", "dcc/dash_core_components.js"), Some("4.4.1"));
/// ```
#[must_use]
pub fn fingerprint_version(package: &str, path: &str) -> Option<&'static str> {
    match package {
        "dash" if path.starts_with("dash_table/") => Some(DASH_TABLE_VERSION),
        "dash" => Some(DASH_VERSION),
        "plotly" => Some(PLOTLY_PY_VERSION),
        other => crate::packages()
            .iter()
            .find(|p| p.namespace == other)
            .map(|p| p.version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(path: &str) -> (String, bool) {
        let (stripped, fingerprinted) = strip_fingerprint(path);
        (stripped.into_owned(), fingerprinted)
    }

    #[test]
    fn strips_dash_fingerprints() {
        assert_eq!(
            strip("dcc/dash_core_components.v4_4_1m1700000000.js"),
            ("dcc/dash_core_components.js".to_owned(), true)
        );
        assert_eq!(
            strip("dash-renderer/build/dash_renderer.v4_4_1m1700000000.min.js"),
            ("dash-renderer/build/dash_renderer.min.js".to_owned(), true)
        );
        assert_eq!(
            strip("dash_table/bundle.v7_4_1m0123abcd.js"),
            ("dash_table/bundle.js".to_owned(), true)
        );
    }

    #[test]
    fn strips_fingerprint_inside_version_number() {
        assert_eq!(
            strip("deps/react@18.v4_4_1m1700000000.3.1.min.js"),
            ("deps/react@18.3.1.min.js".to_owned(), true)
        );
        assert_eq!(
            strip("deps/polyfill@7.v4_4_1mdeadBEEF.12.1.min.js"),
            ("deps/polyfill@7.12.1.min.js".to_owned(), true)
        );
    }

    #[test]
    fn strips_foreign_fingerprint_of_lazy_chunk() {
        // The dcc bundle asks for its chunks with its own build-time fingerprint.
        assert_eq!(
            strip("dcc/async-graph.v4_4_1m1784647828.js"),
            ("dcc/async-graph.js".to_owned(), true)
        );
        assert_eq!(
            strip("dash_table/async-table.v7_4_1m1784660081.js"),
            ("dash_table/async-table.js".to_owned(), true)
        );
    }

    #[test]
    fn leaves_plain_names_alone() {
        for path in [
            "deps/react@18.3.1.min.js",
            "deps/prop-types@15.8.1.js",
            "a.b.c.d.e.f.js",
            "package_data/plotly.min.js",
            "dcc/async-graph.js",
            "dcc/dash_core_components.js.map",
            "some.dir.v1m1/file.js",
            "favicon.ico",
            "noextension",
            "",
            "/",
        ] {
            let (stripped, fingerprinted) = strip_fingerprint(path);
            assert!(!fingerprinted, "{path}");
            assert!(matches!(stripped, Cow::Borrowed(p) if p == path), "{path}");
        }
    }

    #[test]
    fn needs_more_than_two_parts() {
        assert_eq!(strip("bundle.v1m1"), ("bundle.v1m1".to_owned(), false));
        assert_eq!(strip("x/v1m1.js"), ("x/v1m1.js".to_owned(), false));
    }

    #[test]
    fn checks_token_shape_only() {
        let stripped = |token: &str| strip_fingerprint(&format!("a.{token}.js")).1;
        for token in [
            "v1m0",
            "vXm1",
            "v4_4_1mABCdef",
            "v1-2m0f",
            "vmm1",
            "v0a-b_cm9",
            "vémf",
        ] {
            assert!(stripped(token), "{token} should count as a fingerprint");
        }
        for token in [
            "v1m", "vm1", "m1", "v", "x4_4_1m1", "v4.4m1", "v1m1g", "v1 m1", "v1/m1",
        ] {
            assert!(
                !stripped(token),
                "{token} should not count as a fingerprint"
            );
        }
    }

    #[test]
    fn builds_fingerprints_at_first_dot() {
        assert_eq!(
            fingerprint("deps/react@18.3.1.min.js", "4.4.1", "1a2b3c4d"),
            "deps/react@18.v4_4_1m1a2b3c4d.3.1.min.js"
        );
        assert_eq!(
            fingerprint("dcc/dash_core_components-shared.js", "4.4.1", "ff"),
            "dcc/dash_core_components-shared.v4_4_1mff.js"
        );
        assert_eq!(
            fingerprint("bundle.js", "7.4.1", "00"),
            "bundle.v7_4_1m00.js"
        );
        assert_eq!(
            fingerprint("a.b/c.d", "1.0.0+local~x", "1"),
            "a.b/c.v1_0_0_local_xm1.d"
        );
        assert_eq!(fingerprint("dir.x/noext", "4.4.1", "1"), "dir.x/noext");
    }

    #[test]
    fn fingerprint_round_trips() {
        for path in [
            "deps/react@18.3.1.min.js",
            "dcc/async-graph.js",
            "dcc/dash_core_components.js.map",
            "dash-renderer/build/dash-ws-worker.js",
            "package_data/plotly.min.js",
        ] {
            let built = fingerprint(path, "4.4.1", "0badc0de");
            assert_ne!(built, path);
            assert_eq!(strip(&built), (path.to_owned(), true), "{built}");
        }
    }

    #[test]
    fn fingerprint_versions() {
        assert_eq!(
            fingerprint_version("dash", "deps/react@18.3.1.min.js"),
            Some("4.4.1")
        );
        assert_eq!(
            fingerprint_version("dash", "dash-renderer/build/dash_renderer.min.js"),
            Some("4.4.1")
        );
        assert_eq!(
            fingerprint_version("dash", "html/dash_html_components.min.js"),
            Some("4.4.1")
        );
        assert_eq!(
            fingerprint_version("dash", "dash_table/async-table.js"),
            Some("7.4.1")
        );
        assert_eq!(
            fingerprint_version("plotly", "package_data/plotly.min.js"),
            Some("7.1.0")
        );
        assert_eq!(fingerprint_version("dash_table", "bundle.js"), None);
    }
}
