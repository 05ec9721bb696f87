//! A job, how it ended, and what a poll finds.

use std::time::Duration;

use ferrodash_core::CallbackOutputs;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Props of one component set with `set_props`: the stringified id and the props.
pub type PropsUpdate = (String, Map<String, Value>);

/// A job to run: which callback, with which request, and how long it may
/// take.
///
/// The request is the server's own serialized form of the callback's
/// arguments ([`Job::payload`]); a queue stores and carries it without
/// reading it, so any process of the app can run the job.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Job {
    /// The job's id, unique per app (a random UUID).
    pub id: String,
    /// The callback's name, for logs.
    pub callback: String,
    /// What the app's [`JobExecutor`](crate::JobExecutor) needs to run it.
    pub payload: String,
    /// How often the page polls; a job whose page stopped polling for many
    /// intervals belongs to a closed page and is stopped.
    pub poll_interval: Duration,
    /// How long the job may take from the moment it was started (queued),
    /// waiting included.
    pub timeout: Duration,
    /// How long its poller may go quiet before the job counts as abandoned
    /// (`None`: twenty poll intervals, at least five seconds).
    pub idle: Option<Duration>,
    /// Whose job it is (the user's id), for the per-user quota; `None`
    /// counts against the queue's total only.
    pub owner: Option<String>,
}

impl Job {
    /// A job with a new random id.
    #[must_use]
    pub fn new(
        callback: impl Into<String>,
        payload: impl Into<String>,
        poll_interval: Duration,
        timeout: Duration,
    ) -> Self {
        Self {
            id: uuid::Uuid::new_v4().simple().to_string(),
            callback: callback.into(),
            payload: payload.into(),
            poll_interval,
            timeout,
            idle: None,
            owner: None,
        }
    }

    /// The job of `owner` (a user's id), counted against their quota.
    #[must_use]
    pub fn with_owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = Some(owner.into());
        self
    }

    /// The job with a poller that may go quiet for `idle` (a program
    /// polling rarely, say) before the job counts as abandoned.
    #[must_use]
    pub const fn with_idle_limit(mut self, idle: Duration) -> Self {
        self.idle = Some(idle);
        self
    }

    /// How long the page may go without polling before the job counts as
    /// abandoned: as set, else twenty poll intervals, at least five seconds.
    #[must_use]
    pub fn idle_limit(&self) -> Duration {
        self.idle
            .unwrap_or_else(|| (self.poll_interval.saturating_mul(20)).max(Duration::from_secs(5)))
    }
}

/// How a job ended. Serialized into a shared queue, so every process can
/// answer the page's poll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum JobOutcome {
    /// The callback returned its outputs.
    Done {
        /// The outputs, one per declared output.
        outputs: CallbackOutputs,
    },
    /// The callback asked for no update.
    Prevented,
    /// An argument could not be read from the request (a client error).
    Invalid {
        /// Which argument.
        argument: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The callback failed, panicked, or its worker stopped too often.
    Failed {
        /// What went wrong.
        message: String,
    },
    /// The job was stopped after its timeout.
    Expired {
        /// The timeout, in milliseconds.
        timeout_ms: u64,
    },
}

impl JobOutcome {
    /// The terminal state this outcome puts a job in: `done` (outputs or no
    /// update), `failed` or `expired`.
    #[must_use]
    pub const fn state(&self) -> JobState {
        match self {
            Self::Done { .. } | Self::Prevented => JobState::Done,
            Self::Invalid { .. } | Self::Failed { .. } => JobState::Failed,
            Self::Expired { .. } => JobState::Expired,
        }
    }

    /// The outcome of a job stopped after `timeout`.
    #[must_use]
    pub fn expired(timeout: Duration) -> Self {
        Self::Expired {
            timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// A failure with this message.
    pub fn failed(message: impl std::fmt::Display) -> Self {
        Self::Failed {
            message: message.to_string(),
        }
    }
}

/// Where a job is in its life. A job ends in exactly one of the four
/// terminal states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// A worker runs it.
    Running,
    /// Terminal: the callback finished (with outputs or no update).
    Done,
    /// Terminal: the callback failed, or its workers kept stopping.
    Failed,
    /// Terminal: cancelled by the page, or abandoned by it.
    Cancelled,
    /// Terminal: stopped after its timeout.
    Expired,
}

impl JobState {
    /// The state's name, as a shared queue stores it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }

    /// The state named `name`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Queued,
            Self::Running,
            Self::Done,
            Self::Failed,
            Self::Cancelled,
            Self::Expired,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }

    /// Whether the job has ended.
    #[must_use]
    pub const fn is_terminal(self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a poll finds.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum JobPoll {
    /// Waiting or running: progress and side updates since the last poll.
    Running {
        /// Progress values, one per progress prop, if reported since the last poll.
        progress: Option<Vec<Value>>,
        /// `set_props` updates since the last poll.
        side_updates: Vec<PropsUpdate>,
    },
    /// Ended: how, and side updates not yet delivered. The queue forgets
    /// the job once this was read.
    Finished {
        /// How the job ended.
        outcome: JobOutcome,
        /// `set_props` updates not yet delivered.
        side_updates: Vec<PropsUpdate>,
    },
    /// Cancelled by the page (or abandoned): nothing more to send.
    Cancelled,
    /// No such job: its result was delivered already, or the queue lost
    /// it (expired, or a shared queue's store was emptied).
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_round_trip_as_json_and_name_their_state() {
        let outcomes = [
            JobOutcome::Done {
                outputs: CallbackOutputs::Multi(vec![Value::from(1), Value::from("a")]),
            },
            JobOutcome::Prevented,
            JobOutcome::Invalid {
                argument: "Input 1".to_owned(),
                problem: "not a number".to_owned(),
            },
            JobOutcome::failed("boom"),
            JobOutcome::expired(Duration::from_secs(2)),
        ];
        for outcome in outcomes {
            let text = serde_json::to_string(&outcome).unwrap();
            let back: JobOutcome = serde_json::from_str(&text).unwrap();
            assert_eq!(back, outcome);
            assert!(outcome.state().is_terminal());
        }
        assert_eq!(
            serde_json::to_string(&JobOutcome::expired(Duration::from_millis(1500))).unwrap(),
            r#"{"outcome":"expired","timeout_ms":1500}"#
        );
        for state in [
            "queued",
            "running",
            "done",
            "failed",
            "cancelled",
            "expired",
        ] {
            assert_eq!(JobState::parse(state).unwrap().as_str(), state);
        }
        assert_eq!(JobState::parse("nope"), None);
    }
}
