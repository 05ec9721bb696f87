//! One simulated browser tab: logs in through the form, loads the report
//! page as Dash's renderer does, changes the filters, exports a CSV, runs a
//! background job, logs out, and again until the run's end.
//!
//! The requests are the renderer's: bodies, headers and order as headless
//! Chromium sends them for the report page (captured through a logging
//! proxy), clicks and background polls as `dash_renderer.min.js` builds
//! them (a poll repeats the start's body with every input and state value
//! set to `null`, and adds `cacheKey` and `job` to the query).

use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jiff::civil::Date;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom as _;
use rand::{Rng as _, SeedableRng as _};
use serde_json::{Map, Value, json};

use crate::stats::Recorder;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// The longest a background job is polled before it counts as an error.
const JOB_LIMIT: Duration = Duration::from_secs(600);

/// What every session shares.
#[derive(Debug)]
pub(crate) struct Shared {
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: String,
    /// Where everything is recorded.
    pub(crate) recorder: Arc<Recorder>,
    /// When the load started.
    pub(crate) started: Instant,
    /// When sessions stop starting visits (and cut short the one under way).
    pub(crate) deadline: Instant,
    /// The shortest and longest pause between a user's actions.
    pub(crate) think: (Duration, Duration),
    /// How many times a visit changes the days and then the projects.
    pub(crate) views: usize,
    /// How long one request may take before it counts as an error.
    pub(crate) timeout: Duration,
    /// When the next PDF export may start: one every this often, by the
    /// first customer whose visit reaches its job then.
    pub(crate) pdf: Option<(Duration, Mutex<Instant>)>,
}

impl Shared {
    fn at(&self) -> Duration {
        self.started.elapsed()
    }

    /// Whether this visit's job is a PDF export: the turn is taken when due.
    fn take_pdf_turn(&self) -> bool {
        let Some((every, next)) = &self.pdf else {
            return false;
        };
        let mut next = next.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        if now < *next {
            return false;
        }
        *next = now + *every;
        true
    }
}

/// Who a session logs in as.
#[derive(Debug, Clone)]
pub(crate) struct Login {
    /// The user name.
    pub(crate) name: String,
    /// The password.
    pub(crate) password: String,
    /// Whether the user is an admin (sees every customer, may "Run now").
    pub(crate) admin: bool,
}

/// Why a visit stopped early.
#[derive(Debug)]
struct Stop;

/// An answer's text for an error line: an HTML page's text without its
/// markup, styles and scripts.
fn readable(body: &str) -> String {
    if !body.contains("<html") {
        return body.to_owned();
    }
    let mut text = String::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        let tag = &rest[open..];
        let skip_to = ["<style", "<script"]
            .iter()
            .find(|t| tag.starts_with(**t))
            .map(|t| format!("</{}>", &t[1..]));
        let end = match skip_to {
            Some(close) => tag.find(&close).map(|i| i + close.len()),
            None => tag.find('>').map(|i| i + 1),
        };
        let Some(end) = end else { break };
        rest = &tag[end..];
    }
    text.push_str(rest);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A body to send.
enum Body {
    Form(String),
    Json(Value),
}

/// An answer, read whole.
struct Answer {
    status: u16,
    location: Option<String>,
    body: Bytes,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    fn detail(&self) -> String {
        format!("{} {}", self.status, self.text())
    }
}

/// A callback as `/_dash-dependencies` declares it.
#[derive(Debug, Clone)]
struct Spec {
    output: String,
    /// `(id, property)` of each output, `@` marks kept as the renderer does.
    outputs: Vec<(String, String)>,
    multi: bool,
    /// The poll interval of a background callback.
    interval: Option<Duration>,
}

