//! A real headless Chromium for end-to-end tests.
//!
//! [`Browser::launch`] starts Debian's `chromium` (or any Chromium/Chrome, see
//! [`Browser::launch`] for the search) with a fresh profile and drives it over
//! the Chrome DevTools Protocol with [`chromiumoxide`]; nothing is downloaded.
//! [`Browser::open`] gives a [`Page`], whose methods click, type, wait and read
//! the way a user would.
//!
//! Give every test its own `Browser`: each has its own profile directory and
//! DevTools port, so tests run in parallel without sharing cookies, storage or
//! caches. Dropping a `Browser` (also when a test panics) stops Chromium and
//! all its helper processes and deletes the profile; [`Browser::close`] does
//! the same politely and reports errors.
//!
//! ```no_run
//! use ferrodash_testing::browser::{Browser, BrowserError};
//!
//! # async fn demo() -> Result<(), BrowserError> {
//! let browser = Browser::launch().await?;
//! let page = browser.open("http://127.0.0.1:8050/").await?;
//! page.click("#add").await?;
//! page.wait_for_text("#total", "1").await?;
//! assert!(page.console_errors().await.is_empty());
//! browser.close().await?;
//! # Ok(()) }
//! ```
//!
//! # Requirements
//!
//! A Chromium or Chrome executable. On Debian and Ubuntu:
//! `apt-get install chromium chromium-driver`. Chromium runs headless with
//! `--no-sandbox` (needed when tests run as root, as in containers and CI;
//! the pages under test are the author's own), and with background
//! networking, component updates, sync and QUIC turned off, so it makes no
//! connection of its own and works on machines without internet access.

mod error;
mod js;
mod options;
mod page;
mod process;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chromiumoxide::handler::HandlerConfig;
use chromiumoxide::handler::viewport::Viewport;
use futures_util::StreamExt as _;
use tokio::process::Child;
use tokio::task::JoinHandle;

pub use self::error::BrowserError;
pub use self::options::LaunchOptions;
pub use self::page::Page;
use self::process::ProfileDir;

/// How long each stage of shutting Chromium down may take before the next,
/// harsher one.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running headless Chromium with its own throw-away profile.
///
/// Owns the Chromium process (and through it all helper processes), the task
/// that drives the DevTools connection and the profile directory. Dropping it
/// stops Chromium (SIGTERM, then SIGKILL after 5 s), waits until its helper
/// processes have exited and removes the profile directory; this blocks the
/// dropping thread for as long as that takes (typically well under a second).
/// [`close`](Self::close) does the same without blocking and returns errors
/// instead of logging them.
#[derive(Debug)]
pub struct Browser {
    cdp: chromiumoxide::Browser,
    handler: JoinHandle<()>,
    stderr: JoinHandle<()>,
    child: Option<Child>,
    profile: Option<ProfileDir>,
    executable: PathBuf,
    timeout: Duration,
}

impl Browser {
    /// Starts Chromium with [`LaunchOptions::default`].
    ///
    /// The executable is, in this order: `$FERRODASH_CHROMIUM` (a path, or a
    /// program name looked up on `PATH`), `/usr/bin/chromium`,
    /// `/usr/bin/chromium-browser`, or `chromium`, `chromium-browser`,
    /// `google-chrome`, `google-chrome-stable` on `PATH`. If none exists the
    /// error ([`BrowserError::NotFound`]) says how to install one; a test that
    /// needs a browser fails rather than being skipped.
    pub async fn launch() -> Result<Self, BrowserError> {
        Self::launch_with(LaunchOptions::default()).await
    }

    /// Starts Chromium with the given options.
    pub async fn launch_with(opts: LaunchOptions) -> Result<Self, BrowserError> {
        let executable = process::find_executable(opts.executable.as_deref())?;
        let profile = ProfileDir::create()?;
        let args = chromium_args(&opts, profile.path());
        tracing::debug!(executable = %executable.display(), ?args, "launching chromium");

        let started =
            process::start(&executable, &args, profile.path(), opts.launch_timeout).await?;
        let mut child = started.child;
        let (width, height) = opts.window_size;
        let handler_config = HandlerConfig {
            // Headless Chromium keeps part of the window for (invisible)
            // browser UI, so the viewport is set exactly by emulation on every
            // new tab.
            viewport: Some(Viewport {
                width,
                height,
                device_scale_factor: Some(1.0),
                ..Viewport::default()
            }),
            ..HandlerConfig::default()
        };
        let (cdp, mut handler) = match chromiumoxide::Browser::connect_with_config(
            &started.ws_url,
            handler_config,
        )
        .await
        {
            Ok(connected) => connected,
            Err(e) => {
                started.stderr_task.abort();
                let related = process::related_processes(child.id().unwrap_or(0), profile.path());
                process::stop_blocking(&mut child, &related, SHUTDOWN_GRACE);
                return Err(BrowserError::Launch {
                    executable,
                    reason: format!("could not connect to {}: {e}", started.ws_url),
                    stderr: String::new(),
                });
            }
        };
        let handler = tokio::spawn(async move {
            while let Some(event) = handler.next().await {
                if let Err(e) = event {
                    // Only a broken connection ends up here; the handler
                    // cannot recover from it.
                    tracing::debug!(error = %e, "DevTools connection closed");
                    break;
                }
            }
        });
        Ok(Self {
            cdp,
            handler,
            stderr: started.stderr_task,
            child: Some(child),
            profile: Some(profile),
            executable,
            timeout: opts.timeout,
        })
    }

    /// Opens a new tab, navigates it to `url` and waits until the page has
    /// loaded (see [`Page::goto`]).
    ///
    /// The page collects console errors from the start
    /// ([`Page::console_errors`]) and uses the browser's default timeout.
    pub async fn open(&self, url: &str) -> Result<Page, BrowserError> {
        let tab = self.cdp.new_page("about:blank").await?;
        let page = Page::attach(tab, self.timeout).await?;
        page.goto(url).await?;
        Ok(page)
    }

