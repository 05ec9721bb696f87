//! `ferrodash_auth::safe_next`: where a login may send the user afterwards,
//! from the untrusted `next` parameter. The input is `next` (UTF-8), tried
//! with the prefixes `/`, `/app/`, `/a/b/` and `app/` (no leading slash: the
//! fallback is then `/`).
//!
//! Invariant (what the function promises): the answer is `next` unchanged
//! or the fallback; it starts with the prefix (or is the prefix without its
//! trailing slash); it starts with one `/`, never `//` or `/\`, and holds no
//! backslash, control character or whitespace; no percent-decoded form of
//! its path (decoded whole, as a browser reads an encoded `?` or `#` in a
//! path) starts with `//` or `/\`, holds a scheme, a dot segment, a
//! backslash, a control character or whitespace; and a
//! browser resolving it against the site (the WHATWG URL parser) stays on
//! the site's host, under the prefix.
#![no_main]

use ferrodash_auth::safe_next;
use ferrodash_core::percent_decode;
use libfuzzer_sys::fuzz_target;
use url::Url;

const PREFIXES: [&str; 4] = ["/", "/app/", "/a/b/", "app/"];

fuzz_target!(|data: &[u8]| {
    let Ok(next) = std::str::from_utf8(data) else {
        return;
    };
    for prefix in PREFIXES {
        check(next, prefix);
    }
});

fn check(next: &str, prefix: &str) {
    let fallback = if prefix.starts_with('/') { prefix } else { "/" };
    assert_eq!(safe_next(None, prefix), fallback);
    let to = safe_next(Some(next), prefix);
    let why = || format!("next {next:?} with prefix {prefix:?} gave {to:?}");
    assert!(to == next || to == fallback, "{}", why());
    assert!(
        to.starts_with(fallback) || format!("{to}/") == fallback,
        "{}",
        why()
    );
    assert!(to.starts_with('/'), "{}", why());
    assert!(!to.starts_with("//") && !to.starts_with("/\\"), "{}", why());
    assert!(
        !to.chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace()),
        "{}",
        why()
    );

    // Every decoded form of the path (as sent: up to the first raw `?` or
    // `#`, decoded whole, since a browser keeps an encoded `?` or `#` in the
    // path) is a plain path on this site.
    let mut current = to.split(['?', '#']).next().unwrap_or_default().to_owned();
    for _ in 0..8 {
        let Some(decoded) = percent_decode(&current) else {
            break;
        };
        assert!(
            decoded.starts_with('/') && !decoded.starts_with("//") && !decoded.starts_with("/\\"),
            "{}: decodes to {decoded:?}",
            why()
        );
        assert!(
            !decoded.split('/').next().unwrap_or_default().contains(':'),
            "{}: decodes to a scheme",
            why()
        );
        assert!(
            !decoded
                .split('/')
                .any(|segment| segment == "." || segment == ".."),
            "{}: decodes to a dot segment",
            why()
        );
        assert!(
            !decoded
                .chars()
                .any(|c| c == '\\' || c.is_control() || c.is_whitespace()),
            "{}: decodes to {decoded:?}",
            why()
        );
        if decoded == current {
            break;
        }
        current = decoded;
    }

    // What a browser makes of it, from a page of the app.
    let base = Url::parse("https://good.example/app/page?x=1").expect("a base URL");
    let resolved = base
        .join(&to)
        .unwrap_or_else(|e| panic!("{}: not a URL reference ({e})", why()));
    assert_eq!(resolved.scheme(), "https", "{}", why());
    assert_eq!(resolved.host_str(), Some("good.example"), "{}", why());
    assert_eq!(resolved.port(), None, "{}", why());
    assert!(
        resolved.username().is_empty() && resolved.password().is_none(),
        "{}",
        why()
    );
    let resolved_path = resolved.path();
    assert!(
        resolved_path.starts_with(fallback) || format!("{resolved_path}/") == fallback,
        "{}: a browser goes to {resolved}",
        why()
    );
}
