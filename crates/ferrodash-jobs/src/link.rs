//! What a running job shares with the queue: progress, side updates, and
//! whether it should stop.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Map, Value};

use crate::job::PropsUpdate;

/// The link between a running job's callback and its queue: the callback
/// reports progress and side updates through it, the queue takes them for
/// the page's polls and tells the callback to stop.
///
/// Cheap to clone; every clone is the same link.
#[derive(Debug, Clone, Default)]
pub struct JobLink(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    id: String,
    attempt: u32,
    progress: Mutex<Option<Vec<Value>>>,
    side_updates: Mutex<Vec<PropsUpdate>>,
    stopped: AtomicBool,
}

impl JobLink {
    /// The link of attempt `attempt` (from 1) of job `id`.
    #[must_use]
    pub fn new(id: impl Into<String>, attempt: u32) -> Self {
        Self(Arc::new(Inner {
            id: id.into(),
            attempt,
            ..Inner::default()
        }))
    }

    /// The job's id: the same on every attempt, so a callback can use it as
    /// an idempotency key for what it writes elsewhere.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.0.id
    }

    /// Which attempt this is, from 1: above 1 when a worker stopped (was
    /// killed, say) while running the job and another took it over.
    #[must_use]
    pub fn attempt(&self) -> u32 {
        self.0.attempt
    }

    /// Sets the values of the progress props (the latest set wins).
    pub fn set_progress(&self, values: Vec<Value>) {
        *self
            .0
            .progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(values);
    }

    /// Takes the progress reported since the last take.
    #[must_use]
    pub fn take_progress(&self) -> Option<Vec<Value>> {
        self.0
            .progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Adds a side update (`set_props`) for the page.
    pub fn push_side_update(&self, id: String, props: Map<String, Value>) {
        self.0
            .side_updates
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((id, props));
    }

    /// Takes the side updates added since the last take.
    #[must_use]
    pub fn take_side_updates(&self) -> Vec<PropsUpdate> {
        std::mem::take(
            &mut *self
                .0
                .side_updates
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Tells the callback to stop: cancelled, timed out, or taken over by
    /// another worker.
    pub fn stop(&self) {
        self.0.stopped.store(true, Ordering::SeqCst);
    }

    /// Whether the callback should stop. Long synchronous work checks it;
    /// async work is also dropped at its next `.await`.
    #[must_use]
    pub fn is_stopped(&self) -> bool {
        self.0.stopped.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_and_side_updates_are_taken_once() {
        let link = JobLink::new("j", 2);
        assert_eq!((link.id(), link.attempt()), ("j", 2));
        link.set_progress(vec![Value::from(1)]);
        link.set_progress(vec![Value::from(2)]);
        link.push_side_update("a".to_owned(), Map::new());
        let clone = link.clone();
        assert_eq!(clone.take_progress(), Some(vec![Value::from(2)]));
        assert_eq!(link.take_progress(), None);
        assert_eq!(link.take_side_updates().len(), 1);
        assert!(link.take_side_updates().is_empty());
        assert!(!link.is_stopped());
        clone.stop();
        assert!(link.is_stopped());
    }
}
