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
async fn attempts_through_two_processes_add_up_and_a_success_clears_its_pair() {
    let prefix = prefix("limiter");
    let a = limiter("redis://127.0.0.1:6379", &prefix).await;
    let b = limiter("redis://127.0.0.1:6379", &prefix).await;
    assert!(a.is_shared());
    for limiter in [&a, &b, &a, &b, &a] {
        assert_eq!(
            limiter.attempt("10.0.0.9", "ada").await.unwrap(),
            Attempt::Allowed(Duration::ZERO)
        );
    }
    // Five attempts in all: both processes refuse the sixth from that
    // address at that name (any case).
    for limiter in [&a, &b] {
        match limiter.attempt("10.0.0.9", "ADA").await.unwrap() {
            Attempt::RetryAfter(wait) => assert!(
                wait > Duration::from_secs(55) && wait <= Duration::from_secs(60),
                "{wait:?}"
            ),
            Attempt::Allowed(_) => panic!("10.0.0.9 as ada should wait"),
        }
    }
    // Another address may try the name, slowed down: ada is not locked out.
    assert_eq!(
        b.attempt("10.0.0.7", "ada").await.unwrap(),
        Attempt::Allowed(Duration::from_secs(3))
    );
    assert_eq!(
        b.attempt("10.0.0.8", "carol").await.unwrap(),
        Attempt::Allowed(Duration::ZERO)
    );
    b.succeeded("10.0.0.9", "ada").await.unwrap();
    assert!(matches!(
        a.attempt("10.0.0.9", "ada").await.unwrap(),
        Attempt::Allowed(_)
    ));
    // A very long name makes no long key.
    let long = "x".repeat(100_000);
    assert_eq!(
        a.attempt("10.0.0.6", &long).await.unwrap(),
        Attempt::Allowed(Duration::ZERO)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_limiter_whose_redis_is_down_says_so_and_recovers() {
    let mut redis = RedisServer::start().await.expect("redis-server starts");
    let limiter = limiter(&redis.url(), "down:").await;
    limiter.attempt("10.0.0.1", "ada").await.unwrap();
    redis.stop().await.unwrap();
    let error = limiter
        .attempt("10.0.0.1", "ada")
        .await
        .expect_err("Redis is down");
    assert!(
        error
            .to_string()
            .contains("login limiter's store (redis) is unavailable"),
        "{error}"
    );
    assert!(limiter.succeeded("10.0.0.1", "ada").await.is_err());
    redis.restart().await.unwrap();
    let mut answer = limiter.attempt("10.0.0.1", "ada").await;
    for _ in 0..50 {
        if answer.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        answer = limiter.attempt("10.0.0.1", "ada").await;
    }
    assert!(matches!(answer.unwrap(), Attempt::Allowed(_)));
}
