//! PDFs of a report view, printed by headless Chromium from the portal's
//! own page: the same layout, figures and numbers the user sees.
//!
//! The printer logs the browser in with a session of its own for the user
//! it prints for (so the page is scoped exactly as that user's is), waits
//! until the view is drawn, prints it, and ends the session.

use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::network::CookieParam;
use chromiumoxide::cdp::browser_protocol::page::PrintToPdfParams;
use ferrodash::{Principal, Sessions};
use ferrodash_testing::browser::{Browser, LaunchOptions};
use tokio::sync::Semaphore;

use crate::store::ViewParams;

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrintError {
    /// The portal does not know its own address yet.
    #[error("the portal's address is not known yet")]
    NoAddress,
    /// Chromium could not be started or driven.
    #[error(
        "headless Chromium failed: {0} (PDF export needs Debian's `chromium`, or set FERRODASH_CHROMIUM)"
    )]
    Browser(String),
    /// The view did not finish drawing in time.
    #[error(
        "the report did not finish drawing within {after:?} (waiting for the title {expected:?}; {state})"
    )]
    Timeout {
        /// How long the printer waited.
        after: Duration,
        /// The title the view was to show.
        expected: String,
        /// What the page showed then: its title, figures and loading parts.
        state: String,
    },
    /// The session the printer logs in with could not be started.
    #[error("the printer could not log in: {0}")]
    Session(#[from] ferrodash::auth::SessionStoreError),
}

/// The view's address: the report page with its filters in the query, as
/// the page itself writes them.
#[must_use]
pub fn view_query(params: &ViewParams) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("account", &params.account);
    query.append_pair("days.start_date", &params.from_day);
    query.append_pair("days.end_date", &params.to_day);
    if params.all_projects == 0 {
        let list = serde_json::to_string(&params.projects).unwrap_or_default();
        query.append_pair("projects", &list);
    }
    query.finish()
}

/// Drawn: the title is the expected one, three figures have data, and
/// nothing is loading.
fn drawn_predicate(title: &str) -> String {
    format!(
        "(() => {{\
            const t = document.querySelector('#view-title');\
            if (!t || t.textContent !== {title:?}) return false;\
            const plots = [...document.querySelectorAll('.js-plotly-plot')];\
            if (plots.length < 3 || !plots.every((p) => p._fullData && p._fullData.length > 0)) return false;\
            return !document.querySelector('[data-dash-is-loading=\"true\"]');\
        }})()"
    )
}

/// What a page that did not finish drawing shows, for the error.
const PAGE_STATE: &str = "(() => {\
    const title = document.querySelector('#view-title')?.textContent ?? '(no title)';\
    const plots = [...document.querySelectorAll('.js-plotly-plot')];\
    const drawn = plots.filter((p) => p._fullData && p._fullData.length > 0).length;\
    const loading = document.querySelectorAll('[data-dash-is-loading=\"true\"]').length;\
    return `title ${JSON.stringify(title)}, ${drawn} of ${plots.length} figures drawn, ${loading} parts loading, address ${location.search}`;\
})()";

/// Prints report views to PDF, one at a time.
#[derive(Debug, Clone)]
pub struct Printer {
    base_url: Arc<RwLock<Option<String>>>,
    sessions: Sessions,
    one_at_a_time: Arc<Semaphore>,
    chromium: Option<PathBuf>,
    timeout: Duration,
}

impl Printer {
    /// A printer logging in through `sessions` (the portal's login
    /// sessions).
    #[must_use]
    pub fn new(sessions: Sessions) -> Self {
        Self {
            base_url: Arc::new(RwLock::new(None)),
            sessions,
            one_at_a_time: Arc::new(Semaphore::new(1)),
            chromium: None,
            timeout: Duration::from_secs(60),
        }
    }

    /// Uses this Chromium executable.
    #[must_use]
    pub fn with_chromium(mut self, path: impl AsRef<Path>) -> Self {
        self.chromium = Some(path.as_ref().to_path_buf());
        self
    }

    /// Where the portal answers, such as `http://127.0.0.1:8050`: known
    /// once it listens.
    pub fn set_base_url(&self, url: impl Into<String>) {
        *self
            .base_url
            .write()
            .unwrap_or_else(PoisonError::into_inner) =
            Some(url.into().trim_end_matches('/').to_owned());
    }

    /// The view of `params`, titled `title`, as `user` sees it, as a PDF.
    ///
    /// # Errors
    ///
    /// [`PrintError`].
    pub async fn print(
        &self,
        user: &Principal,
        params: &ViewParams,
        title: &str,
    ) -> Result<Vec<u8>, PrintError> {
        let base = self
            .base_url
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or(PrintError::NoAddress)?;
        let _turn = self
            .one_at_a_time
            .acquire()
            .await
            .map_err(|e| PrintError::Browser(e.to_string()))?;
        let session = self.sessions.login(None, user.clone()).await?;
        let result = self.print_as(&base, &session, params, title).await;
        if let Err(error) = self.sessions.logout(session.id()).await {
            // It ends by itself at its idle timeout.
            tracing::warn!(%error, "the printer's session could not be ended");
        }
        result
    }

    async fn print_as(
        &self,
        base: &str,
        session: &ferrodash::auth::Session,
        params: &ViewParams,
        title: &str,
    ) -> Result<Vec<u8>, PrintError> {
        let failed = |e: &dyn std::fmt::Display| PrintError::Browser(e.to_string());
        let mut options = LaunchOptions::default().with_window_size(1120, 1400);
        if let Some(path) = &self.chromium {
            options = options.with_executable(path);
        }
        let browser = Browser::launch_with(options)
            .await
            .map_err(|e| failed(&e))?;
        let printed = async {
            let page = browser.open("about:blank").await.map_err(|e| failed(&e))?;
            let cookie = CookieParam::builder()
                .name(self.sessions.config().cookie_name_sent())
                .value(session.id().to_owned())
                .url(base.to_owned())
                .http_only(true)
                .build()
                .map_err(|e| failed(&e))?;
            page.cdp()
                .set_cookie(cookie)
                .await
                .map_err(|e| failed(&e))?;
            let url = format!("{base}/?{}", view_query(params));
            page.goto(&url).await.map_err(|e| failed(&e))?;
            let mut page = page;
            page.set_timeout(self.timeout);
            if page.wait_until(&drawn_predicate(title)).await.is_err() {
                let state: String = page
                    .eval(PAGE_STATE)
                    .await
                    .unwrap_or_else(|e| format!("the page could not be read: {e}"));
                return Err(PrintError::Timeout {
                    after: self.timeout,
                    expected: title.to_owned(),
                    state,
                });
            }
            // Let plotly finish its last layout pass.
            tokio::time::sleep(Duration::from_millis(300)).await;
            let pdf = PrintToPdfParams::builder()
                .landscape(true)
                .print_background(true)
                // A4, turned by `landscape`.
                .paper_width(8.27)
                .paper_height(11.69)
                .margin_top(0.4)
                .margin_bottom(0.4)
                .margin_left(0.4)
                .margin_right(0.4)
                .scale(0.8)
                .build();
            page.cdp().pdf(pdf).await.map_err(|e| failed(&e))
        }
        .await;
        if let Err(e) = browser.close().await {
            tracing::warn!(error = %e, "headless Chromium did not close cleanly");
        }
        printed
    }
}
