//! A TCP proxy that can fail on demand: put it between an app and a
//! database server, then [`FaultProxy::cut`] it to see what the app does
//! while the server is down (every open connection is dropped, new ones are
//! refused) and [`FaultProxy::restore`] it to see the app recover — without
//! stopping the real server other tests share.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A running proxy from a free loopback port to `target`.
#[derive(Debug)]
pub struct FaultProxy {
    address: SocketAddr,
    down: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Starts a proxy to `target` (`host:port`).
    ///
    /// # Errors
    ///
    /// The error when no loopback port can be bound.
    pub async fn start(target: &str) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let down = Arc::new(AtomicBool::new(false));
        let (cuts, _) = watch::channel(0_u64);
        let task = tokio::spawn({
            let (down, cuts, target) = (Arc::clone(&down), cuts.clone(), target.to_owned());
            async move {
                while let Ok((client, _)) = listener.accept().await {
                    if down.load(Ordering::SeqCst) {
                        // Refused: the connection closes at once.
                        drop(client);
                        continue;
                    }
                    let mut cut = cuts.subscribe();
                    let target = target.clone();
                    tokio::spawn(async move {
                        let Ok(mut server) = TcpStream::connect(&target).await else {
                            return;
                        };
                        let mut client = client;
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                            _ = cut.changed() => {}
                        }
                    });
                }
            }
        });
        Ok(Self {
            address,
            down,
            cuts,
            task,
        })
    }

    /// The proxy's `host:port`, to put in the app's connection URL.
    #[must_use]
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Takes the server "down": open connections are dropped and new ones
    /// are closed as soon as they are made.
    pub fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
        self.cuts.send_modify(|n| *n += 1);
    }

    /// Brings the server "back": new connections go through again.
    pub fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.cuts.send_modify(|n| *n += 1);
        self.task.abort();
    }
}
