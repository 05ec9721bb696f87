//! An in-process client: calls an app's routes without a socket, for fast
//! tests of layouts, callbacks and error answers.
//!
//! ```
//! # async fn demo(app: ferrodash_server::App) {
//! use ferrodash_testing::client::{CallbackCall, TestClient};
//! use serde_json::json;
//!
//! let client = TestClient::new(&app);
//! let answer = client
//!     .call(&CallbackCall::new().output("greeting", "children").input("name", "value", json!("Ada")))
//!     .await;
//! assert_eq!(answer.status(), 200);
//! assert_eq!(answer.json()["response"]["greeting"]["children"], "Hello, Ada!");
//! # }
//! ```

use axum::Router;
use axum::body::{Body, Bytes};
use http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::{Map, Value, json};
use tower::ServiceExt;

/// The token the client sends as the renderer would (`_csrf_token` cookie
/// and `X-CSRFToken` header); any well-formed token passes the check. A
/// test that posts a form itself puts it in the form's `csrf_token` field.
pub const CSRF_TOKEN: &str = "ferrodashTestClientToken0123456789abcdefghi";

/// The token cookie under both of its names: `_csrf_token`, and
/// `__Host-_csrf_token` as an app with secure cookies names it.
fn csrf_cookies() -> String {
    format!("_csrf_token={CSRF_TOKEN}; __Host-_csrf_token={CSRF_TOKEN}")
}

/// Calls an app's routes in process.
///
/// Like a browser that loaded the app's page, it sends the renderer's
/// cross-site request forgery token (cookie and header) with every POST
/// that has none; [`TestClient::without_csrf_token`] gives a client that
/// does not.
#[derive(Debug, Clone)]
pub struct TestClient {
    router: Router,
    prefix: String,
    csrf: bool,
    /// Cookies sent with every request, as a browser's jar would.
    cookies: Vec<(String, String)>,
}

impl TestClient {
    /// A client for `app`, mounted under its routes prefix.
    #[must_use]
    pub fn new(app: &ferrodash_server::App) -> Self {
        Self {
            router: app.router(),
            prefix: app.config().routes_pathname_prefix.clone(),
            csrf: true,
            cookies: Vec::new(),
        }
    }

    /// A client for any router; `prefix` is where [`TestClient::call`] posts.
    #[must_use]
    pub fn from_router(router: Router, prefix: impl Into<String>) -> Self {
        Self {
            router,
            prefix: prefix.into(),
            csrf: true,
            cookies: Vec::new(),
        }
    }

    /// The same client, sending no cross-site request forgery token: what a
    /// forged cross-site request looks like.
    #[must_use]
    pub fn without_csrf_token(mut self) -> Self {
        self.csrf = false;
        self
    }

    /// The same client, sending the cookie `name=value` with every request
    /// (replacing a cookie of that name it had).
    #[must_use]
    pub fn with_cookie(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.cookies.retain(|(n, _)| *n != name);
        self.cookies.push((name, value.into()));
        self
    }

