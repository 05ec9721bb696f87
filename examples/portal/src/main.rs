//! Run with `cargo run -p example-portal`, then open <http://127.0.0.1:8050>
//! and log in as `alice` with `alice-demo-password` (or `bob` with
//! `bob-demo-password`). `PORTAL_DATABASE_URL` chooses the database
//! (default: an SQLite file, `portal.db`, created and filled on first
//! start).

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("info").init();
    let url =
        std::env::var("PORTAL_DATABASE_URL").unwrap_or_else(|_| "sqlite://portal.db".to_owned());
    let portal = example_portal::Portal::open(&url).await?;
    example_portal::app("/", &portal)?
        .serve("127.0.0.1:8050")
        .await?;
    Ok(())
}
