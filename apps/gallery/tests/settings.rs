//! The gallery binary's settings: every problem reported at once, naming the
//! variables, and no secret value in any log line or error.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A `gallery` command with none of the developer's own settings, run in an
/// empty folder (so no `.env` file is read and no database file is left in
/// the source tree).
fn gallery(dir: &PathBuf) -> Command {
    std::fs::create_dir_all(dir).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_gallery"));
    command.current_dir(dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("FERRODASH_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    command
}

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ferrodash-gallery-{name}-{}", std::process::id()))
}

#[test]
fn every_wrong_setting_is_reported_at_once_without_secrets() {
    let dir = scratch("bad-settings");
    let output = gallery(&dir)
        .env("FERRODASH_ADDR", "not-an-address")
        .env("FERRODASH_LOG_FORMAT", "yaml")
        .env(
            "FERRODASH_DATABASE_URL",
            "ftp://ada:hunter2@db.example/sales",
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stderr.contains("FERRODASH_ADDR"), "{stderr}");
    assert!(stderr.contains("not-an-address"), "{stderr}");
    assert!(stderr.contains("FERRODASH_DATABASE_URL"), "{stderr}");
    assert!(stderr.contains("FERRODASH_LOG_FORMAT"), "{stderr}");
    for text in [&stderr, &stdout] {
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("db.example"), "{text}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_database_that_cannot_be_reached_is_named_without_its_password() {
    let dir = scratch("unreachable-db");
    // Nothing listens on port 1.
    let output = gallery(&dir)
        .env(
            "FERRODASH_DATABASE_URL",
            "postgres://ada:hunter2@127.0.0.1:1/sales",
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stderr.contains("sales"), "{stderr}");
    for text in [&stderr, &stdout] {
        assert!(!text.contains("hunter2"), "{text}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_redis_server_that_cannot_be_reached_fails_without_its_password() {
    let dir = scratch("unreachable-redis");
    let output = gallery(&dir)
        .env(
            "FERRODASH_DATABASE_URL",
            format!("sqlite://{}", dir.join("g.db").display()),
        )
        .env("FERRODASH_REDIS_URL", "redis://:hunter3@127.0.0.1:1/0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stderr.contains("redis"), "{stderr}");
    assert!(
        stdout.contains("FERRODASH_REDIS_URL=[redacted]"),
        "{stdout}"
    );
    for text in [&stderr, &stdout] {
        assert!(!text.contains("hunter3"), "{text}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The renderer's double-submit token, as a browser that loaded the page
/// would send it.
const CSRF: &str = "settingsTestToken0123456789abcdefghijklmnop";

/// Sends one HTTP/1.1 request and returns the status line.
fn request(port: u16, method: &str, path: &str, body: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Cookie: _csrf_token={CSRF}\r\nX-CSRFToken: {CSRF}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.lines().next().map(str::to_owned)
}

#[test]
fn secrets_never_reach_the_logs_of_a_running_gallery() {
    let dir = scratch("running");
    // The database URL is a secret (URLs often carry passwords): its path
    // must not appear in the logs either.
    let database = dir.join("gallery-secret-path-9f3b.db");
    let port = free_port();
    let mut child = gallery(&dir)
        .env("FERRODASH_ADDR", format!("127.0.0.1:{port}"))
        .env("FERRODASH_LOG", "debug")
        .env("FERRODASH_LOG_FORMAT", "json")
        .env(
            "FERRODASH_DATABASE_URL",
            format!("sqlite://{}", database.display()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the logs as they come, so a full pipe never stalls the gallery.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let started = Instant::now();
    while request(port, "GET", "/", "").is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the gallery did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        request(port, "GET", "/report/", "").as_deref(),
        Some("HTTP/1.1 200 OK")
    );
    let call = r#"{"output":"..donut.figure...treemap.figure...monthly.figure...headline.children..","outputs":[{"id":"donut","property":"figure"},{"id":"treemap","property":"figure"},{"id":"monthly","property":"figure"},{"id":"headline","property":"children"}],"inputs":[{"id":"region","property":"value","value":"Europe"},{"id":"months","property":"value","value":[0,11]}],"changedPropIds":["region.value"]}"#;
    assert_eq!(
        request(port, "POST", "/report/_dash-update-component", call).as_deref(),
        Some("HTTP/1.1 200 OK")
    );
    // A request that fails, so errors are logged too.
    let broken = r#"{"output":"headline.children","inputs":[]}"#;
    assert!(request(port, "POST", "/report/_dash-update-component", broken).is_some());
    child.kill().unwrap();
    child.wait().unwrap();
    let logs = format!("{}{}", stdout.join().unwrap(), stderr.join().unwrap());
    assert!(logs.contains("FERRODASH_DATABASE_URL=[redacted]"), "{logs}");
    assert!(logs.lines().count() > 3, "{logs}");
    // Structured logs: every line is one JSON object with a level and fields.
    for line in logs.lines() {
        let entry: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
        assert!(
            entry["level"].is_string() && entry["fields"].is_object(),
            "{line}"
        );
    }
    assert!(!logs.contains("gallery-secret-path-9f3b"), "{logs}");
    assert!(
        database.exists(),
        "the gallery used the database it was given"
    );
    let _ = std::fs::remove_dir_all(dir);
}
