//! A private Redis server for one test: started on a free loopback port,
//! stopped and started again at will, so a test can see what an app does
//! while Redis is down.
//!
//! ```no_run
//! use ferrodash_testing::redis_server::RedisServer;
//!
//! # async fn demo() -> std::io::Result<()> {
//! let mut redis = RedisServer::start().await?;
//! let url = redis.url(); // "redis://127.0.0.1:PORT"
//! redis.stop().await?; // requests now fail
//! redis.restart().await?; // the same port again, with no data
//! # Ok(()) }
//! ```

use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

/// A `redis-server` process of the test's own, keeping nothing on disk.
/// It is killed when dropped.
#[derive(Debug)]
pub struct RedisServer {
    port: u16,
    child: Option<Child>,
}

/// A port free now on 127.0.0.1.
fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

impl RedisServer {
    /// Starts `redis-server` (from `PATH`) on a free port and waits until it
    /// accepts connections.
    ///
    /// # Errors
    ///
    /// When `redis-server` cannot be started or does not listen within 10 s.
    pub async fn start() -> io::Result<Self> {
        let mut server = Self {
            port: free_port()?,
            child: None,
        };
        server.restart().await?;
        Ok(server)
    }

    /// Its URL, `redis://127.0.0.1:PORT`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Its port.
    #[must_use]
    pub const fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server (`SIGKILL`): connections drop, new ones are
    /// refused.
    ///
    /// # Errors
    ///
    /// When the process cannot be killed.
    pub async fn stop(&mut self) -> io::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill().await?;
        }
        Ok(())
    }

    /// Starts the server again on the same port, empty (a stopped one is
    /// started; a running one is killed first).
    ///
    /// # Errors
    ///
    /// When `redis-server` cannot be started or does not listen within 10 s.
    pub async fn restart(&mut self) -> io::Result<()> {
        self.stop().await?;
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port"])
            .arg(self.port.to_string())
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if tokio::net::TcpStream::connect((Ipv4Addr::LOCALHOST, self.port))
                .await
                .is_ok()
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("redis-server did not listen on port {}", self.port),
                ));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
