//! Percent-decoding of URL parts.

/// `%xx` sequences decoded as bytes, the result read as UTF-8; `None` when
/// a `%` is not followed by two hex digits or the bytes are not UTF-8.
/// `+` stays `+` (this is for paths, not form bodies).
///
/// ```
/// assert_eq!(ferrodash_core::percent_decode("a%20b%2Fc").as_deref(), Some("a b/c"));
/// assert_eq!(ferrodash_core::percent_decode("%zz"), None);
/// ```
#[must_use]
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
