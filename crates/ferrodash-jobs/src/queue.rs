//! The [`JobQueue`] trait, and what runs a job: the app's [`JobExecutor`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::job::{Job, JobOutcome, JobPoll};
use crate::link::JobLink;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a queue could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JobError {
    /// The queue's store cannot be reached (Redis is down, say): the
    /// request can be tried again later (answer 503).
    #[error("the job queue ({backend}) is unavailable: {source}")]
    Unavailable {
        /// Which store.
        backend: &'static str,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The queue has no app to run jobs for yet.
    #[error("the job queue is not attached to an app")]
    NotAttached,
    /// The queue already runs the jobs of another app.
    #[error(
        "the job queue already serves another app: give each app its own queue (a Redis queue \
         its own prefix)"
    )]
    AlreadyAttached,
    /// The queue holds as many jobs as it may: none is taken until some end
    /// (answer 503, try again).
    #[error("the job queue is full: {limit} jobs are waiting or running, the most it holds")]
    Full {
        /// The most jobs the queue holds.
        limit: usize,
    },
    /// The user has as many jobs waiting or running as one user may (answer
    /// 429: let one finish, or cancel one).
    #[error(
        "you have {limit} background jobs waiting or running, the most one user may: wait for \
         one to finish"
    )]
    QuotaExceeded {
        /// The most jobs one user may have.
        limit: usize,
    },
    /// The store holds a record the queue cannot read.
    #[error("the job queue's record of job `{job}` is unreadable: {problem}")]
    Corrupt {
        /// The job.
        job: String,
        /// What is wrong.
        problem: String,
    },
}

/// Runs jobs: the app a queue belongs to gives it one, so any process of
/// the app can turn a [`Job`]'s payload back into a callback run.
pub trait JobExecutor: Send + Sync + 'static {
    /// Runs the callback `payload` describes. Progress and side updates go
    /// to `link`; the future ends with the job's outcome. Failures (an
    /// unknown callback, an unreadable payload) are
    /// [`JobOutcome::Failed`].
    fn run(&self, payload: &str, link: JobLink) -> BoxFuture<'static, JobOutcome>;

    /// Whether the app is still there: a shared queue's workers stop when
    /// it was dropped.
    fn is_alive(&self) -> bool {
        true
    }
}

/// Where background jobs run.
///
/// The server starts a job when the page asks, polls it on each of the
/// page's polls (which may reach another process than the one that
/// started it), and cancels it when the page asks. The app
/// [attaches](JobQueue::attach) itself when it is built, so the queue's
/// workers can run jobs started anywhere.
pub trait JobQueue: Send + Sync + 'static {
    /// Gives the queue the app whose jobs it runs; called once, when the
    /// app is built.
    ///
    /// # Errors
    ///
    /// [`JobError::AlreadyAttached`] when another app has it.
    fn attach(&self, executor: Arc<dyn JobExecutor>) -> Result<(), JobError>;

    /// Starts (queues) a job.
    fn start(&self, job: Job) -> BoxFuture<'_, Result<(), JobError>>;

    /// Progress and side updates since the last poll, or how the job ended.
    fn poll<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Result<JobPoll, JobError>>;

    /// Cancels a job: a waiting job never runs, a running one is told to
    /// stop; its polls then find [`JobPoll::Cancelled`].
    fn cancel<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Result<(), JobError>>;

    /// Jobs this process knows now: waiting, running, or ended and not yet
    /// collected (for metrics; a shared queue counts the jobs this process
    /// runs).
    fn active(&self) -> usize {
        0
    }

    /// Jobs this process is running or has waiting to run now (not those
    /// ended): what a stopping server waits for.
    fn running(&self) -> usize {
        0
    }

    /// The server is stopping: this process takes no more jobs from a
    /// shared queue (the other processes run them), while the jobs it runs
    /// finish. Jobs waiting in an in-process queue still run, since no
    /// other process could.
    fn stop_taking(&self) {}

    /// Whether several processes share the queue: job handles must then be
    /// signed with a key every process has.
    fn is_shared(&self) -> bool {
        false
    }

    /// Whether the queue's store answers (for readiness checks).
    fn ready(&self) -> BoxFuture<'_, Result<(), JobError>> {
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Runs one attempt of a job on `executor` until it ends, is stopped
/// through `link`, or `remaining` runs out.
pub(crate) async fn run_attempt(
    executor: &dyn JobExecutor,
    payload: &str,
    link: JobLink,
    remaining: Duration,
    timeout: Duration,
) -> JobOutcome {
    let work = executor.run(payload, link.clone());
    match tokio::time::timeout(remaining, work).await {
        Ok(outcome) => outcome,
        Err(_) => {
            link.stop();
            JobOutcome::expired(timeout)
        }
    }
}
