//! Answers to requests the server refuses: each a 4xx with a JSON body that
//! names the problem, or a 500 with a correlation id.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::json;

/// Why a request to the protocol routes was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The body is not JSON content.
    #[error("Content-Type must be application/json, not `{0}`")]
    UnsupportedContentType(String),
    /// The body is larger than the configured limit.
    #[error("the request body is larger than the limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body could not be read.
    #[error("the request body could not be read: {0}")]
    UnreadableBody(String),
    /// The body is not a valid callback request.
    #[error("invalid callback request: {0}")]
    MalformedBody(#[from] ferrodash_core::wire::WireError),
    /// No callback has this output string.
    #[error("no callback has the output `{0}`")]
    UnknownCallback(String),
    /// The request's outputs, inputs or state do not match the callback.
    #[error("the request does not match callback `{callback}`: {problem}")]
    Mismatch {
        /// The callback's name.
        callback: String,
        /// What differs.
        problem: String,
    },
    /// An argument had the wrong type for the callback's function.
    #[error("callback `{callback}`: {argument}: {problem}")]
    InvalidArgument {
        /// The callback's name.
        callback: String,
        /// Which argument.
        argument: String,
        /// What is wrong.
        problem: String,
    },
    /// A background job handle that is forged, from another page load, or expired.
    #[error("callback `{callback}`: {}", match problem {
        crate::background::HandleProblem::Invalid => "the job handle is not valid for this page",
        crate::background::HandleProblem::Expired => "the job handle has expired",
    })]
    JobHandle {
        /// The callback's name.
        callback: String,
        /// What is wrong with the handle.
        problem: crate::background::HandleProblem,
    },
    /// The request lacks the renderer's cross-site request forgery token.
    #[error("cross-site request forgery check failed: {0}")]
    Csrf(&'static str),
    /// The path needs a logged-in user and the request has none (no
    /// session, or it has ended).
    #[error(
        "log in first: this needs a logged-in user, and the request has none (or the session has ended)"
    )]
    LoginRequired,
    /// The logged-in user lacks a group the callback needs.
    #[error("callback `{callback}` needs the group `{group}`, which the user is not in")]
    Forbidden {
        /// The callback's name.
        callback: String,
        /// The group it needs.
        group: String,
    },
    /// No file at this path.
    #[error("not found")]
    NotFound,
    /// The method is not allowed here.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The page polls a background job no process knows any more: its
    /// result was delivered already, its record expired, or the job
    /// queue's store was emptied (410).
    #[error(
        "callback `{callback}`: the background job was lost (no process knows it any more: its \
         record expired, or the job queue's store was emptied); run it again"
    )]
    JobLost {
        /// The callback's name.
        callback: String,
    },
    /// A request to the WebSocket route that is not a WebSocket handshake.
    #[error("not a WebSocket handshake: {0}")]
    NotWebSocket(String),
    /// A WebSocket handshake from an origin that may not connect.
    #[error("WebSocket refused: {0}")]
    WebSocketOrigin(String),
    /// A service the request needs (the job queue's Redis, say) does not
    /// answer: try again shortly (503 with `Retry-After`).
    #[error("{0}; try again shortly")]
    Unavailable(String),
    /// The body did not arrive whole within the body read timeout (408).
    #[error("the request body did not arrive within {after:?}")]
    BodyTimeout {
        /// The body read timeout.
        after: std::time::Duration,
    },
    /// A callback ran past the callback timeout and was stopped (504).
    #[error("callback `{callback}` did not finish within {after:?} and was stopped")]
    CallbackTimeout {
        /// The callback's name.
        callback: String,
        /// The callback timeout.
        after: std::time::Duration,
    },
    /// The user has as many background jobs waiting or running as one user
    /// may (429).
    #[error(
        "you have {limit} background jobs waiting or running, the most one user may: wait for one \
         to finish"
    )]
    TooManyJobs {
        /// The most jobs one user may have.
        limit: usize,
    },
    /// The server is serving as many requests as it may at once (503 with
    /// `Retry-After`).
    #[error(
        "the server is busy: {limit} requests are under way, the most it serves at once; try again shortly"
    )]
    Busy {
        /// The limit of requests at once.
        limit: usize,
    },
    /// As many WebSocket connections are open as the server keeps at once
    /// (503 with `Retry-After`).
    #[error(
        "the server is busy: {limit} WebSocket connections are open, the most it keeps; try again shortly"
    )]
    TooManySockets {
        /// The limit of connections at once.
        limit: usize,
    },
}

