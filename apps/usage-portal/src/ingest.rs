//! Ingestion runs: fetch a range of days from the platform, check every
//! record, then write it all in one transaction.
//!
//! - One run at a time across processes: a run takes the `ingest` lock in
//!   the database (a lease it renews while it works, so a crashed
//!   process's lock lapses); a run that finds it taken does not start.
//! - Idempotent: records are upserted by their natural key and the daily
//!   totals of the run's days are rebuilt from the records, so a run
//!   repeated gives the same tables (and counts no change).
//! - All or nothing: a record that does not parse or check fails the run,
//!   naming the record, before anything is written; a database failure
//!   rolls the transaction back.
//! - Every run is in the `ingest_runs` history with its outcome.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use ferrodash::data::DataError;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::clock::{Clock, unix_ms};
use crate::platform::{PlatformClient, PlatformError, Project, UsageRecord};
use crate::store::{DayRange, Lease, RunRow, Store};

/// The lock's name in `ingest_lock`.
pub const LOCK_NAME: &str = "ingest";

/// How long a run's hold on the lock lasts without renewal.
const LEASE: Duration = Duration::from_secs(120);

/// [`LEASE`] in milliseconds.
fn lease_ms() -> i64 {
    i64::try_from(LEASE.as_millis()).unwrap_or(i64::MAX)
}

/// How often a running run renews its lease.
const RENEW_EVERY: Duration = Duration::from_secs(30);

/// The most days one run may fetch.
pub const MAX_DAYS: i32 = 3_660;

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The nightly schedule.
    Schedule,
    /// The backfill command.
    Backfill,
    /// An admin's "Run now".
    Manual,
    /// The first start on an empty database.
    Startup,
}

impl Trigger {
    /// Its name in the run history.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Schedule => "schedule",
            Self::Backfill => "backfill",
            Self::Manual => "manual",
            Self::Startup => "startup",
        }
    }
}

