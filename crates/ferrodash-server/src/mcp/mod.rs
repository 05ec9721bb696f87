//! An MCP server for AI agents (docs/mcp.md): the app's callbacks as tools,
//! its layout and pages as resources, background callbacks as tasks, over
//! Streamable HTTP at `_mcp` (JSON answers, protocol 2025-11-25).
//!
//! An agent acts for a user: its bearer token is one of the user's API
//! tokens, so callbacks run with that user ([`Principal`]) and see only what
//! the user may see; `require_group` applies; every call is rate-limited
//! per user and logged.

mod calls;
mod jsonrpc;
mod plain;
mod resources;
pub(crate) mod schema;
mod tasks;
mod tools;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::response::{IntoResponse, Response};
use ferrodash_auth::{BearerTokens, Principal, Rate, RateLimiter};
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use serde_json::{Map, Value, json};

use self::jsonrpc::{Message, RpcError};
use crate::app::App;

pub(crate) use tools::{Tool, build as tools_of};

/// The route, under the routes prefix.
pub(crate) const ROUTE: &str = "/_mcp";

/// Protocol versions spoken, newest first.
const VERSIONS: [&str; 3] = ["2025-11-25", "2025-06-18", "2025-03-26"];

/// An MCP server for the app (give it to
/// [`AppBuilder::mcp`](crate::AppBuilder::mcp)): AI agents call the app's
/// callbacks as tools and read its layout and pages, acting for a user.
///
/// ```
/// use ferrodash_auth::{BearerTokens, BoxFuture, CredentialsError, Principal};
/// use ferrodash_server::Mcp;
///
/// /// One fixed token, for a demo (use `ferrodash_auth::Users`' API tokens).
/// struct Demo;
///
/// impl BearerTokens for Demo {
///     fn verify<'a>(&'a self, token: &'a str)
///         -> BoxFuture<'a, Result<Option<Principal>, CredentialsError>> {
///         Box::pin(async move {
///             Ok((token == "a long demo token").then(|| Principal::new("demo", "Demo")))
///         })
///     }
/// }
///
/// let mcp = Mcp::with_tokens(Demo).instructions("Usage reports of media customers.");
/// ```
#[must_use]
pub struct Mcp {
    pub(crate) tokens: Option<Arc<dyn BearerTokens>>,
    pub(crate) rate: Arc<RateLimiter>,
    pub(crate) instructions: Option<String>,
    pub(crate) allowed_origins: Vec<String>,
}

impl std::fmt::Debug for Mcp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mcp")
            .field("tokens", &self.tokens.is_some())
            .field("rate", &self.rate)
            .finish_non_exhaustive()
    }
}

impl Mcp {
    fn with(tokens: Option<Arc<dyn BearerTokens>>) -> Self {
        Self {
            tokens,
            rate: Arc::new(RateLimiter::new(120, Duration::from_secs(60))),
            instructions: None,
            allowed_origins: Vec::new(),
        }
    }

    /// An MCP server whose agents each present a bearer token of a user;
    /// they act as that user.
    pub fn with_tokens(tokens: impl BearerTokens) -> Self {
        Self::with(Some(Arc::new(tokens)))
    }

    /// An MCP server open to any local client, for an app without a login
    /// (building fails for an app with one: use [`Mcp::with_tokens`]).
    pub fn open() -> Self {
        Self::with(None)
    }

    /// How many requests an agent's user may make (default 120 a minute,
    /// counted in this process; give a Redis
    /// [`RateLimiter`] to count across processes). Past it: 429.
    pub fn rate_limit(mut self, limiter: impl Into<Arc<RateLimiter>>) -> Self {
        self.rate = limiter.into();
        self
    }

    /// What the app is for, told to the agent when it connects.
    pub fn instructions(mut self, text: impl Into<String>) -> Self {
        self.instructions = Some(text.into());
        self
    }

    /// Origins of web pages that may call the server besides the app's own
    /// (agents that are programs send none).
    pub fn allowed_origins<S: Into<String>>(
        mut self,
        origins: impl IntoIterator<Item = S>,
    ) -> Self {
        self.allowed_origins
            .extend(origins.into_iter().map(Into::into));
        self
    }
}

/// The MCP server of a built app.
pub(crate) struct McpState {
    pub(crate) config: Mcp,
    pub(crate) tools: Vec<Tool>,
}