    /// Lets the browser save downloads into `dir` (headless Chromium refuses
    /// them by default); see [`wait_for_download`].
    pub async fn allow_downloads(&self, dir: &std::path::Path) -> Result<(), BrowserError> {
        use chromiumoxide::cdp::browser_protocol::browser::{
            SetDownloadBehaviorBehavior, SetDownloadBehaviorParams,
        };
        let params = SetDownloadBehaviorParams::builder()
            .behavior(SetDownloadBehaviorBehavior::Allow)
            .download_path(dir.display().to_string())
            .build()
            .map_err(|e| BrowserError::Js {
                message: format!("download behaviour: {e}"),
            })?;
        self.cdp.execute(params).await?;
        Ok(())
    }

    /// Shuts Chromium down: asks it to close over the DevTools protocol,
    /// waits for it and its helper processes to exit (escalating to SIGTERM
    /// and SIGKILL if it does not), and removes the profile directory.
    pub async fn close(mut self) -> Result<(), BrowserError> {
        let related = self.related_processes();
        if let Err(e) = tokio::time::timeout(SHUTDOWN_GRACE, self.cdp.close()).await {
            tracing::debug!(error = %e, "Browser.close got no answer");
        }
        if let Some(mut child) = self.child.take() {
            process::stop(&mut child, &related, SHUTDOWN_GRACE).await;
        }
        if tokio::time::timeout(SHUTDOWN_GRACE, &mut self.handler)
            .await
            .is_err()
        {
            self.handler.abort();
        }
        self.stderr.abort();
        match self.profile.take() {
            Some(profile) => profile.remove(),
            None => Ok(()),
        }
    }

    /// The process id of Chromium's main process.
    #[must_use]
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// The executable that was started.
    #[must_use]
    pub fn executable(&self) -> &Path {
        &self.executable
    }

    /// This browser's profile directory (`--user-data-dir`); it is deleted
    /// when the browser is closed or dropped.
    #[must_use]
    pub fn user_data_dir(&self) -> &Path {
        self.profile
            .as_ref()
            .map_or(Path::new(""), ProfileDir::path)
    }

    /// The browser's product and version, e.g. `"Chrome/156.0.8078.79"`.
    pub async fn version(&self) -> Result<String, BrowserError> {
        Ok(self.cdp.version().await?.product)
    }

    /// The underlying [`chromiumoxide::Browser`], for anything this harness
    /// does not cover.
    #[must_use]
    pub fn cdp(&self) -> &chromiumoxide::Browser {
        &self.cdp
    }

    fn related_processes(&self) -> HashSet<u32> {
        match (self.pid(), &self.profile) {
            (Some(pid), Some(profile)) => process::related_processes(pid, profile.path()),
            _ => HashSet::new(),
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let related = self.related_processes();
        if let Some(mut child) = self.child.take() {
            process::stop_blocking(&mut child, &related, SHUTDOWN_GRACE);
        }
        self.handler.abort();
        self.stderr.abort();
        // `ProfileDir`'s own drop removes the directory and logs failures.
        self.profile.take();
    }
}

/// The command line: headless, no sandbox (tests often run as root), no
/// connection of Chromium's own (the machine may have no network), no
/// throttling of background tabs (several pages of one test run at full
/// speed), a private profile, and a DevTools port chosen by the OS.
fn chromium_args(opts: &LaunchOptions, profile: &Path) -> Vec<String> {
    let (width, height) = opts.window_size;
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-breakpad",
        "--disable-dev-shm-usage",
        "--disable-background-timer-throttling",
        "--disable-backgrounding-occluded-windows",
        "--disable-renderer-backgrounding",
        "--password-store=basic",
        "--use-mock-keychain",
        "--hide-scrollbars",
        "--mute-audio",
        "--remote-debugging-port=0",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    args.push(format!("--window-size={width},{height}"));
    args.push(format!("--user-data-dir={}", profile.display()));
    args.extend(opts.args.iter().cloned());
    args.push("about:blank".to_owned());
    args
}

/// The first file in `dir` whose name ends with `suffix`, once the browser
/// has finished writing it, within `timeout`.
///
/// Chromium creates the final name empty at the start and writes into a
/// `.crdownload` file it renames at the end: the download is complete when
/// the file has bytes, no partial file is left and its size held for a poll.
///
/// # Errors
///
/// [`BrowserError::Timeout`] when no such file is complete in time.
pub async fn wait_for_download(
    dir: &std::path::Path,
    suffix: &str,
    timeout: Duration,
) -> Result<std::path::PathBuf, BrowserError> {
    let poll = Duration::from_millis(100);
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last = (None, 0);
    while tokio::time::Instant::now() < deadline {
        if let Ok(entries) = std::fs::read_dir(dir) {
            let paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            let partial = paths
                .iter()
                .any(|p| p.to_string_lossy().ends_with(".crdownload"));
            let done = paths.iter().find(|p| {
                p.to_string_lossy().ends_with(suffix)
                    && std::fs::metadata(p).is_ok_and(|m| m.len() > 0)
            });
            if let (false, Some(path)) = (partial, done) {
                let size = std::fs::metadata(path).map_or(0, |m| m.len());
                if last == (Some(path.clone()), size) {
                    return Ok(path.clone());
                }
                last = (Some(path.clone()), size);
            }
        }
        tokio::time::sleep(poll).await;
    }
    Err(BrowserError::Timeout {
        what: format!("a downloaded `*{suffix}` file in {}", dir.display()),
        last: None,
        timeout,
    })
}
