//! `/health`, `/ready` and `/metrics`, read by a real Prometheus
//! text-format parser.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ferrodash_components::{dcc, html};
use ferrodash_core::CallbackError;
use ferrodash_server::{App, AppBuilder, Callback, Input};
use ferrodash_testing::client::{CallbackCall, TestClient};
use prometheus_parse::{Scrape, Value};
use serde_json::json;

async fn double(Input(n): Input<Option<i64>>) -> Result<i64, CallbackError> {
    match n {
        Some(13) => Err(CallbackError::msg("unlucky")),
        n => Ok(n.unwrap_or(0) * 2),
    }
}

fn base() -> AppBuilder {
    App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout(html::div((dcc::input("n"), html::div(()).id("out"))))
        .callback(
            Callback::new(double)
                .output("out", "children")
                .input("n", "value"),
        )
}

fn call(n: i64) -> CallbackCall {
    CallbackCall::new()
        .output("out", "children")
        .input("n", "value", json!(n))
}

async fn scrape(client: &TestClient) -> Scrape {
    let answer = client.get("/metrics").await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let text = answer.text();
    Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("Prometheus text format")
}

/// The callback histogram's count and its `le="0.1"` bucket.
fn histogram(scrape: &Scrape) -> (f64, f64) {
    let sample = scrape
        .samples
        .iter()
        .find(|s| {
            s.metric == "ferrodash_callback_duration_seconds" && s.labels.get("callback").is_some()
        })
        .expect("the callback histogram");
    let Value::Histogram(buckets) = &sample.value else {
        panic!("not a histogram: {:?}", sample.value);
    };
    let inf = buckets
        .iter()
        .find(|b| b.less_than.is_infinite())
        .expect("+Inf");
    let fast = buckets
        .iter()
        .find(|b| (b.less_than - 0.1).abs() < 1e-9)
        .expect("le 0.1");
    (inf.count, fast.count)
}

fn counter(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == metric)
        .find(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map_or(0.0, |s| match s.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => v,
            _ => f64::NAN,
        })
}

#[tokio::test]
async fn the_callback_histogram_moves_and_errors_are_counted() {
    let client = TestClient::new(&base().metrics_endpoint(true).build().unwrap());
    let before = scrape(&client).await;
    assert_eq!(histogram(&before), (0.0, 0.0));
    for n in 0..5 {
        assert_eq!(client.call(&call(n)).await.status(), 200);
    }
    assert_eq!(client.call(&call(13)).await.status(), 500);
    let after = scrape(&client).await;
    let (count, fast) = histogram(&after);
    assert_eq!(count, 6.0);
    assert!(fast >= 5.0, "trivial runs take under 100 ms: {fast}");
    assert_eq!(
        counter(&after, "ferrodash_callback_failures_total", &[]),
        1.0
    );
    assert_eq!(
        counter(
            &after,
            "ferrodash_http_requests_total",
            &[("route", "update"), ("status", "2xx")]
        ),
        5.0
    );
    assert_eq!(
        counter(
            &after,
            "ferrodash_http_requests_total",
            &[("route", "update"), ("status", "5xx")]
        ),
        1.0
    );
    // The first scrape counts too.
    assert_eq!(
        counter(
            &after,
            "ferrodash_http_requests_total",
            &[("route", "health"), ("status", "2xx")]
        ),
        1.0
    );
    for metric in [
        "ferrodash_cache_hits_total",
        "ferrodash_cache_misses_total",
        "ferrodash_jobs_started_total",
        "ferrodash_jobs_running",
    ] {
        assert!(after.samples.iter().any(|s| s.metric == metric), "{metric}");
    }
}

#[tokio::test]
async fn metrics_are_off_unless_asked_for() {
    let client = TestClient::new(&base().build().unwrap());
    let answer = client.get("/metrics").await;
    assert!(
        !answer.text().contains("ferrodash_"),
        "no metrics without metrics_endpoint"
    );
}

#[tokio::test]
async fn health_and_readiness() {
    let database_up = Arc::new(AtomicBool::new(true));
    let up = database_up.clone();
    let app = base()
        .readiness_check("database", move || {
            let up = up.load(Ordering::SeqCst);
            async move {
                if up {
                    Ok(())
                } else {
                    Err("connection refused".to_owned())
                }
            }
        })
        .readiness_check("cache", || async { Ok::<(), String>(()) })
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let health = client.get("/health").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.text(), "ok\n");
    assert!(health.header("content-security-policy").is_some());

    let ready = client.get("/ready").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.json(),
        json!({"status": "ready", "checks": {"database": "ok", "cache": "ok"}})
    );
    database_up.store(false, Ordering::SeqCst);
    let ready = client.get("/ready").await;
    assert_eq!(ready.status(), 503);
    assert_eq!(
        ready.json(),
        json!({"status": "not ready", "checks": {"database": "failed", "cache": "ok"}})
    );
    assert!(
        !ready.text().contains("refused"),
        "why goes to the log only"
    );
}

#[tokio::test]
async fn an_apps_own_metrics_are_served_with_the_frameworks() {
    let runs = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let seen = std::sync::Arc::clone(&runs);
    let app = base()
        .metrics_endpoint(true)
        .metrics_source(move || {
            format!(
                "# HELP app_runs_total Runs.\n# TYPE app_runs_total counter\napp_runs_total {}",
                seen.load(std::sync::atomic::Ordering::Relaxed)
            )
        })
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    assert_eq!(counter(&scrape(&client).await, "app_runs_total", &[]), 0.0);
    runs.store(3, std::sync::atomic::Ordering::Relaxed);
    let after = scrape(&client).await;
    assert_eq!(counter(&after, "app_runs_total", &[]), 3.0);
    assert_eq!(
        counter(&after, "ferrodash_callback_failures_total", &[]),
        0.0
    );
}
