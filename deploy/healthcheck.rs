//! The image's health check: `GET /health` (or the path given as the first
//! argument) on the portal's own port; exits 0 on a 200, 1 otherwise.
//!
//! The standard library only, built by `rustc` in the Dockerfile's builder
//! stage: the runtime image needs no curl, wget or shell for its
//! HEALTHCHECK. The port comes from `PORTAL_ADDR` (default
//! `127.0.0.1:8050`); an unspecified address (`0.0.0.0`, `[::]`) is asked
//! on loopback.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

/// How long the connection, the request and the answer may each take.
const TIMEOUT: Duration = Duration::from_secs(3);

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/health".to_owned());
    let addr = target(std::env::var("PORTAL_ADDR").ok().as_deref());
    match probe(addr, &path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("healthcheck: GET http://{addr}{path}: {problem}");
            ExitCode::FAILURE
        }
    }
}

/// Where to ask: `PORTAL_ADDR`, on loopback when it names every address.
fn target(portal_addr: Option<&str>) -> SocketAddr {
    let mut addr = portal_addr
        .and_then(|a| a.trim().parse::<SocketAddr>().ok())
        .unwrap_or_else(|| SocketAddr::from((Ipv4Addr::LOCALHOST, 8050)));
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    addr
}

/// One HTTP/1.1 request; Ok when the status line says 200.
fn probe(addr: SocketAddr, path: &str) -> Result<(), String> {
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(TIMEOUT)))
        .map_err(|e| e.to_string())?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: healthcheck\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    // The status line is what counts.
    let mut head = Vec::with_capacity(64);
    let mut buf = [0_u8; 64];
    while !head.contains(&b'\n') && head.len() < 512 {
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    // The rest (a few bytes) is read too, so the server sees a clean close.
    let mut rest = 0;
    while rest < 4096 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => rest += n,
        }
    }
    let text = String::from_utf8_lossy(&head);
    let line = text.lines().next().unwrap_or("").trim();
    let mut parts = line.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some(version), Some("200")) if version.starts_with("HTTP/") => Ok(()),
        _ if line.is_empty() => Err("no answer".to_owned()),
        _ => Err(format!("answered `{line}`")),
    }
}