/// An HTTP answer: a status and, but for 202, a JSON body.
fn answer(status: StatusCode, body: Option<&Value>) -> Response {
    match body {
        Some(body) => crate::rejection::json_response(status, body.to_string()),
        None => status.into_response(),
    }
}

fn refuse(status: StatusCode, code: i64, message: &str) -> Response {
    answer(
        status,
        Some(&jsonrpc::error(None, &RpcError::new(code, message))),
    )
}

/// The user a request's bearer token belongs to; the 401 otherwise.
async fn authenticate(mcp: &Mcp, headers: &HeaderMap) -> Result<Option<Principal>, Response> {
    let Some(tokens) = &mcp.tokens else {
        return Ok(None);
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    let unauthorized = |challenge: &'static str, message: &str| {
        let mut response = answer(
            StatusCode::UNAUTHORIZED,
            Some(&json!({"error": "invalid_token", "error_description": message})),
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
        response
    };
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(unauthorized(
            "Bearer realm=\"ferrodash\"",
            "a bearer token of a user is required",
        ));
    };
    match tokens.verify(token).await {
        Ok(Some(user)) => Ok(Some(user)),
        Ok(None) => Err(unauthorized(
            "Bearer realm=\"ferrodash\", error=\"invalid_token\"",
            "the bearer token is not valid",
        )),
        Err(error) => {
            tracing::warn!(%error, "MCP: tokens could not be checked");
            Err(refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                jsonrpc::INTERNAL_ERROR,
                "tokens cannot be checked right now; try again shortly",
            ))
        }
    }
}

/// Whether a web page's `Origin` may call the server (programs send
/// none).
fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|origin| crate::security::origin_allowed(origin, headers, allowed))
}

fn session_scope(user: Option<&Principal>) -> String {
    let id = user.map_or("", |u| u.id.as_str());
    format!("mcp-session:{}:{id}", id.len())
}

/// `POST`, `GET` and `DELETE _mcp`.
pub(crate) async fn endpoint(
    AxumState(app): AxumState<App>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(mcp) = app.inner.mcp.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !origin_allowed(&headers, &mcp.config.allowed_origins) {
        return refuse(
            StatusCode::FORBIDDEN,
            jsonrpc::INVALID_REQUEST,
            "this origin may not call the MCP server",
        );
    }
    let user = match authenticate(&mcp.config, &headers).await {
        Ok(user) => user,
        Err(refusal) => return refusal,
    };
    if method != Method::POST {
        // No server-to-client stream, and sessions end by themselves.
        let mut response = refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            jsonrpc::INVALID_REQUEST,
            "only POST: this server answers every request with JSON",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let who = user.as_ref().map_or("anonymous", |u| u.id.as_str());
    match mcp.config.rate.hit(&format!("mcp:{who}")).await {
        Ok(Rate::Allowed { .. }) => {}
        Ok(Rate::Limited { retry_after }) => {
            tracing::info!(target: "ferrodash::mcp", user = who, "MCP: rate limited");
            let mut response = refuse(
                StatusCode::TOO_MANY_REQUESTS,
                jsonrpc::RATE_LIMITED,
                "too many requests for this user: wait and try again",
            );
            if let Ok(value) = HeaderValue::from_str(&retry_after.as_secs().max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
        Err(error) => {
            return refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                jsonrpc::INTERNAL_ERROR,
                &format!("{error}; try again shortly"),
            );
        }
    }
    let json_body = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        });
    if !json_body {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            jsonrpc::INVALID_REQUEST,
            "Content-Type must be application/json",
        );
    }
    if let Some(version) = headers
        .get("mcp-protocol-version")
        .and_then(|v| v.to_str().ok())
        && !VERSIONS.contains(&version)
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            jsonrpc::INVALID_REQUEST,
            &format!(
                "protocol version `{version}` is not spoken here; these are: {}",
                VERSIONS.join(", ")
            ),
        );
    }
    let (id, method, params) = match jsonrpc::parse(&body) {
        Ok(Message::Request { id, method, params }) => (id, method, params),
        Ok(Message::Notification) => return StatusCode::ACCEPTED.into_response(),
        Err(error) => return answer(StatusCode::BAD_REQUEST, Some(&jsonrpc::error(None, &error))),
    };
    let scope = session_scope(user.as_ref());
    if method != "initialize" {
        let session = headers.get("mcp-session-id").and_then(|v| v.to_str().ok());
        match session {
            None => {
                return answer(
                    StatusCode::BAD_REQUEST,
                    Some(&jsonrpc::error(
                        Some(&id),
                        &RpcError::new(
                            jsonrpc::INVALID_REQUEST,
                            "Mcp-Session-Id is missing: initialize first",
                        ),
                    )),
                );
            }
            Some(session) if app.inner.signer.verify(&scope, session).is_none() => {
                return answer(
                    StatusCode::NOT_FOUND,
                    Some(&jsonrpc::error(
                        Some(&id),
                        &RpcError::new(
                            jsonrpc::INVALID_REQUEST,
                            "unknown session: initialize again",
                        ),
                    )),
                );
            }
            Some(_) => {}
        }
    }
    let started = Instant::now();
    let context = calls::Context {
        app: &app,
        mcp,
        user: user.as_ref(),
        headers: &headers,
    };
    let outcome = run(&context, &method, &params).await;
    let tool = params.get("name").and_then(Value::as_str).unwrap_or("");
    let failed = match &outcome {
        Err(error) => Some(error.message.clone()),
        Ok(result) if result.get("isError") == Some(&Value::Bool(true)) => {
            Some("tool error".to_owned())
        }
        Ok(_) => None,
    };
    tracing::info!(
        target: "ferrodash::mcp",
        user = who,
        method = %method,
        tool,
        ms = started.elapsed().as_millis(),
        error = failed.as_deref().unwrap_or(""),
        "MCP call"
    );
    let body = match outcome {
        Ok(result) => jsonrpc::result(&id, &result),
        Err(error) => jsonrpc::error(Some(&id), &error),
    };
    let mut response = answer(StatusCode::OK, Some(&body));
    if method == "initialize" {
        let session = app
            .inner
            .signer
            .sign(&scope, &uuid::Uuid::new_v4().simple().to_string());
        if let Ok(value) = HeaderValue::from_str(&session) {
            response.headers_mut().insert("mcp-session-id", value);
        }
    }
    response
}

