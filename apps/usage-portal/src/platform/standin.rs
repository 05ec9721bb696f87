//! A stand-in for the media platform's HTTP API, serving [`Synthetic`]
//! data: the portal starts one on a loopback port when no platform URL is
//! configured, and the tests drive ingestion against it over HTTP.
//!
//! Routes (all `GET`, all behind `Authorization: Bearer <token>`):
//!
//! - `/v1/accounts?cursor=&limit=`: customer accounts;
//! - `/v1/projects?cursor=&limit=`: projects;
//! - `/v1/usage?from=YYYY-MM-DD&to=YYYY-MM-DD&cursor=&limit=`: daily usage
//!   records of those days, by day, project and user.
//!
//! Every answer is a page `{"data": [...], "next_cursor": "..." | null}`.
//! `limit` is 1 to 10,000 (default 5,000). A wrong token gets 401, a bad
//! parameter 400 naming it. [`Faults`] make it misbehave on purpose, for
//! tests and demonstrations: failures with a status, and a malformed
//! record.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ferrodash::axum::extract::{Query, State};
use ferrodash::axum::http::{HeaderMap, StatusCode, header};
use ferrodash::axum::response::{IntoResponse, Response};
use ferrodash::axum::routing::get;
use ferrodash::axum::{self, Router};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::records::Page;
use super::synthetic::Synthetic;

/// The most items a page holds.
pub const MAX_LIMIT: usize = 10_000;

/// Items per page when the request names no `limit`.
pub const DEFAULT_LIMIT: usize = 5_000;

/// Misbehaviour on demand.
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<FaultState>,
    requests: AtomicU64,
    delay_ms: AtomicU64,
}

#[derive(Debug, Default)]
struct FaultState {
    /// The next requests fail with these statuses, first to last.
    failures: Vec<StatusCode>,
    /// Records sent with a field of the wrong type.
    corrupt: Vec<String>,
}

impl Faults {
    fn state(&self) -> std::sync::MutexGuard<'_, FaultState> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next `count` requests answer `status` (with `Retry-After: 0` on
    /// a 429) before the API answers normally again.
    pub fn fail_next(&self, count: usize, status: StatusCode) {
        self.state()
            .failures
            .extend(std::iter::repeat_n(status, count));
    }

    /// The record with this id is sent with `ingested_seconds` as text, as
    /// an API whose schema changed would.
    pub fn corrupt_record(&self, id: impl Into<String>) {
        self.state().corrupt.push(id.into());
    }

