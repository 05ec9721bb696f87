//! {{title}}: run with `cargo run`, then open <http://127.0.0.1:8050>.
//!
//! - `DATABASE_URL` chooses the database (default `sqlite://{{name}}.db`,
//!   created and filled with a year of made-up orders on first start).
//! - `APP_ADDRESS` is where it listens (default `127.0.0.1:8050`).
//! - `RUST_LOG` filters the log (default `info`).
//! - `{{name}} healthcheck` asks the running app's `/health` on
//!   `APP_ADDRESS`'s port and exits 0 on a 200: the Dockerfile's
//!   HEALTHCHECK, with no curl in the image.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use tracing_subscriber::EnvFilter;

use {{crate_name}}::{Orders, app};

/// The database when `DATABASE_URL` is not set.
const DEFAULT_DATABASE: &str = "sqlite://{{name}}.db";

/// Where the app listens.
fn address() -> String {
    std::env::var("APP_ADDRESS").unwrap_or_else(|_| "127.0.0.1:8050".to_owned())
}

/// A GET of `/health` on the app's port, on loopback.
fn healthcheck() -> Result<(), String> {
    let address = address();
    let port = address
        .parse::<SocketAddr>()
        .map_err(|e| format!("APP_ADDRESS {address:?}: {e}"))?
        .port();
    let target = SocketAddr::from(([127, 0, 0, 1], port));
    let timeout = Duration::from_secs(3);
    let mut stream = TcpStream::connect_timeout(&target, timeout).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| e.to_string())?;
    match answer.lines().next() {
        Some(status) if status.starts_with("HTTP/1.1 200") => Ok(()),
        status => Err(format!("answered {status:?}")),
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE.to_owned());
    let orders = Orders::open(&url).await?;
    app("/", &orders)?.serve(address()).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("healthcheck") {
        return match healthcheck() {
            Ok(()) => ExitCode::SUCCESS,
            Err(problem) => {
                eprintln!("healthcheck: {problem}");
                ExitCode::FAILURE
            }
        };
    }
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{{name}}: {e}");
            ExitCode::FAILURE
        }
    }
}