/// Why a run did not succeed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// Another run holds the lock.
    #[error("another ingestion run is in progress; this one did not start")]
    Busy,
    /// The days asked for are not a range the portal fetches.
    #[error("the days {from} to {to} are not a range of 1 to {MAX_DAYS} days")]
    BadRange {
        /// The first day.
        from: Date,
        /// The last day.
        to: Date,
    },
    /// The platform failed, or sent something that is not right.
    #[error(transparent)]
    Platform(#[from] PlatformError),
    /// A record that does not fit the platform's accounts and projects.
    #[error("usage record {id} names project {project}, which {why}")]
    Inconsistent {
        /// The record's id.
        id: String,
        /// The project it names.
        project: String,
        /// What does not fit.
        why: String,
    },
    /// The run's lease lapsed and another process took the lock before the
    /// write; nothing of the run was written.
    #[error("the ingestion lock was lost to another process before the write; nothing was written")]
    LockLost,
    /// The database failed; nothing of the run was written.
    #[error("the database failed: {0}")]
    Data(#[from] DataError),
}

/// Counters of the runs, for `/metrics`.
#[derive(Debug, Default)]
pub struct IngestMetrics {
    succeeded: AtomicU64,
    failed: AtomicU64,
    skipped: AtomicU64,
    records_fetched: AtomicU64,
    records_changed: AtomicU64,
    last_success_ms: AtomicI64,
    last_duration_ms: AtomicI64,
    running: AtomicBool,
}

impl IngestMetrics {
    /// The counters in Prometheus's text format.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::new();
        let runs = [
            ("success", &self.succeeded),
            ("failed", &self.failed),
            ("skipped", &self.skipped),
        ];
        out.push_str("# HELP usage_ingest_runs_total Ingestion runs by outcome.\n");
        out.push_str("# TYPE usage_ingest_runs_total counter\n");
        for (outcome, n) in runs {
            let _ = writeln!(
                out,
                "usage_ingest_runs_total{{outcome=\"{outcome}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        let gauges: [(&str, &str, &str, String); 5] = [
            (
                "usage_ingest_records_fetched_total",
                "counter",
                "Usage records fetched from the platform.",
                self.records_fetched.load(Ordering::Relaxed).to_string(),
            ),
            (
                "usage_ingest_records_changed_total",
                "counter",
                "Usage records added or changed in the database.",
                self.records_changed.load(Ordering::Relaxed).to_string(),
            ),
            (
                "usage_ingest_last_success_timestamp_seconds",
                "gauge",
                "When the last successful run ended (0: none yet).",
                seconds(self.last_success_ms.load(Ordering::Relaxed)),
            ),
            (
                "usage_ingest_last_duration_seconds",
                "gauge",
                "How long the last run took.",
                seconds(self.last_duration_ms.load(Ordering::Relaxed)),
            ),
            (
                "usage_ingest_running",
                "gauge",
                "1 while a run of this process is under way.",
                u8::from(self.running.load(Ordering::Relaxed)).to_string(),
            ),
        ];
        for (name, kind, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        out
    }
}

/// Milliseconds as seconds with their fraction (`1234` is `1.234`): a run
/// of 400 ms is not 0 s.
fn seconds(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    format!("{sign}{}.{:03}", ms / 1000, ms % 1000)
}

/// Runs ingestion for one portal process.
#[derive(Debug, Clone)]
pub struct Ingestor {
    store: Store,
    client: PlatformClient,
    clock: Arc<dyn Clock>,
    time_zone: TimeZone,
    /// This process's name for the lock.
    owner: String,
    metrics: Arc<IngestMetrics>,
}

/// A random 32-bit hex tag.
fn tag() -> String {
    format!("{:08x}", rand::random::<u32>())
}

impl Ingestor {
    /// Runs from the platform behind `client` into `store`; "yesterday"
    /// is in `time_zone`.
    #[must_use]
    pub fn new(
        store: Store,
        client: PlatformClient,
        clock: Arc<dyn Clock>,
        time_zone: TimeZone,
    ) -> Self {
        Self {
            store,
            client,
            clock,
            time_zone,
            owner: format!("pid{}-{}", std::process::id(), tag()),
            metrics: Arc::new(IngestMetrics::default()),
        }
    }

    /// The runs' counters.
    #[must_use]
    pub const fn metrics(&self) -> &Arc<IngestMetrics> {
        &self.metrics
    }

    /// The database.
    #[must_use]
    pub const fn store(&self) -> &Store {
        &self.store
    }

    /// The `days` days up to and including yesterday.
    #[must_use]
    pub fn last_days(&self, days: u32) -> (Date, Date) {
        let today = self.clock.now().to_zoned(self.time_zone.clone()).date();
        let to = today.yesterday().unwrap_or(today);
        let back = jiff::Span::new().days(i64::from(days.max(1)) - 1);
        (to.checked_sub(back).unwrap_or(to), to)
    }

    /// Fetches `from..=to` and writes it, as one run.
    ///
    /// # Errors
    ///
    /// [`IngestError::Busy`] when another run holds the lock (no run is
    /// recorded); any other [`IngestError`] after the run was recorded as
    /// failed, with nothing of it written.
    pub async fn run(&self, from: Date, to: Date, trigger: Trigger) -> Result<RunRow, IngestError> {
        let span = from.until(to).map(|s| s.get_days()).unwrap_or(-1);
        if !(0..MAX_DAYS).contains(&span) {
            return Err(IngestError::BadRange { from, to });
        }
        let now = unix_ms(self.clock.now());
        if !self.store.take_lock(&self.lease_from(now), now).await? {
            self.metrics.skipped.fetch_add(1, Ordering::Relaxed);
            tracing::info!(
                trigger = trigger.as_str(),
                "an ingestion run is already in progress; not starting another"
            );
            return Err(IngestError::Busy);
        }
        self.metrics.running.store(true, Ordering::Relaxed);
        let result = self.locked_run(from, to, trigger).await;
        self.metrics.running.store(false, Ordering::Relaxed);
        if let Err(e) = self.store.release_lock(LOCK_NAME, &self.owner).await {
            tracing::warn!(error = %e, "could not release the ingestion lock; it lapses by itself");
        }
        result
    }

    /// A run, with the lock held and renewed.
    async fn locked_run(
        &self,
        from: Date,
        to: Date,
        trigger: Trigger,
    ) -> Result<RunRow, IngestError> {
        let started = self.clock.now();
        let mut run = RunRow {
            id: format!("{}-{}", started.strftime("%Y%m%dT%H%M%SZ"), tag()),
            run_trigger: trigger.as_str().to_owned(),
            from_day: from.to_string(),
            to_day: to.to_string(),
            started_at: unix_ms(started),
            finished_at: None,
            records: 0,
            changed: 0,
            outcome: "running".to_owned(),
            error: None,
        };
        self.store.start_run(&run).await?;
        tracing::info!(run = %run.id, trigger = trigger.as_str(), %from, %to, "ingestion run started");
        let fetched = self.fetch_and_write(from, to, &mut run).await;
        let finished = self.clock.now();
        run.finished_at = Some(unix_ms(finished));
        let elapsed = run.finished_at.unwrap_or(run.started_at) - run.started_at;
        self.metrics
            .last_duration_ms
            .store(elapsed, Ordering::Relaxed);
        match &fetched {
            Ok(()) => {
                run.outcome = "success".to_owned();
                self.metrics.succeeded.fetch_add(1, Ordering::Relaxed);
                self.metrics
                    .last_success_ms
                    .store(unix_ms(finished), Ordering::Relaxed);
                tracing::info!(run = %run.id, records = run.records, changed = run.changed, "ingestion run succeeded");
            }
            Err(e) => {
                run.outcome = "failed".to_owned();
                run.error = Some(e.to_string());
                self.metrics.failed.fetch_add(1, Ordering::Relaxed);
                tracing::error!(run = %run.id, error = %e, "ingestion run failed; nothing was written");
            }
        }
        if let Err(e) = self.store.finish_run(&run).await {
            tracing::error!(run = %run.id, error = %e, "could not record how the run ended");
        }
        fetched.map(|()| run)
    }

    /// The lease from `now` (Unix ms) on.
    fn lease_from(&self, now: i64) -> Lease<'_> {
        Lease {
            name: LOCK_NAME,
            owner: &self.owner,
            expires_at: now + lease_ms(),
        }
    }

    /// The lease from now on.
    fn lease(&self) -> Lease<'_> {
        self.lease_from(unix_ms(self.clock.now()))
    }

    /// Renews the lease in the background until aborted: while the run
    /// fetches. The write renews it itself, inside its transaction.
    fn keep_lock(&self) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(RENEW_EVERY).await;
                match this.store.renew_lock(&this.lease()).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::error!("the ingestion lock was lost: another process took it");
                        return;
                    }
                    Err(e) => tracing::warn!(error = %e, "could not renew the ingestion lock"),
                }
            }
        })
    }

    /// Everything of `from..=to` from the platform.
    async fn fetch(&self, from: Date, to: Date, run_id: &str) -> Result<Fetched, IngestError> {
        let accounts = self.client.accounts().await?;
        let projects = self.client.projects().await?;
        let records = self
            .client
            .usage(from, to, |n| {
                tracing::debug!(run = %run_id, records = n, "fetched a page");
            })
            .await?;
        Ok((accounts, projects, records))
    }

    async fn fetch_and_write(
        &self,
        from: Date,
        to: Date,
        run: &mut RunRow,
    ) -> Result<(), IngestError> {
        let renewing = self.keep_lock();
        let fetched = self.fetch(from, to, &run.id).await;
        renewing.abort();
        let (accounts, projects, records) = fetched?;
        check_consistency(&accounts, &projects, &records)?;
        run.records = i64::try_from(records.len()).unwrap_or(i64::MAX);
        self.metrics
            .records_fetched
            .fetch_add(records.len() as u64, Ordering::Relaxed);
        let days = DayRange::new(from, to);
        let written = self
            .store
            .write_run(&self.lease(), &accounts, &projects, &records, &days)
            .await?
            .ok_or(IngestError::LockLost)?;
        run.changed = i64::try_from(written.changed).unwrap_or(i64::MAX);
        self.metrics
            .records_changed
            .fetch_add(written.changed, Ordering::Relaxed);
        Ok(())
    }
}

