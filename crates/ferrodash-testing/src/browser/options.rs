//! Launch options.

use std::path::PathBuf;
use std::time::Duration;

/// How to start Chromium; pass to [`Browser::launch_with`](super::Browser::launch_with).
///
/// All fields have defaults ([`LaunchOptions::default`]); change them with the
/// `with_*` methods:
///
/// ```
/// use std::time::Duration;
/// use ferrodash_testing::browser::LaunchOptions;
///
/// let opts = LaunchOptions::default()
///     .with_window_size(1024, 768)
///     .with_timeout(Duration::from_secs(20))
///     .with_arg("--lang=de-DE");
/// assert_eq!(opts.window_size(), (1024, 768));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LaunchOptions {
    pub(crate) executable: Option<PathBuf>,
    pub(crate) window_size: (u32, u32),
    pub(crate) args: Vec<String>,
    pub(crate) launch_timeout: Duration,
    pub(crate) timeout: Duration,
}

impl Default for LaunchOptions {
    /// No explicit executable (see [`Browser::launch`](super::Browser::launch) for
    /// the search order), a 1280×800 window, no extra arguments, 30 s to start
    /// and a 10 s default timeout for page waits.
    fn default() -> Self {
        Self {
            executable: None,
            window_size: (1280, 800),
            args: Vec::new(),
            launch_timeout: Duration::from_secs(30),
            timeout: Duration::from_secs(10),
        }
    }
}

impl LaunchOptions {
    /// Uses this Chromium (or Chrome) executable instead of searching for one.
    #[must_use]
    pub fn with_executable(mut self, path: impl Into<PathBuf>) -> Self {
        self.executable = Some(path.into());
        self
    }

    /// Sets the window and viewport size in CSS pixels (default 1280×800).
    #[must_use]
    pub fn with_window_size(mut self, width: u32, height: u32) -> Self {
        self.window_size = (width, height);
        self
    }

    /// Appends one command-line argument (e.g. `"--lang=de-DE"`) after the
    /// harness's own arguments.
    #[must_use]
    pub fn with_arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends several command-line arguments.
    #[must_use]
    pub fn with_args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// How long Chromium may take to start and announce its DevTools endpoint
    /// (default 30 s; a loaded two-core CI machine needs more than a laptop).
    #[must_use]
    pub fn with_launch_timeout(mut self, timeout: Duration) -> Self {
        self.launch_timeout = timeout;
        self
    }

    /// The default timeout of every [`Page`](super::Page) this browser opens
    /// (default 10 s); a page can change its own with
    /// [`Page::with_timeout`](super::Page::with_timeout).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The executable set with [`with_executable`](Self::with_executable), if any.
    #[must_use]
    pub fn executable(&self) -> Option<&std::path::Path> {
        self.executable.as_deref()
    }

    /// The window size in CSS pixels.
    #[must_use]
    pub fn window_size(&self) -> (u32, u32) {
        self.window_size
    }

    /// The extra command-line arguments.
    #[must_use]
    pub fn args(&self) -> &[String] {
        &self.args
    }

    /// The launch timeout.
    #[must_use]
    pub fn launch_timeout(&self) -> Duration {
        self.launch_timeout
    }

    /// The default page timeout.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}
