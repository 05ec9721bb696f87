//! What the HTTP fuzz targets share: one app, built once, with a callback of
//! every kind the protocol has (plain, several outputs, MATCH, ALLSMALLER,
//! ALL inputs and outputs, a Patch, set_props, a background job with
//! progress and cancel), and a client that posts to its router in process
//! on a current-thread runtime made once.
//!
//! Every callback accepts whatever values reach it without failing or
//! panicking, so a 5xx answer can only come from the server's handling of
//! the request itself: that is a bug, and [`Answer::check`] panics on it.

use std::sync::OnceLock;
use std::time::Duration;

use ferrodash_components::{dcc, html};
use ferrodash_core::{
    ALL, ALLSMALLER, CallbackError, ComponentId, IdValue, MATCH, Patch, PreventUpdate,
};
use ferrodash_server::axum::Router;
use ferrodash_server::axum::body::{Body, to_bytes};
use ferrodash_server::axum::http::{Method, Request, StatusCode, header};
use ferrodash_server::{
    App, Callback, CallbackContext, InProcessQueue, Input, Progress, SetProps, State, Triggered,
};
use serde_json::{Value, json};
use tokio::runtime::Runtime;
use tower::ServiceExt;

/// The double-submit token sent as the renderer sends it: the
/// `_csrf_token` cookie and the `X-CSRFToken` header (43 alphanumerics).
pub const CSRF_TOKEN: &str = "ferrodashFuzzToken0123456789abcdefghijklmno";

/// The route every request goes to.
pub const UPDATE: &str = "/_dash-update-component";

/// A dict id of one card: `{"kind": kind, "index": index}`.
fn card(kind: &str, index: IdValue) -> ComponentId {
    ComponentId::dict([("kind", kind.into()), ("index", index)])
}

async fn echo(Input(text): Input<Option<String>>, State(count): State<Option<i64>>) -> String {
    format!("{}:{}", text.unwrap_or_default(), count.unwrap_or_default())
}

async fn pair(Input(a): Input<Option<f64>>) -> (String, Value) {
    (format!("a = {a:?}"), json!({"width": a}))
}

/// MATCH output and input, with the ALLSMALLER values before it.
async fn double(Input(qty): Input<Option<f64>>, Input(earlier): Input<Vec<Option<f64>>>) -> String {
    let before = earlier.into_iter().flatten().fold(0.0, |a, b| a + b);
    format!("{:?} after {before}", qty.map(|q| q * 2.0))
}

/// An ALL input, with which inputs fired and the whole context.
async fn total(
    triggered: Triggered,
    ctx: CallbackContext,
    Input(quantities): Input<Vec<Option<f64>>>,
) -> String {
    let fired = triggered
        .id()
        .map(ComponentId::stringify)
        .unwrap_or_default();
    format!(
        "{} cards, {} inputs, fired by {fired}",
        quantities.len(),
        ctx.inputs.len()
    )
}

/// An ALL output: one label per card, read from the ALL input of the same
/// cards (the renderer resolves both from one layout).
async fn labels(Input(quantities): Input<Vec<Option<f64>>>) -> Vec<String> {
    quantities
        .into_iter()
        .map(|q| format!("qty {q:?}"))
        .collect()
}

/// A Patch built from the values sent.
async fn patcher(
    Input(item): Input<Option<Value>>,
    State(position): State<Option<i64>>,
) -> Result<Patch, CallbackError> {
    let item = item.ok_or(PreventUpdate)?;
    let at = position.unwrap_or_default();
    Ok(Patch::new()
        .append((), item.clone())
        .insert((), at, item.clone())
        .assign(("meta", at), item.clone())
        .merge("style", json!({"seen": true}))
        .remove((), item)
        .delete(-1)
        .add("count", 1))
}

/// set_props next to the output.
async fn side(Input(text): Input<Option<String>>, set_props: SetProps) -> String {
    let text = text.unwrap_or_default();
    set_props.prop("status", "children", text.clone());
    set_props.set(
        card("label", 0.into()),
        json!({"title": text, "hidden": false}),
    );
    text
}

/// The background job: progress and set_props for a few steps, no sleep,
/// so that a job started by one input has finished by the next.
async fn slow_sum(
    Input(n): Input<Option<u64>>,
    progress: Progress,
    set_props: SetProps,
) -> Result<String, CallbackError> {
    let n = n.ok_or(PreventUpdate)?;
    for step in 1..=n.min(3) {
        progress.set(step);
        set_props.prop("status", "children", format!("step {step}"));
        tokio::task::yield_now().await;
    }
    Ok(format!("summed {n}"))
}

