//! The in-process queue: jobs run on this server's tokio runtime.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, Weak};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::AbortHandle;

use crate::job::{Job, JobOutcome, JobPoll};
use crate::link::JobLink;
use crate::queue::{BoxFuture, JobError, JobExecutor, JobQueue, run_attempt};

enum Status {
    /// Waiting for a slot, or running.
    Working,
    Finished(JobOutcome),
    /// Kept as a tombstone until the page stops polling.
    Cancelled,
}

struct Entry {
    link: JobLink,
    owner: Option<String>,
    status: Status,
    abort: Option<AbortHandle>,
    last_seen: Instant,
    idle_limit: Duration,
}

type Entries = Mutex<HashMap<String, Entry>>;

fn lock(entries: &Entries) -> MutexGuard<'_, HashMap<String, Entry>> {
    entries.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs jobs on this server's tokio runtime, at most a given number at a
/// time; the rest wait their turn. Jobs whose page stopped polling are
/// stopped and forgotten. The queue holds at most 1,024 jobs (waiting,
/// running, or ended and not yet collected), and one user at most 8
/// waiting or running ([`InProcessQueue::with_limits`]): past them a start
/// is refused ([`JobError::Full`], [`JobError::QuotaExceeded`]). The default queue: nothing to set up, but a job
/// lives and dies with the process that started it, and only that process
/// can answer its polls.
pub struct InProcessQueue {
    entries: Arc<Entries>,
    permits: Arc<Semaphore>,
    max_jobs: usize,
    max_per_owner: usize,
    executor: OnceLock<Arc<dyn JobExecutor>>,
    reaper: OnceLock<()>,
}

impl fmt::Debug for InProcessQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InProcessQueue")
            .field("jobs", &lock(&self.entries).len())
            .field("free_slots", &self.permits.available_permits())
            .finish_non_exhaustive()
    }
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
            max_jobs: 1024,
            max_per_owner: 8,
            executor: OnceLock::new(),
            reaper: OnceLock::new(),
        }
    }

    /// At most `max_jobs` jobs held (waiting, running, or ended and not yet
    /// collected), and at most `max_per_owner` waiting or running per user.
    #[must_use]
    pub fn with_limits(mut self, max_jobs: usize, max_per_owner: usize) -> Self {
        self.max_jobs = max_jobs.max(1);
        self.max_per_owner = max_per_owner.max(1);
        self
    }

    /// The number of jobs known: waiting, running, or ended and not yet
    /// collected.
    #[must_use]
    pub fn len(&self) -> usize {
        lock(&self.entries)
            .values()
            .filter(|e| !matches!(e.status, Status::Cancelled))
            .count()
    }

    /// Whether no job is known.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Starts, once, the task that stops jobs whose page stopped polling
    /// and forgets tombstones.
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
                        if !keep && matches!(entry.status, Status::Working) {
                            tracing::debug!(job = %id, "stopping a job whose page stopped polling");
                            entry.link.stop();
                            if let Some(abort) = &entry.abort {
                                abort.abort();
                            }
                        }
                        keep
                    });
                }
            });
        });
    }
}

impl JobQueue for InProcessQueue {
    fn attach(&self, executor: Arc<dyn JobExecutor>) -> Result<(), JobError> {
        self.executor
            .set(executor)
            .map_err(|_| JobError::AlreadyAttached)
    }

