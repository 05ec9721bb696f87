//! `POST _dash-update-component`: decode the untrusted request, check it
//! against the callback's declaration, run the callback (or its background
//! job), encode the answer (dash-protocol §6, §8).

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::Query;
use axum::extract::State as AxumState;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::response::{IntoResponse, Response};
use ferrodash_core::wire::UpdateRequest;
use http::{HeaderMap, HeaderValue, StatusCode, header};

use super::background::{answer_poll, start_job, unavailable};
use crate::app::App;
use crate::background::{Handles, JobPayload};
use crate::callback::SideUpdates;
use crate::dispatch::{self, Answer, Caller};
use crate::rejection::ProtocolError;

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
            && essence
                .get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
            && essence
                .last_chunk::<5>()
                .is_some_and(|s| s.eq_ignore_ascii_case(b"+json")));
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
    // The CSRF check ran on the headers before the body was read
    // (`limits::guard_body`).
    let query = match query {
        Ok(Query(pairs)) => pairs,
        Err(rejection) => {
            return ProtocolError::UnreadableBody(rejection.body_text()).into_response();
        }
    };
    let user = user.map(|axum::Extension(user)| user);
    let debug = app.inner.config.dev_tools.ui;
    let mut response = match dispatch(&app, &query, headers, user, body).await {
        Ok(answer) => answer.into_response(debug),
        Err(refusal) => refusal.into_response(),
    };
    if debug {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if let Ok(value) = HeaderValue::from_str(&format!("__dash_server;dur={ms:.3}")) {
            response.headers_mut().insert("server-timing", value);
        }
    }
    response
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
) -> Result<Answer, ProtocolError> {
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
    let checked = dispatch::check(&app.inner, request, user.as_ref())?;
    let registered = checked.registered;

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

    let Some(options) = &registered.background else {
        let caller = Caller {
            headers,
            user,
            side_updates: SideUpdates::default(),
            live: None,
        };
        return Ok(dispatch::run(&app.inner, checked, caller).await);
    };
    if let Some(handle) = params(query, "job").next() {
        let refused = |problem| ProtocolError::JobHandle {
            callback: registered.spec.name.clone(),
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
        return Ok(answer_poll(registered, &checked.outputs, poll, options));
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
        output: checked.output.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
        user,
        scope: crate::background::scope_id(&scope),
        headers: JobPayload::headers_of(&headers),
        cache: None,
    };
    start_job(app, &checked, payload, options, &handles).await
}