/// What a run fetched: accounts, projects and usage records.
type Fetched = (
    Vec<crate::platform::Account>,
    Vec<Project>,
    Vec<UsageRecord>,
);

/// Every record names a project of the listing, of the record's account.
fn check_consistency(
    accounts: &[crate::platform::Account],
    projects: &[Project],
    records: &[UsageRecord],
) -> Result<(), IngestError> {
    let by_id: HashMap<&str, &Project> = projects.iter().map(|p| (p.id.as_str(), p)).collect();
    for project in projects {
        if !accounts.iter().any(|a| a.id == project.account_id) {
            return Err(IngestError::Inconsistent {
                id: "(none)".to_owned(),
                project: project.id.clone(),
                why: format!(
                    "belongs to account {}, which the platform does not list",
                    project.account_id
                ),
            });
        }
    }
    for record in records {
        match by_id.get(record.project_id.as_str()) {
            None => {
                return Err(IngestError::Inconsistent {
                    id: record.id.clone(),
                    project: record.project_id.clone(),
                    why: "the platform does not list".to_owned(),
                });
            }
            Some(project) if project.account_id != record.account_id => {
                return Err(IngestError::Inconsistent {
                    id: record.id.clone(),
                    project: record.project_id.clone(),
                    why: format!(
                        "belongs to account {}, not to the record's account {}",
                        project.account_id, record.account_id
                    ),
                });
            }
            Some(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::{IngestMetrics, seconds};

    #[test]
    fn durations_keep_their_fraction_of_a_second() {
        assert_eq!(seconds(0), "0.000");
        assert_eq!(seconds(400), "0.400");
        assert_eq!(seconds(61_005), "61.005");
        assert_eq!(seconds(-1_500), "-1.500");
        let metrics = IngestMetrics::default();
        metrics.last_duration_ms.store(400, Ordering::Relaxed);
        metrics
            .last_success_ms
            .store(1_764_806_400_250, Ordering::Relaxed);
        let text = metrics.render();
        assert!(
            text.contains("\nusage_ingest_last_duration_seconds 0.400\n"),
            "{text}"
        );
        assert!(
            text.contains("\nusage_ingest_last_success_timestamp_seconds 1764806400.250\n"),
            "{text}"
        );
        assert!(text.contains("\nusage_ingest_running 0\n"), "{text}");
    }
}
