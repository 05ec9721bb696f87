//! The login limiter's counts in a real Redis server, shared by two
//! limiters as two processes of an app would share them.

use std::time::Duration;

use ferrodash_auth::{Attempt, LoginLimiter};
use ferrodash_testing::redis_server::RedisServer;

async fn limiter(url: &str, prefix: &str) -> LoginLimiter {
    LoginLimiter::connect_redis(url)
        .await
        .expect("a Redis server (scripts/test starts one on 127.0.0.1:6379)")
        .with_limits(5, Duration::from_secs(60))
        .with_prefix(prefix)
}

fn prefix(test: &str) -> String {
    format!("ferrodash-test:{test}:{}:", rand::random::<u64>())
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_through_two_processes_add_up_and_a_success_clears_them() {
    let prefix = prefix("limiter");
    let a = limiter("redis://127.0.0.1:6379", &prefix).await;
    let b = limiter("redis://127.0.0.1:6379", &prefix).await;
    assert!(a.is_shared());
    for limiter in [&a, &b, &a, &b, &a] {
        assert_eq!(
            limiter.check("10.0.0.9", "ada").await.unwrap(),
            Attempt::Allowed
        );
        limiter.failed("10.0.0.9", "ada").await.unwrap();
    }
    // Five failures in all: both processes refuse the sixth, for the
    // address (any name) and for the name (any address, any case).
    for (limiter, address, name) in [(&a, "10.0.0.9", "bob"), (&b, "10.0.0.7", "ADA")] {
        match limiter.check(address, name).await.unwrap() {
            Attempt::RetryAfter(wait) => assert!(
                wait > Duration::from_secs(55) && wait <= Duration::from_secs(60),
                "{wait:?}"
            ),
            Attempt::Allowed => panic!("{address} as {name} should wait"),
        }
    }
    assert_eq!(
        b.check("10.0.0.8", "carol").await.unwrap(),
        Attempt::Allowed
    );
    b.succeeded("10.0.0.9", "ada").await.unwrap();
    assert_eq!(a.check("10.0.0.9", "ada").await.unwrap(), Attempt::Allowed);
    // A very long name makes no long key.
    let long = "x".repeat(100_000);
    a.failed("10.0.0.9", &long).await.unwrap();
    assert_eq!(a.check("10.0.0.9", &long).await.unwrap(), Attempt::Allowed);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_limiter_whose_redis_is_down_says_so_and_recovers() {
    let mut redis = RedisServer::start().await.expect("redis-server starts");
    let limiter = limiter(&redis.url(), "down:").await;
    limiter.failed("10.0.0.1", "ada").await.unwrap();
    redis.stop().await.unwrap();
    let error = limiter
        .check("10.0.0.1", "ada")
        .await
        .expect_err("Redis is down");
    assert!(
        error
            .to_string()
            .contains("login limiter's store (redis) is unavailable"),
        "{error}"
    );
    assert!(limiter.failed("10.0.0.1", "ada").await.is_err());
    redis.restart().await.unwrap();
    let mut answer = limiter.check("10.0.0.1", "ada").await;
    for _ in 0..50 {
        if answer.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        answer = limiter.check("10.0.0.1", "ada").await;
    }
    assert_eq!(answer.unwrap(), Attempt::Allowed);
}
