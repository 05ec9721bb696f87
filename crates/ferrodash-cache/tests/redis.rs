//! The Redis backend against a real Redis server on 127.0.0.1:6379
//! (`scripts/test` starts one when none runs).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ferrodash_cache::{CacheConfig, CacheKey, MemoCache, RedisBackend, Scope};

const URL: &str = "redis://127.0.0.1:6379";

/// A key prefix of its own per test run, so runs never see each other's entries.
fn prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("ferrodash-test:{test}:{}:{nanos}:", std::process::id())
}

async fn instance(prefix: &str) -> MemoCache {
    let backend = RedisBackend::connect(URL)
        .await
        .expect("a Redis server on 127.0.0.1:6379 (scripts/test starts one)")
        .with_prefix(prefix);
    MemoCache::with_backend(backend, CacheConfig::default())
}

#[tokio::test]
async fn a_result_computed_by_one_instance_is_served_to_another() {
    let prefix = prefix("shared");
    // Two app instances: separate caches, separate connections, one server.
    let first = instance(&prefix).await;
    let second = instance(&prefix).await;
    let computed = Arc::new(AtomicUsize::new(0));
    let compute = |region: &'static str| {
        let computed = computed.clone();
        move || async move {
            computed.fetch_add(1, Ordering::SeqCst);
            vec![format!("{region} total"), "42".to_owned()]
        }
    };
    let scope = Scope::user("ada");
    let a: Vec<String> = first
        .memoize("report", &("North", 2026), &scope, None, compute("North"))
        .await
        .unwrap();
    let b: Vec<String> = second
        .memoize("report", &("North", 2026), &scope, None, compute("North"))
        .await
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(
        computed.load(Ordering::SeqCst),
        1,
        "the second instance used the first one's result"
    );
    // Another user, or other arguments: computed again.
    let _: Vec<String> = second
        .memoize(
            "report",
            &("North", 2026),
            &Scope::user("bob"),
            None,
            compute("North"),
        )
        .await
        .unwrap();
    let _: Vec<String> = second
        .memoize("report", &("South", 2026), &scope, None, compute("South"))
        .await
        .unwrap();
    assert_eq!(computed.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn entries_expire_and_can_be_removed() {
    let prefix = prefix("ttl");
    let cache = instance(&prefix).await;
    let key = CacheKey::new("value", &1, &Scope::Public).unwrap();
    cache
        .set(&key, &"short", Some(Duration::from_millis(150)))
        .await
        .unwrap();
    assert_eq!(
        cache.get::<String>(&key).await.unwrap().as_deref(),
        Some("short")
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        cache.get::<String>(&key).await.unwrap(),
        None,
        "expired in Redis"
    );
    cache.set(&key, &"kept", None).await.unwrap();
    cache.remove(&key).await.unwrap();
    assert_eq!(cache.get::<String>(&key).await.unwrap(), None);
}

#[tokio::test]
async fn an_unreachable_server_is_a_clear_error() {
    let error = RedisBackend::connect("redis://127.0.0.1:1")
        .await
        .unwrap_err();
    assert!(error.to_string().contains("redis"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_in_two_instances_compute_once() {
    let prefix = prefix("single-flight");
    let first = instance(&prefix).await;
    let second = instance(&prefix).await;
    let computed = Arc::new(AtomicUsize::new(0));
    let calls = (0..8).map(|i| {
        let cache = if i % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let computed = computed.clone();
        tokio::spawn(async move {
            cache
                .memoize("slow", &"q", &Scope::Public, None, || async move {
                    computed.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    vec![1_u32, 2, 3]
                })
                .await
                .unwrap()
        })
    });
    for call in calls.collect::<Vec<_>>() {
        assert_eq!(call.await.unwrap(), vec![1, 2, 3]);
    }
    assert_eq!(
        computed.load(Ordering::SeqCst),
        1,
        "one computation for eight calls"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_computation_lets_a_waiting_caller_compute() {
    let prefix = prefix("single-flight-failure");
    let first = instance(&prefix).await;
    let second = instance(&prefix).await;
    let failing = tokio::spawn({
        let first = first.clone();
        async move {
            first
                .try_memoize("flaky", &1, &Scope::Public, None, || async {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Err::<u32, _>(ferrodash_cache::CacheError::InvalidToken)
                })
                .await
        }
    });
    // Starts while the first call holds the lock, waits, then computes.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let value: u32 = second
        .memoize("flaky", &1, &Scope::Public, None, || async { 7 })
        .await
        .unwrap();
    assert_eq!(value, 7);
    assert!(failing.await.unwrap().is_err());
}

/// While Redis is down a memoize call computes its value without the
/// cache (no error reaches the callback); once Redis is back, values are
/// cached again.
#[tokio::test(flavor = "multi_thread")]
async fn while_redis_is_down_memoize_computes_without_the_cache() {
    use ferrodash_testing::redis_server::RedisServer;
    let mut server = RedisServer::start().await.expect("redis-server starts");
    let backend = RedisBackend::connect(&server.url()).await.unwrap();
    let cache = MemoCache::with_backend(backend, CacheConfig::default());
    let computed = Arc::new(AtomicUsize::new(0));
    let compute = || {
        let computed = computed.clone();
        move || async move {
            computed.fetch_add(1, Ordering::SeqCst);
            42_u64
        }
    };
    let scope = Scope::Public;
    let first: u64 = cache
        .memoize("answer", &1, &scope, None, compute())
        .await
        .unwrap();
    assert_eq!((first, computed.load(Ordering::SeqCst)), (42, 1));
    server.stop().await.unwrap();
    for _ in 0..2 {
        let value: u64 = cache
            .memoize("answer", &1, &scope, None, compute())
            .await
            .expect("computed without the cache, not an error");
        assert_eq!(value, 42);
    }
    assert_eq!(computed.load(Ordering::SeqCst), 3, "each call computed");
    // A computation that fails still fails, with its own error.
    let failed: Result<u64, CacheErrorOr> = cache
        .try_memoize("broken", &1, &scope, None, || async {
            Err(CacheErrorOr("no data".to_owned()))
        })
        .await;
    assert_eq!(failed.unwrap_err().0, "no data");

    server.restart().await.unwrap();
    let mut cached = false;
    for _ in 0..50 {
        let before = computed.load(Ordering::SeqCst);
        let _: u64 = cache
            .memoize("answer", &2, &scope, None, compute())
            .await
            .unwrap();
        let _: u64 = cache
            .memoize("answer", &2, &scope, None, compute())
            .await
            .unwrap();
        if computed.load(Ordering::SeqCst) == before + 1 {
            cached = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(cached, "values are cached again once Redis is back");
}

/// An error type that takes the cache's errors too, as `CallbackError`
/// does.
#[derive(Debug)]
struct CacheErrorOr(String);

impl From<ferrodash_cache::CacheError> for CacheErrorOr {
    fn from(error: ferrodash_cache::CacheError) -> Self {
        Self(error.to_string())
    }
}

/// A computation that outlives its lock must not release the lock the next
/// caller took meanwhile: the release compares and deletes in one step.
#[tokio::test(flavor = "multi_thread")]
async fn a_computation_that_outlived_its_lock_leaves_the_next_holders_lock() {
    let prefix = prefix("lock");
    let backend = RedisBackend::connect(URL)
        .await
        .unwrap()
        .with_prefix(&prefix)
        .with_lock_timeout(Duration::from_millis(200));
    let slow = MemoCache::with_backend(backend.clone(), CacheConfig::default());
    let next = MemoCache::with_backend(backend, CacheConfig::default());
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    // The first caller takes the lock and computes past its timeout.
    let first = tokio::spawn(async move {
        slow.memoize("report", &1, &Scope::Public, None, move || async move {
            let _ = started_tx.send(());
            let _ = release_rx.await;
            1_u64
        })
        .await
        .unwrap()
    });
    started_rx.await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    // The next caller finds the lock expired, takes it, and computes while
    // the first finishes and releases.
    let lock_key = {
        let mut connection = redis::Client::open(URL)
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{prefix}*"))
            .query_async(&mut connection)
            .await
            .unwrap();
        assert!(keys.is_empty(), "the first lock expired: {keys:?}");
        connection
    };
    let (held_tx, held_rx) = tokio::sync::oneshot::channel::<()>();
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    let second = tokio::spawn(async move {
        next.memoize("report", &1, &Scope::Public, None, move || async move {
            let _ = held_tx.send(());
            let _ = done_rx.await;
            2_u64
        })
        .await
        .unwrap()
    });
    held_rx.await.unwrap();
    let _ = release_tx.send(());
    assert_eq!(first.await.unwrap(), 1);
    let mut connection = lock_key;
    let locks: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*:lock"))
        .query_async(&mut connection)
        .await
        .unwrap();
    assert_eq!(locks.len(), 1, "the second caller's lock stays: {locks:?}");
    let _ = done_tx.send(());
    second.await.unwrap();
}
