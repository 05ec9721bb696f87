//! The gallery: `cargo run -p gallery`, then open <http://127.0.0.1:8050>.
//!
//! Settings, from the environment or a `.env` file; every wrong setting is
//! reported at once, and secrets are never printed:
//!
//! | variable | default | |
//! | --- | --- | --- |
//! | `FERRODASH_ADDR` | `127.0.0.1:8050` | where to listen |
//! | `FERRODASH_LOG` | `info` | log filter |
//! | `FERRODASH_LOG_FORMAT` | `text` | `text`, or `json` for one JSON object per line |
//! | `FERRODASH_DATABASE_URL` | `sqlite://ferrodash-gallery.db` | the report's database (secret: may hold a password) |
//! | `FERRODASH_REDIS_URL` | (none: in memory) | a Redis server for the report's cache and the portal's login sessions, shared by several gallery processes (secret) |

use std::net::SocketAddr;

use ferrodash::MemoCache;
use ferrodash::cache::{CacheConfig, RedisBackend};
use ferrodash::data::Backend;
use ferrodash_settings::{Secret, Settings};

/// The embedded default: an SQLite file in the working directory.
const DEFAULT_DATABASE_URL: &str = "sqlite://ferrodash-gallery.db";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut settings = Settings::from_env().with_prefix("FERRODASH_");
    let addr: SocketAddr = settings.get_or("ADDR", SocketAddr::from(([127, 0, 0, 1], 8050)));
    let log: String = settings.get_or("LOG", "info".to_owned());
    let log_format: String = settings.get_or("LOG_FORMAT", "text".to_owned());
    if !matches!(log_format.as_str(), "text" | "json") {
        settings.invalid("LOG_FORMAT", "`text` or `json`");
    }
    let database_url: Secret<String> = settings
        .secret_opt("DATABASE_URL")
        .unwrap_or_else(|| Secret::new(DEFAULT_DATABASE_URL.to_owned()));
    if Backend::from_url(database_url.expose()).is_none() {
        settings.invalid(
            "DATABASE_URL",
            "a sqlite://, postgres:// or mysql:// database URL",
        );
    }
    let redis_url: Option<Secret<String>> = settings.secret_opt("REDIS_URL");
    let summary = settings.summary();
    settings.finish()?;
    if log_format == "json" {
        tracing_subscriber::fmt().json().with_env_filter(log).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(log).init();
    }
    tracing::info!(settings = %summary, "starting the gallery");
    let mut gallery = gallery::Gallery::open(database_url.expose()).await?;
    if let Some(url) = redis_url {
        let backend = RedisBackend::connect(url.expose()).await?;
        gallery = gallery.with_cache(MemoCache::with_backend(backend, CacheConfig::default()));
        let sessions = ferrodash::auth::RedisSessionStore::connect(url.expose())
            .await?
            .with_prefix("ferrodash-gallery:session:");
        gallery = gallery.with_sessions(ferrodash::Sessions::new(
            sessions,
            ferrodash::auth::SessionConfig::default(),
        ));
    }
    ferrodash::serve_router(gallery::router(&gallery)?, addr).await?;
    Ok(())
}