fn app() -> App {
    let cards: Vec<ferrodash_core::Component> = (0..3u64)
        .map(|i| {
            html::div((
                dcc::input(card("qty", i.into())),
                html::span(()).id(card("double", i.into())),
                html::span(()).id(card("label", i.into())),
            ))
            .into()
        })
        .collect();
    App::builder()
        .title("Fuzz")
        .assets_folder("/nonexistent-ferrodash-fuzz-assets")
        // A queue that is never full: jobs pile up far faster here than
        // from any page, and "full" (503, try again) is not what is fuzzed.
        .job_queue(InProcessQueue::new(8).with_limits(1 << 20, 1 << 20))
        .layout(html::div((
            html::div((
                dcc::input("text"),
                dcc::input("count"),
                html::div(()).id("out"),
                dcc::input("a"),
                html::div(()).id("x"),
            )),
            html::div(cards).id("cards"),
            html::div((
                html::div(()).id("total"),
                dcc::input("item"),
                dcc::input("position"),
                html::div(()).id("list"),
            )),
            html::div((
                dcc::input("side-in"),
                html::div(()).id("side"),
                html::div(()).id("status"),
            )),
            html::div((
                dcc::input("n"),
                html::button("stop").id("stop"),
                html::progress(()).id("bar"),
                html::div(()).id("bg"),
            )),
        )))
        .callback(
            Callback::new(echo)
                .output("out", "children")
                .input("text", "value")
                .state("count", "value"),
        )
        .callback(
            Callback::new(pair)
                .output("x", "children")
                .output("x", "style")
                .input("a", "value"),
        )
        .callback(
            Callback::new(double)
                .output(card("double", MATCH), "children")
                .input(card("qty", MATCH), "value")
                .input(card("qty", ALLSMALLER), "value"),
        )
        .callback(
            Callback::new(total)
                .output("total", "children")
                .input(card("qty", ALL), "value"),
        )
        .callback(
            Callback::new(labels)
                .output(card("label", ALL), "children")
                .input(card("qty", ALL), "value"),
        )
        .callback(
            Callback::new(patcher)
                .output("list", "children")
                .input("item", "value")
                .state("position", "value"),
        )
        .callback(
            Callback::new(side)
                .output("side", "children")
                .input("side-in", "value"),
        )
        .callback(
            Callback::new(slow_sum)
                .output("bg", "children")
                .input("n", "value")
                .progress("bar", "value", json!(0))
                .cancel("stop", "n_clicks")
                .interval(Duration::from_millis(10))
                .timeout(Duration::from_secs(5)),
        )
        .build()
        .expect("the fuzz app is valid")
}

/// The app's router, a runtime to drive it, and the page token
/// (`end_id`) the renderer sends back as `endId`.
#[derive(Debug)]
pub struct Harness {
    runtime: Runtime,
    router: Router,
    end_id: String,
}

/// The harness, built on first use.
pub fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(Harness::new)
}

/// A whole answer.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The content type, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Harness {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let router = {
            let _entered = runtime.enter();
            app().router()
        };
        let mut harness = Self {
            runtime,
            router,
            end_id: String::new(),
        };
        let page = harness.send(
            Request::builder()
                .uri("/")
                .body(Body::empty())
                .expect("a GET request"),
        );
        let page = String::from_utf8_lossy(&page.body);
        let start = page.find("\"end_id\":\"").expect("the page has an end_id") + 10;
        let len = page[start..].find('"').expect("the end_id is a string");
        harness.end_id = page[start..start + len].to_owned();
        harness
    }

    /// The page's `end_id`, as the renderer sends it back in `endId`.
    pub fn end_id(&self) -> &str {
        &self.end_id
    }

    fn send(&self, request: Request<Body>) -> Answer {
        self.runtime.block_on(async {
            let response = match self.router.clone().oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            let (parts, body) = response.into_parts();
            let body = to_bytes(body, usize::MAX)
                .await
                .expect("an in-process body reads whole");
            Answer {
                status: parts.status,
                content_type: parts
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
                body: body.to_vec(),
            }
        })
    }

    /// `POST /_dash-update-component?query` with `body`, as the renderer
    /// sends it (JSON, with the token cookie and header); `None` when the
    /// query cannot be part of a URI at all (no client could send it).
    pub fn post(&self, query: &str, body: Vec<u8>) -> Option<Answer> {
        let uri = if query.is_empty() {
            UPDATE.to_owned()
        } else {
            format!("{UPDATE}?{query}")
        };
        let request = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, format!("_csrf_token={CSRF_TOKEN}"))
            .header("x-csrftoken", CSRF_TOKEN)
            .body(Body::from(body))
            .ok()?;
        Some(self.send(request))
    }

    /// Lets the runtime run what the last requests spawned (background
    /// jobs) for a while.
    pub fn settle(&self) {
        self.runtime.block_on(async {
            for _ in 0..32 {
                tokio::task::yield_now().await;
            }
        });
    }
}

impl Answer {
    /// Panics unless this is a well-formed answer to client bytes: never a
    /// 5xx; a 200 is a JSON object, a 204 is empty, and a 4xx is the
    /// server's JSON refusal `{"error": code, "message": text}`.
    /// `what` describes the request, for the panic message.
    pub fn check(&self, what: &dyn std::fmt::Debug) {
        let text = String::from_utf8_lossy(&self.body);
        let status = self.status.as_u16();
        assert!(
            status < 500,
            "{status} for client bytes: {text}\nrequest: {what:?}"
        );
        match status {
            200 => {
                let json: Result<Value, _> = serde_json::from_slice(&self.body);
                assert!(
                    matches!(json, Ok(Value::Object(_))),
                    "a 200 that is not a JSON object: {text}\nrequest: {what:?}"
                );
            }
            204 => assert!(self.body.is_empty(), "a 204 with a body: {text}"),
            400..=499 => {
                assert_eq!(
                    self.content_type.as_deref(),
                    Some("application/json"),
                    "a {status} that is not JSON: {text}\nrequest: {what:?}"
                );
                let json: Value = serde_json::from_slice(&self.body).unwrap_or_else(|e| {
                    panic!("a {status} whose body is not JSON ({e}): {text}\nrequest: {what:?}")
                });
                assert!(
                    json["error"].is_string() && json["message"].is_string(),
                    "a {status} without error and message: {text}\nrequest: {what:?}"
                );
            }
            other => panic!("unexpected status {other}: {text}\nrequest: {what:?}"),
        }
    }
}
