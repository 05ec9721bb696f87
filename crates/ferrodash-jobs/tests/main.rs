//! Tests of the job queues against a real Redis server: the shared one on
//! 127.0.0.1:6379 (under a prefix per test), or a private one a test stops
//! and starts. Two queues connected to one server stand for two processes.

mod redis_queue;