impl Spec {
    fn of(entry: &Value) -> Option<Self> {
        let output = entry.get("output")?.as_str()?.to_owned();
        let multi = output.starts_with("..") && output.ends_with("..") && output.len() > 4;
        let inner = if multi {
            &output[2..output.len() - 2]
        } else {
            output.as_str()
        };
        let outputs = inner
            .split("...")
            .filter_map(|o| {
                let (id, property) = o.rsplit_once('.')?;
                Some((id.to_owned(), property.to_owned()))
            })
            .collect();
        let interval = entry
            .pointer("/background/interval")
            .and_then(Value::as_u64)
            .map(Duration::from_millis);
        Some(Self {
            output,
            outputs,
            multi,
            interval,
        })
    }

    /// The request body, keys in the renderer's order.
    fn body(&self, inputs: Vec<Value>, state: Vec<Value>, changed: &[&str]) -> Value {
        let outputs: Vec<Value> = self
            .outputs
            .iter()
            .map(|(id, property)| json!({"id": id, "property": property}))
            .collect();
        let mut body = Map::new();
        body.insert("output".into(), json!(self.output));
        body.insert(
            "outputs".into(),
            if self.multi {
                Value::Array(outputs)
            } else {
                outputs.into_iter().next().unwrap_or(Value::Null)
            },
        );
        body.insert("inputs".into(), Value::Array(inputs));
        body.insert("changedPropIds".into(), json!(changed));
        body.insert("parsedChangedPropsIds".into(), json!(changed));
        if !state.is_empty() {
            body.insert("state".into(), Value::Array(state));
        }
        Value::Object(body)
    }
}

/// The value at `pointer` in `value`, `null` when there is none.
fn at<'v>(value: &'v Value, pointer: &str) -> &'v Value {
    static NULL: Value = Value::Null;
    value.pointer(pointer).unwrap_or(&NULL)
}

/// `{"id", "property"}` with `"value"` only when the page has one (the
/// renderer leaves out undefined values).
fn prop(id: &str, property: &str, value: Option<&Value>) -> Value {
    let mut entry = Map::new();
    entry.insert("id".into(), json!(id));
    entry.insert("property".into(), json!(property));
    if let Some(value) = value {
        entry.insert("value".into(), value.clone());
    }
    Value::Object(entry)
}

/// The props of the component with `id` in a layout tree.
fn props_of<'v>(tree: &'v Value, id: &str) -> Option<&'v Map<String, Value>> {
    match tree {
        Value::Object(map) => {
            if let Some(props) = map.get("props").and_then(Value::as_object)
                && props.get("id").and_then(Value::as_str) == Some(id)
            {
                return Some(props);
            }
            map.values().find_map(|v| props_of(v, id))
        }
        Value::Array(items) => items.iter().find_map(|v| props_of(v, id)),
        _ => None,
    }
}

/// The callbacks a visit calls, found in `/_dash-dependencies`.
#[derive(Debug)]
struct Specs {
    pages: Spec,
    account_options: Spec,
    project_options: Spec,
    report: Spec,
    csv: Spec,
    pdf: Spec,
    history: Spec,
    run_now: Spec,
}

impl Specs {
    fn of(dependencies: &Value) -> Result<Self, String> {
        let all: Vec<Spec> = dependencies
            .as_array()
            .ok_or("not a list")?
            .iter()
            .filter_map(Spec::of)
            .collect();
        let find = |part: &str| {
            all.iter()
                .find(|s| s.output.contains(part))
                .cloned()
                .ok_or_else(|| format!("no callback with output {part}"))
        };
        Ok(Self {
            pages: find("_pages_content.children")?,
            account_options: find("account.options")?,
            project_options: find("projects.options")?,
            report: find("view-title.children")?,
            csv: find("download-csv.data")?,
            pdf: find("download-pdf.data")?,
            history: find("runs-table.children")?,
            run_now: find("run-now-status.children")?,
        })
    }
}

/// The report's filters as the page holds them (`None`: undefined).
#[derive(Debug, Clone, Default)]
struct View {
    account: Option<Value>,
    start: Option<Value>,
    end: Option<Value>,
    projects: Option<Value>,
    /// The project options shown.
    project_ids: Vec<Value>,
    /// The account options shown (admins pick one).
    account_ids: Vec<Value>,
    /// The first and last day the picker allows.
    bounds: Option<(Date, Date)>,
}

