//! Integration tests: the users command and sessions in Redis.

mod cli;
mod redis_sessions;
