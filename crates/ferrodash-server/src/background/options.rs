//! Options of a background callback.

use std::time::Duration;

use ferrodash_core::PropRef;
use serde_json::Value;

/// How a background callback runs: how often the page polls, which props
/// show progress, which inputs cancel it, and how long it may take.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BackgroundOptions {
    /// How often the page asks for progress and the result (default 500 ms).
    pub interval: Duration,
    /// Props that show progress, set by [`Progress::set`](crate::Progress::set).
    pub progress: Vec<PropRef>,
    /// Values the progress props take when the job ends, one per progress prop.
    pub progress_default: Vec<Value>,
    /// Inputs whose change cancels the job.
    pub cancel: Vec<PropRef>,
    /// How long the job may run before it is stopped (default 10 minutes).
    pub timeout: Duration,
    /// Keep results this long in the app's memoize cache, keyed by the
    /// callback, the input and state values and the user's scope: a later
    /// identical request is answered on its first poll. `None`: no caching.
    pub cache_results: Option<Duration>,
}

impl Default for BackgroundOptions {
    fn default() -> Self {
        Self {
            interval: Duration::from_millis(500),
            progress: Vec::new(),
            progress_default: Vec::new(),
            cancel: Vec::new(),
            timeout: Duration::from_secs(600),
            cache_results: None,
        }
    }
}
