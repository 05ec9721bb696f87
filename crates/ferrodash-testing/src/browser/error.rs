//! The one error type of the browser harness.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// What went wrong while launching, driving or closing a [`Browser`](super::Browser)
/// or one of its [`Page`](super::Page)s.
///
/// Test code usually just propagates it with `?` (tests may return
/// `Result<(), BrowserError>`); every variant's message says what was being
/// done, so a failing test reads well without a backtrace.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BrowserError {
    /// No Chromium executable was found.
    #[error(
        "no Chromium executable found (looked for: {}); install Debian's chromium \
         (`apt-get install chromium chromium-driver`) or set FERRODASH_CHROMIUM to the \
         path of a Chromium or Chrome binary",
        .searched.join(", ")
    )]
    NotFound {
        /// Every path and program name that was tried, in order.
        searched: Vec<String>,
    },

    /// Chromium was found but did not start, or did not announce its DevTools
    /// endpoint in time.
    #[error("could not launch {}: {reason}{}", .executable.display(), StderrTail(.stderr))]
    Launch {
        /// The executable that was started.
        executable: PathBuf,
        /// Why the launch failed.
        reason: String,
        /// The last lines Chromium wrote to its standard error, if any.
        stderr: String,
    },

    /// A wait ran out of time.
    #[error("timed out after {timeout:?} waiting for {what}{}", LastSeen(.last))]
    Timeout {
        /// What was being waited for, e.g. ``text of `#out` to be "3"``.
        what: String,
        /// The last value observed before giving up (e.g. the element's text),
        /// when there was one.
        last: Option<String>,
        /// The timeout that expired.
        timeout: Duration,
    },

    /// The DevTools protocol connection reported an error.
    #[error("DevTools protocol error: {0}")]
    Cdp(#[from] chromiumoxide::error::CdpError),

    /// No element matched a CSS selector (for actions, after waiting for the
    /// page's timeout).
    #[error("no element matches the selector `{selector}`")]
    NoElement {
        /// The CSS selector.
        selector: String,
    },

    /// A JavaScript expression threw, or failed to compile.
    #[error("JavaScript error: {message}")]
    Js {
        /// The exception's description as the browser reports it.
        message: String,
    },

    /// A JavaScript value could not be turned into the requested Rust type.
    #[error("could not decode the value of `{expression}`: {source}")]
    Decode {
        /// The JavaScript expression that was evaluated.
        expression: String,
        /// The deserialization error.
        source: serde_json::Error,
    },

    /// Navigation to a URL failed (connection refused, DNS failure, ...).
    #[error("could not load {url}: {reason}")]
    Navigation {
        /// The URL that was requested.
        url: String,
        /// Chromium's error text, e.g. `net::ERR_CONNECTION_REFUSED`.
        reason: String,
    },

    /// A key name that the keyboard layout does not know.
    #[error(
        "unknown key {key:?} (use names such as \"Enter\", \"Backspace\", \"ArrowLeft\", \"a\")"
    )]
    UnknownKey {
        /// The key name that was given.
        key: String,
    },

    /// A file-system operation failed.
    #[error("{action} {}: {source}", .path.display())]
    Io {
        /// What was being done, e.g. "writing screenshot".
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Formats the optional "last seen" part of a timeout message.
struct LastSeen<'a>(&'a Option<String>);

impl fmt::Display for LastSeen<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(last) => write!(f, "; last seen: {last:?}"),
            None => Ok(()),
        }
    }
}

/// Formats the optional standard-error part of a launch message.
struct StderrTail<'a>(&'a str);

impl fmt::Display for StderrTail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.trim().is_empty() {
            Ok(())
        } else {
            write!(
                f,
                "\n--- chromium stderr (last lines) ---\n{}",
                self.0.trim_end()
            )
        }
    }
}