    /// The cookie called `name` the client sends, if any.
    #[must_use]
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The same client, keeping the cookies `response` sets (and dropping
    /// those it removes with `Max-Age=0`), as a browser would.
    #[must_use]
    pub fn with_cookies_from(mut self, response: &TestResponse) -> Self {
        for set in response.headers().get_all(header::SET_COOKIE) {
            let Ok(set) = set.to_str() else { continue };
            let mut attributes = set.split(';');
            let Some((name, value)) = attributes.next().and_then(|p| p.trim().split_once('='))
            else {
                continue;
            };
            let removed = attributes.any(|a| a.trim().eq_ignore_ascii_case("max-age=0"));
            self.cookies.retain(|(n, _)| n != name);
            if !removed {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        self
    }

    /// Logs in through the app's login form as `name` with `password`, as
    /// a browser would (the form's token included), and gives the client
    /// holding the new session; the answer when the login was refused.
    ///
    /// # Errors
    ///
    /// The login's answer when it was not a redirect (a wrong password,
    /// say).
    pub async fn log_in(&self, name: &str, password: &str) -> Result<Self, TestResponse> {
        let body = serde_urlencoded::to_string([
            ("username", name),
            ("password", password),
            ("csrf_token", CSRF_TOKEN),
        ])
        .unwrap_or_default();
        let request = Request::builder()
            .method(Method::POST)
            .uri(self.url("login"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, csrf_cookies())
            .header("x-csrftoken", CSRF_TOKEN)
            .body(Body::from(body))
            .unwrap_or_default();
        let answer = self.send(request).await;
        if answer.status() == StatusCode::SEE_OTHER {
            Ok(self.clone().with_cookies_from(&answer))
        } else {
            Err(answer)
        }
    }

    /// Sends a request and reads the whole answer.
    pub async fn send(&self, mut request: Request<Body>) -> TestResponse {
        if !self.cookies.is_empty() {
            let jar = self
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            let headers = request.headers_mut();
            let line = match headers.get(header::COOKIE).and_then(|v| v.to_str().ok()) {
                Some(existing) => format!("{existing}; {jar}"),
                None => jar,
            };
            if let Ok(line) = http::HeaderValue::from_str(&line) {
                headers.insert(header::COOKIE, line);
            }
        }
        if self.csrf
            && request.method() == Method::POST
            && !request.headers().contains_key("x-csrftoken")
        {
            let headers = request.headers_mut();
            let cookie = match headers.get(header::COOKIE).and_then(|v| v.to_str().ok()) {
                Some(existing) => format!("{existing}; {}", csrf_cookies()),
                None => csrf_cookies(),
            };
            if let Ok(cookie) = http::HeaderValue::from_str(&cookie) {
                headers.insert(header::COOKIE, cookie);
            }
            headers.insert("x-csrftoken", http::HeaderValue::from_static(CSRF_TOKEN));
        }
        let response = match self.router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let (parts, body) = response.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.get_with(path, &[]).await
    }

    /// `GET path` with extra headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = Request::builder().method(Method::GET).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).unwrap_or_default())
            .await
    }

    /// `POST path` with a body and, when given, a content type.
    pub async fn post(
        &self,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<Bytes>,
    ) -> TestResponse {
        let mut request = Request::builder().method(Method::POST).uri(path);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        self.send(request.body(Body::from(body.into())).unwrap_or_default())
            .await
    }

    /// `POST path` with a JSON body.
    pub async fn post_json(&self, path: &str, body: &Value) -> TestResponse {
        self.post(path, Some("application/json"), body.to_string())
            .await
    }

    /// The URL of a route of the app: the prefix and `route`.
    #[must_use]
    pub fn url(&self, route: &str) -> String {
        format!("{}{}", self.prefix, route.trim_start_matches('/'))
    }

    /// Runs a callback as the renderer would.
    pub async fn call(&self, call: &CallbackCall) -> TestResponse {
        self.post_json(&self.url("_dash-update-component"), &call.body())
            .await
    }

    /// Loads the index page and returns its signed page token (`end_id`),
    /// which background-callback requests carry as `endId`.
    ///
    /// # Panics
    ///
    /// When the page has no `end_id` in its config.
    #[allow(
        clippy::expect_used,
        reason = "a test helper: a page without an end_id fails the test (see # Panics)"
    )]
    pub async fn end_id(&self) -> String {
        let page = self.get(&self.url("")).await.text();
        let end_id = page
            .split_once("\"end_id\":\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(end_id, _)| end_id.to_owned());
        end_id.expect("the index page has an end_id string")
    }

    /// The layout, as JSON.
    pub async fn layout(&self) -> Value {
        self.get(&self.url("_dash-layout")).await.json()
    }

    /// The callbacks, as JSON.
    pub async fn dependencies(&self) -> Value {
        self.get(&self.url("_dash-dependencies")).await.json()
    }
}

/// An answer read whole.
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl TestResponse {
    /// The status code.
    #[must_use]
    pub const fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    #[must_use]
    pub const fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header's value as text.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body.
    #[must_use]
    pub const fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (lossy).
    #[must_use]
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON.
    ///
    /// # Panics
    ///
    /// When the body is not JSON: the panic shows the status and the body.
    #[must_use]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "the answer ({}) is not JSON ({e}): {}",
                self.status,
                self.text()
            )
        })
    }
}

