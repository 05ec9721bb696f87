//! Background callbacks (dash-protocol §8): the first request starts a job
//! and answers at once with signed handles; the page then polls with them,
//! receiving progress and side updates until the job's result arrives.
//!
//! Jobs run on a [`JobQueue`]. [`InProcessQueue`], the default, runs them on
//! this server's tokio runtime with a bounded number at a time; the trait
//! lets a queue shared by several processes take its place without touching
//! callbacks.

mod handles;
mod options;
mod progress;
mod queue;

pub use handles::HandleProblem;
pub(crate) use handles::Handles;
pub use options::BackgroundOptions;
pub(crate) use progress::JobShared;
pub use progress::Progress;
pub use queue::{InProcessQueue, Job, JobPoll, JobQueue};
