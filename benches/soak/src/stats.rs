//! What a soak run records: every request's latency by step, every error,
//! background jobs' times, and the portal's memory every few seconds; and
//! the report made of them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ferrodash_benches::percentile;
use serde_json::{Value, json};

/// How many errors are kept (and printed) in full.
const FIRST_ERRORS: usize = 20;

/// One step's requests.
#[derive(Debug, Default)]
struct Step {
    latencies: Vec<Duration>,
    errors: u64,
}

#[derive(Debug, Default)]
struct Inner {
    steps: BTreeMap<&'static str, Step>,
    jobs: BTreeMap<&'static str, Vec<Duration>>,
    first_errors: Vec<String>,
    reasons: BTreeMap<String, u64>,
}

/// Everything the sessions record, shared by all of them.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    inner: Mutex<Inner>,
    requests: AtomicU64,
    errors: AtomicU64,
    logins: AtomicU64,
    loops: AtomicU64,
}

impl Recorder {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A request of `step` that got an answer after `took`.
    pub(crate) fn answered(&self, step: &'static str, took: Duration) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.lock()
            .steps
            .entry(step)
            .or_default()
            .latencies
            .push(took);
    }

    /// A request of `step` that never got an answer (connection error,
    /// timeout): counted as a request and an error.
    pub(crate) fn unanswered(&self, step: &'static str, at: Duration, what: &str) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.error(step, at, "no answer", what);
    }

    /// An error of `step`: `reason` is its short kind (grouped in the
    /// report), `detail` the answer's status and body.
    pub(crate) fn error(&self, step: &'static str, at: Duration, reason: &str, detail: &str) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut inner = self.lock();
        inner.steps.entry(step).or_default().errors += 1;
        *inner
            .reasons
            .entry(format!("{step}: {reason}"))
            .or_default() += 1;
        if inner.first_errors.len() < FIRST_ERRORS {
            let detail: String = detail.chars().take(600).collect();
            let line = format!("[{:>7.1} s] {step}: {reason}: {detail}", at.as_secs_f64());
            eprintln!("ERROR {line}");
            inner.first_errors.push(line);
        }
    }

    /// A background job of `kind` from its start to its result.
    pub(crate) fn job(&self, kind: &'static str, took: Duration) {
        self.lock().jobs.entry(kind).or_default().push(took);
    }

    /// A successful login.
    pub(crate) fn logged_in(&self) {
        self.logins.fetch_add(1, Ordering::Relaxed);
    }

    /// A whole visit, login to logout, without an error.
    pub(crate) fn visit_done(&self) {
        self.loops.fetch_add(1, Ordering::Relaxed);
    }

    /// Requests, errors and logins so far.
    pub(crate) fn counts(&self) -> (u64, u64, u64) {
        (
            self.requests.load(Ordering::Relaxed),
            self.errors.load(Ordering::Relaxed),
            self.logins.load(Ordering::Relaxed),
        )
    }
}

/// One sample of the portal, every few seconds.
#[derive(Debug, Clone)]
pub(crate) struct Sample {
    /// Seconds since the load started.
    pub(crate) t: f64,
    /// The portal process's resident memory.
    pub(crate) memory: Memory,
    /// Requests sent so far.
    pub(crate) requests: u64,
    /// Errors so far.
    pub(crate) errors: u64,
    /// Logins so far.
    pub(crate) logins: u64,
    /// Sessions the driver runs at this moment.
    pub(crate) sessions: u64,
    /// A few of the portal's own figures from `/metrics`.
    pub(crate) metrics: BTreeMap<String, f64>,
}

/// A process's resident memory, KiB, as `/proc/PID/status` splits it, and
/// its thread count: anonymous memory (the heap, stacks) grows with what the
/// process keeps; file pages (the binary, mapped files) and shared memory
/// (SQLite's WAL index) grow with the files it maps.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Memory {
    /// `VmRSS`: all of it.
    pub(crate) rss_kib: u64,
    /// `RssAnon`.
    pub(crate) anon_kib: u64,
    /// `RssFile`.
    pub(crate) file_kib: u64,
    /// `RssShmem`.
    pub(crate) shmem_kib: u64,
    /// `Threads`.
    pub(crate) threads: u64,
}

/// A least-squares line, with the uncertainty of its slope.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fit {
    /// Rise per unit of x.
    pub(crate) slope: f64,
    /// y at x = 0.
    pub(crate) intercept: f64,
    /// The share of y's variance the line explains.
    pub(crate) r2: f64,
    /// Half the width of the slope's 95% interval, widened for the lag-1
    /// autocorrelation of the residuals: samples 10 s apart are not
    /// independent, and the plain interval would claim more than they show.
    pub(crate) slope_ci95: f64,
}

