//! `/health` (the process answers), `/ready` (what it needs is reachable)
//! and `/metrics` (Prometheus).

use std::time::Duration;

use axum::extract::{Request, State as AxumState};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::{Map, Value, json};

use crate::app::App;
use crate::metrics::ROUTES;

/// How long one readiness check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

pub(crate) async fn health() -> Response {
    let mut response = (StatusCode::OK, "ok\n").into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Runs every readiness check at once: 200 when all pass, else 503. The
/// body names each check and whether it passed; why one failed goes to the
/// log only.
pub(crate) async fn ready(AxumState(app): AxumState<App>) -> Response {
    let checks = app.inner.readiness.iter().map(|(name, check)| async move {
        let outcome = tokio::time::timeout(CHECK_TIMEOUT, check()).await;
        let passed = match outcome {
            Ok(Ok(())) => true,
            Ok(Err(problem)) => {
                tracing::warn!(check = %name, %problem, "readiness check failed");
                false
            }
            Err(_) => {
                tracing::warn!(check = %name, "readiness check timed out");
                false
            }
        };
        (name.clone(), passed)
    });
    let results = futures_util::future::join_all(checks).await;
    let all = results.iter().all(|(_, passed)| *passed);
    let checks: Map<String, Value> = results
        .into_iter()
        .map(|(name, passed)| (name, json!(if passed { "ok" } else { "failed" })))
        .collect();
    let status = if all {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({"status": if all { "ready" } else { "not ready" }, "checks": checks});
    let mut response =
        crate::rejection::json_response(status, axum::body::Bytes::from(body.to_string()));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub(crate) async fn metrics(AxumState(app): AxumState<App>) -> Response {
    let mut text = app
        .inner
        .metrics
        .render(app.inner.cache.stats(), app.inner.queue.active());
    if let Some(login) = &app.inner.login {
        login.snapshot().await.render(&mut text);
    }
    for source in &app.inner.metric_sources {
        let more = source();
        text.push_str(&more);
        if !more.is_empty() && !more.ends_with('\n') {
            text.push('\n');
        }
    }
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// Which of [`ROUTES`] a path is, by its last part.
fn route_of(path: &str, assets: &str) -> usize {
    let name = if path.ends_with("/login") || path.ends_with("/logout") || path.contains("/login/")
    {
        "login"
    } else if path.ends_with("/_dash-update-component") {
        "update"
    } else if path.ends_with("/_dash-ws-callback") {
        "websocket"
    } else if path.ends_with("/_dash-layout") {
        "layout"
    } else if path.ends_with("/_dash-dependencies") {
        "dependencies"
    } else if path.contains("/_dash-component-suites/") || path.ends_with("/_favicon.ico") {
        "component_suites"
    } else if path.contains(assets) {
        "assets"
    } else if path.ends_with("/_reload-hash") {
        "reload"
    } else if path.ends_with("/health") || path.ends_with("/ready") || path.ends_with("/metrics") {
        "health"
    } else if !path.contains("/_") {
        "index"
    } else {
        "other"
    };
    ROUTES
        .iter()
        .position(|r| *r == name)
        .unwrap_or(ROUTES.len() - 1)
}

/// Middleware around every route: sets the security headers on the answer
/// (errors included) and counts it by route and status class.
pub(crate) async fn finish(
    AxumState(app): AxumState<App>,
    request: Request,
    next: Next,
) -> Response {
    let route = route_of(request.uri().path(), &app.inner.assets_prefix);
    let mut response = next.run(request).await;
    app.inner.security_headers.apply(&mut response);
    app.inner.metrics.request(route, response.status().as_u16());
    response
}
