//! Memoize hit latency: one `memoize` call whose result is already cached,
//! timed one at a time, in memory and in Redis (127.0.0.1:6379 over
//! loopback). Prints p50, p99 and max per backend. Run with
//! `cargo run --release -p ferrodash-bench-cache [CALLS]`.

use std::time::{Duration, Instant};

use ferrodash_cache::{CacheConfig, MemoCache, RedisBackend, Scope};

/// A result of the size of a small report: 200 rows of three numbers.
fn report() -> Vec<(u32, f64, f64)> {
    (0..200)
        .map(|i| (i, f64::from(i) * 1.5, f64::from(i) / 3.0))
        .collect()
}

async fn measure(
    name: &str,
    cache: &MemoCache,
    calls: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let scope = Scope::user("bench");
    // The first call computes and stores; every timed call is a hit.
    let _: Vec<(u32, f64, f64)> = cache
        .memoize("report", &("North", 2026), &scope, None, || async {
            report()
        })
        .await?;
    let mut times: Vec<Duration> = Vec::with_capacity(calls);
    for _ in 0..calls {
        let started = Instant::now();
        let rows: Vec<(u32, f64, f64)> = cache
            .memoize("report", &("North", 2026), &scope, None, || async {
                unreachable!("every timed call is a hit")
            })
            .await?;
        times.push(started.elapsed());
        assert_eq!(rows.len(), 200);
    }
    times.sort();
    let at = |p: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let index = (times.len().saturating_sub(1) as f64 * p).round() as usize;
        times.get(index).map_or(0.0, |t| t.as_secs_f64() * 1e6)
    };
    println!(
        "{name:<8} {calls} hits: p50 {:.1} µs  p99 {:.1} µs  max {:.1} µs",
        at(0.5),
        at(0.99),
        at(1.0)
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let calls = std::env::args()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(10_000);
    measure("memory", &MemoCache::in_memory(), calls).await?;
    let redis = RedisBackend::connect("redis://127.0.0.1:6379")
        .await?
        .with_prefix(format!("ferrodash-bench:{}:", std::process::id()));
    measure(
        "redis",
        &MemoCache::with_backend(redis, CacheConfig::default()),
        calls,
    )
    .await?;
    Ok(())
}