/// The least-squares line through `points`, None for fewer than 3 points
/// or a single x.
pub(crate) fn least_squares(points: &[(f64, f64)]) -> Option<Fit> {
    if points.len() < 3 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let syy: f64 = points.iter().map(|p| (p.1 - mean_y).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let intercept = slope.mul_add(-mean_x, mean_y);
    let r2 = if syy == 0.0 {
        1.0
    } else {
        (sxy * sxy) / (sxx * syy)
    };
    let residuals: Vec<f64> = points
        .iter()
        .map(|p| p.1 - slope.mul_add(p.0, intercept))
        .collect();
    let ss_res: f64 = residuals.iter().map(|r| r * r).sum();
    // Lag-1 autocorrelation of the residuals, and the effective number of
    // independent samples it leaves (n (1 - ρ) / (1 + ρ)).
    let rho = if ss_res == 0.0 {
        0.0
    } else {
        let lagged: f64 = residuals
            .iter()
            .zip(residuals.iter().skip(1))
            .map(|(a, b)| a * b)
            .sum();
        (lagged / ss_res).clamp(0.0, 0.99)
    };
    let n_eff = (n * (1.0 - rho) / (1.0 + rho)).max(3.0);
    let se = (ss_res / (n - 2.0) / sxx).sqrt() * ((1.0 + rho) / (1.0 - rho)).sqrt();
    let slope_ci95 = t_975(n_eff - 2.0) * se;
    Some(Fit {
        slope,
        intercept,
        r2,
        slope_ci95,
    })
}

/// Student's t at 97.5% for `df` degrees of freedom (at least 1), by the
/// Cornish-Fisher expansion about the normal's 1.96: within 1% from 3
/// degrees of freedom up, and conservative below.
fn t_975(df: f64) -> f64 {
    let df = df.max(1.0);
    let z: f64 = 1.959_964;
    let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
    z + (z3 + z) / (4.0 * df)
        + 5.0f64.mul_add(z5, 16.0f64.mul_add(z3, 3.0 * z)) / (96.0 * df.powi(2))
        + 3.0f64.mul_add(z7, 19.0f64.mul_add(z5, 17.0f64.mul_add(z3, -15.0 * z)))
            / (384.0 * df.powi(3))
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

#[allow(clippy::cast_precision_loss)]
fn mib(kib: u64) -> f64 {
    (kib as f64 / 1024.0 * 10.0).round() / 10.0
}

/// What the report is made of besides the recordings.
#[derive(Debug)]
pub(crate) struct RunFacts {
    /// The settings, as JSON.
    pub(crate) settings: Value,
    /// How long the load ran (first session start to last session end).
    pub(crate) load: Duration,
    /// Samples taken while sessions ran, and after.
    pub(crate) samples: Vec<Sample>,
    /// Seconds excluded from the memory slope at the start.
    pub(crate) warmup: f64,
    /// When the load stopped (seconds since it started).
    pub(crate) load_end: f64,
    /// The portal's `/metrics` figures before and after the load.
    pub(crate) metrics_before: BTreeMap<String, f64>,
    /// The same after.
    pub(crate) metrics_after: BTreeMap<String, f64>,
}

/// The report: JSON and Markdown.
pub(crate) fn report(recorder: &Recorder, facts: &RunFacts) -> (Value, String) {
    let inner = recorder.lock();
    let (requests, errors, logins) = recorder.counts();
    let visits = recorder.loops.load(Ordering::Relaxed);
    let secs = facts.load.as_secs_f64().max(1e-9);
    let mut steps = Vec::new();
    for (name, step) in &inner.steps {
        let mut sorted = step.latencies.clone();
        sorted.sort_unstable();
        steps.push(json!({
            "step": name,
            "answered": sorted.len(),
            "errors": step.errors,
            "p50_ms": ms(percentile(&sorted, 0.50)),
            "p90_ms": ms(percentile(&sorted, 0.90)),
            "p99_ms": ms(percentile(&sorted, 0.99)),
            "max_ms": ms(percentile(&sorted, 1.0)),
        }));
    }
    let mut jobs = Vec::new();
    for (kind, times) in &inner.jobs {
        let mut sorted = times.clone();
        sorted.sort_unstable();
        jobs.push(json!({
            "job": kind,
            "completed": sorted.len(),
            "p50_ms": ms(percentile(&sorted, 0.50)),
            "p99_ms": ms(percentile(&sorted, 0.99)),
            "max_ms": ms(percentile(&sorted, 1.0)),
        }));
    }
    // The slope: samples taken under load, after the warm-up (a sample
    // taken a moment after the deadline still counts as the load's).
    let load_end = facts.load_end + 1.0;
    let steady_of = |kib: fn(&Memory) -> u64| -> Vec<(f64, f64)> {
        facts
            .samples
            .iter()
            .filter(|s| s.t >= facts.warmup && s.t <= load_end)
            .map(|s| {
                #[allow(clippy::cast_precision_loss)]
                let mib = kib(&s.memory) as f64 / 1024.0;
                (s.t / 600.0, mib)
            })
            .collect()
    };
    let steady = steady_of(|m| m.rss_kib);
    let fit = least_squares(&steady);
    // The anonymous part alone: what the process keeps, without the pages
    // of the files it maps.
    let fit_anon = least_squares(&steady_of(|m| m.anon_kib));
    let at = |pick: Option<&Sample>| {
        pick.map(|s| {
            json!({
                "t_s": s.t.round(),
                "rss_mib": mib(s.memory.rss_kib),
                "anon_mib": mib(s.memory.anon_kib),
            })
        })
    };
    let start = at(facts.samples.first());
    let after_warmup = at(facts.samples.iter().find(|s| s.t >= facts.warmup));
    let end_of_load = at(facts.samples.iter().rfind(|s| s.t <= load_end));
    let after = at(facts.samples.last());
    let peak = facts
        .samples
        .iter()
        .map(|s| s.memory.rss_kib)
        .max()
        .unwrap_or(0);
    let samples: Vec<Value> = facts
        .samples
        .iter()
        .map(|s| {
            json!({
                "t_s": (s.t * 10.0).round() / 10.0,
                "rss_kib": s.memory.rss_kib,
                "anon_kib": s.memory.anon_kib,
                "file_kib": s.memory.file_kib,
                "shmem_kib": s.memory.shmem_kib,
                "threads": s.memory.threads,
                "requests": s.requests,
                "errors": s.errors,
                "logins": s.logins,
                "sessions": s.sessions,
                "metrics": s.metrics,
            })
        })
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let json = json!({
        "settings": facts.settings,
        "load_seconds": (secs * 10.0).round() / 10.0,
        "requests": requests,
        "requests_per_second": (requests as f64 / secs * 10.0).round() / 10.0,
        "errors": errors,
        "logins": logins,
        "visits_completed": visits,
        "steps": steps,
        "jobs": jobs,
        "error_kinds": inner.reasons,
        "first_errors": inner.first_errors,
        "memory": {
            "warmup_seconds": facts.warmup,
            "start": start,
            "after_warmup": after_warmup,
            "end_of_load": end_of_load,
            "after_load": after,
            "peak_mib": mib(peak),
            "slope_mib_per_10_min": fit.map(|f| round3(f.slope)),
            "slope_ci95_mib_per_10_min": fit.map(|f| round3(f.slope_ci95)),
            "slope_r2": fit.map(|f| round3(f.r2)),
            "line_at_start_mib": fit.map(|f| round3(f.intercept)),
            "slope_anon_mib_per_10_min": fit_anon.map(|f| round3(f.slope)),
            "slope_anon_ci95_mib_per_10_min": fit_anon.map(|f| round3(f.slope_ci95)),
            "slope_samples": steady.len(),
        },
        "metrics_before": facts.metrics_before,
        "metrics_after": facts.metrics_after,
        "samples": samples,
    });
    let markdown = markdown(&json);
    (json, markdown)
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "–".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The report as Markdown tables.
fn markdown(r: &Value) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "## Soak run\n");
    let _ = writeln!(md, "Settings: `{}`\n", r["settings"]);
    let _ = writeln!(
        md,
        "Load: {} s; {} requests ({} per second); {} errors; {} logins; {} visits completed.\n",
        text(&r["load_seconds"]),
        text(&r["requests"]),
        text(&r["requests_per_second"]),
        text(&r["errors"]),
        text(&r["logins"]),
        text(&r["visits_completed"]),
    );
    let _ = writeln!(
        md,
        "| step | requests | errors | p50 ms | p90 ms | p99 ms | max ms |"
    );
    let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for s in r["steps"].as_array().into_iter().flatten() {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            text(&s["step"]),
            text(&s["answered"]),
            text(&s["errors"]),
            text(&s["p50_ms"]),
            text(&s["p90_ms"]),
            text(&s["p99_ms"]),
            text(&s["max_ms"]),
        );
    }
    let _ = writeln!(
        md,
        "\n| background job, start to result | completed | p50 ms | p99 ms | max ms |"
    );
    let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: |");
    for j in r["jobs"].as_array().into_iter().flatten() {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            text(&j["job"]),
            text(&j["completed"]),
            text(&j["p50_ms"]),
            text(&j["p99_ms"]),
            text(&j["max_ms"]),
        );
    }
    let m = &r["memory"];
    let point = |p: &Value| {
        if p.is_null() {
            "–".to_owned()
        } else {
            format!(
                "{} MiB at {} s (anonymous {} MiB)",
                text(&p["rss_mib"]),
                text(&p["t_s"]),
                text(&p["anon_mib"])
            )
        }
    };
    let _ = writeln!(md, "\nMemory (VmRSS of the portal process):\n");
    let _ = writeln!(md, "- before the load: {}", point(&m["start"]));
    let _ = writeln!(md, "- after the warm-up: {}", point(&m["after_warmup"]));
    let _ = writeln!(md, "- end of the load: {}", point(&m["end_of_load"]));
    let _ = writeln!(md, "- after the load: {}", point(&m["after_load"]));
    let _ = writeln!(md, "- peak: {} MiB", text(&m["peak_mib"]));
    let _ = writeln!(
        md,
        "- slope after the first {} s: {} ± {} MiB per 10 min (95%; least squares over {} samples, R² {})",
        text(&m["warmup_seconds"]),
        text(&m["slope_mib_per_10_min"]),
        text(&m["slope_ci95_mib_per_10_min"]),
        text(&m["slope_samples"]),
        text(&m["slope_r2"]),
    );
    let _ = writeln!(
        md,
        "- of which anonymous memory (RssAnon: heap, stacks): {} ± {} MiB per 10 min",
        text(&m["slope_anon_mib_per_10_min"]),
        text(&m["slope_anon_ci95_mib_per_10_min"]),
    );
    if let Some(kinds) = r["error_kinds"].as_object().filter(|k| !k.is_empty()) {
        let _ = writeln!(md, "\nErrors by kind:\n");
        for (kind, n) in kinds {
            let _ = writeln!(md, "- {kind}: {n}");
        }
        let _ = writeln!(md, "\nFirst errors:\n\n```");
        for e in r["first_errors"].as_array().into_iter().flatten() {
            let _ = writeln!(md, "{}", text(e));
        }
        let _ = writeln!(md, "```");
    }
    md
}

