//! Sessions in a real Redis server on 127.0.0.1:6379 (`scripts/test` starts
//! one when none runs), shared by two app processes; written back at most
//! once per touch interval, never brought back by a request racing a
//! logout, and an error (not "nobody") while Redis is down.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ferrodash_auth::{
    BoxFuture, Principal, RedisSessionStore, SessionConfig, SessionRecord, SessionStore,
    SessionStoreError, Sessions,
};
use ferrodash_testing::redis_server::RedisServer;
use sha2::{Digest, Sha256};

const REDIS: &str = "redis://127.0.0.1:6379";

async fn store(url: &str, prefix: &str) -> RedisSessionStore {
    RedisSessionStore::connect(url)
        .await
        .expect("a Redis server on 127.0.0.1:6379 (scripts/test starts one)")
        .with_prefix(prefix)
}

async fn instance(prefix: &str, idle: Duration) -> Sessions {
    Sessions::new(
        store(REDIS, prefix).await,
        SessionConfig::default().with_idle_timeout(idle),
    )
}

fn prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("ferrodash-test:{test}:{}:{nanos}:", std::process::id())
}

/// The Redis key a session id is kept under.
fn redis_key(prefix: &str, id: &str) -> String {
    let digest = Sha256::digest(id.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{hex}")
}

async fn redis() -> redis::aio::MultiplexedConnection {
    redis::Client::open(REDIS)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_on_one_process_holds_on_another() {
    let prefix = prefix("sessions");
    let first = instance(&prefix, Duration::from_secs(60)).await;
    let second = instance(&prefix, Duration::from_secs(60)).await;
    let session = first
        .login(None, Principal::new("u1", "Ada").with_groups(["sales"]))
        .await
        .unwrap();
    let seen = second
        .load(session.id())
        .await
        .unwrap()
        .expect("shared through Redis");
    assert_eq!(seen.user().unwrap().name, "Ada");
    assert!(seen.user().unwrap().in_group("sales"));
    // A new login rotates the id on every process.
    let rotated = second
        .login(Some(session.id()), Principal::new("u1", "Ada"))
        .await
        .unwrap();
    assert!(first.load(session.id()).await.unwrap().is_none());
    assert!(first.load(rotated.id()).await.unwrap().is_some());
    first.logout(rotated.id()).await.unwrap();
    assert!(second.load(rotated.id()).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn unused_sessions_expire_in_redis() {
    let sessions = instance(&prefix("expiry"), Duration::from_millis(500)).await;
    let session = sessions
        .login(None, Principal::new("u2", "Bob"))
        .await
        .unwrap();
    assert!(sessions.load(session.id()).await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert!(sessions.load(session.id()).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_is_written_back_at_most_once_per_touch_interval() {
    let prefix = prefix("touch");
    let clock = Arc::new(AtomicU64::new(1_000_000_000));
    let sessions = Sessions::new(
        store(REDIS, &prefix).await,
        SessionConfig::default()
            .with_idle_timeout(Duration::from_secs(1800))
            .with_touch_interval(Duration::from_secs(60)),
    )
    .with_clock({
        let clock = Arc::clone(&clock);
        move || clock.load(Ordering::SeqCst)
    });
    let session = sessions
        .login(None, Principal::new("u3", "Cy"))
        .await
        .unwrap();
    let key = redis_key(&prefix, session.id());
    let mut redis = redis().await;
    let ttl = |redis: &mut redis::aio::MultiplexedConnection| {
        let key = key.clone();
        let mut redis = redis.clone();
        async move {
            redis::cmd("TTL")
                .arg(&key)
                .query_async::<i64>(&mut redis)
                .await
                .unwrap()
        }
    };
    // Mark the record: a write would start its time to live again.
    let _: bool = redis::cmd("EXPIRE")
        .arg(&key)
        .arg(100)
        .query_async(&mut redis)
        .await
        .unwrap();
    for _ in 0..20 {
        clock.fetch_add(1_000, Ordering::SeqCst);
        assert!(sessions.load(session.id()).await.unwrap().is_some());
    }
    assert!(
        ttl(&mut redis).await <= 100,
        "20 requests within a minute wrote the session back"
    );
    // Past the interval, the next request writes it once.
    clock.fetch_add(60_000, Ordering::SeqCst);
    assert!(sessions.load(session.id()).await.unwrap().is_some());
    assert!(
        ttl(&mut redis).await > 1700,
        "written back after the interval"
    );
}

/// A store whose reads are each followed by a logout from elsewhere, before
/// the reading request writes its record back.
#[derive(Debug)]
struct LogoutAfterRead(RedisSessionStore);

impl SessionStore for LogoutAfterRead {
    fn load<'a>(
        &'a self,
        key: &'a [u8; 32],
    ) -> BoxFuture<'a, Result<Option<SessionRecord>, SessionStoreError>> {
        Box::pin(async move {
            let record = self.0.load(key).await?;
            self.0.delete(key).await?;
            Ok(record)
        })
    }
    fn save<'a>(
        &'a self,
        key: &'a [u8; 32],
        record: SessionRecord,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), SessionStoreError>> {
        self.0.save(key, record, ttl)
    }
    fn refresh<'a>(
        &'a self,
        key: &'a [u8; 32],
        record: SessionRecord,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, SessionStoreError>> {
        self.0.refresh(key, record, ttl)
    }
    fn delete<'a>(&'a self, key: &'a [u8; 32]) -> BoxFuture<'a, Result<(), SessionStoreError>> {
        self.0.delete(key)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_racing_a_logout_does_not_bring_the_session_back() {
    let prefix = prefix("race");
    let clock = Arc::new(AtomicU64::new(1_000_000_000));
    let sessions = Sessions::new(
        LogoutAfterRead(store(REDIS, &prefix).await),
        SessionConfig::default(),
    )
    .with_clock({
        let clock = Arc::clone(&clock);
        move || clock.load(Ordering::SeqCst)
    });
    let session = sessions
        .login(None, Principal::new("u4", "Di"))
        .await
        .unwrap();
    // Past the touch interval, so the request writes its record back.
    clock.fetch_add(120_000, Ordering::SeqCst);
    assert!(
        sessions.load(session.id()).await.unwrap().is_none(),
        "the logout won: the request is anonymous"
    );
    let exists: bool = redis::cmd("EXISTS")
        .arg(redis_key(&prefix, session.id()))
        .query_async(&mut redis().await)
        .await
        .unwrap();
    assert!(!exists, "the logged-out session was written back");
}

#[tokio::test(flavor = "multi_thread")]
async fn while_redis_is_down_sessions_are_errors_not_nobody() {
    let mut server = RedisServer::start().await.expect("redis-server starts");
    let sessions = Sessions::new(
        store(&server.url(), "down:").await,
        SessionConfig::default(),
    );
    let session = sessions
        .login(None, Principal::new("u5", "Ed"))
        .await
        .unwrap();
    sessions.ping().await.unwrap();
    server.stop().await.unwrap();
    let error = sessions
        .load(session.id())
        .await
        .expect_err("Redis is down");
    assert!(
        error.to_string().contains("session store is unavailable"),
        "{error}"
    );
    assert!(sessions.logout(session.id()).await.is_err());
    assert!(
        sessions
            .login(None, Principal::new("u6", "Flo"))
            .await
            .is_err()
    );
    assert!(sessions.ping().await.is_err());
    server.restart().await.unwrap();
    let mut answer = sessions.ping().await;
    for _ in 0..50 {
        if answer.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        answer = sessions.ping().await;
    }
    answer.expect("Redis answers again");
    // Redis restarted empty: the session is gone, and says so cleanly.
    assert!(sessions.load(session.id()).await.unwrap().is_none());
}
