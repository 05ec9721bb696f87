//! Load benchmark for ferrodash's callback path: see `README.md` and `run.sh`.
//!
//! Two servers answer `POST /_dash-update-component` with the same JSON:
//! `bench-ferrodash-server` through a ferrodash app with a trivial callback,
//! `bench-bare-axum` through a bare axum handler that only parses the body and
//! echoes `inputs[0].value`. `run.sh` drives both with `wrk` in one run.

use std::net::{Ipv4Addr, SocketAddr};

/// The environment variable read for the port when no argument is given.
pub const PORT_ENV: &str = "BENCH_PORT";

/// The loopback address to serve on: `127.0.0.1` and the port given as the
/// first argument, else in [`PORT_ENV`].
///
/// # Errors
///
/// A text for the user when the port is missing or not a number.
pub fn loopback_addr_from_args() -> Result<SocketAddr, String> {
    let port = std::env::args()
        .nth(1)
        .or_else(|| std::env::var(PORT_ENV).ok())
        .ok_or_else(|| format!("usage: <binary> PORT (or set {PORT_ENV})"))?;
    let port: u16 = port
        .parse()
        .map_err(|e| format!("`{port}` is not a port number: {e}"))?;
    Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}

/// The `p` quantile (0 to 1) of durations sorted ascending; zero for none.
#[must_use]
pub fn percentile(sorted: &[std::time::Duration], p: f64) -> std::time::Duration {
    let Some(last) = sorted.len().checked_sub(1) else {
        return std::time::Duration::ZERO;
    };
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let index = (last as f64 * p.clamp(0.0, 1.0)).round() as usize;
    sorted.get(index.min(last)).copied().unwrap_or_default()
}
