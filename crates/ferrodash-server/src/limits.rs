//! Limits on what a client can hold: how long it may take to send its
//! headers and its body, how long a connection may sit idle, how long a
//! callback may run, how many requests are served at once, and how large a
//! body may be. Each limit reached is a clear answer (408, 413, 503, 504),
//! never a connection held open for as long as the client likes.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State as AxumState};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{Method, header};
use tokio::sync::Semaphore;

use crate::app::App;
use crate::rejection::ProtocolError;

/// The server's limits (see each field); the defaults suit an app behind a
/// reverse proxy as well as one facing clients directly.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// How long a client may take to send a request's headers, and how long
    /// a kept-alive connection may wait idle for its next request, before
    /// the connection is closed (default 30 s). A slow-headers
    /// ("slowloris") client holds a connection this long at most.
    pub header_read_timeout: Duration,
    /// How long a client may take to send a whole request body once its
    /// headers are in (default 30 s): past it the request is answered 408.
    pub body_read_timeout: Duration,
    /// How long a callback (not a background one) may run before its
    /// request is answered 504 and the callback is stopped (default 60 s).
    pub callback_timeout: Duration,
    /// How many requests are served at once (default 1024); more are
    /// answered 503 with `Retry-After` at once, rather than queued where
    /// they would time out anyway. `/health` and `/ready` are not counted.
    pub max_concurrent_requests: usize,
    /// How many WebSocket connections (for `websocket` callbacks) stay open
    /// at once (default 1024). A socket lives as long as its page, so they
    /// are counted apart from requests; past the limit the handshake is
    /// answered 503 with `Retry-After`.
    pub max_websocket_connections: usize,
    /// How long [`App::serve`] lets the requests under way finish after
    /// SIGTERM or Ctrl-C before it stops (default 30 s).
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(30),
            callback_timeout: Duration::from_secs(60),
            max_concurrent_requests: 1024,
            max_websocket_connections: 1024,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Why a request body was not read.
#[derive(Debug)]
pub(crate) enum BodyProblem {
    /// Larger than the limit.
    TooLarge(usize),
    /// Not all there within the body read timeout.
    TimedOut(Duration),
    /// The connection failed while reading.
    Broken(String),
}

impl From<BodyProblem> for ProtocolError {
    fn from(problem: BodyProblem) -> Self {
        match problem {
            BodyProblem::TooLarge(limit) => Self::BodyTooLarge { limit },
            BodyProblem::TimedOut(after) => Self::BodyTimeout { after },
            BodyProblem::Broken(why) => Self::UnreadableBody(why),
        }
    }
}

/// Reads a whole body of at most `limit` bytes within `timeout`.
pub(crate) async fn read_body(
    body: Body,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, BodyProblem> {
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await {
        Err(_) => Err(BodyProblem::TimedOut(timeout)),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(error)) => {
            let too_large = std::error::Error::source(&error)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            Err(if too_large {
                BodyProblem::TooLarge(limit)
            } else {
                BodyProblem::Broken(error.to_string())
            })
        }
    }
}

/// The declared length of a request's body, when it gives one.
fn declared_length(request: &Request) -> Option<u64> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// In front of the body-reading routes (callbacks, MCP): the CSRF check on
/// the headers alone (callbacks), a declared length over the limit refused
/// before a byte of the body is read, then the body read whole within the
/// body read timeout, so the handler never waits on a slow client.
pub(crate) async fn guard_body(
    AxumState(app): AxumState<App>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let config = &app.inner.config;
    let is_callback = request.uri().path().ends_with("/_dash-update-component");
    if is_callback
        && config.csrf_protection
        && let Some(problem) = crate::csrf::problem(request.headers(), config.cookies_secure())
    {
        return ProtocolError::Csrf(problem).into_response();
    }
    let limit = config.max_body_bytes;
    if declared_length(&request).is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return ProtocolError::BodyTooLarge { limit }.into_response();
    }
    let (parts, body) = request.into_parts();
    match read_body(body, limit, config.limits.body_read_timeout).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(problem) => ProtocolError::from(problem).into_response(),
    }
}

/// The permits of [`Limits::max_concurrent_requests`] or
/// [`Limits::max_websocket_connections`].
#[derive(Debug, Clone)]
pub(crate) struct RequestPermits(Arc<Semaphore>);

impl RequestPermits {
    pub(crate) fn new(limit: usize) -> Self {
        Self(Arc::new(Semaphore::new(limit.max(1))))
    }

    /// A permit held until it is dropped, when one is free.
    pub(crate) fn try_take(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.0.clone().try_acquire_owned().ok()
    }
}

/// Serves a request while a permit is free; 503 with `Retry-After` at once
/// when every permit is taken. Health checks always go through: a busy
/// process is not a dead one.
pub(crate) async fn limit_concurrency(
    AxumState(app): AxumState<App>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path.ends_with("/health") || path.ends_with("/ready") {
        return next.run(request).await;
    }
    let Some(_permit) = app.inner.request_permits.try_take() else {
        let limit = app.inner.config.limits.max_concurrent_requests;
        tracing::warn!(limit, "request refused: the server is at its limit");
        return ProtocolError::Busy { limit }.into_response();
    };
    next.run(request).await
}
