//! PostgreSQL and MariaDB going down and coming back while callbacks that
//! query them run.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrodash::data::{Bind, BindConfig, Query};
use ferrodash::{App, AppState, Callback, CallbackError, Input, html};
use ferrodash_testing::client::{CallbackCall, TestClient};
use ferrodash_testing::fault_proxy::FaultProxy;
use serde_json::json;

async fn count(
    Input(n): Input<Option<i64>>,
    AppState(bind): AppState<Bind>,
) -> Result<String, CallbackError> {
    let total: i64 = bind
        .run(Query::inline("count", "select 40 + 2"))
        .fetch_one()
        .await?;
    Ok(format!("{} {total}", n.unwrap_or(0)))
}

fn app(bind: Bind) -> App {
    App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .with_state(bind)
        .layout(html::div((html::div(()).id("n"), html::div(()).id("out"))))
        .callback(
            Callback::new(count)
                .output("out", "children")
                .input("n", "children"),
        )
        .build()
        .expect("a valid app")
}

/// What a round of concurrent callback requests got: status → count, and
/// one body per status.
async fn round(client: &TestClient, requests: i64) -> BTreeMap<u16, (usize, String)> {
    let calls = (0..requests).map(|n| {
        let client = client.clone();
        tokio::spawn(async move {
            let call =
                CallbackCall::new()
                    .output("out", "children")
                    .input("n", "children", json!(n));
            let answer = client.call(&call).await;
            (
                answer.status().as_u16(),
                answer.text(),
                answer.header("retry-after").is_some(),
            )
        })
    });
    let mut seen: BTreeMap<u16, (usize, String)> = BTreeMap::new();
    for call in calls.collect::<Vec<_>>() {
        let (status, body, retry_after) = call.await.expect("no request panicked");
        if status == 503 {
            assert!(retry_after, "a 503 without Retry-After: {body}");
        }
        let entry = seen.entry(status).or_insert((0, body));
        entry.0 += 1;
    }
    seen
}

/// Requests run before, during and after the database's outage.
async fn outage_and_recovery(
    kind: &str,
    server: &str,
    url_of: impl Fn(std::net::SocketAddr) -> String,
) {
    let proxy = FaultProxy::start(server).await.expect("a proxy");
    let config = BindConfig::default()
        .acquire_timeout(Duration::from_secs(1))
        .query_timeout(Duration::from_secs(2));
    let bind = Bind::connect(kind, &url_of(proxy.address()), config)
        .await
        .unwrap_or_else(|e| panic!("{kind} on {server} (scripts/services.sh starts it): {e}"));
    let app = app(bind);
    let client = TestClient::new(&app);

    let before = round(&client, 16).await;
    assert_eq!(
        before.keys().copied().collect::<Vec<_>>(),
        [200],
        "{before:?}"
    );

    proxy.cut();
    let mut down = BTreeMap::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3) {
        for (status, (n, body)) in round(&client, 8).await {
            down.entry(status).or_insert((0, body)).0 += n;
        }
    }
    let statuses: Vec<u16> = down.keys().copied().collect();
    assert!(
        statuses.iter().all(|s| *s == 503),
        "while {kind} was down: {down:?}"
    );
    let (_, body) = &down[&503];
    assert!(
        body.contains("unavailable") && body.contains(kind),
        "the 503 names the database: {body}"
    );

    proxy.restore();
    let mut recovered = None;
    for _ in 0..50 {
        let after = round(&client, 8).await;
        if after.keys().copied().collect::<Vec<_>>() == [200] {
            recovered = Some(after);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        recovered.is_some(),
        "{kind} came back but the app did not recover"
    );
    let answer = client
        .call(
            &CallbackCall::new()
                .output("out", "children")
                .input("n", "children", json!(7)),
        )
        .await;
    assert_eq!(answer.json()["response"]["out"]["children"], "7 42");
    drop(Arc::new(proxy));
}

#[tokio::test(flavor = "multi_thread")]
async fn postgresql_going_down_gives_503s_and_the_app_recovers() {
    outage_and_recovery("postgres", "127.0.0.1:5432", |a| {
        format!("postgres://postgres@{a}/test")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mariadb_going_down_gives_503s_and_the_app_recovers() {
    outage_and_recovery("mariadb", "127.0.0.1:3306", |a| {
        format!("mysql://root@{a}/test")
    })
    .await;
}
