//! The reference MCP client (the Python `mcp` package, versions pinned in
//! `mcp-client/requirements.txt` of this crate) driving a server the way an
//! AI agent's host would: a real client library, not a hand-written one.
//!
//! Needs `python3` with `venv` and `pip`; the first use creates
//! `mcp-client/.venv` and installs the pinned packages.
//!
//! ```no_run
//! use ferrodash_testing::mcp_client::McpClient;
//! use serde_json::json;
//!
//! # async fn demo() -> Result<(), ferrodash_testing::mcp_client::McpClientError> {
//! let client = McpClient::install()?;
//! let outcome = client
//!     .run("http://127.0.0.1:8050/_mcp", Some("the user's token"), &json!([{"do": "list_tools"}]))
//!     .await?;
//! println!("{}", outcome["steps"][0]["tools"]);
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

/// Why the client could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum McpClientError {
    /// Python, its venv or pip failed.
    #[error("the MCP client could not be installed: {0}")]
    Install(String),
    /// The client did not run or printed no JSON.
    #[error("the MCP client failed: {0}")]
    Run(String),
}

fn client_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("mcp-client")
}

/// Creates the virtual environment and installs the pinned packages, once
/// per test process.
fn venv() -> &'static Result<PathBuf, String> {
    static DONE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DONE.get_or_init(|| {
        let dir = client_dir();
        let venv = dir.join(".venv");
        let python = venv.join("bin/python");
        let requirements = std::fs::read_to_string(dir.join("requirements.txt"))
            .map_err(|e| format!("requirements.txt: {e}"))?;
        // The installed set is recorded: a changed pin installs again.
        let marker = venv.join("installed-requirements.txt");
        if python.exists()
            && std::fs::read_to_string(&marker).is_ok_and(|done| done == requirements)
        {
            return Ok(python);
        }
        let run = |program: &Path, args: &[&str]| -> Result<(), String> {
            let output = Command::new(program)
                .args(args)
                .current_dir(&dir)
                .output()
                .map_err(|e| format!("{} did not start: {e}", program.display()))?;
            if output.status.success() {
                Ok(())
            } else {
                Err(format!(
                    "{} {} failed:\n{}",
                    program.display(),
                    args.join(" "),
                    String::from_utf8_lossy(&output.stderr)
                ))
            }
        };
        run(Path::new("python3"), &["-m", "venv", "--clear", ".venv"])?;
        run(
            &python,
            &[
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                "requirements.txt",
            ],
        )?;
        std::fs::write(&marker, requirements).map_err(|e| e.to_string())?;
        Ok(python)
    })
}

/// The installed client.
#[derive(Debug, Clone)]
pub struct McpClient {
    python: PathBuf,
}

impl McpClient {
    /// The client, installed on first use.
    ///
    /// # Errors
    ///
    /// [`McpClientError::Install`] when Python, its `venv` or `pip` fail.
    pub fn install() -> Result<Self, McpClientError> {
        venv()
            .as_ref()
            .map(|python| Self {
                python: python.clone(),
            })
            .map_err(|e| McpClientError::Install(e.clone()))
    }

    /// Connects to the server at `url` (with the bearer `token`, if any),
    /// initializes, runs the steps of `plan` and answers what happened:
    /// `{"protocolVersion", "serverInfo", "steps": [...]}`, or `{"error"}`
    /// when the session could not be had (a refused token, say).
    ///
    /// Steps: `{"do": "list_tools"}`, `{"do": "call", "tool", "arguments"}`,
    /// `{"do": "list_resources"}`, `{"do": "read", "uri"}`, and
    /// `{"do": "task", "tool", "arguments"}` (called as a task, polled to
    /// its end, its result fetched).
    ///
    /// # Errors
    ///
    /// [`McpClientError::Run`] when the client does not run or prints no
    /// JSON.
    pub async fn run(
        &self,
        url: &str,
        token: Option<&str>,
        plan: &Value,
    ) -> Result<Value, McpClientError> {
        let mut command = tokio::process::Command::new(&self.python);
        command
            .arg(client_dir().join("client.py"))
            .arg(url)
            .arg(plan.to_string())
            .kill_on_drop(true);
        match token {
            Some(token) => command.env("MCP_TOKEN", token),
            None => command.env_remove("MCP_TOKEN"),
        };
        let output = command
            .output()
            .await
            .map_err(|e| McpClientError::Run(format!("python did not start: {e}")))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        serde_json::from_str(stdout.trim()).map_err(|e| {
            McpClientError::Run(format!(
                "no JSON answer ({e}): {stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            ))
        })
    }
}