    /// Every answer waits `delay` first, as a slow platform's would.
    pub fn delay(&self, delay: std::time::Duration) {
        self.delay_ms.store(
            u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    /// Ends every fault.
    pub fn clear(&self) {
        let mut state = self.state();
        state.failures.clear();
        state.corrupt.clear();
        self.delay_ms.store(0, Ordering::Relaxed);
    }

    async fn pause(&self) {
        let ms = self.delay_ms.load(Ordering::Relaxed);
        if ms > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
    }

    /// How many requests the API has had, failed ones included.
    #[must_use]
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

/// The stand-in API.
#[derive(Debug, Clone)]
pub struct StandIn {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    data: Synthetic,
    token: String,
    first_day: Date,
    last_day: Date,
    faults: Faults,
}

/// `cursor` and `limit`, and for usage the days.
#[derive(Debug, Deserialize)]
struct ListParams {
    cursor: Option<String>,
    limit: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// A JSON answer.
fn json_answer<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// An answer with an error code and a message naming the problem.
fn problem(status: StatusCode, code: &str, message: &str) -> Response {
    json_answer(status, &json!({"error": code, "message": message}))
}

/// A request parameter that is not right: a 400 naming it.
#[derive(Debug)]
struct BadParam(String);

impl IntoResponse for BadParam {
    fn into_response(self) -> Response {
        problem(StatusCode::BAD_REQUEST, "invalid_parameter", &self.0)
    }
}

fn bad_param(name: &str, why: &str) -> BadParam {
    BadParam(format!("`{name}` {why}"))
}

fn limit_of(params: &ListParams) -> Result<usize, BadParam> {
    match &params.limit {
        None => Ok(DEFAULT_LIMIT),
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(bad_param("limit", "must be a whole number from 1 to 10000")),
        },
    }
}

fn day_of(name: &str, value: Option<&String>) -> Result<Date, BadParam> {
    let Some(text) = value else {
        return Err(bad_param(name, "is required (a YYYY-MM-DD day)"));
    };
    text.parse()
        .map_err(|_| bad_param(name, "must be a YYYY-MM-DD day"))
}

/// A page of a list held whole, from an offset cursor.
fn page_of<T: Serialize + Clone>(items: &[T], params: &ListParams) -> Response {
    let limit = match limit_of(params) {
        Ok(limit) => limit,
        Err(answer) => return answer.into_response(),
    };
    let start = match &params.cursor {
        None => 0,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if n <= items.len() => n,
            _ => return bad_param("cursor", "is not a cursor this API gave").into_response(),
        },
    };
    let end = (start + limit).min(items.len());
    let page = Page {
        data: items.get(start..end).unwrap_or_default().to_vec(),
        next_cursor: (end < items.len()).then(|| end.to_string()),
    };
    json_answer(StatusCode::OK, &page)
}

impl StandIn {
    /// The API over `data`, answering requests that carry `token`, with
    /// records for the `days` days up to and including `last_day`.
    #[must_use]
    pub fn new(data: Synthetic, token: impl Into<String>, last_day: Date, days: u32) -> Self {
        let back = jiff::Span::new().days(i64::from(days.max(1)) - 1);
        let first_day = last_day.checked_sub(back).unwrap_or(last_day);
        Self {
            inner: Arc::new(Inner {
                data,
                token: token.into(),
                first_day,
                last_day,
                faults: Faults::default(),
            }),
        }
    }

    /// The first day with records.
    #[must_use]
    pub fn first_day(&self) -> Date {
        self.inner.first_day
    }

    /// The last day with records.
    #[must_use]
    pub fn last_day(&self) -> Date {
        self.inner.last_day
    }

    /// The data it serves.
    #[must_use]
    pub fn data(&self) -> &Synthetic {
        &self.inner.data
    }

    /// Its faults, to switch on and off.
    #[must_use]
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// Its routes.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/v1/accounts", get(accounts))
            .route("/v1/projects", get(projects))
            .route("/v1/usage", get(usage))
            .with_state(self.clone())
    }

    /// Serves the API on a free loopback port and returns its base URL,
    /// such as `http://127.0.0.1:40123`; it runs until the program ends.
    ///
    /// # Errors
    ///
    /// When no loopback port can be bound.
    pub async fn spawn(&self) -> std::io::Result<String> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let router = self.router();
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "the stand-in platform API stopped");
            }
        });
        Ok(format!("http://{addr}"))
    }

    /// The answer to refuse the request with, if any: a fault, or a wrong
    /// token.
    async fn refusal(&self, headers: &HeaderMap) -> Option<Response> {
        let faults = &self.inner.faults;
        faults.pause().await;
        faults.requests.fetch_add(1, Ordering::Relaxed);
        let failure = {
            let mut state = faults.state();
            (!state.failures.is_empty()).then(|| state.failures.remove(0))
        };
        if let Some(status) = failure {
            let mut answer = problem(status, "unavailable", "the platform is busy, try again");
            if status == StatusCode::TOO_MANY_REQUESTS {
                answer
                    .headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from_static("0"));
            }
            return Some(answer);
        }
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if sent != Some(self.inner.token.as_str()) {
            return Some(problem(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "the API token is missing or not valid",
            ));
        }
        None
    }

    /// A page of usage records of `from..=to`, from a `day.index` cursor.
    fn usage_page(&self, params: &ListParams) -> Result<Value, BadParam> {
        let from = day_of("from", params.from.as_ref())?;
        let to = day_of("to", params.to.as_ref())?;
        if to < from {
            return Err(bad_param("to", "must not be before `from`"));
        }
        let limit = limit_of(params)?;
        let (mut day, mut skip) = match &params.cursor {
            None => (from.max(self.inner.first_day), 0),
            Some(text) => {
                let parsed = text
                    .split_once('.')
                    .and_then(|(d, i)| Some((d.parse::<Date>().ok()?, i.parse::<usize>().ok()?)));
                match parsed {
                    Some((d, i)) if d >= from && d <= to => (d, i),
                    _ => return Err(bad_param("cursor", "is not a cursor this API gave")),
                }
            }
        };
        let last = to.min(self.inner.last_day);
        let mut data = Vec::with_capacity(limit);
        let mut next_cursor = None;
        while day <= last {
            let records = self.inner.data.day(day);
            let room = limit - data.len();
            let rest = records.get(skip..).unwrap_or_default();
            if let Some((page, more)) = rest.split_at_checked(room)
                && !more.is_empty()
            {
                data.extend_from_slice(page);
                next_cursor = Some(format!("{day}.{}", skip + room));
                break;
            }
            data.extend_from_slice(rest);
            skip = 0;
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
            if data.len() == limit && day <= last {
                next_cursor = Some(format!("{day}.0"));
                break;
            }
        }
        let mut page = json!({"data": data, "next_cursor": next_cursor});
        let corrupt = self.inner.faults.state().corrupt.clone();
        if !corrupt.is_empty()
            && let Some(Value::Array(items)) = page.get_mut("data")
        {
            for item in items {
                let hit = item
                    .get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|id| corrupt.iter().any(|c| c == id));
                if hit {
                    item["ingested_seconds"] = json!("a lot");
                }
            }
        }
        Ok(page)
    }
}

/// A listing held whole: accounts or projects.
async fn listing<T: Serialize + Clone>(
    api: &StandIn,
    headers: &HeaderMap,
    params: &ListParams,
    items: impl FnOnce(&Synthetic) -> Vec<T>,
) -> Response {
    match api.refusal(headers).await {
        Some(refusal) => refusal,
        None => page_of(&items(api.data()), params),
    }
}

async fn accounts(
    State(api): State<StandIn>,
    headers: HeaderMap,
    Query(params): Query<ListParams>,
) -> Response {
    listing(&api, &headers, &params, |data| data.accounts().to_vec()).await
}

async fn projects(
    State(api): State<StandIn>,
    headers: HeaderMap,
    Query(params): Query<ListParams>,
) -> Response {
    listing(&api, &headers, &params, Synthetic::projects).await
}

async fn usage(
    State(api): State<StandIn>,
    headers: HeaderMap,
    Query(params): Query<ListParams>,
) -> Response {
    if let Some(refusal) = api.refusal(&headers).await {
        return refusal;
    }
    match api.usage_page(&params) {
        Ok(page) => json_answer(StatusCode::OK, &page),
        Err(answer) => answer.into_response(),
    }
}
