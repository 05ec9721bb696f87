//! The platform API's client: pages through accounts, projects and usage
//! records, retries what is worth retrying (429, 5xx, a connection that
//! fails or times out) with exponential backoff, and checks every record
//! before anything is written.

use std::fmt;
use std::time::Duration;

use jiff::civil::Date;
use rand::Rng as _;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::records::{Account, Page, Project, RecordProblem, UsageRecord};

/// The largest answer read, in bytes: a page of 10,000 records is about
/// 4 MB.
const MAX_ANSWER_BYTES: usize = 64 * 1024 * 1024;

/// The most pages one listing may take: a cursor that never ends is an
/// error, not a loop.
const MAX_PAGES: usize = 100_000;

/// Where the platform is and how to talk to it.
#[derive(Clone)]
#[non_exhaustive]
pub struct ClientConfig {
    /// The API's base URL, such as `https://api.example.com`.
    pub base_url: url::Url,
    /// The API token, sent as `Authorization: Bearer <token>`.
    pub token: String,
    /// How long one request may take, connection included.
    pub timeout: Duration,
    /// How many times a failed request is tried again.
    pub retries: u32,
    /// The wait before the first retry; it doubles each time (with
    /// jitter), up to [`max_backoff`](Self::max_backoff).
    pub backoff: Duration,
    /// The longest wait between two tries.
    pub max_backoff: Duration,
    /// Items asked for per page.
    pub page_limit: usize,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url.as_str())
            .field("token", &"[redacted]")
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("backoff", &self.backoff)
            .field("max_backoff", &self.max_backoff)
            .field("page_limit", &self.page_limit)
            .finish()
    }
}

impl ClientConfig {
    /// The platform at `base_url` with `token`: 30 s per request, 5 retries
    /// from 500 ms up to 30 s apart, 5,000 items a page.
    #[must_use]
    pub fn new(base_url: url::Url, token: impl Into<String>) -> Self {
        Self {
            base_url,
            token: token.into(),
            timeout: Duration::from_secs(30),
            retries: 5,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            page_limit: super::standin::DEFAULT_LIMIT,
        }
    }

    /// The same, with `backoff` before the first retry.
    #[must_use]
    pub const fn with_backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// The same, with `limit` items a page.
    #[must_use]
    pub const fn with_page_limit(mut self, limit: usize) -> Self {
        self.page_limit = limit;
        self
    }

