//! Cross-site request forgery: the double-submit check Dash's renderer is
//! built for (dash-protocol §13.2).
//!
//! The index page sets a random token in the `_csrf_token` cookie (readable
//! by the page's script, `SameSite=Strict`); the renderer sends it back in
//! the `X-CSRFToken` header of every request. A POST whose header is
//! missing or does not equal a `_csrf_token` cookie is refused with 403:
//! another site can make a browser send the cookie (not with
//! `SameSite=Strict`, and never read it), but it cannot read the cookie to
//! set the header, nor send that custom header across origins at all.

use http::{HeaderMap, HeaderValue};
use rand::distr::{Alphanumeric, SampleString};

/// The cookie the renderer reads (`csrf_token_name` in `_dash-config`).
pub(crate) const COOKIE: &str = "_csrf_token";
/// The header it sends (`csrf_header_name`).
pub(crate) const HEADER: &str = "x-csrftoken";
/// Characters in a token.
const TOKEN_LEN: usize = 43;

fn well_formed(token: &str) -> bool {
    token.len() == TOKEN_LEN && token.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The values of every `_csrf_token` cookie the request carries.
fn cookie_tokens(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    crate::cookies::values(headers, COOKIE)
}

/// The request's well-formed token cookie, if it has one.
pub(crate) fn current_token(headers: &HeaderMap) -> Option<&str> {
    cookie_tokens(headers).find(|t| well_formed(t))
}

/// Whether the request carries a well-formed token cookie already.
pub(crate) fn has_token(headers: &HeaderMap) -> bool {
    cookie_tokens(headers).any(well_formed)
}

/// A `Set-Cookie` value with a new token, for every path of the site (so
/// apps mounted side by side share it), `Secure` when asked.
pub(crate) fn new_cookie(secure: bool) -> HeaderValue {
    cookie_for(&new_token(), secure)
}

/// A new random token.
pub(crate) fn new_token() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), TOKEN_LEN)
}

/// The `Set-Cookie` value carrying `token`.
pub(crate) fn cookie_for(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("_csrf_token=; Path=/"))
}

/// Why a request failed the check, if it did.
pub(crate) fn problem(headers: &HeaderMap) -> Option<&'static str> {
    let Some(sent) = headers.get(HEADER).and_then(|v| v.to_str().ok()) else {
        return Some("the X-CSRFToken header is missing: load the app's page first");
    };
    if !well_formed(sent) {
        return Some("the X-CSRFToken header is not a token");
    }
    (!matches_cookie(headers, sent))
        .then_some("the X-CSRFToken header does not match the _csrf_token cookie")
}

/// Whether `sent` equals one of the request's token cookies, compared in
/// constant time.
pub(crate) fn matches_cookie(headers: &HeaderMap, sent: &str) -> bool {
    well_formed(sent)
        && cookie_tokens(headers).any(|cookie| {
            cookie.len() == sent.len()
                && cookie
                    .bytes()
                    .zip(sent.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        })
}

/// Whether a browser form post (login, logout) is from the app's own page:
/// its `csrf_token` field equals the token cookie, or the browser says the
/// request comes from this origin (`Sec-Fetch-Site: same-origin`, which
/// another site's page cannot make it say).
pub(crate) fn form_is_same_site(headers: &HeaderMap, field: Option<&str>) -> bool {
    field.is_some_and(|sent| matches_cookie(headers, sent))
        || headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"same-origin")
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue, header};

    use super::{new_cookie, problem};

    fn request(cookie: Option<&str>, sent: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(cookie) = cookie {
            headers.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        }
        if let Some(sent) = sent {
            headers.insert("x-csrftoken", HeaderValue::from_str(sent).unwrap());
        }
        headers
    }

    #[test]
    fn the_header_must_match_a_cookie() {
        let cookie = new_cookie(false);
        let pair = cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let token = pair.split_once('=').unwrap().1.to_owned();
        assert_eq!(problem(&request(Some(&pair), Some(&token))), None);
        assert_eq!(
            problem(&request(Some(&format!("a=b; {pair}; c=d")), Some(&token))),
            None
        );
        assert!(problem(&request(Some(&pair), None)).is_some());
        assert!(problem(&request(None, Some(&token))).is_some());
        let other = "x".repeat(43);
        assert!(problem(&request(Some(&pair), Some(&other))).is_some());
        assert!(problem(&request(Some("_csrf_token=short"), Some("short"))).is_some());
        assert!(cookie.to_str().unwrap().contains("SameSite=Strict"));
        assert!(new_cookie(true).to_str().unwrap().ends_with("; Secure"));
    }
}