#[cfg(test)]
mod tests {
    use super::{least_squares, t_975};

    #[test]
    fn a_line_is_fitted_exactly() {
        let points: Vec<(f64, f64)> = (0..10)
            .map(|x| (f64::from(x), 2.0f64.mul_add(f64::from(x), 1.0)))
            .collect();
        let fit = least_squares(&points).unwrap();
        assert!((fit.slope - 2.0).abs() < 1e-9);
        assert!((fit.intercept - 1.0).abs() < 1e-9);
        assert!((fit.r2 - 1.0).abs() < 1e-9);
        assert!(fit.slope_ci95.abs() < 1e-9);
        assert!(least_squares(&points[..2]).is_none());
    }

    #[test]
    fn t_quantiles_match_the_table() {
        // Student's t at 97.5%: 3.182 (3 df), 2.228 (10), 2.042 (30).
        for (df, table) in [(3.0, 3.182), (10.0, 2.228), (30.0, 2.042)] {
            assert!((t_975(df) - table).abs() / table < 0.01, "df {df}");
        }
    }

    #[test]
    fn autocorrelated_noise_widens_the_interval() {
        // The same residuals, alternating (independent-looking) and in
        // runs (correlated): a level line either way.
        let alternating: Vec<(f64, f64)> = (0..60)
            .map(|x| (f64::from(x), if x % 2 == 0 { 1.0 } else { -1.0 }))
            .collect();
        let runs: Vec<(f64, f64)> = (0..60)
            .map(|x| (f64::from(x), if (x / 10) % 2 == 0 { 1.0 } else { -1.0 }))
            .collect();
        let a = least_squares(&alternating).unwrap();
        let r = least_squares(&runs).unwrap();
        assert!(a.slope.abs() < 0.01 && a.slope_ci95 > 0.0);
        assert!(
            r.slope_ci95 > 2.0 * a.slope_ci95,
            "{} vs {}",
            r.slope_ci95,
            a.slope_ci95
        );
    }
}
