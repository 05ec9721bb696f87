//! WebSocket callbacks (`_dash-ws-callback`, docs/websocket.md): Dash's
//! renderer opens one socket per browser through a shared worker and sends
//! callback requests over it; the server answers each, and a callback may
//! stream `set_props` to the page and ask it for props while it runs.
//!
//! The HTTP rules apply to the handshake: the login guard (a session
//! cookie, checked again on every request), and against cross-site use the
//! `Origin` must be the app's own or an allowed one, and the `SameSite=Strict`
//! `_csrf_token` cookie the page set must come along.

mod connection;
mod live;
mod message;

use axum::extract::State as AxumState;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, header};
use serde_json::{Value, json};

pub use live::Live;
pub(crate) use live::LiveLink;

use crate::app::App;
use crate::config::{AppConfig, WebSocketConfig};
use crate::rejection::ProtocolError;

/// The route, under the routes prefix.
pub(crate) const ROUTE: &str = "/_dash-ws-callback";

/// The worker script the page starts, inside the renderer's package.
const WORKER: &str = "dash-renderer/build/dash-ws-worker.js";

/// The `websocket` block of `_dash-config`: where the socket and its
/// worker are, and how long the page keeps an idle socket.
pub(crate) fn config_block(config: &AppConfig, worker_url: &str) -> Value {
    let prefix = config.requests_prefix();
    json!({
        "enabled": config.websocket.enabled,
        "url": format!("{prefix}_dash-ws-callback"),
        "worker_url": worker_url,
        "inactivity_timeout": u64::try_from(config.websocket.inactivity_timeout.as_millis()).unwrap_or(u64::MAX),
        "heartbeat_interval": 30_000,
    })
}

/// The worker script's path in package `dash`.
pub(crate) const fn worker_path() -> &'static str {
    WORKER
}

/// Why a handshake's `Origin` is refused, if it is.
fn origin_problem(headers: &HeaderMap, config: &WebSocketConfig) -> Option<String> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Some("the handshake has no Origin header".to_owned());
    };
    (!crate::security::origin_allowed(origin, headers, &config.allowed_origins))
        .then(|| format!("origin `{origin}` may not open this app's WebSocket"))
}

/// `GET _dash-ws-callback`: checks the handshake, then serves the socket.
pub(crate) async fn upgrade(
    AxumState(app): AxumState<App>,
    headers: HeaderMap,
    user: Option<axum::Extension<ferrodash_auth::Principal>>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => {
            return ProtocolError::NotWebSocket(rejection.body_text()).into_response();
        }
    };
    let config = &app.inner.config;
    if let Some(problem) = origin_problem(&headers, &config.websocket) {
        tracing::info!(%problem, "WebSocket refused");
        return ProtocolError::WebSocketOrigin(problem).into_response();
    }
    if config.csrf_protection && !crate::csrf::has_token(&headers, config.cookies_secure()) {
        return ProtocolError::Csrf(
            "the WebSocket handshake carries no `_csrf_token` cookie: load the page first",
        )
        .into_response();
    }
    // Held for as long as the socket is open.
    let Some(permit) = app.inner.websocket_permits.try_take() else {
        let limit = config.limits.max_websocket_connections;
        return ProtocolError::TooManySockets { limit }.into_response();
    };
    let session = app.inner.login.as_deref().and_then(|login| {
        login
            .uses_sessions()
            .then(|| crate::login::guard::session_id(login, &headers).map(str::to_owned))
            .flatten()
    });
    let peer = connection::Peer {
        app: app.clone(),
        user: user.map(|axum::Extension(user)| user),
        session,
        headers,
    };
    upgrade
        .max_message_size(config.max_body_bytes)
        .on_upgrade(move |socket| async move {
            connection::serve(socket, peer).await;
            drop(permit);
        })
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        }
        headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        headers
    }

    #[test]
    fn only_the_apps_own_and_allowed_origins_may_connect() {
        let config = WebSocketConfig {
            allowed_origins: vec!["https://portal.example.com".into()],
            ..WebSocketConfig::default()
        };
        let host = "127.0.0.1:8050";
        for ok in [
            "http://127.0.0.1:8050",
            "https://127.0.0.1:8050",
            "https://portal.example.com",
        ] {
            assert_eq!(
                origin_problem(&headers(Some(ok), host), &config),
                None,
                "{ok}"
            );
        }
        for refused in [
            "http://127.0.0.1:8051",
            "http://evil.example",
            "null",
            "http://127.0.0.1:8050.evil.example",
            "https://portal.example.com.evil",
        ] {
            assert!(
                origin_problem(&headers(Some(refused), host), &config).is_some(),
                "{refused}"
            );
        }
        assert!(
            origin_problem(&headers(None, host), &config)
                .unwrap()
                .contains("no Origin")
        );
    }
}
