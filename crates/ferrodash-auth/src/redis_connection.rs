//! The Redis connection of the session store and the counters: it
//! reconnects by itself, and while the server is down a command fails
//! within about two seconds instead of retrying for long, so a request
//! gets its 503 quickly.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// A self-reconnecting connection to the server at `url`.
pub(crate) async fn connect(url: &str) -> Result<ConnectionManager, redis::RedisError> {
    let client = redis::Client::open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(Duration::from_secs(2)))
        .set_number_of_retries(2)
        .set_max_delay(Duration::from_millis(500));
    ConnectionManager::new_with_config(client, config).await
}