    fn start(&self, job: Job) -> BoxFuture<'_, Result<(), JobError>> {
        Box::pin(async move {
            let executor = self.executor.get().ok_or(JobError::NotAttached)?.clone();
            self.start_reaper();
            let link = JobLink::new(job.id.clone(), 1);
            let entries = Arc::downgrade(&self.entries);
            let permits = self.permits.clone();
            let started = Instant::now();
            let idle_limit = job.idle_limit();
            let (id, payload, timeout) = (job.id.clone(), job.payload, job.timeout);
            let task_link = link.clone();
            // The entry goes in before the task can finish and look for it.
            let mut map = lock(&self.entries);
            let held = map
                .values()
                .filter(|e| !matches!(e.status, Status::Cancelled))
                .count();
            if held >= self.max_jobs {
                return Err(JobError::Full {
                    limit: self.max_jobs,
                });
            }
            if let Some(owner) = &job.owner {
                let working = map
                    .values()
                    .filter(|e| {
                        matches!(e.status, Status::Working) && e.owner.as_ref() == Some(owner)
                    })
                    .count();
                if working >= self.max_per_owner {
                    return Err(JobError::QuotaExceeded {
                        limit: self.max_per_owner,
                    });
                }
            }
            let task = tokio::spawn(async move {
                let Ok(_permit) = permits.acquire_owned().await else {
                    return;
                };
                let remaining = timeout.saturating_sub(started.elapsed());
                let outcome = if remaining.is_zero() {
                    JobOutcome::expired(timeout)
                } else {
                    run_attempt(executor.as_ref(), &payload, task_link, remaining, timeout).await
                };
                if let Some(entries) = entries.upgrade()
                    && let Some(entry) = lock(&entries).get_mut(&id)
                    && matches!(entry.status, Status::Working)
                {
                    entry.status = Status::Finished(outcome);
                }
            });
            map.insert(
                job.id.clone(),
                Entry {
                    link,
                    owner: job.owner.clone(),
                    status: Status::Working,
                    abort: Some(task.abort_handle()),
                    last_seen: Instant::now(),
                    idle_limit,
                },
            );
            Ok(())
        })
    }

    fn poll<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Result<JobPoll, JobError>> {
        Box::pin(async move {
            let mut entries = lock(&self.entries);
            let Some(entry) = entries.get_mut(job_id) else {
                return Ok(JobPoll::Unknown);
            };
            entry.last_seen = Instant::now();
            if matches!(entry.status, Status::Cancelled) {
                return Ok(JobPoll::Cancelled);
            }
            // Progress reported since the last poll goes out first, even
            // when the job has finished since: the page sees every last
            // step, and the result follows on the next poll.
            let progress = entry.link.take_progress();
            if progress.is_some() || matches!(entry.status, Status::Working) {
                return Ok(JobPoll::Running {
                    progress,
                    side_updates: entry.link.take_side_updates(),
                });
            }
            let Some(entry) = entries.remove(job_id) else {
                return Ok(JobPoll::Unknown);
            };
            let side_updates = entry.link.take_side_updates();
            Ok(match entry.status {
                Status::Finished(outcome) => JobPoll::Finished {
                    outcome,
                    side_updates,
                },
                Status::Working | Status::Cancelled => JobPoll::Unknown,
            })
        })
    }

    fn cancel<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            if let Some(entry) = lock(&self.entries).get_mut(job_id) {
                entry.status = Status::Cancelled;
                entry.link.stop();
                if let Some(abort) = entry.abort.take() {
                    abort.abort();
                }
            }
            Ok(())
        })
    }

    fn active(&self) -> usize {
        self.len()
    }

    fn running(&self) -> usize {
        lock(&self.entries)
            .values()
            .filter(|e| matches!(e.status, Status::Working))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use ferrodash_core::CallbackOutputs;
    use serde_json::Value;

    use super::*;

    /// Sleeps the payload's number of milliseconds, reporting progress.
    struct Sleeper(Arc<AtomicUsize>);

    impl JobExecutor for Sleeper {
        fn run(&self, payload: &str, link: JobLink) -> BoxFuture<'static, JobOutcome> {
            let millis: u64 = payload.parse().unwrap_or(0);
            let finished = self.0.clone();
            Box::pin(async move {
                link.set_progress(vec![Value::from("started")]);
                tokio::time::sleep(Duration::from_millis(millis)).await;
                finished.fetch_add(1, Ordering::SeqCst);
                JobOutcome::Done {
                    outputs: CallbackOutputs::Single(Value::from(millis)),
                }
            })
        }
    }

    fn queue(max: usize) -> (InProcessQueue, Arc<AtomicUsize>) {
        let finished = Arc::new(AtomicUsize::new(0));
        let queue = InProcessQueue::new(max);
        queue.attach(Arc::new(Sleeper(finished.clone()))).unwrap();
        (queue, finished)
    }

    async fn wait_finished(queue: &InProcessQueue, id: &str) -> JobOutcome {
        for _ in 0..200 {
            if let JobPoll::Finished { outcome, .. } = queue.poll(id).await.unwrap() {
                return outcome;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("job {id} did not finish");
    }

    fn long_job(owner: &str) -> Job {
        Job::new(
            "cb",
            "400",
            Duration::from_millis(10),
            Duration::from_secs(5),
        )
        .with_owner(owner)
    }

    #[tokio::test]
    async fn the_queue_holds_a_bounded_number_of_jobs_and_each_user_a_few() {
        let (queue, _) = queue(8);
        let queue = queue.with_limits(5, 2);
        queue.start(long_job("ada")).await.unwrap();
        queue.start(long_job("ada")).await.unwrap();
        // A third of ada's while two run: her quota.
        let refused = queue.start(long_job("ada")).await.unwrap_err();
        assert!(
            matches!(refused, JobError::QuotaExceeded { limit: 2 }),
            "{refused}"
        );
        assert!(refused.to_string().contains("the most one user may"));
        // Others may still start theirs, up to the queue's total.
        queue.start(long_job("bob")).await.unwrap();
        queue.start(long_job("bob")).await.unwrap();
        queue
            .start(Job::new(
                "cb",
                "400",
                Duration::from_millis(10),
                Duration::from_secs(5),
            ))
            .await
            .unwrap();
        let full = queue.start(long_job("cy")).await.unwrap_err();
        assert!(matches!(full, JobError::Full { limit: 5 }), "{full}");
        assert_eq!(queue.len(), 5);
    }

    #[tokio::test]
    async fn a_finished_job_frees_its_owners_quota() {
        let (queue, _) = queue(8);
        let queue = queue.with_limits(100, 1);
        let quick = Job::new(
            "cb",
            "10",
            Duration::from_millis(10),
            Duration::from_secs(5),
        )
        .with_owner("ada");
        queue.start(quick.clone()).await.unwrap();
        wait_finished(&queue, &quick.id).await;
        queue.start(long_job("ada")).await.unwrap();
    }

    #[tokio::test]
    async fn a_job_reports_progress_then_its_outcome_once() {
        let (queue, finished) = queue(2);
        let job = Job::new(
            "cb",
            "30",
            Duration::from_millis(10),
            Duration::from_secs(5),
        );
        queue.start(job.clone()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert!(matches!(
            queue.poll(&job.id).await.unwrap(),
            JobPoll::Running { progress: Some(p), .. } if p == vec![Value::from("started")]
        ));
        let outcome = wait_finished(&queue, &job.id).await;
        assert_eq!(
            outcome,
            JobOutcome::Done {
                outputs: CallbackOutputs::Single(Value::from(30))
            }
        );
        assert_eq!(queue.poll(&job.id).await.unwrap(), JobPoll::Unknown);
        assert_eq!(finished.load(Ordering::SeqCst), 1);
        assert!(queue.is_empty());
    }

    #[tokio::test]
    async fn the_timeout_counts_from_the_start_waiting_included() {
        let (queue, _) = queue(1);
        let long = Job::new(
            "cb",
            "300",
            Duration::from_millis(10),
            Duration::from_secs(5),
        );
        let waiting = Job::new(
            "cb",
            "0",
            Duration::from_millis(10),
            Duration::from_millis(100),
        );
        queue.start(long).await.unwrap();
        queue.start(waiting.clone()).await.unwrap();
        assert_eq!(
            wait_finished(&queue, &waiting.id).await,
            JobOutcome::expired(Duration::from_millis(100))
        );
    }

    #[tokio::test]
    async fn a_cancelled_job_stops_and_its_polls_say_so() {
        let (queue, finished) = queue(2);
        let job = Job::new(
            "cb",
            "200",
            Duration::from_millis(10),
            Duration::from_secs(5),
        );
        queue.start(job.clone()).await.unwrap();
        queue.cancel(&job.id).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(queue.poll(&job.id).await.unwrap(), JobPoll::Cancelled);
        assert_eq!(finished.load(Ordering::SeqCst), 0);
        assert_eq!(queue.active(), 0);
    }

    #[tokio::test]
    async fn a_queue_serves_one_app() {
        let (queue, finished) = queue(1);
        assert!(matches!(
            queue.attach(Arc::new(Sleeper(finished))),
            Err(JobError::AlreadyAttached)
        ));
        let unattached = InProcessQueue::new(1);
        let job = Job::new("cb", "0", Duration::from_millis(10), Duration::from_secs(1));
        assert!(matches!(
            unattached.start(job).await,
            Err(JobError::NotAttached)
        ));
    }
}
