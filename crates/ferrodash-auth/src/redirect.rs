//! Where a login may send the user afterwards: the `next` parameter is
//! untrusted, and an open redirect (`/login?next=//evil.example`) turns a
//! trusted login page into a phishing tool.

use ferrodash_core::percent_decode;

/// The path to go to after login: `next` when it is a path on this site
/// under `prefix`, else `prefix` itself.
///
/// `next` is accepted only when, after percent-decoding (repeatedly, so
/// double-encoded tricks are decoded too), it starts with `prefix` (which
/// starts with `/`), its second character is not `/` or `\` (`//host` and
/// `/\host` are other sites to a browser), and it holds no backslash, no
/// control character, no whitespace and no scheme. What comes back is the
/// original text, so a legitimate query string keeps its encoding.
///
/// ```
/// use ferrodash_auth::safe_next;
///
/// assert_eq!(safe_next(Some("/reports/7?tab=costs"), "/"), "/reports/7?tab=costs");
/// assert_eq!(safe_next(Some("//evil.example"), "/"), "/");
/// assert_eq!(safe_next(Some("https://evil.example/"), "/app/"), "/app/");
/// assert_eq!(safe_next(Some("/other-app/"), "/app/"), "/app/");
/// ```
#[must_use]
pub fn safe_next(next: Option<&str>, prefix: &str) -> String {
    let fallback = || {
        if prefix.starts_with('/') {
            prefix.to_owned()
        } else {
            "/".to_owned()
        }
    };
    let Some(next) = next else {
        return fallback();
    };
    if next.len() > 2_048 || !acceptable(next, prefix) {
        return fallback();
    }
    // Decoding may reveal what the raw text hides (`%2F%2Fevil`, `%2e%2e`):
    // every decoded form of the path must pass too. Only the path as sent
    // is decoded, whole: a browser keeps an encoded `?` or `#` inside the
    // path, so what follows one is still path (and its `%2e%2e` a dot
    // segment), not a query.
    let mut current = path_part(next).to_owned();
    for _ in 0..4 {
        let Some(decoded) = percent_decode(&current) else {
            return fallback();
        };
        if decoded == current {
            return next.to_owned();
        }
        if !acceptable_path(&decoded) {
            return fallback();
        }
        current = decoded;
    }
    // Encoded more than four times over: nobody means that.
    fallback()
}

/// Whether `next` as sent is a path on this site under `prefix`: no
/// backslash, control character or whitespace anywhere (browsers drop tabs
/// and newlines from addresses, so `/\t/evil` would become `//evil`).
fn acceptable(next: &str, prefix: &str) -> bool {
    let prefix = if prefix.starts_with('/') { prefix } else { "/" };
    !next
        .chars()
        .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
        && acceptable_path(path_part(next))
        && (next.starts_with(prefix) || format!("{next}/") == prefix)
}

/// The part before any query or fragment.
fn path_part(next: &str) -> &str {
    next.split(['?', '#']).next().unwrap_or("")
}

/// Whether a path (a decoded one, say) cannot be read as another host:
/// it starts with one `/` and holds no backslash, control character,
/// scheme or dot segment.
fn acceptable_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && !path
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
        && !has_scheme(path)
        // Dot segments could walk a path into `//host` once resolved.
        && !path.split('/').any(|segment| segment == ".." || segment == ".")
}

/// Whether the path part contains `scheme:` before any `/` — browsers
/// never read a path that starts with `/` as a scheme, but a decoded form
/// might not start with `/`; kept for defence in depth.
fn has_scheme(next: &str) -> bool {
    let head = next.split(['/', '?', '#']).next().unwrap_or("");
    head.contains(':')
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::safe_next;

    #[test]
    fn on_site_paths_are_kept() {
        for good in [
            "/",
            "/reports",
            "/reports/7?tab=costs&x=%2Fy",
            "/a/b/c#section",
            "/search?q=a%20b",
        ] {
            assert_eq!(safe_next(Some(good), "/"), good, "{good}");
        }
        assert_eq!(safe_next(Some("/app/x"), "/app/"), "/app/x");
        assert_eq!(safe_next(Some("/app"), "/app/"), "/app");
        assert_eq!(safe_next(None, "/app/"), "/app/");
    }

    /// At least 20 open-redirect variants, none of which may leave the site.
    #[test]
    fn open_redirect_variants_go_home() {
        let evil = [
            "//evil.example",
            "//evil.example/path",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "https://evil.example",
            "http://evil.example/",
            "HTTPS://evil.example",
            "//evil.example@good.example",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "%2F%2Fevil.example",
            "/%2F/evil.example",
            "/%2Fevil.example",
            "/%5Cevil.example",
            "%252F%252Fevil.example",
            "/%252F%252Fevil.example",
            "/%25252F%25252Fevil.example",
            "/\tevil.example",
            "/\n/evil.example",
            "/ /evil.example",
            " //evil.example",
            "evil.example",
            "//%65vil.example",
            "/%0d%0aLocation:%20https://evil.example",
            "/%09/evil.example",
            "/..%2F..%2F%2Fevil.example",
            "/%zz",
        ];
        assert!(evil.len() >= 20);
        for next in evil {
            let to = safe_next(Some(next), "/");
            assert_eq!(to, "/", "{next:?} led to {to:?}");
        }
        // Outside the app's prefix.
        assert_eq!(safe_next(Some("/other/"), "/app/"), "/app/");
        // Dot segments, as written or encoded (a browser resolves `%2e%2e`
        // as `..`), could walk out of the prefix.
        for walk in [
            "/app/../other/",
            "/app/%2e%2e/other/",
            "/app/%2E%2E/other/",
            "/app/.%2e/other/",
            "/app/%2e./other/",
            "/app/%252e%252e/other/",
            "/app/x/%2e%2e/%2e%2e/other/",
            "/app/%2e%2e",
            "/app/%2e/",
            "/app/%2e%2e?next=/app/",
            // An encoded `?` does not end the path for a browser (found by
            // the safe_next fuzz target).
            "/app/x/%3FF/%2e%2e/%2e%2e/%2e%2e/other",
            "/app/%23/%2e%2e/%2e%2e/other",
        ] {
            assert_eq!(safe_next(Some(walk), "/app/"), "/app/", "{walk}");
        }
        assert_eq!(safe_next(Some("/application"), "/app/"), "/app/");
    }

    proptest! {
        /// Whatever comes in, the answer is the fallback or an on-site path
        /// that no browser reads as another host.
        #[test]
        fn never_off_site(next in "\\PC{0,40}") {
            let to = safe_next(Some(&next), "/");
            prop_assert!(to.starts_with('/'));
            prop_assert!(!to.starts_with("//") && !to.starts_with("/\\"));
            prop_assert!(!to.contains('\\'));
        }
    }
}