/// A callback request as the renderer builds it (dash-protocol §6.1).
#[derive(Debug, Clone, Default)]
pub struct CallbackCall {
    output_key: Option<String>,
    outputs: Vec<Value>,
    multi: bool,
    inputs: Vec<Value>,
    state: Vec<Value>,
    changed: Vec<String>,
}

/// `{"id", "property", "value"}`, the value left out when `None`.
fn dependency(id: Value, property: &str, value: Option<Value>) -> Value {
    let mut entry = Map::new();
    entry.insert("id".into(), id);
    entry.insert("property".into(), Value::String(property.to_owned()));
    if let Some(value) = value {
        entry.insert("value".into(), value);
    }
    Value::Object(entry)
}

fn id_text(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => ferrodash_core::parse_stringified_id(&other.to_string())
            .map_or_else(|| other.to_string(), |i| i.stringify()),
    }
}

impl CallbackCall {
    /// An empty call; add outputs and inputs.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an output; `id` is a string or a dict id as JSON.
    #[must_use]
    pub fn output(mut self, id: impl Into<Value>, property: &str) -> Self {
        self.outputs.push(dependency(id.into(), property, None));
        self
    }

    /// Marks the outputs as declared in a list (a callback returning a tuple),
    /// which two or more outputs imply.
    #[must_use]
    pub const fn multi(mut self) -> Self {
        self.multi = true;
        self
    }

    /// Uses this exact output string instead of the one built from the outputs.
    #[must_use]
    pub fn output_key(mut self, key: impl Into<String>) -> Self {
        self.output_key = Some(key.into());
        self
    }

    /// Adds an Input with its value.
    #[must_use]
    pub fn input(mut self, id: impl Into<Value>, property: &str, value: Value) -> Self {
        self.inputs
            .push(dependency(id.into(), property, Some(value)));
        self
    }

    /// Adds an Input whose value the browser does not have (`undefined`).
    #[must_use]
    pub fn input_undefined(mut self, id: impl Into<Value>, property: &str) -> Self {
        self.inputs.push(dependency(id.into(), property, None));
        self
    }

    /// Adds a State with its value.
    #[must_use]
    pub fn state(mut self, id: impl Into<Value>, property: &str, value: Value) -> Self {
        self.state
            .push(dependency(id.into(), property, Some(value)));
        self
    }

    /// Marks an input as the one that fired, by `<id>.<prop>`.
    #[must_use]
    pub fn triggered(mut self, prop_id: impl Into<String>) -> Self {
        self.changed.push(prop_id.into());
        self
    }

    /// The request body.
    #[must_use]
    pub fn body(&self) -> Value {
        let parts: Vec<String> = self
            .outputs
            .iter()
            .map(|o| {
                format!(
                    "{}.{}",
                    id_text(&o["id"]).replace('.', "\\."),
                    o["property"].as_str().unwrap_or("")
                )
            })
            .collect();
        let multi = self.multi || self.outputs.len() > 1;
        let key = self.output_key.clone().unwrap_or_else(|| {
            if multi {
                format!("..{}..", parts.join("..."))
            } else {
                parts.join("...")
            }
        });
        let mut body = Map::new();
        body.insert("output".into(), json!(key));
        match (self.outputs.as_slice(), multi) {
            ([], _) => {}
            ([output], false) => {
                body.insert("outputs".into(), output.clone());
            }
            _ => {
                body.insert("outputs".into(), Value::Array(self.outputs.clone()));
            }
        }
        body.insert("inputs".into(), Value::Array(self.inputs.clone()));
        if !self.state.is_empty() {
            body.insert("state".into(), Value::Array(self.state.clone()));
        }
        body.insert("changedPropIds".into(), json!(self.changed));
        body.insert("parsedChangedPropsIds".into(), json!(self.changed));
        Value::Object(body)
    }
}
