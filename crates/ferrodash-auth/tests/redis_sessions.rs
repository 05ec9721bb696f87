//! Sessions in a real Redis server on 127.0.0.1:6379 (`scripts/test` starts
//! one when none runs), shared by two app processes.

use std::time::Duration;

use ferrodash_auth::{Principal, RedisSessionStore, SessionConfig, Sessions};

async fn instance(prefix: &str, idle: Duration) -> Sessions {
    let store = RedisSessionStore::connect("redis://127.0.0.1:6379")
        .await
        .expect("a Redis server on 127.0.0.1:6379 (scripts/test starts one)")
        .with_prefix(prefix);
    Sessions::new(store, SessionConfig::default().with_idle_timeout(idle))
}

fn prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("ferrodash-test:{test}:{}:{nanos}:", std::process::id())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_on_one_process_holds_on_another() {
    let prefix = prefix("sessions");
    let first = instance(&prefix, Duration::from_secs(60)).await;
    let second = instance(&prefix, Duration::from_secs(60)).await;
    let session = first
        .login(None, Principal::new("u1", "Ada").with_groups(["sales"]))
        .await;
    let seen = second
        .load(session.id())
        .await
        .expect("shared through Redis");
    assert_eq!(seen.user().unwrap().name, "Ada");
    assert!(seen.user().unwrap().in_group("sales"));
    // A new login rotates the id on every process.
    let rotated = second
        .login(Some(session.id()), Principal::new("u1", "Ada"))
        .await;
    assert!(first.load(session.id()).await.is_none());
    assert!(first.load(rotated.id()).await.is_some());
    first.logout(rotated.id()).await;
    assert!(second.load(rotated.id()).await.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn unused_sessions_expire_in_redis() {
    let sessions = instance(&prefix("expiry"), Duration::from_millis(500)).await;
    let session = sessions.login(None, Principal::new("u2", "Bob")).await;
    assert!(sessions.load(session.id()).await.is_some());
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert!(sessions.load(session.id()).await.is_none());
}
