//! The Redis queue: jobs shared by every process of an app.

mod scripts;
mod worker;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde_json::{Map, Value};
use tokio::task::AbortHandle;

use crate::job::{Job, JobOutcome, JobPoll, PropsUpdate};
use crate::link::JobLink;
use crate::queue::{BoxFuture, JobError, JobExecutor, JobQueue};

pub(crate) fn unavailable(error: redis::RedisError) -> JobError {
    JobError::Unavailable {
        backend: "redis",
        source: Box::new(error),
    }
}

/// How the queue's workers behave. Every process of an app should use the
/// same settings.
#[derive(Debug, Clone, Copy)]
struct Settings {
    lease: Duration,
    max_attempts: u32,
    concurrency: usize,
    keep: Duration,
    block: Duration,
    max_jobs: usize,
    max_per_owner: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(10),
            max_attempts: 3,
            concurrency: 32,
            keep: Duration::from_secs(600),
            block: Duration::from_secs(2),
            max_jobs: 10_000,
            max_per_owner: 8,
        }
    }
}

impl Settings {
    fn millis(duration: Duration) -> u64 {
        u64::try_from(duration.as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// How often a worker renews its leases: a quarter of the lease, from
    /// 50 ms to one second (so a cancel from another process lands within
    /// a second).
    fn heartbeat(&self) -> Duration {
        (self.lease / 4).clamp(Duration::from_millis(50), Duration::from_secs(1))
    }
}

/// Redis key names of one app's queue.
#[derive(Debug, Clone)]
struct Keys {
    prefix: String,
    stream: String,
    group: &'static str,
}

impl Keys {
    fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_owned(),
            stream: format!("{prefix}stream"),
            group: "workers",
        }
    }

    fn record(&self, job_id: &str) -> String {
        format!("{}job:{job_id}", self.prefix)
    }

    fn side(&self, job_id: &str) -> String {
        format!("{}job:{job_id}:side", self.prefix)
    }

    /// The set of `owner`'s jobs that have not ended.
    fn owner(&self, owner: &str) -> String {
        format!("{}user:{owner}", self.prefix)
    }
}

/// A job this process runs.
struct Running {
    link: JobLink,
    abort: Option<AbortHandle>,
}

/// What this process's workers share.
#[derive(Default)]
struct Local {
    executor: OnceLock<Arc<dyn JobExecutor>>,
    running: Mutex<HashMap<String, Running>>,
    /// The server is stopping: take no more jobs from the stream.
    draining: AtomicBool,
}

impl Local {
    fn running(&self) -> MutexGuard<'_, HashMap<String, Running>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the server is stopping (see [`JobQueue::stop_taking`]).
    fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    /// Stops a job this process runs, if it does.
    fn stop(&self, job_id: &str) {
        if let Some(job) = self.running().get_mut(job_id) {
            job.link.stop();
            if let Some(abort) = job.abort.take() {
                abort.abort();
            }
        }
    }
}

/// Background jobs in a Redis server, shared by every process of an app:
/// a job started through one process can be polled and cancelled through
/// any other, and every process both serves pages and runs jobs.
///
/// Jobs reach workers through a Redis stream read by a consumer group, one
/// consumer per process. A worker holds a job under a lease it renews
/// while the job runs; when a worker dies (killed, say), another takes
/// the job over once the lease has lapsed, up to a number of attempts.
/// Each job ends in exactly one terminal state — done, failed, cancelled
/// or expired — and only the worker holding the lease can record how it
/// ended. Progress, side updates and results go through Redis, so a poll
/// may reach any process.
///
/// A job's body runs again from the start when its worker dies while
/// running it: make what it writes elsewhere idempotent (the job's id,
/// from [`JobLink::id`], is the same on every attempt).
///
/// ```no_run
/// # async fn demo() -> Result<(), ferrodash_jobs::JobError> {
/// use std::time::Duration;
/// use ferrodash_jobs::RedisJobQueue;
/// let queue = RedisJobQueue::connect("redis://127.0.0.1:6379")
///     .await?
///     .with_prefix("reports:jobs:")
///     .with_lease(Duration::from_secs(10));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisJobQueue {
    client: redis::Client,
    connection: ConnectionManager,
    keys: Keys,
    settings: Settings,
    consumer: String,
    local: Arc<Local>,
    runtime: tokio::runtime::Handle,
}

