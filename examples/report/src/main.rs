//! Run with `cargo run -p example-report`, then open <http://127.0.0.1:8050>.
//! `REPORT_DATABASE_URL` chooses the database (default: an SQLite file,
//! `report.db`, created and filled on first start).

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("info").init();
    let url =
        std::env::var("REPORT_DATABASE_URL").unwrap_or_else(|_| "sqlite://report.db".to_owned());
    let report = example_report::Report::open(&url).await?;
    example_report::app("/", &report)?
        .serve("127.0.0.1:8050")
        .await?;
    Ok(())
}
