//! Serving a router on a free loopback port, for tests that need a real
//! socket (a browser, an external HTTP client).
//!
//! ```no_run
//! use axum::{Router, routing::get};
//! use ferrodash_testing::server::spawn_router;
//!
//! # async fn demo() -> std::io::Result<()> {
//! let server = spawn_router(Router::new().route("/", get(|| async { "hi" }))).await?;
//! let url = server.url("/"); // "http://127.0.0.1:PORT/"
//! // ... point a browser at `url` ...
//! server.shutdown().await?;
//! # Ok(()) }
//! ```

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long [`RunningServer::shutdown`] waits for open connections to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A router being served on `127.0.0.1` by a background task.
///
/// Dropping it starts a graceful shutdown (no new connections; open ones
/// finish) without waiting for it; [`shutdown`](Self::shutdown) waits.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

/// Serves `router` on `127.0.0.1` at a port the operating system picks, so
/// that tests running in parallel never collide.
///
/// The socket is listening when this returns: a request sent right away is
/// answered. Must be called within a Tokio runtime.
pub async fn spawn_router(router: Router) -> io::Result<RunningServer> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                // A dropped sender also means "stop".
                let _ = stopped.await;
            })
            .await
    });
    tracing::debug!(%addr, "test server listening");
    Ok(RunningServer {
        addr,
        stop: Some(stop),
        task: Some(task),
    })
}

impl RunningServer {
    /// The address the server listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The absolute URL of `path` on this server, e.g.
    /// `server.url("/_dash-layout")` is `"http://127.0.0.1:PORT/_dash-layout"`.
    /// A missing leading slash is added.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        let path = path.strip_prefix('/').unwrap_or(path);
        format!("http://{}/{path}", self.addr)
    }

    /// Stops accepting connections, waits up to 5 s for open ones to finish
    /// (then drops them) and returns the server's error, if it had one.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join_error)) => Err(io::Error::other(join_error)),
            Err(_) => {
                // A client kept a connection open; don't let it hang the test.
                task.abort();
                Ok(())
            }
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn url_joins_paths() {
        let server = spawn_router(Router::new()).await.unwrap();
        let port = server.addr().port();
        assert_eq!(server.url("/a/b"), format!("http://127.0.0.1:{port}/a/b"));
        assert_eq!(server.url("a"), format!("http://127.0.0.1:{port}/a"));
        assert_eq!(server.url(""), format!("http://127.0.0.1:{port}/"));
        server.shutdown().await.unwrap();
    }
}
