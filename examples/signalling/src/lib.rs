//! Signalling, the pattern of large Dash apps: a background job computes an
//! expensive report into a shared cache and sends the browser only the
//! report's key, through a `dcc.Store`. A second callback, chained on the
//! store, reads the report back from the cache at once and draws it. Asking
//! for the same report again is served from the cache.
//!
//! The report never travels to the browser and back: the page holds a short
//! token, and the cache can be shared by every session (and, with a network
//! backend, by every server process).
//!
//! Run with `cargo run -p example-signalling`, then open <http://127.0.0.1:8050>.

mod report;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult};
use ferrodash_cache::{CacheConfig, CacheError, CacheKey, MemoCache, Scope};

pub use report::{CHUNK, REGIONS, Report, ReportRow, SALES};

/// The name reports are cached under.
const REPORT: &str = "region_report";

/// How long a report stays in the cache.
const REPORT_TTL: Duration = Duration::from_secs(10 * 60);

/// There is no login yet, so every report is public: one cache entry per
/// region, shared by all visitors. With users, pass `Scope::user(id)` here
/// and in [`show_report`], and each user gets entries of their own.
const SCOPE: Scope = Scope::Public;

/// The background job: makes (or finds) the region's report in the cache and
/// signals its key's token; the second output tells where it came from.
async fn compute_report(
    Input(region): Input<Option<String>>,
    progress: Progress,
    AppState(cache): AppState<MemoCache>,
) -> Result<(String, String), CallbackError> {
    let region = region.ok_or(PreventUpdate)?;
    let index = report::region_index(&region).ok_or(PreventUpdate)?;
    let started = Instant::now();
    let computed = AtomicBool::new(false);
    let _report: Report = cache
        .memoize(REPORT, &region, &SCOPE, Some(REPORT_TTL), || async {
            computed.store(true, Ordering::Relaxed);
            report::build(index, &progress).await
        })
        .await?;
    let source = if computed.load(Ordering::Relaxed) {
        format!("{region}: computed in {} ms", started.elapsed().as_millis())
    } else {
        format!("{region} (from cache)")
    };
    Ok((CacheKey::new(REPORT, &region, &SCOPE)?.to_token(), source))
}

/// Chained on the store: reads the report the token names and draws it.
async fn show_report(
    Input(token): Input<Option<String>>,
    AppState(cache): AppState<MemoCache>,
) -> Result<(Node, String), CallbackError> {
    let token = token.ok_or(PreventUpdate)?;
    // The token comes from the browser: refuse anything that is not one.
    let key = CacheKey::from_token(&token, &SCOPE).map_err(|e| match e {
        CacheError::InvalidToken => CallbackError::InvalidArgument {
            argument: "Input 1 (signal.data)".to_owned(),
            problem: e.to_string(),
        },
        other => other.into(),
    })?;
    let Some(report) = cache.get::<Report>(&key).await? else {
        return Ok((
            Node::Null,
            "That report has expired: choose the region again.".to_owned(),
        ));
    };
    Ok((
        table(&report).into(),
        format!(
            "Total for {}: {} from {} sales",
            report.region, report.total, report.sales
        ),
    ))
}

fn table(report: &Report) -> Component {
    let rows: Vec<Component> = report
        .rows
        .iter()
        .map(|row| {
            html::tr((
                html::td(row.product.clone()),
                html::td(row.units.to_string()),
                html::td(row.revenue.to_string()),
            ))
            .into()
        })
        .collect();
    html::table((
        html::thead(html::tr((
            html::th("Product"),
            html::th("Units"),
            html::th("Revenue"),
        ))),
        html::tbody(rows),
    ))
    .id("report-table")
    .into()
}

