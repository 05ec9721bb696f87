//! Running an app on a socket.

use std::net::SocketAddr;

use tokio::net::{TcpListener, ToSocketAddrs};

use crate::app::App;

impl App {
    /// Serves the app on `addr` until Ctrl-C or SIGTERM, then finishes the
    /// requests under way.
    pub async fn serve(self, addr: impl ToSocketAddrs) -> std::io::Result<()> {
        let listener = TcpListener::bind(addr).await?;
        self.serve_on(listener).await
    }

    /// Serves the app on an already bound listener.
    pub async fn serve_on(self, listener: TcpListener) -> std::io::Result<()> {
        let local: SocketAddr = listener.local_addr()?;
        tracing::info!(
            "ferrodash serving `{}` on http://{local}{}",
            self.inner.config.title,
            self.inner.config.routes_pathname_prefix
        );
        serve_router_on(self.router(), listener).await
    }
}

/// Serves any router (several apps merged, say) on `addr` until Ctrl-C or
/// SIGTERM, then finishes the requests under way.
pub async fn serve_router(router: axum::Router, addr: impl ToSocketAddrs) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    tracing::info!("ferrodash serving on http://{}/", listener.local_addr()?);
    serve_router_on(router, listener).await
}

async fn serve_router_on(router: axum::Router, listener: TcpListener) -> std::io::Result<()> {
    // Connection info gives the login limiter the client's address.
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
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
