//! Many background jobs at once, each polled as its page would poll it.
//!
//! `bench-background-jobs serve PORT [REDIS_URL PREFIX]` serves an app whose
//! background callback takes STEPS steps of STEP_MS (environment, default 10
//! of 100 ms), reporting progress after each; with a Redis URL its jobs go
//! through a Redis queue shared by every process serving with the same
//! prefix.
//! `bench-background-jobs drive START_URL POLL_URL JOBS` opens JOBS pages at
//! once: each loads the index page from START_URL (for its page token),
//! starts a job there and polls it through POLL_URL every interval until its
//! result arrives. It prints how many jobs completed, the total time, the
//! throughput and the poll latencies. `benches/jobs/run.sh` runs the
//! in-process queue and two processes sharing Redis side by side.

use std::time::{Duration, Instant};

use ferrodash::RedisJobQueue;
use ferrodash::prelude::*;
use ferrodash_benches::percentile;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// How often pages poll.
const INTERVAL: Duration = Duration::from_millis(100);

/// A number from the environment.
fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn steps(Input(n): Input<Option<u64>>, progress: Progress) -> String {
    let (steps, step) = (env_number("STEPS", 10), env_number("STEP_MS", 100));
    for i in 1..=steps {
        tokio::time::sleep(Duration::from_millis(step)).await;
        progress.set(i * 100 / steps.max(1));
    }
    format!("job {} done", n.unwrap_or(0))
}

fn app(queue: Option<RedisJobQueue>) -> Result<App, ferrodash::BuildErrors> {
    let builder = match queue {
        Some(queue) => App::builder()
            .job_queue(queue)
            .secret_key(b"a benchmark key shared by both processes".to_vec()),
        None => App::builder(),
    };
    builder
        .layout(html::div((
            dcc::input("n"),
            html::progress(()).id("bar"),
            html::div(()).id("out"),
        )))
        .callback(
            Callback::new(steps)
                .output("out", "children")
                .input("n", "value")
                .progress("bar", "value", json!(0))
                .interval(INTERVAL),
        )
        .build()
}

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A well-formed double-submit token.
const CSRF: &str = "jobsBenchToken0123456789abcdefghijklmnopqrs";

async fn request(
    client: &HttpClient,
    uri: &str,
    body: Option<&Value>,
) -> Result<(u16, Vec<u8>), String> {
    let builder = hyper::Request::builder().uri(uri);
    let request = match body {
        Some(json) => builder
            .method("POST")
            .header("content-type", "application/json")
            // The renderer's double-submit token, as after loading the page.
            .header("cookie", format!("_csrf_token={CSRF}"))
            .header("x-csrftoken", CSRF)
            .body(Full::new(Bytes::from(json.to_string()))),
        None => builder.method("GET").body(Full::new(Bytes::new())),
    }
    .map_err(|e| e.to_string())?;
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, bytes.to_vec()))
}

/// One page: load, start a job, poll until done. Returns the poll latencies.
async fn page(
    client: HttpClient,
    base: String,
    poll_base: String,
    n: u64,
) -> Result<Vec<Duration>, String> {
    let (_, index) = request(&client, &format!("{base}/"), None).await?;
    let index = String::from_utf8_lossy(&index);
    let start = index.find("\"end_id\":\"").ok_or("no end_id")? + 10;
    let end_id = &index[start..start + index[start..].find('"').ok_or("bad end_id")?];
    let body = |value: Value| {
        json!({"output": "out.children", "outputs": {"id": "out", "property": "children"},
               "inputs": [{"id": "n", "property": "value", "value": value}], "changedPropIds": ["n.value"]})
    };
    let url = format!("{base}/_dash-update-component?endId={end_id}");
    let (status, started) = request(&client, &url, Some(&body(json!(n)))).await?;
    if status != 200 {
        return Err(format!("start answered {status}"));
    }
    let started: Value = serde_json::from_slice(&started).map_err(|e| e.to_string())?;
    let poll_url = format!(
        "{poll_base}/_dash-update-component?endId={end_id}&cacheKey={}&job={}",
        started
            .get("cacheKey")
            .and_then(Value::as_str)
            .unwrap_or_default(),
        started
            .get("job")
            .and_then(Value::as_str)
            .unwrap_or_default()
    );
    let mut latencies = Vec::new();
    // Bounded: a job takes about a second; give up after a minute.
    for _ in 0..600 {
        tokio::time::sleep(INTERVAL).await;
        let sent = Instant::now();
        let (status, answer) = request(&client, &poll_url, Some(&body(Value::Null))).await?;
        latencies.push(sent.elapsed());
        if status != 200 {
            return Err(format!("poll answered {status}"));
        }
        let answer: Value = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
        if let Some(result) = answer.get("response") {
            if result.pointer("/out/children") != Some(&json!(format!("job {n} done"))) {
                return Err(format!("wrong result: {result}"));
            }
            return Ok(latencies);
        }
    }
    Err("the job did not finish within a minute".to_owned())
}

async fn drive(base: String, poll_base: String, jobs: u64) {
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let started = Instant::now();
    let tasks: Vec<_> = (0..jobs)
        .map(|n| tokio::spawn(page(client.clone(), base.clone(), poll_base.clone(), n)))
        .collect();
    let mut latencies = Vec::new();
    let mut completed = 0;
    let mut failures = Vec::new();
    for task in tasks {
        match task.await {
            Ok(Ok(mut l)) => {
                completed += 1;
                latencies.append(&mut l);
            }
            Ok(Err(e)) => failures.push(e),
            Err(e) => failures.push(e.to_string()),
        }
    }
    let total = started.elapsed();
    latencies.sort();
    println!("jobs started     {jobs}");
    println!("jobs completed   {completed}");
    println!("total time       {:.2} s", total.as_secs_f64());
    println!(
        "throughput       {:.1} jobs/s",
        f64::from(u32::try_from(completed).unwrap_or(u32::MAX)) / total.as_secs_f64()
    );
    println!("polls            {}", latencies.len());
    for (name, p) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0)] {
        println!(
            "poll latency {name} {:.2} ms",
            percentile(&latencies, p).as_secs_f64() * 1000.0
        );
    }
    for failure in failures.iter().take(5) {
        println!("failure: {failure}");
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("serve") => {
            let port = args.get(2).map_or("18650", String::as_str);
            let queue = match (args.get(3), args.get(4)) {
                (Some(url), Some(prefix)) => Some(
                    RedisJobQueue::connect(url)
                        .await?
                        .with_prefix(prefix.clone()),
                ),
                _ => None,
            };
            app(queue)?.serve(format!("127.0.0.1:{port}")).await?;
        }
        Some("drive") => {
            let base = args
                .get(2)
                .cloned()
                .unwrap_or_else(|| "http://127.0.0.1:18650".to_owned());
            let poll = args.get(3).cloned().unwrap_or_else(|| base.clone());
            let jobs = args.get(4).and_then(|j| j.parse().ok()).unwrap_or(200);
            drive(
                base.trim_end_matches('/').to_owned(),
                poll.trim_end_matches('/').to_owned(),
                jobs,
            )
            .await;
        }
        _ => {
            return Err(
                "usage: bench-background-jobs serve PORT [REDIS_URL PREFIX] | drive START_URL POLL_URL JOBS"
                    .into(),
            );
        }
    }
    Ok(())
}
