//! OpenID Connect login: `/login/oidc` sends the browser to the provider
//! (authorization code flow with PKCE), `/login/oidc/callback` takes the
//! code back, checks the ID token and starts a session.
//!
//! What must survive the round trip (state, nonce, PKCE verifier, `next`)
//! travels in a short-lived cookie signed with the app's secret key, so any
//! process of the app can finish a login another one began.

use axum::extract::{Query, State as AxumState};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use ferrodash_auth::{OidcClient, PendingLogin, safe_next};
use http::{HeaderMap, HeaderValue, header};
use serde::{Deserialize, Serialize};

use super::form::start_session;
use super::{LoginCounts, Method};
use crate::app::App;

/// The cookie holding a login under way.
const COOKIE: &str = "ferrodash_oidc";
/// How long a login at the provider may take.
const MAX_AGE_SECS: u64 = 600;

/// A configured OpenID Connect provider and its button's label.
#[derive(Debug, Clone)]
pub(crate) struct OidcLogin {
    pub(crate) client: OidcClient,
    pub(crate) label: String,
}

impl super::Login {
    /// Offers "Log in with `label`" on the login page: the user logs in at
    /// an OpenID Connect provider (authorization code with PKCE; the client
    /// comes from [`OidcClient::discover`], its redirect URL must be
    /// `<origin><prefix>login/oidc/callback`), then holds a session like a
    /// form login.
    pub fn oidc(mut self, client: OidcClient, label: impl Into<String>) -> Self {
        self.oidc = Some(OidcLogin {
            client,
            label: label.into(),
        });
        self
    }

    /// Logins through the OpenID Connect provider only: the login page has
    /// no password form.
    pub fn oidc_only(client: OidcClient, label: impl Into<String>) -> Self {
        Self::with_method(Method::OidcOnly).oidc(client, label)
    }
}

/// What the round-trip cookie carries.
#[derive(Debug, Serialize, Deserialize)]
struct Flight {
    pending: PendingLogin,
    next: String,
}

fn cookie(app: &App, value: &str, max_age: u64) -> Option<HeaderValue> {
    let secure = if app.inner.config.cookies_secure() {
        "; Secure"
    } else {
        ""
    };
    // Lax: the provider's redirect back is a top-level navigation from
    // another site, which Lax cookies follow and Strict ones do not.
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// The query of `GET /login/oidc`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct StartQuery {
    next: Option<String>,
}

/// `GET /login/oidc`: to the provider.
pub(crate) async fn oidc_start(
    AxumState(app): AxumState<App>,
    query: Result<Query<StartQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(oidc) = app.inner.login.as_ref().and_then(|l| l.oidc.as_ref()) else {
        return crate::rejection::ProtocolError::NotFound.into_response();
    };
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let next = safe_next(query.next.as_deref(), app.inner.config.requests_prefix());
    let (url, pending) = oidc.client.begin();
    let flight = Flight { pending, next };
    let Ok(json) = serde_json::to_vec(&flight) else {
        return crate::rejection::server_error(
            "an OpenID Connect login could not start",
            "the pending login did not serialize",
            false,
        );
    };
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    let signed = app.inner.signer.sign("oidc", &encoded);
    let mut response = super::see_other(&url);
    if let Some(value) = cookie(&app, &signed, MAX_AGE_SECS) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The query the provider sends back.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// The login in flight, from its signed cookie.
fn flight(app: &App, headers: &HeaderMap) -> Option<Flight> {
    let signed = crate::cookies::values(headers, COOKIE).next()?;
    let encoded = app.inner.signer.verify("oidc", signed)?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded)
        .ok()?;
    serde_json::from_slice(&json).ok()
}

/// `GET /login/oidc/callback`: checks the provider's answer and starts a
/// session; any failure goes back to the login page with the reason.
pub(crate) async fn oidc_callback(
    AxumState(app): AxumState<App>,
    query: Result<Query<CallbackQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let Some(login) = app.inner.login.as_deref() else {
        return crate::rejection::ProtocolError::NotFound.into_response();
    };
    let Some(oidc) = login.oidc.as_ref() else {
        return crate::rejection::ProtocolError::NotFound.into_response();
    };
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let failed = |reason: &str| {
        LoginCounts::add(&login.counts.failed);
        tracing::warn!(provider = %oidc.label, %reason, "OpenID Connect login failed");
        let mut response = super::see_other(&format!(
            "{}login?error=oidc",
            app.inner.config.requests_prefix()
        ));
        if let Some(value) = cookie(&app, "", 0) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
        response
    };
    if let Some(error) = &query.error {
        return failed(&format!(
            "the provider answered {error}: {}",
            query.error_description.as_deref().unwrap_or("")
        ));
    }
    let (Some(code), Some(state)) = (&query.code, &query.state) else {
        return failed("the provider's answer has no code or no state");
    };
    let Some(flight) = flight(&app, &headers) else {
        return failed("no login was under way in this browser (or it was tampered with)");
    };
    if flight
        .pending
        .is_expired(std::time::Duration::from_secs(MAX_AGE_SECS))
    {
        return failed("the login took longer than 10 minutes");
    }
    match oidc.client.finish(&flight.pending, code, state).await {
        Ok(user) => {
            LoginCounts::add(&login.counts.succeeded);
            tracing::info!(user = %user.id, provider = %oidc.label, "logged in");
            let mut response = start_session(login, &headers, user, &flight.next).await;
            if let Some(value) = cookie(&app, "", 0) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
        Err(error) => failed(&error.to_string()),
    }
}
