//! [`OidcClient`]: discovery, the authorization URL, and the callback.

use std::fmt;
use std::sync::Arc;

use super::claims;
use super::config::OidcConfig;
use super::discovery::{self, Endpoints};
use super::error::{IdTokenError, OidcError};
use super::id_token::{self, Expected};
use super::jwks::{self, KeySet};
use super::pending::{PendingLogin, now_secs};
use super::pkce;
use super::token;
use crate::session::Principal;

/// Logs users in with one OpenID Provider: the authorization code flow
/// with PKCE (`S256`), a `state` and a `nonce`.
///
/// Made once at startup with [`discover`](Self::discover); cheap to clone.
///
/// # Safety defaults
///
/// Every request to the provider times out (10 s by default), follows no
/// redirect and reads at most 1 MiB. ID tokens must be signed with an
/// asymmetric algorithm (RS*, PS*, ES256, ES384, EdDSA) by a key of the
/// provider's key set; `none` and HMAC are refused.
///
/// # Transport
///
/// With the `oidc` feature alone only plain `http` is spoken, and only to
/// loopback unless [`OidcConfig::with_insecure_http`] allows more (a
/// provider in the same private network, or a local TLS-originating
/// proxy): `https` providers need the `oidc-tls` feature, rustls with the
/// *ring* provider and the system's CA certificates (`SSL_CERT_FILE` or
/// `SSL_CERT_DIR` point elsewhere). Proxies come from `HTTPS_PROXY`,
/// `HTTP_PROXY` and `NO_PROXY`.
///
/// `oidc-tls` turns reqwest's `rustls-no-provider` feature on for the whole
/// program (Cargo unifies features). This client brings its own TLS
/// configuration, but another reqwest client in the program that brings
/// none panics when built unless a provider was installed first, e.g. with
/// `rustls::crypto::ring::default_provider().install_default()` in `main`.
///
/// ```no_run
/// # async fn example() -> Result<(), ferrodash_auth::OidcError> {
/// use ferrodash_auth::{OidcClient, OidcConfig};
///
/// let config = OidcConfig::new(
///     "https://login.example.com/realms/staff",
///     "dashboard",
///     "https://dash.example.com/login/callback",
/// )
/// .with_client_secret("from the environment");
/// let oidc = OidcClient::discover(config).await?;
///
/// // GET /login: keep `pending` (a signed cookie), redirect to `url`.
/// let (url, pending) = oidc.begin();
///
/// // GET /login/callback?code=..&state=..: log the principal in.
/// # let (code, state) = ("", "");
/// let principal = oidc.finish(&pending, code, state).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct OidcClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: OidcConfig,
    endpoints: Endpoints,
    keys: KeySet,
    http: reqwest::Client,
}

impl fmt::Debug for OidcClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcClient")
            .field("issuer", &self.inner.endpoints.issuer)
            .field("client_id", &self.inner.config.client_id)
            .field("redirect_url", &self.inner.config.redirect_url)
            .field(
                "authorization_endpoint",
                &self.inner.endpoints.authorization.as_str(),
            )
            .finish_non_exhaustive()
    }
}

