//! The [`Progress`] argument: a background callback's link to its page.

use ferrodash_core::{CallbackError, IntoPropValue};
use ferrodash_jobs::JobLink;
use serde_json::Value;

use crate::callback::{ArgRole, CallbackRequest, FromCallbackRequest};

/// Reports a background callback's progress to the page, one value per
/// progress prop, and tells whether the job should stop.
///
/// In a callback that is not a background callback it does nothing.
///
/// ```
/// # use ferrodash_server::Progress;
/// async fn crunch(progress: Progress) -> String {
///     for step in 0..=10 {
///         progress.set(step * 10);
///     }
///     "done".to_owned()
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Progress {
    link: Option<JobLink>,
}

impl Progress {
    /// Sets the value of the (first) progress prop.
    pub fn set(&self, value: impl IntoPropValue) {
        self.set_all(vec![value.into_prop_value()]);
    }

    /// Sets the values of every progress prop, in declaration order.
    pub fn set_all(&self, values: Vec<Value>) {
        if let Some(link) = &self.link {
            link.set_progress(values);
        }
    }

    /// Whether the job should stop: cancelled by the page, past its
    /// timeout, or taken over by another worker. Long synchronous work
    /// should check it and return (async work is stopped at its next
    /// `.await`).
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.link.as_ref().is_some_and(JobLink::is_stopped)
    }

    /// The job's id, the same on every attempt: an idempotency key for
    /// what the job writes elsewhere (with a shared queue, a job whose
    /// worker died runs again from the start). `None` outside a background
    /// callback.
    #[must_use]
    pub fn job_id(&self) -> Option<&str> {
        self.link.as_ref().map(JobLink::id)
    }

    /// Which attempt at the job this is, from 1 (0 outside a background
    /// callback).
    #[must_use]
    pub fn attempt(&self) -> u32 {
        self.link.as_ref().map_or(0, JobLink::attempt)
    }
}

impl FromCallbackRequest for Progress {
    const ROLE: ArgRole = ArgRole::Context;
    fn from_callback_request(request: &mut CallbackRequest) -> Result<Self, CallbackError> {
        Ok(Self {
            link: request.job.clone(),
        })
    }
}
