//! Why an OpenID Connect login failed. No variant holds the client
//! secret, a code, a token or a PKCE verifier.

use std::fmt;
use std::time::Duration;

/// Which of the provider's endpoints an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OidcEndpoint {
    /// `{issuer}/.well-known/openid-configuration`.
    Discovery,
    /// The key set (`jwks_uri`) that signs ID tokens.
    Jwks,
    /// The token endpoint, which trades the code for tokens.
    Token,
}

impl fmt::Display for OidcEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Discovery => "discovery document",
            Self::Jwks => "key set (jwks_uri)",
            Self::Token => "token endpoint",
        })
    }
}

/// Why an OpenID Connect discovery or login failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OidcError {
    /// A configured or discovered URL is not an absolute `http`/`https`
    /// URL without a fragment.
    #[error("{field} is not a usable http(s) URL: {url:?}")]
    InvalidUrl {
        /// Which URL (`issuer`, `redirect_url`, `token_endpoint`, ...).
        field: &'static str,
        /// The URL.
        url: String,
    },
    /// A URL uses plain `http` to a host other than loopback, and
    /// [`OidcConfig::with_insecure_http`](crate::OidcConfig::with_insecure_http)
    /// is off.
    #[error(
        "{field} {url} uses plain http to a host that is not loopback: use https, \
         or allow it with OidcConfig::with_insecure_http(true)"
    )]
    InsecureUrl {
        /// Which URL.
        field: &'static str,
        /// The URL.
        url: String,
    },
    /// A URL uses `https`, and ferrodash-auth was built without its
    /// `oidc-tls` feature.
    #[error("{field} {url} uses https, which needs ferrodash-auth's `oidc-tls` feature")]
    TlsUnavailable {
        /// Which URL.
        field: &'static str,
        /// The URL.
        url: String,
    },
    /// The HTTP client could not be set up (no usable CA certificates, say).
    #[error("the HTTP client could not be set up: {reason}")]
    HttpClient {
        /// What went wrong.
        reason: String,
    },
    /// The provider could not be reached (refused, reset, DNS failed).
    #[error("could not reach the provider's {endpoint} at {url}: {reason}")]
    Unreachable {
        /// Which endpoint.
        endpoint: OidcEndpoint,
        /// Its URL.
        url: String,
        /// What went wrong, with its causes.
        reason: String,
    },
    /// The provider did not answer in time.
    #[error("the provider's {endpoint} at {url} did not answer within {timeout:?}")]
    Timeout {
        /// Which endpoint.
        endpoint: OidcEndpoint,
        /// Its URL.
        url: String,
        /// How long we waited.
        timeout: Duration,
    },
    /// The provider answered with an unexpected HTTP status.
    #[error("the provider's {endpoint} at {url} answered HTTP {status}")]
    HttpStatus {
        /// Which endpoint.
        endpoint: OidcEndpoint,
        /// Its URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The provider's answer was larger than we read.
    #[error("the provider's {endpoint} sent more than {limit} bytes")]
    ResponseTooLarge {
        /// Which endpoint.
        endpoint: OidcEndpoint,
        /// The limit in bytes.
        limit: usize,
    },
    /// The provider's answer was not what the specification asks for.
    #[error("the provider's {endpoint} sent an unusable answer: {reason}")]
    InvalidResponse {
        /// Which endpoint.
        endpoint: OidcEndpoint,
        /// What is wrong with it.
        reason: String,
    },
    /// The discovery document names another issuer than the configured
    /// one (a misconfiguration, or a mix-up attack).
    #[error("the discovery document's issuer is {found:?}, not the configured {expected:?}")]
    IssuerMismatch {
        /// The configured issuer.
        expected: String,
        /// The document's issuer.
        found: String,
    },
    /// The provider says it does not support PKCE with `S256`.
    #[error("the provider does not support PKCE with S256 (it lists {supported:?})")]
    PkceUnsupported {
        /// The methods it lists.
        supported: Vec<String>,
    },
    /// The `state` the provider sent back is not this login's (a forged or
    /// stale callback, or a login begun in another tab).
    #[error("the callback's state does not match this login's")]
    StateMismatch,
    /// The login began longer ago than the configured login timeout.
    #[error("the login began more than {max_age:?} ago")]
    LoginExpired {
        /// The login timeout.
        max_age: Duration,
    },
    /// The token endpoint refused the code, with the provider's OAuth
    /// error (`invalid_grant` for a code used twice, expired, or not
    /// matching the PKCE verifier).
    #[error("the token endpoint refused the code (HTTP {status}): {error}{}", description_suffix(.description.as_deref()))]
    TokenRefused {
        /// The HTTP status.
        status: u16,
        /// The OAuth error code, like `invalid_grant`.
        error: String,
        /// The provider's `error_description`, if any (shortened).
        description: Option<String>,
    },
    /// The ID token failed a check.
    #[error("invalid ID token: {0}")]
    IdToken(#[from] IdTokenError),
}

fn description_suffix(description: Option<&str>) -> String {
    description.map_or_else(String::new, |d| format!(" ({d})"))
}

/// Why an ID token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdTokenError {
    /// The token response has no `id_token` (was `openid` not granted?).
    #[error("the token response has no id_token")]
    Missing,
    /// It is not a signed JWT, or its header or claims are not JSON objects.
    #[error("not a well-formed signed JWT ({0})")]
    Malformed(&'static str),
    /// It is signed with an algorithm we do not accept (only asymmetric
    /// signatures are: RS*, PS*, ES256, ES384, EdDSA).
    #[error("algorithm {alg} is not accepted")]
    UnsupportedAlgorithm {
        /// The header's `alg`.
        alg: String,
    },
    /// No key in the provider's key set fits, even after fetching it again.
    #[error("no key in the provider's key set fits (kid {kid:?})")]
    UnknownKey {
        /// The header's `kid`, if any.
        kid: Option<String>,
    },
    /// The signature does not verify.
    #[error("the signature does not verify")]
    BadSignature,
    /// `iss` is not the provider's issuer.
    #[error("iss is {found:?}, not the provider's issuer")]
    Issuer {
        /// The token's `iss`.
        found: String,
    },
    /// `aud` does not contain our client id.
    #[error("aud does not contain this client's id")]
    Audience,
    /// `azp` is not our client id, or is missing while `aud` names several
    /// parties.
    #[error("azp is missing or is not this client's id")]
    AuthorizedParty,
    /// `exp` has passed (beyond the clock leeway).
    #[error("it expired")]
    Expired,
    /// `iat` lies in the future (beyond the clock leeway).
    #[error("it was issued in the future (iat)")]
    IssuedInFuture,
    /// `nbf` lies in the future (beyond the clock leeway).
    #[error("it is not valid yet (nbf)")]
    NotYetValid,
    /// `nonce` is not this login's (a replayed or injected token).
    #[error("its nonce is not this login's")]
    Nonce,
    /// A required claim is missing or has the wrong type.
    #[error("claim {0} is missing or has the wrong type")]
    MissingClaim(&'static str),
}
