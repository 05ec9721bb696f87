//! A real OpenID Connect provider for tests: panva's certified
//! `oidc-provider` (Node), from `oidc-provider/provider.mjs` in this crate,
//! on a free loopback port, killed when dropped.
//!
//! Its development interactions take any login name (a login form, then a
//! consent form). Accounts: `sub` and `preferred_username` = the login
//! name, `name` = "`<Name>` Example", `groups` = `["staff"]`, plus `"admin"`
//! for names starting with `admin`. Clients: `CLIENT_ID` (RS256 ID tokens),
//! `CLIENT_ID-es256` and `CLIENT_ID-public` (no secret), all with the
//! given secret and redirect URI.
//!
//! Needs `node` and `npm` on the PATH; the first start runs
//! `npm ci --ignore-scripts` when `node_modules` is missing.

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::Duration;

/// Where the provider's Node project is.
fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("oidc-provider")
}

/// `npm ci` once per test process, when `node_modules` is missing.
fn npm_ci() -> &'static Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        let dir = provider_dir();
        if dir.join("node_modules/oidc-provider/package.json").exists() {
            return Ok(());
        }
        let output = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .map_err(|e| format!("npm (needed for the OIDC tests) did not start: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "npm ci in {} failed:\n{}",
                dir.display(),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    })
}

/// A running provider, killed on drop (also when the test fails).
#[derive(Debug)]
pub struct TestProvider {
    child: Child,
    /// Held open: the provider exits when it closes (if this process dies
    /// before dropping it).
    _stdin: Option<ChildStdin>,
    issuer: String,
}

impl Drop for TestProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestProvider {
    /// Starts a provider whose clients are `client_id` (and its `-es256`
    /// and `-public` variants) with `secret`, sending the browser back to
    /// `redirect_uri`; waits until it accepts requests.
    ///
    /// # Panics
    ///
    /// When npm or node cannot run, or the provider is not ready in 30 s
    /// (the panic shows its error output).
    #[must_use]
    pub fn start(client_id: &str, secret: &str, redirect_uri: &str) -> Self {
        if let Err(e) = npm_ci() {
            panic!("{e}");
        }
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .arg("0")
            .current_dir(provider_dir())
            .env("CLIENT_ID", client_id)
            .env("CLIENT_SECRET", secret)
            .env("REDIRECT_URI", redirect_uri)
            .env("EXIT_ON_STDIN_CLOSE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("node (needed for the OIDC tests) does not start: {e}"));
        let stdin = child.stdin.take();
        let (ready, ready_rx) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Some(issuer) = line.strip_prefix("listening ") {
                        let _ = ready.send(issuer.to_owned());
                    }
                }
            });
        }
        let errors = Arc::new(Mutex::new(String::new()));
        if let Some(mut stderr) = child.stderr.take() {
            let sink = Arc::clone(&errors);
            std::thread::spawn(move || {
                let mut buf = [0_u8; 4096];
                while let Ok(n @ 1..) = stderr.read(&mut buf) {
                    if let Ok(mut errors) = sink.lock() {
                        let read = buf.get(..n).unwrap_or_default();
                        errors.push_str(&String::from_utf8_lossy(read));
                    }
                }
            });
        }
        let mut provider = Self {
            child,
            _stdin: stdin,
            issuer: String::new(),
        };
        match ready_rx.recv_timeout(Duration::from_secs(30)) {
            Ok(issuer) => provider.issuer = issuer,
            Err(_) => {
                let _ = provider.child.kill();
                std::thread::sleep(Duration::from_millis(200));
                let errors = errors.lock().map(|e| e.clone()).unwrap_or_default();
                panic!("provider.mjs did not get ready in 30 s; its stderr:\n{errors}");
            }
        }
        provider
    }

    /// The issuer URL, `http://127.0.0.1:<port>`.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
}
