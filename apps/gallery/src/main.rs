//! The gallery: `cargo run -p gallery`, then open <http://127.0.0.1:8050>.
//! `FERRODASH_ADDR` changes the address.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "info".to_owned()))
        .init();
    let addr = std::env::var("FERRODASH_ADDR").unwrap_or_else(|_| "127.0.0.1:8050".to_owned());
    ferrodash::serve_router(gallery::router()?, addr.as_str()).await?;
    Ok(())
}
