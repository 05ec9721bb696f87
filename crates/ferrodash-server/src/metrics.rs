//! Prometheus metrics of an app, in the text exposition format: requests by
//! route and status class, a latency histogram and failures per callback,
//! background jobs, and the memoize cache's hits and misses.
//!
//! Counters are atomics laid out when the app is built (every callback and
//! route is known then), so recording takes no lock.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ferrodash_cache::CacheStats;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// The routes requests are counted by.
pub(crate) const ROUTES: [&str; 11] = [
    "index",
    "login",
    "layout",
    "dependencies",
    "update",
    "websocket",
    "component_suites",
    "assets",
    "reload",
    "health",
    "other",
];

/// Status classes, `1xx` to `5xx`.
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// One callback's latency histogram and failures.
#[derive(Debug, Default)]
struct CallbackMetrics {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_nanos: AtomicU64,
    failures: AtomicU64,
}

/// Every metric of one app.
#[derive(Debug)]
pub(crate) struct Metrics {
    requests: [[AtomicU64; CLASSES.len()]; ROUTES.len()],
    /// By name, sorted; callbacks find theirs by index (their slot).
    callbacks: Vec<(String, CallbackMetrics)>,
    jobs_started: AtomicU64,
}

impl Metrics {
    /// Metrics for an app with these callbacks (by name).
    pub(crate) fn new<'a>(callbacks: impl IntoIterator<Item = &'a str>) -> Self {
        let mut names: Vec<&str> = callbacks.into_iter().collect();
        names.sort_unstable();
        names.dedup();
        Self {
            requests: Default::default(),
            callbacks: names
                .into_iter()
                .map(|name| (name.to_owned(), CallbackMetrics::default()))
                .collect(),
            jobs_started: AtomicU64::new(0),
        }
    }

    /// Where the callback `name`'s metrics are (`usize::MAX`: nowhere).
    pub(crate) fn slot(&self, name: &str) -> usize {
        self.callbacks
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .unwrap_or(usize::MAX)
    }

    /// Counts a request to `route` (an index into [`ROUTES`]) answered with
    /// `status`.
    pub(crate) fn request(&self, route: usize, status: u16) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        if let Some(counter) = self.requests.get(route).and_then(|row| row.get(class)) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Records one run of the callback in `slot` (see [`Metrics::slot`]).
    pub(crate) fn callback(&self, slot: usize, elapsed: Duration, failed: bool) {
        let Some((_, m)) = self.callbacks.get(slot) else {
            return;
        };
        let seconds = elapsed.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&m.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        m.count.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        m.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
        if failed {
            m.failures.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts a background job started.
    pub(crate) fn job_started(&self) {
        self.jobs_started.fetch_add(1, Ordering::Relaxed);
    }

    /// The text exposition of every metric, with the cache's counters and
    /// the number of jobs running now.
    pub(crate) fn render(&self, cache: CacheStats, jobs_running: usize) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP ferrodash_http_requests_total HTTP requests answered, by route and status class.\n\
             # TYPE ferrodash_http_requests_total counter\n",
        );
        for (route, row) in ROUTES.iter().zip(&self.requests) {
            for (class, count) in CLASSES.iter().zip(row) {
                let n = count.load(Ordering::Relaxed);
                if n > 0 {
                    let _ = writeln!(
                        out,
                        "ferrodash_http_requests_total{{route=\"{route}\",status=\"{class}\"}} {n}"
                    );
                }
            }
        }
        out.push_str(
            "# HELP ferrodash_callback_duration_seconds Time to run a callback, by callback.\n\
             # TYPE ferrodash_callback_duration_seconds histogram\n",
        );
        for (name, m) in &self.callbacks {
            let label = escape_label(name);
            for (bound, bucket) in BUCKETS.iter().zip(&m.buckets) {
                let _ = writeln!(
                    out,
                    "ferrodash_callback_duration_seconds_bucket{{callback=\"{label}\",le=\"{bound}\"}} {}",
                    bucket.load(Ordering::Relaxed)
                );
            }
            let count = m.count.load(Ordering::Relaxed);
            #[allow(clippy::cast_precision_loss)]
            let sum = m.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
            let _ = writeln!(
                out,
                "ferrodash_callback_duration_seconds_bucket{{callback=\"{label}\",le=\"+Inf\"}} {count}\n\
                 ferrodash_callback_duration_seconds_sum{{callback=\"{label}\"}} {sum}\n\
                 ferrodash_callback_duration_seconds_count{{callback=\"{label}\"}} {count}"
            );
        }
        out.push_str(
            "# HELP ferrodash_callback_failures_total Callback runs that failed (server errors), by callback.\n\
             # TYPE ferrodash_callback_failures_total counter\n",
        );
        for (name, m) in &self.callbacks {
            let _ = writeln!(
                out,
                "ferrodash_callback_failures_total{{callback=\"{}\"}} {}",
                escape_label(name),
                m.failures.load(Ordering::Relaxed)
            );
        }
        let _ = write!(
            out,
            "# HELP ferrodash_jobs_started_total Background jobs started.\n\
             # TYPE ferrodash_jobs_started_total counter\n\
             ferrodash_jobs_started_total {}\n\
             # HELP ferrodash_jobs_running Background jobs running now.\n\
             # TYPE ferrodash_jobs_running gauge\n\
             ferrodash_jobs_running {jobs_running}\n\
             # HELP ferrodash_cache_hits_total Memoize cache lookups that found a value.\n\
             # TYPE ferrodash_cache_hits_total counter\n\
             ferrodash_cache_hits_total {}\n\
             # HELP ferrodash_cache_misses_total Memoize cache lookups that found none.\n\
             # TYPE ferrodash_cache_misses_total counter\n\
             ferrodash_cache_misses_total {}\n",
            self.jobs_started.load(Ordering::Relaxed),
            cache.hits,
            cache.misses,
        );
        out
    }
}