impl ProtocolError {
    /// The HTTP status of this refusal.
    #[must_use]
    pub const fn status(&self) -> StatusCode {
        match self {
            Self::UnsupportedContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnreadableBody(_) | Self::MalformedBody(_) | Self::Mismatch { .. } => {
                StatusCode::BAD_REQUEST
            }
            Self::UnknownCallback(_) | Self::NotFound => StatusCode::NOT_FOUND,
            Self::InvalidArgument { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Csrf(_) | Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::LoginRequired => StatusCode::UNAUTHORIZED,
            Self::Unavailable(_) | Self::Busy { .. } | Self::TooManySockets { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::BodyTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            Self::TooManyJobs { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::CallbackTimeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            Self::NotWebSocket(_) => StatusCode::BAD_REQUEST,
            Self::WebSocketOrigin(_) => StatusCode::FORBIDDEN,
            Self::JobLost { .. } => StatusCode::GONE,
            Self::JobHandle { problem, .. } => match problem {
                crate::background::HandleProblem::Invalid => StatusCode::FORBIDDEN,
                crate::background::HandleProblem::Expired => StatusCode::GONE,
            },
        }
    }

    /// A short machine-readable name of the problem.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::UnsupportedContentType(_) => "unsupported_content_type",
            Self::BodyTooLarge { .. } => "body_too_large",
            Self::UnreadableBody(_) => "unreadable_body",
            Self::MalformedBody(_) => "malformed_body",
            Self::UnknownCallback(_) => "unknown_callback",
            Self::Mismatch { .. } => "callback_mismatch",
            Self::InvalidArgument { .. } => "invalid_argument",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Csrf(_) => "csrf",
            Self::LoginRequired => "login_required",
            Self::Forbidden { .. } => "forbidden",
            Self::Unavailable(_) => "unavailable",
            Self::Busy { .. } | Self::TooManySockets { .. } => "busy",
            Self::TooManyJobs { .. } => "too_many_jobs",
            Self::BodyTimeout { .. } => "body_timeout",
            Self::CallbackTimeout { .. } => "callback_timeout",
            Self::NotWebSocket(_) => "not_websocket",
            Self::WebSocketOrigin(_) => "websocket_origin",
            Self::JobLost { .. } => "job_lost",
            Self::JobHandle { problem, .. } => match problem {
                crate::background::HandleProblem::Invalid => "invalid_job_handle",
                crate::background::HandleProblem::Expired => "expired_job_handle",
            },
        }
    }
}

impl IntoResponse for ProtocolError {
    fn into_response(self) -> Response {
        if let Self::Unavailable(_) | Self::Busy { .. } | Self::TooManySockets { .. } = &self {
            tracing::warn!(error = %self, "request refused: a service is unavailable");
            let mut response = json_error(self.status(), self.code(), &self.to_string());
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return response;
        }
        tracing::debug!(status = %self.status(), error = %self, "request refused");
        json_error(self.status(), self.code(), &self.to_string())
    }
}

/// A response with a JSON body: the one place that sets the content type.
pub(crate) fn json_response(status: StatusCode, body: impl Into<axum::body::Body>) -> Response {
    let mut response = (status, body.into()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A JSON error body: `{"error": code, "message": text}`.
pub(crate) fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(
        status,
        json!({"error": code, "message": message}).to_string(),
    )
}

/// A failure on the server side, logged under a correlation id when it is
/// made; the answer carries the id, and the details only in debug mode.
#[derive(Debug)]
pub(crate) struct Failure {
    what: String,
    detail: String,
    correlation_id: String,
}

impl Failure {
    /// Logs `what` went wrong (`detail`) under a new correlation id.
    pub(crate) fn new(what: &str, detail: &str) -> Self {
        let correlation_id = uuid::Uuid::new_v4().simple().to_string();
        tracing::error!(correlation_id = %correlation_id, error = %detail, "{what}");
        Self {
            what: what.to_owned(),
            detail: detail.to_owned(),
            correlation_id,
        }
    }

    /// What the client is told: the details in debug mode, else where the
    /// log has them.
    pub(crate) fn message(&self, debug: bool) -> String {
        if debug {
            format!(
                "{} (correlation id {}):\n{}\n",
                self.what, self.correlation_id, self.detail
            )
        } else {
            format!(
                "{}; the server log has the details under correlation id {}",
                self.what, self.correlation_id
            )
        }
    }

    /// A 500 answer.
    pub(crate) fn into_response(self, debug: bool) -> Response {
        if debug {
            // The dev tools show a plain-text body in a <pre>.
            let mut response =
                (StatusCode::INTERNAL_SERVER_ERROR, self.message(true)).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            response
        } else {
            let body = json!({
                "error": "internal_error",
                "message": self.message(false),
                "correlation_id": self.correlation_id,
            });
            json_response(StatusCode::INTERNAL_SERVER_ERROR, body.to_string())
        }
    }
}

/// A 500 answer for a failure on the server side: logged with a correlation
/// id that the answer carries too; details reach the browser only in debug mode.
pub(crate) fn server_error(what: &str, detail: &str, debug: bool) -> Response {
    Failure::new(what, detail).into_response(debug)
}
