//! Where background jobs run: the [`JobQueue`] trait and the in-process queue.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use ferrodash_core::{CallbackError, CallbackOutputs};
use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::task::AbortHandle;

use super::progress::JobShared;
use crate::callback::{BoxFuture, PropsUpdate, SideUpdates};

/// A job to run: its id, the callback it belongs to, and the work.
pub struct Job {
    /// The job's id, unique per app.
    pub id: String,
    /// The output string of the callback it runs.
    pub callback: String,
    /// How often the page polls; a job not polled for many intervals belongs
    /// to a closed page and is stopped.
    pub poll_interval: Duration,
    /// How long the job may run.
    pub timeout: Duration,
    pub(crate) work: BoxFuture,
    pub(crate) shared: Arc<JobShared>,
    pub(crate) side_updates: SideUpdates,
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("id", &self.id)
            .field("callback", &self.callback)
            .finish_non_exhaustive()
    }
}

/// What a poll finds.
#[derive(Debug)]
#[non_exhaustive]
pub enum JobPoll {
    /// Still running: progress and side updates since the last poll.
    Running {
        /// Progress values, one per progress prop, if reported since the last poll.
        progress: Option<Vec<Value>>,
        /// `set_props` updates since the last poll.
        side_updates: Vec<PropsUpdate>,
    },
    /// Finished: the result, and side updates not yet delivered.
    Finished {
        /// The callback's outputs or error.
        result: Result<CallbackOutputs, CallbackError>,
        /// `set_props` updates not yet delivered.
        side_updates: Vec<PropsUpdate>,
    },
    /// No such job: its result was delivered, or it was cancelled or cleaned up.
    Unknown,
}

/// Where background jobs run.
///
/// The server starts a job when the page asks, polls it on each of the
/// page's polls, and cancels it when the page asks or was closed.
pub trait JobQueue: Send + Sync + 'static {
    /// Starts a job.
    fn start(&self, job: Job);
    /// Progress and side updates since the last poll, or the result.
    fn poll(&self, job_id: &str) -> JobPoll;
    /// Stops a job and forgets it.
    fn cancel(&self, job_id: &str);
    /// Jobs known now: running, waiting, or finished and not yet collected
    /// (for metrics; 0 when the queue cannot tell).
    fn active(&self) -> usize {
        0
    }
}

struct Entry {
    shared: Arc<JobShared>,
    side_updates: SideUpdates,
    result: Arc<Mutex<Option<Result<CallbackOutputs, CallbackError>>>>,
    abort: AbortHandle,
    last_seen: Instant,
    idle_limit: Duration,
}

type Entries = Mutex<HashMap<String, Entry>>;

/// Runs jobs on this server's tokio runtime, at most a given number at a
/// time; the rest wait their turn. Jobs whose page stopped polling are
/// stopped and forgotten.
pub struct InProcessQueue {
    entries: Arc<Entries>,
    permits: Arc<Semaphore>,
    reaper: OnceLock<()>,
}

impl fmt::Debug for InProcessQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InProcessQueue")
            .field("jobs", &lock(&self.entries).len())
            .field("free_slots", &self.permits.available_permits())
            .finish()
    }
}

fn lock(entries: &Entries) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
    entries
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Default for InProcessQueue {
    fn default() -> Self {
        Self::new(32)
    }
}

impl InProcessQueue {
    /// A queue running at most `max_running` jobs at a time.
    #[must_use]
    pub fn new(max_running: usize) -> Self {
        Self {
            entries: Arc::new(Mutex::new(HashMap::new())),
            permits: Arc::new(Semaphore::new(max_running.max(1))),
            reaper: OnceLock::new(),
        }
    }

    /// The number of jobs known: running, waiting, or finished and not yet collected.
    #[must_use]
    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    /// Whether no job is known.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Starts, once, the task that stops jobs whose page stopped polling.
    fn start_reaper(&self) {
        self.reaper.get_or_init(|| {
            let entries: Weak<Entries> = Arc::downgrade(&self.entries);
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(1));
                loop {
                    tick.tick().await;
                    let Some(entries) = entries.upgrade() else {
                        break;
                    };
                    lock(&entries).retain(|id, entry| {
                        let keep = entry.last_seen.elapsed() < entry.idle_limit;
                        if !keep {
                            tracing::debug!(job = %id, "stopping a job whose page stopped polling");
                            entry.shared.cancel();
                            entry.abort.abort();
                        }
                        keep
                    });
                }
            });
        });
    }
}

impl JobQueue for InProcessQueue {
    fn start(&self, job: Job) {
        self.start_reaper();
        let result = Arc::new(Mutex::new(None));
        let slot = result.clone();
        let permits = self.permits.clone();
        let timeout = job.timeout;
        let work = job.work;
        let task = tokio::spawn(async move {
            let Ok(_permit) = permits.acquire_owned().await else {
                return;
            };
            let outcome = match tokio::time::timeout(timeout, work).await {
                Ok(outcome) => outcome,
                Err(_) => Err(CallbackError::msg(format!(
                    "the background job was stopped after its timeout of {timeout:?}"
                ))),
            };
            *slot
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(outcome);
        });
        let entry = Entry {
            shared: job.shared,
            side_updates: job.side_updates,
            result,
            abort: task.abort_handle(),
            last_seen: Instant::now(),
            // Many missed polls mean the page was closed.
            idle_limit: (job.poll_interval * 20).max(Duration::from_secs(5)),
        };
        lock(&self.entries).insert(job.id, entry);
    }

    fn poll(&self, job_id: &str) -> JobPoll {
        let mut entries = lock(&self.entries);
        let Some(entry) = entries.get_mut(job_id) else {
            return JobPoll::Unknown;
        };
        entry.last_seen = Instant::now();
        // Progress reported since the last poll goes out first, even when the
        // job has finished since: the page sees every last step, and the
        // result follows on the next poll.
        let progress = entry.shared.take_progress();
        if progress.is_some() {
            return JobPoll::Running {
                progress,
                side_updates: entry.side_updates.take(),
            };
        }
        let finished = entry
            .result
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        match finished {
            Some(result) => {
                let entry = entries.remove(job_id);
                JobPoll::Finished {
                    result,
                    side_updates: entry.map(|e| e.side_updates.take()).unwrap_or_default(),
                }
            }
            None => JobPoll::Running {
                progress: None,
                side_updates: entry.side_updates.take(),
            },
        }
    }

    fn active(&self) -> usize {
        self.len()
    }

    fn cancel(&self, job_id: &str) {
        if let Some(entry) = lock(&self.entries).remove(job_id) {
            entry.shared.cancel();
            entry.abort.abort();
        }
    }
}