/// What `/metrics` tells of logins and sessions.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LoginSnapshot {
    pub(crate) succeeded: u64,
    pub(crate) failed: u64,
    pub(crate) limited: u64,
    /// Refused with 503: every password check was taken.
    pub(crate) busy: u64,
    pub(crate) logouts: u64,
    /// Live sessions, when the store can tell.
    pub(crate) sessions: Option<usize>,
}

impl LoginSnapshot {
    /// Appends the login metrics to `out`.
    pub(crate) fn render(&self, out: &mut String) {
        let _ = write!(
            out,
            "# HELP ferrodash_logins_total Login attempts, by outcome.\n\
             # TYPE ferrodash_logins_total counter\n\
             ferrodash_logins_total{{outcome=\"success\"}} {}\n\
             ferrodash_logins_total{{outcome=\"failure\"}} {}\n\
             ferrodash_logins_total{{outcome=\"rate_limited\"}} {}\n\
             ferrodash_logins_total{{outcome=\"busy\"}} {}\n\
             # HELP ferrodash_logouts_total Sessions ended by logging out.\n\
             # TYPE ferrodash_logouts_total counter\n\
             ferrodash_logouts_total {}\n",
            self.succeeded, self.failed, self.limited, self.busy, self.logouts
        );
        if let Some(sessions) = self.sessions {
            let _ = write!(
                out,
                "# HELP ferrodash_sessions_active Live login sessions.\n\
                 # TYPE ferrodash_sessions_active gauge\n\
                 ferrodash_sessions_active {sessions}\n"
            );
        }
    }
}

/// A label value with `\`, `"` and newlines escaped.
fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Metrics, escape_label};

    #[test]
    fn a_run_lands_in_every_bucket_from_its_own_up() {
        let metrics = Metrics::new(["b", "a"]);
        let a = metrics.slot("a");
        metrics.callback(a, Duration::from_millis(3), false);
        metrics.callback(a, Duration::from_secs(2), true);
        metrics.callback(metrics.slot("unknown"), Duration::from_millis(1), false);
        let text = metrics.render(ferrodash_cache::CacheStats::default(), 0);
        assert!(text.contains("callback=\"a\",le=\"0.0025\"} 0"), "{text}");
        assert!(text.contains("callback=\"a\",le=\"0.005\"} 1"), "{text}");
        assert!(text.contains("callback=\"a\",le=\"5\"} 2"), "{text}");
        assert!(text.contains("callback=\"a\",le=\"+Inf\"} 2"), "{text}");
        assert!(text.contains("ferrodash_callback_failures_total{callback=\"a\"} 1"));
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