impl OidcClient {
    /// Reads the provider's discovery document
    /// (`{issuer}/.well-known/openid-configuration`), checks that it names
    /// the configured issuer exactly and supports PKCE with `S256`, and
    /// fetches its signing keys.
    ///
    /// # Errors
    ///
    /// A URL that is not usable or allowed, the provider unreachable or
    /// slow, an answer that is not a discovery document or key set, or
    /// names another issuer.
    pub async fn discover(config: OidcConfig) -> Result<Self, OidcError> {
        check_redirect_url(&config)?;
        let http = super::http::client(&config)?;
        let endpoints = discovery::discover(&http, &config).await?;
        let keys = jwks::fetch(&http, &endpoints.jwks, config.http_timeout).await?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                endpoints,
                keys: KeySet::new(keys),
                http,
            }),
        })
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &OidcConfig {
        &self.inner.config
    }

    /// The provider's issuer.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.inner.endpoints.issuer
    }

    /// Begins a login: the provider's authorization URL to send the browser
    /// to, and the [`PendingLogin`] to keep until it comes back.
    #[must_use]
    pub fn begin(&self) -> (String, PendingLogin) {
        let pending = PendingLogin::new();
        let config = &self.inner.config;
        let mut url = self.inner.endpoints.authorization.clone();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &config.client_id)
            .append_pair("redirect_uri", &config.redirect_url)
            .append_pair("scope", &config.scope_param())
            .append_pair("state", pending.state())
            .append_pair("nonce", pending.nonce())
            .append_pair("code_challenge", &pkce::challenge(pending.verifier()))
            .append_pair("code_challenge_method", "S256");
        (url.into(), pending)
    }

    /// Ends a login when the provider sends the browser back to the
    /// redirect URL with `code` and `state`: checks `state` against
    /// `pending`, trades the code (with the PKCE verifier) for an ID token,
    /// checks the token and returns the user it names.
    ///
    /// The token must be signed by a key in the provider's key set (fetched
    /// again once when the token names a key we do not have), be issued by
    /// the provider to this client (`iss`, `aud`, `azp`), be current (`exp`,
    /// `iat`, `nbf`, with the configured clock leeway), and carry this
    /// login's `nonce`. Claims are read from the ID token only (not the
    /// userinfo endpoint): the principal's id is `sub` (or
    /// `{issuer}#{sub}`, see [`OidcIds`](crate::OidcIds)), its name the
    /// first of [`OidcConfig::name_claims`] present, its groups the
    /// [`OidcConfig::groups_claim`].
    ///
    /// A callback with `error=...` instead of a code is the provider's
    /// refusal (the user cancelled, say): the server handles it without
    /// calling this.
    ///
    /// # Errors
    ///
    /// [`OidcError::LoginExpired`], [`OidcError::StateMismatch`],
    /// [`OidcError::TokenRefused`] (a code used twice or not matching the
    /// verifier), [`OidcError::IdToken`], or the provider unreachable.
    pub async fn finish(
        &self,
        pending: &PendingLogin,
        code: &str,
        state: &str,
    ) -> Result<Principal, OidcError> {
        let inner = &*self.inner;
        let config = &inner.config;
        if pending.is_expired(config.login_timeout) {
            return Err(OidcError::LoginExpired {
                max_age: config.login_timeout,
            });
        }
        if !pkce::constant_time_eq(state.as_bytes(), pending.state().as_bytes()) {
            return Err(OidcError::StateMismatch);
        }
        let token = token::exchange(
            &inner.http,
            &inner.endpoints,
            config,
            code,
            pending.verifier(),
        )
        .await?;

        let header = id_token::header(&token)?;
        let key = match inner.keys.find(header.kid.as_deref(), header.alg) {
            Some(key) => key,
            None => {
                // The provider may have rotated its keys since we read them.
                let keys =
                    jwks::fetch(&inner.http, &inner.endpoints.jwks, config.http_timeout).await?;
                inner.keys.replace(keys);
                inner
                    .keys
                    .find(header.kid.as_deref(), header.alg)
                    .ok_or(IdTokenError::UnknownKey { kid: header.kid })?
            }
        };
        let claims = id_token::verify_signature(&token, &key, header.alg)?;
        let expected = Expected {
            issuer: &inner.endpoints.issuer,
            client_id: &config.client_id,
            nonce: pending.nonce(),
            now: i64::try_from(now_secs()).unwrap_or(i64::MAX),
            leeway: i64::try_from(config.clock_leeway.as_secs()).unwrap_or(i64::MAX),
        };
        id_token::check_claims(&claims, &expected)?;
        Ok(claims::principal(&claims, &inner.endpoints.issuer, config)?)
    }
}

/// The redirect URL is the browser's business, not ours: any absolute
/// http(s) URL without a fragment will do (the provider checks that it is
/// registered).
fn check_redirect_url(config: &OidcConfig) -> Result<(), OidcError> {
    match url::Url::parse(&config.redirect_url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.fragment().is_none() => Ok(()),
        _ => Err(OidcError::InvalidUrl {
            field: "redirect_url",
            url: config.redirect_url.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_can_be_shared_between_tasks() {
        fn shareable<T: Send + Sync + Clone + 'static>() {}
        shareable::<OidcClient>();
        fn error<T: std::error::Error + Send + Sync + 'static>() {}
        error::<OidcError>();
    }

    #[test]
    fn the_redirect_url_must_be_absolute() {
        let config = |url| OidcConfig::new("http://127.0.0.1:1", "app", url);
        assert!(check_redirect_url(&config("https://dash.example.com/cb")).is_ok());
        for bad in ["/cb", "javascript:alert(1)", "http://x/cb#frag"] {
            assert!(
                matches!(
                    check_redirect_url(&config(bad)),
                    Err(OidcError::InvalidUrl {
                        field: "redirect_url",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }
}
