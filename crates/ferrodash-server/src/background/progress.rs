//! What a running job shares with the page: progress, side updates, the
//! cancelled flag.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use ferrodash_core::{CallbackError, IntoPropValue};
use serde_json::Value;

use crate::callback::{ArgRole, CallbackRequest, FromCallbackRequest};

/// State shared between a running job and the polls of its page.
#[derive(Debug, Default)]
pub(crate) struct JobShared {
    progress: Mutex<Option<Vec<Value>>>,
    cancelled: AtomicBool,
}

impl JobShared {
    /// Takes the progress reported since the last poll.
    pub(crate) fn take_progress(&self) -> Option<Vec<Value>> {
        self.progress
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    pub(crate) fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }
}

/// Reports a background callback's progress to the page, one value per
/// progress prop, and tells whether the job was cancelled.
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
    shared: Option<Arc<JobShared>>,
}

impl Progress {
    /// Sets the value of the (first) progress prop.
    pub fn set(&self, value: impl IntoPropValue) {
        self.set_all(vec![value.into_prop_value()]);
    }

    /// Sets the values of every progress prop, in declaration order.
    pub fn set_all(&self, values: Vec<Value>) {
        if let Some(shared) = &self.shared {
            *shared
                .progress
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(values);
        }
    }

    /// Whether the job was cancelled: long synchronous work should check it
    /// and stop (async work is stopped at its next `.await`).
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.shared
            .as_ref()
            .is_some_and(|s| s.cancelled.load(Ordering::SeqCst))
    }
}

impl FromCallbackRequest for Progress {
    const ROLE: ArgRole = ArgRole::Context;
    fn from_callback_request(request: &mut CallbackRequest) -> Result<Self, CallbackError> {
        Ok(Self {
            shared: request.job.clone(),
        })
    }
}
