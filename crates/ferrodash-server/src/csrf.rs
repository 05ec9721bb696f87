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
/// Its name over HTTPS: the `__Host-` prefix makes the browser keep it for
/// this host and path `/` alone, so no other site of the domain can plant a
/// token of its choosing (which would defeat the double submit).
const SECURE_COOKIE: &str = "__Host-_csrf_token";

/// The token cookie's name: with the `__Host-` prefix when cookies are
/// `Secure`.
pub(crate) const fn cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_COOKIE } else { COOKIE }
}
/// The header it sends (`csrf_header_name`).
pub(crate) const HEADER: &str = "x-csrftoken";
/// Characters in a token.
const TOKEN_LEN: usize = 43;

fn well_formed(token: &str) -> bool {
    token.len() == TOKEN_LEN && token.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The values of every token cookie the request carries.
fn cookie_tokens(headers: &HeaderMap, secure: bool) -> impl Iterator<Item = &str> {
    crate::cookies::values(headers, cookie_name(secure))
}

/// The request's well-formed token cookie, if it has one.
pub(crate) fn current_token(headers: &HeaderMap, secure: bool) -> Option<&str> {
    cookie_tokens(headers, secure).find(|t| well_formed(t))
}

/// Whether the request carries a well-formed token cookie already.
pub(crate) fn has_token(headers: &HeaderMap, secure: bool) -> bool {
    cookie_tokens(headers, secure).any(well_formed)
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
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={token}; Path=/; SameSite=Strict{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static("_csrf_token=; Path=/"))
}

/// Why a request failed the check, if it did.
pub(crate) fn problem(headers: &HeaderMap, secure: bool) -> Option<&'static str> {
    let Some(sent) = headers.get(HEADER).and_then(|v| v.to_str().ok()) else {
        return Some("the X-CSRFToken header is missing: load the app's page first");
    };
    if !well_formed(sent) {
        return Some("the X-CSRFToken header is not a token");
    }
    (!matches_cookie(headers, sent, secure))
        .then_some("the X-CSRFToken header does not match the _csrf_token cookie")
}

/// Whether `sent` equals one of the request's token cookies, compared in
/// constant time.
pub(crate) fn matches_cookie(headers: &HeaderMap, sent: &str, secure: bool) -> bool {
    well_formed(sent)
        && cookie_tokens(headers, secure).any(|cookie| {
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
pub(crate) fn form_is_same_site(headers: &HeaderMap, field: Option<&str>, secure: bool) -> bool {
    field.is_some_and(|sent| matches_cookie(headers, sent, secure))
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
        assert_eq!(problem(&request(Some(&pair), Some(&token)), false), None);
        assert_eq!(
            problem(
                &request(Some(&format!("a=b; {pair}; c=d")), Some(&token)),
                false
            ),
            None
        );
        assert!(problem(&request(Some(&pair), None), false).is_some());
        assert!(problem(&request(None, Some(&token)), false).is_some());
        let other = "x".repeat(43);
        assert!(problem(&request(Some(&pair), Some(&other)), false).is_some());
        assert!(problem(&request(Some("_csrf_token=short"), Some("short")), false).is_some());
        assert!(cookie.to_str().unwrap().contains("SameSite=Strict"));
    }

    #[test]
    fn over_https_the_cookie_has_the_host_prefix_and_only_it_counts() {
        let cookie = new_cookie(true);
        let text = cookie.to_str().unwrap();
        assert!(text.starts_with("__Host-_csrf_token="), "{text}");
        assert!(
            text.contains("Path=/") && text.ends_with("; Secure"),
            "{text}"
        );
        let token = text.split(';').next().unwrap().split_once('=').unwrap().1;
        let planted = format!("_csrf_token={token}");
        assert!(problem(&request(Some(&planted), Some(token)), true).is_some());
        let own = format!("__Host-_csrf_token={token}");
        assert_eq!(problem(&request(Some(&own), Some(token)), true), None);
    }
}
