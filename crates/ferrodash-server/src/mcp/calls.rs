//! `tools/call`: a tool's arguments made into the callback request the
//! renderer would send, checked and run like any other (background ones
//! through the job queue), the answer made into a tool result.

use std::time::{Duration, Instant};

use ferrodash_auth::Principal;
use ferrodash_core::wire::{Resolved, ResolvedProp, UpdateRequest};
use http::{HeaderMap, header};
use serde_json::{Map, Value, json};

use super::jsonrpc::{self, RpcError};
use super::{McpState, Tool, plain, tasks};
use crate::app::{App, Registered};
use crate::background::{BackgroundOptions, JobPayload, JobPoll};
use crate::callback::SideUpdates;
use crate::dispatch::{self, Answer, Caller};
use crate::routes::background::{answer_poll, queue_job, unavailable};

/// One MCP request's view of the app.
pub(crate) struct Context<'a> {
    pub(crate) app: &'a App,
    pub(crate) mcp: &'a McpState,
    pub(crate) user: Option<&'a Principal>,
    pub(crate) headers: &'a HeaderMap,
}

impl Context<'_> {
    /// The tools the user may call: those whose groups the user is in.
    pub(crate) fn visible_tools(&self) -> impl Iterator<Item = &Tool> {
        self.mcp.tools.iter().filter(|tool| {
            self.app.inner.callbacks.get(&tool.key).is_some_and(|r| {
                r.groups.is_empty()
                    || self
                        .user
                        .is_some_and(|u| r.groups.iter().all(|g| u.in_group(g)))
            })
        })
    }

    /// The headers a callback sees: the request's, its token left out.
    pub(crate) fn callback_headers(&self) -> HeaderMap {
        let mut headers = self.headers.clone();
        headers.remove(header::AUTHORIZATION);
        headers
    }

    pub(crate) fn debug(&self) -> bool {
        self.app.inner.config.dev_tools.ui
    }
}

/// A tool result: the callback's answer (figures' arrays as plain numbers)
/// or, with `isError`, what went wrong.
pub(crate) fn tool_result(answer: Answer, debug: bool) -> Value {
    let (structured, error) = match answer {
        Answer::Updated(body) => (
            plain::plain_arrays(serde_json::from_slice(&body).unwrap_or(Value::Null)),
            None,
        ),
        Answer::NoUpdate => (json!({"multi": true, "response": {}}), None),
        Answer::Refused(refusal) => (Value::Null, Some(refusal.to_string())),
        Answer::Failed(failure) => (Value::Null, Some(failure.message(debug))),
    };
    match error {
        Some(message) => json!({"content": [{"type": "text", "text": message}], "isError": true}),
        None => json!({
            "content": [{"type": "text", "text": structured.to_string()}],
            "structuredContent": structured,
            "isError": false,
        }),
    }
}

fn tool_error(message: impl Into<String>) -> Value {
    json!({"content": [{"type": "text", "text": message.into()}], "isError": true})
}

/// Checks a callback request built for a tool.
pub(crate) fn prepare<'a>(
    context: &Context<'a>,
    body: &Value,
) -> Result<dispatch::Checked<'a>, String> {
    let request = UpdateRequest::from_value(body.clone()).map_err(|e| e.to_string())?;
    dispatch::check(&context.app.inner, request, context.user).map_err(|e| e.to_string())
}

/// The job payload of a tool call of a background callback.
pub(crate) fn payload(context: &Context<'_>, key: &str, body: &Value) -> JobPayload {
    let headers = context.callback_headers();
    let scope = context.app.inner.scope_of(&headers, context.user);
    JobPayload {
        output: key.to_owned(),
        body: body.to_string(),
        user: context.user.cloned(),
        scope: crate::background::scope_id(&scope),
        headers: JobPayload::headers_of(&headers),
        cache: None,
    }
}

/// Waits for a job to end, polling it as a page would.
pub(crate) async fn wait(
    app: &App,
    registered: &Registered,
    outputs: &[Resolved<ResolvedProp>],
    job_id: &str,
    options: &BackgroundOptions,
) -> Answer {
    let deadline = Instant::now() + options.timeout + Duration::from_secs(30);
    loop {
        match app.inner.queue.poll(job_id).await {
            Err(e) => return Answer::Refused(unavailable(&e)),
            Ok(JobPoll::Running { .. }) if Instant::now() < deadline => {
                tokio::time::sleep(options.interval).await;
            }
            Ok(JobPoll::Running { .. }) => {
                return Answer::Refused(crate::rejection::ProtocolError::Unavailable(
                    "the background job did not end in time".to_owned(),
                ));
            }
            Ok(ended) => return answer_poll(registered, outputs, ended, options),
        }
    }
}

/// `tools/call`.
pub(crate) async fn call(
    context: &Context<'_>,
    params: &Map<String, Value>,
) -> Result<Value, RpcError> {
    let name = jsonrpc::text_param(params, "name")?;
    let tool = context
        .visible_tools()
        .find(|t| t.name == name)
        .ok_or_else(|| RpcError::invalid_params(format!("no tool `{name}` here")))?;
    let arguments = match params.get("arguments") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(arguments)) => arguments.clone(),
        Some(_) => return Err(RpcError::invalid_params("`arguments` must be an object")),
    };
    let as_task = match params.get("task") {
        None | Some(Value::Null) => false,
        Some(Value::Object(_)) => true,
        Some(_) => return Err(RpcError::invalid_params("`task` must be an object")),
    };
    let Some(registered) = context.app.inner.callbacks.get(&tool.key) else {
        return Err(RpcError::new(
            jsonrpc::INTERNAL_ERROR,
            "the tool's callback is gone",
        ));
    };
    if as_task && registered.background.is_none() {
        return Err(RpcError::new(
            jsonrpc::METHOD_NOT_FOUND,
            format!("tool `{name}` does not run as a task"),
        ));
    }
    let body = match tool.request(&registered.spec, &arguments) {
        Ok(body) => body,
        Err(problem) => return Ok(tool_error(problem)),
    };
    let checked = match prepare(context, &body) {
        Ok(checked) => checked,
        Err(problem) => return Ok(tool_error(problem)),
    };
    let debug = context.debug();
    let Some(options) = &registered.background else {
        let caller = Caller {
            headers: context.callback_headers(),
            user: context.user.cloned(),
            side_updates: SideUpdates::default(),
            live: None,
        };
        let answer = dispatch::run(&context.app.inner, checked, caller).await;
        return Ok(tool_result(answer, debug));
    };
    // An agent may poll a task rarely: the job is not abandoned before its
    // timeout.
    let idle = options.timeout + Duration::from_secs(60);
    let payload = payload(context, &tool.key, &body);
    let queued = match queue_job(context.app, &checked, payload, options, Some(idle)).await {
        Ok(queued) => queued,
        Err(answer) => return Ok(tool_result(answer, debug)),
    };
    if as_task {
        return tasks::create(context, tool, &body, &queued.job_id, options).await;
    }
    let answer = wait(
        context.app,
        registered,
        &checked.outputs,
        &queued.job_id,
        options,
    )
    .await;
    Ok(tool_result(answer, debug))
}
