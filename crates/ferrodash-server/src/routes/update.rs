//! `POST _dash-update-component`: decode the untrusted request, check it
//! against the callback's declaration, run the callback, encode the answer
//! (dash-protocol §6).

use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::Query;
use axum::extract::State as AxumState;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::response::{IntoResponse, Response};
use ferrodash_core::wire::{
    DepValue, Outputs, Resolved, ResolvedProp, UpdateRequest, UpdateResponse,
};
use ferrodash_core::{CallbackError, CallbackOutputs, CallbackSpec, Dependency, is_no_update};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::{Map, Value, json};

use crate::app::{App, Registered};
use crate::background::{
    BackgroundOptions, CachedResult, Handles, Job, JobError, JobOutcome, JobPayload, JobPoll,
};
use crate::callback::{
    CallbackFailure, CallbackRequest, PropsUpdate, SideUpdates, client_store_problem,
};
use crate::rejection::{ProtocolError, json_response, server_error};
use ferrodash_cache::CacheKey;

/// A job queue that does not answer: 503, try again.
fn unavailable(error: &JobError) -> ProtocolError {
    ProtocolError::Unavailable(error.to_string())
}

/// Whether the request declares a JSON body.
fn is_json(headers: &HeaderMap) -> Result<(), ProtocolError> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .map_or(&b""[..], |v| v.as_bytes());
    let essence = value
        .split(|b| *b == b';')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    let prefix = b"application/";
    let json = essence.eq_ignore_ascii_case(b"application/json")
        || (essence.len() > prefix.len() + 5
            && essence[..prefix.len()].eq_ignore_ascii_case(prefix)
            && essence[essence.len() - 5..].eq_ignore_ascii_case(b"+json"));
    if json {
        return Ok(());
    }
    let shown = String::from_utf8_lossy(value).into_owned();
    Err(ProtocolError::UnsupportedContentType(if shown.is_empty() {
        "(none)".to_owned()
    } else {
        shown
    }))
}

pub(crate) async fn update_component(
    AxumState(app): AxumState<App>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
    user: Option<axum::Extension<ferrodash_auth::Principal>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let started = Instant::now();
    if app.inner.config.csrf_protection
        && let Some(problem) = crate::csrf::problem(&headers)
    {
        return ProtocolError::Csrf(problem).into_response();
    }
    let query = match query {
        Ok(Query(pairs)) => pairs,
        Err(rejection) => {
            return ProtocolError::UnreadableBody(rejection.body_text()).into_response();
        }
    };
    let user = user.map(|axum::Extension(user)| user);
    let mut response = match dispatch(&app, &query, headers, user, body).await {
        Ok(response) => response,
        Err(refusal) => refusal.into_response(),
    };
    if app.inner.config.dev_tools.ui {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if let Ok(value) = HeaderValue::from_str(&format!("__dash_server;dur={ms:.3}")) {
            response.headers_mut().insert("server-timing", value);
        }
    }
    response
}

/// Refuses a callback that needs groups the user is not in.
fn check_groups(
    spec: &ferrodash_core::CallbackSpec,
    groups: &[String],
    user: Option<&ferrodash_auth::Principal>,
) -> Result<(), ProtocolError> {
    if groups.is_empty() {
        return Ok(());
    }
    let user = user.ok_or(ProtocolError::LoginRequired)?;
    match groups.iter().find(|g| !user.in_group(g)) {
        Some(group) => Err(ProtocolError::Forbidden {
            callback: spec.name.clone(),
            group: group.clone(),
        }),
        None => Ok(()),
    }
}

