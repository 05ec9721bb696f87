//! Tests of [`MemoCache`] over the in-memory backend.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::{CacheConfig, CacheError, CacheKey, CacheStats, MemoCache, MemoryBackend, Scope};

fn stats(hits: u64, misses: u64) -> CacheStats {
    CacheStats { hits, misses }
}

#[tokio::test]
async fn a_second_call_is_a_hit_and_does_not_compute() {
    let cache = MemoCache::in_memory();
    let runs = AtomicUsize::new(0);
    for _ in 0..3 {
        let value: Vec<u32> = cache
            .memoize("squares", &4, &Scope::Public, None, || async {
                runs.fetch_add(1, Ordering::SeqCst);
                (1..=4).map(|n| n * n).collect()
            })
            .await
            .unwrap();
        assert_eq!(value, [1, 4, 9, 16]);
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_eq!(cache.stats(), stats(2, 1));
    // Other arguments are another entry.
    let other: Vec<u32> = cache
        .memoize("squares", &2, &Scope::Public, None, || async { vec![1, 4] })
        .await
        .unwrap();
    assert_eq!(other, [1, 4]);
    assert_eq!(cache.stats(), stats(2, 2));
}

#[tokio::test]
async fn get_set_and_remove_by_key() {
    let cache = MemoCache::in_memory();
    let key = CacheKey::new("report", &"north", &Scope::Public).unwrap();
    assert_eq!(cache.get::<String>(&key).await.unwrap(), None);
    cache.set(&key, "ready", None).await.unwrap();
    assert_eq!(
        cache.get::<String>(&key).await.unwrap().as_deref(),
        Some("ready")
    );
    assert_eq!(cache.stats(), stats(1, 1));
    // memoize finds what set stored.
    let found: String = cache
        .memoize("report", &"north", &Scope::Public, None, || async {
            unreachable!("the value is cached")
        })
        .await
        .unwrap();
    assert_eq!(found, "ready");
    cache.remove(&key).await.unwrap();
    assert_eq!(cache.get::<String>(&key).await.unwrap(), None);
}

#[tokio::test]
async fn a_key_that_names_nothing_finds_nothing() {
    let cache = MemoCache::in_memory();
    let key = CacheKey::from_token(&"ab".repeat(32), &Scope::user("ada")).unwrap();
    assert_eq!(cache.get::<serde_json::Value>(&key).await.unwrap(), None);
}

#[tokio::test]
async fn a_value_read_as_the_wrong_type_names_the_type() {
    let cache = MemoCache::in_memory();
    let key = CacheKey::new("f", &(), &Scope::Public).unwrap();
    cache.set(&key, "text", None).await.unwrap();
    let error = cache.get::<u64>(&key).await.unwrap_err();
    assert!(
        matches!(
            error,
            CacheError::Deserialize {
                type_name: "u64",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn entries_expire_after_their_ttl() {
    // moka reads the system clock, not tokio's, so these are real waits:
    // short, with wide margins for a busy machine.
    let short_ttl = Duration::from_millis(50);
    let wait = Duration::from_millis(150);
    let cache = MemoCache::new(CacheConfig::default().with_default_ttl(Duration::from_millis(500)));
    let short = CacheKey::new("short", &(), &Scope::Public).unwrap();
    let long = CacheKey::new("long", &(), &Scope::Public).unwrap();
    let default = CacheKey::new("default", &(), &Scope::Public).unwrap();
    cache.set(&short, &1, Some(short_ttl)).await.unwrap();
    cache
        .set(&long, &2, Some(Duration::from_secs(60)))
        .await
        .unwrap();
    cache.set(&default, &3, None).await.unwrap();
    assert_eq!(cache.get::<u8>(&short).await.unwrap(), Some(1));
    tokio::time::sleep(wait).await;
    assert_eq!(cache.get::<u8>(&short).await.unwrap(), None);
    assert_eq!(cache.get::<u8>(&default).await.unwrap(), Some(3));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(cache.get::<u8>(&default).await.unwrap(), None);
    assert_eq!(cache.get::<u8>(&long).await.unwrap(), Some(2));

    // Setting again restarts the clock with the new time to live.
    cache.set(&long, &4, Some(short_ttl)).await.unwrap();
    tokio::time::sleep(wait).await;
    assert_eq!(cache.get::<u8>(&long).await.unwrap(), None);

    // An expired memoized value is computed again.
    let runs = AtomicUsize::new(0);
    for pause in [Duration::ZERO, wait] {
        tokio::time::sleep(pause).await;
        let _: u8 = cache
            .memoize("again", &(), &Scope::Public, Some(short_ttl), || async {
                u8::try_from(runs.fetch_add(1, Ordering::SeqCst)).unwrap()
            })
            .await
            .unwrap();
    }
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_size_bound_evicts_entries() {
    let backend = MemoryBackend::new(16 * 1024);
    let cache = MemoCache::with_backend(backend.clone(), CacheConfig::default());
    let value = "x".repeat(1000);
    let mut keys = Vec::new();
    for n in 0..100 {
        let key = CacheKey::new("big", &n, &Scope::Public).unwrap();
        cache.set(&key, &value, None).await.unwrap();
        keys.push(key);
    }
    backend.run_pending_tasks().await;
    assert!(
        backend.weighted_size() <= backend.max_bytes(),
        "{backend:?}"
    );
    let mut kept = 0;
    for key in &keys {
        if cache.get::<String>(key).await.unwrap().is_some() {
            kept += 1;
        }
    }
    assert!((1..=16).contains(&kept), "{kept} of 100 entries kept");
    assert!(backend.entry_count() <= 16, "{backend:?}");
}

#[tokio::test]
async fn scopes_never_share_entries() {
    let cache = MemoCache::in_memory();
    let report = |scope: Scope, owner: &'static str| {
        let cache = cache.clone();
        async move {
            cache
                .memoize("report", &"north", &scope, None, || async {
                    owner.to_owned()
                })
                .await
                .unwrap()
        }
    };
    let ada = Scope::user("ada");
    let bob = Scope::user("bob");
    assert_eq!(report(ada.clone(), "ada").await, "ada");
    assert_eq!(report(bob.clone(), "bob").await, "bob");
    assert_eq!(report(Scope::Public, "public").await, "public");
    // Each scope keeps its own value.
    assert_eq!(report(ada.clone(), "not computed").await, "ada");
    assert_eq!(report(bob.clone(), "not computed").await, "bob");
    assert_eq!(report(Scope::Public, "not computed").await, "public");

    // Ada's token, brought back in another scope, finds that scope's entry.
    let token = CacheKey::new("report", &"north", &ada).unwrap().to_token();
    for (scope, owner) in [(ada, "ada"), (bob, "bob"), (Scope::Public, "public")] {
        let key = CacheKey::from_token(&token, &scope).unwrap();
        assert_eq!(
            cache.get::<String>(&key).await.unwrap().as_deref(),
            Some(owner)
        );
    }
    let carol = CacheKey::from_token(&token, &Scope::user("carol")).unwrap();
    assert_eq!(cache.get::<String>(&carol).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_identical_calls_compute_once() {
    let cache = MemoCache::in_memory();
    let runs = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let (cache, runs) = (cache.clone(), runs.clone());
        tasks.spawn(async move {
            cache
                .memoize("slow", &"north", &Scope::Public, None, || async move {
                    runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    42_u64
                })
                .await
                .unwrap()
        });
    }
    let values = tasks.join_all().await;
    assert_eq!(values, vec![42; 64]);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_eq!(cache.stats(), stats(63, 1));
}

#[derive(Debug, PartialEq, Eq)]
enum Failure {
    Flaky,
    Cache,
}

impl From<CacheError> for Failure {
    fn from(_: CacheError) -> Self {
        Self::Cache
    }
}

#[tokio::test]
async fn errors_are_returned_and_not_cached() {
    let cache = MemoCache::in_memory();
    let runs = AtomicUsize::new(0);
    let attempt = || {
        cache.try_memoize("flaky", &(), &Scope::Public, None, || async {
            if runs.fetch_add(1, Ordering::SeqCst) == 0 {
                Err(Failure::Flaky)
            } else {
                Ok(7_u8)
            }
        })
    };
    assert_eq!(attempt().await, Err(Failure::Flaky));
    assert_eq!(attempt().await, Ok(7));
    assert_eq!(attempt().await, Ok(7));
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert_eq!(cache.stats(), stats(1, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_waiting_on_a_failed_computation_compute_again() {
    let cache = MemoCache::in_memory();
    let runs = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (cache, runs) = (cache.clone(), runs.clone());
        tasks.spawn(async move {
            cache
                .try_memoize("flaky", &(), &Scope::Public, None, || async move {
                    let run = runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    if run == 0 {
                        Err(Failure::Flaky)
                    } else {
                        Ok(9_u8)
                    }
                })
                .await
        });
    }
    let results = tasks.join_all().await;
    let failed = results.iter().filter(|r| r.is_err()).count();
    assert_eq!(failed, 1, "{results:?}");
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(9) | Err(Failure::Flaky)))
    );
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn arguments_that_cannot_be_serialized_are_an_error() {
    use std::collections::BTreeMap;
    let cache = MemoCache::in_memory();
    // JSON object keys must be strings.
    let args: BTreeMap<(u8, u8), u8> = BTreeMap::from([((1, 2), 3)]);
    let error = cache
        .memoize("f", &args, &Scope::Public, None, || async { 1_u8 })
        .await
        .unwrap_err();
    assert!(matches!(error, CacheError::Serialize { .. }), "{error:?}");
}
