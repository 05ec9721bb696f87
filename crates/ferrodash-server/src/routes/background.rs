//! Background callbacks over HTTP (dash-protocol §8): the first request
//! queues the job and answers with its handles; each poll answers with
//! progress and side updates, then the result.

use std::time::Duration;

use ferrodash_cache::{CacheKey, Scope};
use ferrodash_core::CallbackError;
use ferrodash_core::wire::{Resolved, ResolvedProp, UpdateResponse};
use serde_json::{Map, Value, json};

use crate::app::{App, Registered};
use crate::background::{
    BackgroundOptions, CachedResult, Handles, Job, JobError, JobOutcome, JobPayload, JobPoll,
};
use crate::callback::CallbackRequest;
use crate::dispatch::{Answer, Checked, encode, failed};
use crate::rejection::{Failure, ProtocolError};

/// A job queue that does not answer, or is full: 503, try again.
pub(crate) fn unavailable(error: &JobError) -> ProtocolError {
    ProtocolError::Unavailable(error.to_string())
}

/// A job the queue refused to start.
fn refused(error: &JobError) -> ProtocolError {
    match error {
        JobError::QuotaExceeded { limit } => ProtocolError::TooManyJobs { limit: *limit },
        other => unavailable(other),
    }
}

/// A job queued: its id, and the cache key of its inputs.
pub(crate) struct Queued {
    pub(crate) job_id: String,
    pub(crate) cache_key: String,
}

/// Queues the job of a checked request to a background callback (its
/// result cached per input and user when the callback caches results).
pub(crate) async fn queue_job(
    app: &App,
    checked: &Checked<'_>,
    mut payload: JobPayload,
    options: &BackgroundOptions,
    idle: Option<Duration>,
) -> Result<Queued, Answer> {
    let registered = checked.registered;
    // Identical inputs on the same callback, for the same user, share a key.
    let scope = payload.scope.clone().map_or(Scope::Public, Scope::User);
    let args = json!([
        CallbackRequest::values_of(&checked.inputs),
        CallbackRequest::values_of(&checked.state)
    ]);
    let key = CacheKey::new(
        &format!("background:{}", registered.spec.name),
        &args,
        &scope,
    )
    .map_err(|e| {
        Answer::Failed(Failure::new(
            "the job's cache key could not be built",
            &e.to_string(),
        ))
    })?;
    let cache_key = key.to_token();
    payload.cache = options.cache_results.map(|ttl| CachedResult {
        key: cache_key.clone(),
        ttl_ms: u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX),
    });
    let owner = payload.user.as_ref().map(|user| user.id.clone());
    let mut job = Job::new(
        registered.spec.name.clone(),
        serde_json::to_string(&payload).unwrap_or_default(),
        options.interval,
        options.timeout,
    );
    if let Some(owner) = owner {
        job = job.with_owner(owner);
    }
    if let Some(idle) = idle {
        job = job.with_idle_limit(idle);
    }
    let job_id = job.id.clone();
    app.inner
        .queue
        .start(job)
        .await
        .map_err(|e| Answer::Refused(refused(&e)))?;
    app.inner.metrics.job_started();
    Ok(Queued { job_id, cache_key })
}

/// The first request of a background callback: queues the job and answers
/// with its handles (no `response` key, so the page starts polling).
pub(super) async fn start_job(
    app: &App,
    checked: &Checked<'_>,
    payload: JobPayload,
    options: &BackgroundOptions,
    handles: &Handles<'_>,
) -> Result<Answer, ProtocolError> {
    let Queued { job_id, cache_key } = match queue_job(app, checked, payload, options, None).await {
        Ok(queued) => queued,
        Err(answer) => return Ok(answer),
    };
    // The handle outlives the job's timeout by a margin for the last polls.
    let lifetime = options
        .timeout
        .saturating_add((options.interval * 20).max(Duration::from_secs(5)))
        .as_secs()
        .saturating_add(1);
    let mut body = Map::new();
    body.insert(
        "cacheKey".into(),
        Value::String(handles.cache_key(&cache_key)),
    );
    body.insert("job".into(), Value::String(handles.job(&job_id, lifetime)));
    if !options.cancel.is_empty() {
        let cancel: Vec<Value> = options
            .cancel
            .iter()
            .map(|p| json!({"id": p.id, "property": p.property}))
            .collect();
        body.insert("cancel".into(), Value::Array(cancel));
    }
    if !options.progress_default.is_empty() {
        let defaults: Map<String, Value> = options
            .progress
            .iter()
            .zip(&options.progress_default)
            .map(|(p, v)| (p.key(), v.clone()))
            .collect();
        body.insert("progressDefault".into(), Value::Object(defaults));
    }
    Ok(Answer::Updated(
        serde_json::to_vec(&Value::Object(body)).unwrap_or_default(),
    ))
}

/// The answer to one poll of a background job: progress and side updates
/// while it runs, then its result as a normal answer.
pub(crate) fn answer_poll(
    registered: &Registered,
    outputs: &[Resolved<ResolvedProp>],
    poll: JobPoll,
    options: &BackgroundOptions,
) -> Answer {
    match poll {
        JobPoll::Running {
            progress,
            side_updates,
        } => {
            let mut body = UpdateResponse::new();
            for (id, props) in side_updates {
                body.set_props(id, props);
            }
            let mut json = body.to_json();
            if let Value::Object(map) = &mut json {
                // A running job's answer has no `response`: the page keeps polling.
                map.remove("response");
                if let Some(values) = progress {
                    let progress: Map<String, Value> = options
                        .progress
                        .iter()
                        .zip(values)
                        .map(|(p, v)| (p.key(), v))
                        .collect();
                    map.insert("progress".into(), Value::Object(progress));
                }
            }
            Answer::Updated(serde_json::to_vec(&json).unwrap_or_default())
        }
        JobPoll::Finished {
            outcome,
            side_updates,
        } => match outcome {
            JobOutcome::Done { outputs: values } => {
                encode(registered, outputs, values, side_updates)
            }
            JobOutcome::Prevented => Answer::NoUpdate,
            JobOutcome::Invalid { argument, problem } => {
                Answer::Refused(ProtocolError::InvalidArgument {
                    callback: registered.spec.name.clone(),
                    argument,
                    problem,
                })
            }
            JobOutcome::Expired { timeout_ms } => failed(
                registered,
                outputs,
                &CallbackError::msg(format!(
                    "the background job was stopped after its timeout of {:?}",
                    Duration::from_millis(timeout_ms)
                )),
            ),
            JobOutcome::Failed { message } => {
                failed(registered, outputs, &CallbackError::msg(message))
            }
            _ => failed(
                registered,
                outputs,
                &CallbackError::msg("the background job ended in a way this server cannot show"),
            ),
        },
        // Cancelled (by the page, or abandoned): nothing more to send.
        JobPoll::Cancelled => Answer::NoUpdate,
        // The page polls a job nobody knows: say so rather than leave the
        // page's output silently stale (through `on_error` when it has one).
        _ => {
            let lost = ProtocolError::JobLost {
                callback: registered.spec.name.clone(),
            };
            if registered.on_error.is_some() {
                failed(registered, outputs, &CallbackError::msg(&lost))
            } else {
                Answer::Refused(lost)
            }
        }
    }
}
