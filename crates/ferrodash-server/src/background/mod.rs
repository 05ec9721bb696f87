//! Background callbacks (dash-protocol §8): the first request starts a job
//! and answers at once with signed handles; the page then polls with them,
//! receiving progress and side updates until the job's result arrives.
//!
//! Jobs run on a [`JobQueue`] from `ferrodash-jobs`: the
//! [`InProcessQueue`] by default, or a [`RedisJobQueue`] shared by every
//! process of the app. The request of a job is serialized
//! ([`executor::JobPayload`]), so whichever process takes the job runs the
//! callback from it.

mod executor;
mod handles;
mod options;
mod progress;

pub(crate) use executor::{AppExecutor, CachedResult, JobPayload, scope_id};
pub use ferrodash_jobs::{
    InProcessQueue, Job, JobError, JobExecutor, JobLink, JobOutcome, JobPoll, JobQueue, JobState,
    RedisJobQueue,
};
pub use handles::HandleProblem;
pub(crate) use handles::Handles;
pub use options::BackgroundOptions;
pub use progress::Progress;
