//! `POST _dash-update-component`: decode the untrusted request, check it
//! against the callback's declaration, run the callback, encode the answer
//! (dash-protocol §6).

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::extract::rejection::BytesRejection;
use axum::response::{IntoResponse, Response};
use ferrodash_core::wire::{
    DepValue, Outputs, Resolved, ResolvedProp, UpdateRequest, UpdateResponse,
};
use ferrodash_core::{CallbackError, CallbackOutputs, CallbackSpec, Dependency, is_no_update};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::Value;

use crate::app::{App, Registered};
use crate::callback::{CallbackRequest, SideUpdates};
use crate::rejection::{ProtocolError, server_error};

/// Whether the request declares a JSON body.
fn is_json(headers: &HeaderMap) -> Result<(), ProtocolError> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
    {
        Ok(())
    } else {
        Err(ProtocolError::UnsupportedContentType(if value.is_empty() {
            "(none)".to_owned()
        } else {
            value
        }))
    }
}

pub(crate) async fn update_component(
    AxumState(app): AxumState<App>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let started = Instant::now();
    let mut response = match dispatch(&app, headers, body).await {
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

async fn dispatch(
    app: &App,
    headers: HeaderMap,
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
    let outputs = match_outputs(spec, request.outputs)?;
    check_dependencies(spec, "inputs", &spec.inputs, &request.inputs)?;
    check_dependencies(spec, "state", &spec.state, &request.state)?;

    let side_updates = SideUpdates::default();
    let call = CallbackRequest {
        spec: spec.clone(),
        inputs: request.inputs.into_iter().map(Some).collect(),
        state: request.state.into_iter().map(Some).collect(),
        changed_prop_ids: request.changed_prop_ids,
        side_updates: side_updates.clone(),
        headers,
        app_state: app.inner.state.clone(),
        next_input: 0,
        next_state: 0,
    };
    let debug = app.inner.config.dev_tools.ui;
    let result = (registered.handler)(call).await;
    match result {
        Ok(values) => Ok(encode(registered, &outputs, values, &side_updates, debug)),
        Err(CallbackError::PreventUpdate) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(CallbackError::InvalidArgument { argument, problem }) => {
            Err(ProtocolError::InvalidArgument {
                callback: spec.name.clone(),
                argument,
                problem,
            })
        }
        Err(error) => Ok(server_error(
            &format!("callback `{}` failed", spec.name),
            &error.to_string(),
            debug,
        )),
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
    side_updates: &SideUpdates,
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
    for (id, props) in side_updates.take() {
        response.set_props(id, props);
    }
    if registered.spec.outputs.is_empty() && response.is_empty() {
        return StatusCode::NO_CONTENT.into_response();
    }
    let mut http = (StatusCode::OK, response.to_bytes()).into_response();
    http.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    http
}