/// Runs one request's method.
async fn run(
    context: &calls::Context<'_>,
    method: &str,
    params: &Map<String, Value>,
) -> Result<Value, RpcError> {
    match method {
        "initialize" => Ok(initialize(context, params)),
        "ping" => Ok(json!({})),
        "tools/list" => Ok(
            json!({"tools": context.visible_tools().map(|t| t.listing.clone()).collect::<Vec<_>>()}),
        ),
        "tools/call" => calls::call(context, params).await,
        "resources/list" => Ok(resources::list(context)),
        "resources/templates/list" => Ok(resources::templates(context)),
        "resources/read" => resources::read(context, params).await,
        "tasks/get" => tasks::get(context, params).await,
        "tasks/result" => tasks::result(context, params).await,
        "tasks/cancel" => tasks::cancel(context, params).await,
        other => Err(RpcError::new(
            jsonrpc::METHOD_NOT_FOUND,
            format!("no method `{other}` here"),
        )),
    }
}

fn initialize(context: &calls::Context<'_>, params: &Map<String, Value>) -> Value {
    let asked = params
        .get("protocolVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let version = VERSIONS
        .iter()
        .find(|v| **v == asked)
        .unwrap_or(&VERSIONS[0]);
    let mut capabilities = json!({
        "tools": {"listChanged": false},
        "resources": {"listChanged": false},
    });
    if context.mcp.tools.iter().any(|t| t.background)
        && let Some(map) = capabilities.as_object_mut()
    {
        map.insert(
            "tasks".into(),
            json!({"cancel": {}, "requests": {"tools": {"call": {}}}}),
        );
    }
    let instructions = context.mcp.config.instructions.clone().unwrap_or_else(|| {
        "Each tool runs one of the app's callbacks on the server for the user of your token, \
         and returns what it would show; no page in a browser changes. Resources hold the \
         app's layout and pages."
            .to_owned()
    });
    json!({
        "protocolVersion": version,
        "capabilities": capabilities,
        "serverInfo": {
            "name": "ferrodash",
            "title": context.app.inner.config.title,
            "version": env!("CARGO_PKG_VERSION"),
        },
        "instructions": instructions,
    })
}
