//! Run with `cargo run -p example-ecosystem`, then open <http://127.0.0.1:8050>.
//! `ECOSYSTEM_DATABASE_URL` names the database (default `sqlite://ecosystem.db`).

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("info").init();
    let url = std::env::var("ECOSYSTEM_DATABASE_URL")
        .unwrap_or_else(|_| "sqlite://ecosystem.db".to_owned());
    let ecosystem = example_ecosystem::Ecosystem::open(&url).await?;
    example_ecosystem::app("/", &ecosystem)?
        .serve("127.0.0.1:8050")
        .await?;
    Ok(())
}