impl View {
    fn inputs(&self, theme: Option<&Value>, data_version: Option<&Value>) -> Vec<Value> {
        vec![
            prop("account", "value", self.account.as_ref()),
            prop("days", "start_date", self.start.as_ref()),
            prop("days", "end_date", self.end.as_ref()),
            prop("projects", "value", self.projects.as_ref()),
            prop("theme", "data", theme),
            prop("data-version", "data", data_version),
        ]
    }

    fn state(&self) -> Vec<Value> {
        vec![
            prop("account", "value", self.account.as_ref()),
            prop("days", "start_date", self.start.as_ref()),
            prop("days", "end_date", self.end.as_ref()),
            prop("projects", "value", self.projects.as_ref()),
        ]
    }
}

/// One page load: what later requests of the page need.
#[derive(Debug)]
struct Page {
    end_id: String,
    specs: Specs,
    theme: Option<Value>,
    data_version: Option<Value>,
}

/// A browser tab of one user.
pub(crate) struct Session {
    shared: Arc<Shared>,
    client: HttpClient,
    jar: Vec<(String, String)>,
    rng: StdRng,
    login: Login,
    address: IpAddr,
}

impl Session {
    /// A tab of `login`'s, connecting from `address` (a loopback address of
    /// its own, as each user's browser has its own), with its own seed.
    pub(crate) fn new(shared: Arc<Shared>, login: Login, address: IpAddr, seed: u64) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_local_address(Some(address));
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            // Below the server's 30 s idle limit, so no request is sent on a
            // connection the server is closing.
            .pool_idle_timeout(Duration::from_secs(20))
            .build(connector);
        Self {
            shared,
            client,
            jar: Vec::new(),
            rng: StdRng::seed_from_u64(seed),
            login,
            address,
        }
    }

    /// Visits until the deadline.
    pub(crate) async fn run(mut self) {
        let mut form = "/login";
        while Instant::now() < self.shared.deadline {
            if self.visit(form).await.is_ok() {
                self.shared.recorder.visit_done();
            } else {
                // As a user would: wait, then start again from the form.
                self.think().await;
            }
            // Logging out lands on the form.
            form = "/login?logged_out=1";
        }
    }

    fn cookie(&self, name: &str) -> Option<&str> {
        self.jar
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn keep_cookies(&mut self, headers: &hyper::HeaderMap) {
        for set in headers.get_all(hyper::header::SET_COOKIE) {
            let Ok(set) = set.to_str() else { continue };
            let mut parts = set.split(';');
            let Some((name, value)) = parts.next().and_then(|p| p.trim().split_once('=')) else {
                continue;
            };
            let removed =
                value.is_empty() || parts.any(|a| a.trim().eq_ignore_ascii_case("max-age=0"));
            self.jar.retain(|(n, _)| n != name);
            if !removed {
                self.jar.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    /// A pause between two actions of the user.
    async fn think(&mut self) {
        let (low, high) = self.shared.think;
        let pause = if high > low {
            self.rng.random_range(low..=high)
        } else {
            low
        };
        tokio::time::sleep(pause).await;
    }

    fn past_deadline(&self) -> bool {
        Instant::now() >= self.shared.deadline
    }

    fn error(&self, step: &'static str, reason: &str, detail: &str) -> Stop {
        let detail = format!(
            "{} ({}): {}",
            self.login.name,
            self.address,
            readable(detail)
        );
        self.shared
            .recorder
            .error(step, self.shared.at(), reason, &detail);
        Stop
    }

    /// Sends one request as the browser would, records its latency, and
    /// gives the answer (any status; connection errors and timeouts are
    /// recorded errors).
    async fn send(
        &mut self,
        step: &'static str,
        path: &str,
        body: Option<Body>,
    ) -> Result<Answer, Stop> {
        let uri = format!("{}{path}", self.shared.base);
        let mut builder = hyper::Request::builder().uri(&uri);
        if !self.jar.is_empty() {
            let cookies: Vec<String> = self.jar.iter().map(|(n, v)| format!("{n}={v}")).collect();
            builder = builder.header("cookie", cookies.join("; "));
        }
        let request = match body {
            None => builder
                .method("GET")
                .header("accept", "*/*")
                .body(Full::new(Bytes::new())),
            Some(Body::Form(form)) => builder
                .method("POST")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("origin", &self.shared.base)
                .body(Full::new(Bytes::from(form))),
            Some(Body::Json(json)) => {
                // The renderer's double submit: the cookie's value, as a header.
                let token = self.cookie("_csrf_token").unwrap_or_default().to_owned();
                builder
                    .method("POST")
                    .header("accept", "application/json")
                    .header("content-type", "application/json")
                    .header("x-csrftoken", token)
                    .header("origin", &self.shared.base)
                    .body(Full::new(Bytes::from(json.to_string())))
            }
        };
        let request = request.map_err(|e| self.error(step, "request not built", &e.to_string()))?;
        let sent = Instant::now();
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| format!("{e:?}"))?;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| format!("reading the body: {e}"))?
                .to_bytes();
            Ok::<_, String>((parts, body))
        };
        let outcome = tokio::time::timeout(self.shared.timeout, exchange).await;
        let took = sent.elapsed();
        let (parts, body) = match outcome {
            Ok(Ok(answer)) => answer,
            Ok(Err(e)) => {
                self.shared
                    .recorder
                    .unanswered(step, self.shared.at(), &format!("{path}: {e}"));
                return Err(Stop);
            }
            Err(_) => {
                self.shared.recorder.unanswered(
                    step,
                    self.shared.at(),
                    &format!("{path}: no answer within {:?}", self.shared.timeout),
                );
                return Err(Stop);
            }
        };
        self.shared.recorder.answered(step, took);
        self.keep_cookies(&parts.headers);
        Ok(Answer {
            status: parts.status.as_u16(),
            location: parts
                .headers
                .get(hyper::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body,
        })
    }

    /// A GET that must answer 200.
    async fn get_ok(&mut self, step: &'static str, path: &str) -> Result<Answer, Stop> {
        let answer = self.send(step, path, None).await?;
        if answer.status != 200 {
            return Err(self.error(step, &format!("status {}", answer.status), &answer.detail()));
        }
        Ok(answer)
    }

    /// A callback request that must answer 200 with JSON.
    async fn callback(
        &mut self,
        step: &'static str,
        query: &str,
        body: Value,
    ) -> Result<Value, Stop> {
        let path = format!("/_dash-update-component?{query}");
        let answer = self.send(step, &path, Some(Body::Json(body))).await?;
        if answer.status != 200 {
            return Err(self.error(step, &format!("status {}", answer.status), &answer.detail()));
        }
        answer
            .json()
            .ok_or_else(|| self.error(step, "not JSON", &answer.detail()))
    }

    /// One visit: log in, use the page, log out (also after an error).
    async fn visit(&mut self, form: &str) -> Result<(), Stop> {
        let token = self.log_in(form).await?;
        let used = self.use_page().await;
        let out = self.log_out(&token).await;
        used.and(out)
    }

    /// The login form, a pause, and the form sent: the CSRF token of the
    /// hidden field (equal to the `_csrf_token` cookie).
    async fn log_in(&mut self, form: &str) -> Result<String, Stop> {
        let page = self.get_ok("login_form", form).await?;
        let html = page.text();
        let field = html
            .split_once("name=\"csrf_token\" value=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(token, _)| token.to_owned())
            .ok_or_else(|| self.error("login_form", "no csrf_token field", &page.detail()))?;
        if self.cookie("_csrf_token") != Some(field.as_str()) {
            return Err(self.error(
                "login_form",
                "the form's token is not the cookie's",
                &format!("{field} against {:?}", self.cookie("_csrf_token")),
            ));
        }
        self.think().await;
        let form = format!(
            "csrf_token={field}&next=%2F&username={}&password={}",
            self.login.name, self.login.password
        );
        let answer = self.send("login", "/login", Some(Body::Form(form))).await?;
        if answer.status != 303 || answer.location.as_deref() != Some("/") {
            return Err(self.error(
                "login",
                &format!("status {}", answer.status),
                &answer.detail(),
            ));
        }
        if self.cookie("ferrodash_session").is_none() {
            return Err(self.error("login", "no session cookie", &answer.detail()));
        }
        self.shared.recorder.logged_in();
        Ok(field)
    }

    /// `POST /logout` with the form's token: back to the login form.
    async fn log_out(&mut self, token: &str) -> Result<(), Stop> {
        let answer = self
            .send(
                "logout",
                "/logout",
                Some(Body::Form(format!("csrf_token={token}"))),
            )
            .await?;
        if answer.status != 303
            || answer.location.as_deref() != Some("/login?logged_out=1")
            || self.cookie("ferrodash_session").is_some()
        {
            return Err(self.error(
                "logout",
                &format!("status {}", answer.status),
                &answer.detail(),
            ));
        }
        Ok(())
    }

    /// The report page as the renderer loads it: the page, its
    /// dependencies and layout, then the callbacks the page fires.
    async fn load_page(&mut self) -> Result<(Page, View), Stop> {
        let index = self.get_ok("page", "/").await?;
        let html = index.text();
        let end_id = html
            .split_once("\"end_id\":\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(id, _)| id.to_owned())
            .ok_or_else(|| self.error("page", "no end_id", &index.detail()))?;
        let deps = self.get_ok("dependencies", "/_dash-dependencies").await?;
        let specs = deps
            .json()
            .ok_or_else(|| "not JSON".to_owned())
            .and_then(|d| Specs::of(&d))
            .map_err(|e| self.error("dependencies", &e, &deps.detail()))?;
        let layout = self.get_ok("layout", "/_dash-layout").await?;
        let layout = layout
            .json()
            .ok_or_else(|| self.error("layout", "not JSON", &layout.detail()))?;
        let theme = props_of(&layout, "theme").and_then(|p| p.get("data").cloned());
        let data_version = props_of(&layout, "data-version").and_then(|p| p.get("data").cloned());
        let page = Page {
            end_id,
            specs,
            theme,
            data_version,
        };
        let query = format!("endId={}", page.end_id);

        // `_pages_location` mounts: the page's content.
        let body = page.specs.pages.body(
            vec![
                prop("_pages_location", "pathname", Some(&json!("/"))),
                prop("_pages_location", "search", Some(&json!(""))),
            ],
            vec![],
            &["_pages_location.pathname", "_pages_location.search"],
        );
        let content = self.callback("cb_pages", &query, body).await?;
        let days = props_of(at(&content, "/response/_pages_content/children"), "days")
            .cloned()
            .ok_or_else(|| self.error("cb_pages", "no date picker", &content.to_string()))?;
        let day = |key: &str| {
            days.get(key)
                .and_then(Value::as_str)
                .and_then(|d| d.parse().ok())
        };
        let mut view = View {
            start: days.get("start_date").cloned(),
            end: days.get("end_date").cloned(),
            bounds: day("min_date_allowed").zip(day("max_date_allowed")),
            ..View::default()
        };

        // The initial calls of the callbacks whose inputs are now on the page.
        let body = page.specs.account_options.body(
            vec![prop("_pages_location", "pathname", Some(&json!("/")))],
            vec![
                prop("account", "value", view.account.as_ref()),
                prop("_pages_location", "search", Some(&json!(""))),
            ],
            &[],
        );
        let accounts = self.callback("cb_account_options", &query, body).await?;
        view.account_ids = at(&accounts, "/response/account/options")
            .as_array()
            .map(|o| {
                o.iter()
                    .map(|a| at(a, "/value").clone())
                    .filter(|a| a != "*")
                    .collect()
            })
            .unwrap_or_default();
        if view.account_ids.is_empty() {
            return Err(self.error(
                "cb_account_options",
                "no account to see",
                &accounts.to_string(),
            ));
        }
        self.project_options(&page, &mut view, &[]).await?;
        self.report(&page, &view, "cb_report", &[]).await?;
        Ok((page, view))
    }

    /// The project filter's options for the view's account.
    async fn project_options(
        &mut self,
        page: &Page,
        view: &mut View,
        changed: &[&str],
    ) -> Result<(), Stop> {
        let body = page.specs.project_options.body(
            vec![prop("account", "value", view.account.as_ref())],
            vec![
                prop("projects", "value", view.projects.as_ref()),
                prop("_pages_location", "search", Some(&json!(""))),
            ],
            changed,
        );
        let query = format!("endId={}", page.end_id);
        let answer = self.callback("cb_project_options", &query, body).await?;
        // The callback sets the picker's value with its options, as the
        // page then holds it.
        let value = at(&answer, "/response/projects/value");
        if !value.is_null() {
            view.projects = Some(value.clone());
        }
        view.project_ids = at(&answer, "/response/projects/options")
            .as_array()
            .map(|o| o.iter().map(|p| at(p, "/value").clone()).collect())
            .unwrap_or_default();
        if view.project_ids.is_empty() {
            return Err(self.error("cb_project_options", "no projects", &answer.to_string()));
        }
        Ok(())
    }

    /// The report callback for the view.
    async fn report(
        &mut self,
        page: &Page,
        view: &View,
        step: &'static str,
        changed: &[&str],
    ) -> Result<(), Stop> {
        let body = page.specs.report.body(
            view.inputs(page.theme.as_ref(), page.data_version.as_ref()),
            vec![],
            changed,
        );
        let query = format!("endId={}", page.end_id);
        let answer = self.callback(step, &query, body).await?;
        let title = at(&answer, "/response/view-title/children")
            .as_str()
            .unwrap_or_default();
        let figures = at(&answer, "/response/by-month/figure/data").is_array();
        if title.is_empty() || title.starts_with("No customer") || !figures {
            return Err(self.error(step, "no report", &answer.to_string()));
        }
        Ok(())
    }

    /// Days a user picks: one of the ranges people look at.
    fn pick_days(&mut self, view: &mut View) {
        let Some((first, last)) = view.bounds else {
            return;
        };
        let back = |days: i64| {
            last.checked_sub(jiff::Span::new().days(days - 1))
                .unwrap_or(first)
                .max(first)
        };
        let month_start = last.first_of_month();
        let previous_end = month_start.yesterday().unwrap_or(last).max(first);
        let (from, to) = match self.rng.random_range(0..6) {
            0 => (back(7), last),
            1 => (back(30), last),
            2 => (back(92), last),
            3 => (first, last),
            4 => (month_start.max(first), last),
            _ => (previous_end.first_of_month().max(first), previous_end),
        };
        view.start = Some(json!(from.to_string()));
        view.end = Some(json!(to.to_string()));
    }

    /// What a user does on the report page after it loaded.
    async fn use_page(&mut self) -> Result<(), Stop> {
        let (page, mut view) = self.load_page().await?;
        let query = format!("endId={}", page.end_id);
        if self.login.admin {
            // Admins pick a customer: its projects and its report.
            self.think().await;
            if self.past_deadline() {
                return Ok(());
            }
            view.account = view.account_ids.choose(&mut self.rng).cloned();
            view.projects = None;
            self.project_options(&page, &mut view, &["account.value"])
                .await?;
            self.report(&page, &view, "cb_report_account", &["account.value"])
                .await?;
        }
        for _ in 0..self.shared.views {
            self.think().await;
            if self.past_deadline() {
                return Ok(());
            }
            self.pick_days(&mut view);
            self.report(
                &page,
                &view,
                "cb_report_days",
                &["days.start_date", "days.end_date"],
            )
            .await?;

            self.think().await;
            if self.past_deadline() {
                return Ok(());
            }
            let how_many = self.rng.random_range(1..=3).min(view.project_ids.len());
            let picked: Vec<Value> = view
                .project_ids
                .choose_multiple(&mut self.rng, how_many)
                .cloned()
                .collect();
            view.projects = Some(Value::Array(picked));
            self.report(&page, &view, "cb_report_projects", &["projects.value"])
                .await?;
        }

        self.think().await;
        if self.past_deadline() {
            return Ok(());
        }
        let body = page.specs.csv.body(
            vec![prop("export-csv", "n_clicks", Some(&json!(1)))],
            view.state(),
            &["export-csv.n_clicks"],
        );
        let answer = self.callback("cb_export_csv", &query, body).await?;
        let csv = at(&answer, "/response/download-csv/data/content")
            .as_str()
            .unwrap_or_default();
        if !csv.starts_with("day,account,project") {
            return Err(self.error("cb_export_csv", "no CSV", &answer.to_string()));
        }

        self.think().await;
        if self.past_deadline() {
            return Ok(());
        }
        if self.login.admin {
            self.run_now(&page).await?;
        } else if self.shared.take_pdf_turn() {
            self.export_pdf(&page, &view).await?;
        }
        self.think().await;
        Ok(())
    }

    /// The PDF export: a background job printing the view in Chromium.
    async fn export_pdf(&mut self, page: &Page, view: &View) -> Result<(), Stop> {
        let body = page.specs.pdf.body(
            vec![prop("export-pdf", "n_clicks", Some(&json!(1)))],
            view.state(),
            &["export-pdf.n_clicks"],
        );
        let spec = page.specs.pdf.clone();
        let answer = self.background("pdf", &spec, &page.end_id, body).await?;
        let pdf = at(&answer, "/response/download-pdf/data/content")
            .as_str()
            .unwrap_or_default();
        if pdf.is_empty() {
            return Err(self.error("job_poll_pdf", "no PDF", &answer.to_string()));
        }
        Ok(())
    }

    /// An admin opens the admin page and clicks "Run now": a background job
    /// running the ingestion (or answering that a run is under way).
    async fn run_now(&mut self, page: &Page) -> Result<(), Stop> {
        let query = format!("endId={}", page.end_id);
        // The link to /admin: the pages callback and the account options
        // fire on the new pathname.
        let body = page.specs.pages.body(
            vec![
                prop("_pages_location", "pathname", Some(&json!("/admin"))),
                prop("_pages_location", "search", Some(&json!(""))),
            ],
            vec![],
            &["_pages_location.pathname"],
        );
        let content = self.callback("cb_pages", &query, body).await?;
        let tree = at(&content, "/response/_pages_content/children");
        if props_of(tree, "run-now").is_none() {
            return Err(self.error("cb_pages", "no admin page", &content.to_string()));
        }
        let ticks = props_of(tree, "runs-refresh").and_then(|p| p.get("n_intervals").cloned());
        let status = props_of(tree, "run-now-status").and_then(|p| p.get("children").cloned());
        let body = page.specs.account_options.body(
            vec![prop("_pages_location", "pathname", Some(&json!("/admin")))],
            vec![
                prop("account", "value", None),
                prop("_pages_location", "search", Some(&json!(""))),
            ],
            &["_pages_location.pathname"],
        );
        self.callback("cb_account_options", &query, body).await?;
        let history = |status: Option<&Value>, changed: &[&str]| {
            page.specs.history.body(
                vec![
                    prop("runs-refresh", "n_intervals", ticks.as_ref()),
                    prop("run-now-status", "children", status),
                ],
                vec![],
                changed,
            )
        };
        let body = history(status.as_ref(), &[]);
        self.callback("cb_history", &query, body).await?;

        self.think().await;
        let body = page.specs.run_now.body(
            vec![prop("run-now", "n_clicks", Some(&json!(1)))],
            vec![],
            &["run-now.n_clicks"],
        );
        let spec = page.specs.run_now.clone();
        let answer = self
            .background("run_now", &spec, &page.end_id, body)
            .await?;
        let said = at(&answer, "/response/run-now-status/children").clone();
        let text = said.as_str().unwrap_or_default();
        let fine = (text.starts_with("Run ") && text.contains(" records, "))
            || text == "A run is already in progress.";
        if !fine {
            return Err(self.error("job_poll_run_now", "the run failed", text));
        }
        // The status changed: the history redraws.
        let body = history(Some(&said), &["run-now-status.children"]);
        self.callback("cb_history", &query, body).await?;
        Ok(())
    }

    /// A background callback as the renderer runs it: the start, then a
    /// poll every interval (same body, every value `null`, with the job's
    /// handles in the query) until the answer has a `response`.
    async fn background(
        &mut self,
        kind: &'static str,
        spec: &Spec,
        end_id: &str,
        body: Value,
    ) -> Result<Value, Stop> {
        let (start_step, poll_step) = match kind {
            "pdf" => ("job_start_pdf", "job_poll_pdf"),
            _ => ("job_start_run_now", "job_poll_run_now"),
        };
        let began = Instant::now();
        let mut poll = body.clone();
        for key in ["inputs", "state"] {
            if let Some(items) = poll.get_mut(key).and_then(Value::as_array_mut) {
                for item in items {
                    item["value"] = Value::Null;
                }
            }
        }
        let started = self
            .callback(start_step, &format!("endId={end_id}"), body)
            .await?;
        let handle = |name: &str| started.get(name).and_then(Value::as_str);
        let (Some(cache_key), Some(job)) = (handle("cacheKey"), handle("job")) else {
            return Err(self.error(start_step, "no job handles", &started.to_string()));
        };
        let query = format!("endId={end_id}&cacheKey={cache_key}&job={job}");
        let interval = spec.interval.unwrap_or(Duration::from_millis(500));
        loop {
            tokio::time::sleep(interval).await;
            let answer = self.callback(poll_step, &query, poll.clone()).await?;
            if answer.get("response").is_some() {
                self.shared.recorder.job(kind, began.elapsed());
                return Ok(answer);
            }
            if began.elapsed() > JOB_LIMIT {
                return Err(self.error(poll_step, "the job did not end", &answer.to_string()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Spec, props_of, readable};

    #[test]
    fn bodies_are_the_renderers() {
        let spec =
            Spec::of(&json!({"output": "..a.b...c.d@x1..", "background": {"interval": 250}}))
                .unwrap();
        assert_eq!(
            spec.body(vec![json!({"id": "i", "property": "p"})], vec![], &["i.p"])
                .to_string(),
            r#"{"output":"..a.b...c.d@x1..","outputs":[{"id":"a","property":"b"},{"id":"c","property":"d@x1"}],"inputs":[{"id":"i","property":"p"}],"changedPropIds":["i.p"],"parsedChangedPropsIds":["i.p"]}"#
        );
        assert_eq!(spec.interval, Some(std::time::Duration::from_millis(250)));
        let single = Spec::of(&json!({"output": "projects.options"})).unwrap();
        assert_eq!(
            single.body(vec![], vec![json!(1)], &[]).to_string(),
            r#"{"output":"projects.options","outputs":{"id":"projects","property":"options"},"inputs":[],"changedPropIds":[],"parsedChangedPropsIds":[],"state":[1]}"#
        );
        let tree =
            json!({"props": {"children": [{"props": {"id": "days", "end_date": "2026-12-03"}}]}});
        assert_eq!(props_of(&tree, "days").unwrap()["end_date"], "2026-12-03");
        assert_eq!(
            readable(
                "<html><head><style>p{x:1}</style></head><body><p>Too many</p> <b>logins</b></body></html>"
            ),
            "Too many logins"
        );
    }
}