    /// The same, with `timeout` per request.
    #[must_use]
    pub const fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Why talking to the platform failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlatformError {
    /// The platform refused the token.
    #[error(
        "the platform refused the API token (HTTP {status} for {path}): check PORTAL_PLATFORM_TOKEN"
    )]
    BadToken {
        /// 401 or 403.
        status: u16,
        /// The path asked for.
        path: String,
    },
    /// An answer with a status that retrying does not fix, or the last of
    /// the retries.
    #[error(
        "the platform answered HTTP {status} for {path} after {attempts} attempt(s): {message}"
    )]
    Status {
        /// The HTTP status.
        status: u16,
        /// The path asked for.
        path: String,
        /// How many times it was tried.
        attempts: u32,
        /// What the answer said, cut short.
        message: String,
    },
    /// The platform could not be reached, or did not answer in time.
    #[error("could not reach the platform for {path} after {attempts} attempt(s): {message}")]
    Unreachable {
        /// The path asked for.
        path: String,
        /// How many times it was tried.
        attempts: u32,
        /// What failed.
        message: String,
    },
    /// An answer that is not a page of the expected items.
    #[error("the platform's answer for {path} is not a page of {what}: {message}")]
    BadPage {
        /// The path asked for.
        path: String,
        /// What the page should hold.
        what: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A record that does not have the expected fields and types: the
    /// API's schema changed.
    #[error("usage record {id} does not have the expected fields: {message}")]
    BadRecord {
        /// The record's id, or where it was when it has none.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// A record whose values cannot be right.
    #[error("usage record {id} is not valid: {problem}")]
    InvalidRecord {
        /// The record's id.
        id: String,
        /// What is wrong.
        problem: RecordProblem,
    },
}

/// The platform's client.
#[derive(Debug, Clone)]
pub struct PlatformClient {
    http: reqwest::Client,
    config: ClientConfig,
}

/// A page whose items are read one by one, so a bad one is named.
#[derive(Debug, serde::Deserialize)]
struct RawPage {
    data: Vec<Value>,
    next_cursor: Option<String>,
}

/// Text cut to 200 characters, for error messages.
fn cut(text: &str) -> String {
    let mut out: String = text.chars().take(200).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// Whether a status is worth another try.
fn retryable(status: reqwest::StatusCode) -> bool {
    status == reqwest::StatusCode::TOO_MANY_REQUESTS
        || status == reqwest::StatusCode::REQUEST_TIMEOUT
        || status.is_server_error()
}

impl PlatformClient {
    /// A client for `config`.
    ///
    /// # Errors
    ///
    /// [`PlatformError::Unreachable`] when the HTTP client cannot be made.
    pub fn new(config: ClientConfig) -> Result<Self, PlatformError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| PlatformError::Unreachable {
                path: config.base_url.to_string(),
                attempts: 0,
                message: e.to_string(),
            })?;
        Ok(Self { http, config })
    }

    /// The client's settings.
    #[must_use]
    pub const fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Every customer account.
    ///
    /// # Errors
    ///
    /// A [`PlatformError`].
    pub async fn accounts(&self) -> Result<Vec<Account>, PlatformError> {
        self.list("/v1/accounts", &[], "accounts").await
    }

    /// Every project.
    ///
    /// # Errors
    ///
    /// A [`PlatformError`].
    pub async fn projects(&self) -> Result<Vec<Project>, PlatformError> {
        self.list("/v1/projects", &[], "projects").await
    }

    /// Every usage record of the days `from..=to`, each checked; `on_page`
    /// hears how many records have come so far.
    ///
    /// # Errors
    ///
    /// A [`PlatformError`]; a record that does not parse or does not pass
    /// its checks fails the whole listing, naming the record.
    pub async fn usage(
        &self,
        from: Date,
        to: Date,
        mut on_page: impl FnMut(usize) + Send,
    ) -> Result<Vec<UsageRecord>, PlatformError> {
        let days = [("from", from.to_string()), ("to", to.to_string())];
        let mut records = Vec::new();
        let mut cursor: Option<String> = None;
        for page_number in 1..=MAX_PAGES {
            let raw = self.page("/v1/usage", &days, cursor.as_deref()).await?;
            let page: RawPage = parse_page(&raw, "/v1/usage", "usage records")?;
            for (position, item) in page.data.into_iter().enumerate() {
                let id = item.get("id").and_then(Value::as_str).map_or_else(
                    || {
                        format!(
                            "(without an id, item {} of page {page_number})",
                            position + 1
                        )
                    },
                    str::to_owned,
                );
                let record: UsageRecord = serde_path_to_error::deserialize(item).map_err(|e| {
                    PlatformError::BadRecord {
                        id: id.clone(),
                        message: format!("`{}`: {}", e.path(), e.inner()),
                    }
                })?;
                record
                    .check(from, to)
                    .map_err(|problem| PlatformError::InvalidRecord { id, problem })?;
                records.push(record);
            }
            on_page(records.len());
            match page.next_cursor {
                Some(next) if cursor.as_deref() != Some(next.as_str()) => cursor = Some(next),
                Some(_) => {
                    return Err(PlatformError::BadPage {
                        path: "/v1/usage".to_owned(),
                        what: "usage records",
                        message: "the next cursor repeats the last one".to_owned(),
                    });
                }
                None => return Ok(records),
            }
        }
        Err(PlatformError::BadPage {
            path: "/v1/usage".to_owned(),
            what: "usage records",
            message: format!("more than {MAX_PAGES} pages"),
        })
    }

    /// Every item of a listing of `T`s.
    async fn list<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        what: &'static str,
    ) -> Result<Vec<T>, PlatformError> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let raw = self.page(path, query, cursor.as_deref()).await?;
            let page: Page<T> = parse_page(&raw, path, what)?;
            items.extend(page.data);
            match page.next_cursor {
                Some(next) if cursor.as_deref() != Some(next.as_str()) => cursor = Some(next),
                Some(_) => {
                    return Err(PlatformError::BadPage {
                        path: path.to_owned(),
                        what,
                        message: "the next cursor repeats the last one".to_owned(),
                    });
                }
                None => return Ok(items),
            }
        }
        Err(PlatformError::BadPage {
            path: path.to_owned(),
            what,
            message: format!("more than {MAX_PAGES} pages"),
        })
    }

    /// One page's body, retried as the settings say.
    async fn page(
        &self,
        path: &str,
        query: &[(&str, String)],
        cursor: Option<&str>,
    ) -> Result<Vec<u8>, PlatformError> {
        let mut url = self.config.base_url.clone();
        url.set_path(&format!(
            "{}{path}",
            self.config.base_url.path().trim_end_matches('/')
        ));
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
            pairs.append_pair("limit", &self.config.page_limit.to_string());
            if let Some(cursor) = cursor {
                pairs.append_pair("cursor", cursor);
            }
        }
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let last = attempt > self.config.retries;
            let sent = self
                .http
                .get(url.clone())
                .bearer_auth(&self.config.token)
                .send()
                .await;
            let wait = match sent {
                Err(e) => {
                    if last {
                        return Err(PlatformError::Unreachable {
                            path: path.to_owned(),
                            attempts: attempt,
                            message: e.to_string(),
                        });
                    }
                    tracing::warn!(path, attempt, error = %e, "the platform did not answer; trying again");
                    None
                }
                Ok(response) => {
                    let status = response.status();
                    if status.is_success() {
                        return read_capped(response, path, attempt).await;
                    }
                    if status == reqwest::StatusCode::UNAUTHORIZED
                        || status == reqwest::StatusCode::FORBIDDEN
                    {
                        return Err(PlatformError::BadToken {
                            status: status.as_u16(),
                            path: path.to_owned(),
                        });
                    }
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    if last || !retryable(status) {
                        let body = read_capped(response, path, attempt)
                            .await
                            .unwrap_or_default();
                        return Err(PlatformError::Status {
                            status: status.as_u16(),
                            path: path.to_owned(),
                            attempts: attempt,
                            message: cut(&String::from_utf8_lossy(&body)),
                        });
                    }
                    tracing::warn!(
                        path,
                        attempt,
                        status = status.as_u16(),
                        "the platform is busy; trying again"
                    );
                    retry_after
                }
            };
            let wait = wait
                .unwrap_or_else(|| self.backoff(attempt))
                .min(self.config.max_backoff);
            tokio::time::sleep(wait).await;
        }
    }

    /// The wait after the `attempt`th try: the base doubled per try, with
    /// up to a quarter of jitter either way.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .config
            .backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let jitter = rand::rng().random_range(0.75..1.25);
        base.mul_f64(jitter).min(self.config.max_backoff)
    }
}

/// The body of a successful answer, refusing one over
/// [`MAX_ANSWER_BYTES`].
async fn read_capped(
    mut response: reqwest::Response,
    path: &str,
    attempt: u32,
) -> Result<Vec<u8>, PlatformError> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                    return Err(PlatformError::BadPage {
                        path: path.to_owned(),
                        what: "items",
                        message: format!("the answer is larger than {MAX_ANSWER_BYTES} bytes"),
                    });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                return Err(PlatformError::Unreachable {
                    path: path.to_owned(),
                    attempts: attempt,
                    message: format!("the answer broke off: {e}"),
                });
            }
        }
    }
}

fn parse_page<T: DeserializeOwned>(
    raw: &[u8],
    path: &str,
    what: &'static str,
) -> Result<T, PlatformError> {
    serde_json::from_slice(raw).map_err(|e| PlatformError::BadPage {
        path: path.to_owned(),
        what,
        message: e.to_string(),
    })
}