/// The values of a query parameter.
fn params<'a>(query: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
    query
        .iter()
        .filter(move |(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn dispatch(
    app: &App,
    query: &[(String, String)],
    headers: HeaderMap,
    user: Option<ferrodash_auth::Principal>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ProtocolError> {
    is_json(&headers)?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ProtocolError::BodyTooLarge {
                limit: app.inner.config.max_body_bytes,
            }
        } else {
            ProtocolError::UnreadableBody(rejection.body_text())
        }
    })?;
    let request = UpdateRequest::from_slice(&body)?;
    let registered = app
        .inner
        .callbacks
        .get(&request.output)
        .ok_or_else(|| ProtocolError::UnknownCallback(request.output.clone()))?;
    let spec = &registered.spec;
    check_groups(spec, &registered.groups, user.as_ref())?;
    let outputs = match_outputs(spec, request.outputs)?;
    check_dependencies(spec, "inputs", &spec.inputs, &request.inputs)?;
    check_dependencies(spec, "state", &spec.state, &request.state)?;

    // The page's verified `end_id` binds background handles to it.
    let end_id = params(query, "endId")
        .next()
        .and_then(|token| app.inner.signer.verify("end", token))
        .unwrap_or_default()
        .to_owned();
    let user_id = user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
    let handles = Handles {
        signer: &app.inner.signer,
        end_id,
        user: &user_id,
    };
    // Any callback request may carry jobs to cancel (dash-protocol §8.3).
    for handle in params(query, "cancelJob") {
        if let Ok(job) = handles.verify_job(handle) {
            app.inner
                .queue
                .cancel(&job.job_id)
                .await
                .map_err(|e| unavailable(&e))?;
        }
    }

    let side_updates = SideUpdates::default();
    let debug = app.inner.config.dev_tools.ui;
    if let Some(options) = &registered.background {
        if let Some(handle) = params(query, "job").next() {
            let refused = |problem| ProtocolError::JobHandle {
                callback: spec.name.clone(),
                problem,
            };
            let job = handles.verify_job(handle).map_err(refused)?;
            if let Some(cache_key) = params(query, "cacheKey").next() {
                handles.verify_cache_key(cache_key).map_err(refused)?;
            }
            let poll = app
                .inner
                .queue
                .poll(&job.job_id)
                .await
                .map_err(|e| unavailable(&e))?;
            return Ok(answer_poll(registered, &outputs, poll, options, debug));
        }
        for handle in params(query, "oldJob") {
            if let Ok(old) = handles.verify_job(handle) {
                app.inner
                    .queue
                    .cancel(&old.job_id)
                    .await
                    .map_err(|e| unavailable(&e))?;
            }
        }
        let scope = app.inner.scope_of(&headers, user.as_ref());
        let payload = JobPayload {
            output: request.output,
            body: String::from_utf8_lossy(&body).into_owned(),
            user,
            scope: crate::background::scope_id(&scope),
            headers: JobPayload::headers_of(&headers),
            cache: None,
        };
        return start_job(app, registered, payload, options, &handles).await;
    }

    let call = CallbackRequest {
        spec: spec.clone(),
        inputs: request.inputs.into_iter().map(Some).collect(),
        state: request.state.into_iter().map(Some).collect(),
        changed_prop_ids: request.changed_prop_ids,
        side_updates: side_updates.clone(),
        scope: app.inner.scope_of(&headers, user.as_ref()),
        headers,
        user,
        app_state: app.inner.state.clone(),
        job: None,
        next_input: 0,
        next_state: 0,
    };
    let started = std::time::Instant::now();
    let result = (registered.handler)(call).await;
    let server_fault =
        matches!(&result, Err(e @ CallbackError::Failed(_)) if client_store_problem(e).is_none());
    app.inner
        .metrics
        .callback(registered.metrics_slot, started.elapsed(), server_fault);
    match result {
        Ok(values) => Ok(encode(
            registered,
            &outputs,
            values,
            side_updates.take(),
            debug,
        )),
        Err(CallbackError::PreventUpdate) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(CallbackError::InvalidArgument { argument, problem }) => {
            Err(ProtocolError::InvalidArgument {
                callback: spec.name.clone(),
                argument,
                problem,
            })
        }
        Err(error) => match client_store_problem(&error) {
            Some(problem) => Err(ProtocolError::InvalidArgument {
                callback: spec.name.clone(),
                argument: "server-side store key".to_owned(),
                problem: problem.to_string(),
            }),
            None => Ok(failed(registered, &outputs, &error, debug)),
        },
    }
}

