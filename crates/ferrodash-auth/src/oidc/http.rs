//! Requests to the provider: which URLs we talk to, a client with a
//! timeout and no redirects, and answers read up to a size limit.

use std::error::Error as StdError;
use std::fmt::Write as _;
use std::time::Duration;

use serde::de::DeserializeOwned;
use url::{Host, Url};

use super::config::OidcConfig;
use super::error::{OidcEndpoint, OidcError};

/// The most we read of any answer from the provider (discovery documents,
/// key sets and token responses are a few KiB).
pub(crate) const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// `url` parsed, if it is an absolute `http`/`https` URL without a
/// fragment that this build and configuration may talk to.
pub(crate) fn checked_url(
    field: &'static str,
    url: &str,
    config: &OidcConfig,
) -> Result<Url, OidcError> {
    let invalid = || OidcError::InvalidUrl {
        field,
        url: url.to_owned(),
    };
    let parsed = Url::parse(url).map_err(|_| invalid())?;
    if parsed.fragment().is_some() || parsed.host().is_none() {
        return Err(invalid());
    }
    match parsed.scheme() {
        "https" if cfg!(feature = "oidc-tls") => Ok(parsed),
        "https" => Err(OidcError::TlsUnavailable {
            field,
            url: url.to_owned(),
        }),
        "http" if config.insecure_http || is_loopback(&parsed) => Ok(parsed),
        "http" => Err(OidcError::InsecureUrl {
            field,
            url: url.to_owned(),
        }),
        _ => Err(invalid()),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => {
            let name = name.to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        None => false,
    }
}

/// The client for all requests to one provider.
pub(crate) fn client(config: &OidcConfig) -> Result<reqwest::Client, OidcError> {
    let builder = reqwest::Client::builder()
        .timeout(config.http_timeout)
        .connect_timeout(config.http_timeout)
        // A redirect from the token endpoint could carry the code and
        // client credentials elsewhere; the specifications need none.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("ferrodash-auth/", env!("CARGO_PKG_VERSION")));
    #[cfg(feature = "oidc-tls")]
    let builder = builder.tls_backend_preconfigured(tls_config()?);
    builder
        .build()
        .map_err(|e| OidcError::HttpClient { reason: chain(&e) })
}

/// rustls with the *ring* provider (passed explicitly: reqwest's
/// `rustls-no-provider` would otherwise need a process-wide default) and
/// the system's CA certificates.
#[cfg(feature = "oidc-tls")]
fn tls_config() -> Result<rustls::ClientConfig, OidcError> {
    use rustls_platform_verifier::BuilderVerifierExt as _;

    let failed = |e: rustls::Error| OidcError::HttpClient {
        reason: format!("TLS: {e}"),
    };
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed)?
        .with_platform_verifier()
        .map_err(failed)?
        .with_no_client_auth())
}

/// `error` and its causes on one line.
pub(crate) fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(out, ": {cause}");
        source = cause.source();
    }
    out
}

/// Sends `request` to `endpoint`, mapping failures to [`OidcError`].
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
    endpoint: OidcEndpoint,
    url: &Url,
    timeout: Duration,
) -> Result<reqwest::Response, OidcError> {
    request
        .send()
        .await
        .map_err(|e| transport_error(e, endpoint, url, timeout))
}

fn transport_error(
    error: reqwest::Error,
    endpoint: OidcEndpoint,
    url: &Url,
    timeout: Duration,
) -> OidcError {
    if error.is_timeout() {
        OidcError::Timeout {
            endpoint,
            url: url.to_string(),
            timeout,
        }
    } else {
        OidcError::Unreachable {
            endpoint,
            url: url.to_string(),
            reason: chain(&error.without_url()),
        }
    }
}

/// The body of `response`, refusing more than [`MAX_RESPONSE_BYTES`].
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    endpoint: OidcEndpoint,
    url: &Url,
    timeout: Duration,
) -> Result<Vec<u8>, OidcError> {
    let too_large = OidcError::ResponseTooLarge {
        endpoint,
        limit: MAX_RESPONSE_BYTES,
    };
    if response
        .content_length()
        .is_some_and(|len| len > MAX_RESPONSE_BYTES as u64)
    {
        return Err(too_large);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(e, endpoint, url, timeout))?
    {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// GETs `url` and reads its JSON answer (HTTP 200 only).
pub(crate) async fn get_json<T: DeserializeOwned>(
    client: &reqwest::Client,
    endpoint: OidcEndpoint,
    url: &Url,
    timeout: Duration,
) -> Result<T, OidcError> {
    let request = client
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "application/json");
    let response = send(request, endpoint, url, timeout).await?;
    let status = response.status();
    if status != reqwest::StatusCode::OK {
        return Err(OidcError::HttpStatus {
            endpoint,
            url: url.to_string(),
            status: status.as_u16(),
        });
    }
    let body = read_capped(response, endpoint, url, timeout).await?;
    // Discovery documents and key sets hold no secrets, so serde's
    // message (which may quote a value) can go into the error.
    serde_json::from_slice(&body).map_err(|e| OidcError::InvalidResponse {
        endpoint,
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> OidcConfig {
        OidcConfig::new("http://127.0.0.1", "app", "http://127.0.0.1/cb")
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        let c = config();
        for ok in [
            "http://127.0.0.1:8080/x",
            "http://[::1]/",
            "http://localhost/",
            "http://auth.localhost/",
        ] {
            assert!(checked_url("issuer", ok, &c).is_ok(), "{ok}");
        }
        assert!(matches!(
            checked_url("issuer", "http://auth.example.com/", &c),
            Err(OidcError::InsecureUrl { .. })
        ));
        let c = config().with_insecure_http(true);
        assert!(checked_url("issuer", "http://keycloak:8080/realms/x", &c).is_ok());
    }

    #[test]
    fn refuses_other_schemes_and_fragments() {
        let c = config();
        for bad in [
            "ftp://127.0.0.1/",
            "http://127.0.0.1/#x",
            "not a url",
            "/relative",
        ] {
            assert!(
                matches!(
                    checked_url("issuer", bad, &c),
                    Err(OidcError::InvalidUrl { .. })
                ),
                "{bad}"
            );
        }
    }

    /// No test in this binary installs a process-wide rustls provider: the
    /// client must bring its own.
    #[cfg(feature = "oidc-tls")]
    #[test]
    fn the_tls_client_needs_no_process_wide_provider() {
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
        assert!(client(&config()).is_ok());
    }

    #[test]
    fn https_needs_the_tls_feature() {
        let result = checked_url("issuer", "https://login.example.com/", &config());
        if cfg!(feature = "oidc-tls") {
            assert!(result.is_ok());
        } else {
            assert!(matches!(result, Err(OidcError::TlsUnavailable { .. })));
        }
    }
}
