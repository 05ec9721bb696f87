//! Background callbacks as MCP tasks: a task is the job of a tool call made
//! with `task`; `tasks/get` polls the job, `tasks/result` waits for it,
//! `tasks/cancel` cancels it. A task's record lives in the app's memoize
//! cache (in Redis when the app shares one), so any process answers, and
//! its id is signed for the user who started it.

use std::time::{Duration, Instant};

use ferrodash_cache::{CacheKey, Scope};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::Tool;
use super::calls::{Context, prepare, tool_result};
use super::jsonrpc::{self, RpcError};
use crate::background::{BackgroundOptions, JobPoll};
use crate::routes::background::{answer_poll, unavailable};

/// How long a task's record is kept.
const TTL: Duration = Duration::from_secs(3600);

/// How long `tasks/result` waits at most.
const LONGEST_WAIT: Duration = Duration::from_secs(600);

/// What is known of a task.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    job: String,
    /// The callback request of the call.
    body: Value,
    status: String,
    message: Option<String>,
    /// The tool result, once the task has ended.
    result: Option<Value>,
    created: String,
    updated: String,
    poll_ms: u64,
}

impl Record {
    fn ended(&self) -> bool {
        self.status != "working"
    }
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

fn user_id(context: &Context<'_>) -> String {
    context.user.map_or_else(String::new, |u| u.id.clone())
}

fn signing_scope(context: &Context<'_>) -> String {
    let id = user_id(context);
    format!("mcp-task:{}:{id}", id.len())
}

fn cache_key(context: &Context<'_>, job: &str) -> Result<CacheKey, RpcError> {
    CacheKey::new("mcp-task", job, &Scope::user(user_id(context)))
        .map_err(|e| RpcError::new(jsonrpc::INTERNAL_ERROR, e.to_string()))
}

async fn save(context: &Context<'_>, record: &Record) -> Result<(), RpcError> {
    context
        .app
        .inner
        .cache
        .set(&cache_key(context, &record.job)?, record, Some(TTL))
        .await
        .map_err(|e| {
            RpcError::new(
                jsonrpc::INTERNAL_ERROR,
                format!("the task could not be kept: {e}"),
            )
        })
}

fn task_json(id: &str, record: &Record) -> Value {
    let mut task = json!({
        "taskId": id,
        "status": record.status,
        "createdAt": record.created,
        "lastUpdatedAt": record.updated,
        "ttl": u64::try_from(TTL.as_millis()).unwrap_or(u64::MAX),
        "pollInterval": record.poll_ms,
    });
    if let (Some(message), Some(map)) = (&record.message, task.as_object_mut()) {
        map.insert("statusMessage".into(), Value::String(message.clone()));
    }
    task
}

/// Starts a task for a job just queued.
pub(super) async fn create(
    context: &Context<'_>,
    tool: &Tool,
    body: &Value,
    job: &str,
    options: &BackgroundOptions,
) -> Result<Value, RpcError> {
    let created = now();
    let record = Record {
        job: job.to_owned(),
        body: body.clone(),
        status: "working".to_owned(),
        message: Some(format!("`{}` started", tool.name)),
        result: None,
        created: created.clone(),
        updated: created,
        poll_ms: u64::try_from(options.interval.as_millis()).unwrap_or(1000),
    };
    save(context, &record).await?;
    let id = context.app.inner.signer.sign(&signing_scope(context), job);
    Ok(json!({"task": task_json(&id, &record)}))
}

/// The task `params` name, brought up to date with its job.
async fn current(
    context: &Context<'_>,
    params: &Map<String, Value>,
) -> Result<(String, Record), RpcError> {
    let id = jsonrpc::text_param(params, "taskId")?;
    let unknown = || RpcError::invalid_params("no such task (unknown, another user's, or expired)");
    let job = context
        .app
        .inner
        .signer
        .verify(&signing_scope(context), id)
        .ok_or_else(unknown)?
        .to_owned();
    let mut record: Record = context
        .app
        .inner
        .cache
        .get(&cache_key(context, &job)?)
        .await
        .map_err(|e| RpcError::new(jsonrpc::INTERNAL_ERROR, e.to_string()))?
        .ok_or_else(unknown)?;
    if !record.ended() {
        refresh(context, &mut record).await?;
    }
    Ok((id.to_owned(), record))
}

/// Polls a running task's job.
async fn refresh(context: &Context<'_>, record: &mut Record) -> Result<(), RpcError> {
    let poll = context
        .app
        .inner
        .queue
        .poll(&record.job)
        .await
        .map_err(|e| RpcError::new(jsonrpc::INTERNAL_ERROR, unavailable(&e).to_string()))?;
    let (status, message, result) = match poll {
        JobPoll::Running { progress, .. } => {
            if let Some(progress) = progress {
                record.message = Some(format!("progress: {}", Value::Array(progress)));
                record.updated = now();
                save(context, record).await?;
            }
            return Ok(());
        }
        JobPoll::Cancelled => ("cancelled", "cancelled".to_owned(), None),
        ended => {
            let checked = prepare(context, &record.body)
                .map_err(|p| RpcError::new(jsonrpc::INTERNAL_ERROR, p))?;
            let Some(options) = &checked.registered.background else {
                return Err(RpcError::new(
                    jsonrpc::INTERNAL_ERROR,
                    "not a background callback",
                ));
            };
            let result = tool_result(
                answer_poll(checked.registered, &checked.outputs, ended, options),
                context.debug(),
            );
            if result.get("isError").and_then(Value::as_bool) == Some(true) {
                (
                    "failed",
                    result
                        .pointer("/content/0/text")
                        .and_then(Value::as_str)
                        .unwrap_or("failed")
                        .to_owned(),
                    Some(result),
                )
            } else {
                ("completed", "completed".to_owned(), Some(result))
            }
        }
    };
    record.status = status.to_owned();
    record.message = Some(message);
    record.result = result;
    record.updated = now();
    save(context, record).await
}

/// `tasks/get`.
pub(super) async fn get(
    context: &Context<'_>,
    params: &Map<String, Value>,
) -> Result<Value, RpcError> {
    let (id, record) = current(context, params).await?;
    Ok(task_json(&id, &record))
}

/// `tasks/result`: waits for the task to end, then answers what the call
/// would have.
pub(super) async fn result(
    context: &Context<'_>,
    params: &Map<String, Value>,
) -> Result<Value, RpcError> {
    let deadline = Instant::now() + LONGEST_WAIT;
    loop {
        let (id, record) = current(context, params).await?;
        if record.ended() {
            let mut result = record.result.unwrap_or_else(|| {
                json!({"content": [{"type": "text", "text": "the task was cancelled"}], "isError": true})
            });
            if let Some(map) = result.as_object_mut() {
                map.insert(
                    "_meta".into(),
                    json!({"io.modelcontextprotocol/related-task": {"taskId": id}}),
                );
            }
            return Ok(result);
        }
        if Instant::now() >= deadline {
            return Err(RpcError::new(
                jsonrpc::INTERNAL_ERROR,
                "the task is still working: poll tasks/get and ask again",
            ));
        }
        tokio::time::sleep(Duration::from_millis(record.poll_ms.clamp(50, 5_000))).await;
    }
}

/// `tasks/cancel`.
pub(super) async fn cancel(
    context: &Context<'_>,
    params: &Map<String, Value>,
) -> Result<Value, RpcError> {
    let (id, mut record) = current(context, params).await?;
    if record.ended() {
        return Err(RpcError::invalid_params(format!(
            "the task has ended already ({})",
            record.status
        )));
    }
    context
        .app
        .inner
        .queue
        .cancel(&record.job)
        .await
        .map_err(|e| RpcError::new(jsonrpc::INTERNAL_ERROR, unavailable(&e).to_string()))?;
    record.status = "cancelled".to_owned();
    record.message = Some("cancelled".to_owned());
    record.updated = now();
    save(context, &record).await?;
    Ok(task_json(&id, &record))
}