impl fmt::Debug for RedisJobQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisJobQueue")
            .field("prefix", &self.keys.prefix)
            .field("consumer", &self.consumer)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl RedisJobQueue {
    /// Connects to the server at `url` (`redis://host:port/db`). The
    /// connection reconnects by itself when the server comes back.
    ///
    /// # Errors
    ///
    /// [`JobError::Unavailable`] when the URL is invalid or the server
    /// cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, JobError> {
        let client = redis::Client::open(url).map_err(unavailable)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let connection = ConnectionManager::new_with_config(client.clone(), config)
            .await
            .map_err(unavailable)?;
        let consumer = format!(
            "{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
                .simple()
                .to_string()
                .get(..12)
                .unwrap_or("0")
        );
        Ok(Self {
            client,
            connection,
            keys: Keys::new("ferrodash:jobs:"),
            settings: Settings::default(),
            consumer,
            local: Arc::new(Local::default()),
            runtime: tokio::runtime::Handle::current(),
        })
    }

    /// Puts every key under `prefix` (default `ferrodash:jobs:`): apps
    /// sharing a server need prefixes of their own; every process of one
    /// app uses the same.
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.keys = Keys::new(&prefix.into());
        self
    }

    /// How long a worker holds a job without renewing (default 10 s): a
    /// job whose worker died is taken over after this long. Workers renew
    /// several times per lease.
    #[must_use]
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.settings.lease = lease.max(Duration::from_millis(200));
        self
    }

    /// How many times a job is started before it is given up as failed
    /// (default 3): a job whose worker dies each time does not go round
    /// for ever.
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.settings.max_attempts = attempts.max(1);
        self
    }

    /// How many jobs this process runs at a time (default 32).
    #[must_use]
    pub fn with_concurrency(mut self, jobs: usize) -> Self {
        self.settings.concurrency = jobs.max(1);
        self
    }

    /// How long an ended job's record waits for its page's last poll
    /// (default 10 minutes).
    #[must_use]
    pub fn with_keep(mut self, keep: Duration) -> Self {
        self.settings.keep = keep.max(Duration::from_secs(1));
        self
    }

    /// At most `max_jobs` jobs waiting or running across every process
    /// (default 10,000), and at most `max_per_owner` of them per user
    /// (default 8; jobs started with [`Job::with_owner`]). Past them a
    /// start is refused with [`JobError::Full`] or
    /// [`JobError::QuotaExceeded`]. Every process of an app should use the
    /// same limits.
    ///
    /// [`Job::with_owner`]: crate::Job::with_owner
    #[must_use]
    pub fn with_limits(mut self, max_jobs: usize, max_per_owner: usize) -> Self {
        self.settings.max_jobs = max_jobs.max(1);
        self.settings.max_per_owner = max_per_owner.max(1);
        self
    }

    /// This process's name in the consumer group.
    #[must_use]
    pub fn consumer(&self) -> &str {
        &self.consumer
    }

    fn keep_ms(&self) -> u64 {
        Settings::millis(self.settings.keep)
    }
}

/// Reads a side update stored as JSON `[id, props]`.
fn side_update(job: &str, text: &str) -> Result<PropsUpdate, JobError> {
    serde_json::from_str::<(String, Map<String, Value>)>(text).map_err(|e| JobError::Corrupt {
        job: job.to_owned(),
        problem: format!("a side update: {e}"),
    })
}

