//! Two portal processes (two apps on one database) sharing Redis: a login
//! on one holds on the other, failed logins add up across them, and a
//! background job started through one is polled to its end through the
//! other.

use ferrodash_testing::client::{CallbackCall, TestClient};
use serde_json::json;
use usage_portal::shared::Shared;

use crate::common::{TempDb, api, days_back, ingestor, small_data};

const KEY: &[u8] = b"a secret key both portal processes have";

async fn process(db: &TempDb, prefix: &str, url: &str) -> ferrodash::App {
    let portal = usage_portal::Portal::open(&db.url())
        .await
        .expect("the database opens");
    let shared = Shared::connect_with_prefix("redis://127.0.0.1:6379", prefix, KEY.to_vec())
        .await
        .expect("Redis answers (scripts/test starts one)");
    let ingestor = ingestor(portal.store(), url);
    usage_portal::app(
        &portal
            .with_ingestor(ingestor, 3, "nightly")
            .with_shared(shared),
    )
    .expect("the portal builds")
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_share_logins_limits_and_background_jobs_through_redis() {
    let db = TempDb::new("shared");
    let (_api, url) = api(small_data()).await;
    // Some usage first, as after a backfill.
    {
        let portal = usage_portal::Portal::open(&db.url()).await.unwrap();
        let (from, to) = days_back(10);
        ingestor(portal.store(), &url)
            .run(from, to, usage_portal::ingest::Trigger::Backfill)
            .await
            .unwrap();
    }
    let prefix = format!("usage-portal-test:{}:", rand::random::<u64>());
    let a = TestClient::new(&process(&db, &prefix, &url).await);
    let b_app = process(&db, &prefix, &url).await;
    let b = TestClient::new(&b_app);

    // Logged in through A, known to B.
    let admin_a = a.log_in("admin", "admin-demo-password").await.unwrap();
    let session = admin_a.cookie("ferrodash_session").unwrap().to_owned();
    let admin_b = b.clone().with_cookie("ferrodash_session", session);
    let whoami = admin_b.get("/_dash-layout").await;
    assert_eq!(whoami.status(), 200);
    assert!(whoami.text().contains("Signed in as Ada Admin"));

    // "Run now" started through A and polled through B.
    let end_id = admin_a.end_id().await;
    let run = CallbackCall::new()
        .output("run-now-status", "children")
        .input("run-now", "n_clicks", json!(1))
        .triggered("run-now.n_clicks");
    let started = admin_a
        .post_json(
            &format!("/_dash-update-component?endId={end_id}"),
            &run.body(),
        )
        .await;
    assert_eq!(started.status(), 200, "{}", started.text());
    let handles = started.json();
    let poll_url = format!(
        "/_dash-update-component?endId={end_id}&cacheKey={}&job={}",
        handles["cacheKey"].as_str().unwrap(),
        handles["job"].as_str().unwrap()
    );
    let poll = CallbackCall::new()
        .output("run-now-status", "children")
        .input("run-now", "n_clicks", json!(null));
    let mut answer = None;
    for _ in 0..300 {
        let polled = admin_b.post_json(&poll_url, &poll.body()).await;
        assert_eq!(polled.status(), 200, "{}", polled.text());
        let body = polled.json();
        if body.get("response").is_some() {
            answer = Some(body);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let answer = answer.expect("the run ended");
    let status = answer["response"]["run-now-status"]["children"]
        .as_str()
        .unwrap();
    assert!(
        status.starts_with("Run ") && status.contains("records"),
        "{status}"
    );

    // Failed logins through both add up: five in all, then even the right
    // password waits, on either.
    for client in [&a, &b, &a, &b, &a] {
        assert!(client.log_in("bluefin", "a wrong password!").await.is_err());
    }
    let limited = b
        .log_in("bluefin", "bluefin-demo-password")
        .await
        .unwrap_err();
    assert_eq!(limited.status(), 429);
    drop(b_app);
}