/// A failed callback's answer: its `on_error` handler's outputs when it has
/// one, else a 500; logged with a correlation id either way.
fn failed(
    registered: &Registered,
    outputs: &[Resolved<ResolvedProp>],
    error: &CallbackError,
    debug: bool,
) -> Response {
    let what = format!("callback `{}` failed", registered.spec.name);
    let Some(on_error) = &registered.on_error else {
        return server_error(&what, &error.to_string(), debug);
    };
    let correlation_id = uuid::Uuid::new_v4().simple().to_string();
    tracing::error!(correlation_id = %correlation_id, error = %error, "{what}; answered by its on_error handler");
    let failure = CallbackFailure {
        message: error.to_string(),
        correlation_id,
    };
    match on_error(&failure) {
        Ok(values) => encode(registered, outputs, values, Vec::new(), debug),
        Err(CallbackError::PreventUpdate) => StatusCode::NO_CONTENT.into_response(),
        Err(second) => server_error(
            &format!("{what}, and so did its on_error handler"),
            &second.to_string(),
            debug,
        ),
    }
}

fn mismatch(spec: &CallbackSpec, problem: String) -> ProtocolError {
    ProtocolError::Mismatch {
        callback: spec.name.clone(),
        problem,
    }
}

/// Lines the request's resolved outputs up with the declared outputs,
/// checking ids (wildcard-aware) and properties.
fn match_outputs(
    spec: &CallbackSpec,
    outputs: Option<Outputs>,
) -> Result<Vec<Resolved<ResolvedProp>>, ProtocolError> {
    let declared = &spec.outputs;
    let entries: Vec<Resolved<ResolvedProp>> = match (declared.len(), outputs) {
        (0, None) => return Ok(Vec::new()),
        (0, Some(_)) => {
            return Err(mismatch(
                spec,
                "`outputs` was sent but the callback has no outputs".to_owned(),
            ));
        }
        (_, None) => return Err(mismatch(spec, "`outputs` is missing".to_owned())),
        (_, Some(Outputs::Object(one))) if !spec.multi_output => vec![Resolved::One(one)],
        (_, Some(Outputs::List(list))) if !spec.multi_output => {
            // A single output with an ALL wildcard arrives as a plain list.
            let props = list
                .into_iter()
                .map(|e| match e {
                    Resolved::One(p) => Ok(p),
                    Resolved::Many(_) => {
                        Err(mismatch(spec, "`outputs` holds a nested list".to_owned()))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            vec![Resolved::Many(props)]
        }
        (_, Some(Outputs::List(list))) => list,
        (_, Some(Outputs::Object(_))) => {
            return Err(mismatch(
                spec,
                format!("`outputs` must be a list of {} outputs", declared.len()),
            ));
        }
    };
    if entries.len() != declared.len() {
        return Err(mismatch(
            spec,
            format!(
                "`outputs` has {} entries, the callback declares {}",
                entries.len(),
                declared.len()
            ),
        ));
    }
    for (i, (entry, output)) in entries.iter().zip(declared).enumerate() {
        let wire_property = spec.wire_property(output);
        let check = |p: &ResolvedProp| {
            (output.target.id.matches(&p.id)
                && (p.property == wire_property || p.property == output.target.property))
                .then_some(())
                .ok_or_else(|| {
                    mismatch(
                        spec,
                        format!(
                            "`outputs[{i}]` is `{}.{}`, not `{}`",
                            p.id,
                            p.property,
                            output.target.key()
                        ),
                    )
                })
        };
        let has_all = output
            .target
            .id
            .wildcards()
            .any(|(_, w)| w == ferrodash_core::Wildcard::All);
        match entry {
            Resolved::One(p) if !has_all => check(p)?,
            Resolved::Many(list) if has_all => list.iter().try_for_each(check)?,
            _ => {
                return Err(mismatch(
                    spec,
                    format!(
                        "`outputs[{i}]` has the wrong shape for `{}`",
                        output.target.key()
                    ),
                ));
            }
        }
    }
    Ok(entries)
}

/// Checks that every sent dependency is the declared one (wildcard-aware), so
/// a crafted request cannot feed other components' values to a callback.
fn check_dependencies(
    spec: &CallbackSpec,
    field: &str,
    declared: &[Dependency],
    sent: &[Resolved<DepValue>],
) -> Result<(), ProtocolError> {
    if declared.len() != sent.len() {
        return Err(mismatch(
            spec,
            format!(
                "`{field}` has {} entries, the callback declares {}",
                sent.len(),
                declared.len()
            ),
        ));
    }
    for (i, (dep, entry)) in declared.iter().zip(sent).enumerate() {
        let check = |d: &DepValue| {
            (dep.target.id.matches(&d.id) && d.property == dep.target.property)
                .then_some(())
                .ok_or_else(|| {
                    mismatch(
                        spec,
                        format!(
                            "`{field}[{i}]` is `{}.{}`, not `{}`",
                            d.id,
                            d.property,
                            dep.target.key()
                        ),
                    )
                })
        };
        let is_list = dep.target.id.wildcards().any(|(_, w)| {
            matches!(
                w,
                ferrodash_core::Wildcard::All | ferrodash_core::Wildcard::AllSmaller
            )
        });
        match entry {
            Resolved::One(d) if !is_list => check(d)?,
            Resolved::Many(list) if is_list => list.iter().try_for_each(check)?,
            _ => {
                return Err(mismatch(
                    spec,
                    format!(
                        "`{field}[{i}]` has the wrong shape for `{}`",
                        dep.target.key()
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn set_value(
    response: &mut UpdateResponse,
    target: &Resolved<ResolvedProp>,
    value: Value,
) -> Result<(), String> {
    if is_no_update(&value) {
        return Ok(());
    }
    match target {
        Resolved::One(p) => {
            response.set_output(&p.id, &p.property, value);
            Ok(())
        }
        Resolved::Many(props) => {
            let Value::Array(values) = value else {
                return Err(format!(
                    "an ALL output needs a list of {} values",
                    props.len()
                ));
            };
            if values.len() != props.len() {
                return Err(format!(
                    "an ALL output matched {} components but the callback returned {} values",
                    props.len(),
                    values.len()
                ));
            }
            for (p, v) in props.iter().zip(values) {
                if !is_no_update(&v) {
                    response.set_output(&p.id, &p.property, v);
                }
            }
            Ok(())
        }
    }
}

fn encode(
    registered: &Registered,
    outputs: &[Resolved<ResolvedProp>],
    values: CallbackOutputs,
    side_updates: Vec<PropsUpdate>,
    debug: bool,
) -> Response {
    let mut response = UpdateResponse::new();
    let result = match values {
        CallbackOutputs::None => Ok(()),
        CallbackOutputs::Single(v) => outputs
            .first()
            .map_or(Ok(()), |target| set_value(&mut response, target, v)),
        CallbackOutputs::Multi(vs) => outputs
            .iter()
            .zip(vs)
            .try_for_each(|(target, v)| set_value(&mut response, target, v)),
    };
    if let Err(problem) = result {
        return server_error(
            &format!(
                "callback `{}` returned values that do not fit its outputs",
                registered.spec.name
            ),
            &problem,
            debug,
        );
    }
    for (id, props) in side_updates {
        response.set_props(id, props);
    }
    if (registered.spec.outputs.is_empty() || registered.background.is_some())
        && response.is_empty()
    {
        return StatusCode::NO_CONTENT.into_response();
    }
    json_ok(response.to_bytes())
}

fn json_ok(body: Vec<u8>) -> Response {
    json_response(StatusCode::OK, body)
}

/// The first request of a background callback: queues the job and answers
/// with its handles (no `response` key, so the page starts polling).
async fn start_job(
    app: &App,
    registered: &Registered,
    mut payload: JobPayload,
    options: &BackgroundOptions,
    handles: &Handles<'_>,
) -> Result<Response, ProtocolError> {
    // Identical inputs on the same callback, for the same user, share a key.
    let request = UpdateRequest::from_slice(payload.body.as_bytes())?;
    let scope = payload
        .scope
        .clone()
        .map_or(ferrodash_cache::Scope::Public, ferrodash_cache::Scope::User);
    let args = json!([
        CallbackRequest::values_of(&request.inputs.into_iter().map(Some).collect::<Vec<_>>()),
        CallbackRequest::values_of(&request.state.into_iter().map(Some).collect::<Vec<_>>())
    ]);
    let key = match CacheKey::new(
        &format!("background:{}", registered.spec.name),
        &args,
        &scope,
    ) {
        Ok(key) => key,
        Err(e) => {
            return Ok(server_error(
                "the job's cache key could not be built",
                &e.to_string(),
                false,
            ));
        }
    };
    let cache_key = key.to_token();
    payload.cache = options.cache_results.map(|ttl| CachedResult {
        key: cache_key.clone(),
        ttl_ms: u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX),
    });
    let job = Job::new(
        registered.spec.name.clone(),
        serde_json::to_string(&payload).unwrap_or_default(),
        options.interval,
        options.timeout,
    );
    let job_id = job.id.clone();
    app.inner
        .queue
        .start(job)
        .await
        .map_err(|e| unavailable(&e))?;
    app.inner.metrics.job_started();
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
    Ok(json_ok(
        serde_json::to_vec(&Value::Object(body)).unwrap_or_default(),
    ))
}

/// The answer to one poll of a background job: progress and side updates
/// while it runs, then its result as a normal answer.
fn answer_poll(
    registered: &Registered,
    outputs: &[Resolved<ResolvedProp>],
    poll: JobPoll,
    options: &BackgroundOptions,
    debug: bool,
) -> Response {
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
            json_ok(serde_json::to_vec(&json).unwrap_or_default())
        }
        JobPoll::Finished {
            outcome,
            side_updates,
        } => match outcome {
            JobOutcome::Done { outputs: values } => {
                encode(registered, outputs, values, side_updates, debug)
            }
            JobOutcome::Prevented => StatusCode::NO_CONTENT.into_response(),
            JobOutcome::Invalid { argument, problem } => ProtocolError::InvalidArgument {
                callback: registered.spec.name.clone(),
                argument,
                problem,
            }
            .into_response(),
            JobOutcome::Expired { timeout_ms } => failed(
                registered,
                outputs,
                &CallbackError::msg(format!(
                    "the background job was stopped after its timeout of {:?}",
                    Duration::from_millis(timeout_ms)
                )),
                debug,
            ),
            JobOutcome::Failed { message } => {
                failed(registered, outputs, &CallbackError::msg(message), debug)
            }
            _ => failed(
                registered,
                outputs,
                &CallbackError::msg("the background job ended in a way this server cannot show"),
                debug,
            ),
        },
        // Cancelled (by the page, or abandoned): nothing more to send.
        JobPoll::Cancelled => StatusCode::NO_CONTENT.into_response(),
        // The page polls a job nobody knows: say so rather than leave the
        // page's output silently stale (through `on_error` when it has one).
        _ => {
            let lost = ProtocolError::JobLost {
                callback: registered.spec.name.clone(),
            };
            if registered.on_error.is_some() {
                failed(registered, outputs, &CallbackError::msg(&lost), debug)
            } else {
                lost.into_response()
            }
        }
    }
}
