//! Integration tests: the users command and sessions in Redis.

mod cli;
#[cfg(feature = "oidc")]
mod oidc;
mod redis_limiter;
mod redis_sessions;
