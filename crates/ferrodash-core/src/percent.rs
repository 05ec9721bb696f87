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
    let mut rest = text.as_bytes();
    let mut out = Vec::with_capacity(rest.len());
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let (hex, tail) = tail.split_at_checked(2)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            rest = tail;
        } else {
            out.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(out).ok()
}