fn corrupt(job: &str, problem: impl fmt::Display) -> JobError {
    JobError::Corrupt {
        job: job.to_owned(),
        problem: problem.to_string(),
    }
}

impl JobQueue for RedisJobQueue {
    fn attach(&self, executor: Arc<dyn JobExecutor>) -> Result<(), JobError> {
        self.local
            .executor
            .set(executor)
            .map_err(|_| JobError::AlreadyAttached)?;
        worker::spawn(self);
        Ok(())
    }

    fn start(&self, job: Job) -> BoxFuture<'_, Result<(), JobError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let owner = job.owner.as_deref();
            let created: i64 = scripts::START
                .key(self.keys.record(&job.id))
                .key(&self.keys.stream)
                .key(self.keys.owner(owner.unwrap_or_default()))
                .arg(&job.id)
                .arg(&job.callback)
                .arg(&job.payload)
                .arg(Settings::millis(job.timeout))
                .arg(Settings::millis(job.idle_limit()))
                .arg(self.settings.max_attempts)
                .arg(self.keep_ms())
                .arg(if owner.is_some() { "1" } else { "0" })
                .arg(self.settings.max_per_owner)
                .arg(self.settings.max_jobs)
                .invoke_async(&mut connection)
                .await
                .map_err(unavailable)?;
            match created {
                1 => Ok(()),
                -1 => Err(JobError::QuotaExceeded {
                    limit: self.settings.max_per_owner,
                }),
                -2 => Err(JobError::Full {
                    limit: self.settings.max_jobs,
                }),
                _ => Err(corrupt(&job.id, "a job with this id exists already")),
            }
        })
    }

    fn poll<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Result<JobPoll, JobError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let answer: Vec<String> = scripts::POLL
                .key(self.keys.record(job_id))
                .key(self.keys.side(job_id))
                .invoke_async(&mut connection)
                .await
                .map_err(unavailable)?;
            let mut parts = answer.into_iter();
            let kind = parts.next().unwrap_or_default();
            let detail = parts.next().unwrap_or_default();
            let side_updates = parts
                .map(|text| side_update(job_id, &text))
                .collect::<Result<Vec<_>, _>>()?;
            match kind.as_str() {
                "unknown" => Ok(JobPoll::Unknown),
                "cancelled" => Ok(JobPoll::Cancelled),
                "running" => {
                    let progress = if detail.is_empty() {
                        None
                    } else {
                        Some(
                            serde_json::from_str::<Vec<Value>>(&detail)
                                .map_err(|e| corrupt(job_id, format!("its progress: {e}")))?,
                        )
                    };
                    Ok(JobPoll::Running {
                        progress,
                        side_updates,
                    })
                }
                "finished" => {
                    let outcome = serde_json::from_str::<JobOutcome>(&detail)
                        .map_err(|e| corrupt(job_id, format!("its outcome: {e}")))?;
                    Ok(JobPoll::Finished {
                        outcome,
                        side_updates,
                    })
                }
                other => Err(corrupt(job_id, format!("a poll answered `{other}`"))),
            }
        })
    }

    fn cancel<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            // A job this process runs stops at once; others stop at their
            // worker's next heartbeat.
            self.local.stop(job_id);
            let mut connection = self.connection.clone();
            let _: i64 = scripts::CANCEL
                .key(self.keys.record(job_id))
                .key(self.keys.side(job_id))
                .key(&self.keys.stream)
                .arg(self.keys.group)
                .arg(self.keep_ms())
                .invoke_async(&mut connection)
                .await
                .map_err(unavailable)?;
            Ok(())
        })
    }

    fn active(&self) -> usize {
        self.local.running().len()
    }

    fn running(&self) -> usize {
        self.local.running().len()
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn stop_taking(&self) {
        self.local.draining.store(true, Ordering::Relaxed);
    }

    fn ready(&self) -> BoxFuture<'_, Result<(), JobError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
                .map(drop)
                .map_err(unavailable)
        })
    }
}
