//! Background callbacks over polling (§8): start, progress, side updates,
//! result, cancel, failures, and refused handles.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ferrodash_components::{dcc, html};
use ferrodash_core::CallbackError;
use ferrodash_server::{App, AppState, Callback, Input, Progress, SetProps};
use ferrodash_testing::client::{CallbackCall, TestClient, TestResponse};
use serde_json::{Value, json};

/// Counts the steps a job has done, to see whether it still works.
#[derive(Clone, Default)]
struct Steps(Arc<AtomicUsize>);

async fn slow_sum(
    Input(n): Input<Option<u64>>,
    progress: Progress,
    set_props: SetProps,
    AppState(steps): AppState<Steps>,
) -> Result<String, CallbackError> {
    let n = n.unwrap_or(0);
    if n == 13 {
        return Err(CallbackError::msg("unlucky number"));
    }
    assert!(n != 14, "a bug in the job");
    for step in 1..=n {
        steps.0.fetch_add(1, Ordering::SeqCst);
        progress.set(step * 100 / n);
        set_props.prop("status", "children", format!("step {step}"));
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    Ok(format!("summed {n}"))
}

fn app(steps: &Steps) -> App {
    App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .with_state(steps.clone())
        .layout(html::div((
            dcc::input("n"),
            html::button("stop").id("stop"),
            html::progress(()).id("bar"),
            html::div(()).id("status"),
            html::div(()).id("out"),
        )))
        .callback(
            Callback::new(slow_sum)
                .output("out", "children")
                .input("n", "value")
                .progress("bar", "value", json!(0))
                .cancel("stop", "n_clicks")
                .interval(Duration::from_millis(20))
                .timeout(Duration::from_secs(30)),
        )
        .build()
        .unwrap()
}

fn call(n: Value) -> CallbackCall {
    CallbackCall::new()
        .output("out", "children")
        .input("n", "value", n)
}

async fn post(client: &TestClient, query: &str, body: &CallbackCall) -> TestResponse {
    client
        .post_json(&format!("/_dash-update-component?{query}"), &body.body())
        .await
}

struct Started {
    job: String,
    cache_key: String,
}

async fn start(client: &TestClient, end: &str, n: u64) -> Started {
    let answer = post(client, &format!("endId={end}"), &call(json!(n))).await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    let body = answer.json();
    assert!(
        body.get("response").is_none() && body.get("multi").is_none(),
        "{body}"
    );
    Started {
        job: body["job"].as_str().unwrap().to_owned(),
        cache_key: body["cacheKey"].as_str().unwrap().to_owned(),
    }
}

async fn poll(client: &TestClient, end: &str, started: &Started) -> TestResponse {
    post(
        client,
        &format!(
            "endId={end}&cacheKey={}&job={}",
            started.cache_key, started.job
        ),
        &call(Value::Null),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_reports_progress_side_updates_and_its_result() {
    let steps = Steps::default();
    let client = TestClient::new(&app(&steps));
    let deps = client.dependencies().await;
    assert_eq!(deps[0]["background"], json!({"interval": 20}));
    assert_eq!(
        deps[1]["output"], "stop.id",
        "the automatic cancel callback"
    );
    assert_eq!(deps[1]["prevent_initial_call"], true);

    let end = client.end_id().await;
    let answer = post(&client, &format!("endId={end}"), &call(json!(5))).await;
    let body = answer.json();
    assert_eq!(
        body["cancel"],
        json!([{"id": "stop", "property": "n_clicks"}])
    );
    assert_eq!(body["progressDefault"], json!({"bar.value": 0}));
    let started = Started {
        job: body["job"].as_str().unwrap().to_owned(),
        cache_key: body["cacheKey"].as_str().unwrap().to_owned(),
    };

    let mut progress_seen = Vec::new();
    let mut side_seen = Vec::new();
    let result = loop {
        let answer = poll(&client, &end, &started).await;
        assert_eq!(answer.status(), 200, "{}", answer.text());
        let body = answer.json();
        if let Some(p) = body["progress"]["bar.value"].as_u64() {
            progress_seen.push(p);
        }
        if let Some(s) = body["sideUpdate"]["status"]["children"].as_str() {
            side_seen.push(s.to_owned());
        }
        if body.get("response").is_some() {
            break body;
        }
        assert_eq!(body["multi"], true);
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(result["response"]["out"]["children"], "summed 5");
    assert!(
        !progress_seen.is_empty(),
        "progress arrived while the job ran"
    );
    assert!(
        progress_seen.windows(2).all(|w| w[0] <= w[1]),
        "{progress_seen:?}"
    );
    assert!(!side_seen.is_empty(), "set_props arrived while the job ran");
    assert_eq!(steps.0.load(Ordering::SeqCst), 5);
    // Delivered once: a later poll finds the job gone, and says so.
    let again = poll(&client, &end, &started).await;
    assert_eq!(again.status(), 410);
    assert_eq!(again.json()["error"], "job_lost");
    assert!(
        again.text().contains("the background job was lost"),
        "{}",
        again.text()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_stops_the_work_itself() {
    let steps = Steps::default();
    let client = TestClient::new(&app(&steps));
    let end = client.end_id().await;
    let started = start(&client, &end, 1000).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let cancel = CallbackCall::new()
        .output("stop", "id")
        .input("stop", "n_clicks", json!(1));
    let answer = post(
        &client,
        &format!("endId={end}&cancelJob={}", started.job),
        &cancel,
    )
    .await;
    assert_eq!(answer.text(), r#"{"multi":true,"response":{}}"#);
    let after_cancel = steps.0.load(Ordering::SeqCst);
    assert!(after_cancel > 0);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        steps.0.load(Ordering::SeqCst),
        after_cancel,
        "the job kept working after cancel"
    );
    assert_eq!(poll(&client, &end, &started).await.status(), 204);
}

#[tokio::test(flavor = "multi_thread")]
async fn failing_and_panicking_jobs_give_500_and_the_server_keeps_serving() {
    let steps = Steps::default();
    let client = TestClient::new(&app(&steps));
    let end = client.end_id().await;
    for n in [13, 14] {
        let started = start(&client, &end, n).await;
        let answer = loop {
            let answer = poll(&client, &end, &started).await;
            if answer.status() != 200 {
                break answer;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(answer.status(), 500, "job {n}");
        assert!(answer.json()["correlation_id"].is_string());
    }
    let next = start(&client, &end, 1).await;
    assert_eq!(
        poll_until_done(&client, &end, &next).await["response"]["out"]["children"],
        "summed 1"
    );
}

async fn poll_until_done(client: &TestClient, end: &str, started: &Started) -> Value {
    loop {
        let body = poll(client, end, started).await.json();
        if body.get("response").is_some() {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_and_foreign_handles_are_refused() {
    let steps = Steps::default();
    let client = TestClient::new(&app(&steps));
    let mine = client.end_id().await;
    let theirs = client.end_id().await;
    let started = start(&client, &theirs, 3).await;
    // Another page load's handle: refused, and nothing of the job leaks.
    let foreign = poll(&client, &mine, &started).await;
    assert_eq!(foreign.status(), 403);
    assert_eq!(foreign.json()["error"], "invalid_job_handle");
    // A forged handle.
    // Change the last character (to one it is not).
    let last = if started.job.ends_with('0') { '1' } else { '0' };
    let forged = Started {
        job: format!("{}{last}", &started.job[..started.job.len() - 1]),
        cache_key: started.cache_key.clone(),
    };
    assert_eq!(poll(&client, &theirs, &forged).await.status(), 403);
    // No page token at all.
    let answer = post(&client, &format!("job={}", started.job), &call(Value::Null)).await;
    assert_eq!(answer.status(), 403);
    // A cache key from another page.
    let other = start(&client, &mine, 1).await;
    let mixed = Started {
        job: started.job.clone(),
        cache_key: other.cache_key,
    };
    assert_eq!(poll(&client, &theirs, &mixed).await.status(), 403);
    // The owner still gets the result.
    assert_eq!(
        poll_until_done(&client, &theirs, &started).await["response"]["out"]["children"],
        "summed 3"
    );
}

async fn quick(Input(n): Input<Option<u64>>) -> String {
    format!("{}", n.unwrap_or(0))
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_handles_are_refused() {
    let app = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout(html::div((dcc::input("n"), html::div(()).id("out"))))
        .callback(
            Callback::new(quick)
                .output("out", "children")
                .input("n", "value")
                .background()
                .interval(Duration::from_millis(10))
                .timeout(Duration::from_secs(1)),
        )
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let end = client.end_id().await;
    let started = start(&client, &end, 1).await;
    // The handle lives for the timeout plus a margin of five seconds.
    tokio::time::sleep(Duration::from_secs(8)).await;
    let answer = poll(&client, &end, &started).await;
    assert_eq!(answer.status(), 410, "{}", answer.text());
    assert_eq!(answer.json()["error"], "expired_job_handle");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_whose_page_stopped_polling_is_stopped() {
    let steps = Steps::default();
    let client = TestClient::new(&app(&steps));
    let end = client.end_id().await;
    let _started = start(&client, &end, 100_000).await;
    // No polls: the page was closed. Twenty missed intervals, at least five
    // seconds, and the job is stopped.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let stopped_at = steps.0.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        steps.0.load(Ordering::SeqCst),
        stopped_at,
        "the orphaned job kept working"
    );
    assert!(stopped_at < 200, "{stopped_at}");
}

async fn counted(Input(n): Input<Option<u64>>, AppState(steps): AppState<Steps>) -> String {
    steps.0.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(50)).await;
    format!("computed {}", n.unwrap_or(0))
}

#[tokio::test(flavor = "multi_thread")]
async fn results_are_cached_per_input_and_per_user() {
    let steps = Steps::default();
    let app = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .with_state(steps.clone())
        .cache_scope(|headers| {
            headers
                .get("x-user")
                .and_then(|v| v.to_str().ok())
                .map_or(ferrodash_cache::Scope::Public, ferrodash_cache::Scope::user)
        })
        .layout(html::div((dcc::input("n"), html::div(()).id("out"))))
        .callback(
            Callback::new(counted)
                .output("out", "children")
                .input("n", "value")
                .background()
                .interval(Duration::from_millis(10))
                .cache_results(Duration::from_secs(60)),
        )
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let end = client.end_id().await;
    let run = |n: u64, user: &'static str| {
        let client = client.clone();
        let end = end.clone();
        async move {
            let body = call(json!(n)).body().to_string();
            let request = |query: String| {
                http::Request::post(format!("/_dash-update-component?{query}"))
                    .header("content-type", "application/json")
                    .header("x-user", user)
                    .body(axum::body::Body::from(body.clone()))
                    .unwrap()
            };
            let started = client.send(request(format!("endId={end}"))).await.json();
            let query = format!(
                "endId={end}&cacheKey={}&job={}",
                started["cacheKey"].as_str().unwrap(),
                started["job"].as_str().unwrap()
            );
            loop {
                let answer = client.send(request(query.clone())).await.json();
                if let Some(out) = answer["response"]["out"]["children"].as_str() {
                    return out.to_owned();
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    };
    assert_eq!(run(1, "ada").await, "computed 1");
    assert_eq!(steps.0.load(Ordering::SeqCst), 1);
    // The same input for the same user: served from the cache.
    assert_eq!(run(1, "ada").await, "computed 1");
    assert_eq!(steps.0.load(Ordering::SeqCst), 1);
    // Another input, or another user: computed again.
    assert_eq!(run(2, "ada").await, "computed 2");
    assert_eq!(run(1, "bob").await, "computed 1");
    assert_eq!(steps.0.load(Ordering::SeqCst), 3);
}

#[expect(
    clippy::needless_pass_by_value,
    reason = "callbacks take their arguments by value"
)]
fn busy(Input(n): Input<Option<u64>>, progress: Progress) -> String {
    // CPU-bound work: no await points, so only the blocking pool keeps it
    // from stalling the server.
    let started = std::time::Instant::now();
    let mut x = n.unwrap_or(1);
    while started.elapsed() < Duration::from_millis(1500) && !progress.is_cancelled() {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    }
    format!("busy {}", x % 2)
}

async fn sleepy(Input(_n): Input<Option<u64>>) -> String {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "too late".to_owned()
}

async fn quick_echo(Input(n): Input<Option<u64>>) -> String {
    format!("echo {}", n.unwrap_or(0))
}

#[tokio::test(flavor = "current_thread")]
async fn cpu_bound_jobs_do_not_stall_requests_and_timeouts_stop_jobs() {
    let app = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout(html::div((
            dcc::input("n"),
            dcc::input("m"),
            dcc::input("k"),
            html::div(()).id("out"),
            html::div(()).id("late"),
            html::div(()).id("echo"),
        )))
        .callback(
            Callback::sync(busy)
                .output("out", "children")
                .input("n", "value")
                .background(),
        )
        .callback(
            Callback::new(sleepy)
                .output("late", "children")
                .input("m", "value")
                .background()
                .interval(Duration::from_millis(20))
                .timeout(Duration::from_millis(200)),
        )
        .callback(
            Callback::new(quick_echo)
                .output("echo", "children")
                .input("k", "value"),
        )
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let end = client.end_id().await;
    // One runtime thread: a CPU-bound job on it would hold every request.
    let started = start(&client, &end, 3).await;
    let echo = client
        .call(
            &CallbackCall::new()
                .output("echo", "children")
                .input("k", "value", json!(7)),
        )
        .await;
    assert_eq!(echo.json()["response"]["echo"]["children"], "echo 7");
    let running = poll(&client, &end, &started).await.json();
    assert!(
        running.get("response").is_none(),
        "the busy job still runs: {running}"
    );

    // A job past its timeout is stopped and reported as failed.
    let late_call = CallbackCall::new()
        .output("late", "children")
        .input("m", "value", json!(1));
    let late = post(&client, &format!("endId={end}"), &late_call)
        .await
        .json();
    let query = format!(
        "endId={end}&cacheKey={}&job={}",
        late["cacheKey"].as_str().unwrap(),
        late["job"].as_str().unwrap()
    );
    let failed = loop {
        let answer = post(
            &client,
            &query,
            &CallbackCall::new()
                .output("late", "children")
                .input("m", "value", Value::Null),
        )
        .await;
        if answer.status() != 200 {
            break answer;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(failed.status(), 500);
}
