//! The gallery: `cargo run -p gallery`, then open <http://127.0.0.1:8050>.
//!
//! Settings, from the environment or a `.env` file:
//! `FERRODASH_ADDR` (default `127.0.0.1:8050`) and `FERRODASH_LOG`
//! (default `info`). Every wrong setting is reported at once.

use std::net::SocketAddr;

use ferrodash_settings::Settings;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut settings = Settings::from_env().with_prefix("FERRODASH_");
    let addr: SocketAddr = settings.get_or("ADDR", SocketAddr::from(([127, 0, 0, 1], 8050)));
    let log: String = settings.get_or("LOG", "info".to_owned());
    let summary = settings.summary();
    settings.finish()?;
    tracing_subscriber::fmt().with_env_filter(log).init();
    tracing::info!(settings = %summary, "starting the gallery");
    ferrodash::serve_router(gallery::router()?, addr).await?;
    Ok(())
}
