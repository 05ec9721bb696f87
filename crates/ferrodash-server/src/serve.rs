//! Running an app on a socket: hyper with its timers on (headers must
//! arrive in time, an idle kept-alive connection closes), and a graceful
//! stop that lets the requests under way finish.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, ToSocketAddrs};
use tower::ServiceExt as _;

use crate::Limits;
use crate::app::App;

impl App {
    /// Serves the app on `addr` until Ctrl-C or SIGTERM, then lets the
    /// requests under way finish (within [`Limits::shutdown_grace`]).
    pub async fn serve(self, addr: impl ToSocketAddrs) -> std::io::Result<()> {
        let listener = TcpListener::bind(addr).await?;
        self.serve_on(listener).await
    }

    /// Serves the app on an already bound listener until Ctrl-C or SIGTERM.
    pub async fn serve_on(self, listener: TcpListener) -> std::io::Result<()> {
        self.serve_until(listener, shutdown_signal()).await
    }

    /// Serves the app on an already bound listener until `shutdown`
    /// completes; then takes no new connections, lets the requests under way
    /// finish and the background jobs this process runs end, all within
    /// [`Limits::shutdown_grace`].
    pub async fn serve_until(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> std::io::Result<()> {
        let local: SocketAddr = listener.local_addr()?;
        tracing::info!(
            "ferrodash serving `{}` on http://{local}{}",
            self.inner.config.title,
            self.inner.config.routes_pathname_prefix
        );
        let limits = self.inner.config.limits.clone();
        // From the signal on, a shared queue's jobs go to the other processes.
        let shutdown = {
            let queue = Arc::clone(&self.inner.queue);
            async move {
                shutdown.await;
                queue.stop_taking();
            }
        };
        let stopping = serve_router_on(self.router(), listener, &limits, shutdown).await?;
        let deadline = stopping + limits.shutdown_grace;
        // Background jobs under way finish (their side effects included)
        // within what is left of the grace period.
        let queue = &self.inner.queue;
        if queue.running() > 0 {
            tracing::info!(
                jobs = queue.running(),
                "waiting for background jobs to finish"
            );
        }
        while queue.running() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if queue.running() > 0 {
            tracing::warn!(
                jobs = queue.running(),
                "the grace period ended with background jobs still running"
            );
        }
        Ok(())
    }
}

/// Serves any router (several apps merged, say) on `addr` with the default
/// [`Limits`] until Ctrl-C or SIGTERM, then lets the requests under way
/// finish.
pub async fn serve_router(router: axum::Router, addr: impl ToSocketAddrs) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    tracing::info!("ferrodash serving on http://{}/", listener.local_addr()?);
    serve_router_on(router, listener, &Limits::default(), shutdown_signal())
        .await
        .map(|_| ())
}

/// Accepts connections until the shutdown signal, each served by hyper
/// with the limits' timers; then waits for the open connections' requests
/// to finish, at most `shutdown_grace`. When the shutdown began.
async fn serve_router_on(
    router: axum::Router,
    listener: TcpListener,
    limits: &Limits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<tokio::time::Instant> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        // Runs from the moment hyper waits for a request's head, so it
        // also closes kept-alive connections that sit idle.
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header_read_timeout / 2)
        .keep_alive_timeout(limits.header_read_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, say: wait, do not spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        // Connection info gives the login limiter the client's address.
        let service = hyper::service::service_fn(move |mut request: http::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let router = router.clone();
            async move {
                Ok::<_, Infallible>(
                    router
                        .oneshot(request.map(axum::body::Body::new))
                        .await
                        .unwrap_or_else(|never| match never {}),
                )
            }
        });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let stopping = tokio::time::Instant::now();
    tracing::info!(
        grace = ?limits.shutdown_grace,
        "no new connections: letting the requests under way finish"
    );
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("the grace period ended with requests still under way");
    }
    Ok(stopping)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
