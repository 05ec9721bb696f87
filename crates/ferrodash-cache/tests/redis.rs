//! The Redis backend against a real Redis server on 127.0.0.1:6379
//! (`scripts/test` starts one when none runs).

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
