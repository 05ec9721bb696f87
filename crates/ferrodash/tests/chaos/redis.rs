//! Redis (sessions, the memoize cache and the job queue) stopped and
//! restarted while requests run.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use ferrodash::auth::{
    BoxFuture, Credentials, CredentialsError, Principal, RedisSessionStore, SessionConfig, Sessions,
};
use ferrodash::cache::{CacheConfig, MemoCache, RedisBackend, Scope};
use ferrodash::{App, AppState, Callback, CallbackError, Input, Login, RedisJobQueue, dcc, html};
use ferrodash_testing::client::{CallbackCall, TestClient};
use ferrodash_testing::redis_server::RedisServer;
use serde_json::json;

async fn cached(
    Input(n): Input<Option<u64>>,
    AppState(cache): AppState<MemoCache>,
) -> Result<String, CallbackError> {
    let n = n.unwrap_or(0);
    let square: u64 = cache
        .memoize("square", &n, &Scope::Public, None, || async move { n * n })
        .await?;
    Ok(format!("{n}² = {square}"))
}

async fn slow(Input(n): Input<Option<u64>>) -> String {
    tokio::time::sleep(Duration::from_millis(100)).await;
    format!("job {}", n.unwrap_or(0))
}

async fn app(redis: &str) -> App {
    let cache = MemoCache::with_backend(
        RedisBackend::connect(redis).await.unwrap(),
        CacheConfig::default(),
    );
    App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .secret_key(*b"chaos-tests-secret-key-0123456789abcdef")
        .with_state(cache)
        .job_queue(RedisJobQueue::connect(redis).await.unwrap())
        .layout(html::div((
            dcc::input("n"),
            html::div(()).id("square"),
            html::div(()).id("job"),
        )))
        .callback(
            Callback::new(cached)
                .output("square", "children")
                .input("n", "value"),
        )
        .callback(
            Callback::new(slow)
                .output("job", "children")
                .input("n", "value")
                .background()
                .interval(Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

fn square(n: u64) -> CallbackCall {
    CallbackCall::new()
        .output("square", "children")
        .input("n", "value", json!(n))
}

fn job(n: u64) -> CallbackCall {
    CallbackCall::new()
        .output("job", "children")
        .input("n", "value", json!(n))
}

/// Runs a background job to its end: its result, or the first status that
/// was not 200/204.
async fn run_job(client: &TestClient, n: u64) -> Result<String, u16> {
    let end = client.end_id().await;
    let started = client
        .post_json(
            &format!("/_dash-update-component?endId={end}"),
            &job(n).body(),
        )
        .await;
    if started.status().as_u16() != 200 {
        eprintln!("start answered {}: {}", started.status(), started.text());
        return Err(started.status().as_u16());
    }
    let handles = started.json();
    let (Some(job_id), Some(key)) = (handles["job"].as_str(), handles["cacheKey"].as_str()) else {
        return Err(0);
    };
    let path = format!("/_dash-update-component?endId={end}&job={job_id}&cacheKey={key}");
    for _ in 0..200 {
        let poll = client.post_json(&path, &job(n).body()).await;
        match poll.status().as_u16() {
            200 if poll.json().get("response").is_some() => {
                return Ok(poll.json()["response"]["job"]["children"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned());
            }
            // Still running (progress, or nothing new).
            200 | 204 => tokio::time::sleep(Duration::from_millis(20)).await,
            other => {
                eprintln!("poll answered {other}: {}", poll.text());
                return Err(other);
            }
        }
    }
    Err(1)
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_down_computes_without_the_cache_refuses_jobs_with_503_and_recovers() {
    let mut redis = RedisServer::start().await.expect("redis-server starts");
    let app = app(&redis.url()).await;
    let client = TestClient::new(&app);
    assert_eq!(
        client.call(&square(3)).await.json()["response"]["square"]["children"],
        "3² = 9"
    );
    assert_eq!(run_job(&client, 1).await, Ok("job 1".to_owned()));

    redis.stop().await.unwrap();
    let started = Instant::now();
    let mut job_statuses = BTreeSet::new();
    let mut n = 10;
    while started.elapsed() < Duration::from_secs(3) {
        n += 1;
        // Cached callbacks still answer: computed without the cache.
        let answer = client.call(&square(n)).await;
        assert_eq!(answer.status(), 200, "{}", answer.text());
        assert_eq!(
            answer.json()["response"]["square"]["children"],
            format!("{n}² = {}", n * n)
        );
        let refused = client.call(&job(n)).await;
        job_statuses.insert(refused.status().as_u16());
        if refused.status() == 503 {
            assert!(refused.header("retry-after").is_some());
            assert!(
                refused.text().contains("job queue (redis) is unavailable"),
                "{}",
                refused.text()
            );
        }
    }
    assert_eq!(job_statuses.into_iter().collect::<Vec<_>>(), [503]);

    redis.restart().await.unwrap();
    let mut recovered = Err(0);
    for _ in 0..50 {
        recovered = run_job(&client, 99).await;
        if recovered.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(recovered, Ok("job 99".to_owned()), "jobs run again");
    assert_eq!(client.call(&square(4)).await.status(), 200);
}

/// One user with a fixed password.
struct One;

impl Credentials for One {
    fn verify<'a>(
        &'a self,
        name: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Option<Principal>, CredentialsError>> {
        Box::pin(async move {
            Ok((name == "ada" && password == "ada's long password")
                .then(|| Principal::new("ada", "Ada")))
        })
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_sessions_down_give_503s_never_the_login_form_and_recover() {
    let mut redis = RedisServer::start().await.expect("redis-server starts");
    let store = RedisSessionStore::connect(&redis.url()).await.unwrap();
    let app = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout(html::div((dcc::input("n"), html::div(()).id("square"))))
        .with_state(MemoCache::in_memory())
        .callback(
            Callback::new(cached)
                .output("square", "children")
                .input("n", "value"),
        )
        .login(Login::form(One).sessions(Sessions::new(store, SessionConfig::default())))
        .build()
        .unwrap();
    let ada = TestClient::new(&app)
        .log_in("ada", "ada's long password")
        .await
        .unwrap();
    assert_eq!(ada.call(&square(2)).await.status(), 200);
    redis.stop().await.unwrap();
    let started = Instant::now();
    let mut statuses = BTreeSet::new();
    while started.elapsed() < Duration::from_secs(2) {
        statuses.insert(ada.call(&square(2)).await.status().as_u16());
        statuses.insert(ada.get("/").await.status().as_u16());
    }
    assert_eq!(statuses.into_iter().collect::<Vec<_>>(), [503]);
    redis.restart().await.unwrap();
    let mut back = None;
    for _ in 0..50 {
        if let Ok(again) = TestClient::new(&app)
            .log_in("ada", "ada's long password")
            .await
        {
            back = Some(again);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ada = back.expect("logins work once Redis is back");
    assert_eq!(ada.call(&square(2)).await.status(), 200);
}
