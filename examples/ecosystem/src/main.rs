//! Run with `cargo run -p example-ecosystem`, then open <http://127.0.0.1:8050>.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("info").init();
    example_ecosystem::app("/")?.serve("127.0.0.1:8050").await?;
    Ok(())
}
