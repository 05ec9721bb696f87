//! Security headers on every response: Content-Security-Policy (with
//! `frame-ancestors`), X-Content-Type-Options, Referrer-Policy and, for
//! same-origin framing, X-Frame-Options.

use std::sync::Arc;

use axum::response::Response;
use base64::Engine as _;
use ferrodash_core::BuildError;
use http::{HeaderName, HeaderValue, header};
use sha2::{Digest, Sha256};

/// The security headers an app sends, set with
/// [`AppBuilder::frame_ancestors`](crate::AppBuilder::frame_ancestors) and
/// [`AppBuilder::content_security_policy`](crate::AppBuilder::content_security_policy).
///
/// The default Content-Security-Policy lets the page load scripts, styles,
/// fonts and images from its own origin only (plus the app's
/// `external_scripts` and `external_stylesheets`), runs only the inline
/// scripts ferrodash itself writes (by their SHA-256 hashes: the renderer's
/// start and inline clientside callbacks), sends requests only to its own
/// origin, and may be framed only by its own origin.
///
/// plotly.js compiles its WebGL shaders at run time, so `script-src`
/// allows `'unsafe-eval'`; React sets `style` attributes, so `style-src`
/// allows `'unsafe-inline'`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecurityConfig {
    /// Who may show the app in a frame: CSP `frame-ancestors` sources, like
    /// `'self'` or `https://portal.example.com` (default: `'self'` only).
    pub frame_ancestors: Vec<String>,
    /// A whole Content-Security-Policy of the app's own, replacing the
    /// default (needed for a custom index template with inline scripts).
    pub content_security_policy: Option<String>,
    /// The Referrer-Policy (default `strict-origin-when-cross-origin`).
    pub referrer_policy: String,
    /// The Strict-Transport-Security value sent when the app is served over
    /// HTTPS (in production mode, or with secure cookies): browsers then
    /// never reach it over plain HTTP (default `max-age=31536000`, a year;
    /// `None` leaves it to the proxy in front).
    pub strict_transport_security: Option<String>,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            frame_ancestors: vec!["'self'".to_owned()],
            content_security_policy: None,
            referrer_policy: "strict-origin-when-cross-origin".to_owned(),
            strict_transport_security: Some("max-age=31536000".to_owned()),
        }
    }
}

/// The `'sha256-…'` source of an inline script.
pub(crate) fn script_hash(source: &str) -> String {
    let digest = Sha256::digest(source.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The origin (`scheme://host[:port]`) of an absolute URL, for CSP sources.
fn origin(url: &str) -> Option<&str> {
    let rest_at = url.find("://")? + 3;
    let end = url[rest_at..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| rest_at + i);
    Some(&url[..end])
}

/// Whether `source` can stand in a CSP source list: no separators, quotes
/// only around keywords, no control characters.
fn valid_source(source: &str) -> bool {
    !source.is_empty()
        && source
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b';' && b != b',')
}

/// The headers every response carries; problems with the settings are
/// reported with the app's other build errors.
pub(crate) fn headers(
    config: &SecurityConfig,
    https: bool,
    inline_scripts: &[&str],
    external_scripts: &[String],
    external_stylesheets: &[String],
    errors: &mut Vec<BuildError>,
) -> SecurityHeaders {
    for source in &config.frame_ancestors {
        if !valid_source(source) {
            errors.push(BuildError::InvalidSetting {
                setting: "frame_ancestors",
                problem: format!("{source:?} is not a CSP source (like 'self' or https://host)"),
            });
        }
    }
    if config.frame_ancestors.is_empty() {
        errors.push(BuildError::InvalidSetting {
            setting: "frame_ancestors",
            problem: "give at least one source; use 'none' to forbid every frame".to_owned(),
        });
    }
    let policy = config.content_security_policy.clone().unwrap_or_else(|| {
        let mut scripts = vec!["'self'".to_owned(), "'unsafe-eval'".to_owned()];
        scripts.extend(inline_scripts.iter().map(|s| script_hash(s)));
        scripts.extend(
            external_scripts
                .iter()
                .filter_map(|u| origin(u))
                .map(str::to_owned),
        );
        let mut styles = vec!["'self'".to_owned(), "'unsafe-inline'".to_owned()];
        styles.extend(
            external_stylesheets
                .iter()
                .filter_map(|u| origin(u))
                .map(str::to_owned),
        );
        scripts.dedup();
        styles.dedup();
        format!(
            "default-src 'self'; script-src {}; style-src {}; img-src 'self' data: blob:; \
             font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors {}",
            scripts.join(" "),
            styles.join(" "),
            config.frame_ancestors.join(" "),
        )
    });
    let mut list = Vec::new();
    let mut push =
        |name: HeaderName, value: &str, setting: &'static str| match HeaderValue::from_str(value) {
            Ok(value) => list.push((name, value)),
            Err(_) => errors.push(BuildError::InvalidSetting {
                setting,
                problem: format!("{value:?} is not a valid header value"),
            }),
        };
    push(
        header::CONTENT_SECURITY_POLICY,
        &policy,
        "content_security_policy",
    );
    push(header::X_CONTENT_TYPE_OPTIONS, "nosniff", "nosniff");
    push(
        header::REFERRER_POLICY,
        &config.referrer_policy,
        "referrer_policy",
    );
    if https && let Some(value) = &config.strict_transport_security {
        push(
            header::STRICT_TRANSPORT_SECURITY,
            value,
            "strict_transport_security",
        );
    }
    // For browsers without CSP frame-ancestors; it cannot name other sites.
    if config.frame_ancestors == ["'self'"] && config.content_security_policy.is_none() {
        push(header::X_FRAME_OPTIONS, "SAMEORIGIN", "frame_ancestors");
    }
    SecurityHeaders(Arc::from(list))
}

/// The headers set on every response, built once with the app.
#[derive(Debug, Clone)]
pub(crate) struct SecurityHeaders(Arc<[(HeaderName, HeaderValue)]>);

impl SecurityHeaders {
    /// Sets the headers on a response, unless a handler set its own value
    /// of one.
    pub(crate) fn apply(&self, response: &mut Response) {
        let headers = response.headers_mut();
        for (name, value) in self.0.iter() {
            if !headers.contains_key(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
    }
}

/// Whether `origin` (a browser's `Origin` header) may call the app: listed
/// in `allowed` exactly, or the app's own (its host and port are the
/// request's `Host`).
pub(crate) fn origin_allowed(origin: &str, headers: &http::HeaderMap, allowed: &[String]) -> bool {
    let host = headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok());
    allowed.iter().any(|a| a == origin)
        || origin
            .split_once("://")
            .map(|(_, rest)| rest.trim_end_matches('/'))
            .zip(host)
            .is_some_and(|(netloc, host)| netloc.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::{SecurityConfig, headers, origin, script_hash};

    #[test]
    fn hashes_are_csp_sources() {
        // SHA-256 of the empty string, base64.
        assert_eq!(
            script_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }

    #[test]
    fn origins_of_urls() {
        assert_eq!(
            origin("https://cdn.example.com/a/b.js?x"),
            Some("https://cdn.example.com")
        );
        assert_eq!(origin("http://h:8080"), Some("http://h:8080"));
        assert_eq!(origin("/local.js"), None);
    }

    #[test]
    fn bad_sources_are_build_errors() {
        let mut errors = Vec::new();
        let config = SecurityConfig {
            frame_ancestors: vec!["https://ok.example".into(), "x; script-src *".into()],
            ..SecurityConfig::default()
        };
        let _ = headers(&config, false, &[], &[], &[], &mut errors);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].to_string().contains("frame_ancestors"));
    }
}
