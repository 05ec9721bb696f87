//! Background jobs of ferrodash apps: where background callbacks run.
//!
//! A background callback's first request starts a [`Job`] on the app's
//! [`JobQueue`] and answers at once; the page then polls until the job has
//! ended. The queue stores the job's request as the app serialized it, so
//! any process of the app can run it: the app [attaches](JobQueue::attach)
//! a [`JobExecutor`] that turns the request back into a callback run.
//!
//! | queue | where jobs run | polls answered by |
//! | --- | --- | --- |
//! | [`InProcessQueue`] (the default) | the process that started them | that process only |
//! | [`RedisJobQueue`] | any process of the app, with leases taken over when a worker dies | any process |
//!
//! Every job ends in exactly one terminal [`JobState`]: done, failed,
//! cancelled or expired.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod job;
mod link;
mod memory;
mod queue;
mod redis;

pub use job::{Job, JobOutcome, JobPoll, JobState, PropsUpdate};
pub use link::JobLink;
pub use memory::InProcessQueue;
pub use queue::{BoxFuture, JobError, JobExecutor, JobQueue};
pub use redis::RedisJobQueue;
