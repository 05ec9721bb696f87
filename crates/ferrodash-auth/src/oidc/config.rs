//! How to log in with one OpenID Provider: [`OidcConfig`].

use std::fmt;
use std::time::Duration;

/// How a [`Principal`](crate::Principal)'s id is made from the ID token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OidcIds {
    /// The `sub` claim as it is (the default): readable, and stable as
    /// long as the app trusts this one provider. Pick
    /// [`IssuerAndSubject`](Self::IssuerAndSubject) when several providers
    /// (or the app's own users) share the app's data, as
    /// `sub` is unique only within one issuer.
    #[default]
    Subject,
    /// `{issuer}#{sub}` (an issuer has no `#` in it, so the first `#`
    /// splits the two).
    IssuerAndSubject,
}

/// How to log in with one OpenID Provider (authorization code flow with
/// PKCE).
///
/// ```
/// use ferrodash_auth::OidcConfig;
///
/// let config = OidcConfig::new(
///     "https://login.example.com/realms/staff",
///     "dashboard",
///     "https://dash.example.com/login/callback",
/// )
/// .with_client_secret("from the environment, not the source")
/// .with_groups_claim("roles");
/// assert_eq!(config.scopes, ["openid", "profile", "email"]);
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OidcConfig {
    /// The issuer, exactly as the provider writes it in its discovery
    /// document (trailing slash or not).
    pub issuer: String,
    /// This app's client id at the provider.
    pub client_id: String,
    client_secret: Option<String>,
    /// Where the provider sends the browser back with the code; registered
    /// at the provider.
    pub redirect_url: String,
    /// The scopes asked for (default `openid profile email`; `openid` is
    /// added when missing).
    pub scopes: Vec<String>,
    /// The ID token claim with the user's groups, an array of strings
    /// (default `groups`); `None` gives every user no groups.
    pub groups_claim: Option<String>,
    /// The claims tried in turn for the name to show (default
    /// `preferred_username`, `name`, `email`); `sub` when none is there.
    pub name_claims: Vec<String>,
    /// How the principal's id is made (default [`OidcIds::Subject`]).
    pub ids: OidcIds,
    /// Allow plain `http` to hosts other than loopback (default off; for a
    /// provider in the same private network, or behind a local TLS proxy).
    pub insecure_http: bool,
    /// How long a login may take from `begin` to `finish` (default 10
    /// minutes).
    pub login_timeout: Duration,
    /// The timeout of every request to the provider (default 10 s).
    pub http_timeout: Duration,
    /// How far the provider's clock may be off ours (default 60 s).
    pub clock_leeway: Duration,
}

impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .field("groups_claim", &self.groups_claim)
            .field("name_claims", &self.name_claims)
            .field("ids", &self.ids)
            .field("insecure_http", &self.insecure_http)
            .field("login_timeout", &self.login_timeout)
            .field("http_timeout", &self.http_timeout)
            .field("clock_leeway", &self.clock_leeway)
            .finish()
    }
}

impl OidcConfig {
    /// A public client (no secret) of `issuer` with the defaults.
    #[must_use]
    pub fn new(
        issuer: impl Into<String>,
        client_id: impl Into<String>,
        redirect_url: impl Into<String>,
    ) -> Self {
        Self {
            issuer: issuer.into(),
            client_id: client_id.into(),
            client_secret: None,
            redirect_url: redirect_url.into(),
            scopes: ["openid", "profile", "email"].map(String::from).to_vec(),
            groups_claim: Some("groups".to_owned()),
            name_claims: ["preferred_username", "name", "email"]
                .map(String::from)
                .to_vec(),
            ids: OidcIds::Subject,
            insecure_http: false,
            login_timeout: Duration::from_secs(10 * 60),
            http_timeout: Duration::from_secs(10),
            clock_leeway: Duration::from_secs(60),
        }
    }

    /// A confidential client: it authenticates at the token endpoint with
    /// this secret (HTTP Basic, or in the form when the provider only takes
    /// `client_secret_post`).
    #[must_use]
    pub fn with_client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// Whether a client secret is set.
    #[must_use]
    pub const fn has_client_secret(&self) -> bool {
        self.client_secret.is_some()
    }

    pub(crate) fn client_secret(&self) -> Option<&str> {
        self.client_secret.as_deref()
    }

    /// With other scopes (`openid` is added when missing).
    #[must_use]
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// With the groups read from another claim (`roles`, say).
    #[must_use]
    pub fn with_groups_claim(mut self, claim: impl Into<String>) -> Self {
        self.groups_claim = Some(claim.into());
        self
    }

    /// With no groups read from the ID token.
    #[must_use]
    pub fn without_groups_claim(mut self) -> Self {
        self.groups_claim = None;
        self
    }

    /// With other claims tried in turn for the name to show.
    #[must_use]
    pub fn with_name_claims<S: Into<String>>(
        mut self,
        claims: impl IntoIterator<Item = S>,
    ) -> Self {
        self.name_claims = claims.into_iter().map(Into::into).collect();
        self
    }

    /// With principal ids made another way.
    #[must_use]
    pub const fn with_ids(mut self, ids: OidcIds) -> Self {
        self.ids = ids;
        self
    }

    /// With plain `http` to hosts other than loopback allowed, or not.
    #[must_use]
    pub const fn with_insecure_http(mut self, allow: bool) -> Self {
        self.insecure_http = allow;
        self
    }

    /// With another login timeout.
    #[must_use]
    pub const fn with_login_timeout(mut self, timeout: Duration) -> Self {
        self.login_timeout = timeout;
        self
    }

    /// With another timeout for requests to the provider.
    #[must_use]
    pub const fn with_http_timeout(mut self, timeout: Duration) -> Self {
        self.http_timeout = timeout;
        self
    }

    /// With another clock leeway.
    #[must_use]
    pub const fn with_clock_leeway(mut self, leeway: Duration) -> Self {
        self.clock_leeway = leeway;
        self
    }

    /// The scopes to ask for, space-separated, `openid` first when it was
    /// missing.
    pub(crate) fn scope_param(&self) -> String {
        let mut scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
        if !scopes.contains(&"openid") {
            scopes.insert(0, "openid");
        }
        scopes.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let config = OidcConfig::new("http://127.0.0.1:1", "app", "http://127.0.0.1:2/cb")
            .with_client_secret("s3cr3t-value");
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cr3t-value"), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
        assert!(config.has_client_secret());
    }

    #[test]
    fn openid_is_always_asked_for() {
        let config = OidcConfig::new("http://127.0.0.1:1", "app", "http://127.0.0.1:2/cb");
        assert_eq!(config.scope_param(), "openid profile email");
        let config = config.with_scopes(["email", "groups"]);
        assert_eq!(config.scope_param(), "openid email groups");
    }
}