/// The app's builder, mounted under `prefix` (`/` when it runs alone), with
/// a 16 MiB in-memory cache. Give it your own [`MemoCache`] with
/// `with_state` to share one between apps or to watch it.
pub fn builder(prefix: &str) -> AppBuilder {
    let cache = MemoCache::new(CacheConfig::default().with_max_bytes(16 * 1024 * 1024));
    App::builder()
        .title("Signalling")
        .routes_prefix(prefix)
        .with_state(cache)
        .layout(html::div((
            html::h1("Signalling: a cached report"),
            html::p(
                "A background job computes the region's report into the server's cache; \
                 the page receives only its key, and a second callback draws it from the cache.",
            ),
            dcc::radio_items("region")
                .options(REGIONS.to_vec())
                .inline(true),
            html::div((
                html::progress(()).id("bar").value("0").max("100"),
                html::span("")
                    .id("source")
                    .style(json!({"marginLeft": "1em"})),
            )),
            dcc::store("signal"),
            html::div(()).id("report"),
            html::p(()).id("total"),
        )))
        .callback(
            Callback::new(compute_report)
                .output("signal", "data")
                .output("source", "children")
                .input("region", "value")
                .prevent_initial_call()
                .background()
                .progress("bar", "value", json!(0))
                .interval(Duration::from_millis(100)),
        )
        .callback(
            Callback::new(show_report)
                .output("report", "children")
                .output("total", "children")
                .input("signal", "data")
                .prevent_initial_call(),
        )
}

/// The app, mounted under `prefix`.
pub fn app(prefix: &str) -> BuildResult<App> {
    builder(prefix).build()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use ferrodash::{Value, json};
    use ferrodash_cache::{CacheKey, MemoCache, Scope};
    use ferrodash_testing::client::{CallbackCall, TestClient, TestResponse};

    fn report_call(region: Value) -> CallbackCall {
        CallbackCall::new()
            .output("signal", "data")
            .output("source", "children")
            .input("region", "value", region)
    }

    async fn post(client: &TestClient, query: &str, call: &CallbackCall) -> TestResponse {
        client
            .post_json(&format!("/_dash-update-component?{query}"), &call.body())
            .await
    }

    /// Starts the background job for `region` and polls until its answer.
    async fn run_job(client: &TestClient, end: &str, region: &str) -> Value {
        let started = post(client, &format!("endId={end}"), &report_call(json!(region)))
            .await
            .json();
        let query = format!(
            "endId={end}&cacheKey={}&job={}",
            started["cacheKey"].as_str().expect("a cache key"),
            started["job"].as_str().expect("a job")
        );
        for _ in 0..200 {
            let answer = post(client, &query, &report_call(Value::Null)).await;
            assert_eq!(answer.status(), 200, "{}", answer.text());
            let body = answer.json();
            if body.get("response").is_some() {
                return body["response"].clone();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the job for {region} did not finish");
    }

    fn show_call(token: &str) -> CallbackCall {
        CallbackCall::new()
            .output("report", "children")
            .output("total", "children")
            .input("signal", "data", json!(token))
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_report_travels_by_key_and_comes_from_the_cache_again() {
        let cache = MemoCache::in_memory();
        let app = super::builder("/")
            .with_state(cache.clone())
            .build()
            .unwrap();
        let client = TestClient::new(&app);
        let end = client.end_id().await;

        let first = run_job(&client, &end, "North").await;
        let token = first["signal"]["data"].as_str().unwrap().to_owned();
        assert_eq!(token.len(), 64, "{first}");
        assert!(
            first["source"]["children"]
                .as_str()
                .unwrap()
                .starts_with("North: computed in "),
            "{first}"
        );
        assert!(
            !first.to_string().contains("Anvils"),
            "rows were sent: {first}"
        );

        let shown = client.call(&show_call(&token)).await.json();
        let report = shown["response"]["report"]["children"].to_string();
        for product in ["Anvils", "Bolts", "Cables", "Drills", "Gears"] {
            assert!(report.contains(product), "{report}");
        }
        let total = shown["response"]["total"]["children"].as_str().unwrap();
        assert!(total.starts_with("Total for North: "), "{total}");
        assert!(total.ends_with(" from 4000 sales"), "{total}");

        let again = run_job(&client, &end, "North").await;
        assert_eq!(again["source"]["children"], "North (from cache)");
        assert_eq!(again["signal"]["data"], token.as_str());
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses), (2, 1));

        // A token naming nothing: the page says so.
        let unknown = CacheKey::new("region_report", "Atlantis", &Scope::Public)
            .unwrap()
            .to_token();
        let answer = client.call(&show_call(&unknown)).await.json();
        assert_eq!(
            answer["response"]["total"]["children"],
            "That report has expired: choose the region again."
        );
        // Not a token at all: the client's mistake.
        let garbage = client.call(&show_call("<script>")).await;
        assert!(garbage.status().is_client_error(), "{}", garbage.status());
    }
}
